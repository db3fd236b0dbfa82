// SPDX-License-Identifier: BSD-2-Clause
/* Control protocol: request parser, JSON writer, reply rendering. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ctlproto.h"

#define CTL_MAX_TOKENS 4

static const struct {
	const char *name;
	enum ctl_cmd cmd;
	int nargs;
} verbs[] = {
    {"show", CTL_CMD_SHOW, 0},
    {"stats", CTL_CMD_STATS, 0},
    {"attach", CTL_CMD_ATTACH, 2},
    {"detach", CTL_CMD_DETACH, 2},
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ctl_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	/* a node's MAC: unicast (I/G bit clear) and not all zero */
	if ((m[0] & 1) || !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return -EINVAL;
	memcpy(mac, m, 6);
	return 0;
}

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	/* what the kernel's dev_valid_name() accepts */
	if (n == 0 || n >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strchr(s, '/') == NULL && strchr(s, ':') == NULL;
}

int ctl_req_parse(const char *buf, size_t len, struct ctl_req *out,
		  const char **err)
{
	char line[CTL_REQ_MAX];
	char *tok[CTL_MAX_TOKENS], *p;
	int n = 0, t = 0;

	*err = "malformed request";
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0) {
		*err = "empty request";
		return -EINVAL;
	}
	if (len >= sizeof(line)) {
		*err = "request too long";
		return -EINVAL;
	}
	/* printable ASCII and single spaces only: no NUL, CR, tab, UTF-8 */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c > 0x7e)
			return -EINVAL;
		if (c == ' ' && (i == 0 || i == len - 1 || buf[i - 1] == ' '))
			return -EINVAL;
	}
	memcpy(line, buf, len);
	line[len] = '\0';

	for (p = line; p; n++) {
		if (n == CTL_MAX_TOKENS) {
			*err = "too many arguments";
			return -EINVAL;
		}
		tok[n] = p;
		p = strchr(p, ' ');
		if (p)
			*p++ = '\0';
	}

	memset(out, 0, sizeof(*out));
	if (!strcmp(tok[0], "-j")) {
		out->json = true;
		t = 1;
	}
	if (t == n) {
		*err = "missing command";
		return -EINVAL;
	}
	for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
		if (strcmp(tok[t], verbs[v].name))
			continue;
		if (n - t - 1 != verbs[v].nargs) {
			*err = verbs[v].nargs
				   ? "usage: attach|detach MAC IFNAME"
				   : "unexpected argument";
			return -EINVAL;
		}
		out->cmd = verbs[v].cmd;
		if (!verbs[v].nargs)
			return 0;
		if (ctl_mac_parse(tok[t + 1], out->mac)) {
			*err = "bad MAC address";
			return -EINVAL;
		}
		if (!ifname_ok(tok[t + 2])) {
			*err = "bad interface name";
			return -EINVAL;
		}
		strcpy(out->ifname, tok[t + 2]);
		return 0;
	}
	*err = "unknown command";
	return -EINVAL;
}

int ctl_req_format(char *buf, size_t size, const struct ctl_req *req)
{
	static const char *const names[] = {
	    [CTL_CMD_SHOW] = "show",
	    [CTL_CMD_STATS] = "stats",
	    [CTL_CMD_ATTACH] = "attach",
	    [CTL_CMD_DETACH] = "detach",
	};
	const uint8_t *m = req->mac;
	int n;

	if ((unsigned int)req->cmd > CTL_CMD_DETACH)
		return -EINVAL;
	if (req->cmd == CTL_CMD_ATTACH || req->cmd == CTL_CMD_DETACH)
		n = snprintf(buf, size,
			     "%s%s %02x:%02x:%02x:%02x:%02x:%02x %s\n",
			     req->json ? "-j " : "", names[req->cmd], m[0],
			     m[1], m[2], m[3], m[4], m[5], req->ifname);
	else
		n = snprintf(buf, size, "%s%s\n", req->json ? "-j " : "",
			     names[req->cmd]);
	if (n < 0 || (size_t)n >= size || n >= CTL_REQ_MAX)
		return -ENOSPC;
	return n;
}

