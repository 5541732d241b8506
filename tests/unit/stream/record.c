/* stream/record.c: each record in STREAM.md's bytes and back, or refused. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream-check.h"

/* A stream being written to the scratch file of that name. */
static kdl_writer *start(const char *name, int *fd)
{
	*fd = create(name);
	return kdl_writer_new(ctx, *fd, name);
}

static void finish(kdl_writer *w, int fd)
{
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);
}

/* The stream in the scratch file is the header, these records' bytes and
 * an end record that counts them. */
static void check_stream(const char *name, const void *records, size_t n,
                         uint64_t count)
{
	uint8_t end[24] = {0x01, 0, 0, 0, 0x01, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
	size_t len;
	uint8_t *got = slurp(name, &len);

	kdl_put64(end + 16, count, false);
	if (CHECK(got) && CHECK_EQ(len, 16 + n + 24)) {
		CHECK_MEM(got, header, 16);
		CHECK_MEM(got + 16, records, n);
		CHECK_MEM(got + 16 + n, end, 24);
	}
	free(got);
}

static void test_arch(void)
{
	static const uint8_t want[] = {
		0x02, 0, 0, 0, 0x01, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0,
		'a', 'r', 'm', '6', '4',
	};
	struct kdl_rec_arch rec = {"arm64"}, got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("arch", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_arch(w, &rec), 0);
	finish(w, fd);
	check_stream("arch", want, sizeof(want), 1);

	r = reader_of("arch", &fd);
	if (next_is(r, &hdr, KDL_REC_ARCH) && CHECK_EQ(kdl_rec_get_arch(r, &hdr, &got), 0))
		CHECK_STR(got.name, "arm64");
	check_ends(r, fd);
}

static void test_vmcoreinfo(void)
{
	static const uint8_t want[] = {
		0x03, 0, 0, 0, 0x01, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0,
		'O', 'S', 'R', 'E', 'L', 'E', 'A', 'S', 'E', '=', '1', '\n',
	};
	struct kdl_rec_vmcoreinfo rec = {"OSRELEASE=1\n", 12}, got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("vmcoreinfo", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_vmcoreinfo(w, &rec), 0);
	finish(w, fd);
	check_stream("vmcoreinfo", want, sizeof(want), 1);

	r = reader_of("vmcoreinfo", &fd);
	if (next_is(r, &hdr, KDL_REC_VMCOREINFO) &&
	    CHECK_EQ(kdl_rec_get_vmcoreinfo(r, &hdr, &got), 0)) {
		CHECK_EQ(got.len, 12);
		CHECK_STR(got.text, "OSRELEASE=1\n");
	}
	check_ends(r, fd);
}

static void test_note(void)
{
	static const uint8_t want[] = {
		0x04, 0, 0, 0, 0x01, 0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0x02, 0, 0,   /* type */
		4, 0, 0, 0,         /* name length */
		'A', 'C', 'M', 'E', /* name */
		'a', 0, 'b',        /* descriptor */
		/* no name, no descriptor */
		0x04, 0, 0, 0, 0x01, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
	};
	struct kdl_rec_note rec = {0x201, "ACME", "a\0b", 3};
	struct kdl_rec_note bare = {0xffffffff, "", "", 0};
	struct kdl_rec_note got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("note", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_note(w, &rec), 0);
	CHECK_EQ(kdl_rec_put_note(w, &bare), 0);
	finish(w, fd);
	check_stream("note", want, sizeof(want), 2);

	r = reader_of("note", &fd);
	if (next_is(r, &hdr, KDL_REC_NOTE) && CHECK_EQ(kdl_rec_get_note(r, &hdr, &got), 0)) {
		CHECK_EQ(got.type, 0x201);
		/* NUL-terminated, though the descriptor follows it */
		CHECK_STR(got.name, "ACME");
		CHECK_EQ(got.len, 3);
		CHECK_MEM(got.desc, "a\0b", 3);
	}
	if (next_is(r, &hdr, KDL_REC_NOTE) && CHECK_EQ(kdl_rec_get_note(r, &hdr, &got), 0)) {
		CHECK_EQ(got.type, 0xffffffff);
		CHECK_STR(got.name, "");
		CHECK_EQ(got.len, 0);
	}
	check_ends(r, fd);
}

static void test_meta(void)
{
	static const uint8_t want[] = {
		0x06, 0, 0, 0, 0x01, 0, 0, 0, 22, 0, 0, 0, 0, 0, 0, 0,
		0x02, 0x4c, 0x44, 0x4b, /* kind: KDL_NOTE_ANNOTATIONS */
		4, 0, 0, 0,             /* vendor length */
		3, 0, 0, 0,             /* key length */
		'V', 'E', 'N', 'D', 'k', 'e', 'y', 'v', '=', '1',
		/* an empty value */
		0x06, 0, 0, 0, 0x01, 0, 0, 0, 22, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0x4c, 0x44, 0x4b, 9, 0, 0, 0, 1, 0, 0, 0,
		'K', 'D', 'U', 'M', 'P', 'L', 'I', 'N', 'G', 'k',
	};
	struct kdl_rec_meta rec = {KDL_NOTE_ANNOTATIONS, "VEND", "key", "v=1"};
	struct kdl_rec_meta empty = {KDL_NOTE_METADATA, "KDUMPLING", "k", ""};
	struct kdl_rec_meta got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("meta", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_meta(w, &rec), 0);
	CHECK_EQ(kdl_rec_put_meta(w, &empty), 0);
	finish(w, fd);
	check_stream("meta", want, sizeof(want), 2);

	r = reader_of("meta", &fd);
	if (next_is(r, &hdr, KDL_REC_META) && CHECK_EQ(kdl_rec_get_meta(r, &hdr, &got), 0)) {
		CHECK_EQ(got.kind, KDL_NOTE_ANNOTATIONS);
		/* each NUL-terminated, though the next follows it */
		CHECK_STR(got.vendor, "VEND");
		CHECK_STR(got.key, "key");
		CHECK_STR(got.value, "v=1");
	}
	if (next_is(r, &hdr, KDL_REC_META) && CHECK_EQ(kdl_rec_get_meta(r, &hdr, &got), 0)) {
		CHECK_EQ(got.kind, KDL_NOTE_METADATA);
		CHECK_STR(got.vendor, "KDUMPLING");
		CHECK_STR(got.key, "k");
		CHECK_STR(got.value, "");
	}
	check_ends(r, fd);
}

static void test_prstatus(void)
{
	static const uint8_t want[] = {
		0x05, 0, 0, 0, 0x01, 0, 0, 0, 136, 0, 0, 0, 0, 0, 0, 0,
		7, 0, 0, 0,          /* CPU */
		1, 0, 0, 0,          /* pid */
		2, 0, 0, 0,          /* ppid */
		3, 0, 0, 0,          /* pgrp */
		4, 0, 0, 0,          /* sid */
		5, 0, 0, 0,          /* signo */
		0xfa, 0xff, 0xff, 0xff, /* sigcode -6 */
		7, 0, 0, 0,          /* errno */
		8, 0, 0, 0,          /* cursig */
		0, 0, 0, 0,          /* reserved */
		9, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0,  /* utime */
		11, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, /* stime */
		13, 0, 0, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0, /* cutime */
		15, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, /* cstime */
		2, 0, 0, 0,          /* registers */
		3, 'R', 'I', 'P', 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		7, 'f', 's', '.', 'b', 'a', 's', 'e', 1, 0, 0, 0, 0, 0, 0, 0,
	};
	struct kdl_reg regs[] = {{"RIP", 0x1122334455667788}, {"fs.base", 1}};
	struct kdl_rec_prstatus rec = {
		.status = {
			.cpu = 7, .pid = 1, .ppid = 2, .pgrp = 3, .sid = 4, .signo = 5,
			.code = -6, .err = 7, .cursig = 8,
			.utime = {9, 10}, .stime = {11, 12}, .cutime = {13, 14}, .cstime = {15, 16},
		},
		.regs = regs,
		.nregs = 2,
	};
	struct kdl_rec_prstatus got;
	const struct kdl_prstatus *s = &got.status;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("prstatus", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_prstatus(w, &rec), 0);
	finish(w, fd);
	check_stream("prstatus", want, sizeof(want), 1);

	r = reader_of("prstatus", &fd);
	if (next_is(r, &hdr, KDL_REC_PRSTATUS) &&
	    CHECK_EQ(kdl_rec_get_prstatus(r, &hdr, &got), 0)) {
		CHECK_EQ(s->cpu, 7);
		CHECK_EQ(s->pid, 1);
		CHECK_EQ(s->ppid, 2);
		CHECK_EQ(s->pgrp, 3);
		CHECK_EQ(s->sid, 4);
		CHECK_EQ(s->signo, 5);
		CHECK(s->code == -6);
		CHECK_EQ(s->err, 7);
		CHECK_EQ(s->cursig, 8);
		CHECK(s->utime.sec == 9 && s->utime.usec == 10);
		CHECK(s->stime.sec == 11 && s->stime.usec == 12);
		CHECK(s->cutime.sec == 13 && s->cutime.usec == 14);
		CHECK(s->cstime.sec == 15 && s->cstime.usec == 16);
		if (CHECK_EQ(got.nregs, 2)) {
			/* as given: the packer checks them against the
			 * architecture, which may come later */
			CHECK_STR(got.regs[0].name, "RIP");
			CHECK_EQ(got.regs[0].value, 0x1122334455667788);
			CHECK_STR(got.regs[1].name, "fs.base");
			CHECK_EQ(got.regs[1].value, 1);
		}
	}
	check_ends(r, fd);
}

/* Signed fields as two's complement, in both directions. */
static void test_prstatus_negative(void)
{
	struct kdl_rec_prstatus rec = {
		.status = {
			.cpu = 0xffffffff, .pid = -1, .ppid = INT32_MIN, .sid = INT32_MAX,
			.cursig = -2, .utime = {-1, -999999}, .cstime = {INT64_MIN, INT64_MAX},
		},
	};
	struct kdl_rec_prstatus got;
	const struct kdl_prstatus *s = &got.status;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("negative", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_prstatus(w, &rec), 0);
	finish(w, fd);
	r = reader_of("negative", &fd);
	if (next_is(r, &hdr, KDL_REC_PRSTATUS) && CHECK_EQ(hdr.length, 108) &&
	    CHECK_EQ(kdl_rec_get_prstatus(r, &hdr, &got), 0)) {
		CHECK_EQ(s->cpu, 0xffffffff);
		CHECK(s->pid == -1);
		CHECK(s->ppid == INT32_MIN);
		CHECK(s->pgrp == 0);
		CHECK(s->sid == INT32_MAX);
		CHECK(s->cursig == -2);
		CHECK(s->utime.sec == -1 && s->utime.usec == -999999);
		CHECK(s->stime.sec == 0 && s->stime.usec == 0);
		CHECK(s->cstime.sec == INT64_MIN && s->cstime.usec == INT64_MAX);
		CHECK_EQ(got.nregs, 0);
	}
	check_ends(r, fd);
}

/* STREAM.md's example, byte for byte. */
static void test_stream_md_example(void)
{
	struct kdl_reg rip = {"rip", 0x10};
	struct kdl_rec_prstatus rec = {.regs = &rip, .nregs = 1};
	uint8_t want[16 + 120];
	int fd;
	kdl_writer *w = start("example", &fd);

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_prstatus(w, &rec), 0);
	finish(w, fd);
	memset(want, 0, sizeof(want));
	memcpy(want, "\x05\0\0\0\x01\0\0\0\x78\0\0\0\0\0\0\0", 16);
	memcpy(want + 16 + 104, "\x01\0\0\0\x03rip\x10\0\0\0\0\0\0\0", 16);
	check_stream("example", want, sizeof(want), 1);
}

