#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `make bench`: every benchmark in one run, written to docs/BENCHMARKS.md
# (with date, kernel and commit, so runs compare across commits) and
# printed.
#
# 1. Per-packet cost of each data-plane XDP program by BPF test-run,
#    beside the XDP_PASS/XDP_TX floors and a bare forwarder
#    (build/bench/bpf_bench, namespace xpbn-*).
# 2. Whole path generator -> gateway -> sink: the LMA data plane against
#    the kernel's IPv6 forwarding and a bare XDP forwarder, alternating
#    rounds (build/bench/bench_path, namespaces xpbw-*).
# 3. The LMA state machine and the codec (build/bench/bench_lma, bench_mh).
# 4. Handover gap and bring-up through the real daemons
#    (scripts/bench_handover.sh), if present.
#
# Environment: BENCH_RUNS (11) and BENCH_REPEAT (1000000) for 1,
# BENCH_ROUNDS (15) and BENCH_SECONDS (1) for 2, BENCH_BINDINGS (1048576),
# BENCH_OUT (docs/BENCHMARKS.md), BENCH_SKIP (space-separated part numbers).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=${BENCH_OUT:-docs/BENCHMARKS.md}
RUNS=${BENCH_RUNS:-11}
REPEAT=${BENCH_REPEAT:-1000000}
ROUNDS=${BENCH_ROUNDS:-15}
SECONDS_PER=${BENCH_SECONDS:-1}
BINDINGS=${BENCH_BINDINGS:-1048576}
SKIP=" ${BENCH_SKIP:-} "
BN=xpbn-$$
BW=xpbw-$$-
TMP=$(mktemp -d /tmp/xpbench.XXXXXX)
BODY=$TMP/body.md

die() { echo "bench: $*" >&2; exit 1; }

