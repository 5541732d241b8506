/* stats.c: what a dump holds, as text and as JSON. */
#include <stdlib.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static kdl_dump *sample(void)
{
	static const uint8_t mem[0x3000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {0};

	if (!d)
		return NULL;
	kdl_dump_add_segment_buffer(d, 0x100000, 0xffff888000100000, mem, 0x3000);
	kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, mem, 0x800);
	kdl_dump_add_cpu(d, &s, NULL, 0);
	kdl_dump_set_vmcoreinfo(d, "OSRELEASE=6.1.0\n", 16);
	return d;
}

static void test_fill(void)
{
	kdl_dump *d = sample();
	struct kdl_stats st;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_stats(d, "elf", &st), 0);
	CHECK_STR(st.arch, "x86_64");
	CHECK_STR(st.format, "elf");
	CHECK_EQ(st.segments, 2);
	CHECK_EQ(st.cpus, 1);
	CHECK_EQ(st.total_memory, 0x3800);
	CHECK_EQ(st.vmcoreinfo_size, 16);
	/* headers, notes, one page, three pages */
	CHECK_EQ(st.estimated_size, 6 * 4096);
	CHECK_EQ(st.actual_size, 0);
	CHECK_EQ(kdl_dump_set_arch(d, "aarch64"), 0);
	CHECK_EQ(kdl_dump_stats(d, "elf", &st), 0);
	CHECK_STR(st.arch, "aarch64");
	kdl_dump_free(d);
}

static void test_text(void)
{
	kdl_dump *d = sample();
	struct kdl_stats st;
	char path[4096], *text;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_stats(d, "elf", &st), 0);
	text = kdl_dump_stats_text(d, &st, 0);
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

	CHECK_EQ(kdl_dump_write(d, scratch_path("dump", path, sizeof(path)), "elf", &st), 0);
	CHECK_EQ(st.actual_size, 24576);
	text = kdl_dump_stats_text(d, &st, 0);
	CHECK_HAS(text, "Estimated size:  24576 bytes (24.0 KiB)\nActual size:     24576 bytes (24.0 KiB)\nSegment 0:");
	free(text);
	kdl_dump_free(d);
}

static void test_json(void)
{
	kdl_dump *d = sample();
	struct kdl_stats st;
	char path[4096], *text;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_stats(d, "elf", &st), 0);
	text = kdl_dump_stats_text(d, &st, 1);
	CHECK_STR(text,
	          "{\"architecture\": \"x86_64\", \"format\": \"elf\", "
	          "\"segment_count\": 2, \"cpu_contexts\": 1, "
	          "\"total_memory\": 14336, \"total_memory_human\": \"14.0 KiB\", "
	          "\"vmcoreinfo_size\": 16, \"estimated_file_size\": 24576, "
	          "\"actual_file_size\": null, "
	          "\"segments\": [{\"phys\": \"0x1000\", \"virt\": \"0x1000\", \"size\": 2048}, "
	          "{\"phys\": \"0x100000\", \"virt\": \"0xffff888000100000\", \"size\": 12288}]}\n");
	free(text);
	CHECK_EQ(kdl_dump_write(d, scratch_path("dump", path, sizeof(path)), "elf", &st), 0);
	text = kdl_dump_stats_text(d, &st, 1);
	CHECK_HAS(text, "\"estimated_file_size\": 24576, \"actual_file_size\": 24576, \"segments\"");
	free(text);
	kdl_dump_free(d);
}

static void test_empty(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_stats st;
	char *text;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_stats(d, "elf", &st), 0);
	text = kdl_dump_stats_text(d, &st, 1);
	CHECK_HAS(text, "\"segment_count\": 0, \"cpu_contexts\": 0, \"total_memory\": 0, \"total_memory_human\": \"0 B\"");
	CHECK_HAS(text, "\"segments\": []}\n");
	free(text);
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_fill();
	test_text();
	test_json();
	test_empty();
	kdl_ctx_free(ctx);
	return check_done("stats");
}
