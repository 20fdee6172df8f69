#!/bin/sh
# make check's test run: unit tests and the black-box suite on the plain
# build and on the ASan+UBSan build, the fuzz smoke run, the clang build,
# and the man page lint.  Ends with one line "N passed, N failed".
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=build/check
mkdir -p $out
passed=0
failed=0
skipped=0
add() {	# add PASSED FAILED [SKIPPED]
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + ${3:-0}))
}
section() { printf '\n== %s\n' "$*"; }

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1:print_stacktrace=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

for b in normal asan; do
	section "unit tests ($b)"
	for t in build/$b/tests/test_*; do
		[ -x "$t" ] || continue
		line=$("$t" 2>$out/unit-$b.err | tail -n 1)
		rc=$?
		echo "$line"
		p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed/\1/p')
		f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed/\2/p')
		if [ -z "$p" ]; then
			echo "$t: crashed or printed no summary"; cat $out/unit-$b.err
			add 0 1
		else
			add "$p" "$f"
			[ "$f" = 0 ] || cat $out/unit-$b.err
		fi
	done
done

for b in normal asan; do
	section "black-box tests ($b build)"
	if [ "$(id -u)" != 0 ]; then
		echo "skipped: the black-box suite needs root (chroot, setuid, useradd)"
		continue
	fi
	FTPD_BIN=build/$b/ftpd /usr/bin/python3 -m pytest -q -p no:cacheprovider \
	    --junitxml=$out/pytest-$b.xml tests/blackbox 2>&1 | tail -n 25
	counts=$(/usr/bin/python3 - "$out/pytest-$b.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    r = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 1 0"); sys.exit()
s = r if r.tag == "testsuite" else r.find("testsuite")
t, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
print(t - f - e - sk, f + e, sk)
PY
)
	# shellcheck disable=SC2086
	add $counts
done

section "fuzz smoke run"
if [ -x tests/fuzz/run.sh ] || [ -f tests/fuzz/run.sh ]; then
	res=$(FUZZ_SECONDS=${FUZZ_SECONDS:-5} sh tests/fuzz/run.sh 2>$out/fuzz.err)
	echo "$res"
	line=$(echo "$res" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	if [ -z "$p" ]; then add 0 1; tail -20 $out/fuzz.err; else add "$p" "$f"; fi
fi

section "clang build (-Werror)"
if make -s BUILD=clang CC=clang build/clang/ftpd >$out/clang.log 2>&1; then
	echo "clang: ok"; add 1 0
else
	echo "clang: FAILED"; tail -20 $out/clang.log; add 0 1
fi

section "man pages (mandoc -Tlint)"
for m in man/*.[1-9]; do
	w=$(mandoc -Tlint -Wwarning "$m" 2>&1)
	if [ -z "$w" ]; then echo "$m: ok"; add 1 0; else echo "$w"; add 0 1; fi
done

echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
