#!/bin/bash
# tests/bench/run.sh [--quick]: `make bench` / `make bench-quick`.
#
# Runs ftpd (build/normal/ftpd), vsftpd (Debian package) and pure-ftpd
# (Debian package unpacked with dpkg -x; ProFTPD too with
# BENCH_PEERS="vsftpd pure-ftpd proftpd") side by side as standalone
# daemons on 127.0.0.1, with the same anonymous root, the same local user
# and passive ranges of the same size, and drives workloads W1-W8 of issue 6
# against each with tests/bench/loadgen.c, interleaved, the main ones (W1,
# W3, W4, W5, W8) in two rounds.  W8 (FTPS) runs against a second instance
# of each server with TLS on (ftpd, vsftpd, pure-ftpd).  Prints one table (workload x server, ratios of
# ftpd to each peer, round-to-round noise) and writes every raw figure to
# build/bench/results-<date>.txt.  See tests/bench/README.md.
#
# Must run as root on Debian (it installs packages, creates and removes a
# user, sets a few sysctls and restores them).  Everything stays on
# loopback; every loop is bounded; every daemon started here is stopped on
# exit, Ctrl-C or error.
# The Makefile runs "sh run.sh": continue under bash (arrays, [[ ]]).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
B=$top/build/bench
QUICK=0
case "${1:-}" in
--quick) QUICK=1 ;;
"") ;;
*) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
PEERS=${BENCH_PEERS:-"vsftpd pure-ftpd"}
SERVERS="ftpd $PEERS"
FTPD_BIN=${FTPD_BIN:-$top/build/normal/ftpd}
T0=$(date +%s)
STAMP=$(date +%Y%m%d-%H%M%S)
RES=$B/results-$STAMP.txt
LG=$B/loadgen
FLOOR=$B/floor

# Sizes: full (make bench) and quick (make bench-quick).
if [ $QUICK = 1 ]; then
	BIG_MB=256; BIG_N=4; STOR_N=1
	D_LOGIN=3; D_LOGINU=4; D_SMALL=3; D_LIST=2; D_CRYPT=1; D_TLSLOGIN=2
	N_IDLE=200; N_CEIL=1000; HOLD_S=0; T_BIG=60; SETTLE_S=20
else
	BIG_MB=1024; BIG_N=3; STOR_N=2
	D_LOGIN=20; D_LOGINU=15; D_SMALL=20; D_LIST=15; D_CRYPT=5; D_TLSLOGIN=15
	N_IDLE=1000; N_CEIL=10000; HOLD_S=3; T_BIG=300; SETTLE_S=120
fi
C_LOGIN=50; C_SMALL=50; C_LIST=4
BIG=$B/root/big-${BIG_MB}M.bin

# Ports: control 2200-2203, passive ranges of PASV_N ports each from 40000
# up (the black-box tests use 20000-39999); the ephemeral range is moved
# above them for the run.  2,000 ports each: pure-ftpd refuses clients
# beyond half its passive range, and W5 holds 1,000 sessions.
PASV_N=2000
declare -A PORT=([ftpd]=2200 [vsftpd]=2201 [pure-ftpd]=2202 [proftpd]=2203)
# W3's floor servers (tests/bench/floor.c): one and two forks per login.
FLOOR_PORT1=2208; FLOOR_PORT2=2209
declare -A PASV=([ftpd]=40000 [vsftpd]=42000 [pure-ftpd]=44000 [proftpd]=46000)
# W8 (FTPS): a second instance of each server that has one, with TLS on
# (the plain workloads keep running against servers without it), key
# SERVER+tls: control 2204-2206, passive ranges of TPASV_N ports from 19000
# (below the black-box tests' range; W8 holds at most 50 sessions, and
# pure-ftpd wants twice as many ports).  No ProFTPD instance (mod_tls is
# not set up here).
TPASV_N=200
PORT+=([ftpd+tls]=2204 [vsftpd+tls]=2205 [pure-ftpd+tls]=2206)
PASV+=([ftpd+tls]=19000 [vsftpd+tls]=19200 [pure-ftpd+tls]=19400)
TLS_KEYS=
for s in $SERVERS; do
	case $s in ftpd|vsftpd|pure-ftpd) TLS_KEYS="$TLS_KEYS $s+tls" ;; esac
done
TLS=$B/run/tls		# the certificate (tests/tls/make-certs.sh)
declare -A PID=()
declare -A DEAD=()

BUSER=benchuser
BPASS=Bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')

