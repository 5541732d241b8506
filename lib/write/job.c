/* One write of a dump: the output opened, segment bytes handed to the
 * format with the checks every segment gets, the dump frozen, the format
 * finished, the stats filled and the file given its name. */
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "write/write.h"

/* "the elf format cannot be flattened: ...; use the kdump format" */
static int refuse_unstreamable(kdl_ctx *ctx, const struct kdl_format_ops *format,
                               const char *path)
{
	const struct kdl_format_ops *f;
	struct kdl_str others = {0};
	char *names;

	for (size_t i = 0; (f = (const struct kdl_format_ops *)kdl_entry_at(&kdl_formats, i)); i++)
		if (!f->needs_file)
			kdl_str_add(&others, "%s%s", others.len ? " or " : "", f->info.name);
	names = kdl_str_finish(ctx, &others);
	if (!names)
		return -1;
	/* a choice of options that go together no way: a usage error */
	kdl_err(ctx, KDL_ERR_INVALID,
	        "the %s format cannot be %s: its headers are written last; give a file name, or use the %s format",
	        format->info.name, path && !strcmp(path, "-") ? "written to a pipe" : "flattened", names);
	free(names);
	return path ? kdl_err_prefix(ctx, "%s", path) : -1;
}

/* PATH, or PATH.1 to PATH.N for a dump split into N files. */
static int open_files(struct kdl_job *job, const char *path)
{
	const struct kdl_plan *plan = job->plan;
	unsigned n = plan->split;

	if (n > 1 && !strcmp(path, "-"))
		return kdl_err(job->ctx, KDL_ERR_INVALID, "a dump split into files cannot be written to stdout; give a file name");
	job->files = kdl_alloc(job->ctx, n * sizeof(*job->files));
	if (!job->files)
		return -1;
	if (n > 1) {
		job->paths = kdl_alloc(job->ctx, n * sizeof(*job->paths));
		if (!job->paths)
			return -1;
		for (unsigned i = 0; i < n; i++)
			if (!(job->paths[i] = kdl_asprintf(job->ctx, "%s.%u", path, i + 1)))
				return -1;
	}
	for (; job->nfiles < n; job->nfiles++)
		if (kdl_out_open(job->ctx, &job->files[job->nfiles], n > 1 ? job->paths[job->nfiles] : path,
		                 plan->flat, plan->scratch_dir, plan->mode))
			return -1;
	return 0;
}

int kdl_job_start(struct kdl_job *job, kdl_ctx *ctx, kdl_dump *dump,
                  const struct kdl_plan *plan, const char *path)
{
	const struct kdl_format_ops *format = plan->format;

	memset(job, 0, sizeof(*job));
	job->ctx = ctx;
	job->dump = dump;
	job->plan = plan;
	/* refused in a dry run too, so that it tells what the write would */
	if ((plan->flat || (path && !strcmp(path, "-"))) && format->needs_file)
		return refuse_unstreamable(ctx, format, path);
	job->priv = kdl_alloc(ctx, format->priv_size);
	if (!job->priv)
		return -1;
	if (path && open_files(job, path)) {
		kdl_job_abort(job);
		return -1;
	}
	job->out = path ? &job->files[0] : NULL;
	job->promised_usable = true;
	return 0;
}

void kdl_job_free(struct kdl_job *job)
{
	if (job->priv && job->plan->format->free)
		job->plan->format->free(job);
	free(job->priv);
	job->priv = NULL;
	for (unsigned i = 0; job->paths && i < job->plan->split; i++)
		free(job->paths[i]);
	free(job->paths);
	free(job->files);
	free(job->promised);
	job->promised = NULL;
	job->paths = NULL;
	job->files = NULL;
	job->nfiles = 0;
}

void kdl_job_abort(struct kdl_job *job)
{
	for (unsigned i = 0; i < job->nfiles; i++)
		kdl_out_abort(&job->files[i]);
	kdl_job_free(job);
}

/* Promises kept beyond this many would cost more memory than the copy
 * they spare costs time. */
#define MAX_AHEAD 65536

