/* What a dump holds, for --stats and --json. */
#include <inttypes.h>
#include <stdlib.h>

#include "codec/codec.h"
#include "model/model.h"

/* The classes of pages a dump level leaves out, in kdl_stats' order. */
static const struct {
	const char *key, *text;
} excluded_classes[] = {
	{"cache", "Cache pages:"},
	{"cache_private", "Private cache:"},
	{"user", "User pages:"},
	{"free", "Free pages:"},
	{"hwpoison", "Poisoned pages:"},
	{"offline", "Offline pages:"},
};

/* Page data written per byte of memory, as makedumpfile reports it. */
static double ratio(const struct kdl_stats *st)
{
	return st->total_memory ? (double)st->compressed_size / (double)st->total_memory : 0;
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
	/* a compressed file's size is known once it is written: before, its
	 * bound */
	kdl_str_add(b, st->codec ? "Size at most:    %" PRIu64 " bytes (%s), every page stored uncompressed\n"
	                         : "Estimated size:  %" PRIu64 " bytes (%s)\n",
	            st->estimated_size, kdl_human_size(st->estimated_size, human, sizeof(human)));
	if (st->actual_size)
		kdl_str_add(b, "Actual size:     %" PRIu64 " bytes (%s)\n", st->actual_size,
		            kdl_human_size(st->actual_size, human, sizeof(human)));
	if (st->codec) {
		kdl_str_add(b, "Compression:     %s", st->codec);
		if (kdl_codec_find(st->codec) && kdl_codec_find(st->codec)->info.has_levels)
			kdl_str_add(b, " level %d", st->level);
		kdl_str_add(b, "\nDump level:      %d\n", st->dump_level);
		/* what compression gives is known only once it ran */
		if (!st->written) {
			kdl_str_add(b, "Pages:           %" PRIu64 " total\n", st->pages_total);
		} else {
			kdl_str_add(b, "Pages:           %" PRIu64 " total, %" PRIu64 " dumped, %" PRIu64 " excluded as zero\n",
			            st->pages_total, st->pages_dumped, st->pages_zero);
			if (st->dump_level & ~1)
				for (size_t i = 0; i < KDL_ARRAY_SIZE(excluded_classes); i++)
					kdl_str_add(b, "%-17s%" PRIu64 " excluded\n", excluded_classes[i].text,
					            st->pages_excluded[i]);
			kdl_str_add(b, "Compressed size: %" PRIu64 " bytes (%s, ratio %.3f)\n",
			            st->compressed_size,
			            kdl_human_size(st->compressed_size, human, sizeof(human)),
			            ratio(st));
		}
	}
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
	if (st->codec) {
		kdl_str_add(b, "\"compression\": \"%s\", \"level\": %d, \"dump_level\": %d, "
		            "\"pages_total\": %" PRIu64 ", ",
		            st->codec, st->level, st->dump_level, st->pages_total);
		if (st->written) {
			kdl_str_add(b, "\"pages_dumped\": %" PRIu64 ", \"pages_zero\": %" PRIu64 ", "
			            "\"compressed_size\": %" PRIu64 ", \"compression_ratio\": %.6f, ",
			            st->pages_dumped, st->pages_zero, st->compressed_size,
			            ratio(st));
			kdl_str_add(b, "\"pages_excluded\": {");
			for (size_t i = 0; i < KDL_ARRAY_SIZE(excluded_classes); i++)
				kdl_str_add(b, "%s\"%s\": %" PRIu64, i ? ", " : "", excluded_classes[i].key,
				            st->pages_excluded[i]);
			kdl_str_add(b, "}, ");
		}
		else
			kdl_str_add(b, "\"pages_dumped\": null, \"pages_zero\": null, "
			            "\"compressed_size\": null, \"compression_ratio\": null, ");
	}
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
