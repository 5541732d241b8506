/* model/dump.c: the builder, which checks what goes in, and the freeze. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "model-check.h"

static kdl_ctx *ctx;

#define ARCHES "x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64"
#define FROZEN "the dump cannot change once it is frozen (laid out or written)"

/* A scratch file of len zero bytes, made sparse so that large ones cost
 * nothing. */
static const char *zero_file(const char *name, off_t len, char *path, size_t size)
{
	int fd = open(scratch_path(name, path, size), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, len) || close(fd)) {
		perror(path);
		exit(2);
	}
	return path;
}

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
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_set_arch(d, "sparc"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown architecture 'sparc' (known: " ARCHES ")");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(kdl_dump_arch(d) == &kdl_arch_aarch64);
	kdl_dump_free(d);

	CHECK(kdl_dump_new(ctx, "sparc") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown architecture 'sparc' (known: " ARCHES ")");
	d = kdl_dump_new(ctx, "aarch64");
	if (CHECK(d))
		CHECK(kdl_dump_arch(d) == &kdl_arch_aarch64);
	kdl_dump_free(d);
	d = kdl_dump_new(ctx, "arm64");
	if (CHECK(d))
		CHECK(d->arch == &kdl_arch_aarch64);
	kdl_dump_free(d);
	kdl_dump_free(NULL);
}

static void test_vmcoreinfo(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	size_t len = 0;
	const char *v;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_page_size(d), 4096);
	CHECK(kdl_dump_vmcoreinfo_value(d, "OSRELEASE", &len) == NULL);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "OSRELEASE=1\nPAGESIZE=65536", 26), 0);
	CHECK_EQ(d->vmcoreinfo_len, 27);
	CHECK_MEM(d->vmcoreinfo, "OSRELEASE=1\nPAGESIZE=65536\n", 27);
	CHECK_EQ(kdl_dump_page_size(d), 65536);
	v = kdl_dump_vmcoreinfo_value(d, "PAGESIZE", &len);
	if (CHECK(v)) {
		CHECK_EQ(len, 5);
		CHECK_MEM(v, "65536", 5);
	}
	CHECK(kdl_dump_vmcoreinfo_value(d, "CRASHTIME", &len) == NULL);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "A=1\n", 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "VMCOREINFO is given twice");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_MEM(d->vmcoreinfo, "OSRELEASE=1\nPAGESIZE=65536\n", 27);
	kdl_dump_free(d);

	/* refused text is not kept */
	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "A=1\nB\n", 6), -1);
	CHECK_STR(kdl_ctx_error(ctx), "vmcoreinfo line 2 is not KEY=VALUE: 'B'");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(d->vmcoreinfo == NULL);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "A=1", 3), 0);
	CHECK_EQ(d->vmcoreinfo_len, 4);
	kdl_dump_free(d);
}

static void test_vmcoreinfo_file(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096], want[4200];

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, scratch_path("nope", path, sizeof(path))), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	/* what a file holds is input: corrupt, not an invalid argument */
	write_file(scratch_path("bad", path, sizeof(path)), "A=1\nB\n", 6);
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, path), -1);
	snprintf(want, sizeof(want), "%s: vmcoreinfo line 2 is not KEY=VALUE: 'B'", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	write_file(scratch_path("nul", path, sizeof(path)), "A=1\0", 4);
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, path), -1);
	snprintf(want, sizeof(want), "%s: vmcoreinfo contains a NUL byte: it must be text", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	/* more than the kernel's page of vmcoreinfo by far */
	zero_file("huge", (1 << 20) + 1, path, sizeof(path));
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, path), -1);
	snprintf(want, sizeof(want), "%s: too large for vmcoreinfo", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK(d->vmcoreinfo == NULL);

	write_file(scratch_path("vi", path, sizeof(path)), "PAGESIZE=16384", 14);
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, path), 0);
	CHECK_EQ(d->vmcoreinfo_len, 15);
	CHECK_MEM(d->vmcoreinfo, "PAGESIZE=16384\n", 15);
	CHECK_EQ(kdl_dump_page_size(d), 16384);
	/* twice is the caller's mistake, whatever the second file holds */
	CHECK_EQ(kdl_dump_set_vmcoreinfo_file(d, path), -1);
	CHECK_STR(kdl_ctx_error(ctx), "VMCOREINFO is given twice");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
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

