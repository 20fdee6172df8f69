"""BSD ftpd drop-in behaviour: STOU and guest upload rules, -m -M -r -o
-O, SITE UMASK/CHMOD/IDLE/HELP, STAT (server, path, during a transfer),
REIN and USER after login, ACCT/SMNT/ALLO/HELP, TYPE A both ways, ABOR
with and without urgent data, idle and data timeouts, /etc/ftphosts
virtual hosts with -S statistics."""

import ftplib
import io
import os
import re
import socket
import time

import pytest

from bbutil import (ANON_IDENT, GUEST_230, IO_TIMEOUT, LOOPBACK, NOOP_OK,
                    OTHER_LOOPBACK, TRANSFER_OK, RawControl, nlst_names,
                    parse_pasv, recv_all, retr_bytes)

IAC, IP, DM = 255, 244, 242
PERM_DENIED = "550 Permission denied."
NOT_PERMITTED = "550 Operation not permitted."
RETR_DISABLED = "500 RETR command disabled."
ABORTED_426 = "426 Transfer aborted. Data connection closed."
ABORTED_226 = "226 Abort successful."


# ---------------------------------------------------------------- helpers

def _raw(server, host=LOOPBACK):
    rc = RawControl(server.port, host=host)
    server.clients.append(rc)
    return rc


def _login_raw(server, name, password, host=LOOPBACK):
    rc = _raw(server, host)
    assert rc.reply().code == 220
    r = rc.login(name, password)
    assert r.code == 230, r
    return rc


def _user_file(user, rel, data=b"", mode=0o644):
    p = os.path.join(str(user.home), rel)
    with open(p, "wb") as f:
        f.write(data)
    os.chown(p, user.uid, user.gid)
    os.chmod(p, mode)
    return p


def _user_dir(user, rel, mode=0o755):
    p = os.path.join(str(user.home), rel)
    os.mkdir(p)
    os.chown(p, user.uid, user.gid)
    os.chmod(p, mode)
    return p


def _sparse(user, name, size, tail=b""):
    p = os.path.join(str(user.home), name)
    with open(p, "wb") as f:
        f.truncate(size)
        if tail:
            f.seek(size - len(tail))
            f.write(tail)
    os.chown(p, user.uid, user.gid)
    return p


def _pasv(rc):
    r = rc.cmd("PASV")
    return parse_pasv(r.text)


def _stor(ftp, cmd, data):
    return ftp.storbinary(cmd, io.BytesIO(data))


def _perm(ftp, cmd):
    """The reply of a command expected to fail with a 4xx/5xx reply."""
    with pytest.raises(ftplib.Error) as e:
        ftp.sendcmd(cmd)
    return str(e.value)


def _stor_reply(ftp, cmd, data=b"x"):
    """Final reply text of an upload, or the error reply text."""
    try:
        return _stor(ftp, cmd, data)
    except ftplib.Error as e:
        return str(e)


# ---------------------------------------------------------------- STOU

def test_stou_unique_names(server, make_user):
    user = make_user()
    ftp = server.login(user)
    ftp.voidcmd("TYPE I")
    assert _stor(ftp, "STOU up.txt", b"one") == \
        "226 Transfer complete (unique file name:up.txt)."
    assert _stor(ftp, "STOU up.txt", b"two") == \
        "226 Transfer complete (unique file name:up.txt.1)."
    assert _stor(ftp, "STOU up.txt", b"three") == \
        "226 Transfer complete (unique file name:up.txt.2)."
    assert (user.home / "up.txt").read_bytes() == b"one"
    assert (user.home / "up.txt.1").read_bytes() == b"two"
    assert (user.home / "up.txt.2").read_bytes() == b"three"
    # Without an argument: a fixed base name.
    r = _stor(ftp, "STOU", b"noarg")
    m = re.match(r"^226 Transfer complete \(unique file name:(.+)\)\.$", r)
    assert m, r
    assert (user.home / m.group(1)).read_bytes() == b"noarg"
    # name, name.1 ... name.99 all taken: 452, and nothing is written.
    _user_file(user, "full.txt", b"orig")
    for i in range(1, 100):
        _user_file(user, f"full.txt.{i}", b"orig")
    r = _stor_reply(ftp, "STOU full.txt", b"lost")
    assert r == "452 Unique file name cannot be created.", r
    assert not (user.home / "full.txt.100").exists()
    assert all((user.home / f"full.txt.{i}").read_bytes() == b"orig"
               for i in range(1, 100))
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_upload_without_data_channel_changes_nothing(server, make_user):
    user = make_user()
    _user_file(user, "keep.txt", b"precious data")
    rc = _login_raw(server, user.name, user.password)
    for cmd in ("STOR keep.txt", "APPE keep.txt", "STOU new.txt",
                "STOR other.txt"):
        assert rc.cmd(cmd).text == "425 Use PORT or PASV first.", cmd
    # A command that failed has no effect on the file system.
    assert (user.home / "keep.txt").read_bytes() == b"precious data"
    assert not (user.home / "new.txt").exists()
    assert not (user.home / "other.txt").exists()