log() { printf '[bench %4ds] %s\n' $(( $(date +%s) - T0 )) "$*"; }
die() { log "ERROR: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: must run as root (it starts FTP daemons that chroot)" >&2
	exit 1
fi
[ -x "$FTPD_BIN" ] || die "$FTPD_BIN missing: run make first"
mkdir -p "$B"/run "$B"/log "$B"/conf "$B"/peers "$B"/pkg

# ------------------------------------------------------------ cleanup

SAVED_SYSCTL=()
FLOOR_PID=()
CREATED=()		# things to undo: user:NAME, file:PATH, mount-dir:PATH
HOLD_PID=

descendants() {		# pids of $1's tree, deepest first
	ps -e -o pid=,ppid= 2>/dev/null | awk -v root="$1" '
	    { kids[$2] = kids[$2] " " $1 }
	    END { n = 0; q[n++] = root
		  for (i = 0; i < n; i++) { m = split(kids[q[i]], k, " ")
		      for (j = 1; j <= m; j++) q[n++] = k[j] }
		  for (i = n - 1; i >= 0; i--) print q[i] }'
}

stop_tree() {		# stop the daemon $1 and every process below it
	local root=$1 p i
	kill -0 "$root" 2>/dev/null || return 0
	kill -TERM "$root" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$root" 2>/dev/null || break
		sleep 0.1
	done
	for p in $(descendants "$root"); do
		kill -KILL "$p" 2>/dev/null
	done
	wait "$root" 2>/dev/null
}

cleanup() {
	local s x i
	trap - EXIT INT TERM HUP
	[ -n "$HOLD_PID" ] && kill -TERM "$HOLD_PID" 2>/dev/null
	for s in "${!PID[@]}"; do
		stop_tree "${PID[$s]}"
	done
	for x in "${FLOOR_PID[@]}"; do
		kill -KILL "$x" 2>/dev/null
	done
	for x in "${SAVED_SYSCTL[@]}"; do
		sysctl -q -w "$x" >/dev/null 2>&1
	done
	for ((i = ${#CREATED[@]} - 1; i >= 0; i--)); do
		x=${CREATED[$i]}
		case $x in
		user:*) userdel "${x#user:}" >/dev/null 2>&1 ;;
		file:*) rm -f "${x#file:}" ;;
		dir:*) rmdir "${x#dir:}" 2>/dev/null ;;
		tree:*) rm -rf "${x#tree:}" ;;
		esac
	done
	rm -f "$B"/home/up-*.bin
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP

set_sysctl() {		# key value: set, remembering the old value
	local old
	old=$(sysctl -n "$1" 2>/dev/null | tr '\t' ' ') || return 0
	[ "$old" = "$2" ] && return 0
	SAVED_SYSCTL+=("$1=$old")
	sysctl -q -w "$1=$2" >/dev/null 2>&1 ||
	    log "warning: cannot set $1=$2 (kept $old)"
}

# ------------------------------------------------------------ install

log "installing what the benchmark needs (apt-get)"
export DEBIAN_FRONTEND=noninteractive
need=
for p in gcc libc6-dev libcrypt-dev libpam0g-dev libssl-dev openssl vsftpd procps passwd \
    util-linux; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $s in *" installed") ;; *) need="$need $p" ;; esac
done
if [ -n "$need" ]; then
	apt-get update -qq >/dev/null 2>&1
	# Do not let the vsftpd package start a system daemon on port 21.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		CREATED+=("file:/usr/sbin/policy-rc.d")
	fi
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null ||
	    die "apt-get install$need failed"
fi

# unpack PKG into build/bench/peers/PKG and install the libraries it links
unpack_peer() {
	local pkg=$1 dir=$B/peers/$1 deb libs l s bin
	bin=$dir/usr/sbin/$2
	if [ ! -x "$bin" ]; then
		(cd "$B/pkg" && rm -f "${pkg}"_*.deb &&
		    apt-get download "$pkg" >/dev/null 2>&1) ||
		    { apt-get update -qq >/dev/null 2>&1;
		      (cd "$B/pkg" && apt-get download "$pkg" >/dev/null 2>&1); } ||
		    die "apt-get download $pkg failed"
		deb=$(ls "$B/pkg/${pkg}"_*.deb | head -n1)
		rm -rf "$dir" && mkdir -p "$dir" && dpkg -x "$deb" "$dir" ||
		    die "dpkg -x $deb failed"
	fi
	if ldd "$bin" | grep -q 'not found'; then
		deb=$(ls "$B/pkg/${pkg}"_*.deb | head -n1)
		libs=
		for l in $(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' |
		    sed 's/(.*//; s/ //g' | grep '^lib'); do
			s=$(dpkg-query -W -f='${Status}' "$l" 2>/dev/null || true)
			case $s in *" installed") ;; *) libs="$libs $l" ;; esac
		done
		log "installing libraries for $pkg:$libs"
		# shellcheck disable=SC2086
		[ -n "$libs" ] && apt-get install -y -qq --no-install-recommends \
		    $libs >/dev/null 2>&1
		ldd "$bin" | grep 'not found' && die "$bin: libraries missing"
	fi
}
for s in $PEERS; do
	case $s in
	vsftpd) ;;
	pure-ftpd) unpack_peer pure-ftpd pure-ftpd ;;
	proftpd) unpack_peer proftpd-core proftpd ;;
	*) die "unknown peer $s in BENCH_PEERS" ;;
	esac
done

log "building loadgen"
cc -O2 -Wall -Wextra -Werror -o "$LG" "$top/tests/bench/loadgen.c" \
    -lpthread -lcrypt -lpam -lssl -lcrypto || die "loadgen does not build"
