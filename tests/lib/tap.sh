# shellcheck shell=bash
# TAP helpers for shell test suites: source this, call ok/fail, end with
# tap_done.  Every suite prints "ok N - name" or "not ok N - name".
TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $* # SKIP"
}

# check NAME CMD...: ok if CMD succeeds, else fail
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
