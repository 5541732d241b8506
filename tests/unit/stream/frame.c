/* stream/frame.c: the stream's framing, written, read, passed on, refused. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream-check.h"

#define TRUNCATED(where) "input: truncated stream: it ends " where " (did a program before this one fail?)"
#define NOT_A_STREAM "input is not a vmc record stream; to read raw memory use vmc-seg -"

static size_t put_record(uint8_t *p, uint32_t type, uint32_t flags,
                         const void *payload, uint64_t len)
{
	kdl_put32(p, type, false);
	kdl_put32(p + 4, flags, false);
	kdl_put64(p + 8, len, false);
	memcpy(p + 16, payload, (size_t)len);
	return 16 + (size_t)len;
}

static size_t put_end(uint8_t *p, uint64_t count)
{
	uint8_t c[8];

	kdl_put64(c, count, false);
	return put_record(p, KDL_REC_END, KDL_REC_CRITICAL, c, 8);
}

/* A reader named "input" over the given bytes, through a file. */
static kdl_reader *reader_over(const void *bytes, size_t len, int *fd)
{
	char path[4096];

	write_file(scratch_path("input", path, sizeof(path)), bytes, len);
	*fd = open(path, O_RDONLY);
	return kdl_reader_new(ctx, *fd, "input");
}

/* A pipe holding these bytes (fewer than a pipe holds), its writing end
 * closed. */
static int pipe_of(const void *bytes, size_t n)
{
	int fds[2];

	if (pipe(fds))
		return -1;
	if (write(fds[1], bytes, n) != (ssize_t)n) {
		close(fds[0]);
		fds[0] = -1;
	}
	close(fds[1]);
	return fds[0];
}

/* The message a stream of these bytes ends with, reading every record:
 * "ok" when it ends properly. */
static const char *outcome(const void *bytes, size_t len)
{
	struct kdl_record rec;
	int fd, ret;
	kdl_reader *r = reader_over(bytes, len, &fd);

	if (!r)
		return "no reader";
	while ((ret = kdl_reader_next(r, &rec)) > 0)
		if (kdl_reader_skip(r)) {
			ret = -1;
			break;
		}
	kdl_reader_free(r);
	close(fd);
	return ret == 0 ? "ok" : kdl_ctx_error(ctx);
}

static void test_header_and_records_bytes(void)
{
	int fd = create("bytes");
	kdl_writer *w;
	uint8_t want[128], *got;
	size_t n = 0, len;

	if (!CHECK(fd >= 0))
		return;
	w = kdl_writer_new(ctx, fd, "bytes");
	if (!CHECK(w))
		return;
	/* the header goes out at once, so that a producer dying later leaves
	 * a truncated stream rather than an empty one */
	CHECK_EQ(lseek(fd, 0, SEEK_END), 16);
	CHECK(kdl_writer_ctx(w) == ctx);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6), 0);
	CHECK_EQ(kdl_writer_record(w, 0x8000, 0, "", 0), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);

	memcpy(want, header, 16);
	n = 16;
	n += put_record(want + n, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6);
	n += put_record(want + n, 0x8000, 0, "", 0);
	n += put_end(want + n, 2);
	got = slurp("bytes", &len);
	if (CHECK(got) && CHECK_EQ(len, n))
		CHECK_MEM(got, want, n);
	free(got);
}

