/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Link monitor: rtnetlink link events (RTNLGRP_LINK) through libmnl, so the
 * daemon learns that an access link went down (a point-to-point link's node
 * is gone: detach it) or that a configured interface appeared late.
 */
#ifndef XPMIP_LINKMON_H
#define XPMIP_LINKMON_H

#include <stdbool.h>

struct linkmon;

/*
 * cb gets every link change: its index, name, whether it is running
 * (IFF_RUNNING: carrier up) and whether it was deleted.
 */
typedef void (*linkmon_cb)(void *arg, int ifindex, const char *name,
			   bool running, bool deleted);

int linkmon_open(struct linkmon **out, linkmon_cb cb, void *arg);
void linkmon_close(struct linkmon *lm);
int linkmon_fd(const struct linkmon *lm);
/* read what is waiting (non-blocking); 0 or -errno */
int linkmon_input(struct linkmon *lm);

#endif /* XPMIP_LINKMON_H */
