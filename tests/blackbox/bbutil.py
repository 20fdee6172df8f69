"""Helpers for the ftpd black-box tests: /proc inspection, a raw FTP control
connection, a syslog capture socket, data-transfer helpers and bounded
polling.  Fixtures live in conftest.py; test modules import from here.

Everything here is bounded: every loop has an iteration cap and a deadline,
every socket has a timeout.
"""

import filecmp
import ftplib
import os
import re
import random
import shutil
import socket
import subprocess
import threading
import time

import pytest

LOOPBACK = "127.0.0.1"
OTHER_LOOPBACK = "127.0.0.2"
IO_TIMEOUT = 10.0

SANITIZER_MARKERS = (
    "ERROR: AddressSanitizer",
    "runtime error:",
    "LeakSanitizer",
    "UndefinedBehaviorSanitizer",
)

# Reply texts from the specification (cli-spec.md, bsd-ftpd.md section 3).
GUEST_331 = "331 Guest login ok, send your email address as password."
GUEST_230 = "230 Guest login ok, access restrictions apply."
PLEASE_LOGIN = "530 Please login with USER and PASS."
LOGIN_INCORRECT = "530 Login incorrect."
TOO_MANY_FAILURES = "421 Too many failed login attempts; closing connection."
NOOP_OK = "200 NOOP command successful."
GOODBYE = "221 Goodbye."
CWD_OK = "250 CWD command successful."
TRANSFER_OK = "226 Transfer complete."
COMMAND_TOO_LONG = "500 Command too long."
ILLEGAL_PORT = "500 Illegal PORT range rejected."
PORT_OK = "200 PORT command successful."
SHUTDOWN_421 = "421 Service not available, closing control connection."
BANNER_RE = re.compile(r"^220 \S+ FTP server \(ftpd [^)]*\) ready\.$")
PASV_RE = re.compile(r"^227 Entering Passive Mode \((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)")

ANON_IDENT = "guest@example.com"


def require_root():
    if os.geteuid() != 0:
        pytest.skip("ftpd black-box tests must run as root: they create "
                    "system users (useradd/userdel) and the daemon chroots "
                    "and changes uids")


def wait_until(pred, timeout=5.0, interval=0.02):
    """Call pred() until it returns something truthy or timeout passes.
    Returns the last value of pred()."""
    deadline = time.monotonic() + timeout
    max_iter = int(timeout / interval) + 2
    value = None
    for _ in range(max_iter):
        value = pred()
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    return value


def last_line(resp):
    """The final line of a (possibly multi-line) ftplib reply string."""
    return resp.split("\n")[-1]


def reply_lines(resp):
    return resp.split("\n")


# ---------------------------------------------------------------- /proc