static void test_round_trip(void)
{
	int fd = create("trip");
	kdl_writer *w;
	kdl_reader *r;
	struct kdl_record rec;
	struct kdl_rec_segment seg;
	uint8_t *big = malloc(200000), small[4], segment[24];
	const uint8_t *p;

	if (!CHECK(fd >= 0) || !CHECK(big))
		return;
	for (size_t i = 0; i < 200000; i++)
		big[i] = (uint8_t)(i * 7 + i / 251);
	kdl_put64(segment, 0x1000, false);
	kdl_put64(segment + 8, 0xffff888000001000, false);
	kdl_put64(segment + 16, KDL_LENGTH_UNKNOWN, false);
	w = kdl_writer_new(ctx, fd, "trip");
	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_writer_record(w, KDL_REC_ARCH, KDL_REC_CRITICAL, "aarch64", 7), 0);
	CHECK_EQ(kdl_writer_begin(w, 0x9000, 0x6, 5), 0);
	CHECK_EQ(kdl_writer_data(w, "he", 2), 0);
	CHECK_EQ(kdl_writer_data(w, "", 0), 0);
	CHECK_EQ(kdl_writer_data(w, "llo", 3), 0);
	CHECK_EQ(kdl_writer_end(w), 0);
	/* larger than the writer's buffer: written past it */
	CHECK_EQ(kdl_writer_record(w, KDL_REC_DATA, KDL_REC_CRITICAL, big, 200000), 0);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_SEGMENT, KDL_REC_CRITICAL, segment, 24), 0);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_NOTE, KDL_REC_CRITICAL, "skip me", 7), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);

	fd = reopen("trip");
	r = kdl_reader_new(ctx, fd, "trip");
	if (!CHECK(r))
		return;
	CHECK_STR(kdl_reader_name(r), "trip");
	CHECK(kdl_reader_ctx(r) == ctx);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, KDL_REC_ARCH);
	CHECK_EQ(rec.flags, KDL_REC_CRITICAL);
	CHECK_EQ(rec.length, 7);
	CHECK_STR((const char *)kdl_reader_payload(r, &rec), "aarch64");

	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, 0x9000);
	CHECK_EQ(rec.flags, 0x6);
	CHECK_EQ(rec.length, 5);
	CHECK_EQ(kdl_reader_read(r, small, 3), 3);
	CHECK_MEM(small, "hel", 3);
	CHECK_EQ(kdl_reader_read(r, small, 4), 2);
	CHECK_MEM(small, "lo", 2);
	CHECK_EQ(kdl_reader_read(r, small, 4), 0);

	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, KDL_REC_DATA);
	CHECK_EQ(rec.length, 200000);
	p = kdl_reader_payload(r, &rec);
	if (CHECK(p))
		CHECK_MEM(p, big, 200000);

	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_rec_get_segment(r, &rec, &seg), 0);
	CHECK_EQ(seg.phys, 0x1000);
	CHECK_EQ(seg.virt, 0xffff888000001000);
	CHECK_EQ(seg.length, KDL_LENGTH_UNKNOWN);

	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, KDL_REC_NOTE);
	/* a payload must be consumed before the next record */
	CHECK_EQ(kdl_reader_next(r, &rec), -1);
	CHECK_STR(kdl_ctx_error(ctx), "trip: record payload not consumed");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_reader_skip(r), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	/* and it stays ended */
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	kdl_reader_free(r);
	close(fd);
	free(big);
}

/* A payload is the reader's, and stays until the next record: it needs
 * no freeing and survives what else the record's reading allocates. */
static void test_payload_held_until_next_record(void)
{
	uint8_t s[128], *scribble;
	size_t n = 16;
	int fd;
	kdl_reader *r;
	struct kdl_record rec;
	const char *p;

	memcpy(s, header, 16);
	n += put_record(s + n, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6);
	n += put_record(s + n, 0x8000, 0, "", 0);
	n += put_record(s + n, 0x8001, 0, "abc", 3);
	n += put_end(s + n, 3);
	r = reader_over(s, n, &fd);
	if (!CHECK(r))
		return;
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	p = kdl_reader_payload(r, &rec);
	/* NUL-terminated past its length, though the stream has no NUL */
	CHECK_STR(p, "x86_64");
	scribble = kdl_reader_hold(r, 4096);
	if (CHECK(scribble))
		memset(scribble, 0xff, 4096);
	CHECK_STR(p, "x86_64");
	/* an empty payload is an empty string, not NULL */
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.length, 0);
	CHECK_STR((const char *)kdl_reader_payload(r, &rec), "");
	/* freeing the reader mid-record releases the payload (the ASan
	 * build finds any leak) */
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_STR((const char *)kdl_reader_payload(r, &rec), "abc");
	kdl_reader_free(r);
	close(fd);
}

