/* pack.c: a record stream read into a dump; a dump only from a whole,
 * understood stream. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;
static kdl_writer *w;
static int wfd;

static void begin(void)
{
	char path[4096];

	wfd = open(scratch_path("stream", path, sizeof(path)), O_RDWR | O_CREAT | O_TRUNC, 0600);
	w = kdl_writer_new(ctx, wfd, "stream");
}

static void u64_record(uint32_t type, uint64_t v)
{
	uint8_t p[8];

	kdl_put64(p, v, false);
	kdl_writer_record(w, type, KDL_REC_CRITICAL, p, 8);
}

static void data(const void *bytes, size_t n)
{
	kdl_writer_record(w, KDL_REC_DATA, KDL_REC_CRITICAL, bytes, n);
}

/* Ends the stream (or leaves it truncated) and packs it into out (NULL:
 * only lays it out).  Returns kdl_pack_stream's result; the dump goes to
 * *keep for more checks when keep is not NULL. */
static int pack(bool finish, const char *out, const char *arch,
                struct kdl_stats *st, kdl_dump **keep)
{
	char path[4096], opath[4096];
	kdl_reader *r;
	kdl_dump *d;
	int fd, ret;

	if (finish)
		kdl_writer_finish(w);
	else
		kdl_writer_free(w);
	close(wfd);
	fd = open(scratch_path("stream", path, sizeof(path)), O_RDONLY);
	r = kdl_reader_new(ctx, fd, "input");
	d = kdl_dump_new(ctx, arch);
	ret = kdl_pack_stream(d, r, out ? scratch_path(out, opath, sizeof(opath)) : NULL,
	                      "elf", st);
	if (keep)
		*keep = d;
	else
		kdl_dump_free(d);
	kdl_reader_free(r);
	close(fd);
	return ret;
}

static bool exists(const char *name)
{
	char path[4096];

	return access(scratch_path(name, path, sizeof(path)), F_OK) == 0;
}

/* The PT_LOAD at phys in the named dump: its bytes, or NULL. */
static uint8_t *load(const char *name, uint64_t phys, size_t *size,
                     uint8_t **file)
{
	char path[4096];
	size_t len;
	uint8_t *f = read_file(scratch_path(name, path, sizeof(path)), &len);

	*file = f;
	if (!f || len < 64)
		return NULL;
	for (unsigned i = 1; i < (unsigned)(f[56] | f[57] << 8); i++) {
		const uint8_t *p = f + 64 + 56 * i;
		uint64_t off = kdl_get64le(p + 8), n = kdl_get64le(p + 32);

		if (kdl_get64le(p + 24) == phys && off + n <= len) {
			*size = (size_t)n;
			return f + off;
		}
	}
	return NULL;
}

