/* write/pack.c: a record stream read into a dump, written in one pass
 * (kdl_pack_stream) or kept to be written later (kdl_dump_read_stream);
 * a dump only from a whole, understood stream, and the same file either
 * way. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "write-check.h"
static kdl_writer *w; /* NULL once the stream is ended */
static int wfd;

/* How a test takes the stream in: packed to the file "x", only laid
 * out, or read into a dump that keeps its bytes. */
enum how { PACKED, DRY, READ };
static const char *const hows[] = {"packed", "dry run", "read"};

static void begin(void)
{
	char path[4096];

	wfd = open(scratch_path("stream", path, sizeof(path)), O_RDWR | O_CREAT | O_TRUNC, 0600);
	w = kdl_writer_new(ctx, wfd, "stream");
}

/* Ends the stream, or leaves it truncated (what was not flushed lost),
 * unless it was ended already. */
static void end(bool finish)
{
	if (!w)
		return;
	if (finish)
		kdl_writer_finish(w);
	else
		kdl_writer_free(w);
	w = NULL;
	close(wfd);
}

static void segment(uint64_t phys, uint64_t virt, uint64_t length)
{
	struct kdl_rec_segment rec = {phys, virt, length};

	kdl_rec_put_segment(w, &rec);
}

static void data(const void *bytes, size_t n)
{
	kdl_rec_put_data(w, bytes, n);
}

static void zeros(uint64_t n)
{
	struct kdl_rec_zero rec = {n};

	kdl_rec_put_zero(w, &rec);
}

static void segment_end(uint64_t length)
{
	struct kdl_rec_segment_end rec = {length};

	kdl_rec_put_segment_end(w, &rec);
}

static void arch(const char *name)
{
	struct kdl_rec_arch rec = {name};

	kdl_rec_put_arch(w, &rec);
}

static void vmcoreinfo(const char *text)
{
	struct kdl_rec_vmcoreinfo rec = {text, strlen(text)};

	kdl_rec_put_vmcoreinfo(w, &rec);
}

static void prstatus(const struct kdl_prstatus *s, const struct kdl_reg *regs,
                     size_t nregs)
{
	struct kdl_rec_prstatus rec = {*s, regs, nregs};

	kdl_rec_put_prstatus(w, &rec);
}

static void meta(uint32_t kind, const char *key, const char *value)
{
	struct kdl_rec_meta rec = {kind, "KDUMPLING", key, value};

	kdl_rec_put_meta(w, &rec);
}

static void note(const char *name, uint32_t type, const void *desc, size_t len)
{
	struct kdl_rec_note rec = {type, name, desc, len};

	kdl_rec_put_note(w, &rec);
}

static void alias(uint64_t phys, uint64_t virt, uint64_t length)
{
	struct kdl_rec_alias rec = {phys, virt, length};

	kdl_rec_put_alias(w, &rec);
}

static void extent(uint64_t phys, uint64_t length)
{
	struct kdl_rec_extent rec = {phys, length};

	kdl_rec_put_extent(w, &rec);
}

static kdl_reader *open_stream(int *fd)
{
	char path[4096];

	*fd = open(scratch_path("stream", path, sizeof(path)), O_RDONLY);
	return kdl_reader_new(ctx, *fd, "input");
}

static void close_stream(kdl_reader *r, int fd)
{
	kdl_reader_free(r);
	close(fd);
}

/* Ends the stream as finish says, if not yet, and packs it into d and
 * the named file of the scratch directory (NULL: only lays it out; "-":
 * stdout); kdl_pack_stream's result. */
static int pack_into(kdl_dump *d, bool finish, const char *out,
                     const struct kdl_options *opts, struct kdl_stats *st)
{
	char opath[4096];
	kdl_reader *r;
	int fd, ret;

	end(finish);
	r = open_stream(&fd);
	if (out && strcmp(out, "-"))
		out = scratch_path(out, opath, sizeof(opath));
	ret = kdl_pack_stream(d, r, out, opts, st);
	close_stream(r, fd);
	return ret;
}

/* The same, read into d with kdl_dump_read_stream. */
static int read_into(kdl_dump *d, bool finish)
{
	char dir[4096];
	kdl_reader *r;
	int fd, ret;

	end(finish);
	r = open_stream(&fd);
	ret = kdl_dump_read_stream(d, r, scratch_path("", dir, sizeof(dir)));
	close_stream(r, fd);
	return ret;
}

static int pack(bool finish, const char *out)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	int ret = d ? pack_into(d, finish, out, NULL, NULL) : -2;

	kdl_dump_free(d);
	return ret;
}