static void test_page_size_from_vmcoreinfo(void)
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

static void test_set_page_size(void)
{
	kdl_dump *d = kdl_dump_new(ctx, "ppc64");

	if (!CHECK(d))
		return;
	/* the architecture's, unless set */
	CHECK_EQ(kdl_dump_page_size(d), 65536);
	CHECK_EQ(kdl_dump_set_page_size(d, 12288), -1);
	CHECK_STR(kdl_ctx_error(ctx), "page size 12288 is not a power of two from 4096 to 262144");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_set_page_size(d, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "page size 0 is not a power of two from 4096 to 262144");
	CHECK_EQ(kdl_dump_set_page_size(d, 524288), -1);
	/* not cut to 32 bits, where it would be 4096 */
	CHECK_EQ(kdl_dump_set_page_size(d, (1ull << 32) + 4096), -1);
	CHECK_STR(kdl_ctx_error(ctx), "page size 4294971392 is not a power of two from 4096 to 262144");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_page_size(d), 65536);
	CHECK_EQ(kdl_dump_set_page_size(d, 16384), 0);
	CHECK_EQ(kdl_dump_page_size(d), 16384);
	/* a PAGESIZE readers ignore does not count against it */
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "PAGESIZE=0x4000\n", 16), 0);
	CHECK_EQ(kdl_dump_page_size(d), 16384);
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK_EQ(kdl_dump_page_size(d), 16384);
	kdl_dump_free(d);
}

static void test_segments_sorted_when_frozen(void)
{
	static const uint8_t bytes[8192];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_segment_info info;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_segment_count(d), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x10000, 0x10000, bytes, 4096), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0xffff888000001000, bytes, 100), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x5000, 0, bytes + 1, 1), 0);
	CHECK_EQ(kdl_dump_segment_count(d), 3);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x9000, 0x9000, bytes, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x9000: a segment cannot be empty");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, UINT64_MAX - 2, UINT64_MAX - 2, bytes, 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0xfffffffffffffffd of 4 bytes goes past the end of the address space");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	/* up to the very last byte is fine */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, UINT64_MAX - 3, UINT64_MAX - 3, bytes, 4), 0);
	CHECK_EQ(kdl_dump_segment_count(d), 4);

	/* in the order added until frozen, then by physical address */
	CHECK_EQ(kdl_dump_segment(d, 0, &info), 0);
	CHECK_EQ(info.phys, 0x10000);
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK_EQ(kdl_dump_segment(d, 0, &info), 0);
	CHECK_EQ(info.phys, 0x1000);
	CHECK_EQ(info.virt, 0xffff888000001000);
	CHECK_EQ(info.size, 100);
	CHECK_EQ(kdl_dump_segment(d, 1, &info), 0);
	CHECK_EQ(info.phys, 0x5000);
	CHECK_EQ(info.virt, 0);
	CHECK_EQ(info.size, 1);
	CHECK(d->segs[1].buf == bytes + 1);
	CHECK_EQ(d->segs[1].origin, KDL_ORIGIN_BUFFER);
	CHECK_EQ(kdl_dump_segment(d, 2, &info), 0);
	CHECK_EQ(info.phys, 0x10000);
	CHECK_EQ(info.virt, 0x10000);
	CHECK_EQ(kdl_dump_segment(d, 3, &info), 0);
	CHECK_EQ(info.phys, UINT64_MAX - 3);
	CHECK_EQ(info.size, 4);
	CHECK_EQ(kdl_dump_segment(d, 4, &info), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no segment 4");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_total_memory(d), 4096 + 100 + 1 + 4);
	kdl_dump_free(d);
}

