/* write/stats.c: what a dump holds, as text and as JSON, for each format,
 * laid out and written. */
#include <stdlib.h>

#include "write-check.h"

/* Two segments out of order, a CPU and a vmcoreinfo; of the four pages,
 * one holds bytes that are not zero. */
static kdl_dump *sample(const char *arch)
{
	static uint8_t mem[0x3000];
	kdl_dump *d = kdl_dump_new(ctx, arch);
	struct kdl_prstatus s = {0};

	if (!d)
		return NULL;
	memset(mem + 0x1000, 0x5a, 0x1000);
	if (kdl_dump_add_segment_buffer(d, 0x100000, 0xffff888000100000, mem, 0x3000) ||
	    kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, mem, 0x800) ||
	    kdl_dump_add_cpu(d, &s, NULL, 0) ||
	    kdl_dump_set_vmcoreinfo(d, "OSRELEASE=6.1.0\n", 16)) {
		kdl_dump_free(d);
		return NULL;
	}
	return d;
}

/* The stats of the sample in a format, laid out or written (to path),
 * as text or JSON. */
static char *sample_text(const char *format, const char *codec,
                         const char *path, int json)
{
	kdl_dump *d = sample(NULL);
	struct kdl_options o;
	struct kdl_stats st;
	char *text = NULL;

	if (!d)
		return NULL;
	kdl_options_init(&o);
	o.format = format;
	o.codec = codec;
	o.has_timestamp = 1;
	if (path ? kdl_dump_write(d, path, &o, &st) : kdl_dump_stats(d, &o, &st))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	else
		text = kdl_dump_stats_text(d, &st, json);
	kdl_dump_free(d);
	return text;
}

/* zstd's level 0 is a level like any other, and is shown. */
static void test_level_zero(void)
{
	kdl_dump *d = sample(NULL);
	struct kdl_options o;
	struct kdl_stats st;
	char *text;

	kdl_options_init(&o);
	if (!CHECK(d) || !CHECK_EQ(kdl_options_set_format(ctx, &o, "kdump"), 0) ||
	    !CHECK_EQ(kdl_options_set_compression(ctx, &o, "zstd", 0, 1), 0) ||
	    !CHECK_EQ(kdl_dump_stats(d, &o, &st), 0)) {
		kdl_dump_free(d);
		return;
	}
	text = kdl_dump_stats_text(d, &st, 0);
	CHECK_HAS(text, "\nCompression:     zstd level 0\nDump level:      1\n");
	free(text);
	kdl_dump_free(d);
}

static void test_fill(void)
{
	kdl_dump *d = sample(NULL);
	struct kdl_stats st;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_stats(d, NULL, &st), 0);
	CHECK_STR(st.arch, "x86_64");
	CHECK_STR(st.format, "elf");
	CHECK_EQ(st.segments, 2);
	CHECK_EQ(st.cpus, 1);
	CHECK_EQ(st.total_memory, 0x3800);
	CHECK_EQ(st.vmcoreinfo_size, 16);
	/* headers, notes, one page, three pages */
	CHECK_EQ(st.estimated_size, 6 * 4096);
	CHECK_EQ(st.actual_size, 0);
	/* laid out, the dump is settled: its architecture with it */
	CHECK_EQ(kdl_dump_set_arch(d, "aarch64"), -1);
	check_error(KDL_ERR_INVALID, "the dump cannot change once it is frozen (laid out or written)");
	kdl_dump_free(d);

	d = sample("aarch64");
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_stats(d, NULL, &st), 0);
	CHECK_STR(st.arch, "aarch64");
	kdl_dump_free(d);
}

