/* dump.c: the builder, which checks what goes in as it arrives. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static void test_arch(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);

	if (!CHECK(d))
		return;
	CHECK(d->arch == NULL);
	CHECK(kdl_dump_arch(d) == &kdl_arch_x86_64);
	CHECK_EQ(kdl_dump_set_arch(d, "arm64"), 0);
	CHECK(kdl_dump_arch(d) == &kdl_arch_aarch64);
	CHECK_EQ(kdl_dump_set_arch(d, "aarch64"), 0);
	CHECK_EQ(kdl_dump_set_arch(d, "x86_64"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "architecture conflict: both aarch64 and x86_64 are named");
	CHECK_EQ(kdl_dump_set_arch(d, "sparc"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown architecture 'sparc' (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)");
	kdl_dump_free(d);

	CHECK(kdl_dump_new(ctx, "sparc") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown architecture 'sparc' (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)");
	d = kdl_dump_new(ctx, "aarch64");
	if (CHECK(d))
		CHECK(kdl_dump_arch(d) == &kdl_arch_aarch64);
	kdl_dump_free(d);
	kdl_dump_free(NULL);
}

static void test_vmcoreinfo(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096];

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_page_size(d), 4096);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "OSRELEASE=1\nPAGESIZE=65536", 26), 0);
	CHECK_EQ(d->vmcoreinfo_len, 27);
	CHECK_MEM(d->vmcoreinfo, "OSRELEASE=1\nPAGESIZE=65536\n", 27);
	CHECK_EQ(kdl_dump_page_size(d), 65536);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "A=1\n", 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "VMCOREINFO is given twice");
	kdl_dump_free(d);

	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, scratch_path("nope", path, sizeof(path))), -1);
	CHECK(strstr(kdl_ctx_error(ctx), "/nope: No such file or directory") != NULL);
	write_file(scratch_path("bad", path, sizeof(path)), "A=1\nB\n", 6);
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, path), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "/bad: vmcoreinfo line 2 is not KEY=VALUE: 'B'");
	write_file(scratch_path("vi", path, sizeof(path)), "PAGESIZE=16384", 14);
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, path), 0);
	CHECK_EQ(d->vmcoreinfo_len, 15);
	CHECK_EQ(kdl_dump_page_size(d), 16384);
	kdl_dump_free(d);
}

static uint32_t page_size_for(const char *text)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	uint32_t size = 0;

	if (d && !kdl_dump_set_vmcoreinfo(d, text, strlen(text)))
		size = kdl_dump_page_size(d);
	kdl_dump_free(d);
	return size;
}

static void test_page_size(void)
{
	/* only a decimal power of two from 4 KiB to 256 KiB counts: the
	 * block sizes libkdumpfile accepts */
	CHECK_EQ(page_size_for("PAGESIZE=65536\n"), 65536);
	CHECK_EQ(page_size_for("PAGESIZE=262144\n"), 262144);
	CHECK_EQ(page_size_for("PAGESIZE=524288\n"), 4096);
	CHECK_EQ(page_size_for("PAGESIZE=1024\n"), 4096);
	CHECK_EQ(page_size_for("PAGESIZE=0x10000\n"), 4096);
	CHECK_EQ(page_size_for("PAGESIZE=512\n"), 4096);
	CHECK_EQ(page_size_for("PAGESIZE=12288\n"), 4096);
	CHECK_EQ(page_size_for("PAGESIZE=4294967296\n"), 4096);
	CHECK_EQ(page_size_for("PAGESIZE=\n"), 4096);
	CHECK_EQ(page_size_for("OSRELEASE=1\n"), 4096);
}

