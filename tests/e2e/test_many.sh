#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Many nodes: 100 plain SLAAC namespaces, odd ones on MAG1's segment, even
# ones on MAG2's.  Each gets its own prefix (and only its own, though the
# segments are shared), reaches the CN and is reached from it, through its
# own MAG; a node sending with another node's address is dropped.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. tests/e2e/e2e_lib.sh
P=xpe-many-
N=${XPE_MANY:-100}

if ! e2e_begin $P $N spread; then
	e2e_dump_logs
	tap_done
	exit 1
fi
mag_of() { if [ $(($1 % 2)) = 0 ]; then echo 2; else echo 1; fi; }

bad=0
for ((i = 1; i <= N; i++)); do
	e2e_attach $i "$(mag_of $i)" > /dev/null || bad=$((bad + 1))
done
check "$N attach requests accepted ($bad refused)" [ $bad = 0 ]

# every node: one global address, from the pool
declare -a addr
end=$(($(date +%s) + 30))
missing=$N
while [ $missing -gt 0 ] && [ "$(date +%s)" -le $end ]; do
	missing=0
	for ((i = 1; i <= N; i++)); do
		[ -n "${addr[$i]:-}" ] && continue
		addr[$i]=$(topo_mn_addr $P $i "$E2E_POOL")
		[ -n "${addr[$i]}" ] || missing=$((missing + 1))
	done
	[ $missing -gt 0 ] && sleep 0.2
done
check "$N nodes configured a SLAAC address ($missing missing)" [ $missing = 0 ]

many=0
for ((i = 1; i <= N; i++)); do
	c=$(ip -n $P"mn$i" -6 -o addr show dev eth0 scope global | wc -l)
	[ "$c" = 1 ] || many=$((many + 1))
done
check "no node configured another node's prefix ($many did)" [ $many = 0 ]

dupes=$(for ((i = 1; i <= N; i++)); do echo "${addr[$i]}" | cut -d: -f1-4; done |
	sort | uniq -d | wc -l)
check "$N distinct home network prefixes" [ "$dupes" = 0 ]

check "LMA holds $N bindings" [ "$(e2e_lma_count)" = "$N" ]
e2e_ctl lma -j show > "$E2E_DIR/lma.json"
wrong=$("$E2E_PY" - "$E2E_DIR/lma.json" "$N" "${addr[@]:1}" << 'EOF'
import ipaddress, json, sys
t = open(sys.argv[1]).read()
j = json.loads(t[t.find('{'):])
n = int(sys.argv[2])
mag = {}
for b in j.get('bindings', []):
    net = ipaddress.ip_network(b['hnp'].split('/')[0] + '/64', strict=False)
    mag[net] = b['mag']
wrong = 0
for i, a in enumerate(sys.argv[3:], 1):
    net = ipaddress.ip_network(a + '/64', strict=False)
    want = '2001:db8:1::12' if i % 2 == 0 else '2001:db8:1::11'
    if mag.get(net) != want:
        wrong += 1
print(wrong)
EOF
)
check "every prefix is bound to the node's own MAG ($wrong wrong)" [ "$wrong" = 0 ]

# pings, all nodes at once, both directions
pingall() {
	local dir=$1 i fails=0 pids=()
	for ((i = 1; i <= N; i++)); do
		if [ "$dir" = up ]; then
			ip netns exec $P"mn$i" ping -c 1 -W 3 "$TOPO_CN" \
				> /dev/null 2>&1 || echo fail &
		else
			ip netns exec ${P}cn ping -c 1 -W 3 "${addr[$i]}" \
				> /dev/null 2>&1 || echo fail &
		fi
		pids+=($!)
	done > "$E2E_DIR/ping.$dir"
	wait "${pids[@]}"
	fails=$(grep -c fail "$E2E_DIR/ping.$dir")
	echo "# ping $dir: $fails of $N failed"
	[ "$fails" = 0 ]
}
check "all $N nodes reach the CN" pingall up
check "the CN reaches all $N nodes" pingall down

# Spoofing: node 1 (MAG1) sends with node 3's address (also on MAG1) and
# with node 2's (on MAG2).  Neither may reach the CN; its own address does.
# send_as SRC: how many of 20 datagrams from node 1 with source SRC arrive
send_as() {
	topo_nsexec ${P}cn "$UDPSTREAM" recv -p 9100 -n 20 -t 500 -T 3 \
		> "$E2E_DIR/spoof.out" &
	local rp=$!
	sleep 0.3
	topo_nsexec ${P}mn1 "$UDPSTREAM" send -d "$TOPO_CN" -p 9100 \
		-n 20 -r 100 -b "$1" > /dev/null
	wait $rp
	kv received "$(cat "$E2E_DIR/spoof.out")"
}
spoofed() {
	E2E_VERB=stats e2e_json mag1 \
		"j.get('dataplane', {}).get('drop_spoofed_src', {}).get('packets', 0)"
}
s0=$(spoofed)
check "node 1 cannot send as node 3 (same MAG)" [ "$(send_as "${addr[3]}")" = 0 ]
check "node 1 cannot send as node 2 (other MAG)" [ "$(send_as "${addr[2]}")" = 0 ]
check "MAG1 counted the spoofed packets as drop_spoofed_src" \
	[ "$(spoofed)" -ge $((s0 + 40)) ]
check "node 1 sending as itself gets through" [ "$(send_as "${addr[1]}")" = 20 ]
e2e_end 2
[ "$TAP_FAILED" -eq 0 ] || e2e_dump_logs
tap_done
