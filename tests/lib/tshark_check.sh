#!/bin/bash
# tshark_check.sh: judge every Mobility Header packet of a capture with two
# decoders that share no code with ours:
#   - tshark's Mobile IPv6 dissector: any expert item of severity warning or
#     error, or a malformed packet, in a frame carrying an MH fails;
#   - a small Python checksum walk (scapy only reads the file): the MH
#     checksum of RFC 6275 §6.1.1 over the IPv6 pseudo-header must hold.
#
#   tshark_check.sh [-n MIN] [-a REGEX] [-C] FILE
#     -n MIN    fail unless at least MIN MH packets are present (default 1)
#     -a REGEX  tolerate expert messages matching REGEX (extended regex);
#               also taken from $TSHARK_CHECK_ALLOW.  Say why where you use it.
#     -C        skip the checksum walk (MH over IPv4/UDP carries checksum 0)
#
# Prints one line per problem, "tshark_check: frame N: ...", and exits 0
# when there is none, 1 otherwise, 2 on bad usage or a missing tool.
set -u

min=1
allow=${TSHARK_CHECK_ALLOW:-}
csum=1
while getopts "n:a:C" opt; do
	case $opt in
	n) min=$OPTARG ;;
	a) allow=$OPTARG ;;
	C) csum=0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: tshark_check.sh [-n MIN] [-a REGEX] [-C] FILE" >&2
	exit 2
fi
file=$1
command -v tshark > /dev/null || { echo "tshark_check: no tshark" >&2; exit 2; }

bad=0
problem() {
	echo "tshark_check: $*"
	bad=1
}

n=$(tshark -n -r "$file" -Y mipv6 -T fields -e frame.number 2> /dev/null |
	wc -l)
if [ "$n" -lt "$min" ]; then
	problem "$n Mobility Header packets, expected at least $min"
fi

# frame<TAB>message[,message...] for every MH frame with a warning or worse
while IFS=$'\t' read -r frame msgs; do
	[ -z "$frame" ] && continue
	IFS=',' read -r -a list <<< "$msgs"
	[ ${#list[@]} -eq 0 ] && list=("malformed packet")
	for m in "${list[@]}"; do
		if [ -n "$allow" ] && [[ "$m" =~ $allow ]]; then
			continue
		fi
		problem "frame $frame: $m"
	done
done < <(tshark -n -r "$file" -E aggregator=',' \
	-Y 'mipv6 && (_ws.expert.severity >= "Warning" || _ws.malformed)' \
	-T fields -e frame.number -e _ws.expert.message 2> /dev/null)

if [ "$csum" -eq 1 ]; then
	out=$(/usr/bin/python3 - "$file" << 'EOF'
import sys
try:
    from scapy.all import rdpcap, IPv6
except ImportError:
    print("scapy missing: cannot check MH checksums")
    sys.exit(2)

def sum16(b):
    if len(b) % 2:
        b += b"\0"
    s = 0
    for i in range(0, len(b), 2):
        s += b[i] << 8 | b[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

bad = 0
for i, p in enumerate(rdpcap(sys.argv[1]), 1):
    if IPv6 not in p:
        continue
    b = bytes(p[IPv6])
    end = min(len(b), 40 + (b[4] << 8 | b[5]))
    nh, off = b[6], 40
    # hop-by-hop, routing, destination options may come first
    while nh in (0, 43, 60) and off + 2 <= end:
        nh, off = b[off], off + (b[off + 1] + 1) * 8
    if nh != 135:
        continue
    mh = b[off:end]
    if len(mh) < 8 or len(mh) < (mh[1] + 1) * 8:
        print("frame %d: mh truncated (%d bytes)" % (i, len(mh)))
        bad = 1
        continue
    pseudo = b[8:40] + len(mh).to_bytes(4, "big") + b"\0\0\0\x87"
    if sum16(pseudo + mh) != 0xffff:
        print("frame %d: bad mh checksum 0x%04x" % (i, mh[4] << 8 | mh[5]))
        bad = 1
sys.exit(bad)
EOF
)
	rc=$?
	if [ -n "$out" ]; then
		while read -r l; do problem "$l"; done <<< "$out"
	fi
	[ "$rc" -eq 2 ] && exit 2
	[ "$rc" -ne 0 ] && bad=1
fi

exit $bad
