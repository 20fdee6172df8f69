"""Black-box tests for ftpd: the real daemon on loopback, driven by real
clients (Python ftplib, raw sockets, curl, lftp, wget, tnftp).

How to run (as root, from the repository root):

    make                                    # builds build/normal/ftpd
    /usr/bin/python3 -m pytest -q tests/blackbox
    FTPD_BIN=build/asan/ftpd /usr/bin/python3 -m pytest -q tests/blackbox

Use Debian's /usr/bin/python3 (it has python3-pytest).  FTPD_BIN picks the
binary (default build/normal/ftpd; a relative path is taken from the
repository root).  The daemon gets ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
and UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 unless they are already
set in the environment; FTPD_ASAN_OPTIONS / FTPD_UBSAN_OPTIONS override them
for the daemon only.  After every test the daemon's stderr file is scanned for
sanitizer reports (children inherit it), and a report fails the test.

Every test builds its own world under tmp_path:

    tmp_path/etc/          confdir (-c): ftpusers, ftpchroot, ftpwelcome, ...
    tmp_path/anon/         anonymous root, root-owned 0555
        pub/               hello.txt, text.txt, empty.txt, big.bin (1 MiB
                           random), sub/nested.txt
        incoming/          only with world.make_incoming(): owned by the anon
                           user, so anonymous uploads work there
    tmp_path/empty/        empty_dir for the pre-login process
    tmp_path/syslog.sock   syslog capture socket (world.syslog)
    tmp_path/ftpd.pid      pidfile
    tmp_path/ftpd.stderr   the daemon's stdout+stderr

The anonymous account is a temporary system user (ftpt<hex>, home = the anon
root, shell /usr/sbin/nologin) passed with -X anon_user=; real users come from
the make_user factory (useradd -m, home in /home, removed with userdel -r).
Control ports come from binding port 0 (control port - 1, the source port of
active data connections, is held with a non-listening SO_REUSEADDR socket so
no parallel client gets it as an ephemeral port); passive ranges are picked
at random in 20000-39999.  Nothing here uses a non-loopback address.  The
host's /var/run/nologin is not consulted (-X nologin= points into tmp_path).

Fixtures:
    ftpd_bin     path of the binary (skips when not root, fails when missing)
    accounts     creates/removes users and groups; make_user(shell=,
                 groups=, primary_group=) and make_group() are shortcuts
    world        the per-test tree: world.conf(name, text), make_incoming(),
                 anon_write(rel, data), world.syslog.expect(regex)
    ftpd         factory: ftpd(*extra_flags, settings={}, env={}, mode="-F")
                 -> Server (.port, .pid, .connect(), .anon(), .login(user),
                 .raw(), .session_pid(conn, pred), .stop())
    server       ftpd() with default settings, already listening
    inetd        factory: inetd(*extra_flags, settings={}) -> InetdSession;
                 .connect() returns an ftplib.FTP with the banner read

Helpers for tests (raw control connection, /proc readers, transfer helpers,
reply texts of the specification) are in bbutil.py.
"""

import os
import pwd
import grp
import random
import secrets
import signal
import socket
import string
import subprocess
import threading
import time
from pathlib import Path

import pytest

import bbutil
from bbutil import (LOOPBACK, SANITIZER_MARKERS, IO_TIMEOUT, SyslogCapture,
                    RawControl, wait_until, require_root, alive,
                    descendants_of, kill_if_same, is_listening, children_of,
                    pids_holding_connection, ANON_IDENT, daemon_env,
                    control_port)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = "build/normal/ftpd"

BIG_SIZE = 1024 * 1024


def ftpd_bin_path():
    p = Path(os.environ.get("FTPD_BIN", DEFAULT_BIN))
    if not p.is_absolute():
        p = REPO_ROOT / p
    return p


def sanitizer_report(path):
    """The sanitizer report text in a stderr file, or None."""
    try:
        text = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return None
    for marker in SANITIZER_MARKERS:
        i = text.find(marker)
        if i >= 0:
            start = max(0, text.rfind("\n", 0, max(0, i - 200)))
            return text[start:start + 6000]
    return None


