/* The context, the checks of what a write left and the memory the
 * tests of the writes share, tests/unit/write/<file>.c. */
#ifndef WRITE_CHECK_H
#define WRITE_CHECK_H

#include <unistd.h>

#include "check.h"
#include "kdumpling.h"
#include "base/base.h"

static kdl_ctx *ctx;

/* Makes the context, and the scratch directory before any test counts
 * its entries; false when there is no context. */
static inline bool write_setup(void)
{
	char dir[4096];

	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return false;
	scratch_path("", dir, sizeof(dir));
	return true;
}

/* The failure just reported: its message and its class. */
static inline bool check_error(enum kdl_status status, const char *message)
{
	bool ok = CHECK_STR(kdl_ctx_error(ctx), message);

	return CHECK_EQ(kdl_ctx_status(ctx), status) && ok;
}

/* Whether a write left its file: one that fails must leave none. */
static inline bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The PT_LOAD at phys in an ELF file: its bytes, or NULL. */
static inline uint8_t *load_at(uint8_t *f, size_t len, uint64_t phys,
                               size_t *size)
{
	if (!f || len < 64)
		return NULL;
	for (unsigned i = 1; i < (unsigned)(f[56] | f[57] << 8); i++) {
		const uint8_t *p = f + 64 + 56 * i;
		uint64_t off = kdl_get64le(p + 8), n = kdl_get64le(p + 32);

		if (kdl_get64le(p + 24) == phys && off + n <= len) {
			*size = (size_t)n;
			return f + off;
		}
	}
	return NULL;
}

/* Memory that reaches a dump two ways, and must give the same file:
 * low whole; high in pieces, its zeros (1000 to 3000) as zeros. */
static uint8_t low[300], high[6000];

static inline void fill_low_high(void)
{
	for (size_t i = 0; i < sizeof(low); i++)
		low[i] = (uint8_t)(i + 1);
	for (size_t i = 0; i < sizeof(high); i++)
		high[i] = i < 1000 || i >= 3000 ? (uint8_t)(i % 251 + 1) : 0;
}

#endif
