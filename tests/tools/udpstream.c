// SPDX-License-Identifier: BSD-2-Clause
/*
 * udpstream: a bounded UDP stream for measuring a handover.
 *
 *   udpstream send -d ADDR [-p PORT] -n COUNT -r PPS [-s SIZE] [-b SRC]
 *   udpstream recv [-p PORT] -n COUNT [-i IFNAME [-m MAC]...] [-c CSV]
 *                  [-t IDLE_MS] [-T MAX_S] [-w READY_FILE]
 *
 * The sender sends COUNT datagrams at PPS packets per second, each holding a
 * sequence number and its send time (CLOCK_REALTIME, shared by every
 * namespace).  The receiver records, per packet, the arrival time (kernel
 * timestamp), the sequence number and the path it came by, then prints one
 * line of key=value results and optionally writes every arrival to a CSV.
 *
 * The path: with -i the receiver also listens on a packet socket on IFNAME
 * and takes the frame's source MAC, so a node can tell which MAG delivered a
 * packet (path = 1 + index of that MAC among the -m options, 0 if none
 * matched).  Without -i, path is the hop limit the datagram arrived with.
 *
 * A "switch" is the first arrival by a path other than the first packet's;
 * handover_gap_ms is the time from the last arrival by the old path before it
 * to that switch, old_after_switch counts arrivals by the old path after it.
 * gap_ms is the longest time between two consecutive arrivals.
 *
 * -b SRC sends from SRC even if it is not a local address (IPV6_FREEBIND):
 * the tests use it to spoof another node's address.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>

#define US_MAGIC    0x58505553u /* "XPUS" */
#define US_PORT	    9000
#define US_MIN_SIZE ((int)sizeof(struct us_hdr))
#define US_MAX_SIZE 1400
#define US_MAX_MACS 8

/* What every datagram starts with, network byte order. */
struct us_hdr {
	uint32_t magic;
	uint32_t size;
	uint64_t seq;
	uint64_t count;
	uint64_t send_ns;
};

struct us_arrival {
	uint64_t seq;
	uint64_t send_ns;
	uint64_t recv_ns;
	int path;
	int hoplimit;
};

struct us_recv {
	uint64_t count;
	struct us_arrival *arr;
	size_t n_arr, max_arr;
	uint8_t *seen;
	uint64_t unique, dup, reorder, max_seq;
	bool any;
	uint8_t macs[US_MAX_MACS][ETH_ALEN];
	int n_macs;
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t ntoh64(uint64_t v)
{
	return ((uint64_t)ntohl(v & 0xffffffffu) << 32) | ntohl(v >> 32);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: udpstream send -d ADDR [-p PORT] -n COUNT -r PPS "
		"[-s SIZE] [-b SRC]\n"
		"       udpstream recv [-p PORT] -n COUNT [-i IFNAME "
		"[-m MAC]...] [-c CSV]\n"
		"                      [-t IDLE_MS] [-T MAX_S] "
		"[-w READY_FILE]\n");
	exit(2);
}

static int parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != ETH_ALEN)
		return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 255)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