/* The stream taken in as how says, into a new dump. */
static int take(enum how how, bool finish)
{
	kdl_dump *d;
	int ret;

	if (how != READ)
		return pack(finish, how == PACKED ? "x" : NULL);
	d = kdl_dump_new(ctx, NULL);
	ret = d ? read_into(d, finish) : -2;
	kdl_dump_free(d);
	return ret;
}

/* The failure of a stream taken in as how: says which way when it is not
 * the one expected. */
static void check_taken(enum how how, enum kdl_status status,
                        const char *message)
{
	if (!check_error(status, message))
		fprintf(stderr, "  (%s)\n", hows[how]);
}

static void check_corrupt(enum how how, const char *message)
{
	check_taken(how, KDL_ERR_CORRUPT, message);
}

/* The PT_LOAD at phys in the named dump, read into *file. */
static uint8_t *load(const char *name, uint64_t phys, size_t *size,
                     uint8_t **file)
{
	char path[4096];
	size_t len;

	*file = read_file(scratch_path(name, path, sizeof(path)), &len);
	return load_at(*file, len, phys, size);
}

static void test_unknown_records(void)
{
	static const uint8_t page[4096];
	uint8_t *f, *p;
	size_t n;

	begin();
	kdl_writer_record(w, 0x8000, 0, "skip me", 7);
	kdl_writer_record(w, 0x8001, 0x6, "", 0);
	segment(0, 0, 4096);
	data(page, 4096);
	segment_end(4096);
	kdl_writer_record(w, 0x20, 0, "unknown but not critical", 24);
	CHECK_EQ(pack(true, "skipped"), 0);
	p = load("skipped", 0, &n, &f);
	CHECK(p && n == 4096);
	free(f);

	for (enum how how = PACKED; how <= READ; how++) {
		begin();
		arch("x86_64");
		kdl_writer_record(w, 0x8000, KDL_REC_CRITICAL | 0x4, "needed", 6);
		CHECK_EQ(take(how, true), -1);
		check_taken(how, KDL_ERR_UNSUPPORTED, "input: record type 0x8000 is marked critical and this program does not understand it");
	}
	CHECK(!exists(scratch_file("x")));
}

static void test_truncated_leaves_nothing(void)
{
	static const uint8_t page[4096];
	char path[4096];
	int before = scratch_entries();
	struct stat sb;

	for (enum how how = PACKED; how <= READ; how++) {
		begin();
		segment(0, 0, 8192);
		data(page, 4096);
		CHECK_EQ(take(how, false), -1);
		check_corrupt(how, "input: truncated stream: it ends without its end record (did a program before this one fail?)");
		CHECK(!exists(scratch_file("x")));
		CHECK_EQ(scratch_entries(), before);

		/* ends properly, but inside a segment */
		begin();
		segment(0, 0, 8192);
		data(page, 4096);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: it ends inside a segment");
		CHECK(!exists(scratch_file("x")));
	}

	/* cut inside a DATA record, as the bytes go to the file, are read
	 * for compression, or are passed over */
	begin();
	segment(0x10000, 0x10000, 8192);
	data(page, 4096);
	data(page, 4096);
	end(true);
	/* the end record and half the last DATA record gone */
	scratch_path("stream", path, sizeof(path));
	if (!CHECK_EQ(stat(path, &sb), 0) || !CHECK_EQ(truncate(path, sb.st_size - 24 - 2048), 0))
		return;
	for (size_t i = 0; i < 2; i++) {
		const char *formats[] = {"elf", "kdump"};
		kdl_dump *d = kdl_dump_new(ctx, NULL);
		struct kdl_options o;

		if (!CHECK(d))
			return;
		kdl_options_init(&o);
		o.format = formats[i];
		CHECK_EQ(pack_into(d, true, "x", &o, NULL), -1);
		check_corrupt(PACKED, "input: truncated stream: it ends inside a record (did a program before this one fail?)");
		kdl_dump_free(d);
	}
	for (enum how how = DRY; how <= READ; how++) {
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: truncated stream: it ends inside a record (did a program before this one fail?)");
	}
	CHECK(!exists(scratch_file("x")));
	CHECK_EQ(scratch_entries(), before);
}

static void test_misplaced_records(void)
{
	static const uint8_t page[4096];

	for (enum how how = PACKED; how <= READ; how++) {
		begin();
		segment(0, 0, 4096);
		arch("x86_64");
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: description record inside a segment");

		begin();
		data(page, 10);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: data outside a segment");

		begin();
		zeros(10);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: zeros outside a segment");

		begin();
		segment_end(10);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: segment end outside a segment");

		begin();
		segment(0, 0, 4096);
		segment(0x10000, 0x10000, 4096);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: segment inside a segment");

		/* a segment complete, then a record it does not take */
		begin();
		segment(0, 0, 4096);
		data(page, 4096);
		segment_end(4096);
		data(page, 10);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: data outside a segment");
		CHECK(!exists(scratch_file("x")));
	}
}

