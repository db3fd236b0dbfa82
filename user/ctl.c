// SPDX-License-Identifier: BSD-2-Clause
/* Control socket server on the daemon's libevent loop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "ctl.h"
#include "log.h"

struct ctl_conn {
	struct ctl *ctl;
	struct bufferevent *bev;
	struct ctl_conn *next;
	bool replied;
};

struct ctl {
	struct event_base *base;
	struct ctl_config cfg;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_ops ops;
	void *arg;
	int fd;
	struct event *ev_accept;
	struct ctl_conn *conns;
	unsigned int n_conns;
	uint64_t refused;
};

void ctl_dispatch(const struct ctl_ops *ops, void *arg, enum ctl_role role,
		  size_t max_reply, const char *line, size_t len,
		  struct ctl_reply *r)
{
	struct ctl_req req;
	const char *err;
	int (*fn)(void *, const uint8_t *, int);
	unsigned int ifindex;
	int ret;

	if (ctl_req_parse(line, len, &req, &err)) {
		/* answer in JSON if the client asked for it, parsable or not */
		req.json = len >= 3 && !memcmp(line, "-j ", 3);
		req.cmd = CTL_CMD_SHOW;
		ctl_reply_start(r, NULL, role, max_reply);
		r->json = req.json;
		ctl_reply_end(r, -EINVAL, err);
		return;
	}
	ctl_reply_start(r, &req, role, max_reply);

	switch (req.cmd) {
	case CTL_CMD_SHOW:
		ret = ops->show ? ops->show(arg, r) : -EOPNOTSUPP;
		ctl_reply_end(r, ret < 0 ? ret : 0, NULL);
		return;
	case CTL_CMD_STATS:
		ret = ops->stats ? ops->stats(arg, r) : -EOPNOTSUPP;
		ctl_reply_end(r, ret < 0 ? ret : 0, NULL);
		return;
	case CTL_CMD_ATTACH:
	case CTL_CMD_DETACH:
		break;
	}

	fn = req.cmd == CTL_CMD_ATTACH ? ops->attach : ops->detach;
	if (!fn || role != CTL_ROLE_MAG) {
		ctl_reply_end(r, -EOPNOTSUPP,
			      "attach and detach are MAG commands");
		return;
	}
	ifindex = if_nametoindex(req.ifname);
	if (!ifindex) {
		ctl_reply_end(r, -ENODEV, "no such interface");
		return;
	}
	ret = fn(arg, req.mac, (int)ifindex);
	if (ret == -EPERM) {
		ctl_reply_end(r, ret, "refused by policy");
		return;
	}
	if (ret == -ENODEV) {
		ctl_reply_end(r, ret, "not an access interface of this MAG");
		return;
	}
	if (ret == -ENOENT) {
		ctl_reply_end(r, ret, "no such node on that interface");
		return;
	}
	if (ret < 0) {
		ctl_reply_end(r, ret, NULL);
		return;
	}
	ctl_reply_message(r, req.cmd == CTL_CMD_ATTACH ? "attach requested"
						       : "detach requested");
	ctl_reply_end(r, 0, NULL);
}

void ctl_handle(struct ctl *ctl, const char *line, size_t len,
		struct ctl_reply *r)
{
	ctl_dispatch(&ctl->ops, ctl->arg, ctl->cfg.role, ctl->cfg.max_reply,
		     line, len, r);
}

