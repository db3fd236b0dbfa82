/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The state file: what the pinned maps cannot tell a restarted daemon (the
 * MN identifier, link-layer identifier, lifetimes, last timestamp of every
 * binding).  Written whole to "<path>.tmp" and renamed over path, so a
 * reader (or a daemon killed mid-write) only ever sees a complete file.
 *
 * Times are kept as wall-clock milliseconds in the file and converted to
 * and from the state machines' monotonic clock on write and load.
 */
#ifndef XPMIP_STATE_H
#define XPMIP_STATE_H

#include <stdint.h>

#include "clock.h"
#include "lma.h"
#include "mag.h"

#define STATE_MAGIC   "xpmip-state"
#define STATE_VERSION 1

struct state_writer;

/* role is "lma" or "mag"; creates the parent folder when it is missing */
int state_writer_open(struct state_writer **out, const char *path,
		      const char *role, const struct xp_clock *clk);
int state_put_bce(struct state_writer *w, const struct lma_bce_view *bce);
/* only bound nodes are written: the others are re-attached by the node */
int state_put_mn(struct state_writer *w, const struct mag_mn_view *mn);
/* flush, rename into place, free w; returns 0 or -errno (w freed anyway) */
int state_writer_commit(struct state_writer *w);
/* drop the temporary file, free w */
void state_writer_abort(struct state_writer *w);

struct state_load_ops {
	int (*bce)(void *arg, const struct lma_bce_view *bce);
	int (*mn)(void *arg, const struct mag_mn_view *mn);
};

/*
 * Read path written for role and hand every record to ops (with times on
 * clk's monotonic clock).  Returns the number of records, -ENOENT when
 * there is no file, -EBADMSG (logged with the line) when it is damaged or
 * of another role; records before the damage have been handed over.
 */
int state_load(const char *path, const char *role, const struct xp_clock *clk,
	       const struct state_load_ops *ops, void *arg);

#endif /* XPMIP_STATE_H */
