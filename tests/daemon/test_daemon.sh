#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# xpmipd itself: configuration checking (file:line: reason, non-zero exit),
# an LMA and a MAG from the example configs in namespaces, a node attached
# through xpmipctl with its binding visible in the pinned map, restart after
# kill -9 of either daemon under a ping stream with no loss (also with the
# state file gone), privileges after setup, the detach triggers, a late
# interface, and what a clean stop leaves behind.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpd-
LIFETIME=8
T=$(mktemp -d /tmp/xpd-cfg.XXXXXX)
trap 'rm -rf "$T"; e2e_cleanup' EXIT
# private copies: a parallel `make` relinking build/ must not break restarts
if [ -x "$XPMIPD" ] && [ -x "$XPMIPCTL" ]; then
	cp "$XPMIPD" "$XPMIPCTL" "$T/"
	XPMIPD=$T/xpmipd
	XPMIPCTL=$T/xpmipctl
fi

# ---- configuration --------------------------------------------------

for f in etc/lma.conf etc/mag1.conf etc/mag2.conf; do
	out=$("$XPMIPD" -n -c $f 2>&1)
	check "check-config accepts $f" \
		[ $? = 0 ] && [[ "$out" == "$f: ok"* ]]
done

# cfg_case NAME BASE SED PATTERN LINE_RE: BASE edited by SED must be
# refused with exit 1 and "file:line: reason"; the line is the first one
# matching LINE_RE in the edited file (where the mistake is).
cfg_case() {
	local name=$1 base=$2 expr=$3 want=$4 line_re=$5 f out rc line
	f=$T/$name.conf
	sed -e "$expr" "etc/$base.conf" > "$f"
	out=$("$XPMIPD" -n -c "$f" 2>&1)
	rc=$?
	line=$(grep -n -m 1 -e "$line_re" "$f" | cut -d: -f1)
	if [ $rc = 1 ] && [ -n "$line" ] &&
		[ "$out" = "xpmipd: $f:$line: $want" ]; then
		ok "config error: $name"
	else
		fail "config error: $name (rc $rc, line $line)"
		echo "#   got:  $out"
		echo "#   want: xpmipd: $f:$line: $want"
	fi
}

cfg_case host-bits lma 's|"2001:db8:100::/48"|"2001:db8:100::1/48"|' \
	"lma.pool: '2001:db8:100::1/48' has bits set after /48" 'pool ='
cfg_case misspelt lma 's/max_lifetime =/max_lifetme =/' \
	"lma.max_lifetme: unknown setting" 'max_lifetme'
cfg_case bad-mag lma 's/"2001:db8:1::12"/"2001:db8:1::zz"/' \
	"lma.mags: '2001:db8:1::zz' is not an IPv6 address" '::zz'
cfg_case no-mags lma 's/mags = \[.*\]/mags = []/' \
	"lma.mags: at least one authorized MAG is needed" 'mags = \[\]'
cfg_case hnp-not-64 lma 's|2001:db8:200:1::/64|2001:db8:200::/56|' \
	"lma.policies: a home network prefix is a /64" '/56'
cfg_case wrong-type mag1 's/\tlifetime = 60;/\tlifetime = "60";/' \
	"mag.lifetime: must be an integer" 'lifetime = "60"'
cfg_case missing mag1 '/proxy_coa = /d' "mag.proxy_coa: missing" '^mag = {'
cfg_case role lma 's/^role = "lma"/role = "mag"/' \
	"section does not match role 'mag'" '^lma = {'
cfg_case ra-range mag1 's/max_interval_ms = 10000/max_interval_ms = 1000/' \
	"mag.ra.max_interval_ms: 1000 out of range 4000..1800000" \
	'max_interval_ms = 1000;'
cfg_case xdp-mode mag2 's/^xdp_mode = "auto"/xdp_mode = "fast"/' \
	"xdp_mode: 'fast' is not auto, native, generic or tc" '^xdp_mode'
