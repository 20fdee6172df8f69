"""RFC 2389 FEAT/OPTS, RFC 3659 (MLST, MLSD, SIZE, MDTM, REST STREAM,
TVFS), RFC 2640 UTF8 names, MFMT, AVBL, CLNT, HASH and the X* digest
commands, SITE MD5.  Each FEAT line is checked to name a command that
really works."""

import calendar
import ftplib
import hashlib
import io
import os
import re
import socket
import time
import zlib

import pytest

from bbutil import (ANON_IDENT, GUEST_230, IO_TIMEOUT, LOOPBACK, NOOP_OK,
                    TRANSFER_OK, RawControl, list_lines, nlst_names,
                    recv_all, retr_bytes)

GIB = 1024 ** 3
SPARSE_SIZE = 5 * GIB
EXPECTED_FEATURES = {"AVBL", "CLNT", "EPRT", "EPSV", "HASH", "HOST", "MDTM",
                     "MFMT", "MLST", "REST STREAM", "SIZE", "TVFS", "UTF8"}


# ---------------------------------------------------------------- helpers

def _raw(server):
    rc = RawControl(server.port)
    server.clients.append(rc)
    assert rc.reply().code == 220
    return rc


def _user_file(user, rel, data=b"", mode=0o644):
    """Create home/rel (bytes or str path) owned by the user."""
    home = os.fsencode(str(user.home))
    rel = os.fsencode(rel)
    p = os.path.join(home, rel)
    parent = os.path.dirname(p)
    if not os.path.isdir(parent):
        os.makedirs(parent)
        d = parent
        while d != home:
            os.chown(d, user.uid, user.gid)
            d = os.path.dirname(d)
    with open(p, "wb") as f:
        f.write(data)
    os.chown(p, user.uid, user.gid)
    os.chmod(p, mode)
    return p


def _user_dir(user, rel, mode=0o755):
    p = os.path.join(os.fsencode(str(user.home)), os.fsencode(rel))
    os.mkdir(p)
    os.chown(p, user.uid, user.gid)
    os.chmod(p, mode)
    return p


def _sparse(user, name, size=SPARSE_SIZE, tail=b""):
    """A sparse file of size bytes ending in tail, owned by the user."""
    p = os.path.join(str(user.home), name)
    with open(p, "wb") as f:
        f.truncate(size)
        if tail:
            f.seek(size - len(tail))
            f.write(tail)
    os.chown(p, user.uid, user.gid)
    return p


def _feat_lines(resp_lines):
    """Feature lines of a 211 FEAT reply, without the leading space."""
    assert resp_lines[0].startswith("211-"), resp_lines
    assert resp_lines[-1].startswith("211 "), resp_lines
    body = resp_lines[1:-1]
    for ln in body:
        # RFC 2389: exactly one space before each feature.
        assert ln.startswith(" ") and not ln.startswith("  "), repr(ln)
    return [ln[1:] for ln in body]


def _feature_name(line):
    return "REST STREAM" if line.startswith("REST ") else line.split(" ")[0]


def _mlst_fact_line(resp):
    """The fact line of a 250 MLST reply (without its leading space)."""
    lines = resp.split("\n")
    assert lines[0].startswith("250-"), resp
    assert lines[-1].startswith("250"), resp
    assert len(lines) == 3, resp
    assert lines[1].startswith(" "), resp
    return lines[1][1:]


def _parse_facts(line):
    facts_text, _, name = line.partition(" ")
    facts = {}
    for f in facts_text.split(";"):
        if f:
            k, _, v = f.partition("=")
            facts[k.lower()] = v
    return facts, name


def _mtime_text(t):
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))


def _raw_mlsd(ftp, arg=""):
    host, port = ftp.makepasv()
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as c:
        prelim = ftp.sendcmd(("MLSD " + arg).strip())
        assert prelim.startswith("150"), prelim
        data = recv_all(c)
    assert ftp.getresp() == TRANSFER_OK
    return data


# ---------------------------------------------------------------- FEAT