/* The PT_LOAD at virt in an ELF file: its physical address, file offset
 * and size, or false. */
static bool load_by_virt(const uint8_t *f, size_t len, uint64_t virt,
                         uint64_t *phys, uint64_t *off, uint64_t *size)
{
	for (unsigned i = 1; f && len >= 64 && i < (unsigned)(f[56] | f[57] << 8); i++) {
		const uint8_t *p = f + 64 + 56 * i;

		if (kdl_get64le(p + 16) == virt) {
			*off = kdl_get64le(p + 8);
			*phys = kdl_get64le(p + 24);
			*size = kdl_get64le(p + 32);
			return true;
		}
	}
	return false;
}

/* ALIAS records reach the dump, cut to what the segments hold; a packer
 * refuses bad ones as the stream's fault. */
static void test_aliases(void)
{
	static uint8_t pages[0x2000];
	uint64_t phys, off, size, seg_phys, seg_off, seg_size;
	char *warned = NULL;
	uint8_t *f;
	size_t len;

	for (size_t i = 0; i < sizeof(pages); i++)
		pages[i] = (uint8_t)(i * 7 + 3);
	begin();
	arch("x86_64");
	alias(0x2000, 0xffffffff81000000, 0x2000);
	segment(0x1000, 0xffff888000001000, sizeof(pages));
	data(pages, sizeof(pages));
	segment_end(sizeof(pages));
	kdl_ctx_set_warn(ctx, collect_warnings, &warned);
	if (!CHECK_EQ(pack(true, "x"), 0))
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
	kdl_ctx_set_warn(ctx, NULL, NULL);
	CHECK_STR(warned, "alias of 0x2000-0x3fff at 0xffffffff81000000: 0x3000-0x3fff is in no segment, so no alias of it\n");
	f = read_file(scratch_file("x"), &len);
	/* the alias's PT_LOAD is the segment's second page, the same bytes */
	if (CHECK(load_by_virt(f, len, 0xffffffff81000000, &phys, &off, &size)) &&
	    CHECK(load_by_virt(f, len, 0xffff888000001000, &seg_phys, &seg_off, &seg_size))) {
		CHECK_EQ(phys, 0x2000);
		CHECK_EQ(size, 0x1000);
		CHECK_EQ(seg_phys, 0x1000);
		CHECK_EQ(seg_size, sizeof(pages));
		CHECK_EQ(off, seg_off + 0x1000);
		if (CHECK(off + size <= len))
			CHECK_MEM(f + off, pages + 0x1000, 0x1000);
	}
	free(f);
	free(warned);
	unlink(scratch_file("x"));

	for (enum how how = PACKED; how <= READ; how++) {
		begin();
		kdl_writer_record(w, KDL_REC_ALIAS, 0, pages, 23);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: bad alias record");

		begin();
		alias(0x1000, 0xffffffff81000000, 0);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "alias of 0x1000 at 0xffffffff81000000: an alias cannot be empty");

		begin();
		segment(0x1000, 0x1000, 4096);
		alias(0x1000, 0xffffffff81000000, 0x1000);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: description record inside a segment");
		CHECK(!exists(scratch_file("x")));
	}
}

/* What a segment's checks refuse is the stream's fault: class CORRUPT,
 * whichever way the stream is taken in. */
static void test_segment_lengths(void)
{
	static const uint8_t page[4096];

	for (enum how how = PACKED; how <= READ; how++) {
		begin();
		segment(0, 0, KDL_LENGTH_UNKNOWN);
		data(page, 100);
		segment_end(99);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: segment length differs from its data");

		begin();
		segment(0x3000, 0x3000, 200);
		data(page, 100);
		segment_end(100);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "segment at 0x3000 ended after 100 of its 200 bytes");

		begin();
		segment(0x3000, 0x3000, 50);
		data(page, 100);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "segment at 0x3000 has more data than its length (50 bytes)");

		begin();
		segment(0x3000, 0x3000, 50);
		zeros(51);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "segment at 0x3000 has more data than its length (50 bytes)");

		begin();
		segment(0x5000, 0x5000, 0);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "no data for the segment at 0x5000: a segment cannot be empty");

		begin();
		segment(0x5000, 0x5000, KDL_LENGTH_UNKNOWN);
		segment_end(0);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "no data for the segment at 0x5000: a segment cannot be empty");

		begin();
		segment(0xfffffffffffff000, 0, 0x2000);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space");

		begin();
		segment(0xfffffffffffff000, 0, KDL_LENGTH_UNKNOWN);
		data(page, 4096);
		zeros(1);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "segment at 0xfffffffffffff000 goes past the end of the address space");

		begin();
		segment(0x5000, 0x5000, 4096);
		kdl_writer_record(w, KDL_REC_ZERO, KDL_REC_CRITICAL, "\0\0\0\0", 4);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: record of the wrong size");
		CHECK(!exists(scratch_file("x")));
	}
}

