#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Restart without loss: during a 1000 packets/s CN -> MN stream, kill -9
# the LMA daemon and start it again, then the same with MAG1.  The data
# plane keeps forwarding from the pinned maps while a daemon is down, so
# not one packet may be lost; the new daemons take the binding back and
# keep refreshing it past its (short) lifetime.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpe-rst-
LIFETIME=8
RATE=1000
N=7000

if ! e2e_begin $P 1 "" "s/^\tlifetime = [0-9]*;/\tlifetime = $LIFETIME;/"; then
	e2e_dump_logs
	tap_done
	exit 1
fi

check "attach MN1 at MAG1" e2e_attach 1 1
addr=$(e2e_wait_addr 1 15)
check "MN1 address $addr" [ -n "$addr" ]
hnp=$(echo "$addr" | cut -d: -f1-4)
check "ping CN -> MN1" ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$addr"

lma_pid0=$(e2e_pid lma) mag_pid0=$(e2e_pid mag1)
e2e_stream_recv 1 $N "$E2E_DIR/rst.csv" "$E2E_DIR/rst.out" ||
	fail "receiver started"
(
	sleep 1
	e2e_kill lma KILL
	sleep 0.5
	e2e_start lma > "$E2E_DIR/restart-lma.out" 2>&1 ||
		echo "lma restart failed" >> "$E2E_DIR/restart.err"
	sleep 1.5
	e2e_kill mag1 KILL
	sleep 0.5
	e2e_start mag1 > "$E2E_DIR/restart-mag1.out" 2>&1 ||
		echo "mag1 restart failed" >> "$E2E_DIR/restart.err"
) &
killer=$!
topo_nsexec ${P}cn "$UDPSTREAM" send -d "$addr" -n $N -r $RATE \
	> "$E2E_DIR/send.out"
wait $killer
wait "$E2E_RECV_PID"
res=$(cat "$E2E_DIR/rst.out")
echo "# $(cat "$E2E_DIR/send.out")"
echo "# $res"
check "LMA and MAG1 restarted during the stream" [ ! -e "$E2E_DIR/restart.err" ]
# replaced NEW OLD: a new process, and the killed one is gone
replaced() { [ -n "$1" ] && [ "$1" != "$2" ] && ! kill -0 "$2" 2>/dev/null; }
check "new LMA process ($lma_pid0 -> $(e2e_pid lma)), old one gone" \
	replaced "$(e2e_pid lma)" "$lma_pid0"
check "new MAG1 process ($mag_pid0 -> $(e2e_pid mag1)), old one gone" \
	replaced "$(e2e_pid mag1)" "$mag_pid0"
check "zero packets lost across both kill -9 and restarts" \
	[ "$(kv lost "$res")" = 0 ]
check "no duplicates" [ "$(kv dup "$res")" = 0 ]
echo "# longest gap in the stream: $(kv gap_ms "$res") ms"
check "restarted LMA shows the binding at MAG1" \
	[ "$(e2e_lma_mag_of "$hnp:")" = "$TOPO_MAG1" ]
check "restarted MAG1 shows MN1" [ -n "$(e2e_json mag1 \
	"' '.join(n['state'] for n in j.get('nodes', []))")" ]

# past the lifetime: only refreshes by the new daemons keep it alive
sleep $((LIFETIME + 2))
check "binding still there after another lifetime (refreshed)" \
	[ "$(e2e_lma_mag_of "$hnp:")" = "$TOPO_MAG1" ]
check "ping CN -> MN1 after restarts" \
	ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$addr"
check "ping MN1 -> CN after restarts" \
	ip netns exec ${P}mn1 ping -c 2 -i 0.2 -W 2 "$TOPO_CN"

e2e_end 4
[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs
tap_done
