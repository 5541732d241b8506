/* stream/dump-stream.c: a dump as records, read back and packed. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream-check.h"

/* The dump as a stream in the scratch file of that name. */
static int write_stream(kdl_dump *dump, const char *name)
{
	int fd = create(name), ret;
	kdl_writer *w = kdl_writer_new(ctx, fd, name);

	if (!w) {
		close(fd);
		return -1;
	}
	ret = kdl_dump_write_stream(dump, w);
	if (ret)
		kdl_writer_free(w);
	else
		ret = kdl_writer_finish(w);
	close(fd);
	return ret;
}

/* A segment read back: SEGMENT, DATA records, SEGMENT_END. */
struct segment {
	struct kdl_rec_segment seg;
	char layout[256]; /* the DATA records' sizes: "4096, 100" */
	uint8_t *bytes;
	uint64_t filled, end;
};

static bool read_segment(kdl_reader *r, struct segment *s)
{
	struct kdl_record hdr;
	struct kdl_rec_segment_end end;
	size_t used = 0;

	memset(s, 0, sizeof(*s));
	if (!next_is(r, &hdr, KDL_REC_SEGMENT) || !CHECK_EQ(kdl_rec_get_segment(r, &hdr, &s->seg), 0))
		return false;
	while (CHECK_EQ(kdl_reader_next(r, &hdr), 1) && CHECK_EQ(hdr.flags, KDL_REC_CRITICAL)) {
		uint8_t *p;

		if (hdr.type == KDL_REC_SEGMENT_END) {
			if (!CHECK_EQ(kdl_rec_get_segment_end(r, &hdr, &end), 0))
				return false;
			s->end = end.length;
			return true;
		}
		p = realloc(s->bytes, (size_t)(s->filled + hdr.length));
		if (!CHECK_EQ(hdr.type, KDL_REC_DATA) || !CHECK(p))
			return false;
		s->bytes = p;
		if (!CHECK_EQ(kdl_reader_exact(r, p + s->filled, (size_t)hdr.length), 0))
			return false;
		s->filled += hdr.length;
		used += (size_t)snprintf(s->layout + used, sizeof(s->layout) - used, "%s%" PRIu64,
		                         used ? ", " : "", hdr.length);
		if (!CHECK(used < sizeof(s->layout)))
			return false;
	}
	return false;
}

/* The segment read back is this one, its bytes in these DATA records. */
static void check_segment(kdl_reader *r, uint64_t phys, uint64_t virt,
                          const uint8_t *bytes, uint64_t len, const char *layout)
{
	struct segment s;

	if (read_segment(r, &s)) {
		CHECK_EQ(s.seg.phys, phys);
		CHECK_EQ(s.seg.virt, virt);
		CHECK_EQ(s.seg.length, len);
		CHECK_STR(s.layout, layout);
		CHECK_EQ(s.end, len);
		if (CHECK_EQ(s.filled, len))
			CHECK_MEM(s.bytes, bytes, (size_t)len);
	}
	free(s.bytes);
}

/* ---- a dump of everything ---- */