/* A name's length is one byte: 255 is the most, and a longer one is
 * refused before anything is written. */
static void test_register_name_length(void)
{
	char name[257];
	struct kdl_reg reg = {name, 0x42};
	struct kdl_rec_prstatus rec = {.status = {.cpu = 3}, .regs = &reg, .nregs = 1};
	struct kdl_rec_prstatus got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("regname", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	memset(name, 'r', 255);
	name[255] = 0;
	CHECK_EQ(kdl_rec_put_prstatus(w, &rec), 0);
	name[255] = 'r';
	name[256] = 0;
	CHECK_EQ(kdl_rec_put_prstatus(w, &rec), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register name 'rrrrrrrrrrrrrrrrrrrr...' is too long");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	finish(w, fd);

	r = reader_of("regname", &fd);
	if (next_is(r, &hdr, KDL_REC_PRSTATUS) && CHECK_EQ(hdr.length, 108 + 1 + 255 + 8) &&
	    CHECK_EQ(kdl_rec_get_prstatus(r, &hdr, &got), 0) && CHECK_EQ(got.nregs, 1)) {
		name[255] = 0;
		CHECK_STR(got.regs[0].name, name);
		CHECK_EQ(got.regs[0].value, 0x42);
	}
	/* the refused CPU left nothing behind: the end record counts one */
	check_ends(r, fd);
}

static void test_segment(void)
{
	static const uint8_t want[] = {
		0x10, 0, 0, 0, 0x01, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x10, 0, 0, 0, 0, 0, 0,             /* physical */
		0x00, 0x10, 0, 0, 0x80, 0x88, 0xff, 0xff, /* virtual */
		0x00, 0x20, 0, 0, 0, 0, 0, 0,             /* length */
		0x10, 0, 0, 0, 0x01, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x10, 0, 0, 0, 0, 0, 0,
		0x00, 0x00, 0xff, 0xff, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* unknown */
	};
	struct kdl_rec_segment known = {0x1000, 0xffff888000001000, 0x2000};
	struct kdl_rec_segment unknown = {0x1000, 0xffff0000, KDL_LENGTH_UNKNOWN};
	struct kdl_rec_segment got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("segment", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_segment(w, &known), 0);
	CHECK_EQ(kdl_rec_put_segment(w, &unknown), 0);
	finish(w, fd);
	check_stream("segment", want, sizeof(want), 2);

	r = reader_of("segment", &fd);
	if (next_is(r, &hdr, KDL_REC_SEGMENT) && CHECK_EQ(kdl_rec_get_segment(r, &hdr, &got), 0)) {
		CHECK_EQ(got.phys, 0x1000);
		CHECK_EQ(got.virt, 0xffff888000001000);
		CHECK_EQ(got.length, 0x2000);
	}
	if (next_is(r, &hdr, KDL_REC_SEGMENT) && CHECK_EQ(kdl_rec_get_segment(r, &hdr, &got), 0)) {
		CHECK_EQ(got.phys, 0x1000);
		CHECK_EQ(got.virt, 0xffff0000);
		CHECK_EQ(got.length, KDL_LENGTH_UNKNOWN);
	}
	check_ends(r, fd);
}

/* ALIAS as SEGMENT lays its fields out, but not critical: a packer that
 * does not know it may pass it by. */
static void test_alias(void)
{
	static const uint8_t want[] = {
		0x07, 0, 0, 0, 0x00, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x00, 0x20, 0, 0, 0, 0, 0,             /* physical */
		0x00, 0x00, 0x00, 0x81, 0xff, 0xff, 0xff, 0xff, /* virtual */
		0x00, 0x00, 0x01, 0, 0, 0, 0, 0,             /* length */
	};
	struct kdl_rec_alias alias = {0x200000, 0xffffffff81000000, 0x10000}, got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("alias", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_alias(w, &alias), 0);
	finish(w, fd);
	check_stream("alias", want, sizeof(want), 1);
	r = reader_of("alias", &fd);
	if (CHECK(r) && CHECK_EQ(kdl_reader_next(r, &hdr), 1)) {
		CHECK_EQ(hdr.type, KDL_REC_ALIAS);
		CHECK_EQ(hdr.flags, 0);
		if (CHECK_EQ(kdl_rec_get_alias(r, &hdr, &got), 0)) {
			CHECK_EQ(got.phys, 0x200000);
			CHECK_EQ(got.virt, 0xffffffff81000000);
			CHECK_EQ(got.length, 0x10000);
		}
	}
	check_ends(r, fd);
}

/* EXTENT: a segment to come, not critical either. */
static void test_extent(void)
{
	static const uint8_t want[] = {
		0x08, 0, 0, 0, 0x00, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x10, 0x00, 0, 0, 0, 0, 0, /* physical */
		0x00, 0x00, 0x00, 0x40, 0, 0, 0, 0, /* length */
	};
	struct kdl_rec_extent extent = {0x1000, 0x40000000}, got;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("extent", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_extent(w, &extent), 0);
	finish(w, fd);
	check_stream("extent", want, sizeof(want), 1);
	r = reader_of("extent", &fd);
	if (CHECK(r) && CHECK_EQ(kdl_reader_next(r, &hdr), 1)) {
		CHECK_EQ(hdr.type, KDL_REC_EXTENT);
		CHECK_EQ(hdr.flags, 0);
		if (CHECK_EQ(kdl_rec_get_extent(r, &hdr, &got), 0)) {
			CHECK_EQ(got.phys, 0x1000);
			CHECK_EQ(got.length, 0x40000000);
		}
	}
	check_ends(r, fd);
}

static void test_data(void)
{
	static const uint8_t want[] = {
		0x11, 0, 0, 0, 0x01, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
		'a', 'b', 'c',
		0x11, 0, 0, 0, 0x01, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0,
		'h', 'e', 'l', 'l', 'o',
	};
	struct kdl_record hdr;
	uint8_t buf[8];
	int fd;
	kdl_writer *w = start("data", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_data(w, "abc", 3), 0);
	/* the header first, the bytes as they come */
	CHECK_EQ(kdl_rec_begin_data(w, 5), 0);
	CHECK_EQ(kdl_writer_data(w, "he", 2), 0);
	CHECK_EQ(kdl_writer_data(w, "llo", 3), 0);
	CHECK_EQ(kdl_writer_end(w), 0);
	finish(w, fd);
	check_stream("data", want, sizeof(want), 2);

	r = reader_of("data", &fd);
	if (next_is(r, &hdr, KDL_REC_DATA) && CHECK_EQ(hdr.length, 3)) {
		CHECK_EQ(kdl_reader_read(r, buf, sizeof(buf)), 3);
		CHECK_MEM(buf, "abc", 3);
	}
	if (next_is(r, &hdr, KDL_REC_DATA) && CHECK_EQ(hdr.length, 5)) {
		CHECK_EQ(kdl_reader_read(r, buf, sizeof(buf)), 5);
		CHECK_MEM(buf, "hello", 5);
	}
	check_ends(r, fd);
}

static void test_zero_and_segment_end(void)
{
	static const uint8_t want[] = {
		0x12, 0, 0, 0, 0x01, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
		0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0,
		0x13, 0, 0, 0, 0x01, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x30, 0, 0, 0, 0, 0, 0,
	};
	struct kdl_rec_zero zero = {0x123456789}, zgot;
	struct kdl_rec_segment_end end = {0x3000}, egot;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("zero", &fd);
	kdl_reader *r;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_zero(w, &zero), 0);
	CHECK_EQ(kdl_rec_put_segment_end(w, &end), 0);
	finish(w, fd);
	check_stream("zero", want, sizeof(want), 2);

	r = reader_of("zero", &fd);
	if (next_is(r, &hdr, KDL_REC_ZERO) && CHECK_EQ(kdl_rec_get_zero(r, &hdr, &zgot), 0))
		CHECK_EQ(zgot.length, 0x123456789);
	if (next_is(r, &hdr, KDL_REC_SEGMENT_END) &&
	    CHECK_EQ(kdl_rec_get_segment_end(r, &hdr, &egot), 0))
		CHECK_EQ(egot.length, 0x3000);
	check_ends(r, fd);
}

/* What a get gives stays put while the record is being handled, whatever
 * else the reader is asked to hold meanwhile; the next record releases
 * it (the ASan build finds a leak otherwise). */
static void test_get_strings_last_until_next_record(void)
{
	struct kdl_reg regs[] = {{"pc", 1}, {"sp", 2}};
	struct kdl_rec_note note = {0x100, "NAME", "desc", 4};
	struct kdl_rec_meta meta = {KDL_NOTE_METADATA, "V", "K", "value"};
	struct kdl_rec_prstatus cpu = {.regs = regs, .nregs = 2};
	struct kdl_rec_note ngot;
	struct kdl_rec_meta mgot;
	struct kdl_rec_prstatus cgot;
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("last", &fd);
	kdl_reader *r;
	void *other;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_rec_put_note(w, &note), 0);
	CHECK_EQ(kdl_rec_put_meta(w, &meta), 0);
	CHECK_EQ(kdl_rec_put_prstatus(w, &cpu), 0);
	finish(w, fd);

	r = reader_of("last", &fd);
	if (next_is(r, &hdr, KDL_REC_NOTE) && CHECK_EQ(kdl_rec_get_note(r, &hdr, &ngot), 0)) {
		other = kdl_reader_hold(r, 1 << 16);
		if (CHECK(other))
			memset(other, 0xff, 1 << 16);
		CHECK_STR(ngot.name, "NAME");
		CHECK_MEM(ngot.desc, "desc", 4);
	}
	if (next_is(r, &hdr, KDL_REC_META) && CHECK_EQ(kdl_rec_get_meta(r, &hdr, &mgot), 0)) {
		other = kdl_reader_hold(r, 1 << 16);
		if (CHECK(other))
			memset(other, 0xff, 1 << 16);
		CHECK_STR(mgot.vendor, "V");
		CHECK_STR(mgot.key, "K");
		CHECK_STR(mgot.value, "value");
	}
	/* freed with the reader when no next record comes */
	if (next_is(r, &hdr, KDL_REC_PRSTATUS) &&
	    CHECK_EQ(kdl_rec_get_prstatus(r, &hdr, &cgot), 0) && CHECK_EQ(cgot.nregs, 2)) {
		other = kdl_reader_hold(r, 1 << 16);
		if (CHECK(other))
			memset(other, 0xff, 1 << 16);
		CHECK_STR(cgot.regs[0].name, "pc");
		CHECK_STR(cgot.regs[1].name, "sp");
		CHECK_EQ(cgot.regs[1].value, 2);
	}
	kdl_reader_free(r);
	close(fd);
}

