// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the control protocol: any bytes are a request from
 * a local client.  A parsed request must format back to an equal one, and
 * the bytes as a JSON string must come out with no raw control character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_req req, again;
	char line[CTL_REQ_MAX];
	struct ctl_reply r;
	const char *err;
	struct ctl_buf b;
	struct jw w;
	char *copy;
	int n;

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);

	if (ctl_req_parse(copy, size, &req, &err) == 0) {
		n = ctl_req_format(line, sizeof(line), &req);
		if (n < 0 || ctl_req_parse(line, (size_t)n, &again, &err) ||
		    memcmp(&req, &again, sizeof(req)))
			abort();
		ctl_reply_start(&r, &req, CTL_ROLE_MAG, 4096);
		ctl_reply_message(&r, copy[0] == '-' ? "x" : "y");
		ctl_reply_end(&r, 0, NULL);
		ctl_reply_free(&r);
	} else if (!err) {
		abort();
	}

	ctl_buf_init(&b, 1 << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w, NULL);
	jw_strn(&w, "k", copy, size);
	jw_obj_end(&w);
	if (w.err || b.err)
		abort();
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.p[i] < 0x20)
			abort();
	ctl_buf_free(&b);
	free(copy);
	return 0;
}
