#!/bin/bash
# Live router advertisement test: user/ra.c (through tests/tools/ra_send)
# on a MAG namespace, two plain Linux nodes behind a bridge.  The node the
# MAG serves must configure an address from the advertised prefix by SLAAC,
# take the MTU option and the fixed router link-local/MAC; the other node
# must learn nothing (RAs go to the served node's MAC only); withdrawal must
# remove the default and on-link routes at once and the address when its
# advertised lifetime runs out.
#
# Namespaces xpa-<pid>-{mag,br,n1,n2}; everything is removed on exit.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${XPMIP_BUILD:-$PWD/build}
RA_SEND=$BUILD/tools/ra_send
P=xpa-$$
MAG=$P-mag BR=$P-br N1=$P-n1 N2=$P-n2
PREFIX=2001:db8:77:1
FIXED_MAC=02:00:00:aa:bb:cc
N1_MAC=02:00:00:00:01:01
N2_MAC=02:00:00:00:02:02
LIFETIME=20
LOG=$(mktemp /tmp/xpa-ra-live.XXXXXX)
RA_PID=

cleanup() {
	[ -n "$RA_PID" ] && kill "$RA_PID" 2>/dev/null && wait "$RA_PID" 2>/dev/null
	for ns in $MAG $BR $N1 $N2; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -f "$LOG"
}
trap cleanup EXIT

# wait_for SECS CMD...: poll CMD every 0.2 s until it succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while [ $SECONDS -lt $end ]; do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

if [ ! -x "$RA_SEND" ]; then
	fail "ra_send not built ($RA_SEND)"
	tap_done
	exit 1
fi

# topology: mag:xpa-m0 -- br -- n1:xpa-n1, n2:xpa-n2
setup() {
	local ns
	for ns in $MAG $BR $N1 $N2; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	ip -n $BR link add xpa-br0 type bridge mcast_snooping 0 || return 1
	ip netns exec $BR sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n $BR link set xpa-br0 up
	for pair in "$MAG xpa-m0 xpa-b0" "$N1 xpa-n1 xpa-b1" "$N2 xpa-n2 xpa-b2"; do
		set -- $pair
		ip -n $BR link add "$3" type veth peer name "$2" netns "$1" ||
			return 1
		ip -n $BR link set "$3" master xpa-br0 up
	done
	# the daemon gives every access interface the fixed MAG MAC
	ip -n $MAG link set xpa-m0 address $FIXED_MAC
	ip -n $MAG link set xpa-m0 up
	ip -n $N1 link set xpa-n1 address $N1_MAC
	ip -n $N2 link set xpa-n2 address $N2_MAC
	for n in "$N1 xpa-n1" "$N2 xpa-n2"; do
		set -- $n
		ip netns exec "$1" sysctl -qw \
			net.ipv6.conf."$2".accept_ra=2 \
			net.ipv6.conf."$2".autoconf=1 \
			net.ipv6.conf."$2".use_tempaddr=0 \
			net.ipv6.conf."$2".accept_dad=0 \
			net.ipv6.conf."$2".router_solicitation_interval=1 \
			net.ipv6.conf."$2".router_solicitations=5 \
			net.ipv6.neigh."$2".delay_first_probe_time=1 || return 1
	done
}

if ! setup; then
	fail "topology setup"
	tap_done
	exit 1
fi
ok "topology: mag, bridge, two nodes"

ip netns exec $MAG "$RA_SEND" -i xpa-m0 -P $PREFIX::/64 \
	-T $LIFETIME -r $N1_MAC -m $FIXED_MAC -x 10 -d 80 > "$LOG" 2>&1 &
RA_PID=$!
check "ra_send started" wait_for 5 grep -q "ready on xpa-m0" "$LOG"

# RFC 5213 §6.8: the fixed link-local, configured without DAD
check "fixed link-local fe80::1 on the MAG, not tentative" \
	bash -c "ip -n $MAG -6 addr show dev xpa-m0 | grep 'fe80::1/64' |
		grep -vq tentative"

