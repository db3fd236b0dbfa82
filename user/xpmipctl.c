// SPDX-License-Identifier: BSD-2-Clause
/*
 * xpmipctl: ask a running xpmipd what it is doing, or tell a MAG that a
 * node attached or left.  One request per connection (ctlproto.h).
 *
 *   xpmipctl [-s SOCKET] [-j] show | stats | attach MAC IFNAME |
 *	      detach MAC IFNAME
 */
#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ctlproto.h"

#define REPLY_TIMEOUT_MS 15000
#define EXIT_USAGE	 2

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: xpmipctl [-s SOCKET | -i INSTANCE] [-j] COMMAND\n"
	    "  show                  bindings (LMA) or attached nodes (MAG)\n"
	    "  stats                 data-plane and signalling counters\n"
	    "  attach MAC IFNAME     a node attached on IFNAME (MAG)\n"
	    "  detach MAC IFNAME     a node left IFNAME (MAG)\n"
	    "options:\n"
	    "  -s SOCKET             control socket\n"
	    "  -i INSTANCE           the daemon's instance: %s/INSTANCE.sock\n"
	    "                        (default: the only socket in %s)\n"
	    "  -j                    JSON output\n",
	    CTL_SOCK_DIR, CTL_SOCK_DIR);
}

/*
 * Without -s or -i: the one daemon's socket in CTL_SOCK_DIR.  Several
 * daemons on one host (an LMA and a MAG in a lab) must be named.
 */
static int find_only_socket(char *buf, size_t size)
{
	struct dirent *de;
	int found = 0;
	DIR *dir;

	dir = opendir(CTL_SOCK_DIR);
	if (!dir) {
		fprintf(stderr, "xpmipctl: %s: %s (is xpmipd running?)\n",
			CTL_SOCK_DIR, strerror(errno));
		return -ENOENT;
	}
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);

		if (n < 6 || strcmp(de->d_name + n - 5, ".sock"))
			continue;
		if (found++ == 0)
			snprintf(buf, size, "%s/%s", CTL_SOCK_DIR, de->d_name);
		else
			fprintf(stderr,
				"xpmipctl: %s and %s: name one with "
				"-i INSTANCE or -s SOCKET\n",
				buf, de->d_name);
	}
	closedir(dir);
	if (found == 1)
		return 0;
	if (found == 0)
		fprintf(stderr,
			"xpmipctl: no control socket in %s "
			"(is xpmipd running?)\n",
			CTL_SOCK_DIR);
	return -ENOENT;
}

static int parse_args(int argc, char **argv, struct ctl_req *req)
{
	static const char *const names[] = {"show", "stats", "attach",
					    "detach"};
	const char *verb;
	int nargs, i;

	if (optind >= argc) {
		usage(stderr);
		return -EINVAL;
	}
	verb = argv[optind];
	for (i = 0; i < 4; i++)
		if (!strcmp(verb, names[i]))
			break;
	if (i == 4) {
		fprintf(stderr, "xpmipctl: unknown command '%s'\n", verb);
		usage(stderr);
		return -EINVAL;
	}
	req->cmd = (enum ctl_cmd)i;
	nargs =
	    (req->cmd == CTL_CMD_ATTACH || req->cmd == CTL_CMD_DETACH) ? 2 : 0;
	if (argc - optind - 1 != nargs) {
		fprintf(stderr, "xpmipctl: %s takes %s\n", verb,
			nargs ? "MAC IFNAME" : "no arguments");
		return -EINVAL;
	}
	if (!nargs)
		return 0;
	if (ctl_mac_parse(argv[optind + 1], req->mac)) {
		fprintf(stderr,
			"xpmipctl: bad MAC '%s' "
			"(want a unicast xx:xx:xx:xx:xx:xx)\n",
			argv[optind + 1]);
		return -EINVAL;
	}
	if (strlen(argv[optind + 2]) >= IF_NAMESIZE) {
		fprintf(stderr, "xpmipctl: interface name too long\n");
		return -EINVAL;
	}
	strcpy(req->ifname, argv[optind + 2]);
	return 0;
}

