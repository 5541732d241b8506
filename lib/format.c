/* The table of output formats, and the calls every format is driven by. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static const struct kdl_format_ops *const formats[] = {
	&kdl_format_elf,
	&kdl_format_kdump,
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

char *kdl_format_names(void)
{
	struct kdl_str list = {0};

	for (size_t i = 0; i < NFORMATS; i++)
		kdl_str_add(&list, "%s%s", i ? " " : "", formats[i]->name);
	return kdl_str_finish(NULL, &list);
}

int kdl_format_known(const char *name)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (!strcmp(formats[i]->name, name))
			return 1;
	return 0;
}

const struct kdl_format_ops *kdl_format_find(kdl_ctx *ctx, const char *name)
{
	char *names;

	for (size_t i = 0; i < NFORMATS; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	names = kdl_format_names();
	kdl_err(ctx, "unknown format '%s' (known: %s)", name, names ? names : "?");
	free(names);
	return NULL;
}

int kdl_ws_begin(struct kdl_writer_state *ws, kdl_dump *dump,
                 struct kdl_out *out, const char *path,
                 const struct kdl_format_ops *ops)
{
	memset(ws, 0, sizeof(*ws));
	ws->dump = dump;
	ws->ops = ops;
	if (path && (dump->flat || !strcmp(path, "-")) && !ops->can_flatten)
		return kdl_err(dump->ctx, "%s: the %s format cannot be %s: its headers are written last; give a file name, or use the kdump format",
		               path, ops->name,
		               strcmp(path, "-") ? "flattened" : "written to a pipe");
	ws->priv = kdl_alloc(dump->ctx, ops->priv_size);
	if (!ws->priv)
		return -1;
	if (path && kdl_out_open(dump->ctx, out, path, dump->flat)) {
		kdl_ws_free(ws);
		return -1;
	}
	ws->out = path ? out : NULL;
	return 0;
}

void kdl_ws_free(struct kdl_writer_state *ws)
{
	if (ws->priv && ws->ops->free)
		ws->ops->free(ws);
	free(ws->priv);
	ws->priv = NULL;
}

void kdl_ws_abort(struct kdl_writer_state *ws)
{
	if (ws->out)
		kdl_out_abort(ws->out);
	kdl_ws_free(ws);
}

int kdl_ws_segment_begin(struct kdl_writer_state *ws, struct kdl_seg *seg)
{
	ws->seg = seg;
	ws->seg_filled = 0;
	return ws->out ? ws->ops->segment_begin(ws) : 0;
}

static int too_long(struct kdl_writer_state *ws, uint64_t n)
{
	const struct kdl_seg *seg = ws->seg;
	uint64_t room = UINT64_MAX - seg->phys; /* bytes after the first, to the top */

	if (seg->len != KDL_LENGTH_UNKNOWN && n > seg->len - ws->seg_filled)
		return kdl_err(ws->dump->ctx, "segment at 0x%" PRIx64 " has more data than its length (%" PRIu64 " bytes)",
		               seg->phys, seg->len);
	if (n && (ws->seg_filled > room || n - 1 > room - ws->seg_filled))
		return kdl_err(ws->dump->ctx, "segment at 0x%" PRIx64 " goes past the end of the address space",
		               seg->phys);
	return 0;
}

int kdl_ws_data(struct kdl_writer_state *ws, const void *buf, size_t n)
{
	if (too_long(ws, n) || (ws->out && ws->ops->segment_data(ws, buf, n)))
		return -1;
	ws->seg_filled += n;
	return 0;
}

int kdl_ws_dest(struct kdl_writer_state *ws, uint64_t n, struct kdl_fd *out,
                loff_t *off)
{
	if (too_long(ws, n))
		return -1;
	if (!ws->out || ws->out->flat || !ws->ops->data_offset)
		return 0;
	*off = (loff_t)ws->ops->data_offset(ws);
	out->fd = ws->out->fd;
	out->name = ws->out->path;
	out->off = off;
	return 1;
}

void kdl_ws_copied(struct kdl_writer_state *ws, uint64_t n)
{
	ws->seg_filled += n;
}

int kdl_ws_read(struct kdl_writer_state *ws, kdl_reader *r, uint64_t n)
{
	if (!ws->out || !ws->ops->segment_read)
		return 0;
	if (too_long(ws, n) || ws->ops->segment_read(ws, r, n))
		return -1;
	ws->seg_filled += n;
	return 1;
}

int kdl_ws_zero(struct kdl_writer_state *ws, uint64_t n)
{
	if (too_long(ws, n) || (ws->out && ws->ops->segment_zero(ws, n)))
		return -1;
	ws->seg_filled += n;
	return 0;
}

int kdl_ws_segment_end(struct kdl_writer_state *ws)
{
	struct kdl_seg *seg = ws->seg;

	if (seg->len != KDL_LENGTH_UNKNOWN && ws->seg_filled != seg->len)
		return kdl_err(ws->dump->ctx, "segment at 0x%" PRIx64 " ended after %" PRIu64 " of its %" PRIu64 " bytes",
		               seg->phys, ws->seg_filled, seg->len);
	if (ws->seg_filled == 0)
		return kdl_err(ws->dump->ctx, "empty segment at 0x%" PRIx64, seg->phys);
	seg->len = ws->seg_filled;
	if (ws->out && ws->ops->segment_end(ws))
		return -1;
	ws->seg = NULL;
	return 0;
}

int kdl_ws_finish(struct kdl_writer_state *ws, struct kdl_stats *st)
{
	struct kdl_stats local;
	struct stat sb;

	if (!st)
		st = &local;
	if (!ws->out) {
		if (kdl_dump_check(ws->dump) ||
		    kdl_stats_fill(ws->dump, ws->ops, st))
			return -1;
		if (ws->ops->stats)
			ws->ops->stats(ws, st);
		return 0;
	}
	if (ws->ops->finish(ws) || kdl_stats_fill(ws->dump, ws->ops, st) ||
	    (fstat(ws->out->fd, &sb) &&
	     kdl_err_sys(ws->dump->ctx, "%s", ws->out->path)))
		return -1;
	if (ws->ops->stats)
		ws->ops->stats(ws, st);
	/* on a pipe the size is what was written, not the stream's */
	st->actual_size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
	st->written = 1;
	return kdl_out_commit(ws->out);
}
