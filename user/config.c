// SPDX-License-Identifier: BSD-2-Clause
/*
 * xpmipd configuration file: libconfig syntax, checked strictly.  Unknown
 * settings are refused rather than ignored, since a misspelt option that is
 * silently ignored is worse than a daemon that does not start.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

struct cctx {
	const char *file;
	char *err;
	size_t errsize;
};

/* "file:line: what: reason"; line 0 (unknown) is left out */
static int cerr(struct cctx *c, const config_setting_t *s, const char *what,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int cerr(struct cctx *c, const config_setting_t *s, const char *what,
		const char *fmt, ...)
{
	char reason[256];
	unsigned int line = s ? config_setting_source_line(s) : 0;
	const char *file = s && config_setting_source_file(s)
			       ? config_setting_source_file(s)
			       : c->file;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(c->err, c->errsize, "%s:%u: %s%s%s", file, line,
			 what ? what : "", what ? ": " : "", reason);
	else
		snprintf(c->err, c->errsize, "%s: %s%s%s", file,
			 what ? what : "", what ? ": " : "", reason);
	return -EINVAL;
}

/* refuse members of group that are not in allowed (NULL-terminated) */
static int check_keys(struct cctx *c, const config_setting_t *group,
		      const char *gname, const char *const *allowed)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		bool ok = false;

		for (size_t k = 0; allowed[k]; k++)
			if (name && strcmp(name, allowed[k]) == 0)
				ok = true;
		if (!ok) {
			char what[128];

			snprintf(what, sizeof(what), "%s%s%s", gname,
				 *gname ? "." : "", name ? name : "?");
			return cerr(c, s, what, "unknown setting");
		}
	}
	return 0;
}

static void full_name(char *buf, size_t size, const char *gname,
		      const char *name)
{
	snprintf(buf, size, "%s%s%s", gname, *gname ? "." : "", name);
}

/*
 * Look name up in group.  Returns 1 when present and of type want, 0 when
 * absent (an error if required), -EINVAL when of the wrong type.
 */
static int member(struct cctx *c, const config_setting_t *group,
		  const char *gname, const char *name, int want, bool required,
		  const config_setting_t **out)
{
	static const char *const tnames[] = {
	    [CONFIG_TYPE_NONE] = "nothing",
	    [CONFIG_TYPE_GROUP] = "a group { }",
	    [CONFIG_TYPE_INT] = "an integer",
	    [CONFIG_TYPE_INT64] = "an integer",
	    [CONFIG_TYPE_FLOAT] = "a number",
	    [CONFIG_TYPE_STRING] = "a string",
	    [CONFIG_TYPE_BOOL] = "true or false",
	    [CONFIG_TYPE_ARRAY] = "an array [ ]",
	    [CONFIG_TYPE_LIST] = "a list ( )",
	};
	const config_setting_t *s = config_setting_get_member(group, name);
	char what[128];
	int type;

	full_name(what, sizeof(what), gname, name);
	if (!s) {
		if (required)
			return cerr(c, group, what, "missing");
		return 0;
	}
	type = config_setting_type(s);
	if (type == CONFIG_TYPE_INT64)
		type = CONFIG_TYPE_INT;
	/* a list of strings may be written [..] or (..) */
	if (want == CONFIG_TYPE_ARRAY && type == CONFIG_TYPE_LIST)
		type = CONFIG_TYPE_ARRAY;
	if (type != want)
		return cerr(c, s, what, "must be %s", tnames[want]);
	*out = s;
	return 1;
}

static int get_str(struct cctx *c, const config_setting_t *g, const char *gname,
		   const char *name, char *buf, size_t size, bool required)
{
	const config_setting_t *s;
	const char *v;
	char what[128];
	int r;

	r = member(c, g, gname, name, CONFIG_TYPE_STRING, required, &s);
	if (r <= 0)
		return r;
	v = config_setting_get_string(s);
	full_name(what, sizeof(what), gname, name);
	if (strlen(v) >= size)
		return cerr(c, s, what, "longer than %zu characters", size - 1);
	if (!*v)
		return cerr(c, s, what, "empty");
	strcpy(buf, v);
	return 1;
}

