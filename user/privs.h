/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Privileges: once the sockets are open and the programs attached, xpmipd
 * keeps only the capabilities it still uses (docs/daemon.md says which and
 * why) and can never regain the others (bounding set cleared, no_new_privs).
 */
#ifndef XPMIP_PRIVS_H
#define XPMIP_PRIVS_H

#include <stddef.h>

/*
 * Drop every capability but keep[0..n) from the effective, permitted and
 * bounding sets.  0, or -errno (then nothing is promised).
 */
int privs_drop(const int *keep, size_t n);

/* the effective capabilities as text ("cap_net_admin,...") into buf */
void privs_describe(char *buf, size_t size);

#endif /* XPMIP_PRIVS_H */
