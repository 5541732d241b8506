/* Moving bytes between descriptors the cheapest way the kernel offers:
 * splice when a pipe is at either end, copy_file_range between files, and
 * read and write otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "output/output.h"

static bool kernel_copy_unsupported(int err)
{
	return err == EINVAL || err == ENOSYS || err == EXDEV ||
	       err == EOPNOTSUPP || err == EBADF;
}

static int64_t copy_rw(kdl_ctx *ctx, const struct kdl_copy_end *in,
                       const struct kdl_copy_end *out, uint64_t len)
{
	uint8_t *buf = kdl_alloc(ctx, KDL_CHUNK);
	int64_t done = 0;

	if (!buf)
		return -1;
	while ((uint64_t)done < len) {
		uint64_t left = len - (uint64_t)done;
		size_t want = left < KDL_CHUNK ? (size_t)left : KDL_CHUNK;
		ssize_t got = kdl_read_full(ctx, in->fd, in->name, buf, want, in->off);
		int failed;

		if (got <= 0) {
			done = got < 0 ? -1 : done;
			break;
		}
		failed = out->off ? kdl_pwrite_all(ctx, out->fd, out->name, buf,
		                                   (size_t)got, *out->off)
		                  : kdl_write_all(ctx, out->fd, out->name, buf, (size_t)got);
		if (failed) {
			done = -1;
			break;
		}
		if (out->off)
			*out->off += (uint64_t)got;
		done += got;
	}
	free(buf);
	return done;
}

int64_t kdl_copy(kdl_ctx *ctx, const struct kdl_copy_end *in,
                 const struct kdl_copy_end *out, uint64_t len)
{
	uint64_t done = 0;
	bool use_splice = true, use_range = true;

	while (done < len) {
		size_t want = len - done < KDL_CHUNK ? (size_t)(len - done) : KDL_CHUNK;
		/* the offsets are advanced here: not every device moves them */
		loff_t in_off = in->off ? (loff_t)*in->off : 0;
		loff_t out_off = out->off ? (loff_t)*out->off : 0;
		loff_t *inp = in->off ? &in_off : NULL, *outp = out->off ? &out_off : NULL;
		ssize_t n;

		if (use_splice) {
			n = splice(in->fd, inp, out->fd, outp, want,
			           SPLICE_F_MOVE | SPLICE_F_MORE);
			if (n < 0 && kernel_copy_unsupported(errno)) {
				use_splice = false;
				continue;
			}
		} else if (use_range) {
			n = copy_file_range(in->fd, inp, out->fd, outp, want, 0);
			if (n < 0 && kernel_copy_unsupported(errno)) {
				use_range = false;
				continue;
			}
		} else {
			int64_t rest = copy_rw(ctx, in, out, len - done);
			return rest < 0 ? -1 : (int64_t)done + rest;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kdl_err_sys(ctx, "%s to %s", in->name, out->name);
		if (n == 0)
			break;
		if (in->off)
			*in->off += (uint64_t)n;
		if (out->off)
			*out->off += (uint64_t)n;
		done += (uint64_t)n;
	}
	return (int64_t)done;
}