cc -O2 -Wall -Wextra -Werror -o "$FLOOR" "$top/tests/bench/floor.c" ||
    die "floor does not build"

# ------------------------------------------------------------ system

# Ephemeral ports above the passive ranges; room for W7's processes.
set_sysctl net.ipv4.ip_local_port_range "48000 65535"
set_sysctl net.core.somaxconn 4096
if [ "$(sysctl -n kernel.pid_max)" -lt 131072 ]; then
	set_sysctl kernel.pid_max 131072
fi
NOFILE_HARD=$(ulimit -Hn)
[ "$NOFILE_HARD" = unlimited ] && NOFILE_HARD=1048576
[ "$NOFILE_HARD" -gt 524288 ] && NOFILE_HARD=524288
if [ "$NOFILE_HARD" -lt $((N_CEIL + 200)) ]; then
	log "warning: RLIMIT_NOFILE hard limit $NOFILE_HARD < W7's $N_CEIL sessions"
fi
# ftpd starts as a systemd service would: soft 1024, hard as high as this
# shell may give (systemd: 1024:524288); it must raise its own soft limit
# (issue 6, W7).  The peers get soft = hard, as an administrator would set
# LimitNOFILE for them (pure-ftpd caps its clients at about soft/2).
# Every daemon runs below "loadgen -m reaper", a child subreaper: session
# processes that their parent leaves behind are reaped there, so that their
# CPU time stays in the measured tree.
LIMITS="prlimit --nofile=1024:$NOFILE_HARD -- $LG -m reaper --"
PEER_LIMITS="prlimit --nofile=$NOFILE_HARD:$NOFILE_HARD -- $LG -m reaper --"

# ------------------------------------------------------------ accounts

# The anonymous account is "ftp" for all servers (pure-ftpd knows no other).
if ! id ftp >/dev/null 2>&1; then
	useradd -r -M -d "$B/root" -s /usr/sbin/nologin ftp ||
	    die "useradd ftp failed"
	CREATED+=("user:ftp")
fi
FTPHOME=$(getent passwd ftp | cut -d: -f6)

mkdir -p "$B/home"
if id "$BUSER" >/dev/null 2>&1; then
	userdel "$BUSER" >/dev/null 2>&1
fi
useradd -M -d "$B/home" -s /bin/sh "$BUSER" || die "useradd $BUSER failed"
CREATED+=("user:$BUSER")
echo "$BUSER:$BPASS" | chpasswd || die "chpasswd failed"
chown "$BUSER" "$B/home"
chmod 755 "$B/home"
grep -qx /bin/sh /etc/shells || die "/bin/sh is not in /etc/shells"

# One PAM stack for every server: the Debian defaults, nothing else.
PAMSVC=ftpbench
if [ ! -e /etc/pam.d/$PAMSVC ]; then
	printf '@include common-auth\n@include common-account\n@include common-session\n' \
	    >/etc/pam.d/$PAMSVC
	CREATED+=("file:/etc/pam.d/$PAMSVC")
fi
case " $PEERS " in *" pure-ftpd "*)
	if [ ! -e /etc/pam.d/pure-ftpd ]; then
		cp /etc/pam.d/$PAMSVC /etc/pam.d/pure-ftpd
		CREATED+=("file:/etc/pam.d/pure-ftpd")
	fi ;;
esac

# ------------------------------------------------------------ the tree

log "preparing the anonymous root $B/root"
mkdir -p "$B/root/d10k" "$B/empty"
chown root:root "$B/root" "$B/empty"
chmod 755 "$B/root" "$B/empty"
[ "$(stat -c %s "$B/root/small.bin" 2>/dev/null)" = 4096 ] ||
    head -c 4096 /dev/urandom >"$B/root/small.bin"
if [ "$(stat -c %s "$BIG" 2>/dev/null)" != $((BIG_MB * 1048576)) ]; then
	log "creating $BIG ($BIG_MB MiB)"
	head -c $((BIG_MB * 1048576)) /dev/urandom >"$BIG.tmp" && mv "$BIG.tmp" "$BIG"
fi
if [ "$(find "$B/root/d10k" -type f | wc -l)" != 10000 ]; then
	log "creating the 10,000-file directory"
	(cd "$B/root/d10k" && seq -f 'file%05g.txt' 0 9999 | xargs touch)
fi
chmod 644 "$B/root/small.bin" "$BIG"
: >"$B/conf/ftpusers"		# ftpd's confdir: nobody denied

# W8's throwaway CA and server certificate (EC P-256), made for this run
# and removed at the end; loadgen verifies the servers against the CA.
if [ -n "$TLS_KEYS" ]; then
	rm -rf "$TLS"
	CREATED+=("tree:$TLS")
	sh "$top/tests/tls/make-certs.sh" "$TLS" >"$B/log/make-certs.log" 2>&1 ||
	    die "tests/tls/make-certs.sh failed (see $B/log/make-certs.log)"
fi

# ------------------------------------------------------------ servers

