// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loader and map access for the BPF data plane: open the role's object
 * (build/lma.bpf.o or build/mag.bpf.o, embedded as skeletons), pin its maps
 * under XP_PIN_ROOT/<instance>, attach XDP and TC programs per interface.
 */
#include <errno.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/*
 * Option structs are spelled out rather than built with LIBBPF_OPTS so that
 * cppcheck, which does not read libbpf's headers, can parse this file.
 */
#include "dataplane.h"
#include "log.h"
#include "lma.skel.h"
#include "mag.skel.h"

#define DP_BPFFS       "/sys/fs/bpf"
#define DP_BPFFS_MAGIC 0xcafe4a11
/* Our TC filter: a fixed handle and priority, replaced in place */
#define DP_TC_HANDLE 0x5850
#define DP_TC_PRIO   0x5850

struct dp_port {
	int ifindex;
	enum xp_if_kind kind;
	__u32 xdp_flags; /* 0: no XDP program attached */
	bool tc_ingress;
	bool tc_egress;
	bool hook_created; /* we created the clsact qdisc */
};

struct dp {
	enum xp_role role;
	enum xp_xdp_mode mode;
	char pin_dir[PATH_MAX];
	struct lma *lma;
	struct mag *mag;
	struct bpf_object *obj;
	int bindings_fd;
	int mn_fd;
	int nexthops_fd;
	int stats_fd;
	int events_fd;
	int ports_fd;
	int ncpus;
	struct ring_buffer *rb;
	int (*ev_cb)(const struct xp_event *ev, void *arg);
	void *ev_arg;
	struct dp_port ports[XP_MAX_PORTS];
	int nports;
};

/* Set while probing for something that is usually absent. */
static bool dp_libbpf_quiet;

/* libbpf's chatter goes one level below our own lines */
static int dp_libbpf_print(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	char *buf;
	size_t n;

	if (dp_libbpf_quiet)
		return 0;
	if (level == LIBBPF_DEBUG && log_get_level() < LOG_LVL_DEBUG)
		return 0;
	if (vasprintf(&buf, fmt, ap) < 0)
		return 0;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_msg(level == LIBBPF_WARN ? LOG_LVL_INFO : LOG_LVL_DEBUG, "%s", buf);
	free(buf);
	return 0;
}

static int dp_mount_bpffs(void)
{
	struct statfs st;

	if (statfs(DP_BPFFS, &st) == 0 && st.f_type == DP_BPFFS_MAGIC)
		return 0;
	if (mount("bpf", DP_BPFFS, "bpf", 0, "mode=0700")) {
		log_err("dataplane: cannot mount bpffs on %s: %s", DP_BPFFS,
			strerror(errno));
		return -errno;
	}
	log_info("dataplane: mounted bpffs on %s", DP_BPFFS);
	return 0;
}

static int dp_mkdir(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST) {
		log_err("dataplane: mkdir %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

static int dp_find_fds(struct dp *dp)
{
	static const struct {
		const char *name;
		size_t off;
	} maps[] = {
	    {"bindings", offsetof(struct dp, bindings_fd)},
	    {"mobile_nodes", offsetof(struct dp, mn_fd)},
	    {"nexthops", offsetof(struct dp, nexthops_fd)},
	    {"stats", offsetof(struct dp, stats_fd)},
	    {"events", offsetof(struct dp, events_fd)},
	    {"ports", offsetof(struct dp, ports_fd)},
	};
	size_t i;
	int fd;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		fd = dp_map_fd(dp, maps[i].name);
		if (fd < 0) {
			log_err("dataplane: map %s missing", maps[i].name);
			return fd;
		}
		*(int *)((char *)dp + maps[i].off) = fd;
	}
	return 0;
}

/*
 * The kernel adds BPF_F_RDONLY_PROG to every devmap it creates, so a pinned
 * "ports" map never matches our definition; take its flags to reuse it.
 */
static int dp_devmap_flags(struct dp *dp)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX + 8];
	struct bpf_map *m;
	int fd, err;

	m = bpf_object__find_map_by_name(dp->obj, "ports");
	if (!m)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/ports", dp->pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0; /* first start: created at load */
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return -errno;
	return bpf_map__set_map_flags(m, info.map_flags);
}