static void test_zeros_and_big_data(void)
{
	enum { BIG = 3u << 20 };
	static const uint8_t none[10000];
	uint8_t *big = malloc(BIG), *f, *p;
	size_t n;

	if (!CHECK(big))
		return;
	for (size_t i = 0; i < BIG; i++)
		big[i] = (uint8_t)(i % 251 + 1);
	begin();
	segment(0x100000, 0x100000, KDL_LENGTH_UNKNOWN);
	data(big, 100);
	zeros(10000);
	zeros(0);
	data(big + 100, 50);
	segment_end(10150);
	/* one DATA record of several MiB, as any producer may write */
	segment(0x1000000, 0x1000000, BIG + 8192);
	data(big, BIG);
	zeros(8192);
	segment_end(BIG + 8192);
	if (!CHECK_EQ(pack(true, "zeros"), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	p = load("zeros", 0x100000, &n, &f);
	if (CHECK(p) && CHECK_EQ(n, 10150)) {
		CHECK_MEM(p, big, 100);
		CHECK_MEM(p + 100, none, 10000);
		CHECK_MEM(p + 10100, big + 100, 50);
	}
	free(f);
	p = load("zeros", 0x1000000, &n, &f);
	if (CHECK(p) && CHECK_EQ(n, BIG + 8192)) {
		CHECK_MEM(p, big, BIG);
		CHECK_MEM(p + BIG, none, 8192);
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
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	uint8_t *f, *p;
	size_t n;

	if (!CHECK(d))
		return;
	for (unsigned i = 0; i < 80; i++)
		memset(seg[i], (int)i + 1, sizeof(seg[i]));
	begin();
	for (unsigned i = 0; i < 40; i++) {
		segment((uint64_t)(80 - i) * 0x10000, (uint64_t)(80 - i) * 0x10000, 300);
		data(seg[i], 300);
		segment_end(300);
	}
	for (uint32_t cpu = 0; cpu < 20; cpu++) {
		s.cpu = 19 - cpu;
		s.pid = (int32_t)(100 + s.cpu);
		prstatus(&s, NULL, 0);
	}
	for (unsigned i = 40; i < 80; i++) {
		segment((uint64_t)(80 - i) * 0x10000, (uint64_t)(80 - i) * 0x10000, KDL_LENGTH_UNKNOWN);
		data(seg[i], 300);
		segment_end(300);
	}
	if (!CHECK_EQ(pack_into(d, true, "moved", NULL, &st), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	kdl_dump_free(d);
	CHECK_EQ(st.segments, 80);
	CHECK_EQ(st.cpus, 20);
	CHECK_EQ(st.written, 1);
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

/* Laid out only: stats, no file, and bytes that were not kept. */
static void test_dry_run(void)
{
	static const uint8_t page[4096];
	struct kdl_segment_info info;
	struct kdl_stats st;
	char path[4096];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	int before = scratch_entries();

	if (!CHECK(d))
		return;
	begin();
	vmcoreinfo("PAGESIZE=4096\n");
	segment(0x2000, 0x2000, 4096);
	data(page, 4096);
	segment_end(4096);
	CHECK_EQ(pack_into(d, true, NULL, NULL, &st), 0);
	CHECK_EQ(st.segments, 1);
	CHECK_EQ(st.total_memory, 4096);
	CHECK_EQ(st.vmcoreinfo_size, 14);
	CHECK_EQ(st.estimated_size, 3 * 4096);
	CHECK_EQ(st.actual_size, 0);
	CHECK_EQ(st.written, 0);
	CHECK_EQ(kdl_dump_segment_count(d), 1);
	if (CHECK_EQ(kdl_dump_segment(d, 0, &info), 0)) {
		CHECK_EQ(info.phys, 0x2000);
		CHECK_EQ(info.size, 4096);
	}
	CHECK_EQ(scratch_entries(), before);
	/* its bytes were passed over: the dump gives stats, not files */
	CHECK_EQ(kdl_dump_stats(d, NULL, &st), 0);
	CHECK_EQ(st.estimated_size, 3 * 4096);
	CHECK_EQ(kdl_dump_write(d, scratch_path("dry", path, sizeof(path)), NULL, NULL), -1);
	check_error(KDL_ERR_INVALID, "segment at 0x2000: its bytes were not kept (the stream it came from went straight to a file, or was only laid out; kdl_dump_read_stream keeps them)");
	CHECK(!exists(scratch_file("dry")));
	CHECK_EQ(scratch_entries(), before);
	kdl_dump_free(d);

	for (enum how how = PACKED; how <= READ; how++) {
		begin();
		segment(0x2000, 0x2000, 4096);
		data(page, 4096);
		segment_end(4096);
		segment(0x2800, 0x2800, 4096);
		data(page, 4096);
		segment_end(4096);
		if (how == READ) {
			/* read, the dump is not checked as a whole until
			 * it is frozen */
			d = kdl_dump_new(ctx, NULL);
			if (!CHECK(d))
				break;
			CHECK_EQ(read_into(d, true), 0);
			CHECK_EQ(kdl_dump_freeze(d), -1);
			/* the caller's dump now: an argument, not input */
			check_error(KDL_ERR_INVALID, "segment 0x2000-0x2fff overlaps segment 0x2800-0x37ff");
			kdl_dump_free(d);
			continue;
		}
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "segment 0x2000-0x2fff overlaps segment 0x2800-0x37ff");
	}
	CHECK(!exists(scratch_file("x")));
}

static void test_corrupt_descriptions(void)
{
	uint8_t p[200];

	memset(p, 0, sizeof(p));
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 107);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: short CPU record");

	kdl_put32(p + 104, 1000, false);
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 120);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: CPU record with too many registers");

	/* two registers cannot fit in 17 bytes */
	kdl_put32(p + 104, 2, false);
	memcpy(p + 108, "\x03rip\x10\0\0\0\0\0\0\0", 12);
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 125);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: CPU record with too many registers");

	/* they could in 21, but the second's name runs past the end */
	p[120] = 5;
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 129);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: CPU record cut short");

	kdl_put32(p + 104, 1, false);
	begin();
	kdl_writer_record(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, p, 121);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: CPU record too long");

	begin();
	kdl_writer_record(w, KDL_REC_NOTE, KDL_REC_CRITICAL, "\1\0\0\0\x09\0\0\0ACME", 12);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: bad note record");

	begin();
	kdl_writer_record(w, KDL_REC_META, KDL_REC_CRITICAL, "\1\0\0\0\x04\0\0\0\x09\0\0\0ACMEkey", 19);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: bad metadata record");

	begin();
	kdl_writer_record(w, KDL_REC_SEGMENT, KDL_REC_CRITICAL, p, 23);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: bad segment record");

	begin();
	segment(0, 0, 4096);
	kdl_writer_record(w, KDL_REC_SEGMENT_END, KDL_REC_CRITICAL, p, 9);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "input: corrupt stream: record of the wrong size");
	CHECK(!exists(scratch_file("x")));
}