#define BIG ((1u << 20) + 100)
static uint8_t big[BIG], low[6000], high[8192];
static const char vmcoreinfo[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
static const struct kdl_prstatus cpu1 = {
	.cpu = 1, .pid = 2, .ppid = 3, .pgrp = 4, .sid = 5, .signo = 11, .code = -3,
	.err = 6, .cursig = 11,
	.utime = {7, 8}, .stime = {9, 10}, .cutime = {-11, 12}, .cstime = {13, 999999},
};
static const struct kdl_reg regs1[] = {{"pc", 0xffff800008000000}, {"SP", 0x5000}};
static const struct kdl_prstatus cpu0 = {.cpu = 0, .pid = 1, .utime = {1, 5}};
static const struct kdl_reg regs0[] = {{"x0", 7}};

/* Segments from a buffer, a path and a descriptor, given out of
 * physical order; *fd is the descriptor's, to close once written. */
static kdl_dump *everything(int *fd)
{
	kdl_dump *d = kdl_dump_new(ctx, "arm64");

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13 + i / 4093);
	for (size_t i = 0; i < sizeof(low); i++)
		low[i] = (uint8_t)(i * 3);
	for (size_t i = 0; i < sizeof(high); i++)
		high[i] = (uint8_t)~i;
	write_file(scratch_file("low"), low, sizeof(low));
	write_file(scratch_file("high"), high, sizeof(high));
	*fd = open(scratch_file("high"), O_RDONLY);
	if (!CHECK(d) || !CHECK(*fd >= 0))
		return d;
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vmcoreinfo, strlen(vmcoreinfo)), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 0x100, "hello", 5), 0);
	CHECK_EQ(kdl_dump_add_note(d, "XYZ", KDL_NOTE_USER_DEFINED, "\0\1\2", 3), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "box"), 0);
	CHECK_EQ(kdl_dump_set_vendor(d, "ACME"), 0);
	CHECK_EQ(kdl_dump_add_annotation(d, "why", "test"), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &cpu1, regs1, 2), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &cpu0, regs0, 1), 0);
	CHECK_EQ(kdl_dump_add_alias(d, 0x200000, 0xffff800008000000, 0x2000), 0);
	CHECK_EQ(kdl_dump_add_alias(d, 0x1000, 0xffff800000001000, 0x1000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x200000, 0xffff000000200000, big, sizeof(big)), 0);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x1000, 0xffff000000001000, scratch_file("low"), 0,
	                                   KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x100000, 0xffff000000100000, *fd, 100, 4000), 0);
	return d;
}

static void check_prstatus(const struct kdl_rec_prstatus *got,
                           const struct kdl_prstatus *s,
                           const struct kdl_reg *regs, size_t nregs)
{
	const struct kdl_prstatus *g = &got->status;

	CHECK_EQ(g->cpu, s->cpu);
	CHECK(g->pid == s->pid && g->ppid == s->ppid && g->pgrp == s->pgrp && g->sid == s->sid);
	CHECK(g->signo == s->signo && g->code == s->code && g->err == s->err);
	CHECK(g->cursig == s->cursig);
	CHECK(g->utime.sec == s->utime.sec && g->utime.usec == s->utime.usec);
	CHECK(g->stime.sec == s->stime.sec && g->stime.usec == s->stime.usec);
	CHECK(g->cutime.sec == s->cutime.sec && g->cutime.usec == s->cutime.usec);
	CHECK(g->cstime.sec == s->cstime.sec && g->cstime.usec == s->cstime.usec);
	if (!CHECK_EQ(got->nregs, nregs))
		return;
	for (size_t i = 0; i < nregs; i++) {
		CHECK_STR(got->regs[i].name, regs[i].name);
		CHECK_EQ(got->regs[i].value, regs[i].value);
	}
}

/* The next record is this ALIAS, not critical: a packer that does not
 * know it loses no memory. */
static void check_alias(kdl_reader *r, uint64_t phys, uint64_t virt,
                        uint64_t len)
{
	struct kdl_record hdr;
	struct kdl_rec_alias alias;

	if (CHECK(r) && CHECK_EQ(kdl_reader_next(r, &hdr), 1) &&
	    CHECK_EQ(hdr.type, KDL_REC_ALIAS) && CHECK_EQ(hdr.flags, 0) &&
	    CHECK_EQ(kdl_rec_get_alias(r, &hdr, &alias), 0)) {
		CHECK_EQ(alias.phys, phys);
		CHECK_EQ(alias.virt, virt);
		CHECK_EQ(alias.length, len);
	}
}

/* The next record is this EXTENT, not critical either: a packer that
 * does not know it moves the data once more. */