static void test_segments(void)
{
	static const uint8_t bytes[8192];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_segment_info info;
	char path[4096];
	int fds[2];

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x10000, 0x10000, bytes, 4096), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0xffff888000001000, bytes, 100), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x5000, 0, bytes, 1), 0);
	CHECK_EQ(kdl_dump_segment_count(d), 3);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x9000, 0x9000, bytes, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "empty segment at 0x9000");
	CHECK_EQ(kdl_dump_add_segment_buffer(d, UINT64_MAX - 2, UINT64_MAX - 2, bytes, 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0xfffffffffffffffd of 4 bytes goes past the end of the address space");
	/* up to the very last byte is fine */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, UINT64_MAX - 3, UINT64_MAX - 3, bytes, 4), 0);
	CHECK_EQ(kdl_dump_segment_count(d), 4);

	/* in the order added until laid out, then by physical address */
	CHECK_EQ(kdl_dump_segment(d, 0, &info), 0);
	CHECK_EQ(info.phys, 0x10000);
	CHECK_EQ(kdl_dump_check(d), 0);
	CHECK_EQ(kdl_dump_segment(d, 0, &info), 0);
	CHECK_EQ(info.phys, 0x1000);
	CHECK_EQ(info.virt, 0xffff888000001000);
	CHECK_EQ(info.size, 100);
	CHECK_EQ(kdl_dump_segment(d, 1, &info), 0);
	CHECK_EQ(info.phys, 0x5000);
	CHECK_EQ(info.virt, 0);
	CHECK_EQ(kdl_dump_segment(d, 2, &info), 0);
	CHECK_EQ(info.phys, 0x10000);
	CHECK_EQ(info.virt, 0x10000);
	CHECK_EQ(kdl_dump_segment(d, 4, &info), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no segment 4");
	CHECK_EQ(kdl_dump_total_memory(d), 4096 + 100 + 1 + 4);

	write_file(scratch_path("mem", path, sizeof(path)), bytes, 3000);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x20000, 0x20000, path, 0, KDL_LEN_ALL), 0);
	CHECK_EQ(d->segs[d->nsegs - 1].len, 3000);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x30000, 0x30000, path, 1000, KDL_LEN_ALL), 0);
	CHECK_EQ(d->segs[d->nsegs - 1].len, 2000);
	CHECK_EQ(d->segs[d->nsegs - 1].offset, 1000);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, path, 3001, KDL_LEN_ALL), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "/mem: offset 3001 is past its end (3000 bytes)");
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, path, 3000, KDL_LEN_ALL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "empty segment at 0x40000");
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, path, 1000, 2001), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "/mem: 2001 bytes at offset 1000 go past its end (3000 bytes)");
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, scratch_path("nope", path, sizeof(path)), 0, KDL_LEN_ALL), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "/nope: No such file or directory");

	if (CHECK_EQ(pipe(fds), 0)) {
		char want[64];

		CHECK_EQ(kdl_dump_add_segment_fd(d, 0x50000, 0x50000, fds[0], 0, KDL_LEN_ALL), -1);
		snprintf(want, sizeof(want), "fd %d: size unknown; give a length", fds[0]);
		CHECK_STR(kdl_ctx_error(ctx), want);
		close(fds[0]);
		close(fds[1]);
	}
	CHECK_EQ(kdl_dump_segment_count(d), 6);
	kdl_dump_free(d);
}

static void test_overlap(void)
{
	static const uint8_t bytes[0x2000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2000, 0x2000, bytes, 0x1000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, bytes, 0x1000), 0);
	/* touching is not overlapping */
	CHECK_EQ(kdl_dump_check(d), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2fff, 0x2fff, bytes, 2), 0);
	CHECK_EQ(kdl_dump_check(d), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment 0x2000-0x2fff overlaps segment 0x2fff-0x3000");
	kdl_dump_free(d);
}

static void test_cpus(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.cpu = 1, .pid = 5};
	struct kdl_reg regs[] = {{"rip", 1}, {"x0", 2}};
	char name[] = "RSP";
	struct kdl_reg owned[] = {{name, 3}};

	if (!CHECK(d))
		return;
	/* no architecture yet: any names, checked when laid out */
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 2), 0);
	s.cpu = 0;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, owned, 1), 0);
	/* the dump keeps its own copy of the names */
	name[0] = 'X';
	CHECK_STR(d->cpus[1].regs[0].name, "RSP");
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 0 is given twice");
	CHECK_EQ(d->ncpus, 2);
	kdl_dump_free(d);

	d = kdl_dump_new(ctx, "x86_64");
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 2), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "unknown register 'x0' for x86_64; valid registers: r15 ");
	CHECK_EQ(d->ncpus, 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 1), 0);
	CHECK_EQ(d->ncpus, 1);
	CHECK_EQ(d->cpus[0].status.pid, 5);
	kdl_dump_free(d);
}