wait_listen() {		# port pid: until something listens, bounded
	local i
	for i in $(seq 1 100); do
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

pasv_n() {		# key: size of its passive range
	case $1 in *+tls) echo $TPASV_N ;; *) echo $PASV_N ;; esac
}

# start_SERVER KEY: KEY is the server's name, or SERVER+tls for its W8
# instance (the same configuration, with TLS on).
start_ftpd() {
	local k=${1:-ftpd} tls=()
	[ "$k" = ftpd+tls ] &&
	    tls=(-X tls_cert="$TLS/chain.pem" -X tls_key="$TLS/server.key")
	$LIMITS "$FTPD_BIN" -F -a 127.0.0.1 -P "${PORT[$k]}" \
	    -p "$B/run/$k.pid" -W -c "$B/conf" -t 900 \
	    -X anon_user=ftp -X anon_root="$B/root" -X empty_dir="$B/empty" \
	    -X pasv_ports="${PASV[$k]}-$((PASV[$k] + $(pasv_n "$k") - 1))" \
	    -X pam_service=$PAMSVC -X syslog_socket=/dev/null "${tls[@]}" \
	    >"$B/log/$k.log" 2>&1 &
	PID[$k]=$!
}

start_vsftpd() {
	local k=${1:-vsftpd} ssl="ssl_enable=NO"
	# FTPS: require_ssl_reuse=YES (data connections must resume the
	# control session) is vsftpd's default, as tlsreuse is ftpd's.
	[ "$k" = vsftpd+tls ] && ssl="ssl_enable=YES
rsa_cert_file=$TLS/chain.pem
rsa_private_key_file=$TLS/server.key
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
force_local_logins_ssl=NO
force_local_data_ssl=NO"
	cat >"$B/conf/$k.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=${PORT[$k]}
background=NO
anonymous_enable=YES
no_anon_password=NO
anon_root=$B/root
ftp_username=ftp
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=NO
pasv_enable=YES
pasv_min_port=${PASV[$k]}
pasv_max_port=$((PASV[$k] + $(pasv_n "$k") - 1))
max_clients=20000
max_per_ip=20000
idle_session_timeout=900
pam_service_name=$PAMSVC
secure_chroot_dir=$B/empty
xferlog_enable=NO
syslog_enable=NO
dual_log_enable=NO
vsftpd_log_file=$B/log/$k.xfer.log
dirmessage_enable=NO
use_localtime=NO
connect_from_port_20=NO
$ssl
EOF
	# vsftpd writes its "500 OOPS" start-up errors to fd 0.
	$PEER_LIMITS /usr/sbin/vsftpd "$B/conf/$k.conf" 0<>"$B/log/$k.log" \
	    >>"$B/log/$k.log" 2>&1 &
	PID[$k]=$!
}

start_pure_ftpd() {
	local k=${1:-pure-ftpd}
	local bin=$B/peers/pure-ftpd/usr/sbin/pure-ftpd
	local args="-S 127.0.0.1,${PORT[$k]} -4 -H -f none"
	args="$args -p ${PASV[$k]}:$((PASV[$k] + $(pasv_n "$k") - 1))"
	args="$args -c 20000 -C 20000 -I 15 -l pam -u 1000"
	# FTPS: -Y 1 accepts both; pure-ftpd does not resume sessions on
	# data connections (its figures count full data handshakes).
	[ "$k" = pure-ftpd+tls ] &&
	    args="$args -Y 1 -2 $TLS/chain.pem,$TLS/server.key"
	# pure-ftpd serves ~ftp: give it the common root in a private mount
	# namespace when the ftp account's home is elsewhere.
	if [ "$FTPHOME" = "$B/root" ]; then
		# shellcheck disable=SC2086
		$PEER_LIMITS "$bin" $args >"$B/log/$k.log" 2>&1 &
	else
		[ -d "$FTPHOME" ] || { mkdir -p "$FTPHOME"; CREATED+=("dir:$FTPHOME"); }
		$PEER_LIMITS unshare -m --propagation private sh -c \
		    "mount --bind '$B/root' '$FTPHOME' && exec '$bin' $args" \
		    >"$B/log/$k.log" 2>&1 &
	fi
	PID[$k]=$!
}

start_proftpd() {
	local dir=$B/peers/proftpd-core
	cat >"$B/conf/proftpd.conf" <<EOF
ServerName "bench"
ServerType standalone
DefaultAddress 127.0.0.1
Port ${PORT[proftpd]}
SocketBindTight on
UseIPv6 off
MaxInstances 20000
MaxClients none
MaxClientsPerHost none
MaxConnectionsPerHost none
PassivePorts ${PASV[proftpd]} $((PASV[proftpd] + PASV_N - 1))
UseReverseDNS off
WtmpLog off
# mod_delay pads every login to hide timing; the others have no such thing
DelayEngine off
TimeoutIdle 900
User nobody
Group nogroup
Umask 022
AllowOverwrite on
ScoreboardFile $B/run/proftpd.scoreboard
PidFile $B/run/proftpd.pid
ModulePath $dir/usr/lib/proftpd
AuthPAM on
AuthPAMConfig $PAMSVC
AuthOrder mod_auth_pam.c* mod_auth_unix.c
RequireValidShell on
SyslogLevel emerg
TransferLog none
<Anonymous $B/root>
  User ftp
  Group nogroup
  UserAlias anonymous ftp
  RequireValidShell off
  <Limit WRITE>
    DenyAll
  </Limit>
</Anonymous>
EOF
	$PEER_LIMITS "$dir/usr/sbin/proftpd" -n -q -c "$B/conf/proftpd.conf" \
	    >"$B/log/proftpd.log" 2>&1 &
	PID[proftpd]=$!
}

