// SPDX-License-Identifier: BSD-2-Clause
/*
 * xpdp: drive the data plane through user/dataplane.h from shell tests.
 * Every invocation opens the instance (reusing its pinned maps), runs one
 * command and closes it with programs and pins left in place.
 *
 *   xpdp [-n netns] -r lma|mag -I instance -a local_addr [-m max_bindings]
 *        [-x auto|native|generic|tc] COMMAND [ARGS]
 *
 *   attach IFNAME core|access     detach IFNAME       destroy
 *   binding HNP PEER [MN_MAC GW_MAC ACCESS_IFNAME] [inactive]
 *   unbind HNP                    show HNP
 *   mn IFNAME MAC HNP             nexthop PEER IFNAME DMAC SMAC MTU
 *   unnexthop PEER
 *   stats                         events COUNT TIMEOUT_MS
 *   xdp-pass IFNAME   (an XDP_PASS program so a veth peer has NAPI)
 *
 * -n enters only the network namespace /run/netns/<netns>, so the pins stay
 * on the host's bpffs (ip netns exec would remount /sys and hide them).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane.h"
#include "log.h"

static int usage(void)
{
	fprintf(stderr, "usage: xpdp [-n netns] -r lma|mag -I instance "
			"-a local_addr [-m max] [-x mode] COMMAND [ARGS]\n");
	return 2;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "xpdp: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc ? -errno : 0;
}

static int parse_mac(const char *s, __u8 mac[XP_ETH_ALEN])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

static int parse_ifname(const char *s)
{
	int ifindex = if_nametoindex(s);

	if (!ifindex)
		fprintf(stderr, "xpdp: no interface %s\n", s);
	return ifindex ? ifindex : -ENODEV;
}

static int parse_hnp(const char *s, struct xp_hnp_key *key)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN + 8], *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return -EINVAL;
	xp_hnp_key_from_prefix(key, &a);
	return 0;
}

/* A two-instruction XDP_PASS program: gives a veth NAPI for redirects. */
static int xdp_pass(int ifindex)
{
	struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K,
	     .dst_reg = BPF_REG_0,
	     .imm = XDP_PASS},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	int fd, rc;

	fd =
	    bpf_prog_load(BPF_PROG_TYPE_XDP, "xdp_pass", "GPL", insns, 2, NULL);
	if (fd < 0)
		return fd;
	rc = bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
	close(fd);
	return rc;
}

static int on_event(const struct xp_event *ev, void *arg)
{
	char src[INET6_ADDRSTRLEN];
	int *n = arg;

	inet_ntop(AF_INET6, &ev->src, src, sizeof(src));
	printf("event type=%u ifindex=%u mac=%02x:%02x:%02x:%02x:%02x:%02x "
	       "src=%s\n",
	       ev->type, ev->ifindex, ev->mac[0], ev->mac[1], ev->mac[2],
	       ev->mac[3], ev->mac[4], ev->mac[5], src);
	(*n)++;
	return 0;
}

static int cmd_events(struct dp *dp, int want, int timeout_ms)
{
	struct pollfd pfd;
	int n = 0, rc;

	rc = dp_events_open(dp, on_event, &n);
	if (rc)
		return rc;
	pfd.fd = dp_events_fd(dp);
	pfd.events = POLLIN;
	dp_events_consume(dp);
	while (n < want && poll(&pfd, 1, timeout_ms) > 0)
		dp_events_consume(dp);
	fflush(stdout);
	return n >= want ? 0 : -ETIMEDOUT;
}

static int cmd_binding(struct dp *dp, int argc, char **argv)
{
	struct xp_binding b = {.flags = XP_BIND_F_ACTIVE};
	struct xp_hnp_key key;
	int ifindex;

	if (argc < 2 || parse_hnp(argv[0], &key) ||
	    inet_pton(AF_INET6, argv[1], &b.peer) != 1)
		return -EINVAL;
	if (argc >= 5) {
		if (parse_mac(argv[2], b.mn_mac) ||
		    parse_mac(argv[3], b.gw_mac))
			return -EINVAL;
		ifindex = parse_ifname(argv[4]);
		if (ifindex < 0)
			return ifindex;
		b.access_ifindex = ifindex;
	}
	if (argc == 3 || argc == 6)
		b.flags = 0;
	return dp_binding_update(dp, &key, &b);
}

static int cmd_show(struct dp *dp, const char *hnp)
{
	struct xp_hnp_key key;
	struct xp_binding b;
	char peer[INET6_ADDRSTRLEN];
	int rc;

	if (parse_hnp(hnp, &key))
		return -EINVAL;
	rc = dp_binding_lookup(dp, &key, &b);
	if (rc)
		return rc;
	inet_ntop(AF_INET6, &b.peer, peer, sizeof(peer));
	printf("peer=%s flags=%u up_packets=%llu up_bytes=%llu "
	       "down_packets=%llu down_bytes=%llu last_seen=%llu\n",
	       peer, b.flags, (unsigned long long)b.up_packets,
	       (unsigned long long)b.up_bytes,
	       (unsigned long long)b.down_packets,
	       (unsigned long long)b.down_bytes,
	       (unsigned long long)b.last_seen_ns);
	return 0;
}

