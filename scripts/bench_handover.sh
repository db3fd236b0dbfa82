#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Handover and bring-up benchmarks through the real daemons (run by
# scripts/bench.sh for `make bench`; namespaces xpb-*):
#
# 1. Handover gap: a 10,000 packets/s CN -> MN UDP stream while the node
#    moves between MAG1 and MAG2 20 times, 1 s apart.  For each handover
#    the gap is counted from the new MAG's attach trigger (an attach request
#    on its control socket, what an access point's hook sends, right after
#    the node's link moved) to the first packet delivered through the new
#    MAG; the packets lost around each handover are counted too.  Target:
#    median below 5 ms.  The hook is a process that stays connected to the
#    shell (XPMIP_BENCH_TRIGGER=hook, default); with =xpmipctl each trigger
#    starts xpmipctl, whose start-up (a few ms here) then counts too.
# 2. Bring-up: 10,000 nodes attached at MAG1 through its control socket at
#    once; the time until the LMA holds all 10,000 bindings and MAG1 has
#    them all bound (PBU, PBA, map updates on both sides), and the memory
#    it took: daemon RSS and BPF map memory, per binding.
#
# Environment: XPMIP_BENCH_RATE (10000), XPMIP_BENCH_HANDOVERS (20),
# XPMIP_BENCH_NODES (10000), XPMIP_BENCH_OUT (build/bench),
# XPMIP_BENCH_PLAIN=1 to run part 1 over plain kernel forwarding with
# static routes (the harness's own floor: no daemon, no tunnel).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/e2e/e2e_lib.sh

RATE=${XPMIP_BENCH_RATE:-10000}
HANDOVERS=${XPMIP_BENCH_HANDOVERS:-20}
NODES=${XPMIP_BENCH_NODES:-10000}
OUT=${XPMIP_BENCH_OUT:-$PWD/build/bench}
PLAIN=${XPMIP_BENCH_PLAIN:-}
TRIGGER=${XPMIP_BENCH_TRIGGER:-hook}
SPACING=1
P=xpb-

die() { echo "bench_handover: $*" >&2; exit 1; }
now_ns() { local t=${EPOCHREALTIME/./}; echo "${t}000"; }

