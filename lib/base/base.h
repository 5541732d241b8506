/* base: what every layer of the library uses.  Failures leave a message
 * and a class on the context (ctx.c); memory (mem.c); I/O loops that
 * finish what they start (io.c); byte order (bytes.c); growing strings
 * (strbuf.c); numbers as users type them (num.c); tables of named
 * entries (registry.c).  Nothing here knows of dumps. */
#ifndef KDL_BASE_H
#define KDL_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "kdumpling.h"

#define KDL_FMT(a, b) __attribute__((format(printf, a, b)))
#define KDL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The unit of bulk I/O: DATA records, copies, read buffers. */
#define KDL_CHUNK (1u << 20)

static inline uint64_t kdl_round_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) / align * align;
}

/* ---- the context ---- */

struct kdl_ctx {
	char error[1024];
	enum kdl_status status;
	kdl_warn_fn *warn;
	void *warn_arg;
};

/* Set the message and class of a failure; return -1. */
int kdl_err(kdl_ctx *ctx, enum kdl_status status, const char *fmt, ...)
	KDL_FMT(3, 4);
/* The same with the arguments in a va_list. */
int kdl_errv(kdl_ctx *ctx, enum kdl_status status, const char *fmt, va_list ap);
/* The same, followed by ": strerror(errno)", of class KDL_ERR_IO (or
 * KDL_ERR_NOMEM for ENOMEM). */
int kdl_err_sys(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);
/* Puts "prefix: " before the message already set, keeping its class;
 * returns -1. */
int kdl_err_prefix(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);
/* A failure of class from becomes one of class to: what a caller passed
 * is invalid, what the same check finds in a stream is corrupt input. */
void kdl_err_reclass(kdl_ctx *ctx, enum kdl_status from, enum kdl_status to);
void kdl_warn(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);
void kdl_warnv(kdl_ctx *ctx, const char *fmt, va_list ap);

/* ---- memory: NULL or -1 with "out of memory" on ctx ---- */

void *kdl_alloc(kdl_ctx *ctx, size_t size);
char *kdl_strdup(kdl_ctx *ctx, const char *s);
/* n bytes and a NUL. */
char *kdl_memdup(kdl_ctx *ctx, const void *p, size_t n);
/* Makes room for one more element in a growing array. */
int kdl_grow(kdl_ctx *ctx, void *array_ptr, size_t *cap, size_t count,
             size_t elem);
char *kdl_asprintf(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);

/* ---- I/O that retries short transfers and EINTR ---- */

int kdl_write_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                  size_t n);
int kdl_pwrite_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                   size_t n, uint64_t off);
/* Up to n bytes, fewer only at the end of input (off NULL: from the
 * descriptor's position, else from *off, which advances); the count or
 * -1. */
ssize_t kdl_read_full(kdl_ctx *ctx, int fd, const char *name, void *buf,
                      size_t n, uint64_t *off);
/* Exactly n bytes at off of a file this program wrote: fewer is an I/O
 * error, the file shorter than what was written to it.  0 or -1. */
int kdl_read_back(kdl_ctx *ctx, int fd, const char *name, void *buf, size_t n,
                  uint64_t off);
/* The whole of a small file, NUL-terminated; more than max bytes is an
 * error naming what the file was for. */
char *kdl_read_file(kdl_ctx *ctx, const char *path, size_t max,
                    const char *what, size_t *len);

/* ---- byte order of the dumped machine ---- */

void kdl_put16(uint8_t *p, uint16_t v, bool be);
void kdl_put32(uint8_t *p, uint32_t v, bool be);
void kdl_put64(uint8_t *p, uint64_t v, bool be);
uint16_t kdl_get16(const uint8_t *p, bool be);
uint32_t kdl_get32(const uint8_t *p, bool be);
uint64_t kdl_get64(const uint8_t *p, bool be);
uint32_t kdl_get32le(const uint8_t *p);
uint64_t kdl_get64le(const uint8_t *p);

/* ---- growing strings ---- */

struct kdl_str {
	char *s;
	size_t len, cap;
	bool failed;
};
void kdl_str_add(struct kdl_str *b, const char *fmt, ...) KDL_FMT(2, 3);
/* The string, or NULL (and an error on ctx, if given) when out of memory. */
char *kdl_str_finish(kdl_ctx *ctx, struct kdl_str *b);

/* ---- tables of named entries ---- */

/* Each variant (an architecture, a codec, a format) is a struct whose
 * first member is its struct kdl_entry, so that a table of entries is a
 * table of variants: (const struct kdl_arch *)entry. */
struct kdl_registry {
	const char *what; /* for messages: "architecture" */
	const struct kdl_entry *const *entries;
	size_t count;
};

/* By name or alias; NULL if none. */
const struct kdl_entry *kdl_registry_find(const struct kdl_registry *reg,
                                          const char *name);

#endif
