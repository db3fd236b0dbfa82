// SPDX-License-Identifier: BSD-2-Clause
/*
 * xpmipd: the PMIPv6 daemon, as LMA or MAG (role from the config file).
 *
 * It joins the pieces on one libevent loop: the Mobility Header socket
 * feeds the state machine (lma.c or mag.c), whose callbacks go to map sync
 * (the only map writer), router advertisements and the state file; the
 * data plane's ring buffer, Router Solicitations and xpmipctl bring attach
 * triggers; link events and the data plane's last-seen times bring detach
 * triggers.  A restart, even after kill -9, loses no forwarding: the
 * programs stay attached, the pinned maps are reused and the state file
 * gives the state machine its bindings back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "dataplane.h"
#include "linkmon.h"
#include "lma.h"
#include "log.h"
#include "mag.h"
#include "mapsync.h"
#include "mhsock.h"
#include "nexthop.h"
#include "privs.h"
#include "ra.h"
#include "state.h"

#define RX_BURST       64 /* MH messages per wake-up */
#define DEFAULT_CONFIG "/etc/xpmip/xpmipd.conf"
#define XPMIPD_NH_CONFIRM_S                                                    \
	5 /* s between next-hop probes; REACHABLE_TIME is 30 s */

struct iface {
	char name[IF_NAMESIZE];
	int ifindex;	/* 0: not present (yet) */
	bool access;	/* MAG access link */
	bool p2p;	/* point-to-point access link */
	bool attached;	/* data plane programs on it */
	uint8_t mac[6]; /* MAC the MAG sends from on it */
};

struct daemon_counters {
	uint64_t state_writes, state_write_errors;
	uint64_t attach_dp_event, attach_rs, attach_ctl, attach_orphan;
	uint64_t attach_refused;
	uint64_t detach_ctl, detach_link_down, detach_inactive;
	uint64_t mh_dropped; /* refused by the state machine */
};

struct daemon {
	struct xp_config cfg;
	bool keep_dataplane;
	struct event_base *base;
	struct dp *dp;
	struct mapsync *ms;
	struct mhsock sock;
	struct lma *lma;
	struct mag *mag;
	struct ra_ctx *ra;
	struct ctl *ctl;
	struct linkmon *lm;
	struct nh_mon *nh;
	struct iface ifs[2 * CFG_MAX_IFACES];
	size_t n_ifs;
	struct event *ev_sock, *ev_dp, *ev_ra, *ev_lm, *ev_nh, *ev_timer;
	struct event *ev_idle;
	struct event *ev_nh_confirm;
	bool nh_confirm_warned;
	struct event *ev_sig[3], *ev_chld;
	/* state file: written at most every state_interval_ms */
	bool state_dirty;
	uint64_t state_due_ms, state_last_ms, state_min_gap_ms;
	pid_t saver_pid; /* state file being written by a child */
	uint64_t saver_start_ms;
	struct daemon_counters c;
	bool restored; /* state taken back: safe to save */
	/* configs handed to the state machines (they copy them) */
	struct lma_mn_policy *lma_pol;
	struct mag_mn_policy *mag_pol;
};

static uint64_t now_ms(void)
{
	return xp_now_ms(&xp_clock_system);
}

