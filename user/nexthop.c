// SPDX-License-Identifier: BSD-2-Clause
/*
 * Next-hop monitor (see nexthop.h).  Two netlink sockets: one subscribed to
 * IPv6 route, neighbour and link events, one for the lookups a resolution
 * makes (route get, neighbour get, link get), so a lookup never reads an
 * event by mistake.
 *
 * XXX: a path MTU learned from an ICMPv6 Packet Too Big, and a change to a
 * nexthop object ("ip nexthop") that routes refer to, raise no route event;
 * such changes reach the map at the next event for the peer or resync.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "dataplane.h"
#include "log.h"
#include "nexthop.h"

struct nh_peer {
	struct in6_addr addr; /* the tunnel peer */
	unsigned int refs;
	/* what the last resolution found, to match neighbour events */
	struct in6_addr via; /* gateway, or the peer when on-link */
	__u32 ifindex;
	bool installed;	      /* an entry is in the map */
	struct xp_nexthop nh; /* the entry as installed */
};

struct nh_mon {
	struct mnl_socket *ev; /* event subscription */
	struct mnl_socket *q;  /* lookups */
	__u32 q_portid;
	__u32 seq;
	nh_mon_apply_fn apply;
	void *arg;
	struct nh_peer *peers;
	unsigned int n_peers;
	unsigned int cap_peers;
};

/* What one lookup found; filled by the response callbacks. */
struct nh_route {
	bool found;
	bool usable; /* unicast, single path */
	__u32 oif;
	bool has_gw;
	struct in6_addr gw;
	__u32 mtu; /* route MTU metric, 0 if none */
};

struct nh_neigh {
	bool found;
	__u16 state;
	bool has_mac;
	__u8 mac[XP_ETH_ALEN];
};

struct nh_link {
	bool found;
	bool up;
	__u32 mtu;
	bool has_mac;
	__u8 mac[XP_ETH_ALEN];
};

static const char *addr_str(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/*
 * Sends one request on the lookup socket and runs @cb on every answer.  A
 * netlink error answer comes back as its -errno (a route get for an
 * unreachable peer answers -ENETUNREACH).
 */
static int nh_query(struct nh_mon *m, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	__u32 seq = ++m->seq;
	ssize_t n;
	int rc;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(m->q, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(m->q, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, n, seq, m->q_portid, cb, data);
		if (rc == MNL_CB_ERROR)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

static int route_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= RTA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nh_route *r = data;
	const struct nlattr *mx;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	r->found = true;
	r->usable =
	    rtm->rtm_type == RTN_UNICAST && tb[RTA_OIF] && !tb[RTA_MULTIPATH];
	if (tb[RTA_OIF])
		r->oif = mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_GATEWAY] &&
	    mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == sizeof(r->gw)) {
		memcpy(&r->gw, mnl_attr_get_payload(tb[RTA_GATEWAY]),
		       sizeof(r->gw));
		r->has_gw = true;
	}
	if (tb[RTA_METRICS]) {
		mnl_attr_for_each_nested(mx, tb[RTA_METRICS])
		{
			if (mnl_attr_get_type(mx) == RTAX_MTU &&
			    mnl_attr_get_payload_len(mx) >= 4)
				r->mtu = mnl_attr_get_u32(mx);
		}
	}
	return MNL_CB_OK;
}

static int neigh_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= NDA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NDA_MAX + 1] = {0};
	struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct nh_neigh *n = data;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || ndm->ndm_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ndm), neigh_attr_cb, tb);
	n->found = true;
	n->state = ndm->ndm_state;
	if (tb[NDA_LLADDR] &&
	    mnl_attr_get_payload_len(tb[NDA_LLADDR]) == XP_ETH_ALEN) {
		memcpy(n->mac, mnl_attr_get_payload(tb[NDA_LLADDR]),
		       XP_ETH_ALEN);
		n->has_mac = true;
	}
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= IFLA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {0};
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nh_link *l = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, tb);
	l->found = true;
	l->up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	if (tb[IFLA_MTU])
		l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS] &&
	    mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == XP_ETH_ALEN) {
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]),
		       XP_ETH_ALEN);
		l->has_mac = true;
	}
	return MNL_CB_OK;
}