/* ---- malformed records ---- */

typedef int get_fn(kdl_reader *r, const struct kdl_record *hdr);

static int get_arch(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_arch rec;

	return kdl_rec_get_arch(r, hdr, &rec);
}

static int get_vmcoreinfo(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_vmcoreinfo rec;

	return kdl_rec_get_vmcoreinfo(r, hdr, &rec);
}

static int get_note(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_note rec;

	return kdl_rec_get_note(r, hdr, &rec);
}

static int get_meta(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_meta rec;

	return kdl_rec_get_meta(r, hdr, &rec);
}

static int get_prstatus(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_prstatus rec;

	return kdl_rec_get_prstatus(r, hdr, &rec);
}

static int get_segment(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_segment rec;

	return kdl_rec_get_segment(r, hdr, &rec);
}

static int get_zero(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_zero rec;

	return kdl_rec_get_zero(r, hdr, &rec);
}

static int get_extent(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_extent rec;

	return kdl_rec_get_extent(r, hdr, &rec);
}

static int get_segment_end(kdl_reader *r, const struct kdl_record *hdr)
{
	struct kdl_rec_segment_end rec;

	return kdl_rec_get_segment_end(r, hdr, &rec);
}

/* A record of this type and payload, given to get, is refused as corrupt
 * input with this message. */
