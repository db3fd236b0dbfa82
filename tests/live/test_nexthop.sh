#!/bin/bash
# Next-hop monitor (user/nexthop.c) against real routes and neighbours in a
# network namespace: the entry for a tunnel peer appears, follows a
# neighbour's new MAC, an MTU change and a route change, and goes away with
# its route, its neighbour, or the last reference to the peer.
#
# The monitor (tests/tools/nh_watch.c) writes the "nexthops" map of a data
# plane instance it opens, and prints each change; the test checks both.
# Namespaces: xpnh-gw-PID (the gateway running the monitor) and xpnh-nb-PID
# (its neighbours), linked by two veth pairs.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${XPMIP_BUILD:-$PWD/build}
WATCH=${NH_WATCH:-$BUILD/tools/nh_watch}
GW=xpnh-gw-$$
NB=xpnh-nb-$$
TMP=$(mktemp -d /tmp/xpnh.XXXXXX)
LOG=$TMP/watch.log
WPID=

cleanup() {
	exec 3>&- 2>/dev/null
	[ -n "$WPID" ] && kill "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
	ip netns del "$GW" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ] || [ ! -x "$WATCH" ]; then
	skip "needs root and $WATCH"
	tap_done
	exit
fi

gw() { ip netns exec "$GW" "$@"; }
nb() { ip netns exec "$NB" "$@"; }

ip netns add "$GW" && ip netns add "$NB" || { fail "make namespaces"; tap_done; exit; }
gw ip link set lo up
nb ip link set lo up
gw ip link add a1 type veth peer name b1 netns "$NB"
gw ip link add a2 type veth peer name b2 netns "$NB"
gw ip link set a1 address 02:00:00:00:a1:00
gw ip link set a2 address 02:00:00:00:a2:00
nb ip link set b1 address 02:00:00:00:b1:00
gw ip -6 addr add 2001:db8:1::10/64 dev a1 nodad
gw ip -6 addr add 2001:db8:2::10/64 dev a2 nodad
nb ip -6 addr add 2001:db8:1::3/64 dev b1 nodad
for l in a1 a2; do gw ip link set "$l" up; done
for l in b1 b2; do nb ip link set "$l" up; done
A1=$(gw cat /sys/class/net/a1/ifindex)
A2=$(gw cat /sys/class/net/a2/ifindex)
# wait for carrier, so the links count as usable egress
for _ in $(seq 50); do
	gw ip link show a2 | grep -q LOWER_UP && break
	sleep 0.1
done

P1=2001:db8:1::2	# on-link peer, static neighbour
P2=2001:db8:9::5	# peer behind a router
P3=2001:db8:1::3	# on-link peer resolved by neighbour discovery
gw ip -6 neigh replace $P1 lladdr 02:00:00:00:01:02 dev a1 nud permanent
gw ip -6 neigh replace 2001:db8:1::1 lladdr 02:00:00:00:01:01 dev a1 nud permanent
gw ip -6 neigh replace 2001:db8:2::1 lladdr 02:00:00:00:02:01 dev a2 nud permanent
# probe a stale neighbour quickly (defaults: 5 s delay, 3 probes 1 s apart)
gw sysctl -qw net.ipv6.neigh.a1.delay_first_probe_time=1
gw sysctl -qw net.ipv6.neigh.a1.retrans_time_ms=200
gw sysctl -qw net.ipv6.neigh.a1.ucast_solicit=2

mkfifo "$TMP/cmd"
gw "$WATCH" --seconds 60 --instance "xpnh-$$" < "$TMP/cmd" > "$LOG" \
	2> "$TMP/watch.err" &
WPID=$!
exec 3> "$TMP/cmd"

MARK=0
mark() { MARK=$(wc -l < "$LOG"); }
# expect NAME REGEX: a line matching REGEX appears after the last mark
expect() {
	local name=$1 re=$2 i
	for i in $(seq 50); do
		if tail -n +$((MARK + 1)) "$LOG" | grep -qE "$re"; then
			ok "$name"
			return
		fi
		sleep 0.1
	done
	fail "$name (wanted /$re/)"
	sed 's/^/# /' "$LOG" | tail -n 5
}
# absent NAME REGEX: no such line within a second of the last mark
absent() {
	sleep 1
	if tail -n +$((MARK + 1)) "$LOG" | grep -qE "$2"; then
		fail "$1"
	else
		ok "$1"
	fi
}
cmd() { echo "$*" >&3; }

