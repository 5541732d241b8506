/* stream/segment-fd.c: a segment's records from files, pipes and sockets. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream-check.h"

#define VIRT 0xffff888000004000
#define NOT_EMPTY ": a segment cannot be empty"

/* What kdl_stream_segment_fd wrote, read back. */
struct segment {
	int ret;
	struct kdl_rec_segment seg;
	/* the DATA and ZERO records in order: "DATA 4096, ZERO 8192" */
	char layout[1024];
	uint8_t *bytes; /* what they add up to */
	uint64_t filled;
	uint64_t biggest_data;
	uint64_t end; /* SEGMENT_END's length */
	/* SEGMENT, DATA and ZERO records, SEGMENT_END, every one critical,
	 * then the end of the stream */
	bool well_formed;
};

/* A file of these bytes, opened for reading. */
static int file_of(const char *name, const void *bytes, size_t n)
{
	if (write_file(scratch_file(name), bytes, n))
		return -1;
	return reopen(name);
}

static bool grow(struct segment *s, uint64_t n)
{
	uint8_t *p = realloc(s->bytes, (size_t)(s->filled + n) + 1);

	if (!p)
		return false;
	s->bytes = p;
	return true;
}

/* The records after SEGMENT, up to SEGMENT_END. */
static bool read_bytes(kdl_reader *r, struct segment *s)
{
	struct kdl_record hdr;
	struct kdl_rec_zero zero;
	struct kdl_rec_segment_end end;
	size_t used = 0;

	while (kdl_reader_next(r, &hdr) == 1 && hdr.flags == KDL_REC_CRITICAL) {
		uint64_t n = hdr.length;

		if (hdr.type == KDL_REC_SEGMENT_END) {
			if (kdl_rec_get_segment_end(r, &hdr, &end))
				return false;
			s->end = end.length;
			return true;
		}
		if (hdr.type == KDL_REC_DATA) {
			if (!grow(s, n) || kdl_reader_exact(r, s->bytes + s->filled, (size_t)n))
				return false;
			if (n > s->biggest_data)
				s->biggest_data = n;
		} else if (hdr.type == KDL_REC_ZERO) {
			if (kdl_rec_get_zero(r, &hdr, &zero) || !grow(s, zero.length))
				return false;
			n = zero.length;
			memset(s->bytes + s->filled, 0, (size_t)n);
		} else
			return false;
		s->filled += n;
		used += (size_t)snprintf(s->layout + used, sizeof(s->layout) - used, "%s%s %" PRIu64,
		                         used ? ", " : "", hdr.type == KDL_REC_DATA ? "DATA" : "ZERO", n);
		if (used >= sizeof(s->layout))
			return false;
	}
	return false;
}

/* The stream w wrote to out, ended, read back: one segment, and what
 * it holds. */
static void read_back(struct segment *s, kdl_writer *w, int out)
{
	kdl_reader *r;
	struct kdl_record hdr;

	if (s->ret) {
		kdl_writer_free(w);
		close(out);
		return;
	}
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(out);
	out = reopen("stream");
	r = kdl_reader_new(ctx, out, "stream");
	s->well_formed = r && kdl_reader_next(r, &hdr) == 1 &&
	                 hdr.type == KDL_REC_SEGMENT && hdr.flags == KDL_REC_CRITICAL &&
	                 !kdl_rec_get_segment(r, &hdr, &s->seg) && read_bytes(r, s) &&
	                 kdl_reader_next(r, &hdr) == 0;
	if (!s->well_formed)
		fprintf(stderr, "  not one segment: %s\n", kdl_ctx_error(ctx));
	kdl_reader_free(r);
	close(out);
}

/* One segment from fd at phys, as a stream, and what it holds. */
static void stream_segment(struct segment *s, int fd, const char *name,
                           uint64_t phys, uint64_t offset, uint64_t length)
{
	int out = create("stream");
	kdl_writer *w = kdl_writer_new(ctx, out, "stream");

	memset(s, 0, sizeof(*s));
	if (!CHECK(w))
		return;
	s->ret = kdl_stream_segment_fd(w, phys, VIRT, fd, name, offset, length);
	read_back(s, w, out);
}

/* A segment of length bytes at 0x4000 holding what, in these records. */
static void check_segment(const struct segment *s, uint64_t length,
                          const uint8_t *what, uint64_t total,
                          const char *layout)
{
	if (!CHECK_EQ(s->ret, 0)) {
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
		return;
	}
	if (!CHECK(s->well_formed))
		return;
	CHECK_EQ(s->seg.phys, 0x4000);
	CHECK_EQ(s->seg.virt, VIRT);
	CHECK_EQ(s->seg.length, length);
	if (layout)
		CHECK_STR(s->layout, layout);
	CHECK_EQ(s->end, total);
	if (CHECK_EQ(s->filled, total))
		CHECK_MEM(s->bytes, what, (size_t)total);
}