static void test_segment_path(void)
{
	static const uint8_t bytes[3000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096], want[4200];

	if (!CHECK(d))
		return;
	write_file(scratch_path("mem", path, sizeof(path)), bytes, sizeof(bytes));
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x20000, 0x20000, path, 0, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(d->segs[d->nsegs - 1].len, 3000);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x30000, 0x30000, path, 1000, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(d->segs[d->nsegs - 1].len, 2000);
	CHECK_EQ(d->segs[d->nsegs - 1].offset, 1000);
	CHECK_EQ(d->segs[d->nsegs - 1].origin, KDL_ORIGIN_PATH);
	/* the dump keeps its own copy of the path, and no descriptor */
	CHECK(d->segs[d->nsegs - 1].path != path);
	CHECK_STR(d->segs[d->nsegs - 1].path, path);
	CHECK_EQ(d->segs[d->nsegs - 1].fd, -1);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x38000, 0x38000, path, 10, 20), 0);
	CHECK_EQ(d->segs[d->nsegs - 1].len, 20);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, path, 3001, KDL_LENGTH_UNKNOWN), -1);
	snprintf(want, sizeof(want), "%s: offset 3001 is past its end (3000 bytes)", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, path, 3000, KDL_LENGTH_UNKNOWN), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x40000: a segment cannot be empty");
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, path, 1000, 2001), -1);
	snprintf(want, sizeof(want), "%s: 2001 bytes at offset 1000 go past its end (3000 bytes)", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x40000, 0x40000, scratch_path("nope", path, sizeof(path)), 0, KDL_LENGTH_UNKNOWN), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK_EQ(kdl_dump_segment_count(d), 3);
	CHECK_EQ(kdl_dump_total_memory(d), 3000 + 2000 + 20);
	kdl_dump_free(d);
}

static void test_segment_fd(void)
{
	static const uint8_t bytes[3000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096], want[128];
	int fd, fds[2];

	if (!CHECK(d))
		return;
	write_file(scratch_path("mem", path, sizeof(path)), bytes, sizeof(bytes));
	fd = open(path, O_RDONLY);
	if (!CHECK(fd >= 0)) {
		kdl_dump_free(d);
		return;
	}
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x20000, 0x20000, fd, 500, KDL_LENGTH_UNKNOWN), 0);
	if (CHECK_EQ(kdl_dump_segment_count(d), 1)) {
		CHECK_EQ(d->segs[0].len, 2500);
		CHECK_EQ(d->segs[0].offset, 500);
		CHECK_EQ(d->segs[0].origin, KDL_ORIGIN_FD);
		CHECK_EQ(d->segs[0].fd, fd);
		CHECK(d->segs[0].path == NULL);
	}
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x30000, 0x30000, fd, 2000, 1001), -1);
	snprintf(want, sizeof(want), "fd %d: 1001 bytes at offset 2000 go past its end (3000 bytes)", fd);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	close(fd);
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x30000, 0x30000, fd, 0, KDL_LENGTH_UNKNOWN), -1);
	snprintf(want, sizeof(want), "fd %d: Bad file descriptor", fd);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);

	if (CHECK_EQ(pipe(fds), 0)) {
		CHECK_EQ(kdl_dump_add_segment_fd(d, 0x50000, 0x50000, fds[0], 0, KDL_LENGTH_UNKNOWN), -1);
		snprintf(want, sizeof(want), "fd %d: size unknown; give a length", fds[0]);
		CHECK_STR(kdl_ctx_error(ctx), want);
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
		/* with a length, a pipe will do */
		CHECK_EQ(kdl_dump_add_segment_fd(d, 0x50000, 0x50000, fds[0], 0, 4096), 0);
		CHECK_EQ(d->segs[d->nsegs - 1].len, 4096);
		close(fds[0]);
		close(fds[1]);
	}
	CHECK_EQ(kdl_dump_segment_count(d), 2);
	kdl_dump_free(d);
}

