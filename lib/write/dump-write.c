/* Writing a dump built through the API: segments come from where they
 * were given, in physical order. */
#include <stdlib.h>

#include "write/write.h"

static int write_segment(struct kdl_job *job, const struct kdl_seg *seg)
{
	struct kdl_seg_bytes bytes;
	struct kdl_source src;
	int ret;

	if (kdl_seg_open(job->ctx, seg, &bytes))
		return -1;
	if (bytes.buf)
		kdl_source_buffer(&src, job->ctx, bytes.buf, seg->len);
	else
		kdl_source_fd(&src, job->ctx, bytes.fd, bytes.name, bytes.offset, seg->len);
	ret = kdl_job_segment_begin(job, seg->phys, seg->len) ||
	      kdl_job_bytes(job, &src) || kdl_job_segment_end(job);
	kdl_seg_close(&bytes);
	return ret ? -1 : 0;
}

/* path NULL: laid out only */
static int write_dump(kdl_dump *dump, const char *path,
                      const struct kdl_options *opts, struct kdl_stats *st)
{
	struct kdl_plan plan;
	struct kdl_exclusion ex = {0};
	struct kdl_seg *pieces = NULL, *whole = NULL;
	size_t npieces = 0, nwhole = 0;
	struct kdl_job job;
	int ret = -1;

	if (kdl_plan_make(dump->ctx, opts, &plan) || kdl_dump_freeze(dump) ||
	    kdl_job_start(&job, dump->ctx, dump, &plan, path))
		return -1;
	/* the levels above 1 read the kernel's structures in the memory */
	if (path && (plan.dump_level & ~1) && kdl_job_exclude(&job, &ex))
		goto out;
	/* a format that keeps every page of its segments gets them cut */
	if (ex.bits && !plan.format->can_exclude) {
		if (kdl_job_pieces(&job, &pieces, &npieces))
			goto out;
		whole = dump->segs;
		nwhole = dump->nsegs;
		dump->segs = pieces;
		dump->nsegs = npieces;
	}
	for (size_t i = 0; path && i < dump->nsegs; i++)
		if (write_segment(&job, &dump->segs[i]))
			goto out;
	ret = kdl_job_finish(&job, st);
out:
	if (pieces) {
		dump->segs = whole;
		dump->nsegs = nwhole;
		free(pieces);
	}
	if (ret)
		kdl_job_abort(&job);
	else
		kdl_job_free(&job);
	kdl_exclusion_free(&ex);
	return ret;
}

int kdl_dump_write(kdl_dump *dump, const char *path,
                   const struct kdl_options *opts, struct kdl_stats *st)
{
	if (!path)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "no path to write the dump to");
	return write_dump(dump, path, opts, st);
}

int kdl_dump_stats(kdl_dump *dump, const struct kdl_options *opts,
                   struct kdl_stats *st)
{
	return write_dump(dump, NULL, opts, st);
}
