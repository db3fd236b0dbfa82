// SPDX-License-Identifier: BSD-2-Clause
/*
 * Control protocol and server tests: request parsing, JSON escaping,
 * reply rendering, and a real server on a libevent loop fed hostile
 * clients (overlong line, binary junk, silence, a crowd) that must each get
 * an error or a timeout while the server keeps answering.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <event2/event.h>
#include <cmocka.h>

#include "ctl.h"
#include "log.h"

static int parse(const char *s, struct ctl_req *req)
{
	const char *err;

	return ctl_req_parse(s, strlen(s), req, &err);
}

static void test_parse_ok(void **state)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x10, 0xab, 0xcd};
	struct ctl_req r;

	(void)state;
	assert_int_equal(parse("show\n", &r), 0);
	assert_int_equal(r.cmd, CTL_CMD_SHOW);
	assert_false(r.json);
	assert_int_equal(parse("-j stats", &r), 0);
	assert_int_equal(r.cmd, CTL_CMD_STATS);
	assert_true(r.json);
	assert_int_equal(parse("attach 02:00:5E:10:ab:cd xpa-m1\n", &r), 0);
	assert_int_equal(r.cmd, CTL_CMD_ATTACH);
	assert_memory_equal(r.mac, mac, 6);
	assert_string_equal(r.ifname, "xpa-m1");
	assert_int_equal(parse("-j detach 02:00:5e:10:ab:cd eth0", &r), 0);
	assert_int_equal(r.cmd, CTL_CMD_DETACH);
	assert_true(r.json);
}

static void test_parse_reject(void **state)
{
	static const char *const bad[] = {
	    "",
	    "\n",
	    "show extra",
	    "shows",
	    "SHOW",
	    "-j",
	    "-j -j show",
	    " show",
	    "show ",
	    "show  ",
	    "attach",
	    "attach 02:00:00:00:00:01",
	    "attach 02:00:00:00:00:01 eth0 more",
	    "attach 01:00:5e:00:00:01 eth0", /* multicast MAC */
	    "attach 00:00:00:00:00:00 eth0", /* zero MAC */
	    "attach 02:00:00:00:00:1 eth0",
	    "attach 02-00-00-00-00-01 eth0",
	    "attach 02:00:00:00:00:0g eth0",
	    "attach 02:00:00:00:00:01 averyveryverylongname",
	    "attach 02:00:00:00:00:01 a/b",
	    "attach 02:00:00:00:00:01 ..",
	    "detach 02:00:00:00:00:01  eth0",
	    "show\r\n",
	    "show\tx",
	    "sh\x80ow",
	    "stats\n\n",
	    "show\nstats\n",
	};
	char longline[CTL_REQ_MAX + 10];
	struct ctl_req r;
	const char *err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &r) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i]);
	}
	/* an embedded NUL is junk, not the end of the request */
	assert_int_equal(ctl_req_parse("show\0junk", 9, &r, &err), -EINVAL);
	memset(longline, 'a', sizeof(longline));
	assert_int_equal(ctl_req_parse(longline, sizeof(longline), &r, &err),
			 -EINVAL);
	assert_string_equal(err, "request too long");
	assert_int_equal(parse("frobnicate", &r), -EINVAL);
	assert_int_equal(ctl_req_parse("frobnicate", 10, &r, &err), -EINVAL);
	assert_string_equal(err, "unknown command");
}