static void test_add_segment(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[] = "/spool";
	struct kdl_seg seg = {.phys = 0x1000, .virt = 0x2000, .len = 0x3000,
	                      .origin = KDL_ORIGIN_NONE, .fd = -1, .path = path};

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment(d, &seg), 0);
	path[1] = 'X';
	seg.len = 0;
	CHECK_EQ(kdl_dump_add_segment(d, &seg), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x1000: a segment cannot be empty");
	if (CHECK_EQ(kdl_dump_segment_count(d), 1)) {
		CHECK_EQ(d->segs[0].origin, KDL_ORIGIN_NONE);
		CHECK_EQ(d->segs[0].virt, 0x2000);
		CHECK_EQ(d->segs[0].len, 0x3000);
		CHECK_STR(d->segs[0].path, "/spool");
	}
	kdl_dump_free(d);
}

static void test_own_spool(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	int fd;

	if (!CHECK(d))
		return;
	CHECK_EQ(d->spool, -1);
	fd = open("/dev/null", O_RDONLY);
	if (!CHECK(fd >= 0)) {
		kdl_dump_free(d);
		return;
	}
	kdl_dump_own_spool(d, fd);
	CHECK(fd_is_open(fd));
	kdl_dump_free(d);
	CHECK(!fd_is_open(fd));
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
	CHECK_EQ(kdl_dump_freeze(d), 0);
	kdl_dump_free(d);

	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2fff, 0x2fff, bytes, 2), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2000, 0x2000, bytes, 0x1000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, bytes, 0x1000), 0);
	CHECK_EQ(kdl_dump_freeze(d), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment 0x2000-0x2fff overlaps segment 0x2fff-0x3000");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	/* a dump that failed to freeze can still be changed */
	CHECK(!d->frozen);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x8000, 0x8000, bytes, 1), 0);
	kdl_dump_free(d);
}

/* An alias keeps only what segments hold, one alias a run without a gap,
 * and says what it lost. */
static void test_aliases(void)
{
	static const uint8_t bytes[0x2000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char *warned = NULL;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_alias(d, 0x1000, 0xffffffff81000000, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "alias of 0x1000 at 0xffffffff81000000: an alias cannot be empty");
	CHECK_EQ(kdl_dump_add_alias(d, 0xfffffffffffff000, 0xffffffff81000000, 0x2000), -1);
	CHECK_STR(kdl_ctx_error(ctx), "alias of 0xfffffffffffff000 at 0xffffffff81000000 of 8192 bytes goes past the end of the address space");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_add_alias(d, 0x1000, 0xfffffffffffff000, 0x2000), -1);
	CHECK_STR(kdl_ctx_error(ctx), "alias of 0x1000 at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	/* the last byte of the address space is one */
	CHECK_EQ(kdl_dump_add_alias(d, 0xfffffffffffff000, 0xfffffffffffff000, 0x1000), 0);
	CHECK_EQ(d->naliases, 1);

	/* segments 0x1000-0x2fff and 0x3000-0x3fff touch; 0x6000-0x6fff is apart */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x6000, 0x6000, bytes, 0x1000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x3000, 0x3000, bytes, 0x1000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, bytes, 0x2000), 0);
	CHECK_EQ(kdl_dump_add_alias(d, 0x5000, 0xffffffffa0000000, 0x3000), 0);
	CHECK_EQ(kdl_dump_add_alias(d, 0x1000, 0xffffffff81000000, 0x3000), 0);
	CHECK_EQ(kdl_dump_add_alias(d, 0x2000, 0xffffffffc0000000, 0x5000), 0);
	CHECK_EQ(kdl_dump_add_alias(d, 0x8000, 0xffffffffe0000000, 0x1000), 0);
	kdl_ctx_set_warn(ctx, collect_warnings, &warned);
	CHECK_EQ(kdl_dump_freeze(d), 0);
	kdl_ctx_set_warn(ctx, NULL, NULL);
	CHECK_STR(warned,
	          "alias of 0x2000-0x6fff at 0xffffffffc0000000: 0x4000-0x5fff is in no segment, so no alias of it\n"
	          "alias of 0x5000-0x7fff at 0xffffffffa0000000: 0x5000-0x5fff is in no segment, so no alias of it\n"
	          "alias of 0x5000-0x7fff at 0xffffffffa0000000: 0x7000-0x7fff is in no segment, so no alias of it\n"
	          "alias of 0x8000-0x8fff at 0xffffffffe0000000: 0x8000-0x8fff is in no segment, so no alias of it\n"
	          "alias of 0xfffffffffffff000-0xffffffffffffffff at 0xfffffffffffff000: 0xfffffffffffff000-0xffffffffffffffff is in no segment, so no alias of it\n");
	if (CHECK_EQ(d->naliases, 4)) {
		static const struct kdl_alias want[] = {
			{0x1000, 0xffffffff81000000, 0x3000},
			{0x2000, 0xffffffffc0000000, 0x2000},
			{0x6000, 0xffffffffa0001000, 0x1000},
			{0x6000, 0xffffffffc0004000, 0x1000},
		};

		for (size_t i = 0; i < 4; i++) {
			CHECK_EQ(d->aliases[i].phys, want[i].phys);
			CHECK_EQ(d->aliases[i].virt, want[i].virt);
			CHECK_EQ(d->aliases[i].len, want[i].len);
		}
	}
	CHECK_EQ(kdl_dump_add_alias(d, 0x1000, 0xffffffff81000000, 0x1000), -1);
	CHECK_STR(kdl_ctx_error(ctx), FROZEN);
	free(warned);
	kdl_dump_free(d);
}

