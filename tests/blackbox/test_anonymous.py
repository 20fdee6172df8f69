"""Anonymous (guest) sessions: login, chroot, listings, downloads, uploads,
banner and motd, -A, and refusal through ftpusers."""

import ftplib
import io
import os
import re

import pytest

from bbutil import (GUEST_331, GUEST_230, CWD_OK, TRANSFER_OK, BANNER_RE,
                    ANON_IDENT, LOG_FTP, ftp_retr, retr_bytes, nlst_names,
                    list_lines, basenames, last_line, reply_lines,
                    random_suffix)


@pytest.mark.parametrize("name", ["ftp", "anonymous"])
def test_guest_login_both_names(server, name):
    ftp = server.connect()
    assert ftp.sendcmd(f"USER {name}") == GUEST_331
    resp = ftp.sendcmd(f"PASS {ANON_IDENT}")
    assert last_line(resp) == GUEST_230
    assert ftp.sendcmd("NOOP") == "200 NOOP command successful."


def test_guest_pwd_is_root(server):
    ftp = server.anon()
    assert ftp.sendcmd("PWD") == '257 "/" is current directory.'


def test_list_pub(server, world):
    ftp = server.anon()
    lines = list_lines(ftp, "pub")
    names = {ln.split()[-1]: ln for ln in lines if ln.split()}
    for name in ("hello.txt", "text.txt", "empty.txt", "big.bin", "sub"):
        assert name in names, f"{name} missing from LIST: {lines}"
    assert re.match(r"^-[-rwxsStT]{9}", names["big.bin"]), names["big.bin"]
    assert " 1048576 " in names["big.bin"], names["big.bin"]
    assert names["sub"].startswith("d"), names["sub"]


def test_nlst_pub(server, world):
    ftp = server.anon()
    names = basenames(nlst_names(ftp, "pub"))
    expected = {"hello.txt", "text.txt", "empty.txt", "big.bin"}
    assert expected <= names, names
    assert names <= expected | {"sub"}, names


def test_nlst_after_cwd(server):
    ftp = server.anon()
    assert ftp.sendcmd("CWD pub") == CWD_OK
    assert ftp.sendcmd("PWD") == '257 "/pub" is current directory.'
    names = {n[2:] if n.startswith("./") else n for n in nlst_names(ftp)}
    assert {"hello.txt", "big.bin"} <= names, names


def test_retr_big_file_byte_exact(server, world):
    ftp = server.anon()
    ftp.voidcmd("TYPE I")
    data, resp = retr_bytes(ftp, "pub/big.bin")
    assert resp == TRANSFER_OK
    assert len(data) == len(world.big)
    assert data == world.big


def test_retr_reply_texts_and_xfer_log(server, world):
    ftp = server.anon()
    ftp.voidcmd("TYPE I")
    prelim, data, final = ftp_retr(ftp, "RETR pub/hello.txt")
    assert prelim == ("150 Opening BINARY mode data connection for "
                      "'pub/hello.txt' (12 bytes).")
    assert final == TRANSFER_OK
    assert data == world.files["pub/hello.txt"]
    # -l -l: one syslog line per file operation.
    world.syslog.expect(r"get \S*pub/hello\.txt = 12 bytes")


def test_retr_missing_file(server):
    ftp = server.anon()
    with pytest.raises(ftplib.error_perm) as e:
        retr_bytes(ftp, "pub/nonexistent")
    assert str(e.value).startswith("550 ")


@pytest.mark.parametrize("path", ["up.txt", "pub/up.txt"])
def test_stor_refused_in_readonly_tree(server, world, path):
    ftp = server.anon()
    ftp.voidcmd("TYPE I")
    with pytest.raises(ftplib.error_perm) as e:
        ftp.storbinary(f"STOR {path}", io.BytesIO(b"should not land\n"))
    assert str(e.value) == f"553 {path}: Permission denied."
    assert not (world.anon_root / path).exists()


def test_stor_into_writable_incoming(ftpd, world):
    inc = world.make_incoming()
    server = ftpd()
    ftp = server.anon()
    ftp.voidcmd("TYPE I")
    payload = os.urandom(100_000)
    resp = ftp.storbinary("STOR incoming/upload.bin", io.BytesIO(payload))
    # BSD: a guest's STOR never overwrites; it is a STOU.
    assert resp == "226 Transfer complete (unique file name:incoming/upload.bin)."
    dest = inc / "upload.bin"
    assert dest.read_bytes() == payload
    assert dest.stat().st_uid == world.anon.uid
    world.syslog.expect(r"put \S*incoming/upload\.bin = 100000 bytes")
    # A second STOR of the same name gets the next unique name.
    resp = ftp.storbinary("STOR incoming/upload.bin", io.BytesIO(b"second"))
    assert resp == "226 Transfer complete (unique file name:incoming/upload.bin.1)."
    assert dest.read_bytes() == payload
    assert (inc / "upload.bin.1").read_bytes() == b"second"


