/* How a dump is written: the options callers set, checked by the same
 * code whether they come through the setters or straight into the
 * struct, and resolved into the plan a write follows. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "write/write.h"

/* makedumpfile's users found gains stop near 32 threads, and each takes
 * its batches of pages */
#define MAX_THREADS 64
/* a file per disk of a large machine, and file descriptors to spare */
#define MAX_SPLIT 256

void kdl_options_init(struct kdl_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->format = kdl_format_default()->info.name;
	opts->codec = kdl_codec_default()->info.name;
	opts->level = kdl_codec_default()->info.default_level;
	opts->dump_level = 1;
}

static const struct kdl_format_ops *find_format(kdl_ctx *ctx, const char *name)
{
	return (const struct kdl_format_ops *)kdl_lookup(ctx, &kdl_formats, name);
}

int kdl_options_set_format(kdl_ctx *ctx, struct kdl_options *opts,
                           const char *format)
{
	if (!find_format(ctx, format))
		return -1;
	opts->format = format;
	return 0;
}

int kdl_options_set_compression(kdl_ctx *ctx, struct kdl_options *opts,
                                const char *name, int level, int has_level)
{
	const struct kdl_codec *codec = (const struct kdl_codec *)kdl_lookup(ctx, &kdl_codecs, name);

	if (!codec || kdl_codec_level(ctx, codec, level, has_level, &level))
		return -1;
	opts->codec = name;
	opts->level = level;
	return 0;
}

int kdl_options_set_dump_level(kdl_ctx *ctx, struct kdl_options *opts,
                               int level)
{
	if (level < 0 || level > 31)
		return kdl_err(ctx, KDL_ERR_INVALID, "dump levels are 0 to 31, not %d", level);
	opts->dump_level = level;
	return 0;
}

int kdl_options_set_threads(kdl_ctx *ctx, struct kdl_options *opts,
                            unsigned threads)
{
	if (threads > MAX_THREADS)
		return kdl_err(ctx, KDL_ERR_INVALID, "%u threads is too many (at most %d)", threads,
		               MAX_THREADS);
	opts->threads = threads;
	return 0;
}

int kdl_options_set_split(kdl_ctx *ctx, struct kdl_options *opts,
                          unsigned files)
{
	if (files > MAX_SPLIT)
		return kdl_err(ctx, KDL_ERR_INVALID, "%u files is too many to split a dump into (at most %d)",
		               files, MAX_SPLIT);
	opts->split = files;
	return 0;
}

int kdl_options_set_mode(kdl_ctx *ctx, struct kdl_options *opts, unsigned mode)
{
	if (mode & ~07777u)
		return kdl_err(ctx, KDL_ERR_INVALID, "mode 0%o is not a file's permissions (at most 07777)",
		               mode);
	opts->mode = mode;
	return 0;
}

int kdl_plan_make(kdl_ctx *ctx, const struct kdl_options *opts,
                  struct kdl_plan *plan)
{
	struct kdl_options checked;
	const struct kdl_codec *codec;
	long cpus;

	/* the setters' checks, on a copy; a codec without levels ignores
	 * the level */
	if (opts)
		checked = *opts;
	else
		kdl_options_init(&checked);
	codec = kdl_codec_find(checked.codec);
	if (kdl_options_set_format(ctx, &checked, checked.format) ||
	    kdl_options_set_compression(ctx, &checked, checked.codec, checked.level,
	                                codec && codec->info.has_levels) ||
	    kdl_options_set_dump_level(ctx, &checked, checked.dump_level) ||
	    kdl_options_set_threads(ctx, &checked, checked.threads) ||
	    kdl_options_set_split(ctx, &checked, checked.split) ||
	    kdl_options_set_mode(ctx, &checked, checked.mode))
		return -1;
	memset(plan, 0, sizeof(*plan));
	plan->format = kdl_format_find(checked.format);
	plan->codec = kdl_codec_find(checked.codec);
	plan->level = checked.level;
	plan->dump_level = checked.dump_level;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* one per CPU, up to the most that helps; a fast codec's leave the
	 * reading thread one */
	if (cpus > 1 && plan->codec->fast)
		cpus--;
	plan->threads = checked.threads ? checked.threads
	                : cpus > MAX_THREADS ? MAX_THREADS
	                : cpus > 0 ? (unsigned)cpus : 1;
	plan->flat = checked.flat != 0;
	plan->split = checked.split > 1 ? checked.split : 1;
	if (plan->split > 1 && !plan->format->can_split)
		return kdl_err(ctx, KDL_ERR_INVALID, "the %s format cannot be split into files; use the kdump format",
		               plan->format->info.name);
	if (plan->split > 1 && plan->flat)
		return kdl_err(ctx, KDL_ERR_INVALID, "a dump split into files cannot be flattened: makedumpfile --split writes them as they are");
	plan->timestamp = checked.has_timestamp ? checked.timestamp : (uint64_t)time(NULL);
	plan->scratch_dir = checked.scratch_dir;
	plan->mode = checked.mode ? checked.mode : 0600;
	plan->refuse_empty = checked.refuse_empty != 0;
	plan->progress = checked.progress;
	plan->progress_arg = checked.progress_arg;
	return 0;
}