static void check_extent(kdl_reader *r, uint64_t phys, uint64_t len)
{
	struct kdl_record hdr;
	struct kdl_rec_extent extent;

	if (CHECK(r) && CHECK_EQ(kdl_reader_next(r, &hdr), 1) &&
	    CHECK_EQ(hdr.type, KDL_REC_EXTENT) && CHECK_EQ(hdr.flags, 0) &&
	    CHECK_EQ(kdl_rec_get_extent(r, &hdr, &extent), 0)) {
		CHECK_EQ(extent.phys, phys);
		CHECK_EQ(extent.length, len);
	}
}

static void test_records(void)
{
	struct kdl_record hdr;
	struct kdl_rec_arch arch;
	struct kdl_rec_vmcoreinfo vmci;
	struct kdl_rec_note note;
	struct kdl_rec_meta meta;
	struct kdl_rec_prstatus cpu;
	int hfd, fd;
	kdl_dump *d = everything(&hfd);
	kdl_reader *r;

	if (!CHECK_EQ(write_stream(d, "all"), 0))
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
	kdl_dump_free(d);
	close(hfd);

	r = reader_of("all", &fd);
	/* the architecture's own name, not the alias it was given as */
	if (next_is(r, &hdr, KDL_REC_ARCH) && CHECK_EQ(kdl_rec_get_arch(r, &hdr, &arch), 0))
		CHECK_STR(arch.name, "aarch64");
	if (next_is(r, &hdr, KDL_REC_VMCOREINFO) &&
	    CHECK_EQ(kdl_rec_get_vmcoreinfo(r, &hdr, &vmci), 0) &&
	    CHECK_EQ(vmci.len, strlen(vmcoreinfo)))
		CHECK_MEM(vmci.text, vmcoreinfo, vmci.len);
	if (next_is(r, &hdr, KDL_REC_NOTE) && CHECK_EQ(kdl_rec_get_note(r, &hdr, &note), 0)) {
		CHECK_STR(note.name, "ACME");
		CHECK_EQ(note.type, 0x100);
		if (CHECK_EQ(note.len, 5))
			CHECK_MEM(note.desc, "hello", 5);
	}
	if (next_is(r, &hdr, KDL_REC_NOTE) && CHECK_EQ(kdl_rec_get_note(r, &hdr, &note), 0)) {
		CHECK_STR(note.name, "XYZ");
		CHECK_EQ(note.type, KDL_NOTE_USER_DEFINED);
		if (CHECK_EQ(note.len, 3))
			CHECK_MEM(note.desc, "\0\1\2", 3);
	}
	/* each with the vendor it was given under */
	if (next_is(r, &hdr, KDL_REC_META) && CHECK_EQ(kdl_rec_get_meta(r, &hdr, &meta), 0)) {
		CHECK_EQ(meta.kind, KDL_NOTE_METADATA);
		CHECK_STR(meta.vendor, "KDUMPLING");
		CHECK_STR(meta.key, "host");
		CHECK_STR(meta.value, "box");
	}
	if (next_is(r, &hdr, KDL_REC_META) && CHECK_EQ(kdl_rec_get_meta(r, &hdr, &meta), 0)) {
		CHECK_EQ(meta.kind, KDL_NOTE_ANNOTATIONS);
		CHECK_STR(meta.vendor, "ACME");
		CHECK_STR(meta.key, "why");
		CHECK_STR(meta.value, "test");
	}
	/* registers as given: their case and aliases stay */
	if (next_is(r, &hdr, KDL_REC_PRSTATUS) && CHECK_EQ(kdl_rec_get_prstatus(r, &hdr, &cpu), 0))
		check_prstatus(&cpu, &cpu1, regs1, 2);
	if (next_is(r, &hdr, KDL_REC_PRSTATUS) && CHECK_EQ(kdl_rec_get_prstatus(r, &hdr, &cpu), 0))
		check_prstatus(&cpu, &cpu0, regs0, 1);
	check_alias(r, 0x200000, 0xffff800008000000, 0x2000);
	check_alias(r, 0x1000, 0xffff800000001000, 0x1000);
	/* the segments to come, then the segments, both in physical
	 * order, not the order given */
	check_extent(r, 0x1000, sizeof(low));
	check_extent(r, 0x100000, 4000);
	check_extent(r, 0x200000, sizeof(big));
	check_segment(r, 0x1000, 0xffff000000001000, low, sizeof(low), "6000");
	check_segment(r, 0x100000, 0xffff000000100000, high + 100, 4000, "4000");
	check_segment(r, 0x200000, 0xffff000000200000, big, sizeof(big), "1048576, 100");
	check_ends(r, fd);
}