# map_entry PEER: the map's entry for PEER as "if=N mtu=N dmac=MAC", or "none"
map_entry() {
	local key
	key=$(python3 -c 'import ipaddress, sys
print(" ".join("%02x" % b for b in ipaddress.IPv6Address(sys.argv[1]).packed))' "$1")
	bpftool -j map lookup id "$MAPID" key hex $key 2>/dev/null |
		python3 -c 'import json, sys
try:
	v = json.load(sys.stdin)["formatted"]["value"]
except Exception:
	print("none"); sys.exit()
print("if=%d mtu=%d dmac=%s" % (v["ifindex"], v["mtu"],
	":".join("%02x" % b for b in v["dmac"])))'
}
# map_is NAME PEER WANT: the map holds WANT for PEER
map_is() {
	local got
	got=$(map_entry "$2")
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		fail "$1 (map has '$got', wanted '$3')"
	fi
}

for _ in $(seq 50); do
	grep -q '^map nexthops id' "$LOG" && break
	sleep 0.1
done
MAPID=$(sed -n 's/^map nexthops id \([0-9]*\)$/\1/p' "$LOG")
if [ -z "$MAPID" ]; then
	fail "data plane instance opened"
	sed 's/^/# /' "$TMP/watch.err" | tail -n 5
	tap_done
	exit
fi
ok "data plane instance opened"

mark; cmd add $P1
expect "on-link peer resolved from its neighbour" \
	"^set $P1 if=$A1 mtu=1500 dmac=02:00:00:00:01:02 smac=02:00:00:00:a1:00$"
map_is "map entry written" $P1 "if=$A1 mtu=1500 dmac=02:00:00:00:01:02"

mark; gw ip -6 neigh replace $P1 lladdr 02:00:00:00:01:99 dev a1 nud permanent
expect "neighbour changes MAC: entry follows" \
	"^set $P1 if=$A1 mtu=1500 dmac=02:00:00:00:01:99 "
map_is "map entry has the new MAC" $P1 "if=$A1 mtu=1500 dmac=02:00:00:00:01:99"

mark; gw ip link set a1 mtu 1400
expect "egress MTU change: entry follows" "^set $P1 if=$A1 mtu=1400 "

gw ip -6 route add 2001:db8:9::/64 via 2001:db8:1::1 dev a1
mark; cmd add $P2
expect "peer behind a router: gateway's MAC" \
	"^set $P2 if=$A1 mtu=1400 dmac=02:00:00:00:01:01 "

mark; gw ip -6 route replace 2001:db8:9::/64 via 2001:db8:2::1 dev a2
expect "route changes: new interface and gateway" \
	"^set $P2 if=$A2 mtu=1500 dmac=02:00:00:00:02:01 smac=02:00:00:00:a2:00$"
map_is "map entry follows the route" $P2 "if=$A2 mtu=1500 dmac=02:00:00:00:02:01"

mark; gw ip -6 route add 2001:db8:9::5/128 via 2001:db8:1::1 dev a1
expect "more specific route wins" "^set $P2 if=$A1 mtu=1400 dmac=02:00:00:00:01:01 "

mark; gw ip -6 route del 2001:db8:9::5/128
expect "more specific route removed: back to the /64" "^set $P2 if=$A2 "

mark; cmd add $P2; cmd del $P2
absent "peer still referenced: entry kept" "^unset $P2$"

mark; gw ip -6 route del 2001:db8:9::/64
expect "route goes away: entry removed" "^unset $P2$"
map_is "map entry gone with the route" $P2 none

mark; gw ip -6 route add 2001:db8:9::/64 via 2001:db8:2::1 dev a2
expect "route comes back: entry again" "^set $P2 if=$A2 "

mark; gw ip -6 neigh del $P1 dev a1
expect "neighbour deleted: entry removed" "^unset $P1$"

mark; cmd add $P3
expect "unresolved peer accepted" "^done add $P3 rc=0$"
absent "no entry before neighbour discovery" "^set $P3 "
mark; gw ping -6 -c 1 -W 2 $P3 > /dev/null 2>&1
expect "neighbour discovery resolves the peer" \
	"^set $P3 if=$A1 mtu=1400 dmac=02:00:00:00:b1:00 "

# A neighbour that changes its MAC silently: the map keeps the stale MAC
# (forwarded packets never confirm it) until nh_mon_confirm() has the
# kernel probe it; the probe fails, the entry goes, and the next
# resolution learns the new MAC.
gw ip -6 neigh change $P3 lladdr 02:00:00:00:b1:00 dev a1 nud stale
nb ip link set b1 address 02:00:00:00:b1:77
mark; cmd confirm
expect "stale neighbour probed on confirm: entry removed" "^unset $P3$"
mark; gw ping -6 -c 1 -W 2 $P3 > /dev/null 2>&1
expect "resolved again with the new MAC" \
	"^set $P3 if=$A1 mtu=1400 dmac=02:00:00:00:b1:77 "

mark; gw ip link set a2 down
expect "egress link down: entry removed" "^unset $P2$"

mark; cmd del $P2; cmd del $P3
expect "last reference gone: entry removed" "^unset $P3$"
map_is "map entry gone with the peer" $P3 none

if kill -0 "$WPID" 2>/dev/null; then ok "monitor still running"; else fail "monitor still running"; fi
tap_done
