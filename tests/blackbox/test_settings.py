"""-X settings and flags that change behaviour: empty_dir and nopriv_user
checks, max_sessions, data_timeout, pam=no, -u umask, fail-closed ftpusers,
and the name tables used in listings."""

import ftplib
import io
import os
import stat
import subprocess
import time

import pytest

from bbutil import (ANON_IDENT, LOGIN_INCORRECT, NOOP_OK,
                    TRANSFER_OK, LOOPBACK, daemon_env, free_port, is_listening,
                    list_lines, last_line, parse_pasv, wait_until)


def _start_expect_failure(ftpd_bin, world, settings_override, tmp_name):
    """Run the daemon in -F mode with bad settings; it must exit non-zero
    without listening.  Returns (rc, stderr text)."""

    s = {
        "empty_dir": str(world.empty_dir),
        "anon_user": world.anon.name,
        "anon_root": str(world.anon_root),
        "nopriv_user": "nobody",
        "nologin": str(world.dir / "nologin"),
        "syslog_socket": world.syslog.path,
    }
    s.update(settings_override)
    port = free_port()
    argv = [str(ftpd_bin), "-F", "-a", LOOPBACK, "-P", str(port),
            "-p", str(world.dir / f"{tmp_name}.pid"),
            "-c", str(world.confdir)]
    for k, v in s.items():
        argv += ["-X", f"{k}={v}"]
    errpath = world.dir / f"{tmp_name}.stderr"
    with open(errpath, "wb") as errf:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=errf,
                             stderr=errf, env=daemon_env(),
                             start_new_session=True, cwd="/")
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)
        rc = None
    return rc, errpath.read_text(errors="replace"), port


def test_empty_dir_created_when_missing(ftpd, world):
    missing = world.dir / "new-empty"
    srv = ftpd(settings={"empty_dir": str(missing)})
    st = missing.stat()
    assert stat.S_ISDIR(st.st_mode) and st.st_uid == 0
    assert stat.S_IMODE(st.st_mode) == 0o755
    assert srv.anon().sendcmd("NOOP") == NOOP_OK


@pytest.mark.parametrize("problem", ["group-writable", "not-root-owned"])
def test_unsafe_empty_dir_refused(ftpd_bin, world, problem):
    bad = world.dir / "bad-empty"
    bad.mkdir()
    if problem == "group-writable":
        os.chmod(bad, 0o775)
    else:
        os.chown(bad, world.anon.uid, world.anon.gid)
        os.chmod(bad, 0o755)
    rc, err, port = _start_expect_failure(ftpd_bin, world,
                                          {"empty_dir": str(bad)}, "bad")
    assert rc not in (0, None), f"started with an unsafe empty_dir: {err}"
    assert not is_listening(port)


def test_root_as_nopriv_user_refused(ftpd_bin, world):
    rc, err, port = _start_expect_failure(ftpd_bin, world,
                                          {"nopriv_user": "root"}, "rootnp")
    assert rc not in (0, None), f"started with nopriv_user=root: {err}"


def test_max_sessions(ftpd):
    srv = ftpd(settings={"max_sessions": "1"})
    first = srv.raw()
    assert first.reply().code == 220
    second = srv.raw()
    r = second.reply()
    assert r.code == 421, r
    assert second.closed_by_peer(3.0)
    assert first.cmd("NOOP").text == NOOP_OK
    first.cmd("QUIT")
    first.close()

    def third_ok():
        rc = srv.raw()
        try:
            return rc.reply().code == 220
        finally:
            rc.close()
    assert wait_until(third_ok, 5.0, interval=0.1)


