/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Privileges: once the sockets are open and the programs attached, xpmipd
 * keeps only the capabilities it still uses (docs/daemon.md says which and
 * why) and can never regain the others (bounding set cleared, no_new_privs).
 *
 * Two sets: "kept" stay permitted for the rare operations that need them
 * (an interface that appears later, the clean stop), and are raised into
 * the effective set only around those with privs_raise()/privs_lower();
 * "effective" is what the event loop runs with day to day.
 */
#ifndef XPMIP_PRIVS_H
#define XPMIP_PRIVS_H

#include <stddef.h>

/*
 * Drop every capability but keep[0..n_keep) from the permitted and
 * bounding sets; run with only eff[0..n_eff) (a subset) effective.
 * 0, or -errno (then nothing is promised).
 */
int privs_drop(const int *keep, size_t n_keep, const int *eff, size_t n_eff);
/* every kept capability effective, for a privileged step; 0 or -errno */
int privs_raise(void);
/* back to the day-to-day effective set */
int privs_lower(void);

/* the effective capabilities as text ("net_admin, bpf") into buf */
void privs_describe(char *buf, size_t size);

#endif /* XPMIP_PRIVS_H */
