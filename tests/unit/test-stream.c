/* stream.c: the record stream's framing, written and read back. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static const uint8_t header[16] = {0x89, 'V', 'M', 'C', '\r', '\n', 0x1a, '\n', 1, 0, 0, 0, 0, 0, 0, 0};

static int create(const char *name)
{
	char path[4096];

	return open(scratch_path(name, path, sizeof(path)), O_RDWR | O_CREAT | O_TRUNC, 0600);
}

static int reopen(const char *name)
{
	char path[4096];

	return open(scratch_path(name, path, sizeof(path)), O_RDONLY);
}

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

/* A reader over the given bytes, through a file of that name. */
static kdl_reader *reader_over(const char *name, const void *bytes, size_t len,
                               int *fd)
{
	char path[4096];

	write_file(scratch_path(name, path, sizeof(path)), bytes, len);
	*fd = open(path, O_RDONLY);
	return kdl_reader_new(ctx, *fd, "input");
}

/* Reads records until the end or an error; returns what the last
 * kdl_reader_next said. */
static int drain(kdl_reader *r, int *records)
{
	struct kdl_record rec;
	int ret;

	*records = 0;
	while ((ret = kdl_reader_next(r, &rec)) > 0) {
		(*records)++;
		if (kdl_reader_skip(r))
			return -1;
	}
	return ret;
}

/* The message a stream of these bytes ends with, reading every record. */
static const char *outcome(const void *bytes, size_t len)
{
	int fd, records;
	kdl_reader *r = reader_over("outcome", bytes, len, &fd);
	int ret = r ? drain(r, &records) : -1;

	kdl_reader_free(r);
	close(fd);
	return ret == 0 ? "ok" : kdl_ctx_error(ctx);
}

static void test_bytes(void)
{
	int fd = create("bytes");
	kdl_writer *w;
	uint8_t want[128], *got;
	size_t n = 0, len;
	char path[4096];

	if (!CHECK(fd >= 0))
		return;
	w = kdl_writer_new(ctx, fd, "bytes");
	if (!CHECK(w))
		return;
	/* the header goes out at once, so that a producer dying later leaves
	 * a truncated stream rather than an empty one */
	CHECK_EQ(lseek(fd, 0, SEEK_END), 16);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6), 0);
	CHECK_EQ(kdl_writer_record(w, 0x8000, 0, "", 0), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);

	memcpy(want, header, 16);
	n = 16;
	n += put_record(want + n, KDL_REC_ARCH, KDL_REC_CRITICAL, "x86_64", 6);
	n += put_record(want + n, 0x8000, 0, "", 0);
	n += put_end(want + n, 2);
	got = read_file(scratch_path("bytes", path, sizeof(path)), &len);
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
	uint8_t *big = malloc(200000), *p, small[4];
	uint64_t phys, virt, length;
	uint8_t seg[24];

	if (!CHECK(fd >= 0) || !CHECK(big))
		return;
	for (size_t i = 0; i < 200000; i++)
		big[i] = (uint8_t)(i * 7 + i / 251);
	kdl_put64(seg, 0x1000, false);
	kdl_put64(seg + 8, 0xffff888000001000, false);
	kdl_put64(seg + 16, KDL_LENGTH_UNKNOWN, false);
	w = kdl_writer_new(ctx, fd, "trip");
	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_writer_record(w, KDL_REC_ARCH, KDL_REC_CRITICAL, "aarch64", 7), 0);
	CHECK_EQ(kdl_writer_begin(w, 0x9000, 0x6, 5), 0);
	CHECK_EQ(kdl_writer_data(w, "he", 2), 0);
	CHECK_EQ(kdl_writer_data(w, "", 0), 0);
	CHECK_EQ(kdl_writer_data(w, "llo", 3), 0);
	CHECK_EQ(kdl_writer_end(w), 0);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_DATA, KDL_REC_CRITICAL, big, 200000), 0);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_SEGMENT, KDL_REC_CRITICAL, seg, 24), 0);
	CHECK_EQ(kdl_writer_record(w, KDL_REC_NOTE, KDL_REC_CRITICAL, "skip me", 7), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);

	fd = reopen("trip");
	r = kdl_reader_new(ctx, fd, "trip");
	if (!CHECK(r))
		return;
	CHECK_STR(kdl_reader_name(r), "trip");
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, KDL_REC_ARCH);
	CHECK_EQ(rec.flags, KDL_REC_CRITICAL);
	CHECK_EQ(rec.length, 7);
	p = kdl_reader_payload(r, &rec);
	CHECK_STR((char *)p, "aarch64");
	free(p);

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
	free(p);

	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_segment(r, &rec, &phys, &virt, &length), 0);
	CHECK_EQ(phys, 0x1000);
	CHECK_EQ(virt, 0xffff888000001000);
	CHECK_EQ(length, KDL_LENGTH_UNKNOWN);

	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.type, KDL_REC_NOTE);
	/* a payload must be consumed before the next record */
	CHECK_EQ(kdl_reader_next(r, &rec), -1);
	CHECK_STR(kdl_ctx_error(ctx), "trip: record payload not consumed");
	CHECK_EQ(kdl_reader_skip(r), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	CHECK_EQ(kdl_reader_next(r, &rec), 0);
	kdl_reader_free(r);
	close(fd);
	free(big);
}