# ---------------------------------------------------------------- guests

def test_guest_upload_rules(ftpd, world):
    inc = world.make_incoming()
    srv = ftpd()
    ftp = srv.anon()
    ftp.voidcmd("TYPE I")
    assert _stor(ftp, "STOR incoming/g.txt", b"first") == \
        "226 Transfer complete (unique file name:incoming/g.txt)."
    assert _stor(ftp, "STOR incoming/g.txt", b"second") == \
        "226 Transfer complete (unique file name:incoming/g.txt.1)."
    assert (inc / "g.txt").read_bytes() == b"first"
    assert (inc / "g.txt.1").read_bytes() == b"second"
    assert _stor_reply(ftp, "APPE incoming/g.txt") == \
        "550 Appending to existing file denied."
    # REST then STOR (ftplib sends REST right before STOR).
    try:
        r = ftp.storbinary("STOR incoming/g.txt", io.BytesIO(b"zz"), rest=2)
    except ftplib.Error as e:
        r = str(e)
    assert r == "550 Modifying existing file denied.", r
    assert _perm(ftp, "DELE incoming/g.txt") == NOT_PERMITTED
    assert _perm(ftp, "RNFR incoming/g.txt") == NOT_PERMITTED
    assert _perm(ftp, "MFMT 20200102030405 incoming/g.txt") == NOT_PERMITTED
    assert (inc / "g.txt").read_bytes() == b"first"
    # MLSD perm facts say the same: no a/d/f/w on files, no p on dirs.
    facts = dict(ftp.mlsd("incoming"))
    assert facts["g.txt"]["perm"] == "r", facts["g.txt"]
    assert facts["."]["perm"] == "celm", facts["."]
    # MKD is allowed where the permissions allow it (no -M) ...
    assert ftp.mkd("incoming/newdir") == "incoming/newdir"
    # ... but RMD is not (no -m).
    assert _perm(ftp, "RMD incoming/newdir") == NOT_PERMITTED
    assert (inc / "newdir").is_dir()


def test_guest_modify_flag_m(ftpd, world):
    inc = world.make_incoming()
    srv = ftpd("-m")
    ftp = srv.anon()
    ftp.voidcmd("TYPE I")
    assert _stor(ftp, "STOR incoming/m.txt", b"first") == TRANSFER_OK
    assert _stor(ftp, "STOR incoming/m.txt", b"again") == TRANSFER_OK
    assert (inc / "m.txt").read_bytes() == b"again"
    assert not (inc / "m.txt.1").exists()
    assert _stor(ftp, "APPE incoming/m.txt", b"+more") == TRANSFER_OK
    assert (inc / "m.txt").read_bytes() == b"again+more"
    assert ftp.storbinary("STOR incoming/m.txt", io.BytesIO(b"AI"),
                          rest=1) == TRANSFER_OK
    assert (inc / "m.txt").read_bytes() == b"aAIin+more"
    facts = dict(ftp.mlsd("incoming"))
    assert facts["m.txt"]["perm"] == "adfrw", facts["m.txt"]
    assert facts["."]["perm"] == "celmp", facts["."]
    assert ftp.rename("incoming/m.txt", "incoming/n.txt").startswith("250")
    assert ftp.delete("incoming/n.txt") == "250 DELE command successful."
    assert not (inc / "n.txt").exists()
    ftp.mkd("incoming/d")
    assert ftp.rmd("incoming/d") == "250 RMD command successful."


def test_guest_no_mkdir_M(ftpd, world, make_user):
    world.make_incoming()
    srv = ftpd("-M")
    ftp = srv.anon()
    assert _perm(ftp, "MKD incoming/x") == NOT_PERMITTED
    assert _perm(ftp, "XMKD incoming/x") == NOT_PERMITTED
    assert not (world.anon_root / "incoming" / "x").exists()
    assert dict(ftp.mlsd("incoming"))["."]["perm"] == "cel"
    # Uploads still work, and real users are not affected.
    assert _stor(ftp, "STOR incoming/ok.txt", b"ok").startswith("226")
    user = make_user()
    uftp = srv.login(user)
    assert uftp.mkd("realdir") == "realdir"
    assert (user.home / "realdir").is_dir()


# ---------------------------------------------------------------- -r -o -O

