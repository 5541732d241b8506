/* write/job.c: one write of a dump, driven segment by segment: the checks
 * every segment gets whatever feeds it, a job that only lays the dump out,
 * what a job refuses, the stats it fills and the file it leaves, or not. */
#include <fcntl.h>
#include <unistd.h>

#include "write-check.h"
#include "write/write.h"

/* A job over a dump of its own, as a stream's segments would feed it. */
struct run {
	kdl_dump *dump;
	struct kdl_plan plan;
	struct kdl_job job;
	bool started;
};

static int run_start(struct run *r, const struct kdl_options *opts,
                     const char *path)
{
	r->started = false;
	r->dump = kdl_dump_new(ctx, NULL);
	if (!r->dump || kdl_plan_make(ctx, opts, &r->plan) ||
	    kdl_job_start(&r->job, ctx, r->dump, &r->plan, path))
		return -1;
	r->started = true;
	return 0;
}

/* A laid-out ELF job over a segment begun at phys. */
static int run_segment(struct run *r, uint64_t phys, uint64_t len)
{
	if (run_start(r, NULL, NULL))
		return -1;
	return kdl_job_segment_begin(&r->job, phys, len);
}

/* After a failure: the job leaves nothing behind. */
static void run_abort(struct run *r)
{
	if (r->started)
		kdl_job_abort(&r->job);
	r->started = false;
}

static void run_end(struct run *r)
{
	if (r->started)
		kdl_job_free(&r->job);
	kdl_dump_free(r->dump);
}

static int feed(struct run *r, const void *buf, uint64_t n)
{
	struct kdl_source src;

	kdl_source_buffer(&src, ctx, buf, n);
	return kdl_job_bytes(&r->job, &src);
}

static int feed_zero(struct run *r, uint64_t n)
{
	struct kdl_source src;

	kdl_source_zero(&src, ctx, n);
	return kdl_job_bytes(&r->job, &src);
}

/* The segment is complete, and the dump holds it as it would hold a
 * stream's: its bytes gone to the format, not kept. */
static int end_segment(struct run *r)
{
	struct kdl_seg seg = {.origin = KDL_ORIGIN_NONE, .fd = -1};

	if (kdl_job_segment_end(&r->job))
		return -1;
	seg.phys = seg.virt = r->job.seg.phys;
	seg.len = r->job.seg.len;
	return kdl_dump_add_segment(r->dump, &seg);
}

static void test_counting(void)
{
	static const uint8_t bytes[100];
	struct run r;
	struct kdl_stats st;

	if (!CHECK_EQ(run_segment(&r, 0x1000, 250), 0))
		goto out;
	CHECK_EQ(feed(&r, bytes, 100), 0);
	CHECK_EQ(feed_zero(&r, 50), 0);
	CHECK_EQ(feed(&r, bytes, 100), 0);
	CHECK_EQ(r.job.seg.filled, 250);
	CHECK_EQ(feed(&r, bytes, 1), -1);
	check_error(KDL_ERR_INVALID, "segment at 0x1000 has more data than its length (250 bytes)");
	CHECK_EQ(feed_zero(&r, 1), -1);
	check_error(KDL_ERR_INVALID, "segment at 0x1000 has more data than its length (250 bytes)");
	/* what was refused was not counted */
	CHECK_EQ(r.job.seg.filled, 250);
	CHECK_EQ(end_segment(&r), 0);
	CHECK(!r.job.seg.open);
	CHECK_EQ(r.job.segments, 1);
	CHECK_EQ(kdl_job_finish(&r.job, &st), 0);
	CHECK_EQ(st.total_memory, 250);
	CHECK_EQ(st.segments, 1);
	/* a page of headers, the segment's page */
	CHECK_EQ(st.estimated_size, 2 * 4096);
	CHECK_EQ(st.actual_size, 0);
	CHECK_EQ(st.written, 0);
	run_end(&r);

	if (!CHECK_EQ(run_segment(&r, 0x1000, 250), 0))
		goto out;
	CHECK_EQ(feed(&r, bytes, 100), 0);
	CHECK_EQ(kdl_job_segment_end(&r.job), -1);
	check_error(KDL_ERR_INVALID, "segment at 0x1000 ended after 100 of its 250 bytes");
out:
	run_end(&r);
}