/* Maps a restart may lose: counters, rate-limit state, the port list. */
static bool dp_map_stateless(const char *name)
{
	static const char *const names[] = {
	    "stats", "ports", "attach_seen", "ptb_budget", "events",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/*
 * A pinned map of another layout (an upgrade, another max_bindings) cannot
 * be reused.  Counters and caches are recreated, with a log line; the
 * binding cache, the attached nodes and the next hops are state: refuse,
 * and say what differs.
 */
static int dp_check_pins(struct dp *dp)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, dp->obj)
	{
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		const char *path = bpf_map__pin_path(m);
		int fd, err;

		if (!path)
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (err)
			return -errno;
		if (info.type == bpf_map__type(m) &&
		    info.key_size == bpf_map__key_size(m) &&
		    info.value_size == bpf_map__value_size(m) &&
		    info.max_entries == bpf_map__max_entries(m) &&
		    info.map_flags == bpf_map__map_flags(m))
			continue;
		if (!dp_map_stateless(bpf_map__name(m))) {
			log_err(
			    "dataplane: pinned map %s differs (%u entries "
			    "of %u bytes, want %u of %u): same max_bindings,"
			    " or remove %s",
			    bpf_map__name(m), info.max_entries, info.value_size,
			    bpf_map__max_entries(m), bpf_map__value_size(m),
			    dp->pin_dir);
			return -EEXIST;
		}
		log_warn("dataplane: pinned map %s has another layout, "
			 "recreated",
			 bpf_map__name(m));
		if (unlink(path))
			return -errno;
		/* a new devmap is created without the kernel's flag */
		if (strcmp(bpf_map__name(m), "ports") == 0)
			bpf_map__set_map_flags(m, 0);
	}
	return 0;
}

/* Before load: options into rodata, map sizes. */
static int dp_configure(struct dp *dp, const struct dp_opts *opts)
{
	__u32 max = opts->max_bindings ? opts->max_bindings : XP_MAX_BINDINGS;
	struct bpf_map *m;
	int err;

	if (dp->role == XP_ROLE_LMA)
		memcpy((void *)&dp->lma->rodata->xp_local_addr,
		       &opts->local_addr, sizeof(opts->local_addr));
	else
		memcpy((void *)&dp->mag->rodata->xp_local_addr,
		       &opts->local_addr, sizeof(opts->local_addr));

	m = bpf_object__find_map_by_name(dp->obj, "bindings");
	if (!m)
		return -ENOENT;
	err = bpf_map__set_max_entries(m, max);
	if (err)
		return err;
	m = bpf_object__find_map_by_name(dp->obj, "mobile_nodes");
	if (!m)
		return -ENOENT;
	err = bpf_map__set_max_entries(m, max);
	if (err)
		return err;
	err = dp_devmap_flags(dp);
	if (err)
		return err;
	return dp_check_pins(dp);
}

