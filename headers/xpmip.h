/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the BPF data plane and the daemon share: map keys and values, stats
 * reasons, event records, pin names and protocol constants.
 *
 * Include after the basic types are known: in BPF after vmlinux.h, in
 * userspace after <linux/types.h> and <netinet/in.h>.  Every struct here has
 * fixed-width fields and explicit padding, so both sides agree on the layout;
 * userspace checks the sizes with _Static_assert at the bottom.
 */
#ifndef XPMIP_XPMIP_H
#define XPMIP_XPMIP_H

/* Protocol numbers (RFC 6275 §14, RFC 2473, RFC 4443) */
#define XP_IPPROTO_IPV6	   41 /* IPv6-in-IPv6 tunnel */
#define XP_IPPROTO_ICMPV6  58
#define XP_IPPROTO_NONE	   59
#define XP_IPPROTO_MH	   135 /* Mobility Header */
#define XP_ETH_P_IPV6	   0x86DD
#define XP_ETH_ALEN	   6
#define XP_IPV6_HLEN	   40		/* fixed IPv6 header */
#define XP_TUNNEL_OVERHEAD XP_IPV6_HLEN /* one outer IPv6 header */
#define XP_IPV6_MIN_MTU	   1280
#define XP_OUTER_HOPLIMIT  64

/* Maps of one instance are pinned as XP_PIN_ROOT/<instance>/<map> */
#define XP_PIN_ROOT "/sys/fs/bpf/xpmip"

/* Default sizes; the loader may resize before load */
#define XP_MAX_BINDINGS	       1048576
#define XP_MAX_NEXTHOPS	       1024
#define XP_MAX_PORTS	       64
#define XP_EVENT_RING_BYTES    (256 * 1024)
#define XP_ATTACH_EVENT_GAP_NS (1000ULL * 1000 * 1000) /* per MAC */
#define XP_PTB_PER_SEC	       100 /* per CPU: RFC 4443 §2.4(f) */

/*
 * Binding map key: the home network prefix.  The data plane forwards on /64
 * home network prefixes only (RFC 5213 assigns one /64 per mobility session),
 * so the key is the upper 64 bits of the prefix, in network byte order.
 */
struct xp_hnp_key {
	__u8 prefix[8];
};

/* xp_binding.flags */
#define XP_BIND_F_ACTIVE 0x0001 /* forward; clear to stop without delete */

/*
 * Binding map value (map "bindings", key struct xp_hnp_key).
 *
 * LMA: one entry per binding cache entry; peer = the serving MAG's proxy
 * care-of address.
 * MAG: one entry per attached mobile node; peer = its LMA address, plus the
 * node's MAC, the gateway MAC to send from and the access interface.
 *
 * Counters are updated by the data plane with atomic adds; the daemon keeps
 * them when it rewrites an entry.  "up" is mobile node -> network, "down" is
 * network -> mobile node.
 */
struct xp_binding {
	struct in6_addr peer;	  /* tunnel far end */
	__u8 mn_mac[XP_ETH_ALEN]; /* MAG: the mobile node's MAC */
	__u8 gw_mac[XP_ETH_ALEN]; /* MAG: MAC we send from on access */
	__u32 access_ifindex;	  /* MAG: access interface */
	__u16 flags;		  /* XP_BIND_F_* */
	__u16 pad;
	__u32 reserved;
	__u64 last_seen_ns; /* MAG: CLOCK_MONOTONIC (tick), last uplink */
	__u64 up_packets;
	__u64 up_bytes;
	__u64 down_packets;
	__u64 down_bytes;
};

/*
 * MAG only (map "mobile_nodes"): which attached node a frame on an access
 * interface comes from.  Present only for nodes whose binding is accepted.
 */
struct xp_mn_key {
	__u32 ifindex;	       /* access interface */
	__u8 mac[XP_ETH_ALEN]; /* source MAC of the node */
	__u16 pad;
};

struct xp_mn {
	struct xp_hnp_key hnp; /* key into "bindings" */
};

/*
 * Map "nexthops", key struct in6_addr (a tunnel peer): the resolved next hop
 * toward that peer, kept current by the daemon from netlink route and
 * neighbour events.  A miss falls back to bpf_fib_lookup().
 */
struct xp_nexthop {
	__u32 ifindex; /* egress interface */
	__u16 mtu;     /* egress MTU; 0 = unknown, not checked */
	__u16 pad;
	__u8 dmac[XP_ETH_ALEN];
	__u8 smac[XP_ETH_ALEN];
};

