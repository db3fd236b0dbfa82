/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one hash the userspace tables use: FNV-1a over the bytes, then the
 * splitmix64 finalizer so that the low bits (the bucket index) depend on
 * every input bit.
 */
#ifndef XPMIP_HASH_H
#define XPMIP_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t xp_hash_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static inline uint64_t xp_hash_bytes(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 */

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return xp_hash_mix64(h);
}

#endif /* XPMIP_HASH_H */