def proc_stat(pid):
    """(state, ppid, starttime) of pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("latin-1")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    rest = data[data.rfind(")") + 2:].split()
    return rest[0], int(rest[1]), int(rest[19])


def alive(pid):
    st = proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def all_pids():
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            out.append(int(name))
    return out


def children_of(ppid):
    """Live (non-zombie) direct children of ppid."""
    kids = []
    for pid in all_pids():
        st = proc_stat(pid)
        if st and st[1] == ppid and st[0] not in ("Z", "X"):
            kids.append(pid)
    return sorted(kids)


def descendants_of(pid, limit=4096):
    """All live descendants of pid, as (pid, starttime) pairs."""
    table = {}
    for p in all_pids():
        st = proc_stat(p)
        if st and st[0] not in ("Z", "X"):
            table[p] = st
    out, todo, seen = [], [pid], set()
    while todo and len(out) < limit:
        cur = todo.pop()
        for p, st in table.items():
            if st[1] == cur and p not in seen:
                seen.add(p)
                out.append((p, st[2]))
                todo.append(p)
    return out


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, val = line.partition(":")
            fields[key] = val.strip()
    return fields


def proc_ids(pid):
    """(uids[4], gids[4], groups[]) from /proc/PID/status:
    real, effective, saved, filesystem."""
    st = proc_status(pid)
    uids = [int(x) for x in st["Uid"].split()]
    gids = [int(x) for x in st["Gid"].split()]
    groups = [int(x) for x in st.get("Groups", "").split()]
    return uids, gids, groups


def proc_root(pid):
    return os.readlink(f"/proc/{pid}/root")


def socket_inodes(pid):
    out = set()
    fddir = f"/proc/{pid}/fd"
    try:
        names = os.listdir(fddir)
    except (FileNotFoundError, PermissionError, ProcessLookupError):
        return out
    for n in names[:65536]:
        try:
            target = os.readlink(f"{fddir}/{n}")
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(int(target[8:-1]))
    return out


def _tcp_rows():
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                lines = f.readlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) < 10:
                continue
            lport = int(parts[1].rsplit(":", 1)[1], 16)
            rport = int(parts[2].rsplit(":", 1)[1], 16)
            yield lport, rport, parts[3], int(parts[9])


def is_listening(port):
    return any(l == port and st == "0A" for l, _, st, _ in _tcp_rows())


def tcp_inode(local_port, remote_port):
    """Inode of the established TCP socket local_port <-> remote_port."""
    for l, r, st, inode in _tcp_rows():
        if l == local_port and r == remote_port and st == "01" and inode:
            return inode
    return None


def pids_holding_connection(server_port, client_port, candidates):
    inode = tcp_inode(server_port, client_port)
    if inode is None:
        return []
    return [p for p in candidates if inode in socket_inodes(p)]


def listener_pids(port, binary):
    """Processes running binary that hold a listening socket on port."""
    inodes = {inode for l, _, st, inode in _tcp_rows()
              if l == port and st == "0A" and inode}
    if not inodes:
        return []
    target = os.path.realpath(str(binary))
    out = []
    for pid in all_pids():
        exe = (exe_of(pid) or "").replace(" (deleted)", "")
        if exe == target and inodes & socket_inodes(pid):
            out.append(pid)
    return out


def exe_of(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def cmdline_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode("latin-1") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def kill_if_same(pid, starttime, sig):
    """Signal pid only if it is still the process we recorded."""
    st = proc_stat(pid)
    if st is None or st[2] != starttime:
        return False
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False


# ---------------------------------------------------------------- syslog

class SyslogRecord:
    RE = re.compile(r"^<(\d{1,3})>([A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d) "
                    r"([^\s\[]+)\[(\d+)\]: (.*)$", re.S)

    def __init__(self, raw):
        self.raw = raw
        m = self.RE.match(raw)
        self.rfc3164 = m is not None
        if m:
            pri = int(m.group(1))
            self.pri = pri
            self.facility = pri >> 3
            self.severity = pri & 7
            self.timestamp = m.group(2)
            self.tag = m.group(3)
            self.pid = int(m.group(4))
            self.text = m.group(5).rstrip("\r\n")
        else:
            self.pri = self.facility = self.severity = self.pid = None
            self.timestamp = self.tag = None
            self.text = raw.rstrip("\r\n")

    def __repr__(self):
        return f"SyslogRecord({self.raw!r})"


LOG_FTP = 11
LOG_AUTHPRIV = 10


class SyslogCapture:
    """An AF_UNIX datagram socket standing in for /dev/log; a background
    thread collects every datagram into self.records."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        os.chmod(self.path, 0o666)
        self.sock.settimeout(0.1)
        self.records = []
        self.cond = threading.Condition()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name="syslog-capture")
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            rec = SyslogRecord(data.decode("utf-8", "replace"))
            with self.cond:
                self.records.append(rec)
                self.cond.notify_all()

    def snapshot(self):
        with self.cond:
            return list(self.records)

    def texts(self):
        return [r.text for r in self.snapshot()]

    def mark(self):
        """An index to pass as start= to only see later records."""
        with self.cond:
            return len(self.records)

    def wait(self, regex, timeout=5.0, start=0, pred=None):
        """First record (from index start) whose text matches regex (and
        pred, if given), waiting up to timeout seconds; None otherwise."""
        rx = re.compile(regex)
        deadline = time.monotonic() + timeout
        idx = start
        with self.cond:
            for _ in range(100000):
                while idx < len(self.records):
                    rec = self.records[idx]
                    idx += 1
                    if rx.search(rec.text) and (pred is None or pred(rec)):
                        return rec
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.2))
        return None

    def expect(self, regex, timeout=5.0, start=0, pred=None):
        rec = self.wait(regex, timeout, start, pred)
        if rec is None:
            shown = "\n".join(r.raw for r in self.snapshot()[-40:])
            raise AssertionError(f"no syslog line matching {regex!r} within "
                                 f"{timeout}s; captured:\n{shown}")
        return rec

    def close(self):
        self._stop.set()
        self.thread.join(2.0)
        self.sock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


