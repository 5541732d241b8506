/* emit.c: the records producers write, and what the packer makes of them:
 * a stream packed gives the same dump as the builder given the same. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static int create(const char *name)
{
	char path[4096];

	return open(scratch_path(name, path, sizeof(path)), O_RDWR | O_CREAT | O_TRUNC, 0600);
}

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[4096];

	return read_file(scratch_path(name, path, sizeof(path)), len);
}

/* Records of a stream file, one after another. */
struct cursor {
	const uint8_t *p, *end;
};

static bool next_record(struct cursor *c, uint32_t *type, uint32_t *flags,
                        const uint8_t **payload, uint64_t *len)
{
	if (c->end - c->p < 16)
		return false;
	*type = kdl_get32le(c->p);
	*flags = kdl_get32le(c->p + 4);
	*len = kdl_get64le(c->p + 8);
	*payload = c->p + 16;
	if ((uint64_t)(c->end - *payload) < *len)
		return false;
	c->p = *payload + *len;
	return true;
}

static void test_stream_md_example(void)
{
	struct kdl_prstatus s = {0};
	struct kdl_reg rip = {"rip", 0x10};
	int fd = create("example");
	kdl_writer *w = kdl_writer_new(ctx, fd, "example");
	uint8_t want[16 + 16 + 120 + 24], *got;
	size_t len;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_emit_prstatus(w, &s, &rip, 1), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);
	memset(want, 0, sizeof(want));
	memcpy(want, "\x89VMC\r\n\x1a\n\x01\0\0\0\0\0\0\0", 16);
	memcpy(want + 16, "\x05\0\0\0\x01\0\0\0\x78\0\0\0\0\0\0\0", 16);
	memcpy(want + 32 + 104, "\x01\0\0\0\x03rip\x10\0\0\0\0\0\0\0", 16);
	memcpy(want + 152, "\x01\0\0\0\x01\0\0\0\x08\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0", 24);
	got = slurp("example", &len);
	if (CHECK(got) && CHECK_EQ(len, sizeof(want)))
		CHECK_MEM(got, want, sizeof(want));
	free(got);
}

static void test_descriptions(void)
{
	struct kdl_prstatus s = {
		.cpu = 7, .pid = 1, .ppid = 2, .pgrp = 3, .sid = 4, .signo = 5,
		.code = -6, .err = 7, .cursig = 8,
		.utime = {9, 10}, .stime = {11, 12}, .cutime = {13, 14}, .cstime = {15, 16},
	};
	struct kdl_reg regs[] = {{"RIP", 0x1122334455667788}, {"fs.base", 1}};
	int fd = create("desc");
	kdl_writer *w = kdl_writer_new(ctx, fd, "desc");
	struct cursor c;
	uint32_t type, flags;
	const uint8_t *p;
	uint64_t len;
	uint8_t *file;
	size_t flen;
	char long_name[300];

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_emit_arch(w, "arm64"), 0);
	CHECK_EQ(kdl_emit_vmcoreinfo(w, "OSRELEASE=1\n", 12), 0);
	CHECK_EQ(kdl_emit_note(w, "ACME", 0x201, "a\0b", 3), 0);
	CHECK_EQ(kdl_emit_meta(w, "VEND", KDL_NOTE_ANNOTATIONS, "key", "v=1"), 0);
	CHECK_EQ(kdl_emit_prstatus(w, &s, regs, 2), 0);
	CHECK_EQ(kdl_emit_segment_header(w, 0x1000, 0x1000, 0x2000), 0);
	CHECK_EQ(kdl_emit_segment_header(w, 0x1000, 0xffff0000, KDL_LENGTH_UNKNOWN), 0);
	memset(long_name, 'r', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	regs[1].name = long_name;
	CHECK_EQ(kdl_emit_prstatus(w, &s, regs, 2), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "register name 'rrrrrrrrrrrrrrrrrrrr...' is too long");
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);

	file = slurp("desc", &flen);
	if (!CHECK(file) || !CHECK(flen > 16)) {
		free(file);
		return;
	}
	c = (struct cursor){file + 16, file + flen};
	/* every description record is critical */
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_ARCH);
	CHECK_EQ(flags, KDL_REC_CRITICAL);
	CHECK_EQ(len, 5);
	CHECK_MEM(p, "arm64", 5);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_VMCOREINFO);
	CHECK_EQ(flags, KDL_REC_CRITICAL);
	CHECK_EQ(len, 12);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_NOTE);
	CHECK_EQ(flags, KDL_REC_CRITICAL);
	CHECK_EQ(len, 8 + 4 + 3);
	CHECK_MEM(p, "\x01\x02\0\0\x04\0\0\0ACMEa\0b", 15);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_META);
	CHECK_EQ(flags, KDL_REC_CRITICAL);
	CHECK_EQ(len, 12 + 4 + 3 + 3);
	CHECK_MEM(p, "\x02\x4c\x44\x4b\x04\0\0\0\x03\0\0\0VENDkeyv=1", 22);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_PRSTATUS);
	CHECK_EQ(flags, KDL_REC_CRITICAL);
	CHECK_EQ(len, 108 + (1 + 3 + 8) + (1 + 7 + 8));
	if (len == 108 + 12 + 16) {
		CHECK_EQ(kdl_get32le(p), 7);
		for (unsigned i = 0; i < 8; i++)
			CHECK_EQ(kdl_get32le(p + 4 + 4 * i), i == 5 ? (uint32_t)-6 : i + 1);
		CHECK_EQ(kdl_get32le(p + 36), 0);
		for (unsigned i = 0; i < 8; i++)
			CHECK_EQ(kdl_get64le(p + 40 + 8 * i), 9 + i);
		CHECK_EQ(kdl_get32le(p + 104), 2);
		CHECK_MEM(p + 108, "\x03RIP\x88\x77\x66\x55\x44\x33\x22\x11", 12);
		CHECK_MEM(p + 120, "\x07" "fs.base\x01\0\0\0\0\0\0\0", 16);
	}
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_SEGMENT);
	CHECK_EQ(flags, KDL_REC_CRITICAL);
	CHECK_EQ(len, 24);
	CHECK_EQ(kdl_get64le(p), 0x1000);
	CHECK_EQ(kdl_get64le(p + 8), 0x1000);
	CHECK_EQ(kdl_get64le(p + 16), 0x2000);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(kdl_get64le(p + 8), 0xffff0000);
	CHECK_EQ(kdl_get64le(p + 16), KDL_LENGTH_UNKNOWN);
	/* the refused CPU left nothing behind */
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_END);
	CHECK_EQ(kdl_get64le(p), 7);
	CHECK(c.p == c.end);
	free(file);
}

