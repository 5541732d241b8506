/* write: dumps written, from a dump built through the API (dump-write.c)
 * or from a record stream as it arrives (pack.c), through one job that
 * drives the output format (job.c), with the options checked once
 * (options.c); and what a write tells about the dump (stats.c). */
#ifndef KDL_WRITE_H
#define KDL_WRITE_H

#include "format/format.h"
#include "stream/stream.h"

/* The options checked and resolved; opts NULL: the defaults. */
int kdl_plan_make(kdl_ctx *ctx, const struct kdl_options *opts,
                  struct kdl_plan *plan);

/* A job writes dump to path (NULL: lays it out only, taking no bytes). */
int kdl_job_start(struct kdl_job *job, kdl_ctx *ctx, kdl_dump *dump,
                  const struct kdl_plan *plan, const char *path);
/* A segment of len bytes at phys will come: what an EXTENT record says.
 * Out of order, overlapping or too many, such promises are dropped: they
 * only spare a copy. */
int kdl_job_expect(struct kdl_job *job, uint64_t phys, uint64_t len);
/* The pages the plan's dump level leaves out of the frozen dump, into
 * ex, which the job refers to until it is freed. */
int kdl_job_exclude(struct kdl_job *job, struct kdl_exclusion *ex);
/* The frozen dump's segments cut where the excluded pages are, for a
 * format that does not leave them out itself (ELF): its PT_LOADs, as
 * makedumpfile -E cuts them; a new array, the caller's to free. */
int kdl_job_pieces(const struct kdl_job *job, struct kdl_seg **pieces, size_t *count);
/* A segment's bytes, in order: begin, bytes, end. */
int kdl_job_segment_begin(struct kdl_job *job, uint64_t phys, uint64_t len);
int kdl_job_bytes(struct kdl_job *job, struct kdl_source *src);
int kdl_job_segment_end(struct kdl_job *job);
/* Freezes the dump, finishes the format, fills st and gives the file its
 * name; after a failure the caller aborts. */
int kdl_job_finish(struct kdl_job *job, struct kdl_stats *st);
/* After a failure: no file is left at the path. */
void kdl_job_abort(struct kdl_job *job);
void kdl_job_free(struct kdl_job *job);

#endif
