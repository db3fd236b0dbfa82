#!/bin/bash
# Live data-plane test: real veths in namespaces, programs attached by our
# own loader (build/tools/xpdp over user/dataplane.c), maps filled by the
# test, real packets CN -> LMA -> MAG -> MN and back.
#
#   cn0 ---- lma-cn [LMA] lma-core ---- mag-core [MAG] mag-acc ---- mn0
#   CN 2001:db8:cc::5   LMAA 2001:db8:ff::1  proxy-CoA 2001:db8:ff::2
#   MN 2001:db8:100:1::10 (home network prefix 2001:db8:100:1::/64)
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${XPMIP_BUILD:-$PWD/build}
XPDP=$BUILD/tools/xpdp

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi
if [ ! -x "$XPDP" ]; then
	fail "build/tools/xpdp missing (run make)"
	tap_done
	exit 1
fi

S=$$
CN=xpdp-cn-$S LMA=xpdp-lma-$S MAG=xpdp-mag-$S MN=xpdp-mn-$S MN2=xpdp-mn2-$S
LI=xpdp-live-lma-$S MI=xpdp-live-mag-$S
LMAA=2001:db8:ff::1 PCOA=2001:db8:ff::2 CNA=2001:db8:cc::5
HNP=2001:db8:100:1:: MNA=2001:db8:100:1::10
MN_MAC=02:00:00:00:33:01 GW_MAC=02:00:00:00:33:fe

cleanup() {
	for ns in $CN $LMA $MAG $MN $MN2; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/sys/fs/bpf/xpmip/$LI" "/sys/fs/bpf/xpmip/$MI"
}
trap cleanup EXIT

# XPDP_XDP_MODE=generic|native|auto (default auto: native on veths)
MODE=${XPDP_XDP_MODE:-auto}
lma() { "$XPDP" -n "$LMA" -r lma -I "$LI" -a $LMAA -m 1024 -x $MODE "$@"; }
mag() { "$XPDP" -n "$MAG" -r mag -I "$MI" -a $PCOA -m 1024 -x $MODE "$@"; }
inns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# knob NS NAME VALUE: an IPv6 sysctl of the namespace (no procps needed)
knob() { ip netns exec "$1" sh -c "echo $3 > /proc/sys/net/ipv6/conf/$2"; }
stat_of() { awk -v r="$1" '$1 == r { print $2 }'; }

# tcp_check NAME FROM_NS TO_NS TO_ADDR: 4 MB over TCP, bounded in time
tcp_check() {
	local name=$1 from=$2 to=$3 addr=$4 rx rp
	rx=$(mktemp)
	inns "$to" timeout 20 /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 5001)); s.listen(1); s.settimeout(10)
c, _ = s.accept(); c.settimeout(10); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
print(n)' > "$rx" 2>&1 &
	rp=$!
	sleep 0.5
	inns "$from" timeout 15 /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5001), timeout=5)
s.sendall(b"x" * (4 << 20)); s.close()' "$addr" > /dev/null 2>&1
	wait $rp
	if [ "$(cat "$rx")" = $((4 << 20)) ]; then
		ok "$name"
	else
		fail "$name: $(tail -1 "$rx")"
	fi
	rm -f "$rx"
}

