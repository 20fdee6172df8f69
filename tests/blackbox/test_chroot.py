"""ftpchroot: users (or @groups) confined to their home or to a directory
named in the second field; no way out with .., absolute paths or symlinks."""

import ftplib
import os

import pytest

from bbutil import CWD_OK, retr_bytes, nlst_names, basenames, last_line

MARKER = "chroot-marker.txt"


def _chown_tree(user, path):
    d = path
    while True:
        os.chown(d, user.uid, user.gid)
        if d == user.home or d == d.parent:
            break
        d = d.parent


def _prepare(user):
    p = user.home / MARKER
    p.write_bytes(b"inside the jail\n")
    os.chown(p, user.uid, user.gid)


def _login_chrooted(server, user):
    ftp = server.connect()
    assert ftp.sendcmd(f"USER {user.name}") == \
        f"331 Password required for {user.name}."
    resp = ftp.sendcmd(f"PASS {user.password}")
    assert last_line(resp) == \
        f"230 User {user.name} logged in, access restrictions apply."
    return ftp


def _cwd_up(ftp, cmd):
    """Going above the jail's root either succeeds and stays at / (a real
    chroot) or is refused with 550; both are fine."""
    try:
        assert ftp.sendcmd(cmd) == CWD_OK
    except ftplib.error_perm as e:
        assert str(e).startswith("550 "), str(e)


def _assert_root_is_home(ftp):
    names = basenames(nlst_names(ftp, "/"))
    assert MARKER in names, names
    # Nothing of the host's root shows up.
    assert not {"proc", "usr", "etc", "bin"} & names, names


@pytest.fixture
def jailed(ftpd, world, make_user):
    user = make_user()
    _prepare(user)
    world.conf("ftpchroot", f"# chrooted users\n{user.name}\n")
    server = ftpd()
    return server, user


def test_chroot_pwd_is_root(jailed):
    server, user = jailed
    ftp = _login_chrooted(server, user)
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    _assert_root_is_home(ftp)


def test_cwd_dotdot_stays_inside(jailed):
    server, user = jailed
    ftp = _login_chrooted(server, user)
    for cmd in ("CWD ..", "CWD ../../..", "CDUP"):
        _cwd_up(ftp, cmd)
        assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    assert MARKER in basenames(nlst_names(ftp))


def test_cwd_absolute_host_path(jailed):
    server, user = jailed
    ftp = _login_chrooted(server, user)
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("CWD /etc")
    assert str(e.value) == "550 /etc: No such file or directory."
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    _assert_root_is_home(ftp)


@pytest.mark.parametrize("path", ["../../../etc/passwd", "/etc/passwd",
                                  "/../../etc/passwd"])
def test_retr_traversal_fails(jailed, path):
    server, user = jailed
    ftp = _login_chrooted(server, user)
    with pytest.raises(ftplib.error_perm) as e:
        retr_bytes(ftp, path)
    assert str(e.value).startswith("550 "), str(e.value)


def test_symlink_out_of_jail(jailed):
    server, user = jailed
    os.symlink("/etc", user.home / "etclink")
    os.symlink("/etc/passwd", user.home / "pwlink")
    os.symlink("../../../../..", user.home / "uplink")
    ftp = _login_chrooted(server, user)
    for path in ("etclink/passwd", "pwlink"):
        with pytest.raises(ftplib.error_perm) as e:
            retr_bytes(ftp, path)
        assert str(e.value).startswith("550 "), (path, str(e.value))
    try:
        ftp.sendcmd("CWD etclink")
        raise AssertionError("CWD through a symlink to /etc succeeded")
    except ftplib.error_perm as e:
        assert str(e).startswith("550 "), str(e)
    # A relative link climbing up ends at the jail's root at most.
    try:
        ftp.sendcmd("CWD uplink")
        _assert_root_is_home(ftp)
        names = basenames(nlst_names(ftp))
        assert MARKER in names, names
    except ftplib.error_perm as e:
        assert str(e).startswith("550 "), str(e)


def test_chroot_user_cannot_change_user(jailed):
    server, user = jailed
    ftp = _login_chrooted(server, user)
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("USER root")
    assert str(e.value) == "530 Can't change user from chroot user."


def test_dot_slash_splits_root_and_start_dir(ftpd, world, make_user):
    user = make_user()
    _prepare(user)
    sub = user.home / "sub"
    sub.mkdir()
    (sub / "insub.txt").write_bytes(b"in sub\n")
    _chown_tree(user, sub / "insub.txt")
    world.conf("ftpchroot", f"{user.name} {user.home}/./sub\n")
    server = ftpd()
    ftp = _login_chrooted(server, user)
    assert ftp.sendcmd("PWD") == '257 "/sub" is current directory.'
    assert "insub.txt" in basenames(nlst_names(ftp))
    _assert_root_is_home(ftp)
    assert ftp.sendcmd("CWD /") == CWD_OK
    _cwd_up(ftp, "CWD ..")
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    _assert_root_is_home(ftp)


def test_relative_second_field(ftpd, world, make_user):
    user = make_user()
    jail = user.home / "jail"
    jail.mkdir()
    (jail / "injail.txt").write_bytes(b"jail\n")
    _chown_tree(user, jail / "injail.txt")
    world.conf("ftpchroot", f"{user.name} jail\n")
    server = ftpd()
    ftp = _login_chrooted(server, user)
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    names = basenames(nlst_names(ftp, "/"))
    assert "injail.txt" in names and "jail" not in names, names
    data, _ = retr_bytes(ftp, "/injail.txt")
    assert data == b"jail\n"


def test_group_in_ftpchroot(ftpd, world, make_user, make_group):
    group = make_group()
    member = make_user(groups=[group])
    other = make_user()
    _prepare(member)
    world.conf("ftpchroot", f"@{group.name}\n")
    server = ftpd()
    ftp = _login_chrooted(server, member)
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    _assert_root_is_home(ftp)
    ftp2 = server.connect()
    resp = ftp2.login(other.name, other.password)
    assert last_line(resp) == f"230 User {other.name} logged in."
    assert ftp2.sendcmd("PWD") == f'257 "{other.home}" is current directory.'


def test_unlisted_user_not_chrooted(ftpd, world, make_user):
    listed = make_user()
    other = make_user()
    world.conf("ftpchroot", f"{listed.name}\n")
    server = ftpd()
    ftp = server.login(other)
    assert ftp.sendcmd("PWD") == f'257 "{other.home}" is current directory.'