# ---------------------------------------------------------------- raw control

class Reply:
    def __init__(self, lines):
        self.lines = lines
        self.text = lines[-1]
        self.code = int(self.text[:3])

    def __str__(self):
        return "\n".join(self.lines)

    __repr__ = __str__


IAC, DONT, DO, WONT, WILL = 255, 254, 253, 252, 251


class RawControl:
    """A byte-level control connection: send arbitrary bytes, read replies.
    Telnet commands the server sends are stripped from the reply text and
    kept in self.telnet (a list of (command, option) tuples)."""

    def __init__(self, port, host=LOOPBACK, timeout=IO_TIMEOUT, source=None):
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=source)
        self.sock.settimeout(timeout)
        self.timeout = timeout
        self.buf = bytearray()
        self.telnet = []
        self.eof = False

    @property
    def local_port(self):
        return self.sock.getsockname()[1]

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1") + b"\r\n"
        self.sock.sendall(data)

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        chunk = self.sock.recv(65536)
        if not chunk:
            self.eof = True
            raise EOFError("control connection closed by the server")
        i = 0
        out = bytearray()
        while i < len(chunk):
            b = chunk[i]
            if b == IAC and i + 1 < len(chunk):
                c = chunk[i + 1]
                if c in (WILL, WONT, DO, DONT) and i + 2 < len(chunk):
                    self.telnet.append((c, chunk[i + 2]))
                    i += 3
                    continue
                if c == IAC:
                    out.append(IAC)
                    i += 2
                    continue
                self.telnet.append((c, None))
                i += 2
                continue
            out.append(b)
            i += 1
        self.buf += out

    def read_line(self, timeout=None):
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        for _ in range(100000):
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line = bytes(self.buf[:nl])
                del self.buf[:nl + 1]
                return line.rstrip(b"\r").decode("latin-1")
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no complete reply line in time")
            self._fill(left)
        raise socket.timeout("too many reads")

    def reply(self, timeout=None):
        first = self.read_line(timeout)
        lines = [first]
        if len(first) >= 4 and first[3] == "-":
            code = first[:3]
            for _ in range(10000):
                nxt = self.read_line(timeout)
                lines.append(nxt)
                if nxt[:3] == code and nxt[3:4] == " ":
                    break
        return Reply(lines)

    def cmd(self, line, timeout=None):
        self.send(line)
        return self.reply(timeout)

    def read_until_code(self, prefix, max_replies=20, timeout=None):
        """Read replies until one whose text starts with prefix; returns
        (that reply, list of replies skipped)."""
        skipped = []
        for _ in range(max_replies):
            r = self.reply(timeout)
            if r.text.startswith(prefix):
                return r, skipped
            skipped.append(r)
        raise AssertionError(f"no reply starting {prefix!r}; got {skipped}")

    def closed_by_peer(self, timeout=3.0):
        """True if the server closes the connection within timeout (any
        remaining buffered reply text is discarded)."""
        deadline = time.monotonic() + timeout
        for _ in range(10000):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self._fill(left)
            except EOFError:
                return True
            except ConnectionResetError:
                return True
            except socket.timeout:
                return False
        return False

    def login(self, user, password):
        r = self.cmd(f"USER {user}")
        if r.code == 331:
            r = self.cmd(f"PASS {password}")
        return r

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- data

def recv_all(sock, limit=64 * 1024 * 1024, timeout=IO_TIMEOUT):
    sock.settimeout(timeout)
    chunks = []
    total = 0
    for _ in range(1 << 20):
        b = sock.recv(65536)
        if not b:
            break
        chunks.append(b)
        total += len(b)
        if total > limit:
            raise AssertionError("data connection sent more than expected")
    return b"".join(chunks)


def parse_pasv(text):
    m = PASV_RE.match(text)
    assert m, f"bad PASV reply: {text!r}"
    n = [int(x) for x in m.groups()]
    return "%d.%d.%d.%d" % tuple(n[:4]), n[4] * 256 + n[5]


def ftp_retr(ftp, cmd):
    """Passive transfer of cmd (RETR/LIST/NLST) with ftplib's control
    connection; returns (preliminary reply, data bytes, final reply)."""
    host, port = ftp.makepasv()
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as conn:
        prelim = ftp.sendcmd(cmd)
        assert prelim[:1] == "1", prelim
        data = recv_all(conn)
    final = ftp.getresp()
    return prelim, data, final


