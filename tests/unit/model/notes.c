/* model/notes.c: the PT_NOTE contents, laid out as /proc/vmcore has them. */
#include <stdlib.h>

#include "check.h"
#include "model/model.h"

static kdl_ctx *ctx;

struct note {
	uint32_t namesz, descsz, type;
	const char *name;
	const uint8_t *desc;
	size_t at; /* offset of the note in the buffer */
};

/* Splits the buffer into notes; returns how many, or -1 if they do not
 * tile it exactly. */
static int split(const struct kdl_notes *n, bool be, struct note *out, int max)
{
	size_t pos = 0;
	int count = 0;

	while (pos < n->len && count < max) {
		struct note *x = &out[count++];

		if (n->len - pos < 12)
			return -1;
		x->at = pos;
		x->namesz = get32(n->buf + pos, be);
		x->descsz = get32(n->buf + pos + 4, be);
		x->type = get32(n->buf + pos + 8, be);
		x->name = (const char *)n->buf + pos + 12;
		x->desc = n->buf + pos + 12 + kdl_round_up(x->namesz, 4);
		pos += kdl_note_size(x->namesz, x->descsz);
	}
	return pos == n->len ? count : -1;
}

/* Builds the notes, and checks that measuring alone gives their size. */
static int build(const struct kdl_note_set *set, struct kdl_notes *n)
{
	struct kdl_notes measured;

	if (kdl_notes_build(ctx, set, &measured, true))
		return -1;
	CHECK(measured.buf == NULL);
	if (kdl_notes_build(ctx, set, n, false))
		return -1;
	CHECK(n->buf != NULL);
	CHECK_EQ(measured.len, n->len);
	return 0;
}

static void test_note_size(void)
{
	CHECK_EQ(kdl_note_size(5, 336), 12 + 8 + 336);
	CHECK_EQ(kdl_note_size(11, 70), 12 + 12 + 72);
	CHECK_EQ(kdl_note_size(4, 0), 16);
	CHECK_EQ(kdl_note_size(0, 0), 12);
	CHECK_EQ(kdl_note_size(10, 1), 12 + 12 + 4);
}