/* A segment refused with this message, of class KDL_ERR_CORRUPT: what
 * the input holds does not make one. */
static void check_refused(const struct segment *s, const char *message)
{
	CHECK_EQ(s->ret, -1);
	CHECK_STR(kdl_ctx_error(ctx), message);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
}

/* A length of the caller's that makes no segment: refused, of class
 * KDL_ERR_INVALID. */
static void check_bad_length(const struct segment *s, const char *message)
{
	CHECK_EQ(s->ret, -1);
	CHECK_STR(kdl_ctx_error(ctx), message);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

/* Input from a thread, for inputs larger than a pipe holds. */
struct feeder {
	pthread_t thread;
	int fd;
	const uint8_t *bytes;
	size_t n;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;

	for (size_t done = 0; done < f->n;) {
		ssize_t n = write(f->fd, f->bytes + done, f->n - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(f->fd);
	return NULL;
}

/* The reading end of a pipe, or of a socket, that a thread fills with
 * these bytes and then closes. */
static int fed(struct feeder *f, bool socket, const void *bytes, size_t n)
{
	int fds[2];

	if (socket ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds))
		return -1;
	f->fd = fds[1];
	f->bytes = bytes;
	f->n = n;
	if (pthread_create(&f->thread, NULL, feed, f)) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return fds[0];
}

static void unfeed(struct feeder *f, int fd)
{
	close(fd);
	pthread_join(f->thread, NULL);
}

enum { SIZE = (5u << 19) + 123 }; /* 2.5 MiB and a bit */

static uint8_t *memory(size_t n)
{
	uint8_t *mem = malloc(n);

	for (size_t i = 0; mem && i < n; i++)
		mem[i] = (uint8_t)(i ^ i >> 11);
	return mem;
}

/* DATA records of at most KDL_CHUNK, straight from the file. */
static void test_file(void)
{
	uint8_t *mem = memory(SIZE);
	struct segment s;
	int fd = mem ? file_of("mem", mem, SIZE) : -1;

	if (!CHECK(fd >= 0)) {
		free(mem);
		return;
	}
	stream_segment(&s, fd, "mem", 0x4000, 0, SIZE);
	check_segment(&s, SIZE, mem, SIZE, "DATA 1048576, DATA 1048576, DATA 524411");
	free(s.bytes);
	stream_segment(&s, fd, "mem", 0x4000, 100, SIZE - 100);
	check_segment(&s, SIZE - 100, mem + 100, SIZE - 100, "DATA 1048576, DATA 1048576, DATA 524311");
	free(s.bytes);
	stream_segment(&s, fd, "mem", 0x4000, 100, 5000);
	check_segment(&s, 5000, mem + 100, 5000, "DATA 5000");
	free(s.bytes);
	/* to the end of the file when the length is not known */
	stream_segment(&s, fd, "mem", 0x4000, 100, KDL_LENGTH_UNKNOWN);
	check_segment(&s, KDL_LENGTH_UNKNOWN, mem + 100, SIZE - 100,
	              "DATA 1048576, DATA 1048576, DATA 524311");
	free(s.bytes);
	close(fd);
	free(mem);
}

/* Holes become ZERO records, which carry no bytes. */
static void test_sparse_file(void)
{
	enum { MIB = 1u << 20, DATA = 64u << 10 };
	uint8_t *mem = calloc(1, 3 * MIB);
	struct segment s;
	int fd = create("sparse");

	if (!CHECK(mem) || !CHECK(fd >= 0)) {
		free(mem);
		return;
	}
	memset(mem + MIB, 0x5a, DATA);
	CHECK_EQ(pwrite(fd, mem + MIB, DATA, MIB), DATA);
	CHECK_EQ(ftruncate(fd, 3 * MIB), 0);
	/* the file system keeps the holes */
	if (!CHECK_EQ(lseek(fd, 0, SEEK_DATA), MIB) || !CHECK_EQ(lseek(fd, MIB, SEEK_HOLE), MIB + DATA)) {
		close(fd);
		free(mem);
		return;
	}
	/* a hole first, and one to the end of the file */
	stream_segment(&s, fd, "sparse", 0x4000, 0, 3 * MIB);
	check_segment(&s, 3 * MIB, mem, 3 * MIB, "ZERO 1048576, DATA 65536, ZERO 2031616");
	free(s.bytes);
	/* starting and ending inside holes */
	stream_segment(&s, fd, "sparse", 0x4000, MIB / 2, MIB);
	check_segment(&s, MIB, mem + MIB / 2, MIB, "ZERO 524288, DATA 65536, ZERO 458752");
	free(s.bytes);
	/* all hole */
	stream_segment(&s, fd, "sparse", 0x4000, 2 * MIB, 4096);
	check_segment(&s, 4096, mem, 4096, "ZERO 4096");
	free(s.bytes);
	close(fd);
	free(mem);
}

/* LIBRARY BUG (see the report): a regular file that ends before the
 * length given reads as zeros past its end instead of failing as a pipe
 * does. */
static void test_file_shorter_than_length(void)
{
	uint8_t *mem = memory(4096);
	struct segment s;
	int fd = mem ? file_of("short", mem, 4096) : -1;

	if (!CHECK(fd >= 0)) {
		free(mem);
		return;
	}
	stream_segment(&s, fd, "short", 0x4000, 0, 8192);
	check_refused(&s, "short: ended after 4096 of 8192 bytes");
	free(s.bytes);
	close(fd);
	free(mem);
}

static void test_pipe(void)
{
	uint8_t *mem = memory(SIZE);
	struct feeder f;
	struct segment s;
	int fd;

	if (!CHECK(mem))
		return;
	/* of unknown length: its bytes as they come, in records of what the
	 * pipe held, and the total at the end */
	fd = fed(&f, false, mem, SIZE);
	stream_segment(&s, fd, "stdin", 0x4000, 0, KDL_LENGTH_UNKNOWN);
	unfeed(&f, fd);
	check_segment(&s, KDL_LENGTH_UNKNOWN, mem, SIZE, NULL);
	CHECK(s.biggest_data <= KDL_CHUNK);
	free(s.bytes);
	/* an offset is read and dropped */
	fd = fed(&f, false, mem, 10000);
	stream_segment(&s, fd, "stdin", 0x4000, 1000, KDL_LENGTH_UNKNOWN);
	unfeed(&f, fd);
	check_segment(&s, KDL_LENGTH_UNKNOWN, mem + 1000, 9000, "DATA 9000");
	free(s.bytes);
	/* of known length: that much, the rest left in the pipe */
	fd = fed(&f, false, mem, 10000);
	stream_segment(&s, fd, "stdin", 0x4000, 500, 4000);
	unfeed(&f, fd);
	check_segment(&s, 4000, mem + 500, 4000, "DATA 4000");
	free(s.bytes);
	fd = fed(&f, false, mem, SIZE);
	stream_segment(&s, fd, "stdin", 0x4000, 100, SIZE - 100);
	unfeed(&f, fd);
	check_segment(&s, SIZE - 100, mem + 100, SIZE - 100,
	              "DATA 1048576, DATA 1048576, DATA 524311");
	free(s.bytes);
	free(mem);
}

static void test_pipe_too_short(void)
{
	uint8_t *mem = memory(10000);
	struct feeder f;
	struct segment s;
	int fd;

	if (!CHECK(mem))
		return;
	fd = fed(&f, false, mem, 10000);
	stream_segment(&s, fd, "stdin", 0x4000, 0, 20000);
	unfeed(&f, fd);
	check_refused(&s, "stdin: ended after 10000 of 20000 bytes");
	fd = fed(&f, false, mem, 10000);
	stream_segment(&s, fd, "stdin", 0x4000, 10001, KDL_LENGTH_UNKNOWN);
	unfeed(&f, fd);
	check_refused(&s, "stdin: ends before offset");
	fd = fed(&f, false, mem, 10000);
	stream_segment(&s, fd, "stdin", 0x4000, 10001, 10);
	unfeed(&f, fd);
	check_refused(&s, "stdin: ends before offset");
	free(mem);
}

/* Neither a file nor a pipe (a socket, as a character device would be):
 * read a chunk at a time, each a DATA record. */
static void test_read_in_chunks(void)
{
	uint8_t *mem = memory(SIZE);
	struct feeder f;
	struct segment s;
	int fd;

	if (!CHECK(mem))
		return;
	fd = fed(&f, true, mem, SIZE);
	stream_segment(&s, fd, "socket", 0x4000, 100, KDL_LENGTH_UNKNOWN);
	unfeed(&f, fd);
	check_segment(&s, KDL_LENGTH_UNKNOWN, mem + 100, SIZE - 100,
	              "DATA 1048576, DATA 1048576, DATA 524311");
	free(s.bytes);
	fd = fed(&f, true, mem, SIZE);
	stream_segment(&s, fd, "socket", 0x4000, 0, 3000);
	unfeed(&f, fd);
	check_segment(&s, 3000, mem, 3000, "DATA 3000");
	free(s.bytes);
	free(mem);
}

static void test_empty_input(void)
{
	struct feeder f;
	struct segment s;
	int fd;

	fd = fed(&f, false, "", 0);
	stream_segment(&s, fd, "stdin", 0, 0, KDL_LENGTH_UNKNOWN);
	unfeed(&f, fd);
	check_refused(&s, "stdin: no data for the segment at 0x0" NOT_EMPTY);
	fd = open("/dev/null", O_RDONLY);
	stream_segment(&s, fd, "/dev/null", 0x4000, 0, KDL_LENGTH_UNKNOWN);
	close(fd);
	check_refused(&s, "/dev/null: no data for the segment at 0x4000" NOT_EMPTY);
	fd = file_of("empty", "", 0);
	stream_segment(&s, fd, "empty", 0x4000, 0, KDL_LENGTH_UNKNOWN);
	check_refused(&s, "empty: no data for the segment at 0x4000" NOT_EMPTY);
	stream_segment(&s, fd, "empty", 0x4000, 0, 0);
	check_bad_length(&s, "no data for the segment at 0x4000" NOT_EMPTY);
	close(fd);
}

static void test_past_the_address_space(void)
{
	uint8_t *mem = memory(10000);
	struct feeder f;
	struct segment s;
	int fd = mem ? file_of("top", mem, 10000) : -1;

	if (!CHECK(fd >= 0)) {
		free(mem);
		return;
	}
	stream_segment(&s, fd, "top", 0xfffffffffffff000, 0, 8192);
	check_bad_length(&s, "segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space");
	/* the last byte of the address space is in it */
	stream_segment(&s, fd, "top", 0xfffffffffffff000, 0, 4096);
	CHECK_EQ(s.ret, 0);
	CHECK_EQ(s.seg.phys, 0xfffffffffffff000);
	CHECK_EQ(s.end, 4096);
	free(s.bytes);
	close(fd);
	fd = fed(&f, false, mem, 10000);
	stream_segment(&s, fd, "stdin", 0xfffffffffffff000, 0, KDL_LENGTH_UNKNOWN);
	unfeed(&f, fd);
	check_refused(&s, "stdin: segment at 0xfffffffffffff000 of 10000 bytes goes past the end of the address space");
	free(mem);
}

/* A RAM device read at physical addresses: a file standing in for one
 * that ends 4 KiB into the range read, with and without keep_going. */
static void test_device(void)
{
	uint8_t *mem = memory(0x7000);
	int fd = mem ? file_of("device", mem, 0x7000) : -1;
	char *warning = NULL;
	uint64_t lost = 0;
	struct segment s;
	int out;
	kdl_writer *w;

	if (!CHECK(fd >= 0)) {
		free(mem);
		return;
	}
	memset(&s, 0, sizeof(s));
	out = create("stream");
	w = kdl_writer_new(ctx, out, "stream");
	if (!CHECK(w))
		return;
	s.ret = kdl_stream_segment_device(w, fd, "device", 0x4000, 0x4000, 0, &lost);
	read_back(&s, w, out);
	check_refused(&s, "device: ended after 12288 of 16384 bytes");
	/* the pages it reads, in a segment of a length known at its end;
	 * the rest left out, with a warning */
	kdl_ctx_set_warn(ctx, collect_warnings, &warning);
	memset(&s, 0, sizeof(s));
	out = create("stream");
	w = kdl_writer_new(ctx, out, "stream");
	if (!CHECK(w))
		return;
	s.ret = kdl_stream_segment_device(w, fd, "device", 0x4000, 0x4000, 1, &lost);
	read_back(&s, w, out);
	if (CHECK_EQ(s.ret, 0) && CHECK(s.well_formed)) {
		CHECK_EQ(s.seg.phys, 0x4000);
		CHECK_EQ(s.seg.virt, 0x4000);
		CHECK_EQ(s.seg.length, KDL_LENGTH_UNKNOWN);
		CHECK_EQ(s.end, 0x3000);
		if (CHECK_EQ(s.filled, 0x3000))
			CHECK_MEM(s.bytes, mem + 0x4000, 0x3000);
	}
	CHECK_EQ(lost, 0x1000);
	CHECK_STR(warning, "device: 0x7000-0x7fff cannot be read (past the end of it); left out\n");
	kdl_ctx_set_warn(ctx, NULL, NULL);
	free(warning);
	free(s.bytes);
	close(fd);
	free(mem);
}

int main(void)
{
	/* a feeder whose reader has stopped gets EPIPE, not a signal */
	signal(SIGPIPE, SIG_IGN);
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_file();
	test_sparse_file();
	test_file_shorter_than_length();
	test_pipe();
	test_pipe_too_short();
	test_read_in_chunks();
	test_empty_input();
	test_past_the_address_space();
	test_device();
	kdl_ctx_free(ctx);
	return check_done("stream/segment-fd");
}