static void test_format_roundtrip(void **state)
{
	struct ctl_req a = {.cmd = CTL_CMD_DETACH,
			    .json = true,
			    .mac = {0x02, 1, 2, 3, 4, 5}},
		       b;
	char line[CTL_REQ_MAX];
	const char *err;
	int n;

	(void)state;
	strcpy(a.ifname, "xpa-m1");
	n = ctl_req_format(line, sizeof(line), &a);
	assert_string_equal(line, "-j detach 02:01:02:03:04:05 xpa-m1\n");
	assert_int_equal(ctl_req_parse(line, (size_t)n, &b, &err), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(ctl_req_format(line, 8, &a), -ENOSPC);
}

static void test_json_escaping(void **state)
{
	struct ctl_buf b;
	struct jw w;
	struct in6_addr a;
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0xff};

	(void)state;
	inet_pton(AF_INET6, "2001:db8:1::", &a);
	ctl_buf_init(&b, 0);
	jw_init(&w, &b);
	jw_obj_begin(&w, NULL);
	jw_str(&w, "q\"k",
	       "a\"b\\c\nd\te\x01"
	       "f\x1f"
	       "g\xc3\xa9");
	jw_arr_begin(&w, "list");
	jw_u64(&w, NULL, UINT64_MAX);
	jw_i64(&w, NULL, -5);
	jw_bool(&w, NULL, false);
	jw_str(&w, NULL, NULL);
	jw_arr_end(&w);
	jw_prefix(&w, "hnp", &a, 64);
	jw_mac(&w, "mac", mac);
	jw_obj_begin(&w, "empty");
	jw_obj_end(&w);
	jw_obj_end(&w);
	assert_false(w.err);
	assert_false(b.err);
	assert_string_equal(
	    b.p, "{\"q\\\"k\":\"a\\\"b\\\\c\\nd\\te\\u0001f\\u001fg\xc3\xa9\","
		 "\"list\":[18446744073709551615,-5,false,null],"
		 "\"hnp\":\"2001:db8:1::/64\","
		 "\"mac\":\"02:00:00:00:00:ff\",\"empty\":{}}");
	/* bytes that are not UTF-8 (stray, overlong, surrogate) -> U+FFFD */
	b.len = 0;
	jw_init(&w, &b);
	jw_str(&w, NULL,
	       "a\xff"
	       "b\xc0\xaf"
	       "c\xed\xa0\x80"
	       "d\xe2\x82");
	assert_string_equal(b.p, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd"
				 "\\ufffdd\\ufffd\\ufffd\"");
	b.len = 0;
	jw_init(&w, &b);
	jw_str(&w, NULL, "\xf0\x9f\x98\x80\x7f");
	assert_string_equal(b.p, "\"\xf0\x9f\x98\x80\x7f\"");
	/* unbalanced and too deep are flagged, not crashes */
	jw_obj_end(&w);
	assert_true(w.err);
	jw_init(&w, &b);
	for (int i = 0; i < CTL_JSON_DEPTH + 2; i++)
		jw_arr_begin(&w, NULL);
	assert_true(w.err);
	ctl_buf_free(&b);

	/* the cap is hard */
	ctl_buf_init(&b, 16);
	ctl_buf_printf(&b, "%s", "0123456789");
	assert_false(b.err);
	ctl_buf_printf(&b, "%s", "0123456789");
	assert_true(b.err);
	assert_int_equal(b.len, 10);
	ctl_buf_free(&b);
}

/* A fake daemon behind struct ctl_ops */
struct fake_daemon {
	int attach_calls;
	int attach_ret;
	uint8_t mac[6];
	int ifindex;
	int rows;
};

static int fake_show(void *arg, struct ctl_reply *r)
{
	struct fake_daemon *d = arg;
	struct ctl_mag_row row = {
	    .mn_id = "mn1@example.org\x1b[2J",
	    .mac = {0x02, 0, 0, 0, 0, 0x01},
	    .ifindex = 1,
	    .plen = 64,
	    .state = "bound",
	    .lifetime_s = 3600,
	    .left_s = 3500,
	    .up_packets = 12345678,
	    .up_bytes = 1,
	};

	inet_pton(AF_INET6, "2001:db8:1:2::", &row.hnp);
	inet_pton(AF_INET6, "2001:db8::1", &row.lma);
	for (int i = 0; i < d->rows; i++)
		ctl_reply_mag_row(r, &row);
	return 0;
}

static int fake_stats(void *arg, struct ctl_reply *r)
{
	struct xp_stat st[XP_STAT_MAX] = {0};

	(void)arg;
	st[XP_STAT_MAG_ENCAP].packets = 7;
	st[XP_STAT_MAG_ENCAP].bytes = 700;
	ctl_reply_dp_stats(r, st);
	ctl_reply_counter(r, "mag", "pbu_tx", 3);
	ctl_reply_counter(r, "mag", "pba_rx", 2);
	ctl_reply_counter(r, "ra", "ra_tx", 9);
	return 0;
}

static int fake_attach(void *arg, const uint8_t mac[6], int ifindex)
{
	struct fake_daemon *d = arg;

	d->attach_calls++;
	memcpy(d->mac, mac, 6);
	d->ifindex = ifindex;
	return d->attach_ret;
}

static const struct ctl_ops fake_ops = {
    .show = fake_show,
    .stats = fake_stats,
    .attach = fake_attach,
    .detach = fake_attach,
};

