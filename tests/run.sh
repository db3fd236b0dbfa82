#!/bin/bash
# Run every test suite and close with one line: "N passed, N failed".
#
# A suite is an executable that prints TAP lines ("ok ..." / "not ok ...");
# cmocka binaries are switched to TAP output.  A suite that exits non-zero
# without a failing line counts as one failure, so a crash is never missed.
#
#   tests/run.sh [PATTERN]   run only suites whose path contains PATTERN
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LOGDIR=$BUILD/test-logs
PATTERN=${1:-}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
mkdir -p "$LOGDIR"
export CMOCKA_MESSAGE_OUTPUT=TAP
export XPMIP_BUILD=$PWD/$BUILD

suites=()
for f in "$BUILD"/tests/unit/test_* "$BUILD"/tests/bpf/test_*; do
	[ -x "$f" ] && suites+=("$f")
done
[ -x tests/fuzz/run.sh ] && suites+=("tests/fuzz/run.sh")
for f in tests/*/test_*.sh; do
	[ -x "$f" ] && suites+=("$f")
done

passed=0 failed=0 skipped=0
for s in "${suites[@]}"; do
	[ -n "$PATTERN" ] && [[ "$s" != *"$PATTERN"* ]] && continue
	name=$(basename "$s")
	log=$LOGDIR/$name.log
	start=$(date +%s)
	if [ "$s" = tests/fuzz/run.sh ]; then
		timeout "$SUITE_TIMEOUT" "$s" "${FUZZ_SMOKE_SECS:-10}" > "$log" 2>&1
	else
		timeout "$SUITE_TIMEOUT" "$s" > "$log" 2>&1
	fi
	rc=$?
	p=$(grep -cE '^ok ' "$log" | tr -d ' ')
	sk=$(grep -cE '^ok .*# (SKIP|skip)' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok ' "$log" | tr -d ' ')
	p=$((p - sk))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >> "$log"
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + sk))
	printf '%-28s %4d passed %3d failed %3d skipped  %4ss\n' \
		"$name" "$p" "$f" "$sk" "$(( $(date +%s) - start ))"
	if [ "$f" -ne 0 ]; then
		grep -E '^not ok ' "$log" | sed 's/^/    /'
		echo "    (log: $log, last lines:)"
		tail -n 15 "$log" | sed 's/^/    | /'
	fi
done

echo
if [ "$skipped" -ne 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
