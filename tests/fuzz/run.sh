#!/bin/sh
# run.sh: build and run every libFuzzer target tests/fuzz/fuzz_*.c.
#
# A target names the sources it needs besides itself on its first line:
#   /* fuzz-srcs: src/auth/ftplist.c src/lib/str.c */
# Each is built into build/fuzz/ and run for FUZZ_SECONDS (default 10)
# seconds on the corpus build/fuzz/corpus-NAME, which is seeded from
# tests/fuzz/corpus/NAME/ (NAME is the file name without "fuzz_" and
# ".c").  FUZZ_CC picks the compiler (default clang).
#
# Output: one line per target, "fuzz NAME: ok" or "fuzz NAME: FAILED",
# then "N passed, N failed".  Build and run logs stay in build/fuzz/
# (NAME.log); a failure also prints the end of its log on stderr.  The
# exit status is 1 if any target failed.

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$top" || exit 2

secs=${FUZZ_SECONDS:-10}
case $secs in
'' | *[!0-9]*)
	echo "run.sh: FUZZ_SECONDS must be a number of seconds" >&2
	exit 2 ;;
esac
# libFuzzer reads -max_total_time=0 as "no limit".
if [ "$secs" -eq 0 ]; then
	echo "run.sh: FUZZ_SECONDS must be at least 1" >&2
	exit 2
fi

cc=${FUZZ_CC:-clang}
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
-std=c11 -D_GNU_SOURCE -Isrc -Isrc/lib"
out=build/fuzz
mkdir -p "$out" || exit 2

passed=0
failed=0

# Print the first-line "fuzz-srcs:" list of a target (may be empty).
fuzz_srcs() {
	sed -n '1s|^/\*[[:space:]]*fuzz-srcs:\(.*\)\*/[[:space:]]*$|\1|p' "$1"
}

# Build and run one target; 0 if it held up.
# (sh has no locals: the rt_ prefix keeps these apart from the loop's.)
run_target() {
	rt_src=$1 rt_name=$2 rt_log=$3
	rt_bin=$out/fuzz_$rt_name
	rt_corpus=$out/corpus-$rt_name
	rt_seeds=tests/fuzz/corpus/$rt_name

	rt_srcs=$(fuzz_srcs "$rt_src")
	for rt_s in $rt_srcs; do
		if [ ! -f "$rt_s" ]; then
			echo "run.sh: $rt_src names missing source $rt_s" \
			    >"$rt_log"
			return 1
		fi
	done
	echo "+ $cc $cflags -o $rt_bin $rt_src $rt_srcs" >"$rt_log"
	# Word splitting of the flag and source lists is wanted here.
	# shellcheck disable=SC2086
	$cc $cflags -o "$rt_bin" "$rt_src" $rt_srcs >>"$rt_log" 2>&1 ||
	    return 1

	mkdir -p "$rt_corpus" || return 1
	if [ -d "$rt_seeds" ]; then
		for rt_f in "$rt_seeds"/*; do
			[ -f "$rt_f" ] || continue
			cp "$rt_f" "$rt_corpus/" || return 1
		done
	fi
	"./$rt_bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
	    -max_len=16384 -artifact_prefix="$out/$rt_name-" \
	    -print_final_stats=1 "$rt_corpus" >>"$rt_log" 2>&1
}

for src in tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue	# no targets: the glob stays literal
	name=${src##*/}
	name=${name#fuzz_}
	name=${name%.c}
	log=$out/$name.log
	if run_target "$src" "$name" "$log"; then
		echo "fuzz $name: ok"
		passed=$((passed + 1))
	else
		echo "fuzz $name: FAILED"
		echo "--- $log (last 30 lines)" >&2
		tail -n 30 "$log" >&2
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
