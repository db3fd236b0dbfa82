#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Hostile input at the LMA while a node's traffic flows: from a host on the
# transport segment that is not an authorized MAG, send PBUs (answered
# with PBA status 154, RFC 5213 §5.3.1 step 3 / §8.9), an unknown MH type
# (answered with Binding Error status 2, RFC 6275 §9.2), a bad Payload
# Proto or Header Len (ICMPv6 Parameter Problem with the exact pointer, from
# the LMA and from a MAG, rate-limited), other malformed messages and a
# burst (dropped).  No binding is lost, no packet of the stream is lost,
# the daemon stays alive.
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

lma_pp() {
	E2E_VERB=stats e2e_json lma "j['signal']['pp_tx']"
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
# RFC 6275 §9.2: Payload Proto not 59, or Header Len below the type's
# minimum: no MH answer but an ICMPv6 Parameter Problem code 0 whose
# pointer (RFC 4443 §3.4, from the start of the invoking packet: 40 bytes
# of IPv6 header, then the MH) names the field, quoting the PBU
pp0=$(lma_pp)
out=$(inject --wait 0.5 hex 06010500000000018002000000000000)
echo "$out" | sed 's/^/# payload proto 6: /'
check "payload proto not 59: no MH reply" grep -q '^replies=0$' <<< "$out"
check "payload proto not 59: Parameter Problem, pointer 40, quote" \
	grep -q "^icmp src=$TOPO_LMAA type=4 code=0 pointer=40 quote=OK$" \
	<<< "$out"
out=$(inject --wait 0.5 hex 3b00050000000000)
echo "$out" | sed 's/^/# Header Len 0: /'
check "Header Len below the BU minimum: no MH reply" \
	grep -q '^replies=0$' <<< "$out"
check "Header Len below the BU minimum: Parameter Problem, pointer 41" \
	grep -q "^icmp src=$TOPO_LMAA type=4 code=0 pointer=41 quote=OK$" \
	<<< "$out"
check "LMA counted 2 Parameter Problems sent ($pp0 -> $(lma_pp))" \
	[ "$(lma_pp)" = $((${pp0:-0} + 2)) ]
# the MAG answers the same way (its state machine has no hook: xpmipd asks
# the codec)
out=$(topo_nsexec ${P}evil /usr/bin/python3 tests/e2e/mhinject.py \
	--src $EVIL --dst "$TOPO_MAG1" --wait 0.5 \
	hex 06010600000000000000000000000000)
echo "$out" | sed 's/^/# payload proto 6 to MAG1: /'
check "MAG: payload proto not 59: Parameter Problem, pointer 40" \
	grep -q "^icmp src=$TOPO_MAG1 type=4 code=0 pointer=40 quote=OK$" \
	<<< "$out"
# RFC 4443 §2.4(f): a burst of 30 gets at most the bucket's 10 (and one
# token refilled meanwhile), the rest are counted as rate-limited
rl0=$(E2E_VERB=stats e2e_json lma "j['signal']['pp_rate_limited']")
n=$(topo_nsexec ${P}evil /usr/bin/python3 - "$EVIL" "$TOPO_LMAA" << 'EOF'
import select, socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 135)
s.bind((sys.argv[1], 0))
s.setsockopt(socket.IPPROTO_IPV6, 7, 4)
ic = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
ic.bind((sys.argv[1], 0))
for i in range(30):
    s.sendto(bytes.fromhex('06010500000000018002000000000000'),
             (sys.argv[2], 0))
n, end = 0, time.time() + 0.5
while time.time() < end:
    if select.select([ic], [], [], max(0, end - time.time()))[0]:
        if ic.recv(2048)[0] == 4:
            n += 1
print(n)
EOF
)
rl1=$(E2E_VERB=stats e2e_json lma "j['signal']['pp_rate_limited']")
echo "# burst of 30: $n Parameter Problems, rate-limited $rl0 -> $rl1"
check "Parameter Problems rate-limited: 5..11 of 30 sent ($n)" \
	[ "${n:-0}" -ge 5 -a "${n:-99}" -le 11 ]
check "rate-limited ones counted (>= 19)" \
	[ $((${rl1:-0} - ${rl0:-0})) -ge 19 ]
check "other malformed messages: no Parameter Problem" \
	grep -q '^icmp=0$' <<< "$(inject --wait 0.5 --bad-checksum pbu)"
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
