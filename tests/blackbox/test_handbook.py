"""The DragonFly BSD handbook's FTP chapter, followed step by step on this
machine: an anonymous tree owned by root and mode 555 with pub and etc,
/etc/ftpwelcome and /etc/motd (the handbook's name for the post-login
message), /etc/ftpchroot and /etc/ftpusers, and the -A -l -S flags."""
import ftplib
import os

import pytest

from bbutil import list_lines


def _passwd_copy(world, accounts_user):
    # The handbook copies pwd.db and group into ~ftp/etc for owner names;
    # on Linux the same role is played by text passwd and group files.
    world.anon_write("etc/passwd",
                     f"root:x:0:0:root:/root:/bin/sh\n"
                     f"{accounts_user.name}:x:{accounts_user.uid}:"
                     f"{accounts_user.gid}::/:/bin/sh\n")
    world.anon_write("etc/group", "wheel:x:0:\n")
    os.chmod(world.anon_root / "etc", 0o511)


def test_handbook_site(ftpd, world, make_user):
    dfly = make_user()                 # "echo 'dfly' >> /etc/ftpchroot"
    denied = make_user()
    plain = make_user()
    world.conf("ftpchroot", f"{dfly.name}\n")
    world.conf("ftpusers", f"# users disallowed any ftp access\n"
                           f"root\n{denied.name}\n")
    world.conf("ftpwelcome", "Welcome to the DragonFly mirror\n")
    world.conf("motd", "Message of the day, as the handbook writes it\n")
    _passwd_copy(world, world.anon)
    server = ftpd("-l")

    # Anonymous: jailed in ~ftp, welcome before login, names in listings.
    ftp = server.connect()
    assert "Welcome to the DragonFly mirror" in ftp.getwelcome()
    ftp.login("anonymous", "guest@example.org")
    assert ftp.pwd() == "/"
    lines = list_lines(ftp)
    assert any(" root " in line and line.endswith(" pub") for line in lines)
    ftp.quit()

    # A real user logs in to its home.
    ftp = server.login(plain)
    assert ftp.pwd() == f"{plain.home}"
    ftp.quit()

    # The ftpchroot user is jailed in its home, and sees the motd file
    # (there is no ftpmotd) as BSD reads it: after the chroot, so from
    # inside the jail.
    inner = dfly.home / str(world.confdir).lstrip("/")
    inner.mkdir(parents=True)
    (inner / "motd").write_text("Message of the day, as the handbook "
                                "writes it\n")
    os.system(f"chown -R {dfly.uid}:{dfly.gid} {dfly.home}")
    ftp = server.connect()
    resp = ftp.login(dfly.name, dfly.password)
    assert "230- Message of the day, as the handbook writes it" in resp
    assert ftp.pwd() == "/"
    ftp.cwd("..")
    assert ftp.pwd() == "/"
    ftp.quit()

    # The ftpusers user is refused even with the right password.
    ftp = server.connect()
    with pytest.raises(ftplib.error_perm) as e:
        ftp.login(denied.name, denied.password)
    assert str(e.value) == "530 Login incorrect."


def test_handbook_anonymous_only_with_stats(ftpd, world, make_user):
    """ftpd_flags="-A -l -S": anonymous only, downloads recorded."""
    user = make_user()
    stats = world.dir / "xferstats"
    stats.write_text("")
    # -S writes where ftphosts says, or /var/log/ftpd: use a virtual host
    # entry for 127.0.0.1 so the test does not touch /var/log.
    world.conf("ftphosts", f"127.0.0.1 - {stats}\n")
    server = ftpd("-A", "-l", "-S")
    ftp = server.connect()
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd(f"USER {user.name}")
    assert str(e.value) == "530 Sorry, only anonymous ftp allowed."
    ftp = server.anon(password="visitor@example.org")
    data = []
    ftp.retrbinary("RETR pub/hello.txt", data.append)
    ftp.quit()
    line = stats.read_text().strip()
    fields = line.split("!")
    assert len(fields) == 6, line
    assert fields[1] == "visitor@example.org"
    assert fields[2] == "127.0.0.1"
    assert fields[3] == "/pub/hello.txt"
    assert int(fields[4]) == len(b"".join(data)) and int(fields[5]) >= 1
