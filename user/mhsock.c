// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mh.h"
#include "mhsock.h"

/* RFC 4443 §2.4(c): an ICMPv6 error must fit in the IPv6 minimum MTU */
#define PP_MAX_INVOKING (1280 - sizeof(struct ip6_hdr) - 8)

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The ICMPv6 socket only sends: a filter blocking every type keeps the
 * kernel from queueing a copy of each ICMPv6 packet that nobody reads.
 */
static int icmp_open(struct mhsock *s, const char *abuf)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	struct icmp6_filter filt;
	int one = 1, r;

	s->icmp_fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    IPPROTO_ICMPV6);
	if (s->icmp_fd < 0) {
		r = -errno;
		log_err("mhsock: icmpv6 socket: %s", strerror(-r));
		return r;
	}
	ICMP6_FILTER_SETBLOCKALL(&filt);
	if (setsockopt(s->icmp_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt,
		       sizeof(filt)) < 0) {
		r = -errno;
		log_err("mhsock: icmpv6 filter: %s", strerror(-r));
		goto close_fd;
	}
	if (setsockopt(s->icmp_fd, IPPROTO_IPV6, IPV6_FREEBIND, &one,
		       sizeof(one)) < 0)
		log_debug("mhsock: icmpv6 IPV6_FREEBIND: %s", strerror(errno));
	sa.sin6_addr = s->local;
	if (bind(s->icmp_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		log_err("mhsock: icmpv6 bind to %s: %s", abuf, strerror(-r));
		goto close_fd;
	}
	s->pp_tokens = MHSOCK_PP_BURST;
	s->pp_last_ms = mono_ms();
	return 0;

close_fd:
	close(s->icmp_fd);
	s->icmp_fd = -1;
	return r;
}

int mhsock_open(struct mhsock *s, const struct in6_addr *local)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	char abuf[INET6_ADDRSTRLEN];
	int off = MH_CHECKSUM_OFFSET, one = 1, r;

	memset(s, 0, sizeof(*s));
	s->icmp_fd = -1;
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
		       sizeof(one)) < 0 ||
	    /* to rebuild the header a Parameter Problem quotes */
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
		       sizeof(one)) < 0 ||
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one,
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
	r = icmp_open(s, abuf);
	if (r < 0)
		goto close_fd;
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
	if (s->icmp_fd >= 0)
		close(s->icmp_fd);
	s->icmp_fd = -1;
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
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			 2 * CMSG_SPACE(sizeof(int))];
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
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   (c->cmsg_type == IPV6_HOPLIMIT ||
			    c->cmsg_type == IPV6_TCLASS)) {
			int v;

			memcpy(&v, CMSG_DATA(c), sizeof(v));
			if (c->cmsg_type == IPV6_HOPLIMIT)
				s->rx_hlim = (uint8_t)v;
			else
				s->rx_tclass = (uint8_t)v;
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

/* RFC 4443 §2.4(f): a token bucket, refilled by the elapsed time */
static bool pp_allowed(struct mhsock *s)
{
	uint64_t now = mono_ms();
	uint64_t add = (now - s->pp_last_ms) * MHSOCK_PP_PER_S / 1000;

	if (add) {
		s->pp_tokens = add >= MHSOCK_PP_BURST - s->pp_tokens
				   ? MHSOCK_PP_BURST
				   : s->pp_tokens + (uint32_t)add;
		s->pp_last_ms = now;
	}
	if (!s->pp_tokens)
		return false;
	s->pp_tokens--;
	return true;
}

int mhsock_send_param_problem(struct mhsock *s, const struct in6_addr *dst,
			      uint32_t mh_pointer, const uint8_t *mh,
			      size_t len)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = *dst};
	uint8_t pkt[8 + PP_MAX_INVOKING];
	struct icmp6_hdr *ic = (struct icmp6_hdr *)pkt;
	struct ip6_hdr *ip = (struct ip6_hdr *)(pkt + 8);
	char abuf[INET6_ADDRSTRLEN];
	size_t quote;
	ssize_t n;

	/* RFC 4443 §2.4(e): never to a multicast or unspecified source */
	if (IN6_IS_ADDR_MULTICAST(dst) || IN6_IS_ADDR_UNSPECIFIED(dst))
		return -EINVAL;
	if (s->icmp_fd < 0)
		return -EBADF;
	if (!pp_allowed(s)) {
		s->pp_rate_limited++;
		return -EAGAIN;
	}
	memset(pkt, 0, 8 + sizeof(*ip));
	ic->icmp6_type = ICMP6_PARAM_PROB;
	ic->icmp6_code = ICMP6_PARAMPROB_HEADER;
	/* the kernel fills in the checksum of an IPPROTO_ICMPV6 raw socket */
	ic->icmp6_pptr = htonl((uint32_t)sizeof(*ip) + mh_pointer);
	/*
	 * The invoking packet as it arrived, as far as the socket tells:
	 * XXX: the flow label and any extension headers before the MH are
	 * not known here; the header is rebuilt as IPv6 + MH, which is what
	 * a MAG or LMA sends.
	 */
	ip->ip6_flow = htonl(6u << 28 | (uint32_t)s->rx_tclass << 20);
	ip->ip6_plen = htons((uint16_t)len);
	ip->ip6_nxt = MH_PROTO;
	ip->ip6_hlim = s->rx_hlim;
	ip->ip6_src = *dst;
	ip->ip6_dst = s->local;
	quote = PP_MAX_INVOKING - sizeof(*ip);
	if (len < quote)
		quote = len;
	memcpy(pkt + 8 + sizeof(*ip), mh, quote);
	n = sendto(s->icmp_fd, pkt, 8 + sizeof(*ip) + quote, 0,
		   (struct sockaddr *)&sa, sizeof(sa));
	if (n < 0) {
		int r = -errno;

		s->pp_err++;
		inet_ntop(AF_INET6, dst, abuf, sizeof(abuf));
		log_warn("mhsock: parameter problem to %s: %s", abuf,
			 strerror(-r));
		return r;
	}
	s->pp_tx++;
	inet_ntop(AF_INET6, dst, abuf, sizeof(abuf));
	log_info("mhsock: parameter problem to %s, pointer %u", abuf,
		 (unsigned)(sizeof(*ip) + mh_pointer));
	return 0;
}