cfg_case bad-mac mag1 's/02:00:00:00:01:01/02:00:00:00:01/' \
	"mag.policies: '02:00:00:00:01' is not a MAC address" '02:00:00:00:01"'

sed -e 's/^lma = {/lma = {{/' etc/lma.conf > "$T/syntax.conf"
out=$("$XPMIPD" -n -c "$T/syntax.conf" 2>&1)
rc=$?
check "config error: syntax (libconfig's line)" [ $rc = 1 ] &&
	[[ "$out" =~ ^"xpmipd: $T/syntax.conf:"[0-9]+": syntax error"$ ]]
out=$("$XPMIPD" -n -c "$T/nonexistent.conf" 2>&1)
rc=$?
check "config error: missing file" [ $rc = 1 ] &&
	[ "$out" = "xpmipd: $T/nonexistent.conf: No such file or directory" ]
"$XPMIPD" -q > /dev/null 2>&1
check "unknown option: exit 2" [ $? = 2 ]

# ---- daemons in namespaces ------------------------------------------

# d_start ROLE [ARGS...]: xpmipd in ROLE's namespace, started directly so
# that $! is the daemon itself (nsenter execs it) and kill -9 hits it
d_start() {
	local r=$1 pid i
	shift
	nsenter --net=/run/netns/${P}$r -- "$XPMIPD" -c "$E2E_DIR/$r.conf" \
		-f "$@" >> "$E2E_DIR/$r.log" 2>&1 &
	pid=$!
	echo $pid > "$E2E_DIR/$r.pid"
	for i in $(seq 200); do
		kill -0 $pid 2>/dev/null || return 1
		e2e_ctl "$r" show > /dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# d_kill ROLE [SIGNAL]: signal the daemon, wait until it is gone
d_kill() {
	local pid i
	pid=$(e2e_pid "$1")
	[ -n "$pid" ] || return 0
	kill -"${2:-TERM}" "$pid" 2>/dev/null
	# our child: gone, or a zombie (kill -0 still works on those)
	for i in $(seq 200); do
		[ "$(ps -o stat= -p "$pid" 2>/dev/null)" = "" ] && break
		[[ "$(ps -o stat= -p "$pid")" == Z* ]] && break
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	rm -f "$E2E_DIR/$1.pid"
}

# not CMD...: succeeds when CMD fails
not() {
	! "$@"
}

# prefix64 ADDR: the /64 of ADDR, as "2001:db8:100:3::"
prefix64() {
	python3 -c "import ipaddress as i; print(i.ip_network('$1/64', False).network_address)"
}

e2e_init $P
if ! e2e_need_daemon || ! topo_up $P 1; then
	fail "topology up"
	tap_done
	exit 1
fi
ok "topology up"
# short lifetimes so refreshes happen within the test; a MAG1 access link
# that will appear only later (mag1-late)
check "configs from the examples" e2e_configs \
	"s/^\tlifetime = [0-9]*;/\tlifetime = $LIFETIME;/" \
	"s/min_delay_bce_delete_ms = [0-9]*;/min_delay_bce_delete_ms = 1000;/" \
	"s/^state_interval_ms = [0-9]*;/state_interval_ms = 200;/" \
	"s/^orphan_lifetime = [0-9]*;/orphan_lifetime = 20;/"
sed -i 's|{ name = "mag1-acc"; link = "shared"; }|&,\n\t\t{ name = "mag1-late"; link = "point-to-point"; }|' \
	"$E2E_DIR/mag1.conf"
# an access link whose XDP slot holds someone else's program
cp build/bench_gen.bpf.o "$T/foreign.bpf.o" 2>/dev/null
ip -n ${P}mag1 link add mag1-busy type veth peer name busy-peer
ip -n ${P}mag1 link set mag1-busy up
ip -n ${P}mag1 link set busy-peer up
ip -n ${P}mag1 link set dev mag1-busy xdpgeneric obj "$T/foreign.bpf.o" sec xdp
sed -i 's|{ name = "mag1-acc"; link = "shared"; }|&,\n\t\t{ name = "mag1-busy"; link = "shared"; }|' \
	"$E2E_DIR/mag1.conf"
check "LMA started" d_start lma
check "MAG1 started" d_start mag1
check "MAG1 runs without its missing interface" \
	grep -q "interface mag1-late: not found" "$E2E_DIR/mag1.log"
check "busy XDP slot: clear error" grep -q \
	"interface mag1-busy: data plane not attached: .* (another XDP program is there)" \
	"$E2E_DIR/mag1.log"
check "busy XDP slot: the other program left alone" \
	grep -q "prog/xdp .* name bench_gen" <(ip -n ${P}mag1 link show mag1-busy)

check "xpmipctl attach MN1 at MAG1" e2e_attach 1 1
addr=$(e2e_wait_addr 1 15)
check "MN1 configured $addr by SLAAC" [ -n "$addr" ]
hnp=$(prefix64 "$addr")

# bpftool's own dump of the pinned map: the prefix, bound to MAG1
pinned_peer() {
	bpftool -j map dump pinned "/sys/fs/bpf/xpmip/${P}$1/bindings" |
		python3 -c "
import ipaddress, json, sys
want = ipaddress.ip_address('$2').packed[:8]
def raw(v):
    return bytes(int(x, 0) if isinstance(x, str) else x for x in v)
for e in json.load(sys.stdin):
    f = e.get('formatted', e)
    if raw(f['key']['prefix']) == want:
        print(ipaddress.ip_address(raw(f['value']['peer']['in6_u']['u6_addr8'])))"
}
check "bpftool map dump pinned: $hnp/64 -> MAG1 at the LMA" \
	[ "$(pinned_peer lma "$hnp")" = "$TOPO_MAG1" ]
check "bpftool map dump pinned: $hnp/64 -> LMA at MAG1" \
	[ "$(pinned_peer mag1 "$hnp")" = "$TOPO_LMAA" ]
# the next-hop monitor resolved each side's tunnel peer into "nexthops"
nh_peers() {
	bpftool -j map dump pinned "/sys/fs/bpf/xpmip/${P}$1/nexthops" |
		python3 -c "
import ipaddress, json, sys
def raw(v):
    return bytes(int(x, 0) if isinstance(x, str) else x for x in v)
for e in json.load(sys.stdin):
    f = e.get('formatted', e)
    k = f['key']
    k = k['in6_u']['u6_addr8'] if isinstance(k, dict) else k
    print(ipaddress.ip_address(raw(k)))"
}
sleep 0.5
check "next hop toward MAG1 in the LMA's nexthops map" \
	grep -qx "$TOPO_MAG1" <(nh_peers lma)
check "next hop toward the LMA in MAG1's nexthops map" \
	grep -qx "$TOPO_LMAA" <(nh_peers mag1)
check "ping MN1 ($addr) -> CN" \
	ip netns exec ${P}mn1 ping -q -c 3 -i 0.2 -W 2 -I "$addr" $TOPO_CN
check "xpmipctl -j show at the LMA: MN1's binding via MAG1" \
	[ "$(e2e_lma_mag_of "$hnp")" = "$TOPO_MAG1" ]
check "one log line names the node and the MAG" \
	grep -q "prefix $hnp/64: bound via mag $TOPO_MAG1" "$E2E_DIR/lma.log"

# privileges: nothing effective, only the documented set kept
caps_of() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$(e2e_pid "$1")/status"
}
kept=$(printf '%016x' $(( (1 << 12) | (1 << 13) | (1 << 39) )))
for r in lma mag1; do
	check "$r: no effective capability after setup" \
		[ "$(caps_of $r CapEff)" = 0000000000000000 ]
	check "$r: permitted = net_admin, net_raw, bpf" \
		[ "$(caps_of $r CapPrm)" = "$kept" ]
	check "$r: bounding set cleared to the same" \
		[ "$(caps_of $r CapBnd)" = "$kept" ]
