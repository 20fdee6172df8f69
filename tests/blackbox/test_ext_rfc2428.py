"""RFC 2428 (EPSV, EPRT, IPv6) and RFC 1639 (LPSV, LPRT): reply codes and
texts, EPSV ALL, the bounce and family checks on every form, real
transfers over IPv4 and IPv6 with raw sockets, ftplib and curl.

IPv6 servers listen on ::1 only ("-a ::1" after the fixture's own -a);
the test that needs both families passes "-a ''" (every address), which
is what a server started without -a does."""

import ftplib
import io
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from bbutil import (ANON_IDENT, GUEST_230, IO_TIMEOUT, LOOPBACK, NOOP_OK,
                    OTHER_LOOPBACK, TRANSFER_OK, RawControl, have_ipv6,
                    parse_pasv, recv_all, retr_bytes)

V6 = "::1"
EPSV_RE = re.compile(r"^229 Entering Extended Passive Mode \(\|\|\|(\d+)\|\)$")
LPSV_RE = re.compile(r"^228 Entering Long Passive Mode \(([\d,]+)\)$")


# ---------------------------------------------------------------- helpers

def _need_v6():
    if not have_ipv6():
        pytest.skip("no IPv6 loopback address ::1 on this host")


def _v6_server(ftpd, *extra, **kw):
    _need_v6()
    return ftpd("-a", V6, *extra, **kw)


def _raw(server, host=LOOPBACK):
    rc = RawControl(server.port, host=host)
    server.clients.append(rc)
    assert rc.reply().code == 220
    return rc


def _anon_raw(server, host=LOOPBACK):
    rc = _raw(server, host)
    assert rc.login("anonymous", ANON_IDENT).text == GUEST_230
    assert rc.cmd("TYPE I").text == "200 Type set to I."
    return rc


def _ftp(server, host):
    ftp = ftplib.FTP(timeout=IO_TIMEOUT)
    ftp.connect(host, server.port, timeout=IO_TIMEOUT)
    server.clients.append(ftp)
    return ftp


def _epsv_port(reply):
    m = EPSV_RE.match(reply.text if hasattr(reply, "text") else reply)
    assert m, f"bad EPSV reply: {reply}"
    return int(m.group(1))


def _passive_retr(rc, host, port, cmd):
    """RETR/LIST through an already announced passive port."""
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        first = rc.cmd(cmd)
        assert first.code == 150, first
        data = recv_all(d)
    final = rc.reply()
    return data, final


def _listener(host):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(1)
    s.settimeout(IO_TIMEOUT)
    return s


def _active_retr(rc, ls, cmd):
    """Send cmd after a successful PORT/EPRT/LPRT to ls; returns data and
    the final reply."""
    rc.send(cmd)
    conn, _ = ls.accept()
    with conn:
        first = rc.reply()
        assert first.code == 150, first
        data = recv_all(conn)
    return data, rc.reply()


def _no_data_channel(rc):
    """After a refused PORT-like command no data channel may be set."""
    r = rc.cmd("RETR pub/hello.txt")
    assert r.text == "425 Use PORT or PASV first.", r


def _lport(port):
    return f"{port >> 8},{port & 255}"


# ---------------------------------------------------------------- EPSV

def _listening_families(port):
    fams = set()
    for path, fam in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 6)):
        try:
            with open(path) as f:
                next(f, None)
                for line in f:
                    parts = line.split()
                    if (len(parts) > 3 and parts[3] == "0A" and
                            int(parts[1].rsplit(":", 1)[1], 16) == port):
                        fams.add(fam)
        except FileNotFoundError:
            pass
    return fams


def _all_addresses_server(ftpd):
    """A server started as without -a: every IPv4 and IPv6 address.  The
    port was only checked free on 127.0.0.1, so on a busy host the
    wildcard bind of one family may fail (the daemon then serves the
    other); try again with a new port in that case."""
    for _ in range(3):
        srv = ftpd("-a", "")
        if _listening_families(srv.port) == {4, 6}:
            return srv
        srv.stop()
    pytest.fail("could not get a server listening on both families")