/* ip -6 route get PEER: the kernel's own output route decision. */
static int get_route(struct nh_mon *m, const struct in6_addr *dst,
		     struct nh_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 128;
	mnl_attr_put(nlh, RTA_DST, sizeof(*dst), dst);
	return nh_query(m, nlh, route_cb, r);
}

static int get_neigh(struct nh_mon *m, __u32 ifindex,
		     const struct in6_addr *dst, struct nh_neigh *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET6;
	ndm->ndm_ifindex = ifindex;
	mnl_attr_put(nlh, NDA_DST, sizeof(*dst), dst);
	return nh_query(m, nlh, neigh_cb, n);
}

/*
 * Marks a neighbour used, as a packet sent through the stack would: a stale
 * entry goes to DELAY and is probed (RFC 4861 §7.3.3).
 */
static int use_neigh(struct nh_mon *m, __u32 ifindex,
		     const struct in6_addr *dst)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nh_neigh unused = {0};
	struct ndmsg *ndm;

	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET6;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, sizeof(*dst), dst);
	return nh_query(m, nlh, neigh_cb, &unused);
}

static int get_link(struct nh_mon *m, __u32 ifindex, struct nh_link *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nh_query(m, nlh, link_cb, l);
}

/*
 * Neighbour states whose link-layer address may be used, as the kernel's
 * own output path and bpf_fib_lookup() do: a stale entry is still sent to
 * (the kernel re-probes it if we ever hand it a packet).
 */
#define NH_NUD_USABLE                                                          \
	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT |   \
	 NUD_NOARP)

/*
 * Resolves one peer: route, then the neighbour of the gateway (or of the
 * peer itself when on-link), then the egress link's MAC and MTU.  Fills
 * p->via and p->ifindex even when the neighbour is missing, so the
 * neighbour event that later resolves it is recognised.  Returns 1 with
 * *nh filled, 0 when there is no usable next hop, -errno on failure.
 */
static int resolve(struct nh_mon *m, struct nh_peer *p, struct xp_nexthop *nh)
{
	struct nh_route r = {0};
	struct nh_neigh n = {0};
	struct nh_link l = {0};
	__u32 mtu;
	int rc;

	p->ifindex = 0;
	rc = get_route(m, &p->addr, &r);
	if (rc == -ENETUNREACH || rc == -EHOSTUNREACH || rc == -ENOENT ||
	    rc == -EACCES || rc == -EINVAL)
		return 0;
	if (rc)
		return rc;
	if (!r.found || !r.usable)
		return 0;
	p->ifindex = r.oif;
	p->via = r.has_gw ? r.gw : p->addr;

	rc = get_neigh(m, r.oif, &p->via, &n);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	if (!n.found || !n.has_mac || !(n.state & NH_NUD_USABLE))
		return 0;

	rc = get_link(m, r.oif, &l);
	if (rc == -ENODEV)
		return 0;
	if (rc)
		return rc;
	if (!l.found || !l.up || !l.has_mac)
		return 0;

	mtu = l.mtu;
	if (r.mtu && r.mtu < mtu)
		mtu = r.mtu;
	memset(nh, 0, sizeof(*nh));
	nh->ifindex = r.oif;
	nh->mtu = mtu > 0xffff ? 0xffff : mtu;
	memcpy(nh->dmac, n.mac, XP_ETH_ALEN);
	memcpy(nh->smac, l.mac, XP_ETH_ALEN);
	return 1;
}

