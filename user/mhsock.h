/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signaling I/O: one raw IPv6 socket for the Mobility Header (protocol 135),
 * bound to the configured address (LMAA or proxy-CoA).  Named mhsock, not
 * signal, so that user/ on the include path never shadows <signal.h>.  The
 * kernel computes the MH checksum on send and drops bad ones on receive
 * (IPV6_CHECKSUM at offset 4, RFC 6275 §6.1.1): the state machines never
 * see them.  A second raw socket, ICMPv6, bound to the same address, sends
 * the Parameter Problems that RFC 6275 §9.2 asks for a malformed MH.
 */
#ifndef XPMIP_MHSOCK_H
#define XPMIP_MHSOCK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * RFC 4443 §2.4(f): Parameter Problems are rate-limited by a token bucket,
 * MHSOCK_PP_BURST deep, refilled at MHSOCK_PP_PER_S tokens a second.
 */
#define MHSOCK_PP_BURST 10
#define MHSOCK_PP_PER_S 10

struct mhsock {
	int fd;
	int icmp_fd; /* ICMPv6 raw socket, send only */
	struct in6_addr local;
	/* of the last message mhsock_recv() returned, to rebuild its header */
	uint8_t rx_hlim, rx_tclass;
	uint32_t pp_tokens;  /* Parameter Problem bucket, in tokens */
	uint64_t pp_last_ms; /* last refill, CLOCK_MONOTONIC */
	uint64_t rx, tx, rx_err, tx_err, rx_wrong_dst;
	uint64_t pp_tx, pp_rate_limited, pp_err;
};

/*
 * Open both sockets, set the checksum offset, bind to local; 0 or -errno.
 * Needs CAP_NET_RAW: call before dropping privileges.
 */
int mhsock_open(struct mhsock *s, const struct in6_addr *local);
void mhsock_close(struct mhsock *s);

/* send one MH message (checksum left 0) from s->local to dst */
int mhsock_send(struct mhsock *s, const struct in6_addr *dst, const uint8_t *mh,
		size_t len);

/*
 * Receive one MH message into buf.  Returns its length, or -EAGAIN when
 * none is waiting, or another -errno.  Messages not addressed to s->local
 * are counted and skipped (-EAGAIN-like: returns -EADDRNOTAVAIL).
 */
ssize_t mhsock_recv(struct mhsock *s, uint8_t *buf, size_t size,
		    struct in6_addr *src, struct in6_addr *dst);

/*
 * ICMPv6 Parameter Problem, code 0 (RFC 4443 §3.4), about the MH mh[0..len)
 * that the last mhsock_recv() returned from dst to s->local.  mh_pointer is
 * the offending byte counted from the start of the MH (what mh_parse gives);
 * the raw socket strips the IPv6 header, so the invoking packet is rebuilt
 * as an IPv6 header directly followed by the MH, and the ICMPv6 pointer is
 * 40 + mh_pointer.  As much of it as fits in 1280 bytes is carried (RFC 4443
 * §2.4(c)).  Never sent to a multicast or unspecified dst (§2.4(e)); rate-
 * limited (§2.4(f)).  0 when sent, -EAGAIN when rate-limited, -EINVAL for a
 * non-unicast dst, or -errno.
 */
int mhsock_send_param_problem(struct mhsock *s, const struct in6_addr *dst,
			      uint32_t mh_pointer, const uint8_t *mh,
			      size_t len);

#endif /* XPMIP_MHSOCK_H */