int kdl_job_expect(struct kdl_job *job, uint64_t phys, uint64_t len)
{
	const struct kdl_seg *last = job->npromised ? &job->promised[job->npromised - 1] : NULL;

	/* a broken promise still tells roughly how much will come */
	job->announced = len > UINT64_MAX - job->announced ? UINT64_MAX : job->announced + len;
	/* promised once the segments have begun, it comes too late */
	if (job->segments || job->seg.open || job->npromised == MAX_AHEAD ||
	    (last && phys < last->phys + last->len))
		job->promised_usable = false;
	if (!job->promised_usable)
		return 0;
	if (kdl_grow(job->ctx, &job->promised, &job->promised_cap, job->npromised,
	             sizeof(*job->promised)))
		return -1;
	job->promised[job->npromised++] = (struct kdl_seg){
		.phys = phys, .virt = phys, .len = len, .origin = KDL_ORIGIN_NONE, .fd = -1};
	return 0;
}

/* What the format may lay its file out by, once it is first called. */
static void settle_ahead(struct kdl_job *job)
{
	if (job->segments || job->seg.filled)
		return;
	if (job->dump->frozen) {
		job->ahead = job->dump->segs;
		job->nahead = job->dump->nsegs;
		job->announced = kdl_dump_total_memory(job->dump);
	} else if (job->promised_usable && job->npromised) {
		job->ahead = job->promised;
		job->nahead = job->npromised;
	}
}

int kdl_job_segment_begin(struct kdl_job *job, uint64_t phys, uint64_t len)
{
	const struct kdl_format_ops *format = job->plan->format;

	if (kdl_feed_begin(job->ctx, &job->seg, phys, len))
		return -1;
	settle_ahead(job);
	return job->out && format->segment_begin ? format->segment_begin(job) : 0;
}

int kdl_job_bytes(struct kdl_job *job, struct kdl_source *src)
{
	uint64_t n = src->len;

	if (kdl_feed_room(job->ctx, &job->seg, n) ||
	    (!job->out ? kdl_source_skip(src, n) : job->plan->format->bytes(job, src)))
		return -1;
	job->seg.filled += n;
	job->done += n;
	if (job->plan->progress)
		job->plan->progress(job->plan->progress_arg, job->done, job->announced);
	return 0;
}

int kdl_job_segment_end(struct kdl_job *job)
{
	const struct kdl_format_ops *format = job->plan->format;

	if (kdl_feed_end(job->ctx, &job->seg))
		return -1;
	job->segments++;
	return job->out && format->segment_end ? format->segment_end(job) : 0;
}

static int fill_stats(struct kdl_job *job, struct kdl_stats *st)
{
	const kdl_dump *dump = job->dump;

	memset(st, 0, sizeof(*st));
	st->arch = kdl_dump_arch(dump)->info.name;
	st->format = job->plan->format->info.name;
	st->segments = dump->nsegs;
	st->cpus = dump->ncpus;
	st->total_memory = kdl_dump_total_memory(dump);
	st->vmcoreinfo_size = dump->vmcoreinfo_len;
	if (job->plan->format->estimate(job, &st->estimated_size))
		return -1;
	if (job->plan->format->stats)
		job->plan->format->stats(job, st);
	return 0;
}

int kdl_job_finish(struct kdl_job *job, struct kdl_stats *st)
{
	struct kdl_stats local;
	struct stat sb;

	if (!st)
		st = &local;
	if (kdl_dump_freeze(job->dump))
		return -1;
	if (!job->out)
		return fill_stats(job, st);
	if (!job->dump->nsegs && job->plan->refuse_empty)
		return kdl_err(job->ctx, KDL_ERR_INVALID,
		               "the dump would hold no memory: no segment came (an empty dump is written only when asked for: --allow-empty)");
	if (job->segments != job->dump->nsegs)
		return kdl_err(job->ctx, KDL_ERR_INVALID,
		               "the dump has %zu segments and %zu were written: segments added beside a stream are not",
		               job->dump->nsegs, job->segments);
	settle_ahead(job);
	if (job->plan->format->finish(job) || fill_stats(job, st))
		return -1;
	for (unsigned i = 0; i < job->nfiles; i++) {
		if (fstat(job->files[i].fd, &sb))
			return kdl_err_sys(job->ctx, "%s", job->files[i].path);
		/* on a pipe the size is what was written, not the stream's */
		st->actual_size += S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
	}
	st->written = 1;
	for (unsigned i = 0; i < job->nfiles; i++)
		if (kdl_out_commit(&job->files[i])) {
			/* the files of a split dump come all together or not at all */
			while (i-- > 0)
				unlink(job->files[i].path);
			return -1;
		}
	return 0;
}