static int get_uint(struct cctx *c, const config_setting_t *g,
		    const char *gname, const char *name, long long min,
		    long long max, uint32_t *out)
{
	const config_setting_t *s;
	long long v;
	char what[128];
	int r;

	r = member(c, g, gname, name, CONFIG_TYPE_INT, false, &s);
	if (r <= 0)
		return r;
	v = config_setting_get_int64(s);
	full_name(what, sizeof(what), gname, name);
	if (v < min || v > max)
		return cerr(c, s, what, "%lld out of range %lld..%lld", v, min,
			    max);
	*out = (uint32_t)v;
	return 1;
}

static int get_bool(struct cctx *c, const config_setting_t *g,
		    const char *gname, const char *name, bool *out)
{
	const config_setting_t *s;
	int r;

	r = member(c, g, gname, name, CONFIG_TYPE_BOOL, false, &s);
	if (r <= 0)
		return r;
	*out = config_setting_get_bool(s);
	return 1;
}

static int parse_addr(struct cctx *c, const config_setting_t *s,
		      const char *what, const char *v, struct in6_addr *out,
		      bool link_local)
{
	if (inet_pton(AF_INET6, v, out) != 1)
		return cerr(c, s, what, "'%s' is not an IPv6 address", v);
	if (IN6_IS_ADDR_UNSPECIFIED(out) || IN6_IS_ADDR_MULTICAST(out) ||
	    IN6_IS_ADDR_LOOPBACK(out))
		return cerr(c, s, what, "'%s' is not a unicast address", v);
	if (link_local != !!IN6_IS_ADDR_LINKLOCAL(out))
		return cerr(c, s, what, "'%s' must %sbe link-local", v,
			    link_local ? "" : "not ");
	return 0;
}

static int get_addr(struct cctx *c, const config_setting_t *g,
		    const char *gname, const char *name, struct in6_addr *out,
		    bool required, bool link_local)
{
	const config_setting_t *s;
	char what[128];
	int r;

	r = member(c, g, gname, name, CONFIG_TYPE_STRING, required, &s);
	if (r <= 0)
		return r;
	full_name(what, sizeof(what), gname, name);
	r = parse_addr(c, s, what, config_setting_get_string(s), out,
		       link_local);
	return r < 0 ? r : 1;
}

/* "2001:db8::/48": host bits must be zero */
static int parse_prefix(struct cctx *c, const config_setting_t *s,
			const char *what, const char *v, struct in6_addr *out,
			uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	long len;

	if (strlen(v) >= sizeof(buf))
		return cerr(c, s, what, "'%s' is not an IPv6 prefix", v);
	strcpy(buf, v);
	slash = strchr(buf, '/');
	if (!slash)
		return cerr(c, s, what, "'%s' has no /length", v);
	*slash = '\0';
	len = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || len < 1 || len > 128 ||
	    inet_pton(AF_INET6, buf, out) != 1)
		return cerr(c, s, what, "'%s' is not an IPv6 prefix", v);
	for (int bit = (int)len; bit < 128; bit++)
		if (out->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return cerr(c, s, what, "'%s' has bits set after /%ld",
				    v, len);
	*plen = (uint8_t)len;
	return 0;
}

static int parse_mac(struct cctx *c, const config_setting_t *s,
		     const char *what, const char *v, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return cerr(c, s, what, "'%s' is not a MAC address", v);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	if (mac[0] & 1)
		return cerr(c, s, what, "'%s' is a multicast MAC", v);
	return 0;
}

/* an array of interface names, or a list of { name = ...; link = ...; } */
static int get_ifaces(struct cctx *c, const config_setting_t *g,
		      const char *gname, const char *name,
		      struct cfg_iface *out, size_t *n, bool access)
{
	static const char *const keys[] = {"name", "link", NULL};
	const config_setting_t *s;
	char what[128];
	int r, len;

	r = member(c, g, gname, name, CONFIG_TYPE_ARRAY, true, &s);
	if (r <= 0)
		return r;
	full_name(what, sizeof(what), gname, name);
	len = config_setting_length(s);
	if (len == 0)
		return cerr(c, s, what, "at least one interface is needed");
	if (len > CFG_MAX_IFACES)
		return cerr(c, s, what, "more than %d interfaces",
			    CFG_MAX_IFACES);
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		struct cfg_iface *ifc = &out[i];
		const char *v;