static void test_pass(void)
{
	int in = create("pass-in"), out;
	kdl_writer *w;
	kdl_reader *r;
	struct kdl_record rec;
	uint8_t *big = calloc(1, 300000), *a, *b;
	size_t alen, blen;
	char path[4096];
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
	a = read_file(scratch_path("pass-in", path, sizeof(path)), &alen);
	b = read_file(scratch_path("pass-out", path, sizeof(path)), &blen);
	if (CHECK(a && b) && CHECK_EQ(alen, blen))
		CHECK_MEM(a, b, alen);
	CHECK_EQ(alen, 16 + 23 + 300016 + 16 + 24);
	free(a);
	free(b);
	free(big);
}

static void test_empty_and_garbage(void)
{
	uint8_t s[64];

	CHECK_STR(outcome("", 0), "ok");
	CHECK_STR(outcome("garbage and more garbage\n", 25), "input is not a vmc record stream; to read raw memory use vmc-seg -");
	CHECK_STR(outcome("ab", 2), "input is not a vmc record stream; to read raw memory use vmc-seg -");
	/* raw memory often starts with zeros */
	memset(s, 0, sizeof(s));
	CHECK_STR(outcome(s, sizeof(s)), "input is not a vmc record stream; to read raw memory use vmc-seg -");
	memcpy(s, header, 16);
	CHECK_STR(outcome(s, 10), "input: truncated stream: it ends inside its header (did a program before this one fail?)");
	s[8] = 2;
	put_end(s + 16, 0);
	CHECK_STR(outcome(s, 40), "input: stream version 2 is not understood (this program reads version 1)");
}

static void test_truncated(void)
{
	uint8_t s[256];
	size_t n = 16, end;
	int fd;
	kdl_reader *r;
	kdl_writer *w;
	struct kdl_record rec;

	memcpy(s, header, 16);
	n += put_record(s + n, KDL_REC_VMCOREINFO, KDL_REC_CRITICAL, "OSRELEASE=1\n", 12);
	end = n;
	n += put_end(s + n, 1);
	CHECK_STR(outcome(s, n), "ok");
	CHECK_STR(outcome(s, 16), "input: truncated stream: it ends without its end record (did a program before this one fail?)");
	CHECK_STR(outcome(s, end), "input: truncated stream: it ends without its end record (did a program before this one fail?)");
	CHECK_STR(outcome(s, 20), "input: truncated stream: it ends inside a record header (did a program before this one fail?)");
	CHECK_STR(outcome(s, 40), "input: truncated stream: it ends inside a record (did a program before this one fail?)");
	CHECK_STR(outcome(s, end + 16 + 3), "input: truncated stream: it ends inside its end record (did a program before this one fail?)");

	/* the same through the other ways of taking a payload */
	r = reader_over("cut", s, 40, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK(kdl_reader_payload(r, &rec) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "input: truncated stream: it ends inside a record (did a program before this one fail?)");
	kdl_reader_free(r);
	close(fd);
	r = reader_over("cut", s, 40, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_read(r, s + 200, 8), 8);
	CHECK_EQ(kdl_reader_read(r, s + 200, 8), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "truncated stream: it ends inside a record");
	kdl_reader_free(r);
	close(fd);

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
	n = body + put_end(s + body, 2);
	CHECK_STR(outcome(s, n), "ok");
	s[n] = 0;
	CHECK_STR(outcome(s, n + 1), "input: data after the end of the stream");
	n = body + put_record(s + body, KDL_REC_END, KDL_REC_CRITICAL, "\2\0\0\0", 4);
	CHECK_STR(outcome(s, n), "input: corrupt stream: end record of 4 bytes");
}

static void test_reader_limits(void)
{
	uint8_t s[64];
	size_t n = 16;
	int fd;
	kdl_reader *r;
	struct kdl_record rec;
	uint64_t a, b, c;

	memcpy(s, header, 16);
	kdl_put32(s + n, KDL_REC_VMCOREINFO, false);
	kdl_put32(s + n + 4, KDL_REC_CRITICAL, false);
	kdl_put64(s + n + 8, (64u << 20) + 1, false);
	n += 16;
	r = reader_over("huge", s, n, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(rec.length, (64u << 20) + 1);
	CHECK(kdl_reader_payload(r, &rec) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: record of type 0x3 has 67108865 bytes");
	kdl_reader_free(r);
	close(fd);

	n = 16 + put_record(s + 16, KDL_REC_SEGMENT, KDL_REC_CRITICAL, "0123456789abcdef", 16);
	r = reader_over("shortseg", s, n, &fd);
	CHECK_EQ(kdl_reader_next(r, &rec), 1);
	CHECK_EQ(kdl_reader_segment(r, &rec, &a, &b, &c), -1);
	CHECK_STR(kdl_ctx_error(ctx), "input: corrupt stream: bad segment record");
	kdl_reader_free(r);
	close(fd);
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
	CHECK_EQ(kdl_writer_data(w, "ab", 2), 0);
	CHECK_EQ(kdl_writer_end(w), -1);
	CHECK_STR(kdl_ctx_error(ctx), "misuse: record payload shorter than announced");
	CHECK_EQ(kdl_writer_begin(w, KDL_REC_DATA, KDL_REC_CRITICAL, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "misuse: record started before the last one was complete");
	kdl_writer_free(w);
	close(fd);

	CHECK(kdl_writer_new(ctx, -1, "closed") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "closed: Bad file descriptor");
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_bytes();
	test_round_trip();
	test_pass();
	test_empty_and_garbage();
	test_truncated();
	test_corrupt_end();
	test_reader_limits();
	test_writer_misuse();
	kdl_ctx_free(ctx);
	return check_done("stream");
}