ip -n $N1 link set xpa-n1 up
ip -n $N2 link set xpa-n2 up

n1_addr() {
	ip -n $N1 -6 addr show dev xpa-n1 scope global | grep -q "inet6 $PREFIX:"
}
check "n1 configures an address from the prefix (SLAAC)" wait_for 10 n1_addr
n1_default() {
	ip -n $N1 -6 route show default | grep -q "via fe80::1 dev xpa-n1"
}
check "n1 default route via fe80::1" n1_default
check "n1 takes the MTU option: 1500 - 40 = 1460" \
	bash -c "[ \"\$(ip netns exec $N1 cat /proc/sys/net/ipv6/conf/xpa-n1/mtu)\" = 1460 ]"
check "n1 sees the fixed MAG MAC for fe80::1 (SLLAO)" \
	bash -c "ip -n $N1 -6 neigh show fe80::1 dev xpa-n1 | grep -q 'lladdr $FIXED_MAC'"
ping_router() {
	ip netns exec $N1 ping -6 -c 1 -W 2 fe80::1%xpa-n1 -q > /dev/null
}
check "n1 reaches its router at fe80::1" ping_router

# a solicited RA, decoded by ndisc6's rdisc6
RD=$(ip netns exec $N1 timeout 10 rdisc6 -1 -w 3000 xpa-n1 2>&1)
echo "$RD" | sed 's/^/# /'
check "rdisc6: prefix $PREFIX::/64" \
	grep -q "Prefix *: $PREFIX::/64" <<< "$RD"
check "rdisc6: MTU 1460" grep -q "MTU *: *1460" <<< "$RD"
check "rdisc6: from fe80::1" grep -q "from fe80::1" <<< "$RD"
check "rdisc6: router lifetime 30 s (3 x MaxRtrAdvInterval)" \
	grep -qE "Router lifetime *: *30 " <<< "$RD"
check "rdisc6: valid lifetime follows the binding (<= $LIFETIME s)" \
	bash -c "grep -E 'Valid time *: *[0-9]+' <<< \"$RD\" |
		awk '{ exit !(\$4 <= $LIFETIME && \$4 > 0) }'"

# RFC 4861 §7.2.5: a neighbour advertisement without the Router flag would
# make the node drop its default route; ra_iface_add() enables
# forwarding on the access interface so the kernel sets it.  Make the node
# probe fe80::1 (stale entry, then traffic) and wait for the answer.
check "forwarding on the MAG access interface (set by ra_iface_add)" \
	bash -c "[ \"\$(ip netns exec $MAG cat /proc/sys/net/ipv6/conf/xpa-m0/forwarding)\" = 1 ]"
# every 0.2 s for 4 s: the default route is there and fe80::1 stays a router
router_stable() {
	local i
	for i in $(seq 20); do
		n1_default || return 1
		ip -n $N1 -6 neigh show fe80::1 dev xpa-n1 |
			grep -qE "REACHABLE|PROBE|DELAY|STALE" || return 1
		ip -n $N1 -6 neigh show fe80::1 dev xpa-n1 | grep -q router ||
			return 1
		sleep 0.2
	done
}
ip -n $N1 neigh change fe80::1 dev xpa-n1 lladdr $FIXED_MAC router nud stale
ping_router
check "n1 keeps fe80::1 as its default router through NUD" router_stable
ip -n $N1 -6 neigh show dev xpa-n1 | sed 's/^/# /'

# the node the MAG does not serve learns nothing
check "n2's RS was seen and ignored" \
	wait_for 5 grep -q "rs from $N2_MAC: not ours, ignored" "$LOG"
check "n2 has no address from the prefix" \
	bash -c "! ip -n $N2 -6 addr show dev xpa-n2 | grep -q '$PREFIX:'"
check "n2 has no default route" \
	bash -c "[ -z \"\$(ip -n $N2 -6 route show default)\" ]"

