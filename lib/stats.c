/* What a dump holds, for --stats and --json. */
#include <inttypes.h>
#include <stdlib.h>

#include "internal.h"

int kdl_stats_fill(kdl_dump *dump, const struct kdl_format_ops *ops,
                   struct kdl_stats *st)
{
	st->arch = kdl_dump_arch(dump)->name;
	st->format = ops->name;
	st->segments = dump->nsegs;
	st->cpus = dump->ncpus;
	st->total_memory = kdl_dump_total_memory(dump);
	st->vmcoreinfo_size = dump->vmcoreinfo_len;
	st->actual_size = 0;
	return ops->estimate(dump, &st->estimated_size);
}

int kdl_dump_stats(kdl_dump *dump, const char *format, struct kdl_stats *st)
{
	const struct kdl_format_ops *ops = kdl_format_find(dump->ctx, format);

	if (!ops || kdl_dump_check_segments(dump))
		return -1;
	return kdl_stats_fill(dump, ops, st);
}

static void text(struct kdl_str *b, const kdl_dump *dump,
                 const struct kdl_stats *st)
{
	char human[32];

	kdl_str_add(b, "Architecture:    %s\n", st->arch);
	kdl_str_add(b, "Format:          %s\n", st->format);
	kdl_str_add(b, "Segments:        %zu\n", st->segments);
	kdl_str_add(b, "CPU contexts:    %zu\n", st->cpus);
	kdl_str_add(b, "Total memory:    %" PRIu64 " bytes (%s)\n", st->total_memory,
	            kdl_human_size(st->total_memory, human, sizeof(human)));
	kdl_str_add(b, "VMCOREINFO size: %" PRIu64 " bytes\n", st->vmcoreinfo_size);
	kdl_str_add(b, "Estimated size:  %" PRIu64 " bytes (%s)\n", st->estimated_size,
	            kdl_human_size(st->estimated_size, human, sizeof(human)));
	if (st->actual_size)
		kdl_str_add(b, "Actual size:     %" PRIu64 " bytes (%s)\n", st->actual_size,
		            kdl_human_size(st->actual_size, human, sizeof(human)));
	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];

		kdl_str_add(b, "Segment %zu:       phys 0x%" PRIx64 " virt 0x%" PRIx64
		            " size 0x%" PRIx64 " (%s)\n", i, s->phys, s->virt, s->len,
		            kdl_human_size(s->len, human, sizeof(human)));
	}
}

static void json(struct kdl_str *b, const kdl_dump *dump,
                 const struct kdl_stats *st)
{
	char human[32];

	/* addresses as hex strings: JSON numbers lose precision past 2^53 */
	kdl_str_add(b, "{\"architecture\": \"%s\", \"format\": \"%s\", ", st->arch, st->format);
	kdl_str_add(b, "\"segment_count\": %zu, \"cpu_contexts\": %zu, ", st->segments, st->cpus);
	kdl_str_add(b, "\"total_memory\": %" PRIu64 ", \"total_memory_human\": \"%s\", ",
	            st->total_memory, kdl_human_size(st->total_memory, human, sizeof(human)));
	kdl_str_add(b, "\"vmcoreinfo_size\": %" PRIu64 ", \"estimated_file_size\": %" PRIu64 ", ",
	            st->vmcoreinfo_size, st->estimated_size);
	if (st->actual_size)
		kdl_str_add(b, "\"actual_file_size\": %" PRIu64 ", ", st->actual_size);
	else
		kdl_str_add(b, "\"actual_file_size\": null, ");
	kdl_str_add(b, "\"segments\": [");
	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];

		kdl_str_add(b, "%s{\"phys\": \"0x%" PRIx64 "\", \"virt\": \"0x%" PRIx64
		            "\", \"size\": %" PRIu64 "}", i ? ", " : "", s->phys, s->virt, s->len);
	}
	kdl_str_add(b, "]}\n");
}

char *kdl_dump_stats_text(kdl_dump *dump, const struct kdl_stats *st, int as_json)
{
	struct kdl_str b = {0};

	if (as_json)
		json(&b, dump, st);
	else
		text(&b, dump, st);
	return kdl_str_finish(dump->ctx, &b);
}