static void conn_free(struct ctl_conn *c)
{
	struct ctl *ctl = c->ctl;
	struct ctl_conn **pp;

	for (pp = &ctl->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	ctl->n_conns--;
	bufferevent_free(c->bev);
	free(c);
}

static void conn_reply(struct ctl_conn *c, const char *line, size_t len)
{
	struct ctl_reply r;

	c->replied = true;
	/* one request per connection: ignore anything after it */
	bufferevent_disable(c->bev, EV_READ);
	ctl_handle(c->ctl, line, len, &r);
	if (bufferevent_write(c->bev, r.buf.p, r.buf.len) < 0)
		log_warn("ctl: reply of %zu bytes not queued", r.buf.len);
	ctl_reply_free(&r);
}

/* An error reply for bytes that never became a request line */
static void conn_refuse(struct ctl_conn *c, const char *msg)
{
	struct ctl_reply r;

	c->replied = true;
	bufferevent_disable(c->bev, EV_READ);
	ctl_reply_start(&r, NULL, c->ctl->cfg.role, 0);
	ctl_reply_end(&r, -EINVAL, msg);
	if (bufferevent_write(c->bev, r.buf.p, r.buf.len) < 0)
		log_warn("ctl: error reply not queued");
	ctl_reply_free(&r);
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr eol;
	char line[CTL_REQ_MAX];
	size_t len;

	if (c->replied)
		return;
	eol = evbuffer_search(in, "\n", 1, NULL);
	if (eol.pos < 0) {
		/* no line yet: wait, unless it is already too long */
		if (evbuffer_get_length(in) >= CTL_REQ_MAX)
			conn_refuse(c, "request too long");
		return;
	}
	len = (size_t)eol.pos + 1;
	if (len > sizeof(line)) {
		conn_refuse(c, "request too long");
		return;
	}
	evbuffer_remove(in, line, len);
	conn_reply(c, line, len);
}

static void conn_write(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;

	/* the whole reply is out: close, which tells the client it is done */
	if (c->replied && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_conn *c = arg;

	/* a last line without its LF, then EOF: still a request */
	if ((what & BEV_EVENT_EOF) && !c->replied) {
		struct evbuffer *in = bufferevent_get_input(bev);
		char line[CTL_REQ_MAX];
		size_t len = evbuffer_get_length(in);

		if (len > 0 && len < sizeof(line)) {
			evbuffer_remove(in, line, len);
			conn_reply(c, line, len);
			return;
		}
	}
	if ((what & BEV_EVENT_TIMEOUT) && !c->replied)
		log_debug("ctl: client timed out");
	else if (what & BEV_EVENT_ERROR)
		log_debug("ctl: client error: %s", strerror(errno));
	/* EOF before a full line, error, or timeout: drop the client */
	conn_free(c);
}

static void ctl_accept(evutil_socket_t fd, short what, void *arg)
{
	struct ctl *ctl = arg;
	struct timeval tv;
	struct ctl_conn *c;
	int cfd;

	(void)what;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("ctl: accept: %s", strerror(errno));
		return;
	}
	if (ctl->n_conns >= ctl->cfg.max_clients) {
		if (ctl->refused++ % 100 == 0)
			log_warn("ctl: too many clients, refusing");
		close(cfd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	c->ctl = ctl;
	c->bev = bufferevent_socket_new(ctl->base, cfd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(cfd);
		free(c);
		return;
	}
	c->next = ctl->conns;
	ctl->conns = c;
	ctl->n_conns++;
	/* the timeout covers the whole exchange: slow readers included */
	tv.tv_sec = ctl->cfg.timeout_ms / 1000;
	tv.tv_usec = (ctl->cfg.timeout_ms % 1000) * 1000;
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_REQ_MAX);
	bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* Is someone serving path?  0: stale (removed), -EADDRINUSE, -EEXIST */
static int clear_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, err;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (err == 0)
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int ctl_open(struct ctl **out, struct event_base *base,
	     const struct ctl_config *cfg, const struct ctl_ops *ops, void *arg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *path = cfg->path;
	struct ctl *ctl;
	mode_t mode, old;
	int err;

	if (!path)
		return -EINVAL;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("ctl: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	ctl->base = base;
	ctl->cfg = *cfg;
	if (!ctl->cfg.timeout_ms)
		ctl->cfg.timeout_ms = 5000;
	if (!ctl->cfg.max_clients)
		ctl->cfg.max_clients = 8;
	if (!ctl->cfg.max_reply)
		ctl->cfg.max_reply = CTL_REPLY_MAX_DEF;
	strcpy(ctl->path, path);
	ctl->cfg.path = ctl->path;
	ctl->ops = *ops;
	ctl->arg = arg;
	mode = cfg->mode ? cfg->mode : 0600;
	/* a client that hangs up mid-reply must not kill the daemon */
	signal(SIGPIPE, SIG_IGN);

	err = clear_stale(path, &sun);
	if (err) {
		log_err("ctl: %s: %s", path,
			err == -EADDRINUSE ? "another daemon is listening"
			: err == -EEXIST   ? "exists and is not a socket"
					   : strerror(-err));
		goto free_ctl;
	}
	ctl->fd =
	    socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0) {
		err = -errno;
		goto free_ctl;
	}
	/* no window in which the socket is more open than asked */
	old = umask(~mode & 0777);
	err = bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ? -errno
								      : 0;
	umask(old);
	if (err) {
		log_err("ctl: bind %s: %s", path, strerror(-err));
		goto close_fd;
	}
	if (chmod(path, mode) < 0 || listen(ctl->fd, 16) < 0) {
		err = -errno;
		log_err("ctl: %s: %s", path, strerror(errno));
		goto unlink_path;
	}
	ctl->ev_accept =
	    event_new(base, ctl->fd, EV_READ | EV_PERSIST, ctl_accept, ctl);
	if (!ctl->ev_accept || event_add(ctl->ev_accept, NULL) < 0) {
		err = -ENOMEM;
		goto free_event;
	}
	log_info("ctl: listening on %s", path);
	*out = ctl;
	return 0;

free_event:
	if (ctl->ev_accept)
		event_free(ctl->ev_accept);
unlink_path:
	unlink(path);
close_fd:
	close(ctl->fd);
free_ctl:
	free(ctl);
	return err;
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	while (ctl->conns)
		conn_free(ctl->conns);
	event_free(ctl->ev_accept);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
