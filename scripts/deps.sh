#!/bin/sh
# Install the Debian 12 packages xpmip builds, tests and demos with, if missing.
set -eu
PKGS="clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libcap-ng-dev \
libevent-dev libconfig-dev libmnl-dev libcmocka-dev libclang-rt-14-dev \
make gcc pkg-config iproute2 iputils-ping tshark gnuplot-nox python3 \
python3-scapy tcpdump ndisc6 ethtool socat util-linux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