done

# ping_during CMD...: a 100/s ping MN1 -> CN for 6 s while CMD runs (in
# this shell: the daemons stay its children); LOST = replies missing
ping_during() {
	local out pp
	ip netns exec ${P}mn1 ping -q -c 600 -i 0.01 -W 1 -I "$addr" \
		$TOPO_CN > "$E2E_DIR/ping.out" 2>&1 &
	pp=$!
	sleep 1
	"$@"
	wait $pp
	out=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$E2E_DIR/ping.out")
	LOST=$((600 - ${out:-0}))
}

restart() {
	d_kill "$1" KILL
	sleep 0.5
	d_start "$1"
}

for r in lma mag1; do
	ping_during restart $r
	check "kill -9 + restart of $r: no ping lost ($LOST)" [ "$LOST" = 0 ]
	check "$r restored its bindings from the state file" \
		grep -q "state: [1-9][0-9]* binding(s) restored" \
		<(grep "state: " "$E2E_DIR/$r.log" | tail -n 1)
done
n0=$(E2E_VERB=stats e2e_json lma "j['lma']['pbu_rx']")
sleep $((LIFETIME + 1))
n1=$(E2E_VERB=stats e2e_json lma "j['lma']['pbu_rx']")
check "binding refreshed after the restarts (PBUs $n0 -> $n1)" \
	[ "$n1" -gt "$n0" ]
