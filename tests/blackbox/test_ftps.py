"""FTPS (RFC 4217 explicit AUTH TLS, and implicit FTPS): FEAT, AUTH/PBSZ/PROT
replies, transfers with ftplib (passive, active, IPv6), curl, lftp and
openssl s_client, the data-connection session reuse requirement, STARTTLS
command injection, ftpd.conf tls/tlsreuse policies, truncated uploads, the
processes of a logged-in FTPS session, certificate reload on SIGHUP,
implicit FTPS, ALPN and SNI.

Every server gets a throwaway CA from tests/tls/make-certs.sh (the session
fixture `certs`); clients trust only that CA and check the name 127.0.0.1
(or ::1) against the certificate's SANs.  Data connections of the ftplib
clients resume the control connection's TLS session (tlsutil.ReusingFTP_TLS)
except where a test uses stock ftplib.FTP_TLS on purpose."""

import ftplib
import io
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import warnings

import pytest

import tlsutil
from bbutil import (ANON_IDENT, GUEST_230, IO_TIMEOUT, LOOPBACK, NOOP_OK,
                    TRANSFER_OK, RawControl, cmdline_of, control_port,
                    descendants_of, is_listening, parse_pasv,
                    pids_holding_connection, proc_ids, proc_root,
                    proc_status, recv_all, wait_until, assert_ran_ok,
                    have_ipv6, need_binary, run_client, same_tree)
from tlsutil import (ImplicitFTP_TLS, ReusingFTP_TLS, TLSLines,
                     client_context, make_certs, peer_der, retr,
                     sha256, wrap_client)

AUTH_OK = "234 AUTH TLS successful."
PBSZ_OK = "200 PBSZ=0"
TLS_REQUIRED = "530 TLS required: send AUTH TLS before USER."
PROT_REQUIRED = ("522 Data connections must be protected: send PBSZ 0 "
                 "and PROT P.")
NO_REUSE = ("522 data connection did not resume the control connection's "
            "TLS session")
V6 = "::1"


# ---------------------------------------------------------------- helpers

def _tls_server(ftpd, certs, *extra, settings=None, **kw):
    s = dict(certs.settings())
    s.update(settings or {})
    return ftpd(*extra, settings=s, **kw)


def _ftps(srv, certs, host=LOOPBACK, cls=ReusingFTP_TLS, port=None,
          context=None):
    """A connected (banner read) FTP_TLS client, closed with the server."""
    ftp = cls(context=context or client_context(certs), timeout=IO_TIMEOUT)
    srv.clients.append(ftp)
    ftp.connect(host, port or srv.port, timeout=IO_TIMEOUT)
    return ftp


def _secure(ftp, name="anonymous", password=ANON_IDENT):
    """AUTH TLS, PBSZ 0, PROT P, then log in (PROT set before login)."""
    assert ftp.auth() == AUTH_OK
    assert isinstance(ftp.sock, ssl.SSLSocket)
    assert ftp.sock.version() in ("TLSv1.2", "TLSv1.3"), ftp.sock.version()
    assert ftp.prot_p().startswith("200"), "PROT P refused"
    resp = ftp.login(name, password)
    assert resp.startswith("230"), resp
    return ftp


def _plain(srv, host=LOOPBACK):
    ftp = ftplib.FTP(timeout=IO_TIMEOUT)
    srv.clients.append(ftp)
    ftp.connect(host, srv.port, timeout=IO_TIMEOUT)
    return ftp


def _raw(srv, host=LOOPBACK, port=None):
    rc = RawControl(port or srv.port, host=host)
    srv.clients.append(rc)
    banner = rc.reply()
    assert banner.code == 220, banner
    return rc


def _raw_auth(srv, certs, host=LOOPBACK, alpn=None, server_hostname=None):
    """Raw control connection switched to TLS: a TLSLines."""
    rc = _raw(srv, host)
    assert rc.cmd("AUTH TLS").text == AUTH_OK
    assert not rc.buf, f"bytes after the 234 reply: {bytes(rc.buf)!r}"
    t = wrap_client(rc.sock, certs, host, alpn=alpn,
                    server_hostname=server_hostname)
    rc.sock = t                 # closed with the server's client list
    return TLSLines(t)


def _final(ftp):
    """The next reply on ftplib's control connection, errors as text."""
    try:
        return ftp.getresp()
    except ftplib.Error as e:
        return str(e)


def _feat(ftp):
    text = ftp.sendcmd("FEAT")
    lines = text.split("\n")
    assert lines[0].startswith("211-") and lines[-1].startswith("211 "), text
    return {ln.strip().upper() for ln in lines[1:-1]}


def _reply_of(fn):
    try:
        return fn()
    except ftplib.Error as e:
        return str(e)


def _all_reused(ftp):
    assert ftp.data_log, "no TLS data connection was made"
    bad = [d for d in ftp.data_log if not d[1]]
    assert not bad, f"data connections that did not resume: {bad}"


def _implicit_port():
    """(port, guard) for the implicit listener: free now, port - 1 held."""
    return control_port()


def _implicit_server(ftpd, certs, **kw):
    iport, guard = _implicit_port()
    settings = {"tls_implicit": "yes", "tls_implicit_port": str(iport)}
    settings.update(kw.pop("settings", {}))
    srv = _tls_server(ftpd, certs, settings=settings, **kw)
    srv.implicit_guard = guard
    srv.clients.append(guard)
    assert wait_until(lambda: is_listening(iport), 5.0), \
        f"no implicit listener on port {iport}"
    return srv, iport


# ---------------------------------------------------------------- 1. FEAT

