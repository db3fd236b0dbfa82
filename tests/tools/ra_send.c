// SPDX-License-Identifier: BSD-2-Clause
/*
 * ra_send: drive user/ra.c on one access interface, for the live tests.
 * It puts the fixed link-local address on the interface, answers Router
 * Solicitations from the MAC given with -r by advertising the prefix (what
 * the MAG does once the binding is accepted), ignores other nodes, and on
 * SIGUSR1 withdraws every prefix it advertised.  SIGTERM, SIGINT or the -d
 * bound ends it; it prints its counters on exit.
 *
 *   ra_send -i IFNAME -P PREFIX/PLEN [-L LLA] [-T LIFETIME] [-r MAC]...
 *	     [-a MAC]... [-m FIXEDMAC] [-M MTU] [-x MAXINTERVAL_S] [-d SECS]
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/signalfd.h>

#include "clock.h"
#include "ctlproto.h"
#include "log.h"
#include "ra.h"

#define MAX_NODES 16

struct tool {
	struct ra_ctx *ra;
	int ifindex;
	struct in6_addr prefix;
	uint8_t plen;
	uint32_t lifetime;
	uint8_t serve[MAX_NODES][6]; /* -r: answer these when they solicit */
	int n_serve;
	uint8_t adv[MAX_NODES][6]; /* advertised so far */
	int n_adv;
};

static void advertise(struct tool *t, const uint8_t mac[6],
		      const struct in6_addr *lla)
{
	int err;

	err = ra_node_advertise(t->ra, t->ifindex, mac, lla, &t->prefix,
				t->plen, t->lifetime);
	if (err) {
		fprintf(stderr, "ra_send: advertise: %s\n", strerror(-err));
		return;
	}
	for (int i = 0; i < t->n_adv; i++)
		if (!memcmp(t->adv[i], mac, 6))
			return;
	if (t->n_adv < MAX_NODES)
		memcpy(t->adv[t->n_adv++], mac, 6);
}

static void on_rs(void *arg, int ifindex, const uint8_t mac[6],
		  const struct in6_addr *src)
{
	struct tool *t = arg;

	(void)ifindex;
	for (int i = 0; i < t->n_serve; i++) {
		if (!memcmp(t->serve[i], mac, 6)) {
			printf("ra_send: rs from %02x:%02x:%02x:%02x:%02x:%02x"
			       ": advertising\n",
			       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
			advertise(t, mac, src);
			return;
		}
	}
	printf("ra_send: rs from %02x:%02x:%02x:%02x:%02x:%02x"
	       ": not ours, ignored\n",
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static int parse_prefix(const char *s, struct in6_addr *a, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 4], *slash;
	long l;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	l = strtol(slash + 1, NULL, 10);
	if (l < 1 || l > 128 || inet_pton(AF_INET6, buf, a) != 1)
		return -EINVAL;
	*plen = (uint8_t)l;
	return 0;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: ra_send -i IFNAME -P PREFIX/PLEN [-L LLA] [-T LIFETIME]\n"
	    "               [-r MAC]... [-a MAC]... [-m FIXEDMAC] [-M MTU]\n"
	    "               [-x MAXINTERVAL_S] [-d SECS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct ra_ops ops = {.on_rs = on_rs};
	uint8_t now_adv[MAX_NODES][6];
	struct tool t = {.lifetime = 60};
	struct ra_config cfg;
	struct ra_counters c;
	uint64_t end;
	sigset_t mask;
	int n_now = 0, opt, sfd, err;
	const char *ifname = NULL;
	bool have_prefix = false;
	long duration = 60;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init("ra_send", LOG_LVL_INFO, false);
	ra_config_defaults(&cfg);
	inet_pton(AF_INET6, "fe80::1", &cfg.link_local);
	cfg.max_interval_ms = 10000;
	while ((opt = getopt(argc, argv, "i:P:L:T:r:a:m:M:x:d:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'P':
			if (parse_prefix(optarg, &t.prefix, &t.plen))
				usage();
			have_prefix = true;
			break;
		case 'L':
			if (inet_pton(AF_INET6, optarg, &cfg.link_local) != 1)
				usage();
			break;
		case 'T':
			t.lifetime = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			if (t.n_serve == MAX_NODES ||
			    ctl_mac_parse(optarg, t.serve[t.n_serve]))
				usage();
			t.n_serve++;
			break;
		case 'a':
			if (n_now == MAX_NODES ||
			    ctl_mac_parse(optarg, now_adv[n_now]))
				usage();
			n_now++;
			break;
		case 'm':
			if (ctl_mac_parse(optarg, cfg.fixed_mac))
				usage();
			cfg.has_fixed_mac = true;
			break;
		case 'M':
			cfg.mtu = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'x':
			cfg.max_interval_ms =
			    (uint32_t)strtoul(optarg, NULL, 10) * 1000;
			break;
		case 'd':
			duration = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (!ifname || !have_prefix || duration <= 0)
		usage();
	t.ifindex = (int)if_nametoindex(ifname);
	if (!t.ifindex) {
		fprintf(stderr, "ra_send: no interface %s\n", ifname);
		return 1;
	}

	err = ra_set_link_local(t.ifindex, &cfg.link_local);
	if (!err)
		err = ra_open(&t.ra, &cfg, &ops, &t, &xp_clock_system);
	if (!err)
		err = ra_iface_add(t.ra, t.ifindex, 0, NULL);
	if (err) {
		fprintf(stderr, "ra_send: setup: %s\n", strerror(-err));
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		return 1;
	for (int i = 0; i < n_now; i++)
		advertise(&t, now_adv[i], NULL);
	printf("ra_send: ready on %s\n", ifname);

	end = xp_now_ms(&xp_clock_system) + (uint64_t)duration * 1000;
	for (;;) {
		struct pollfd pfd[2] = {
		    {.fd = ra_fd(t.ra), .events = POLLIN},
		    {.fd = sfd, .events = POLLIN},
		};
		uint64_t now = xp_now_ms(&xp_clock_system);
		uint64_t next = ra_next_timeout(t.ra);
		int wait;

		if (now >= end)
			break;
		if (next > end)
			next = end;
		wait = next > now ? (int)(next - now) : 0;
		if (poll(pfd, 2, wait) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			ra_input(t.ra);
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				break;
			if (si.ssi_signo != SIGUSR1)
				break;
			printf("ra_send: withdrawing %d node(s)\n", t.n_adv);
			for (int i = 0; i < t.n_adv; i++)
				ra_node_withdraw(t.ra, t.ifindex, t.adv[i]);
			t.n_adv = 0;
		}
		ra_run_timers(t.ra);
	}

	ra_get_counters(t.ra, &c);
	printf("ra_send: rs_rx=%llu rs_bad=%llu rs_unknown=%llu "
	       "rs_unknown_dropped=%llu rs_rate_limited=%llu ra_tx=%llu "
	       "ra_withdraw_tx=%llu ra_tx_err=%llu\n",
	       (unsigned long long)c.rs_rx, (unsigned long long)c.rs_bad,
	       (unsigned long long)c.rs_unknown,
	       (unsigned long long)c.rs_unknown_dropped,
	       (unsigned long long)c.rs_rate_limited,
	       (unsigned long long)c.ra_tx,
	       (unsigned long long)c.ra_withdraw_tx,
	       (unsigned long long)c.ra_tx_err);
	ra_close(t.ra);
	close(sfd);
	return 0;
}