static const char *addr_str(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static void mac_str(const uint8_t m[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static struct iface *iface_by_index(struct daemon *d, int ifindex)
{
	for (size_t i = 0; i < d->n_ifs; i++)
		if (d->ifs[i].ifindex == ifindex && ifindex)
			return &d->ifs[i];
	return NULL;
}

static struct iface *access_iface(struct daemon *d, int ifindex)
{
	struct iface *ifc = iface_by_index(d, ifindex);

	return ifc && ifc->access ? ifc : NULL;
}

static void rearm(struct daemon *d);

/* ---- state file ---------------------------------------------------- */

static void state_mark_dirty(struct daemon *d)
{
	uint64_t now = now_ms();

	if (d->state_dirty)
		return;
	d->state_dirty = true;
	/* coalesce: a burst of PBUs gives one write, not one per PBU */
	d->state_due_ms = d->state_last_ms + d->state_min_gap_ms;
	if (d->state_due_ms < now)
		d->state_due_ms = now;
}

static int put_bce(const struct lma_bce_view *bce, void *arg)
{
	return state_put_bce(arg, bce);
}

static int put_mn(const struct mag_mn_view *mn, void *arg)
{
	return state_put_mn(arg, mn);
}

/* the whole state into the file; 0 or -errno */
static int state_write(struct daemon *d)
{
	struct state_writer *w;
	int r;

	r = state_writer_open(&w, d->cfg.state_file,
			      config_role_str(d->cfg.role), &xp_clock_system);
	if (r < 0)
		return r;
	r = d->lma ? lma_foreach(d->lma, put_bce, w)
		   : mag_foreach(d->mag, put_mn, w);
	if (r) {
		state_writer_abort(w);
		return r < 0 ? r : -EIO;
	}
	return state_writer_commit(w);
}

static void state_saved(struct daemon *d, int r, uint64_t took_ms)
{
	d->state_last_ms = now_ms();
	if (r < 0) {
		d->c.state_write_errors++;
		/* try again later rather than spin on a full disk */
		d->state_dirty = true;
		d->state_due_ms = d->state_last_ms + 5000;
		log_err("state: cannot save %s: %s", d->cfg.state_file,
			strerror(-r));
		return;
	}
	d->c.state_writes++;
	/* a big state takes long to write: space the writes out further */
	d->state_min_gap_ms = d->cfg.state_interval_ms;
	if (took_ms > d->state_min_gap_ms)
		d->state_min_gap_ms = took_ms;
}

/* now, in this process: at stop, or when no child can be made */
static int state_save(struct daemon *d)
{
	uint64_t start = now_ms();
	int r;

	d->state_dirty = false;
	r = state_write(d);
	state_saved(d, r, now_ms() - start);
	return r;
}

/*
 * In a child process, from a copy-on-write snapshot of the binding cache:
 * a million bindings take seconds to format, and the event loop must not
 * stop for that.  The child closes every inherited descriptor first, so
 * that nothing (the control socket above all) outlives the daemon in it.
 * Changes made meanwhile mark the state dirty again for the next write.
 */
static void state_save_bg(struct daemon *d)
{
	pid_t pid;

	if (d->saver_pid > 0)
		return;
	d->state_dirty = false;
	d->saver_start_ms = now_ms();
	pid = fork();
	if (pid < 0) {
		log_warn("state: fork: %s; saving in the foreground",
			 strerror(errno));
		state_save(d);
		return;
	}
	if (pid == 0) {
		close_range(3, ~0U, 0);
		_exit(state_write(d) < 0 ? 1 : 0);
	}
	d->saver_pid = pid;
}

static void on_child(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	int status;

	(void)sig;
	(void)what;
	if (d->saver_pid <= 0 || waitpid(d->saver_pid, &status, WNOHANG) <= 0)
		return;
	d->saver_pid = 0;
	state_saved(d, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO,
		    now_ms() - d->saver_start_ms);
	rearm(d);
}

/* ---- LMA callbacks --------------------------------------------------- */

static int sm_send(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		   size_t len)
{
	struct daemon *d = arg;

	return mhsock_send(&d->sock, dst, mh, len);
}

/* RFC 6275 §9.2: Payload Proto or Header Len wrong; pointer from the MH */
static int sm_send_param_problem(void *arg, const struct in6_addr *dst,
				 uint32_t pointer, const uint8_t *pkt,
				 size_t len)
{
	struct daemon *d = arg;

	return mhsock_send_param_problem(&d->sock, dst, pointer, pkt, len);
}

static void lma_bce_up(void *arg, const struct lma_bce_view *bce)
{
	struct daemon *d = arg;
	char hnp[INET6_ADDRSTRLEN], mag[INET6_ADDRSTRLEN];
	int r;

	r = mapsync_bce_up(d->ms, bce);
	state_mark_dirty(d);
	if (r < 0)
		return;
	addr_str(&bce->hnp, hnp);
	addr_str(&bce->pcoa, mag);
	if (bce->deleting)
		log_info("mn %.*s prefix %s/%u: de-registered by mag %s, "
			 "deleting soon",
			 bce->mn_id_len, bce->mn_id, hnp, bce->plen, mag);
	else if (r == MAPSYNC_NEW)
		log_info("mn %.*s prefix %s/%u: bound via mag %s, "
			 "lifetime %u s",
			 bce->mn_id_len, bce->mn_id, hnp, bce->plen, mag,
			 bce->lifetime_s);
	else if (r == MAPSYNC_MOVED)
		log_info("mn %.*s prefix %s/%u: moved to mag %s",
			 bce->mn_id_len, bce->mn_id, hnp, bce->plen, mag);
	else
		log_debug("mn %.*s prefix %s/%u: refreshed by mag %s",
			  bce->mn_id_len, bce->mn_id, hnp, bce->plen, mag);
}

static void lma_bce_down(void *arg, const struct lma_bce_view *bce)
{
	struct daemon *d = arg;
	char hnp[INET6_ADDRSTRLEN], mag[INET6_ADDRSTRLEN];

	mapsync_bce_down(d->ms, bce);
	state_mark_dirty(d);
	log_info("mn %.*s prefix %s/%u: binding via mag %s removed",
		 bce->mn_id_len, bce->mn_id, addr_str(&bce->hnp, hnp),
		 bce->plen, addr_str(&bce->pcoa, mag));
}

/* ---- MAG callbacks --------------------------------------------------- */

static void mag_mn_bound(void *arg, const struct mag_mn_view *mn)
{
	struct daemon *d = arg;
	struct iface *ifc = access_iface(d, mn->ifindex);
	char hnp[INET6_ADDRSTRLEN], lma[INET6_ADDRSTRLEN], mac[18];
	int r;

	addr_str(&mn->hnp, hnp);
	addr_str(&mn->lma, lma);
	mac_str(mn->mac, mac);
	if (!ifc) {
		log_warn("mn %s (%s): bound on unknown interface %d", mn->mn_id,
			 mac, mn->ifindex);
		return;
	}
	r = mapsync_mn_bound(d->ms, mn, ifc->mac);
	state_mark_dirty(d);
	if (r < 0)
		return;
	/* RFC 5213 §6.9.1.2 step 10: advertise only after PBA 0 */
	if (d->ra && ra_node_advertise(d->ra, mn->ifindex, mn->mac, NULL,
				       &mn->hnp, mn->plen, mn->lifetime_s) < 0)
		log_warn("mn %s (%s): router advertisement failed", mn->mn_id,
			 mac);
	if (r == MAPSYNC_REFRESHED)
		log_debug("mn %s (%s) prefix %s/%u: refreshed by lma %s",
			  mn->mn_id, mac, hnp, mn->plen, lma);
	else
		log_info("mn %s (%s) on %s: bound, prefix %s/%u from lma %s, "
			 "lifetime %u s",
			 mn->mn_id, mac, ifc->name, hnp, mn->plen, lma,
			 mn->lifetime_s);
}

static void mag_mn_unbound(void *arg, const struct mag_mn_view *mn)
{
	struct daemon *d = arg;
	char lma[INET6_ADDRSTRLEN], mac[18];

	mac_str(mn->mac, mac);
	addr_str(&mn->lma, lma);
	mapsync_mn_unbound(d->ms, mn);
	state_mark_dirty(d);
	/* RFC 5213 §6.12: withdraw what was advertised */
	if (d->ra)
		ra_node_withdraw(d->ra, mn->ifindex, mn->mac);
	if (mn->last_status >= 128)
		log_info("mn %s (%s): rejected by lma %s: %s", mn->mn_id, mac,
			 lma, mh_status_str(mn->last_status));
	else if (mn->timed_out)
		log_info("mn %s (%s): no answer from lma %s, given up",
			 mn->mn_id, mac, lma);
	else
		log_info("mn %s (%s): unbound from lma %s", mn->mn_id, mac,
			 lma);
}

static void do_attach(struct daemon *d, const uint8_t mac[6], int ifindex,
		      const char *why, uint64_t *counter)
{
	struct iface *ifc = access_iface(d, ifindex);
	struct mag_mn_view v;
	bool known;
	char m[18];
	int r;

	mac_str(mac, m);
	/* a trigger for a node already pending or bound is no new event */
	known = mag_lookup(d->mag, mac, &v) == 0 &&
		(v.state == MAG_MN_PENDING || v.state == MAG_MN_BOUND);
	r = mag_attach(d->mag, mac, ifindex);
	if (r == -EPERM) {
		d->c.attach_refused++;
		log_debug("mn %s: ignored by policy (%s)", m, why);
		return;
	}
	if (r < 0) {
		log_warn("mn %s: attach (%s) failed: %s", m, why, strerror(-r));
		return;
	}
	(*counter)++;
	if (known)
		log_debug("mn %s: attach trigger (%s)", m, why);
	else
		log_info("mn %s on %s: attach (%s)", m, ifc ? ifc->name : "?",
			 why);
}

static int dp_event(const struct xp_event *ev, void *arg)
{
	struct daemon *d = arg;

	if (ev->type != XP_EVENT_ATTACH || !access_iface(d, (int)ev->ifindex))
		return 0;
	do_attach(d, ev->mac, (int)ev->ifindex, "first packet",
		  &d->c.attach_dp_event);
	return 0;
}

static void ra_on_rs(void *arg, int ifindex, const uint8_t mac[6],
		     const struct in6_addr *src)
{
	struct daemon *d = arg;

	(void)src;
	if (!access_iface(d, ifindex))
		return;
	do_attach(d, mac, ifindex, "router solicitation", &d->c.attach_rs);
}

/* ---- detach triggers ------------------------------------------------- */

struct detach_list {
	struct {
		uint8_t mac[6];
		int ifindex;
	} n[256];
	size_t count;
	int ifindex;		 /* link down: nodes on this link */
	uint64_t idle_before_ns; /* inactivity: last seen before this */
	struct daemon *d;
};

static int collect_on_link(const struct mag_mn_view *mn, void *arg)
{
	struct detach_list *l = arg;

	if (mn->ifindex != l->ifindex || l->count == 256 ||
	    (mn->state != MAG_MN_PENDING && mn->state != MAG_MN_BOUND))
		return 0;
	memcpy(l->n[l->count].mac, mn->mac, 6);
	l->n[l->count++].ifindex = mn->ifindex;
	return 0;
}

static void link_event(void *arg, int ifindex, const char *name, bool running,
		       bool deleted);

static int collect_idle(const struct mag_mn_view *mn, void *arg)
{
	struct detach_list *l = arg;
	struct xp_hnp_key key;
	struct xp_binding b;

	if (mn->state != MAG_MN_BOUND || l->count == 256)
		return 0;
	xp_hnp_key_from_prefix(&key, &mn->hnp);
	if (dp_binding_lookup(l->d->dp, &key, &b) < 0)
		return 0;
	if (b.last_seen_ns >= l->idle_before_ns)
		return 0;
	memcpy(l->n[l->count].mac, mn->mac, 6);
	l->n[l->count++].ifindex = mn->ifindex;
	return 0;
}

/*
 * A tunnel peer's neighbour may change its MAC without telling anyone; the
 * kernel only finds out when a packet through the stack probes it, and the
 * data plane bypasses the stack.  Ask the kernel to probe the stale ones.
 * Sending RTM_NEWNEIGH needs CAP_NET_ADMIN in the effective set.
 */
static void nexthop_confirm(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	int r;

	(void)fd;
	(void)what;
	privs_raise();
	r = nh_mon_confirm(d->nh);
	privs_lower();
	/* the first failure is worth a warning, the repeats are not */
	if (r < 0 && !d->nh_confirm_warned) {
		log_warn("nexthop: cannot probe stale neighbours: %s",
			 strerror(-r));
		d->nh_confirm_warned = true;
	} else if (r < 0) {
		log_debug("nexthop: confirm: %s", strerror(-r));
	}
}

static void idle_check(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	uint64_t tmo_ns = d->cfg.mag.inactivity_timeout_s * 1000000000ULL;
	struct detach_list *l;
	char m[18];

	(void)fd;
	(void)what;
	l = calloc(1, sizeof(*l));
	if (!l)
		return;
	l->d = d;
	l->idle_before_ns = mapsync_ktime_ns();
	l->idle_before_ns =
	    l->idle_before_ns > tmo_ns ? l->idle_before_ns - tmo_ns : 0;
	/* XXX: at most 256 nodes per check; the rest go at the next one */
	mag_foreach(d->mag, collect_idle, l);
	for (size_t i = 0; i < l->count; i++) {
		mac_str(l->n[i].mac, m);
		log_info("mn %s: no traffic for %u s, detaching", m,
			 d->cfg.mag.inactivity_timeout_s);
		if (mag_detach(d->mag, l->n[i].mac, l->n[i].ifindex) == 0)
			d->c.detach_inactive++;
	}
	free(l);
	rearm(d);
}

static int iface_setup(struct daemon *d, struct iface *ifc);

static void link_event(void *arg, int ifindex, const char *name, bool running,
		       bool deleted)
{
	struct daemon *d = arg;
	struct iface *ifc = iface_by_index(d, ifindex);
	struct detach_list *l;
	char m[18];

	if (!ifc && !deleted) {
		/* a configured interface that was missing has appeared */
		for (size_t i = 0; i < d->n_ifs; i++) {
			if (d->ifs[i].ifindex || strcmp(d->ifs[i].name, name))
				continue;
			d->ifs[i].ifindex = ifindex;
			log_info("interface %s: appeared", name);
			privs_raise();
			iface_setup(d, &d->ifs[i]);
			privs_lower();
		}
		return;
	}
	if (!ifc)
		return;
	/*
	 * The nodes of a removed access link, or of a point-to-point one
	 * without carrier, are gone (RFC 5213 §6.9.1.1 detach).
	 */
	if (d->mag && ifc->access && (deleted || (ifc->p2p && !running))) {
		l = calloc(1, sizeof(*l));
		if (l) {
			l->ifindex = ifindex;
			/* XXX: 256 nodes per event; a shared link with more
			 * keeps the rest until they expire or go idle */
			mag_foreach(d->mag, collect_on_link, l);
		}
		for (size_t i = 0; l && i < l->count; i++) {
			mac_str(l->n[i].mac, m);
			log_info("mn %s: link %s %s, detaching", m, ifc->name,
				 deleted ? "removed" : "down");
			if (d->ra)
				ra_node_forget(d->ra, ifindex, l->n[i].mac);
			if (mag_detach(d->mag, l->n[i].mac, ifindex) == 0)
				d->c.detach_link_down++;
		}
		free(l);
	}
	if (deleted) {
		log_warn("interface %s: removed", ifc->name);
		if (ifc->access && d->ra)
			ra_iface_del(d->ra, ifindex);
		dp_detach(d->dp, ifindex);
		ifc->ifindex = 0;
		ifc->attached = false;
	}
}

/* ---- control socket -------------------------------------------------- */

static const char *mn_state_str(int state)
{
	switch (state) {
	case MAG_MN_PENDING:
		return "pending";
	case MAG_MN_BOUND:
		return "bound";
	case MAG_MN_REJECTED:
		return "rejected";
	case MAG_MN_DEREGISTERING:
		return "deregistering";
	}
	return "unknown";
}

struct show_walk {
	struct daemon *d;
	struct ctl_reply *r;
	uint64_t now;
};

static int64_t left_s(uint64_t expires_ms, uint64_t now)
{
	if (expires_ms == UINT64_MAX)
		return -1;
	return ((int64_t)expires_ms - (int64_t)now) / 1000;
}

static void fill_counters(struct daemon *d, const struct in6_addr *hnp,
			  uint64_t *up_p, uint64_t *up_b, uint64_t *down_p,
			  uint64_t *down_b)
{
	struct xp_hnp_key key;
	struct xp_binding b;

	xp_hnp_key_from_prefix(&key, hnp);
	if (dp_binding_lookup(d->dp, &key, &b) < 0)
		return;
	*up_p = b.up_packets;
	*up_b = b.up_bytes;
	*down_p = b.down_packets;
	*down_b = b.down_bytes;
}

static int show_bce(const struct lma_bce_view *bce, void *arg)
{
	struct show_walk *w = arg;
	struct ctl_lma_row row = {0};
	char id[MH_MN_ID_MAX + 1];

	memcpy(id, bce->mn_id, bce->mn_id_len);
	id[bce->mn_id_len] = '\0';
	row.mn_id = id;
	row.hnp = bce->hnp;
	row.plen = bce->plen;
	row.mag = bce->pcoa;
	row.att = bce->att;
	row.deleting = bce->deleting;
	row.lifetime_s = bce->lifetime_s;
	row.left_s = left_s(bce->expires_ms, w->now);
	fill_counters(w->d, &bce->hnp, &row.up_packets, &row.up_bytes,
		      &row.down_packets, &row.down_bytes);
	ctl_reply_lma_row(w->r, &row);
	return 0;
}

static int show_mn(const struct mag_mn_view *mn, void *arg)
{
	struct show_walk *w = arg;
	struct ctl_mag_row row = {0};

	row.mn_id = mn->mn_id;
	memcpy(row.mac, mn->mac, 6);
	row.ifindex = mn->ifindex;
	row.lma = mn->lma;
	row.state = mn_state_str(mn->state);
	row.lifetime_s = mn->lifetime_s;
	row.left_s = left_s(mn->expires_ms, w->now);
	if (mn->state == MAG_MN_BOUND) {
		row.hnp = mn->hnp;
		row.plen = mn->plen;
		fill_counters(w->d, &mn->hnp, &row.up_packets, &row.up_bytes,
			      &row.down_packets, &row.down_bytes);
	}
	ctl_reply_mag_row(w->r, &row);
	return 0;
}

static int ctl_show(void *arg, struct ctl_reply *r)
{
	struct daemon *d = arg;
	struct show_walk w = {.d = d, .r = r, .now = now_ms()};

	if (d->lma)
		return lma_foreach(d->lma, show_bce, &w);
	return mag_foreach(d->mag, show_mn, &w);
}

#define COUNTER(r, g, s, f) ctl_reply_counter(r, g, #f, (s)->f)

static int ctl_stats(void *arg, struct ctl_reply *r)
{
	struct daemon *d = arg;
	struct xp_stat st[XP_STAT_MAX];
	struct mapsync_counters mc;
	int err;

	err = dp_stats_read(d->dp, st);
	if (err < 0)
		return err;
	ctl_reply_dp_stats(r, st);
	if (d->lma) {
		struct lma_counters lc;
		char name[32];

		lma_get_counters(d->lma, &lc);
		COUNTER(r, "lma", &lc, rx);
		COUNTER(r, "lma", &lc, pbu_rx);
		COUNTER(r, "lma", &lc, pba_tx);
		for (int i = 0; i < 256; i++) {
			if (!lc.pba_status[i])
				continue;
			snprintf(name, sizeof(name), "pba_status_%d", i);
			ctl_reply_counter(r, "lma", name, lc.pba_status[i]);
		}
		COUNTER(r, "lma", &lc, be_tx);
		COUNTER(r, "lma", &lc, param_problem_tx);
		COUNTER(r, "lma", &lc, dropped);
		COUNTER(r, "lma", &lc, ignored);
		COUNTER(r, "lma", &lc, held);
		COUNTER(r, "lma", &lc, send_err);
		COUNTER(r, "lma", &lc, bce_created);
		COUNTER(r, "lma", &lc, bce_deleted);
		COUNTER(r, "lma", &lc, bce_expired);
		COUNTER(r, "lma", &lc, bindings);
	} else {
		struct mag_counters gc;

		mag_get_counters(d->mag, &gc);
		COUNTER(r, "mag", &gc, pbu_tx);
		COUNTER(r, "mag", &gc, pbu_retx);
		COUNTER(r, "mag", &gc, pba_rx);
		COUNTER(r, "mag", &gc, pba_ignored);
		COUNTER(r, "mag", &gc, pba_rejected);
		COUNTER(r, "mag", &gc, dropped);
		COUNTER(r, "mag", &gc, param_problem_tx);
		COUNTER(r, "mag", &gc, gave_up);
		COUNTER(r, "mag", &gc, expired);
		COUNTER(r, "mag", &gc, send_err);
	}
	if (d->ra) {
		struct ra_counters rc;

		ra_get_counters(d->ra, &rc);
		COUNTER(r, "ra", &rc, rs_rx);
		COUNTER(r, "ra", &rc, rs_bad);
		COUNTER(r, "ra", &rc, rs_foreign);
		COUNTER(r, "ra", &rc, rs_rate_limited);
		COUNTER(r, "ra", &rc, rs_unknown);
		COUNTER(r, "ra", &rc, ra_tx);
		COUNTER(r, "ra", &rc, ra_withdraw_tx);
		COUNTER(r, "ra", &rc, ra_tx_err);
	}
	COUNTER(r, "signal", &d->sock, rx);
	COUNTER(r, "signal", &d->sock, tx);
	COUNTER(r, "signal", &d->sock, rx_err);
	COUNTER(r, "signal", &d->sock, tx_err);
	COUNTER(r, "signal", &d->sock, rx_wrong_dst);
	COUNTER(r, "signal", &d->sock, pp_tx);
	COUNTER(r, "signal", &d->sock, pp_rate_limited);
	COUNTER(r, "signal", &d->sock, pp_err);
	mapsync_get_counters(d->ms, &mc);
	COUNTER(r, "mapsync", &mc, binding_updates);
	COUNTER(r, "mapsync", &mc, binding_deletes);
	COUNTER(r, "mapsync", &mc, mn_updates);
	COUNTER(r, "mapsync", &mc, mn_deletes);
	COUNTER(r, "mapsync", &mc, errors);
	COUNTER(r, "mapsync", &mc, orphans_found);
	COUNTER(r, "mapsync", &mc, orphans_adopted);
	COUNTER(r, "mapsync", &mc, orphans_expired);
	COUNTER(r, "mapsync", &mc, nexthop_updates);
	COUNTER(r, "mapsync", &mc, nexthop_deletes);
	if (d->nh)
		ctl_reply_counter(r, "mapsync", "nexthops_installed",
				  nh_mon_installed(d->nh));
	COUNTER(r, "daemon", &d->c, state_writes);
	COUNTER(r, "daemon", &d->c, state_write_errors);
	COUNTER(r, "daemon", &d->c, attach_dp_event);
	COUNTER(r, "daemon", &d->c, attach_rs);
	COUNTER(r, "daemon", &d->c, attach_ctl);
	COUNTER(r, "daemon", &d->c, attach_orphan);
	COUNTER(r, "daemon", &d->c, attach_refused);
	COUNTER(r, "daemon", &d->c, detach_ctl);
	COUNTER(r, "daemon", &d->c, detach_link_down);
	COUNTER(r, "daemon", &d->c, detach_inactive);
	COUNTER(r, "daemon", &d->c, mh_dropped);
	return 0;
}

static int ctl_attach(void *arg, const uint8_t mac[6], int ifindex)
{
	struct daemon *d = arg;
	char m[18];
	int r;

	if (!access_iface(d, ifindex))
		return -ENODEV;
	mac_str(mac, m);
	r = mag_attach(d->mag, mac, ifindex);
	if (r == 0) {
		d->c.attach_ctl++;
		log_info("mn %s: attach requested by xpmipctl", m);
	}
	rearm(d);
	return r;
}

static int ctl_detach(void *arg, const uint8_t mac[6], int ifindex)
{
	struct daemon *d = arg;
	char m[18];
	int r;

	if (ifindex && !access_iface(d, ifindex))
		return -ENODEV;
	mac_str(mac, m);
	r = mag_detach(d->mag, mac, ifindex);
	if (r == 0) {
		d->c.detach_ctl++;
		log_info("mn %s: detach requested by xpmipctl", m);
	}
	rearm(d);
	return r;
}

/* ---- event loop ------------------------------------------------------ */

static void rearm(struct daemon *d)
{
	uint64_t t, now = now_ms();
	struct timeval tv;

	t = d->lma ? lma_next_timeout(d->lma) : mag_next_timeout(d->mag);
	if (d->ra && ra_next_timeout(d->ra) < t)
		t = ra_next_timeout(d->ra);
	if (mapsync_next_timeout(d->ms) < t)
		t = mapsync_next_timeout(d->ms);
	/* while a child writes, its exit (SIGCHLD) re-arms */
	if (d->state_dirty && !d->saver_pid && d->state_due_ms < t)
		t = d->state_due_ms;
	if (t == UINT64_MAX) {
		evtimer_del(d->ev_timer);
		return;
	}
	t = t > now ? t - now : 0;
	tv.tv_sec = (time_t)(t / 1000);
	tv.tv_usec = (suseconds_t)(t % 1000) * 1000;
	evtimer_add(d->ev_timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = now_ms();

	(void)fd;
	(void)what;
	if (d->lma)
		lma_run_timers(d->lma);
	else
		mag_run_timers(d->mag);
	if (d->ra)
		ra_run_timers(d->ra);
	mapsync_run_timers(d->ms, now);
	if (d->state_dirty && d->state_due_ms <= now_ms())
		state_save_bg(d);
	rearm(d);
}

static void on_mh(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	uint8_t buf[MH_MAX_LEN];
	struct in6_addr src, dst;

	(void)fd;
	(void)what;
	/* bounded, so a PBU flood cannot starve timers and the ring buffer */
	for (int i = 0; i < RX_BURST; i++) {
		ssize_t n = mhsock_recv(&d->sock, buf, sizeof(buf), &src, &dst);
		int r;

		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n < 0)
			continue;
		r = d->lma ? lma_input(d->lma, &src, &dst, buf, (size_t)n)
			   : mag_input(d->mag, &src, buf, (size_t)n);
		if (r < 0)
			d->c.mh_dropped++;
	}
	rearm(d);
}

static void on_dp_events(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	dp_events_consume(d->dp);
	rearm(d);
}

static void on_ra(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	ra_input(d->ra);
	rearm(d);
}

static void on_link(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	linkmon_input(d->lm);
	rearm(d);
}

static void on_nexthop(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (nh_mon_input(d->nh) < 0)
		nh_mon_resync(d->nh);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct xp_config nc;
	char err[CFG_ERR_MAX];

	(void)what;
	if (sig != SIGHUP) {
		log_info("signal %d: stopping", (int)sig);
		event_base_loopbreak(d->base);
		return;
	}
	/* XXX: SIGHUP re-reads the log level only; the rest needs a restart */
	if (config_load(d->cfg.file, &nc, err, sizeof(err)) < 0) {
		log_err("reload: %s", err);
		return;
	}
	log_set_level(nc.log_level);
	log_info("reload: log level %d", nc.log_level);
	config_free(&nc);
}

/* ---- setup ----------------------------------------------------------- */

static int read_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr = {0};
	int fd, r = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		r = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return r;
}

static int set_mac(const char *name, const uint8_t mac[6])
{
	struct ifreq ifr = {0};
	int fd, r = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ioctl(fd, SIOCSIFHWADDR, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

/*
 * Attach the programs to one present interface and, on a MAG access link,
 * set it up for router advertisements.  Failures are logged and leave the
 * interface unserved; the daemon goes on with the others.
 */
static int iface_setup(struct daemon *d, struct iface *ifc)
{
	int r;

	if (ifc->access && d->cfg.mag.has_mac) {
		r = set_mac(ifc->name, d->cfg.mag.mac);
		if (r < 0)
			log_warn("interface %s: cannot set the fixed mac: %s",
				 ifc->name, strerror(-r));
	}
	if (ifc->access) {
		r = read_mac(ifc->name, ifc->mac);
		if (r < 0) {
			log_err("interface %s: no mac: %s", ifc->name,
				strerror(-r));
			return r;
		}
	}
	r = dp_attach(d->dp, ifc->ifindex,
		      ifc->access ? XP_IF_ACCESS : XP_IF_CORE);
	if (r < 0) {
		log_err("interface %s: data plane not attached: %s%s",
			ifc->name, strerror(-r),
			r == -EBUSY ? " (another XDP program is there)" : "");
		return r;
	}
	ifc->attached = true;
	if (ifc->access && d->ra) {
		/* RFC 5213 §6.8: the same link-local on every access link */
		r = ra_set_link_local(ifc->ifindex, &d->cfg.mag.link_local);
		if (r < 0)
			log_warn("interface %s: link-local address: %s",
				 ifc->name, strerror(-r));
		r = ra_iface_add(d->ra, ifc->ifindex, 0, ifc->mac);
		if (r < 0)
			log_err("interface %s: router advertisements: %s",
				ifc->name, strerror(-r));
	}
	log_info("interface %s: serving as %s%s", ifc->name,
		 ifc->access ? "access" : "core",
		 ifc->access ? (ifc->p2p ? " (point-to-point)" : " (shared)")
			     : "");
	return 0;
}

static void add_ifaces(struct daemon *d)
{
	const struct xp_config *c = &d->cfg;

	for (size_t i = 0; i < c->n_core; i++) {
		struct iface *ifc = &d->ifs[d->n_ifs++];

		strcpy(ifc->name, c->core[i].name);
	}
	if (c->role == CFG_ROLE_MAG) {
		for (size_t i = 0; i < c->mag.n_access; i++) {
			struct iface *ifc = &d->ifs[d->n_ifs++];

			strcpy(ifc->name, c->mag.access[i].name);
			ifc->access = true;
			ifc->p2p = c->mag.access[i].p2p;
		}
	}
	for (size_t i = 0; i < d->n_ifs; i++) {
		struct iface *ifc = &d->ifs[i];

		ifc->ifindex = (int)if_nametoindex(ifc->name);
		if (!ifc->ifindex) {
			log_err("interface %s: not found; served when it "
				"appears",
				ifc->name);
			continue;
		}
		iface_setup(d, ifc);
	}
}

static int make_lma(struct daemon *d)
{
	const struct cfg_lma *c = &d->cfg.lma;
	static const struct lma_ops ops = {
	    .send = sm_send,
	    .send_param_problem = sm_send_param_problem,
	    .bce_up = lma_bce_up,
	    .bce_down = lma_bce_down,
	};
	struct lma_config lc;

	lma_config_defaults(&lc);
	lc.lmaa = c->address;
	lc.use_timestamps = c->use_timestamps;
	lc.ts_window_ms = c->ts_window_ms;
	lc.max_lifetime_s = c->max_lifetime_s;
	lc.min_delay_bce_delete_ms = c->min_delay_bce_delete_ms;
	lc.max_delay_new_bce_ms = c->max_delay_new_bce_ms;
	lc.pool = c->pool;
	lc.pool_plen = c->pool_plen;
	lc.mags = c->mags;
	lc.n_mags = c->n_mags;
	lc.serve_unknown_mn = c->serve_unknown_mn;
	if (c->max_bindings)
		lc.max_bindings = c->max_bindings;
	if (c->n_policies) {
		d->lma_pol = calloc(c->n_policies, sizeof(*d->lma_pol));
		if (!d->lma_pol)
			return -ENOMEM;
	}
	for (size_t i = 0; i < c->n_policies; i++) {
		strcpy(d->lma_pol[i].mn_id, c->policies[i].mn_id);
		d->lma_pol[i].has_prefix = c->policies[i].has_prefix;
		d->lma_pol[i].prefix = c->policies[i].prefix;
	}
	lc.policies = d->lma_pol;
	lc.n_policies = c->n_policies;
	d->lma = lma_new(&lc, &ops, d, &xp_clock_system);
	return d->lma ? 0 : -errno;
}

static int make_mag(struct daemon *d)
{
	const struct cfg_mag *c = &d->cfg.mag;
	static const struct mag_ops ops = {
	    .send = sm_send,
	    .mn_bound = mag_mn_bound,
	    .mn_unbound = mag_mn_unbound,
	    .send_param_problem = sm_send_param_problem,
	};
	struct mag_config mc;

	mag_config_defaults(&mc);
	mc.pcoa = c->proxy_coa;
	mc.default_lma = c->lma;
	mc.serve_unknown_mn = c->serve_unknown_mn;
	mc.use_timestamps = c->use_timestamps;
	mc.lifetime_s = c->lifetime_s;
	mc.initial_bindack_timeout_ms = c->initial_bindack_timeout_ms;
	mc.max_bindack_timeout_ms = c->max_bindack_timeout_ms;
	mc.att = c->att;
	mc.link_local = c->link_local;
	if (c->n_policies) {
		d->mag_pol = calloc(c->n_policies, sizeof(*d->mag_pol));
		if (!d->mag_pol)
			return -ENOMEM;
	}
	for (size_t i = 0; i < c->n_policies; i++) {
		const struct cfg_policy *p = &c->policies[i];

		memcpy(d->mag_pol[i].mac, p->mac, 6);
		strcpy(d->mag_pol[i].mn_id, p->mn_id);
		d->mag_pol[i].has_lma = p->has_lma;
		d->mag_pol[i].lma = p->lma;
		d->mag_pol[i].has_prefix = p->has_prefix;
		d->mag_pol[i].prefix = p->prefix;
	}
	mc.policies = d->mag_pol;
	mc.n_policies = c->n_policies;
	d->mag = mag_new(&mc, &ops, d, &xp_clock_system);
	return d->mag ? 0 : -errno;
}

static void ra_cfg_from(const struct xp_config *cfg, struct ra_config *rc)
{
	const struct cfg_mag *c = &cfg->mag;

	ra_config_defaults(rc);
	rc->link_local = c->link_local;
	rc->has_fixed_mac = c->has_mac;
	memcpy(rc->fixed_mac, c->mac, 6);
	rc->min_interval_ms = c->ra.min_interval_ms;
	rc->max_interval_ms = c->ra.max_interval_ms;
	rc->router_lifetime_s = c->ra.router_lifetime_s;
	rc->prefix_valid_s = c->ra.valid_lifetime_s;
	rc->prefix_preferred_s = c->ra.preferred_lifetime_s;
	rc->mtu = c->ra.mtu;
}

static int make_ra(struct daemon *d)
{
	static const struct ra_ops ops = {.on_rs = ra_on_rs};
	struct ra_config rc;

	ra_cfg_from(&d->cfg, &rc);
	return ra_open(&d->ra, &rc, &ops, d, &xp_clock_system);
}

/* ---- restart --------------------------------------------------------- */

static int restore_bce(void *arg, const struct lma_bce_view *bce)
{
	struct daemon *d = arg;
	char hnp[INET6_ADDRSTRLEN];
	int r;

	r = lma_restore(d->lma, bce);
	if (r < 0) {
		log_warn("restore: mn %.*s prefix %s: %s", bce->mn_id_len,
			 bce->mn_id, addr_str(&bce->hnp, hnp), strerror(-r));
		return 0;
	}
	/* the map may be gone (reboot) or stale: make it match */
	mapsync_bce_up(d->ms, bce);
	return 0;
}

static int restore_mn(void *arg, const struct mag_mn_view *mn)
{
	struct daemon *d = arg;
	struct iface *ifc = access_iface(d, mn->ifindex);
	int r;

	if (!ifc) {
		log_warn("restore: mn %s: interface %d is not an access link",
			 mn->mn_id, mn->ifindex);
		return 0;
	}
	r = mag_restore(d->mag, mn);
	if (r < 0) {
		log_warn("restore: mn %s: %s", mn->mn_id, strerror(-r));
		return 0;
	}
	mapsync_mn_bound(d->ms, mn, ifc->mac);
	/* keep advertising its prefix: the node must not lose its address */
	if (d->ra)
		ra_node_advertise(d->ra, mn->ifindex, mn->mac, NULL, &mn->hnp,
				  mn->plen, mn->lifetime_s);
	return 0;
}

static bool map_entry_known(void *arg, const struct xp_hnp_key *key,
			    const struct xp_binding *b)
{
	struct daemon *d = arg;
	struct in6_addr pfx = {0};
	struct mag_mn_view mv;
	struct lma_bce_view lv;
	struct xp_hnp_key k2;

	memcpy(pfx.s6_addr, key->prefix, sizeof(key->prefix));
	if (d->lma)
		return lma_lookup_hnp(d->lma, &pfx, &lv) == 0;
	if (mag_lookup(d->mag, b->mn_mac, &mv) < 0)
		return false;
	xp_hnp_key_from_prefix(&k2, &mv.hnp);
	return memcmp(&k2, key, sizeof(k2)) == 0;
}

/* a MAG orphan: register the node again, the PBA adopts the entry */
static void map_entry_adopt(void *arg, const struct xp_hnp_key *key,
			    const struct xp_binding *b)
{
	struct daemon *d = arg;

	(void)key;
	if (!d->mag || !access_iface(d, (int)b->access_ifindex))
		return;
	do_attach(d, b->mn_mac, (int)b->access_ifindex, "restart",
		  &d->c.attach_orphan);
}

static void restore(struct daemon *d)
{
	static const struct state_load_ops ops = {
	    .bce = restore_bce,
	    .mn = restore_mn,
	};
	int n, orphans;

	mapsync_set_restoring(d->ms, true);
	n = state_load(d->cfg.state_file, config_role_str(d->cfg.role),
		       &xp_clock_system, &ops, d);
	mapsync_set_restoring(d->ms, false);
	if (n == -ENOENT)
		log_info("state: no %s, starting empty", d->cfg.state_file);
	else if (n < 0)
		log_err("state: %s unusable (%s): map entries become orphans",
			d->cfg.state_file, strerror(-n));
	else
		log_info("state: %d binding(s) restored from %s", n,
			 d->cfg.state_file);
	orphans =
	    mapsync_reconcile(d->ms, now_ms(), d->cfg.orphan_lifetime_s * 1000,
			      map_entry_known, map_entry_adopt, d);
	if (orphans > 0)
		log_warn("state: %d map entr%s without state, removed in %u s "
			 "unless re-registered",
			 orphans, orphans == 1 ? "y" : "ies",
			 d->cfg.orphan_lifetime_s);
	else if (orphans < 0)
		log_err("state: cannot walk the bindings map: %s",
			strerror(-orphans));
}

/*
 * Capabilities after setup (docs/daemon.md explains each, found by
 * testing on Linux 6.18):
 *  - day to day, none: map updates, the ring buffer, stats, the raw and
 *    packet sockets all work on descriptors opened before the drop;
 *  - kept for an interface that appears later and for the clean stop,
 *    raised only around them: CAP_NET_ADMIN (XDP/TC attach and detach,
 *    link-local address over rtnetlink), CAP_BPF (BPF calls on those
 *    paths), CAP_NET_RAW (spare: sockets re-opened).  Not CAP_SYS_ADMIN:
 *    the data plane tells its own program in an XDP slot by comparing ids
 *    with those of the programs it loaded, which needs no capability.
 */
static const int keep_caps[] = {CAP_NET_ADMIN, CAP_BPF, CAP_NET_RAW};

static int add_event(struct daemon *d, struct event **ev, int fd,
		     event_callback_fn cb)
{
	*ev = event_new(d->base, fd, EV_READ | EV_PERSIST, cb, d);
	if (!*ev || event_add(*ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

static int setup(struct daemon *d)
{
	const struct xp_config *c = &d->cfg;
	struct dp_opts o = {0};
	const struct in6_addr *local =
	    c->role == CFG_ROLE_LMA ? &c->lma.address : &c->mag.proxy_coa;
	struct ctl_config cc = {0};
	static const struct ctl_ops cops_lma = {
	    .show = ctl_show,
	    .stats = ctl_stats,
	};
	static const struct ctl_ops cops_mag = {
	    .show = ctl_show,
	    .stats = ctl_stats,
	    .attach = ctl_attach,
	    .detach = ctl_detach,
	};
	char dir[CFG_PATH_MAX], *slash;
	int r;

	d->base = event_base_new();
	if (!d->base)
		return -ENOMEM;
	d->state_min_gap_ms = c->state_interval_ms;

	/*
	 * The control socket first: a second daemon for the same instance
	 * stops here, before it touches the programs and maps of the first.
	 */
	/* its folder, e.g. /run/xpmip */
	snprintf(dir, sizeof(dir), "%s", c->control_socket);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	cc.path = c->control_socket;
	cc.role = c->role == CFG_ROLE_LMA ? CTL_ROLE_LMA : CTL_ROLE_MAG;
	r = ctl_open(&d->ctl, d->base, &cc,
		     c->role == CFG_ROLE_LMA ? &cops_lma : &cops_mag, d);
	if (r < 0) {
		log_err("control socket %s: %s", c->control_socket,
			strerror(-r));
		return r;
	}

	o.role = c->role == CFG_ROLE_LMA ? XP_ROLE_LMA : XP_ROLE_MAG;
	o.instance = c->instance;
	o.local_addr = *local;
	o.xdp_mode = (enum xp_xdp_mode)c->xdp_mode;
	o.max_bindings = c->role == CFG_ROLE_LMA ? c->lma.max_bindings : 0;
	r = dp_open(&d->dp, &o);
	if (r < 0) {
		log_err("data plane: cannot load: %s", strerror(-r));
		return r;
	}
	r = mapsync_new(&d->ms, d->dp, o.role);
	if (r < 0)
		return r;
	/*
	 * Next hops toward the tunnel peers, from netlink; through map sync,
	 * the only map writer.  Without it the data plane asks the FIB.
	 */
	d->nh = nh_mon_new_cb(mapsync_nexthop_apply, d->ms);
	if (d->nh)
		mapsync_set_nexthops(d->ms, d->nh);
	else
		log_warn("next-hop monitor: %s: the data plane will use the "
			 "FIB for every packet",
			 strerror(errno));
	r = mhsock_open(&d->sock, local);
	if (r < 0)
		return r;
	r = c->role == CFG_ROLE_LMA ? make_lma(d) : make_mag(d);
	if (r < 0) {
		log_err("%s: cannot start: %s", config_role_str(c->role),
			strerror(-r));
		return r;
	}
	if (d->mag) {
		r = make_ra(d);
		if (r < 0) {
			log_err("router advertisements: %s", strerror(-r));
			return r;
		}
	}

	/* programs attached first: they forward for restored bindings */
	add_ifaces(d);
	restore(d);
	d->restored = true;

	if (d->mag) {
		r = dp_events_open(d->dp, dp_event, d);
		if (r < 0)
			log_err("data plane attach events: %s", strerror(-r));
		else if ((r = add_event(d, &d->ev_dp, dp_events_fd(d->dp),
					on_dp_events)) < 0)
			return r;
		if (ra_fd(d->ra) >= 0 &&
		    (r = add_event(d, &d->ev_ra, ra_fd(d->ra), on_ra)) < 0)
			return r;
	}
	r = add_event(d, &d->ev_sock, d->sock.fd, on_mh);
	if (r < 0)
		return r;
	if (d->nh &&
	    (r = add_event(d, &d->ev_nh, nh_mon_fd(d->nh), on_nexthop)) < 0)
		return r;
	r = linkmon_open(&d->lm, link_event, d);
	if (r == 0)
		r = add_event(d, &d->ev_lm, linkmon_fd(d->lm), on_link);
	if (r < 0)
		log_err("link monitor: %s: no link-down detach", strerror(-r));

	d->ev_timer = evtimer_new(d->base, on_timer, d);
	if (!d->ev_timer)
		return -ENOMEM;
	if (d->nh) {
		struct timeval tv = {.tv_sec = XPMIPD_NH_CONFIRM_S};

		d->ev_nh_confirm =
		    event_new(d->base, -1, EV_PERSIST, nexthop_confirm, d);
		if (!d->ev_nh_confirm || evtimer_add(d->ev_nh_confirm, &tv) < 0)
			return -ENOMEM;
	}
	if (d->mag && c->mag.inactivity_timeout_s) {
		uint32_t every = c->mag.inactivity_timeout_s / 4;
		struct timeval tv = {.tv_sec = every ? every : 1};

		d->ev_idle = event_new(d->base, -1, EV_PERSIST, idle_check, d);
		if (!d->ev_idle || evtimer_add(d->ev_idle, &tv) < 0)
			return -ENOMEM;
	}
	for (int i = 0; i < 3; i++) {
		static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};

		d->ev_sig[i] = evsignal_new(d->base, sigs[i], on_signal, d);
		if (!d->ev_sig[i] || event_add(d->ev_sig[i], NULL) < 0)
			return -ENOMEM;
	}
	d->ev_chld = evsignal_new(d->base, SIGCHLD, on_child, d);
	if (!d->ev_chld || event_add(d->ev_chld, NULL) < 0)
		return -ENOMEM;
	signal(SIGPIPE, SIG_IGN);

	r = privs_drop(keep_caps, sizeof(keep_caps) / sizeof(keep_caps[0]),
		       NULL, 0);
	if (r < 0)
		log_warn("privileges: could not drop (%s): running with all",
			 strerror(-r));
	/* write what was restored, so orphans adopted later are saved too */
	state_mark_dirty(d);
	rearm(d);
	return 0;
}

static void teardown(struct daemon *d)
{
	struct event *evs[] = {d->ev_sock,   d->ev_dp,	   d->ev_ra,
			       d->ev_lm,     d->ev_nh,	   d->ev_timer,
			       d->ev_idle,   d->ev_sig[0], d->ev_sig[1],
			       d->ev_sig[2], d->ev_chld,   d->ev_nh_confirm};

	/*
	 * The bindings outlive us: the next start takes them back.  Never
	 * save before the old state was read, or a failed start would wipe it.
	 */
	if (d->saver_pid > 0)
		waitpid(d->saver_pid, NULL, 0);
	if (d->restored)
		state_save(d);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	if (d->ctl)
		ctl_close(d->ctl);
	linkmon_close(d->lm);
	if (d->ra)
		ra_close(d->ra);
	if (d->lma)
		lma_free(d->lma);
	if (d->mag)
		mag_free(d->mag);
	if (d->sock.fd >= 0)
		mhsock_close(&d->sock);
	/* next hops left in place stay useful to the programs left running */
	if (d->ms && d->keep_dataplane)
		mapsync_freeze_nexthops(d->ms);
	nh_mon_free(d->nh);
	mapsync_free(d->ms);
	/* detaching programs and unpinning maps are privileged */
	privs_raise();
	if (d->dp) {
		dp_close(d->dp, d->keep_dataplane);
		log_info("data plane %s", d->keep_dataplane
					      ? "left in place"
					      : "detached and unpinned");
	}
	if (d->base)
		event_base_free(d->base);
	free(d->lma_pol);
	free(d->mag_pol);
	config_free(&d->cfg);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xpmipd [-fnk] [-c config] [-l level]\n"
		"  -c, --config FILE       configuration (default %s)\n"
		"  -f, --foreground        stay in the foreground, log to "
		"stderr\n"
		"  -l, --log-level LEVEL   err, warn, info or debug\n"
		"  -n, --check-config      check the configuration and exit\n"
		"  -k, --keep-dataplane    on stop, leave programs and maps in "
		"place\n"
		"  -h, --help              this help\n",
		DEFAULT_CONFIG);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"check-config", no_argument, NULL, 'n'},
	    {"keep-dataplane", no_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = DEFAULT_CONFIG;
	bool foreground = false, check = false;
	struct daemon d = {.sock.fd = -1};
	char err[CFG_ERR_MAX], abs_path[PATH_MAX];
	int level = -1, opt, r;

	while ((opt = getopt_long(argc, argv, "c:fl:nkh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'l':
			level = log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr,
					"xpmipd: unknown log level "
					"'%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			check = true;
			break;
		case 'k':
			d.keep_dataplane = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	r = config_load(path, &d.cfg, err, sizeof(err));
	if (r == 0 && d.cfg.role == CFG_ROLE_MAG) {
		struct ra_config rc;

		/* the access code's own range checks, as part of the config */
		log_init("xpmipd", LOG_LVL_ERR, false);
		ra_cfg_from(&d.cfg, &rc);
		if (ra_config_check(&rc) < 0) {
			snprintf(err, sizeof(err), "%s: mag.ra: out of range",
				 path);
			config_free(&d.cfg);
			r = -EINVAL;
		}
	}
	if (r < 0) {
		fprintf(stderr, "xpmipd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: ok (%s, instance %s)\n", path,
		       config_role_str(d.cfg.role), d.cfg.instance);
		config_free(&d.cfg);
		return 0;
	}
	if (level < 0)
		level = d.cfg.log_level;
	log_init("xpmipd", (enum log_level)level,
		 !foreground || d.cfg.log_syslog);
	/* SIGHUP re-reads it after daemon() went to "/" */
	if (realpath(path, abs_path) && strlen(abs_path) < sizeof(d.cfg.file))
		strcpy(d.cfg.file, abs_path);
	if (!foreground && daemon(0, 0) < 0) {
		log_err("cannot daemonize: %s", strerror(errno));
		return 1;
	}
	log_info("starting as %s, instance %s, config %s",
		 config_role_str(d.cfg.role), d.cfg.instance, path);

	r = setup(&d);
	if (r == 0) {
		log_info("running");
		event_base_dispatch(d.base);
	} else {
		/* a failed start never takes forwarding away from anyone */
		d.keep_dataplane = true;
	}
	teardown(&d);
	log_info("stopped");
	return r < 0 ? 1 : 0;
}