/* Ring buffer record (map "events"): a frame from a MAC we do not know. */
#define XP_EVENT_ATTACH 1

struct xp_event {
	__u32 type;	       /* XP_EVENT_* */
	__u32 ifindex;	       /* access interface it arrived on */
	__u8 mac[XP_ETH_ALEN]; /* source MAC */
	__u16 pad;
	struct in6_addr src; /* IPv6 source of the frame */
	__u64 ts_ns;	     /* bpf_ktime_get_ns() */
};

/*
 * Stats: per-CPU array "stats", index enum xp_stat_reason, value struct
 * xp_stat. Forwarded packets are counted too, so an operator sees where every
 * packet went.  Add reasons at the end of a group; names live in xp_stat_names.
 */
enum xp_stat_reason {
	XP_STAT_LMA_ENCAP = 0, /* LMA downlink: tunnelled to MAG */
	XP_STAT_LMA_DECAP,     /* LMA uplink: decapsulated, forwarded */
	XP_STAT_MAG_ENCAP,     /* MAG uplink: tunnelled to LMA */
	XP_STAT_MAG_DECAP,     /* MAG downlink: delivered to MN */
	XP_STAT_TC_ENCAP,      /* TC: locally originated, tunnelled */

	XP_STAT_PASS_NOT_IPV6,	  /* not IPv6: to the stack */
	XP_STAT_PASS_LOCAL,	  /* for the gateway itself (MH, ND...) */
	XP_STAT_PASS_LINK_LOCAL,  /* link-local or multicast */
	XP_STAT_PASS_NO_BINDING,  /* no binding for the prefix */
	XP_STAT_PASS_HOP_LIMIT,	  /* hop limit expired: stack sends ICMP */
	XP_STAT_PASS_NEIGH,	  /* next hop unresolved: stack resolves */
	XP_STAT_PASS_FIB,	  /* FIB said forward via the stack */
	XP_STAT_PASS_EXT_HDR,	  /* extension header we do not walk */
	XP_STAT_PASS_UNKNOWN_MAC, /* MAG: frame from an unknown MAC */
	XP_STAT_PASS_HAIRPIN,	  /* LMA: decapsulated, inner dst is an HNP */

	XP_STAT_DROP_TRUNCATED,	  /* shorter than its headers say */
	XP_STAT_DROP_SPOOFED_SRC, /* inner source outside the node's HNP */
	XP_STAT_DROP_WRONG_PEER,  /* outer source is not the serving peer */
	XP_STAT_DROP_BAD_INNER,	  /* tunnel payload is not sane IPv6 */
	XP_STAT_DROP_FRAGMENT,	  /* fragmented tunnel packet */
	XP_STAT_DROP_INACTIVE,	  /* binding present but not active */
	XP_STAT_DROP_FIB,	  /* FIB: unreachable, prohibited... */
	XP_STAT_DROP_ADJUST,	  /* bpf_xdp_adjust_head/skb change failed */
	XP_STAT_PTB_SENT,	  /* oversize: ICMPv6 Packet Too Big sent */
	XP_STAT_PTB_RATE_LIMITED, /* oversize, Packet Too Big budget spent */
	XP_STAT_DROP_TOO_BIG,	  /* oversize, and no Packet Too Big allowed */
	XP_STAT_DROP_NO_BINDING,  /* tunnel packet for no known prefix */
	XP_STAT_DROP_ECN,	  /* RFC 6040: outer CE, inner Not-ECT */

	XP_STAT_EVENT_SENT,	    /* attach event queued */
	XP_STAT_EVENT_RATE_LIMITED, /* attach event suppressed */
	XP_STAT_EVENT_LOST,	    /* ring buffer full */

	XP_STAT_MAX
};

/*
 * The stats map has room for more reasons than exist, so a pinned map stays
 * reusable when a new reason is added.
 */
#define XP_STAT_SLOTS 64

struct xp_stat {
	__u64 packets;
	__u64 bytes;
};

/*
 * Outer flow label from the inner flow (RFC 6438 §3): a hash of the inner
 * source, destination, next header, flow label and (for TCP and UDP directly
 * after the IPv6 header) ports.  Each address is folded to one word first:
 * three multiply rounds instead of nine on the hot path.  Words are hashed
 * as they lie in memory, so BPF and userspace (same host) agree.  Never 0:
 * 0 means "no label".
 * flow_ports = inner flow label (host order) ^ the raw 32-bit port word.
 */