static void test_unknown_length(void)
{
	static const uint8_t bytes[100];
	struct run r;

	if (!CHECK_EQ(run_segment(&r, 0x2000, KDL_LENGTH_UNKNOWN), 0))
		goto out;
	CHECK_EQ(kdl_job_segment_end(&r.job), -1);
	check_error(KDL_ERR_INVALID, "no data for the segment at 0x2000: a segment cannot be empty");
	/* the segment is still open for its bytes */
	CHECK(r.job.seg.open);
	CHECK_EQ(feed(&r, bytes, 100), 0);
	CHECK_EQ(feed_zero(&r, 1u << 30), 0);
	CHECK_EQ(kdl_job_segment_end(&r.job), 0);
	/* the length is known once the segment ends */
	CHECK_EQ(r.job.seg.len, 100 + (1u << 30));
out:
	run_end(&r);
}

static void test_empty(void)
{
	struct run r;

	if (!CHECK_EQ(run_start(&r, NULL, NULL), 0))
		goto out;
	CHECK_EQ(kdl_job_segment_begin(&r.job, 0x9000, 0), -1);
	check_error(KDL_ERR_INVALID, "no data for the segment at 0x9000: a segment cannot be empty");
	CHECK(!r.job.seg.open);
	/* zeros of no length are no data either */
	CHECK_EQ(kdl_job_segment_begin(&r.job, 0x9000, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(feed_zero(&r, 0), 0);
	CHECK_EQ(kdl_job_segment_end(&r.job), -1);
	check_error(KDL_ERR_INVALID, "no data for the segment at 0x9000: a segment cannot be empty");
out:
	run_end(&r);
}

/* A dump of no segment, written when nothing says otherwise, refused
 * when refuse_empty does; laid out either way. */
static void test_no_segment(void)
{
	struct kdl_options o;
	struct run r;
	char path[4096];
	int before = scratch_entries();

	kdl_options_init(&o);
	scratch_path("no-segment", path, sizeof(path));
	if (CHECK_EQ(run_start(&r, &o, path), 0))
		CHECK_EQ(kdl_job_finish(&r.job, NULL), 0);
	run_end(&r);
	CHECK(exists(path));
	unlink(path);
	o.refuse_empty = 1;
	if (CHECK_EQ(run_start(&r, &o, path), 0)) {
		CHECK_EQ(kdl_job_finish(&r.job, NULL), -1);
		check_error(KDL_ERR_INVALID, "the dump would hold no memory: no segment came (an empty dump is written only when asked for: --allow-empty)");
		kdl_job_abort(&r.job);
		r.started = false;
	}
	run_end(&r);
	CHECK(!exists(path));
	CHECK_EQ(scratch_entries(), before);
	if (CHECK_EQ(run_start(&r, &o, NULL), 0))
		CHECK_EQ(kdl_job_finish(&r.job, NULL), 0);
	run_end(&r);
}

static void test_address_space(void)
{
	static const uint8_t bytes[0x2000];
	struct run r;

	if (!CHECK_EQ(run_segment(&r, 0xfffffffffffff000, KDL_LENGTH_UNKNOWN), 0))
		goto out;
	CHECK_EQ(feed(&r, bytes, 0x1001), -1);
	check_error(KDL_ERR_INVALID, "segment at 0xfffffffffffff000 goes past the end of the address space");
	CHECK_EQ(r.job.seg.filled, 0);
	run_end(&r);

	/* up to and including the last byte */
	if (!CHECK_EQ(run_segment(&r, 0xffffffffffffe000, KDL_LENGTH_UNKNOWN), 0))
		goto out;
	CHECK_EQ(feed(&r, bytes, 0x1000), 0);
	if (!CHECK_EQ(feed_zero(&r, 0x1000), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(feed_zero(&r, 1), -1);
	check_error(KDL_ERR_INVALID, "segment at 0xffffffffffffe000 goes past the end of the address space");
	CHECK_EQ(kdl_job_segment_end(&r.job), 0);
	CHECK_EQ(r.job.seg.len, 0x2000);
	run_end(&r);

	if (!CHECK_EQ(run_segment(&r, 0xffffffffffffe000, 0x2000), 0))
		goto out;
	if (!CHECK_EQ(feed(&r, bytes, 0x2000), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(kdl_job_segment_end(&r.job), 0);
	run_end(&r);

	/* a length known from the start is checked at once */
	if (!CHECK_EQ(run_start(&r, NULL, NULL), 0))
		goto out;
	CHECK_EQ(kdl_job_segment_begin(&r.job, 0xfffffffffffff000, 0x2000), -1);
	check_error(KDL_ERR_INVALID, "segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space");
	CHECK(!r.job.seg.open);
out:
	run_end(&r);
}

/* A source that counts how the job takes its bytes. */
struct counted {
	const uint8_t *bytes;
	unsigned reads, copies, skips;
	uint64_t taken;
};

static int counted_read(struct kdl_source *src, void *dst, size_t n)
{
	struct counted *c = src->arg;

	memcpy(dst, c->bytes + (src->total - src->len), n);
	c->reads++;
	c->taken += n;
	return 0;
}

static int counted_copy(struct kdl_source *src, uint64_t n,
                        const struct kdl_copy_end *to)
{
	struct counted *c = src->arg;

	if (kdl_pwrite_all(src->ctx, to->fd, to->name,
	                   c->bytes + (src->total - src->len), (size_t)n, *to->off))
		return -1;
	*to->off += n;
	c->copies++;
	c->taken += n;
	return 0;
}

static int counted_skip(struct kdl_source *src, uint64_t n)
{
	struct counted *c = src->arg;

	c->skips++;
	c->taken += n;
	return 0;
}

static const struct kdl_source_ops counted_ops = {counted_read, counted_copy, counted_skip};

/* One segment of 5000 bytes at 0x3000 from a counted source, through a
 * job of the format to path (NULL: laid out); the stats of the job. */
static int counted_run(const char *format, const char *path,
                       struct counted *c, struct kdl_stats *st)
{
	static uint8_t bytes[5000];
	struct kdl_options o;
	struct kdl_source src;
	struct run r;
	int ret;

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i % 253 + 1);
	memset(c, 0, sizeof(*c));
	c->bytes = bytes;
	kdl_options_init(&o);
	o.format = format;
	kdl_source_custom(&src, ctx, &counted_ops, c, sizeof(bytes));
	ret = run_start(&r, &o, path) ||
	      kdl_job_segment_begin(&r.job, 0x3000, sizeof(bytes)) ||
	      kdl_job_bytes(&r.job, &src) || end_segment(&r) ||
	      kdl_job_finish(&r.job, st) ? -1 : 0;
	CHECK_EQ(src.len, 0);
	if (ret)
		run_abort(&r);
	run_end(&r);
	return ret;
}

static void test_laid_out(void)
{
	const char *formats[] = {"elf", "kdump"};
	char path[4096];
	struct counted c;
	struct kdl_stats st;
	int before = scratch_entries();

	for (size_t i = 0; i < 2; i++) {
		/* passed over: neither read nor copied, and no file */
		if (!CHECK_EQ(counted_run(formats[i], NULL, &c, &st), 0))
			continue;
		CHECK_EQ(c.reads + c.copies, 0);
		CHECK_EQ(c.skips, 1);
		CHECK_EQ(c.taken, 5000);
		CHECK_EQ(st.segments, 1);
		CHECK_EQ(st.total_memory, 5000);
		CHECK_EQ(st.written, 0);
		CHECK_EQ(st.actual_size, 0);
		CHECK_EQ(scratch_entries(), before);
	}

	/* written, each format takes the bytes its own way */
	if (CHECK_EQ(counted_run("elf", scratch_path("counted-elf", path, sizeof(path)), &c, &st), 0)) {
		uint8_t *f;
		size_t len;

		CHECK_EQ(c.copies, 1);
		CHECK_EQ(c.reads + c.skips, 0);
		CHECK_EQ(c.taken, 5000);
		f = read_file(path, &len);
		/* the headers' page, then the segment on two pages */
		if (CHECK(f) && CHECK_EQ(len, 3 * 4096))
			CHECK_MEM(f + 4096, c.bytes, 5000);
		free(f);
	}
	if (CHECK_EQ(counted_run("kdump", scratch_path("counted-kdump", path, sizeof(path)), &c, &st), 0)) {
		/* a whole page to compress, then the start of the next */
		CHECK_EQ(c.reads, 2);
		CHECK_EQ(c.copies + c.skips, 0);
		CHECK_EQ(c.taken, 5000);
		CHECK_EQ(st.written, 1);
	}
	CHECK_EQ(scratch_entries(), before + 2);
}

/* The elf format writes its headers last: not to a pipe, not flattened,
 * and refused before a file is made. */
static void test_refused(void)
{
	struct kdl_options o;
	struct kdl_stats st;
	char path[4096], want[8192];
	struct run r;
	int before = scratch_entries();
	uint8_t *f;
	size_t len;

	kdl_options_init(&o);
	CHECK_EQ(run_start(&r, &o, "-"), -1);
	check_error(KDL_ERR_INVALID, "-: the elf format cannot be written to a pipe: its headers are written last; give a file name, or use the kdump format");
	CHECK(r.job.priv == NULL);
	run_end(&r);

	o.flat = 1;
	CHECK_EQ(run_start(&r, &o, scratch_path("flat-elf", path, sizeof(path))), -1);
	snprintf(want, sizeof(want), "%s: the elf format cannot be flattened: its headers are written last; give a file name, or use the kdump format", path);
	check_error(KDL_ERR_INVALID, want);
	CHECK(!exists(path));
	CHECK_EQ(scratch_entries(), before);
	run_end(&r);
	/* a dry run tells what the write would */
	CHECK_EQ(run_start(&r, &o, NULL), -1);
	check_error(KDL_ERR_INVALID, "the elf format cannot be flattened: its headers are written last; give a file name, or use the kdump format");
	run_end(&r);

	/* the kdump format can be flattened */
	o.format = "kdump";
	if (CHECK_EQ(run_start(&r, &o, scratch_path("flat-kdump", path, sizeof(path))), 0) &&
	    CHECK_EQ(kdl_job_segment_begin(&r.job, 0, 4096), 0)) {
		CHECK_EQ(feed_zero(&r, 4096), 0);
		CHECK_EQ(end_segment(&r), 0);
		CHECK_EQ(kdl_job_finish(&r.job, &st), 0);
		f = read_file(path, &len);
		if (CHECK(f) && CHECK(len > 4096))
			CHECK_MEM(f, "makedumpfile", 13);
		CHECK_EQ(st.actual_size, len);
		free(f);
	}
	run_end(&r);
}

/* Segments the dump holds that never came through the job: the file
 * would lack them. */
static void test_unfed_segments(void)
{
	static const uint8_t bytes[4096];
	char path[4096];
	struct kdl_stats st;
	struct run r;
	int before = scratch_entries();

	if (!CHECK_EQ(run_start(&r, NULL, scratch_path("unfed", path, sizeof(path))), 0))
		goto out;
	CHECK_EQ(kdl_dump_add_segment_buffer(r.dump, 0x1000, 0x1000, bytes, sizeof(bytes)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(r.dump, 0x8000, 0x8000, bytes, sizeof(bytes)), 0);
	CHECK_EQ(kdl_job_segment_begin(&r.job, 0x4000, 100), 0);
	CHECK_EQ(feed(&r, bytes, 100), 0);
	CHECK_EQ(end_segment(&r), 0);
	CHECK_EQ(kdl_job_finish(&r.job, &st), -1);
	check_error(KDL_ERR_INVALID, "the dump has 3 segments and 1 were written: segments added beside a stream are not");
	run_abort(&r);
	CHECK(!exists(path));
	CHECK_EQ(scratch_entries(), before);
	run_end(&r);

	/* laid out, the dump's segments are all there is to lay out */
	if (!CHECK_EQ(run_start(&r, NULL, NULL), 0))
		goto out;
	CHECK_EQ(kdl_dump_add_segment_buffer(r.dump, 0x1000, 0x1000, bytes, sizeof(bytes)), 0);
	CHECK_EQ(kdl_job_finish(&r.job, &st), 0);
	CHECK_EQ(st.segments, 1);
	CHECK_EQ(st.total_memory, 4096);
	CHECK_EQ(st.estimated_size, 2 * 4096);
out:
	run_end(&r);
}

/* A dump with a CPU and a vmcoreinfo, and two segments fed to it:
 * 0x1000 of two pages, the first of bytes, the second of zeros, and
 * 0x10000 of one page of zeros. */
static int stats_run(struct run *r, const struct kdl_options *o,
                     const char *path, struct kdl_stats *st)
{
	static uint8_t page[4096];
	struct kdl_prstatus s = {0};

	memset(page, 0x5a, sizeof(page));
	if (run_start(r, o, path) || kdl_dump_add_cpu(r->dump, &s, NULL, 0) ||
	    kdl_dump_set_vmcoreinfo(r->dump, "OSRELEASE=6.1.0\n", 16) ||
	    kdl_job_segment_begin(&r->job, 0x10000, KDL_LENGTH_UNKNOWN) ||
	    feed_zero(r, 4096) || end_segment(r) ||
	    kdl_job_segment_begin(&r->job, 0x1000, 8192) || feed(r, page, 4096) ||
	    feed_zero(r, 4096) || end_segment(r) || kdl_job_finish(&r->job, st)) {
		run_abort(r);
		return -1;
	}
	return 0;
}

static void test_stats(void)
{
	struct kdl_options o;
	struct kdl_stats st;
	char path[4096];
	struct run r;
	uint8_t *f;
	size_t len;

	kdl_options_init(&o);
	memset(&st, 0xa5, sizeof(st));
	if (CHECK_EQ(stats_run(&r, &o, scratch_path("stats-elf", path, sizeof(path)), &st), 0)) {
		CHECK_STR(st.arch, "x86_64");
		CHECK_STR(st.format, "elf");
		CHECK_EQ(st.segments, 2);
		CHECK_EQ(st.cpus, 1);
		CHECK_EQ(st.total_memory, 3 * 4096);
		CHECK_EQ(st.vmcoreinfo_size, 16);
		/* headers, notes, three pages */
		CHECK_EQ(st.estimated_size, 5 * 4096);
		CHECK_EQ(st.actual_size, 5 * 4096);
		CHECK_EQ(st.written, 1);
		CHECK(st.codec == NULL);
		CHECK_EQ(st.pages_total, 0);
		CHECK_EQ(st.compressed_size, 0);
		f = read_file(path, &len);
		CHECK_EQ(len, st.actual_size);
		free(f);
	}
	run_end(&r);

	o.format = "kdump";
	o.codec = "none";
	memset(&st, 0xa5, sizeof(st));
	if (CHECK_EQ(stats_run(&r, &o, scratch_path("stats-kdump", path, sizeof(path)), &st), 0)) {
		CHECK_STR(st.format, "kdump");
		CHECK_EQ(st.segments, 2);
		CHECK_EQ(st.cpus, 1);
		CHECK_EQ(st.total_memory, 3 * 4096);
		CHECK_EQ(st.vmcoreinfo_size, 16);
		/* header, sub-header, two bitmaps, three descriptors, the zero
		 * page, then at most three pages stored raw */
		CHECK_EQ(st.estimated_size, 4 * 4096 + 3 * 24 + 4096 + 3 * 4096);
		/* the one page that is not zero */
		CHECK_EQ(st.actual_size, 4 * 4096 + 3 * 24 + 4096 + 4096);
		CHECK_EQ(st.written, 1);
		CHECK_STR(st.codec, "none");
		CHECK_EQ(st.level, 0);
		CHECK_EQ(st.dump_level, 1);
		CHECK_EQ(st.pages_total, 3);
		CHECK_EQ(st.pages_dumped, 1);
		CHECK_EQ(st.pages_zero, 2);
		CHECK_EQ(st.compressed_size, 4096);
		f = read_file(path, &len);
		CHECK_EQ(len, st.actual_size);
		free(f);
	}
	run_end(&r);

	/* laid out: what compression gives is not known */
	memset(&st, 0xa5, sizeof(st));
	if (CHECK_EQ(stats_run(&r, &o, NULL, &st), 0)) {
		CHECK_EQ(st.estimated_size, 4 * 4096 + 3 * 24 + 4096 + 3 * 4096);
		CHECK_EQ(st.actual_size, 0);
		CHECK_EQ(st.written, 0);
		CHECK_STR(st.codec, "none");
		CHECK_EQ(st.pages_total, 3);
		CHECK_EQ(st.pages_dumped, 0);
		CHECK_EQ(st.pages_zero, 0);
		CHECK_EQ(st.compressed_size, 0);
	}
	run_end(&r);

	/* no stats asked for */
	if (CHECK_EQ(stats_run(&r, &o, scratch_path("no-stats", path, sizeof(path)), NULL), 0))
		CHECK(exists(path));
	run_end(&r);
}

static void test_abort(void)
{
	const char *formats[] = {"elf", "kdump"};
	static const uint8_t bytes[10000];
	struct kdl_options o;
	char path[4096];
	struct run r;
	int before = scratch_entries();

	kdl_options_init(&o);
	for (size_t i = 0; i < 2; i++) {
		o.format = formats[i];
		if (CHECK_EQ(run_start(&r, &o, scratch_path("aborted", path, sizeof(path))), 0) &&
		    CHECK_EQ(kdl_job_segment_begin(&r.job, 0, KDL_LENGTH_UNKNOWN), 0)) {
			CHECK_EQ(feed(&r, bytes, sizeof(bytes)), 0);
			run_abort(&r);
		}
		CHECK(!exists(path));
		CHECK_EQ(scratch_entries(), before);
		run_end(&r);
	}
}

/* 0x1000 of low, whole from memory; 0x5100 of high in pieces, from
 * memory, as zeros and from the descriptor holding high. */
static int feed_pieces(struct run *r, int fd, const char *name, bool low_first)
{
	struct kdl_source src;

	if (low_first && (kdl_job_segment_begin(&r->job, 0x1000, sizeof(low)) ||
	                  feed(r, low, sizeof(low)) || end_segment(r)))
		return -1;
	kdl_source_fd(&src, ctx, fd, name, 3000, 3000);
	if (kdl_job_segment_begin(&r->job, 0x5100, KDL_LENGTH_UNKNOWN) ||
	    feed(r, high, 1000) || feed_zero(r, 2000) ||
	    kdl_job_bytes(&r->job, &src) || end_segment(r))
		return -1;
	if (!low_first && (kdl_job_segment_begin(&r->job, 0x1000, sizeof(low)) ||
	                   feed(r, low, sizeof(low)) || end_segment(r)))
		return -1;
	return kdl_job_finish(&r->job, NULL);
}

/* Segments fed in pieces and from every kind of source give the file
 * kdl_dump_write makes of the same memory: kdump whatever their order,
 * ELF when they come in physical order (it keeps data where it arrived). */
static void test_like_dump_write(void)
{
	const char *formats[] = {"elf", "kdump"};
	struct kdl_options o;
	char src_path[4096], fed[4096], whole[4096];
	uint8_t *a, *b;
	size_t al, bl;
	int fd;

	fill_low_high();
	write_file(scratch_path("like-src", src_path, sizeof(src_path)), high, sizeof(high));
	fd = open(src_path, O_RDONLY);
	if (!CHECK(fd >= 0))
		return;
	kdl_options_init(&o);
	o.has_timestamp = 1;
	o.timestamp = 1700000000;
	for (size_t i = 0; i < 2; i++) {
		struct run r;
		kdl_dump *d;

		o.format = formats[i];
		scratch_path("like-fed", fed, sizeof(fed));
		scratch_path("like-whole", whole, sizeof(whole));
		if (!CHECK_EQ(run_start(&r, &o, fed), 0) ||
		    !CHECK_EQ(feed_pieces(&r, fd, src_path, i == 0), 0)) {
			fprintf(stderr, "  %s: %s\n", formats[i], kdl_ctx_error(ctx));
			run_abort(&r);
		}
		run_end(&r);

		d = kdl_dump_new(ctx, NULL);
		if (!CHECK(d))
			break;
		CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, low, sizeof(low)), 0);
		CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x5100, 0x5100, high, sizeof(high)), 0);
		CHECK_EQ(kdl_dump_write(d, whole, &o, NULL), 0);
		kdl_dump_free(d);

		a = read_file(fed, &al);
		b = read_file(whole, &bl);
		if (CHECK(a && b) && CHECK_EQ(al, bl))
			CHECK_MEM(a, b, al);
		free(a);
		free(b);
	}
	close(fd);
}

int main(void)
{
	if (!write_setup())
		return 1;
	test_counting();
	test_unknown_length();
	test_empty();
	test_no_segment();
	test_address_space();
	test_laid_out();
	test_refused();
	test_unfed_segments();
	test_stats();
	test_abort();
	test_like_dump_write();
	kdl_ctx_free(ctx);
	return check_done("write/job");
}