static void check_refused(int line, uint32_t type, const void *payload,
                          size_t len, get_fn *get, const char *message)
{
	char want[256];
	struct kdl_record hdr;
	int fd;
	kdl_writer *w = start("input", &fd);
	kdl_reader *r;
	bool ok;

	if (!CHECK(w))
		return;
	CHECK_EQ(kdl_writer_record(w, type, KDL_REC_CRITICAL, payload, len), 0);
	finish(w, fd);
	r = reader_of("input", &fd);
	snprintf(want, sizeof(want), "input: corrupt stream: %s", message);
	ok = CHECK(r) && CHECK_EQ(kdl_reader_next(r, &hdr), 1);
	ok = ok && CHECK_EQ(get(r, &hdr), -1);
	ok = ok && CHECK_STR(kdl_ctx_error(ctx), want);
	ok = ok && CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	if (!ok)
		fprintf(stderr, "  the case at line %d\n", line);
	kdl_reader_free(r);
	close(fd);
}
#define REFUSED(...) check_refused(__LINE__, __VA_ARGS__)

static void test_get_of_the_wrong_type(void)
{
	uint8_t zeros[200] = {0};

	REFUSED(KDL_REC_NOTE, zeros, 8, get_arch, "bad architecture record");
	REFUSED(KDL_REC_ARCH, "x86_64", 6, get_vmcoreinfo, "bad vmcoreinfo record");
	REFUSED(KDL_REC_META, zeros, 12, get_note, "bad note record");
	REFUSED(KDL_REC_NOTE, zeros, 12, get_meta, "bad metadata record");
	REFUSED(KDL_REC_NOTE, zeros, 108, get_prstatus, "short CPU record");
	REFUSED(KDL_REC_ZERO, zeros, 24, get_segment, "bad segment record");
	REFUSED(KDL_REC_SEGMENT_END, zeros, 8, get_zero, "record of the wrong size");
	REFUSED(KDL_REC_ZERO, zeros, 8, get_segment_end, "record of the wrong size");
	/* nor is a private record of the right size */
	REFUSED(0x8000, zeros, 24, get_segment, "bad segment record");
}

