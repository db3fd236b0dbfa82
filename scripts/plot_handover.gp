# SPDX-License-Identifier: BSD-2-Clause
# Packets received over time around a handover, from udpstream's CSV
# reduced by scripts/handover_dat.sh to "t_ms seq path" (t = 0: the move).
#
#   gnuplot -e "dat='h.dat'; out='h.png'; ttl='...'; win=60; trig=0.4" \
#           scripts/plot_handover.gp
#
# Top: the whole stream, sequence number against arrival time, one colour
# per MAG.  Bottom: the same around the move, with one point per packet, so
# the gap (and any packet through the old MAG after the switch) is visible.
if (!exists("win")) win = 60
if (!exists("trig")) trig = 0
if (!exists("ttl")) ttl = "xpmip handover"

set terminal pngcairo size 1100,800 font "sans,10"
set output out
set datafile separator " "
set key top left box opaque
set grid
set multiplot layout 2,1 title ttl font "sans,13"

set xlabel "time since the node's link moved to the other MAG (ms)"
set ylabel "sequence number received"
if (exists("info")) set label 1 info at graph 0.99, graph 0.06 right front
set autoscale xfix
set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb "black"
set arrow 2 from trig, graph 0 to trig, graph 1 nohead dt 3 lc rgb "#d62728"
plot dat using 1:($3 == 1 ? $2 : 1/0) with points pt 7 ps 0.3 \
	lc rgb "#1f77b4" title "via MAG1", \
     dat using 1:($3 == 2 ? $2 : 1/0) with points pt 7 ps 0.3 \
	lc rgb "#2ca02c" title "via MAG2"

unset label 1
set xrange [-win:win]
set autoscale yfix
stats dat using ($1 >= -win && $1 <= win ? $2 : 1/0) nooutput
set yrange [STATS_min - 1 : STATS_max + 1]
set xlabel "time since the node's link moved (ms); dashed: move, dotted red: attach trigger at the new MAG"
plot dat using 1:($3 == 1 ? $2 : 1/0) with points pt 7 ps 0.6 \
	lc rgb "#1f77b4" title "via MAG1", \
     dat using 1:($3 == 2 ? $2 : 1/0) with points pt 7 ps 0.6 \
	lc rgb "#2ca02c" title "via MAG2"
unset multiplot
