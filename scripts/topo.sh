#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The PMIPv6 test topology, in network namespaces joined by veths:
#
#   CN --- LMA ===transport bridge=== MAG1 --- air1 bridge --- MN...
#                                \=== MAG2 --- air2 bridge --- (MN moved)
#
# Namespaces (P = a caller-chosen prefix, e.g. xpe- for tests, xpdemo- for
# the demo, so parallel users never collide):
#   P cn    eth0     2001:db8:ff::2/64, default via the LMA
#   P lma   lma-cn   2001:db8:ff::1/64, lma-tr 2001:db8:1::1/64 (the LMAA)
#   P mag1  mag1-tr  2001:db8:1::11/64, mag1-acc (access, fe80::1,
#                    02:00:00:00:a1:01)
#   P mag2  mag2-tr  2001:db8:1::12/64, mag2-acc (access, fe80::1,
#                    02:00:00:00:a2:01)
#   P sw    the bridges: tr, air1, air2.  Each MN's peer port "mnI"
#           lives here; a handover moves that port from air1 to air2 the
#           way a radio would, without the MN's own interface going away.
#   P mnI   eth0, a plain host doing SLAAC (accept_ra=2, autoconf=1), MAC
#           02:00:00:01:HH:LL with HHLL = I in hex.  No mobility software.
#
# These are the names and addresses of the example configs in etc/.
#
# Use as a command:
#   scripts/topo.sh up PREFIX [N_MN] [spread]   build (MNs on MAG1, or
#                                               alternating with "spread")
#   scripts/topo.sh down PREFIX                 remove everything PREFIX*
#   scripts/topo.sh move PREFIX I MAG           move MN I to MAG 1 or 2
#   scripts/topo.sh plain PREFIX [N_MN]         up + plain kernel forwarding
#                                               (static routes, no daemon)
# or source it and call the topo_* functions.  A failing "up" removes what
# it built.  Processes left running inside the namespaces are killed by
# topo_down.

TOPO_LMAA=2001:db8:1::1
TOPO_MAG1=2001:db8:1::11
TOPO_MAG2=2001:db8:1::12
TOPO_CN=2001:db8:ff::2
TOPO_CN_GW=2001:db8:ff::1
TOPO_MAG_LL=fe80::1
TOPO_MAG1_MAC=02:00:00:00:a1:01
TOPO_MAG2_MAC=02:00:00:00:a2:01
# Plain-forwarding mode only: MN I gets 2001:db8:a:I::100/64, static.
TOPO_PLAIN_NET=2001:db8:a

topo_mn_mac() {
	printf '02:00:00:01:%02x:%02x\n' $(($1 >> 8 & 255)) $(($1 & 255))
}

topo_mag_mac() {
	if [ "$1" = 1 ]; then echo $TOPO_MAG1_MAC; else echo $TOPO_MAG2_MAC; fi
}

# topo_nsexec NS CMD...: run CMD in namespace NS (net namespace only, so
# the host's bpffs stays visible: pinned maps survive a daemon restart).
topo_nsexec() {
	local ns=$1
	shift
	nsenter --net=/run/netns/"$ns" -- "$@"
}

topo_down() {
	local p=${1:-} ns pid
	[ -n "$p" ] || return 1
	for ns in $(ip netns list | awk '{print $1}' | grep -F -- "$p"); do
		case $ns in "$p"*) ;; *) continue ;; esac
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
	done
	for ns in $(ip netns list | awk '{print $1}' | grep -F -- "$p"); do
		case $ns in "$p"*) ip netns del "$ns" 2>/dev/null ;; esac
	done
	return 0
}

