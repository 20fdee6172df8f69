"""Helpers for the FTPS black-box tests (test_ftps.py): a throwaway CA made
with tests/tls/make-certs.sh, client SSL contexts that trust it, ftplib
FTP_TLS subclasses (one that resumes the control connection's TLS session
on data connections, as RFC 4217 servers may require, and one for implicit
FTPS), and small TLS helpers for raw sockets.

Everything is bounded: sockets have timeouts, subprocesses have timeouts.
"""

import ftplib
import hashlib
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

from bbutil import IO_TIMEOUT, LOOPBACK, need_binary

REPO_ROOT = Path(__file__).resolve().parents[2]
MAKE_CERTS = REPO_ROOT / "tests" / "tls" / "make-certs.sh"


class Certs:
    """The files make-certs.sh writes into one directory."""

    def __init__(self, d):
        self.dir = Path(d)
        self.ca = self.dir / "ca.pem"
        self.cert = self.dir / "server.pem"
        self.key = self.dir / "server.key"
        self.chain = self.dir / "chain.pem"

    def settings(self):
        """The -X keys that turn FTPS on with this certificate."""
        return {"tls_cert": str(self.chain), "tls_key": str(self.key)}

    def leaf_der(self):
        return ssl.PEM_cert_to_DER_cert(self.cert.read_text())

    def __repr__(self):
        return f"Certs({self.dir})"


def make_certs(d):
    """Run tests/tls/make-certs.sh d; return a Certs."""
    need_binary("openssl")
    r = subprocess.run(["sh", str(MAKE_CERTS), str(d)], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        pytest.fail(f"make-certs.sh {d} failed ({r.returncode}):\n"
                    f"{r.stdout}\n{r.stderr}")
    return Certs(d)


def client_context(certs, alpn=None, check_hostname=True, strict_eof=True):
    """A client context that trusts only the test CA and checks the name
    (the server certificate has the SANs localhost, 127.0.0.1 and ::1).
    strict_eof: clear OP_IGNORE_UNEXPECTED_EOF (Python sets it by default
    with OpenSSL 3), so that a server ending a connection without
    close_notify is an error (with suppress_ragged_eofs=False)."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH,
                                     cafile=str(certs.ca))
    ctx.check_hostname = check_hostname
    ctx.verify_mode = ssl.CERT_REQUIRED
    if strict_eof:
        ctx.options &= ~getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
    if alpn is not None:
        ctx.set_alpn_protocols(alpn)
    return ctx


class ReusingFTP_TLS(ftplib.FTP_TLS):
    """FTP_TLS whose data connections resume the control connection's TLS
    session (stock Python 3.11 ntransfercmd does not pass session=)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        # (TLS version, session_reused, cipher name) per data connection
        self.data_log = []

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            try:
                # suppress_ragged_eofs=False: an end of data without the
                # server's close_notify raises instead of looking complete.
                conn = self.context.wrap_socket(
                    conn, server_hostname=self.host,
                    session=self.sock.session, suppress_ragged_eofs=False)
            except BaseException:
                conn.close()
                raise
            self.data_log.append((conn.version(), conn.session_reused,
                                  conn.cipher()[0]))
        return conn, size


class ImplicitFTP_TLS(ReusingFTP_TLS):
    """Implicit FTPS: TLS on the control connection before the banner is
    read (the usual recipe); data connections resume its session."""

    def connect(self, host="", port=0, timeout=-999, source_address=None):
        if host:
            self.host = host
        if port > 0:
            self.port = port
        if timeout != -999:
            self.timeout = timeout
        if source_address is not None:
            self.source_address = source_address
        sock = socket.create_connection((self.host, self.port), self.timeout,
                                        source_address=self.source_address)
        self.af = sock.family
        self.sock = self.context.wrap_socket(sock, server_hostname=self.host)
        self.file = self.sock.makefile("r", encoding=self.encoding)
        self.welcome = self.getresp()
        return self.welcome


def ftps_connect(port, certs, host=LOOPBACK, cls=ReusingFTP_TLS,
                 timeout=IO_TIMEOUT, context=None):
    """An FTP_TLS (class cls) connected to host:port with the banner read;
    AUTH not sent yet."""
    ftp = cls(context=context or client_context(certs), timeout=timeout)
    ftp.connect(host, port, timeout=timeout)
    return ftp


def retr(ftp, path):
    buf = bytearray()
    resp = ftp.retrbinary(f"RETR {path}", buf.extend)
    return bytes(buf), resp


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def wrap_client(sock, certs, host=LOOPBACK, alpn=None, session=None,
                server_hostname=None):
    """Client TLS over an already connected socket (raw control after 234,
    or a data socket).  server_hostname defaults to host (sent as SNI only
    when it is a name, never for an IP address)."""
    ctx = client_context(certs, alpn=alpn)
    sock.settimeout(IO_TIMEOUT)
    return ctx.wrap_socket(sock, server_hostname=server_hostname or host,
                           session=session, suppress_ragged_eofs=False)


def peer_der(port, certs=None, host=LOOPBACK, explicit=True):
    """The DER of the certificate the server presents on a new connection
    (not verified: the caller compares it)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as s:
        s.settimeout(IO_TIMEOUT)
        if explicit:
            f = s.makefile("rb")
            line = f.readline()
            assert line.startswith(b"220"), line
            s.sendall(b"AUTH TLS\r\n")
            line = f.readline()
            assert line.startswith(b"234"), line
            f.close()
        with ctx.wrap_socket(s, server_hostname=host) as t:
            return t.getpeercert(binary_form=True)


class TLSLines:
    """Line-oriented FTP control reader/writer over an SSLSocket (the raw
    control connection after AUTH TLS, or an implicit one)."""

    def __init__(self, tsock):
        self.sock = tsock
        self.buf = bytearray()

    def send(self, line):
        self.sock.sendall(line.encode("latin-1") + b"\r\n")

    def read_line(self):
        for _ in range(100000):
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line = bytes(self.buf[:nl])
                del self.buf[:nl + 1]
                return line.rstrip(b"\r").decode("latin-1")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("control connection closed by the server")
            self.buf += chunk
        raise AssertionError("too many reads")

    def reply(self):
        first = self.read_line()
        lines = [first]
        if len(first) >= 4 and first[3] == "-":
            for _ in range(10000):
                nxt = self.read_line()
                lines.append(nxt)
                if nxt[:3] == first[:3] and nxt[3:4] == " ":
                    break
        return lines[-1], lines

    def cmd(self, line):
        self.send(line)
        return self.reply()[0]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