/* Emits one segment from fd and returns the stream's bytes. */
static uint8_t *emit_segment(int fd, const char *name, uint64_t offset,
                             uint64_t length, int *ret, size_t *len)
{
	int out = create("seg");
	kdl_writer *w = kdl_writer_new(ctx, out, "seg");

	*ret = kdl_emit_segment_fd(w, 0x4000, 0x4000, fd, name, offset, length);
	if (*ret)
		kdl_writer_free(w);
	else
		kdl_writer_finish(w);
	close(out);
	return slurp("seg", len);
}

static void test_segment_from_file(void)
{
	enum { SIZE = (5u << 19) + 123 }; /* 2.5 MiB and a bit */
	uint8_t *mem = malloc(SIZE), *s;
	char path[4096];
	struct cursor c;
	uint32_t type, flags;
	const uint8_t *p;
	uint64_t len, done = 0;
	size_t slen;
	int fd, ret, data = 0;

	if (!CHECK(mem))
		return;
	for (size_t i = 0; i < SIZE; i++)
		mem[i] = (uint8_t)(i ^ i >> 11);
	write_file(scratch_path("mem", path, sizeof(path)), mem, SIZE);
	fd = open(path, O_RDONLY);
	s = emit_segment(fd, "mem", 100, SIZE - 100, &ret, &slen);
	close(fd);
	CHECK_EQ(ret, 0);
	if (!CHECK(s && slen > 16)) {
		free(s);
		free(mem);
		return;
	}
	c = (struct cursor){s + 16, s + slen};
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_SEGMENT);
	CHECK_EQ(kdl_get64le(p + 16), SIZE - 100);
	/* DATA records of at most 1 MiB, in order */
	while (next_record(&c, &type, &flags, &p, &len) && type == KDL_REC_DATA) {
		CHECK_EQ(flags, KDL_REC_CRITICAL);
		CHECK(len > 0 && len <= 1u << 20);
		CHECK_MEM(p, mem + 100 + done, (size_t)len);
		done += len;
		data++;
	}
	CHECK_EQ(data, 3);
	CHECK_EQ(done, SIZE - 100);
	CHECK_EQ(type, KDL_REC_SEGMENT_END);
	CHECK_EQ(kdl_get64le(p), SIZE - 100);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_END);
	CHECK_EQ(kdl_get64le(p), 5);
	free(s);
	free(mem);
}

/* A pipe holding these bytes, its writing end closed. */
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

