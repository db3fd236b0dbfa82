#!/bin/bash
# xpmipctl against user/ctl.c (through tests/tools/ctl_serve, a fake
# daemon): tables, -j JSON that parses, attach/detach, clear errors (daemon
# not running, permission denied, bad MAC, unknown interface), an
# owner-only socket, hostile clients that cannot stop the server, and a
# stale socket left by kill -9 that a new server replaces.
#
# Only a UNIX socket under /tmp; no network.  Cleaned up on exit.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${XPMIP_BUILD:-$PWD/build}
CTL=$BUILD/xpmipctl
SERVE=$BUILD/tools/ctl_serve
SOCK=/tmp/xpa-ctl-$$.sock
LOG=$(mktemp /tmp/xpa-ctl-live.XXXXXX)
SRV=

cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	rm -f "$SOCK" "$LOG"
}
trap cleanup EXIT

wait_for() {
	local end=$((SECONDS + $1))
	shift
	while [ $SECONDS -lt $end ]; do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# start ARGS...: a server, ready once it printed its (n-th) ready line
STARTS=0
start() {
	STARTS=$((STARTS + 1))
	"$SERVE" -s "$SOCK" "$@" >> "$LOG" 2>&1 &
	SRV=$!
	wait_for 5 bash -c "[ \$(grep -c '^ctl_serve: ready' $LOG) -ge $STARTS ]"
}

if [ ! -x "$CTL" ] || [ ! -x "$SERVE" ]; then
	fail "xpmipctl or ctl_serve not built"
	tap_done
	exit 1
fi

check "server listening" start -r mag
check "socket is owner-only (0600)" \
	bash -c "[ \"\$(stat -c %a $SOCK)\" = 600 ]"

out=$("$CTL" -s "$SOCK" show)
echo "$out" | sed 's/^/# /'
check "show: table header" grep -q "^MAC *IFACE *MN-ID *PREFIX" <<< "$out"
check "show: bound node with prefix, LMA and lifetime" \
	grep -qE "^02:00:00:00:01:01 +lo +mn1@xpmip.example +2001:db8:1:1::/64 +2001:db8::1 +bound +3599s/3600s" <<< "$out"
check "show: pending node without prefix" \
	grep -qE "^02:00:00:00:01:02 +lo +- +- .* pending" <<< "$out"

json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
check "show -j: valid JSON with the nodes" \
	json "assert d['role']=='mag' and len(d['nodes'])==2 and d['nodes'][0]['hnp']=='2001:db8:1:1::/64' and d['nodes'][0]['lifetime_left']==3599 and d['nodes'][1]['hnp'] is None and d['nodes'][0]['down_bytes']==2000" \
	< <("$CTL" -s "$SOCK" -j show)
check "stats -j: every data-plane reason and the signalling group" \
	json "assert len(d['dataplane'])==$(grep -cE '^\s+XP_STAT_[A-Z0-9_]+( = 0)?,' headers/xpmip.h) and d['dataplane']['mag_encap']=={'packets':2,'bytes':200} and d['signaling']=={'pbu_tx':5,'pba_rx':4}" \
	< <("$CTL" -s "$SOCK" -j stats)
check "every data-plane reason has a name (xp_stat_names in xpmip.h)" \
	json "bad=[k for k in d['dataplane'] if k.startswith('reason_')]; print('# unnamed:', bad); assert not bad" \
	< <("$CTL" -s "$SOCK" -j stats)
out=$("$CTL" -s "$SOCK" stats)
check "stats: text lists drop reasons" grep -qE "^  drop_spoofed_src +[1-9][0-9]* pkts +[1-9][0-9]*00 bytes" <<< "$out"

check "attach: accepted and passed to the daemon" \
	bash -c "\"$CTL\" -s $SOCK attach 02:00:00:00:00:09 lo | grep -q 'attach requested'"
check "attach: the daemon saw MAC and ifindex" \
	grep -q "attach 02:00:00:00:00:09 if 1" "$LOG"

# expect_err RC PATTERN CMD...: exit status RC and PATTERN on stderr
expect_err() {
	local rc=$1 pat=$2 err
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	local got=$?
	echo "# $err (exit $got)"
	[ "$got" = "$rc" ] && grep -q "$pat" <<< "$err"
}
check "detach of an unknown node: clear error" \
	expect_err 1 "no such node on that interface" \
	"$CTL" -s "$SOCK" detach 02:00:00:00:00:09 lo
check "bad MAC: usage error" \
	expect_err 2 "bad MAC" "$CTL" -s "$SOCK" attach 02:00:00:00:00 lo
check "multicast MAC refused" \
	expect_err 2 "bad MAC" "$CTL" -s "$SOCK" attach 01:00:5e:00:00:01 lo
check "unknown interface: clear error" \
	expect_err 1 "no such interface" \
	"$CTL" -s "$SOCK" attach 02:00:00:00:00:09 xpa-nope0
check "-j error is JSON" \
	json "assert d['errno']==19 and d['error']=='no such interface'" \
	< <("$CTL" -s "$SOCK" -j attach 02:00:00:00:00:09 xpa-nope0)
check "unknown command: usage error" \
	expect_err 2 "unknown command" "$CTL" -s "$SOCK" reboot
check "not running: clear error" \
	expect_err 1 "not running" "$CTL" -s /tmp/xpa-none-$$.sock show
check "permission denied for another user" \
	expect_err 1 "permission denied" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CTL" -s "$SOCK" show

# hostile clients: 1 MiB of junk, binary, a silent crowd
hostile() {
	/usr/bin/python3 - "$SOCK" <<'PY'
import os, socket, sys, time
path = sys.argv[1]
def talk(data, shut=True):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    try:
        s.sendall(data)
    except OSError:
        pass
    if shut:
        s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        try:
            b = s.recv(65536)
        except OSError:
            break
        if not b:
            break
        out += b
    s.close()
    return out
assert talk(b"x" * (1 << 20)).startswith(b"error 22\nrequest too long")
assert talk(os.urandom(4096).replace(b"\n", b"")).startswith(b"error 22")
assert talk(b"\x00\xff\n").startswith(b"error 22\nmalformed request")
assert talk(b"show show show\n").startswith(b"error 22")
crowd = []
for i in range(40):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    crowd.append(s)
time.sleep(1.5)       # the server's 1 s timeout drops them
for s in crowd:
    s.close()
assert talk(b"show\n").startswith(b"ok\nMAC")
PY
}
check "hostile clients get errors, the server keeps answering" hostile
check "server still alive" kill -0 "$SRV"

# a second server on a live socket is refused; a stale one is replaced
second_server() {
	local out
	out=$("$SERVE" -s "$SOCK" 2>&1) && return 1
	echo "# $out"
	grep -q "another daemon is listening" <<< "$out"
}
check "second server on a live socket refused" second_server
kill -9 "$SRV"
wait "$SRV" 2>/dev/null
SRV=
check "stale socket left by kill -9" test -S "$SOCK"
check "new server replaces the stale socket" start -r lma -m 0660
check "configured mode 0660" bash -c "[ \"\$(stat -c %a $SOCK)\" = 660 ]"
check "LMA show -j lists the binding" \
	json "assert d['role']=='lma' and d['bindings'][0]['mag']=='2001:db8::2' and d['bindings'][0]['att']==3" \
	< <("$CTL" -s "$SOCK" -j show)
check "attach on an LMA: not supported" \
	expect_err 1 "MAG commands" "$CTL" -s "$SOCK" attach 02:00:00:00:00:09 lo
kill "$SRV"
wait "$SRV"
check "clean stop removes the socket" test ! -e "$SOCK"
SRV=
tap_done