def ftp_stor(ftp, cmd, data):
    """Passive upload; returns (preliminary reply, final reply)."""
    host, port = ftp.makepasv()
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as conn:
        prelim = ftp.sendcmd(cmd)
        assert prelim[:1] == "1", prelim
        conn.sendall(data)
    final = ftp.getresp()
    return prelim, final


def retr_bytes(ftp, path):
    buf = bytearray()
    resp = ftp.retrbinary(f"RETR {path}", buf.extend)
    return bytes(buf), resp


def nlst_names(ftp, *args):
    lines = []
    ftp.retrlines(" ".join(("NLST",) + args), lines.append)
    return lines


def list_lines(ftp, *args):
    lines = []
    ftp.retrlines(" ".join(("LIST",) + args), lines.append)
    return lines


def basenames(names):
    return {n.rstrip("/").rsplit("/", 1)[-1] for n in names}


def perm_error(excinfo):
    return str(excinfo.value)


def ftp_connect(port, timeout=IO_TIMEOUT):
    ftp = ftplib.FTP(timeout=timeout)
    ftp.connect(LOOPBACK, port, timeout=timeout)
    return ftp


def random_suffix(n=4):
    return os.urandom(n).hex()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def reserve_port(port):
    """Hold port on the loopback address with SO_REUSEADDR (not listening).

    Used for control port - 1, the source port of active data connections:
    the daemon can still bind it with SO_REUSEADDR, but the kernel no longer
    hands it out as an ephemeral port to some other (parallel) test's
    client socket, which would make the daemon's bind fail.  None if the
    port is busy."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((LOOPBACK, port))
    except OSError:
        s.close()
        return None
    return s


def control_port(attempts=400):
    """(port, guard): a free control port whose port - 1 is reserved with
    reserve_port().  Chosen at random in 10000-19999, outside the kernel's
    ephemeral range (32768-60999), so that a host busy with many client
    connections (a benchmark, a parallel run) cannot crowd it out."""
    for _ in range(attempts):
        port = random.randint(10001, 19999)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((LOOPBACK, port))
            except OSError:
                continue
        guard = reserve_port(port - 1)
        if guard is not None:
            return port, guard
    raise RuntimeError("no usable control port")


def daemon_env(extra=None):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    if "FTPD_ASAN_OPTIONS" in os.environ:
        env["ASAN_OPTIONS"] = os.environ["FTPD_ASAN_OPTIONS"]
    if "FTPD_UBSAN_OPTIONS" in os.environ:
        env["UBSAN_OPTIONS"] = os.environ["FTPD_UBSAN_OPTIONS"]
    if extra:
        env.update(extra)
    return env


# ---------------------------------------------------------------- clients

CLIENT_TIMEOUT = 60


def need_binary(binary):
    """Skip the test when a client program is not installed."""
    if shutil.which(binary) is None:
        pytest.skip(f"{binary} is not installed (tests/deps.sh test "
                    "installs it)")


def run_client(argv, cwd=None, input_text=None, timeout=CLIENT_TIMEOUT):
    """Run a client program with HOME in cwd (its rc files stay there)."""
    return subprocess.run(argv, cwd=cwd, input=input_text,
                          capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, HOME=str(cwd or "/tmp")))


def assert_ran_ok(r):
    assert r.returncode == 0, (f"{r.args!r} exited {r.returncode}\n"
                               f"stdout:\n{r.stdout[-3000:]}\n"
                               f"stderr:\n{r.stderr[-3000:]}")


def same_tree(a, b, contents=False):
    """Names (relative) on which trees a and b differ.  dircmp compares
    files by stat signature; contents=True compares the bytes too."""
    problems = []

    def walk(c, prefix):
        problems.extend(prefix + n for n in c.left_only + c.right_only
                        + c.diff_files + c.funny_files)
        for name, sub in c.subdirs.items():
            walk(sub, prefix + name + "/")
    walk(filecmp.dircmp(a, b), "")
    if contents:
        for root, _, files in os.walk(a):
            for f in files:
                pa = os.path.join(root, f)
                pb = os.path.join(b, os.path.relpath(pa, a))
                if os.path.isfile(pb) and not filecmp.cmp(pa, pb,
                                                          shallow=False):
                    problems.append(os.path.relpath(pa, a))
    return problems


def have_ipv6():
    """Can a socket bind to ::1 here?"""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False