# _topo_napi NS DEV...: give each veth NAPI.  A veth can only receive
# XDP_REDIRECTed frames (ndo_xdp_xmit from its peer) when it has NAPI, that
# is an XDP program or GRO; so every peer of an interface the data plane
# transmits on (the sw ports, the CN) gets an XDP_PASS program (xpdp
# xdp-pass).  GRO would do too but merges tunnelled TCP segments into
# super-packets the XDP programs then see whole; it is only the fallback
# when xpdp is not built.
TOPO_XPDP=${TOPO_XPDP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/tools/xpdp}
_topo_napi() {
	local ns=$1 d
	shift
	for d in "$@"; do
		if [ -x "$TOPO_XPDP" ]; then
			"$TOPO_XPDP" -n "$ns" xdp-pass "$d" && continue
		fi
		ip netns exec "$ns" ethtool -K "$d" gro on 2>/dev/null ||
			echo "topo: no NAPI on $ns/$d" >&2
	done
}

# _topo_host_csum NS: a host's own packets leave with a full checksum (no
# checksum offload), as they would on a wire; a veth otherwise hands on
# CHECKSUM_PARTIAL packets that XDP programs forward unfinished.
_topo_host_csum() {
	ip netns exec "$1" ethtool -K eth0 tx off > /dev/null 2>&1 ||
		echo "topo: cannot turn checksum offload off in $1" >&2
}

# _topo_sysctls NS: a router, or with "host" a SLAAC host
_topo_sysctls() {
	local ns=$1 kind=$2
	if [ "$kind" = router ]; then
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_ra=0 \
			net.ipv6.conf.default.autoconf=0 >/dev/null
	else
		# DAD off: it only adds a second per attach and tests nothing
		# of ours.  Everything else is a stock SLAAC host.
		ip netns exec "$ns" sysctl -qw \
			net.ipv6.conf.default.accept_ra=2 \
			net.ipv6.conf.default.autoconf=1 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.dad_transmits=0 \
			net.ipv6.conf.default.router_solicitation_delay=0 \
			net.ipv6.conf.default.router_solicitation_interval=1 \
			net.ipv6.conf.default.router_solicitations=3 >/dev/null
	fi
}

# topo_add_mns P FIRST LAST [spread]: add MNs FIRST..LAST
topo_add_mns() {
	local p=$1 first=$2 last=$3 spread=${4:-} i mag batch
	batch=$(mktemp)
	for ((i = first; i <= last; i++)); do
		echo "netns add ${p}mn$i"
	done > "$batch"
	ip -b "$batch" || { rm -f "$batch"; return 1; }
	for ((i = first; i <= last; i++)); do
		ip netns exec "${p}mn$i" sh -c "ip link set lo up;
			sysctl -qw net.ipv6.conf.default.accept_ra=2 \
			net.ipv6.conf.default.autoconf=1 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.dad_transmits=0 \
			net.ipv6.conf.default.router_solicitation_delay=0 \
			net.ipv6.conf.default.router_solicitation_interval=1 \
			net.ipv6.conf.default.router_solicitations=3" \
			>/dev/null || { rm -f "$batch"; return 1; }
	done
	for ((i = first; i <= last; i++)); do
		mag=1
		[ -n "$spread" ] && [ $((i % 2)) = 0 ] && mag=2
		echo "link add mn$i type veth peer name eth0 netns ${p}mn$i"
		echo "link set mn$i master air$mag"
		echo "link set mn$i up"
	done > "$batch"
	ip -n "${p}sw" -b "$batch" || { rm -f "$batch"; return 1; }
	for ((i = first; i <= last; i++)); do
		echo "-n ${p}mn$i link set eth0 address $(topo_mn_mac $i) up"
	done > "$batch"
	# ip -b has no per-line -n: one ip per node, but no shell.
	while read -r _ ns rest; do
		# shellcheck disable=SC2086
		ip -n "$ns" $rest || { rm -f "$batch"; return 1; }
		_topo_host_csum "$ns"
	done < "$batch"
	rm -f "$batch"
}