def test_read_only_r(ftpd, make_user):
    user = make_user()
    _user_file(user, "keep.txt", b"keep me\n")
    _user_dir(user, "keepdir")
    srv = ftpd("-r")
    ftp = srv.login(user)
    ftp.voidcmd("TYPE I")
    for cmd in ("STOR new.txt", "APPE keep.txt", "STOU new.txt"):
        assert _stor_reply(ftp, cmd) == PERM_DENIED, cmd
    for cmd in ("DELE keep.txt", "MKD newdir", "XMKD newdir", "RMD keepdir",
                "XRMD keepdir", "RNFR keep.txt", "RNTO other.txt",
                "SITE CHMOD 600 keep.txt", "MFMT 20200102030405 keep.txt"):
        assert _perm(ftp, cmd) == PERM_DENIED, cmd
    assert not (user.home / "new.txt").exists()
    assert not (user.home / "newdir").exists()
    assert (user.home / "keepdir").is_dir()
    assert (user.home / "keep.txt").stat().st_mode & 0o777 == 0o644
    facts = dict(ftp.mlsd())
    assert facts["keep.txt"]["perm"] == "r", facts["keep.txt"]
    assert facts["keepdir"]["perm"] == "el", facts["keepdir"]
    assert facts["."]["perm"] == "el", facts["."]
    # Reading still works, and so does SITE UMASK.
    assert retr_bytes(ftp, "keep.txt") == (b"keep me\n", TRANSFER_OK)
    assert ftp.sendcmd("SITE UMASK") == "200 Current UMASK is 027."
    assert ftp.sendcmd("SITE UMASK 022") == "200 UMASK set to 022 (was 027)."


def test_retr_disabled_for_everybody_o(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "f.txt", b"data")
    srv = ftpd("-o")
    ftp = srv.login(user)
    ftp.voidcmd("TYPE I")
    assert _perm(ftp, "RETR f.txt") == RETR_DISABLED
    # Digests would give the content away bit by bit: refused as well.
    for cmd in ("HASH f.txt", "XMD5 f.txt", "XCRC f.txt 0 1",
                "SITE MD5 f.txt"):
        assert _perm(ftp, cmd) == RETR_DISABLED, cmd
    assert dict(ftp.mlsd())["f.txt"]["perm"] == "adfw"
    # Upload-only: STOR works.
    assert _stor(ftp, "STOR up.txt", b"up") == TRANSFER_OK
    assert (user.home / "up.txt").read_bytes() == b"up"
    guest = srv.anon()
    assert _perm(guest, "RETR pub/hello.txt") == RETR_DISABLED


def test_retr_disabled_for_guests_O(ftpd, world, make_user):
    user = make_user()
    _user_file(user, "f.txt", b"data")
    srv = ftpd("-O")
    guest = srv.anon()
    assert _perm(guest, "RETR pub/hello.txt") == RETR_DISABLED
    assert _perm(guest, "HASH pub/hello.txt") == RETR_DISABLED
    assert dict(guest.mlsd("pub"))["hello.txt"]["perm"] == ""
    # Listing still works for the guest.
    assert "pub/hello.txt" in nlst_names(guest, "pub") or \
        "hello.txt" in nlst_names(guest, "pub")
    ftp = srv.login(user)
    assert retr_bytes(ftp, "f.txt") == (b"data", TRANSFER_OK)
    assert ftp.sendcmd("XCRC f.txt").startswith("250 ")
    assert dict(ftp.mlsd())["f.txt"]["perm"] == "adfrw"


# ---------------------------------------------------------------- SITE

