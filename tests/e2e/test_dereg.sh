#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# De-registration and expiry, with MinDelayBeforeBCEDelete = 2 s and a
# requested lifetime of 8 s:
#  - after xpmipctl detach at MAG1 the LMA keeps the entry for the delay,
#    then drops it and stops tunnelling the node's prefix to MAG1;
#  - when MAG2 dies without a goodbye (kill -9) its node's binding expires
#    at the LMA after the lifetime.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpe-dereg-
DELAY_MS=2000
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
present() {
	[ -n "$(e2e_lma_mag_of "$1:")" ]
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
sleep 0.5
check "LMA keeps MN1's entry during MinDelayBeforeBCEDelete" present "$h1"
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
check "LMA holds no binding" [ "$(e2e_lma_count)" = 0 ]

e2e_end 4
[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs
tap_done