[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$UDPSTREAM" ] || die "$UDPSTREAM missing: run make"
if [ -z "$PLAIN" ]; then
	[ -x "$XPMIPD" ] && [ -x "$XPMIPCTL" ] ||
		die "build/xpmipd or build/xpmipctl missing: run make"
fi
mkdir -p "$OUT" || die "cannot create $OUT"

# ---- 1. handover gap --------------------------------------------------
e2e_init $P
topo_up $P 1 || die "topology"
mac=$(topo_mn_mac 1)
if [ -n "$PLAIN" ]; then
	topo_plain $P 1 || die "plain routes"
	addr=$TOPO_PLAIN_NET:1::100
	label="plain kernel forwarding, static routes (harness floor)"
else
	e2e_configs || die "configs"
	e2e_start_all || die "daemons did not start (logs in $E2E_DIR)"
	e2e_attach 1 1 > /dev/null || die "attach"
	addr=$(e2e_wait_addr 1 15) || die "no address on the node"
	label="xpmipd LMA + 2 MAGs, eBPF data plane"
fi
ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$addr" > /dev/null ||
	die "CN cannot reach the node"

n=$((RATE * (HANDOVERS * SPACING + 2)))
hos=$OUT/handover-triggers.txt
: > "$hos"
E2E_IDLE_MS=3000 E2E_MAX_S=$((HANDOVERS * SPACING + 30)) \
	e2e_stream_recv 1 $n "$OUT/handover-bench.csv" "$E2E_DIR/recv.out" ||
	die "receiver"
# the access point's hook: request lines in, "send_time_ns status" out
coproc HOOK { "$E2E_PY" -u -c '
import socket, sys, time
for line in sys.stdin:
    path, req = line.rstrip("\n").split(" ", 1)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    t = time.time_ns()
    s.sendall((req + "\n").encode())
    r = s.recv(4096).split(b"\n")[0].decode()
    s.close()
    print(t, r or "none", flush=True)
'; }
hook() {
	local t st
	echo "$*" >&"${HOOK[1]}"
	read -r t st <&"${HOOK[0]}"
	[ "$st" = ok ] || echo "bench_handover: hook: $* -> $st" >&2
	echo "$t"
}
topo_nsexec ${P}cn "$UDPSTREAM" send -d "$addr" -n $n -r "$RATE" \
	> "$E2E_DIR/send.out" &
sender=$!
sleep 1
from=1
for ((k = 1; k <= HANDOVERS; k++)); do
	to=$((3 - from))
	m=$(now_ns)
	topo_move $P 1 $to
	if [ -n "$PLAIN" ]; then
		t=$(now_ns)
		ip -n ${P}lma route replace "$TOPO_PLAIN_NET:1::/64" \
			via "$(topo_mag_addr $to)"
	elif [ "$TRIGGER" = hook ]; then
		t=$(hook "$(e2e_sock mag$to)" attach "$mac" mag$to-acc)
		hook "$(e2e_sock mag$from)" detach "$mac" mag$from-acc \
			> /dev/null
	else
		t=$(now_ns)
		e2e_ctl mag$to attach "$mac" mag$to-acc > /dev/null
		e2e_ctl mag$from detach "$mac" mag$from-acc > /dev/null
	fi
	echo "$t $to $m" >> "$hos"
	from=$to
	sleep $SPACING
done
wait $sender
wait "$E2E_RECV_PID"
send=$(cat "$E2E_DIR/send.out")
res=$(cat "$E2E_DIR/recv.out")
start=$(kv start_ns "$send")

[ -z "$PLAIN" ] && label="$label, trigger: $TRIGGER"
echo "== handover gap: $label"
echo "stream: $n packets at $RATE/s CN -> MN, $HANDOVERS handovers ${SPACING}s apart"
echo "sender:   $send"
echo "receiver: $res"
"$E2E_PY" scripts/handover_stats.py "$OUT/handover-bench.csv" "$hos" "$RATE" \
	"$start" "$n" | tee "$OUT/handover-bench.txt"
summary=$(tail -n 1 "$OUT/handover-bench.txt")
echo "RESULT handover $summary target_median_ms=5"

e2e_cleanup
trap - EXIT
[ -n "$PLAIN" ] && exit 0

# ---- 2. bring-up of many bindings -------------------------------------
P=xpb2-
e2e_init $P
topo_up $P 0 || die "topology"
e2e_configs || die "configs"
{ e2e_start lma && e2e_start mag1; } || die "daemons did not start"

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$(e2e_pid "$1")/status"; }
mapmem() {
	local d=/sys/fs/bpf/xpmip/${P}$1 m sum=0 b
	for m in "$d"/*; do
		b=$(bpftool -j map show pinned "$m" 2>/dev/null |
			"$E2E_PY" -c 'import json,sys; print(json.load(sys.stdin).get("bytes_memlock", 0))' 2>/dev/null)
		sum=$((sum + ${b:-0}))
	done
	echo $sum
}
lma_rss0=$(rss lma) mag_rss0=$(rss mag1)
lma_map0=$(mapmem lma) mag_map0=$(mapmem mag1)

t0=$(now_ns)
"$E2E_PY" - "$(e2e_sock mag1)" "$NODES" << 'EOF' || die "attach requests failed"
import socket, sys
path, n = sys.argv[1], int(sys.argv[2])
bad = 0
for i in range(n):
    mac = '02:10:00:%02x:%02x:%02x' % (i >> 16 & 255, i >> 8 & 255, i & 255)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(('attach %s mag1-acc\n' % mac).encode())
    r = s.recv(4096)
    s.close()
    if not r.startswith(b'ok'):
        bad += 1
sys.exit(1 if bad else 0)
EOF
t_req=$(now_ns)
count=0
deadline=$(($(date +%s) + 180))
while [ "$(date +%s)" -le $deadline ]; do
	count=$(e2e_lma_count 2>/dev/null)
	[ "${count:-0}" -ge "$NODES" ] && break
	sleep 0.2
done
t_lma=$(now_ns)
bound=0
while [ "$(date +%s)" -le $deadline ]; do
	bound=$(e2e_json mag1 "sum(1 for x in j.get('nodes', []) if 'bound' in str(x.get('state', '')).lower())" 2>/dev/null)
	[ "${bound:-0}" -ge "$NODES" ] && break
	sleep 0.2
done
t_mag=$(now_ns)
lma_rss1=$(rss lma) mag_rss1=$(rss mag1)
lma_map1=$(mapmem lma) mag_map1=$(mapmem mag1)

echo
echo "== bring-up: $NODES nodes attached at MAG1 through its control socket"
awk -v n="$NODES" -v c="${count:-0}" -v b="${bound:-0}" \
    -v req=$(( (t_req - t0) / 1000 )) -v lma=$(( (t_lma - t0) / 1000 )) \
    -v mag=$(( (t_mag - t0) / 1000 )) \
    -v lr=$(( (lma_rss1 - lma_rss0) )) -v mr=$(( (mag_rss1 - mag_rss0) )) \
    -v lm=$(( lma_map1 - lma_map0 )) -v mm=$(( mag_map1 - mag_map0 )) '
BEGIN {
	printf "attach requests sent in   %.1f ms\n", req / 1000
	printf "LMA bindings %d/%d after   %.1f ms\n", c, n, lma / 1000
	printf "MAG1 bound   %d/%d after   %.1f ms (%.1f us per binding)\n", \
		b, n, mag / 1000, mag / n
	printf "LMA  RSS +%d KiB (%.0f B per binding), maps +%d B (%.0f B per binding)\n", \
		lr, lr * 1024 / n, lm, lm / n
	printf "MAG1 RSS +%d KiB (%.0f B per binding), maps +%d B (%.0f B per binding)\n", \
		mr, mr * 1024 / n, mm, mm / n
	printf "RESULT bringup nodes=%d lma_bindings=%d mag_bound=%d total_ms=%.1f us_per_binding=%.1f lma_rss_b_per_binding=%.0f mag_rss_b_per_binding=%.0f lma_map_b_per_binding=%.0f mag_map_b_per_binding=%.0f\n", \
		n, c, b, mag / 1000, mag / n, lr * 1024 / n, mr * 1024 / n, lm / n, mm / n
}' | tee "$OUT/bringup.txt"
[ "${count:-0}" -ge "$NODES" ] && [ "${bound:-0}" -ge "$NODES" ]
