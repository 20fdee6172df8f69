"""Real (password) users: login, file operations in the home directory,
failed logins and their delay, ftpusers, shells, logging."""

import ftplib
import io
import os
import stat
import time

import pytest

from bbutil import (LOGIN_INCORRECT, TOO_MANY_FAILURES, CWD_OK, TRANSFER_OK,
                    LOG_FTP, LOG_AUTHPRIV, retr_bytes, nlst_names, list_lines,
                    basenames, last_line, random_suffix, cmdline_of,
                    wait_until)


def _user_file(user, rel, data):
    p = user.home / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    os.chown(p, user.uid, user.gid)
    d = p.parent
    while d != user.home and d != d.parent:
        os.chown(d, user.uid, user.gid)
        d = d.parent
    return p


def test_login_and_pwd(server, make_user):
    user = make_user()
    ftp = server.connect()
    assert ftp.sendcmd(f"USER {user.name}") == \
        f"331 Password required for {user.name}."
    resp = ftp.sendcmd(f"PASS {user.password}")
    assert last_line(resp) == f"230 User {user.name} logged in."
    assert ftp.sendcmd("PWD") == f'257 "{user.home}" is current directory.'


def test_stor_retr_roundtrip(server, make_user):
    user = make_user()
    ftp = server.login(user)
    ftp.voidcmd("TYPE I")
    payload = os.urandom(300_000)
    assert ftp.storbinary("STOR upload.bin", io.BytesIO(payload)) == \
        TRANSFER_OK
    dest = user.home / "upload.bin"
    assert dest.read_bytes() == payload
    st = dest.stat()
    assert (st.st_uid, st.st_gid) == (user.uid, user.gid)
    # Default umask 027.
    assert stat.S_IMODE(st.st_mode) == 0o640, oct(st.st_mode)
    data, resp = retr_bytes(ftp, "upload.bin")
    assert resp == TRANSFER_OK
    assert data == payload


def test_list_nlst_cwd(server, make_user):
    user = make_user()
    _user_file(user, "alpha.txt", b"alpha\n")
    _user_file(user, "dir1/beta.txt", b"beta\n")
    ftp = server.login(user)
    names = basenames(nlst_names(ftp))
    assert {"alpha.txt", "dir1"} <= names, names
    lines = list_lines(ftp)
    assert any(ln.split()[-1] == "alpha.txt" and ln.startswith("-")
               for ln in lines if ln.split()), lines
    assert any(ln.split()[-1] == "dir1" and ln.startswith("d")
               for ln in lines if ln.split()), lines
    assert ftp.sendcmd("CWD dir1") == CWD_OK
    assert ftp.sendcmd("PWD") == \
        f'257 "{user.home}/dir1" is current directory.'
    assert "beta.txt" in basenames(nlst_names(ftp))
    data, _ = retr_bytes(ftp, "beta.txt")
    assert data == b"beta\n"
    assert ftp.sendcmd("CDUP") == CWD_OK
    assert ftp.sendcmd("PWD") == f'257 "{user.home}" is current directory.'


def test_cwd_missing_dir(server, make_user):
    user = make_user()
    ftp = server.login(user)
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("CWD no-such-dir")
    assert str(e.value) == "550 no-such-dir: No such file or directory."


def test_stor_where_not_permitted(server, make_user):
    user = make_user()
    ro = user.home / "readonly"
    ro.mkdir()
    os.chown(ro, 0, 0)
    os.chmod(ro, 0o755)
    ftp = server.login(user)
    ftp.voidcmd("TYPE I")
    with pytest.raises(ftplib.error_perm) as e:
        ftp.storbinary("STOR readonly/denied.bin", io.BytesIO(b"x"))
    assert str(e.value) == "553 readonly/denied.bin: Permission denied."
    assert not (ro / "denied.bin").exists()


def test_wrong_password_delayed(ftpd, make_user):
    user = make_user()
    server = ftpd(settings={"login_delay_ms": "300"})
    ftp = server.connect()
    for n in (1, 2):
        ftp.sendcmd(f"USER {user.name}")
        t0 = time.monotonic()
        with pytest.raises(ftplib.error_perm) as e:
            ftp.sendcmd("PASS wrong-password")
        elapsed = time.monotonic() - t0
        assert str(e.value) == LOGIN_INCORRECT
        # The n-th failure is answered after n * login_delay_ms.
        assert elapsed >= n * 0.3 - 0.02, (n, elapsed)
    # The right password still works in the same session.
    ftp.sendcmd(f"USER {user.name}")
    assert last_line(ftp.sendcmd(f"PASS {user.password}")) == \
        f"230 User {user.name} logged in."


def test_unknown_user_gets_same_331(server, make_user):
    user = make_user()
    ghost = "ftpnx" + os.urandom(4).hex()
    ftp = server.connect()
    assert ftp.sendcmd(f"USER {user.name}") == \
        f"331 Password required for {user.name}."
    ftp2 = server.connect()
    assert ftp2.sendcmd(f"USER {ghost}") == \
        f"331 Password required for {ghost}."
    with pytest.raises(ftplib.error_perm) as e:
        ftp2.sendcmd("PASS whatever")
    assert str(e.value) == LOGIN_INCORRECT