static void test_cpus(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.cpu = 1, .pid = 5};
	struct kdl_reg regs[] = {{"rip", 1}, {"x0", 2}};
	struct kdl_reg nowhere[] = {{"foo", 1}};
	char name[] = "RSP";
	struct kdl_reg owned[] = {{name, 3}};

	if (!CHECK(d))
		return;
	/* no architecture yet: any name some architecture has, checked
	 * when frozen */
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 2), 0);
	s.cpu = 0;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, owned, 1), 0);
	/* the dump keeps its own copy of the names */
	name[0] = 'X';
	CHECK_STR(d->cpus[1].regs[0].name, "RSP");
	CHECK_EQ(d->cpus[1].regs[0].value, 3);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 0 is given twice");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	s.cpu = 3;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, nowhere, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 3: unknown register 'foo' for x86_64; valid registers: " X86_REGS);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(d->ncpus, 2);
	kdl_dump_free(d);

	d = kdl_dump_new(ctx, "x86_64");
	if (!CHECK(d))
		return;
	s.cpu = 0;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 0: unknown register 'x0' for x86_64; valid registers: " X86_REGS);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(d->ncpus, 0);
	s.cursig = 65536;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 0: cursig 65536 does not fit in 16 bits");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	s.cursig = 11;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 1), 0);
	CHECK_EQ(d->ncpus, 1);
	CHECK_EQ(d->cpus[0].status.pid, 5);
	CHECK_EQ(d->cpus[0].status.cursig, 11);
	CHECK_EQ(d->cpus[0].nregs, 1);
	kdl_dump_free(d);
}

