#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The harness itself, with plain kernel forwarding instead of xpmipd: the
# topology builds, packets flow, a moved node is reached through the other
# MAG and udpstream sees the switch; teardown leaves nothing behind.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. scripts/topo.sh
B=${XPMIP_BUILD:-$PWD/build}
P=xpe-topo-
T=$(mktemp -d)
trap 'topo_down $P; rm -rf "$T"' EXIT

check "topology up (2 MNs)" topo_up $P 2
check "plain forwarding routes" topo_plain $P 2
check "CN reaches MN1" ip netns exec ${P}cn ping -c 1 -W 2 2001:db8:a:1::100
check "MN2 reaches CN" ip netns exec ${P}mn2 ping -c 1 -W 2 $TOPO_CN

# a 2 s stream at 1000 pps, MN1 moved to MAG2 in the middle
topo_nsexec ${P}mn1 "$B/tools/udpstream" recv -n 2000 -i eth0 \
	-m $TOPO_MAG1_MAC -m $TOPO_MAG2_MAC -c "$T/s.csv" -w "$T/ready" \
	-T 15 > "$T/recv.out" &
rpid=$!
for _ in $(seq 50); do [ -e "$T/ready" ] && break; sleep 0.1; done
(sleep 1; topo_plain_move $P 1 2) &
topo_nsexec ${P}cn "$B/tools/udpstream" send -d 2001:db8:a:1::100 \
	-n 2000 -r 1000 > "$T/send.out"
wait $rpid
wait
cat "$T/send.out" "$T/recv.out"
res=$(cat "$T/recv.out")
val() { echo "$res" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
check "stream started via MAG1" [ "$(val first_path)" = 1 ]
check "stream ended via MAG2" [ "$(val last_path)" = 2 ]
check "exactly one path switch" [ "$(val switches)" = 1 ]
check "no packet via MAG1 after the switch" [ "$(val old_after_switch)" = 0 ]
check "loss bounded (< 500 of 2000)" [ "$(val lost)" -lt 500 ]
check "MN1 now on MAG2" [ "$(topo_mn_mag $P 1)" = 2 ]
check "CSV has one row per arrival" \
	[ "$(($(wc -l < "$T/s.csv") - 1))" = "$(val received)" ]
check "plot data" sh -c "scripts/handover_dat.sh '$T/s.csv' \
	$(val switch_ns) > '$T/h.dat' && test -s '$T/h.dat'"
if command -v gnuplot > /dev/null; then
	check "plot renders" gnuplot -e "dat='$T/h.dat'; out='$T/h.png'" \
		scripts/plot_handover.gp
fi

topo_down $P
check "teardown leaves no namespace" \
	sh -c "! ip netns list | grep -q '^$P'"
tap_done