setup() {
	local ns
	for ns in $CN $LMA $MAG $MN $MN2; do
		ip netns add "$ns" || return 1
		inns "$ns" ip link set lo up
		knob "$ns" all/accept_dad 0
		knob "$ns" default/accept_dad 0
	done
	ip link add cn0 netns $CN type veth peer name lma-cn netns $LMA &&
	ip link add lma-core netns $LMA type veth peer name mag-core \
		netns $MAG &&
	ip link add mag-acc netns $MAG address $GW_MAC type veth \
		peer name mn0 netns $MN address $MN_MAC &&
	ip link add mag-acc2 netns $MAG type veth peer name mn0 \
		netns $MN2 address 02:00:00:00:44:01 || return 1
	inns $CN ip link set cn0 up
	inns $CN ip -6 addr add $CNA/64 dev cn0 nodad
	inns $CN ip -6 route add default via 2001:db8:cc::1
	knob $LMA all/forwarding 1
	inns $LMA ip link set lma-cn up
	inns $LMA ip link set lma-core up
	inns $LMA ip -6 addr add 2001:db8:cc::1/64 dev lma-cn nodad
	inns $LMA ip -6 addr add $LMAA/64 dev lma-core nodad
	# the home prefixes leave by lma-core, where tc_lma_egress tunnels
	# them; the next hop is a placeholder that is never resolved
	inns $LMA ip -6 neigh add fe80::dead lladdr 02:00:00:00:de:ad \
		dev lma-core nud permanent
	inns $LMA ip -6 route add 2001:db8:100::/48 via fe80::dead \
		dev lma-core mtu 1460
	knob $MAG all/forwarding 1
	inns $MAG ip link set mag-core up
	inns $MAG ip link set mag-acc up
	inns $MAG ip link set mag-acc2 up
	inns $MAG ip -6 addr add $PCOA/64 dev mag-core nodad
	inns $MAG ip -6 addr add fe80::1/64 dev mag-acc nodad
	inns $MN ip link set mn0 up
	inns $MN ip -6 addr add $MNA/64 dev mn0 nodad
	inns $MN ip -6 addr add 2001:db8:999::1/64 dev mn0 nodad
	inns $MN ip -6 route add default via fe80::1 dev mn0
	inns $MN2 ip link set mn0 up
	# a veth hands its own host's packets on with the checksum still
	# to do (CHECKSUM_PARTIAL); XDP turns them into frames and the
	# checksum is never done.  On a wire the sender's NIC has done it.
	inns $CN ethtool -K cn0 tx off > /dev/null &&
	inns $MN ethtool -K mn0 tx off > /dev/null &&
	inns $LMA ethtool -K lma-core tx off > /dev/null || return 1
	# redirects into a veth need NAPI on its peer: an XDP program
	"$XPDP" -n $CN xdp-pass cn0 && "$XPDP" -n $MN xdp-pass mn0 &&
	"$XPDP" -n $MN2 xdp-pass mn0
}

if ! setup; then
	fail "topology setup"
	tap_done
	exit 1
fi
ok "topology setup"

check "lma: attach lma-cn" lma attach lma-cn core
check "lma: attach lma-core" lma attach lma-core core
check "mag: attach mag-core (core)" mag attach mag-core core
check "mag: attach mag-acc (access)" mag attach mag-acc access
check "mag: attach mag-acc2 (access)" mag attach mag-acc2 access
check "lma: binding $HNP/64 -> $PCOA" lma binding $HNP $PCOA
check "mag: binding $HNP/64 -> $LMAA" \
	mag binding $HNP $LMAA $MN_MAC $GW_MAC mag-acc
check "mag: mobile node $MN_MAC on mag-acc" mag mn mag-acc $MN_MAC $HNP

check "attaching over a foreign xdp program is refused" \
	bash -c "! $XPDP -n $CN -r lma -I $LI -a $LMAA -m 1024 attach cn0 core 2>/dev/null"

# CN -> MN and back, next hops from the FIB (neighbours resolve via the
# stack on the first packets)
check "ping CN -> MN through the tunnel (fib next hops)" \
	inns $CN ping -6 -q -c 3 -i 0.2 -W 2 $MNA
ls=$(lma stats) ms=$(mag stats)
for r in lma_encap lma_decap; do
	n=$(stat_of $r <<<"$ls")
	if [ "${n:-0}" -ge 2 ]; then ok "lma counted $r ($n)"
	else fail "lma counted $r (${n:-none})"; fi
done
for r in mag_encap mag_decap; do
	n=$(stat_of $r <<<"$ms")
	if [ "${n:-0}" -ge 2 ]; then ok "mag counted $r ($n)"
	else fail "mag counted $r (${n:-none})"; fi
done
b=$(lma show $HNP)
if [[ "$b" =~ up_packets=([0-9]+).*down_packets=([0-9]+) ]] &&
   [ "${BASH_REMATCH[1]}" -ge 3 ] && [ "${BASH_REMATCH[2]}" -ge 3 ]; then
	ok "lma binding counters ($b)"
else
	fail "lma binding counters ($b)"
fi

# what arrives at the MN: the inner packet, hop limit 64 - 2 routers
cap=$(mktemp)
inns $MN timeout 5 tcpdump -l -n -v -i mn0 -c 1 \
	"icmp6 and ip6[40] == 128" > "$cap" 2>/dev/null &