static void test_bad_note(void)
{
	REFUSED(KDL_REC_NOTE, "\1\0\0\0\0\0\0", 7, get_note, "bad note record");
	/* a name longer than what follows it */
	REFUSED(KDL_REC_NOTE, "\1\0\0\0\5\0\0\0ACME", 12, get_note, "bad note record");
	REFUSED(KDL_REC_NOTE, "\1\0\0\0\xff\xff\xff\xff", 8, get_note, "bad note record");
}

static void test_bad_meta(void)
{
	REFUSED(KDL_REC_META, "\1\0\0\0\0\0\0\0\0\0\0", 11, get_meta, "bad metadata record");
	/* the vendor, then the key, longer than what follows */
	REFUSED(KDL_REC_META, "\1\0\0\0\5\0\0\0\0\0\0\0VEND", 16, get_meta, "bad metadata record");
	REFUSED(KDL_REC_META, "\1\0\0\0\xff\xff\xff\xff\0\0\0\0", 12, get_meta, "bad metadata record");
	REFUSED(KDL_REC_META, "\1\0\0\0\4\0\0\0\4\0\0\0VENDkey", 19, get_meta, "bad metadata record");
	REFUSED(KDL_REC_META, "\1\0\0\0\4\0\0\0\xff\xff\xff\xffVENDkey", 19, get_meta, "bad metadata record");
}