static int do_send(int argc, char **argv)
{
	const char *dst = NULL, *src = NULL;
	uint64_t count = 0, rate = 0, i, start, due, errors = 0, sent = 0;
	int port = US_PORT, size = 64, opt, fd;
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	uint8_t buf[US_MAX_SIZE] = {0};
	struct us_hdr *h = (struct us_hdr *)buf;
	struct timespec ts;
	uint64_t t0, t1;

	while ((opt = getopt(argc, argv, "d:p:n:r:s:b:")) != -1) {
		switch (opt) {
		case 'd':
			dst = optarg;
			break;
		case 'b':
			src = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rate = strtoull(optarg, NULL, 0);
			break;
		case 's':
			size = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (!dst || !count || !rate || size < US_MIN_SIZE ||
	    size > US_MAX_SIZE || port <= 0 || port > 65535)
		usage();
	if (inet_pton(AF_INET6, dst, &sa.sin6_addr) != 1) {
		fprintf(stderr, "udpstream: bad address %s\n", dst);
		return 2;
	}
	sa.sin6_port = htons(port);

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpstream: socket");
		return 1;
	}
	if (src) {
		struct sockaddr_in6 la = {.sin6_family = AF_INET6};
		int on = 1;

		if (inet_pton(AF_INET6, src, &la.sin6_addr) != 1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on,
			       sizeof(on)) < 0 ||
		    bind(fd, (struct sockaddr *)&la, sizeof(la)) < 0) {
			fprintf(stderr, "udpstream: source %s: %s\n", src,
				strerror(errno));
			close(fd);
			return 1;
		}
	}

	/*
	 * Pace against absolute deadlines so a late wake-up is made up at
	 * once instead of stretching the stream.
	 */
	h->magic = htonl(US_MAGIC);
	h->size = htonl(size);
	h->count = ntoh64(count);
	t0 = now_ns(CLOCK_REALTIME);
	start = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < count; i++) {
		due = start + i * 1000000000ull / rate;
		ts.tv_sec = due / 1000000000ull;
		ts.tv_nsec = due % 1000000000ull;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		h->seq = ntoh64(i);
		h->send_ns = ntoh64(now_ns(CLOCK_REALTIME));
		/* Unreachable errors during a handover are expected: go on. */
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&sa,
			   sizeof(sa)) < 0)
			errors++;
		else
			sent++;
	}
	t1 = now_ns(CLOCK_REALTIME);
	close(fd);
	printf("udpstream-send count=%llu sent=%llu errors=%llu "
	       "duration_ms=%.1f start_ns=%llu\n",
	       (unsigned long long)count, (unsigned long long)sent,
	       (unsigned long long)errors, (t1 - t0) / 1e6,
	       (unsigned long long)t0);
	return 0;
}

static int recv_path(const struct us_recv *r, const uint8_t *src)
{
	int i;

	for (i = 0; i < r->n_macs; i++)
		if (!memcmp(r->macs[i], src, ETH_ALEN))
			return i + 1;
	return 0;
}

static void recv_record(struct us_recv *r, const uint8_t *p, size_t len,
			uint64_t recv_ns, int path, int hoplimit)
{
	const struct us_hdr *h = (const struct us_hdr *)p;
	struct us_arrival *a;
	uint64_t seq;

	if (len < sizeof(*h) || ntohl(h->magic) != US_MAGIC)
		return;
	seq = ntoh64(h->seq);
	if (seq >= r->count)
		return;
	if (r->seen[seq]) {
		r->dup++;
	} else {
		r->seen[seq] = 1;
		r->unique++;
	}
	if (r->any && seq < r->max_seq)
		r->reorder++;
	if (!r->any || seq > r->max_seq)
		r->max_seq = seq;
	r->any = true;
	if (r->n_arr == r->max_arr)
		return;
	a = &r->arr[r->n_arr++];
	a->seq = seq;
	a->send_ns = ntoh64(h->send_ns);
	a->recv_ns = recv_ns;
	a->path = path;
	a->hoplimit = hoplimit;
}

static uint64_t cmsg_tstamp(struct msghdr *m, int *hoplimit)
{
	struct cmsghdr *c;
	uint64_t t = 0;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			t = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
		} else if (hoplimit && c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(hoplimit, CMSG_DATA(c), sizeof(int));
		}
	}
	return t ? t : now_ns(CLOCK_REALTIME);
}

/* One frame from the packet socket: IPv6, UDP to our port. */
static ssize_t recv_frame(struct us_recv *r, int fd, int port)
{
	uint8_t buf[2048], cbuf[256];
	struct sockaddr_ll sll;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {
	    .msg_name = &sll,
	    .msg_namelen = sizeof(sll),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = cbuf,
	    .msg_controllen = sizeof(cbuf),
	};
	const struct ip6_hdr *ip6;
	const uint8_t *udp;
	uint64_t t;
	ssize_t n;

	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < ETH_HLEN + 40 + 8 || sll.sll_pkttype == PACKET_OUTGOING)
		return n;
	t = cmsg_tstamp(&m, NULL);
	if (((buf[12] << 8) | buf[13]) != ETH_P_IPV6)
		return n;
	ip6 = (const struct ip6_hdr *)(buf + ETH_HLEN);
	if (ip6->ip6_nxt != IPPROTO_UDP)
		return n;
	udp = buf + ETH_HLEN + 40;
	if (((udp[2] << 8) | udp[3]) != port)
		return n;
	recv_record(r, udp + 8, n - ETH_HLEN - 48, t,
		    recv_path(r, buf + ETH_ALEN), ip6->ip6_hlim);
	return n;
}