topo_up() {
	local p=$1 n=${2:-1} spread=${3:-} ns m
	[ -n "$p" ] || { echo "topo: no prefix" >&2; return 1; }
	topo_down "$p"
	for ns in cn lma mag1 mag2 sw; do
		ip netns add "$p$ns" || return 1
		ip -n "$p$ns" link set lo up || return 1
	done
	# the switch is pure layer 2: no IPv6 on bridges or ports, or the
	# bridges' own RS, MLD and DAD frames look like nodes to the MAGs
	ip netns exec "${p}sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 > /dev/null || return 1
	_topo_sysctls "${p}lma" router
	_topo_sysctls "${p}mag1" router
	_topo_sysctls "${p}mag2" router
	_topo_sysctls "${p}cn" host
	ip netns exec "${p}cn" sysctl -qw net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.default.autoconf=0

	# Bridges: no STP, no forwarding delay, no multicast snooping, so
	# a moved port forwards at once and RS/RA/NS always flood.
	for m in tr air1 air2; do
		ip -n "${p}sw" link add "$m" type bridge forward_delay 0 \
			stp_state 0 mcast_snooping 0 || return 1
		ip -n "${p}sw" link set "$m" up || return 1
	done

	# CN <-> LMA
	ip -n "${p}cn" link add eth0 type veth peer name lma-cn \
		netns "${p}lma" || return 1
	_topo_napi "${p}cn" eth0
	_topo_host_csum "${p}cn"
	ip -n "${p}cn" addr add $TOPO_CN/64 dev eth0 nodad
	ip -n "${p}cn" link set eth0 up
	ip -n "${p}cn" route add default via $TOPO_CN_GW
	ip -n "${p}lma" addr add $TOPO_CN_GW/64 dev lma-cn nodad
	ip -n "${p}lma" link set lma-cn up

	# transport segment: LMA, MAG1, MAG2
	for m in lma mag1 mag2; do
		ip -n "${p}sw" link add "tr-$m" type veth peer name "$m-tr" \
			netns "$p$m" || return 1
		ip -n "${p}sw" link set "tr-$m" master tr up
		ip -n "$p$m" link set "$m-tr" up
	done
	ip -n "${p}lma" addr add $TOPO_LMAA/64 dev lma-tr nodad
	_topo_napi "${p}sw" tr-lma tr-mag1 tr-mag2
	ip -n "${p}mag1" addr add $TOPO_MAG1/64 dev mag1-tr nodad
	ip -n "${p}mag2" addr add $TOPO_MAG2/64 dev mag2-tr nodad
	ip -n "${p}mag1" route add default via $TOPO_LMAA
	ip -n "${p}mag2" route add default via $TOPO_LMAA

	# access segments: MAG m's magm-acc on bridge air<m>, the same
	# link-local on both so a moving node sees no new router address.
	# Distinct MACs, so a node's packet socket tells which MAG sent.
	for m in 1 2; do
		ip -n "${p}sw" link add "acc-mag$m" type veth \
			peer name "mag$m-acc" netns "${p}mag$m" || return 1
		ip -n "${p}sw" link set "acc-mag$m" master "air$m" up
		_topo_napi "${p}sw" "acc-mag$m"
		ip -n "${p}mag$m" link set "mag$m-acc" \
			address "$(topo_mag_mac $m)" || return 1
		ip -n "${p}mag$m" link set "mag$m-acc" addrgenmode none
		ip -n "${p}mag$m" link set "mag$m-acc" up
		ip -n "${p}mag$m" addr add $TOPO_MAG_LL/64 \
			dev "mag$m-acc" nodad
	done

	topo_add_mns "$p" 1 "$n" "$spread" || return 1
}

