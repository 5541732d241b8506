/* A segment's records from a descriptor: SEGMENT, its bytes as DATA (and
 * ZERO for the holes of sparse files), SEGMENT_END. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream/stream.h"

/* Skips offset bytes of an input that cannot seek. */
static int skip_input(kdl_ctx *ctx, int fd, const char *name, uint64_t offset)
{
	uint8_t *buf = kdl_alloc(ctx, KDL_CHUNK);
	int ret = buf ? 0 : -1;

	while (offset && !ret) {
		size_t n = offset < KDL_CHUNK ? (size_t)offset : KDL_CHUNK;
		ssize_t got = kdl_read_full(ctx, fd, name, buf, n, NULL);

		if (got >= 0 && (size_t)got < n)
			ret = kdl_err(ctx, KDL_ERR_CORRUPT, "%s: ends before offset", name);
		else
			ret = got < 0 ? -1 : 0;
		offset -= n;
	}
	free(buf);
	return ret;
}

static int put_zero(kdl_writer *w, uint64_t n)
{
	struct kdl_rec_zero zero = {n};

	return kdl_rec_put_zero(w, &zero);
}

/* Known length: DATA records filled straight from the input (no copy
 * through this process where the kernel can move the pages), and holes of
 * sparse files as ZERO records, which cost neither reading nor writing.
 * An input that cannot seek is read from where it stands. */
static int put_known(kdl_writer *w, int fd, const char *name, bool seekable,
                     const struct stat *st, uint64_t offset, uint64_t length)
{
	kdl_ctx *ctx = kdl_writer_ctx(w);
	uint64_t pos = offset, end = offset + length, size = (uint64_t)st->st_size;
	struct kdl_copy_end in = {fd, name, seekable ? &pos : NULL};

	while (pos < end) {
		uint64_t hole = end, n, copied;

		/* holes end with the file: past it, the copy finds it short */
		if (S_ISREG(st->st_mode) && pos < size) {
			uint64_t limit = end < size ? end : size;
			off_t data = lseek(fd, (off_t)pos, SEEK_DATA);

			if (data < 0)
				data = errno == ENXIO ? (off_t)limit : (off_t)pos;
			if ((uint64_t)data > pos) {
				uint64_t to = (uint64_t)data < limit ? (uint64_t)data : limit;

				if (put_zero(w, to - pos))
					return -1;
				pos = to;
				continue;
			}
			data = lseek(fd, (off_t)pos, SEEK_HOLE);
			if (data >= 0 && (uint64_t)data < end)
				hole = (uint64_t)data;
		}
		n = hole - pos < KDL_CHUNK ? hole - pos : KDL_CHUNK;
		if (kdl_rec_begin_data(w, n) || kdl_writer_copy(w, &in, n, &copied))
			return -1;
		if (!seekable)
			pos += copied; /* kdl_copy moves it for the others */
		if (copied < n)
			return kdl_err(ctx, KDL_ERR_CORRUPT, "%s: ended after %" PRIu64 " of %" PRIu64 " bytes",
			               name, pos - offset, length);
	}
	return 0;
}

/* Unknown length from a pipe: each chunk gathers in a pipe of this
 * process's own, which tells its size before it moves on, so the bytes
 * never come through this process. */
