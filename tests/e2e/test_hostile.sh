#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Hostile input at the LMA while a node's traffic flows: from a host on the
# transport segment that is not an authorized MAG, send PBUs (answered
# with PBA status 154, RFC 5213 §5.3.1 step 3 / §8.9), an unknown MH type
# (answered with Binding Error status 2, RFC 6275 §9.2), malformed
# messages and a burst (dropped).  No binding is lost, no packet of the
# stream is lost, the daemon stays alive.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpe-host-
EVIL=2001:db8:1::66
RATE=1000
N=6000
# the malformed messages are meant to upset tshark: judge everything else
E2E_CAPTURE_FILTER="ip6 proto 135 and not src host $EVIL"

if ! e2e_begin $P 1; then
	e2e_dump_logs
	tap_done
	exit 1
fi
check "attacker host on the transport segment" \
	topo_add_host $P evil tr "$EVIL/64"
check "attach MN1 at MAG1" e2e_attach 1 1
addr=$(e2e_wait_addr 1 15)
check "MN1 address $addr" [ -n "$addr" ]
hnp=$(echo "$addr" | cut -d: -f1-4)

inject() {
	topo_nsexec ${P}evil /usr/bin/python3 tests/e2e/mhinject.py \
		--src $EVIL --dst "$TOPO_LMAA" "$@"
}
lma_drops() {
	E2E_VERB=stats e2e_json lma "sum(v for g, c in j.items() \
if g != 'dataplane' and isinstance(c, dict) \
for k, v in c.items() if isinstance(v, int) and \
any(w in k for w in ('drop', 'bad', 'malformed', 'invalid', 'reject', 'unauth', 'err')))"
}

# warm the neighbour caches first, as the other stream tests do: the
# stream is here to show the hostile input costs nothing, not cold start
check "ping CN -> MN1 before the stream" \
	ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$addr"
e2e_stream_recv 1 $N "$E2E_DIR/h.csv" "$E2E_DIR/h.out" || fail "receiver started"
topo_nsexec ${P}cn "$UDPSTREAM" send -d "$addr" -n $N -r $RATE \
	> "$E2E_DIR/send.out" &
sender=$!
sleep 0.5
d0=$(lma_drops)

out=$(inject pbu --mn-id mn-hostile@example.net)
echo "$out" | sed 's/^/# unauthorized PBU: /'
check "PBU from an unauthorized MAG: PBA status 154" \
	grep -q "src=$TOPO_LMAA type=6 status=154" <<< "$out"
out=$(inject pbu --mn-id "$(topo_mn_mac 1)" --hi 3)
check "unauthorized PBU naming MN1's MAC: PBA status 154" \
	grep -q "type=6 status=154" <<< "$out"
out=$(inject type 42)
echo "$out" | sed 's/^/# unknown MH type: /'
check "unknown MH type 42: Binding Error status 2" \
	grep -q "src=$TOPO_LMAA type=7 status=2" <<< "$out"

noreply() {
	local out
	out=$(inject --wait 0.5 "$@")
	grep -q '^replies=0$' <<< "$out"
}
# a PBU cut short: Header Len says 88 bytes, 24 are sent
check "truncated PBU: no reply" \
	noreply hex 3b0a05000000000180020000000000000000000000000000
check "bad checksum: no reply" noreply --bad-checksum pbu
# Payload Proto 6 instead of 59 (RFC 6275 §9.2: drop, ICMP Parameter Problem)
check "payload proto not 59: no MH reply" \
	noreply hex 06010500000000018002000000000000
check "Header Len below the BU minimum: no MH reply" \
	noreply hex 3b00050000000000
check "4-byte runt: no MH reply" noreply hex 3b000500

# a burst of 300 unauthorized PBUs
for _ in $(seq 3); do
	topo_nsexec ${P}evil /usr/bin/python3 - "$EVIL" "$TOPO_LMAA" << 'EOF'
import socket, sys
sys.path.insert(0, 'tests/e2e')
from mhinject import pbu
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 135)
s.bind((sys.argv[1], 0))
s.setsockopt(socket.IPPROTO_IPV6, 7, 4)
for i in range(100):
    s.sendto(pbu(i, 60, 'flood%d@example.net' % i, 1), (sys.argv[2], 0))
EOF
done
sleep 0.3
d1=$(lma_drops)
echo "# LMA drop/reject counters: $d0 -> $d1"
check "LMA counted the rejected and dropped messages" [ "${d1:-0}" -gt "${d0:-0}" ]

wait $sender
wait "$E2E_RECV_PID"
res=$(cat "$E2E_DIR/h.out")
echo "# $res"
check "LMA alive" e2e_alive lma
check "MN1's binding intact (MAG1)" [ "$(e2e_lma_mag_of "$hnp:")" = "$TOPO_MAG1" ]
check "no binding created for a hostile MN-ID" \
	[ "$(e2e_lma_count)" = 1 ]
check "stream unharmed: zero loss" [ "$(kv lost "$res")" = 0 ]
check "ping CN -> MN1" ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$addr"

e2e_end 2
[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs
tap_done
