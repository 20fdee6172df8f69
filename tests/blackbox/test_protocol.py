"""The control protocol: command replies, parser limits and hostile input,
PORT/PASV rules, idle timeout, QUIT."""

import socket
import time

import pytest

from bbutil import (ANON_IDENT, GUEST_230, NOOP_OK, PLEASE_LOGIN,
                    COMMAND_TOO_LONG, ILLEGAL_PORT, PORT_OK, TRANSFER_OK,
                    GOODBYE, LOOPBACK, OTHER_LOOPBACK, IAC, WILL, WONT, DO,
                    DONT, IO_TIMEOUT, parse_pasv, recv_all, retr_bytes)


def _anon_raw(server):
    rc = server.raw()
    assert rc.reply().code == 220
    r = rc.login("anonymous", ANON_IDENT)
    assert r.text == GUEST_230, r
    return rc


def _port_arg(host, port):
    return ",".join(host.split(".") + [str(port >> 8), str(port & 255)])


# ---------------------------------------------------------------- basics

def test_syst(server):
    ftp = server.anon()
    assert ftp.sendcmd("SYST") == "215 UNIX Type: L8"


def test_noop_before_and_after_login(server):
    rc = server.raw()
    rc.reply()
    assert rc.cmd("NOOP").text == NOOP_OK
    assert rc.login("ftp", ANON_IDENT).text == GUEST_230
    assert rc.cmd("NOOP").text == NOOP_OK


@pytest.mark.parametrize("cmd,expected", [
    ("TYPE A", "200 Type set to A."),
    ("TYPE A N", "200 Type set to A."),
    ("TYPE I", "200 Type set to I."),
    ("TYPE L 8", "200 Type set to L (byte size 8)."),
    ("type i", "200 Type set to I."),
    ("MODE S", "200 MODE S accepted."),
    ("STRU F", "200 STRU F accepted."),
])
def test_type_mode_stru_accepted(server, cmd, expected):
    rc = _anon_raw(server)
    assert rc.cmd(cmd).text == expected


@pytest.mark.parametrize("cmd,expected", [
    ("TYPE L 7", "504 Byte size must be 8."),
    ("TYPE E", "504 Type E not implemented."),
    ("TYPE A T", "504 Form must be N."),
    ("TYPE X", None),
    ("TYPE", None),
    ("MODE B", "502 Unimplemented MODE type."),
    ("MODE Z", None),
    ("STRU R", "504 Unimplemented STRU type."),
    ("STRU Q", None),
])
def test_type_mode_stru_refused(server, cmd, expected):
    rc = _anon_raw(server)
    r = rc.cmd(cmd)
    if expected is None:
        assert 500 <= r.code <= 504, r
    else:
        assert r.text == expected
    # The refused setting changed nothing; the session goes on.
    assert rc.cmd("NOOP").text == NOOP_OK


@pytest.mark.parametrize("cmd", [
    "PWD", "CWD /", "CDUP", "LIST", "NLST", "RETR pub/hello.txt",
    "STOR x", "PASV", "PORT 127,0,0,1,200,10", "TYPE I", "SYST", "MODE S",
    "STRU F",
])
def test_commands_before_login(server, cmd):
    rc = server.raw()
    rc.reply()
    assert rc.cmd(cmd).text == PLEASE_LOGIN


def test_unknown_command(server):
    rc = _anon_raw(server)
    assert rc.cmd("FOOBAR").text == "500 'FOOBAR': command not understood."
    assert rc.cmd("NOOP").text == NOOP_OK


def test_quit(server):
    rc = _anon_raw(server)
    assert rc.cmd("QUIT").text == GOODBYE
    assert rc.closed_by_peer(3.0)


def test_quit_before_login(server):
    rc = server.raw()
    rc.reply()
    assert rc.cmd("QUIT").text == GOODBYE
    assert rc.closed_by_peer(3.0)


def test_hide_host_banner(ftpd):
    srv = ftpd("-h")
    ftp = srv.connect()
    assert ftp.getwelcome() == "220 FTP server ready."


def test_hostname_in_banner(ftpd):
    srv = ftpd("-H", "ftp.example.test")
    ftp = srv.connect()
    welcome = ftp.getwelcome()
    assert welcome.startswith("220 ftp.example.test FTP server (ftpd "), \
        welcome
    assert welcome.endswith(") ready."), welcome


def test_nologin_file_refuses_everybody(ftpd, world):
    (world.dir / "nologin").write_text("Down for maintenance.\nBack soon.\n")
    srv = ftpd()
    rc = srv.raw()
    r = rc.reply()
    assert r.text == "530 System not available.", r
    body = [ln[4:].lstrip(" ") for ln in r.lines[:-1]]
    assert all(ln.startswith("530-") for ln in r.lines[:-1]), r
    assert body == ["Down for maintenance.", "Back soon."], r
    assert rc.closed_by_peer(3.0)


