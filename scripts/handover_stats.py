#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Per-handover gaps and losses from a udpstream CSV and a list of
handovers, for scripts/bench_handover.sh.

  handover_stats.py CSV HANDOVERS RATE START_NS

CSV:       seq,send_ns,recv_ns,path,hoplimit (udpstream recv -c)
HANDOVERS: one line per handover: "trigger_ns new_path [move_start_ns]"
RATE:      packets/s of the stream, START_NS its first send time

For handover k: gap = first arrival through new_path after trigger_ns,
minus trigger_ns (the new MAG's attach trigger); lost = sequence numbers
never received that were sent between the previous handover's midpoint and
the next one's: it includes what was lost while the node's link was
being moved, before the trigger (send times of the packets that did arrive map those
instants to sequence numbers).  Prints one line per handover and a summary line:
  handovers=N gap_median_ms=.. gap_worst_ms=.. gap_mean_ms=.. lost_total=..
  lost_median=.. lost_worst=.. missed=M   (M: no packet via the new MAG)
"""
import bisect
import statistics
import sys


def seq_at(t, sends, count):
    """First sequence number sent at or after t (count if none)."""
    i = bisect.bisect_left(sends, (t, -1))
    return sends[i][1] if i < len(sends) else count


def main():
    csv, hfile, rate, start = sys.argv[1], sys.argv[2], float(sys.argv[3]), \
        int(sys.argv[4])
    arr = []
    sndseq = []
    seen = set()
    with open(csv) as f:
        next(f)
        for line in f:
            seq, snd, rcv, path, _ = line.strip().split(',')
            arr.append((int(rcv), int(path), int(seq)))
            sndseq.append((int(snd), int(seq)))
            seen.add(int(seq))
    arr.sort()
    # (send_ns, seq) of what arrived: the sender may fall behind its
    # nominal rate, so windows in time map to sequence numbers through it
    sends = sorted(sndseq)
    hos = []
    with open(hfile) as f:
        for line in f:
            if line.strip():
                f3 = line.split()
                hos.append((int(f3[0]), int(f3[1]),
                            int(f3[2]) if len(f3) > 2 else None))
    if not hos:
        print('handovers=0')
        return 1
    maxseq = max(seen) if seen else 0
    count = int(sys.argv[5]) if len(sys.argv) > 5 else maxseq + 1

    gaps, losses, missed = [], [], 0
    moves = []
    for k, (t, p, m) in enumerate(hos):
        if m is not None:
            moves.append((t - m) / 1e6)
        first = next((r for r, path, _ in arr if r > t and path == p), None)
        # loss window by send time: halfway to the neighbouring handovers
        lo = (hos[k - 1][0] + t) // 2 if k else start
        hi = (t + hos[k + 1][0]) // 2 if k + 1 < len(hos) else \
            start + int(count * 1e9 / rate)
        s_lo = seq_at(lo, sends, count)
        s_hi = seq_at(hi, sends, count)
        lost = sum(1 for s in range(s_lo, s_hi) if s not in seen)
        losses.append(lost)
        if first is None:
            missed += 1
            print('handover %d: to path %d: no packet through it, lost %d'
                  % (k + 1, p, lost))
            continue
        gaps.append((first - t) / 1e6)
        print('handover %d: to path %d: gap %.3f ms, lost %d%s'
              % (k + 1, p, gaps[-1], lost,
                 ', link move to trigger %.1f ms' % moves[-1]
                 if m is not None else ''))
    if gaps:
        print('handovers=%d gap_median_ms=%.3f gap_worst_ms=%.3f '
              'gap_mean_ms=%.3f lost_total=%d lost_median=%g lost_worst=%d '
              'missed=%d%s' % (len(hos), statistics.median(gaps), max(gaps),
                               statistics.mean(gaps), count - len(seen),
                               statistics.median(losses), max(losses), missed,
                               ' move_median_ms=%.1f' % statistics.median(moves)
                               if moves else ''))
    else:
        print('handovers=%d missed=%d lost_total=%d'
              % (len(hos), missed, count - len(seen)))
    return 0 if missed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