def test_feat_before_login_and_every_line_implemented(server, make_user,
                                                      world):
    user = make_user()
    _user_file(user, "f.txt", b"feature test\n")
    _user_dir(user, "sub")
    rc = _raw(server)
    before = rc.cmd("FEAT")
    assert before.code == 211, before
    assert before.lines[0] == "211-Extensions supported:", before
    assert before.text == "211 End.", before
    feats = _feat_lines(before.lines)
    names = [_feature_name(f) for f in feats]
    assert len(names) == len(set(names)), names
    assert set(names) == EXPECTED_FEATURES, names
    assert "REST STREAM" in feats
    # CLNT may come before login (clients send it first).
    assert rc.cmd("CLNT pytest-blackbox 1.0").text == "200 Noted."
    # HOST is only meaningful before login: our own name selects the
    # default host.
    r = rc.cmd(f"HOST {socket.gethostname()}")
    assert r.code == 220, r
    assert rc.login(user.name, user.password).code == 230
    # Binary, so the files arrive as stored (TYPE A is the default).
    assert rc.cmd("TYPE I").code == 200
    after = rc.cmd("FEAT")
    assert [_feature_name(f) for f in _feat_lines(after.lines)] == names

    def check(cmd, code):
        r = rc.cmd(cmd)
        assert r.code not in (500, 502), (cmd, r)
        assert r.code == code, (cmd, r)
        return r

    ls = socket.socket()
    ls.bind((LOOPBACK, 0))
    ls.listen(1)
    ls.settimeout(IO_TIMEOUT)
    with ls:
        for feat in feats:
            name = _feature_name(feat)
            if name == "AVBL":
                check("AVBL", 213)
            elif name == "CLNT":
                check("CLNT pytest-blackbox 1.0", 200)
            elif name == "EPRT":
                check(f"EPRT |1|127.0.0.1|{ls.getsockname()[1]}|", 200)
                rc.send("RETR f.txt")
                conn, _ = ls.accept()
                with conn:
                    assert rc.reply().code == 150
                    assert recv_all(conn) == b"feature test\n"
                assert rc.reply().text == TRANSFER_OK
            elif name == "EPSV":
                m = re.search(r"\(\|\|\|(\d+)\|\)", check("EPSV", 229).text)
                with socket.create_connection((LOOPBACK, int(m.group(1))),
                                              timeout=IO_TIMEOUT) as d:
                    assert rc.cmd("RETR f.txt").code == 150
                    assert recv_all(d) == b"feature test\n"
                assert rc.reply().text == TRANSFER_OK
            elif name == "HASH":
                check("HASH f.txt", 213)
            elif name == "HOST":
                # After login HOST is a sequence error, not unknown.
                check("HOST example.org", 503)
            elif name == "MDTM":
                check("MDTM f.txt", 213)
            elif name == "MFMT":
                check("MFMT 20200102030405 f.txt", 213)
            elif name == "MLST":
                check("MLST f.txt", 250)
                m = re.search(r"\(\|\|\|(\d+)\|\)", check("EPSV", 229).text)
                with socket.create_connection((LOOPBACK, int(m.group(1))),
                                              timeout=IO_TIMEOUT) as d:
                    assert rc.cmd("MLSD").code == 150
                    listing = recv_all(d)
                assert rc.reply().text == TRANSFER_OK
                assert b"; f.txt\r\n" in listing, listing
            elif name == "REST STREAM":
                check("REST 5", 350)
                check("REST 0", 350)
            elif name == "SIZE":
                assert check("SIZE f.txt", 213).text == "213 13"
            elif name == "TVFS":
                # TVFS: "/"-separated absolute and relative paths.
                check(f"CWD {user.home}/sub", 250)
                assert check("PWD", 257).text == \
                    f'257 "{user.home}/sub" is current directory.'
                check("CWD ../sub/.", 250)
                check("CWD /", 250)
                check(f"CWD {str(user.home).lstrip('/')}", 250)
            elif name == "UTF8":
                assert check("OPTS UTF8 ON", 200).text == \
                    "200 UTF8 set to on."
            else:
                pytest.fail(f"FEAT line without a check: {feat!r}")


