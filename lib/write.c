/* Writing a dump built through the API: segments come from their sources
 * in physical order. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

#define CHUNK (1u << 20)

static int copy_from_fd(struct kdl_writer_state *ws, int fd, const char *name,
                        uint8_t *buf)
{
	const struct kdl_seg *seg = ws->seg;
	loff_t pos = (loff_t)seg->offset;

	while (ws->seg_filled < seg->len) {
		uint64_t left = seg->len - ws->seg_filled;
		struct kdl_fd in = {fd, name, &pos}, out;
		loff_t off;
		int direct = kdl_ws_dest(ws, left, &out, &off);
		int64_t got;

		if (direct < 0)
			return -1;
		if (direct) {
			got = kdl_copy(ws->dump->ctx, &in, &out, left);
			if (got > 0)
				kdl_ws_copied(ws, (uint64_t)got);
		} else {
			got = pread(fd, buf, left < CHUNK ? (size_t)left : CHUNK, pos);
			if (got < 0)
				got = kdl_err_sys(ws->dump->ctx, "%s", name);
			if (got > 0) {
				pos += got;
				if (kdl_ws_data(ws, buf, (size_t)got))
					return -1;
			}
		}
		if (got < 0)
			return -1;
		if (got == 0)
			return kdl_err(ws->dump->ctx, "%s: shrank while being read (%" PRIu64 " of %" PRIu64 " bytes)",
			               name, ws->seg_filled, seg->len);
	}
	return 0;
}

static int fill_segment(struct kdl_writer_state *ws, uint8_t *buf)
{
	struct kdl_seg *seg = ws->seg;
	char name[32];
	int fd, ret;

	switch (seg->source) {
	case SRC_BUFFER:
		return kdl_ws_data(ws, seg->buf, (size_t)seg->len);
	case SRC_FD:
		snprintf(name, sizeof(name), "fd %d", seg->fd);
		return copy_from_fd(ws, seg->fd, name, buf);
	default:
		fd = open(seg->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return kdl_err_sys(ws->dump->ctx, "%s", seg->path);
		ret = copy_from_fd(ws, fd, seg->path, buf);
		close(fd);
		return ret;
	}
}

int kdl_dump_write(kdl_dump *dump, const char *path, const char *format,
                   struct kdl_stats *st)
{
	const struct kdl_format_ops *ops = kdl_format_find(dump->ctx, format);
	struct kdl_writer_state ws;
	struct kdl_out out;
	uint8_t *buf;
	int ret = -1;

	if (!ops || kdl_dump_check(dump))
		return -1;
	buf = kdl_alloc(dump->ctx, CHUNK);
	if (!buf || kdl_ws_begin(&ws, dump, &out, path, ops)) {
		free(buf);
		return -1;
	}
	for (size_t i = 0; i < dump->nsegs; i++)
		if (kdl_ws_segment_begin(&ws, &dump->segs[i]) ||
		    fill_segment(&ws, buf) || kdl_ws_segment_end(&ws))
			goto out;
	ret = kdl_ws_finish(&ws, st);
out:
	if (ret)
		kdl_ws_abort(&ws);
	else
		kdl_ws_free(&ws);
	free(buf);
	return ret;
}