# ---------------------------------------------------------------- line limits

@pytest.mark.parametrize("logged_in", [False, True])
def test_long_line_rejected_whole(server, logged_in):
    rc = _anon_raw(server) if logged_in else server.raw()
    if not logged_in:
        rc.reply()
    rc.send(b"NOOP" + b"x" * 600 + b"\r\nNOOP\r\n")
    assert rc.reply().text == COMMAND_TOO_LONG
    # The next reply is for the real NOOP: the tail of the long line was
    # not run as a command of its own.
    assert rc.reply().text == NOOP_OK


@pytest.mark.parametrize("logged_in", [False, True])
def test_quit_hidden_in_long_line_not_run(server, logged_in):
    rc = _anon_raw(server) if logged_in else server.raw()
    if not logged_in:
        rc.reply()
    rc.send(b"A" * 510 + b"QUIT\r\n")
    assert rc.reply().text == COMMAND_TOO_LONG
    rc.send(b"B" * 600 + b"QUIT\r\n")
    assert rc.reply().text == COMMAND_TOO_LONG
    assert rc.cmd("NOOP").text == NOOP_OK


def test_huge_line_without_newline(server):
    rc = _anon_raw(server)
    rc.send(b"NOOP " + b"y" * 200_000 + b"\r\n")
    assert rc.reply().text == COMMAND_TOO_LONG
    assert rc.cmd("PWD").text == '257 "/" is current directory.'


@pytest.mark.parametrize("garbage", [
    b"NO\x00OP\r\n",
    b"\x00\x00\x00\r\n",
    b"NOOP\n",
    b"NO\rOP\r\n",
    b"\r\r\r\n",
    b"\n\n",
    b"\xff\xfe\x80\xc3\x28 SYST\r\n",
], ids=["nul-in-verb", "only-nul", "bare-lf", "bare-cr", "crs", "lfs",
        "high-bytes"])
def test_odd_bytes_do_not_kill_session(server, garbage):
    rc = _anon_raw(server)
    rc.send(garbage)
    rc.send("PWD")
    r, skipped = rc.read_until_code("257 ", max_replies=10, timeout=5)
    assert r.text == '257 "/" is current directory.'
    for s in skipped:
        assert s.code < 600, s
    assert rc.cmd("NOOP").text == NOOP_OK


# ---------------------------------------------------------------- telnet

def test_telnet_iac_sequences_tolerated(server):
    rc = _anon_raw(server)
    rc.send(bytes([IAC, WILL, 1]) + b"NOOP\r\n")
    assert rc.reply().text == NOOP_OK
    rc.send(bytes([IAC, DO, 3, IAC, WONT, 5, IAC, DONT, 6]) + b"NO"
            + bytes([IAC, 241]) + b"OP\r\n")       # IAC NOP inside the verb
    assert rc.reply().text == NOOP_OK
    rc.send(b"NOOP" + bytes([IAC]))               # IAC at a packet boundary
    time.sleep(0.05)
    rc.send(bytes([IAC]) + b"\r\n")               # ... completing IAC IAC
    r = rc.reply()
    assert r.code in (200, 500, 501), r
    assert rc.cmd("NOOP").text == NOOP_OK


def test_telnet_will_answered_with_dont(server):
    # BSD ftpd: IAC WILL x -> IAC DONT x, IAC DO x -> IAC WONT x.
    rc = _anon_raw(server)
    rc.send(bytes([IAC, WILL, 24]) + b"NOOP\r\n")
    assert rc.reply().text == NOOP_OK
    rc.send(bytes([IAC, DO, 31]) + b"NOOP\r\n")
    assert rc.reply().text == NOOP_OK
    assert (DONT, 24) in rc.telnet, rc.telnet
    assert (WONT, 31) in rc.telnet, rc.telnet


# ---------------------------------------------------------------- PORT

@pytest.mark.parametrize("arg,code,text", [
    ("127,0,0,2,100,100", 500, ILLEGAL_PORT),      # another host
    ("10,1,2,3,100,100", 500, ILLEGAL_PORT),       # another host
    ("127,0,0,1,3,255", 500, ILLEGAL_PORT),        # port 1023
    ("127,0,0,1,0,21", 500, ILLEGAL_PORT),         # port 21
    ("127,0,0,1,0,0", 501, None),                  # port 0: never valid
    ("127,0,0,1,256,10", 501, None),               # octet > 255
    ("127,0,0,300,100,10", 501, None),
    ("127,0,0,1,100", 501, None),                  # malformed
    ("127,0,0,1,100,10,7", 501, None),
    ("a,b,c,d,e,f", 501, None),
    ("", 501, None),
])
def test_port_refused(server, arg, code, text):
    rc = _anon_raw(server)
    r = rc.cmd(f"PORT {arg}".rstrip())
    if code == 501 and r.code == 500 and "command not understood" in r.text:
        pytest.fail(f"malformed PORT should be 501, got {r}")
    assert r.code == code, r
    if text:
        assert r.text == text
    assert rc.cmd("NOOP").text == NOOP_OK


