// SPDX-License-Identifier: BSD-2-Clause
/*
 * ctl_serve: user/ctl.c behind a fake daemon, for the xpmipctl live test.
 * It serves fixed rows (two MAG nodes or one LMA binding, plus -n N more
 * of each) and counters, and logs attach/detach requests; SIGTERM or
 * SIGINT ends it.
 *
 *   ctl_serve -s SOCKET [-r lma|mag] [-m MODE] [-n N]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <event2/event.h>

#include "ctl.h"
#include "log.h"

static long extra_rows;

static int show(void *arg, struct ctl_reply *r)
{
	struct ctl_mag_row m = {
	    .mn_id = "mn1@xpmip.example",
	    .mac = {0x02, 0, 0, 0, 0x01, 0x01},
	    .ifindex = 1,
	    .plen = 64,
	    .state = "bound",
	    .lifetime_s = 3600,
	    .left_s = 3599,
	    .up_packets = 10,
	    .up_bytes = 1000,
	    .down_packets = 20,
	    .down_bytes = 2000,
	};
	struct ctl_lma_row l = {
	    .mn_id = "mn1@xpmip.example",
	    .plen = 64,
	    .att = 3,
	    .lifetime_s = 3600,
	    .left_s = 3599,
	    .up_packets = 10,
	    .up_bytes = 1000,
	};

	(void)arg;
	inet_pton(AF_INET6, "2001:db8:1:1::", &m.hnp);
	inet_pton(AF_INET6, "2001:db8::1", &m.lma);
	ctl_reply_mag_row(r, &m);
	m.mn_id = NULL;
	m.mac[5] = 0x02;
	m.plen = 0;
	m.state = "pending";
	ctl_reply_mag_row(r, &m);
	l.hnp = m.hnp;
	inet_pton(AF_INET6, "2001:db8::2", &l.mag);
	ctl_reply_lma_row(r, &l);
	/* bulk rows for the size and speed measurement */
	for (long i = 0; i < extra_rows; i++) {
		m.mac[3] = (uint8_t)(i >> 16);
		m.mac[4] = (uint8_t)(i >> 8);
		m.mac[5] = (uint8_t)i;
		m.hnp.s6_addr[4] = (uint8_t)(i >> 8);
		m.hnp.s6_addr[5] = (uint8_t)i;
		m.plen = 64;
		m.mn_id = "bulk@xpmip.example";
		m.state = "bound";
		ctl_reply_mag_row(r, &m);
		l.hnp = m.hnp;
		ctl_reply_lma_row(r, &l);
	}
	return 0;
}

static int stats(void *arg, struct ctl_reply *r)
{
	struct xp_stat st[XP_STAT_MAX] = {0};

	(void)arg;
	for (int i = 0; i < XP_STAT_MAX; i++) {
		st[i].packets = (uint64_t)i;
		st[i].bytes = (uint64_t)i * 100;
	}
	ctl_reply_dp_stats(r, st);
	ctl_reply_counter(r, "signaling", "pbu_tx", 5);
	ctl_reply_counter(r, "signaling", "pba_rx", 4);
	return 0;
}

static int attach(void *arg, const uint8_t mac[6], int ifindex)
{
	(void)arg;
	printf("ctl_serve: attach %02x:%02x:%02x:%02x:%02x:%02x if %d\n",
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], ifindex);
	return 0;
}

static int detach(void *arg, const uint8_t mac[6], int ifindex)
{
	(void)arg;
	(void)ifindex;
	/* pretend only ...:01:01 is attached */
	return mac[5] == 0x01 ? 0 : -ENOENT;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	static const struct ctl_ops ops = {
	    .show = show,
	    .stats = stats,
	    .attach = attach,
	    .detach = detach,
	};
	struct ctl_config cc = {.role = CTL_ROLE_MAG, .timeout_ms = 1000};
	struct event *ev_term, *ev_int;
	struct event_base *base;
	struct ctl *ctl;
	int opt, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init("ctl_serve", LOG_LVL_INFO, false);
	while ((opt = getopt(argc, argv, "s:r:m:n:")) != -1) {
		switch (opt) {
		case 's':
			cc.path = optarg;
			break;
		case 'r':
			cc.role =
			    strcmp(optarg, "lma") ? CTL_ROLE_MAG : CTL_ROLE_LMA;
			break;
		case 'm':
			cc.mode = (mode_t)strtoul(optarg, NULL, 8);
			break;
		case 'n':
			extra_rows = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr,
				"usage: ctl_serve -s SOCKET [-r lma|mag] "
				"[-m MODE] [-n N]\n");
			return 2;
		}
	}
	base = event_base_new();
	if (!base)
		return 1;
	err = ctl_open(&ctl, base, &cc, &ops, NULL);
	if (err) {
		fprintf(stderr, "ctl_serve: %s\n", strerror(-err));
		return 1;
	}
	ev_term = evsignal_new(base, SIGTERM, on_signal, base);
	ev_int = evsignal_new(base, SIGINT, on_signal, base);
	if (!ev_term || !ev_int || event_add(ev_term, NULL) ||
	    event_add(ev_int, NULL))
		return 1;
	printf("ctl_serve: ready\n");
	event_base_dispatch(base);
	ctl_close(ctl);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(base);
	printf("ctl_serve: done\n");
	return 0;
}