static void test_elf_text(void)
{
	char path[4096], *text;

	text = sample_text("elf", "zlib", NULL, 0);
	CHECK_STR(text,
	          "Architecture:    x86_64\n"
	          "Format:          elf\n"
	          "Segments:        2\n"
	          "CPU contexts:    1\n"
	          "Total memory:    14336 bytes (14.0 KiB)\n"
	          "VMCOREINFO size: 16 bytes\n"
	          "Estimated size:  24576 bytes (24.0 KiB)\n"
	          "Segment 0:       phys 0x1000 virt 0x1000 size 0x800 (2.0 KiB)\n"
	          "Segment 1:       phys 0x100000 virt 0xffff888000100000 size 0x3000 (12.0 KiB)\n");
	free(text);

	text = sample_text("elf", "zlib", scratch_path("elf", path, sizeof(path)), 0);
	CHECK_STR(text,
	          "Architecture:    x86_64\n"
	          "Format:          elf\n"
	          "Segments:        2\n"
	          "CPU contexts:    1\n"
	          "Total memory:    14336 bytes (14.0 KiB)\n"
	          "VMCOREINFO size: 16 bytes\n"
	          "Estimated size:  24576 bytes (24.0 KiB)\n"
	          "Actual size:     24576 bytes (24.0 KiB)\n"
	          "Segment 0:       phys 0x1000 virt 0x1000 size 0x800 (2.0 KiB)\n"
	          "Segment 1:       phys 0x100000 virt 0xffff888000100000 size 0x3000 (12.0 KiB)\n");
	free(text);
}

static void test_elf_json(void)
{
	char path[4096], *text;

	text = sample_text("elf", "zlib", NULL, 1);
	CHECK_STR(text,
	          "{\"architecture\": \"x86_64\", \"format\": \"elf\", "
	          "\"segment_count\": 2, \"cpu_contexts\": 1, "
	          "\"total_memory\": 14336, \"total_memory_human\": \"14.0 KiB\", "
	          "\"vmcoreinfo_size\": 16, \"estimated_file_size\": 24576, "
	          "\"actual_file_size\": null, "
	          "\"segments\": [{\"phys\": \"0x1000\", \"virt\": \"0x1000\", \"size\": 2048}, "
	          "{\"phys\": \"0x100000\", \"virt\": \"0xffff888000100000\", \"size\": 12288}]}\n");
	free(text);

	text = sample_text("elf", "zlib", scratch_path("elf", path, sizeof(path)), 1);
	CHECK_STR(text,
	          "{\"architecture\": \"x86_64\", \"format\": \"elf\", "
	          "\"segment_count\": 2, \"cpu_contexts\": 1, "
	          "\"total_memory\": 14336, \"total_memory_human\": \"14.0 KiB\", "
	          "\"vmcoreinfo_size\": 16, \"estimated_file_size\": 24576, "
	          "\"actual_file_size\": 24576, "
	          "\"segments\": [{\"phys\": \"0x1000\", \"virt\": \"0x1000\", \"size\": 2048}, "
	          "{\"phys\": \"0x100000\", \"virt\": \"0xffff888000100000\", \"size\": 12288}]}\n");
	free(text);
}

/* Laid out, only what the layout knows; written (without compression,
 * so that its sizes are exact), what compression gave. */
static void test_kdump_text(void)
{
	char path[4096], *text;

	text = sample_text("kdump", "zlib", NULL, 0);
	CHECK_STR(text,
	          "Architecture:    x86_64\n"
	          "Format:          kdump\n"
	          "Segments:        2\n"
	          "CPU contexts:    1\n"
	          "Total memory:    14336 bytes (14.0 KiB)\n"
	          "VMCOREINFO size: 16 bytes\n"
	          "Size at most:    36960 bytes (36.1 KiB), every page stored uncompressed\n"
	          "Compression:     zlib level 6\n"
	          "Dump level:      1\n"
	          "Pages:           4 total\n"
	          "Segment 0:       phys 0x1000 virt 0x1000 size 0x800 (2.0 KiB)\n"
	          "Segment 1:       phys 0x100000 virt 0xffff888000100000 size 0x3000 (12.0 KiB)\n");
	free(text);

	text = sample_text("kdump", "none", scratch_path("kdump", path, sizeof(path)), 0);
	CHECK_STR(text,
	          "Architecture:    x86_64\n"
	          "Format:          kdump\n"
	          "Segments:        2\n"
	          "CPU contexts:    1\n"
	          "Total memory:    14336 bytes (14.0 KiB)\n"
	          "VMCOREINFO size: 16 bytes\n"
	          "Size at most:    36960 bytes (36.1 KiB), every page stored uncompressed\n"
	          "Actual size:     24672 bytes (24.1 KiB)\n"
	          "Compression:     none\n"
	          "Dump level:      1\n"
	          "Pages:           4 total, 1 dumped, 3 excluded as zero\n"
	          "Compressed size: 4096 bytes (4.0 KiB, ratio 0.286)\n"
	          "Segment 0:       phys 0x1000 virt 0x1000 size 0x800 (2.0 KiB)\n"
	          "Segment 1:       phys 0x100000 virt 0xffff888000100000 size 0x3000 (12.0 KiB)\n");
	free(text);
}