static void test_notes(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_note(d, "VMCOREINFO", 0, "A=1\n", 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a VMCOREINFO note is set as vmcoreinfo, not as a custom note");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
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

static void test_note_file(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096], want[4200];

	if (!CHECK(d))
		return;
	write_file(scratch_path("note", path, sizeof(path)), "x\0y\n", 4);
	CHECK_EQ(kdl_dump_add_note_file(d, "ACME", 7, path), 0);
	if (CHECK_EQ(d->nnotes, 1)) {
		CHECK_STR(d->notes[0].name, "ACME");
		CHECK_EQ(d->notes[0].type, 7);
		CHECK_EQ(d->notes[0].len, 4);
		CHECK_MEM(d->notes[0].desc, "x\0y\n", 4);
	}
	/* a file's note is checked as any other */
	CHECK_EQ(kdl_dump_add_note_file(d, "VMCOREINFO", 0, path), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a VMCOREINFO note is set as vmcoreinfo, not as a custom note");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	write_file(scratch_path("empty", path, sizeof(path)), "", 0);
	CHECK_EQ(kdl_dump_add_note_file(d, "EMPTY", 3, path), 0);
	CHECK_EQ(kdl_dump_add_note_file(d, "ACME", 7, scratch_path("nope", path, sizeof(path))), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);

	/* notes live in every reader's memory: 16 MiB at most */
	CHECK_EQ(kdl_dump_add_note_file(d, "BIG", 8, zero_file("16m", 16 << 20, path, sizeof(path))), 0);
	if (CHECK_EQ(d->nnotes, 3))
		CHECK_EQ(d->notes[2].len, 16 << 20);
	CHECK_EQ(kdl_dump_add_note_file(d, "BIG", 9, zero_file("16m+1", (16 << 20) + 1, path, sizeof(path))), -1);
	snprintf(want, sizeof(want), "%s: too large for a note", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_EQ(d->nnotes, 3);
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
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_add_metadata(d, "", "v"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "'' is not a key: it must be non-empty, without '=' or newlines");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_add_metadata(d, "a=b", "v"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "'a=b' is not a key: it must be non-empty, without '=' or newlines");
	CHECK_EQ(kdl_dump_add_annotation(d, "a\nb", "v"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "'a\nb' is not a key: it must be non-empty, without '=' or newlines");
	CHECK_EQ(kdl_dump_add_annotation(d, "k", "two\nlines"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "the value of k has a newline");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_dump_add_annotation(d, "k", "a=b and spaces"), 0);

	CHECK_EQ(kdl_dump_set_vendor(d, ""), -1);
	CHECK_STR(kdl_ctx_error(ctx), "the vendor name is empty");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_STR(d->vendor, "KDUMPLING");
	CHECK_EQ(kdl_dump_set_vendor(d, "ACME"), 0);
	CHECK_STR(d->vendor, "ACME");
	/* another vendor's key of the same name is another key */
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "elsewhere"), 0);
	CHECK_EQ(kdl_dump_add_meta(d, "KDUMPLING", KDL_NOTE_METADATA, "host", "x"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "host is given twice, as 'box' and as 'x'");
	if (CHECK_EQ(d->nmetas, 4)) {
		CHECK_STR(d->metas[3].vendor, "ACME");
		CHECK_STR(d->metas[3].key, "host");
		CHECK_STR(d->metas[3].value, "elsewhere");
		CHECK_EQ(d->metas[3].kind, KDL_NOTE_METADATA);
		CHECK_STR(d->metas[1].vendor, "KDUMPLING");
		CHECK_EQ(d->metas[1].kind, KDL_NOTE_ANNOTATIONS);
	}
	kdl_dump_free(d);
}

/* What a writer takes from the dump for its stats; the stats themselves
 * are lib/write's. */
static void test_totals(void)
{
	static const uint8_t bytes[5000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {0};

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_total_memory(d), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0x100000, bytes, 5000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1800, 0x1800, bytes, 10), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "OSRELEASE=1", 11), 0);
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK_STR(kdl_dump_arch(d)->info.name, "x86_64");
	CHECK_EQ(kdl_dump_segment_count(d), 2);
	CHECK_EQ(d->ncpus, 1);
	CHECK_EQ(kdl_dump_total_memory(d), 5010);
	CHECK_EQ(d->vmcoreinfo_len, 12);
	kdl_dump_free(d);
}

static void test_freeze_page_size_conflict(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_set_page_size(d, 4096), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "PAGESIZE=65536\n", 15), 0);
	CHECK_EQ(kdl_dump_freeze(d), -1);
	CHECK_STR(kdl_ctx_error(ctx), "page size 4096 conflicts with PAGESIZE=65536 in the vmcoreinfo");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(!d->frozen);
	/* saying the same twice is no conflict */
	CHECK_EQ(kdl_dump_set_page_size(d, 65536), 0);
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK_EQ(kdl_dump_page_size(d), 65536);
	kdl_dump_free(d);
}

