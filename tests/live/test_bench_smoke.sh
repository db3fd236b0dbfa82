#!/bin/bash
# Smoke run of the benchmarks' own machinery (scripts/bench.sh parts 1 and
# 2, tiny counts): the test-run harness restores every data-plane path's
# frame (output after N rounds equals one fresh run, verdict and length
# are the path's), and the whole-path generator reaches the sink through
# every gateway mode.  Timing is not judged here: that is `make bench`.
# Namespaces: xpbn-PID, xpbw-PID-*.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${XPMIP_BUILD:-$PWD/build}
TMP=$(mktemp -d /tmp/xpbsmoke.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ "$(id -u)" -ne 0 ] || [ ! -x "$BUILD/bench/bpf_bench" ] ||
	[ ! -x "$BUILD/bench/bench_path" ]; then
	skip "needs root and the bench programs"
	tap_done
	exit
fi

before=$(ip netns | grep -E '^xpb[nw]-' | sort)
BUILD=$BUILD BENCH_SKIP="3 4" BENCH_RUNS=1 BENCH_REPEAT=2000 \
	BENCH_BINDINGS=4096 BENCH_ROUNDS=1 BENCH_SECONDS=0.5 \
	BENCH_OUT="$TMP/bench.md" timeout 300 scripts/bench.sh \
	> "$TMP/out" 2>&1
rc=$?
check "bench.sh exits 0" [ "$rc" -eq 0 ]
MD=$TMP/bench.md
[ -f "$MD" ] || : > "$MD"

if grep -q 'bpf_bench failed' "$MD"; then
	fail "bpf_bench ran clean"
	sed -n '/bpf_bench failed/,$p' "$MD" | head -n 8 | sed 's/^/# /'
else
	ok "bpf_bench ran clean"
fi
for row in "bare forwarder" "LMA encap, fib" "LMA encap, nexthops map" \
	"LMA decap" "MAG encap, fib" "MAG encap, nexthops map" "MAG decap" \
	"LMA encap, full cache, same prefix" \
	"LMA encap, full cache, prefix spread"; do
	line=$(grep -F "| $row" "$MD" | head -n 1)
	if [[ "$line" == *"| REDIRECT | ok |" ]]; then
		ok "$row: redirected, restored output stable"
	else
		fail "$row: redirected, restored output stable (${line:-no row})"
	fi
done

for mode in "kernel forwarding (no XDP)" "bare XDP forwarder" \
	"LMA encap, fib" "LMA encap, nexthops map"; do
	mpps=$(sed -n '/^## 2\./,$p' "$MD" | grep -F "| $mode |" |
		cut -d'|' -f3 | tr -d ' ')
	if [ -n "$mpps" ] && awk -v v="$mpps" 'BEGIN { exit !(v > 0) }'; then
		ok "whole path, $mode: packets reach the sink ($mpps Mpps)"
	else
		fail "whole path, $mode: packets reach the sink (${mpps:-none})"
	fi
done
# what the sink got in the encap rounds is tunnelled, by the XDP program
for mode in "LMA encap, fib" "LMA encap, nexthops map"; do
	line=$(sed -n '/^## 2\./,$p' "$MD" | grep -F "| $mode |")
	tun=$(echo "$line" | cut -d'|' -f8 | tr -d ' %')
	xdp=$(echo "$line" | cut -d'|' -f9 | tr -d ' %')
	if awk -v t="${tun:-0}" -v x="${xdp:-0}" \
		'BEGIN { exit !(t >= 99 && x >= 95) }'; then
		ok "whole path, $mode: tunnelled by XDP ($tun%, $xdp%)"
	else
		fail "whole path, $mode: tunnelled by XDP (${tun:-?}%, ${xdp:-?}%)"
	fi
done

after=$(ip netns | grep -E '^xpb[nw]-' | sort)
check "namespaces removed" [ "$before" = "$after" ]
tap_done