tp=$!
sleep 1
inns $CN ping -6 -q -c 1 -W 2 -t 64 $MNA > /dev/null
wait $tp
if grep -q "hlim 62" "$cap" && grep -q "$CNA > $MNA" "$cap"; then
	ok "MN receives the inner packet with hop limit 62"
else
	fail "MN receives the inner packet with hop limit 62: $(head -2 "$cap")"
fi
rm -f "$cap"

# next hops from the control plane's map
lma_mac=$(inns $LMA cat /sys/class/net/lma-core/address)
core_mac=$(inns $MAG cat /sys/class/net/mag-core/address)
check "lma: nexthop for $PCOA" \
	lma nexthop $PCOA lma-core "$core_mac" "$lma_mac" 1500
check "mag: nexthop for $LMAA" \
	mag nexthop $LMAA mag-core "$lma_mac" "$core_mac" 1500
check "ping CN -> MN through the tunnel (map next hops)" \
	inns $CN ping -6 -q -c 3 -i 0.2 -W 2 $MNA

# a restart: new programs replace ours in place, maps and counters stay
before=$(lma stats | stat_of lma_encap)
id1=$(inns $LMA ip -j link show lma-cn | grep -o '"prog":{"id":[0-9]*' |
	grep -o '[0-9]*$' | head -1)
check "lma: re-attach lma-cn (restart replaces our program)" \
	lma attach lma-cn core
id2=$(inns $LMA ip -j link show lma-cn | grep -o '"prog":{"id":[0-9]*' |
	grep -o '[0-9]*$' | head -1)
if [ -n "$id1" ] && [ -n "$id2" ] && [ "$id1" != "$id2" ]; then
	ok "xdp program replaced ($id1 -> $id2)"
else
	fail "xdp program replaced (${id1:-none} -> ${id2:-none})"
fi
check "ping CN -> MN after the restart" \
	inns $CN ping -6 -q -c 2 -i 0.2 -W 2 $MNA
after=$(lma stats | stat_of lma_encap)
if [ "${after:-0}" -ge $((before + 2)) ]; then
	ok "stats kept across the restart ($before -> $after)"
else
	fail "stats kept across the restart ($before -> ${after:-none})"
fi

# the LMA's own packets to a home prefix go out through tc egress
check "ping LMA -> MN (tc egress encapsulation)" \
	inns $LMA ping -6 -q -c 2 -i 0.2 -W 2 $MNA
n=$(lma stats | stat_of tc_encap)
if [ "${n:-0}" -ge 2 ]; then ok "lma counted tc_encap ($n)"
else fail "lma counted tc_encap (${n:-none})"; fi

# tc egress toward a MAG whose neighbour is not resolved yet:
# bpf_redirect_neigh lets the kernel resolve it
check "lma: drop the nexthop entry for $PCOA" lma unnexthop $PCOA
inns $LMA ip -6 neigh flush dev lma-core
before=$(lma stats | stat_of pass_neigh)
check "ping LMA -> MN with the MAG's neighbour unresolved" \
	inns $LMA ping -6 -q -c 2 -i 0.2 -W 2 $MNA
after=$(lma stats | stat_of pass_neigh)
if [ "${after:-0}" -ge $((before + 1)) ]; then
	ok "tc egress handed the first packet to the neighbour layer"
else
	fail "tc egress handed the first packet to the neighbour layer" \
		"($before -> ${after:-none})"
fi
inns $LMA ip -6 neigh replace fe80::dead lladdr 02:00:00:00:de:ad \
	dev lma-core nud permanent

# TCP: 4 MB through the tunnel, from the LMA itself through tc_lma_egress
tcp_check "TCP 4 MB LMA -> MN (tc_lma_egress)" $LMA $MN $MNA
tcp_check "TCP 4 MB CN -> MN (xdp both ways)" $CN $MN $MNA
tcp_check "TCP 4 MB MN -> CN (xdp both ways)" $MN $CN $CNA

# oversize: Packet Too Big from the LMA, the CN learns MTU 1460
inns $CN ping -6 -q -c 1 -W 1 -s 1452 -M do $MNA > /dev/null 2>&1
n=$(lma stats | stat_of ptb_sent)
if [ "${n:-0}" -ge 1 ]; then ok "lma sent packet too big ($n)"
else fail "lma sent packet too big (${n:-none})"; fi
if inns $CN ip -6 route get $MNA | grep -q "mtu 1460"; then
	ok "CN learned path MTU 1460"