def test_epsv_ipv4_and_ipv6_on_one_server(ftpd, world):
    _need_v6()
    srv = _all_addresses_server(ftpd)
    for host in (LOOPBACK, V6):
        rc = _anon_raw(srv, host)
        # EPSV with no argument and with the control connection's own
        # protocol number both work.
        for arg in ("EPSV", "EPSV 1" if host == LOOPBACK else "EPSV 2"):
            port = _epsv_port(rc.cmd(arg))
            lo, hi = srv.pasv_range
            assert lo <= port <= hi, (port, srv.pasv_range)
            data, final = _passive_retr(rc, host, port, "RETR pub/big.bin")
            assert final.text == TRANSFER_OK
            assert data == world.big
        assert rc.cmd("QUIT").text == "221 Goodbye."


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_epsv_protocol_numbers(ftpd, family):
    if family == "ipv4":
        srv, host, mine, other = ftpd(), LOOPBACK, 1, 2
    else:
        srv, host, mine, other = _v6_server(ftpd), V6, 2, 1
    rc = _anon_raw(srv, host)
    _epsv_port(rc.cmd(f"EPSV {mine}"))
    r = rc.cmd(f"EPSV {other}")
    assert r.text == f"522 Network protocol mismatch, use ({mine})", r
    r = rc.cmd("EPSV 3")
    assert r.code == 522, r
    assert r.text == f"522 Network protocol not supported, use ({mine})"
    assert rc.cmd("EPSV 99999999999999999999").code == 522
    for bad in ("EPSV x", "EPSV 1 2", "EPSV -1", "EPSV ALLX"):
        assert rc.cmd(bad).text == "501 Invalid EPSV argument.", bad
    assert rc.cmd("NOOP").text == NOOP_OK


def test_epsv_all_refuses_other_forms(server, world):
    rc = _anon_raw(server)
    assert rc.cmd("EPSV ALL").text == "200 EPSV ALL command successful."
    with _listener(LOOPBACK) as ls:
        p = ls.getsockname()[1]
        for cmd, verb in [("PASV", "PASV"), ("LPSV", "LPSV"),
                          (f"PORT 127,0,0,1,{_lport(p)}", "PORT"),
                          (f"EPRT |1|127.0.0.1|{p}|", "EPRT"),
                          (f"LPRT 4,4,127,0,0,1,2,{_lport(p)}", "LPRT")]:
            r = rc.cmd(cmd)
            assert r.text == f"501 No {verb} allowed after EPSV ALL.", r
        _no_data_channel(rc)
    # EPSV itself still works, for several transfers.
    for _ in range(2):
        port = _epsv_port(rc.cmd("EPSV"))
        data, final = _passive_retr(rc, LOOPBACK, port, "RETR pub/big.bin")
        assert final.text == TRANSFER_OK
        assert data == world.big


def test_epsv_disabled_with_E(ftpd, world):
    srv = ftpd("-E")
    rc = _raw(srv)
    feat = rc.cmd("FEAT")
    assert feat.code == 211, feat
    names = [ln[1:].split(" ")[0] for ln in feat.lines[1:-1]]
    assert "EPSV" not in names, feat
    assert "EPRT" in names, feat
    assert rc.login("anonymous", ANON_IDENT).text == GUEST_230
    assert rc.cmd("TYPE I").code == 200     # TYPE A is the default
    assert rc.cmd("EPSV").text == "500 EPSV command disabled."
    assert rc.cmd("EPSV ALL").text == "500 EPSV command disabled."
    assert rc.cmd("EPSV 1").text == "500 EPSV command disabled."
    # PASV is untouched, and FEAT after login agrees.
    host, port = parse_pasv(rc.cmd("PASV").text)
    data, final = _passive_retr(rc, host, port, "RETR pub/hello.txt")
    assert final.text == TRANSFER_OK
    assert data == world.files["pub/hello.txt"]
    feat = rc.cmd("FEAT")
    assert " EPSV" not in feat.lines, feat
    # ftplib on IPv4 uses PASV and is not affected.
    ftp = srv.anon()
    assert retr_bytes(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)