		memset(ifc, 0, sizeof(*ifc));
		ifc->line = config_setting_source_line(e);
		ifc->p2p = true;
		if (config_setting_type(e) == CONFIG_TYPE_STRING) {
			v = config_setting_get_string(e);
		} else if (config_setting_type(e) == CONFIG_TYPE_GROUP) {
			char link[32] = "point-to-point";

			r = check_keys(c, e, what, keys);
			if (r < 0)
				return r;
			if (!config_setting_lookup_string(e, "name", &v))
				return cerr(c, e, what,
					    "interface without a name");
			r = get_str(c, e, what, "link", link, sizeof(link),
				    false);
			if (r < 0)
				return r;
			if (!access && r > 0)
				return cerr(c, e, what,
					    "link type is for access links");
			if (strcmp(link, "point-to-point") == 0)
				ifc->p2p = true;
			else if (strcmp(link, "shared") == 0)
				ifc->p2p = false;
			else
				return cerr(
				    c, e, what,
				    "link '%s' is not point-to-point or shared",
				    link);
		} else {
			return cerr(c, e, what,
				    "interfaces are names or groups");
		}
		if (!*v || strlen(v) >= IF_NAMESIZE)
			return cerr(c, e, what, "'%s' is not an interface name",
				    v);
		strcpy(ifc->name, v);
		for (int j = 0; j < i; j++)
			if (strcmp(out[j].name, v) == 0)
				return cerr(c, e, what, "'%s' given twice", v);
	}
	*n = (size_t)len;
	return 1;
}

static int get_policies(struct cctx *c, const config_setting_t *g,
			const char *gname, bool mag, struct cfg_policy **out,
			size_t *n)
{
	static const char *const lma_keys[] = {"mn_id", "prefix", NULL};
	static const char *const mag_keys[] = {"mn_id", "mac", "lma", "prefix",
					       NULL};
	const config_setting_t *s;
	char what[128];
	int r, len;

	*out = NULL;
	*n = 0;
	r = member(c, g, gname, "policies", CONFIG_TYPE_LIST, false, &s);
	if (r <= 0)
		return r;
	full_name(what, sizeof(what), gname, "policies");
	len = config_setting_length(s);
	if (len == 0)
		return 0;
	*out = calloc((size_t)len, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		struct cfg_policy *p = &(*out)[i];
		const config_setting_t *m;
		uint8_t plen;

		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			r = cerr(c, e, what, "entries must be groups { }");
			goto fail;
		}
		r = check_keys(c, e, what, mag ? mag_keys : lma_keys);
		if (r < 0)
			goto fail;
		r = get_str(c, e, what, "mn_id", p->mn_id, sizeof(p->mn_id),
			    !mag);
		if (r < 0)
			goto fail;
		if (mag) {
			r = member(c, e, what, "mac", CONFIG_TYPE_STRING, true,
				   &m);
			if (r < 0)
				goto fail;
			r = parse_mac(c, m, what, config_setting_get_string(m),
				      p->mac);
			if (r < 0)
				goto fail;
			p->has_mac = true;
			r = get_addr(c, e, what, "lma", &p->lma, false, false);
			if (r < 0)
				goto fail;
			p->has_lma = r > 0;
		}
		r = member(c, e, what, "prefix", CONFIG_TYPE_STRING, false, &m);
		if (r < 0)
			goto fail;
		if (r > 0) {
			r = parse_prefix(c, m, what,
					 config_setting_get_string(m),
					 &p->prefix, &plen);
			if (r < 0)
				goto fail;
			/* RFC 5213 §5.2: one /64 home network prefix each */
			if (plen != 64) {
				r = cerr(c, m, what,
					 "a home network prefix is a /64");
				goto fail;
			}
			p->has_prefix = true;
		}
		for (int j = 0; j < i; j++) {
			const struct cfg_policy *q = &(*out)[j];

			if ((*p->mn_id && strcmp(q->mn_id, p->mn_id) == 0) ||
			    (mag && memcmp(q->mac, p->mac, 6) == 0)) {
				r = cerr(c, e, what, "duplicate entry");
				goto fail;
			}
			if (p->has_prefix && q->has_prefix &&
			    memcmp(&p->prefix, &q->prefix, 8) == 0) {
				r = cerr(c, e, what,
					 "prefix given to two nodes");
				goto fail;
			}
		}
	}
	*n = (size_t)len;
	return 1;
