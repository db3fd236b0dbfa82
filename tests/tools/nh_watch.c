// SPDX-License-Identifier: BSD-2-Clause
/*
 * nh_watch: runs the next-hop monitor for a test.  Reads commands from
 * stdin ("add ADDR", "del ADDR", "resync"), prints one line per change the
 * monitor makes ("set PEER if=N mtu=N dmac=MAC smac=MAC", "unset PEER"),
 * and exits on EOF or after --seconds.  With --instance it also writes
 * the "nexthops" map of a data plane instance it opens (LMA role, nothing
 * attached), pinned under XP_PIN_ROOT/NAME, so a test can read the map.
 *
 *   nh_watch [--seconds N] [--instance NAME]
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "dataplane.h"
#include "log.h"
#include "nexthop.h"

static void mac_str(const __u8 *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static int print_apply(void *arg, const struct in6_addr *peer,
		       const struct xp_nexthop *nh)
{
	char a[INET6_ADDRSTRLEN], d[18], s[18];
	struct dp *dp = arg;
	int rc;

	if (dp) {
		rc = nh ? dp_nexthop_update(dp, peer, nh)
			: dp_nexthop_delete(dp, peer);
		if (rc)
			return rc;
	}
	inet_ntop(AF_INET6, peer, a, sizeof(a));
	if (!nh) {
		printf("unset %s\n", a);
	} else {
		mac_str(nh->dmac, d);
		mac_str(nh->smac, s);
		printf("set %s if=%u mtu=%u dmac=%s smac=%s\n", a, nh->ifindex,
		       nh->mtu, d, s);
	}
	fflush(stdout);
	return 0;
}

static int command(struct nh_mon *m, char *line)
{
	char verb[16], addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	int rc;

	if (sscanf(line, "%15s %45s", verb, addr) < 1)
		return 0;
	if (!strcmp(verb, "resync"))
		return nh_mon_resync(m);
	if (!strcmp(verb, "confirm")) {
		rc = nh_mon_confirm(m);
		printf("done confirm rc=%d\n", rc);
		fflush(stdout);
		return rc;
	}
	if (inet_pton(AF_INET6, addr, &a) != 1) {
		fprintf(stderr, "nh_watch: bad address in: %s", line);
		return -EINVAL;
	}
	if (!strcmp(verb, "add"))
		rc = nh_mon_add_peer(m, &a);
	else if (!strcmp(verb, "del"))
		rc = nh_mon_del_peer(m, &a);
	else
		rc = -EINVAL;
	/* a marker, so the test knows the command was handled */
	printf("done %s %s rc=%d\n", verb, addr, rc);
	fflush(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[2];
	size_t have = 0;
	struct nh_mon *m;
	char buf[1024], *nl;
	const char *instance = NULL;
	struct dp *dp = NULL;
	int seconds = 30, i, rc;
	ssize_t n;
	time_t end;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seconds"))
			seconds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--instance"))
			instance = argv[i + 1];
	}
	log_init("nh_watch", LOG_LVL_INFO, false);
	if (instance) {
		struct dp_opts o = {.role = XP_ROLE_LMA, .instance = instance};

		inet_pton(AF_INET6, "2001:db8:ffff::1", &o.local_addr);
		rc = dp_open(&dp, &o);
		if (rc) {
			fprintf(stderr, "nh_watch: dp_open: %s\n",
				strerror(-rc));
			return 1;
		}
	}
	if (dp) {
		struct bpf_map_info info = {0};
		__u32 len = sizeof(info);
		int fd = dp_map_fd(dp, "nexthops");

		/*
		 * The map id, for bpftool: the pin may sit in a mount
		 * namespace of its own ("ip netns exec" makes one).
		 */
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			printf("map nexthops id %u\n", info.id);
		fflush(stdout);
	}
	m = nh_mon_new_cb(print_apply, dp);
	if (!m) {
		fprintf(stderr, "nh_watch: %s\n", strerror(errno));
		dp_close(dp, false);
		return 1;
	}
	end = time(NULL) + seconds;
	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = nh_mon_fd(m);
	pfd[1].events = POLLIN;
	while (time(NULL) < end) {
		if (poll(pfd, 2, 200) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			nh_mon_input(m);
		if (!(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		/* read(), not stdio: poll() cannot see stdio's buffer */
		n = read(STDIN_FILENO, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			command(m, buf);
			have -= nl + 1 - buf;
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1)
			have = 0; /* a line too long to be a command */
	}
	nh_mon_free(m);
	dp_close(dp, false);
	return 0;
}