def test_site_commands(server, make_user):
    user = make_user()
    _user_file(user, "c.txt", b"chmod me")
    ftp = server.login(user)
    ftp.voidcmd("TYPE I")
    assert ftp.sendcmd("SITE UMASK") == "200 Current UMASK is 027."
    assert ftp.sendcmd("SITE UMASK 077") == "200 UMASK set to 077 (was 027)."
    assert _stor(ftp, "STOR u.txt", b"u") == TRANSFER_OK
    assert (user.home / "u.txt").stat().st_mode & 0o777 == 0o600
    for bad in ("8", "9", "18", "1000", "abc", "-1"):
        assert _perm(ftp, f"SITE UMASK {bad}") == "501 Bad UMASK value.", bad
    assert ftp.sendcmd("SITE UMASK") == "200 Current UMASK is 077."
    assert ftp.sendcmd("SITE CHMOD 640 c.txt") == \
        "200 CHMOD command successful."
    assert (user.home / "c.txt").stat().st_mode & 0o777 == 0o640
    for bad in ("8 c.txt", "9 c.txt", "678 c.txt", "1000 c.txt", "x c.txt"):
        assert _perm(ftp, f"SITE CHMOD {bad}") == "501 Bad mode value.", bad
    assert _perm(ftp, "SITE CHMOD 644") == \
        "501 Syntax: SITE CHMOD <mode> <file>"
    assert _perm(ftp, "SITE CHMOD 644 missing.txt") == \
        "550 missing.txt: No such file or directory."
    assert (user.home / "c.txt").stat().st_mode & 0o777 == 0o640
    assert ftp.sendcmd("SITE IDLE") == \
        "200 Current IDLE time limit is 900 seconds; max 7200."
    for bad in ("29", "0", "7201", "abc", "-5"):
        assert _perm(ftp, f"SITE IDLE {bad}") == \
            "501 Maximum IDLE time must be between 30 and 7200 seconds.", bad
    assert ftp.sendcmd("SITE IDLE 30") == \
        "200 Maximum IDLE time set to 30 seconds."
    assert ftp.sendcmd("SITE IDLE 7200") == \
        "200 Maximum IDLE time set to 7200 seconds."
    assert ftp.sendcmd("SITE IDLE") == \
        "200 Current IDLE time limit is 7200 seconds; max 7200."
    helptext = ftp.sendcmd("SITE HELP")
    lines = helptext.split("\n")
    assert lines[0] == "214-The following SITE commands are recognized.", \
        helptext
    assert lines[-1] == "214 End.", helptext
    words = " ".join(lines[1:-1]).split()
    assert set(words) == {"UMASK", "CHMOD", "IDLE", "MD5", "HELP"}, helptext
    assert ftp.sendcmd("SITE HELP chmod") == "214 Syntax: SITE CHMOD"
    assert _perm(ftp, "SITE HELP EXEC") == "502 Unknown command EXEC."
    for sub in ("EXEC", "FOO"):
        assert _perm(ftp, f"SITE {sub} /bin/sh") == \
            f"500 'SITE {sub}': command not understood."
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_site_unknown_to_guests_and_abor_without_transfer(server):
    ftp = server.anon()
    for sub, arg in (("UMASK", ""), ("UMASK", " 022"), ("CHMOD", " 777 pub"),
                     ("IDLE", " 60"), ("HELP", ""), ("MD5", " pub/hello.txt")):
        assert _perm(ftp, f"SITE {sub}{arg}") == \
            f"500 'SITE {sub}': command not understood.", sub
    # ABOR with no transfer running; it also drops a pending PASV port.
    assert ftp.sendcmd("ABOR") == "225 ABOR command successful."
    ftp.sendcmd("PASV")
    assert ftp.sendcmd("ABOR") == "225 ABOR command successful."
    assert _perm(ftp, "RETR pub/hello.txt") == "425 Use PORT or PASV first."
    # REIN works for guests too; a real login may follow.
    assert ftp.sendcmd("REIN") == "220 Service ready for new user."
    assert _perm(ftp, "PWD") == "530 Please login with USER and PASS."
    assert ftp.login("ftp", ANON_IDENT) == GUEST_230


def test_site_idle_limit_follows_T(ftpd, make_user):
    user = make_user()
    srv = ftpd("-T", "100", "-t", "50")
    ftp = srv.login(user)
    assert ftp.sendcmd("SITE IDLE") == \
        "200 Current IDLE time limit is 50 seconds; max 100."
    assert _perm(ftp, "SITE IDLE 101") == \
        "501 Maximum IDLE time must be between 30 and 100 seconds."
    assert ftp.sendcmd("SITE IDLE 100") == \
        "200 Maximum IDLE time set to 100 seconds."


# ---------------------------------------------------------------- STAT

def test_stat_server_status(server, make_user):
    user = make_user()
    rc = _raw(server)
    assert rc.reply().code == 220
    assert rc.cmd("STAT").text == "530 Please login with USER and PASS."
    assert rc.login(user.name, user.password).code == 230
    r = rc.cmd("STAT")
    assert r.code == 211, r
    assert r.lines[0] == f"211-{socket.gethostname()} FTP server status:", r
    assert r.text == "211 End of status.", r
    body = [ln.strip() for ln in r.lines[1:-1]]
    assert "Connected to 127.0.0.1" in body, r
    assert f"Logged in as {user.name}" in body, r
    assert any(ln.startswith("TYPE: ") for ln in body), r
    assert "No data connection" in body, r
    for ln in r.lines[1:-1]:
        assert not ln[:1].isdigit(), r
    rc.cmd("TYPE A")
    rc.cmd("PASV")
    r = rc.cmd("STAT")
    body = [ln.strip() for ln in r.lines[1:-1]]
    assert "TYPE: ASCII, FORM: Nonprint; STRUcture: File; transfer MODE: " \
        "Stream" in body, r
    assert not any(ln == "No data connection" for ln in body), r
    guest = _login_raw(server, "anonymous", ANON_IDENT)
    r = guest.cmd("STAT")
    assert "Logged in anonymously" in [ln.strip() for ln in r.lines], r


