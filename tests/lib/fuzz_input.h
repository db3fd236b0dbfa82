/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fuzzers' input as a stream of decisions: each take() consumes one
 * byte, and an exhausted input reads as zeros, so every input is valid.
 */
#ifndef XPMIP_FUZZ_INPUT_H
#define XPMIP_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t take(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline void take_bytes(struct input *in, void *dst, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = take(in);
}

#endif /* XPMIP_FUZZ_INPUT_H */
