/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control protocol between xpmipctl and xpmipd, without any I/O: request
 * parsing (it reads bytes from any local client, so it is strict and
 * fuzzed: fuzz_ctlproto.c), a bounded output buffer, a small JSON writer
 * and the rendering of replies as text tables or JSON.
 *
 * Wire format, one request per connection on a UNIX stream socket:
 *
 *   request = ["-j" SP] verb *(SP arg) LF	at most CTL_REQ_MAX bytes,
 *						printable ASCII, single spaces
 *   verb    = "show" | "stats" | "attach" MAC IFNAME | "detach" MAC IFNAME
 *   reply   = status LF body			then the server closes
 *   status  = "ok" | "error" SP errno		errno as a positive number
 *   body    = text, or with "-j" one JSON document and LF:
 *	show (LMA)  {"role":"lma","bindings":[{"mn_id","hnp","mag","att",
 *		     "state","lifetime","lifetime_left","up_packets",
 *		     "up_bytes","down_packets","down_bytes"}, ...]}
 *	show (MAG)  {"role":"mag","nodes":[{"mac","ifname","ifindex","mn_id",
 *		     "hnp","lma","state","lifetime","lifetime_left",
 *		     counters as above}, ...]}
 *	stats	    {"dataplane":{"<reason>":{"packets":N,"bytes":N},...},
 *		     "<group>":{"<counter>":N,...},...}
 *	attach/detach {"result":"attach requested"}
 *	any error   {"error":"<message>","errno":N}
 */
#ifndef XPMIP_CTLPROTO_H
#define XPMIP_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "xpmip.h"

#define CTL_REQ_MAX	  256 /* request line, LF included */
#define CTL_REPLY_MAX_DEF (64u << 20)
#define CTL_JSON_DEPTH	  8
/* xpmipd listens on CTL_SOCK_DIR "/<instance>.sock" unless configured */
#define CTL_SOCK_DIR "/run/xpmip"

enum ctl_cmd {
	CTL_CMD_SHOW = 0,
	CTL_CMD_STATS,
	CTL_CMD_ATTACH,
	CTL_CMD_DETACH,
};

enum ctl_role {
	CTL_ROLE_LMA = 0,
	CTL_ROLE_MAG = 1,
};

struct ctl_req {
	enum ctl_cmd cmd;
	bool json;
	uint8_t mac[6];		  /* attach, detach */
	char ifname[IF_NAMESIZE]; /* attach, detach */
};

/*
 * Parse one request line (with or without its LF; nothing after it).
 * Returns 0, or -EINVAL with *err set to a static message for the reply.
 */
int ctl_req_parse(const char *buf, size_t len, struct ctl_req *out,
		  const char **err);
/* The request line for req, LF included; its length or -ENOSPC/-EINVAL */
int ctl_req_format(char *buf, size_t size, const struct ctl_req *req);
/* "02:00:5e:10:00:01" (hex, either case) -> mac; unicast, non-zero only */
int ctl_mac_parse(const char *s, uint8_t mac[6]);

/* A growable output buffer with a hard cap; overflow sets err, keeps going */
struct ctl_buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
	bool err;
};

void ctl_buf_init(struct ctl_buf *b, size_t max);
void ctl_buf_free(struct ctl_buf *b);
void ctl_buf_add(struct ctl_buf *b, const char *s, size_t n);
void ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * JSON writer.  key is the member name inside an object and NULL inside an
 * array or at the top.  Strings are escaped per RFC 8259 §7 (quote,
 * backslash, control characters as \uXXXX; other bytes pass through).
 */
struct jw {
	struct ctl_buf *b;
	int depth;
	bool first[CTL_JSON_DEPTH];
	bool err; /* nesting too deep or unbalanced */
};

void jw_init(struct jw *w, struct ctl_buf *b);
void jw_obj_begin(struct jw *w, const char *key);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w, const char *key);
void jw_arr_end(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *val);
void jw_strn(struct jw *w, const char *key, const char *val, size_t n);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_i64(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_addr(struct jw *w, const char *key, const struct in6_addr *a);
void jw_prefix(struct jw *w, const char *key, const struct in6_addr *a,
	       uint8_t plen);
void jw_mac(struct jw *w, const char *key, const uint8_t mac[6]);

/* One binding cache entry as `show` prints it on the LMA */
struct ctl_lma_row {
	const char *mn_id;
	struct in6_addr hnp;
	uint8_t plen;
	struct in6_addr mag; /* the serving proxy care-of address */
	uint8_t att;	     /* access technology type */
	bool deleting;	     /* MinDelayBeforeBCEDelete running */
	uint32_t lifetime_s; /* granted */
	int64_t left_s;	     /* until expiry */
	uint64_t up_packets, up_bytes, down_packets, down_bytes;
};

/* One attached mobile node as `show` prints it on the MAG */
struct ctl_mag_row {
	const char *mn_id;
	uint8_t mac[6];
	int ifindex;
	struct in6_addr lma;
	struct in6_addr hnp;
	uint8_t plen;	   /* 0: no prefix yet */
	const char *state; /* "pending", "bound", "rejected"... */
	uint32_t lifetime_s;
	int64_t left_s;
	uint64_t up_packets, up_bytes, down_packets, down_bytes;
};

/*
 * A reply being rendered.  The server starts it for one request; the
 * daemon's callbacks add rows, stats and counters through the functions
 * below (counters grouped: all of one group in a row), then the server
 * ends it and sends it.
 */
struct ctl_reply {
	struct ctl_buf buf;
	struct jw jw;
	bool json;
	enum ctl_cmd cmd;
	enum ctl_role role;
	char group[32]; /* stats: the open counter group */
	size_t rows;
	int if_cached; /* show: last ifindex named, 0 none */
	char if_name[IF_NAMESIZE];
};

void ctl_reply_start(struct ctl_reply *r, const struct ctl_req *req,
		     enum ctl_role role, size_t max);
void ctl_reply_lma_row(struct ctl_reply *r, const struct ctl_lma_row *row);
void ctl_reply_mag_row(struct ctl_reply *r, const struct ctl_mag_row *row);
/* Data-plane counters, every reason, as dp_stats_read() returns them */
void ctl_reply_dp_stats(struct ctl_reply *r,
			const struct xp_stat st[XP_STAT_MAX]);
void ctl_reply_counter(struct ctl_reply *r, const char *group, const char *name,
		       uint64_t v);
void ctl_reply_message(struct ctl_reply *r, const char *msg);
/*
 * Finish: returns the whole reply (status line included) in r->buf.  With
 * error < 0 the body is replaced by the error message (msg, or
 * strerror(-error) when msg is NULL).  A reply over its cap becomes an
 * -EMSGSIZE error.
 */
void ctl_reply_end(struct ctl_reply *r, int error, const char *msg);
void ctl_reply_free(struct ctl_reply *r);

#endif /* XPMIP_CTLPROTO_H */
