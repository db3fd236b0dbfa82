/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signaling I/O: one raw IPv6 socket for the Mobility Header (protocol 135),
 * bound to the configured address (LMAA or proxy-CoA).  Named mhsock, not
 * signal, so that user/ on the include path never shadows <signal.h>.  The
 * kernel computes the MH checksum on send and drops bad ones on receive
 * (IPV6_CHECKSUM at offset 4, RFC 6275 §6.1.1): the state machines never
 * see them.
 */
#ifndef XPMIP_MHSOCK_H
#define XPMIP_MHSOCK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mhsock {
	int fd;
	struct in6_addr local;
	uint64_t rx, tx, rx_err, tx_err, rx_wrong_dst;
};

/* open, set the checksum offset, bind to local; 0 or -errno */
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

#endif /* XPMIP_MHSOCK_H */