# topo_add_host P NAME BRIDGE ADDR/PLEN: one more host (e.g. an attacker on
# the transport segment), interface eth0, on bridge BRIDGE of P sw
topo_add_host() {
	local p=$1 name=$2 br=$3 addr=$4
	ip netns add "$p$name" || return 1
	ip -n "$p$name" link set lo up
	ip -n "${p}sw" link add "h-$name" type veth peer name eth0 \
		netns "$p$name" || return 1
	ip -n "${p}sw" link set "h-$name" master "$br" up || return 1
	ip -n "$p$name" addr add "$addr" dev eth0 nodad || return 1
	ip -n "$p$name" link set eth0 up
}

# topo_move P I MAG: the radio link of MN I now reaches MAG 1 or 2
topo_move() {
	local p=$1 i=$2 mag=$3
	ip -n "${p}sw" link set "mn$i" master "air$mag"
}

# topo_mn_mag P I: which MAG MN I is on now
topo_mn_mag() {
	ip -n "${1}sw" -o link show "mn$2" | sed -n 's/.* master air\([12]\).*/\1/p'
}

# topo_mn_addr P I [PREFIX]: MN I's global address (first one, or the one
# inside PREFIX such as 2001:db8:5:1::), empty if none yet
topo_mn_addr() {
	ip -n "${1}mn$2" -6 -o addr show dev eth0 scope global -tentative |
		awk '{print $4}' | sed 's|/.*||' | grep -F -- "${3:-:}" | head -n 1
}

# topo_wait_addr P I TIMEOUT_S: wait for a global SLAAC address; print it
topo_wait_addr() {
	local p=$1 i=$2 t=${3:-10} a end
	end=$(($(date +%s) + t))
	while [ "$(date +%s)" -le "$end" ]; do
		a=$(topo_mn_addr "$p" "$i")
		[ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.1
	done
	return 1
}

# topo_plain P [N]: plain kernel forwarding instead of the daemons, for
# testing the harness itself: MN I gets 2001:db8:a:I::100/64 and the LMA
# routes that prefix to the MAG the node is on.
topo_plain() {
	local p=$1 n=${2:-1} i
	for ((i = 1; i <= n; i++)); do
		ip -n "${p}mn$i" addr add "$TOPO_PLAIN_NET:$i::100/64" \
			dev eth0 nodad || return 1
		ip -n "${p}mn$i" route add default via $TOPO_MAG_LL dev eth0
		ip -n "${p}mag1" route add "$TOPO_PLAIN_NET:$i::/64" \
			dev mag1-acc
		ip -n "${p}mag2" route add "$TOPO_PLAIN_NET:$i::/64" \
			dev mag2-acc
		ip -n "${p}lma" route add "$TOPO_PLAIN_NET:$i::/64" \
			via "$(topo_mag_addr "$(topo_mn_mag "$p" "$i")")"
	done
}

topo_mag_addr() {
	if [ "$1" = 1 ]; then echo $TOPO_MAG1; else echo $TOPO_MAG2; fi
}

# topo_plain_move P I MAG: plain mode handover: radio, then the route the
# LMA daemon would have changed, and the node forgets the old MAG's MAC.
topo_plain_move() {
	local p=$1 i=$2 mag=$3
	topo_move "$p" "$i" "$mag" || return 1
	ip -n "${p}lma" route replace "$TOPO_PLAIN_NET:$i::/64" \
		via "$(topo_mag_addr "$mag")"
	ip -n "${p}mn$i" neigh flush dev eth0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	cmd=${1:-}
	p=${2:-}
	[ -n "$p" ] || { echo "usage: $0 up|plain|down|move PREFIX ..." >&2; exit 2; }
	case $cmd in
	up|plain)
		trap 'topo_down "$p"' EXIT
		topo_up "$p" "${3:-1}" "${4:-}" || exit 1
		if [ "$cmd" = plain ]; then topo_plain "$p" "${3:-1}" || exit 1; fi
		trap - EXIT
		;;
	down) topo_down "$p" ;;
	move) topo_move "$p" "$3" "$4" ;;
	*) echo "usage: $0 up|plain|down|move PREFIX ..." >&2; exit 2 ;;
	esac
fi
