#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `make demo`: a mobile node keeps its address and its stream while it moves
# between two MAGs, through the real daemons.
#
# Builds the topology of scripts/topo.sh (namespaces xpdemo-*), starts the
# LMA and both MAGs from the example configs in etc/, attaches a node at
# MAG1, shows its SLAAC address and a ping to the correspondent node, runs a
# UDP stream CN -> MN and moves the node's link to MAG2 in the middle of it,
# reports the gap and the loss, shows xpmipctl at each step, tears down, and
# plots packets received over time to build/demo/handover.png.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/e2e/e2e_lib.sh

OUT=${XPMIP_DEMO_OUT:-$PWD/build/demo}
RATE=${XPMIP_DEMO_RATE:-2000}		# packets/s
SECS=${XPMIP_DEMO_SECS:-4}		# stream length
P=xpdemo-

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "demo: $*" >&2; exit 1; }
ctl() {
	printf '$ xpmipctl %s   # on %s\n' "$*" "$1"
	local r=$1
	shift
	e2e_ctl "$r" "$@"
}

[ "$(id -u)" = 0 ] || die "run as root (namespaces, XDP)"
[ -x "$XPMIPD" ] && [ -x "$XPMIPCTL" ] ||
	die "build/xpmipd or build/xpmipctl missing: run make first"
[ -x "$UDPSTREAM" ] || die "$UDPSTREAM missing: run make first"
mkdir -p "$OUT" || die "cannot create $OUT"
e2e_init $P

step "Topology: CN -- LMA -- transport -- MAG1, MAG2 -- radio -- MN"
topo_up $P 1 || die "topology failed"
# the node's radio is off until the daemons run
ip -n ${P}sw link set mn1 down
echo "namespaces: $(ip netns list | awk '{print $1}' | grep "^$P" | sort | tr '\n' ' ')"

step "Starting the LMA and both MAGs from etc/*.conf"
# Private instance names, sockets and state files; MAGs keep their own
# access MACs (the example's shared MAC is optional) so the plot can tell
# which MAG delivered each packet.
e2e_configs || die "config templating failed"
for r in lma mag1 mag2; do
	e2e_start $r || die "$r did not start (log: $E2E_DIR/$r.log)"
	echo "$r: xpmipd -c $r.conf running in namespace $P$r"
done
ctl lma show

step "The node's radio comes up on MAG1's segment: MAG1 sees its first frames and attaches it"
mac=$(topo_mn_mac 1)
run ip -n ${P}sw link set mn1 up
addr=$(e2e_wait_addr 1 15) || {
	# no RS seen: the access point's hook does it explicitly
	ctl mag1 attach "$mac" mag1-acc
	e2e_wait_addr 1 15
} || die "no SLAAC address on the node"
ctl mag1 stats | grep -E 'attach_(rs|ctl|dp_event)' 
run ip -n ${P}mn1 -6 addr show dev eth0 scope global
ctl lma show
ctl mag1 show
echo
run ip netns exec ${P}mn1 ping -c 3 -i 0.2 "$TOPO_CN" ||
	die "the node cannot reach the CN"

n=$((RATE * SECS))
step "UDP stream CN -> MN: $n packets at $RATE/s; at $((SECS / 2)) s the node's link moves to MAG2"
e2e_stream_recv 1 "$n" "$OUT/handover.csv" "$E2E_DIR/recv.out" ||
	die "receiver did not start"
(
	sleep "$(awk -v s="$SECS" 'BEGIN { print s / 2 }')"
	topo_move $P 1 2
	# t = 0: the node's link now reaches MAG2 only
	echo "${EPOCHREALTIME/./}000" > "$E2E_DIR/move_ns"
	# the access point tells the new MAG that the node has arrived
	echo "${EPOCHREALTIME/./}000" > "$E2E_DIR/trigger_ns"
	e2e_ctl mag2 attach "$mac" mag2-acc > "$E2E_DIR/attach.out" 2>&1
	# and the old one that it has left
	e2e_ctl mag1 detach "$mac" mag1-acc >> "$E2E_DIR/attach.out" 2>&1
) &
mover=$!
topo_nsexec ${P}cn "$UDPSTREAM" send -d "$addr" -n "$n" -r "$RATE" \
	> "$E2E_DIR/send.out"
wait $mover
wait "$E2E_RECV_PID"
res=$(cat "$E2E_DIR/recv.out")
echo "sender:   $(cat "$E2E_DIR/send.out")"
echo "receiver: $res"

step "After the move"
addr2=$(topo_mn_addr $P 1 "$E2E_POOL")
echo "node address before: $addr  after: $addr2"
ctl lma show
ctl mag2 show
ctl mag1 show
ctl lma stats | sed -n '/^lma:/,/^$/p'
ctl mag2 stats | sed -n '/^dataplane:/,/^$/p' | grep -E 'mag_(en|de)cap|drop'


move_ns=$(cat "$E2E_DIR/move_ns")
trig_ns=$(cat "$E2E_DIR/trigger_ns")
scripts/handover_dat.sh "$OUT/handover.csv" "$move_ns" > "$OUT/handover.dat"
trig_ms=$(awk -v us=$(( (trig_ns - move_ns) / 1000 )) \
	'BEGIN { printf "%.3f", us / 1000 }')
first_new=$(awk '$3 == 2 && $1 >= 0 { print $1; exit }' "$OUT/handover.dat")
lost=$(kv lost "$res")
info=$(awk -v l="$lost" -v n="$n" -v f="${first_new:-}" -v t="$trig_ms" \
	'BEGIN { printf "lost %d of %d; first packet via MAG2 %.2f ms after the attach trigger", l, n, f - t }')
if command -v gnuplot > /dev/null; then
	gnuplot -e "dat='$OUT/handover.dat'; out='$OUT/handover.png'; \
		ttl='xpmip handover MAG1 -> MAG2, $RATE packets/s CN -> MN'; \
		win=$((40000 / RATE + 5)); trig=$trig_ms; info='$info'" \
		scripts/plot_handover.gp ||
		echo "demo: gnuplot failed" >&2
fi

step "Result"
echo "address kept:              $([ "$addr" = "$addr2" ] && echo yes || echo "NO ($addr -> $addr2)")"
echo "packets sent / received:   $n / $(kv received "$res")"
echo "lost:                      $lost"
echo "gap at the switch:         $(kv handover_gap_ms "$res") ms (last via MAG1 -> first via MAG2)"
echo "attach trigger -> MAG2:    $(awk -v f="${first_new:-}" -v t="$trig_ms" \
	'BEGIN { if (f == "") print "?"; else printf "%.3f", f - t }') ms"
echo "via MAG1 after the switch: $(kv old_after_switch "$res")"
echo "plot:                      $OUT/handover.png (data: $OUT/handover.csv)"

step "Tearing down"
e2e_cleanup
trap - EXIT
echo "done"
[ "$addr" = "$addr2" ] && [ "$(kv last_path "$res")" = 2 ]
