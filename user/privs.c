// SPDX-License-Identifier: BSD-2-Clause
#include <cap-ng.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "log.h"
#include "privs.h"

#define PRIVS_MAX 16

static int kept[PRIVS_MAX], effective[PRIVS_MAX];
static size_t n_kept, n_effective;
static bool dropped;

/* permitted = kept; effective = all kept, or the day-to-day subset */
static int apply(bool raised, capng_select_t what)
{
	capng_clear(what);
	for (size_t i = 0; i < n_kept; i++) {
		unsigned int type = CAPNG_PERMITTED;

		if (what == CAPNG_SELECT_BOTH)
			type |= CAPNG_BOUNDING_SET;
		if (raised)
			type |= CAPNG_EFFECTIVE;
		if (capng_update(CAPNG_ADD, type, (unsigned int)kept[i]) < 0)
			return -EINVAL;
	}
	for (size_t i = 0; !raised && i < n_effective; i++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE,
				 (unsigned int)effective[i]) < 0)
			return -EINVAL;
	return capng_apply(what) < 0 ? -EPERM : 0;
}

int privs_drop(const int *keep, size_t n_keep, const int *eff, size_t n_eff)
{
	char caps[256];
	int r;

	if (n_keep > PRIVS_MAX || n_eff > PRIVS_MAX)
		return -EINVAL;
	memcpy(kept, keep, n_keep * sizeof(*keep));
	memcpy(effective, eff, n_eff * sizeof(*eff));
	n_kept = n_keep;
	n_effective = n_eff;
	r = apply(false, CAPNG_SELECT_BOTH);
	if (r < 0) {
		log_err("privs: applying capabilities failed");
		return r;
	}
	/* nothing exec'd later may gain what was just dropped */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = -errno;
		log_err("privs: no_new_privs: %s", strerror(-r));
		return r;
	}
	dropped = true;
	privs_describe(caps, sizeof(caps));
	log_info("privs: running with %s effective, %zu kept for later", caps,
		 n_kept);
	return 0;
}

int privs_raise(void)
{
	return dropped ? apply(true, CAPNG_SELECT_CAPS) : 0;
}

int privs_lower(void)
{
	return dropped ? apply(false, CAPNG_SELECT_CAPS) : 0;
}

void privs_describe(char *buf, size_t size)
{
	char *s;

	capng_get_caps_process();
	s = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_EFFECTIVE);
	snprintf(buf, size, "%s", s && *s ? s : "none");
	free(s);
}
