"""Process modes: inetd (fd 0), -D (detached daemon with pidfile), -F;
signals (SIGTERM, SIGHUP, SIGKILL of one session) and unknown flags."""

import os
import signal
import subprocess

import pytest

import bbutil
from bbutil import (ANON_IDENT, GUEST_230, NOOP_OK, SHUTDOWN_421, BANNER_RE,
                    TRANSFER_OK, alive, wait_until, is_listening, retr_bytes,
                    last_line, proc_ids, free_port,
                    daemon_env)


def _uid_is(uid):
    def pred(pid):
        try:
            return proc_ids(pid)[0] == [uid] * 4
        except (OSError, KeyError):
            return False
    return pred


def test_inetd_anonymous_session(inetd, world):
    sess = inetd()
    ftp = sess.connect()
    assert BANNER_RE.match(ftp.getwelcome()), ftp.getwelcome()
    assert last_line(ftp.login("anonymous", ANON_IDENT)) == GUEST_230
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    ftp.voidcmd("TYPE I")
    data, resp = retr_bytes(ftp, "pub/big.bin")
    assert resp == TRANSFER_OK
    assert data == world.big
    assert ftp.quit() == "221 Goodbye."
    # One session, then the inetd-started process exits.
    assert sess.proc.wait(5) == 0


def test_foreground_writes_pidfile(server):
    pid = wait_until(server.read_pidfile, 3.0)
    assert pid == server.proc.pid
    assert alive(pid)


def test_daemon_mode_lifecycle(ftpd, world):
    srv = ftpd(mode="-D")
    assert srv.launcher_rc == 0, "the launching process must exit 0"
    pid = srv.read_pidfile()
    assert pid and pid != srv.proc.pid and alive(pid)
    ftp = srv.anon()
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    ftp.voidcmd("TYPE I")
    data, _ = retr_bytes(ftp, "pub/hello.txt")
    assert data == world.files["pub/hello.txt"]
    ftp.quit()
    os.kill(pid, signal.SIGTERM)
    assert wait_until(lambda: not alive(pid), 5.0), "daemon ignored SIGTERM"
    assert wait_until(lambda: not srv.pidfile.exists(), 2.0), \
        "pidfile not removed on SIGTERM"
    assert not is_listening(srv.port)


def test_second_daemon_with_same_pidfile_refused(ftpd, world, ftpd_bin):
    first = ftpd(mode="-D")
    pid = first.read_pidfile()
    assert pid and alive(pid)
    port2 = free_port()
    argv = first.argv()
    argv[argv.index("-P") + 1] = str(port2)
    errpath = world.dir / "second.stderr"
    with open(errpath, "wb") as errf:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=errf,
                             stderr=errf, env=daemon_env(),
                             start_new_session=True, cwd="/")
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait(5)
    try:
        assert rc != 0, "a second -D copy with the same pidfile started"
        assert first.read_pidfile() == pid
        assert alive(pid)
        assert not wait_until(lambda: is_listening(port2), 0.5)
    finally:
        _kill_strays(ftpd_bin, port2)


def _kill_strays(binary, port):
    """Kill daemons of ours that listen on port (and their children)."""
    for pid in bbutil.listener_pids(port, binary):
        st = bbutil.proc_stat(pid)
        if not st:
            continue
        for child, start in bbutil.descendants_of(pid):
            bbutil.kill_if_same(child, start, signal.SIGKILL)
        bbutil.kill_if_same(pid, st[2], signal.SIGKILL)


def test_sigterm_ends_sessions_and_removes_pidfile(server, world):
    assert wait_until(server.read_pidfile, 3.0)
    rc = server.raw()
    assert rc.reply().code == 220
    assert rc.login("anonymous", ANON_IDENT).text == GUEST_230
    # A command round trip first, so the session is in its command loop.
    assert rc.cmd("NOOP").text == NOOP_OK
    server.proc.send_signal(signal.SIGTERM)
    r = rc.reply(timeout=5)
    assert r.text == SHUTDOWN_421, r
    assert rc.closed_by_peer(3.0)
    assert server.proc.wait(5) == 0
    assert not server.pidfile.exists(), "pidfile not removed on SIGTERM"


def test_sigterm_ends_prelogin_sessions(server):
    rc = server.raw()
    assert rc.reply().code == 220
    assert rc.cmd("NOOP").text == NOOP_OK
    server.proc.send_signal(signal.SIGTERM)
    assert rc.reply(timeout=5).text == SHUTDOWN_421
    assert rc.closed_by_peer(3.0)
    assert server.proc.wait(5) == 0


def test_sigkill_of_one_session_leaves_others(server, world):
    a = server.anon()
    b = server.anon()
    pa = server.session_pid(a, _uid_is(world.anon.uid))
    assert pa
    os.kill(pa, signal.SIGKILL)
    assert wait_until(lambda: not alive(pa), 3.0)
    # The other session still answers, the listener still serves.
    assert b.sendcmd("NOOP") == NOOP_OK
    assert server.alive()
    c = server.anon()
    assert c.sendcmd("PWD") == '257 "/" is current directory.'
    # The killed session's control connection is closed.
    with pytest.raises((EOFError, OSError)):
        a.sendcmd("NOOP")
    # The listener reaped it: no zombie children left behind.
    def no_zombie():
        for p in bbutil.all_pids():
            st = bbutil.proc_stat(p)
            if st and st[1] == server.pid and st[0] == "Z":
                return False
        return True
    assert wait_until(no_zombie, 3.0)