check "binding alive past one lifetime" \
	[ "$(e2e_lma_mag_of "$hnp")" = "$TOPO_MAG1" ]

# a PBU flood from an unauthorized host on the transport segment: every PBU
# answered (status 154) or counted, the LMA alive, MN1's binding kept
topo_add_host $P atk tr 2001:db8:1::66/64
sleep 0.3
rx0=$(E2E_VERB=stats e2e_json lma "j['lma']['pbu_rx']")
topo_nsexec ${P}atk timeout 10 python3 - <<'PY' > "$E2E_DIR/flood.out"
import importlib.util, socket, time
spec = importlib.util.spec_from_file_location("mhi", "tests/e2e/mhinject.py")
mhi = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mhi)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, mhi.IPPROTO_MH)
s.setsockopt(socket.IPPROTO_IPV6, mhi.IPV6_CHECKSUM, 4)
s.setblocking(False)
n, end = 0, time.time() + 2
while time.time() < end and n < 200000:
    try:
        s.sendto(mhi.pbu(n & 0xffff, 60, "flood%d@x" % (n % 1000), 1),
                 ("2001:db8:1::1", 0))
        n += 1
    except BlockingIOError:
        time.sleep(0.001)
print(n)
PY
sleep 0.5
sent=$(cat "$E2E_DIR/flood.out")
rx1=$(E2E_VERB=stats e2e_json lma "j['lma']['pbu_rx']")
st154=$(E2E_VERB=stats e2e_json lma "j['lma'].get('pba_status_154', 0)")
echo "# flood: $sent PBUs sent in 2 s, LMA took $((rx1 - rx0)), answered $st154 with 154"
check "PBU flood: the LMA handled them (status 154)" [ "${st154:-0}" -gt 100 ]
check "PBU flood: LMA alive" e2e_alive lma
check "PBU flood: MN1's binding kept" \
	[ "$(e2e_lma_mag_of "$hnp")" = "$TOPO_MAG1" ]
check "state writer children reaped (no zombie under the LMA)" \
	not grep -q Z <(ps -o stat= --ppid "$(e2e_pid lma)")
check "PBU flood: no flood binding created" \
	[ "$(e2e_json lma "sum(1 for b in j['bindings'] if b['mn_id'].startswith('flood'))")" = 0 ]