def test_pass_without_user(server):
    ftp = server.connect()
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("PASS something")
    assert str(e.value) == "503 Login with USER first."


def test_user_in_ftpusers_refused(ftpd, world, make_user):
    user = make_user()
    world.conf("ftpusers", f"# comment\nroot\n{user.name}\n")
    server = ftpd()
    ftp = server.connect()
    # No enumeration: same 331 as everybody else.
    assert ftp.sendcmd(f"USER {user.name}") == \
        f"331 Password required for {user.name}."
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd(f"PASS {user.password}")
    assert str(e.value) == LOGIN_INCORRECT
    world.syslog.expect(
        rf"^FTP LOGIN REFUSED FROM 127\.0\.0\.1, {user.name}$")


@pytest.mark.parametrize("membership", ["supplementary", "primary"])
def test_group_in_ftpusers_refused(ftpd, world, make_user, make_group,
                                   membership):
    group = make_group()
    if membership == "primary":
        member = make_user(primary_group=group)
    else:
        member = make_user(groups=[group])
    other = make_user()
    world.conf("ftpusers", f"@{group.name}\n")
    server = ftpd()
    ftp = server.connect()
    with pytest.raises(ftplib.error_perm) as e:
        ftp.login(member.name, member.password)
    assert str(e.value) == LOGIN_INCORRECT
    ftp2 = server.login(other)
    assert ftp2.sendcmd("PWD") == f'257 "{other.home}" is current directory.'


def test_invalid_shell_refused(ftpd, world, make_user):
    shells = world.dir / "shells"
    shells.write_text("# test shells\n/bin/sh\n")
    bad = make_user(shell="/bin/false")
    good = make_user(shell="/bin/sh")
    server = ftpd(settings={"shells": str(shells)})
    ftp = server.connect()
    assert ftp.sendcmd(f"USER {bad.name}") == \
        f"331 Password required for {bad.name}."
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd(f"PASS {bad.password}")
    assert str(e.value) == LOGIN_INCORRECT
    world.syslog.expect(rf"^FTP LOGIN REFUSED FROM 127\.0\.0\.1, {bad.name}$")
    ftp2 = server.login(good)
    assert ftp2.sendcmd("NOOP") == "200 NOOP command successful."


def test_sixth_failure_closes_connection(server, make_user):
    user = make_user()
    rc = server.raw()
    assert rc.reply().code == 220
    for n in range(1, 6):
        assert rc.cmd(f"USER {user.name}").code == 331
        r = rc.cmd("PASS not-the-password")
        assert r.text == LOGIN_INCORRECT, (n, r)
    assert rc.cmd(f"USER {user.name}").code == 331
    r = rc.cmd("PASS not-the-password")
    assert r.text == TOO_MANY_FAILURES, r
    assert rc.closed_by_peer(3.0), "connection not closed after 6th failure"


def test_failed_login_logged_for_fail2ban(server, world, make_user):
    user = make_user()
    ftp = server.connect()
    ftp.sendcmd(f"USER {user.name}")
    with pytest.raises(ftplib.error_perm):
        ftp.sendcmd("PASS wrong-password")
    plain = world.syslog.expect(r"^FTP LOGIN FAILED FROM 127\.0\.0\.1$",
                                pred=lambda r: r.facility == LOG_FTP)
    named = world.syslog.expect(
        rf"^FTP LOGIN FAILED FROM 127\.0\.0\.1, {user.name}$",
        pred=lambda r: r.facility == LOG_AUTHPRIV)
    assert plain.rfc3164 and named.rfc3164


def test_successful_login_logged(server, world, make_user):
    user = make_user()
    server.login(user)
    world.syslog.expect(rf"^FTP LOGIN FROM 127\.0\.0\.1 as {user.name}$")


def test_password_never_logged(ftpd, world, make_user):
    user = make_user()
    server = ftpd("-d")
    wrong = "WrongSecret" + os.urandom(6).hex()
    ftp = server.connect()
    ftp.sendcmd(f"USER {user.name}")
    with pytest.raises(ftplib.error_perm):
        ftp.sendcmd(f"PASS {wrong}")
    ftp.login(user.name, user.password)
    ftp.voidcmd("NOOP")
    ftp.quit()
    world.syslog.expect(rf"^FTP LOGIN FROM 127\.0\.0\.1 as {user.name}$")
    # -d: every command is logged, the password as "PASS ???".
    world.syslog.expect(r"PASS \?\?\?")
    texts = [r.raw for r in world.syslog.snapshot()]
    for secret in (wrong, user.password):
        leaked = [t for t in texts if secret in t]
        assert not leaked, f"password in syslog: {leaked}"
    server.stop()
    stderr = server.stderr_path.read_text(errors="replace")
    assert wrong not in stderr and user.password not in stderr


def test_real_user_second_user_command(server, make_user):
    # As in BSD, USER after a real user's login ends that login and
    # starts a new one (through a fresh pre-login process).
    user = make_user()
    other = make_user()
    ftp = server.login(user)
    assert ftp.sendcmd(f"USER {other.name}") == \
        f"331 Password required for {other.name}."
    assert ftp.sendcmd(f"PASS {other.password}") == \
        f"230 User {other.name} logged in."
    assert ftp.sendcmd("PWD") == f'257 "{other.home}" is current directory.'