static void test_note_check(void)
{
	CHECK_EQ(kdl_note_check(ctx, "VMCOREINFO", 0, 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a VMCOREINFO note is set as vmcoreinfo, not as a custom note");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_note_check(ctx, "VMCOREINFO", 7, 0), -1);
	CHECK_EQ(kdl_note_check(ctx, "CORE", 1, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "CORE notes of type 1 (NT_PRSTATUS) are CPU contexts, not custom notes");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_note_check(ctx, "CORE", 2, 2), 0);
	CHECK_EQ(kdl_note_check(ctx, "ACME", 256, 3), 0);
	CHECK_EQ(kdl_note_check(ctx, "EMPTY", 3, 0), 0);
	/* descsz is 32 bits, and rounded up to 4 */
	CHECK_EQ(kdl_note_check(ctx, "ACME", 5, (size_t)UINT32_MAX - 3), 0);
	CHECK_EQ(kdl_note_check(ctx, "ACME", 5, (size_t)UINT32_MAX - 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "note ACME is too large for an ELF note");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

static void test_empty(void)
{
	struct kdl_note_set set = {.arch = &kdl_arch_x86_64};
	struct kdl_notes n;

	if (!CHECK_EQ(build(&set, &n), 0))
		return;
	CHECK_EQ(n.len, 0);
	CHECK_EQ(n.vmcoreinfo_off, SIZE_MAX);
	free(n.buf);
}

#define VI "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n"

static struct kdl_reg rip2 = {"rip", 2}, rip0 = {"rip", 0};
/* added in an order unlike the one they are laid out in */
static const struct kdl_cpu some_cpus[] = {
	{.status = {.cpu = 2, .pid = 20}, .regs = &rip2, .nregs = 1},
	{.status = {.cpu = 0, .pid = 10}, .regs = &rip0, .nregs = 1},
};
static const struct kdl_note some_notes[] = {
	{"ZED", 7, (uint8_t *)"z", 1},
	{"ACME", 9, (uint8_t *)"bb", 2},
	{"ACME", 9, (uint8_t *)"ab", 2},
	{"ACME", 3, (uint8_t *)"longer text", 11},
};
static const struct kdl_meta some_metas[] = {
	{"KDUMPLING", KDL_NOTE_METADATA, "zone", "3"},
	{"KDUMPLING", KDL_NOTE_ANNOTATIONS, "why", "oops"},
	{"KDUMPLING", KDL_NOTE_METADATA, "arch", "x86"},
	{"BETA", KDL_NOTE_METADATA, "k", "v"},
};

static struct kdl_note_set some_set(void)
{
	return (struct kdl_note_set){
		.arch = &kdl_arch_x86_64,
		.cpus = some_cpus, .ncpus = 2,
		.vmcoreinfo = VI, .vmcoreinfo_len = strlen(VI),
		.notes = some_notes, .nnotes = 4,
		.metas = some_metas, .nmetas = 4,
	};
}

static void test_order_and_layout(void)
{
	struct kdl_note_set set = some_set();
	struct kdl_notes n;
	struct note x[16];
	int count;

	if (!CHECK_EQ(build(&set, &n), 0))
		return;
	count = split(&n, false, x, 16);
	if (!CHECK_EQ(count, 10)) {
		free(n.buf);
		return;
	}
	/* NT_PRSTATUS per CPU in CPU order */
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(x[i].namesz, 5);
		CHECK_MEM(x[i].name, "CORE\0\0\0", 8);
		CHECK_EQ(x[i].type, 1);
		CHECK_EQ(x[i].descsz, 336);
	}
	CHECK_EQ(kdl_get32le(x[0].desc + 32), 10);
	CHECK_EQ(kdl_get32le(x[1].desc + 32), 20);
	CHECK_EQ(kdl_get64le(x[1].desc + 112 + 16 * 8), 2);
	/* VMCOREINFO: namesz 11, its text 24 bytes into the note */
	CHECK_EQ(x[2].namesz, 11);
	CHECK_MEM(x[2].name, "VMCOREINFO\0\0", 12);
	CHECK_EQ(x[2].type, 0);
	CHECK_EQ(x[2].descsz, strlen(VI));
	CHECK_EQ(x[2].desc - (n.buf + x[2].at), 24);
	CHECK_MEM(x[2].desc, VI, strlen(VI));
	CHECK_EQ(x[2].at, 2 * (12 + 8 + 336));
	/* where writers find it, to place it in their headers */
	CHECK_EQ(n.vmcoreinfo_off, 2 * (12 + 8 + 336) + 24);
	/* the rest by name, type, then contents */
	CHECK_EQ(x[3].type, 3);
	CHECK_MEM(x[3].name, "ACME", 5);
	CHECK_MEM(x[3].desc, "longer text\0", 12);
	CHECK_EQ(x[4].type, 9);
	CHECK_MEM(x[4].desc, "ab", 2);
	CHECK_EQ(x[5].type, 9);
	CHECK_MEM(x[5].desc, "bb\0\0", 4);
	CHECK_MEM(x[6].name, "BETA", 5);
	CHECK_EQ(x[6].type, KDL_NOTE_METADATA);
	CHECK_EQ(x[6].descsz, 4);
	CHECK_MEM(x[6].desc, "k=v\n", 4);
	/* metadata and annotations: one note per vendor and kind, keys
	 * sorted */
	CHECK_EQ(x[7].namesz, 10);
	CHECK_MEM(x[7].name, "KDUMPLING\0\0\0", 12);
	CHECK_EQ(x[7].type, KDL_NOTE_METADATA);
	CHECK_EQ(x[7].descsz, 16);
	CHECK_MEM(x[7].desc, "arch=x86\nzone=3\n", 16);
	CHECK_EQ(x[8].type, KDL_NOTE_ANNOTATIONS);
	CHECK_MEM(x[8].desc, "why=oops\n", 9);
	CHECK_MEM(x[9].name, "ZED", 4);
	CHECK_EQ(x[9].type, 7);
	CHECK_EQ(x[9].descsz, 1);
	CHECK_MEM(x[9].desc, "z\0\0\0", 4);
	CHECK_EQ(n.len, x[9].at + 12 + 4 + 4);
	free(n.buf);
}

static void test_canonical_order(void)
{
	struct kdl_note_set set = some_set(), reversed = set;
	struct kdl_cpu cpus[2];
	struct kdl_note notes[4];
	struct kdl_meta metas[4];
	struct kdl_notes a, b;

	for (int i = 0; i < 2; i++)
		cpus[i] = some_cpus[1 - i];
	for (int i = 0; i < 4; i++) {
		notes[i] = some_notes[3 - i];
		metas[i] = some_metas[3 - i];
	}
	reversed.cpus = cpus;
	reversed.notes = notes;
	reversed.metas = metas;
	if (!CHECK_EQ(build(&set, &a), 0))
		return;
	if (CHECK_EQ(build(&reversed, &b), 0) && CHECK_EQ(a.len, b.len)) {
		CHECK_MEM(a.buf, b.buf, a.len);
		CHECK_EQ(a.vmcoreinfo_off, b.vmcoreinfo_off);
	}
	free(a.buf);
	free(b.buf);
}

static void test_content_order(void)
{
	/* a custom note of the vendor's name goes among its notes by type;
	 * a shorter descriptor that begins another comes first */
	struct kdl_note notes[] = {
		{"KDUMPLING", KDL_NOTE_ANNOTATIONS + 1, (uint8_t *)"x", 1},
		{"ACMEX", 6, (uint8_t *)"", 0},
		{"ACME", 4, (uint8_t *)"abc", 3},
		{"ACME", 4, (uint8_t *)"ab", 2},
		{"KDUMPLING", 5, (uint8_t *)"y", 1},
	};
	struct kdl_meta metas[] = {
		{"KDUMPLING", KDL_NOTE_ANNOTATIONS, "note", "a=b and spaces"},
		{"KDUMPLING", KDL_NOTE_ANNOTATIONS, "empty", ""},
	};
	struct kdl_note_set set = {.arch = &kdl_arch_x86_64, .notes = notes,
	                           .nnotes = 5, .metas = metas, .nmetas = 2};
	struct kdl_notes n;
	struct note x[8];

	if (!CHECK_EQ(build(&set, &n), 0))
		return;
	CHECK_EQ(n.vmcoreinfo_off, SIZE_MAX);
	if (CHECK_EQ(split(&n, false, x, 8), 6)) {
		CHECK_MEM(x[0].name, "ACME", 5);
		CHECK_EQ(x[0].descsz, 2);
		CHECK_MEM(x[1].name, "ACME", 5);
		CHECK_EQ(x[1].descsz, 3);
		CHECK_MEM(x[2].name, "ACMEX", 6);
		CHECK_EQ(x[2].descsz, 0);
		CHECK_EQ(x[2].at + 12 + 8, x[3].at);
		CHECK_MEM(x[3].name, "KDUMPLING", 10);
		CHECK_EQ(x[3].type, 5);
		CHECK_EQ(x[4].type, KDL_NOTE_ANNOTATIONS);
		CHECK_EQ(x[4].descsz, 27);
		CHECK_MEM(x[4].desc, "empty=\nnote=a=b and spaces\n", 27);
		CHECK_EQ(x[5].type, KDL_NOTE_ANNOTATIONS + 1);
	}
	free(n.buf);
}

static void test_aarch64(void)
{
	struct kdl_reg regs[] = {{"pc", 0xffff800008010000}, {"sp", 0x5b}};
	struct kdl_cpu cpu = {.status = {.cpu = 0, .pid = 1}, .regs = regs, .nregs = 2};
	struct kdl_note_set set = {.arch = &kdl_arch_aarch64, .cpus = &cpu, .ncpus = 1};
	struct kdl_notes n;
	struct note x[2];

	if (!CHECK_EQ(build(&set, &n), 0))
		return;
	if (CHECK_EQ(split(&n, false, x, 2), 1)) {
		CHECK_EQ(x[0].descsz, 392);
		CHECK_EQ(kdl_get64le(x[0].desc + 112 + 32 * 8), 0xffff800008010000);
		CHECK_EQ(kdl_get64le(x[0].desc + 112 + 31 * 8), 0x5b);
	}
	CHECK_EQ(n.len, 12 + 8 + 392);
	free(n.buf);
}

static void test_big_endian(void)
{
	struct kdl_reg regs[] = {{"a1", 0x01020304}};
	struct kdl_cpu cpu = {.status = {.cpu = 0, .pid = 0x11223344}, .regs = regs, .nregs = 1};
	struct kdl_note note = {"ACME", 0x0a0b0c0d, (uint8_t *)"abcde", 5};
	struct kdl_note_set set = {.arch = &kdl_arch_s390x, .cpus = &cpu, .ncpus = 1,
	                           .vmcoreinfo = "A=1\n", .vmcoreinfo_len = 4,
	                           .notes = &note, .nnotes = 1};
	struct kdl_notes n;
	struct note x[3];

	if (!CHECK_EQ(build(&set, &n), 0))
		return;
	/* the headers in the dumped machine's byte order too */
	CHECK_MEM(n.buf, "\0\0\0\x05\0\0\x01\x50\0\0\0\x01" "CORE\0\0\0", 20);
	if (CHECK_EQ(split(&n, true, x, 3), 3)) {
		CHECK_EQ(x[0].descsz, 336);
		CHECK_MEM(x[0].desc + 32, "\x11\x22\x33\x44", 4);
		CHECK_MEM(x[0].desc + 112 + 148, "\x01\x02\x03\x04", 4);
		CHECK_MEM(n.buf + x[1].at, "\0\0\0\x0b\0\0\0\x04\0\0\0\0" "VMCOREINFO\0\0" "A=1\n", 28);
		CHECK_EQ(n.vmcoreinfo_off, x[1].at + 24);
		CHECK_MEM(n.buf + x[2].at, "\0\0\0\x05\0\0\0\x05\x0a\x0b\x0c\x0d" "ACME\0\0\0\0" "abcde\0\0\0", 28);
	}
	CHECK_EQ(n.len, 12 + 8 + 336 + 12 + 12 + 4 + 12 + 8 + 8);
	free(n.buf);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_note_size();
	test_note_check();
	test_empty();
	test_order_and_layout();
	test_canonical_order();
	test_content_order();
	test_aarch64();
	test_big_endian();
	kdl_ctx_free(ctx);
	return check_done("model/notes");
}