/* What the dump refuses from a stream is corrupt input, though the same
 * call from a caller would be an invalid argument. */
static void test_conflicts(void)
{
	struct kdl_prstatus s = {0};
	struct kdl_reg reg = {"x0", 1};
	kdl_dump *d;

	d = kdl_dump_new(ctx, "x86_64");
	if (!CHECK(d))
		return;
	begin();
	arch("aarch64");
	CHECK_EQ(pack_into(d, true, "x", NULL, NULL), -1);
	check_corrupt(PACKED, "architecture conflict: both x86_64 and aarch64 are named");
	kdl_dump_free(d);

	begin();
	arch("sparc");
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "unknown architecture 'sparc' (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)");

	begin();
	vmcoreinfo("A=1\n");
	vmcoreinfo("A=1\n");
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "VMCOREINFO is given twice");

	begin();
	meta(KDL_NOTE_METADATA, "k", "1");
	meta(KDL_NOTE_METADATA, "k", "2");
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "k is given twice, as '1' and as '2'");

	begin();
	note("CORE", 1, "", 0);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "CORE notes of type 1 (NT_PRSTATUS) are CPU contexts, not custom notes");

	begin();
	prstatus(&s, &reg, 1);
	prstatus(&s, &reg, 1);
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "CPU 0 is given twice");

	begin();
	prstatus(&s, &reg, 1);
	arch("x86_64");
	CHECK_EQ(pack(true, "x"), -1);
	check_corrupt(PACKED, "CPU 0: unknown register 'x0' for x86_64; valid registers: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs");

	/* the architecture may come after the CPUs it decides */
	begin();
	prstatus(&s, &reg, 1);
	arch("arm64");
	CHECK_EQ(pack(true, "late-arch"), 0);
	CHECK(exists(scratch_file("late-arch")));
	CHECK(!exists(scratch_file("x")));
}

/* What the caller got wrong, not the stream: its options, its output, its
 * dump; never of class CORRUPT. */