int dp_open(struct dp **out, const struct dp_opts *opts)
{
	struct bpf_object_open_opts oo = {
	    .sz = sizeof(struct bpf_object_open_opts)};
	struct dp *dp;
	int err;

	if (!opts || !opts->instance || !*opts->instance ||
	    strchr(opts->instance, '/') || strcmp(opts->instance, ".") == 0 ||
	    strcmp(opts->instance, "..") == 0)
		return -EINVAL;
	if (opts->role != XP_ROLE_LMA && opts->role != XP_ROLE_MAG)
		return -EINVAL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->role = opts->role;
	dp->mode = opts->xdp_mode;
	libbpf_set_print(dp_libbpf_print);

	err = dp_mount_bpffs();
	if (err)
		goto err_free;
	err = dp_mkdir(XP_PIN_ROOT);
	if (err)
		goto err_free;
	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s/%s", XP_PIN_ROOT,
		 opts->instance);
	err = dp_mkdir(dp->pin_dir);
	if (err)
		goto err_free;

	oo.pin_root_path = dp->pin_dir;
	if (dp->role == XP_ROLE_LMA) {
		dp->lma = lma__open_opts(&oo);
		err = dp->lma ? 0 : -errno;
		if (!err)
			dp->obj = dp->lma->obj;
	} else {
		dp->mag = mag__open_opts(&oo);
		err = dp->mag ? 0 : -errno;
		if (!err)
			dp->obj = dp->mag->obj;
	}
	if (err) {
		log_err("dataplane: cannot open bpf object: %s",
			strerror(-err));
		goto err_free;
	}
	err = dp_configure(dp, opts);
	if (err) {
		log_err("dataplane: cannot configure bpf object: %s",
			strerror(-err));
		goto err_destroy;
	}
	/* maps already pinned for this instance are reused here */
	err = dp->role == XP_ROLE_LMA ? lma__load(dp->lma) : mag__load(dp->mag);
	if (err) {
		log_err("dataplane: cannot load %s programs: %s (verifier, or "
			"maps of another size pinned under %s)",
			dp->role == XP_ROLE_LMA ? "lma" : "mag", strerror(-err),
			dp->pin_dir);
		goto err_destroy;
	}
	err = dp_find_fds(dp);
	if (err)
		goto err_destroy;
	dp->ncpus = libbpf_num_possible_cpus();
	if (dp->ncpus <= 0) {
		err = dp->ncpus ? dp->ncpus : -EINVAL;
		goto err_destroy;
	}
	log_info("dataplane: %s loaded, maps under %s",
		 dp->role == XP_ROLE_LMA ? "lma" : "mag", dp->pin_dir);
	*out = dp;
	return 0;

err_destroy:
	lma__destroy(dp->lma);
	mag__destroy(dp->mag);
err_free:
	free(dp);
	return err;
}

int dp_prog_fd(struct dp *dp, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(dp->obj, name);

	return p ? bpf_program__fd(p) : -ENOENT;
}

int dp_map_fd(struct dp *dp, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(dp->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

static struct dp_port *dp_port_find(struct dp *dp, int ifindex)
{
	int i;

	for (i = 0; i < dp->nports; i++)
		if (dp->ports[i].ifindex == ifindex)
			return &dp->ports[i];
	return NULL;
}

static const char *dp_ifname(int ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%d", ifindex);
	return buf;
}

/* Programs for an interface of this role and kind. */
static void dp_progs_for(struct dp *dp, enum xp_if_kind kind, const char **xdp,
			 const char **tc_in, const char **tc_eg)
{
	if (dp->role == XP_ROLE_LMA) {
		*xdp = "xdp_lma";
		*tc_in = "tc_lma_ingress";
		*tc_eg = "tc_lma_egress";
	} else if (kind == XP_IF_ACCESS) {
		*xdp = "xdp_mag_access";
		*tc_in = "tc_mag_access";
		*tc_eg = NULL;
	} else {
		*xdp = "xdp_mag_core";
		*tc_in = "tc_mag_core";
		*tc_eg = NULL;
	}
}

/*
 * Ownership of the program in an XDP slot, known from its id alone (the
 * XDP query over netlink needs no capability).  Ours are the programs we
 * loaded, compared by id: BPF_OBJ_GET_INFO_BY_FD on our own descriptors
 * needs no capability, so the clean stop works with only CAP_NET_ADMIN
 * (after our attach the slot holds our program, even where an earlier
 * instance's was replaced in place).  An earlier instance's program only
 * matters at dp_attach, to be replaced: see dp_prog_earlier_fd().
 */
static int dp_prog_mine_fd(struct dp *dp, __u32 id)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, dp->obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    info.id == id)
			return fd;
	}
	return -ENOENT;
}