static char *dispatch(struct fake_daemon *d, enum ctl_role role,
		      const char *line, size_t max)
{
	struct ctl_reply r;
	char *s;

	ctl_dispatch(&fake_ops, d, role, max, line, strlen(line), &r);
	s = strdup(r.buf.p);
	ctl_reply_free(&r);
	return s;
}

static void test_dispatch(void **state)
{
	struct fake_daemon d = {.rows = 1};
	char *s;

	(void)state;
	s = dispatch(&d, CTL_ROLE_MAG, "-j show\n", 0);
	assert_non_null(strstr(s, "ok\n{\"role\":\"mag\",\"nodes\":[{\"mac\":"
				  "\"02:00:00:00:00:01\",\"ifname\":\"lo\","));
	assert_non_null(strstr(s, "\"mn_id\":\"mn1@example.org\\u001b[2J\""));
	assert_non_null(strstr(s, "\"hnp\":\"2001:db8:1:2::/64\",\"lma\":"
				  "\"2001:db8::1\",\"state\":\"bound\","
				  "\"lifetime\":3600,\"lifetime_left\":3500,"
				  "\"up_packets\":12345678,"));
	assert_string_equal(s + strlen(s) - 4, "}]}\n");
	free(s);

	/* text: the escape sequence in the MN-ID never reaches the tty */
	s = dispatch(&d, CTL_ROLE_MAG, "show\n", 0);
	assert_non_null(strstr(s, "ok\nMAC"));
	assert_non_null(strstr(s, "mn1@example.org?[2J"));
	assert_null(strchr(s, 0x1b));
	assert_non_null(strstr(s, "2001:db8:1:2::/64"));
	assert_non_null(strstr(s, "3500s/3600s"));
	assert_non_null(strstr(s, "12.3M/1"));
	free(s);

	s = dispatch(&d, CTL_ROLE_MAG, "-j stats\n", 0);
	assert_non_null(strstr(s, "\"dataplane\":{\"lma_encap\":{\"packets\":0,"
				  "\"bytes\":0},"));
	assert_non_null(
	    strstr(s, "\"mag_encap\":{\"packets\":7,\"bytes\":700}"));
	assert_non_null(strstr(s, "},\"mag\":{\"pbu_tx\":3,\"pba_rx\":2},"
				  "\"ra\":{\"ra_tx\":9}}\n"));
	free(s);

	s = dispatch(&d, CTL_ROLE_MAG, "attach 02:00:00:00:00:09 lo\n", 0);
	assert_string_equal(s, "ok\nattach requested\n");
	assert_int_equal(d.attach_calls, 1);
	assert_int_equal(d.ifindex, 1);
	assert_int_equal(d.mac[5], 9);
	free(s);

	d.attach_ret = -EPERM;
	s = dispatch(&d, CTL_ROLE_MAG, "-j attach 02:00:00:00:00:09 lo\n", 0);
	assert_string_equal(s, "error 1\n{\"error\":\"refused by policy\","
			       "\"errno\":1}\n");
	free(s);

	s = dispatch(&d, CTL_ROLE_MAG, "attach 02:00:00:00:00:09 xpa-none0\n",
		     0);
	assert_string_equal(s, "error 19\nno such interface\n");
	free(s);
	s = dispatch(&d, CTL_ROLE_LMA, "attach 02:00:00:00:00:09 lo\n", 0);
	assert_non_null(strstr(s, "error 95\n"));
	free(s);
	assert_int_equal(d.attach_calls, 2);

	/* hostile: junk, unknown verb, JSON error for a -j client */
	s = dispatch(&d, CTL_ROLE_MAG, "\x7f\x01\xff\n", 0);
	assert_string_equal(s, "error 22\nmalformed request\n");
	free(s);
	s = dispatch(&d, CTL_ROLE_MAG, "-j reboot\n", 0);
	assert_string_equal(s, "error 22\n{\"error\":\"unknown command\","
			       "\"errno\":22}\n");
	free(s);

	/* a reply over its cap becomes an error, not a truncated document */
	d.rows = 1000;
	s = dispatch(&d, CTL_ROLE_MAG, "-j show\n", 4096);
	assert_string_equal(s, "error 90\n{\"error\":\"reply too large\","
			       "\"errno\":90}\n");
	free(s);
}