def test_stat_path_escapes_lines_starting_with_digits(server, make_user):
    user = make_user()
    _user_dir(user, "d")
    _user_file(user, "d/227 fake", b"injected?")
    _user_dir(user, "d/227 sub")
    _user_dir(user, "d/227 sub/230 inner")
    _user_file(user, "d/227 sub/230 inner/f", b"x")
    ftp = server.login(user)
    # A directory: 212.
    r = ftp.sendcmd("STAT d")
    lines = r.split("\n")
    assert lines[0] == "212-Status of d:", r
    assert lines[-1] == "212 End of status.", r
    assert any(ln.endswith(" 227 fake") for ln in lines[1:-1]), r
    # A file: 213, its line listed.
    r = ftp.sendcmd("STAT d/227 fake")
    lines = r.split("\n")
    assert lines[0] == "213-Status of d/227 fake:", r
    assert lines[-1] == "213 End of status.", r
    assert any(ln.endswith("227 fake") for ln in lines[1:-1]), r
    # Recursive listings print "dir:" headers; from inside d they start
    # with the directory name "227 sub", a digit: those lines get a
    # leading space, so no body line can pass for a reply.
    ftp.cwd("d")
    for arg in ("-R", "-R 227 sub", "-R .", "227 sub"):
        r = ftp.sendcmd(f"STAT {arg}")
        lines = r.split("\n")
        assert lines[-1] in ("212 End of status.", "213 End of status."), \
            (arg, r)
        body = lines[1:-1]
        assert body, (arg, r)
        for ln in body:
            assert not re.match(r"^\d", ln), (arg, ln, r)
        if "-R" in arg:
            assert any("230 inner" in ln for ln in body), (arg, r)
        if arg == "-R 227 sub":
            # The header of the subdirectory starts with a digit.
            assert " 227 sub/230 inner:" in body, r
    # ftplib read each multi-line reply to its real end: the session is in
    # step.
    assert ftp.sendcmd("NOOP") == NOOP_OK
    assert _perm(ftp, "STAT nothere") == \
        "550 nothere: No such file or directory."


# ---------------------------------------------------------------- login

def test_rein_and_user_after_login(server, make_user):
    a = make_user()
    b = make_user()
    rc = _login_raw(server, a.name, a.password)
    assert rc.cmd("PWD").text == f'257 "{a.home}" is current directory.'
    assert rc.cmd("REIN").text == "220 Service ready for new user."
    assert rc.cmd("PWD").text == "530 Please login with USER and PASS."
    assert rc.cmd("REIN").text == "530 Please login with USER and PASS."
    assert rc.login(b.name, b.password).text == \
        f"230 User {b.name} logged in."
    assert rc.cmd("PWD").text == f'257 "{b.home}" is current directory.'
    # USER after a real user's login starts a new login at once.
    assert rc.cmd(f"USER {a.name}").text == \
        f"331 Password required for {a.name}."
    assert rc.cmd(f"PASS {a.password}").text == f"230 User {a.name} logged in."
    assert rc.cmd("PWD").text == f'257 "{a.home}" is current directory.'
    # A wrong password after the switch leaves the connection logged out.
    assert rc.cmd(f"USER {b.name}").code == 331
    assert rc.cmd("PASS wrong-password").text == "530 Login incorrect."
    assert rc.cmd("PWD").text == "530 Please login with USER and PASS."
    assert rc.login(b.name, b.password).code == 230
    assert rc.cmd("REIN x").text == "501 REIN takes no argument."


def test_acct_smnt_allo_help(server, make_user):
    user = make_user()
    ftp = server.login(user)
    assert ftp.sendcmd("ACCT billing") == "202 ACCT command superfluous."
    assert _perm(ftp, "SMNT /mnt") == "502 SMNT command not implemented."
    assert ftp.sendcmd("ALLO 1000") == "202 ALLO command ignored."
    assert ftp.sendcmd("ALLO 1000 R 100") == "202 ALLO command ignored."
    helptext = ftp.sendcmd("HELP")
    lines = helptext.split("\n")
    assert lines[0] == "214-The following commands are recognized.", helptext
    assert lines[-1] == \
        f"214 Direct comments to ftp-bugs@{socket.gethostname()}.", helptext
    words = set(" ".join(lines[1:-1]).split())
    for verb in ("USER", "RETR", "STOU", "REIN", "SITE", "EPSV", "EPRT",
                 "LPSV", "LPRT", "MLSD", "MLST", "HASH", "MFMT", "AVBL",
                 "XCRC", "ALLO", "ACCT", "SMNT", "STAT"):
        assert verb in words, (verb, helptext)
    for ln in lines[1:-1]:
        assert ln.startswith(" "), helptext
    assert ftp.sendcmd("HELP RETR") == "214 Syntax: RETR <args>"
    assert _perm(ftp, "HELP FOO") == "502 Unknown command FOO."
    site = ftp.sendcmd("HELP SITE")
    assert site.split("\n")[0] == \
        "214-The following SITE commands are recognized.", site
    assert ftp.sendcmd("HELP SITE UMASK") == "214 Syntax: SITE UMASK"


# ---------------------------------------------------------------- TYPE A

