// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "mh.h"
#include "mhsock.h"

int mhsock_open(struct mhsock *s, const struct in6_addr *local)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	char abuf[INET6_ADDRSTRLEN];
	int off = MH_CHECKSUM_OFFSET, one = 1, r;

	memset(s, 0, sizeof(*s));
	s->local = *local;
	inet_ntop(AF_INET6, local, abuf, sizeof(abuf));
	s->fd =
	    socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, MH_PROTO);
	if (s->fd < 0) {
		r = -errno;
		log_err("mhsock: mobility header socket: %s", strerror(-r));
		return r;
	}
	/* RFC 6275 §6.1.1: the kernel fills in and verifies the checksum */
	if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off, sizeof(off)) <
		0 ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
		       sizeof(one)) < 0) {
		r = -errno;
		log_err("mhsock: socket options: %s", strerror(-r));
		goto close_fd;
	}
	/*
	 * The address may still be in duplicate address detection when the
	 * daemon starts with its interface: bind anyway, it works once DAD
	 * is over.
	 */
	if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)) <
	    0)
		log_debug("mhsock: IPV6_FREEBIND: %s", strerror(errno));
	sa.sin6_addr = *local;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		log_err("mhsock: bind to %s: %s", abuf, strerror(-r));
		goto close_fd;
	}
	log_info("mhsock: mobility header socket on %s", abuf);
	return 0;

close_fd:
	close(s->fd);
	s->fd = -1;
	return r;
}

void mhsock_close(struct mhsock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int mhsock_send(struct mhsock *s, const struct in6_addr *dst, const uint8_t *mh,
		size_t len)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = *dst};
	ssize_t n;

	n = sendto(s->fd, mh, len, 0, (struct sockaddr *)&sa, sizeof(sa));
	if (n < 0) {
		int r = -errno;
		char abuf[INET6_ADDRSTRLEN];

		s->tx_err++;
		inet_ntop(AF_INET6, dst, abuf, sizeof(abuf));
		log_warn("mhsock: send %s to %s: %s",
			 len > 2 ? mh_type_str(mh[2]) : "?", abuf,
			 strerror(-r));
		return r;
	}
	s->tx++;
	return 0;
}

ssize_t mhsock_recv(struct mhsock *s, uint8_t *buf, size_t size,
		    struct in6_addr *src, struct in6_addr *dst)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_in6 sa;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr msg = {
	    .msg_name = &sa,
	    .msg_namelen = sizeof(sa),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = ctl.buf,
	    .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	bool have_dst = false;
	ssize_t n;

	n = recvmsg(s->fd, &msg, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			s->rx_err++;
		return -errno;
	}
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*dst = pi.ipi6_addr;
			have_dst = true;
		}
	}
	if (msg.msg_flags & MSG_TRUNC) {
		s->rx_err++;
		return -EMSGSIZE;
	}
	*src = sa.sin6_addr;
	/* only the configured address takes part in signaling */
	if (!have_dst || memcmp(dst, &s->local, sizeof(*dst)) != 0) {
		s->rx_wrong_dst++;
		return -EADDRNOTAVAIL;
	}
	s->rx++;
	return n;
}
