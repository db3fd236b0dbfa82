// SPDX-License-Identifier: BSD-2-Clause
/* Configuration: defaults, values read back, and refusals with file:line. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char path[64];

static int setup(void **st)
{
	(void)st;
	snprintf(path, sizeof(path), "/tmp/xp-config-test.%d.conf", getpid());
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	unlink(path);
	return 0;
}

static void write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *const minimal_mag =
    "role = \"mag\";\n"
    "core_interfaces = [ \"tr0\" ];\n"
    "mag = {\n"
    "  proxy_coa = \"2001:db8:1::11\";\n"
    "  lma = \"2001:db8:1::1\";\n"
    "  access_interfaces = ( \"acc0\", "
    "{ name = \"acc1\"; link = \"shared\"; } );\n"
    "};\n";

static void test_mag_defaults(void **st)
{
	struct xp_config c;
	char err[CFG_ERR_MAX];
	struct in6_addr ll;

	(void)st;
	write_conf(minimal_mag);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.role, CFG_ROLE_MAG);
	assert_string_equal(c.instance, "mag");
	assert_string_equal(c.control_socket, "/run/xpmip/mag.sock");
	assert_string_equal(c.state_file, "/var/lib/xpmip/mag.state");
	assert_int_equal(c.state_interval_ms, 1000);
	assert_int_equal(c.orphan_lifetime_s, 30);
	assert_int_equal(c.xdp_mode, CFG_XDP_AUTO);
	assert_int_equal(c.n_core, 1);
	assert_string_equal(c.core[0].name, "tr0");
	assert_int_equal(c.mag.n_access, 2);
	assert_true(c.mag.access[0].p2p); /* a bare name: point-to-point */
	assert_false(c.mag.access[1].p2p);
	assert_int_equal(c.mag.access[1].line, 6);
	assert_int_equal(c.mag.lifetime_s, 300);
	assert_int_equal(c.mag.initial_bindack_timeout_ms, 1000);
	assert_int_equal(c.mag.max_bindack_timeout_ms, 32000);
	assert_int_equal(c.mag.att, 3);
	assert_true(c.mag.use_timestamps);
	assert_true(c.mag.serve_unknown_mn);
	assert_false(c.mag.has_mac);
	assert_int_equal(c.mag.inactivity_timeout_s, 0);
	inet_pton(AF_INET6, "fe80::1", &ll);
	assert_memory_equal(&c.mag.link_local, &ll, 16);
	assert_int_equal(c.mag.ra.valid_lifetime_s, 0);
	config_free(&c);
}

static void test_lma_values(void **st)
{
	struct xp_config c;
	char err[CFG_ERR_MAX];
	struct in6_addr a;

	(void)st;
	write_conf("role = \"lma\";\n"
		   "instance = \"lma-7\";\n"
		   "xdp_mode = \"generic\";\n"
		   "core_interfaces = [ \"a\", \"b\" ];\n"
		   "lma = {\n"
		   "  address = \"2001:db8:1::1\";\n"
		   "  pool = \"2001:db8:100::/48\";\n"
		   "  mags = [ \"2001:db8:1::11\", \"2001:db8:1::12\" ];\n"
		   "  timestamps = false;\n"
		   "  max_lifetime = 600;\n"
		   "  policies = ( { mn_id = \"a@b\"; "
		   "prefix = \"2001:db8:200:1::/64\"; },\n"
		   "               { mn_id = \"c@d\"; } );\n"
		   "};\n");
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.instance, "lma-7");
	assert_string_equal(c.state_file, "/var/lib/xpmip/lma-7.state");
	assert_int_equal(c.xdp_mode, CFG_XDP_GENERIC);
	assert_int_equal(c.n_core, 2);
	assert_false(c.lma.use_timestamps);
	assert_int_equal(c.lma.max_lifetime_s, 600);
	assert_int_equal(c.lma.ts_window_ms, 300);
	assert_int_equal(c.lma.min_delay_bce_delete_ms, 10000);
	assert_int_equal(c.lma.pool_plen, 48);
	assert_int_equal(c.lma.n_mags, 2);
	inet_pton(AF_INET6, "2001:db8:1::12", &a);
	assert_memory_equal(&c.lma.mags[1], &a, 16);
	assert_int_equal(c.lma.n_policies, 2);
	assert_true(c.lma.policies[0].has_prefix);
	assert_false(c.lma.policies[1].has_prefix);
	assert_string_equal(c.lma.policies[1].mn_id, "c@d");
	config_free(&c);
}

/* each case: a file and the exact message expected for it */
static void expect_refusal(const char *text, const char *want)
{
	struct xp_config c;
	char err[CFG_ERR_MAX], full[CFG_ERR_MAX + 64];

	write_conf(text);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -EINVAL);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	assert_string_equal(err, full);
}

static void test_refusals(void **st)
{
	(void)st;
	expect_refusal("role = \"hub\";\n", "1: role: 'hub' is not lma or mag");
	expect_refusal("role = \"mag\";\ncore_interfaces = [];\n",
		       "2: core_interfaces: at least one interface is needed");
	expect_refusal("role = \"mag\";\ncore_interfaces = [ \"x\", \"x\" ];\n",
		       "2: core_interfaces: 'x' given twice");
	expect_refusal("role = \"mag\";\nbogus = 1;\n",
		       "2: bogus: unknown setting");
	expect_refusal("role = \"lma\";\ninstance = \"a/b\";\n",
		       "2: instance: use letters, digits, '-' and '_'");
	expect_refusal("role = \"mag\";\ncore_interfaces = [ \"t\" ];\n"
		       "mag = {\n  proxy_coa = \"2001:db8::1\";\n"
		       "  lma = \"2001:db8::1\";\n"
		       "  access_interfaces = [ \"a\" ];\n};\n",
		       "3: mag: proxy_coa and lma are the same");
	expect_refusal(
	    "role = \"mag\";\ncore_interfaces = [ \"t\" ];\n"
	    "mag = {\n  proxy_coa = \"2001:db8::1\";\n"
	    "  lma = \"2001:db8::2\";\n  link_local = \"2001:db8::3\";\n"
	    "  access_interfaces = [ \"a\" ];\n};\n",
	    "6: mag.link_local: '2001:db8::3' must be link-local");
	expect_refusal(
	    "role = \"mag\";\ncore_interfaces = [ \"t\" ];\n"
	    "mag = {\n  proxy_coa = \"2001:db8::1\";\n"
	    "  lma = \"2001:db8::2\";\n"
	    "  access_interfaces = [ \"t\" ];\n};\n",
	    "3: mag.access_interfaces: 't' is also a core interface");
	expect_refusal(
	    "role = \"mag\";\ncore_interfaces = [ \"t\" ];\n"
	    "mag = {\n  proxy_coa = \"2001:db8::1\";\n"
	    "  lma = \"2001:db8::2\";\n"
	    "  access_interfaces = ( { name = \"a\"; link = \"mesh\"; } );\n"
	    "};\n",
	    "6: mag.access_interfaces: "
	    "link 'mesh' is not point-to-point or shared");
}

static void test_unreadable(void **st)
{
	struct xp_config c;
	char err[CFG_ERR_MAX];

	(void)st;
	assert_int_equal(
	    config_load("/nonexistent/x.conf", &c, err, sizeof(err)), -ENOENT);
	assert_string_equal(err,
			    "/nonexistent/x.conf: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_mag_defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lma_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