fail:
	free(*out);
	*out = NULL;
	return r;
}

static int load_lma(struct cctx *c, const config_setting_t *g,
		    struct cfg_lma *l)
{
	static const char *const keys[] = {
	    "address",
	    "timestamps",
	    "timestamp_window_ms",
	    "max_lifetime",
	    "min_delay_bce_delete_ms",
	    "max_delay_new_bce_ms",
	    "pool",
	    "serve_unknown_mn",
	    "max_bindings",
	    "mags",
	    "policies",
	    NULL,
	};
	const config_setting_t *s;
	int r, len;

	r = check_keys(c, g, "lma", keys);
	if (r < 0)
		return r;
	l->use_timestamps = true;
	l->ts_window_ms = 300;
	l->max_lifetime_s = 3600;
	l->min_delay_bce_delete_ms = 10000;
	l->max_delay_new_bce_ms = 1500;
	l->serve_unknown_mn = true;
	l->max_bindings = 0;

	if ((r = get_addr(c, g, "lma", "address", &l->address, true, false)) <
		0 ||
	    (r = get_bool(c, g, "lma", "timestamps", &l->use_timestamps)) < 0 ||
	    (r = get_uint(c, g, "lma", "timestamp_window_ms", 1, 60000,
			  &l->ts_window_ms)) < 0 ||
	    (r = get_uint(c, g, "lma", "max_lifetime", 4, 262140,
			  &l->max_lifetime_s)) < 0 ||
	    (r = get_uint(c, g, "lma", "min_delay_bce_delete_ms", 0, 600000,
			  &l->min_delay_bce_delete_ms)) < 0 ||
	    (r = get_uint(c, g, "lma", "max_delay_new_bce_ms", 0, 600000,
			  &l->max_delay_new_bce_ms)) < 0 ||
	    (r = get_bool(c, g, "lma", "serve_unknown_mn",
			  &l->serve_unknown_mn)) < 0 ||
	    (r = get_uint(c, g, "lma", "max_bindings", 1, 16 * 1048576,
			  &l->max_bindings)) < 0)
		return r;

	r = member(c, g, "lma", "pool", CONFIG_TYPE_STRING, true, &s);
	if (r < 0)
		return r;
	r = parse_prefix(c, s, "lma.pool", config_setting_get_string(s),
			 &l->pool, &l->pool_plen);
	if (r < 0)
		return r;
	if (l->pool_plen > 64)
		return cerr(c, s, "lma.pool", "must be /64 or shorter");

	/* RFC 5213 §5.12: proxy registrations only from authorized MAGs */
	r = member(c, g, "lma", "mags", CONFIG_TYPE_ARRAY, true, &s);
	if (r < 0)
		return r;
	len = config_setting_length(s);
	if (len == 0)
		return cerr(c, s, "lma.mags",
			    "at least one authorized MAG is needed");
	l->mags = calloc((size_t)len, sizeof(*l->mags));
	if (!l->mags)
		return -ENOMEM;
	l->n_mags = (size_t)len;
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cerr(c, e, "lma.mags", "must be strings");
		r = parse_addr(c, e, "lma.mags", config_setting_get_string(e),
			       &l->mags[i], false);
		if (r < 0)
			return r;
	}
	r = get_policies(c, g, "lma", false, &l->policies, &l->n_policies);
	return r < 0 ? r : 0;
}