def test_ascii_mode_both_ways_and_rest(server, make_user):
    user = make_user()
    rc = _login_raw(server, user.name, user.password)
    assert rc.cmd("TYPE A").text == "200 Type set to A."
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        r = rc.cmd("STOR bare.txt")
        assert r.code == 150, r
        d.sendall(b"one\ntwo\r\nthree\nfour\r\n")
    r = rc.reply()
    assert len(r.lines) == 3, r
    assert re.match(r"^226- ?WARNING! 2 bare linefeeds received in ASCII "
                    r"mode$", r.lines[0]), r
    assert re.match(r"^226- +File may not have transferred correctly\.$",
                    r.lines[1]), r
    assert r.text == TRANSFER_OK, r
    assert (user.home / "bare.txt").read_bytes() == \
        b"one\ntwo\nthree\nfour\n"
    # A clean CRLF upload: no warning, LF on disk.
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("STOR crlf.txt").code == 150
        d.sendall(b"a\r\nb\r\n")
    r = rc.reply()
    assert r.lines == [TRANSFER_OK], r
    assert (user.home / "crlf.txt").read_bytes() == b"a\nb\n"
    # A CR LF split between two packets is still one line end; a CR alone
    # is data.
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("STOR split.txt").code == 150
        d.sendall(b"abc\r")
        time.sleep(0.05)
        d.sendall(b"\ndef\r\ng\rh\r\n")
    r = rc.reply()
    assert r.lines == [TRANSFER_OK], r
    assert (user.home / "split.txt").read_bytes() == b"abc\ndef\ng\rh\n"
    # Download: LF becomes CR LF.
    _user_file(user, "lf.txt", b"ab\ncd\nef\n")
    assert rc.cmd("SIZE lf.txt").text == "213 12"

    def get(rest=None):
        host, port = _pasv(rc)
        with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
            if rest is not None:
                assert rc.cmd(f"REST {rest}").code == 350
            r = rc.cmd("RETR lf.txt")
            assert r.code == 150, r
            assert "ASCII mode" in r.text, r
            data = recv_all(d)
        assert rc.reply().text == TRANSFER_OK
        return data
    assert get() == b"ab\r\ncd\r\nef\r\n"
    # REST counts bytes as sent, CR LF included.
    assert get(3) == b"\ncd\r\nef\r\n"
    assert get(4) == b"cd\r\nef\r\n"
    assert get(11) == b"\n"
    # A CR LF already in the file is sent as it is.
    _user_file(user, "lf.txt", b"a\r\nb\n")
    assert rc.cmd("SIZE lf.txt").text == "213 6"
    assert get() == b"a\r\nb\r\n"
    # REST far into a file larger than the transfer buffers.
    text = b"".join(b"line %06d\n" % i for i in range(60000))
    _user_file(user, "lf.txt", text)
    net = text.replace(b"\n", b"\r\n")
    assert get() == net
    assert get(400001) == net[400001:]
    # SIZE in TYPE A is exact for small files only.
    _user_file(user, "large.txt", b"x\n" * 6000)
    assert rc.cmd("SIZE large.txt").text == \
        "550 large.txt: too large for type A SIZE."
    assert rc.cmd("TYPE I").text == "200 Type set to I."
    assert rc.cmd("SIZE lf.txt").text == f"213 {len(text)}"
    assert rc.cmd("SIZE large.txt").text == "213 12000"


# ---------------------------------------------------------------- ABOR/STAT

def _start_big_retr(rc, name):
    host, port = _pasv(rc)
    d = socket.create_connection((host, port), timeout=IO_TIMEOUT)
    r = rc.cmd(f"RETR {name}")
    assert r.code == 150, r
    # Some data flows, then the client stops reading.
    got = d.recv(65536)
    assert got
    return d, got


def _drain(d, limit=64 << 20, timeout=3.0):
    d.settimeout(timeout)
    total = 0
    deadline = time.monotonic() + timeout
    try:
        while total < limit and time.monotonic() < deadline:
            b = d.recv(1 << 20)
            if not b:
                return True
            total += len(b)
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


@pytest.mark.parametrize("urgent", [True, False], ids=["synch", "plain"])
def test_abor_during_big_retr(server, make_user, urgent):
    user = make_user()
    _sparse(user, "big.bin", 200 * 1024 * 1024)
    _user_file(user, "small.txt", b"still works\n")
    rc = _login_raw(server, user.name, user.password)
    assert rc.cmd("TYPE I").code == 200
    d, _ = _start_big_retr(rc, "big.bin")
    try:
        time.sleep(0.2)
        t0 = time.monotonic()
        if urgent:
            # As ftp(1)/tnftp do: Telnet IP in band, IAC DM as urgent data
            # (the Synch), then the command.
            rc.sock.sendall(bytes([IAC, IP]))
            rc.sock.send(bytes([IAC, DM]), socket.MSG_OOB)
        rc.send("ABOR")
        first = rc.reply(timeout=2)
        second = rc.reply(timeout=2)
        elapsed = time.monotonic() - t0
        assert first.text == ABORTED_426, (first, second)
        assert second.text == ABORTED_226, (first, second)
        assert elapsed < 1.0, elapsed
        # The data connection is closed by the server.
        assert _drain(d)
    finally:
        d.close()
    # The session goes on.
    assert rc.cmd("NOOP").text == NOOP_OK
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d2:
        assert rc.cmd("RETR small.txt").code == 150
        assert recv_all(d2) == b"still works\n"
    assert rc.reply().text == TRANSFER_OK