def test_feat_lists_tls_only_with_a_certificate(ftpd, world, certs):
    srv = _tls_server(ftpd, certs)
    ftp = _plain(srv)
    feat = _feat(ftp)
    for f in ("AUTH TLS", "PBSZ", "PROT"):
        assert f in feat, (f, feat)
    assert "CCC" not in feat, feat
    # Plain FTP still works on the same port (tls allow is the default).
    ftp.login("anonymous", ANON_IDENT)
    for f in ("AUTH TLS", "PBSZ", "PROT"):
        assert f in _feat(ftp), f
    assert retr(ftp, "pub/hello.txt") == (world.files["pub/hello.txt"],
                                          TRANSFER_OK)
    # CCC is not implemented.
    assert _reply_of(lambda: ftp.sendcmd("CCC")).startswith("502"), "CCC"

    # Over TLS too, before and after login.
    tftp = _ftps(srv, certs)
    tftp.auth()
    assert {"AUTH TLS", "PBSZ", "PROT"} <= _feat(tftp)
    tftp.login("anonymous", ANON_IDENT)
    assert {"AUTH TLS", "PBSZ", "PROT"} <= _feat(tftp)

    srv.stop()              # one server per world (the pidfile)
    plain = ftpd()
    ftp = _plain(plain)
    words = {f.split()[0] for f in _feat(ftp) if f}
    assert not words & {"AUTH", "PBSZ", "PROT"}, words
    assert _reply_of(lambda: ftp.sendcmd("AUTH TLS")).startswith("502")
    ftp.login("anonymous", ANON_IDENT)
    words = {f.split()[0] for f in _feat(ftp) if f}
    assert not words & {"AUTH", "PBSZ", "PROT"}, words


def _start_fails(ftpd, world, settings):
    """Start a server that must refuse to start; the new stderr text."""
    try:
        before = world.stderr_path.stat().st_size
    except FileNotFoundError:
        before = 0
    srv = ftpd(settings=settings, wait=False)
    rc = srv.proc.wait(10)
    assert rc != 0, f"started with {settings}"
    with open(world.stderr_path, "rb") as f:
        f.seek(before)
        return f.read().decode(errors="replace")


def test_bad_certificate_or_key_stops_the_start(ftpd, world, certs, tmp_path):
    other = make_certs(tmp_path / "other")
    # A key that does not belong to the certificate.
    err = _start_fails(ftpd, world, {"tls_cert": str(certs.chain),
                                     "tls_key": str(other.key)})
    assert re.search(r"(?i)key|cert|tls", err), err
    # A certificate file that is not PEM.
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    err = _start_fails(ftpd, world, {"tls_cert": str(junk),
                                     "tls_key": str(certs.key)})
    assert re.search(r"(?i)key|cert|tls|pem", err), err
    # A missing file.
    err = _start_fails(ftpd, world, {"tls_cert": str(tmp_path / "none.pem"),
                                     "tls_key": str(certs.key)})
    assert err.strip(), "no reason given"
    # The good pair starts (the failures above were about the files).
    srv = _tls_server(ftpd, certs)
    assert srv.alive()


# ---------------------------------------------------------------- 2. ftplib