static void test_bad_prstatus(void)
{
	uint8_t p[160] = {0};

	REFUSED(KDL_REC_PRSTATUS, p, 107, get_prstatus, "short CPU record");
	REFUSED(KDL_REC_PRSTATUS, p, 0, get_prstatus, "short CPU record");
	/* each register takes 9 bytes at least */
	kdl_put32(p + 104, 1, false);
	REFUSED(KDL_REC_PRSTATUS, p, 108, get_prstatus, "CPU record with too many registers");
	kdl_put32(p + 104, 2, false);
	REFUSED(KDL_REC_PRSTATUS, p, 108 + 17, get_prstatus, "CPU record with too many registers");
	kdl_put32(p + 104, 0xffffffff, false);
	REFUSED(KDL_REC_PRSTATUS, p, 108 + 9, get_prstatus, "CPU record with too many registers");
	/* a name longer than the record */
	kdl_put32(p + 104, 1, false);
	p[108] = 3;
	REFUSED(KDL_REC_PRSTATUS, p, 108 + 9, get_prstatus, "CPU record cut short");
	/* the first register takes the bytes of the second */
	kdl_put32(p + 104, 2, false);
	p[108] = 9;
	REFUSED(KDL_REC_PRSTATUS, p, 108 + 18, get_prstatus, "CPU record cut short");
	/* bytes after the last register */
	kdl_put32(p + 104, 0, false);
	REFUSED(KDL_REC_PRSTATUS, p, 108 + 5, get_prstatus, "CPU record too long");
	kdl_put32(p + 104, 1, false);
	memcpy(p + 108, "\2pc\1\0\0\0\0\0\0\0", 11);
	REFUSED(KDL_REC_PRSTATUS, p, 108 + 12, get_prstatus, "CPU record too long");
}