for s in $SERVERS $TLS_KEYS; do
	log "starting $s on 127.0.0.1:${PORT[$s]}"
	case $s in
	ftpd|ftpd+tls) start_ftpd "$s" ;;
	vsftpd|vsftpd+tls) start_vsftpd "$s" ;;
	pure-ftpd|pure-ftpd+tls) start_pure_ftpd "$s" ;;
	proftpd) start_proftpd ;;
	esac
	if ! wait_listen "${PORT[$s]}" "${PID[$s]}"; then
		[ "$s" = ftpd ] && die "ftpd did not start (see $B/log/ftpd.log)"
		log "!! $s did not start, left out (see $B/log/$s.log)"
		stop_tree "${PID[$s]}"
		DEAD[$s]=1
	fi
done

# W3's floor: what a fork-per-login server that does nothing else reaches
# on this machine, with one process per login and with two (privilege
# separated, as ftpd, vsftpd and pure-ftpd are).
NOBODY_UID=$(id -u nobody)
for m in 1 2; do
	fp=FLOOR_PORT$m
	"$FLOOR" -p "${!fp}" -e "$B/empty" -r "$B/root" -n "$NOBODY_UID" \
	    -u "$(id -u ftp)" -g "$(id -g ftp)" -m $m >"$B/log/floor$m.log" 2>&1 &
	FLOOR_PID+=($!)
	wait_listen "${!fp}" $! || die "floor -m $m did not start (see $B/log/floor$m.log)"
done

# ------------------------------------------------------------ running

{
	echo "# ftpd benchmark $STAMP mode=$([ $QUICK = 1 ] && echo quick || echo full)"
	echo "# host: $(uname -srm); cpus=$(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); mem=$(awk '/MemTotal/ {print $2}' /proc/meminfo)kB"
	echo "# ftpd: $FTPD_BIN ($(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
	echo "# vsftpd: $(dpkg-query -W -f='${Version}' vsftpd 2>/dev/null)"
	for s in $PEERS; do
		case $s in
		pure-ftpd) echo "# pure-ftpd: $(ls "$B"/pkg/pure-ftpd_*.deb | sed 's/.*_\(.*\)_.*/\1/')" ;;
		proftpd) echo "# proftpd: $(ls "$B"/pkg/proftpd-core_*.deb | sed 's/.*_\(.*\)_.*/\1/')" ;;
		esac
	done
	echo "# sizes: big=${BIG_MB}MiB x$BIG_N login=${D_LOGIN}s/${C_LOGIN}c small=${D_SMALL}s/${C_SMALL}c list=${D_LIST}s/${C_LIST}c idle=$N_IDLE ceiling=$N_CEIL tls_login=${D_TLSLOGIN}s/${C_LOGIN}c"
	echo "# tls: instances:${TLS_KEYS:- none}; certificate EC P-256 (tests/tls/make-certs.sh); client $(openssl version 2>/dev/null | cut -d' ' -f1-2), verifying against the CA"
} >"$RES"

alive() {		# server: still running?
	if [ -n "${DEAD[$1]:-}" ]; then return 1; fi
	if ! kill -0 "${PID[$1]}" 2>/dev/null; then
		DEAD[$1]=1
		log "!! $1 (pid ${PID[$1]}) is gone; see $B/log/$1.log"
		echo "round=- server=$1 workload=- status=died" >>"$RES"
		return 1
	fi
	return 0
}

settle() {		# server: wait until its session processes are gone and
			# the kernel has freed what they held (bounded)
	local base=1 n= n0= i k0 k1
	for i in $(seq 1 600); do
		n=$("$LG" -m tree -k "${PID[$1]}" 2>/dev/null |
		    sed -n 's/.* procs=\([0-9]*\).*/\1/p')
		[ -z "$n" ] && return
		[ -z "$n0" ] && n0=$n
		[ "$n" -le $((base + 2)) ] && break
		sleep 0.2
	done
	[ "$n" -le $((base + 2)) ] ||
	    log "warning: $1 still has $n processes after 120 s"
	# Unreclaimable slab, kernel stacks and page tables shrink for a while
	# after a mass exit (vsftpd's per-session network namespaces are torn
	# down in batches, seconds later): wait until they are back within
	# 16 MiB of the level before the workload ($2), or, without it, until
	# they move by less than 4 MiB in a second.
	[ "$n0" -gt 200 ] || [ -n "${2:-}" ] || return 0
	k0=$(kern_kb)
	for i in $(seq 1 "$SETTLE_S"); do
		sleep 1
		k1=$(kern_kb)
		if [ -n "${2:-}" ]; then
			[ "$k1" -le $(($2 + 16384)) ] && return
		else
			[ $((k0 - k1)) -lt 4096 ] && return
		fi
		k0=$k1
	done
	log "warning: kernel memory still $(( (k1 - ${2:-$k1}) / 1024 )) MiB above its level before $1's workload"
}

