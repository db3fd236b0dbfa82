# shellcheck shell=bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Shared by the end-to-end tests, the demo and the handover benchmark: the
# topology (scripts/topo.sh) plus real xpmipd daemons started from the
# example configs in etc/, rewritten into a private folder so that parallel
# runs never share a control socket, a state file or a bpffs folder.
#
#   . tests/e2e/e2e_lib.sh
#   e2e_init xpe-foo-            prefix; sets E2E_DIR, traps EXIT for cleanup
#   e2e_configs [SED-EXPR...]    write $E2E_DIR/{lma,mag1,mag2}.conf
#   e2e_start lma|mag1|mag2      start a daemon in its namespace, wait ready
#   e2e_ctl ROLE ARGS...         xpmipctl against that daemon
#   e2e_attach I MAG             xpmipctl attach MN I at MAG 1 or 2
#   e2e_kill ROLE [SIGNAL]       stop a daemon (default TERM)
#
# Tests that need the daemon call e2e_need_daemon first: without
# build/xpmipd they report "not ok", they never skip silently.

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/topo.sh
. "$E2E_ROOT/scripts/topo.sh"
E2E_BUILD=${XPMIP_BUILD:-$E2E_ROOT/build}
XPMIPD=$E2E_BUILD/xpmipd
XPMIPCTL=$E2E_BUILD/xpmipctl
UDPSTREAM=$E2E_BUILD/tools/udpstream
# the distribution's Python (deps.sh installs it), not whatever is first in PATH
E2E_PY=/usr/bin/python3
[ -x "$E2E_PY" ] || E2E_PY=python3
E2E_POOL=2001:db8:100:
E2E_P=
E2E_DIR=

e2e_cleanup() {
	local r
	for r in lma mag1 mag2; do
		e2e_kill "$r" KILL 2>/dev/null
	done
	[ -n "$E2E_P" ] && topo_down "$E2E_P"
	if [ -n "$E2E_P" ]; then
		rm -rf /sys/fs/bpf/xpmip/"${E2E_P}"lma \
			/sys/fs/bpf/xpmip/"${E2E_P}"mag1 \
			/sys/fs/bpf/xpmip/"${E2E_P}"mag2 2>/dev/null
	fi
	if [ -n "$E2E_DIR" ] && [ -z "${E2E_KEEP:-}" ]; then
		rm -rf "$E2E_DIR"
	fi
}