# ---------------------------------------------------------------- EPRT

def test_eprt_ipv4_any_delimiter(server, world):
    rc = _anon_raw(server)
    for d in ("|", "!", "#", "~"):
        with _listener(LOOPBACK) as ls:
            p = ls.getsockname()[1]
            r = rc.cmd(f"EPRT {d}1{d}127.0.0.1{d}{p}{d}")
            assert r.text == "200 EPRT command successful.", (d, r)
            data, final = _active_retr(rc, ls, "RETR pub/big.bin")
        assert final.text == TRANSFER_OK, d
        assert data == world.big, d
    # Nobody listens at the address given: 425 at once, session goes on.
    with _listener(LOOPBACK) as ls:
        p = ls.getsockname()[1]
    assert rc.cmd(f"EPRT |1|127.0.0.1|{p}|").code == 200
    r = rc.cmd("RETR pub/hello.txt", timeout=5)
    assert r.text == "425 Can't build data connection: Connection refused.", r
    assert rc.cmd("NOOP").text == NOOP_OK


def test_eprt_ipv6_any_delimiter_and_epsv_all(ftpd, world):
    srv = _v6_server(ftpd)
    rc = _anon_raw(srv, V6)
    for d in ("|", "!"):
        with _listener(V6) as ls:
            p = ls.getsockname()[1]
            r = rc.cmd(f"EPRT {d}2{d}::1{d}{p}{d}")
            assert r.text == "200 EPRT command successful.", (d, r)
            data, final = _active_retr(rc, ls, "RETR pub/big.bin")
        assert final.text == TRANSFER_OK, d
        assert data == world.big, d
    # EPSV ALL on IPv6: EPRT refused, EPSV still works.
    assert rc.cmd("EPSV ALL").text == "200 EPSV ALL command successful."
    with _listener(V6) as ls:
        r = rc.cmd(f"EPRT |2|::1|{ls.getsockname()[1]}|")
        assert r.text == "501 No EPRT allowed after EPSV ALL.", r
    port = _epsv_port(rc.cmd("EPSV 2"))
    data, final = _passive_retr(rc, V6, port, "RETR pub/hello.txt")
    assert final.text == TRANSFER_OK
    assert data == world.files["pub/hello.txt"]


def test_lpsv_ipv6(ftpd, world):
    srv = _v6_server(ftpd)
    rc = _anon_raw(srv, V6)
    r = rc.cmd("LPSV")
    m = LPSV_RE.match(r.text)
    assert m, r
    n = [int(x) for x in m.group(1).split(",")]
    assert n[:2] == [6, 16] and n[18] == 2, n
    assert bytes(n[2:18]) == socket.inet_pton(socket.AF_INET6, V6), n
    port = n[19] * 256 + n[20]
    data, final = _passive_retr(rc, V6, port, "RETR pub/big.bin")
    assert final.text == TRANSFER_OK
    assert data == world.big


