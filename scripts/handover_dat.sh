#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Reduce a udpstream CSV (seq,send_ns,recv_ns,path,hoplimit) to the
# "t_ms seq path" table scripts/plot_handover.gp reads, t relative to T0_NS
# (a CLOCK_REALTIME nanosecond time such as `date +%s%N` at the move).
#
#   scripts/handover_dat.sh CSV T0_NS > out.dat
set -eu
[ $# -eq 2 ] || { echo "usage: $0 CSV T0_NS" >&2; exit 2; }
# Split the 19-digit times so awk's doubles keep nanoseconds.
awk -F, -v t0="$2" '
NR == 1 { next }
{
	hi = substr($3, 1, length($3) - 9); lo = substr($3, length($3) - 8)
	thi = substr(t0, 1, length(t0) - 9); tlo = substr(t0, length(t0) - 8)
	printf "%.4f %s %s\n", (hi - thi) * 1000 + (lo - tlo) / 1e6, $1, $4
}' "$1"