# e2e_init PREFIX: cleanup on any exit, a private folder
e2e_init() {
	E2E_P=$1
	# one run per prefix at a time: a second `make test` waits here
	exec 9> "/tmp/${E2E_P}lock"
	flock -w 900 9 || echo "# e2e: could not lock /tmp/${E2E_P}lock" >&2
	E2E_DIR=$(mktemp -d "/tmp/${E2E_P}XXXXXX")
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

# e2e_need_daemon: 0 if the daemon and CLI are built, else a "not ok"
e2e_need_daemon() {
	if [ -x "$XPMIPD" ] && [ -x "$XPMIPCTL" ]; then
		return 0
	fi
	fail "xpmipd and xpmipctl built (missing $XPMIPD or $XPMIPCTL)"
	return 1
}

# e2e_configs [SED-EXPR...]: the example configs with this run's instance
# names, socket and state paths, and shared access links (several nodes
# per MAG segment, each told its own prefix by unicast RA).  The MAGs keep
# their interfaces' own MACs so a node can tell which MAG delivered.
# Extra sed expressions apply to all three files.
e2e_configs() {
	local r f args=() e
	for e in "$@"; do args+=(-e "$e"); done
	for r in lma mag1 mag2; do
		f=$E2E_DIR/$r.conf
		sed -e "s|^instance = \"[^\"]*\"|instance = \"${E2E_P}$r\"|" \
		    -e "s|^control_socket = .*|control_socket = \"$E2E_DIR/$r.sock\";|" \
		    -e "s|^state_file = .*|state_file = \"$E2E_DIR/$r.state\";|" \
		    -e "s|^log_level = .*|log_level = \"${E2E_LOG_LEVEL:-info}\";|" \
		    -e '/^\tmac = /d' \
		    -e 's|link = "point-to-point"|link = "shared"|' \
		    "${args[@]}" "$E2E_ROOT/etc/$r.conf" > "$f" || return 1
	done
}

e2e_ns() {
	echo "${E2E_P}$1"
}

e2e_sock() {
	echo "$E2E_DIR/$1.sock"
}

e2e_ctl() {
	local r=$1
	shift
	"$XPMIPCTL" -s "$E2E_DIR/$r.sock" "$@"
}

# e2e_start ROLE [TIMEOUT_S]: start xpmipd in ROLE's namespace (net
# namespace only: the bpffs pins are the host's, so a restarted daemon
# finds its maps), append its log to $E2E_DIR/ROLE.log, wait until its
# control socket answers.
e2e_start() {
	local r=$1 t=${2:-10} pid end
	# nsenter execs the daemon: $! is the daemon itself, not a subshell
	nsenter --net=/run/netns/"${E2E_P}$r" -- \
		"$XPMIPD" -c "$E2E_DIR/$r.conf" -f >> "$E2E_DIR/$r.log" 2>&1 &
	pid=$!
	echo "$pid" > "$E2E_DIR/$r.pid"
	end=$(($(date +%s) + t))
	while [ "$(date +%s)" -le "$end" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "# $r: xpmipd exited; log:" >&2
			sed 's/^/# /' "$E2E_DIR/$r.log" | tail -n 20 >&2
			return 1
		fi
		e2e_ctl "$r" show > /dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "# $r: control socket not answering after ${t}s" >&2
	return 1
}

e2e_pid() {
	cat "$E2E_DIR/$1.pid" 2>/dev/null
}

# e2e_kill ROLE [SIGNAL]: signal the daemon and wait for it to be gone
e2e_kill() {
	local r=$1 sig=${2:-TERM} pid i
	pid=$(e2e_pid "$r")
	[ -n "$pid" ] || return 0
	kill -"$sig" "$pid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	rm -f "$E2E_DIR/$r.pid"
}

e2e_alive() {
	local pid
	pid=$(e2e_pid "$1")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# e2e_start_all: LMA, MAG1, MAG2
e2e_start_all() {
	e2e_start lma && e2e_start mag1 && e2e_start mag2
}

e2e_attach() {
	e2e_ctl "mag$2" attach "$(topo_mn_mac "$1")" "mag$2-acc"
}

e2e_detach() {
	e2e_ctl "mag$2" detach "$(topo_mn_mac "$1")" "mag$2-acc"
}

# e2e_wait_addr I [TIMEOUT_S]: MN I's SLAAC address from the LMA's pool
e2e_wait_addr() {
	local i=$1 t=${2:-10} a end
	end=$(($(date +%s) + t))
	while [ "$(date +%s)" -le "$end" ]; do
		a=$(topo_mn_addr "$E2E_P" "$i" "$E2E_POOL")
		[ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.05
	done
	return 1
}

# e2e_json ROLE PYEXPR: evaluate PYEXPR with j = the `-j show` document
# (or `-j stats` with E2E_VERB=stats); prints the result
e2e_json() {
	local r=$1 expr=$2
	e2e_ctl "$r" -j "${E2E_VERB:-show}" 2>/dev/null | tail -n +1 |
		"$E2E_PY" -c "
import json, sys
t = sys.stdin.read()
i = t.find('{')
j = json.loads(t[i:]) if i >= 0 else {}
print($expr)"
}

# e2e_binding_mag HNP_PREFIX: which MAG address the LMA binds a prefix to
e2e_lma_mag_of() {
	e2e_json lma "' '.join(b.get('mag', '') for b in j.get('bindings', []) if b.get('hnp', '').startswith('$1'))"
}

e2e_lma_count() {
	e2e_json lma "len(j.get('bindings', []))"
}

# e2e_capture_start FILE [FILTER]: Mobility Header traffic at the LMA
e2e_capture_start() {
	nsenter --net=/run/netns/"${E2E_P}lma" -- \
		tcpdump -q -n -i lma-tr -U -w "$1" \
		"${2:-ip6 proto 135}" > "$E2E_DIR/tcpdump.log" 2>&1 &
	echo $! > "$E2E_DIR/tcpdump.pid"
	local i
	for i in $(seq 40); do
		grep -q listening "$E2E_DIR/tcpdump.log" && return 0
		sleep 0.05
	done
	return 0
}

e2e_capture_stop() {
	local pid
	pid=$(cat "$E2E_DIR/tcpdump.pid" 2>/dev/null)
	[ -n "$pid" ] || return 0
	sleep 0.2
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$E2E_DIR/tcpdump.pid"
}

# e2e_stream_recv I COUNT CSV OUT: start a receiver in MN I; waits ready
e2e_stream_recv() {
	local i=$1 n=$2 csv=$3 out=$4 k
	rm -f "$E2E_DIR/ready"
	nsenter --net=/run/netns/"${E2E_P}mn$i" -- \
		"$UDPSTREAM" recv -n "$n" -i eth0 \
		-m "$TOPO_MAG1_MAC" -m "$TOPO_MAG2_MAC" -c "$csv" \
		-w "$E2E_DIR/ready" -t "${E2E_IDLE_MS:-1500}" \
		-T "${E2E_MAX_S:-60}" > "$out" 2>&1 &
	E2E_RECV_PID=$!
	for k in $(seq 100); do
		[ -e "$E2E_DIR/ready" ] && return 0
		sleep 0.02
	done
	return 1
}

# kv KEY LINE: the value of KEY=... in a key=value line
kv() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# e2e_begin PREFIX N_MN [spread] [SED-EXPR...]: the common start of a
# daemon test: TAP "not ok" without the daemon, topology, configs, the
# three daemons, and an MH capture at the LMA (checked by e2e_end)
e2e_begin() {
	local p=$1 n=$2 spread=${3:-}
	shift 3 2>/dev/null || shift $#
	e2e_init "$p"
	e2e_need_daemon || return 1
	check "topology up ($n nodes)" topo_up "$p" "$n" "$spread" || return 1
	check "configs" e2e_configs "$@" || return 1
	e2e_capture_start "$E2E_DIR/mh.pcap" "${E2E_CAPTURE_FILTER:-}"
	check "LMA, MAG1 and MAG2 started" e2e_start_all || return 1
}

# e2e_end [MIN_MH]: stop the capture, judge it with tshark, daemons alive
e2e_end() {
	local r
	for r in lma mag1 mag2; do
		if [ -e "$E2E_DIR/$r.pid" ]; then
			check "$r daemon still alive" e2e_alive "$r"
		fi
	done
	e2e_capture_stop
	if tests/lib/tshark_check.sh -n "${1:-2}" "$E2E_DIR/mh.pcap" \
		> "$E2E_DIR/tshark.out" 2>&1; then
		ok "every captured MH message decodes in tshark without warnings"
	else
		fail "every captured MH message decodes in tshark without warnings"
		sed 's/^/# /' "$E2E_DIR/tshark.out" | head -n 20
	fi
}

# e2e_dump_logs: the daemons' logs and non-zero data-plane counters as
# TAP comments, after a failure
e2e_dump_logs() {
	local r
	for r in lma mag1 mag2; do
		[ -e "$E2E_DIR/$r.log" ] || continue
		if e2e_alive "$r"; then
			echo "# --- $r data-plane counters (non-zero) ---"
			e2e_ctl "$r" stats 2>/dev/null |
				sed -n '/^dataplane:/,/^$/p' |
				awk 'NF >= 3 && $2 != 0' | sed 's/^/# /'
		fi
		echo "# --- $r log (last lines) ---"
		tail -n "${1:-15}" "$E2E_DIR/$r.log" | sed 's/^/# /'
	done
}