def test_eprt_malformed_501_and_unknown_family_522(server):
    rc = _anon_raw(server)
    bad = [
        "|1|127.0.0.1|",                 # missing last delimiter
        "|1|127.0.0.1|5000",
        "|1|127.0.0.1|5000|x",           # trailing garbage
        "1|127.0.0.1|5000|",             # delimiter is a digit run
        "|1|127.0.0.1|70000|",           # port out of range
        "|1|127.0.0.1|0|",
        "|1|127.0.0.1|abc|",
        "|1|127.0.0.1|-5|",
        "|1|127.0.0.256|5000|",          # bad IPv4 address
        "|1|::1|5000|",                  # af 1 with an IPv6 address
        "|2|127.0.0.1|5000|",            # af 2 with an IPv4 address
        "|2|fe80::1%lo|5000|",           # scope ids are never accepted
        "|x|127.0.0.1|5000|",
        "||127.0.0.1|5000|",
        "|1||5000|",
        "| 1|127.0.0.1|5000|",
        " ",
    ]
    for arg in bad:
        r = rc.cmd(f"EPRT {arg}")
        assert r.code == 501, (arg, r)
        if r.text != "501 Syntax error in parameters or arguments.":
            assert r.text == "501 Invalid EPRT argument.", (arg, r)
    _no_data_channel(rc)
    assert rc.cmd("NOOP").text == NOOP_OK
    # An unknown address family: 522 with the supported list.
    for arg in ("|3|127.0.0.1|5000|", "|0|127.0.0.1|5000|",
                "!7!x!5000!", "|99999999999999999999|x|5000|"):
        r = rc.cmd(f"EPRT {arg}")
        assert r.text == "522 Network protocol not supported, use (1,2)", \
            (arg, r)
    _no_data_channel(rc)


def test_eprt_bounce_refused_ipv4(server):
    rc = _anon_raw(server)
    victim = _listener(OTHER_LOOPBACK)
    victim.settimeout(0.5)
    try:
        vp = victim.getsockname()[1]
        for arg in (f"|1|{OTHER_LOOPBACK}|{vp}|",       # third party
                    "|1|127.0.0.1|1023|",               # privileged port
                    "|1|127.0.0.1|21|",
                    f"|2|::ffff:{OTHER_LOOPBACK}|{vp}|"):  # v4-mapped
            r = rc.cmd(f"EPRT {arg}")
            assert r.text == "500 Illegal EPRT range rejected.", (arg, r)
            _no_data_channel(rc)
        with pytest.raises(socket.timeout):
            victim.accept()
    finally:
        victim.close()
    # An IPv6 address on an IPv4 control connection: wrong family.
    r = rc.cmd("EPRT |2|::1|5000|")
    assert r.text == "522 Network protocol not supported, use (1)", r
    _no_data_channel(rc)
    # The client's own address in v4-mapped form is the client itself.
    with _listener(LOOPBACK) as ls:
        r = rc.cmd(f"EPRT |2|::ffff:127.0.0.1|{ls.getsockname()[1]}|")
        assert r.text == "200 EPRT command successful.", r
        data, final = _active_retr(rc, ls, "RETR pub/hello.txt")
    assert final.text == TRANSFER_OK
    assert data == b"Hello, FTP!\n"


def test_eprt_bounce_refused_ipv6(ftpd):
    srv = _v6_server(ftpd)
    rc = _anon_raw(srv, V6)
    refused = [
        ("|2|::2|5000|", 500),                          # another host
        ("|2|::1|1023|", 500),                          # privileged port
        (f"|2|::ffff:{OTHER_LOOPBACK}|5000|", None),    # v4-mapped 3rd party
        ("|2|::ffff:127.0.0.1|5000|", None),            # v4 != ::1
        ("|1|127.0.0.1|5000|", 522),                    # wrong family
        ("|1|127.0.0.2|5000|", None),
    ]
    for arg, code in refused:
        r = rc.cmd(f"EPRT {arg}")
        if code is None:
            assert r.code in (500, 522), (arg, r)
        else:
            assert r.code == code, (arg, r)
        if r.code == 500:
            assert r.text == "500 Illegal EPRT range rejected.", (arg, r)
        _no_data_channel(rc)
    # PORT and LPRT with IPv4 addresses are refused on an IPv6 control
    # connection; LPRT with the client's own IPv6 address works.
    r = rc.cmd("PORT 127,0,0,1,19,136")
    assert r.code in (500, 522), r
    _no_data_channel(rc)
    with _listener(V6) as ls:
        p = ls.getsockname()[1]
        host = ",".join(str(b) for b in socket.inet_pton(socket.AF_INET6, V6))
        r = rc.cmd(f"LPRT 6,16,{host},2,{_lport(p)}")
        assert r.text == "200 LPRT command successful.", r
        data, final = _active_retr(rc, ls, "RETR pub/hello.txt")
    assert final.text == TRANSFER_OK
    assert data == b"Hello, FTP!\n"