static inline __attribute__((always_inline)) __u32 xp_flow_mix(__u32 h, __u32 w)
{
	h ^= w;
	h *= 0x9e3779b1;
	return h ^ (h >> 16);
}

static inline __attribute__((always_inline)) __u32
xp_flow_label(const __u32 *saddr, const __u32 *daddr, __u32 flow_ports,
	      __u32 proto)
{
	__u32 h = 0x811c9dc5 ^ proto;

	h = xp_flow_mix(h, saddr[0] ^ saddr[1] ^ saddr[2] ^ saddr[3]);
	h = xp_flow_mix(h, daddr[0] ^ daddr[1] ^ daddr[2] ^ daddr[3]);
	h = xp_flow_mix(h, flow_ports);
	h = (h ^ (h >> 20)) & 0xfffff;
	return h ? h : 1;
}

#ifndef __bpf__
/* Userspace: names for enum xp_stat_reason, as xpmipctl prints them. */
static const char *const xp_stat_names[XP_STAT_MAX] = {
    [XP_STAT_LMA_ENCAP] = "lma_encap",
    [XP_STAT_LMA_DECAP] = "lma_decap",
    [XP_STAT_MAG_ENCAP] = "mag_encap",
    [XP_STAT_MAG_DECAP] = "mag_decap",
    [XP_STAT_TC_ENCAP] = "tc_encap",
    [XP_STAT_PASS_NOT_IPV6] = "pass_not_ipv6",
    [XP_STAT_PASS_LOCAL] = "pass_local",
    [XP_STAT_PASS_LINK_LOCAL] = "pass_link_local",
    [XP_STAT_PASS_NO_BINDING] = "pass_no_binding",
    [XP_STAT_PASS_HOP_LIMIT] = "pass_hop_limit",
    [XP_STAT_PASS_NEIGH] = "pass_neigh",
    [XP_STAT_PASS_FIB] = "pass_fib",
    [XP_STAT_PASS_EXT_HDR] = "pass_ext_hdr",
    [XP_STAT_PASS_UNKNOWN_MAC] = "pass_unknown_mac",
    [XP_STAT_PASS_HAIRPIN] = "pass_hairpin",
    [XP_STAT_DROP_TRUNCATED] = "drop_truncated",
    [XP_STAT_DROP_SPOOFED_SRC] = "drop_spoofed_src",
    [XP_STAT_DROP_WRONG_PEER] = "drop_wrong_peer",
    [XP_STAT_DROP_BAD_INNER] = "drop_bad_inner",
    [XP_STAT_DROP_FRAGMENT] = "drop_fragment",
    [XP_STAT_DROP_INACTIVE] = "drop_inactive",
    [XP_STAT_DROP_FIB] = "drop_fib",
    [XP_STAT_DROP_ADJUST] = "drop_adjust",
    [XP_STAT_PTB_SENT] = "ptb_sent",
    [XP_STAT_PTB_RATE_LIMITED] = "ptb_rate_limited",
    [XP_STAT_DROP_TOO_BIG] = "drop_too_big",
    [XP_STAT_DROP_NO_BINDING] = "drop_no_binding",
    [XP_STAT_DROP_ECN] = "drop_ecn",
    [XP_STAT_EVENT_SENT] = "event_sent",
    [XP_STAT_EVENT_RATE_LIMITED] = "event_rate_limited",
    [XP_STAT_EVENT_LOST] = "event_lost",
};

_Static_assert(sizeof(struct xp_hnp_key) == 8, "xp_hnp_key layout");
_Static_assert(sizeof(struct xp_binding) == 80, "xp_binding layout");
_Static_assert(sizeof(struct xp_mn_key) == 12, "xp_mn_key layout");
_Static_assert(sizeof(struct xp_mn) == 8, "xp_mn layout");
_Static_assert(sizeof(struct xp_nexthop) == 20, "xp_nexthop layout");
_Static_assert(sizeof(struct xp_event) == 40, "xp_event layout");
_Static_assert(sizeof(struct xp_stat) == 16, "xp_stat layout");
_Static_assert(XP_STAT_MAX <= XP_STAT_SLOTS, "stats map too small");
#endif /* !__bpf__ */

#endif /* XPMIP_XPMIP_H */