def random_name(prefix):
    return prefix + secrets.token_hex(4)


def random_password():
    alphabet = string.ascii_letters + string.digits
    return "Pw" + "".join(secrets.choice(alphabet) for _ in range(18))


# ---------------------------------------------------------------- accounts

def _run_locked(argv, input_text=None, attempts=40):
    """Run a shadow-utils command, retrying while /etc/passwd is locked by a
    parallel run (exit 10 / 'lock' in the message)."""
    last = None
    for _ in range(attempts):
        last = subprocess.run(argv, input=input_text, capture_output=True,
                              text=True, timeout=30)
        if last.returncode == 0:
            return last
        msg = (last.stderr or "") + (last.stdout or "")
        if last.returncode == 10 or "lock" in msg.lower():
            time.sleep(random.uniform(0.05, 0.25))
            continue
        break
    return last


class Account:
    def __init__(self, name, password, home, shell):
        pw = pwd.getpwnam(name)
        self.name = name
        self.password = password
        self.uid = pw.pw_uid
        self.gid = pw.pw_gid
        self.home = Path(home)
        self.shell = shell

    def __repr__(self):
        return f"Account({self.name}, uid={self.uid})"


class Group:
    def __init__(self, name):
        self.name = name
        self.gid = grp.getgrnam(name).gr_gid


class Accounts:
    """Creates temporary users and groups; removes them all in cleanup()."""

    def __init__(self):
        self.users = []        # (name, remove_home)
        self.groups = []

    def group(self):
        name = random_name("ftpg")
        r = _run_locked(["groupadd", "--system", name])
        if r.returncode != 0:
            pytest.fail(f"groupadd {name} failed: {r.stderr}")
        self.groups.append(name)
        return Group(name)

    def user(self, shell="/bin/sh", password=None, groups=(),
             primary_group=None, home=None):
        """A real user with a home directory (default /home/<name>)."""
        name = random_name("ftpu")
        password = password or random_password()
        home = str(home or f"/home/{name}")
        argv = ["useradd", "-m", "-d", home, "-s", shell]
        if primary_group:
            argv += ["-g", primary_group.name, "-N"]
        if groups:
            argv += ["-G", ",".join(g.name for g in groups)]
        argv.append(name)
        r = _run_locked(argv)
        if r.returncode != 0:
            pytest.fail(f"useradd {name} failed: {r.stderr}")
        self.users.append((name, True))
        r = _run_locked(["chpasswd"], input_text=f"{name}:{password}\n")
        if r.returncode != 0:
            pytest.fail(f"chpasswd for {name} failed: {r.stderr}")
        return Account(name, password, home, shell)

    def system_user(self, home):
        """The anonymous account: system user, no password, no shell."""
        name = random_name("ftpt")
        r = _run_locked(["useradd", "--system", "-M", "-d", str(home),
                         "-s", "/usr/sbin/nologin", "-U", name])
        if r.returncode != 0:
            pytest.fail(f"useradd {name} failed: {r.stderr}")
        self.users.append((name, False))
        return Account(name, None, home, "/usr/sbin/nologin")

    def cleanup(self):
        errors = []
        for name, remove_home in reversed(self.users):
            # Processes of the user (sessions) should be gone by now; kill
            # leftovers that are ours (their uid is this temporary user).
            try:
                uid = pwd.getpwnam(name).pw_uid
            except KeyError:
                continue
            _kill_uid_leftovers(uid)
            argv = ["userdel"] + (["-r"] if remove_home else []) + [name]
            r = _run_locked(argv)
            if r.returncode not in (0, 12):       # 12: home removal problem
                r = _run_locked(["userdel", "-f"] + argv[1:])
                if r.returncode not in (0, 12):
                    errors.append(f"userdel {name}: {r.stderr}")
            try:
                grp.getgrnam(name)
                _run_locked(["groupdel", name])
            except KeyError:
                pass
        for name in reversed(self.groups):
            r = _run_locked(["groupdel", name])
            if r.returncode != 0:
                errors.append(f"groupdel {name}: {r.stderr}")
        self.users.clear()
        self.groups.clear()
        return errors