static void test_kdump_json(void)
{
	char path[4096], *text;

	text = sample_text("kdump", "zlib", NULL, 1);
	CHECK_STR(text,
	          "{\"architecture\": \"x86_64\", \"format\": \"kdump\", "
	          "\"segment_count\": 2, \"cpu_contexts\": 1, "
	          "\"total_memory\": 14336, \"total_memory_human\": \"14.0 KiB\", "
	          "\"vmcoreinfo_size\": 16, \"estimated_file_size\": 36960, "
	          "\"actual_file_size\": null, "
	          "\"compression\": \"zlib\", \"level\": 6, \"dump_level\": 1, "
	          "\"pages_total\": 4, \"pages_dumped\": null, \"pages_zero\": null, "
	          "\"compressed_size\": null, \"compression_ratio\": null, "
	          "\"segments\": [{\"phys\": \"0x1000\", \"virt\": \"0x1000\", \"size\": 2048}, "
	          "{\"phys\": \"0x100000\", \"virt\": \"0xffff888000100000\", \"size\": 12288}]}\n");
	free(text);

	text = sample_text("kdump", "none", scratch_path("kdump", path, sizeof(path)), 1);
	CHECK_STR(text,
	          "{\"architecture\": \"x86_64\", \"format\": \"kdump\", "
	          "\"segment_count\": 2, \"cpu_contexts\": 1, "
	          "\"total_memory\": 14336, \"total_memory_human\": \"14.0 KiB\", "
	          "\"vmcoreinfo_size\": 16, \"estimated_file_size\": 36960, "
	          "\"actual_file_size\": 24672, "
	          "\"compression\": \"none\", \"level\": 0, \"dump_level\": 1, "
	          "\"pages_total\": 4, \"pages_dumped\": 1, \"pages_zero\": 3, "
	          "\"compressed_size\": 4096, \"compression_ratio\": 0.285714, " "\"pages_excluded\": {\"cache\": 0, \"cache_private\": 0, \"user\": 0, \"free\": 0, \"hwpoison\": 0, \"offline\": 0}, "
	          "\"segments\": [{\"phys\": \"0x1000\", \"virt\": \"0x1000\", \"size\": 2048}, "
	          "{\"phys\": \"0x100000\", \"virt\": \"0xffff888000100000\", \"size\": 12288}]}\n");
	free(text);
}

static void test_empty(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_stats st;
	char *text;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_stats(d, NULL, &st), 0);
	text = kdl_dump_stats_text(d, &st, 1);
	CHECK_STR(text,
	          "{\"architecture\": \"x86_64\", \"format\": \"elf\", "
	          "\"segment_count\": 0, \"cpu_contexts\": 0, "
	          "\"total_memory\": 0, \"total_memory_human\": \"0 B\", "
	          "\"vmcoreinfo_size\": 0, \"estimated_file_size\": 4096, "
	          "\"actual_file_size\": null, \"segments\": []}\n");
	free(text);
	text = kdl_dump_stats_text(d, &st, 0);
	CHECK_STR(text,
	          "Architecture:    x86_64\n"
	          "Format:          elf\n"
	          "Segments:        0\n"
	          "CPU contexts:    0\n"
	          "Total memory:    0 bytes (0 B)\n"
	          "VMCOREINFO size: 0 bytes\n"
	          "Estimated size:  4096 bytes (4.0 KiB)\n");
	free(text);
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_fill();
	test_level_zero();
	test_elf_text();
	test_elf_json();
	test_kdump_text();
	test_kdump_json();
	test_empty();
	kdl_ctx_free(ctx);
	return check_done("write/stats");
}