def test_feat_selection_markers_and_opts_errors(server):
    rc = _raw(server)
    feats = _feat_lines(rc.cmd("FEAT").lines)
    hash_line = [f for f in feats if f.startswith("HASH ")][0]
    algs = hash_line[5:].split(";")
    assert set(a.rstrip("*") for a in algs) == {"SHA-256", "SHA-1", "MD5",
                                                "CRC32"}, hash_line
    assert [a for a in algs if a.endswith("*")] == ["SHA-256*"], hash_line
    mlst_line = [f for f in feats if f.startswith("MLST ")][0]
    facts = [f for f in mlst_line[5:].split(";") if f]
    plain = {f.rstrip("*").lower() for f in facts}
    assert {"type", "size", "modify", "perm", "unique", "unix.mode",
            "unix.uid", "unix.gid", "unix.owner",
            "unix.group"} <= plain, mlst_line
    assert rc.login("anonymous", ANON_IDENT).text == GUEST_230
    assert rc.cmd("OPTS UTF8 ON").text == "200 UTF8 set to on."
    assert rc.cmd("OPTS UTF8 OFF").text == "200 UTF8 set to off."
    assert rc.cmd("OPTS UTF8 MAYBE").code == 501
    assert rc.cmd("OPTS FOO BAR").text == "501 Option not understood."
    assert rc.cmd("OPTS").code == 501
    # LANG is neither advertised nor implemented.
    assert rc.cmd("LANG EN").text == "500 'LANG': command not understood."
    assert rc.cmd("NOOP").text == NOOP_OK


# ---------------------------------------------------------------- MLSD/MLST

NAMES = ["with space.txt", "semi;colon;.txt", "ünï-cødé 文件.txt",
         " leading-space.txt"]


def test_mlsd_roundtrip_owner(server, make_user):
    user = make_user()
    ftp = server.login(user)
    ftp.voidcmd("TYPE I")
    ftp.mkd("dir one")
    payloads = {}
    for i, name in enumerate(NAMES):
        data = os.urandom(1000 + i)
        payloads[name] = data
        resp = ftp.storbinary(f"STOR dir one/{name}", io.BytesIO(data))
        assert resp == TRANSFER_OK, (name, resp)
        assert os.path.exists(os.path.join(
            os.fsencode(str(user.home)), b"dir one",
            name.encode("utf-8"))), name
    ftp.mkd("dir one/inner; dir")
    os.symlink("with space.txt",
               os.path.join(str(user.home), "dir one", "a link"))
    entries = dict(ftp.mlsd("dir one"))
    assert set(entries) == set(NAMES) | {".", "..", "inner; dir",
                                         "a link"}, entries
    assert entries["a link"]["type"] == "OS.unix=symlink", entries["a link"]
    del entries["a link"]
    assert entries["."]["type"] == "cdir"
    assert entries[".."]["type"] == "pdir"
    assert entries["inner; dir"]["type"] == "dir"
    base = os.path.join(str(user.home), "dir one")
    for name, data in payloads.items():
        facts = entries[name]
        st = os.stat(os.path.join(base, name))
        assert facts["type"] == "file", (name, facts)
        assert facts["size"] == str(len(data)), (name, facts)
        assert facts["modify"] == _mtime_text(st.st_mtime), (name, facts)
        assert facts["perm"] == "adfrw", (name, facts)
        assert facts["unix.mode"] in ("0640", "640"), (name, facts)
        assert facts["unix.uid"] == str(user.uid), facts
        assert facts["unix.owner"] == user.name, facts
        assert facts["unique"], facts
        # The name from MLSD works in RETR and DELE.
        got, resp = retr_bytes(ftp, f"dir one/{name}")
        assert (got, resp) == (data, TRANSFER_OK), name
    assert entries["inner; dir"]["perm"] == "cdeflmp", entries["inner; dir"]
    uniques = [e["unique"] for n, e in entries.items() if n not in ("..",)]
    assert len(set(uniques)) == len(uniques), uniques
    # RNFR/RNTO and DELE with the odd names.
    ftp.rename(f"dir one/{NAMES[2]}", "dir one/renamed ü;.txt")
    assert ftp.delete("dir one/renamed ü;.txt").startswith("250")
    assert ftp.delete(f"dir one/{NAMES[1]}").startswith("250")
    left = {n for n, _ in ftp.mlsd("dir one")}
    assert left == {".", "..", "inner; dir", "a link", NAMES[0],
                    NAMES[3]}, left
    assert "dir one" in {n for n, _ in ftp.mlsd()}
    # LIST and NLST agree.
    assert set(nlst_names(ftp, "dir one")) >= {
        f"dir one/{NAMES[0]}", f"dir one/{NAMES[3]}"} or \
        {NAMES[0], NAMES[3]} <= {n.rsplit("/", 1)[-1]
                                 for n in nlst_names(ftp, "dir one")}