static void test_hold_lasts_until_next_record(void)
{
	uint8_t s[128], *a, *b, *c;
	size_t n = 16;
	int fd;
	kdl_reader *r;
	struct kdl_record rec;

	memcpy(s, header, 16);
	n += put_record(s + n, 0x8000, 0, "x", 1);
	n += put_record(s + n, 0x8001, 0, "y", 1);
	n += put_end(s + n, 2);
	r = reader_over(s, n, &fd);
	if (!CHECK(r))
		return;
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	/* more than one block at a time, each its own */
	a = kdl_reader_hold(r, 100);
	b = kdl_reader_hold(r, 1 << 20);
	if (CHECK(a && b)) {
		memset(a, 'a', 100);
		memset(b, 'b', 1 << 20);
		CHECK_EQ(a[99], 'a');
		CHECK_EQ(b[0], 'b');
		CHECK_EQ(b[(1 << 20) - 1], 'b');
	}
	/* even of nothing, a block to point at */
	CHECK(kdl_reader_hold(r, 0) != NULL);
	for (int i = 0; i < 100; i++)
		CHECK(kdl_reader_hold(r, 16) != NULL);
	CHECK_EQ(kdl_reader_skip(r), 0);
	/* the next record releases them; the ASan build would see a leak */
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	c = kdl_reader_hold(r, 8);
	if (CHECK(c))
		memcpy(c, "held", 5);
	CHECK_EQ(kdl_reader_skip(r), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	kdl_reader_free(r);
	close(fd);
}

static void test_read_skip_exact(void)
{
	uint8_t *s = malloc(200100), *big = malloc(200000), buf[16];
	size_t n = 16;
	int fd;
	kdl_reader *r;
	struct kdl_record rec;

	if (!CHECK(s && big)) {
		free(s);
		free(big);
		return;
	}
	memcpy(s, header, 16);
	memset(big, 0x77, 200000);
	n += put_record(s + n, 0x8000, 0, big, 200000);
	free(big);
	n += put_record(s + n, 0x8001, 0, "abcde", 5);
	n += put_end(s + n, 2);
	r = reader_over(s, n, &fd);
	if (!CHECK(r)) {
		free(s);
		return;
	}
	/* skipping a payload partly read, longer than the skip's buffer */
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_read(r, buf, 10), 10);
	CHECK_MEM(buf, "\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77", 10);
	CHECK_EQ(kdl_reader_skip(r), 0);
	CHECK_EQ(kdl_reader_read(r, buf, 10), 0);
	/* exact reads take all they ask for, or fail */
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, 0x8001);
	CHECK_EQ(kdl_reader_exact(r, buf, 3), 0);
	CHECK_MEM(buf, "abc", 3);
	CHECK_EQ(kdl_reader_exact(r, buf, 3), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: a record is shorter than its contents");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	/* the failed one took nothing */
	CHECK_EQ(kdl_reader_exact(r, buf, 2), 0);
	CHECK_MEM(buf, "de", 2);
	CHECK_EQ(kdl_reader_exact(r, buf, 0), 0);
	CHECK_EQ(kdl_reader_skip(r), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	kdl_reader_free(r);
	close(fd);
	free(s);
}

static void test_copy(void)
{
	uint8_t s[128], *got;
	size_t n = 16, len;
	int in, out = create("copied");
	kdl_reader *r;
	struct kdl_record rec;
	uint64_t off = 0;
	struct kdl_copy_end to = {out, "copied", &off};

	memcpy(s, header, 16);
	n += put_record(s + n, 0x8000, 0, "hello", 5);
	n += put_record(s + n, 0x8001, 0, "!", 1);
	n += put_end(s + n, 2);
	/* from a pipe, as between programs */
	in = pipe_of(s, n);
	r = kdl_reader_new(ctx, in, "input");
	if (!CHECK(r) || !CHECK(out >= 0))
		return;
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_copy(r, &to, 3), 0);
	CHECK_EQ(off, 3);
	CHECK_EQ(kdl_reader_copy(r, &to, 3), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: a record is shorter than its contents");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(kdl_reader_copy(r, &to, 2), 0);
	CHECK_EQ(off, 5);
	/* the reader is at the next record, as after any other reading */
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, 0x8001);
	CHECK_EQ(kdl_reader_copy(r, &to, 1), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	kdl_reader_free(r);
	close(in);
	close(out);
	got = slurp("copied", &len);
	if (CHECK(got) && CHECK_EQ(len, 6))
		CHECK_MEM(got, "hello!", 6);
	free(got);
}

static void test_pass(void)
{
	int in = create("pass-in"), out;
	kdl_writer *w;
	kdl_reader *r;
	struct kdl_record rec;
	uint8_t *big = calloc(1, 300000), *a, *b;
	size_t alen, blen;
	int more;

	if (!CHECK(in >= 0) || !CHECK(big))
		return;
	big[299999] = 0x5a;
	w = kdl_writer_new(ctx, in, "in");
	CHECK_EQ(kdl_writer_record(w, 0x8000, 0, "private", 7), 0);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_DATA, KDL_REC_CRITICAL, big, 300000), 0);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_META, KDL_REC_CRITICAL, "", 0), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(in);

	/* a filter passing everything on writes the same bytes */
	in = reopen("pass-in");
	out = create("pass-out");
	r = kdl_reader_new(ctx, in, "in");
	w = kdl_writer_new(ctx, out, "out");
	if (!CHECK(r && w))
		return;
	while ((more = kdl_reader_next(r, &rec)) > 0)
		if (!CHECK_EQ(kdl_stream_pass(r, w, &rec), 0))
			break;
	CHECK_EQ(more, 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	kdl_reader_free(r);
	close(in);
	close(out);
	a = slurp("pass-in", &alen);
	b = slurp("pass-out", &blen);
	if (CHECK(a && b) && CHECK_EQ(alen, blen))
		CHECK_MEM(a, b, alen);
	CHECK_EQ(alen, 16 + 23 + 300016 + 16 + 24);
	free(a);
	free(b);
	free(big);
}