/*
 * A descriptor (the caller closes it) for the program with this id if it
 * is an earlier instance's, recognised by name; -ENOENT if it is someone
 * else's.  BPF_PROG_GET_FD_BY_ID needs CAP_SYS_ADMIN, which is dropped
 * after setup: then -EPERM, and the slot counts as busy (a late interface
 * whose slot still holds an earlier instance's program is left alone).
 */
static int dp_prog_earlier_fd(__u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	    (strncmp(info.name, "xdp_lma", 8) == 0 ||
	     strncmp(info.name, "xdp_mag_", 8) == 0))
		return fd;
	close(fd);
	return -ENOENT;
}

/* Ours, or an earlier instance's; a descriptor the caller closes. */
static int dp_prog_ours_fd(struct dp *dp, __u32 id)
{
	int fd = dp_prog_mine_fd(dp, id);

	if (fd < 0)
		return dp_prog_earlier_fd(id);
	fd = dup(fd);
	return fd < 0 ? -errno : fd;
}

static bool dp_prog_is_ours(struct dp *dp, __u32 id)
{
	int fd = dp_prog_ours_fd(dp, id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static __u32 dp_mode_flags(__u8 attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_DRV:
		return XDP_FLAGS_DRV_MODE;
	case XDP_ATTACHED_SKB:
		return XDP_FLAGS_SKB_MODE;
	case XDP_ATTACHED_HW:
		return XDP_FLAGS_HW_MODE;
	default:
		return 0;
	}
}

/*
 * Attach XDP in mode flags; a program of an earlier instance is replaced
 * in place (same mode), anything else makes the slot busy.
 */
static int dp_xdp_attach(struct dp *dp, int ifindex, int prog_fd, __u32 flags,
			 const char *ifname)
{
	struct bpf_xdp_query_opts q = {.sz = sizeof(struct bpf_xdp_query_opts)};
	struct bpf_xdp_attach_opts ao = {
	    .sz = sizeof(struct bpf_xdp_attach_opts)};
	int err, old_fd;

	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	if (!q.prog_id)
		return bpf_xdp_attach(ifindex, prog_fd,
				      flags | XDP_FLAGS_UPDATE_IF_NOEXIST,
				      NULL);
	old_fd = dp_prog_ours_fd(dp, q.prog_id);
	if (old_fd == -EPERM) {
		log_err("dataplane: %s: xdp slot holds program id %u and "
			"without CAP_SYS_ADMIN we cannot tell whether it is "
			"an earlier instance's; detach it first",
			ifname, q.prog_id);
		return -EBUSY;
	}
	if (old_fd == -ENOENT) {
		log_err("dataplane: %s: xdp slot holds program id %u that is "
			"not ours; detach it first",
			ifname, q.prog_id);
		return -EBUSY;
	}
	if (old_fd < 0)
		return old_fd;
	ao.old_prog_fd = old_fd;
	err = bpf_xdp_attach(ifindex, prog_fd,
			     dp_mode_flags(q.attach_mode) | XDP_FLAGS_REPLACE,
			     &ao);
	close(old_fd);
	if (!err)
		log_info("dataplane: %s: replaced xdp program id %u", ifname,
			 q.prog_id);
	return err;
}

static int dp_tc_attach(struct dp_port *port, enum bpf_tc_attach_point at,
			int prog_fd)
{
	struct bpf_tc_hook hook = {.sz = sizeof(struct bpf_tc_hook),
				   .ifindex = port->ifindex,
				   .attach_point = at};
	struct bpf_tc_opts to = {.sz = sizeof(struct bpf_tc_opts),
				 .handle = DP_TC_HANDLE,
				 .priority = DP_TC_PRIO,
				 .prog_fd = prog_fd,
				 .flags = BPF_TC_F_REPLACE};
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err == 0)
		port->hook_created = true;
	else if (err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &to);
}