def test_unknown_flag_is_ignored(ftpd, world):
    srv = ftpd("-Z")
    ftp = srv.anon()
    assert ftp.sendcmd("NOOP") == NOOP_OK

    def logged():
        if world.syslog.wait(r"unknown flag -Z ignored", timeout=0):
            return True
        return "unknown flag -Z ignored" in \
            srv.stderr_path.read_text(errors="replace")
    assert wait_until(logged, 3.0), "unknown flag not logged"


def test_sighup_keeps_running(server, world):
    before = server.anon()
    server.proc.send_signal(signal.SIGHUP)
    for _ in range(2):
        ftp = server.anon()
        assert ftp.sendcmd("NOOP") == NOOP_OK
    assert server.proc.poll() is None
    assert before.sendcmd("NOOP") == NOOP_OK
    server.proc.send_signal(signal.SIGHUP)
    assert server.anon().sendcmd("PWD") == '257 "/" is current directory.'
    assert server.alive()


def test_ipv4_only_flag(ftpd):
    srv = ftpd("-4")
    assert srv.anon().sendcmd("NOOP") == NOOP_OK


def test_ipv6_only_flag(ftpd):
    """-6: one IPv6 socket (IPV6_V6ONLY); IPv4 clients are refused."""
    import ftplib
    import socket
    srv = ftpd("-6", "-a", "")
    ftp = ftplib.FTP()
    ftp.connect("::1", srv.port, timeout=10)
    assert ftp.login("anonymous", ANON_IDENT) == GUEST_230
    assert ftp.sendcmd("NOOP") == NOOP_OK
    ftp.quit()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=5)


# ---------------------------------------------------------------- -W, wtmp

WTMP = "/var/log/wtmp"
UTMP_FMT = "hi32s4s32s256shhiii4i20s"     # struct utmp, glibc x86-64/arm64
DEAD_PROCESS, USER_PROCESS = 8, 7


def _wtmp_records():
    import struct
    size = struct.calcsize(UTMP_FMT)
    try:
        data = open(WTMP, "rb").read()
    except FileNotFoundError:
        return []
    out = []
    for off in range(0, len(data) - size + 1, size):
        t = struct.unpack_from(UTMP_FMT, data, off)
        out.append((t[0], t[2].rstrip(b"\0").decode(errors="replace"),
                    t[4].rstrip(b"\0").decode(errors="replace"),
                    t[5].rstrip(b"\0").decode(errors="replace")))
    return out


@pytest.mark.parametrize("no_wtmp", [False, True], ids=["wtmp", "-W"])
def test_wtmp_login_logout_unless_W(ftpd, make_user, no_wtmp):
    """A login writes a USER_PROCESS record (line ftpdPID, user, host) to
    wtmp and the end of the session a DEAD_PROCESS record for the same
    line; -W writes neither."""
    import struct
    assert struct.calcsize(UTMP_FMT) == 384
    if not os.path.exists(WTMP):
        # updwtmp(3) appends only to an existing file.
        fd = os.open(WTMP, os.O_WRONLY | os.O_CREAT, 0o664)
        os.close(fd)
    user = make_user()
    before = len(_wtmp_records())
    srv = ftpd(*(["-W"] if no_wtmp else []))
    ftp = srv.login(user)
    assert ftp.sendcmd("NOOP") == NOOP_OK
    ftp.quit()

    def records():
        new = _wtmp_records()[before:]
        logins = [r for r in new if r[0] == USER_PROCESS and r[2] == user.name]
        lines = {r[1] for r in logins}
        logouts = [r for r in new if r[0] == DEAD_PROCESS and r[1] in lines]
        return logins, logouts

    if no_wtmp:
        import time
        time.sleep(0.5)
        assert records() == ([], [])
        return
    assert bbutil.wait_until(lambda: all(records()), 10), records()
    logins, logouts = records()
    assert len(logins) == 1 and logins[0][1].startswith("ftpd"), logins
    assert logins[0][3] == "127.0.0.1", logins
    assert len(logouts) == 1, logouts


def test_compat_flags_8_B_U_accepted(ftpd, world):
    """-8 (UTF-8 is always on), -B (FreeBSD's blocklist hook) and -U (the
    BSD passive-port range choice) are accepted as documented no-ops:
    the daemon starts, serves, and does not call them unknown."""
    srv = ftpd("-8", "-B", "-U")
    ftp = srv.anon()
    assert ftp.sendcmd("NOOP") == NOOP_OK
    feat = ftp.sendcmd("FEAT")
    assert " UTF8" in feat.splitlines()
    ftp.quit()
    text = world.stderr_path.read_text(errors="replace")
    assert "unknown flag" not in text, text
    assert not world.syslog.wait(r"unknown flag", timeout=0)


def test_make_run_demo(ftpd_bin):
    # What `make run` serves (tests/demo.sh): the demo tree, anonymously;
    # its pidfile is outside the tree (it used to be listed in it).
    from pathlib import Path
    top = Path(__file__).resolve().parents[2]
    port, guard = bbutil.control_port()
    guard.close()
    env = dict(os.environ, DEMO_PORT=str(port))
    proc = subprocess.Popen(["sh", str(top / "tests" / "demo.sh"),
                             str(ftpd_bin)], env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert bbutil.wait_until(lambda: bbutil.is_listening(port), 10.0)
        ftp = bbutil.ftp_connect(port)
        ftp.login("anonymous", ANON_IDENT)
        names = ftp.nlst("/")
        assert "/pub" in names or "pub" in names, names
        assert not [n for n in names if n.endswith(".pid")], names
        readme, _ = bbutil.retr_bytes(ftp, "/pub/README")
        assert b"demo" in readme
        ftp.quit()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
