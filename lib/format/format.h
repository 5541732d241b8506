/* format: the dump files that can be written, one file each, listed in
 * format.c.  A format is driven through a job (write/job.c): segment
 * bytes arrive as byte sources (model/source.c), whatever they come
 * from, then the frozen dump is finished into headers. */
#ifndef KDL_FORMAT_H
#define KDL_FORMAT_H

#include "codec/codec.h"
#include "model/model.h"
#include "output/output.h"

/* ---- a write ---- */

struct kdl_format_ops;

/* The options of a write, checked and resolved. */
struct kdl_plan {
	const struct kdl_format_ops *format;
	const struct kdl_codec *codec;
	int level;
	int dump_level;
	unsigned threads;   /* at least 1 */
	bool flat;
	uint64_t timestamp; /* when the vmcoreinfo has no CRASHTIME */
	const char *scratch_dir;
};

/* One write of a dump, as its format sees it. */
struct kdl_job {
	kdl_ctx *ctx;
	kdl_dump *dump;
	const struct kdl_plan *plan;
	struct kdl_out *out; /* NULL when the dump is only laid out */
	void *priv;          /* the format's, priv_size bytes */
	struct kdl_feed seg; /* the segment being filled */
	size_t segments;     /* complete so far */
	struct kdl_out file; /* what out points to */
};

/* An output format, driven in this order: for each segment, in any
 * order and of a length that may be known only at its end,
 * segment_begin, bytes as they come, segment_end; then finish, once the
 * dump is frozen; estimate and stats at any time after that.  When the
 * dump is only laid out (job->out NULL), only estimate and stats are
 * called. */
struct kdl_format_ops {
	struct kdl_entry info; /* first: the table holds &info */
	size_t priv_size;

	/* The format reads back and moves what it has written, so it needs
	 * a file of its own: not a pipe, not the flattened format. */
	bool needs_file;

	/* A segment starts at job->seg.phys; optional.
	 * Returns 0, or -1 with the error on job->ctx. */
	int (*segment_begin)(struct kdl_job *job);

	/* The next bytes of the segment: all of src must be taken, to go at
	 * job->seg.phys + job->seg.filled on (the job counts them after).
	 * Returns 0 or -1. */
	int (*bytes)(struct kdl_job *job, struct kdl_source *src);

	/* The segment is complete, job->seg.len bytes; optional. */
	int (*segment_end)(struct kdl_job *job);

	/* The dump is frozen: headers, notes, whatever is left, so that
	 * job->out holds the whole file.  Returns 0 or -1. */
	int (*finish)(struct kdl_job *job);

	/* The size of the file for the frozen dump: at most what finish
	 * writes, or exactly.  Returns 0 or -1. */
	int (*estimate)(struct kdl_job *job, uint64_t *size);

	/* What the format adds to the stats; optional. */
	void (*stats)(struct kdl_job *job, struct kdl_stats *st);

	/* Releases what priv holds; optional. */
	void (*free)(struct kdl_job *job);
};

extern const struct kdl_format_ops kdl_format_elf;
extern const struct kdl_format_ops kdl_format_kdump;

const struct kdl_format_ops *kdl_format_find(const char *name);
const struct kdl_format_ops *kdl_format_default(void);

#endif