def test_abor_during_stor_and_during_pasv_wait(server, make_user):
    user = make_user()
    rc = _login_raw(server, user.name, user.password)
    assert rc.cmd("TYPE I").code == 200
    host, port = _pasv(rc)
    d = socket.create_connection((host, port), timeout=IO_TIMEOUT)
    try:
        assert rc.cmd("STOR part.bin").code == 150
        chunk = os.urandom(256 * 1024)
        for _ in range(4):
            d.sendall(chunk)
        # STAT while the upload runs: bytes so far, no total.
        r = rc.cmd("STAT", timeout=3)
        m = re.match(r"^213 Status: (\d+) bytes transferred\.$", r.text)
        assert m, r
        assert int(m.group(1)) <= 4 * len(chunk)
        t0 = time.monotonic()
        rc.send(bytes([IAC, IP]))
        rc.sock.send(bytes([IAC, DM]), socket.MSG_OOB)
        rc.send("ABOR")
        first = rc.reply(timeout=2)
        second = rc.reply(timeout=2)
        assert time.monotonic() - t0 < 1.0
        assert (first.text, second.text) == (ABORTED_426, ABORTED_226)
    finally:
        d.close()
    assert (user.home / "part.bin").stat().st_size <= 4 * len(chunk)
    # ABOR while the server still waits for the passive connection.
    _pasv(rc)
    rc.send("RETR part.bin")
    time.sleep(0.2)
    t0 = time.monotonic()
    first = rc.cmd("ABOR", timeout=2)
    second = rc.reply(timeout=2)
    assert time.monotonic() - t0 < 1.0
    assert (first.text, second.text) == (ABORTED_426, ABORTED_226)
    assert rc.cmd("NOOP").text == NOOP_OK


def test_stat_during_retr(server, make_user):
    user = make_user()
    size = 48 * 1024 * 1024
    tail = os.urandom(64)
    _sparse(user, "mid.bin", size, tail)
    rc = _login_raw(server, user.name, user.password)
    assert rc.cmd("TYPE I").code == 200
    d, first = _start_big_retr(rc, "mid.bin")
    with d:
        received = len(first)
        # Read a little, then ask for the status while data is pending.
        while received < 1024 * 1024:
            b = d.recv(65536)
            assert b
            received += len(b)
        rc.send("STAT")
        r = rc.reply(timeout=3)
        m = re.match(r"^213 Status: (\d+) of (\d+) bytes transferred\.$",
                     r.text)
        assert m, r
        assert int(m.group(2)) == size
        assert received <= int(m.group(1)) <= size
        # Any other command waits until the transfer has ended.
        rc.send("NOOP")
        rest = recv_all(d, limit=size + 1)
    data_len = received + len(rest)
    assert data_len == size
    assert rest[-64:] == tail
    assert rc.reply().text == TRANSFER_OK
    assert rc.reply().text == NOOP_OK
    assert rc.cmd("NOOP").text == NOOP_OK


def test_control_close_during_retr_ends_transfer(server, make_user):
    user = make_user()
    _sparse(user, "big.bin", 200 * 1024 * 1024)
    rc = _login_raw(server, user.name, user.password)
    assert rc.cmd("TYPE I").code == 200
    d, _ = _start_big_retr(rc, "big.bin")
    with d:
        rc.close()
        # The server stops sending and closes the data connection.
        assert _drain(d, timeout=5.0)


# ---------------------------------------------------------------- timeouts

def test_idle_timeout_t(ftpd, make_user):
    user = make_user()
    srv = ftpd("-t", "2")
    rc = _login_raw(srv, user.name, user.password)
    t0 = time.monotonic()
    r = rc.reply(timeout=8)
    assert r.text == "421 Timeout (2 seconds): closing control connection."
    assert 1.5 <= time.monotonic() - t0 <= 6
    assert rc.closed_by_peer(3.0)


def test_data_timeouts(ftpd, world, make_user):
    user = make_user()
    srv = ftpd(settings={"data_timeout": "2"})
    rc = _login_raw(srv, user.name, user.password)
    # A PASV port nobody connects to.
    _pasv(rc)
    t0 = time.monotonic()
    r = rc.cmd("LIST", timeout=8)
    assert r.text == "425 Can't open data connection: timed out.", r
    assert 1.5 <= time.monotonic() - t0 <= 6
    assert rc.cmd("NOOP").text == NOOP_OK
    # A STOR whose client connects and then sends nothing.
    mark = world.syslog.mark()
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("STOR stalled.bin").code == 150
        d.sendall(b"a few bytes")
        t0 = time.monotonic()
        r = rc.reply(timeout=8)
        assert r.text == "426 Data connection timed out.", r
        assert 1.5 <= time.monotonic() - t0 <= 6
    world.syslog.expect(r"data connection stalled for 2 seconds",
                        start=mark)
    assert rc.cmd("NOOP").text == NOOP_OK
    assert (user.home / "stalled.bin").read_bytes() == b"a few bytes"