@pytest.mark.parametrize("pasv", [True, False], ids=["passive", "active"])
def test_ftplib_tls_anonymous_and_real_user(ftpd, world, certs, make_user,
                                            pasv):
    srv = _tls_server(ftpd, certs)
    ftp = _secure(_ftps(srv, certs))
    ftp.set_pasv(pasv)
    lines = []
    assert ftp.retrlines("LIST pub", lines.append) == TRANSFER_OK
    assert any(ln.endswith(" big.bin") for ln in lines), lines
    assert any(ln.endswith(" hello.txt") for ln in lines), lines
    names = []
    assert ftp.retrlines("NLST pub", names.append) == TRANSFER_OK
    assert {n.rsplit("/", 1)[-1] for n in names} >= {
        "big.bin", "hello.txt", "text.txt", "empty.txt", "sub"}, names
    facts = dict(ftp.mlsd("pub"))
    assert facts["big.bin"]["type"] == "file", facts
    assert int(facts["big.bin"]["size"]) == len(world.big), facts
    assert facts["sub"]["type"] == "dir", facts
    assert retr(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    assert retr(ftp, "pub/empty.txt") == (b"", TRANSFER_OK)
    _all_reused(ftp)
    assert ftp.voidcmd("NOOP") == NOOP_OK

    user = make_user()
    uftp = _secure(_ftps(srv, certs), user.name, user.password)
    uftp.set_pasv(pasv)
    payload = os.urandom(700_000)
    assert uftp.storbinary("STOR up.bin", io.BytesIO(payload)) == TRANSFER_OK
    assert sha256((user.home / "up.bin").read_bytes()) == sha256(payload)
    data, resp = retr(uftp, "up.bin")
    assert resp == TRANSFER_OK and sha256(data) == sha256(payload)
    lines = []
    uftp.retrlines("LIST", lines.append)
    assert any(ln.endswith(" up.bin") for ln in lines), lines
    _all_reused(uftp)


def test_ftplib_tls_ipv6(ftpd, world, certs, make_user):
    if not have_ipv6():
        pytest.skip("no IPv6 loopback address ::1 on this host")
    srv = _tls_server(ftpd, certs, "-a", V6)
    ftp = _secure(_ftps(srv, certs, host=V6))
    assert ftp.sock.getpeername()[0] == V6
    for pasv in (True, False):          # EPSV, EPRT
        ftp.set_pasv(pasv)
        assert retr(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    user = make_user()
    uftp = _secure(_ftps(srv, certs, host=V6), user.name, user.password)
    payload = os.urandom(100_000)
    for pasv in (True, False):
        uftp.set_pasv(pasv)
        name = f"v6-{int(pasv)}.bin"
        assert uftp.storbinary(f"STOR {name}", io.BytesIO(payload)) == \
            TRANSFER_OK
        assert retr(uftp, name) == (payload, TRANSFER_OK)
    _all_reused(ftp)
    _all_reused(uftp)


def test_tls_versions(ftpd, world, certs):
    srv = _tls_server(ftpd, certs)
    # TLS 1.3 is preferred.
    ftp = _secure(_ftps(srv, certs))
    assert ftp.sock.version() == "TLSv1.3"
    # A TLS 1.2 client works, data connections included (they resume
    # a TLS 1.2 session).
    ctx = client_context(certs)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ftp = _secure(_ftps(srv, certs, context=ctx))
    assert ftp.sock.version() == "TLSv1.2"
    for pasv in (True, False):
        ftp.set_pasv(pasv)
        assert retr(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
        assert ftp.retrlines("LIST pub", lambda ln: None) == TRANSFER_OK
    assert {d[0] for d in ftp.data_log} == {"TLSv1.2"}, ftp.data_log
    _all_reused(ftp)
    # TLS 1.1 is refused by the server (the client can offer it).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = client_context(certs)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    old = _ftps(srv, certs, context=ctx)
    with pytest.raises(ssl.SSLError) as ei:
        old.auth()
    assert "NO_PROTOCOLS_AVAILABLE" not in str(ei.value), str(ei.value)


def test_pbsz_prot_before_login_carry_into_session(ftpd, world, certs):
    # PBSZ/PROT sent before USER apply to the session: the data connection
    # of a raw client that never sends PROT after login is TLS.
    srv = _tls_server(ftpd, certs)
    t = _raw_auth(srv, certs)
    assert t.cmd("PBSZ 0") == PBSZ_OK
    assert t.cmd("PROT P").startswith("200")
    assert t.cmd("USER anonymous").startswith("331")
    assert t.cmd(f"PASS {ANON_IDENT}") == GUEST_230
    assert t.cmd("TYPE I").startswith("200")
    host, port = parse_pasv(t.cmd("PASV"))
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        first = t.cmd("RETR pub/hello.txt")
        assert first.startswith("150"), first
        with t.sock.context.wrap_socket(
                d, server_hostname=LOOPBACK, session=t.sock.session,
                suppress_ragged_eofs=False) as td:
            assert td.session_reused
            data = recv_all(td)
            td.unwrap()
    assert t.reply()[0] == TRANSFER_OK
    assert data == world.files["pub/hello.txt"]
    # PROT C after login: plaintext data again.
    assert t.cmd("PROT C").startswith("200")
    host, port = parse_pasv(t.cmd("PASV"))
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert t.cmd("RETR pub/text.txt").startswith("150")
        data = recv_all(d)
    assert t.reply()[0] == TRANSFER_OK
    assert data == world.files["pub/text.txt"]


def test_rein_keeps_tls_and_resets_prot(ftpd, world, certs):
    srv = _tls_server(ftpd, certs)
    ftp = _secure(_ftps(srv, certs))
    assert retr(ftp, "pub/hello.txt")[1] == TRANSFER_OK
    assert ftp.sendcmd("REIN") == "220 Service ready for new user."
    # Still TLS on the control connection (a plaintext reply would break
    # the SSL socket), and PROT is back to C: plaintext data works.
    assert isinstance(ftp.sock, ssl.SSLSocket)
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    ftp._prot_p = False
    assert retr(ftp, "pub/hello.txt") == (world.files["pub/hello.txt"],
                                          TRANSFER_OK)


# ---------------------------------------------------------------- 3. reuse

def test_stock_ftplib_without_session_reuse_is_refused(ftpd, world, certs):
    srv = _tls_server(ftpd, certs)
    ftp = _ftps(srv, certs, cls=ftplib.FTP_TLS)
    ftp.auth()
    ftp.prot_p()
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    replies = []
    getresp = ftp.getresp

    def logged_getresp():
        try:
            r = getresp()
        except ftplib.Error as e:
            replies.append(str(e))
            raise
        replies.append(r)
        return r
    ftp.getresp = logged_getresp
    mark = world.syslog.mark()
    got = bytearray()
    try:
        resp = ftp.retrbinary("RETR pub/hello.txt", got.extend)
    except ftplib.Error as e:
        resp = str(e)
    except (OSError, EOFError):        # ssl.SSLError is an OSError
        resp = _final(ftp)
    assert resp.startswith(NO_REUSE), resp
    assert bytes(got) == b""
    # 150 first (the data connection was opened), then the 522.
    assert [r[:3] for r in replies[-2:]] == ["150", "522"], replies
    # The control connection survives.
    assert ftp.voidcmd("NOOP") == NOOP_OK
    world.syslog.expect(r"\(the client started a new session\)", start=mark)
    # And a reusing client on the same server is fine.
    good = _secure(_ftps(srv, certs))
    assert retr(good, "pub/hello.txt") == (world.files["pub/hello.txt"],
                                           TRANSFER_OK)


def test_stock_ftplib_with_tlsreuse_off(ftpd, world, certs):
    world.conf("ftpd.conf", "tlsreuse all off\n")
    srv = _tls_server(ftpd, certs)
    ftp = _ftps(srv, certs, cls=ftplib.FTP_TLS)
    ftp.auth()
    ftp.prot_p()
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    assert retr(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    lines = []
    assert ftp.retrlines("NLST pub", lines.append) == TRANSFER_OK
    assert ftp.voidcmd("NOOP") == NOOP_OK


# ---------------------------------------------------------------- 4. curl

def _curl(certs, *args):
    need_binary("curl")
    return run_client(["curl", "-sS", "-v", "--max-time", "30",
                       "--cacert", str(certs.ca), *args])


def _check_curl_tls(r):
    assert_ran_ok(r)
    assert "AUTH TLS" in r.stderr, r.stderr[-3000:]
    assert "PROT P" in r.stderr, r.stderr[-3000:]


def test_curl_ssl_reqd_anonymous(ftpd, world, certs, tmp_path):
    srv = _tls_server(ftpd, certs)
    inc = world.make_incoming()
    url = f"ftp://127.0.0.1:{srv.port}"
    out = tmp_path / "big.out"
    r = _curl(certs, "--ssl-reqd", "-o", str(out), f"{url}/pub/big.bin")
    _check_curl_tls(r)
    assert out.read_bytes() == world.big
    # Three uploads: curl reads nothing from an upload's data connection
    # before closing it, so anything the server sent there unasked (TLS
    # 1.3 session tickets) makes the close a reset, and the kernel drops
    # upload bytes not yet sent (curl/curl#6149).  That depends on timing,
    # hence more than one try.
    for i in range(3):
        src = tmp_path / f"anon-up{i}.bin"
        src.write_bytes(os.urandom(150_000 + i))
        r = _curl(certs, "--ssl-reqd", "-T", str(src),
                  f"{url}/incoming/up{i}.bin")
        _check_curl_tls(r)
        assert (inc / f"up{i}.bin").read_bytes() == src.read_bytes()


def test_curl_ssl_reqd_real_user(ftpd, world, certs, make_user, tmp_path):
    srv = _tls_server(ftpd, certs)
    user = make_user()
    auth = ["-u", f"{user.name}:{user.password}"]
    url = f"ftp://127.0.0.1:{srv.port}"
    for i in range(3):                  # see test_curl_ssl_reqd_anonymous
        src = tmp_path / "up.bin"
        src.write_bytes(os.urandom(400_000 + i))
        r = _curl(certs, "--ssl-reqd", *auth, "-T", str(src),
                  f"{url}/up.bin")
        _check_curl_tls(r)
        dest = user.home / "up.bin"
        assert dest.read_bytes() == src.read_bytes()
        assert dest.stat().st_uid == user.uid
    # Passive only: curl 7.87-7.99 (Debian 12 has 7.88.1) cannot do active
    # FTPS at all (curl/curl#10666, fixed in 8.0); active mode is covered
    # with ftplib and lftp.
    out = tmp_path / "down.bin"
    r = _curl(certs, "--ssl-reqd", *auth, "-o", str(out), f"{url}/up.bin")
    _check_curl_tls(r)
    assert out.read_bytes() == src.read_bytes()


def test_curl_implicit_ftps(ftpd, world, certs, make_user, tmp_path):
    srv, iport = _implicit_server(ftpd, certs)
    need_binary("curl")
    out = tmp_path / "big.out"
    r = _curl(certs, "-o", str(out), f"ftps://127.0.0.1:{iport}/pub/big.bin")
    assert_ran_ok(r)
    assert "AUTH TLS" not in r.stderr, r.stderr[-3000:]
    assert out.read_bytes() == world.big
    user = make_user()
    src = tmp_path / "imp.bin"
    src.write_bytes(os.urandom(100_000))
    r = _curl(certs, "-u", f"{user.name}:{user.password}", "-T", str(src),
              f"ftps://127.0.0.1:{iport}/imp.bin")
    assert_ran_ok(r)
    assert (user.home / "imp.bin").read_bytes() == src.read_bytes()
    # The -P port still serves explicit FTPS (and plain FTP).
    out2 = tmp_path / "hello.out"
    r = _curl(certs, "--ssl-reqd", "-o", str(out2),
              f"ftp://127.0.0.1:{srv.port}/pub/hello.txt")
    _check_curl_tls(r)
    assert out2.read_bytes() == world.files["pub/hello.txt"]


# ---------------------------------------------------------------- 5. lftp

def _lftp(srv, certs, user, password, body, cwd):
    need_binary("lftp")
    script = ("set ftp:ssl-force true; set ftp:ssl-protect-data true; "
              "set ftp:ssl-protect-list true; "
              f"set ssl:ca-file {certs.ca}; set ssl:verify-certificate yes; "
              "set ssl:check-hostname yes; "
              "set net:max-retries 1; set net:timeout 10; "
              "set net:reconnect-interval-base 1; "
              "set ftp:passive-mode on; set cmd:fail-exit yes; "
              f"open -u {user},{password} -p {srv.port} 127.0.0.1; " + body)
    return run_client(["lftp", "-d", "-c", script], cwd=cwd)


def test_lftp_mirror_down_and_up(ftpd, world, certs, make_user, tmp_path):
    srv = _tls_server(ftpd, certs, "-d")
    dest = tmp_path / "down"
    mark = world.syslog.mark()
    r = _lftp(srv, certs, "anonymous", ANON_IDENT,
              f"mirror pub {dest}; quit", tmp_path)
    assert_ran_ok(r)
    assert same_tree(world.pub, dest, contents=True) == []
    world.syslog.expect(r"command: AUTH TLS", start=mark)
    world.syslog.expect(r"command: PROT P", start=mark)

    user = make_user()
    src = tmp_path / "tree"
    (src / "sub" / "deeper").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"alpha\n")
    (src / "sub" / "b.bin").write_bytes(os.urandom(300_000))
    (src / "sub" / "deeper" / "c.txt").write_bytes(b"gamma\n" * 100)
    (src / "sub" / "empty.txt").write_bytes(b"")
    mark = world.syslog.mark()
    r = _lftp(srv, certs, user.name, user.password,
              f"mirror -R {src} up; quit", tmp_path)
    assert_ran_ok(r)
    assert same_tree(src, user.home / "up", contents=True) == []
    world.syslog.expect(r"command: PROT P", start=mark)


# ---------------------------------------------------------------- 6. s_client

def test_openssl_s_client_starttls(ftpd, world, certs):
    need_binary("openssl")
    srv = _tls_server(ftpd, certs, "-d")
    r = run_client(["openssl", "s_client", "-starttls", "ftp",
                    "-connect", f"127.0.0.1:{srv.port}",
                    "-CAfile", str(certs.ca),
                    "-verify_return_error", "-verify_ip", "127.0.0.1",
                    "-crlf", "-ign_eof"],
                   input_text="USER anonymous\nQUIT\n", timeout=30)
    out = r.stdout
    # (The exit status is not checked: s_client exits 1 when the server
    # closes after 221 without close_notify, which the spec leaves open
    # for a connection that never logged in.)
    assert "Verify return code: 0 (ok)" in out, (out[-3000:],
                                                 r.stderr[-3000:])
    assert "331 Guest login ok" in out, out[-3000:]
    assert "221 Goodbye." in out, out[-3000:]
    world.syslog.expect(r"command: USER anonymous")


# ---------------------------------------------------------------- 7. injection

def test_starttls_command_injection_is_discarded(ftpd, world, certs):
    srv = _tls_server(ftpd, certs, "-d")
    rc = _raw(srv)
    mark = world.syslog.mark()
    rc.send(b"AUTH TLS\r\nUSER evil\r\n")        # one packet
    assert rc.reply().text == AUTH_OK
    assert not rc.buf, f"reply to the injected line: {bytes(rc.buf)!r}"
    t = TLSLines(wrap_client(rc.sock, certs))
    rc.sock = t.sock
    # Had "USER evil" run, PASS would be tried (530 after a delay).
    assert t.cmd("PASS x") == "503 Login with USER first."
    assert t.cmd("NOOP") == NOOP_OK
    world.syslog.expect(r"command: AUTH TLS", start=mark)
    world.syslog.expect(r"command: PASS", start=mark)
    assert not [x for x in world.syslog.texts()[mark:] if "evil" in x], \
        world.syslog.texts()[mark:]
    # A real login still works on this connection.
    assert t.cmd("USER anonymous").startswith("331")
    assert t.cmd(f"PASS {ANON_IDENT}") == GUEST_230


def test_auth_forgets_an_earlier_user(ftpd, world, certs):
    srv = _tls_server(ftpd, certs)
    rc = _raw(srv)
    assert rc.cmd("USER anonymous").code == 331
    assert rc.cmd("AUTH TLS").text == AUTH_OK
    t = TLSLines(wrap_client(rc.sock, certs))
    rc.sock = t.sock
    assert t.cmd(f"PASS {ANON_IDENT}") == "503 Login with USER first."


# ---------------------------------------------------------------- 8. policy

def test_tls_login_policy_for_real_and_chroot(ftpd, world, certs, make_user):
    world.conf("ftpd.conf", "tls real login\ntls chroot login\n")
    user = make_user()
    jailed = make_user()
    world.conf("ftpchroot", f"{jailed.name}\n")
    srv = _tls_server(ftpd, certs)
    for u in (user, jailed):
        rc = _raw(srv)
        assert rc.cmd(f"USER {u.name}").text == TLS_REQUIRED
        # Nothing was accepted: PASS has no USER to go with.
        assert rc.cmd(f"PASS {u.password}").code in (503, 530)
        assert rc.cmd("PWD").code == 530
    # Anonymous is exempt by default.
    ftp = _plain(srv)
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    assert retr(ftp, "pub/hello.txt")[1] == TRANSFER_OK
    # Over TLS both real users log in and transfer.
    for u in (user, jailed):
        t = _secure(_ftps(srv, certs), u.name, u.password)
        assert t.storbinary("STOR t.bin", io.BytesIO(b"x" * 1000)) == \
            TRANSFER_OK
        assert (u.home / "t.bin").read_bytes() == b"x" * 1000
    jt = _secure(_ftps(srv, certs), jailed.name, jailed.password)
    assert jt.sendcmd("PWD") == '257 "/" is current directory.'


def test_tls_login_for_one_class_refuses_every_real_name(ftpd, world, certs,
                                                        make_user):
    # Before the password the class of a real user is unknown: any
    # non-guest name is refused on plaintext if any non-guest class needs
    # TLS; the anonymous names follow class guest.
    world.conf("ftpd.conf", "tls chroot login\n")
    user = make_user()
    srv = _tls_server(ftpd, certs)
    rc = _raw(srv)
    assert rc.cmd(f"USER {user.name}").text == TLS_REQUIRED
    assert rc.cmd("USER nosuchuser").text == TLS_REQUIRED
    assert _plain(srv).login("ftp", ANON_IDENT) == GUEST_230
    t = _secure(_ftps(srv, certs), user.name, user.password)
    assert t.voidcmd("NOOP") == NOOP_OK


def test_tls_all_data_policy(ftpd, world, certs, make_user):
    world.conf("ftpd.conf", "tls all data\n")
    user = make_user()
    (user.home / "f.txt").write_bytes(b"file\n")
    srv = _tls_server(ftpd, certs)
    # data implies login, for every class here (guest included).
    rc = _raw(srv)
    assert rc.cmd(f"USER {user.name}").text == TLS_REQUIRED
    rc = _raw(srv)
    assert rc.cmd("USER anonymous").text == TLS_REQUIRED
    # TLS control connection, PROT still C: every transfer gets 522.
    ftp = _ftps(srv, certs)
    assert ftp.auth() == AUTH_OK
    assert ftp.login(user.name, user.password).startswith("230")
    for cmd in ("RETR f.txt", "LIST", "NLST", "MLSD"):
        resp = _reply_of(lambda: ftp.retrbinary(cmd, lambda b: None))
        assert resp == PROT_REQUIRED, (cmd, resp)
    resp = _reply_of(lambda: ftp.storbinary("STOR new.bin",
                                            io.BytesIO(b"data")))
    assert resp == PROT_REQUIRED, resp
    assert not (user.home / "new.bin").exists()
    assert ftp.sendcmd("PBSZ 0") == PBSZ_OK
    assert _reply_of(lambda: ftp.sendcmd("PROT C")).startswith("534")
    assert ftp.sendcmd("PROT P").startswith("200")
    ftp._prot_p = True
    assert retr(ftp, "f.txt") == (b"file\n", TRANSFER_OK)
    assert ftp.storbinary("STOR new.bin", io.BytesIO(b"data")) == TRANSFER_OK
    assert (user.home / "new.bin").read_bytes() == b"data"
    _all_reused(ftp)
    # Anonymous over TLS with PROT P works too.
    a = _secure(_ftps(srv, certs))
    assert retr(a, "pub/big.bin") == (world.big, TRANSFER_OK)


def test_tls_off_for_guest_and_chroot(ftpd, world, certs, make_user):
    world.conf("ftpd.conf", "tls guest off\ntls chroot off\n")
    jailed = make_user()
    user = make_user()
    world.conf("ftpchroot", f"{jailed.name}\n")
    srv = _tls_server(ftpd, certs)
    # Anonymous over TLS: refused (at USER or at PASS).
    ftp = _ftps(srv, certs)
    assert ftp.auth() == AUTH_OK
    resp = _reply_of(lambda: ftp.login("anonymous", ANON_IDENT))
    assert resp.startswith("530"), resp
    assert _reply_of(lambda: ftp.sendcmd("PWD")).startswith("530")
    # ... but fine in plaintext.
    assert _plain(srv).login("anonymous", ANON_IDENT) == GUEST_230
    # A chrooted real user: the class is known after the password only,
    # so the login worker refuses it then.
    ftp = _ftps(srv, certs)
    ftp.auth()
    resp = _reply_of(lambda: ftp.login(jailed.name, jailed.password))
    assert resp.startswith("530"), resp
    assert _reply_of(lambda: ftp.sendcmd("PWD")).startswith("530")
    assert _plain(srv).login(jailed.name, jailed.password).startswith("230")
    # Class real (allow) is unaffected.
    t = _secure(_ftps(srv, certs), user.name, user.password)
    assert t.voidcmd("NOOP") == NOOP_OK


# ---------------------------------------------------------------- 9. replies

def test_auth_pbsz_prot_replies(ftpd, world, certs):
    srv = _tls_server(ftpd, certs)
    rc = _raw(srv)
    assert rc.cmd("PBSZ 0").code == 503
    assert rc.cmd("PROT P").code == 503
    assert rc.cmd("PROT C").code == 503
    assert rc.cmd("AUTH KERBEROS_V4").code == 504
    assert rc.cmd("AUTH GSSAPI").code == 504
    assert rc.cmd("auth tls").text == AUTH_OK       # case-insensitive
    t = TLSLines(wrap_client(rc.sock, certs))
    rc.sock = t.sock
    assert t.cmd("AUTH TLS").startswith("503")
    assert t.cmd("AUTH SSL").startswith("503")
    assert t.cmd("PROT P").startswith("503")        # before PBSZ
    assert t.cmd("PBSZ").startswith("501")
    assert t.cmd("PBSZ abc").startswith("501")
    assert t.cmd("PBSZ 0") == PBSZ_OK
    assert t.cmd("PBSZ 1024") == PBSZ_OK          # always 0 (RFC 4217)
    assert t.cmd("PROT").startswith("501")
    assert t.cmd("PROT S").startswith("536")
    assert t.cmd("PROT E").startswith("536")
    assert t.cmd("PROT X").startswith("504")
    assert t.cmd("PROT C").startswith("200")
    assert t.cmd("PROT P").startswith("200")
    assert t.cmd("CCC").startswith("502")
    assert t.cmd("NOOP") == NOOP_OK
    # The same after login.
    assert t.cmd("USER anonymous").startswith("331")
    assert t.cmd(f"PASS {ANON_IDENT}") == GUEST_230
    assert t.cmd("AUTH TLS").startswith("503")
    assert t.cmd("PBSZ x").startswith("501")
    assert t.cmd("PBSZ 0") == PBSZ_OK
    assert t.cmd("PROT E").startswith("536")
    assert t.cmd("PROT Q").startswith("504")
    assert t.cmd("PROT").startswith("501")
    assert t.cmd("PROT C").startswith("200")

    # The other mechanism names.
    for mech in ("SSL", "TLS-C", "tls-c", "Ssl"):
        rc = _raw(srv)
        assert rc.cmd(f"AUTH {mech}").text == AUTH_OK, mech
        t = TLSLines(wrap_client(rc.sock, certs))
        rc.sock = t.sock
        assert t.cmd("NOOP") == NOOP_OK, mech
    # AUTH after a plaintext login is refused.
    rc = _raw(srv)
    assert rc.login("anonymous", ANON_IDENT).text == GUEST_230
    assert rc.cmd("AUTH TLS").code == 503
    assert rc.cmd("PBSZ 0").code == 503
    assert rc.cmd("NOOP").text == NOOP_OK


def test_auth_without_certificate_is_502(ftpd, world):
    srv = ftpd()
    rc = _raw(srv)
    assert rc.cmd("AUTH TLS").code == 502
    assert rc.cmd("PBSZ 0").code in (502, 503)
    assert rc.cmd("NOOP").text == NOOP_OK       # still plaintext


# ---------------------------------------------------------------- 10. truncation

def test_truncated_upload_is_451_and_clean_one_226(ftpd, world, certs,
                                                   make_user):
    user = make_user()
    srv = _tls_server(ftpd, certs)
    ftp = _secure(_ftps(srv, certs), user.name, user.password)
    ftp.voidcmd("TYPE I")
    mark = world.syslog.mark()
    payload = os.urandom(200_000)
    conn = ftp.transfercmd("STOR cut.bin")
    assert isinstance(conn, ssl.SSLSocket) and conn.session_reused
    conn.sendall(payload)
    # TCP FIN without close_notify: SSLSocket.shutdown() drops the TLS
    # layer first and shuts the socket down underneath it.  Then read
    # (raw) until the server closes: closing with unread bytes (its
    # session tickets) would send a RST instead of the FIN.
    conn.shutdown(socket.SHUT_WR)
    recv_all(conn)
    conn.close()
    with pytest.raises(ftplib.error_temp) as ei:
        ftp.voidresp()
    resp = str(ei.value)
    assert resp.startswith("451"), resp
    assert "truncated" in resp.lower(), resp
    world.syslog.expect(r"(?i)truncat", start=mark)
    assert ftp.voidcmd("NOOP") == NOOP_OK
    # With close_notify (ftplib's storbinary unwraps): complete.
    assert ftp.storbinary("STOR whole.bin", io.BytesIO(payload)) == \
        TRANSFER_OK
    assert (user.home / "whole.bin").read_bytes() == payload


# ---------------------------------------------------------------- 11. privileges

def test_ftps_session_processes(ftpd, world, certs, make_user):
    user = make_user()
    (user.home / "f.bin").write_bytes(b"f" * 5000)
    srv = _tls_server(ftpd, certs)
    nobody = pwd.getpwnam(srv.settings["nopriv_user"])
    ftp = _secure(_ftps(srv, certs), user.name, user.password)
    assert ftp.voidcmd("NOOP") == NOOP_OK

    def ids(pid):
        try:
            return proc_ids(pid)[0]
        except (OSError, KeyError):
            return None
    relay = srv.session_pid(ftp, lambda p: ids(p) == [nobody.pw_uid] * 4)
    assert relay, ("no process running as nobody holds the TLS control "
                   "connection: " + repr([(p, ids(p), cmdline_of(p))
                                          for p, _ in descendants_of(srv.pid)]))
    title = " ".join(cmdline_of(relay))
    assert "[tls]" in title, title
    # The relay is the pre-login process, still jailed in empty_dir.
    assert proc_root(relay) == os.path.realpath(str(world.empty_dir))
    assert proc_status(relay).get("NoNewPrivs") == "1"

    def sessions():
        return [p for p, _ in descendants_of(srv.pid)
                if ids(p) == [user.uid] * 4]
    sess = wait_until(lambda: sessions() if len(sessions()) == 1 else None,
                      5.0)
    assert sess, [(p, ids(p), cmdline_of(p))
                  for p, _ in descendants_of(srv.pid)]
    sess = sess[0]
    assert user.name in " ".join(cmdline_of(sess)), cmdline_of(sess)
    assert sess != relay
    for pid in (relay, sess):
        uids = ids(pid)
        assert 0 not in uids[:3], (pid, uids)
    # The session does not hold the TCP control connection; only the relay.
    cport = ftp.sock.getsockname()[1]
    holders = pids_holding_connection(srv.port, cport,
                                      [p for p, _ in descendants_of(srv.pid)])
    assert holders == [relay], holders
    # Both keep working through a transfer; still the same two processes.
    assert retr(ftp, "f.bin") == (b"f" * 5000, TRANSFER_OK)
    assert ftp.voidcmd("NOOP") == NOOP_OK
    assert sessions() == [sess]
    assert pids_holding_connection(
        srv.port, cport, [p for p, _ in descendants_of(srv.pid)]) == [relay]


# ---------------------------------------------------------------- 12. SIGHUP

def test_sighup_reloads_certificate(ftpd, world, certs, tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    cert, key = live / "cert.pem", live / "key.pem"

    def install(c):
        for src, dst in ((c.chain, cert), (c.key, key)):
            tmp = dst.with_suffix(".new")
            shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o600)
            os.replace(tmp, dst)
    install(certs)
    srv = ftpd(settings={"tls_cert": str(cert), "tls_key": str(key)})
    assert peer_der(srv.port) == certs.leaf_der()
    old = _secure(_ftps(srv, certs))
    assert retr(old, "pub/hello.txt")[1] == TRANSFER_OK

    other = make_certs(tmp_path / "b")
    assert other.leaf_der() != certs.leaf_der()
    install(other)
    os.kill(srv.pid, signal.SIGHUP)
    got = wait_until(lambda: peer_der(srv.port) == other.leaf_der(), 5.0,
                     interval=0.1)
    assert got, "new connections still get the old certificate"
    # A client trusting only the new CA logs in and transfers.
    new = _secure(_ftps(srv, other))
    assert retr(new, "pub/big.bin") == (world.big, TRANSFER_OK)
    # A client trusting only the old CA now fails the handshake.
    stale = _ftps(srv, certs)
    with pytest.raises(ssl.SSLError):
        stale.auth()
    # The session opened before the reload keeps working, data included.
    assert old.voidcmd("NOOP") == NOOP_OK
    assert retr(old, "pub/big.bin") == (world.big, TRANSFER_OK)
    _all_reused(old)

    # A broken file on SIGHUP: logged, the running certificate stays.
    mark = world.syslog.mark()
    cert.write_text("garbage\n")
    os.kill(srv.pid, signal.SIGHUP)
    world.syslog.expect(
        rf"{re.escape(str(cert))}"
        r"|(?i:(tls|cert).*(keep|old|fail|error|bad|can))"
        r"|(?i:(keep|fail|error).*(tls|cert))", start=mark)
    assert srv.alive()
    assert peer_der(srv.port) == other.leaf_der()
    again = _secure(_ftps(srv, other))
    assert retr(again, "pub/hello.txt")[1] == TRANSFER_OK


# ---------------------------------------------------------------- 13. implicit

def test_implicit_ftplib(ftpd, world, certs, make_user):
    srv, iport = _implicit_server(ftpd, certs)
    ftp = _ftps(srv, certs, cls=ImplicitFTP_TLS, port=iport)
    assert ftp.welcome.startswith("220"), ftp.welcome
    assert isinstance(ftp.sock, ssl.SSLSocket)
    assert _reply_of(lambda: ftp.sendcmd("AUTH TLS")).startswith("503")
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    # PROT is P by default on an implicit connection: TLS data without
    # PBSZ/PROT having been sent.
    ftp._prot_p = True
    assert retr(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    # PBSZ/PROT may still be sent.
    assert ftp.prot_p().startswith("200")
    assert retr(ftp, "pub/hello.txt") == (world.files["pub/hello.txt"],
                                          TRANSFER_OK)
    _all_reused(ftp)
    # REIN keeps TLS and PROT goes back to P, the implicit default.
    assert ftp.sendcmd("REIN") == "220 Service ready for new user."
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    ftp._prot_p = True
    assert retr(ftp, "pub/text.txt") == (world.files["pub/text.txt"],
                                         TRANSFER_OK)
    user = make_user()
    uftp = _ftps(srv, certs, cls=ImplicitFTP_TLS, port=iport)
    uftp.login(user.name, user.password)
    uftp.prot_p()
    payload = os.urandom(50_000)
    assert uftp.storbinary("STOR imp.bin", io.BytesIO(payload)) == \
        TRANSFER_OK
    assert retr(uftp, "imp.bin") == (payload, TRANSFER_OK)
    # A plaintext client on the implicit port gets no banner in clear.
    with socket.create_connection((LOOPBACK, iport), timeout=IO_TIMEOUT) as s:
        s.settimeout(0.5)
        try:
            first = s.recv(100)
        except socket.timeout:
            first = b""
        assert not first.startswith(b"220"), first


# ---------------------------------------------------------------- 14. ALPN, SNI

def test_alpn_other_than_ftp_is_refused(ftpd, world, certs):
    srv = _tls_server(ftpd, certs)
    with pytest.raises(ssl.SSLError) as ei:
        _raw_auth(srv, certs, alpn=["http/1.1"])
    assert "ALPN" in str(ei.value).upper() or \
        "APPLICATION" in str(ei.value).upper(), str(ei.value)
    t = _raw_auth(srv, certs, alpn=["ftp"])
    assert t.sock.selected_alpn_protocol() == "ftp"
    assert t.cmd("NOOP") == NOOP_OK
    t = _raw_auth(srv, certs, alpn=["http/1.1", "ftp"])
    assert t.sock.selected_alpn_protocol() == "ftp"
    t = _raw_auth(srv, certs)                   # no ALPN at all
    assert t.sock.selected_alpn_protocol() is None
    assert t.cmd("NOOP") == NOOP_OK


def test_sni_check(ftpd, world, certs):
    srv = _tls_server(ftpd, certs, settings={"tls_sni": "localhost"})
    t = _raw_auth(srv, certs, server_hostname="localhost")
    assert t.cmd("NOOP") == NOOP_OK
    t = _raw_auth(srv, certs)                   # an IP: no SNI sent
    assert t.cmd("NOOP") == NOOP_OK
    rc = _raw(srv)
    assert rc.cmd("AUTH TLS").text == AUTH_OK
    ctx = client_context(certs, check_hostname=False)
    with pytest.raises(ssl.SSLError):
        ctx.wrap_socket(rc.sock, server_hostname="other.example")


# ---------------------------------------------------------------- inetd

def test_inetd_explicit_and_implicit(inetd, world, certs):
    sess = inetd(settings=certs.settings())
    ftp = sess.connect(client=lambda port, timeout: tlsutil.ftps_connect(
        port, certs, timeout=timeout))
    _secure(ftp)
    assert retr(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    ftp.set_pasv(False)
    assert retr(ftp, "pub/hello.txt") == (world.files["pub/hello.txt"],
                                          TRANSFER_OK)
    _all_reused(ftp)

    settings = dict(certs.settings(), tls_implicit="yes")
    sess = inetd(settings=settings)
    ftp = sess.connect(client=lambda port, timeout: tlsutil.ftps_connect(
        port, certs, cls=ImplicitFTP_TLS, timeout=timeout))
    assert ftp.welcome.startswith("220"), ftp.welcome
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    ftp._prot_p = True                  # the implicit default
    assert retr(ftp, "pub/big.bin") == (world.big, TRANSFER_OK)
    _all_reused(ftp)


# ------------------------------------------- the private key's whereabouts

def _private_scalar(certs):
    """The EC private key's scalar, big-endian, from openssl pkey -text."""
    out = subprocess.run(["openssl", "pkey", "-in", str(certs.key), "-text",
                          "-noout"], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    hexpart = out.split("priv:", 1)[1].split("pub:", 1)[0]
    raw = bytes.fromhex("".join(hexpart.split()).replace(":", ""))
    return raw[-32:].rjust(32, b"\0")


def _memory_holds(pid, needles):
    """Does a readable private mapping of pid contain one of needles?"""
    with open(f"/proc/{pid}/maps") as f:
        maps = f.read().splitlines()
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            fields = line.split()
            if "r" not in fields[1] or "p" not in fields[1]:
                continue
            if len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]"):
                continue
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            # Sanitizer shadow and allocator reserves are huge and empty.
            if hi - lo > 256 * 1024 * 1024:
                continue
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except OSError:
                continue
            if any(n in data for n in needles):
                return True
    return False


@pytest.mark.parametrize("reuse", [True, False], ids=["tlsreuse", "no-reuse"])
def test_session_has_no_live_private_key(ftpd, world, certs, make_user,
                                         reuse):
    """With tlsreuse on, a data connection never needs a full handshake,
    so the session process (the user's ids) swaps the server's context
    for one with a throwaway key: no live key object (OpenSSL's BIGNUM of
    the private scalar) is left in its memory.  The relay, which made the
    control handshake, still has one (which shows that the scan finds a
    key that is there), and so does a session whose class lets data
    connections start new TLS sessions.  (Freed buffers from decoding the
    PEM file at start-up can still hold the scalar's bytes in big-endian
    order in every child; ftpd.8 says so.)"""
    if not reuse:
        world.conf("ftpd.conf", "tlsreuse all off\n")
    user = make_user()
    (user.home / "f.bin").write_bytes(b"x" * 100)
    srv = _tls_server(ftpd, certs)
    nobody = pwd.getpwnam(srv.settings["nopriv_user"])
    ftp = _secure(_ftps(srv, certs), user.name, user.password)
    # A data connection over TLS works with the session's context.
    assert retr(ftp, "f.bin") == (b"x" * 100, TRANSFER_OK)

    def ids(pid):
        try:
            return proc_ids(pid)[0]
        except (OSError, KeyError):
            return None
    procs = [p for p, _ in descendants_of(srv.pid)]
    sess = [p for p in procs if ids(p) == [user.uid] * 4]
    relay = [p for p in procs if ids(p) == [nobody.pw_uid] * 4]
    assert len(sess) == 1 and len(relay) == 1, (sess, relay)
    # OpenSSL keeps a BIGNUM in little-endian words: bytes reversed.
    needles = (_private_scalar(certs)[::-1],)
    assert _memory_holds(relay[0], needles), "scanner found no key at all"
    assert _memory_holds(sess[0], needles) is (not reuse)
    ftp.quit()