# the state file lost: the map entry is an orphan, still forwarding, and
# the MAG's next refresh makes it a binding again
restart_without_state() {
	d_kill "$1" KILL
	rm -f "$E2E_DIR/$1.state"
	d_start "$1"
}
ping_during restart_without_state lma
check "restart without a state file: no ping lost ($LOST)" [ "$LOST" = 0 ]
check "orphan logged" grep -q "not in saved state" "$E2E_DIR/lma.log"
sleep $((LIFETIME + 1))
adopted=$(E2E_VERB=stats e2e_json lma "j['mapsync']['orphans_adopted']")
check "orphan adopted by the next PBU ($adopted)" [ "${adopted:-0}" -ge 1 ]
check "binding known to the LMA again" \
	[ "$(e2e_lma_mag_of "$hnp")" = "$TOPO_MAG1" ]

# the same at the MAG: its orphan's node is registered again at once
ping_during restart_without_state mag1
check "MAG restart without a state file: no ping lost ($LOST)" [ "$LOST" = 0 ]
check "MAG re-registered the orphan's node" \
	grep -q "mn $(topo_mn_mac 1) on mag1-acc: attach (restart)" \
	"$E2E_DIR/mag1.log"
adopted=$(E2E_VERB=stats e2e_json mag1 "j['mapsync']['orphans_adopted']")
check "MAG orphan adopted ($adopted)" [ "${adopted:-0}" -ge 1 ]

# detach by xpmipctl: gone from the LMA after MinDelayBeforeBCEDelete
check "xpmipctl detach MN1" e2e_detach 1 1
sleep 2
check "binding removed from the LMA's map after detach" \
	[ -z "$(pinned_peer lma "$hnp")" ]

mn1_state() {
	e2e_json mag1 "' '.join(n['state'] for n in j['nodes'] if n['mac'] == '$(topo_mn_mac 1)')"
}

# the data plane's trigger: MN1's next frame (its default route went with
# the withdrawn prefix, so a ping to the router's link-local) comes from a
# MAC the MAG no longer knows; the ring buffer event attaches it again
ip netns exec ${P}mn1 ping -q -c 1 -W 1 fe80::1%eth0 > /dev/null 2>&1
sleep 1
check "first frame from MN1 re-attached it (data-plane event)" \
	grep -q "mn $(topo_mn_mac 1) on mag1-acc: attach (first packet)" \
	"$E2E_DIR/mag1.log"
check "MN1 bound again" [ "$(mn1_state)" = bound ]

