// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "linkmon.h"
#include "log.h"

struct linkmon {
	struct mnl_socket *nl;
	linkmon_cb cb;
	void *arg;
};

int linkmon_open(struct linkmon **out, linkmon_cb cb, void *arg)
{
	struct linkmon *lm;
	int r;

	lm = calloc(1, sizeof(*lm));
	if (!lm)
		return -ENOMEM;
	lm->cb = cb;
	lm->arg = arg;
	lm->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!lm->nl) {
		r = -errno;
		goto free_lm;
	}
	if (mnl_socket_bind(lm->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto close_nl;
	}
	*out = lm;
	return 0;

close_nl:
	mnl_socket_close(lm->nl);
free_lm:
	log_err("linkmon: netlink: %s", strerror(-r));
	free(lm);
	return r;
}

void linkmon_close(struct linkmon *lm)
{
	if (!lm)
		return;
	mnl_socket_close(lm->nl);
	free(lm);
}

int linkmon_fd(const struct linkmon *lm)
{
	return mnl_socket_get_fd(lm->nl);
}

static int link_attr(const struct nlattr *a, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

static int link_msg(const struct nlmsghdr *nlh, void *data)
{
	struct linkmon *lm = data;
	const struct ifinfomsg *ifi;
	const char *name = "";

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr, &name);
	lm->cb(lm->arg, ifi->ifi_index, name,
	       (ifi->ifi_flags & IFF_RUNNING) != 0,
	       nlh->nlmsg_type == RTM_DELLINK);
	return MNL_CB_OK;
}

int linkmon_input(struct linkmon *lm)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	/* bounded: a burst of link events must not starve signaling */
	for (int i = 0; i < 64; i++) {
		ssize_t n = mnl_socket_recvfrom(lm->nl, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			/* ENOBUFS: events lost; later ones still come */
			if (errno == ENOBUFS) {
				log_warn("linkmon: link events lost");
				continue;
			}
			return -errno;
		}
		if (mnl_cb_run(buf, (size_t)n, 0, 0, link_msg, lm) < 0 &&
		    errno != 0)
			log_debug("linkmon: bad message: %s", strerror(errno));
	}
	return 0;
}
