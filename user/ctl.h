/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The daemon's control socket (a UNIX stream socket, owner-only by
 * default): accepts xpmipctl requests on the daemon's libevent loop, parses
 * them (ctlproto.h has the wire format), calls back into the daemon through
 * struct ctl_ops and sends the rendered reply.
 *
 * Hostile or broken clients cost bounded resources: at most max_clients
 * connections (more are closed at once), one request of at most
 * CTL_REQ_MAX bytes each (longer: an error reply), and a timeout per
 * connection covering both the request and the reply.
 *
 * Usage:
 *	struct ctl_config cc = { .path = path, .role = CTL_ROLE_MAG };
 *	ctl_open(&ctl, base, &cc, &ops, daemon);
 *	...
 *	ctl_close(ctl);			closes clients, unlinks the socket
 */
#ifndef XPMIP_CTL_H
#define XPMIP_CTL_H

#include <stdint.h>
#include <sys/types.h>

#include "ctlproto.h"

struct event_base;

struct ctl_ops {
	/*
	 * show: add one row per binding (LMA: ctl_reply_lma_row) or per
	 * attached node (MAG: ctl_reply_mag_row).
	 */
	int (*show)(void *arg, struct ctl_reply *r);
	/*
	 * stats: ctl_reply_dp_stats() with dp_stats_read()'s array, then any
	 * signalling counters with ctl_reply_counter(r, "group", "name", v),
	 * one group after the other (e.g. "lma", "mag", "ra").
	 */
	int (*stats)(void *arg, struct ctl_reply *r);
	/* MAG only (NULL on an LMA: the reply says not supported) */
	int (*attach)(void *arg, const uint8_t mac[6], int ifindex);
	int (*detach)(void *arg, const uint8_t mac[6], int ifindex);
};

struct ctl_config {
	const char *path; /* required, e.g. CTL_SOCK_DIR "/lma.sock" */
	mode_t mode;	  /* 0: 0600 */
	enum ctl_role role;
	uint32_t timeout_ms;	  /* per connection; 0: 5000 */
	unsigned int max_clients; /* 0: 8 */
	size_t max_reply;	  /* 0: CTL_REPLY_MAX_DEF */
};

struct ctl;

/*
 * Bind and listen.  A stale socket file (nobody answers) is replaced; a
 * live one (another daemon) gives -EADDRINUSE; a path that is not a socket
 * gives -EEXIST.  The socket gets cfg->mode from the start (umask).
 */
int ctl_open(struct ctl **out, struct event_base *base,
	     const struct ctl_config *cfg, const struct ctl_ops *ops,
	     void *arg);
void ctl_close(struct ctl *ctl);

/*
 * Handle one request line (what a connection does once it has a line):
 * parse, dispatch to ops, render.  The reply is in r->buf; free it with
 * ctl_reply_free().  Exposed for the unit tests.
 */
void ctl_handle(struct ctl *ctl, const char *line, size_t len,
		struct ctl_reply *r);
/* Same, without a server: for tests and tools */
void ctl_dispatch(const struct ctl_ops *ops, void *arg, enum ctl_role role,
		  size_t max_reply, const char *line, size_t len,
		  struct ctl_reply *r);

#endif /* XPMIP_CTL_H */
