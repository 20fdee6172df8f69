"""Interoperability with real clients: curl, lftp, wget, tnftp.  Every
transfer is checked byte for byte; every subprocess has a timeout."""

import os
import subprocess

import pytest

from bbutil import (ANON_IDENT, CLIENT_TIMEOUT, assert_ran_ok, need_binary,
                    run_client, same_tree)


def _url(server, path=""):
    return f"ftp://127.0.0.1:{server.port}/{path}"


def _user_upload_source(tmp_path, size=200_000):
    src = tmp_path / "client-src.bin"
    src.write_bytes(os.urandom(size))
    return src


# ---------------------------------------------------------------- curl

@pytest.mark.parametrize("mode", [[], ["--ftp-pasv"]],
                         ids=["default", "ftp-pasv"])
def test_curl_anonymous_download(server, world, tmp_path, mode):
    need_binary("curl")
    out = tmp_path / "curl.out"
    r = run_client(["curl", "-sS", "-v", "--max-time", "30", *mode,
                    "-o", str(out), _url(server, "pub/big.bin")])
    assert_ran_ok(r)
    assert out.read_bytes() == world.big


def test_curl_active_download(server, world, tmp_path):
    need_binary("curl")
    out = tmp_path / "curl.out"
    r = run_client(["curl", "-sS", "-v", "--max-time", "30", "-P", "127.0.0.1",
                    "-o", str(out), _url(server, "pub/big.bin")])
    assert_ran_ok(r)
    assert out.read_bytes() == world.big


def test_curl_real_user_upload(server, make_user, tmp_path):
    need_binary("curl")
    user = make_user()
    src = _user_upload_source(tmp_path)
    r = run_client(["curl", "-sS", "-v", "--max-time", "30",
                    "-u", f"{user.name}:{user.password}", "-T", str(src),
                    _url(server, "curl-up.bin")])
    assert_ran_ok(r)
    dest = user.home / "curl-up.bin"
    assert dest.read_bytes() == src.read_bytes()
    assert dest.stat().st_uid == user.uid


def test_curl_real_user_active_upload_and_download(server, make_user,
                                                   tmp_path):
    need_binary("curl")
    user = make_user()
    src = _user_upload_source(tmp_path, 50_000)
    auth = ["-u", f"{user.name}:{user.password}"]
    r = run_client(["curl", "-sS", "-v", "--max-time", "30", "-P",
                    "127.0.0.1", *auth, "-T", str(src),
                    _url(server, "act.bin")])
    assert_ran_ok(r)
    out = tmp_path / "act.out"
    r = run_client(["curl", "-sS", "-v", "--max-time", "30", "-P",
                    "127.0.0.1", *auth, "-o", str(out),
                    _url(server, "act.bin")])
    assert_ran_ok(r)
    assert out.read_bytes() == src.read_bytes()


def test_curl_wrong_password_fails(server, make_user, tmp_path):
    need_binary("curl")
    user = make_user()
    r = run_client(["curl", "-sS", "-v", "--max-time", "30",
                    "-u", f"{user.name}:wrong", "-o", str(tmp_path / "x"),
                    _url(server, "")])
    assert r.returncode == 67, (r.returncode, r.stderr)   # login denied


# ---------------------------------------------------------------- lftp

def _lftp_script(server, user, password, body):
    return ("set ftp:ssl-allow no; set net:max-retries 1; "
            "set net:timeout 10; set net:reconnect-interval-base 1; "
            "set ftp:passive-mode on; set cmd:fail-exit yes; "
            f"open -u {user},{password} -p {server.port} 127.0.0.1; "
            + body)


def test_lftp_mirror_anonymous(server, world, tmp_path):
    need_binary("lftp")
    dest = tmp_path / "mirror"
    script = _lftp_script(server, "anonymous", ANON_IDENT,
                          f"mirror pub {dest}; quit")
    r = run_client(["lftp", "-c", script], cwd=tmp_path)
    assert_ran_ok(r)
    assert (dest / "big.bin").read_bytes() == world.big
    assert (dest / "sub" / "nested.txt").read_bytes() == b"nested file\n"
    assert same_tree(world.pub, dest) == []


