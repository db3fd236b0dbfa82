#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Send one Mobility Header message and print the replies, for the hostile
input tests.  Built from raw bytes (scapy has no PMIPv6 options); the
kernel computes the MH checksum (IPV6_CHECKSUM at offset 4) unless
--bad-checksum.

  mhinject.py --src A --dst LMAA pbu [--mn-id ID] [--lifetime S] [--hi N]
  mhinject.py --src A --dst LMAA type N        MH type N, 16 bytes
  mhinject.py --src A --dst LMAA hex HEX       any bytes (MH only)
  mhinject.py ... --bad-checksum pbu

Prints one line per reply received within --wait seconds:
  reply src=ADDR type=T status=S
and one per ICMPv6 Parameter Problem (RFC 4443 3.4) about what was sent:
  icmp src=ADDR type=4 code=C pointer=P quote=OK|BAD
(quote=OK: the quoted packet is an IPv6 header from --src to --dst, next
header 135, payload length of the MH, followed by the MH bytes sent as far
as they fit, the checksum aside: the kernel fills it in), and "replies=N"
and "icmp=N" at the end.
"""
import argparse
import select
import socket
import struct
import sys
import time

IPPROTO_MH = 135
ICMP6_PARAM_PROB = 4
IPV6_CHECKSUM = 7


def pad_to(buf, x, y):
    """Pad buf with Pad1/PadN so that len(buf) = y (mod x)."""
    gap = (y - len(buf)) % x
    if gap == 1:
        buf += b'\x00'
    elif gap >= 2:
        buf += bytes([1, gap - 2]) + bytes(gap - 2)
    return buf


def pbu(seq, lifetime_s, mn_id, hi, att=3, ts=None):
    # RFC 6275 6.1.7 + RFC 5213 8.1: A (0x8000) and P (0x0200) set
    body = struct.pack('!HHH', seq, 0x8000 | 0x0200, lifetime_s // 4)
    mh = bytearray(struct.pack('!BBBBH', 59, 0, 5, 0, 0)) + body
    mid = mn_id.encode()
    mh += bytes([8, 1 + len(mid), 1]) + mid            # MN-ID, NAI
    mh = pad_to(mh, 8, 4)
    mh += bytes([22, 18, 0, 0]) + bytes(16)             # HNP ALL_ZERO
    mh += bytes([23, 2, 0, hi])                         # Handoff Indicator
    mh += bytes([24, 2, 0, att])                        # Access Tech Type
    mh = pad_to(mh, 8, 2)
    if ts is None:
        t = time.time()
        ts = (int(t) << 16) | int((t - int(t)) * 65536)
    mh += bytes([27, 8]) + struct.pack('!Q', ts)        # Timestamp
    mh = pad_to(mh, 8, 0)
    mh[1] = len(mh) // 8 - 1
    return bytes(mh)


def generic(mh_type, length=16):
    mh = bytearray(struct.pack('!BBBBH', 59, length // 8 - 1, mh_type, 0, 0))
    mh += bytes(length - 6)
    return bytes(mh)


def cksum(src, dst, mh):
    s = 0
    data = (socket.inet_pton(socket.AF_INET6, src) +
            socket.inet_pton(socket.AF_INET6, dst) +
            struct.pack('!IxxxB', len(mh), IPPROTO_MH) + mh)
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def quoted_mh_ok(q, mh):
    """q is mh, cut short maybe, but with the checksum the kernel set."""
    q = q[:4] + mh[4:6] + q[6:] if len(q) >= 6 else q
    return len(q) > 0 and q == mh[:len(q)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', required=True)
    ap.add_argument('--dst', required=True)
    ap.add_argument('--wait', type=float, default=1.0)
    ap.add_argument('--bad-checksum', action='store_true')
    sub = ap.add_subparsers(dest='kind', required=True)
    p = sub.add_parser('pbu')
    p.add_argument('--mn-id', default='hostile@example.net')
    p.add_argument('--lifetime', type=int, default=60)
    p.add_argument('--hi', type=int, default=1)
    p.add_argument('--seq', type=int, default=1)
    p = sub.add_parser('type')
    p.add_argument('mh_type', type=int)
    p = sub.add_parser('hex')
    p.add_argument('data')
    a = ap.parse_args()

    if a.kind == 'pbu':
        mh = pbu(a.seq, a.lifetime, a.mn_id, a.hi)
    elif a.kind == 'type':
        mh = generic(a.mh_type)
    else:
        mh = bytes.fromhex(a.data)

    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
    s.bind((a.src, 0))
    if a.bad_checksum:
        mh = bytearray(mh)
        c = cksum(a.src, a.dst, bytes(mh[:4]) + b'\0\0' + bytes(mh[6:]))
        mh[4:6] = struct.pack('!H', c ^ 0x5a5a)
        mh = bytes(mh)
    # Linux computes the checksum of an MH raw socket at offset 4 unless
    # told not to (-1): needed for a bad checksum and for runts under 6 bytes
    if a.bad_checksum or len(mh) < 6:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, -1)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, 4)
    # opened before sending, so that a fast answer is not missed
    ic = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                       socket.IPPROTO_ICMPV6)
    ic.bind((a.src, 0))
    s.sendto(mh, (a.dst, 0))

    n = 0
    ni = 0
    end = time.time() + a.wait
    while True:
        left = end - time.time()
        if left <= 0:
            break
        r, _, _ = select.select([s, ic], [], [], left)
        if not r:
            break
        if ic in r:
            data, addr = ic.recvfrom(2048)
            if len(data) >= 48 and data[0] == ICMP6_PARAM_PROB:
                ip = data[8:48]
                want = (bytes([0x60]) + bytes(3) +
                        struct.pack('!HB', len(mh), IPPROTO_MH))
                ok = (ip[:7] == want[:7] and
                      ip[8:24] == socket.inet_pton(socket.AF_INET6, a.src) and
                      ip[24:40] == socket.inet_pton(socket.AF_INET6, a.dst)
                      and quoted_mh_ok(data[48:], mh))
                print('icmp src=%s type=%d code=%d pointer=%d quote=%s' %
                      (addr[0], data[0], data[1],
                       struct.unpack('!I', data[4:8])[0],
                       'OK' if ok else 'BAD'))
                ni += 1
            if s not in r:
                continue
        data, addr = s.recvfrom(2048)
        if len(data) < 8 or addr[0] == a.src:
            continue
        t = data[2]
        status = data[6] if t in (6, 7) else -1
        print('reply src=%s type=%d status=%d len=%d' %
              (addr[0], t, status, len(data)))
        n += 1
    print('replies=%d' % n)
    print('icmp=%d' % ni)
    return 0


if __name__ == '__main__':
    sys.exit(main())