static void test_notes(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_note(d, "VMCOREINFO", 0, "A=1\n", 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a VMCOREINFO note is set as vmcoreinfo, not as a custom note");
	CHECK_EQ(kdl_dump_add_note(d, "CORE", 1, "", 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CORE notes of type 1 (NT_PRSTATUS) are CPU contexts, not custom notes");
	CHECK_EQ(kdl_dump_add_note(d, "CORE", 2, "fp", 2), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 256, "a\0b", 3), 0);
	CHECK_EQ(kdl_dump_add_note(d, "EMPTY", 3, NULL, 0), 0);
	if (CHECK_EQ(d->nnotes, 3)) {
		CHECK_STR(d->notes[1].name, "ACME");
		CHECK_EQ(d->notes[1].type, 256);
		CHECK_EQ(d->notes[1].len, 3);
		CHECK_MEM(d->notes[1].desc, "a\0b", 3);
		CHECK_EQ(d->notes[2].len, 0);
	}
	kdl_dump_free(d);
}

static void test_metadata(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);

	if (!CHECK(d))
		return;
	CHECK_STR(d->vendor, "KDUMPLING");
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "box"), 0);
	CHECK_EQ(kdl_dump_add_annotation(d, "host", "other"), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "box"), 0);
	CHECK_EQ(d->nmetas, 2);
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "elsewhere"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "host is given twice, as 'box' and as 'elsewhere'");
	CHECK_EQ(kdl_dump_add_metadata(d, "", "v"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "'' is not a key: it must be non-empty, without '=' or newlines");
	CHECK_EQ(kdl_dump_add_metadata(d, "a=b", "v"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "'a=b' is not a key: it must be non-empty, without '=' or newlines");
	CHECK_EQ(kdl_dump_add_annotation(d, "a\nb", "v"), -1);
	CHECK_EQ(kdl_dump_add_annotation(d, "k", "two\nlines"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "the value of k has a newline");
	CHECK_EQ(kdl_dump_add_annotation(d, "k", "a=b and spaces"), 0);

	CHECK_EQ(kdl_dump_set_vendor(d, ""), -1);
	CHECK_STR(kdl_ctx_error(ctx), "the vendor name is empty");
	CHECK_EQ(kdl_dump_set_vendor(d, "ACME"), 0);
	/* another vendor's key of the same name is another key */
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "elsewhere"), 0);
	CHECK_EQ(kdl_dump_add_meta(d, "KDUMPLING", KDL_NOTE_METADATA, "host", "x"), -1);
	if (CHECK_EQ(d->nmetas, 4)) {
		CHECK_STR(d->metas[3].vendor, "ACME");
		CHECK_EQ(d->metas[3].kind, KDL_NOTE_METADATA);
		CHECK_EQ(d->metas[1].kind, KDL_NOTE_ANNOTATIONS);
	}
	kdl_dump_free(d);
}

static void test_stats(void)
{
	static const uint8_t bytes[5000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {0};
	struct kdl_stats st;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0x100000, bytes, 5000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1800, 0x1800, bytes, 10), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "OSRELEASE=1", 11), 0);
	CHECK_EQ(kdl_dump_stats(d, "elf", &st), 0);
	CHECK_STR(st.arch, "x86_64");
	CHECK_STR(st.format, "elf");
	CHECK_EQ(st.segments, 2);
	CHECK_EQ(st.cpus, 1);
	CHECK_EQ(st.total_memory, 5010);
	CHECK_EQ(st.vmcoreinfo_size, 12);
	/* a page of headers, a page of notes, 2 pages + 1 page of data */
	CHECK_EQ(st.estimated_size, 5 * 4096);
	CHECK_EQ(st.actual_size, 0);
	CHECK_EQ(kdl_dump_stats(d, "qcow", &st), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format 'qcow' (known: elf kdump)");
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_arch();
	test_vmcoreinfo();
	test_page_size();
	test_segments();
	test_overlap();
	test_cpus();
	test_notes();
	test_metadata();
	test_stats();
	kdl_ctx_free(ctx);
	return check_done("dump");
}