def test_mlsd_and_mlst_anonymous_perms_and_errors(server, world):
    ftp = server.anon()
    entries = dict(ftp.mlsd("pub"))
    assert entries["."]["type"] == "cdir"
    assert entries[".."]["type"] == "pdir"
    assert entries["hello.txt"]["type"] == "file"
    assert entries["hello.txt"]["perm"] == "r", entries["hello.txt"]
    assert entries["hello.txt"]["size"] == "12"
    assert entries["big.bin"]["size"] == str(len(world.big))
    assert entries["sub"]["type"] == "dir"
    assert entries["sub"]["perm"] == "el", entries["sub"]
    assert entries["."]["perm"] == "el", entries["."]
    line = _mlst_fact_line(ftp.sendcmd("MLST pub/hello.txt"))
    facts, name = _parse_facts(line)
    assert name == "pub/hello.txt", line
    assert facts["type"] == "file" and facts["perm"] == "r", facts
    # MLST with no argument describes the current directory.
    facts, _ = _parse_facts(_mlst_fact_line(ftp.sendcmd("MLST")))
    assert facts["type"] in ("cdir", "dir"), facts
    # Errors: a missing name, MLSD on a file.
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("MLST pub/missing.txt")
    assert str(e.value) == \
        "550 pub/missing.txt: No such file or directory.", str(e.value)
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("MLSD pub/hello.txt")
    assert str(e.value) == "501 pub/hello.txt: not a directory.", \
        str(e.value)
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("MLSD pub/nonexistent")
    assert str(e.value).startswith("550 "), str(e.value)
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_opts_mlst_selects_facts(server, world):
    ftp = server.anon()
    assert ftp.sendcmd("OPTS MLST size;modify;") == \
        "200 MLST OPTS size;modify;"
    line = _mlst_fact_line(ftp.sendcmd("MLST pub/hello.txt"))
    st = os.stat(world.pub / "hello.txt")
    assert line == f"size=12;modify={_mtime_text(st.st_mtime)}; " \
        "pub/hello.txt", line
    for name, facts in ftp.mlsd("pub"):
        assert set(facts) <= {"size", "modify"}, (name, facts)
    feat = ftp.sendcmd("FEAT")
    mlst = [ln for ln in feat.split("\n") if ln.startswith(" MLST ")][0]
    marked = sorted(f[:-1] for f in mlst[6:].split(";") if f.endswith("*"))
    assert marked == ["modify", "size"], mlst
    # Unknown facts are ignored; case does not matter.
    assert ftp.sendcmd("OPTS MLST bogus;TYPE;") == "200 MLST OPTS type;"
    assert _mlst_fact_line(ftp.sendcmd("MLST pub")) == "type=dir; pub"
    # An empty list selects nothing: only the name is left.
    assert ftp.sendcmd("OPTS MLST") == "200 MLST OPTS"
    line = _mlst_fact_line(ftp.sendcmd("MLST pub/hello.txt"))
    assert line.strip() == "pub/hello.txt", repr(line)