# ---------------------------------------------------------------- ftphosts

def test_ftphosts_virtual_host_and_stats(ftpd, world, accounts, tmp_path):
    # The second site: its own anonymous account and tree.
    root2 = tmp_path / "anon2"
    root2.mkdir()
    (root2 / "files").mkdir()
    payload = os.urandom(4321)
    (root2 / "files" / "vhost.bin").write_bytes(payload)
    (root2 / "motd2").write_text("Motd of the second site.\n")
    (root2 / "files" / "empty.txt").write_bytes(b"")
    for p in (root2 / "files" / "vhost.bin", root2 / "motd2",
              root2 / "files" / "empty.txt"):
        os.chmod(p, 0o444)
    for d in (root2 / "files", root2):
        os.chmod(d, 0o555)
    anon2 = accounts.system_user(root2)
    stats = tmp_path / "stats2"
    stats.write_text("")
    welcome2 = world.conf("welcome2", "Welcome to the second site.\n")
    world.conf("ftpwelcome", "Default welcome.\n")
    world.conf("ftphosts", "# test hosts\n"
               f"{OTHER_LOOPBACK} {anon2.name} {stats} {welcome2} /motd2\n")
    # Every IPv4 address, so that 127.0.0.1 and 127.0.0.2 both reach it.
    srv = ftpd("-4", "-a", "", "-S")

    rc = _raw(srv, OTHER_LOOPBACK)
    banner = rc.reply()
    assert re.match(r"^220- ?Welcome to the second site\.$",
                    banner.lines[0]), banner
    assert banner.text.startswith(f"220 {OTHER_LOOPBACK} FTP server (ftpd "),\
        banner
    assert "Default welcome" not in str(banner)
    r = rc.login("anonymous", ANON_IDENT)
    assert r.text == GUEST_230, r
    assert any(re.match(r"^230- ?Motd of the second site\.$", ln)
               for ln in r.lines), r
    assert rc.cmd("TYPE I").code == 200
    host, port = _pasv(rc)
    assert host == OTHER_LOOPBACK
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("NLST").code == 150
        names = recv_all(d).decode().split()
    assert rc.reply().text == TRANSFER_OK
    assert names == ["files"] or set(names) == {"files", "motd2"}, names
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("RETR files/vhost.bin").code == 150
        assert recv_all(d) == payload
    assert rc.reply().text == TRANSFER_OK
    # An empty file sends no byte: no statistics line for it.
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("RETR files/empty.txt").code == 150
        assert recv_all(d) == b""
    assert rc.reply().text == TRANSFER_OK
    assert rc.cmd("QUIT").code == 221

    lines = stats.read_text().splitlines()
    assert len(lines) == 1, lines
    assert re.match(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}"
                    rf"!{re.escape(ANON_IDENT)}!127\.0\.0\.1"
                    rf"!/files/vhost\.bin!{len(payload)}!\d+$",
                    lines[0]), lines

    # 127.0.0.1 is the default host: default welcome and tree.  (No
    # anonymous download here: with -S it would go to /var/log/ftpd.)
    rc = _raw(srv, LOOPBACK)
    banner = rc.reply()
    assert re.match(r"^220- ?Default welcome\.$", banner.lines[0]), banner
    assert banner.text.startswith(
        f"220 {socket.gethostname()} FTP server (ftpd "), banner
    assert rc.login("anonymous", ANON_IDENT).text == GUEST_230
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("NLST").code == 150
        names = recv_all(d).decode().split()
    assert rc.reply().text == TRANSFER_OK
    assert "pub" in names and "files" not in names, names
    assert stats.read_text().splitlines() == lines

    # RFC 7151 HOST before USER picks the site without its address.
    rc = _raw(srv, LOOPBACK)
    rc.reply()
    assert rc.cmd("HOST").text == "501 HOST requires a host name."
    assert rc.cmd("HOST nothere.example").text == "504 Unknown host."
    r = rc.cmd(f"HOST {OTHER_LOOPBACK}")
    assert r.text == f"220 Host {OTHER_LOOPBACK} selected.", r
    # The site's welcome comes with the HOST reply.
    assert re.match(r"^220- ?Welcome to the second site\.$", r.lines[0]), r
    assert rc.login("anonymous", ANON_IDENT).text.startswith("230")
    host, port = _pasv(rc)
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as d:
        assert rc.cmd("NLST").code == 150
        names = recv_all(d).decode().split()
    assert rc.reply().text == TRANSFER_OK
    assert "files" in names and "pub" not in names, names
    assert rc.cmd("HOST example.org").text == "503 Already logged in."
    rc = _raw(srv, LOOPBACK)
    rc.reply()
    assert rc.cmd("USER anonymous").code == 331
    assert rc.cmd(f"HOST {OTHER_LOOPBACK}").text == \
        "503 HOST must come before USER."
