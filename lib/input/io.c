/* Inputs: a file, a pipe, or what another input stands for, with the
 * first bytes kept to tell the format by; read in order, or at any
 * offset where that can be done. */
#include <errno.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/input.h"

void kdl_input_init(struct kdl_input *in, kdl_ctx *ctx, const char *name,
                    const struct kdl_input_io *io, void *arg, bool seekable,
                    uint64_t size)
{
	memset(in, 0, sizeof(*in));
	in->ctx = ctx;
	in->fd = -1;
	in->name = name;
	in->io = io;
	in->arg = arg;
	in->seekable = seekable;
	in->size = size;
}

int kdl_input_open(kdl_ctx *ctx, struct kdl_input *in, int fd, const char *name)
{
	struct stat st;
	uint64_t size = KDL_LENGTH_UNKNOWN;
	ssize_t got;

	if (fstat(fd, &st))
		return kdl_err_sys(ctx, "%s", name);
	if (S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	else if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &size))
		return kdl_err_sys(ctx, "%s", name);
	kdl_input_init(in, ctx, name, NULL, NULL, S_ISREG(st.st_mode) || S_ISBLK(st.st_mode), size);
	in->fd = fd;
	/* /proc/kcore is a regular file that lseek cannot be trusted on:
	 * every read of it is a pread */
	got = in->seekable ? kdl_read_full(ctx, fd, name, in->head, sizeof(in->head), &(uint64_t){0})
	                   : kdl_read_full(ctx, fd, name, in->head, sizeof(in->head), NULL);
	if (got < 0)
		return -1;
	in->head_len = (size_t)got;
	return 0;
}

int kdl_input_corrupt(struct kdl_input *in, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kdl_errv(in->ctx, KDL_ERR_CORRUPT, fmt, ap);
	va_end(ap);
	return kdl_err_prefix(in->ctx, "%s: at byte %" PRIu64, in->name, off);
}

int kdl_input_truncated(struct kdl_input *in, const char *what)
{
	if (in->size != KDL_LENGTH_UNKNOWN)
		return kdl_err(in->ctx, KDL_ERR_CORRUPT, "%s: truncated: it ends at byte %" PRIu64 ", inside %s",
		               in->name, in->size, what);
	return kdl_err(in->ctx, KDL_ERR_CORRUPT, "%s: truncated: it ends inside %s", in->name, what);
}

int kdl_input_needs_file(struct kdl_input *in, const char *why)
{
	return kdl_err(in->ctx, KDL_ERR_UNSUPPORTED,
	               "%s: %s, which a pipe cannot give; save it to a file and read that", in->name, why);
}

/* At most n bytes at off of the descriptor, fewer only at its end. */
static ssize_t fd_read_at(struct kdl_input *in, void *buf, size_t n, uint64_t off)
{
	return kdl_read_full(in->ctx, in->fd, in->name, buf, n, &off);
}

int kdl_input_pread(struct kdl_input *in, void *buf, size_t n, uint64_t off,
                    const char *what)
{
	ssize_t got;

	if (!in->seekable)
		return kdl_input_needs_file(in, "reading it out of order");
	if (in->io)
		return in->io->read_at(in, buf, n, off);
	got = fd_read_at(in, buf, n, off);
	if (got >= 0 && (size_t)got < n) {
		/* the message tells where it ends: a file, so its size */
		if (in->size == KDL_LENGTH_UNKNOWN || in->size > off + (size_t)got)
			in->size = off + (size_t)got;
		return kdl_input_truncated(in, what);
	}
	return got < 0 ? -1 : 0;
}

ssize_t kdl_input_read_upto(struct kdl_input *in, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t from_head = 0;
	ssize_t got;

	if (in->seekable && !in->io) {
		got = fd_read_at(in, buf, n, in->pos);
		if (got > 0)
			in->pos += (uint64_t)got;
		return got;
	}
	if (in->io) {
		/* a virtual input knows its size, or reads exactly */
		if (in->size != KDL_LENGTH_UNKNOWN && n > in->size - in->pos)
			n = in->size > in->pos ? (size_t)(in->size - in->pos) : 0;
		return kdl_input_read(in, buf, n, "what it holds") ? -1 : (ssize_t)n;
	}
	if (in->pos < in->head_len) {
		from_head = in->head_len - (size_t)in->pos < n ? in->head_len - (size_t)in->pos : n;
		memcpy(p, in->head + in->pos, from_head);
		in->pos += from_head;
	}
	if (from_head == n)
		return (ssize_t)n;
	got = kdl_read_full(in->ctx, in->fd, in->name, p + from_head, n - from_head, NULL);
	if (got < 0)
		return -1;
	in->pos += (uint64_t)got;
	return (ssize_t)(from_head + (size_t)got);
}