void ctl_buf_init(struct ctl_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : CTL_REPLY_MAX_DEF;
}

void ctl_buf_free(struct ctl_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static bool buf_reserve(struct ctl_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->err)
		return false;
	if (n > b->max - b->len || b->len + n + 1 > b->max) {
		b->err = true;
		return false;
	}
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + n + 1)
		cap *= 2;
	if (cap > b->max)
		cap = b->max;
	p = realloc(b->p, cap);
	if (!p) {
		b->err = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void ctl_buf_add(struct ctl_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void jw_init(struct jw *w, struct ctl_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->depth = 0;
	w->first[0] = true;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 if there is none.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static void jw_quoted(struct jw *w, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0, i = 0;

	ctl_buf_add(w->b, "\"", 1);
	while (i < n) {
		unsigned char c = s[i];
		char esc[7];
		size_t u;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80 && (u = utf8_seq(s + i, n - i)) > 0) {
			i += u;
			continue;
		}
		/*
		 * RFC 8259 §7: quote, backslash and controls are escaped;
		 * bytes that are not UTF-8 become U+FFFD (§8.1: UTF-8 only).
		 */
		ctl_buf_add(w->b, str + run, i - run);
		run = ++i;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			ctl_buf_add(w->b, esc, 2);
		} else if (c == '\n') {
			ctl_buf_add(w->b, "\\n", 2);
		} else if (c == '\t') {
			ctl_buf_add(w->b, "\\t", 2);
		} else if (c >= 0x80) {
			ctl_buf_add(w->b, "\\ufffd", 6);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			ctl_buf_add(w->b, esc, 6);
		}
	}
	ctl_buf_add(w->b, str + run, n - run);
	ctl_buf_add(w->b, "\"", 1);
}

/* Separator and member name before a value */
static void jw_member(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		ctl_buf_add(w->b, ",", 1);
	w->first[w->depth] = false;
	if (key) {
		jw_quoted(w, key, strlen(key));
		ctl_buf_add(w->b, ":", 1);
	}
}

static void jw_open(struct jw *w, const char *key, const char *tok)
{
	if (w->depth + 1 >= CTL_JSON_DEPTH) {
		w->err = true;
		return;
	}
	jw_member(w, key);
	ctl_buf_add(w->b, tok, 1);
	w->first[++w->depth] = true;
}

static void jw_close(struct jw *w, const char *tok)
{
	if (w->depth == 0) {
		w->err = true;
		return;
	}
	w->depth--;
	ctl_buf_add(w->b, tok, 1);
}

void jw_obj_begin(struct jw *w, const char *key)
{
	jw_open(w, key, "{");
}

void jw_obj_end(struct jw *w)
{
	jw_close(w, "}");
}

void jw_arr_begin(struct jw *w, const char *key)
{
	jw_open(w, key, "[");
}

void jw_arr_end(struct jw *w)
{
	jw_close(w, "]");
}

void jw_strn(struct jw *w, const char *key, const char *val, size_t n)
{
	jw_member(w, key);
	jw_quoted(w, val, n);
}

void jw_str(struct jw *w, const char *key, const char *val)
{
	if (!val) {
		jw_member(w, key);
		ctl_buf_add(w->b, "null", 4);
		return;
	}
	jw_strn(w, key, val, strlen(val));
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_member(w, key);
	ctl_buf_printf(w->b, "%llu", (unsigned long long)v);
}

void jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_member(w, key);
	ctl_buf_printf(w->b, "%lld", (long long)v);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_member(w, key);
	ctl_buf_add(w->b, v ? "true" : "false", v ? 4 : 5);
}

void jw_addr(struct jw *w, const char *key, const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	jw_str(w, key, s);
}

void jw_prefix(struct jw *w, const char *key, const struct in6_addr *a,
	       uint8_t plen)
{
	char s[INET6_ADDRSTRLEN + 4];
	size_t n;

	inet_ntop(AF_INET6, a, s, INET6_ADDRSTRLEN);
	n = strlen(s);
	snprintf(s + n, sizeof(s) - n, "/%u", plen);
	jw_str(w, key, s);
}

