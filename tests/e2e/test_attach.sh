#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Attach, SLAAC address from the home network prefix, ping both ways, and
# 4 MB TCP transfers both ways: once with the RA's MTU option honoured,
# once with the node ignoring it (accept_ra_mtu=0), so that full-size
# packets only get through if the LMA and the MAG send Packet Too Big.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpe-att-

if ! e2e_begin $P 2; then
	e2e_dump_logs
	tap_done
	exit 1
fi
mac1=$(topo_mn_mac 1)

check "xpmipctl attach MN1 at MAG1" e2e_attach 1 1
addr=$(e2e_wait_addr 1 15)
check "MN1 has a SLAAC address from the LMA's pool ($addr)" [ -n "$addr" ]
hnp=$(echo "$addr" | cut -d: -f1-4)
check "LMA binds MN1's prefix to MAG1" \
	[ "$(e2e_lma_mag_of "$hnp:")" = "$TOPO_MAG1" ]
check "MAG1 shows MN1 bound" [ "$(e2e_json mag1 \
	"' '.join(n['state'] for n in j.get('nodes', []) if n['mac'].lower() == '$mac1')")" != "" ]
check "MN1 default router is the fixed MAG link-local" \
	sh -c "ip -n ${P}mn1 -6 route show default | grep -q 'via fe80::1'"
check "RA MTU option: access MTU minus tunnel overhead (1460)" \
	[ "$(topo_nsexec ${P}mn1 cat /proc/sys/net/ipv6/conf/eth0/mtu)" = 1460 ]
check "ping MN1 -> CN" ip netns exec ${P}mn1 ping -c 3 -i 0.2 -W 2 "$TOPO_CN"
check "ping CN -> MN1" ip netns exec ${P}cn ping -c 3 -i 0.2 -W 2 "$addr"
check "ping CN -> MN1, 1452-byte payload (fits 1460 after encap)" \
	ip netns exec ${P}cn ping -c 2 -i 0.2 -W 2 -s 1412 "$addr"

# 4 MB each way, checksum compared
T=$E2E_DIR
head -c 4000000 /dev/urandom > "$T/tx"
want=$(sha256sum < "$T/tx")
# tcp_xfer FROM TO ADDR NAME
tcp_xfer() {
	local from=$1 to=$2 dst=$3 port=$((5000 + RANDOM % 1000)) got
	rm -f "$T/rx"
	topo_nsexec "$P$to" timeout 30 socat -u \
		"TCP6-LISTEN:$port,reuseaddr" "OPEN:$T/rx,creat,trunc" &
	local lp=$!
	sleep 0.3
	topo_nsexec "$P$from" timeout 30 socat -u "OPEN:$T/tx" \
		"TCP6:[$dst]:$port"
	wait $lp
	got=$(sha256sum < "$T/rx" 2>/dev/null)
	[ "$got" = "$want" ]
}
ptb() {
	E2E_VERB=stats e2e_json "$1" \
		"j.get('dataplane', {}).get('ptb_sent', {}).get('packets', 0)"
}
check "TCP 4 MB CN -> MN1 (MSS from the RA MTU)" tcp_xfer cn mn1 "$addr"
check "TCP 4 MB MN1 -> CN" tcp_xfer mn1 cn "$TOPO_CN"

# Now the node ignores the RA MTU: 1500-byte packets must be answered with
# Packet Too Big by the LMA (downlink) and the MAG (uplink).
ip -n ${P}mn1 link set eth0 mtu 1500
topo_nsexec ${P}mn1 sysctl -qw net.ipv6.conf.eth0.accept_ra_mtu=0 \
	net.ipv6.conf.eth0.mtu=1500
# the RA-learnt default route carries the 1460 too: replace it
ip -n ${P}mn1 -6 route replace default via fe80::1 dev eth0
ip -n ${P}mn1 -6 route flush cache 2>/dev/null
ip -n ${P}cn -6 route flush cache 2>/dev/null
check "MN1 now sends 1500-byte packets toward the CN" \
	sh -c "ip -n ${P}mn1 -6 route get $TOPO_CN | grep -qv 'mtu 1460'"
lma_ptb0=$(ptb lma)
mag_ptb0=$(ptb mag1)
# uplink first: once the CN has learnt 1460 it advertises MSS 1400
check "TCP 4 MB MN1 -> CN with MTU 1500 (needs PTB from MAG1)" \
	tcp_xfer mn1 cn "$TOPO_CN"
# and the node forgets the 1460 MAG1 taught it, so it advertises MSS 1440
ip -n ${P}mn1 -6 route flush cache 2>/dev/null
check "TCP 4 MB CN -> MN1 with MSS 1440 (needs PTB from the LMA)" \
	tcp_xfer cn mn1 "$addr"
check "LMA counted Packet Too Big sent ($lma_ptb0 -> $(ptb lma))" \
	[ "$(ptb lma)" -gt "${lma_ptb0:-0}" ]
check "MAG1 counted Packet Too Big sent ($mag_ptb0 -> $(ptb mag1))" \
	[ "$(ptb mag1)" -gt "${mag_ptb0:-0}" ]
check "CN learnt the path MTU 1460 toward MN1" \
	sh -c "ip -n ${P}cn -6 route get $addr | grep -q 'mtu 1460'"

e2e_end 2
[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs
tap_done