def test_mlsd_never_lists_names_with_cr_or_lf(server, make_user):
    user = make_user()
    _user_dir(user, "d")
    _user_file(user, b"d/bad\r\n227 evil.txt", b"x")
    _user_file(user, b"d/lf\nname.txt", b"x")
    _user_file(user, b"d/cr\rname.txt", b"x")
    _user_file(user, b"d/good.txt", b"x")
    ftp = server.login(user)
    data = _raw_mlsd(ftp, "d")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"", data
    for ln in lines[:-1]:
        # "fact=value;...; name"
        assert re.match(rb"^([A-Za-z.]+=[^;= ]*;)+ [^\r\n]+$", ln), ln
    names = [ln.split(b" ", 1)[1] for ln in lines[:-1]]
    assert sorted(names) == [b".", b"..", b"good.txt"], data
    assert b"evil" not in data and b"name.txt" not in data, data
    # NLST leaves such names out as well; LIST shows them escaped, so no
    # line of it starts with the injected text.
    assert nlst_names(ftp, "d") in (["d/good.txt"], ["good.txt"])
    listing = list_lines(ftp, "d")
    assert not any(ln.startswith("227") for ln in listing), listing
    assert sum("good.txt" in ln for ln in listing) == 1, listing
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_non_utf8_name_roundtrip(server, make_user):
    user = make_user()
    raw_name = b"caf\xe9 latin1.txt"
    _user_file(user, raw_name, b"latin-1 content\n")
    # The encoding must be set before connecting (ftplib wraps the socket
    # in a text file at connect time).
    ftp = ftplib.FTP(timeout=IO_TIMEOUT, encoding="latin-1")
    ftp.connect(LOOPBACK, server.port, timeout=IO_TIMEOUT)
    server.clients.append(ftp)
    ftp.login(user.name, user.password)
    name = raw_name.decode("latin-1")
    assert name in nlst_names(ftp), nlst_names(ftp)
    assert any(ln.endswith(" " + name) for ln in list_lines(ftp))
    assert name in {n for n, _ in ftp.mlsd()}
    assert retr_bytes(ftp, name) == (b"latin-1 content\n", TRANSFER_OK)
    assert ftp.sendcmd(f"SIZE {name}") == "213 16"
    # Upload under another non-UTF-8 name: the bytes land as sent.
    up = b"na\xefve \xe0 \xa7.bin".decode("latin-1")
    assert ftp.storbinary(f"STOR {up}", io.BytesIO(b"up")) == TRANSFER_OK
    assert os.path.exists(os.path.join(os.fsencode(str(user.home)),
                                       up.encode("latin-1")))
    assert ftp.delete(name).startswith("250")
    assert not os.path.exists(os.path.join(os.fsencode(str(user.home)),
                                           raw_name))
    assert retr_bytes(ftp, up) == (b"up", TRANSFER_OK)


# ---------------------------------------------------------------- > 4 GiB

def test_size_mdtm_rest_beyond_4gib(server, make_user):
    user = make_user()
    tail = os.urandom(100)
    p = _sparse(user, "huge.bin", tail=tail)
    when = calendar.timegm((2021, 2, 3, 4, 5, 6, 0, 0, 0))
    os.utime(p, (when, when))
    ftp = server.login(user)
    ftp.voidcmd("TYPE I")
    assert ftp.sendcmd("SIZE huge.bin") == f"213 {SPARSE_SIZE}"
    assert ftp.sendcmd("MDTM huge.bin") == "213 20210203040506"
    facts, _ = _parse_facts(_mlst_fact_line(ftp.sendcmd("MLST huge.bin")))
    assert facts["size"] == str(SPARSE_SIZE)
    assert facts["modify"] == "20210203040506"
    off = SPARSE_SIZE - len(tail)
    host, port = ftp.makepasv()
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as c:
        # REST lasts until the next command: it comes right before RETR.
        assert ftp.sendcmd(f"REST {off}") == (
            f"350 Restarting at {off}. Send STORE or RETRIEVE to initiate "
            "transfer.")
        prelim = ftp.sendcmd("RETR huge.bin")
        assert prelim.startswith("150"), prelim
        data = recv_all(c)
    assert ftp.getresp() == TRANSFER_OK
    assert data == tail
    # REST beyond 4 GiB for an upload: the file grows past 5 GiB.
    host, port = ftp.makepasv()
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as c:
        assert ftp.sendcmd(f"REST {SPARSE_SIZE}").startswith("350 ")
        assert ftp.sendcmd("STOR huge.bin").startswith("150")
        c.sendall(b"appended")
    assert ftp.getresp() == TRANSFER_OK
    assert os.stat(p).st_size == SPARSE_SIZE + 8
    assert ftp.sendcmd("SIZE huge.bin") == f"213 {SPARSE_SIZE + 8}"
    tail = tail + b"appended"
    off = SPARSE_SIZE + 8 - len(tail)
    # A range digest beyond 4 GiB.
    assert ftp.sendcmd(f"XSHA256 huge.bin {off} {SPARSE_SIZE + 8}") == \
        "250 " + hashlib.sha256(tail).hexdigest()
    assert ftp.sendcmd(f"XCRC huge.bin {off + 50}") == \
        "250 %08x" % zlib.crc32(tail[50:])


# ---------------------------------------------------------------- MFMT etc.