# hostile: 1500 RS from forged MACs and 300 malformed RS from n2
flood() {
	ip netns exec $N2 /usr/bin/python3 - <<'PY' 2>&1 | grep -v Warning
import random
from scapy.all import Ether, IPv6, ICMPv6ND_RS, ICMPv6NDOptSrcLLAddr, Raw, sendp
def mac():
    return "02:%02x:%02x:%02x:%02x:%02x" % tuple(random.randrange(256) for _ in range(5))
rs = IPv6(src="fe80::99", dst="ff02::2", hlim=255) / ICMPv6ND_RS()
frames = [Ether(src=mac(), dst="33:33:00:00:00:02") / rs for _ in range(1500)]
bad = []
for i in range(100):
    m = mac()
    e = Ether(src=m, dst="33:33:00:00:00:02")
    bad.append(e / IPv6(src="fe80::98", dst="ff02::2", hlim=64) / ICMPv6ND_RS())
    raw = bytearray(bytes(e / rs / ICMPv6NDOptSrcLLAddr(lladdr=m)))
    raw[-7] = 0                                  # SLLAO length 0
    bad.append(Ether(bytes(raw)))
    raw = bytearray(bytes(e / rs))
    raw[14 + 42] ^= 0xff                         # checksum
    bad.append(Ether(bytes(raw)))
sendp(frames + bad, iface="xpa-n2", verbose=0)
PY
}
FLOOD_T0=$(date +%s%N)
flood
FLOOD_MS=$((($(date +%s%N) - FLOOD_T0) / 1000000))
check "flood: ra_send alive" kill -0 $RA_PID
RD=$(ip netns exec $N1 timeout 10 rdisc6 -1 -w 3000 xpa-n1 2>&1)
check "flood: n1 still gets its RA" \
	grep -q "Prefix *: $PREFIX::/64" <<< "$RD"

# withdrawal (RFC 5213 §6.12): zero router and prefix lifetimes
kill -USR1 $RA_PID
no_default() { [ -z "$(ip -n $N1 -6 route show default)" ]; }
no_onlink() { [ -z "$(ip -n $N1 -6 route show $PREFIX::/64)" ]; }
deprecated() {
	ip -n $N1 -6 addr show dev xpa-n1 | grep -A1 "inet6 $PREFIX:" |
		grep -q "preferred_lft 0sec"
}
addr_gone() { ! n1_addr; }
check "withdrawal: n1's default route is gone" wait_for 5 no_default
check "withdrawal: n1's on-link prefix route is gone" wait_for 5 no_onlink
check "withdrawal: n1's address is deprecated" wait_for 5 deprecated
# RFC 4862 §5.5.3 e: the address lives out its remaining valid lifetime
check "withdrawal: n1's address is gone when its lifetime ends" \
	wait_for $((LIFETIME + 5)) addr_gone
ip -n $N1 -6 addr show dev xpa-n1 | sed 's/^/# /'

kill $RA_PID
wait $RA_PID
RA_PID=
sed 's/^/# /' "$LOG"
check "three zero-lifetime RAs were sent" grep -q "ra_withdraw_tx=3 " "$LOG"
check "no send errors" grep -q "ra_tx_err=0" "$LOG"
counter() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$LOG" | tail -1; }
echo "# rs_bad=$(counter rs_bad) rs_unknown=$(counter rs_unknown)" \
	"rs_unknown_dropped=$(counter rs_unknown_dropped)"
check "flood: all 300 malformed RS counted as bad" \
	bash -c "[ $(counter rs_bad) -ge 300 ]"
# a burst of 100, then 100/s while the flood lasted (plus slack)
CAP=$((100 + FLOOD_MS / 10 + 20))
check "flood: attach triggers capped by the token bucket (<= $CAP in ${FLOOD_MS} ms)" \
	bash -c "[ $(counter rs_unknown) -le $CAP ] && [ $(counter rs_unknown_dropped) -gt 0 ]"
tap_done