static void test_segment_from_pipe(void)
{
	uint8_t mem[10000], *s;
	struct cursor c;
	uint32_t type, flags;
	const uint8_t *p;
	uint64_t len;
	size_t slen;
	int fd, ret;

	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 31);
	fd = pipe_of(mem, sizeof(mem));
	s = emit_segment(fd, "stdin", 1000, KDL_LENGTH_UNKNOWN, &ret, &slen);
	close(fd);
	CHECK_EQ(ret, 0);
	if (!CHECK(s && slen > 16)) {
		free(s);
		return;
	}
	c = (struct cursor){s + 16, s + slen};
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_SEGMENT);
	CHECK_EQ(kdl_get64le(p + 16), KDL_LENGTH_UNKNOWN);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_DATA);
	CHECK_EQ(len, 9000);
	CHECK_MEM(p, mem + 1000, 9000);
	CHECK(next_record(&c, &type, &flags, &p, &len));
	CHECK_EQ(type, KDL_REC_SEGMENT_END);
	CHECK_EQ(kdl_get64le(p), 9000);
	free(s);

	fd = pipe_of(mem, sizeof(mem));
	s = emit_segment(fd, "stdin", 0, 20000, &ret, &slen);
	close(fd);
	CHECK_EQ(ret, -1);
	CHECK_STR(kdl_ctx_error(ctx), "stdin: ended after 10000 of 20000 bytes");
	free(s);

	fd = pipe_of(mem, sizeof(mem));
	s = emit_segment(fd, "stdin", 10001, KDL_LENGTH_UNKNOWN, &ret, &slen);
	close(fd);
	CHECK_EQ(ret, -1);
	CHECK_STR(kdl_ctx_error(ctx), "stdin: ends before offset");
	free(s);

	fd = pipe_of(mem, 0);
	s = emit_segment(fd, "stdin", 0, KDL_LENGTH_UNKNOWN, &ret, &slen);
	close(fd);
	CHECK_EQ(ret, -1);
	CHECK_STR(kdl_ctx_error(ctx), "stdin: no data: a segment cannot be empty");
	free(s);
}

/* The same dump, once through the stream and once through the builder. */
static void test_round_trip(void)
{
	static uint8_t low[6000], high[4096];
	const char *vi = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n";
	struct kdl_prstatus s0 = {.cpu = 0, .pid = 1, .utime = {1, 5}};
	struct kdl_prstatus s1 = {.cpu = 1, .pid = 2, .cursig = 11};
	struct kdl_reg r0[] = {{"rip", 0xffffffff81000010}, {"rsp", 0x5000}};
	struct kdl_reg r1[] = {{"RFLAGS", 0x246}};
	char lowp[4096], highp[4096], path[4096];
	int fd, lfd, hfd;
	kdl_writer *w;
	kdl_reader *r;
	kdl_dump *d;
	struct kdl_stats st;
	uint8_t *a, *b;
	size_t al, bl;

	for (size_t i = 0; i < sizeof(low); i++)
		low[i] = (uint8_t)(i * 3);
	memset(high, 0x5a, sizeof(high));
	write_file(scratch_path("low", lowp, sizeof(lowp)), low, sizeof(low));
	write_file(scratch_path("high", highp, sizeof(highp)), high, sizeof(high));

	fd = create("rt-stream");
	w = kdl_writer_new(ctx, fd, "rt");
	lfd = open(lowp, O_RDONLY);
	hfd = open(highp, O_RDONLY);
	CHECK_EQ(kdl_emit_vmcoreinfo(w, vi, strlen(vi)), 0);
	CHECK_EQ(kdl_emit_note(w, "ACME", 256, "hello", 5), 0);
	CHECK_EQ(kdl_emit_meta(w, "KDUMPLING", KDL_NOTE_METADATA, "host", "box"), 0);
	CHECK_EQ(kdl_emit_meta(w, "KDUMPLING", KDL_NOTE_ANNOTATIONS, "why", "test"), 0);
	CHECK_EQ(kdl_emit_prstatus(w, &s1, r1, 1), 0);
	CHECK_EQ(kdl_emit_prstatus(w, &s0, r0, 2), 0);
	CHECK_EQ(kdl_emit_segment_fd(w, 0x1000, 0x1000, lfd, "low", 0, sizeof(low)), 0);
	CHECK_EQ(kdl_emit_segment_fd(w, 0x100000, 0xffff888000100000, hfd, "high", 0, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(lfd);
	close(hfd);
	close(fd);

	fd = open(scratch_path("rt-stream", path, sizeof(path)), O_RDONLY);
	r = kdl_reader_new(ctx, fd, "rt");
	d = kdl_dump_new(ctx, NULL);
	if (!CHECK(r && d))
		return;
	if (!CHECK_EQ(kdl_pack_stream(d, r, scratch_path("rt-packed", path, sizeof(path)), "elf", &st), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(st.cpus, 2);
	CHECK_EQ(st.segments, 2);
	CHECK_EQ(st.total_memory, sizeof(low) + sizeof(high));
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
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x100000, 0xffff888000100000, highp, 0, KDL_LEN_ALL), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, low, sizeof(low)), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("rt-built", path, sizeof(path)), "elf", NULL), 0);
	kdl_dump_free(d);

	a = slurp("rt-packed", &al);
	b = slurp("rt-built", &bl);
	if (CHECK(a && b) && CHECK_EQ(al, bl))
		CHECK_MEM(a, b, al);
	free(a);
	free(b);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_stream_md_example();
	test_descriptions();
	test_segment_from_file();
	test_segment_from_pipe();
	test_round_trip();
	kdl_ctx_free(ctx);
	return check_done("emit");
}