/* A record cut short upstream cannot be passed on whole. */
static void test_pass_truncated(void)
{
	uint8_t s[64];
	size_t n = 16;
	int in, out = create("pass-cut");
	kdl_reader *r;
	kdl_writer *w;
	struct kdl_record rec;

	memcpy(s, header, 16);
	n += put_record(s + n, 0x8000, 0, "0123456789", 10);
	r = reader_over(s, n - 4, &in);
	w = kdl_writer_new(ctx, out, "out");
	if (!CHECK(r && w))
		return;
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_stream_pass(r, w, &rec), -1);
	CHECK_STR(kdl_ctx_error(ctx), TRUNCATED("inside a record"));
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	kdl_writer_free(w);
	kdl_reader_free(r);
	close(in);
	close(out);
}

static void test_empty_and_garbage(void)
{
	uint8_t s[64];
	int fd;
	kdl_reader *r;
	struct kdl_record rec;

	/* an empty input is an empty stream, and stays ended */
	r = reader_over("", 0, &fd);
	if (CHECK(r)) {
		CHECK_EQ(kdl_reader_next(r, &rec), 0);
		CHECK_EQ(kdl_reader_next(r, &rec), 0);
	}
	kdl_reader_free(r);
	close(fd);

	CHECK_STR(outcome("garbage and more garbage\n", 25), NOT_A_STREAM);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_STR(outcome("ab", 2), NOT_A_STREAM);
	/* raw memory often starts with zeros */
	memset(s, 0, sizeof(s));
	CHECK_STR(outcome(s, sizeof(s)), NOT_A_STREAM);
	memcpy(s, header, 16);
	s[8] = 2;
	put_end(s + 16, 0);
	CHECK_STR(outcome(s, 40), "input: stream version 2 is not understood (this program reads version 1)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
}

/* A stream cut at every byte: each place has its message. */
static void test_truncated_everywhere(void)
{
	static const struct {
		size_t to; /* cuts up to here, from the last row's end */
		const char *outcome;
	} cuts[] = {
		{0, "ok"},
		{7, NOT_A_STREAM},
		{15, TRUNCATED("inside its header")},
		{16, TRUNCATED("without its end record")},
		{31, TRUNCATED("inside a record header")},
		{43, TRUNCATED("inside a record")},
		{44, TRUNCATED("without its end record")},
		/* the end record's header is a record header like any other */
		{59, TRUNCATED("inside a record header")},
		{67, TRUNCATED("inside its end record")},
		{68, "ok"},
	};
	uint8_t s[128];
	size_t n = 16, row = 0;

	memcpy(s, header, 16);
	n += put_record(s + n, KDL_REC_VMCOREINFO, KDL_REC_CRITICAL, "OSRELEASE=1\n", 12);
	n += put_end(s + n, 1);
	if (!CHECK_EQ(n, 68))
		return;
	for (size_t cut = 0; cut <= n; cut++) {
		if (cut > cuts[row].to)
			row++;
		if (!CHECK_STR(outcome(s, cut), cuts[row].outcome))
			fprintf(stderr, "  the stream cut after %zu bytes\n", cut);
		if (cut && cut < n && !CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT))
			fprintf(stderr, "  the stream cut after %zu bytes\n", cut);
	}
}