kern_kb() { awk '/^(SUnreclaim|KernelStack|PageTables):/ { t += $2 } END { print t }' /proc/meminfo; }

# lg ROUND SERVER WORKLOAD loadgen-args...: run, record, print a summary
# (SERVER+tls: against the server's W8 instance, recorded as SERVER)
lg() {
	local r=$1 s=$2 w=$3 out who=anon
	shift 3
	[ -n "${PID[$s]:-}" ] || return 0
	alive "$s" || return 0
	case " $* " in *" -u $BUSER "*) who=local_user ;; esac
	if [ -n "${NOLOGIN[$s:$who]:-}" ]; then
		echo "round=$r server=${s%+tls} workload=$w status=skipped reason=${who}_login_fails" >>"$RES"
		printf '    %-9s %-4s r%s skipped (%s login fails)\n' "${s%+tls}" "$w" "$r" "$who"
		return 0
	fi
	out=$("$LG" -l "$s/$w/$r" -k "${PID[$s]}" "$@" 2>>"$B/log/loadgen.err" |
	    tail -n1)
	[ -n "$out" ] || out="loadgen status=failed"
	echo "round=$r server=${s%+tls} workload=$w $out" >>"$RES"
	printf '    %-9s %-4s r%s %s\n' "${s%+tls}" "$w" "$r" "$(summary "$w" "$out")"
	alive "$s" >/dev/null || true
}

kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }

summary() {
	local w=$1 l=$2
	case $w in
	W1|W2) echo "$(kv mb_s "$l") MB/s, srv_cpu $(kv srv_cpu_s "$l") s, errors $(kv errors "$l")" ;;
	W8) echo "$(kv mb_s "$l") MB/s, srv_cpu $(kv srv_cpu_s "$l") s, cli_cpu $(kv cli_cpu_s "$l") s, $(kv tls_cipher "$l"), resumed $(kv tls_data_resumed "$l")/$(( $(kv tls_data_resumed "$l") + $(kv tls_data_full "$l") )), errors $(kv errors "$l") ($(kv last_err "$l"))" ;;
	W3|W3u) echo "$(kv ops_s "$l") logins/s, p99 $(kv p99_ms "$l") ms, errors $(kv errors "$l")" ;;
	W8l) echo "$(kv ops_s "$l") logins/s, p99 $(kv p99_ms "$l") ms, srv_cpu $(kv srv_cpu_s "$l") s, cli_cpu $(kv cli_cpu_s "$l") s, errors $(kv errors "$l") ($(kv last_err "$l"))" ;;
	W4) echo "$(kv ops_s "$l") RETR/s, p99 $(kv p99_ms "$l") ms, errors $(kv errors "$l") ($(kv last_err "$l"))" ;;
	W6) echo "$(kv ops_s "$l") LIST/s, p99 $(kv p99_ms "$l") ms, errors $(kv errors "$l")" ;;
	*) echo "$l" | cut -c1-150 ;;
	esac
}

# hold ROUND SERVER WORKLOAD N: open N sessions, measure, release
hold() {
	local r=$1 s=$2 w=$3 n=$4 out f=$B/run/hold.out k
	alive "$s" || return 0
	if [ -n "${NOLOGIN[$s:anon]:-}" ]; then
		echo "round=$r server=$s workload=$w status=skipped reason=anon_login_fails" >>"$RES"
		printf '    %-9s %-4s r%s skipped (anonymous login fails)\n' "$s" "$w" "$r"
		return 0
	fi
	: >"$f"
	k=$(kern_kb)
	"$LG" -m hold -l "$s/$w/$r" -k "${PID[$s]}" -p "${PORT[$s]}" \
	    -c "$n" -j 2 -i 8 -t 60 -d "$HOLD_S" -T 600 \
	    >"$f" 2>>"$B/log/loadgen.err" &
	HOLD_PID=$!
	wait "$HOLD_PID"
	HOLD_PID=
	while read -r out; do
		echo "round=$r server=$s workload=$w $out" >>"$RES"
	done <"$f"
	out=$(grep 'phase=ramp' "$f")
	if [ -n "$out" ]; then
		printf '    %-9s %-4s r%s %s of %s sessions in %s s, %s -> %s procs, PSS %s -> %s kB, kernel %s -> %s kB\n' \
		    "$s" "$w" "$r" "$(kv ok "$out")" "$n" "$(kv ramp_s "$out")" \
		    "$(kv before_procs "$out")" "$(kv after_procs "$out")" \
		    "$(kv before_pss_kb "$out")" "$(kv after_pss_kb "$out")" \
		    "$(kv before_kern_kb "$out")" "$(kv after_kern_kb "$out")"
	else
		printf '    %-9s %-4s r%s hold failed\n' "$s" "$w" "$r"
	fi
	settle "$s" "$k"
}

