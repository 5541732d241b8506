/* Segments: what makes one valid alone, beside another and as its bytes
 * arrive, the length of a file or device that holds one, and the bytes
 * of one, opened. */
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "model/model.h"

int kdl_segment_check(kdl_ctx *ctx, uint64_t phys, uint64_t size)
{
	if (size == 0)
		return kdl_err(ctx, KDL_ERR_INVALID, "no data for the segment at 0x%" PRIx64 ": a segment cannot be empty", phys);
	if (size - 1 > UINT64_MAX - phys)
		return kdl_err(ctx, KDL_ERR_INVALID, "segment at 0x%" PRIx64 " of %" PRIu64
		               " bytes goes past the end of the address space",
		               phys, size);
	return 0;
}

int kdl_alias_check(kdl_ctx *ctx, uint64_t phys, uint64_t virt, uint64_t size)
{
	if (size == 0)
		return kdl_err(ctx, KDL_ERR_INVALID, "alias of 0x%" PRIx64 " at 0x%" PRIx64 ": an alias cannot be empty",
		               phys, virt);
	if (size - 1 > UINT64_MAX - phys || size - 1 > UINT64_MAX - virt)
		return kdl_err(ctx, KDL_ERR_INVALID, "alias of 0x%" PRIx64 " at 0x%" PRIx64 " of %" PRIu64
		               " bytes goes past the end of the address space",
		               phys, virt, size);
	return 0;
}

int kdl_segment_check_overlap(kdl_ctx *ctx, const struct kdl_segment_info *a,
                              const struct kdl_segment_info *b)
{
	const struct kdl_segment_info *low = a->phys <= b->phys ? a : b;
	const struct kdl_segment_info *high = low == a ? b : a;

	if (high->phys - low->phys >= low->size)
		return 0;
	return kdl_err(ctx, KDL_ERR_INVALID, "segment 0x%" PRIx64 "-0x%" PRIx64
	               " overlaps segment 0x%" PRIx64 "-0x%" PRIx64,
	               a->phys, a->phys + a->size - 1, b->phys, b->phys + b->size - 1);
}

int kdl_feed_begin(kdl_ctx *ctx, struct kdl_feed *feed, uint64_t phys,
                   uint64_t len)
{
	if (len != KDL_LENGTH_UNKNOWN && kdl_segment_check(ctx, phys, len))
		return -1;
	feed->phys = phys;
	feed->len = len;
	feed->filled = 0;
	feed->open = true;
	return 0;
}

int kdl_feed_room(kdl_ctx *ctx, const struct kdl_feed *feed, uint64_t n)
{
	uint64_t room = UINT64_MAX - feed->phys; /* bytes after the first, to the top */

	if (feed->len != KDL_LENGTH_UNKNOWN && n > feed->len - feed->filled)
		return kdl_err(ctx, KDL_ERR_INVALID, "segment at 0x%" PRIx64 " has more data than its length (%" PRIu64 " bytes)",
		               feed->phys, feed->len);
	if (n && (feed->filled > room || n - 1 > room - feed->filled ||
	          n > UINT64_MAX - feed->filled))
		return kdl_err(ctx, KDL_ERR_INVALID, "segment at 0x%" PRIx64 " goes past the end of the address space",
		               feed->phys);
	return 0;
}

int kdl_feed_end(kdl_ctx *ctx, struct kdl_feed *feed)
{
	if (feed->len != KDL_LENGTH_UNKNOWN && feed->filled != feed->len)
		return kdl_err(ctx, KDL_ERR_INVALID, "segment at 0x%" PRIx64 " ended after %" PRIu64 " of its %" PRIu64 " bytes",
		               feed->phys, feed->filled, feed->len);
	if (kdl_segment_check(ctx, feed->phys, feed->filled))
		return -1;
	feed->len = feed->filled;
	feed->open = false;
	return 0;
}

int kdl_input_length(kdl_ctx *ctx, int fd, const char *name, uint64_t offset,
                     uint64_t *length)
{
	struct stat st;
	uint64_t size;

	if (fstat(fd, &st))
		return kdl_err_sys(ctx, "%s", name);
	if (S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size))
			return kdl_err_sys(ctx, "%s", name);
	} else
		return 0;
	if (offset > size)
		return kdl_err(ctx, KDL_ERR_CORRUPT, "%s: offset %" PRIu64 " is past its end (%" PRIu64 " bytes)",
		               name, offset, size);
	if (*length == KDL_LENGTH_UNKNOWN)
		*length = size - offset;
	else if (*length > size - offset)
		return kdl_err(ctx, KDL_ERR_CORRUPT, "%s: %" PRIu64 " bytes at offset %" PRIu64
		               " go past its end (%" PRIu64 " bytes)",
		               name, *length, offset, size);
	return 0;
}

int kdl_seg_open(kdl_ctx *ctx, const struct kdl_seg *seg,
                 struct kdl_seg_bytes *bytes)
{
	memset(bytes, 0, sizeof(*bytes));
	bytes->fd = -1;
	bytes->offset = seg->offset;
	switch (seg->origin) {
	case KDL_ORIGIN_BUFFER:
		bytes->buf = seg->buf;
		return 0;
	case KDL_ORIGIN_FD:
		snprintf(bytes->fd_name, sizeof(bytes->fd_name), "fd %d", seg->fd);
		bytes->fd = seg->fd;
		bytes->name = bytes->fd_name;
		return 0;
	case KDL_ORIGIN_PATH:
		bytes->fd = open(seg->path, O_RDONLY | O_CLOEXEC);
		if (bytes->fd < 0)
			return kdl_err_sys(ctx, "%s", seg->path);
		bytes->name = seg->path;
		bytes->opened = true;
		return 0;
	default:
		return kdl_err(ctx, KDL_ERR_INVALID,
		               "segment at 0x%" PRIx64 ": its bytes were not kept (the stream it came from went straight to a file, or was only laid out; kdl_dump_read_stream keeps them)",
		               seg->phys);
	}
}

void kdl_seg_close(struct kdl_seg_bytes *bytes)
{
	if (bytes->opened)
		close(bytes->fd);
	bytes->opened = false;
}