static void mac_str(char s[18], const uint8_t m[6])
{
	snprintf(s, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
}

void jw_mac(struct jw *w, const char *key, const uint8_t mac[6])
{
	char s[18];

	mac_str(s, mac);
	jw_str(w, key, s);
}

/* Text tables: human units for counters, the JSON keeps exact numbers */
static void human(char *s, size_t n, uint64_t v)
{
	static const char units[] = "kMGTP";
	double d = (double)v;
	int u = -1;

	if (v < 10000) {
		snprintf(s, n, "%llu", (unsigned long long)v);
		return;
	}
	while (d >= 1000 && u < 4) {
		d /= 1000;
		u++;
	}
	snprintf(s, n, "%.1f%c", d, units[u]);
}

static void lifetime_str(char *s, size_t n, uint32_t life, int64_t left)
{
	if (left < 0)
		left = 0;
	snprintf(s, n, "%llds/%us", (long long)left, life);
}

/* The text is printable ASCII only: a hostile MN-ID cannot drive the tty */
static void safe_str(char *dst, size_t n, const char *s)
{
	size_t i = 0;

	if (!s)
		s = "-";
	for (; s[i] && i + 1 < n; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	dst[i] = '\0';
}

void ctl_reply_start(struct ctl_reply *r, const struct ctl_req *req,
		     enum ctl_role role, size_t max)
{
	memset(r, 0, sizeof(*r));
	ctl_buf_init(&r->buf, max);
	jw_init(&r->jw, &r->buf);
	r->json = req ? req->json : false;
	r->cmd = req ? req->cmd : CTL_CMD_SHOW;
	r->role = role;
	ctl_buf_add(&r->buf, "ok\n", 3);
	if (!req)
		return;
	if (r->json) {
		jw_obj_begin(&r->jw, NULL);
		if (r->cmd == CTL_CMD_SHOW) {
			jw_str(&r->jw, "role",
			       role == CTL_ROLE_LMA ? "lma" : "mag");
			jw_arr_begin(&r->jw, role == CTL_ROLE_LMA ? "bindings"
								  : "nodes");
		}
		return;
	}
	if (r->cmd != CTL_CMD_SHOW)
		return;
	if (role == CTL_ROLE_LMA)
		ctl_buf_printf(&r->buf,
			       "%-24s %-24s %-26s %-8s %-14s %17s %17s\n",
			       "MN-ID", "PREFIX", "MAG", "STATE", "LEFT/LIFE",
			       "UP pkts/bytes", "DOWN pkts/bytes");
	else
		ctl_buf_printf(
		    &r->buf,
		    "%-17s %-10s %-20s %-24s %-26s %-9s %-14s %17s %17s\n",
		    "MAC", "IFACE", "MN-ID", "PREFIX", "LMA", "STATE",
		    "LEFT/LIFE", "UP pkts/bytes", "DOWN pkts/bytes");
}

static void json_counters(struct jw *w, uint64_t up_p, uint64_t up_b,
			  uint64_t dn_p, uint64_t dn_b)
{
	jw_u64(w, "up_packets", up_p);
	jw_u64(w, "up_bytes", up_b);
	jw_u64(w, "down_packets", dn_p);
	jw_u64(w, "down_bytes", dn_b);
}

static void text_counters(char *up, char *dn, size_t n, uint64_t up_p,
			  uint64_t up_b, uint64_t dn_p, uint64_t dn_b)
{
	char a[16], b[16];

	human(a, sizeof(a), up_p);
	human(b, sizeof(b), up_b);
	snprintf(up, n, "%s/%s", a, b);
	human(a, sizeof(a), dn_p);
	human(b, sizeof(b), dn_b);
	snprintf(dn, n, "%s/%s", a, b);
}

void ctl_reply_lma_row(struct ctl_reply *r, const struct ctl_lma_row *row)
{
	char pfx[INET6_ADDRSTRLEN + 4], mag[INET6_ADDRSTRLEN], id[25];
	char life[32], up[36], dn[36];
	size_t n;

	if (r->cmd != CTL_CMD_SHOW || r->role != CTL_ROLE_LMA)
		return;
	r->rows++;
	if (r->json) {
		jw_obj_begin(&r->jw, NULL);
		jw_str(&r->jw, "mn_id", row->mn_id);
		jw_prefix(&r->jw, "hnp", &row->hnp, row->plen);
		jw_addr(&r->jw, "mag", &row->mag);
		jw_u64(&r->jw, "att", row->att);
		jw_str(&r->jw, "state", row->deleting ? "deleting" : "bound");
		jw_u64(&r->jw, "lifetime", row->lifetime_s);
		jw_i64(&r->jw, "lifetime_left",
		       row->left_s < 0 ? 0 : row->left_s);
		json_counters(&r->jw, row->up_packets, row->up_bytes,
			      row->down_packets, row->down_bytes);
		jw_obj_end(&r->jw);
		return;
	}
	inet_ntop(AF_INET6, &row->hnp, pfx, INET6_ADDRSTRLEN);
	n = strlen(pfx);
	snprintf(pfx + n, sizeof(pfx) - n, "/%u", row->plen);
	inet_ntop(AF_INET6, &row->mag, mag, sizeof(mag));
	safe_str(id, sizeof(id), row->mn_id);
	lifetime_str(life, sizeof(life), row->lifetime_s, row->left_s);
	text_counters(up, dn, sizeof(up), row->up_packets, row->up_bytes,
		      row->down_packets, row->down_bytes);
	ctl_buf_printf(&r->buf, "%-24s %-24s %-26s %-8s %-14s %17s %17s\n", id,
		       pfx, mag, row->deleting ? "deleting" : "bound", life, up,
		       dn);
}

void ctl_reply_mag_row(struct ctl_reply *r, const struct ctl_mag_row *row)
{
	char pfx[INET6_ADDRSTRLEN + 4] = "-", lma[INET6_ADDRSTRLEN], id[21];
	char life[32], up[36], dn[36], mac[18], ifn[IF_NAMESIZE] = "?";
	char state[10];
	size_t n;

	if (r->cmd != CTL_CMD_SHOW || r->role != CTL_ROLE_MAG)
		return;
	r->rows++;
	/* rows come grouped by interface: name each one once */
	if (row->ifindex != r->if_cached || !r->if_name[0]) {
		if (row->ifindex <= 0 ||
		    !if_indextoname((unsigned int)row->ifindex, r->if_name))
			snprintf(r->if_name, sizeof(r->if_name), "%d",
				 row->ifindex);
		r->if_cached = row->ifindex;
	}
	memcpy(ifn, r->if_name, sizeof(ifn));
	if (r->json) {
		jw_obj_begin(&r->jw, NULL);
		jw_mac(&r->jw, "mac", row->mac);
		jw_str(&r->jw, "ifname", ifn);
		jw_i64(&r->jw, "ifindex", row->ifindex);
		jw_str(&r->jw, "mn_id", row->mn_id);
		if (row->plen)
			jw_prefix(&r->jw, "hnp", &row->hnp, row->plen);
		else
			jw_str(&r->jw, "hnp", NULL);
		jw_addr(&r->jw, "lma", &row->lma);
		jw_str(&r->jw, "state", row->state);
		jw_u64(&r->jw, "lifetime", row->lifetime_s);
		jw_i64(&r->jw, "lifetime_left",
		       row->left_s < 0 ? 0 : row->left_s);
		json_counters(&r->jw, row->up_packets, row->up_bytes,
			      row->down_packets, row->down_bytes);
		jw_obj_end(&r->jw);
		return;
	}
	if (row->plen) {
		inet_ntop(AF_INET6, &row->hnp, pfx, INET6_ADDRSTRLEN);
		n = strlen(pfx);
		snprintf(pfx + n, sizeof(pfx) - n, "/%u", row->plen);
	}
	inet_ntop(AF_INET6, &row->lma, lma, sizeof(lma));
	mac_str(mac, row->mac);
	safe_str(id, sizeof(id), row->mn_id);
	safe_str(state, sizeof(state), row->state);
	lifetime_str(life, sizeof(life), row->lifetime_s, row->left_s);
	text_counters(up, dn, sizeof(up), row->up_packets, row->up_bytes,
		      row->down_packets, row->down_bytes);
	ctl_buf_printf(&r->buf,
		       "%-17s %-10s %-20s %-24s %-26s %-9s %-14s %17s %17s\n",
		       mac, ifn, id, pfx, lma, state, life, up, dn);
}

/* stats: open the named group (closing the previous one) */
static bool stats_group(struct ctl_reply *r, const char *group)
{
	if (r->cmd != CTL_CMD_STATS)
		return false;
	if (!strncmp(r->group, group, sizeof(r->group)))
		return true;
	if (r->json) {
		if (r->group[0])
			jw_obj_end(&r->jw);
		jw_obj_begin(&r->jw, group);
	} else {
		char g[32];

		safe_str(g, sizeof(g), group);
		ctl_buf_printf(&r->buf, "%s%s:\n", r->group[0] ? "\n" : "", g);
	}
	snprintf(r->group, sizeof(r->group), "%s", group);
	return true;
}

void ctl_reply_dp_stats(struct ctl_reply *r,
			const struct xp_stat st[XP_STAT_MAX])
{
	if (!stats_group(r, "dataplane"))
		return;
	for (int i = 0; i < XP_STAT_MAX; i++) {
		const char *name = xp_stat_names[i];
		char unnamed[24];

		/* a reason added without a name still gets a unique key */
		if (!name) {
			snprintf(unnamed, sizeof(unnamed), "reason_%d", i);
			name = unnamed;
		}

		if (r->json) {
			jw_obj_begin(&r->jw, name);
			jw_u64(&r->jw, "packets", st[i].packets);
			jw_u64(&r->jw, "bytes", st[i].bytes);
			jw_obj_end(&r->jw);
		} else {
			ctl_buf_printf(&r->buf,
				       "  %-24s %14llu pkts %16llu bytes\n",
				       name, (unsigned long long)st[i].packets,
				       (unsigned long long)st[i].bytes);
		}
	}
}

void ctl_reply_counter(struct ctl_reply *r, const char *group, const char *name,
		       uint64_t v)
{
	char n[40];

	if (!stats_group(r, group))
		return;
	if (r->json) {
		jw_u64(&r->jw, name, v);
		return;
	}
	safe_str(n, sizeof(n), name);
	ctl_buf_printf(&r->buf, "  %-24s %14llu\n", n, (unsigned long long)v);
}

void ctl_reply_message(struct ctl_reply *r, const char *msg)
{
	if (r->json) {
		jw_str(&r->jw, "result", msg);
		return;
	}
	ctl_buf_printf(&r->buf, "%s\n", msg);
}

void ctl_reply_end(struct ctl_reply *r, int error, const char *msg)
{
	if (!error) {
		if (r->json) {
			if (r->cmd == CTL_CMD_SHOW)
				jw_arr_end(&r->jw);
			if (r->cmd == CTL_CMD_STATS && r->group[0])
				jw_obj_end(&r->jw);
			jw_obj_end(&r->jw);
			ctl_buf_add(&r->buf, "\n", 1);
		}
		if (!r->buf.err && !r->jw.err && (!r->json || r->jw.depth == 0))
			return;
		error = -EMSGSIZE;
		msg = "reply too large";
	}

	/* replace the whole reply with the error */
	r->buf.len = 0;
	r->buf.err = false;
	if (!msg)
		msg = strerror(-error);
	ctl_buf_printf(&r->buf, "error %d\n", -error);
	if (r->json) {
		jw_init(&r->jw, &r->buf);
		jw_obj_begin(&r->jw, NULL);
		jw_str(&r->jw, "error", msg);
		jw_i64(&r->jw, "errno", -error);
		jw_obj_end(&r->jw);
		ctl_buf_add(&r->buf, "\n", 1);
	} else {
		ctl_buf_printf(&r->buf, "%s\n", msg);
	}
}

void ctl_reply_free(struct ctl_reply *r)
{
	ctl_buf_free(&r->buf);
}