def test_mfmt_avbl_clnt(server, make_user):
    user = make_user()
    p = _user_file(user, "m.txt", b"mfmt\n")
    ftp = server.login(user)
    assert ftp.sendcmd("MFMT 20200102030405 m.txt") == \
        "213 Modify=20200102030405; m.txt"
    assert os.stat(p).st_mtime == \
        calendar.timegm((2020, 1, 2, 3, 4, 5, 0, 0, 0))
    assert ftp.sendcmd("MDTM m.txt") == "213 20200102030405"
    for bad in ("MFMT 2020010203040 m.txt", "MFMT 202001020304051 m.txt",
                "MFMT 20201302030405 m.txt", "MFMT 20200132030405 m.txt",
                "MFMT 20200102250405 m.txt", "MFMT 2020010203040x m.txt",
                "MFMT 19600102030405 m.txt", "MFMT 20200102030405",
                "MFMT m.txt 20200102030405", "MFMT"):
        with pytest.raises(ftplib.error_perm) as e:
            ftp.sendcmd(bad)
        assert str(e.value).startswith("501 "), (bad, str(e.value))
    assert os.stat(p).st_mtime == \
        calendar.timegm((2020, 1, 2, 3, 4, 5, 0, 0, 0))
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("MFMT 20200102030405 missing.txt")
    assert str(e.value) == "550 missing.txt: No such file or directory."
    # AVBL and CLNT.
    _user_dir(user, "sub")
    r = ftp.sendcmd("AVBL")
    m = re.match(r"^213 (\d+)$", r)
    assert m, r
    sv = os.statvfs(str(user.home))
    expected = sv.f_bavail * sv.f_frsize
    assert abs(int(m.group(1)) - expected) < GIB, (r, expected)
    assert re.match(r"^213 \d+$", ftp.sendcmd("AVBL sub"))
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("AVBL nowhere")
    assert str(e.value) == "550 nowhere: No such file or directory."
    assert ftp.sendcmd("CLNT FileZilla 3.66.0") == "200 Noted."
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_mfmt_rejects_impossible_dates(server, make_user):
    user = make_user()
    p = _user_file(user, "d.txt", b"x")
    before = os.stat(p).st_mtime
    ftp = server.login(user)
    for when in ("20210230000000", "20210431120000", "20230229000000"):
        with pytest.raises(ftplib.error_perm) as e:
            ftp.sendcmd(f"MFMT {when} d.txt")
        assert str(e.value).startswith("501 "), (when, str(e.value))
    assert os.stat(p).st_mtime == before
    # A real leap day is fine.
    assert ftp.sendcmd("MFMT 20240229000000 d.txt") == \
        "213 Modify=20240229000000; d.txt"


# ---------------------------------------------------------------- digests