def test_bounce_checks_off_with_R(ftpd, world):
    srv = ftpd("-R")
    rc = _anon_raw(srv)
    # A third party and a privileged port are accepted ...
    with _listener(OTHER_LOOPBACK) as ls:
        p = ls.getsockname()[1]
        r = rc.cmd(f"EPRT |1|{OTHER_LOOPBACK}|{p}|")
        assert r.text == "200 EPRT command successful.", r
        data, final = _active_retr(rc, ls, "RETR pub/hello.txt")
    assert final.text == TRANSFER_OK
    assert data == world.files["pub/hello.txt"]
    assert rc.cmd("EPRT |1|127.0.0.1|1023|").text == \
        "200 EPRT command successful."
    assert rc.cmd(f"LPRT 4,4,127,0,0,2,2,{_lport(5000)}").text == \
        "200 LPRT command successful."
    # ... but a port of 0 is still malformed, and an IPv6 address cannot
    # be reached from an IPv4 control connection.
    assert rc.cmd("EPRT |1|127.0.0.2|0|").text == "501 Invalid EPRT argument."
    r = rc.cmd("EPRT |2|::1|5000|")
    assert r.text == "522 Network protocol not supported, use (1)", r


# ---------------------------------------------------------------- LPSV/LPRT

def test_lpsv_lprt_roundtrip_ipv4(server, world):
    rc = _anon_raw(server)
    r = rc.cmd("LPSV")
    m = LPSV_RE.match(r.text)
    assert m, r
    n = [int(x) for x in m.group(1).split(",")]
    assert n[:2] == [4, 4] and n[2:6] == [127, 0, 0, 1] and n[6] == 2, n
    port = n[7] * 256 + n[8]
    lo, hi = server.pasv_range
    assert lo <= port <= hi
    data, final = _passive_retr(rc, LOOPBACK, port, "RETR pub/big.bin")
    assert final.text == TRANSFER_OK
    assert data == world.big
    assert rc.cmd("LPSV x").text == "501 LPSV takes no argument."
    # LPRT: a real active transfer.
    with _listener(LOOPBACK) as ls:
        p = ls.getsockname()[1]
        r = rc.cmd(f"LPRT 4,4,127,0,0,1,2,{_lport(p)}")
        assert r.text == "200 LPRT command successful.", r
        data, final = _active_retr(rc, ls, "RETR pub/big.bin")
    assert final.text == TRANSFER_OK
    assert data == world.big
    # Errors: unknown family (RFC 1639: 521), bounce, malformed.
    r = rc.cmd("LPRT 5,4,127,0,0,1,2,100,100")
    assert r.text == "521 Supported address families are (4, 6)", r
    r = rc.cmd("LPRT 4,4,127,0,0,2,2,100,100")
    assert r.text == "500 Illegal LPRT range rejected.", r
    r = rc.cmd("LPRT 4,4,127,0,0,1,2,3,255")       # port 1023
    assert r.text == "500 Illegal LPRT range rejected.", r
    for bad in ("4,4,127,0,0,1", "4,4,127,0,0,1,2,100", "4,3,127,0,0,2,100,1",
                "4,4,127,0,0,1,2,100,100,", "4,4,127,0,0,256,2,100,100",
                "6,4,127,0,0,1,2,100,100", "a,b"):
        assert rc.cmd(f"LPRT {bad}").text == "501 Invalid LPRT argument.", \
            bad
    _no_data_channel(rc)


# ---------------------------------------------------------------- IPv6

def _second_v6_loopback():
    """A second local IPv6 loopback address, or None."""
    for addr in ("::2",):
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
                s.bind((addr, 0))
            return addr
        except OSError:
            continue
    return None


