#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# De-registration and expiry, with MinDelayBeforeBCEDelete = 3 s and a
# requested lifetime of 8 s:
#  - after xpmipctl detach at MAG1 the LMA keeps the entry for the delay,
#    shown as deleting, but drops the node's downlink packets meanwhile
#    (RFC 5213 §5.3.5: counted as drop_inactive, nothing tunnelled), then
#    deletes it;
#  - a node that re-attaches during the delay is forwarded again;
#  - when MAG2 dies without a goodbye (kill -9) its node's binding expires
#    at the LMA after the lifetime.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpe-dereg-
DELAY_MS=3000
LIFETIME=8

if ! e2e_begin $P 2 spread \
	"s/min_delay_bce_delete_ms = [0-9]*/min_delay_bce_delete_ms = $DELAY_MS/" \
	"s/^\tlifetime = [0-9]*;/\tlifetime = $LIFETIME;/"; then
	e2e_dump_logs
	tap_done
	exit 1
fi
encap() {
	E2E_VERB=stats e2e_json lma \
		"j.get('dataplane', {}).get('lma_encap', {}).get('packets', 0)"
}
inactive() {
	E2E_VERB=stats e2e_json lma \
		"j.get('dataplane', {}).get('drop_inactive', {}).get('packets', 0)"
}
present() {
	[ -n "$(e2e_lma_mag_of "$1:")" ]
}
# state HNP_PREFIX: bound or deleting, as xpmipctl -j shows it at the LMA
state() {
	e2e_json lma "' '.join(b.get('state', '') for b in j.get('bindings', []) \
if b.get('hnp', '').startswith('$1:'))"
}

check "attach MN1 at MAG1" e2e_attach 1 1
check "attach MN2 at MAG2" e2e_attach 2 2
a1=$(e2e_wait_addr 1 15)
a2=$(e2e_wait_addr 2 15)
check "both nodes have addresses ($a1, $a2)" [ -n "$a1" -a -n "$a2" ]
h1=$(echo "$a1" | cut -d: -f1-4)
h2=$(echo "$a2" | cut -d: -f1-4)
check "ping CN -> MN1" ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$a1"
check "ping CN -> MN2" ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$a2"

# de-registration
# the node leaves (radio off, so it cannot re-attach by sending) and the
# access point's hook tells MAG1
ip -n ${P}sw link set mn1 down
t0=$(date +%s%N)
check "xpmipctl detach MN1 at MAG1" e2e_detach 1 1
sleep 0.3
check "LMA keeps MN1's entry during MinDelayBeforeBCEDelete, deleting" \
	[ "$(state "$h1")" = deleting ]
e0=$(encap)
i0=$(inactive)
ip netns exec ${P}cn ping -c 3 -i 0.2 -w 1 "$a1" > /dev/null 2>&1
e1=$(encap)
i1=$(inactive)
echo "# during the delay: lma_encap $e0 -> $e1, drop_inactive $i0 -> $i1"
check "during the delay the LMA drops MN1's downlink (drop_inactive +3)" \
	[ "$((${i1:-0} - ${i0:-0}))" -ge 3 ]
check "during the delay nothing is tunnelled to MAG1" [ "$e1" = "$e0" ]
check "and the entry is still there, deleting" [ "$(state "$h1")" = deleting ]
gone=""
for _ in $(seq 100); do
	present "$h1" || { gone=$(date +%s%N); break; }
	sleep 0.1
done
check "LMA deletes MN1's entry after the delay" [ -n "$gone" ]
if [ -n "$gone" ]; then
	ms=$(((gone - t0) / 1000000))
	echo "# entry deleted ${ms} ms after detach (MinDelayBeforeBCEDelete ${DELAY_MS} ms)"
	check "not before MinDelayBeforeBCEDelete (${ms} ms >= $DELAY_MS)" \
		[ $ms -ge $DELAY_MS ]
fi
e0=$(encap)
ip netns exec ${P}cn ping -c 3 -i 0.2 -W 1 "$a1" > /dev/null 2>&1
check "LMA no longer tunnels MN1's prefix (lma_encap $e0 -> $(encap))" \
	[ "$(encap)" = "$e0" ]
check "MN2 unaffected: ping CN -> MN2" \
	ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$a2"

# re-attach during the delay revives the entry and its forwarding
ip -n ${P}sw link set mn1 up
check "MN1 attaches at MAG1 again" e2e_attach 1 1
a1=$(e2e_wait_addr 1 15)
check "ping CN -> MN1 after the new attachment" \
	ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$a1"
h1=$(echo "$a1" | cut -d: -f1-4)
ip -n ${P}sw link set mn1 down
check "MN1 detached from MAG1 again" e2e_detach 1 1
sleep 0.3
check "MN1's entry is deleting" [ "$(state "$h1")" = deleting ]
created() {
	E2E_VERB=stats e2e_json lma "j['lma']['bce_created']"
}
c0=$(created)
ip -n ${P}sw link set mn1 up
check "MN1 re-attaches at MAG1 during the delay" e2e_attach 1 1
st=""
for _ in $(seq 20); do
	st=$(state "$h1")
	[ "$st" = bound ] && break
	sleep 0.1
done
check "the LMA revives MN1's entry (state $st)" [ "$st" = bound ]
check "the same entry, not a new one (bce_created $c0 -> $(created))" \
	[ -n "$c0" -a "$(created)" = "$c0" ]
e0=$(encap)
check "ping CN -> MN1 after the revival" \
	ip netns exec ${P}cn ping -c 3 -i 0.2 -W 2 "$a1"
check "LMA tunnels MN1's downlink again (lma_encap $e0 -> $(encap))" \
	[ "$(encap)" -ge $((${e0:-0} + 3)) ]
sleep $((DELAY_MS / 1000 + 1))
check "the entry outlives the old delay, bound" [ "$(state "$h1")" = bound ]
check "ping CN -> MN1 after the old delay" \
	ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 "$a1"

# MAG2 dies without a goodbye
t0=$(date +%s)
e2e_kill mag2 KILL
check "MN2's binding survives while its lifetime runs" present "$h2"
gone=""
for _ in $(seq 200); do
	present "$h2" || { gone=$(date +%s); break; }
	sleep 0.1
done
check "LMA expires MN2's binding when MAG2 stops refreshing" [ -n "$gone" ]
[ -n "$gone" ] && echo "# MN2's binding expired $((gone - t0)) s after MAG2 was killed (lifetime $LIFETIME s)"
check "within the lifetime plus 2 s" \
	[ -n "$gone" -a "$(( ${gone:-0} - t0))" -le $((LIFETIME + 2)) ]
check "LMA holds only MN1's binding" [ "$(e2e_lma_count)" = 1 ]

e2e_end 4
[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs
tap_done
