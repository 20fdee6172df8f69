"""ftpd.conf(5): per-class settings.  Loading at start-up (a bad line stops
the server, naming file and line) and on SIGHUP (a bad file keeps the old
configuration), how a login gets its class (ftpusers class field, else
guest/chroot/real), the precedence of the flags -t -T -u -R over settings
the file leaves at their defaults, and the effect of every directive the
daemon applies: timeout, maxtimeout, umask, modify, upload, passive,
portrange, advertise, checkportcmd, maxfilesize, sanenames, limit, motd,
classtype, chroot, homedir, template, display, notify, hidesymlinks,
rateget, rateput, denyquick, sendbufsize and recvbufsize."""

import ftplib
import io
import os
import random
import shutil
import signal
import socket
import stat
import tempfile
import time
from pathlib import Path

import pytest

from bbutil import (LOOPBACK, TRANSFER_OK, PORT_OK, ILLEGAL_PORT,
                    is_listening, last_line, parse_pasv, recv_all,
                    retr_bytes, wait_until)

PERM_DENIED = "550 Permission denied."
PASV_OFF = "502 Passive mode is disabled."


def _conf(world, text):
    return world.conf("ftpd.conf", text)


def _idle(ftp):
    """(idle timeout, maximum) from SITE IDLE."""
    resp = ftp.sendcmd("SITE IDLE")
    prefix = "200 Current IDLE time limit is "
    assert resp.startswith(prefix), resp
    words = resp[len(prefix):].split()
    # "<n> seconds; max <m>."
    return int(words[0]), int(words[3].rstrip("."))


def _umask(ftp):
    resp = ftp.sendcmd("SITE UMASK")
    assert resp.startswith("200 Current UMASK is "), resp
    return int(resp.split()[-1].rstrip("."), 8)


def _user_file(user, rel, data=b"data\n"):
    p = user.home / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    os.chown(p, user.uid, user.gid)
    os.chown(p.parent, user.uid, user.gid)
    return p


def _user_dir(user, rel):
    p = user.home / rel
    p.mkdir(parents=True, exist_ok=True)
    os.chown(p, user.uid, user.gid)
    return p


def _refused(ftp, cmd, expect=PERM_DENIED):
    with pytest.raises(ftplib.error_perm) as ei:
        ftp.sendcmd(cmd)
    assert str(ei.value) == expect, (cmd, str(ei.value))


def _stor(ftp, name, data):
    return ftp.storbinary(f"STOR {name}", io.BytesIO(data))


def _stor_error(ftp, cmd, data=b"x"):
    with pytest.raises(ftplib.error_perm) as ei:
        ftp.storbinary(cmd, io.BytesIO(data))
    return str(ei.value)