static void test_truncated_payload(void)
{
	uint8_t s[128], buf[16];
	size_t n = 16;
	int fd;
	kdl_reader *r;
	kdl_writer *w;
	struct kdl_record rec;
	uint64_t off = 0;
	int out = create("cut-copy");
	struct kdl_copy_end to = {out, "cut-copy", &off};

	memcpy(s, header, 16);
	n += put_record(s + n, KDL_REC_VMCOREINFO, KDL_REC_CRITICAL, "OSRELEASE=1\n", 12);
	/* every way of taking a payload sees the cut at 40, 8 bytes in */
	r = reader_over(s, 40, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK(kdl_reader_payload(r, &rec) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), TRUNCATED("inside a record"));
	kdl_reader_free(r);
	close(fd);

	r = reader_over(s, 40, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_read(r, buf, 8), 8);
	CHECK_EQ(kdl_reader_read(r, buf, 8), -1);
	CHECK_STR(kdl_ctx_error(ctx), TRUNCATED("inside a record"));
	kdl_reader_free(r);
	close(fd);

	r = reader_over(s, 40, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_skip(r), -1);
	CHECK_STR(kdl_ctx_error(ctx), TRUNCATED("inside a record"));
	kdl_reader_free(r);
	close(fd);

	r = reader_over(s, 40, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_exact(r, buf, 12), -1);
	CHECK_STR(kdl_ctx_error(ctx), TRUNCATED("inside a record"));
	kdl_reader_free(r);
	close(fd);

	r = reader_over(s, 40, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_copy(r, &to, 12), -1);
	CHECK_STR(kdl_ctx_error(ctx), TRUNCATED("inside a record"));
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(off, 8);
	kdl_reader_free(r);
	close(fd);
	close(out);

	/* a writer freed without finishing leaves exactly such a stream */
	fd = create("unfinished");
	w = kdl_writer_new(ctx, fd, "unfinished");
	CHECK_EQ(kdl_writer_record(w, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6), 0);
	kdl_writer_free(w);
	close(fd);
	fd = reopen("unfinished");
	r = kdl_reader_new(ctx, fd, "unfinished");
	CHECK_EQ(kdl_reader_next(r, &rec), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unfinished: truncated stream: it ends without its end record (did a program before this one fail?)");
	kdl_reader_free(r);
	close(fd);
}

/* A stream of four records, the last the end: ARCH at byte 16, DATA at
 * 38, NOTE at 59, END at 83, 107 bytes in all. */
static size_t four_records(uint8_t *s)
{
	size_t n = 16;

	memcpy(s, header, 16);
	n += put_record(s + n, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6);
	n += put_record(s + n, KDL_REC_DATA, KDL_REC_CRITICAL, "bytes", 5);
	n += put_record(s + n, KDL_REC_NOTE, KDL_REC_CRITICAL, "\0\0\0\0\0\0\0\0", 8);
	n += put_end(s + n, 3);
	return n;
}

static void test_position(void)
{
	uint8_t s[128];
	size_t n = four_records(s);
	int fd, out = create("position-out");
	kdl_reader *r = reader_over(s, n, &fd);
	kdl_writer *w = kdl_writer_new(ctx, out, "out");
	struct kdl_record rec;

	if (!CHECK(r && w) || !CHECK_EQ(n, 107))
		return;
	/* nothing read: not even the stream header */
	CHECK_EQ(kdl_reader_version(r), 0);
	CHECK_EQ(kdl_reader_record_number(r), 0);
	CHECK_EQ(kdl_reader_offset(r), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_version(r), 1);
	CHECK_EQ(kdl_reader_record_number(r), 1);
	CHECK_EQ(kdl_reader_offset(r), 16);
	/* the payload read does not move it: it names the record */
	CHECK(kdl_reader_payload(r, &rec) != NULL);
	CHECK_EQ(kdl_reader_offset(r), 16);
	/* a payload passed on, not read through the process, counts too */
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_record_number(r), 2);
	CHECK_EQ(kdl_reader_offset(r), 38);
	CHECK_EQ(kdl_stream_pass(r, w, &rec), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_record_number(r), 3);
	CHECK_EQ(kdl_reader_offset(r), 59);
	/* a record not consumed is still the one the reader is in */
	CHECK_EQ(kdl_reader_next(r, &rec), -1);
	CHECK_EQ(kdl_reader_record_number(r), 3);
	CHECK_EQ(kdl_reader_offset(r), 59);
	CHECK_EQ(kdl_reader_skip(r), 0);
	/* the end record has its place, and the reader stays there */
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	CHECK_EQ(kdl_reader_record_number(r), 4);
	CHECK_EQ(kdl_reader_offset(r), 83);
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	CHECK_EQ(kdl_reader_record_number(r), 4);
	CHECK_EQ(kdl_reader_offset(r), 83);
	CHECK_EQ(kdl_reader_version(r), 1);
	kdl_writer_free(w);
	kdl_reader_free(r);
	close(fd);
	close(out);
}