def test_rein_then_login_again(server, make_user):
    user = make_user()
    ftp = server.login(user)
    assert ftp.sendcmd("REIN") == "220 Service ready for new user."
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("PWD")
    assert str(e.value) == "530 Please login with USER and PASS."
    ftp.login("anonymous", "guest@")
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'


def test_large_binary_upload_and_rest_resume(server, make_user):
    """A binary upload in clear goes socket -> pipe -> file by splice:
    several MiB arrive intact, and REST + STOR continues at the offset
    (splice writes at the file position that REST set)."""
    import hashlib
    user = make_user()
    ftp = server.login(user)
    ftp.voidcmd("TYPE I")
    data = os.urandom(9 * 1024 * 1024 + 12345)
    ftp.storbinary("STOR big.up", io.BytesIO(data), blocksize=256 * 1024)
    got = (user.home / "big.up").read_bytes()
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    # Resume: the first 3 MiB are there, the rest comes after REST.
    cut = 3 * 1024 * 1024
    (user.home / "part.up").write_bytes(data[:cut])
    os.chown(user.home / "part.up", user.uid, user.gid)
    ftp.storbinary("STOR part.up", io.BytesIO(data[cut:]), rest=cut)
    got = (user.home / "part.up").read_bytes()
    assert len(got) == len(data) and got == data
    ftp.quit()


# ---------------------------------------------------------------- login_max

@pytest.fixture
def slow_pam():
    """A PAM service whose auth first sleeps a second (pam_exec), so that
    password checks overlap long enough to be seen."""
    import pathlib
    name = f"ftpd-test-slow-{random_suffix()}"
    path = pathlib.Path("/etc/pam.d") / name
    path.write_text("auth required pam_exec.so quiet /bin/sleep 1\n"
                    "@include common-auth\n@include common-account\n")
    yield name
    path.unlink()


def _checking(srv):
    """Login processes (one per password check) of srv right now."""
    return [p for p in srv.children()
            if "[login]" in " ".join(cmdline_of(p))]


def _check_running(srv, user):
    """Send user's PASS and return (reply unread) once its password check
    is running."""
    ftp = srv.connect()
    ftp.sendcmd(f"USER {user.name}")
    ftp.putcmd(f"PASS {user.password}")
    assert wait_until(lambda: len(_checking(srv)) == 1, 5.0)
    return ftp


@pytest.mark.parametrize("login_max", [1, 2])
def test_login_max_password_checks_at_once(ftpd, make_user, slow_pam,
                                           login_max):
    import threading
    users = [make_user(), make_user()]
    srv = ftpd(settings={"pam_service": slow_pam,
                         "login_max": str(login_max)})
    done = {}

    def login(u):
        ftp = srv.connect()
        ftp.login(u.name, u.password)
        done[u.name] = ftp.pwd()
        ftp.quit()
    threads = [threading.Thread(target=login, args=(u,)) for u in users]
    for t in threads:
        t.start()
    peak, deadline = 0, time.monotonic() + 15
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        peak = max(peak, len(_checking(srv)))
        time.sleep(0.02)
    for t in threads:
        t.join(timeout=5)
    # Both get in; never more checks at once than login_max (and with 2
    # the two one-second checks do overlap).
    assert sorted(done) == sorted(u.name for u in users)
    assert peak == login_max


def test_login_waiting_for_a_slot_can_leave(ftpd, make_user, slow_pam):
    a, b, c = make_user(), make_user(), make_user()
    srv = ftpd(settings={"pam_service": slow_pam, "login_max": "1"})
    first = _check_running(srv, a)
    # b's PASS waits for the slot, then b hangs up.
    rc = srv.raw()
    assert rc.reply().code == 220
    assert rc.cmd(f"USER {b.name}").code == 331
    rc.send(f"PASS {b.password}\r\n".encode())
    time.sleep(0.2)
    rc.close()
    assert first.getresp().startswith("230")
    # The slot b held a place for is free: c gets in.
    ftp = srv.login(c)
    assert ftp.pwd() == str(c.home)
    assert len(_checking(srv)) == 0


def test_login_max_leaves_anonymous_alone(ftpd, make_user, slow_pam, world):
    # Anonymous logins check no password: they never wait for a slot.
    a = make_user()
    srv = ftpd(settings={"pam_service": slow_pam, "login_max": "1"})
    first = _check_running(srv, a)
    anon = srv.anon()
    assert anon.pwd() == "/"
    assert len(_checking(srv)) == 1, "the anonymous login had to wait"
    assert first.getresp().startswith("230")


def test_login_max_setting_checked(ftpd, make_user):
    user = make_user()
    srv = ftpd(settings={"login_max": "0"})     # 0: no limit
    assert srv.login(user).pwd() == str(user.home)
    bad = ftpd(settings={"login_max": "x"}, wait=False)
    assert bad.proc.wait(timeout=10) != 0
