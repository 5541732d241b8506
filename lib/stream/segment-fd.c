/* A segment's records from a descriptor: SEGMENT, its bytes as DATA (and
 * ZERO for the holes of sparse files), SEGMENT_END. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
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
