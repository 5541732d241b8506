/* What every fuzz target shares: the input as a file, and the library's
 * contract checked after each call.  A target is one LLVMFuzzerTestOneInput
 * in a file of its own; tests/fuzz/run builds and runs them. */
#ifndef KDL_FUZZ_H
#define KDL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kdumpling.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input in a file of memory, read from its start; aborts when the
 * system refuses, which is no finding. */
static inline int input_fd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("input", MFD_CLOEXEC);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || lseek(fd, 0, SEEK_SET)) {
		perror("memfd");
		exit(2);
	}
	return fd;
}

/* A call that failed left a message and a class: a failure without one
 * is a finding, as a crash is. */
static inline void check_failure(kdl_ctx *ctx, int ret, const char *call)
{
	if (ret && (kdl_ctx_status(ctx) == KDL_OK || !*kdl_ctx_error(ctx))) {
		fprintf(stderr, "%s failed without a message or a class\n", call);
		abort();
	}
}

/* The input as a NUL-terminated string. */
static inline char *input_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		exit(2);
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

#endif