else
	fail "CN learned path MTU 1460: $(inns $CN ip -6 route get $MNA)"
fi
check "ping CN -> MN at the learned MTU (1412 + 48 bytes)" \
	inns $CN ping -6 -q -c 2 -i 0.2 -W 2 -s 1412 $MNA

# a spoofed source from the attached node is dropped at the MAG
before=$(mag stats | stat_of drop_spoofed_src)
inns $MN ping -6 -c 2 -i 0.2 -W 1 -I 2001:db8:999::1 $CNA > /dev/null 2>&1
after=$(mag stats | stat_of drop_spoofed_src)
if [ "$after" -ge $((before + 2)) ]; then
	ok "mag dropped spoofed sources ($before -> $after)"
else
	fail "mag dropped spoofed sources ($before -> $after)"
fi

# an unknown node's router solicitation raises one attach event
evf=$(mktemp)
timeout 10 "$XPDP" -n $MAG -r mag -I $MI -a $PCOA -m 1024 events 1 5000 \
	> "$evf" 2>&1 &
ep=$!
sleep 1
inns $MN2 ping -6 -c 3 -i 0.2 -W 1 ff02::2%mn0 > /dev/null 2>&1
wait $ep
if grep -q "event type=1 .*mac=02:00:00:00:44:01" "$evf"; then
	ok "attach event for the unknown MAC"
else
	fail "attach event for the unknown MAC: $(cat "$evf")"
fi
rm -f "$evf"
n=$(mag stats | stat_of event_rate_limited)
if [ "${n:-0}" -ge 1 ]; then ok "further attach events rate-limited ($n)"
else fail "further attach events rate-limited (${n:-none})"; fi

# the TC ingress fallback, for interfaces where XDP cannot attach
# (a restart in tc mode: our xdp program must go, not run alongside)
check "lma: re-attach lma-cn with the tc ingress fallback" \
	"$XPDP" -n $LMA -r lma -I $LI -a $LMAA -m 1024 -x tc attach lma-cn core
if inns $LMA ip link show lma-cn | grep -q "prog/xdp"; then
	fail "no xdp program on lma-cn in tc mode"
else
	ok "no xdp program on lma-cn in tc mode"
fi
check "tc_lma_ingress filter on lma-cn" \
	bash -c "ip netns exec $LMA tc filter show dev lma-cn ingress |
		grep -q tc_lma_ingress"
before=$(lma stats | stat_of lma_encap)
if [ "$MODE" = generic ]; then
	# generic XDP skips skbs a TC program redirected, even across a
	# veth pair: the MAG's xdp_mag_core would never see these
	skip "ping CN -> MN through tc ingress (generic xdp on the MAG)"
	skip "tc ingress counted lma_encap (generic xdp on the MAG)"
	skip "TCP 4 MB CN -> MN through tc ingress (generic xdp on the MAG)"
else
	check "ping CN -> MN through tc ingress" \
		inns $CN ping -6 -q -c 2 -i 0.2 -W 2 $MNA
	after=$(lma stats | stat_of lma_encap)
	if [ "${after:-0}" -ge $((before + 2)) ]; then
		ok "tc ingress counted lma_encap ($before -> $after)"
	else
		fail "tc ingress counted lma_encap ($before -> ${after:-none})"
	fi
	tcp_check "TCP 4 MB CN -> MN through tc ingress" $CN $MN $MNA
fi
check "lma: back to xdp on lma-cn" lma attach lma-cn core
check "tc_lma_ingress filter gone from lma-cn" \
	bash -c "! ip netns exec $LMA tc filter show dev lma-cn ingress |
		grep -q tc_lma_ingress"
check "ping CN -> MN through xdp again" \
	inns $CN ping -6 -q -c 2 -i 0.2 -W 2 $MNA

# removing the binding stops the tunnel
check "lma: unbind" lma unbind $HNP
check "no tunnel without a binding" \
	bash -c "! ip netns exec $CN ping -6 -c 1 -W 1 $MNA > /dev/null"

check "mag: detach mag-acc" mag detach mag-acc
if inns $MAG ip link show mag-acc | grep -q xdp; then
	fail "xdp program gone from mag-acc"
else
	ok "xdp program gone from mag-acc"
fi
check "destroy lma instance (unpin)" lma destroy
check "lma pins removed" test ! -e /sys/fs/bpf/xpmip/$LI
tap_done