anon="-u anonymous -w bench@example.org"
local_user="-u $BUSER -w $BPASS"
# W8: explicit FTPS (AUTH TLS, PBSZ 0, PROT P, data connections resuming
# the control connection's session), the certificate verified
ftps="-e -A $TLS/ca.pem"

# Smoke: one anonymous and one local login per server; a server whose login
# of one kind fails skips the workloads that need it.
declare -A NOLOGIN=()
for s in $SERVERS $TLS_KEYS; do
	alive "$s" || continue
	for who in anon local_user; do
		tls=
		case $s in *+tls) [ $who = anon ] || continue; tls=$ftps ;; esac
		# shellcheck disable=SC2086
		out=$("$LG" -m login -p "${PORT[$s]}" ${!who} $tls -c 1 -n 1 -t 5 -T 10 2>&1 | tail -n1)
		case $out in *" ops=1 "*) ;;
		*) log "!! $s: $who login fails, skipping its $who workloads: $(echo "$out" | grep -o 'last_err=.*')"
		   NOLOGIN[$s:$who]=1
		   echo "round=0 server=$s workload=smoke-$who $out" >>"$RES" ;;
		esac
	done
done

order() {		# round: servers in the round's order (reversed in round 2)
	if [ "$1" = 2 ]; then echo "$SERVERS" | tr ' ' '\n' | tac | tr '\n' ' '
	else echo "$SERVERS"; fi
}

ceiling() {		# round a|b: one loopback stream fed by sendfile
	local out
	out=$("$LG" -m ceiling -F "$BIG" -n "$BIG_N" -l "ceiling/$1$2")
	echo "round=$1 server=- workload=W1c$2 $out" >>"$RES"
	printf '    %-9s %-4s r%s %s MB/s\n' loopback "W1c$2" "$1" "$(kv mb_s "$out")"
}

tls_reference() {	# round: one loopback TLS stream from a minimal
			# user-space TLS sender (pread + SSL_write), received
			# like W8: what TLS without kernel TLS costs at least
	local out
	out=$("$LG" -m ceiling -e -A "$TLS/ca.pem" -C "$TLS/chain.pem" \
	    -K "$TLS/server.key" -F "$BIG" -n "$BIG_N" -l "tls-ref/$1")
	echo "round=$1 server=- workload=W8r $out" >>"$RES"
	printf '    %-9s %-4s r%s %s MB/s (%s, sender CPU %s s)\n' loopback W8r "$1" \
	    "$(kv mb_s "$out")" "$(kv tls_cipher "$out")" "$(kv send_cpu_s "$out")"
}

