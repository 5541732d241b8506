/* Byte sources: a segment's bytes as a format or an input takes them,
 * from memory, a descriptor, nowhere (zeros), or anything else with ops
 * of its own (the stream, in write/pack.c). */
#include <inttypes.h>
#include <string.h>

#include "model/model.h"

static int shrank(struct kdl_source *src)
{
	return kdl_err(src->ctx, KDL_ERR_CORRUPT, "%s: shrank while being read (%" PRIu64 " of %" PRIu64 " bytes)",
	               src->name, src->total - src->len, src->total);
}

static int buffer_read(struct kdl_source *src, void *dst, size_t n)
{
	memcpy(dst, src->buf, n);
	src->buf += n;
	return 0;
}

static int buffer_copy(struct kdl_source *src, uint64_t n,
                       const struct kdl_copy_end *to)
{
	int ret = kdl_pwrite_all(src->ctx, to->fd, to->name, src->buf, (size_t)n, *to->off);

	src->buf += n;
	return ret;
}

static int buffer_skip(struct kdl_source *src, uint64_t n)
{
	src->buf += n;
	return 0;
}

static const struct kdl_source_ops buffer_ops = {buffer_read, buffer_copy, buffer_skip};

static int fd_read(struct kdl_source *src, void *dst, size_t n)
{
	uint64_t before = src->pos;
	ssize_t got = kdl_read_full(src->ctx, src->fd, src->name, dst, n, &src->pos);

	if (got >= 0 && (size_t)got < n) {
		src->len -= src->pos - before;
		return shrank(src);
	}
	return got < 0 ? -1 : 0;
}

static int fd_copy(struct kdl_source *src, uint64_t n,
                   const struct kdl_copy_end *to)
{
	struct kdl_copy_end in = {src->fd, src->name, &src->pos};
	int64_t done = kdl_copy(src->ctx, &in, to, n);

	if (done >= 0 && (uint64_t)done < n) {
		src->len -= (uint64_t)done;
		return shrank(src);
	}
	return done < 0 ? -1 : 0;
}

static int fd_skip(struct kdl_source *src, uint64_t n)
{
	src->pos += n;
	return 0;
}

static const struct kdl_source_ops fd_ops = {fd_read, fd_copy, fd_skip};

void kdl_source_buffer(struct kdl_source *src, kdl_ctx *ctx, const void *buf,
                       uint64_t n)
{
	memset(src, 0, sizeof(*src));
	src->ctx = ctx;
	src->len = src->total = n;
	src->ops = &buffer_ops;
	src->buf = buf;
	src->fd = -1;
}

void kdl_source_fd(struct kdl_source *src, kdl_ctx *ctx, int fd,
                   const char *name, uint64_t offset, uint64_t n)
{
	memset(src, 0, sizeof(*src));
	src->ctx = ctx;
	src->len = src->total = n;
	src->ops = &fd_ops;
	src->fd = fd;
	src->name = name;
	src->pos = offset;
}

void kdl_source_zero(struct kdl_source *src, kdl_ctx *ctx, uint64_t n)
{
	memset(src, 0, sizeof(*src));
	src->ctx = ctx;
	src->len = src->total = n;
	src->fd = -1;
}

void kdl_source_custom(struct kdl_source *src, kdl_ctx *ctx,
                       const struct kdl_source_ops *ops, void *arg, uint64_t n)
{
	kdl_source_zero(src, ctx, n);
	src->ops = ops;
	src->arg = arg;
}

bool kdl_source_is_zero(const struct kdl_source *src)
{
	return !src->ops;
}

int kdl_source_read(struct kdl_source *src, void *dst, size_t n)
{
	if (!src->ops)
		memset(dst, 0, n);
	else if (src->ops->read(src, dst, n))
		return -1;
	src->len -= n;
	return 0;
}

int kdl_source_copy(struct kdl_source *src, uint64_t n, int fd,
                    const char *name, uint64_t off)
{
	struct kdl_copy_end to = {fd, name, &off};

	if (src->ops && src->ops->copy(src, n, &to))
		return -1;
	src->len -= n;
	return 0;
}

int kdl_source_skip(struct kdl_source *src, uint64_t n)
{
	if (src->ops && src->ops->skip && src->ops->skip(src, n))
		return -1;
	src->len -= n;
	return 0;
}