static int load_ra(struct cctx *c, const config_setting_t *g, struct cfg_ra *ra)
{
	static const char *const keys[] = {
	    "min_interval_ms",
	    "max_interval_ms",
	    "router_lifetime",
	    "mtu",
	    "valid_lifetime",
	    "preferred_lifetime",
	    NULL,
	};
	uint32_t rl = ra->router_lifetime_s;
	int r;

	r = check_keys(c, g, "mag.ra", keys);
	if (r < 0)
		return r;
	/* RFC 4861 §6.2.1 ranges */
	if ((r = get_uint(c, g, "mag.ra", "min_interval_ms", 3000, 1350000,
			  &ra->min_interval_ms)) < 0 ||
	    (r = get_uint(c, g, "mag.ra", "max_interval_ms", 4000, 1800000,
			  &ra->max_interval_ms)) < 0 ||
	    (r = get_uint(c, g, "mag.ra", "router_lifetime", 0, 9000, &rl)) <
		0 ||
	    (r = get_uint(c, g, "mag.ra", "mtu", 1280, 65535, &ra->mtu)) < 0 ||
	    (r = get_uint(c, g, "mag.ra", "valid_lifetime", 0, 0xffffffffLL,
			  &ra->valid_lifetime_s)) < 0 ||
	    (r = get_uint(c, g, "mag.ra", "preferred_lifetime", 0, 0xffffffffLL,
			  &ra->preferred_lifetime_s)) < 0)
		return r;
	ra->router_lifetime_s = (uint16_t)rl;
	if (ra->min_interval_ms * 4 > ra->max_interval_ms * 3)
		return cerr(c, g, "mag.ra",
			    "min_interval_ms above 0.75 * max_interval_ms");
	if (ra->router_lifetime_s &&
	    ra->router_lifetime_s * 1000ULL < ra->max_interval_ms)
		return cerr(c, g, "mag.ra",
			    "router_lifetime below max_interval_ms");
	if (ra->valid_lifetime_s &&
	    ra->preferred_lifetime_s > ra->valid_lifetime_s)
		return cerr(c, g, "mag.ra",
			    "preferred_lifetime above valid_lifetime");
	return 0;
}

static int load_mag(struct cctx *c, const config_setting_t *g,
		    struct xp_config *cfg)
{
	static const char *const keys[] = {
	    "proxy_coa",
	    "lma",
	    "timestamps",
	    "serve_unknown_mn",
	    "lifetime",
	    "initial_bindack_timeout_ms",
	    "max_bindack_timeout_ms",
	    "access_technology",
	    "link_local",
	    "mac",
	    "inactivity_timeout",
	    "access_interfaces",
	    "ra",
	    "policies",
	    NULL,
	};
	struct cfg_mag *m = &cfg->mag;
	const config_setting_t *s;
	uint32_t att = 3; /* IEEE 802.3, RFC 5213 §8.5 */
	int r;

	r = check_keys(c, g, "mag", keys);
	if (r < 0)
		return r;
	m->use_timestamps = true;
	m->serve_unknown_mn = true;
	m->lifetime_s = 300;
	m->initial_bindack_timeout_ms = 1000; /* INITIAL_BINDACK_TIMEOUT */
	m->max_bindack_timeout_ms = 32000;    /* MAX_BINDACK_TIMEOUT */
	inet_pton(AF_INET6, "fe80::1", &m->link_local);
	m->ra.min_interval_ms = 10000;
	m->ra.max_interval_ms = 30000;
	m->ra.router_lifetime_s = 1800;
	/* 0: the prefix lifetimes follow the binding (RFC 5213 §6.7) */
	m->ra.valid_lifetime_s = 0;
	m->ra.preferred_lifetime_s = 0;

	if ((r = get_addr(c, g, "mag", "proxy_coa", &m->proxy_coa, true,
			  false)) < 0 ||
	    (r = get_addr(c, g, "mag", "lma", &m->lma, true, false)) < 0 ||
	    (r = get_bool(c, g, "mag", "timestamps", &m->use_timestamps)) < 0 ||
	    (r = get_bool(c, g, "mag", "serve_unknown_mn",
			  &m->serve_unknown_mn)) < 0 ||
	    (r = get_uint(c, g, "mag", "lifetime", 4, 262140, &m->lifetime_s)) <
		0 ||
	    (r = get_uint(c, g, "mag", "initial_bindack_timeout_ms", 10, 60000,
			  &m->initial_bindack_timeout_ms)) < 0 ||
	    (r = get_uint(c, g, "mag", "max_bindack_timeout_ms", 10, 600000,
			  &m->max_bindack_timeout_ms)) < 0 ||
	    (r = get_uint(c, g, "mag", "access_technology", 0, 255, &att)) <
		0 ||
	    (r = get_addr(c, g, "mag", "link_local", &m->link_local, false,
			  true)) < 0 ||
	    (r = get_uint(c, g, "mag", "inactivity_timeout", 0, 86400 * 365,
			  &m->inactivity_timeout_s)) < 0)
		return r;
	m->att = (uint8_t)att;
	if (m->initial_bindack_timeout_ms > m->max_bindack_timeout_ms)
		return cerr(
		    c, g, "mag",
		    "initial_bindack_timeout_ms above max_bindack_timeout_ms");
	if (memcmp(&m->proxy_coa, &m->lma, sizeof(m->lma)) == 0)
		return cerr(c, g, "mag", "proxy_coa and lma are the same");

