"""Real clients against a real user's tree: lftp mirror both ways (over
MLSD, which lftp uses when FEAT advertises it), wget recursive, tnftp get
and ls, curl upload and download.  Every file is compared byte for byte;
every subprocess has a timeout."""

import os

from bbutil import assert_ran_ok, need_binary, run_client, same_tree


TREE = {
    "a.bin": 200_000,
    "with space.txt": 1_000,
    "sub/b.txt": 5_000,
    "sub/deeper/c.bin": 70_000,
    "sub/deeper/empty": 0,
}


def _make_tree(root, owner=None):
    """Create TREE under root (owned by owner if given); returns
    {rel: bytes}."""
    made = {}
    for rel, size in TREE.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        data = os.urandom(size)
        p.write_bytes(data)
        made[rel] = data
    if owner is not None:
        for dirpath, dirnames, filenames in os.walk(root):
            os.chown(dirpath, owner.uid, owner.gid)
            for n in filenames:
                os.chown(os.path.join(dirpath, n), owner.uid, owner.gid)
    return made


def _check_tree(root, made):
    for rel, data in made.items():
        p = root / rel
        assert p.is_file(), rel
        assert p.read_bytes() == data, rel


# ---------------------------------------------------------------- lftp

def _lftp(server, user, body, cwd):
    script = ("set ftp:ssl-allow no; set net:max-retries 1; "
              "set net:timeout 10; set net:reconnect-interval-base 1; "
              "set ftp:passive-mode on; set cmd:fail-exit yes; "
              f"open -u {user.name},{user.password} -p {server.port} "
              "127.0.0.1; " + body)
    return run_client(["lftp", "-c", script], cwd=cwd)


def test_lftp_mirror_both_ways_uses_mlsd(ftpd, world, make_user, tmp_path):
    need_binary("lftp")
    user = make_user()
    srv = ftpd("-d")
    made = _make_tree(user.home / "tree", owner=user)
    # Download.
    dest = tmp_path / "down"
    mark = world.syslog.mark()
    r = _lftp(srv, user, f"mirror tree {dest}; quit", tmp_path)
    assert_ran_ok(r)
    _check_tree(dest, made)
    assert same_tree(user.home / "tree", dest) == []
    world.syslog.expect(r"command: MLSD\b", start=mark)
    # Upload of a fresh local tree.
    local = tmp_path / "local"
    local.mkdir()
    made_up = _make_tree(local)
    os.utime(local / "a.bin", (1600000000, 1600000000))
    mark = world.syslog.mark()
    r = _lftp(srv, user, f"mirror -R {local} uploaded; quit", tmp_path)
    assert_ran_ok(r)
    _check_tree(user.home / "uploaded", made_up)
    assert same_tree(local, user.home / "uploaded") == []
    # lftp keeps the times with MFMT, which FEAT advertises.
    world.syslog.expect(r"command: MFMT 20200913122640 a\.bin", start=mark)
    assert (user.home / "uploaded" / "a.bin").stat().st_mtime == 1600000000
    st = (user.home / "uploaded" / "sub" / "b.txt").stat()
    assert st.st_uid == user.uid


# ---------------------------------------------------------------- wget

def test_wget_recursive_real_user(server, make_user, tmp_path):
    need_binary("wget")
    user = make_user()
    made = _make_tree(user.home / "tree", owner=user)
    dest = tmp_path / "wget"
    url = (f"ftp://{user.name}:{user.password}@127.0.0.1:{server.port}"
           "/tree/")
    r = run_client(["wget", "-q", "-r", "-nH", "--tries=1", "--timeout=10",
                    "-P", str(dest), url], cwd=tmp_path)
    assert_ran_ok(r)
    # wget stores below the URL path; listing files it leaves are ignored.
    got = dest / "tree"
    _check_tree(got, made)
    for dirpath, _, filenames in os.walk(got):
        for n in filenames:
            rel = os.path.relpath(os.path.join(dirpath, n), got)
            assert rel in made or n == ".listing", rel


# ---------------------------------------------------------------- tnftp

def test_tnftp_get_and_ls(server, make_user, tmp_path):
    need_binary("tnftp")
    user = make_user()
    made = _make_tree(user.home / "tree", owner=user)
    out = tmp_path / "tn.bin"
    script = (f"open 127.0.0.1 {server.port}\n"
              f"user {user.name} {user.password}\n"
              "binary\n"
              "cd tree\n"
              "ls\n"
              f"get a.bin {out}\n"
              f"get \"with space.txt\" {tmp_path / 'space.txt'}\n"
              "quit\n")
    r = run_client(["tnftp", "-n"], cwd=tmp_path, input_text=script)
    assert_ran_ok(r)
    assert out.read_bytes() == made["a.bin"]
    assert (tmp_path / "space.txt").read_bytes() == made["with space.txt"]
    listing = r.stdout
    for name in ("a.bin", "with space.txt", "sub"):
        assert any(ln.endswith(" " + name) for ln in listing.splitlines()), \
            (name, listing)


# ---------------------------------------------------------------- curl

def test_curl_upload_and_download_real_user(server, make_user, tmp_path):
    need_binary("curl")
    user = make_user()
    src = tmp_path / "src.bin"
    src.write_bytes(os.urandom(300_000))
    base = f"ftp://127.0.0.1:{server.port}"
    auth = ["-u", f"{user.name}:{user.password}"]
    r = run_client(["curl", "-sS", "--max-time", "30", *auth,
                    "--ftp-create-dirs", "-T", str(src),
                    f"{base}/newdir/up.bin"], cwd=tmp_path)
    assert_ran_ok(r)
    assert (user.home / "newdir" / "up.bin").read_bytes() == src.read_bytes()
    out = tmp_path / "back.bin"
    r = run_client(["curl", "-sS", "--max-time", "30", *auth, "-o", str(out),
                    f"{base}/newdir/up.bin"], cwd=tmp_path)
    assert_ran_ok(r)
    assert out.read_bytes() == src.read_bytes()
    # A directory listing through curl (LIST) names the file.
    r = run_client(["curl", "-sS", "--max-time", "30", *auth,
                    f"{base}/newdir/"], cwd=tmp_path)
    assert_ran_ok(r)
    assert r.stdout.rstrip("\n").endswith(" up.bin"), r.stdout
