// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "state.h"

struct state_writer {
	FILE *f;
	char path[512];
	char tmp[520];
	const struct xp_clock *clk;
	uint64_t now_mono, now_wall; /* ms, one snapshot per file */
	size_t n;
};

static uint64_t wall_ms(const struct xp_clock *clk)
{
	return xp_wall_ns(clk) / 1000000;
}

/* monotonic deadline -> wall clock, for the file */
static uint64_t to_wall(const struct state_writer *w, uint64_t mono)
{
	if (mono == UINT64_MAX)
		return UINT64_MAX;
	if (mono >= w->now_mono)
		return w->now_wall + (mono - w->now_mono);
	return w->now_wall - (w->now_mono - mono);
}

static uint64_t to_mono(uint64_t wall, uint64_t now_wall, uint64_t now_mono)
{
	if (wall == UINT64_MAX)
		return UINT64_MAX;
	if (wall >= now_wall)
		return now_mono + (wall - now_wall);
	/* past deadlines stay in the past, for the timers to act on */
	return now_mono > now_wall - wall ? now_mono - (now_wall - wall) : 0;
}

static void put_hex(FILE *f, const uint8_t *b, size_t n)
{
	if (!n)
		fputc('-', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

static int get_hex(const char *s, uint8_t *b, size_t max, size_t *n)
{
	size_t len = strlen(s);

	*n = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	if (len % 2 || len / 2 > max)
		return -EBADMSG;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EBADMSG;
		b[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

int state_writer_open(struct state_writer **out, const char *path,
		      const char *role, const struct xp_clock *clk)
{
	struct state_writer *w;
	char dir[512];
	int r, fd;

	if (strlen(path) >= sizeof(w->path))
		return -ENAMETOOLONG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	strcpy(w->path, path);
	snprintf(w->tmp, sizeof(w->tmp), "%s.tmp", path);
	strcpy(dir, path);
	if (mkdir(dirname(dir), 0700) < 0 && errno != EEXIST) {
		r = -errno;
		goto free_w;
	}
	fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		goto free_w;
	}
	w->f = fdopen(fd, "w");
	if (!w->f) {
		r = -errno;
		close(fd);
		goto unlink_tmp;
	}
	w->clk = clk;
	w->now_mono = xp_now_ms(clk);
	w->now_wall = wall_ms(clk);
	fprintf(w->f, "%s %d %s %" PRIu64 "\n", STATE_MAGIC, STATE_VERSION,
		role, w->now_wall);
	*out = w;
	return 0;

unlink_tmp:
	unlink(w->tmp);
free_w:
	log_err("state: cannot write %s: %s", path, strerror(-r));
	free(w);
	return r;
}

int state_put_bce(struct state_writer *w, const struct lma_bce_view *b)
{
	char hnp[INET6_ADDRSTRLEN], pcoa[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &b->hnp, hnp, sizeof(hnp));
	inet_ntop(AF_INET6, &b->pcoa, pcoa, sizeof(pcoa));
	fputs("bce ", w->f);
	put_hex(w->f, (const uint8_t *)b->mn_id, b->mn_id_len);
	fprintf(w->f, " %s/%u %s %u %u ", hnp, b->plen, pcoa, b->att, b->hi);
	put_hex(w->f, b->ll_id, b->ll_id_len);
	fprintf(w->f,
		" %" PRIu32 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %u %d\n",
		b->lifetime_s, to_wall(w, b->expires_ms),
		to_wall(w, b->registered_ms), b->last_ts, b->last_seq,
		b->deleting ? 1 : 0);
	w->n++;
	return ferror(w->f) ? -EIO : 0;
}

int state_put_mn(struct state_writer *w, const struct mag_mn_view *m)
{
	char lma[INET6_ADDRSTRLEN], hnp[INET6_ADDRSTRLEN];
	char ll[INET6_ADDRSTRLEN];

	if (m->state != MAG_MN_BOUND)
		return 0;
	inet_ntop(AF_INET6, &m->lma, lma, sizeof(lma));
	inet_ntop(AF_INET6, &m->hnp, hnp, sizeof(hnp));
	inet_ntop(AF_INET6, &m->link_local, ll, sizeof(ll));
	fputs("mn ", w->f);
	put_hex(w->f, (const uint8_t *)m->mn_id, strlen(m->mn_id));
	fprintf(w->f,
		" %02x:%02x:%02x:%02x:%02x:%02x %d %s %s/%u %s %u %" PRIu32
		" %" PRIu64 "\n",
		m->mac[0], m->mac[1], m->mac[2], m->mac[3], m->mac[4],
		m->mac[5], m->ifindex, lma, hnp, m->plen, ll, m->last_status,
		m->lifetime_s, to_wall(w, m->expires_ms));
	w->n++;
	return ferror(w->f) ? -EIO : 0;
}

int state_writer_commit(struct state_writer *w)
{
	int r = 0;

	fprintf(w->f, "end %zu\n", w->n);
	if (fflush(w->f) != 0 || ferror(w->f))
		r = -EIO;
	/* a crash of the machine, not just of the daemon, keeps a whole file */
	else if (fdatasync(fileno(w->f)) < 0)
		r = -errno;
	if (fclose(w->f) != 0 && !r)
		r = -EIO;
	if (!r && rename(w->tmp, w->path) < 0)
		r = -errno;
	if (r) {
		log_err("state: writing %s failed: %s", w->path, strerror(-r));
		unlink(w->tmp);
	}
	free(w);
	return r;
}

void state_writer_abort(struct state_writer *w)
{
	fclose(w->f);
	unlink(w->tmp);
	free(w);
}

static int parse_prefix(const char *s, struct in6_addr *a, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	unsigned int len;

	if (strlen(s) >= sizeof(buf))
		return -EBADMSG;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EBADMSG;
	*slash = '\0';
	if (sscanf(slash + 1, "%u", &len) != 1 || len > 128 ||
	    inet_pton(AF_INET6, buf, a) != 1)
		return -EBADMSG;
	*plen = (uint8_t)len;
	return 0;
}

static int load_bce(char *line, uint64_t now_wall, uint64_t now_mono,
		    const struct state_load_ops *ops, void *arg)
{
	char id[2 * MH_MN_ID_MAX + 2], pfx[64], pcoa[64], llid[40];
	uint8_t idb[MH_MN_ID_MAX];
	unsigned int att, hi, seq;
	uint64_t exp, reg, ts;
	struct lma_bce_view b;
	size_t n;
	uint32_t lifetime;
	int del;

	memset(&b, 0, sizeof(b));
	if (sscanf(line,
		   "bce %510s %63s %63s %u %u %39s %" SCNu32 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %u %d",
		   id, pfx, pcoa, &att, &hi, llid, &lifetime, &exp, &reg, &ts,
		   &seq, &del) != 12)
		return -EBADMSG;
	if (parse_prefix(pfx, &b.hnp, &b.plen) < 0 ||
	    inet_pton(AF_INET6, pcoa, &b.pcoa) != 1 ||
	    get_hex(llid, b.ll_id, sizeof(b.ll_id), &n) < 0)
		return -EBADMSG;
	b.ll_id_len = (uint8_t)n;
	if (get_hex(id, idb, sizeof(idb), &n) < 0 || n == 0)
		return -EBADMSG;
	b.mn_id = (const char *)idb;
	b.mn_id_len = (uint8_t)n;
	b.att = (uint8_t)att;
	b.hi = (uint8_t)hi;
	b.lifetime_s = lifetime;
	b.expires_ms = to_mono(exp, now_wall, now_mono);
	b.registered_ms = to_mono(reg, now_wall, now_mono);
	b.last_ts = ts;
	b.last_seq = (uint16_t)seq;
	b.deleting = del != 0;
	return ops->bce ? ops->bce(arg, &b) : 0;
}

static int load_mn(char *line, uint64_t now_wall, uint64_t now_mono,
		   const struct state_load_ops *ops, void *arg)
{
	char id[2 * MH_MN_ID_MAX + 2], lma[64], pfx[64], ll[64];
	char idb[MH_MN_ID_MAX + 1];
	unsigned int mac[6], status;
	struct mag_mn_view m;
	uint32_t lifetime;
	uint64_t exp;
	size_t n;

	memset(&m, 0, sizeof(m));
	if (sscanf(line,
		   "mn %510s %x:%x:%x:%x:%x:%x %d %63s %63s %63s %u %" SCNu32
		   " %" SCNu64,
		   id, &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5],
		   &m.ifindex, lma, pfx, ll, &status, &lifetime, &exp) != 14)
		return -EBADMSG;
	if (get_hex(id, (uint8_t *)idb, MH_MN_ID_MAX, &n) < 0 ||
	    inet_pton(AF_INET6, lma, &m.lma) != 1 ||
	    parse_prefix(pfx, &m.hnp, &m.plen) < 0 ||
	    inet_pton(AF_INET6, ll, &m.link_local) != 1)
		return -EBADMSG;
	idb[n] = '\0';
	m.mn_id = idb;
	for (int i = 0; i < 6; i++)
		m.mac[i] = (uint8_t)mac[i];
	m.state = MAG_MN_BOUND;
	m.last_status = (uint8_t)status;
	m.lifetime_s = lifetime;
	m.expires_ms = to_mono(exp, now_wall, now_mono);
	return ops->mn ? ops->mn(arg, &m) : 0;
}

int state_load(const char *path, const char *role, const struct xp_clock *clk,
	       const struct state_load_ops *ops, void *arg)
{
	char line[2048], frole[16], magic[16];
	uint64_t now_wall = wall_ms(clk), now_mono = xp_now_ms(clk), written;
	int version, lineno = 1, count = 0, r = 0;
	bool ended = false;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "%15s %d %15s %" SCNu64, magic, &version, frole,
		   &written) != 4 ||
	    strcmp(magic, STATE_MAGIC) != 0 || version != STATE_VERSION) {
		log_err("state: %s:1: not an xpmip state file", path);
		r = -EBADMSG;
		goto out;
	}
	if (strcmp(frole, role) != 0) {
		log_err("state: %s:1: written for role %s, not %s", path, frole,
			role);
		r = -EBADMSG;
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (ended) {
			r = -EBADMSG;
			break;
		}
		if (strncmp(line, "bce ", 4) == 0 && strcmp(role, "lma") == 0)
			r = load_bce(line, now_wall, now_mono, ops, arg);
		else if (strncmp(line, "mn ", 3) == 0 &&
			 strcmp(role, "mag") == 0)
			r = load_mn(line, now_wall, now_mono, ops, arg);
		else if (strncmp(line, "end ", 4) == 0) {
			/* the count guards against a truncated copy */
			ended = true;
			if (strtol(line + 4, NULL, 10) != count) {
				r = -EBADMSG;
				break;
			}
			continue;
		} else
			r = -EBADMSG;
		if (r == -EBADMSG)
			break;
		/* a record the state machine refuses is logged by the caller */
		count++;
		r = 0;
	}
	if (!r && !ended)
		r = -EBADMSG;
	if (r == -EBADMSG)
		log_err("state: %s:%d: damaged record", path, lineno);
out:
	fclose(f);
	return r < 0 ? r : count;
}