static void test_caller_refused(void)
{
	static const uint8_t page[4096];
	struct kdl_options o;
	kdl_dump *d = kdl_dump_new(ctx, NULL);

	if (!CHECK(d))
		return;
	kdl_options_init(&o);
	o.format = "qcow";
	begin();
	segment(0, 0, 4096);
	data(page, 4096);
	segment_end(4096);
	CHECK_EQ(pack_into(d, true, "x", &o, NULL), -1);
	check_error(KDL_ERR_INVALID, "unknown format 'qcow' (known: elf kdump)");
	CHECK_EQ(kdl_dump_segment_count(d), 0);

	kdl_options_init(&o);
	begin();
	CHECK_EQ(pack_into(d, true, "-", &o, NULL), -1);
	check_error(KDL_ERR_INVALID, "-: the elf format cannot be written to a pipe: its headers are written last; give a file name, or use the kdump format");

	/* segments of the caller's beside the stream's would not be in the
	 * file, and are the caller's doing */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0x100000, page, sizeof(page)), 0);
	begin();
	segment(0, 0, 4096);
	data(page, 4096);
	segment_end(4096);
	CHECK_EQ(pack_into(d, true, "x", NULL, NULL), -1);
	check_error(KDL_ERR_INVALID, "the dump holds segments already; kdl_pack_stream writes those of the stream alone (kdl_dump_read_stream adds them to others)");
	CHECK(!exists(scratch_file("x")));
	kdl_dump_free(d);

	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	begin();
	CHECK_EQ(read_into(d, true), 0);
	begin();
	CHECK_EQ(read_into(d, true), -1);
	check_error(KDL_ERR_INVALID, "the dump holds a stream already");
	kdl_dump_free(d);
}

/* ---- kdl_dump_read_stream ---- */

static uint8_t top[4096];

/* A stream with every kind of record, its segments in physical order:
 * 0x1000 of low; 0x5100 of high in pieces, with zeros; 0x20000 of a
 * page of top and two pages of zeros, ending the stream's bytes. */
static void full_stream(void)
{
	static const struct kdl_reg regs[] = {{"rip", 0xffffffff81000000}, {"rsp", 0xffffc90000003f00}};
	struct kdl_prstatus s = {.cpu = 1, .pid = 42};

	fill_low_high();
	memset(top, 0x77, sizeof(top));
	begin();
	vmcoreinfo("OSRELEASE=6.1.0\nPAGESIZE=4096\n");
	note("ACME", 256, "hello", 5);
	meta(KDL_NOTE_METADATA, "host", "box");
	meta(KDL_NOTE_ANNOTATIONS, "why", "test");
	prstatus(&s, regs, 2);
	s.cpu = 0;
	prstatus(&s, regs, 1);
	segment(0x1000, 0x1000, sizeof(low));
	data(low, sizeof(low));
	segment_end(sizeof(low));
	segment(0x5100, 0xffff888000005100, KDL_LENGTH_UNKNOWN);
	data(high, 1000);
	zeros(2000);
	data(high + 3000, 3000);
	segment_end(sizeof(high));
	segment(0x20000, 0xffff888000020000, 3 * 4096);
	data(top, sizeof(top));
	zeros(2 * 4096);
	segment_end(3 * 4096);
	end(true);
}

/* The stream read into a dump holds what it said, and its zeros read
 * back as zeros, those at its very end too. */