static void test_bad_sizes(void)
{
	uint8_t zeros[32] = {0};

	REFUSED(KDL_REC_SEGMENT, zeros, 16, get_segment, "bad segment record");
	REFUSED(KDL_REC_SEGMENT, zeros, 25, get_segment, "bad segment record");
	REFUSED(KDL_REC_ZERO, zeros, 4, get_zero, "record of the wrong size");
	REFUSED(KDL_REC_ZERO, zeros, 16, get_zero, "record of the wrong size");
	REFUSED(KDL_REC_SEGMENT_END, zeros, 0, get_segment_end, "record of the wrong size");
	REFUSED(KDL_REC_SEGMENT_END, zeros, 9, get_segment_end, "record of the wrong size");
	REFUSED(KDL_REC_EXTENT, zeros, 24, get_extent, "bad extent record");
	REFUSED(KDL_REC_EXTENT, zeros, 8, get_extent, "bad extent record");
	REFUSED(KDL_REC_ALIAS, zeros, 16, get_extent, "bad extent record");
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_arch();
	test_vmcoreinfo();
	test_note();
	test_meta();
	test_prstatus();
	test_prstatus_negative();
	test_stream_md_example();
	test_register_name_length();
	test_segment();
	test_alias();
	test_extent();
	test_data();
	test_zero_and_segment_end();
	test_get_strings_last_until_next_record();
	test_get_of_the_wrong_type();
	test_bad_note();
	test_bad_meta();
	test_bad_prstatus();
	test_bad_sizes();
	kdl_ctx_free(ctx);
	return check_done("stream/record");
}
