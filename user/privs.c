// SPDX-License-Identifier: BSD-2-Clause
#include <cap-ng.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "log.h"
#include "privs.h"

int privs_drop(const int *keep, size_t n)
{
	char caps[256];
	int r;

	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < n; i++) {
		r = capng_update(CAPNG_ADD,
				 CAPNG_EFFECTIVE | CAPNG_PERMITTED |
					 CAPNG_BOUNDING_SET,
				 (unsigned int)keep[i]);
		if (r < 0) {
			log_err("privs: cannot keep %s",
				capng_capability_to_name((unsigned int)keep[i]));
			return -EINVAL;
		}
	}
	r = capng_apply(CAPNG_SELECT_BOTH);
	if (r < 0) {
		log_err("privs: applying capabilities failed (%d)", r);
		return -EPERM;
	}
	/* nothing exec'd later may gain what was just dropped */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = -errno;
		log_err("privs: no_new_privs: %s", strerror(-r));
		return r;
	}
	privs_describe(caps, sizeof(caps));
	log_info("privs: kept %s", caps);
	return 0;
}

void privs_describe(char *buf, size_t size)
{
	char *s;

	capng_get_caps_process();
	s = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_EFFECTIVE);
	snprintf(buf, size, "%s", s && *s ? s : "none");
	free(s);
}