static int connect_daemon(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "xpmipctl: socket path too long\n");
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;

	switch (errno) {
	case ENOENT:
	case ECONNREFUSED:
		fprintf(stderr,
			"xpmipctl: xpmipd is not running (no one at %s)\n",
			path);
		break;
	case EACCES:
	case EPERM:
		fprintf(stderr,
			"xpmipctl: permission denied on %s "
			"(run as root or the daemon's user)\n",
			path);
		break;
	default:
		fprintf(stderr, "xpmipctl: connect %s: %s\n", path,
			strerror(errno));
	}
	close(fd);
	return -ECONNREFUSED;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Read until the daemon closes; the reply ends with the connection */
static int read_reply(int fd, struct ctl_buf *b)
{
	uint64_t deadline = mono_ms() + REPLY_TIMEOUT_MS;
	char chunk[65536];

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint64_t now = mono_ms();
		ssize_t n;
		int ret;

		if (now >= deadline)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)(deadline - now));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return b->err ? -EMSGSIZE : 0;
		ctl_buf_add(b, chunk, (size_t)n);
	}
}

int main(int argc, char **argv)
{
	const char *path = NULL, *instance = NULL;
	char pathbuf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_req req = {0};
	char line[CTL_REQ_MAX];
	struct ctl_buf reply;
	const char *body;
	int opt, fd, len, err;

	while ((opt = getopt(argc, argv, "+s:i:jh")) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'j':
			req.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (parse_args(argc, argv, &req))
		return EXIT_USAGE;
	if (!path) {
		if (instance) {
			if ((size_t)snprintf(pathbuf, sizeof(pathbuf),
					     "%s/%s.sock", CTL_SOCK_DIR,
					     instance) >= sizeof(pathbuf)) {
				fprintf(stderr, "xpmipctl: instance name too "
						"long\n");
				return EXIT_USAGE;
			}
		} else if (find_only_socket(pathbuf, sizeof(pathbuf))) {
			return EXIT_USAGE;
		}
		path = pathbuf;
	}
	len = ctl_req_format(line, sizeof(line), &req);
	if (len < 0) {
		fprintf(stderr, "xpmipctl: request too long\n");
		return EXIT_USAGE;
	}

	fd = connect_daemon(path);
	if (fd < 0)
		return EXIT_FAILURE;
	if (write(fd, line, (size_t)len) != len) {
		fprintf(stderr, "xpmipctl: send: %s\n", strerror(errno));
		close(fd);
		return EXIT_FAILURE;
	}
	shutdown(fd, SHUT_WR);
	ctl_buf_init(&reply, 0);
	err = read_reply(fd, &reply);
	close(fd);
	if (err) {
		fprintf(stderr, "xpmipctl: reading the reply: %s\n",
			err == -ETIMEDOUT ? "timed out" : strerror(-err));
		ctl_buf_free(&reply);
		return EXIT_FAILURE;
	}

	/* status line, then the body */
	body = reply.p ? memchr(reply.p, '\n', reply.len) : NULL;
	if (!body) {
		fprintf(stderr, "xpmipctl: malformed reply from the daemon\n");
		ctl_buf_free(&reply);
		return EXIT_FAILURE;
	}
	body++;
	if (!strncmp(reply.p, "ok\n", 3)) {
		fwrite(body, 1, reply.len - (size_t)(body - reply.p), stdout);
		ctl_buf_free(&reply);
		return 0;
	}
	if (req.json)
		fwrite(body, 1, reply.len - (size_t)(body - reply.p), stdout);
	else
		fprintf(stderr, "xpmipctl: %.*s",
			(int)(reply.len - (size_t)(body - reply.p)), body);
	ctl_buf_free(&reply);
	return EXIT_FAILURE;
}