static void test_unknown_records(void)
{
	static const uint8_t page[4096];
	uint8_t *f, *p;
	size_t n;

	begin();
	kdl_writer_record(w, 0x8000, 0, "skip me", 7);
	kdl_writer_record(w, 0x8001, 0x6, "", 0);
	kdl_emit_segment_header(w, 0, 0, 4096);
	data(page, 4096);
	u64_record(KDL_REC_SEGMENT_END, 4096);
	kdl_writer_record(w, 0x20, 0, "unknown but not critical", 24);
	CHECK_EQ(pack(true, "skipped", NULL, NULL, NULL), 0);
	p = load("skipped", 0, &n, &f);
	CHECK(p && n == 4096);
	free(f);

	begin();
	kdl_emit_arch(w, "x86_64");
	kdl_writer_record(w, 0x8000, KDL_REC_CRITICAL | 0x4, "needed", 6);
	CHECK_EQ(pack(true, "critical", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: record type 0x8000 is marked critical and this program does not understand it");
	CHECK(!exists("critical"));
}

static void test_truncated_leaves_nothing(void)
{
	static const uint8_t page[4096];
	int before = scratch_entries();

	begin();
	kdl_emit_segment_header(w, 0, 0, 8192);
	data(page, 4096);
	CHECK_EQ(pack(false, "cut", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: truncated stream: it ends without its end record (did a program before this one fail?)");
	CHECK(!exists("cut"));
	CHECK_EQ(scratch_entries(), before);

	/* ends properly, but inside a segment */
	begin();
	kdl_emit_segment_header(w, 0, 0, 8192);
	data(page, 4096);
	CHECK_EQ(pack(true, "inside", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: it ends inside a segment");
	CHECK(!exists("inside"));
}

static void test_misplaced_records(void)
{
	static const uint8_t page[4096];

	begin();
	kdl_emit_segment_header(w, 0, 0, 4096);
	kdl_emit_arch(w, "x86_64");
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: description record inside a segment");

	begin();
	data(page, 10);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: data outside a segment");

	begin();
	u64_record(KDL_REC_ZERO, 10);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: zeros outside a segment");

	begin();
	u64_record(KDL_REC_SEGMENT_END, 10);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: segment end outside a segment");

	begin();
	kdl_emit_segment_header(w, 0, 0, 4096);
	kdl_emit_segment_header(w, 0x10000, 0x10000, 4096);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: segment inside a segment");
	CHECK(!exists("x"));
}

static void test_segment_lengths(void)
{
	static const uint8_t page[4096];

	begin();
	kdl_emit_segment_header(w, 0, 0, KDL_LENGTH_UNKNOWN);
	data(page, 100);
	u64_record(KDL_REC_SEGMENT_END, 99);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: segment length differs from its data");

	begin();
	kdl_emit_segment_header(w, 0x3000, 0x3000, 200);
	data(page, 100);
	u64_record(KDL_REC_SEGMENT_END, 100);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x3000 ended after 100 of its 200 bytes");

	begin();
	kdl_emit_segment_header(w, 0x3000, 0x3000, 50);
	data(page, 100);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x3000 has more data than its length (50 bytes)");

	begin();
	kdl_emit_segment_header(w, 0x5000, 0x5000, 0);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "empty segment at 0x5000");

	begin();
	kdl_emit_segment_header(w, 0x5000, 0x5000, KDL_LENGTH_UNKNOWN);
	u64_record(KDL_REC_SEGMENT_END, 0);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "empty segment at 0x5000");

	begin();
	kdl_emit_segment_header(w, 0x5000, 0x5000, 4096);
	kdl_writer_record(w, KDL_REC_ZERO, KDL_REC_CRITICAL, "\0\0\0\0", 4);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: record of the wrong size");
	CHECK(!exists("x"));
}

static void test_zeros_and_big_data(void)
{
	enum { BIG = 3u << 20 };
	static const uint8_t zeros[10000];
	uint8_t *big = malloc(BIG), *f, *p;
	size_t n;

	if (!CHECK(big))
		return;
	for (size_t i = 0; i < BIG; i++)
		big[i] = (uint8_t)(i % 251 + 1);
	begin();
	kdl_emit_segment_header(w, 0x100000, 0x100000, KDL_LENGTH_UNKNOWN);
	data(big, 100);
	u64_record(KDL_REC_ZERO, 10000);
	u64_record(KDL_REC_ZERO, 0);
	data(big + 100, 50);
	u64_record(KDL_REC_SEGMENT_END, 10150);
	/* one DATA record of several MiB, as any producer may write */
	kdl_emit_segment_header(w, 0x1000000, 0x1000000, BIG + 8192);
	data(big, BIG);
	u64_record(KDL_REC_ZERO, 8192);
	u64_record(KDL_REC_SEGMENT_END, BIG + 8192);
	if (!CHECK_EQ(pack(true, "zeros", NULL, NULL, NULL), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	p = load("zeros", 0x100000, &n, &f);
	if (CHECK(p) && CHECK_EQ(n, 10150)) {
		CHECK_MEM(p, big, 100);
		CHECK_MEM(p + 100, zeros, 10000);
		CHECK_MEM(p + 10100, big + 100, 50);
	}
	free(f);
	p = load("zeros", 0x1000000, &n, &f);
	if (CHECK(p) && CHECK_EQ(n, BIG + 8192)) {
		CHECK_MEM(p, big, BIG);
		CHECK_MEM(p + BIG, zeros, 8192);
	}
	free(f);
	free(big);
}

/* Segments before notes and out of physical order: the data written
 * early moves up when the headers and notes grow past it. */
static void test_out_of_order(void)
{
	static uint8_t seg[80][300];
	struct kdl_prstatus s = {0};
	struct kdl_stats st;
	uint8_t *f, *p;
	size_t n;

	for (unsigned i = 0; i < 80; i++)
		memset(seg[i], (int)i + 1, sizeof(seg[i]));
	begin();
	for (unsigned i = 0; i < 40; i++) {
		kdl_emit_segment_header(w, (uint64_t)(80 - i) * 0x10000, (uint64_t)(80 - i) * 0x10000, 300);
		data(seg[i], 300);
		u64_record(KDL_REC_SEGMENT_END, 300);
	}
	for (uint32_t cpu = 0; cpu < 20; cpu++) {
		s.cpu = 19 - cpu;
		s.pid = (int32_t)(100 + s.cpu);
		kdl_emit_prstatus(w, &s, NULL, 0);
	}
	for (unsigned i = 40; i < 80; i++) {
		kdl_emit_segment_header(w, (uint64_t)(80 - i) * 0x10000, (uint64_t)(80 - i) * 0x10000, KDL_LENGTH_UNKNOWN);
		data(seg[i], 300);
		u64_record(KDL_REC_SEGMENT_END, 300);
	}
	if (!CHECK_EQ(pack(true, "moved", NULL, &st, NULL), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(st.segments, 80);
	CHECK_EQ(st.cpus, 20);
	CHECK_EQ(st.actual_size, st.estimated_size);
	for (unsigned i = 0; i < 80; i++) {
		p = load("moved", (uint64_t)(80 - i) * 0x10000, &n, &f);
		if (CHECK(p) && CHECK_EQ(n, 300))
			CHECK_MEM(p, seg[i], 300);
		if (i == 0 && f) {
			/* 81 program headers take more than a page, so the
			 * notes start on the second, in CPU order */
			uint64_t note_off = kdl_get64le(f + 64 + 8);

			CHECK_EQ(note_off, 8192);
			CHECK_EQ(kdl_get64le(f + 64 + 32), 20 * (12 + 8 + 336));
			CHECK_EQ(kdl_get32le(f + note_off + 20 + 32), 100);
		}
		free(f);
	}
}

static void test_dry_run(void)
{
	static const uint8_t page[4096];
	struct kdl_stats st;
	kdl_dump *d;
	int before = scratch_entries();

	begin();
	kdl_emit_vmcoreinfo(w, "PAGESIZE=4096\n", 14);
	kdl_emit_segment_header(w, 0x2000, 0x2000, 4096);
	data(page, 4096);
	u64_record(KDL_REC_SEGMENT_END, 4096);
	CHECK_EQ(pack(true, NULL, NULL, &st, &d), 0);
	CHECK_EQ(st.segments, 1);
	CHECK_EQ(st.total_memory, 4096);
	CHECK_EQ(st.vmcoreinfo_size, 14);
	CHECK_EQ(st.estimated_size, 3 * 4096);
	CHECK_EQ(st.actual_size, 0);
	CHECK_EQ(kdl_dump_segment_count(d), 1);
	kdl_dump_free(d);
	CHECK_EQ(scratch_entries(), before);

	for (int dry = 1; dry >= 0; dry--) {
		begin();
		kdl_emit_segment_header(w, 0x2000, 0x2000, 4096);
		data(page, 4096);
		u64_record(KDL_REC_SEGMENT_END, 4096);
		kdl_emit_segment_header(w, 0x2800, 0x2800, 4096);
		data(page, 4096);
		u64_record(KDL_REC_SEGMENT_END, 4096);
		CHECK_EQ(pack(true, dry ? NULL : "overlap", NULL, &st, NULL), -1);
		CHECK_STR(kdl_ctx_error(ctx), "segment 0x2000-0x2fff overlaps segment 0x2800-0x37ff");
	}
	CHECK(!exists("overlap"));
}

static void test_corrupt_descriptions(void)
{
	uint8_t p[200];

	memset(p, 0, sizeof(p));
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 107);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: short CPU record");

	kdl_put32(p + 104, 1000, false);
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 120);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: CPU record with too many registers");

	kdl_put32(p + 104, 2, false);
	memcpy(p + 108, "\x03rip\x10\0\0\0\0\0\0\0", 12);
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 125);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: CPU record cut short");

	kdl_put32(p + 104, 1, false);
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 121);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: CPU record too long");

	begin();
	kdl_writer_record(w, KDL_REC_NOTE, KDL_REC_CRITICAL, "\1\0\0\0\x09\0\0\0ACME", 12);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: bad note record");

	begin();
	kdl_writer_record(w, KDL_REC_META, KDL_REC_CRITICAL, "\1\0\0\0\x04\0\0\0\x09\0\0\0ACMEkey", 19);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: bad metadata record");
	CHECK(!exists("x"));
}

static void test_conflicts(void)
{
	struct kdl_prstatus s = {0};
	struct kdl_reg reg = {"x0", 1};

	begin();
	kdl_emit_arch(w, "aarch64");
	CHECK_EQ(pack(true, "x", "x86_64", NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "architecture conflict: both x86_64 and aarch64 are named");

	begin();
	kdl_emit_arch(w, "sparc");
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown architecture 'sparc' (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)");

	begin();
	kdl_emit_vmcoreinfo(w, "A=1\n", 4);
	kdl_emit_vmcoreinfo(w, "A=1\n", 4);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "VMCOREINFO is given twice");

	begin();
	kdl_emit_meta(w, "V", KDL_NOTE_METADATA, "k", "1");
	kdl_emit_meta(w, "V", KDL_NOTE_METADATA, "k", "2");
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "k is given twice, as '1' and as '2'");

	begin();
	kdl_emit_note(w, "CORE", 1, "", 0);
	CHECK_EQ(pack(true, "x", NULL, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CORE notes of type 1 (NT_PRSTATUS) are CPU contexts, not custom notes");

	/* the architecture may come after the CPUs it decides */
	begin();
	kdl_emit_prstatus(w, &s, &reg, 1);
	kdl_emit_arch(w, "arm64");
	CHECK_EQ(pack(true, "late-arch", NULL, NULL, NULL), 0);
	CHECK(!exists("x"));
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_unknown_records();
	test_truncated_leaves_nothing();
	test_misplaced_records();
	test_segment_lengths();
	test_zeros_and_big_data();
	test_out_of_order();
	test_dry_run();
	test_corrupt_descriptions();
	test_conflicts();
	kdl_ctx_free(ctx);
	return check_done("pack");
}
