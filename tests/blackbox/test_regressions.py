"""Regression tests: each one failed against the daemon before its fix."""
import socket
import time

from bbutil import IO_TIMEOUT, parse_pasv, recv_all


def _pasv_socket(ftp):
    host, port = parse_pasv(ftp.sendcmd("PASV"))
    return socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)


def test_transfer_longer_than_idle_timeout(ftpd, world):
    """The idle timer used to keep running during a transfer, so a RETR
    lasting longer than -t was cut off with a 421."""
    size = 32 * 1024 * 1024          # more than the socket buffers hold
    world.anon_write("pub/slow.bin", b"s" * size)
    server = ftpd("-t", "1")
    ftp = server.anon()
    ftp.voidcmd("TYPE I")
    data = _pasv_socket(ftp)
    resp = ftp.sendcmd("RETR pub/slow.bin")
    assert resp.startswith("150 "), resp
    time.sleep(2.5)                  # the transfer waits on us, past -t 1
    got = len(recv_all(data, limit=size))
    data.close()
    assert got == size
    assert ftp.voidresp().startswith("226 ")
    assert ftp.sendcmd("NOOP").startswith("200 ")


def test_abor_behind_a_held_command(ftpd, world):
    """A command sent during a transfer used to stop the server from
    reading further, so a later ABOR was not seen until the end."""
    world.anon_write("pub/large.bin", b"L" * (64 * 1024 * 1024))
    server = ftpd()
    ftp = server.anon()
    ftp.voidcmd("TYPE I")
    data = _pasv_socket(ftp)
    assert ftp.sendcmd("RETR pub/large.bin").startswith("150 ")
    data.recv(65536)
    # NOOP is held until the transfer ends; ABOR must still act now.
    ftp.sock.sendall(b"NOOP\r\nABOR\r\n")
    start = time.monotonic()
    first = ftp.getline()
    assert first.startswith("426"), first
    assert ftp.getline().startswith("226"), "ABOR reply"
    assert time.monotonic() - start < 1.0
    # The held NOOP runs afterwards.
    assert ftp.getline().startswith("200"), "held NOOP"
    data.close()
    assert ftp.sendcmd("PWD").startswith("257")


def test_default_type_is_ascii(server, world):
    """RFC 959 and BSD ftpd start in TYPE A; this server used to start in
    binary, so a client that never sent TYPE got bare LFs."""
    ftp = server.anon()
    assert "TYPE: ASCII" in ftp.sendcmd("STAT")
    data = _pasv_socket(ftp)
    assert ftp.sendcmd("RETR pub/text.txt").startswith("150 Opening ASCII")
    got = recv_all(data)
    data.close()
    assert ftp.voidresp().startswith("226 ")
    assert got == world.files["pub/text.txt"].replace(b"\n", b"\r\n")


def test_passive_ports_reused_after_transfers(ftpd, world):
    """Passive sockets lacked SO_REUSEADDR: the server closes the data
    connection first, so each used port sat in TIME_WAIT and a small range
    ran dry after a few transfers (425)."""
    from conftest import pick_pasv_range
    lo, hi = pick_pasv_range(width=3)
    server = ftpd(settings={"pasv_ports": f"{lo}-{hi}"})
    ftp = server.anon()
    ftp.voidcmd("TYPE I")
    for i in range(20):
        data = _pasv_socket(ftp)
        assert ftp.sendcmd("RETR pub/hello.txt").startswith("150 "), i
        assert recv_all(data) == world.files["pub/hello.txt"]
        data.close()
        assert ftp.voidresp().startswith("226 "), i


def test_host_with_an_address_literal(ftpd, world):
    """HOST with an address literal (RFC 7151 3.2) used to get 504: the
    server's own address (bracketed or not) selects the default host, an
    address of an /etc/ftphosts entry selects that entry, any other 504."""
    import ftplib

    import pytest

    from bbutil import OTHER_LOOPBACK
    world.conf("ftphosts", f"{OTHER_LOOPBACK} {world.anon.name}\n")
    srv = ftpd()
    for literal in ("127.0.0.1", "[127.0.0.1]"):
        ftp = ftplib.FTP()
        ftp.connect("127.0.0.1", srv.port, timeout=IO_TIMEOUT)
        assert ftp.sendcmd(f"HOST {literal}") == \
            "220 Host 127.0.0.1 selected."
        assert ftp.login().startswith("230")
        ftp.quit()
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", srv.port, timeout=IO_TIMEOUT)
    assert ftp.sendcmd(f"HOST {OTHER_LOOPBACK}") == \
        f"220 Host {OTHER_LOOPBACK} selected."
    for other in ("10.1.2.3", "[::1]", "[2001:db8::1]"):
        with pytest.raises(ftplib.error_perm) as ei:
            ftp.sendcmd(f"HOST {other}")
        assert str(ei.value) == "504 Unknown host."
    ftp.close()


def test_commands_pipelined_after_pass_beyond_1k(ftpd, world):
    """Everything a client pipelines behind PASS reaches the session; more
    than 1 KiB of it used to fail the login with 530."""
    srv = ftpd()
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=IO_TIMEOUT)
    f = s.makefile("rb")

    def reply():
        lines = []
        while True:
            line = f.readline().decode()
            assert line, "connection closed"
            lines.append(line)
            if len(line) > 3 and line[3] == " ":
                return lines

    assert reply()[-1].startswith("220")
    n = 300                                   # 300 x "NOOP\r\n" = 1800 bytes
    s.sendall(b"USER anonymous\r\nPASS guest@example.com\r\n" +
              b"NOOP\r\n" * n + b"QUIT\r\n")
    assert reply()[-1].startswith("331")
    assert reply()[-1].startswith("230")
    for _ in range(n):
        assert reply()[-1].startswith("200")
    assert reply()[-1].startswith("221")
    s.close()