def test_lftp_put_real_user(server, make_user, tmp_path):
    need_binary("lftp")
    user = make_user()
    src = _user_upload_source(tmp_path)
    script = _lftp_script(server, user.name, user.password,
                          f"put {src} -o lftp-up.bin; quit")
    r = run_client(["lftp", "-c", script], cwd=tmp_path)
    assert_ran_ok(r)
    assert (user.home / "lftp-up.bin").read_bytes() == src.read_bytes()


# ---------------------------------------------------------------- wget

def test_wget_single_file(server, world, tmp_path):
    need_binary("wget")
    out = tmp_path / "wget.out"
    r = run_client(["wget", "-q", "--tries=1", "--timeout=10", "-O", str(out),
                    _url(server, "pub/big.bin")], cwd=tmp_path)
    assert_ran_ok(r)
    assert out.read_bytes() == world.big


def test_wget_recursive(server, world, tmp_path):
    need_binary("wget")
    dest = tmp_path / "wget-r"
    r = run_client(["wget", "-q", "-r", "-nH", "--tries=1", "--timeout=10",
                    "-P", str(dest), _url(server, "pub/")], cwd=tmp_path)
    assert_ran_ok(r)
    assert (dest / "pub" / "big.bin").read_bytes() == world.big
    assert (dest / "pub" / "hello.txt").read_bytes() == b"Hello, FTP!\n"
    assert (dest / "pub" / "sub" / "nested.txt").read_bytes() == \
        b"nested file\n"


# ---------------------------------------------------------------- tnftp

def test_tnftp_scripted_get(server, world, tmp_path):
    need_binary("tnftp")
    out = tmp_path / "tnftp.out"
    script = (f"open 127.0.0.1 {server.port}\n"
              f"user anonymous {ANON_IDENT}\n"
              "binary\n"
              f"get pub/big.bin {out}\n"
              "quit\n")
    r = run_client(["tnftp", "-n"], cwd=tmp_path, input_text=script)
    assert_ran_ok(r)
    assert out.exists(), r.stdout + r.stderr
    assert out.read_bytes() == world.big


def test_tnftp_real_user_put_get(server, make_user, tmp_path):
    need_binary("tnftp")
    user = make_user()
    src = _user_upload_source(tmp_path, 80_000)
    back = tmp_path / "tnftp-back.bin"
    script = (f"open 127.0.0.1 {server.port}\n"
              f"user {user.name} {user.password}\n"
              "binary\n"
              f"put {src} tn-up.bin\n"
              f"get tn-up.bin {back}\n"
              "quit\n")
    r = run_client(["tnftp", "-n"], cwd=tmp_path, input_text=script)
    assert_ran_ok(r)
    assert (user.home / "tn-up.bin").read_bytes() == src.read_bytes()
    assert back.read_bytes() == src.read_bytes()


def test_tnftp_interrupt_sends_abor_with_urgent_data(ftpd, world, tmp_path):
    """tnftp's ^C during a download: it sends Telnet IP, then IAC DM as
    urgent data (Synch), then ABOR, and expects 426 then 226 (RFC 959).
    The download is throttled (rateget) so that it is still running."""
    need_binary("tnftp")
    import signal
    import time
    world.conf("ftpd.conf", "rateget guest 64k\n")
    srv = ftpd("-d")
    mark = world.syslog.mark()
    out = tmp_path / "partial.bin"
    p = subprocess.Popen(["tnftp", "-n", "-v"], cwd=tmp_path, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT,
                         env=dict(os.environ, HOME=str(tmp_path)))
    try:
        p.stdin.write(f"open 127.0.0.1 {srv.port}\n"
                      f"user anonymous {ANON_IDENT}\n"
                      "binary\n"
                      f"get pub/big.bin {out}\n")
        p.stdin.flush()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if out.exists() and out.stat().st_size > 0:
                break
            time.sleep(0.05)
        assert out.exists() and out.stat().st_size > 0, "no transfer"
        p.send_signal(signal.SIGINT)
        stdout, _ = p.communicate("quit\n", timeout=CLIENT_TIMEOUT)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert "426" in stdout and "226" in stdout, stdout
    assert stdout.index("426") < stdout.rindex("226"), stdout
    # Stopped early: a 1 MiB file at 64 KiB/s takes 16 s.
    assert out.stat().st_size < len(world.big), stdout
    world.syslog.expect(r"command: ABOR", start=mark)
    # The session went on: tnftp's quit was answered.
    assert "221" in stdout, stdout