def _kill_uid_leftovers(uid):
    """SIGKILL processes running as a temporary test uid (only ftpd
    sessions can be running as these freshly created users)."""
    bin_path = str(ftpd_bin_path().resolve())
    for pid in bbutil.all_pids():
        try:
            uids, _, _ = bbutil.proc_ids(pid)
        except (OSError, KeyError):
            continue
        if uid in uids:
            exe = bbutil.exe_of(pid) or ""
            if exe.replace(" (deleted)", "") == bin_path:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


# ---------------------------------------------------------------- world

class World:
    def __init__(self, tmp_path, accounts):
        self.dir = Path(tmp_path)
        os.chmod(self.dir, 0o755)
        self.confdir = self.dir / "etc"
        self.confdir.mkdir()
        self.anon_root = self.dir / "anon"
        self.pub = self.anon_root / "pub"
        self.empty_dir = self.dir / "empty"
        self.empty_dir.mkdir(mode=0o755)
        os.chmod(self.empty_dir, 0o755)
        self.pidfile = self.dir / "ftpd.pid"
        self.stderr_path = self.dir / "ftpd.stderr"
        self.files = {}
        self._build_anon_tree()
        self.anon = accounts.system_user(self.anon_root)
        self.syslog = SyslogCapture(self.dir / "syslog.sock")

    def _build_anon_tree(self):
        self.anon_root.mkdir()
        self.pub.mkdir()
        (self.pub / "sub").mkdir()
        self.big = os.urandom(BIG_SIZE)
        contents = {
            "pub/hello.txt": b"Hello, FTP!\n",
            "pub/text.txt": b"line one\nline two\nline three\n",
            "pub/empty.txt": b"",
            "pub/big.bin": self.big,
            "pub/sub/nested.txt": b"nested file\n",
        }
        for rel, data in contents.items():
            p = self.anon_root / rel
            p.write_bytes(data)
            os.chmod(p, 0o444)
            self.files[rel] = data
        for d in (self.pub / "sub", self.pub, self.anon_root):
            os.chown(d, 0, 0)
            os.chmod(d, 0o555)

    def conf(self, name, text):
        """Write confdir/name."""
        p = self.confdir / name
        p.write_text(text)
        os.chmod(p, 0o644)
        return p

    def make_incoming(self):
        """A directory in the anon tree the anon user may write to."""
        inc = self.anon_root / "incoming"
        os.chmod(self.anon_root, 0o755)
        inc.mkdir()
        os.chmod(self.anon_root, 0o555)
        os.chown(inc, self.anon.uid, self.anon.gid)
        os.chmod(inc, 0o755)
        return inc

    def anon_write(self, rel, data, mode=0o444):
        """Create a file inside the (read-only) anon tree as root."""
        p = self.anon_root / rel
        parents = []
        d = p.parent
        while not d.exists():
            parents.append(d)
            d = d.parent
        os.chmod(self.anon_root, 0o755)
        try:
            for d in reversed(parents):
                d.mkdir()
            p.write_bytes(data if isinstance(data, bytes) else data.encode())
            os.chmod(p, mode)
        finally:
            os.chmod(self.anon_root, 0o555)
        return p

    def close(self):
        self.syslog.close()


# ---------------------------------------------------------------- daemon