def test_pasv_wait_ends_at_data_timeout(ftpd):
    srv = ftpd(settings={"data_timeout": "2"})
    ftp = srv.anon()
    ftp.sendcmd("TYPE I")
    parse_pasv(ftp.sendcmd("PASV"))
    t0 = time.monotonic()
    ftp.putcmd("RETR pub/hello.txt")
    with pytest.raises(ftplib.error_temp) as e:
        # Either 425 at once or 150 and then 425/426 when the wait ends.
        resp = ftp.getresp()
        if resp.startswith("1"):
            ftp.getresp()
    assert str(e.value)[:3] in ("425", "426"), str(e.value)
    assert time.monotonic() - t0 < 8
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_pam_no_uses_shadow(ftpd, make_user):
    user = make_user()
    srv = ftpd(settings={"pam": "no"})
    ftp = srv.connect()
    ftp.sendcmd(f"USER {user.name}")
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("PASS not-it")
    assert str(e.value) == LOGIN_INCORRECT
    ftp.sendcmd(f"USER {user.name}")
    assert last_line(ftp.sendcmd(f"PASS {user.password}")) == \
        f"230 User {user.name} logged in."


def test_umask_flag(ftpd, make_user):
    user = make_user()
    srv = ftpd("-u", "077")
    ftp = srv.login(user)
    ftp.voidcmd("TYPE I")
    assert ftp.storbinary("STOR masked.bin", io.BytesIO(b"data")) == \
        TRANSFER_OK
    mode = stat.S_IMODE((user.home / "masked.bin").stat().st_mode)
    assert mode == 0o600, oct(mode)


def test_unreadable_ftpusers_fails_closed(ftpd, world, make_user):
    user = make_user()
    (world.confdir / "ftpusers").mkdir()        # exists, cannot be read
    srv = ftpd()
    ftp = srv.connect()
    ftp.sendcmd(f"USER {user.name}")
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd(f"PASS {user.password}")
    assert str(e.value) == LOGIN_INCORRECT
    ftp2 = srv.connect()
    ftp2.sendcmd("USER anonymous")
    with pytest.raises(ftplib.error_perm) as e:
        ftp2.sendcmd(f"PASS {ANON_IDENT}")
    assert str(e.value).startswith("530 "), str(e.value)


def _owner_group(lines, name):
    for ln in lines:
        f = ln.split()
        if f and f[-1] == name:
            return f[2], f[3]
    raise AssertionError(f"{name} not in listing: {lines}")


def test_listing_names_for_real_user(server, make_user):
    user = make_user()
    p = user.home / "owned.txt"
    p.write_bytes(b"x")
    os.chown(p, user.uid, user.gid)
    ftp = server.login(user)
    assert _owner_group(list_lines(ftp), "owned.txt") == (user.name,
                                                          user.name)


def test_listing_names_for_chrooted_user(ftpd, world, make_user):
    # The jail has no /etc/passwd: the names come from tables read before
    # the chroot.
    user = make_user()
    p = user.home / "owned.txt"
    p.write_bytes(b"x")
    os.chown(p, user.uid, user.gid)
    world.conf("ftpchroot", f"{user.name}\n")
    srv = ftpd()
    ftp = srv.login(user)
    assert _owner_group(list_lines(ftp), "owned.txt") == (user.name,
                                                          user.name)


def test_passwd_and_group_settings_used_for_names(ftpd, world, make_user):
    user = make_user()
    p = user.home / "owned.txt"
    p.write_bytes(b"x")
    os.chown(p, user.uid, user.gid)
    pw = world.dir / "names.passwd"
    gr = world.dir / "names.group"
    pw.write_text(f"fancyowner:x:{user.uid}:{user.gid}::/:/bin/sh\n")
    gr.write_text(f"fancygroup:x:{user.gid}:\n")
    srv = ftpd(settings={"passwd": str(pw), "group": str(gr)})
    ftp = srv.login(user)
    assert _owner_group(list_lines(ftp), "owned.txt") == ("fancyowner",
                                                          "fancygroup")


def test_guest_listing_names(ftpd, world):
    # Guests: names from <anon_root>/etc/passwd and group if present,
    # numbers otherwise.
    srv = ftpd()
    ftp = srv.anon()
    assert _owner_group(list_lines(ftp, "pub"), "hello.txt") == ("0", "0")
    world.anon_write("etc/passwd", "rootish:*:0:0::/:/nonexistent\n")
    world.anon_write("etc/group", "wheelish:*:0:\n")
    ftp2 = srv.anon()
    assert _owner_group(list_lines(ftp2, "pub"), "hello.txt") == \
        ("rootish", "wheelish")