cleanup() {
	ip netns del "$BN" 2>/dev/null
	for n in gen gw sink; do ip netns del "$BW$n" 2>/dev/null; done
	# bench_path pins its maps on the host's bpffs; gone unless killed
	rm -rf "/sys/fs/bpf/xpmip/xpbw-$$"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "run as root"
for b in bpf_bench bench_path; do
	[ -x "$BUILD/bench/$b" ] || die "$BUILD/bench/$b missing: run make"
done

skipped() { [[ "$SKIP" == *" $1 "* ]]; }

# Test-run namespace: x0 (LMA core), y0 (MAG core), a0 (MAG access), z0
# (core of the LMA instance with the full binding cache), each
# a veth with its peer in the same namespace; the peers' next hops are
# permanent neighbours so no lookup waits for neighbour discovery.
setup_testrun() {
	local n="ip netns exec $BN"

	ip netns add "$BN" || return 1
	$n ip link set lo up
	$n sysctl -qw net.ipv6.conf.all.forwarding=1
	for p in x y a z; do
		$n ip link add ${p}0 type veth peer name ${p}1 || return 1
		$n ip link set ${p}0 up
		$n ip link set ${p}1 up
	done
	$n ip -6 addr add 2001:db8:1::10/64 dev x0 nodad
	$n ip -6 addr add 2001:db8:3::10/64 dev y0 nodad
	$n ip -6 neigh replace 2001:db8:1::2 lladdr 02:00:00:00:b0:01 \
		dev x0 nud permanent
	$n ip -6 neigh replace 2001:db8:1::fe lladdr 02:00:00:00:b0:01 \
		dev x0 nud permanent
	$n ip -6 neigh replace 2001:db8:3::1 lladdr 02:00:00:00:b0:01 \
		dev y0 nud permanent
	$n ip -6 route add 2001:db8:c::/64 via 2001:db8:1::fe dev x0
}

# Whole-path namespaces: gen g0 === w0 gw w1 === s0 sink.  GRO on w0 gives
# it the NAPI instance that frames sent by XDP need when no program is
# attached (the kernel-forwarding rounds); threaded NAPI on w0, pinned to
# CPU 0, keeps the gateway's work off the generator's CPU 1.
setup_path() {
	local g=${BW}gen w=${BW}gw s=${BW}sink t

	for t in "$g" "$w" "$s"; do
		ip netns add "$t" || return 1
		ip -n "$t" link set lo up
	done
	ip -n "$g" link add g0 type veth peer name w0 netns "$w" || return 1
	ip -n "$w" link add w1 type veth peer name s0 netns "$s" || return 1
	ip -n "$g" link set g0 address 02:00:00:00:0a:01
	ip -n "$w" link set w0 address 02:00:00:00:0a:02
	ip -n "$w" link set w1 address 02:00:00:00:0b:01
	ip -n "$s" link set s0 address 02:00:00:00:0b:02
	ip netns exec "$w" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$g" link set g0 up
	ip -n "$w" link set w0 up
	ip -n "$w" link set w1 up
	ip -n "$s" link set s0 up
	ip -n "$g" -6 addr add 2001:db8:a::2/64 dev g0 nodad
	ip -n "$w" -6 addr add 2001:db8:a::1/64 dev w0 nodad
	ip -n "$w" -6 addr add 2001:db8:b::1/64 dev w1 nodad
	ip -n "$s" -6 addr add 2001:db8:b::2/64 dev s0 nodad
	ip -n "$w" -6 neigh replace 2001:db8:b::2 lladdr 02:00:00:00:0b:02 \
		dev w1 nud permanent
	ip -n "$w" -6 neigh replace 2001:db8:a::2 lladdr 02:00:00:00:0a:01 \
		dev w0 nud permanent
	ip -n "$w" -6 route add 2001:db8:100::/40 via 2001:db8:b::2 dev w1
	ip -n "$w" -6 route add 2001:db8:c::/64 via 2001:db8:a::2 dev w0
	ip netns exec "$w" ethtool -K w0 gro on > /dev/null || return 1
	ip netns exec "$w" sh -c 'echo 1 > /sys/class/net/w0/threaded' ||
		return 1
}

pin_napi() {
	local p

	for p in $(pgrep '^napi/w0-'); do
		# only the thread of our namespace's w0 would be ideal; the
		# benchmark namespaces are the only ones with a threaded w0
		taskset -p 1 "$p" > /dev/null 2>&1
	done
}

section() { printf '\n## %s\n\n' "$1" >> "$BODY"; }

# run_raw TIMEOUT CMD...: the command's output as a code block
run_raw() {
	local t=$1
	shift
	echo '```' >> "$BODY"
	timeout "$t" "$@" >> "$BODY" 2>&1
	echo "(exit status $?)" >> "$BODY"
	echo '```' >> "$BODY"
}

start=$(date +%s)
load=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$BODY"

if ! skipped 1; then
	echo "bench: 1/4 per-packet cost by test-run" >&2
	section "1. Per-packet cost (BPF test-run)"
	if setup_testrun; then
		if ! timeout 300 ip netns exec "$BN" "$BUILD/bench/bpf_bench" \
			--runs "$RUNS" --repeat "$REPEAT" \
			--bindings "$BINDINGS" >> "$BODY" 2> "$TMP/err1"; then
			echo "bpf_bench failed:" >> "$BODY"
			sed 's/^/    /' "$TMP/err1" >> "$BODY"
		fi
	else
		echo "namespace setup failed" >> "$BODY"
	fi
	ip netns del "$BN" 2>/dev/null
fi

if ! skipped 2; then
	echo "bench: 2/4 whole path" >&2
	section "2. Whole path: generator → gateway → sink"
	if setup_path; then
		pin_napi
		if ! timeout 300 "$BUILD/bench/bench_path" "${BW}gen" \
			"${BW}gw" "${BW}sink" --rounds "$ROUNDS" \
			--seconds "$SECONDS_PER" --instance "xpbw-$$" \
			>> "$BODY" 2> "$TMP/err2"; then
			echo "bench_path failed:" >> "$BODY"
			sed 's/^/    /' "$TMP/err2" >> "$BODY"
		fi
	else
		echo "namespace setup failed" >> "$BODY"
	fi
	for n in gen gw sink; do ip netns del "$BW$n" 2>/dev/null; done
fi

if ! skipped 3; then
	echo "bench: 3/4 LMA state machine and codec" >&2
	section "3. LMA signaling (issue 3)"
	if [ -x "$BUILD/bench/bench_lma" ]; then
		run_raw 300 "$BUILD/bench/bench_lma"
	else
		echo "build/bench/bench_lma not built" >> "$BODY"
	fi
	if [ -x "$BUILD/bench/bench_mh" ]; then
		run_raw 120 "$BUILD/bench/bench_mh"
	fi
fi

if ! skipped 4; then
	echo "bench: 4/4 handover and bring-up" >&2
	section "4. Handover gap and bring-up (issue 5)"
	if [ -x scripts/bench_handover.sh ]; then
		run_raw 400 scripts/bench_handover.sh
	else
		echo "scripts/bench_handover.sh not present" >> "$BODY"
	fi
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | head -1)
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (scripts/bench.sh); rerun it to compare."
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
	echo "| commit | $commit${dirty:+ (working tree modified)} |"
	echo "| kernel | $(uname -r) |"
	echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores |"
	echo "| load average at start | $load |"
	echo "| duration | $(( $(date +%s) - start )) s |"
	cat <<-'EOF'

	How to read: section 1 times each XDP program with BPF test-run behind
	a harness that restores the frame before every round (bpf/bench_harness.bpf.c);
	"cost" is the harness run less the harness alone plus the XDP_PASS floor, so
	it compares with the floors (for programs that move the packet head it
	still holds the harness's own bpf_xdp_adjust_head, a few ns: see the
	building blocks).  "output ok" means the output after all rounds
	equals one fresh run and the verdict and length are the path's.  "fib" rows
	run with the nexthops map empty (the fallback), the others with the entry the
	nexthop monitor keeps.  Targets (issue 2): (a) tunnel path ≤ 1.15× the bare
	forwarder, (b) encapsulation with the nexthops map ≤ 3× XDP_TX, (c) a full
	binding cache ≤ 1.2× one binding.  The "reference: minimal encap" row is
	not the data plane: it is the least an XDP encapsulation does (one lookup
	for peer and next hop), to show what target (b) allows on this machine.
	Targets are judged on paired ratios: cases run round-robin, so each run
	gives a ratio under the same load, and the median of those is taken.
	Section 2 counts packets at the sink in
	alternating rounds.  The machine may be shared: compare medians and ranges.
	EOF
	cat "$BODY"
} > "$TMP/out.md"
mkdir -p "$(dirname "$OUT")"
cp "$TMP/out.md" "$OUT"
cat "$OUT"