def pick_pasv_range(width=64, attempts=30):
    """A random passive range in 20000-39999 whose ports are free now."""
    for _ in range(attempts):
        lo = random.randint(20000, 39999 - width + 1)
        hi = lo + width - 1
        ok = True
        for port in range(lo, hi + 1):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                try:
                    s.bind((LOOPBACK, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return lo, hi
    pytest.fail("no free passive port range found in 20000-39999")


class Server:
    """One daemon in -F (default) or -D mode."""

    def __init__(self, binary, world, extra, settings, env, mode, logging):
        self.binary = binary
        self.world = world
        self.extra = list(extra)
        self.settings = settings
        self.env = daemon_env(env)
        self.mode = mode
        self.logging = list(logging)
        self.proc = None
        self.pid = None
        self.port = None
        self.pasv_range = None
        self.launcher_rc = None
        self.clients = []
        self.pidfile = world.pidfile
        self.stderr_path = world.stderr_path
        self.known_pids = {}   # pid -> starttime, for cleanup
        self.guard = None      # reservation of port - 1 (active data)

    def _release_guard(self):
        if self.guard is not None:
            self.guard.close()
            self.guard = None

    def argv(self):
        xs = []
        for k, v in self.settings.items():
            if v is not None:
                xs += ["-X", f"{k}={v}"]
        return ([str(self.binary), self.mode, "-a", LOOPBACK,
                 "-P", str(self.port), "-p", str(self.pidfile),
                 "-c", str(self.world.confdir)] + xs + self.logging
                + self.extra)

    def start(self, wait=True):
        lo, hi = self.pasv_range = pick_pasv_range()
        self.settings.setdefault("pasv_ports", f"{lo}-{hi}")
        for attempt in range(3):
            self._release_guard()
            self.port, self.guard = control_port()
            errf = open(self.stderr_path, "ab")
            try:
                self.proc = subprocess.Popen(
                    self.argv(), stdin=subprocess.DEVNULL, stdout=errf,
                    stderr=errf, env=self.env, start_new_session=True,
                    cwd="/")
            finally:
                errf.close()
            if not wait:
                return self
            if self._wait_ready():
                return self
            out = self.stderr_path.read_text(errors="replace")
            self._kill_all()
            if "in use" not in out:
                break
        pytest.fail(f"ftpd did not start listening on {LOOPBACK}:{self.port}"
                    f" (launcher rc={self.launcher_rc}); argv: "
                    f"{' '.join(self.argv())}\nstderr:\n"
                    f"{self.stderr_path.read_text(errors='replace')[-3000:]}")

    def _wait_ready(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        if self.mode == "-D":
            try:
                self.launcher_rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                return False
            pid = wait_until(self.read_pidfile,
                             max(0.1, deadline - time.monotonic()))
            if not pid:
                return False
            self.pid = pid
        else:
            self.pid = self.proc.pid

        def ready():
            if self.mode != "-D" and self.proc.poll() is not None:
                return "dead"
            return is_listening(self.port)
        r = wait_until(ready, max(0.1, deadline - time.monotonic()))
        if r is not True:
            return False
        st = bbutil.proc_stat(self.pid)
        if st:
            self.known_pids[self.pid] = st[2]
        return True

    def read_pidfile(self):
        try:
            text = self.pidfile.read_text().strip()
        except (FileNotFoundError, PermissionError):
            return None
        try:
            return int(text.split()[0])
        except (ValueError, IndexError):
            return None

    # ---- clients

    def connect(self, timeout=IO_TIMEOUT):
        ftp = bbutil.ftp_connect(self.port, timeout)
        self.clients.append(ftp)
        return ftp

    def anon(self, name="anonymous", password=ANON_IDENT):
        ftp = self.connect()
        ftp.login(name, password)
        return ftp

    def login(self, user):
        ftp = self.connect()
        ftp.login(user.name, user.password)
        return ftp

    def raw(self, source=None):
        rc = RawControl(self.port, source=source)
        self.clients.append(rc)
        return rc

    # ---- processes

    def children(self):
        """The processes serving connections: the listener's children
        and, in standalone mode, the spawner's."""
        kids = children_of(self.pid)
        return kids + [g for k in kids for g in children_of(k)]

    def session_pid(self, conn, pred=None, timeout=5.0):
        """The child of the listener holding this client's control
        connection (optionally: for which pred(pid) is true)."""
        sock = conn.sock
        cport = sock.getsockname()[1]

        def find():
            kids = self.children()
            for k in kids:
                st = bbutil.proc_stat(k)
                if st:
                    self.known_pids.setdefault(k, st[2])
            pids = pids_holding_connection(self.port, cport, kids)
            if pred is not None:
                pids = [p for p in pids if pred(p)]
            return pids[0] if len(pids) == 1 else None
        return wait_until(find, timeout)

    def alive(self):
        return self.pid is not None and alive(self.pid)

    # ---- shutdown

    def _kill_all(self):
        tree = []
        if self.pid:
            tree = descendants_of(self.pid)
        if self.mode == "-D" and self.port:
            # A detached daemon that never wrote its pidfile.
            for pid in bbutil.listener_pids(self.port, self.binary):
                st = bbutil.proc_stat(pid)
                if st:
                    tree += [(pid, st[2])] + descendants_of(pid)
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for pid, start in list(self.known_pids.items()) + tree:
            kill_if_same(pid, start, signal.SIGKILL)

    def stop(self, timeout=5.0):
        for c in self.clients:
            try:
                c.close()
            except Exception:
                pass
        if self.pid is None:
            if self.proc and self.proc.poll() is None:
                self._kill_all()
            self._release_guard()
            return
        tree = descendants_of(self.pid)
        for pid, start in tree:
            self.known_pids.setdefault(pid, start)
        lst = bbutil.proc_stat(self.pid)
        if lst and lst[0] not in ("Z", "X"):
            kill_if_same(self.pid, self.known_pids.get(self.pid, lst[2]),
                         signal.SIGTERM)
        if self.mode == "-D":
            wait_until(lambda: not alive(self.pid), timeout)
        else:
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        # Sessions should end with the listener; give them a moment.
        wait_until(lambda: not any(alive(p) for p, _ in tree), 2.0)
        if self.mode != "-D" and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for pid, start in self.known_pids.items():
            kill_if_same(pid, start, signal.SIGKILL)
        self._release_guard()
        if self.mode != "-D":
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


class InetdSession:
    """The test accepts one TCP connection and runs ftpd on it as fd 0/1."""

    def __init__(self, binary, world, extra, settings, env, logging):
        self.binary = binary
        self.world = world
        self.extra = list(extra)
        self.settings = settings
        self.env = daemon_env(env)
        self.logging = list(logging)
        self.proc = None
        self.port = None
        self.stderr_path = world.dir / "ftpd-inetd.stderr"
        self.error = None
        self.clients = []
        self.guard = None

    def argv(self):
        xs = []
        for k, v in self.settings.items():
            if v is not None:
                xs += ["-X", f"{k}={v}"]
        return ([str(self.binary), "-c", str(self.world.confdir)] + xs
                + self.logging + self.extra)

    def _serve(self, lsock):
        try:
            conn, _ = lsock.accept()
            with conn:
                errf = open(self.stderr_path, "ab")
                try:
                    self.proc = subprocess.Popen(
                        self.argv(), stdin=conn.fileno(),
                        stdout=conn.fileno(), stderr=errf, env=self.env,
                        start_new_session=True, cwd="/")
                finally:
                    errf.close()
        except Exception as e:       # reported by connect()
            self.error = e
        finally:
            lsock.close()

    def connect(self, timeout=IO_TIMEOUT, client=None):
        """Listen, start the accept thread, connect ftplib (which waits for
        the banner of the ftpd started on the accepted socket).  client:
        a callable (port, timeout) -> connected client to use instead of
        bbutil.ftp_connect (e.g. an implicit FTPS client)."""
        lo, hi = pick_pasv_range()
        self.settings.setdefault("pasv_ports", f"{lo}-{hi}")
        # Like the standalone fixture: a port outside the ephemeral range,
        # with port - 1 held for active-mode data connections.
        for _ in range(50):
            self.port, self.guard = bbutil.control_port()
            lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                lsock.bind((LOOPBACK, self.port))
                break
            except OSError:
                lsock.close()
                self.guard.close()
        else:
            raise RuntimeError("no usable port for the inetd test")
        lsock.listen(1)
        lsock.settimeout(timeout)
        t = threading.Thread(target=self._serve, args=(lsock,), daemon=True)
        t.start()
        try:
            ftp = (client or bbutil.ftp_connect)(self.port, timeout)
        finally:
            t.join(timeout)
        if self.error:
            raise self.error
        self.clients.append(ftp)
        return ftp

    def stop(self, timeout=5.0):
        for c in self.clients:
            try:
                c.close()
            except Exception:
                pass
        if self.proc is None:
            return
        tree = descendants_of(self.proc.pid)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(2)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for pid, start in tree:
            kill_if_same(pid, start, signal.SIGKILL)
        if self.guard is not None:
            self.guard.close()
            self.guard = None


def default_settings(world):
    return {
        "empty_dir": str(world.empty_dir),
        "anon_user": world.anon.name,
        "anon_root": str(world.anon_root),
        "nopriv_user": "nobody",
        # Not the host's /var/run/nologin: tests create it when they want it.
        "nologin": str(world.dir / "nologin"),
        "syslog_socket": world.syslog.path,
        "login_delay_ms": "50",
        "pam": "yes",
    }


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def ftpd_bin():
    require_root()
    p = ftpd_bin_path()
    if not (p.is_file() and os.access(p, os.X_OK)):
        pytest.fail(f"ftpd binary not found at {p}: build it with "
                    f"'cd {REPO_ROOT} && make' or set FTPD_BIN")
    return p


@pytest.fixture
def accounts():
    require_root()
    acc = Accounts()
    yield acc
    errors = acc.cleanup()
    if errors:
        pytest.fail("account cleanup failed: " + "; ".join(errors))


@pytest.fixture
def make_user(accounts):
    """make_user(shell="/bin/sh", password=None, groups=(), primary_group=None)"""
    return accounts.user


@pytest.fixture
def make_group(accounts):
    return accounts.group


@pytest.fixture
def world(tmp_path, accounts):
    require_root()
    w = World(tmp_path, accounts)
    yield w
    w.close()


def _check_sanitizers(paths):
    reports = []
    for p in paths:
        rep = sanitizer_report(p)
        if rep:
            reports.append(f"--- {p}:\n{rep}")
    if reports:
        pytest.fail("sanitizer report in the daemon's stderr:\n"
                    + "\n".join(reports), pytrace=False)


@pytest.fixture
def ftpd(ftpd_bin, world, accounts):
    """Factory: ftpd(*extra_flags, settings=None, env=None, mode="-F",
    logging=("-l", "-l"), wait=True) -> Server.  settings override/extend
    the default -X keys (a value of None drops a key)."""
    servers = []

    def start(*extra, settings=None, env=None, mode="-F",
              logging=("-l", "-l"), wait=True):
        s = default_settings(world)
        s.update(settings or {})
        srv = Server(ftpd_bin, world, extra, s, env, mode, logging)
        servers.append(srv)
        return srv.start(wait)

    yield start
    for srv in servers:
        srv.stop()
    _check_sanitizers({srv.stderr_path for srv in servers})


@pytest.fixture
def server(ftpd):
    return ftpd()


@pytest.fixture
def inetd(ftpd_bin, world, accounts):
    """Factory: inetd(*extra_flags, settings=None, env=None) -> InetdSession;
    call .connect() on it to get an ftplib.FTP with the banner read."""
    sessions = []

    def make(*extra, settings=None, env=None, logging=("-l", "-l")):
        s = default_settings(world)
        s.update(settings or {})
        sess = InetdSession(ftpd_bin, world, extra, s, env, logging)
        sessions.append(sess)
        return sess

    yield make
    for sess in sessions:
        sess.stop()
    _check_sanitizers({sess.stderr_path for sess in sessions})


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A throwaway CA and server certificate for FTPS tests, made once per
    test session by tests/tls/make-certs.sh (tlsutil.Certs: .ca, .cert,
    .key, .chain, .settings() for the -X tls_cert/tls_key keys)."""
    import tlsutil
    return tlsutil.make_certs(tmp_path_factory.mktemp("certs"))