/* Resolves @p and writes the map only when the answer changed. */
static int refresh(struct nh_mon *m, struct nh_peer *p)
{
	char a[INET6_ADDRSTRLEN];
	struct xp_nexthop nh;
	int rc;

	rc = resolve(m, p, &nh);
	if (rc < 0) {
		log_warn("nexthop: peer %s: lookup failed: %s",
			 addr_str(&p->addr, a), strerror(-rc));
		return rc;
	}
	if (rc == 0) {
		if (!p->installed)
			return 0;
		rc = m->apply(m->arg, &p->addr, NULL);
		if (rc && rc != -ENOENT) {
			log_warn("nexthop: peer %s: remove failed: %s",
				 addr_str(&p->addr, a), strerror(-rc));
			return rc;
		}
		p->installed = false;
		log_info("nexthop: peer %s: unresolved, fib fallback",
			 addr_str(&p->addr, a));
		return 0;
	}
	if (p->installed && !memcmp(&nh, &p->nh, sizeof(nh)))
		return 0;
	rc = m->apply(m->arg, &p->addr, &nh);
	if (rc) {
		log_warn("nexthop: peer %s: update failed: %s",
			 addr_str(&p->addr, a), strerror(-rc));
		return rc;
	}
	p->nh = nh;
	p->installed = true;
	log_debug("nexthop: peer %s: via ifindex %u mtu %u",
		  addr_str(&p->addr, a), nh.ifindex, nh.mtu);
	return 0;
}

static struct nh_peer *find_peer(struct nh_mon *m, const struct in6_addr *a)
{
	unsigned int i;

	for (i = 0; i < m->n_peers; i++)
		if (!memcmp(&m->peers[i].addr, a, sizeof(*a)))
			return &m->peers[i];
	return NULL;
}

static int open_socket(struct mnl_socket **out, unsigned int groups)
{
	struct mnl_socket *s;

	s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s)
		return -errno;
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		int rc = -errno;

		mnl_socket_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

struct nh_mon *nh_mon_new_cb(nh_mon_apply_fn apply, void *arg)
{
	struct nh_mon *m;
	int rc, fl;

	if (!apply) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->apply = apply;
	m->arg = arg;
	m->seq = time(NULL);

	rc =
	    open_socket(&m->ev, RTMGRP_IPV6_ROUTE | RTMGRP_NEIGH | RTMGRP_LINK);
	if (rc)
		goto err_free;
	fl = fcntl(mnl_socket_get_fd(m->ev), F_GETFL);
	if (fl < 0 ||
	    fcntl(mnl_socket_get_fd(m->ev), F_SETFL, fl | O_NONBLOCK) < 0) {
		rc = -errno;
		goto err_ev;
	}
	rc = open_socket(&m->q, 0);
	if (rc)
		goto err_ev;
	m->q_portid = mnl_socket_get_portid(m->q);
	return m;

err_ev:
	mnl_socket_close(m->ev);
err_free:
	free(m);
	errno = -rc;
	return NULL;
}

static int dp_apply(void *arg, const struct in6_addr *peer,
		    const struct xp_nexthop *nh)
{
	struct dp *dp = arg;

	return nh ? dp_nexthop_update(dp, peer, nh)
		  : dp_nexthop_delete(dp, peer);
}

struct nh_mon *nh_mon_new(struct dp *dp)
{
	if (!dp) {
		errno = EINVAL;
		return NULL;
	}
	return nh_mon_new_cb(dp_apply, dp);
}

void nh_mon_free(struct nh_mon *m)
{
	unsigned int i;

	if (!m)
		return;
	for (i = 0; i < m->n_peers; i++)
		if (m->peers[i].installed)
			m->apply(m->arg, &m->peers[i].addr, NULL);
	mnl_socket_close(m->q);
	mnl_socket_close(m->ev);
	free(m->peers);
	free(m);
}

int nh_mon_fd(const struct nh_mon *m)
{
	return mnl_socket_get_fd(m->ev);
}

unsigned int nh_mon_installed(const struct nh_mon *m)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->n_peers; i++)
		n += m->peers[i].installed;
	return n;
}