	r = member(c, g, "mag", "mac", CONFIG_TYPE_STRING, false, &s);
	if (r < 0)
		return r;
	if (r > 0) {
		r = parse_mac(c, s, "mag.mac", config_setting_get_string(s),
			      m->mac);
		if (r < 0)
			return r;
		m->has_mac = true;
	}
	r = get_ifaces(c, g, "mag", "access_interfaces", m->access,
		       &m->n_access, true);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->n_access; i++)
		for (size_t j = 0; j < cfg->n_core; j++)
			if (strcmp(m->access[i].name, cfg->core[j].name) == 0)
				return cerr(c, g, "mag.access_interfaces",
					    "'%s' is also a core interface",
					    cfg->core[j].name);
	r = member(c, g, "mag", "ra", CONFIG_TYPE_GROUP, false, &s);
	if (r < 0)
		return r;
	if (r > 0) {
		r = load_ra(c, s, &m->ra);
		if (r < 0)
			return r;
	}
	r = get_policies(c, g, "mag", true, &m->policies, &m->n_policies);
	return r < 0 ? r : 0;
}

static int load_top(struct cctx *c, const config_setting_t *root,
		    struct xp_config *cfg)
{
	static const char *const keys[] = {
	    "role",
	    "instance",
	    "log_level",
	    "log",
	    "control_socket",
	    "state_file",
	    "state_interval_ms",
	    "orphan_lifetime",
	    "xdp_mode",
	    "core_interfaces",
	    "lma",
	    "mag",
	    NULL,
	};
	const config_setting_t *s;
	char buf[64];
	int r;

	r = check_keys(c, root, "", keys);
	if (r < 0)
		return r;

	r = member(c, root, "", "role", CONFIG_TYPE_STRING, true, &s);
	if (r < 0)
		return r;
	if (strcmp(config_setting_get_string(s), "lma") == 0)
		cfg->role = CFG_ROLE_LMA;
	else if (strcmp(config_setting_get_string(s), "mag") == 0)
		cfg->role = CFG_ROLE_MAG;
	else
		return cerr(c, s, "role", "'%s' is not lma or mag",
			    config_setting_get_string(s));