def _free_range(width=8, attempts=40):
    """A range of free loopback ports apart from the fixture's control
    (10000-19999) and passive (20000-39999) ports and from the kernel's
    ephemeral ports."""
    for _ in range(attempts):
        lo = random.randint(5000, 9990)
        ok = True
        for port in range(lo, lo + width):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                try:
                    s.bind((LOOPBACK, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return lo, lo + width - 1
    pytest.fail("no free port range in 5000-9999")


@pytest.fixture
def open_confdir(world):
    """Move the confdir to a directory real users can reach: a motd is
    opened as the user, and pytest's tmp_path sits below a 0700
    directory."""
    d = Path(tempfile.mkdtemp(prefix="ftpdconf-", dir="/tmp"))
    os.chmod(d, 0o755)
    world.confdir = d
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _session_root(server, ftp):
    pid = server.session_pid(ftp)
    assert pid, "no session process found"
    return os.readlink(f"/proc/{pid}/root")


# ------------------------------------------------------------ loading

def test_missing_conf_changes_nothing(ftpd, world, make_user):
    user = make_user()
    assert not (world.confdir / "ftpd.conf").exists()
    srv = ftpd()
    ftp = srv.login(user)
    assert _idle(ftp) == (900, 7200)
    assert _umask(ftp) == 0o027
    assert ftp.sendcmd("PWD") == f'257 "{user.home}" is current directory.'
    _, port = parse_pasv(ftp.sendcmd("PASV"))
    assert srv.pasv_range[0] <= port <= srv.pasv_range[1]
    _refused(ftp, "PORT 127,0,0,2,100,1", ILLEGAL_PORT)
    assert srv.anon().sendcmd("NOOP").startswith("200")


def test_missing_conf_flags_alone(ftpd, world, make_user):
    user = make_user()
    ftp = ftpd("-t", "120", "-T", "600", "-u", "077", "-R").login(user)
    assert _idle(ftp) == (120, 600)
    assert _umask(ftp) == 0o077
    assert ftp.sendcmd("PORT 127,0,0,2,100,1") == PORT_OK


def test_comment_only_conf_changes_nothing(ftpd, world, make_user):
    user = make_user()
    _conf(world, "# nothing but comments\n\n   # and blanks\t\n")
    ftp = ftpd("-t", "120").login(user)
    assert _idle(ftp) == (120, 7200)
    assert _umask(ftp) == 0o027


@pytest.mark.parametrize("text,line,message", [
    ("timeout all 900\n\nbogus all\n", 3, 'unknown directive "bogus"'),
    ("timeout all 10\n", 1, 'timeout: value "10" out of range (30..604800)'),
    ("passive real maybe\n", 1, 'passive: expected "off", got "maybe"'),
    ("portrange all 3000 2000\n", 1, "portrange: min 3000 > max 2000"),
    ("umask real\t0999\n", 1, 'umask: bad octal number "0999"'),
    ("# a comment\nmaxfilesize all \\\n  12q\n", 2,
     'maxfilesize: bad number "12q"'),
    ("timeout real 9000\n", 1,
     "timeout 9000 exceeds maxtimeout 7200 for class real"),
    ("classtype real JAIL\n", 1,
     'classtype: unknown type "JAIL" (GUEST, CHROOT or REAL)'),
    ("umask\n", 1, "umask: missing class"),
])
def test_malformed_line_stops_daemon(ftpd, world, text, line, message):
    path = _conf(world, text)
    srv = ftpd(wait=False)
    rc = srv.proc.wait(10)
    assert rc != 0
    err = world.stderr_path.read_text(errors="replace")
    assert f"ftpd: {path}:{line}: {message}" in err, err
    assert not is_listening(srv.port)


def test_conf_not_a_file_stops_daemon(ftpd, world):
    (world.confdir / "ftpd.conf").mkdir()
    srv = ftpd(wait=False)
    assert srv.proc.wait(10) != 0
    err = world.stderr_path.read_text(errors="replace")
    assert f"{world.confdir}/ftpd.conf: not a regular file" in err, err


def test_sighup_reload(ftpd, world, make_user):
    user = make_user()
    path = _conf(world, "timeout real 600\nmaxtimeout real 1200\n")
    srv = ftpd()
    old = srv.login(user)
    assert _idle(old) == (600, 1200)

    # A broken file: logged with file and line, the old settings stay.
    _conf(world, "timeout real 300\numask real 02x\n")
    mark = world.syslog.mark()
    os.kill(srv.pid, signal.SIGHUP)
    rec = world.syslog.expect(r"keeping the old configuration", start=mark)
    assert f"{path}:2: umask: bad octal number" in rec.text, rec.text
    assert srv.alive()
    ftp = srv.login(user)
    assert _idle(ftp) == (600, 1200)
    assert _umask(ftp) == 0o027

    # A good file: new logins get it; a running session keeps its own.
    _conf(world, "timeout real 300\numask real 002\n")
    mark = world.syslog.mark()
    os.kill(srv.pid, signal.SIGHUP)
    world.syslog.expect(r"SIGHUP: reloaded configuration", start=mark)
    ftp = srv.login(user)
    assert _idle(ftp) == (300, 7200)
    assert _umask(ftp) == 0o002
    assert _idle(old) == (600, 1200)
    assert _umask(old) == 0o027


# ------------------------------------------------------------ classes

def test_timeout_per_class(ftpd, world, make_user):
    real, other = make_user(), make_user()
    world.conf("ftpusers", f"{other.name} allow other\n")
    _conf(world, "timeout real 45\nmaxtimeout real 100\n"
                 "timeout other 31\n")
    srv = ftpd()
    ftp = srv.login(real)
    assert _idle(ftp) == (45, 100)
    _refused(ftp, "SITE IDLE 101",
             "501 Maximum IDLE time must be between 30 and 100 seconds.")
    assert ftp.sendcmd("SITE IDLE 100") == \
        "200 Maximum IDLE time set to 100 seconds."
    # maxtimeout not set for "other": the default, 7200.
    assert _idle(srv.login(other)) == (31, 7200)


def test_flags_apply_where_file_keeps_defaults(ftpd, world, make_user):
    real, other = make_user(), make_user()
    world.conf("ftpusers", f"{other.name} allow other\n")
    # umask 027 and checkportcmd on are the defaults: they count as left
    # alone, so -u and -R win for "real" as well.
    _conf(world, "timeout real 45\nmaxtimeout real 100\n"
                 "umask real 027\ncheckportcmd real on\n"
                 "umask other 002\n")
    srv = ftpd("-t", "120", "-T", "600", "-u", "077", "-R")
    ftp = srv.login(real)
    assert _idle(ftp) == (45, 100)
    assert _umask(ftp) == 0o077
    assert ftp.sendcmd("PORT 127,0,0,2,100,1") == PORT_OK
    ftp = srv.login(other)
    assert _idle(ftp) == (120, 600)
    assert _umask(ftp) == 0o002


def test_umask_per_class_last_match_wins(ftpd, world, make_user):
    real, other = make_user(), make_user()
    world.conf("ftpusers", f"{other.name} allow other\n")
    _conf(world, "umask all 077\n"
                 "umask real 002\n"
                 "umask none 000   # checked, never applied\n")
    srv = ftpd("-u", "022")
    ftp = srv.login(real)
    assert _umask(ftp) == 0o002
    assert _stor(ftp, "r.txt", b"real\n") == TRANSFER_OK
    assert stat.S_IMODE((real.home / "r.txt").stat().st_mode) == 0o664
    ftp = srv.login(other)
    assert _umask(ftp) == 0o077
    assert _stor(ftp, "o.txt", b"other\n") == TRANSFER_OK
    assert stat.S_IMODE((other.home / "o.txt").stat().st_mode) == 0o600


def test_ftpusers_class_field_and_template(ftpd, world, make_user):
    member, plain = make_user(), make_user()
    world.conf("ftpusers", f"# classes\n{member.name}\tallow\tmyclass\n")
    _conf(world,
          "Timeout MyClass 77          # names ignore case\n"
          "maxtimeout myclass 300\n"
          "template myclass base\n"
          "umask base 002              # reaches myclass too\n"
          "template myclass none\n"
          "umask base 070              # no longer does\n")
    srv = ftpd()
    ftp = srv.login(member)
    assert _idle(ftp) == (77, 300)
    assert _umask(ftp) == 0o002
    ftp = srv.login(plain)
    assert _idle(ftp) == (900, 7200)
    assert _umask(ftp) == 0o027


def test_modify_off(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "keep.txt")
    _user_dir(user, "dir")
    _conf(world, "modify real off\n")
    ftp = ftpd().login(user)
    for cmd in ("DELE keep.txt", "MKD newdir", "XMKD newdir", "RMD dir",
                "RNFR keep.txt", "SITE CHMOD 600 keep.txt",
                "SITE UMASK 022", "MFMT 20200101000000 keep.txt"):
        _refused(ftp, cmd)
    assert (user.home / "keep.txt").exists()
    assert (user.home / "dir").is_dir()
    assert not (user.home / "newdir").exists()
    assert _umask(ftp) == 0o027
    # Storing files is still allowed.
    assert _stor(ftp, "new.txt", b"stored\n") == TRANSFER_OK
    assert (user.home / "new.txt").read_bytes() == b"stored\n"
    data, resp = retr_bytes(ftp, "keep.txt")
    assert (data, resp) == (b"data\n", TRANSFER_OK)


def test_upload_off(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "keep.txt")
    _conf(world, "upload real off\n")
    ftp = ftpd().login(user)
    for cmd in ("STOR up.txt", "APPE keep.txt", "STOU"):
        assert _stor_error(ftp, cmd) == PERM_DENIED, cmd
    for cmd in ("DELE keep.txt", "MKD newdir", "RNFR keep.txt",
                "SITE CHMOD 600 keep.txt"):
        _refused(ftp, cmd)
    assert not (user.home / "up.txt").exists()
    assert (user.home / "keep.txt").read_bytes() == b"data\n"
    data, resp = retr_bytes(ftp, "keep.txt")
    assert (data, resp) == (b"data\n", TRANSFER_OK)


def test_upload_off_refuses_site_umask(ftpd, world, make_user):
    user = make_user()
    _conf(world, "upload real off\n")
    ftp = ftpd().login(user)
    _refused(ftp, "SITE UMASK 022")


def test_passive_off(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "f.txt", b"active data\n")
    _conf(world, "passive real off\n")
    srv = ftpd()
    ftp = srv.login(user)
    for cmd in ("PASV", "EPSV", "LPSV"):
        _refused(ftp, cmd, PASV_OFF)
    ftp.set_pasv(False)
    assert retr_bytes(ftp, "f.txt") == (b"active data\n", TRANSFER_OK)
    # Only that class: anonymous users keep passive mode.
    anon = srv.anon()
    assert anon.sendcmd("PASV").startswith("227 ")


def test_portrange(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "f.txt", b"ranged\n")
    lo, hi = _free_range()
    _conf(world, f"portrange real {lo} {hi}\n")
    srv = ftpd()
    ftp = srv.login(user)
    for _ in range(6):
        host, port = parse_pasv(ftp.sendcmd("PASV"))
        assert host == LOOPBACK
        assert lo <= port <= hi, (port, lo, hi)
    resp = ftp.sendcmd("EPSV")
    port = int(resp.split("|||")[1].split("|")[0])
    assert lo <= port <= hi, resp
    assert retr_bytes(ftp, "f.txt") == (b"ranged\n", TRANSFER_OK)
    # Another class uses -X pasv_ports.
    _, port = parse_pasv(srv.anon().sendcmd("PASV"))
    assert srv.pasv_range[0] <= port <= srv.pasv_range[1]


def test_advertise(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "f.txt", b"behind nat\n")
    lo, hi = _free_range()
    _conf(world, f"advertise real 192.0.2.10\nportrange real {lo} {hi}\n")
    srv = ftpd()
    ftp = srv.login(user)
    ftp.voidcmd("TYPE I")
    resp = ftp.sendcmd("PASV")
    assert resp.startswith("227 Entering Passive Mode (192,0,2,10,"), resp
    host, port = parse_pasv(resp)
    assert lo <= port <= hi
    # The port is real: connect to it on the actual address.
    with socket.create_connection((LOOPBACK, port), timeout=10) as conn:
        assert ftp.sendcmd("RETR f.txt")[:1] == "1"
        assert recv_all(conn) == b"behind nat\n"
    assert ftp.getresp() == TRANSFER_OK
    # EPSV carries no address.
    resp = ftp.sendcmd("EPSV")
    assert resp.startswith("229 Entering Extended Passive Mode (|||"), resp
    # Other classes announce the local address.
    assert parse_pasv(srv.anon().sendcmd("PASV"))[0] == LOOPBACK


def test_checkportcmd_off(ftpd, world, make_user):
    loose, strict = make_user(), make_user()
    world.conf("ftpusers", f"{strict.name} allow strict\n")
    _conf(world, "checkportcmd real off\n")
    srv = ftpd()
    ftp = srv.login(loose)
    assert ftp.sendcmd("PORT 127,0,0,2,100,1") == PORT_OK
    assert ftp.sendcmd("PORT 127,0,0,1,0,80") == PORT_OK
    ftp = srv.login(strict)
    _refused(ftp, "PORT 127,0,0,2,100,1", ILLEGAL_PORT)


def test_maxfilesize(ftpd, world, make_user):
    user = make_user()
    _conf(world, "maxfilesize real 1k\n")
    ftp = ftpd().login(user)
    ftp.voidcmd("TYPE I")
    exact = os.urandom(1024)
    assert _stor(ftp, "exact.bin", exact) == TRANSFER_OK
    assert (user.home / "exact.bin").read_bytes() == exact
    big = os.urandom(3000)
    err = _stor_error(ftp, "STOR big.bin", big)
    assert err.startswith("552 "), err
    assert (user.home / "big.bin").read_bytes() == big[:1024]
    # Appending past the limit fails the same way.
    err = _stor_error(ftp, "APPE exact.bin", b"more")
    assert err.startswith("552 "), err
    assert (user.home / "exact.bin").read_bytes() == exact


def test_sanenames(ftpd, world, make_user):
    user = make_user()
    _conf(world, "sanenames real\n")
    ftp = ftpd().login(user)
    for name in (".hidden", "a b", "semi;colon", "dollar$"):
        err = _stor_error(ftp, f"STOR {name}")
        assert err.startswith("553 "), (name, err)
        assert not (user.home / name).exists()
    assert _stor(ftp, "ok-name_1.txt", b"fine\n") == TRANSFER_OK
    assert (user.home / "ok-name_1.txt").read_bytes() == b"fine\n"


def test_sanenames_last_line_wins(ftpd, world, make_user):
    user = make_user()
    _conf(world, "sanenames all\nsanenames real off\n")
    ftp = ftpd().login(user)
    assert _stor(ftp, ".hidden", b"dot\n") == TRANSFER_OK
    assert _stor(ftp, "a b", b"blank\n") == TRANSFER_OK
    assert (user.home / "a b").read_bytes() == b"blank\n"


def test_limit(ftpd, world, make_user):
    first, second = make_user(), make_user()
    _conf(world, "limit real 1\n")
    srv = ftpd()
    ftp = srv.login(first)
    rc = srv.raw()
    assert rc.reply().code == 220
    r = rc.login(second.name, second.password)
    assert r.text == "530 Too many users in class real; try again later."
    world.syslog.expect(r"class real is full")
    # Other classes are not counted.
    assert srv.anon().sendcmd("NOOP").startswith("200")
    # Once the first session ends there is room again.
    ftp.quit()

    def retry():
        c = srv.raw()
        c.reply()
        return c.login(second.name, second.password).code == 230
    assert wait_until(retry, 5.0, 0.2)


def test_limit_zero_refuses_class(ftpd, world, make_user):
    user = make_user()
    _conf(world, "limit real 0\n")
    rc = ftpd().raw()
    rc.reply()
    assert rc.login(user.name, user.password).text == \
        "530 Too many users in class real; try again later."


def test_motd_per_class(ftpd, world, open_confdir, make_user):
    real, quiet, jailed = make_user(), make_user(), make_user()
    world.conf("ftpusers", f"{quiet.name} allow quiet\n"
                           f"{jailed.name} allow jailed\n")
    world.conf("ftpmotd", "global motd\n")
    world.conf("realmotd", "motd of class real\n")
    world.conf("jailmotd", "outside the jail\n")
    inside = jailed.home / str(world.confdir).lstrip("/") / "jailmotd"
    inside.parent.mkdir(parents=True)
    inside.write_text("inside the jail\n")
    _conf(world, "motd real realmotd\n"
                 "motd quiet\n"
                 "classtype jailed CHROOT\n"
                 "motd jailed jailmotd\n")
    srv = ftpd()

    def login_reply(user):
        ftp = srv.connect()
        ftp.sendcmd(f"USER {user.name}")
        return ftp.sendcmd(f"PASS {user.password}").split("\n")

    lines = login_reply(real)
    assert "230- motd of class real" in lines, lines
    assert not any("global" in x for x in lines), lines
    lines = login_reply(quiet)
    assert lines == [f"230 User {quiet.name} logged in."], lines
    # Relative to confdir, opened after the chroot.
    lines = login_reply(jailed)
    assert "230- inside the jail" in lines, lines
    assert not any("outside" in x for x in lines), lines


def test_class_motd_before_vhost_motd(ftpd, world, open_confdir,
                                      make_user):
    user = make_user()
    world.conf("vhostmotd", "virtual host motd\n")
    world.conf("realmotd", "class motd\n")
    world.conf("ftphosts", f"{LOOPBACK} - - - {world.confdir}/vhostmotd\n")
    _conf(world, "motd real realmotd\n")
    ftp = ftpd().connect()
    ftp.sendcmd(f"USER {user.name}")
    lines = ftp.sendcmd(f"PASS {user.password}").split("\n")
    assert "230- class motd" in lines, lines


def test_classtype_chroot_jails_real_user(ftpd, world, make_user):
    user, free = make_user(), make_user()
    _user_file(user, "marker.txt", b"in the jail\n")
    world.conf("ftpusers", f"{user.name} allow myclass\n")
    _conf(world, "classtype myclass CHROOT\n")
    srv = ftpd()
    ftp = srv.connect()
    ftp.sendcmd(f"USER {user.name}")
    assert last_line(ftp.sendcmd(f"PASS {user.password}")) == \
        f"230 User {user.name} logged in, access restrictions apply."
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    assert retr_bytes(ftp, "/marker.txt") == (b"in the jail\n", TRANSFER_OK)
    assert _session_root(srv, ftp) == str(user.home)
    # A user of class real is not jailed.
    ftp = srv.login(free)
    assert ftp.sendcmd("PWD") == f'257 "{free.home}" is current directory.'


def test_chroot_and_homedir_formats(ftpd, world, make_user):
    jailed, free = make_user(), make_user()
    _user_dir(jailed, "area/files")
    _user_file(jailed, "area/files/f.txt", b"formats\n")
    _user_dir(free, "start")
    world.conf("ftpusers", f"{jailed.name} allow jailed\n")
    _conf(world, "classtype jailed CHROOT\n"
                 "chroot jailed %d/area\n"
                 "homedir jailed /files\n"
                 "homedir real %d/start\n")
    srv = ftpd()
    ftp = srv.login(jailed)
    assert ftp.sendcmd("PWD") == '257 "/files" is current directory.'
    assert retr_bytes(ftp, "f.txt") == (b"formats\n", TRANSFER_OK)
    assert _session_root(srv, ftp) == str(jailed.home / "area")
    ftp = srv.login(free)
    assert ftp.sendcmd("PWD") == \
        f'257 "{free.home}/start" is current directory.'


def test_classtype_guest_defaults_for_real_user(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "keep.txt")
    world.conf("ftpusers", f"{user.name} allow visitors\n")
    _conf(world, "classtype visitors GUEST\n")
    srv = ftpd()
    ftp = srv.login(user)
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    assert _session_root(srv, ftp) == str(user.home)
    # A GUEST class defaults to modify off and umask 0707.
    _refused(ftp, "DELE keep.txt")
    assert _umask(ftp) == 0o707




def test_upload_only_class(ftpd, world, make_user):
    """The drop-box example of ftpd.conf(5)."""
    user = make_user()
    world.conf("ftpusers", f"{user.name} allow drop\n")
    _conf(world, "classtype   drop  CHROOT\n"
                 "modify      drop  off\n"
                 "umask       drop  0777\n"
                 "sanenames   drop\n"
                 "maxfilesize drop  100m\n")
    ftp = ftpd().login(user)
    assert _stor(ftp, "report.pdf", b"%PDF-1.4\n") == TRANSFER_OK
    dest = user.home / "report.pdf"
    assert dest.read_bytes() == b"%PDF-1.4\n"
    assert stat.S_IMODE(dest.stat().st_mode) == 0
    with pytest.raises(ftplib.error_perm) as ei:
        retr_bytes(ftp, "report.pdf")
    assert str(ei.value).startswith("550 "), str(ei.value)
    assert _stor_error(ftp, "STOR report.pdf", b"replaced").startswith("55")
    assert dest.read_bytes() == b"%PDF-1.4\n"
    _refused(ftp, "DELE report.pdf")
    _refused(ftp, "SITE CHMOD 644 report.pdf")



def test_display_and_notify_on_cwd(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "sub/.message", b"Welcome to sub.\n")
    _user_file(user, "news/README.txt", b"read me\n")
    _conf(world, "display real .message\nnotify real README*\n")
    ftp = ftpd().login(user)
    lines = ftp.sendcmd("CWD sub").split("\n")
    assert lines == ["250- Welcome to sub.", "250 CWD command successful."]
    # Shown the first time only.
    ftp.sendcmd("CDUP")
    assert ftp.sendcmd("CWD sub") == "250 CWD command successful."
    lines = ftp.sendcmd("CWD ../news").split("\n")
    assert lines[0] == "250- Please read the file README.txt", lines
    assert lines[1].startswith("250-   it was last modified "), lines
    assert lines[-1] == "250 CWD command successful."


def test_hidesymlinks(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "target.txt", b"12345")
    os.symlink("target.txt", user.home / "link")
    world.conf("ftpusers", f"{user.name} allow hiding\n")
    _conf(world, "hidesymlinks hiding\n")
    srv = ftpd()

    def link_line(ftp):
        lines = []
        ftp.retrlines("LIST", lines.append)
        return [x for x in lines if x.split()[-1] == "link"
                or " link -> " in x][0]
    line = link_line(srv.login(user))
    assert line.startswith("-") and "->" not in line, line
    assert line.split()[4] == "5", line
    world.conf("ftpusers", "")
    line = link_line(srv.login(user))
    assert line.startswith("l") and line.endswith("link -> target.txt"), line


def test_rateget_rateput(ftpd, world, make_user):
    user = make_user()
    payload = os.urandom(150 * 1024)
    _user_file(user, "big.bin", payload)
    _conf(world, "rateget real 100k\nrateput real 2x50k\n")
    ftp = ftpd().login(user)
    # 100 KiB/s with a tenth of a second of burst: about 1.4 s each way.
    t0 = time.monotonic()
    assert retr_bytes(ftp, "big.bin") == (payload, TRANSFER_OK)
    assert time.monotonic() - t0 >= 1.0
    t0 = time.monotonic()
    assert _stor(ftp, "up.bin", payload) == TRANSFER_OK
    assert time.monotonic() - t0 >= 1.0
    assert (user.home / "up.bin").read_bytes() == payload


def test_maxfilesize_spares_statistics_file(ftpd, world):
    stats = world.dir / "stats"
    stats.write_text("x" * 199 + "\n")
    world.conf("ftphosts", f"{LOOPBACK} - {stats}\n")
    _conf(world, "maxfilesize guest 100\n")
    ftp = ftpd("-S").anon()
    assert retr_bytes(ftp, "pub/hello.txt")[1] == TRANSFER_OK
    ftp.quit()
    # The line is written before the 226 reply.
    lines = stats.read_text().splitlines()[1:]
    assert lines and lines[0].endswith("!/pub/hello.txt!12!1"), lines


def test_limit_file_shown_when_full(ftpd, world, make_user):
    first, second = make_user(), make_user()
    msg = world.conf("full.msg", "The real users' room is full.\n"
                                 "Try the mirror at 127.0.0.2.\n")
    _conf(world, f"limit real 1 {msg}\n")
    srv = ftpd()
    srv.login(first)
    rc = srv.raw()
    rc.reply()
    r = rc.login(second.name, second.password)
    assert r.code == 530
    assert r.lines[:2] == ["530- The real users' room is full.",
                           "530- Try the mirror at 127.0.0.2."], r.lines
    assert r.text == "530 Too many users in class real; try again later."


def test_private_hides_class_in_stat(ftpd, world, make_user):
    user = make_user()
    srv = ftpd()
    assert "Class: real, type: REAL" in srv.login(user).sendcmd("STAT")
    _conf(world, "private real\n")
    os.kill(srv.read_pidfile(), signal.SIGHUP)
    world.syslog.expect(r"SIGHUP: reloaded configuration")
    assert "Class:" not in srv.login(user).sendcmd("STAT")


def test_readsize_writesize_keep_data_exact(ftpd, world, make_user):
    user = make_user()
    _conf(world, "readsize real 1000\nwritesize real 777\n")
    srv = ftpd()
    ftp = srv.login(user)
    ftp.voidcmd("TYPE I")
    payload = os.urandom(300_000)
    ftp.storbinary("STOR sized.bin", io.BytesIO(payload))
    assert (user.home / "sized.bin").read_bytes() == payload
    got = []
    ftp.retrbinary("RETR sized.bin", got.append)
    assert b"".join(got) == payload


# ---------------------------------------------------------------- denyquick

@pytest.mark.parametrize("quick", [True, False])
def test_denyquick_refuses_at_user(ftpd, world, make_user, quick):
    """denyquick: a user denied by ftpusers gets 530 to USER, before any
    password; without it, 331 and then 530 after PASS.  Users not listed,
    and unknown names (no user enumeration), still get 331."""
    denied, allowed = make_user(), make_user()
    world.conf("ftpusers", f"{denied.name}\n")
    _conf(world, "denyquick real\n" if quick else "modify real\n")
    srv = ftpd()
    mark = world.syslog.mark()
    ftp = srv.connect()
    if quick:
        with pytest.raises(ftplib.error_perm) as ei:
            ftp.sendcmd(f"USER {denied.name}")
        assert str(ei.value) == f"530 User {denied.name} access denied."
        world.syslog.expect(r"refused at USER: ftpusers \(denyquick\)",
                            start=mark)
    else:
        assert ftp.sendcmd(f"USER {denied.name}").startswith("331")
        with pytest.raises(ftplib.error_perm) as ei:
            ftp.sendcmd(f"PASS {denied.password}")
        assert str(ei.value).startswith("530")
    assert ftp.sendcmd("USER no-such-user-xq").startswith("331")
    ftp.close()
    ftp = srv.connect()
    assert ftp.login(allowed.name, allowed.password).startswith("230")
    ftp.quit()
    # The daemon survives and answers the next client.
    assert srv.anon().sendcmd("NOOP").startswith("200")


# ------------------------------------------------- sendbufsize, recvbufsize

def _skmem(local_port, remote_port):
    """The kernel's skmem counters (rb = receive buffer, tb = send
    buffer) of one established TCP connection, from ss(8)."""
    import re
    import subprocess
    r = subprocess.run(["ss", "-Htmn", "state", "established", "sport", "=",
                        f":{local_port}", "dport", "=", f":{remote_port}"],
                       capture_output=True, text=True, timeout=10)
    m = re.search(r"skmem:\(([^)]*)\)", r.stdout)
    if not m:
        return None
    return {k: int(v) for k, v in re.findall(r"([a-z]+)(\d+)", m.group(1))}


def test_sendbufsize_recvbufsize_set_data_socket_buffers(ftpd, world,
                                                         make_user):
    """sendbufsize and recvbufsize become SO_SNDBUF and SO_RCVBUF of the
    data socket (Linux reports twice the value set).  The transfers are
    throttled so that the connections are still open when looked at."""
    if shutil.which("ss") is None:
        pytest.skip("ss (iproute2) is not installed")
    user = make_user()
    _conf(world, "sendbufsize real 48k\nrecvbufsize real 40k\n"
          "rateget real 64k\nrateput real 64k\n")
    srv = ftpd()
    ftp = srv.login(user)
    (user.home / "src.bin").write_bytes(os.urandom(100_000))
    ftp.voidcmd("TYPE I")
    with ftp.transfercmd("RETR src.bin") as conn:
        server_port = conn.getpeername()[1]
        mem = wait_until(lambda: _skmem(server_port,
                                        conn.getsockname()[1]), 5)
        assert mem is not None, "data connection not found by ss"
        assert mem["tb"] == 2 * 48 * 1024, mem
        conn.settimeout(30)
        while conn.recv(65536):
            pass
    assert ftp.voidresp().startswith("226")
    with ftp.transfercmd("STOR dst.bin") as conn:
        server_port = conn.getpeername()[1]
        conn.sendall(b"x" * 1000)
        mem = wait_until(lambda: _skmem(server_port,
                                        conn.getsockname()[1]), 5)
        assert mem is not None, "data connection not found by ss"
        assert mem["rb"] == 2 * 40 * 1024, mem
    assert ftp.voidresp().startswith("226")
    ftp.quit()


def test_accepted_without_effect_sendlowat_mmapsize_conversion(ftpd, world,
                                                               make_user,
                                                               tmp_path):
    """Directives ftpd.conf(5) documents as accepted but not applied:
    sendlowat (Linux cannot set SO_SNDLOWAT), mmapsize (sendfile is used)
    and conversion (no program is ever run).  The file loads, transfers
    work, and asking for a converted name runs nothing."""
    user = make_user()
    marker = tmp_path / "conversion-ran"
    script = tmp_path / "conv.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\ncat \"$1\"\n")
    script.chmod(0o755)
    _conf(world, "sendlowat real 8k\nmmapsize real 1m\n"
          f"conversion real .conv f . {script} %s\n")
    srv = ftpd()
    data = os.urandom(300_000)
    (user.home / "plain.bin").write_bytes(data)
    ftp = srv.login(user)
    assert retr_bytes(ftp, "plain.bin")[0] == data
    with pytest.raises(ftplib.error_perm) as ei:
        retr_bytes(ftp, "plain.bin.conv")
    assert str(ei.value).startswith("550")
    ftp.quit()
    assert not marker.exists()
