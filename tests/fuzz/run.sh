#!/bin/bash
# Run every built fuzzer, build/fuzz/fuzz_<module>, for SECONDS against its
# seed corpus tests/fuzz/corpus/<module>/ and print a TAP line for each.
# New inputs go to a scratch directory, so the committed corpus only
# changes by hand; crashes are kept as build/fuzz/artifacts/<module>-*.
#
#   tests/fuzz/run.sh [SECONDS]      (default 10)
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
secs=${1:-10}
BUILD=${XPMIP_BUILD:-$PWD/build}
ART=$BUILD/fuzz/artifacts
mkdir -p "$ART"
scratch=$(mktemp -d /tmp/xpmip-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	mod=${name#fuzz_}
	bin=$BUILD/fuzz/$name
	corpus=tests/fuzz/corpus/$mod
	if [ ! -x "$bin" ]; then
		fail "$name: not built ($bin)"
		continue
	fi
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		fail "$name: no seed corpus in $corpus"
		continue
	fi
	mkdir -p "$scratch/$mod"
	log=$scratch/$mod.log
	# -max_total_time bounds the run; timeout is the backstop
	timeout $((secs + 60)) "$bin" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$ART/$mod-" "$scratch/$mod" "$corpus" \
		> "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" -eq 0 ]; then
		ok "$name: ${runs:-?} runs in ${secs}s, no crash, leak or overflow"
	else
		fail "$name: exit $rc after ${runs:-?} runs (artifacts in $ART)"
		grep -E 'ERROR|SUMMARY|Test unit written|runtime error' "$log" |
			head -10 | sed 's/^/# /'
	fi
done
[ "$TAP_N" -eq 0 ] && skip "no fuzz targets"
tap_done