static void test_without_arch(void)
{
	static const uint8_t page[4096] = {1, 2, 3};
	struct kdl_record hdr;
	int fd;
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	kdl_reader *r;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2000, 0x2000, page, sizeof(page)), 0);
	CHECK_EQ(write_stream(d, "no-arch"), 0);
	/* the default taken when a dump is frozen is not named either:
	 * whoever reads the stream may still name one */
	CHECK_EQ(kdl_dump_freeze(d), 0);
	CHECK_EQ(write_stream(d, "no-arch-frozen"), 0);
	kdl_dump_free(d);

	r = reader_of("no-arch", &fd);
	check_extent(r, 0x2000, sizeof(page));
	check_segment(r, 0x2000, 0x2000, page, sizeof(page), "4096");
	check_ends(r, fd);
	r = reader_of("no-arch-frozen", &fd);
	check_extent(r, 0x2000, sizeof(page));
	check_segment(r, 0x2000, 0x2000, page, sizeof(page), "4096");
	if (CHECK(r) && CHECK_EQ(kdl_reader_next(r, &hdr), 0))
		CHECK(same_files("no-arch", "no-arch-frozen"));
	kdl_reader_free(r);
	close(fd);
}

/* kdl_pack_stream without a path passes the bytes over: there is nothing
 * to write a stream from. */
static void test_bytes_not_kept(void)
{
	static const uint8_t page[4096] = {9};
	struct kdl_stats st;
	int fd, out;
	kdl_dump *d = kdl_dump_new(ctx, NULL), *laid;
	kdl_reader *r;
	kdl_writer *w;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, page, sizeof(page)), 0);
	CHECK_EQ(write_stream(d, "to-lay-out"), 0);
	kdl_dump_free(d);

	r = reader_of("to-lay-out", &fd);
	laid = kdl_dump_new(ctx, NULL);
	if (!CHECK(r && laid))
		return;
	CHECK_EQ(kdl_pack_stream(laid, r, NULL, NULL, &st), 0);
	CHECK_EQ(st.segments, 1);
	kdl_reader_free(r);
	close(fd);
	out = create("not-kept");
	w = kdl_writer_new(ctx, out, "not-kept");
	CHECK_EQ(kdl_dump_write_stream(laid, w), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x1000: its bytes were not kept (the stream it came from went straight to a file, or was only laid out; kdl_dump_read_stream keeps them)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	kdl_writer_free(w);
	close(out);
	kdl_dump_free(laid);
}

/* What kdl_dump_read_stream reads back writes the same stream again. */
static void test_read_back(void)
{
	int hfd, fd;
	kdl_dump *d = everything(&hfd), *back = kdl_dump_new(ctx, NULL);
	kdl_reader *r;

	if (!CHECK(d && back))
		return;
	CHECK_EQ(write_stream(d, "first"), 0);
	kdl_dump_free(d);
	close(hfd);
	r = reader_of("first", &fd);
	if (!CHECK_EQ(kdl_dump_read_stream(back, r, scratch_file(".")), 0))
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
	kdl_reader_free(r);
	close(fd);
	CHECK_EQ(write_stream(back, "second"), 0);
	kdl_dump_free(back);
	CHECK(same_files("first", "second"));
}

/* A stream packed gives the same dump as the builder given the same, in
 * another order; so does the builder's dump written as a stream. */