static void dp_tc_detach(struct dp_port *port, enum bpf_tc_attach_point at)
{
	struct bpf_tc_hook hook = {.sz = sizeof(struct bpf_tc_hook),
				   .ifindex = port->ifindex,
				   .attach_point = at};
	struct bpf_tc_opts to = {.sz = sizeof(struct bpf_tc_opts),
				 .handle = DP_TC_HANDLE,
				 .priority = DP_TC_PRIO};

	bpf_tc_detach(&hook, &to);
}

static void dp_port_teardown(struct dp *dp, struct dp_port *port)
{
	struct bpf_tc_hook hook = {.sz = sizeof(struct bpf_tc_hook),
				   .ifindex = port->ifindex,
				   .attach_point =
				       BPF_TC_INGRESS | BPF_TC_EGRESS};
	struct bpf_xdp_query_opts q = {.sz = sizeof(struct bpf_xdp_query_opts)};
	__u32 ifindex = port->ifindex;

	if (port->xdp_flags && bpf_xdp_query(port->ifindex, 0, &q) == 0 &&
	    q.prog_id && dp_prog_is_ours(dp, q.prog_id))
		bpf_xdp_detach(port->ifindex, dp_mode_flags(q.attach_mode),
			       NULL);
	if (port->tc_ingress)
		dp_tc_detach(port, BPF_TC_INGRESS);
	if (port->tc_egress)
		dp_tc_detach(port, BPF_TC_EGRESS);
	/* only a qdisc we created, and only if nothing else uses it */
	if (port->hook_created)
		bpf_tc_hook_destroy(&hook);
	bpf_map_delete_elem(dp->ports_fd, &ifindex);
	port->xdp_flags = 0;
	port->tc_ingress = port->tc_egress = port->hook_created = false;
}

/*
 * A switch between XDP and the TC fallback (a restart with another mode)
 * must not leave the other program of an earlier instance running too.
 */
static void dp_remove_other_mode(struct dp *dp, struct dp_port *port)
{
	struct bpf_xdp_query_opts q = {.sz = sizeof(struct bpf_xdp_query_opts)};

	if (port->xdp_flags) {
		dp_libbpf_quiet = true;
		dp_tc_detach(port, BPF_TC_INGRESS);
		dp_libbpf_quiet = false;
	} else if (bpf_xdp_query(port->ifindex, 0, &q) == 0 && q.prog_id &&
		   dp_prog_is_ours(dp, q.prog_id)) {
		bpf_xdp_detach(port->ifindex, dp_mode_flags(q.attach_mode),
			       NULL);
	}
}

