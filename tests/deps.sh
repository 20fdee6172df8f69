#!/bin/sh
# Install what the build ("build") or the tests ("test") need, with apt-get,
# when it is missing.  Only Debian/Ubuntu is automated; elsewhere it names
# what is missing and stops.
set -e
what=${1:-build}
build_pkgs="gcc make libc6-dev libpam0g-dev libcrypt-dev libssl-dev"
test_pkgs="$build_pkgs clang libclang-rt-14-dev python3 python3-pytest curl lftp wget tnftp mandoc procps passwd iproute2 openssl"
case $what in
build) pkgs=$build_pkgs ;;
test) pkgs=$test_pkgs ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
missing=
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $pkgs; do
		s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case $s in *" installed") ;; *) missing="$missing $p" ;; esac
	done
else
	echo "deps.sh: not a Debian system; make sure these are installed: $pkgs" >&2
	exit 0
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