def test_hash_and_opts_hash(server, make_user):
    user = make_user()
    data = os.urandom(300_001)
    _user_file(user, "h file.bin", data)
    _user_file(user, "empty.bin", b"")
    _user_dir(user, "adir")
    ftp = server.login(user)
    n = len(data)
    assert ftp.sendcmd("HASH h file.bin") == \
        f"213 SHA-256 0-{n - 1} {hashlib.sha256(data).hexdigest()} h file.bin"
    assert ftp.sendcmd("OPTS HASH") == "200 SHA-256"
    expect = {"SHA-1": hashlib.sha1(data).hexdigest(),
              "MD5": hashlib.md5(data).hexdigest(),
              "CRC32": "%08x" % zlib.crc32(data),
              "SHA-256": hashlib.sha256(data).hexdigest()}
    for alg, hexd in expect.items():
        assert ftp.sendcmd(f"OPTS HASH {alg}") == f"200 {alg}"
        assert ftp.sendcmd("HASH h file.bin") == \
            f"213 {alg} 0-{n - 1} {hexd} h file.bin"
        feat = ftp.sendcmd("FEAT")
        assert f"{alg}*" in feat, feat
    ftp.sendcmd("OPTS HASH MD5")
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("OPTS HASH SHA-512")
    assert str(e.value) == \
        "501 Unknown algorithm, current selection not changed."
    with pytest.raises(ftplib.error_perm):
        ftp.sendcmd("OPTS HASH SHA-256;MD5")
    assert ftp.sendcmd("OPTS HASH") == "200 MD5"
    r = ftp.sendcmd("HASH empty.bin")
    assert r.startswith("213 MD5 0-") and \
        r.endswith(f" {hashlib.md5(b'').hexdigest()} empty.bin"), r
    for bad, text in (("HASH missing.bin",
                       "550 missing.bin: No such file or directory."),
                      ("HASH adir", "550 adir: not a plain file."),
                      ("XMD5 adir", "550 adir: not a plain file."),
                      ("SITE MD5 adir", "550 adir: not a plain file."),
                      ("HASH", "501 Syntax error in parameters or "
                       "arguments.")):
        with pytest.raises(ftplib.error_perm) as e:
            ftp.sendcmd(bad)
        assert str(e.value) == text, (bad, str(e.value))
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_x_digest_commands_with_ranges(server, make_user):
    user = make_user()
    data = os.urandom(100_000)
    _user_file(user, "x file.bin", data)
    ftp = server.login(user)
    funcs = {"XMD5": lambda b: hashlib.md5(b).hexdigest(),
             "XSHA1": lambda b: hashlib.sha1(b).hexdigest(),
             "XSHA256": lambda b: hashlib.sha256(b).hexdigest(),
             "XCRC": lambda b: "%08x" % zlib.crc32(b)}
    for cmd, f in funcs.items():
        assert ftp.sendcmd(f"{cmd} x file.bin") == "250 " + f(data), cmd
        # start only: to the end of the file
        assert ftp.sendcmd(f"{cmd} x file.bin 1234") == \
            "250 " + f(data[1234:]), cmd
        # start and end: [start, end)
        assert ftp.sendcmd(f"{cmd} x file.bin 100 54321") == \
            "250 " + f(data[100:54321]), cmd
        assert ftp.sendcmd(f"{cmd} x file.bin 0 {len(data)}") == \
            "250 " + f(data), cmd
        # an end past EOF is clipped
        assert ftp.sendcmd(f"{cmd} x file.bin 99000 200000") == \
            "250 " + f(data[99000:]), cmd
        for rng in ("200000", "2000 100", "100001 100002"):
            with pytest.raises(ftplib.error_perm) as e:
                ftp.sendcmd(f"{cmd} x file.bin {rng}")
            assert str(e.value) == \
                "501 Range beyond the end of the file.", (rng, str(e.value))
        # A start at the very end: the digest of nothing.
        assert ftp.sendcmd(f"{cmd} x file.bin {len(data)}") == \
            "250 " + f(b""), cmd
        with pytest.raises(ftplib.error_perm) as e:
            ftp.sendcmd(f"{cmd} nothere.bin")
        assert str(e.value).startswith("550 "), str(e.value)
    assert ftp.sendcmd("NOOP") == NOOP_OK


def test_site_md5_and_guest_refusals(server, make_user):
    user = make_user()
    data = os.urandom(5000)
    _user_file(user, "s.bin", data)
    ftp = server.login(user)
    assert ftp.sendcmd("SITE MD5 s.bin") == \
        f"200 MD5(s.bin) = {hashlib.md5(data).hexdigest()}"
    with pytest.raises(ftplib.error_perm) as e:
        ftp.sendcmd("SITE MD5 none.bin")
    assert str(e.value).startswith("550 "), str(e.value)
    guest = server.anon()
    with pytest.raises(ftplib.error_perm) as e:
        guest.sendcmd("SITE MD5 pub/hello.txt")
    assert str(e.value).startswith("500 "), str(e.value)
    # Guests may not change a file's time either (no -m).
    with pytest.raises(ftplib.error_perm) as e:
        guest.sendcmd("MFMT 20200102030405 pub/hello.txt")
    assert str(e.value) == "550 Operation not permitted.", str(e.value)


def test_abor_during_hash_of_huge_file(server, make_user):
    user = make_user()
    _sparse(user, "huge.bin")
    rc = _raw(server)
    assert rc.login(user.name, user.password).code == 230
    rc.send("HASH huge.bin")
    time.sleep(0.3)          # let the digest start
    t0 = time.monotonic()
    rc.send("ABOR")
    first = rc.reply(timeout=3)
    replies = [first]
    if first.code == 426:
        replies.append(rc.reply(timeout=3))
    elapsed = time.monotonic() - t0
    assert elapsed < 1.0, (elapsed, replies)
    assert replies[-1].code in (225, 226), replies
    assert all(r.code != 213 for r in replies), replies
    assert rc.cmd("NOOP", timeout=3).text == NOOP_OK
    # The aborted digest does not answer later.
    assert rc.cmd("PWD", timeout=3).code == 257