static void test_read_stream(void)
{
	static const uint8_t none[8192];
	static const struct kdl_segment_info want[] = {
		{0x1000, 0x1000, sizeof(low)},
		{0x5100, 0xffff888000005100, sizeof(high)},
		{0x20000, 0xffff888000020000, 3 * 4096},
	};
	struct kdl_segment_info info;
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096];
	struct kdl_stats st;
	uint8_t *f, *p;
	size_t len, n;
	int before;

	if (!CHECK(d))
		return;
	full_stream();
	before = scratch_entries();
	if (!CHECK_EQ(read_into(d, true), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	/* the bytes are kept where nothing can see them */
	CHECK_EQ(scratch_entries(), before);
	if (CHECK_EQ(kdl_dump_segment_count(d), 3))
		for (size_t i = 0; i < 3; i++)
			if (CHECK_EQ(kdl_dump_segment(d, i, &info), 0)) {
				CHECK_EQ(info.phys, want[i].phys);
				CHECK_EQ(info.virt, want[i].virt);
				CHECK_EQ(info.size, want[i].size);
			}
	/* read, not frozen: the dump takes more, and then is written */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0x100000, top, 100), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "after", "stream"), 0);
	if (!CHECK_EQ(kdl_dump_write(d, scratch_path("read", path, sizeof(path)), NULL, &st), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(st.segments, 4);
	CHECK_EQ(st.cpus, 2);
	f = read_file(path, &len);
	if ((p = load_at(f, len, 0x1000, &n)) && CHECK_EQ(n, sizeof(low)))
		CHECK_MEM(p, low, sizeof(low));
	else
		CHECK(p);
	if ((p = load_at(f, len, 0x5100, &n)) && CHECK_EQ(n, sizeof(high)))
		CHECK_MEM(p, high, sizeof(high));
	else
		CHECK(p);
	if ((p = load_at(f, len, 0x20000, &n)) && CHECK_EQ(n, 3 * 4096)) {
		CHECK_MEM(p, top, sizeof(top));
		CHECK_MEM(p + 4096, none, sizeof(none));
	} else
		CHECK(p);
	if ((p = load_at(f, len, 0x100000, &n)) && CHECK_EQ(n, 100))
		CHECK_MEM(p, top, 100);
	else
		CHECK(p);
	CHECK(f && memmem(f, len, "after=stream", 12));
	free(f);
	kdl_dump_free(d);
}

/* A way to write a dump, and its options, at a fixed time so that two
 * writes can be compared byte for byte. */
struct way {
	const char *format, *codec;
	int dump_level;
	unsigned threads;
};

static void way_options(const struct way *way, struct kdl_options *o)
{
	kdl_options_init(o);
	o->format = way->format;
	CHECK_EQ(kdl_options_set_compression(ctx, o, way->codec, 0, 0), 0);
	o->dump_level = way->dump_level;
	o->threads = way->threads;
	o->has_timestamp = 1;
	o->timestamp = 1700000000;
}

/* Read into a dump and written by kdl_dump_write, or packed in one pass:
 * the same file, byte for byte, in each format and with each codec. */
static void test_read_like_pack(void)
{
	static const struct way ways[] = {
		{"elf", "zlib", 1, 0},
		{"kdump", "zlib", 1, 0},
		{"kdump", "none", 1, 1},
		{"kdump", "lzo", 0, 2},
		{"kdump", "snappy", 1, 0},
		{"kdump", "zstd", 0, 3},
	};
	char path[4096];
	kdl_dump *read = kdl_dump_new(ctx, NULL);

	if (!CHECK(read))
		return;
	full_stream();
	CHECK_EQ(read_into(read, true), 0);
	/* one dump read, written as often as there are ways */
	for (size_t i = 0; i < KDL_ARRAY_SIZE(ways); i++) {
		kdl_dump *packed = kdl_dump_new(ctx, NULL);
		struct kdl_options o;
		struct kdl_stats ps, rs;
		uint8_t *a, *b;
		size_t al, bl;

		if (!CHECK(packed))
			break;
		way_options(&ways[i], &o);
		if (!CHECK_EQ(pack_into(packed, true, "packed", &o, &ps), 0))
			fprintf(stderr, "  %s %s: %s\n", o.format, o.codec, kdl_ctx_error(ctx));
		kdl_dump_free(packed);
		if (!CHECK_EQ(kdl_dump_write(read, scratch_path("read", path, sizeof(path)), &o, &rs), 0))
			fprintf(stderr, "  %s %s: %s\n", o.format, o.codec, kdl_ctx_error(ctx));
		a = read_file(scratch_path("packed", path, sizeof(path)), &al);
		b = read_file(scratch_path("read", path, sizeof(path)), &bl);
		if (!CHECK(a && b) || !CHECK_EQ(al, bl) || !CHECK_MEM(a, b, al))
			fprintf(stderr, "  (%s %s)\n", o.format, o.codec);
		CHECK_EQ(ps.actual_size, rs.actual_size);
		CHECK_EQ(ps.pages_dumped, rs.pages_dumped);
		CHECK_EQ(ps.pages_zero, rs.pages_zero);
		CHECK_EQ(ps.compressed_size, rs.compressed_size);
		free(a);
		free(b);
	}
	kdl_dump_free(read);
}

/* ---- EXTENT records: the same file whether or not they came, and
 * whether or not they told the truth ---- */

struct piece {
	uint64_t phys, len;
};

/* Bytes like memory: every third page zero, the others a pattern of
 * their address. */
static void memory_like(uint64_t phys, uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		uint64_t a = phys + i;

		p[i] = (a >> 12) % 3 ? (uint8_t)(a * 31 + (a >> 9)) : 0;
	}
}

struct promise_case {
	const char *what;
	struct piece segs[4];     /* in the order they come */
	struct piece promised[4]; /* what EXTENT records say first */
	bool late_note;           /* a note after the first segment */
};