/* Where a stream cut at every byte fails: the record it ends in, and
 * that record's header, even one cut short. */
static void test_position_of_failures(void)
{
	static const struct {
		size_t to; /* cuts up to here, from the last row's end */
		uint64_t record, offset;
	} cuts[] = {
		{15, 0, 0},   /* in the stream header */
		{37, 1, 16},  /* the ARCH record, or where it would be */
		{58, 2, 38},
		{82, 3, 59},
		{107, 4, 83}, /* the end record, whole at 107 */
	};
	uint8_t s[128];
	size_t n = four_records(s), row = 0;

	for (size_t cut = 0; cut <= n; cut++) {
		struct kdl_record rec;
		int fd, ret;
		kdl_reader *r = reader_over(s, cut, &fd);

		if (!CHECK(r))
			return;
		if (cut > cuts[row].to)
			row++;
		while ((ret = kdl_reader_next(r, &rec)) > 0)
			if (kdl_reader_skip(r)) {
				ret = -1;
				break;
			}
		if (!CHECK_EQ(ret, cut == 0 || cut == n ? 0 : -1) ||
		    !CHECK_EQ(kdl_reader_record_number(r), cuts[row].record) ||
		    !CHECK_EQ(kdl_reader_offset(r), cuts[row].offset))
			fprintf(stderr, "  the stream cut after %zu bytes\n", cut);
		/* an empty input is a stream of no version; the header read,
		 * it is version 1 */
		CHECK_EQ(kdl_reader_version(r), cut < 16 ? 0 : 1);
		kdl_reader_free(r);
		close(fd);
	}
}

static void test_corrupt_end(void)
{
	uint8_t s[256];
	size_t n = 16, body;

	memcpy(s, header, 16);
	n += put_record(s + n, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6);
	n += put_record(s + n, KDL_REC_NOTE, KDL_REC_CRITICAL, "\0\0\0\0\0\0\0\0", 8);
	body = n;
	n += put_end(s + n, 5);
	CHECK_STR(outcome(s, n), "input: corrupt stream: 2 records before the end record, which counts 5");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	n = body + put_end(s + body, 2);
	CHECK_STR(outcome(s, n), "ok");
	s[n] = 0;
	CHECK_STR(outcome(s, n + 1), "input: data after the end of the stream");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	/* a second stream after the first is data after the end too */
	memcpy(s + n, header, 16);
	put_end(s + n + 16, 0);
	CHECK_STR(outcome(s, n + 40), "input: data after the end of the stream");
	n = body + put_record(s + body, KDL_REC_END, KDL_REC_CRITICAL, "\2\0\0\0", 4);
	CHECK_STR(outcome(s, n), "input: corrupt stream: end record of 4 bytes");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
}