static void test_freeze_checks_registers(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.cpu = 4};
	struct kdl_reg reg = {"x0", 1};
	struct kdl_reg twice[] = {{"eflags", 1}, {"RFLAGS", 2}};
	struct kdl_reg same[] = {{"rip", 1}, {"RIP", 2}};

	if (!CHECK(d))
		return;
	/* accepted while no architecture is named, refused when frozen
	 * against the default one */
	CHECK_EQ(kdl_dump_add_cpu(d, &s, &reg, 1), 0);
	CHECK_EQ(kdl_dump_freeze(d), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 4: unknown register 'x0' for x86_64; valid registers: " X86_REGS);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(!d->frozen);
	CHECK(kdl_dump_notes(d)->buf == NULL);
	/* or against the one named after the CPU came */
	CHECK_EQ(kdl_dump_set_arch(d, "arm64"), 0);
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK_EQ(kdl_dump_notes(d)->len, 12 + 8 + 392);
	CHECK(kdl_dump_notes(d)->buf != NULL);
	kdl_dump_free(d);

	/* naming the architecture does not look at the CPUs: freezing does */
	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, &reg, 1), 0);
	CHECK_EQ(kdl_dump_set_arch(d, "x86_64"), 0);
	CHECK_EQ(kdl_dump_freeze(d), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 4: unknown register 'x0' for x86_64; valid registers: " X86_REGS);
	kdl_dump_free(d);

	/* what only the architecture can tell waits for it too */
	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	s.cpu = 0;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, twice, 2), 0);
	CHECK_EQ(kdl_dump_freeze(d), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 0: register RFLAGS is given twice (also as eflags)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	kdl_dump_free(d);
	/* one name twice is wrong whatever the architecture: at once */
	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, same, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CPU 0: register RIP is given twice (also as rip)");
	kdl_dump_free(d);
}

/* A dump of every kind of piece, frozen. */
static kdl_dump *frozen_dump(void)
{
	static const uint8_t bytes[4096];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.cpu = 0, .pid = 1};
	struct kdl_reg rip = {"rip", 0xffffffff81000000};

	if (!d)
		return NULL;
	if (kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, bytes, 4096) ||
	    kdl_dump_add_cpu(d, &s, &rip, 1) ||
	    kdl_dump_set_vmcoreinfo(d, "OSRELEASE=6.1.0\n", 16) ||
	    kdl_dump_add_note(d, "ACME", 5, "abc", 3) ||
	    kdl_dump_add_metadata(d, "host", "box") ||
	    kdl_dump_freeze(d)) {
		kdl_dump_free(d);
		return NULL;
	}
	return d;
}

static void test_frozen_refuses_changes(void)
{
	static const uint8_t bytes[4096];
	kdl_dump *d = frozen_dump(), *bare = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.cpu = 1};
	const uint8_t *built;
	char path[4096];
	int fd;

	if (!CHECK(d) || !CHECK(bare)) {
		kdl_dump_free(d);
		kdl_dump_free(bare);
		return;
	}
	write_file(scratch_path("file", path, sizeof(path)), "A=1\n", 4);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
#define REFUSED(call)                                     \
	do {                                              \
		CHECK_EQ(call, -1);                       \
		CHECK_STR(kdl_ctx_error(ctx), FROZEN);    \
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID); \
	} while (0)
	REFUSED(kdl_dump_set_arch(d, "x86_64"));
	REFUSED(kdl_dump_set_arch(d, "aarch64"));
	REFUSED(kdl_dump_set_vmcoreinfo(d, "A=1\n", 4));
	REFUSED(kdl_dump_set_vmcoreinfo_file(d, path));
	REFUSED(kdl_dump_set_page_size(d, 4096));
	REFUSED(kdl_dump_add_segment_buffer(d, 0x9000, 0x9000, bytes, 16));
	REFUSED(kdl_dump_add_segment_path(d, 0x9000, 0x9000, path, 0, KDL_LENGTH_UNKNOWN));
	REFUSED(kdl_dump_add_segment_fd(d, 0x9000, 0x9000, fd, 0, KDL_LENGTH_UNKNOWN));
	REFUSED(kdl_dump_add_cpu(d, &s, NULL, 0));
	REFUSED(kdl_dump_add_note(d, "ACME", 6, "x", 1));
	REFUSED(kdl_dump_add_note_file(d, "ACME", 6, path));
	REFUSED(kdl_dump_set_vendor(d, "ACME"));
	REFUSED(kdl_dump_add_metadata(d, "other", "v"));
	REFUSED(kdl_dump_add_annotation(d, "why", "v"));
	REFUSED(kdl_dump_add_meta(d, "ACME", KDL_NOTE_METADATA, "k", "v"));
	/* without a vmcoreinfo of its own, a frozen dump is still the
	 * caller's mistake, not a bad file */
	if (CHECK_EQ(kdl_dump_freeze(bare), 0))
		REFUSED(kdl_dump_set_vmcoreinfo_file(bare, path));