/* One datagram from the UDP socket; recorded only without a packet socket. */
static ssize_t recv_dgram(struct us_recv *r, int fd, bool record)
{
	uint8_t buf[2048], cbuf[256];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = cbuf,
	    .msg_controllen = sizeof(cbuf),
	};
	int hoplimit = -1;
	uint64_t t;
	ssize_t n;

	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0 || !record)
		return n;
	t = cmsg_tstamp(&m, &hoplimit);
	recv_record(r, buf, n, t, hoplimit, hoplimit);
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void recv_report(const struct us_recv *r, const char *csv)
{
	uint64_t gap = 0, gap_seq = 0, sw_ns = 0, last_old_ns = 0;
	uint64_t old_after = 0, switches = 0, *lat, lat_med = 0, lat_max = 0;
	uint64_t lat_max_seq = 0, l;
	int first_path = -1, last_path = -1, new_path = -1;
	uint64_t sw_seq = 0;
	size_t i, n = r->n_arr;
	FILE *f;

	for (i = 0; i < n; i++) {
		const struct us_arrival *a = &r->arr[i];

		if (i && a->recv_ns - r->arr[i - 1].recv_ns > gap) {
			gap = a->recv_ns - r->arr[i - 1].recv_ns;
			gap_seq = r->arr[i - 1].seq;
		}
		if (i && a->path != r->arr[i - 1].path)
			switches++;
		if (first_path < 0)
			first_path = a->path;
		last_path = a->path;
		if (new_path < 0 && a->path != first_path) {
			new_path = a->path;
			sw_ns = a->recv_ns;
			sw_seq = a->seq;
		}
		l = a->recv_ns > a->send_ns ? a->recv_ns - a->send_ns : 0;
		if (l > lat_max) {
			lat_max = l;
			lat_max_seq = a->seq;
		}
		if (new_path < 0)
			last_old_ns = a->recv_ns;
		else if (a->path == first_path)
			old_after++;
	}

	lat = calloc(n ? n : 1, sizeof(*lat));
	if (lat && n) {
		for (i = 0; i < n; i++)
			lat[i] = r->arr[i].recv_ns > r->arr[i].send_ns
				     ? r->arr[i].recv_ns - r->arr[i].send_ns
				     : 0;
		qsort(lat, n, sizeof(*lat), cmp_u64);
		lat_med = lat[n / 2];
	}
	free(lat);

	printf("udpstream count=%llu received=%llu lost=%llu dup=%llu "
	       "reorder=%llu gap_ms=%.3f gap_after_seq=%llu switches=%llu "
	       "first_path=%d last_path=%d",
	       (unsigned long long)r->count, (unsigned long long)r->unique,
	       (unsigned long long)(r->count - r->unique),
	       (unsigned long long)r->dup, (unsigned long long)r->reorder,
	       gap / 1e6, (unsigned long long)gap_seq,
	       (unsigned long long)switches, first_path, last_path);
	if (new_path >= 0)
		printf(" switch_seq=%llu switch_ns=%llu handover_gap_ms=%.3f "
		       "old_after_switch=%llu",
		       (unsigned long long)sw_seq, (unsigned long long)sw_ns,
		       (sw_ns - last_old_ns) / 1e6,
		       (unsigned long long)old_after);
	else
		printf(" switch_seq=-1 handover_gap_ms=-1 old_after_switch=0");
	printf(" lat_med_us=%.1f lat_max_us=%.1f lat_max_seq=%llu\n",
	       lat_med / 1e3, lat_max / 1e3, (unsigned long long)lat_max_seq);
	fflush(stdout);

	if (!csv)
		return;
	f = fopen(csv, "w");
	if (!f) {
		fprintf(stderr, "udpstream: %s: %s\n", csv, strerror(errno));
		return;
	}
	fprintf(f, "seq,send_ns,recv_ns,path,hoplimit\n");
	for (i = 0; i < n; i++)
		fprintf(f, "%llu,%llu,%llu,%d,%d\n",
			(unsigned long long)r->arr[i].seq,
			(unsigned long long)r->arr[i].send_ns,
			(unsigned long long)r->arr[i].recv_ns, r->arr[i].path,
			r->arr[i].hoplimit);
	fclose(f);
}