def test_port_bounce_makes_no_connection(server):
    victim = socket.socket()
    victim.bind((OTHER_LOOPBACK, 0))
    victim.listen(1)
    victim.settimeout(0.5)
    try:
        rc = _anon_raw(server)
        port = victim.getsockname()[1]
        r = rc.cmd(f"PORT {_port_arg(OTHER_LOOPBACK, port)}")
        assert r.text == ILLEGAL_PORT
        rc.send("NLST")
        try:
            r = rc.reply(timeout=3)
            assert r.code >= 400 or r.code == 150, r
        except socket.timeout:
            pass
        with pytest.raises(socket.timeout):
            victim.accept()
    finally:
        victim.close()


def test_active_mode_retr(server, world):
    ftp = server.anon()
    ftp.set_pasv(False)
    ftp.voidcmd("TYPE I")
    data, resp = retr_bytes(ftp, "pub/big.bin")
    assert resp == TRANSFER_OK
    assert data == world.big


def test_active_data_comes_from_control_port_minus_one(server, world):
    rc = _anon_raw(server)
    assert rc.cmd("TYPE I").text == "200 Type set to I."
    with socket.socket() as ls:
        ls.bind((LOOPBACK, 0))
        ls.listen(1)
        ls.settimeout(IO_TIMEOUT)
        r = rc.cmd(f"PORT {_port_arg(LOOPBACK, ls.getsockname()[1])}")
        assert r.text == PORT_OK
        rc.send("RETR pub/hello.txt")
        conn, peer = ls.accept()
        with conn:
            data = recv_all(conn)
    assert rc.reply().code == 150
    assert rc.reply().text == TRANSFER_OK
    assert data == world.files["pub/hello.txt"]
    assert peer == (LOOPBACK, server.port - 1), peer


# ---------------------------------------------------------------- PASV

def test_pasv_reply_and_range(server):
    rc = _anon_raw(server)
    r = rc.cmd("PASV")
    host, port = parse_pasv(r.text)
    assert host == LOOPBACK
    lo, hi = server.pasv_range
    assert lo <= port <= hi, (port, server.pasv_range)


def test_pasv_connection_from_other_address_refused(server, world):
    rc = _anon_raw(server)
    assert rc.cmd("TYPE I").text == "200 Type set to I."
    host, port = parse_pasv(rc.cmd("PASV").text)
    thief = socket.socket()
    thief.bind((OTHER_LOOPBACK, 0))
    thief.settimeout(IO_TIMEOUT)
    thief.connect((host, port))
    try:
        rc.send("RETR pub/big.bin")
        # Give the server the chance to pick up (and drop) the thief.
        time.sleep(0.2)
        with socket.create_connection((host, port),
                                      timeout=IO_TIMEOUT) as real:
            first = rc.reply()
            assert first.code == 150, first
            data = recv_all(real)
        assert rc.reply().text == TRANSFER_OK
        assert data == world.big
        # The thief got nothing and was closed.
        thief.settimeout(3)
        try:
            stolen = thief.recv(65536)
        except ConnectionResetError:
            stolen = b""
        assert stolen == b""
    finally:
        thief.close()


def test_type_ascii_retr_converts_newlines(server, world):
    ftp = server.anon()
    assert ftp.sendcmd("TYPE A") == "200 Type set to A."
    host, port = ftp.makepasv()
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as c:
        prelim = ftp.sendcmd("RETR pub/text.txt")
        assert prelim.startswith(
            "150 Opening ASCII mode data connection for 'pub/text.txt'")
        data = recv_all(c)
    assert ftp.getresp() == TRANSFER_OK
    assert data == world.files["pub/text.txt"].replace(b"\n", b"\r\n")


# ---------------------------------------------------------------- timeout

def test_idle_timeout_after_login(ftpd):
    srv = ftpd("-t", "2")
    rc = _anon_raw(srv)
    t0 = time.monotonic()
    r = rc.reply(timeout=8)
    elapsed = time.monotonic() - t0
    assert r.text == "421 Timeout (2 seconds): closing control connection."
    assert 1.5 <= elapsed <= 6, elapsed
    assert rc.closed_by_peer(3.0)


def test_idle_timeout_before_login(ftpd):
    srv = ftpd("-t", "2")
    rc = srv.raw()
    assert rc.reply().code == 220
    r = rc.reply(timeout=8)
    assert r.text == "421 Timeout (2 seconds): closing control connection."
    assert rc.closed_by_peer(3.0)


def test_activity_resets_idle_timer(ftpd):
    srv = ftpd("-t", "2")
    rc = _anon_raw(srv)
    for _ in range(3):
        time.sleep(1.0)
        assert rc.cmd("NOOP").text == NOOP_OK
