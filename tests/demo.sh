#!/bin/sh
# make run: serve a demo tree anonymously on 127.0.0.1:2121, in the
# foreground, as the handbook's anonymous FTP site would be laid out.
set -e
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
demo=$top/build/demo
if [ "$(id -u)" != 0 ]; then
	echo "make run: ftpd must start as root (it chroots and drops privileges)" >&2
	exit 1
fi
mkdir -p "$demo/pub"
[ -f "$demo/pub/README" ] || cat > "$demo/pub/README" <<'TXT'
This is the ftpd demo site (make run).  Try:
  ftp -P 2121 127.0.0.1        (user "anonymous", any password)
  curl ftp://127.0.0.1:2121/pub/README
TXT
head -c 1048576 /dev/urandom > "$demo/pub/1MiB.bin"
chown -R root:root "$demo"
rm -f "$demo/ftpd.pid"	# where earlier versions kept it, in view
chmod 555 "$demo" "$demo/pub"
chmod 444 "$demo/pub/README" "$demo/pub/1MiB.bin"
# The anonymous account: "ftp" as on BSD if it exists, else "nobody".
anon=ftp
id ftp >/dev/null 2>&1 || anon=nobody
port=${DEMO_PORT:-2121}	# the tests use another
echo "ftpd: serving $demo anonymously on ftp://127.0.0.1:$port/ (Ctrl-C stops)"
exec "$bin" -F -a 127.0.0.1 -P "$port" -p "$top/build/demo-$port.pid" -l \
    -X anon_user=$anon -X anon_root="$demo" -X syslog_socket=/dev/null