static int64_t put_pipe(kdl_writer *w, int fd, const char *name)
{
	kdl_ctx *ctx = kdl_writer_ctx(w);
	int64_t total = 0;
	int p[2], cap;

	if (pipe2(p, O_CLOEXEC))
		return kdl_err_sys(ctx, "pipe");
	/* bigger pipes, fewer records and context switches; what they hold
	 * if that is refused */
	fcntl(fd, F_SETPIPE_SZ, KDL_CHUNK);
	fcntl(p[1], F_SETPIPE_SZ, KDL_CHUNK);
	cap = fcntl(p[1], F_GETPIPE_SZ);
	if (cap <= 0)
		cap = 4096;
	for (;;) {
		struct kdl_copy_end held = {p[0], name, NULL};
		uint64_t n = 0, copied;
		ssize_t got;

		/* never more than the pipe holds: nothing drains it meanwhile */
		do {
			got = splice(fd, NULL, p[1], NULL, (size_t)cap - n, SPLICE_F_MOVE);
			if (got > 0)
				n += (uint64_t)got;
		} while ((got > 0 && n < (uint64_t)cap) || (got < 0 && errno == EINTR));
		if (got < 0) {
			total = kdl_err_sys(ctx, "%s", name);
			break;
		}
		if (n && (kdl_rec_begin_data(w, n) || kdl_writer_copy(w, &held, n, &copied) ||
		          (copied < n && kdl_err(ctx, KDL_ERR_IO, "%s: lost data", name)))) {
			total = -1;
			break;
		}
		total += (int64_t)n;
		if (got == 0)
			break;
	}
	close(p[0]);
	close(p[1]);
	return total;
}

/* Unknown length from anything else: read a chunk, then write it. */
static int64_t put_read(kdl_writer *w, int fd, const char *name)
{
	uint8_t *buf = kdl_alloc(kdl_writer_ctx(w), KDL_CHUNK);
	uint64_t total = 0;
	ssize_t got;

	if (!buf)
		return -1;
	while ((got = kdl_read_full(kdl_writer_ctx(w), fd, name, buf, KDL_CHUNK, NULL)) > 0) {
		if (kdl_rec_put_data(w, buf, (size_t)got)) {
			got = -1;
			break;
		}
		total += (uint64_t)got;
	}
	free(buf);
	return got < 0 ? -1 : (int64_t)total;
}

int kdl_stream_segment_fd(kdl_writer *w, uint64_t phys, uint64_t virt,
                          int fd, const char *name, uint64_t offset,
                          uint64_t length)
{
	kdl_ctx *ctx = kdl_writer_ctx(w);
	bool seekable = lseek(fd, 0, SEEK_CUR) >= 0;
	struct kdl_rec_segment seg = {phys, virt, length};
	struct kdl_rec_segment_end end;
	struct stat st;
	int64_t done;

	if (length != KDL_LENGTH_UNKNOWN && kdl_segment_check(ctx, phys, length))
		return -1;
	if (fstat(fd, &st))
		return kdl_err_sys(ctx, "%s", name);
	if (!seekable && skip_input(ctx, fd, name, offset))
		return -1;
	if (kdl_rec_put_segment(w, &seg))
		return -1;
	if (length != KDL_LENGTH_UNKNOWN) {
		if (put_known(w, fd, name, seekable, &st, seekable ? offset : 0, length))
			return -1;
		done = (int64_t)length;
	} else {
		if (seekable && lseek(fd, (off_t)offset, SEEK_SET) < 0)
			return kdl_err_sys(ctx, "%s", name);
		done = S_ISFIFO(st.st_mode) ? put_pipe(w, fd, name) : put_read(w, fd, name);
		if (done < 0)
			return -1;
		/* what came is the input's doing */
		if (kdl_segment_check(ctx, phys, (uint64_t)done)) {
			kdl_err_reclass(ctx, KDL_ERR_INVALID, KDL_ERR_CORRUPT);
			return kdl_err_prefix(ctx, "%s", name);
		}
	}
	end.length = (uint64_t)done;
	return kdl_rec_put_segment_end(w, &end);
}

/* ---- a RAM device read at physical addresses, holes and all ---- */

/* What cannot be read is left out in pieces of this size. */
#define DEVICE_PAGE 4096u

struct device_read {
	kdl_writer *w;
	int fd;
	const char *name;
	uint64_t last;    /* the range's last byte */
	bool open;        /* a segment is open: bytes read just before */
	uint64_t filled;  /* its bytes so far */
	uint64_t lost_at, lost_len; /* the run of bytes left out last */
	const char *why;
	uint64_t lost;
};

static int close_segment(struct device_read *d)
{
	struct kdl_rec_segment_end end = {d->filled};

	if (!d->open)
		return 0;
	d->open = false;
	return kdl_rec_put_segment_end(d->w, &end);
}