#undef REFUSED
	if (fd >= 0)
		close(fd);
	CHECK_EQ(kdl_dump_segment_count(d), 1);
	CHECK_EQ(d->ncpus, 1);
	CHECK_EQ(d->nnotes, 1);
	CHECK_EQ(d->nmetas, 1);
	CHECK_STR(d->vendor, "KDUMPLING");
	CHECK_EQ(d->vmcoreinfo_len, 16);

	/* freezing again changes nothing: the notes are built once */
	built = kdl_dump_notes(d)->buf;
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK(kdl_dump_notes(d)->buf == built);
	kdl_dump_free(d);
	kdl_dump_free(bare);
}

static void test_notes_size(void)
{
	static const uint8_t bytes[4096];
	kdl_dump *d = kdl_dump_new(ctx, "s390x");
	struct kdl_prstatus s = {.cpu = 1};
	struct kdl_reg regs[] = {{"a0", 7}};
	size_t before = 0, after = 0;
	const struct kdl_notes *n;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_notes_size(d, &before), 0);
	CHECK_EQ(before, 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, bytes, 4096), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 1), 0);
	s.cpu = 0;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "OSRELEASE=6.1.0", 15), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 5, "abcde", 5), 0);
	CHECK_EQ(kdl_dump_set_vendor(d, "BETA"), 0);
	CHECK_EQ(kdl_dump_add_annotation(d, "why", "oops"), 0);
	CHECK_EQ(kdl_dump_notes_size(d, &before), 0);
	CHECK_EQ(before, 2 * (12 + 8 + 336) + (12 + 12 + 16) + (12 + 8 + 8) + (12 + 8 + 12));
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK_EQ(kdl_dump_notes_size(d, &after), 0);
	CHECK_EQ(after, before);
	n = kdl_dump_notes(d);
	CHECK_EQ(n->len, before);
	if (CHECK(n->buf)) {
		/* CPU 0 first, in s390x's byte order */
		CHECK_MEM(n->buf, "\0\0\0\x05\0\0\x01\x50\0\0\0\x01" "CORE", 16);
		CHECK_MEM(n->buf + 20 + 112 + 144, "\0\0\0\0", 4);
		CHECK_MEM(n->buf + 2 * 356 - 336 + 112 + 144, "\0\0\0\x07", 4);
		CHECK_EQ(n->vmcoreinfo_off, 2 * 356 + 24);
		CHECK_MEM(n->buf + n->vmcoreinfo_off, "OSRELEASE=6.1.0\n", 16);
		/* the annotation under the vendor named before it came */
		CHECK_MEM(n->buf + before - 32, "\0\0\0\x05\0\0\0\x09\x4b\x44\x4c\x02" "BETA\0\0\0\0" "why=oops\n\0\0\0", 32);
	}
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_arch();
	test_vmcoreinfo();
	test_vmcoreinfo_file();
	test_page_size_from_vmcoreinfo();
	test_set_page_size();
	test_segments_sorted_when_frozen();
	test_segment_path();
	test_segment_fd();
	test_add_segment();
	test_own_spool();
	test_overlap();
	test_aliases();
	test_cpus();
	test_notes();
	test_note_file();
	test_metadata();
	test_totals();
	test_freeze_page_size_conflict();
	test_freeze_checks_registers();
	test_frozen_refuses_changes();
	test_notes_size();
	kdl_ctx_free(ctx);
	return check_done("model/dump");
}
