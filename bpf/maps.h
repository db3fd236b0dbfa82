/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The maps of one data-plane instance.  All are pinned by name under
 * XP_PIN_ROOT/<instance> (the loader sets the pin root), so LMA and MAG
 * objects and a restarted daemon share them.  Sizes here are defaults; the
 * loader resizes "bindings" and "mobile_nodes" before load.
 */
#ifndef XPMIP_BPF_MAPS_H
#define XPMIP_BPF_MAPS_H

#include "common.h"

/* Binding cache: home network prefix (/64) -> serving peer and counters */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, XP_MAX_BINDINGS);
	__type(key, struct xp_hnp_key);
	__type(value, struct xp_binding);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} bindings SEC(".maps");

/* MAG: (access ifindex, MAC) of an attached node -> its home network prefix */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, XP_MAX_BINDINGS);
	__type(key, struct xp_mn_key);
	__type(value, struct xp_mn);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mobile_nodes SEC(".maps");

/* Tunnel peer -> resolved next hop, from netlink; a miss uses the FIB */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XP_MAX_NEXTHOPS);
	__type(key, struct in6_addr);
	__type(value, struct xp_nexthop);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nexthops SEC(".maps");

/* Per-CPU packet and byte counters per enum xp_stat_reason */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XP_STAT_SLOTS);
	__type(key, __u32);
	__type(value, struct xp_stat);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats SEC(".maps");

/* MAG: attach events (struct xp_event) for the daemon */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XP_EVENT_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events SEC(".maps");

/* MAG: when we last raised an attach event per (ifindex, MAC) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct xp_mn_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} attach_seen SEC(".maps");

/* Packet Too Big sent in the current second, per CPU (the rate limit) */
struct xp_ptb_budget {
	__u64 window_ns;
	__u64 sent;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xp_ptb_budget);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ptb_budget SEC(".maps");

/* Interfaces we redirect to (XDP), filled by dp_attach */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XP_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ports SEC(".maps");

#endif /* XPMIP_BPF_MAPS_H */