def test_epsv_connection_from_foreign_ipv6_address_refused(ftpd, world):
    _need_v6()
    other = _second_v6_loopback()
    if other is None:
        pytest.skip("no second IPv6 loopback address (only ::1 is "
                    "configured); the IPv4 variant is in test_protocol.py")
    srv = _v6_server(ftpd)
    rc = _anon_raw(srv, V6)
    port = _epsv_port(rc.cmd("EPSV"))
    thief = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    thief.bind((other, 0))
    thief.settimeout(IO_TIMEOUT)
    thief.connect((V6, port))
    try:
        rc.send("RETR pub/big.bin")
        time.sleep(0.2)
        with socket.create_connection((V6, port), timeout=IO_TIMEOUT) as d:
            assert rc.reply().code == 150
            data = recv_all(d)
        assert rc.reply().text == TRANSFER_OK
        assert data == world.big
        thief.settimeout(3)
        try:
            stolen = thief.recv(65536)
        except ConnectionResetError:
            stolen = b""
        assert stolen == b""
    finally:
        thief.close()


def _record_commands(ftp):
    sent = []
    orig = ftp.putcmd

    def putcmd(line):
        sent.append(line)
        return orig(line)
    ftp.putcmd = putcmd
    return sent


def test_ftplib_ipv6_passive_and_active(ftpd, world, make_user):
    srv = _v6_server(ftpd)
    ftp = _ftp(srv, V6)
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    sent = _record_commands(ftp)
    ftp.voidcmd("TYPE I")
    # Passive: ftplib sends EPSV on IPv6.
    assert retr_bytes(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    # Active: ftplib sends EPRT on IPv6.
    ftp.set_pasv(False)
    assert retr_bytes(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    lines = []
    assert ftp.retrlines("NLST pub", lines.append) == TRANSFER_OK
    assert "pub/hello.txt" in lines or "hello.txt" in lines, lines
    verbs = [s.split(" ")[0] for s in sent]
    assert "EPSV" in verbs and "EPRT" in verbs, sent
    assert "PASV" not in verbs and "PORT" not in verbs, sent
    # PASV itself cannot describe an IPv6 address.
    with pytest.raises(ftplib.Error) as e:
        ftp.sendcmd("PASV")
    assert str(e.value) == \
        "425 Can't open passive connection: use EPSV on IPv6.", str(e.value)
    # Uploads over IPv6, passive and active, by a real user.
    user = make_user()
    uftp = _ftp(srv, V6)
    uftp.login(user.name, user.password)
    payload = os.urandom(300_000)
    for pasv in (True, False):
        uftp.set_pasv(pasv)
        name = f"up6-{'pasv' if pasv else 'actv'}.bin"
        assert uftp.storbinary(f"STOR {name}", io.BytesIO(payload)) == \
            TRANSFER_OK
        assert (user.home / name).read_bytes() == payload
        assert retr_bytes(uftp, name) == (payload, TRANSFER_OK)


# ---------------------------------------------------------------- curl

def _curl(args, timeout=30):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    return subprocess.run(["curl", "-sS", "-v", "--max-time", "20", *args],
                          capture_output=True, text=True, timeout=timeout)


def test_curl_ipv6_epsv_and_eprt(ftpd, world, tmp_path):
    srv = _v6_server(ftpd, "-d")
    for mode, args, verb in (("epsv", ["--ftp-pasv"], "EPSV"),
                             ("eprt", ["-P", V6], "EPRT")):
        out = tmp_path / f"curl6-{mode}.out"
        mark = world.syslog.mark()
        r = _curl(["-g", *args, "-o", str(out),
                   f"ftp://[::1]:{srv.port}/pub/big.bin"])
        assert r.returncode == 0, (mode, r.stderr[-3000:])
        assert out.read_bytes() == world.big, mode
        world.syslog.expect(rf"command: {verb}\b", start=mark)