int nh_mon_add_peer(struct nh_mon *m, const struct in6_addr *peer)
{
	struct nh_peer *p = find_peer(m, peer);

	if (p) {
		p->refs++;
		return 0;
	}
	if (m->n_peers == XP_MAX_NEXTHOPS)
		return -ENOSPC;
	if (m->n_peers == m->cap_peers) {
		unsigned int cap = m->cap_peers ? m->cap_peers * 2 : 16;
		struct nh_peer *np;

		np = realloc(m->peers, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		m->peers = np;
		m->cap_peers = cap;
	}
	p = &m->peers[m->n_peers++];
	memset(p, 0, sizeof(*p));
	p->addr = *peer;
	p->refs = 1;
	/* an unresolved peer is normal: the events will resolve it */
	refresh(m, p);
	return 0;
}

int nh_mon_del_peer(struct nh_mon *m, const struct in6_addr *peer)
{
	struct nh_peer *p = find_peer(m, peer);
	int rc = 0;

	if (!p)
		return -ENOENT;
	if (--p->refs)
		return 0;
	if (p->installed) {
		rc = m->apply(m->arg, &p->addr, NULL);
		if (rc == -ENOENT)
			rc = 0;
	}
	*p = m->peers[--m->n_peers];
	return rc;
}

int nh_mon_confirm(struct nh_mon *m)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int i;
	int rc = 0, r;

	for (i = 0; i < m->n_peers; i++) {
		struct nh_peer *p = &m->peers[i];
		struct nh_neigh n = {0};

		if (!p->installed)
			continue;
		r = get_neigh(m, p->ifindex, &p->via, &n);
		if (r || !n.found || !(n.state & NUD_STALE))
			continue;
		r = use_neigh(m, p->ifindex, &p->via);
		if (r) {
			log_warn("nexthop: peer %s: neighbour probe: %s",
				 addr_str(&p->addr, a), strerror(-r));
			if (!rc)
				rc = r;
		}
	}
	return rc;
}

int nh_mon_resync(struct nh_mon *m)
{
	unsigned int i;
	int rc = 0, r;

	for (i = 0; i < m->n_peers; i++) {
		r = refresh(m, &m->peers[i]);
		if (r && !rc)
			rc = r;
	}
	return rc;
}

/* What the events read so far ask for. */
struct nh_dirty {
	struct nh_mon *m;
	bool all;   /* a route changed: every peer */
	bool *peer; /* per peer index */
};

static void mark_ifindex(struct nh_dirty *d, __u32 ifindex)
{
	unsigned int i;

	for (i = 0; i < d->m->n_peers; i++)
		if (d->m->peers[i].ifindex == ifindex)
			d->peer[i] = true;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nh_dirty *d = data;
	unsigned int i;

	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

		/*
		 * Any IPv6 route change may move a peer (a more specific
		 * route, a new default): re-ask the kernel for all of them.
		 */
		if (rtm->rtm_family == AF_INET6)
			d->all = true;
		break;
	}
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH: {
		const struct nlattr *tb[NDA_MAX + 1] = {0};
		struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
		const void *dst;

		if (ndm->ndm_family != AF_INET6)
			break;
		mnl_attr_parse(nlh, sizeof(*ndm), neigh_attr_cb, tb);
		if (!tb[NDA_DST] || mnl_attr_get_payload_len(tb[NDA_DST]) !=
					sizeof(struct in6_addr))
			break;
		dst = mnl_attr_get_payload(tb[NDA_DST]);
		for (i = 0; i < d->m->n_peers; i++) {
			struct nh_peer *p = &d->m->peers[i];

			if (p->ifindex == (__u32)ndm->ndm_ifindex &&
			    !memcmp(&p->via, dst, sizeof(p->via)))
				d->peer[i] = true;
		}
		break;
	}
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

		/* MAC, MTU or carrier of an egress link changed */
		mark_ifindex(d, ifi->ifi_index);
		break;
	}
	default:
		break;
	}
	return MNL_CB_OK;
}

int nh_mon_input(struct nh_mon *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nh_dirty d = {.m = m};
	unsigned int i;
	ssize_t n;
	int rc = 0;

	d.peer = calloc(m->n_peers ? m->n_peers : 1, sizeof(*d.peer));
	if (!d.peer)
		return -ENOMEM;
	for (;;) {
		n = mnl_socket_recvfrom(m->ev, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* events were lost: ask again for everything */
				log_warn("nexthop: netlink overrun, resync");
				d.all = true;
				continue;
			}
			rc = -errno;
			break;
		}
		/* events carry no sequence number or port of ours */
		mnl_cb_run(buf, n, 0, 0, event_cb, &d);
	}

	for (i = 0; i < m->n_peers; i++)
		if (d.all || d.peer[i])
			refresh(m, &m->peers[i]);
	free(d.peer);
	return rc;
}