static int cmd_nexthop(struct dp *dp, int argc, char **argv)
{
	struct xp_nexthop nh = {};
	struct in6_addr peer;
	int ifindex;

	if (argc < 5 || inet_pton(AF_INET6, argv[0], &peer) != 1 ||
	    parse_mac(argv[2], nh.dmac) || parse_mac(argv[3], nh.smac))
		return -EINVAL;
	ifindex = parse_ifname(argv[1]);
	if (ifindex < 0)
		return ifindex;
	nh.ifindex = ifindex;
	nh.mtu = atoi(argv[4]);
	return dp_nexthop_update(dp, &peer, &nh);
}

static int cmd_mn(struct dp *dp, int argc, char **argv)
{
	struct xp_mn_key key = {};
	struct xp_mn mn;
	int ifindex;

	if (argc < 3 || parse_mac(argv[1], key.mac) ||
	    parse_hnp(argv[2], &mn.hnp))
		return -EINVAL;
	ifindex = parse_ifname(argv[0]);
	if (ifindex < 0)
		return ifindex;
	key.ifindex = ifindex;
	return dp_mn_update(dp, &key, &mn);
}

static int cmd_stats(struct dp *dp)
{
	struct xp_stat st[XP_STAT_MAX];
	int i, rc;

	rc = dp_stats_read(dp, st);
	if (rc)
		return rc;
	for (i = 0; i < XP_STAT_MAX; i++)
		printf("%s %llu %llu\n", xp_stat_names[i],
		       (unsigned long long)st[i].packets,
		       (unsigned long long)st[i].bytes);
	return 0;
}

static int run(struct dp *dp, int argc, char **argv, bool *destroy)
{
	const char *cmd = argv[0];
	int ifindex;

	argc--;
	argv++;
	if (strcmp(cmd, "attach") == 0 && argc == 2) {
		ifindex = parse_ifname(argv[0]);
		if (ifindex < 0)
			return ifindex;
		return dp_attach(dp, ifindex,
				 strcmp(argv[1], "access") == 0 ? XP_IF_ACCESS
								: XP_IF_CORE);
	}
	if (strcmp(cmd, "detach") == 0 && argc == 1) {
		ifindex = parse_ifname(argv[0]);
		return ifindex < 0 ? ifindex : dp_detach(dp, ifindex);
	}
	if (strcmp(cmd, "destroy") == 0) {
		*destroy = true;
		return 0;
	}
	if (strcmp(cmd, "binding") == 0)
		return cmd_binding(dp, argc, argv);
	if (strcmp(cmd, "unbind") == 0 && argc == 1) {
		struct xp_hnp_key key;

		if (parse_hnp(argv[0], &key))
			return -EINVAL;
		return dp_binding_delete(dp, &key);
	}
	if (strcmp(cmd, "show") == 0 && argc == 1)
		return cmd_show(dp, argv[0]);
	if (strcmp(cmd, "mn") == 0)
		return cmd_mn(dp, argc, argv);
	if (strcmp(cmd, "nexthop") == 0)
		return cmd_nexthop(dp, argc, argv);
	if (strcmp(cmd, "unnexthop") == 0 && argc == 1) {
		struct in6_addr peer;

		if (inet_pton(AF_INET6, argv[0], &peer) != 1)
			return -EINVAL;
		return dp_nexthop_delete(dp, &peer);
	}
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(dp);
	if (strcmp(cmd, "events") == 0 && argc == 2)
		return cmd_events(dp, atoi(argv[0]), atoi(argv[1]));
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct dp_opts o = {.role = XP_ROLE_LMA};
	const char *netns = NULL;
	bool destroy = false;
	struct dp *dp;
	int c, rc, ifindex;

	log_init("xpdp", LOG_LVL_WARN, false);
	while ((c = getopt(argc, argv, "n:r:I:a:m:x:v")) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'r':
			o.role = strcmp(optarg, "mag") == 0 ? XP_ROLE_MAG
							    : XP_ROLE_LMA;
			break;
		case 'I':
			o.instance = optarg;
			break;
		case 'a':
			if (inet_pton(AF_INET6, optarg, &o.local_addr) != 1)
				return usage();
			break;
		case 'm':
			o.max_bindings = strtoul(optarg, NULL, 0);
			break;
		case 'x':
			o.xdp_mode =
			    strcmp(optarg, "native") == 0    ? XP_XDP_NATIVE
			    : strcmp(optarg, "generic") == 0 ? XP_XDP_GENERIC
			    : strcmp(optarg, "tc") == 0	     ? XP_XDP_TC
							     : XP_XDP_AUTO;
			break;
		case 'v':
			log_set_level(LOG_LVL_DEBUG);
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();
	if (netns && enter_netns(netns))
		return 1;
	if (strcmp(argv[optind], "xdp-pass") == 0 && optind + 1 < argc) {
		ifindex = parse_ifname(argv[optind + 1]);
		rc = ifindex < 0 ? ifindex : xdp_pass(ifindex);
		goto out;
	}
	if (!o.instance)
		return usage();
	rc = dp_open(&dp, &o);
	if (rc)
		goto out;
	rc = run(dp, argc - optind, argv + optind, &destroy);
	dp_close(dp, !destroy);
out:
	if (rc)
		fprintf(stderr, "xpdp: %s: %s\n", argv[optind], strerror(-rc));
	return rc ? 1 : 0;
}