/* One warning for each run of bytes left out. */
static void report_lost(struct device_read *d)
{
	if (!d->lost_len)
		return;
	kdl_warn(kdl_writer_ctx(d->w), "%s: 0x%" PRIx64 "-0x%" PRIx64 " cannot be read (%s); left out",
	         d->name, d->lost_at, d->lost_at + (d->lost_len - 1), d->why);
	d->lost += d->lost_len;
	d->lost_len = 0;
}

static int device_bytes(struct device_read *d, uint64_t at, const void *buf, size_t n)
{
	/* a length of its own: bytes left out may cut it short */
	struct kdl_rec_segment seg = {at, at, KDL_LENGTH_UNKNOWN};

	report_lost(d);
	if (!d->open && kdl_rec_put_segment(d->w, &seg))
		return -1;
	d->open = true;
	d->filled += n;
	return kdl_rec_put_data(d->w, buf, n);
}

static int device_lost(struct device_read *d, uint64_t at, uint64_t n, const char *why)
{
	if (close_segment(d))
		return -1;
	d->filled = 0;
	if (d->lost_len && d->lost_at + d->lost_len != at)
		report_lost(d);
	if (!d->lost_len) {
		d->lost_at = at;
		d->why = why;
	}
	d->lost_len += n;
	return 0;
}

/* n bytes at at: those that read, and the pages around what does not,
 * the bytes read in a row going out together. */
static int device_chunk(struct device_read *d, uint8_t *buf, uint64_t at, size_t n,
                        bool *ended)
{
	kdl_ctx *ctx = kdl_writer_ctx(d->w);
	uint64_t off = at;
	ssize_t got = kdl_read_full(ctx, d->fd, d->name, buf, n, &off);
	size_t run = 0, done = 0; /* buf[run, done) read, not yet out */

	if (got == (ssize_t)n)
		return device_bytes(d, at, buf, n);
	while (done < n && !*ended) {
		size_t k = n - done < DEVICE_PAGE ? n - done : DEVICE_PAGE;
		int err;

		off = at + done;
		errno = 0;
		got = kdl_read_full(ctx, d->fd, d->name, buf + done, k, &off);
		err = errno;
		if (got == (ssize_t)k) {
			done += k;
			continue;
		}
		if (got > 0)
			done += (size_t)got;
		if (done > run && device_bytes(d, at + run, buf + run, done - run))
			return -1;
		/* short: the end of a file standing in for the device, and the
		 * rest of the range cannot be read either */
		*ended = got >= 0;
		if (device_lost(d, at + done, *ended ? d->last - (at + done) + 1 : k,
		                *ended ? "past the end of it" : strerror(err)))
			return -1;
		done += *ended ? 0 : k;
		run = done;
	}
	return done > run && !*ended ? device_bytes(d, at + run, buf + run, done - run) : 0;
}

int kdl_stream_segment_device(kdl_writer *w, int fd, const char *name,
                              uint64_t phys, uint64_t length, int keep_going,
                              uint64_t *lost)
{
	kdl_ctx *ctx = kdl_writer_ctx(w);
	struct device_read d = {.w = w, .fd = fd, .name = name, .last = phys + (length - 1)};
	bool ended = false;
	uint8_t *buf;
	int ret = 0;

	if (kdl_segment_check(ctx, phys, length))
		return -1;
	if (!keep_going)
		return kdl_stream_segment_fd(w, phys, phys, fd, name, phys, length);
	buf = kdl_alloc(ctx, KDL_CHUNK);
	if (!buf)
		return -1;
	for (uint64_t done = 0; !ret && !ended && done < length;) {
		size_t n = length - done < KDL_CHUNK ? (size_t)(length - done) : KDL_CHUNK;

		ret = device_chunk(&d, buf, phys + done, n, &ended);
		done += n;
	}
	free(buf);
	if (!ret) {
		report_lost(&d);
		ret = close_segment(&d);
	}
	if (lost)
		*lost += d.lost;
	return ret;
}