static void test_payload_limit(void)
{
	uint8_t s[64];
	size_t n = 16;
	int fd;
	kdl_reader *r;
	struct kdl_record rec;

	memcpy(s, header, 16);
	kdl_put32(s + n, KDL_REC_VMCOREINFO, false);
	kdl_put32(s + n + 4, KDL_REC_CRITICAL, false);
	kdl_put64(s + n + 8, (64u << 20) + 1, false);
	n += 16;
	r = reader_over(s, n, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.length, (64u << 20) + 1);
	CHECK(kdl_reader_payload(r, &rec) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: record of type 0x3 has 67108865 bytes");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	kdl_reader_free(r);
	close(fd);
}

static void test_corrupt_message(void)
{
	int fd;
	kdl_reader *r = reader_over("", 0, &fd);

	if (!CHECK(r))
		return;
	CHECK_EQ(kdl_reader_corrupt(r, "record %d is %s", 7, "odd"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: record 7 is odd");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	kdl_reader_free(r);
	close(fd);
}

/* Bytes copied into a record go after those written before them. */
static void test_writer_copy(void)
{
	char path[4096];
	int fd = create("wcopy"), src;
	kdl_writer *w = kdl_writer_new(ctx, fd, "wcopy");
	uint64_t off = 0, copied = 99;
	struct kdl_copy_end in;
	uint8_t want[128], *got;
	size_t n = 16, len;

	write_file(scratch_path("wcopy-src", path, sizeof(path)), "abcdefgh", 8);
	src = open(path, O_RDONLY);
	in = (struct kdl_copy_end){src, "src", &off};
	if (!CHECK(w) || !CHECK(src >= 0))
		return;
	CHECK_EQ(kdl_writer_begin(w, 0x8000, 0, 10), 0);
	CHECK_EQ(kdl_writer_copy(w, &in, 4, &copied), 0);
	CHECK_EQ(copied, 4);
	CHECK_EQ(kdl_writer_data(w, "XY", 2), 0);
	CHECK_EQ(kdl_writer_copy(w, &in, 5, &copied), -1);
	CHECK_STR(kdl_ctx_error(ctx), "wcopy: record payload longer than announced");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_writer_copy(w, &in, 4, &copied), 0);
	CHECK_EQ(copied, 4);
	CHECK_EQ(kdl_writer_end(w), 0);
	/* short only at the end of the input */
	CHECK_EQ(kdl_writer_begin(w, 0x8001, 0, 3), 0);
	CHECK_EQ(kdl_writer_copy(w, &in, 3, &copied), 0);
	CHECK_EQ(copied, 0);
	CHECK_EQ(kdl_writer_end(w), -1);
	CHECK_STR(kdl_ctx_error(ctx), "wcopy: record payload shorter than announced");
	CHECK_EQ(kdl_writer_data(w, "ijk", 3), 0);
	CHECK_EQ(kdl_writer_end(w), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(src);
	close(fd);

	memcpy(want, header, 16);
	n += put_record(want + n, 0x8000, 0, "abcdXYefgh", 10);
	n += put_record(want + n, 0x8001, 0, "ijk", 3);
	n += put_end(want + n, 2);
	got = slurp("wcopy", &len);
	if (CHECK(got) && CHECK_EQ(len, n))
		CHECK_MEM(got, want, n);
	free(got);
}

static void test_writer_misuse(void)
{
	int fd = create("misuse");
	kdl_writer *w = kdl_writer_new(ctx, fd, "misuse");

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_writer_begin(w, KDL_REC_DATA, KDL_REC_CRITICAL, 4), 0);
	CHECK_EQ(kdl_writer_data(w, "abcde", 5), -1);
	CHECK_STR(kdl_ctx_error(ctx), "misuse: record payload longer than announced");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_writer_data(w, "ab", 2), 0);
	CHECK_EQ(kdl_writer_end(w), -1);
	CHECK_STR(kdl_ctx_error(ctx), "misuse: record payload shorter than announced");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_writer_begin(w, KDL_REC_DATA, KDL_REC_CRITICAL, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "misuse: record started before the last one was complete");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	/* nor can the stream end inside a record */
	CHECK_EQ(kdl_writer_finish(w), -1);
	CHECK_STR(kdl_ctx_error(ctx), "misuse: record started before the last one was complete");
	close(fd);

	CHECK(kdl_writer_new(ctx, -1, "closed") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "closed: Bad file descriptor");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) {
		CHECK(kdl_writer_new(ctx, fd, "full") == NULL);
		CHECK_STR(kdl_ctx_error(ctx), "full: No space left on device");
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
		close(fd);
	}
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_header_and_records_bytes();
	test_round_trip();
	test_payload_held_until_next_record();
	test_hold_lasts_until_next_record();
	test_read_skip_exact();
	test_copy();
	test_pass();
	test_pass_truncated();
	test_empty_and_garbage();
	test_truncated_everywhere();
	test_truncated_payload();
	test_position();
	test_position_of_failures();
	test_corrupt_end();
	test_payload_limit();
	test_corrupt_message();
	test_writer_copy();
	test_writer_misuse();
	kdl_ctx_free(ctx);
	return check_done("stream/frame");
}