run_round() {
	local r=$1 s
	local sv; sv=$(order "$r")
	log "round $r: reference figures (ceiling, crypt$([ "$r" = 1 ] && echo ', kernel baseline'))"
	cat "$BIG" >/dev/null
	ceiling "$r" a
	out=$("$LG" -m crypt -u "$BUSER" -w "$BPASS" -j "$(nproc)" -d "$D_CRYPT" -l "crypt/$r")
	echo "round=$r server=- workload=W3c $out" >>"$RES"
	printf '    %-9s %-4s r%s %s crypt/s (%s ms each, %s)\n' crypt W3c "$r" \
	    "$(kv ops_s "$out")" "$(kv ms_per_op "$out")" "$(kv hash_id "$out")"
	if [ "$r" = 1 ]; then
		# Measured once, in the quiet state before any workload.
		out=$("$LG" -m sink -c "$N_IDLE" -l "sink/$r")
		echo "round=$r server=- workload=W5k $out" >>"$RES"
		printf '    %-9s %-4s r%s %s kB kernel per loopback TCP connection pair\n' \
		    sink W5k "$r" "$(kv kern_kb_per_pair "$out")"
	fi

	log "round $r: W5 hold $N_IDLE idle logged-in sessions"
	for s in $sv; do
		hold "$r" "$s" W5 "$N_IDLE"
	done
	if [ "$r" = 1 ]; then
		log "round $r: W7 open $N_CEIL concurrent logged-in sessions"
		for s in $sv; do
			hold "$r" "$s" W7 "$N_CEIL"
		done
	fi
	log "round $r: W1 RETR ${BIG_MB} MiB x$BIG_N, one client"
	for s in $sv; do
		# The ceiling right before each server's run: loopback
		# throughput here moves by tens of percent within a minute.
		ceiling "$r" "-$s"
		lg "$r" "$s" W1 -m big -p "${PORT[$s]}" $anon -f "/$(basename "$BIG")" \
		    -s $((BIG_MB * 1048576)) -n "$BIG_N" -t 30 -T "$T_BIG"
	done
	ceiling "$r" b
	if [ -n "$TLS_KEYS" ]; then
		log "round $r: W8 RETR ${BIG_MB} MiB x$BIG_N over PROT P (FTPS), one client"
		tls_reference "$r"
		for s in $sv; do
			lg "$r" "$s+tls" W8 -m big -p "${PORT[$s+tls]}" $anon $ftps \
			    -f "/$(basename "$BIG")" -s $((BIG_MB * 1048576)) \
			    -n "$BIG_N" -t 30 -T "$T_BIG"
		done
	fi
	if [ "$r" = 1 ]; then
		log "round $r: W2 STOR ${BIG_MB} MiB, one client, local user"
		for s in $sv; do
			lg "$r" "$s" W2 -m stor -p "${PORT[$s]}" $local_user -F "$BIG" \
			    -o "up-$s.bin" -n "$STOR_N" -t 60 -T "$T_BIG"
			rm -f "$B"/home/up-*.bin
		done
		log "round $r: W6 LIST of 10,000 files, $C_LIST clients, ${D_LIST} s"
		for s in $sv; do
			lg "$r" "$s" W6 -m list -p "${PORT[$s]}" $anon -f /d10k \
			    -c "$C_LIST" -d "$D_LIST" -t 30
		done
	fi
	log "round $r: W3 anonymous login loop, $C_LOGIN clients, ${D_LOGIN} s"
	for s in $sv; do
		lg "$r" "$s" W3 -m login -p "${PORT[$s]}" $anon -c "$C_LOGIN" \
		    -d "$D_LOGIN" -t 10
		settle "$s"
	done
	for m in 1 2; do
		fp=FLOOR_PORT$m
		out=$("$LG" -m login -p "${!fp}" $anon -c "$C_LOGIN" \
		    -d "$D_LOGIN" -t 10 -l "floor$m/$r")
		echo "round=$r server=- workload=W3f$m $out" >>"$RES"
		printf '    %-9s %-4s r%s %s logins/s\n' "floor -m $m" "W3f$m" "$r" \
		    "$(kv ops_s "$out")"
	done
	if [ "$r" = 1 ] && [ -n "$TLS_KEYS" ]; then
		# Two client threads: a TLS client's handshake costs about
		# half the server's CPU (see the README).
		log "round $r: W8l anonymous FTPS (AUTH TLS) login loop, $C_LOGIN clients, ${D_TLSLOGIN} s"
		for s in $sv; do
			[ -n "${PID[$s+tls]:-}" ] || continue
			lg "$r" "$s+tls" W8l -m login -p "${PORT[$s+tls]}" $anon \
			    $ftps -c "$C_LOGIN" -j 2 -d "$D_TLSLOGIN" -t 10
			settle "$s+tls"
		done
	fi
	if [ "$r" = 1 ]; then
		# The PAM stack alone: the most any server using it can do.
		out=$("$LG" -m pam -u "$BUSER" -w "$BPASS" -S "$PAMSVC" \
		    -j "$(nproc)" -d "$D_CRYPT" -l "pam/$r")
		echo "round=$r server=- workload=W3p $out" >>"$RES"
		printf '    %-9s %-4s r%s %s checks/s (%s ms each)\n' pam W3p "$r" \
		    "$(kv ops_s "$out")" "$(kv ms_per_op "$out")"
		log "round $r: W3u local-user (PAM) login loop, $C_LOGIN clients, ${D_LOGINU} s"
		for s in $sv; do
			lg "$r" "$s" W3u -m login -p "${PORT[$s]}" $local_user \
			    -c "$C_LOGIN" -d "$D_LOGINU" -t 20
			settle "$s"
		done
	fi
	log "round $r: W4 RETR 4 KiB loop, $C_SMALL clients, ${D_SMALL} s"
	for s in $sv; do
		lg "$r" "$s" W4 -m retr -p "${PORT[$s]}" $anon -f /small.bin -s 4096 \
		    -c "$C_SMALL" -d "$D_SMALL" -t 10
		settle "$s"
	done
}

tw_drain() {		# full mode: let round 1's TIME_WAIT sockets expire
	local i n
	[ $QUICK = 1 ] && return
	for i in $(seq 1 70); do
		n=$(ss -Htan state time-wait 2>/dev/null | wc -l)
		[ "$n" -lt 500 ] && return
		[ "$i" = 1 ] && log "waiting for $n TIME_WAIT sockets to expire (at most 70 s)"
		sleep 1
	done
}

run_round 1
tw_drain
run_round 2

# ------------------------------------------------------------ report

for s in $SERVERS $TLS_KEYS; do
	alive "$s" >/dev/null
	n=$("$LG" -m tree -k "${PID[$s]}" 2>/dev/null | sed -n 's/.* pss_kb=\([0-9]*\).*/\1/p')
	echo "round=end server=$s workload=idle pss_kb=${n:-?}" >>"$RES"
done

log "results: $RES"
echo
awk -v servers="$SERVERS" -f "$top/tests/bench/table.awk" "$RES" | tee -a "$RES.table"
echo
log "done in $(( $(date +%s) - T0 )) s"