static int open_packet(const char *ifname)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET};
	int fd, on = 1, ifindex;

	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "udpstream: no interface %s\n", ifname);
		return -ENODEV;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IPV6));
	if (fd < 0)
		return -errno;
	sll.sll_protocol = htons(ETH_P_IPV6);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int open_udp(int port)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	int fd, on = 1, rcvbuf = 4 << 20;

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	sa.sin6_port = htons(port);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) <
		0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int do_recv(int argc, char **argv)
{
	const char *ifname = NULL, *csv = NULL, *ready = NULL;
	uint64_t idle_ms = 1000, max_s = 60, deadline, last = 0, t;
	struct us_recv r = {0};
	int port = US_PORT, opt, ufd, pfd = -1, rc = 1;
	struct pollfd fds[2];

	while ((opt = getopt(argc, argv, "p:n:i:m:c:t:T:w:")) != -1) {
		switch (opt) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			r.count = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'm':
			if (r.n_macs == US_MAX_MACS ||
			    parse_mac(optarg, r.macs[r.n_macs]))
				usage();
			r.n_macs++;
			break;
		case 'c':
			csv = optarg;
			break;
		case 't':
			idle_ms = strtoull(optarg, NULL, 0);
			break;
		case 'T':
			max_s = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (!r.count || r.count > 100000000 || port <= 0 || port > 65535)
		usage();

	r.max_arr = r.count * 2;
	r.arr = calloc(r.max_arr, sizeof(*r.arr));
	r.seen = calloc(r.count, 1);
	if (!r.arr || !r.seen) {
		fprintf(stderr, "udpstream: out of memory\n");
		goto out_free;
	}
	ufd = open_udp(port);
	if (ufd < 0) {
		fprintf(stderr, "udpstream: udp port %d: %s\n", port,
			strerror(-ufd));
		goto out_free;
	}
	if (ifname) {
		pfd = open_packet(ifname);
		if (pfd < 0) {
			fprintf(stderr, "udpstream: packet socket: %s\n",
				strerror(-pfd));
			goto out_udp;
		}
	}
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0)
			close(fd);
	}

	/* Bounded: stop when all arrived, when idle, or at the deadline. */
	deadline = now_ns(CLOCK_MONOTONIC) + max_s * 1000000000ull;
	fds[0] = (struct pollfd){.fd = ufd, .events = POLLIN};
	fds[1] = (struct pollfd){.fd = pfd, .events = POLLIN};
	while (r.unique < r.count) {
		t = now_ns(CLOCK_MONOTONIC);
		if (t >= deadline)
			break;
		if (r.any && t - last >= idle_ms * 1000000ull)
			break;
		if (poll(fds, pfd >= 0 ? 2 : 1, 20) <= 0)
			continue;
		/* Drain both: the UDP socket only keeps ICMP errors away. */
		if (pfd >= 0 && (fds[1].revents & POLLIN))
			while (recv_frame(&r, pfd, port) >= 0)
				;
		if (fds[0].revents & POLLIN)
			while (recv_dgram(&r, ufd, pfd < 0) >= 0)
				;
		if (r.any && (fds[0].revents | fds[1].revents) & POLLIN)
			last = now_ns(CLOCK_MONOTONIC);
	}
	recv_report(&r, csv);
	rc = 0;

	if (pfd >= 0)
		close(pfd);
out_udp:
	close(ufd);
out_free:
	free(r.arr);
	free(r.seen);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "send"))
		return do_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return do_recv(argc - 1, argv + 1);
	usage();
	return 2;
}