	strcpy(cfg->instance, config_role_str(cfg->role));
	r = get_str(c, root, "", "instance", cfg->instance,
		    sizeof(cfg->instance), false);
	if (r < 0)
		return r;
	/* the instance names a bpffs folder and files: keep it plain */
	if (strspn(cfg->instance, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
	    strlen(cfg->instance))
		return cerr(c, config_setting_get_member(root, "instance"),
			    "instance", "use letters, digits, '-' and '_'");

	cfg->log_level = LOG_LVL_INFO;
	r = get_str(c, root, "", "log_level", buf, sizeof(buf), false);
	if (r < 0)
		return r;
	if (r > 0) {
		cfg->log_level = log_level_parse(buf);
		if (cfg->log_level < 0)
			return cerr(
			    c, config_setting_get_member(root, "log_level"),
			    "log_level", "'%s' is not err, warn, info or debug",
			    buf);
	}
	strcpy(buf, "stderr");
	r = get_str(c, root, "", "log", buf, sizeof(buf), false);
	if (r < 0)
		return r;
	if (strcmp(buf, "syslog") == 0)
		cfg->log_syslog = true;
	else if (strcmp(buf, "stderr") != 0)
		return cerr(c, config_setting_get_member(root, "log"), "log",
			    "'%s' is not syslog or stderr", buf);

	snprintf(cfg->control_socket, sizeof(cfg->control_socket),
		 "/run/xpmip/%s.sock", cfg->instance);
	snprintf(cfg->state_file, sizeof(cfg->state_file),
		 "/var/lib/xpmip/%s.state", cfg->instance);
	cfg->state_interval_ms = 1000;
	cfg->orphan_lifetime_s = 30;
	if ((r = get_str(c, root, "", "control_socket", cfg->control_socket,
			 sizeof(cfg->control_socket), false)) < 0 ||
	    (r = get_str(c, root, "", "state_file", cfg->state_file,
			 sizeof(cfg->state_file), false)) < 0 ||
	    (r = get_uint(c, root, "", "state_interval_ms", 0, 60000,
			  &cfg->state_interval_ms)) < 0 ||
	    (r = get_uint(c, root, "", "orphan_lifetime", 1, 86400,
			  &cfg->orphan_lifetime_s)) < 0)
		return r;

	cfg->xdp_mode = CFG_XDP_AUTO;
	r = get_str(c, root, "", "xdp_mode", buf, sizeof(buf), false);
	if (r < 0)
		return r;
	if (r > 0) {
		if (strcmp(buf, "auto") == 0)
			cfg->xdp_mode = CFG_XDP_AUTO;
		else if (strcmp(buf, "native") == 0)
			cfg->xdp_mode = CFG_XDP_NATIVE;
		else if (strcmp(buf, "generic") == 0)
			cfg->xdp_mode = CFG_XDP_GENERIC;
		else if (strcmp(buf, "tc") == 0)
			cfg->xdp_mode = CFG_XDP_TC;
		else
			return cerr(
			    c, config_setting_get_member(root, "xdp_mode"),
			    "xdp_mode",
			    "'%s' is not auto, native, generic or tc", buf);
	}

	r = get_ifaces(c, root, "", "core_interfaces", cfg->core, &cfg->n_core,
		       false);
	if (r < 0)
		return r;

	/* only the section of our role; the other one is a mistake */
	if (config_setting_get_member(root, cfg->role == CFG_ROLE_LMA ? "mag"
								      : "lma"))
		return cerr(
		    c,
		    config_setting_get_member(
			root, cfg->role == CFG_ROLE_LMA ? "mag" : "lma"),
		    NULL, "section does not match role '%s'",
		    config_role_str(cfg->role));
	r = member(c, root, "", config_role_str(cfg->role), CONFIG_TYPE_GROUP,
		   true, &s);
	if (r < 0)
		return r;
	if (cfg->role == CFG_ROLE_LMA)
		return load_lma(c, s, &cfg->lma);
	return load_mag(c, s, cfg);
}

int config_load(const char *path, struct xp_config *cfg, char *err,
		size_t errsize)
{
	struct cctx c = {.file = path, .err = err, .errsize = errsize};
	config_t lc;
	FILE *f;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(err, errsize, "no error");
	if (strlen(path) >= sizeof(cfg->file)) {
		snprintf(err, errsize, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(cfg->file, path);

	/* open it ourselves: libconfig's "file I/O error" hides errno */
	f = fopen(path, "r");
	if (!f) {
		r = -errno;
		snprintf(err, errsize, "%s: %s", path, strerror(-r));
		return r;
	}
	config_init(&lc);
	if (!config_read(&lc, f)) {
		snprintf(err, errsize, "%s:%d: %s", path,
			 config_error_line(&lc), config_error_text(&lc));
		r = -EINVAL;
		goto out;
	}
	r = load_top(&c, config_root_setting(&lc), cfg);
	if (r < 0)
		config_free(cfg);
out:
	config_destroy(&lc);
	fclose(f);
	return r;
}

void config_free(struct xp_config *cfg)
{
	free(cfg->lma.mags);
	free(cfg->lma.policies);
	free(cfg->mag.policies);
	cfg->lma.mags = NULL;
	cfg->lma.policies = NULL;
	cfg->mag.policies = NULL;
	cfg->lma.n_mags = cfg->lma.n_policies = cfg->mag.n_policies = 0;
}

const char *config_role_str(enum cfg_role role)
{
	return role == CFG_ROLE_LMA ? "lma" : "mag";
}