# a Router Solicitation: the RS (or the frame carrying it, whichever the
# daemon reads first) attaches the node
check "xpmipctl detach MN1 again" e2e_detach 1 1
sleep 1.5
n_rs=$(grep -c "mn $(topo_mn_mac 1) on mag1-acc: attach (" "$E2E_DIR/mag1.log")
ip netns exec ${P}mn1 rdisc6 -1 -r 2 -w 700 eth0 > /dev/null 2>&1
sleep 0.5
check "router solicitation from MN1 re-attached it" \
	[ "$(grep -c "mn $(topo_mn_mac 1) on mag1-acc: attach (" \
		"$E2E_DIR/mag1.log")" -gt "$n_rs" ]
check "MN1 bound after its RS" [ "$(mn1_state)" = bound ]
n=$(E2E_VERB=stats e2e_json mag1 "j['daemon']['attach_dp_event']")
check "MAG1 counted data-plane attach events ($n)" [ "${n:-0}" -ge 1 ]
n=$(E2E_VERB=stats e2e_json mag1 "j['daemon']['attach_rs'] + j['daemon']['attach_dp_event']")
check "MAG1 counted both re-attach triggers ($n)" [ "${n:-0}" -ge 2 ]

# a late interface: served when it appears (privileges raised for it)
ip -n ${P}mag1 link add mag1-late type veth peer name late-peer
ip -n ${P}mag1 link set late-peer up
ip -n ${P}mag1 link set mag1-late up
sleep 1
check "late interface attached when it appeared" \
	grep -q "interface mag1-late: serving as access" "$E2E_DIR/mag1.log"
check "XDP program on the late interface" \
	ip -n ${P}mag1 link show mag1-late | grep -q "prog/xdp"

# link down on a point-to-point access link detaches its node
late_mac=$(ip -n ${P}mag1 -j link show late-peer |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
check "attach a node on the point-to-point link" \
	e2e_ctl mag1 attach "$late_mac" mag1-late
sleep 1
e2e_json mag1 "[n['state'] for n in j['nodes']]" > "$E2E_DIR/late.state"
check "node bound on the point-to-point link" grep -q bound "$E2E_DIR/late.state"
ip -n ${P}mag1 link set late-peer down
sleep 1
check "link down detached it" \
	grep -q "link mag1-late down, detaching" "$E2E_DIR/mag1.log"

# the link removed while a node is on it: detached, interface forgotten
ip -n ${P}mag1 link set late-peer up
sleep 0.5
e2e_ctl mag1 attach "$late_mac" mag1-late > /dev/null
sleep 1
n_det=$(grep -c "link mag1-late .*, detaching" "$E2E_DIR/mag1.log")
ip -n ${P}mag1 link del mag1-late
sleep 0.5
# (the kernel reports the carrier loss first, then the removal)
check "link removed: its node detached" [ "$(grep -c \
	"link mag1-late .*, detaching" "$E2E_DIR/mag1.log")" -gt "$n_det" ]
check "link removed: interface forgotten" \
	grep -q "interface mag1-late: removed" "$E2E_DIR/mag1.log"
check "mag1 daemon alive" e2e_alive mag1

# inactivity: MN1 attached again and silent (it sends nothing that enters
# the tunnel): still bound before the timeout, detached after it
d_kill mag1 TERM
sed -i 's/inactivity_timeout = 0;/inactivity_timeout = 9;/' \
	"$E2E_DIR/mag1.conf"
check "MAG1 restarted with a 9 s inactivity timeout" d_start mag1
check "attach MN1 again" e2e_attach 1 1
sleep 1
check "MN1 bound, 1 s after attach" [ "$(mn1_state)" = bound ]
# 9 s timeout, checked every 2 s; the refresh at 6.4 s (8 s lifetime) is
# signaling and must not count as traffic from the node
sleep 11
check "silent MN1 detached for inactivity, refreshes notwithstanding" \
	grep -q "mn $(topo_mn_mac 1): no traffic for 9 s, detaching" \
	"$E2E_DIR/mag1.log"
check "MN1 no longer bound" [ "$(mn1_state)" != bound ]

# SIGHUP: an unreadable config is refused with its reason, the daemon goes
# on; a good one changes the log level
cp "$E2E_DIR/lma.conf" "$T/lma.good"
sed -i 's/^lma = {/lma = {{/' "$E2E_DIR/lma.conf"
kill -HUP "$(e2e_pid lma)"
sleep 0.3
check "SIGHUP with a broken config: refused with file:line" \
	grep -q "reload: $E2E_DIR/lma.conf:[0-9]*: syntax error" "$E2E_DIR/lma.log"
check "SIGHUP with a broken config: LMA alive" e2e_alive lma
sed -e 's/^log_level = .*/log_level = "debug";/' "$T/lma.good" > "$E2E_DIR/lma.conf"
kill -HUP "$(e2e_pid lma)"
sleep 0.3
check "SIGHUP: new log level" grep -q "reload: log level 3" "$E2E_DIR/lma.log"
cp "$T/lma.good" "$E2E_DIR/lma.conf"

# clean stops: -k leaves programs and pins, plain stop removes both
d_kill mag1 TERM
check "clean stop: MAG1 programs detached" \
	not grep -q "prog/xdp" <(ip -n ${P}mag1 link show mag1-acc)
check "clean stop: MAG1 pins removed" [ ! -e /sys/fs/bpf/xpmip/${P}mag1 ]
d_kill lma TERM
check "LMA started with -k" d_start lma -k
d_kill lma TERM
check "stop with -k: LMA programs stay" \
	ip -n ${P}lma link show lma-tr | grep -q "prog/xdp"
check "stop with -k: LMA pins stay" [ -e /sys/fs/bpf/xpmip/${P}lma/bindings ]

[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs 25
tap_done