int dp_attach(struct dp *dp, int ifindex, enum xp_if_kind kind)
{
	const char *xdp_name, *tc_in_name, *tc_eg_name;
	char ifname[IF_NAMESIZE];
	struct dp_port *port;
	__u32 key = ifindex;
	int err, fd;

	if (ifindex <= 0)
		return -EINVAL;
	dp_ifname(ifindex, ifname);
	if (dp_port_find(dp, ifindex))
		return -EEXIST;
	if (dp->nports == XP_MAX_PORTS)
		return -ENOSPC;
	port = &dp->ports[dp->nports];
	memset(port, 0, sizeof(*port));
	port->ifindex = ifindex;
	port->kind = kind;
	dp_progs_for(dp, kind, &xdp_name, &tc_in_name, &tc_eg_name);

	err = -EOPNOTSUPP;
	fd = dp_prog_fd(dp, xdp_name);
	if (dp->mode == XP_XDP_NATIVE || dp->mode == XP_XDP_AUTO) {
		err =
		    dp_xdp_attach(dp, ifindex, fd, XDP_FLAGS_DRV_MODE, ifname);
		if (!err)
			port->xdp_flags = XDP_FLAGS_DRV_MODE;
		else if (err == -EBUSY || dp->mode == XP_XDP_NATIVE)
			goto err_log;
		else
			log_info("dataplane: %s: native xdp failed (%s), "
				 "trying generic",
				 ifname, strerror(-err));
	}
	if (err && (dp->mode == XP_XDP_GENERIC || dp->mode == XP_XDP_AUTO)) {
		err =
		    dp_xdp_attach(dp, ifindex, fd, XDP_FLAGS_SKB_MODE, ifname);
		if (!err)
			port->xdp_flags = XDP_FLAGS_SKB_MODE;
		else if (err == -EBUSY || dp->mode == XP_XDP_GENERIC)
			goto err_log;
		else
			log_info("dataplane: %s: generic xdp failed (%s), "
				 "using tc ingress",
				 ifname, strerror(-err));
	}
	if (err) {
		err = dp_tc_attach(port, BPF_TC_INGRESS,
				   dp_prog_fd(dp, tc_in_name));
		if (err)
			goto err_log;
		port->tc_ingress = true;
	}
	dp_remove_other_mode(dp, port);
	if (tc_eg_name) {
		err = dp_tc_attach(port, BPF_TC_EGRESS,
				   dp_prog_fd(dp, tc_eg_name));
		if (err)
			goto err_teardown;
		port->tc_egress = true;
	}
	err = bpf_map_update_elem(dp->ports_fd, &key, &key, BPF_ANY);
	if (err) {
		err = -errno;
		goto err_teardown;
	}
	dp->nports++;
	log_info("dataplane: %s: attached %s (%s)%s%s", ifname,
		 port->xdp_flags ? xdp_name : tc_in_name,
		 port->xdp_flags == XDP_FLAGS_DRV_MODE	 ? "native"
		 : port->xdp_flags == XDP_FLAGS_SKB_MODE ? "generic"
							 : "tc",
		 tc_eg_name ? " + " : "", tc_eg_name ? tc_eg_name : "");
	return 0;

err_teardown:
	dp_port_teardown(dp, port);
err_log:
	log_err("dataplane: %s: cannot attach %s: %s", ifname, xdp_name,
		strerror(-err));
	return err;
}

/*
 * An interface this process did not attach (a restarted daemon) loses our
 * XDP program and TC filters too; its clsact qdisc stays.
 */
int dp_detach(struct dp *dp, int ifindex)
{
	struct dp_port *port = dp_port_find(dp, ifindex);
	struct dp_port other = {
	    .ifindex = ifindex,
	    .xdp_flags = XDP_FLAGS_SKB_MODE,
	    .tc_ingress = true,
	    .tc_egress = dp->role == XP_ROLE_LMA,
	};

	if (ifindex <= 0)
		return -EINVAL;
	if (!port) {
		dp_port_teardown(dp, &other);
		return 0;
	}
	dp_port_teardown(dp, port);
	*port = dp->ports[--dp->nports];
	return 0;
}

void dp_close(struct dp *dp, bool keep_attached)
{
	if (!dp)
		return;
	ring_buffer__free(dp->rb);
	if (!keep_attached) {
		while (dp->nports)
			dp_detach(dp, dp->ports[0].ifindex);
		bpf_object__unpin_maps(dp->obj, NULL);
		rmdir(dp->pin_dir);
	}
	lma__destroy(dp->lma);
	mag__destroy(dp->mag);
	free(dp);
}

static int dp_errno(int rc)
{
	return rc ? -errno : 0;
}

int dp_binding_update(struct dp *dp, const struct xp_hnp_key *key,
		      const struct xp_binding *b)
{
	struct xp_binding nb = *b, old;

	/*
	 * Keep what the data plane counted, and a last_seen_ns that only
	 * moves forward; a new entry takes the caller's values as they are.
	 * XXX: packets counted between this lookup and the update are lost;
	 * the window is one syscall.
	 */
	if (bpf_map_lookup_elem(dp->bindings_fd, key, &old) == 0) {
		if (old.last_seen_ns > nb.last_seen_ns)
			nb.last_seen_ns = old.last_seen_ns;
		nb.up_packets = old.up_packets;
		nb.up_bytes = old.up_bytes;
		nb.down_packets = old.down_packets;
		nb.down_bytes = old.down_bytes;
	}
	return dp_errno(
	    bpf_map_update_elem(dp->bindings_fd, key, &nb, BPF_ANY));
}