static void test_packs_as_built(void)
{
	static uint8_t lo[6000], hi[4096];
	const char *vi = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n";
	struct kdl_prstatus s0 = {.cpu = 0, .pid = 1, .utime = {1, 5}};
	struct kdl_prstatus s1 = {.cpu = 1, .pid = 2, .cursig = 11};
	struct kdl_reg r0[] = {{"rip", 0xffffffff81000010}, {"rsp", 0x5000}};
	struct kdl_reg r1[] = {{"RFLAGS", 0x246}};
	struct kdl_rec_vmcoreinfo vmci = {vi, strlen(vi)};
	struct kdl_rec_note note = {256, "ACME", "hello", 5};
	struct kdl_rec_meta host = {KDL_NOTE_METADATA, "KDUMPLING", "host", "box"};
	struct kdl_rec_meta why = {KDL_NOTE_ANNOTATIONS, "KDUMPLING", "why", "test"};
	struct kdl_rec_prstatus c1 = {s1, r1, 1}, c0 = {s0, r0, 2};
	struct kdl_options opts;
	struct kdl_stats st;
	char lowp[4096], highp[4096];
	int fd, lfd, hfd;
	kdl_writer *w;
	kdl_reader *r;
	kdl_dump *d;

	for (size_t i = 0; i < sizeof(lo); i++)
		lo[i] = (uint8_t)(i * 3);
	memset(hi, 0x5a, sizeof(hi));
	write_file(scratch_path("lo", lowp, sizeof(lowp)), lo, sizeof(lo));
	write_file(scratch_path("hi", highp, sizeof(highp)), hi, sizeof(hi));
	kdl_options_init(&opts);
	CHECK_EQ(kdl_options_set_format(ctx, &opts, "elf"), 0);

	fd = create("rt-stream");
	w = kdl_writer_new(ctx, fd, "rt");
	lfd = open(lowp, O_RDONLY);
	hfd = open(highp, O_RDONLY);
	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_vmcoreinfo(w, &vmci), 0);
	CHECK_EQ(kdl_rec_put_note(w, &note), 0);
	CHECK_EQ(kdl_rec_put_meta(w, &host), 0);
	CHECK_EQ(kdl_rec_put_meta(w, &why), 0);
	CHECK_EQ(kdl_rec_put_prstatus(w, &c1), 0);
	CHECK_EQ(kdl_rec_put_prstatus(w, &c0), 0);
	CHECK_EQ(kdl_stream_segment_fd(w, 0x1000, 0x1000, lfd, "lo", 0, sizeof(lo)), 0);
	CHECK_EQ(kdl_stream_segment_fd(w, 0x100000, 0xffff888000100000, hfd, "hi", 0, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(lfd);
	close(hfd);
	close(fd);

	r = reader_of("rt-stream", &fd);
	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(r && d))
		return;
	if (!CHECK_EQ(kdl_pack_stream(d, r, scratch_file("rt-packed"), &opts, &st), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(st.cpus, 2);
	CHECK_EQ(st.segments, 2);
	CHECK_EQ(st.total_memory, sizeof(lo) + sizeof(hi));
	kdl_dump_free(d);
	kdl_reader_free(r);
	close(fd);

	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_cpu(d, &s0, r0, 2), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s1, r1, 1), 0);
	CHECK_EQ(kdl_dump_add_annotation(d, "why", "test"), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "box"), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 256, "hello", 5), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vi, strlen(vi)), 0);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x100000, 0xffff888000100000, highp, 0, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, lo, sizeof(lo)), 0);
	CHECK_EQ(write_stream(d, "rt-from-dump"), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_file("rt-built"), &opts, NULL), 0);
	kdl_dump_free(d);
	CHECK(same_files("rt-packed", "rt-built"));

	r = reader_of("rt-from-dump", &fd);
	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(r && d))
		return;
	CHECK_EQ(kdl_pack_stream(d, r, scratch_file("rt-repacked"), &opts, NULL), 0);
	kdl_dump_free(d);
	kdl_reader_free(r);
	close(fd);
	CHECK(same_files("rt-repacked", "rt-built"));
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_records();
	test_without_arch();
	test_bytes_not_kept();
	test_read_back();
	test_packs_as_built();
	kdl_ctx_free(ctx);
	return check_done("stream/dump-stream");
}