def test_cwd_dotdot_at_root_stays(server):
    ftp = server.anon()
    for cmd in ("CWD ..", "CWD ../../..", "CDUP"):
        try:
            resp = ftp.sendcmd(cmd)
            assert resp == CWD_OK, resp
        except ftplib.error_perm as e:
            assert str(e).startswith("550 "), str(e)
        assert ftp.sendcmd("PWD") == '257 "/" is current directory.'
    # Still inside the anon root: the listing shows its contents.
    assert "pub" in basenames(nlst_names(ftp))


def test_welcome_banner(ftpd, world):
    world.conf("ftpwelcome", "Welcome to the test archive.\n"
                             "Second welcome line.\n")
    server = ftpd()
    ftp = server.connect()
    lines = reply_lines(ftp.getwelcome())
    assert len(lines) == 3, lines
    assert re.match(r"^220- ?Welcome to the test archive\.$", lines[0]), lines
    assert re.match(r"^220- ?Second welcome line\.$", lines[1]), lines
    assert BANNER_RE.match(lines[2]), lines[2]


def test_banner_without_welcome(server):
    ftp = server.connect()
    assert BANNER_RE.match(ftp.getwelcome()), ftp.getwelcome()


def _check_motd(resp, expected_lines):
    lines = reply_lines(resp)
    assert lines[-1] == GUEST_230, lines
    body = [re.sub(r"^230- ?", "", ln) for ln in lines[:-1]]
    assert all(ln.startswith("230-") for ln in lines[:-1]), lines
    assert body == expected_lines, lines


def test_motd_setting_inside_chroot(ftpd, world):
    world.anon_write("motd.txt", "Message of the day.\nBe nice.\n")
    server = ftpd(settings={"motd": "/motd.txt"})
    ftp = server.connect()
    resp = ftp.login("anonymous", ANON_IDENT)
    _check_motd(resp, ["Message of the day.", "Be nice."])


def test_default_motd_read_after_chroot(ftpd, world):
    # <confdir>/ftpmotd is opened after chroot: the file the guest sees is
    # <anon_root>/<confdir>/ftpmotd, not the one in the real confdir.
    world.conf("ftpmotd", "OUTSIDE THE CHROOT\n")
    inside = str(world.confdir).lstrip("/") + "/ftpmotd"
    world.anon_write(inside, "motd from inside the jail\n")
    server = ftpd()
    ftp = server.connect()
    resp = ftp.login("ftp", ANON_IDENT)
    _check_motd(resp, ["motd from inside the jail"])


def test_anon_only_refuses_real_user(ftpd, make_user):
    user = make_user()
    server = ftpd("-A")
    ftp = server.connect()
    with pytest.raises(ftplib.error_perm) as e:
        ftp.login(user.name, user.password)
    assert str(e.value) == "530 Sorry, only anonymous ftp allowed."
    # Anonymous still works with -A.
    ftp2 = server.anon()
    assert ftp2.sendcmd("PWD") == '257 "/" is current directory.'


@pytest.mark.parametrize("listed", ["ftp", "anonymous"])
@pytest.mark.parametrize("login_as", ["ftp", "anonymous"])
def test_anonymous_refused_when_in_ftpusers(ftpd, world, listed, login_as):
    world.conf("ftpusers", f"# deny list\n{listed}\n")
    server = ftpd()
    ftp = server.connect()
    resp = ftp.sendcmd(f"USER {login_as}")
    assert resp == GUEST_331
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd(f"PASS {ANON_IDENT}")
    assert str(e.value) == f"530 User {login_as} access denied."
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("PWD")
    assert str(e.value) == "530 Please login with USER and PASS."


def test_anonymous_refused_without_account(ftpd, world):
    server = ftpd(settings={"anon_user": "ftpnx" + random_suffix()})
    ftp = server.connect()
    ftp.sendcmd("USER anonymous")
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd(f"PASS {ANON_IDENT}")
    assert str(e.value) == "530 User anonymous unknown."


def test_guest_cannot_change_user(server):
    ftp = server.anon()
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("USER root")
    assert str(e.value) == "530 Can't change user from guest login."


def test_guest_login_logged(server, world):
    server.anon()
    rec = world.syslog.expect(r"^connection from 127\.0\.0\.1\b")
    assert rec.facility == LOG_FTP, rec
    world.syslog.expect(
        r"^ANONYMOUS FTP LOGIN FROM 127\.0\.0\.1, guest@example\.com$")
    for rec in world.syslog.snapshot():
        assert rec.rfc3164, f"not an RFC 3164 line: {rec.raw!r}"
        assert rec.tag == "ftpd", rec