/* The real server: a libevent loop in a thread, clients in the test */
struct server {
	struct event_base *base;
	struct ctl *ctl;
	struct fake_daemon d;
	pthread_t thr;
	char path[64];
};

static void *server_loop(void *arg)
{
	struct server *s = arg;

	event_base_dispatch(s->base);
	return NULL;
}

static int client(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send raw bytes, read the reply until the server closes */
static char *exchange(const char *path, const void *req, size_t len)
{
	static char buf[65536];
	struct timeval tv = {.tv_sec = 10};
	size_t got = 0;
	ssize_t n;
	int fd = client(path);

	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (len && write(fd, req, len) < 0) {
		close(fd);
		return NULL;
	}
	if (len)
		shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return buf;
}

/* How many of fds the server has closed (EOF without data) */
static int count_closed(const int *fds, int n)
{
	int closed = 0;
	char c;

	for (int i = 0; i < n; i++)
		if (recv(fds[i], &c, 1, MSG_DONTWAIT | MSG_PEEK) == 0)
			closed++;
	return closed;
}

static int server_setup(void **state)
{
	struct ctl_config cc = {
	    .role = CTL_ROLE_MAG, .timeout_ms = 300, .max_clients = 4};
	struct server *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	snprintf(s->path, sizeof(s->path), "/tmp/xpa-ctl-test.%d.sock",
		 (int)getpid());
	cc.path = s->path;
	s->d.rows = 2;
	s->base = event_base_new();
	if (!s->base || ctl_open(&s->ctl, s->base, &cc, &fake_ops, &s->d))
		return -1;
	if (pthread_create(&s->thr, NULL, server_loop, s))
		return -1;
	*state = s;
	return 0;
}

static int server_teardown(void **state)
{
	struct server *s = *state;

	event_base_loopbreak(s->base);
	/* wake the loop: any connection does */
	close(client(s->path));
	pthread_join(s->thr, NULL);
	ctl_close(s->ctl);
	event_base_free(s->base);
	free(s);
	return 0;
}

static void test_server(void **state)
{
	struct server *s = *state;
	struct ctl_config cc = {.path = s->path, .role = CTL_ROLE_MAG};
	struct ctl *other;
	char junk[CTL_REQ_MAX * 4];
	struct stat st;
	const char *r;
	int idle[6];

	/* owner-only by default */
	assert_int_equal(stat(s->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a second daemon on the same socket is refused */
	assert_int_equal(ctl_open(&other, s->base, &cc, &fake_ops, NULL),
			 -EADDRINUSE);

	r = exchange(s->path, "-j show\n", 8);
	assert_non_null(r);
	assert_non_null(strstr(r, "ok\n{\"role\":\"mag\",\"nodes\":[{"));
	/* no LF before EOF is still one request */
	r = exchange(s->path, "stats", 5);
	assert_non_null(strstr(r, "ok\ndataplane:\n"));

	/* an overlong line */
	memset(junk, 'x', sizeof(junk));
	r = exchange(s->path, junk, sizeof(junk));
	assert_string_equal(r, "error 22\nrequest too long\n");
	/* binary junk with a LF */
	for (size_t i = 0; i < 64; i++)
		junk[i] = (char)(i * 37 + 1);
	junk[63] = '\n';
	r = exchange(s->path, junk, 64);
	assert_string_equal(r, "error 22\nmalformed request\n");
	/* silence: closed after the timeout, nothing sent */
	r = exchange(s->path, NULL, 0);
	assert_string_equal(r, "");

	/* a crowd of idle clients: the extra ones are turned away ... */
	for (int i = 0; i < 6; i++) {
		idle[i] = client(s->path);
		assert_true(idle[i] >= 0);
	}
	usleep(100000);
	assert_int_equal(count_closed(idle, 6), 2);
	/* ... and once the others time out, the server answers again */
	usleep(400000);
	assert_int_equal(count_closed(idle, 6), 6);
	r = exchange(s->path, "show\n", 5);
	assert_non_null(strstr(r, "ok\nMAC"));
	for (int i = 0; i < 6; i++)
		close(idle[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),
	    cmocka_unit_test(test_parse_reject),
	    cmocka_unit_test(test_format_roundtrip),
	    cmocka_unit_test(test_json_escaping),
	    cmocka_unit_test(test_dispatch),
	    cmocka_unit_test_setup_teardown(test_server, server_setup,
					    server_teardown),
	};

	log_init("test_ctl", LOG_LVL_ERR, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
