#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Handover with a continuous stream: a 1000 packets/s CN -> MN UDP stream;
# in the middle the node's link moves from MAG1's segment to MAG2's (the
# node's own interface stays up) and the access points' hooks tell MAG2
# (xpmipctl attach) and then MAG1 (xpmipctl detach).  The stream resumes through MAG2, the address is
# unchanged, nothing arrives through MAG1 after the switch; then back to
# MAG1 the same way.  Gap and loss are printed; bounds are generous
# (timing belongs to make bench).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpe-ho-
RATE=1000
N=4000

if ! e2e_begin $P 1; then
	e2e_dump_logs
	tap_done
	exit 1
fi
mac=$(topo_mn_mac 1)

check "attach MN1 at MAG1" e2e_attach 1 1
addr=$(e2e_wait_addr 1 15)
check "MN1 address $addr" [ -n "$addr" ]
hnp=$(echo "$addr" | cut -d: -f1-4)
check "ping CN -> MN1" ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$addr"

# handover FROM TO: one stream, the move at 1.5 s
handover() {
	local from=$1 to=$2 res
	e2e_stream_recv 1 $N "$E2E_DIR/ho$to.csv" "$E2E_DIR/ho$to.out" ||
		return 1
	(
		sleep 1.5
		topo_move $P 1 "$to"
		e2e_ctl "mag$to" attach "$mac" "mag$to-acc" > /dev/null
		# then the old access point gives up on the node: the old
		# MAG's de-registration comes after the new MAG's PBU and
		# must not undo the handover (RFC 5213 §5.3.5)
		e2e_ctl "mag$from" detach "$mac" "mag$from-acc" > /dev/null
	) &
	local mover=$!
	topo_nsexec ${P}cn "$UDPSTREAM" send -d "$addr" -n $N -r $RATE \
		> "$E2E_DIR/send$to.out"
	wait $mover
	wait "$E2E_RECV_PID"
	res=$(cat "$E2E_DIR/ho$to.out")
	echo "# MAG$from -> MAG$to: $res"
	check "MAG$from -> MAG$to: stream began via MAG$from" \
		[ "$(kv first_path "$res")" = "$from" ]
	check "MAG$from -> MAG$to: stream resumed via MAG$to" \
		[ "$(kv last_path "$res")" = "$to" ]
	check "MAG$from -> MAG$to: no packet via MAG$from after the switch" \
		[ "$(kv old_after_switch "$res")" = 0 ]
	check "MAG$from -> MAG$to: one switch" [ "$(kv switches "$res")" = 1 ]
	check "MAG$from -> MAG$to: loss $(kv lost "$res") < 500 of $N" \
		[ "$(kv lost "$res")" -lt 500 ]
	check "MAG$from -> MAG$to: no duplicates" [ "$(kv dup "$res")" = 0 ]
	check "MAG$from -> MAG$to: address unchanged" \
		[ "$(topo_mn_addr $P 1 "$E2E_POOL")" = "$addr" ]
	check "MAG$from -> MAG$to: LMA binds the prefix to MAG$to" \
		[ "$(e2e_lma_mag_of "$hnp:")" = "$(topo_mag_addr "$to")" ]
	echo "# handover MAG$from -> MAG$to: gap $(kv handover_gap_ms "$res") ms, lost $(kv lost "$res") of $N at $RATE/s"
}

handover 1 2
check "uplink after the move: MN1 -> CN" \
	ip netns exec ${P}mn1 ping -c 2 -i 0.2 -W 2 "$TOPO_CN"
handover 2 1
check "uplink after moving back: MN1 -> CN" \
	ip netns exec ${P}mn1 ping -c 2 -i 0.2 -W 2 "$TOPO_CN"

e2e_end 4
[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs
tap_done
