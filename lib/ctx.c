/* The context object: where failures leave their message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

kdl_ctx *kdl_ctx_new(void)
{
	return calloc(1, sizeof(kdl_ctx));
}

void kdl_ctx_free(kdl_ctx *ctx)
{
	free(ctx);
}

const char *kdl_ctx_error(const kdl_ctx *ctx)
{
	return ctx->error;
}

void kdl_ctx_set_warn(kdl_ctx *ctx, kdl_warn_fn *fn, void *arg)
{
	ctx->warn = fn;
	ctx->warn_arg = arg;
}

int kdl_err(kdl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	return -1;
}

int kdl_err_sys(kdl_ctx *ctx, const char *fmt, ...)
{
	int saved = errno;
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	used = strlen(ctx->error);
	snprintf(ctx->error + used, sizeof(ctx->error) - used, ": %s",
	         strerror(saved));
	errno = saved;
	return -1;
}

int kdl_err_prefix(kdl_ctx *ctx, const char *fmt, ...)
{
	char old[sizeof(ctx->error)];
	size_t used;
	va_list ap;

	memcpy(old, ctx->error, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	used = strlen(ctx->error);
	snprintf(ctx->error + used, sizeof(ctx->error) - used, ": %s", old);
	return -1;
}

void kdl_warn(kdl_ctx *ctx, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!ctx->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->warn(ctx->warn_arg, msg);
}

void *kdl_alloc(kdl_ctx *ctx, size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p)
		kdl_err(ctx, "out of memory");
	return p;
}

char *kdl_memdup(kdl_ctx *ctx, const void *p, size_t n)
{
	char *copy = kdl_alloc(ctx, n + 1);

	if (copy && n)
		memcpy(copy, p, n);
	return copy;
}

char *kdl_strdup(kdl_ctx *ctx, const char *s)
{
	return kdl_memdup(ctx, s, strlen(s));
}

int kdl_grow(kdl_ctx *ctx, void *array_ptr, size_t *cap, size_t count,
             size_t elem)
{
	void **array = array_ptr;
	size_t new_cap;
	void *p;

	if (count < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 8;
	p = realloc(*array, new_cap * elem);
	if (!p)
		return kdl_err(ctx, "out of memory");
	*array = p;
	*cap = new_cap;
	return 0;
}

char *kdl_asprintf(kdl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		kdl_err(ctx, "out of memory");
		return NULL;
	}
	return s;
}

/* off -1: at the descriptor's position */
static int write_loop(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                      size_t n, int64_t off)
{
	const char *p = buf;

	while (n) {
		ssize_t done = off < 0 ? write(fd, p, n) : pwrite(fd, p, n, (off_t)off);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return kdl_err_sys(ctx, "%s", name);
		p += done;
		n -= (size_t)done;
		if (off >= 0)
			off += done;
	}
	return 0;
}

int kdl_write_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                  size_t n)
{
	return write_loop(ctx, fd, name, buf, n, -1);
}

int kdl_pwrite_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                   size_t n, uint64_t off)
{
	return write_loop(ctx, fd, name, buf, n, (int64_t)off);
}

ssize_t kdl_read_full(kdl_ctx *ctx, int fd, const char *name, void *buf,
                      size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t done = read(fd, p + got, n - got);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return kdl_err_sys(ctx, "%s", name);
		if (done == 0)
			break;
		got += (size_t)done;
	}
	return (ssize_t)got;
}