static void promise_stream(const struct promise_case *c, bool promise)
{
	uint8_t *buf = malloc(1 << 20);

	begin();
	vmcoreinfo("OSRELEASE=6.1.0\nPAGESIZE=4096\n");
	for (size_t i = 0; promise && i < 4 && c->promised[i].len; i++)
		extent(c->promised[i].phys, c->promised[i].len);
	for (size_t i = 0; i < 4 && c->segs[i].len && CHECK(buf); i++) {
		const struct piece *p = &c->segs[i];

		segment(p->phys, p->phys, p->len);
		for (uint64_t done = 0; done < p->len;) {
			uint64_t n = p->len - done < (1 << 20) ? p->len - done : 1 << 20;

			memory_like(p->phys + done, buf, n);
			data(buf, (size_t)n);
			done += n;
		}
		segment_end(p->len);
		if (c->late_note && !i)
			note("LATE", 7, buf, 3000);
	}
	free(buf);
}

static void test_promises(void)
{
	static const struct promise_case cases[] = {
		{"kept", {{0, 0x40000}, {0x100000, 0x23000}}, {{0, 0x40000}, {0x100000, 0x23000}}, false},
		{"one segment not promised", {{0, 0x40000}, {0x100000, 0x23000}}, {{0, 0x40000}}, false},
		{"one promised, not come", {{0, 0x40000}}, {{0, 0x40000}, {0x100000, 0x1000}}, false},
		{"other lengths", {{0, 0x40000}, {0x100000, 0x23000}}, {{0, 0x3000}, {0x100000, 0x53000}}, false},
		{"out of order", {{0x100000, 0x23000}, {0, 0x40000}}, {{0, 0x40000}, {0x100000, 0x23000}}, false},
		{"out of order, promised so", {{0x100000, 0x23000}, {0, 0x40000}}, {{0x100000, 0x23000}, {0, 0x40000}}, false},
		{"overlapping promises", {{0, 0x40000}}, {{0, 0x40000}, {0x3000, 0x1000}}, false},
		{"parts of pages", {{0x800, 0x3000}, {0x3800, 0x2800}, {0x9000, 0x100}}, {{0x800, 0x3000}, {0x3800, 0x2800}, {0x9000, 0x100}}, false},
		{"notes after the first segment", {{0, 0x40000}, {0x100000, 0x23000}}, {{0, 0x40000}, {0x100000, 0x23000}}, true},
	};
	static const struct way ways[] = {
		{"kdump", "zlib", 1, 1}, {"kdump", "none", 0, 2}, {"kdump", "lzo", 1, 3},
		{"kdump", "zstd", 0, 1}, {"elf", "zlib", 0, 1},
	};
	char path[4096];

	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++)
		for (size_t k = 0; k < KDL_ARRAY_SIZE(ways); k++) {
			struct kdl_options o;
			struct kdl_stats st[2];
			uint8_t *f[2];
			size_t len[2];

			way_options(&ways[k], &o);
			for (int promise = 0; promise < 2; promise++) {
				kdl_dump *d = kdl_dump_new(ctx, NULL);
				const char *name = promise ? "promised" : "plain";

				promise_stream(&cases[i], promise);
				if (!CHECK(d) || !CHECK_EQ(pack_into(d, true, name, &o, &st[promise]), 0))
					fprintf(stderr, "  %s: %s\n", cases[i].what, kdl_ctx_error(ctx));
				kdl_dump_free(d);
				f[promise] = read_file(scratch_path(name, path, sizeof(path)), &len[promise]);
			}
			if (!CHECK(f[0] && f[1]) || !CHECK_EQ(len[0], len[1]) || !CHECK_MEM(f[0], f[1], len[0]))
				fprintf(stderr, "  (%s, %s %s, dump level %d, %u threads)\n", cases[i].what,
				        ways[k].format, ways[k].codec, ways[k].dump_level, ways[k].threads);
			CHECK_EQ(st[0].compressed_size, st[1].compressed_size);
			free(f[0]);
			free(f[1]);
		}
}

/* An EXTENT that is not one is corrupt input, as a SEGMENT would be. */
static void test_bad_promises(void)
{
	for (enum how how = PACKED; how <= READ; how++) {
		begin();
		extent(0x1000, 0);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: extent record: no data for the segment at 0x1000: a segment cannot be empty");
		begin();
		extent(UINT64_MAX - 0xfff, 0x2000);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: extent record: segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space");
		begin();
		segment(0, 0, 4096);
		extent(0, 4096);
		CHECK_EQ(take(how, true), -1);
		check_corrupt(how, "input: corrupt stream: description record inside a segment");
	}
}

int main(void)
{
	if (!write_setup())
		return 1;
	test_unknown_records();
	test_truncated_leaves_nothing();
	test_misplaced_records();
	test_aliases();
	test_segment_lengths();
	test_zeros_and_big_data();
	test_out_of_order();
	test_dry_run();
	test_corrupt_descriptions();
	test_conflicts();
	test_caller_refused();
	test_read_stream();
	test_read_like_pack();
	test_promises();
	test_bad_promises();
	kdl_ctx_free(ctx);
	return check_done("write/pack");
}
