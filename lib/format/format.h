/* format: the dump files that can be written, one file each, listed in
 * format.c.  A format is driven through a job (write/job.c): segment
 * bytes arrive as byte sources (model/source.c), whatever they come
 * from, then the frozen dump is finished into headers. */
#ifndef KDL_FORMAT_H
#define KDL_FORMAT_H

#include "codec/codec.h"
#include "filter/filter.h"
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
	unsigned split;     /* files, at least 1 */
	uint64_t timestamp; /* when the vmcoreinfo has no CRASHTIME */
	const char *scratch_dir;
	unsigned mode;      /* of the files written */
	bool refuse_empty;  /* a dump of no segment */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

/* One write of a dump, as its format sees it. */
struct kdl_job {
	kdl_ctx *ctx;
	kdl_dump *dump;
	const struct kdl_plan *plan;
	struct kdl_out *out; /* NULL when the dump is only laid out; else
	                      * the first of plan->split files */
	void *priv;          /* the format's, priv_size bytes */
	struct kdl_feed seg; /* the segment being filled */
	size_t segments;     /* complete so far */
	struct kdl_out *files; /* what out points to */
	unsigned nfiles;       /* open */
	char **paths;          /* theirs, for a split dump */
	/* The segments the file is to hold, known before their bytes come:
	 * the dump's own when it is frozen, else what the stream promised;
	 * NULL when nothing tells.  Set before the format's first call.  A
	 * promise, not a fact: a format that lays its file out by it checks
	 * at the end. */
	const struct kdl_seg *ahead;
	size_t nahead;
	/* what EXTENT records promised, in order and apart while usable */
	struct kdl_seg *promised;
	size_t npromised, promised_cap;
	bool promised_usable;
	/* segment bytes taken, and announced by EXTENT records or the
	 * frozen dump, for the progress callback */
	uint64_t done, announced;
	/* the pages the dump level leaves out, decided before the first
	 * segment comes; NULL: none */
	const struct kdl_exclusion *excluded;
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

	/* It writes its pages in plan->split files. */
	bool can_split;

	/* It leaves out the pages in job->excluded. */
	bool can_exclude;

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

/* ---- the page list of the kdump format (page-list.c) ----
 * An entry per stored page, or per run of zero pages, added in any order
 * and read back in page order.  A run of entries stays in memory; beyond
 * it, runs sorted in memory go to a scratch file of the output and are
 * merged as they are read, so that memory does not grow with the dump. */

struct kdl_page_entry {
	uint64_t pfn;
	uint64_t off;   /* the format's: where the page is kept */
	uint32_t size;
	uint32_t flags;
};

struct kdl_page_list {
	kdl_ctx *ctx;
	struct kdl_out *out;
	struct kdl_page_entry *buf; /* the run being filled */
	size_t n, run;
	int fd;                     /* the runs written out, or -1 */
	uint64_t *runs;             /* entries in each run in the file */
	size_t nruns, runs_cap;
	uint64_t count;             /* entries in all */
};

/* A list of runs of run entries, its scratch file (if it needs one)
 * from out. */
int kdl_page_list_init(struct kdl_page_list *l, kdl_ctx *ctx, struct kdl_out *out,
                       size_t run);
int kdl_page_list_add(struct kdl_page_list *l, const struct kdl_page_entry *e);
/* The entry added last, to be changed in place, or NULL when none is in
 * memory. */
struct kdl_page_entry *kdl_page_list_last(struct kdl_page_list *l);
void kdl_page_list_free(struct kdl_page_list *l);

/* Reading a list in page order; nothing may be added meanwhile. */
struct kdl_page_cursor {
	struct kdl_page_list *l;
	struct kdl_page_head *heads;
	size_t *heap, nheap;
	struct kdl_page_entry *bufs;
};
int kdl_page_cursor_open(struct kdl_page_cursor *c, struct kdl_page_list *l);
/* 1 with the next entry in *e, 0 at the end, -1 on failure. */
int kdl_page_cursor_next(struct kdl_page_cursor *c, struct kdl_page_entry *e);
void kdl_page_cursor_close(struct kdl_page_cursor *c);

extern const struct kdl_format_ops kdl_format_elf;
extern const struct kdl_format_ops kdl_format_kdump;

const struct kdl_format_ops *kdl_format_find(const char *name);
const struct kdl_format_ops *kdl_format_default(void);

#endif
