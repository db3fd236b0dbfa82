/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every xpmip BPF program includes: types, helpers, the shared ABI, the
 * loader-set options, and the small layer that lets one inline core run from
 * XDP or from TC (the hook is a compile-time constant in each SEC() wrapper,
 * so the compiler keeps only the branch of that hook).
 */
#ifndef XPMIP_BPF_COMMON_H
#define XPMIP_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xpmip.h"

#define XP_AF_INET6    10
#define XP_ETH_HLEN    14
#define XP_TC_ACT_OK   0
#define XP_TC_ACT_SHOT 2

/* Set by the loader before load (rodata). */
const volatile struct in6_addr xp_local_addr; /* LMAA or proxy-CoA */

enum xp_hook {
	XP_HOOK_XDP = 0,
	XP_HOOK_TC_INGRESS,
	XP_HOOK_TC_EGRESS,
};

/*
 * Context fields are read with one fixed-offset load each: left to itself,
 * clang merges the loads of the many branch tails into "ctx + reg" loads,
 * which the verifier rejects.
 */
#define XP_CTX_LOAD(ctx, type, field)                                          \
	({                                                                     \
		__u64 __v; /* u32 loads zero-extend */                         \
		asm volatile("%0 = *(u32 *)(%1 + %2)"                          \
			     : "=r"(__v)                                       \
			     : "r"(ctx),                                       \
			       "i"(__builtin_offsetof(type, field)));          \
		__v;                                                           \
	})

static __always_inline void *pkt_data(void *ctx, const int hook)
{
	if (hook == XP_HOOK_XDP)
		return (void *)(long)XP_CTX_LOAD(ctx, struct xdp_md, data);
	return (void *)(long)XP_CTX_LOAD(ctx, struct __sk_buff, data);
}

static __always_inline void *pkt_end(void *ctx, const int hook)
{
	if (hook == XP_HOOK_XDP)
		return (void *)(long)XP_CTX_LOAD(ctx, struct xdp_md, data_end);
	return (void *)(long)XP_CTX_LOAD(ctx, struct __sk_buff, data_end);
}

/* Bytes of the whole frame, for the stats. */
static __always_inline __u32 pkt_len(void *ctx, const int hook)
{
	if (hook == XP_HOOK_XDP)
		return pkt_end(ctx, hook) - pkt_data(ctx, hook);
	return XP_CTX_LOAD(ctx, struct __sk_buff, len);
}

/*
 * The interface the packet came in on.  TC: the skb's device, which is the
 * ingress device at ingress (and the egress device at egress).
 */
static __always_inline __u32 pkt_ifindex(void *ctx, const int hook)
{
	if (hook == XP_HOOK_XDP)
		return XP_CTX_LOAD(ctx, struct xdp_md, ingress_ifindex);
	return XP_CTX_LOAD(ctx, struct __sk_buff, ifindex);
}

/* A TC skb that the stack will segment on transmit (GSO/GRO). */
static __always_inline bool pkt_is_gso(void *ctx, const int hook)
{
	if (hook == XP_HOOK_XDP)
		return false;
	return XP_CTX_LOAD(ctx, struct __sk_buff, gso_size) != 0;
}

static __always_inline int act_pass(const int hook)
{
	return hook == XP_HOOK_XDP ? XDP_PASS : XP_TC_ACT_OK;
}

static __always_inline int act_drop(const int hook)
{
	return hook == XP_HOOK_XDP ? XDP_DROP : XP_TC_ACT_SHOT;
}

/*
 * TC needs the headers in the linear part before direct packet access;
 * XDP frames are linear already.
 */
static __always_inline void pkt_pull(void *ctx, const int hook, __u32 len)
{
	if (hook != XP_HOOK_XDP)
		bpf_skb_pull_data(ctx, len);
}

/* a == the loader-set address b (read through volatile: rodata) */
static __always_inline bool ip6_addr_eq(const struct in6_addr *a,
					const volatile struct in6_addr *b)
{
	return a->in6_u.u6_addr32[0] == b->in6_u.u6_addr32[0] &&
	       a->in6_u.u6_addr32[1] == b->in6_u.u6_addr32[1] &&
	       a->in6_u.u6_addr32[2] == b->in6_u.u6_addr32[2] &&
	       a->in6_u.u6_addr32[3] == b->in6_u.u6_addr32[3];
}

static __always_inline bool ip6_addr_equal(const struct in6_addr *a,
					   const struct in6_addr *b)
{
	return a->in6_u.u6_addr32[0] == b->in6_u.u6_addr32[0] &&
	       a->in6_u.u6_addr32[1] == b->in6_u.u6_addr32[1] &&
	       a->in6_u.u6_addr32[2] == b->in6_u.u6_addr32[2] &&
	       a->in6_u.u6_addr32[3] == b->in6_u.u6_addr32[3];
}

/* True if a lies in the /64 of key. */
static __always_inline bool ip6_in_hnp(const struct in6_addr *a,
				       const struct xp_hnp_key *key)
{
	return a->in6_u.u6_addr32[0] == ((const __u32 *)key->prefix)[0] &&
	       a->in6_u.u6_addr32[1] == ((const __u32 *)key->prefix)[1];
}

static __always_inline void ip6_addr_copy(struct in6_addr *dst,
					  const volatile struct in6_addr *src)
{
	dst->in6_u.u6_addr32[0] = src->in6_u.u6_addr32[0];
	dst->in6_u.u6_addr32[1] = src->in6_u.u6_addr32[1];
	dst->in6_u.u6_addr32[2] = src->in6_u.u6_addr32[2];
	dst->in6_u.u6_addr32[3] = src->in6_u.u6_addr32[3];
}

/* fe80::/10 */
static __always_inline bool ip6_is_link_local(const struct in6_addr *a)
{
	return a->in6_u.u6_addr8[0] == 0xfe &&
	       (a->in6_u.u6_addr8[1] & 0xc0) == 0x80;
}

/* ff00::/8 */
static __always_inline bool ip6_is_multicast(const struct in6_addr *a)
{
	return a->in6_u.u6_addr8[0] == 0xff;
}

static __always_inline bool ip6_is_unspecified(const struct in6_addr *a)
{
	return !(a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] |
		 a->in6_u.u6_addr32[2] | a->in6_u.u6_addr32[3]);
}

static __always_inline void hnp_key_of(struct xp_hnp_key *key,
				       const struct in6_addr *a)
{
	__builtin_memcpy(key->prefix, a->in6_u.u6_addr8, sizeof(key->prefix));
}

#endif /* XPMIP_BPF_COMMON_H */