int dp_binding_delete(struct dp *dp, const struct xp_hnp_key *key)
{
	return dp_errno(bpf_map_delete_elem(dp->bindings_fd, key));
}

int dp_binding_lookup(struct dp *dp, const struct xp_hnp_key *key,
		      struct xp_binding *out)
{
	return dp_errno(bpf_map_lookup_elem(dp->bindings_fd, key, out));
}

int dp_binding_foreach(struct dp *dp,
		       int (*cb)(const struct xp_hnp_key *key,
				 const struct xp_binding *b, void *arg),
		       void *arg)
{
	struct xp_hnp_key key, next;
	struct xp_binding b;
	void *prev = NULL;
	int rc;

	while (bpf_map_get_next_key(dp->bindings_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		/* deleted under us: go on with the next one */
		if (bpf_map_lookup_elem(dp->bindings_fd, &key, &b))
			continue;
		rc = cb(&key, &b, arg);
		if (rc)
			return rc;
	}
	return errno == ENOENT ? 0 : -errno;
}

int dp_mn_update(struct dp *dp, const struct xp_mn_key *key,
		 const struct xp_mn *mn)
{
	struct xp_mn_key k = *key;

	k.pad = 0;
	return dp_errno(bpf_map_update_elem(dp->mn_fd, &k, mn, BPF_ANY));
}

int dp_mn_delete(struct dp *dp, const struct xp_mn_key *key)
{
	struct xp_mn_key k = *key;

	k.pad = 0;
	return dp_errno(bpf_map_delete_elem(dp->mn_fd, &k));
}

int dp_nexthop_update(struct dp *dp, const struct in6_addr *peer,
		      const struct xp_nexthop *nh)
{
	return dp_errno(
	    bpf_map_update_elem(dp->nexthops_fd, peer, nh, BPF_ANY));
}

int dp_nexthop_delete(struct dp *dp, const struct in6_addr *peer)
{
	return dp_errno(bpf_map_delete_elem(dp->nexthops_fd, peer));
}

int dp_stats_read(struct dp *dp, struct xp_stat out[XP_STAT_MAX])
{
	struct xp_stat *per;
	__u32 i;
	int c;

	per = calloc(dp->ncpus, sizeof(*per));
	if (!per)
		return -ENOMEM;
	for (i = 0; i < XP_STAT_MAX; i++) {
		out[i].packets = out[i].bytes = 0;
		if (bpf_map_lookup_elem(dp->stats_fd, &i, per)) {
			free(per);
			return -errno;
		}
		for (c = 0; c < dp->ncpus; c++) {
			out[i].packets += per[c].packets;
			out[i].bytes += per[c].bytes;
		}
	}
	free(per);
	return 0;
}

static int dp_ring_sample(void *ctx, void *data, size_t size)
{
	struct dp *dp = ctx;
	struct xp_event ev;

	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	return dp->ev_cb(&ev, dp->ev_arg);
}

int dp_events_open(struct dp *dp,
		   int (*cb)(const struct xp_event *ev, void *arg), void *arg)
{
	if (!cb)
		return -EINVAL;
	if (dp->rb)
		return -EALREADY;
	dp->ev_cb = cb;
	dp->ev_arg = arg;
	dp->rb = ring_buffer__new(dp->events_fd, dp_ring_sample, dp, NULL);
	if (!dp->rb)
		return -errno;
	return 0;
}

int dp_events_fd(struct dp *dp)
{
	return dp->rb ? ring_buffer__epoll_fd(dp->rb) : -EBADF;
}

int dp_events_consume(struct dp *dp)
{
	return dp->rb ? ring_buffer__consume(dp->rb) : -EBADF;
}

void xp_hnp_key_from_prefix(struct xp_hnp_key *key,
			    const struct in6_addr *prefix)
{
	memcpy(key->prefix, prefix->s6_addr, sizeof(key->prefix));
}