int kdl_input_read(struct kdl_input *in, void *buf, size_t n, const char *what)
{
	ssize_t got;

	if (in->seekable) {
		if (kdl_input_pread(in, buf, n, in->pos, what))
			return -1;
		in->pos += n;
		return 0;
	}
	if (in->io) {
		if (in->io->read(in, buf, n))
			return -1;
		in->pos += n;
		return 0;
	}
	got = kdl_input_read_upto(in, buf, n);
	if (got >= 0 && (size_t)got < n) {
		in->size = in->pos;
		return kdl_input_truncated(in, what);
	}
	return got < 0 ? -1 : 0;
}

int kdl_input_seek(struct kdl_input *in, uint64_t off, const char *what)
{
	uint8_t buf[64 << 10];

	if (in->seekable) {
		in->pos = off;
		return 0;
	}
	if (off < in->pos)
		return kdl_input_needs_file(in, "reading it out of order");
	while (in->pos < off) {
		size_t n = off - in->pos < sizeof(buf) ? (size_t)(off - in->pos) : sizeof(buf);

		if (kdl_input_read(in, buf, n, what))
			return -1;
	}
	return 0;
}

int kdl_input_read_at(struct kdl_input *in, void *buf, size_t n, uint64_t off,
                      const char *what)
{
	if (in->seekable)
		return kdl_input_pread(in, buf, n, off, what);
	if (kdl_input_seek(in, off, what))
		return -1;
	return kdl_input_read(in, buf, n, what);
}

uint8_t *kdl_input_fetch(struct kdl_input *in, uint64_t off, uint64_t n,
                         const char *what)
{
	uint8_t *buf = NULL, *grown;
	uint64_t done = 0, cap = 0;

	if (in->size != KDL_LENGTH_UNKNOWN && (off > in->size || n > in->size - off)) {
		kdl_input_truncated(in, what);
		return NULL;
	}
	/* a chunk at a time, room doubling, so that memory follows the
	 * bytes that came */
	do {
		size_t k = n - done < KDL_CHUNK ? (size_t)(n - done) : KDL_CHUNK;

		if (done + k + 1 > cap) {
			cap = cap ? cap * 2 : KDL_CHUNK;
			if (cap < done + k + 1)
				cap = done + k + 1;
			if (cap > n + 1)
				cap = n + 1;
			grown = realloc(buf, (size_t)cap);
			if (!grown) {
				kdl_err(in->ctx, KDL_ERR_NOMEM, "out of memory");
				goto fail;
			}
			buf = grown;
		}
		if (k && kdl_input_read_at(in, buf + done, k, off + done, what))
			goto fail;
		done += k;
	} while (done < n);
	buf[n] = 0;
	return buf;
fail:
	free(buf);
	return NULL;
}

/* A byte source over an input: taken at its offset, in order or not. */
struct input_source {
	struct kdl_input *in;
	uint64_t off;
};

static int input_read(struct kdl_source *src, void *dst, size_t n)
{
	struct kdl_input *in = src->arg;
	int ret = in->seekable ? kdl_input_pread(in, dst, n, src->pos, "a segment")
	                       : kdl_input_read(in, dst, n, "a segment");

	src->pos += n;
	return ret;
}

static int input_copy(struct kdl_source *src, uint64_t n,
                      const struct kdl_copy_end *to)
{
	uint8_t *buf = kdl_alloc(src->ctx, KDL_CHUNK);
	int ret = buf ? 0 : -1;

	for (uint64_t done = 0; done < n && !ret; done += KDL_CHUNK) {
		size_t k = n - done < KDL_CHUNK ? (size_t)(n - done) : KDL_CHUNK;

		ret = input_read(src, buf, k) ||
		      kdl_pwrite_all(src->ctx, to->fd, to->name, buf, k, *to->off + done);
	}
	free(buf);
	return ret ? -1 : 0;
}

static int input_skip(struct kdl_source *src, uint64_t n)
{
	struct kdl_input *in = src->arg;

	src->pos += n;
	return in->seekable ? 0 : kdl_input_seek(in, src->pos, "a segment");
}

static const struct kdl_source_ops input_ops = {input_read, input_copy, input_skip};

void kdl_input_source(struct kdl_input *in, struct kdl_source *src, uint64_t off,
                      uint64_t n)
{
	kdl_source_custom(src, in->ctx, &input_ops, in, n);
	src->pos = off;
	src->name = in->name;
}
