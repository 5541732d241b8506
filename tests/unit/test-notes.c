/* notes.c: the PT_NOTE contents, in the order /proc/vmcore has them. */
#include <stdlib.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

struct note {
	uint32_t namesz, descsz, type;
	const char *name;
	const uint8_t *desc;
	size_t at; /* offset of the note in the buffer */
};

/* Splits the buffer into notes; returns how many, or -1 if they do not
 * tile it exactly. */
static int split(const struct kdl_notes *n, struct note *out, int max)
{
	size_t pos = 0;
	int count = 0;

	while (pos < n->len && count < max) {
		struct note *x = &out[count++];

		if (n->len - pos < 12)
			return -1;
		x->at = pos;
		x->namesz = kdl_get32le(n->buf + pos);
		x->descsz = kdl_get32le(n->buf + pos + 4);
		x->type = kdl_get32le(n->buf + pos + 8);
		x->name = (const char *)n->buf + pos + 12;
		x->desc = n->buf + pos + 12 + kdl_round_up(x->namesz, 4);
		pos += kdl_note_size(x->namesz, x->descsz);
	}
	return pos == n->len ? count : -1;
}

static void test_note_size(void)
{
	CHECK_EQ(kdl_note_size(5, 336), 12 + 8 + 336);
	CHECK_EQ(kdl_note_size(11, 70), 12 + 12 + 72);
	CHECK_EQ(kdl_note_size(4, 0), 16);
	CHECK_EQ(kdl_note_size(0, 0), 12);
	CHECK_EQ(kdl_note_size(10, 1), 12 + 12 + 4);
}

static void test_empty(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_notes n;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_notes_build(d, &n), 0);
	CHECK_EQ(n.len, 0);
	free(n.buf);
	kdl_dump_free(d);
}

static void test_order_and_layout(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {0};
	struct kdl_reg rip = {"rip", 0};
	struct kdl_notes n;
	struct note x[16];
	const char *vi = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n";
	int count;

	if (!CHECK(d))
		return;
	/* added in an order unlike the one they are laid out in */
	CHECK_EQ(kdl_dump_add_note(d, "ZED", 7, "z", 1), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "zone", "3"), 0);
	s.cpu = 2;
	s.pid = 20;
	rip.value = 0x2;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, &rip, 1), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 9, "bb", 2), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 9, "ab", 2), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 3, "longer text", 11), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vi, strlen(vi)), 0);
	s.cpu = 0;
	s.pid = 10;
	rip.value = 0;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, &rip, 1), 0);
	CHECK_EQ(kdl_dump_add_annotation(d, "why", "oops"), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "arch", "x86"), 0);
	CHECK_EQ(kdl_dump_set_vendor(d, "BETA"), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "k", "v"), 0);

	CHECK_EQ(kdl_notes_build(d, &n), 0);
	count = split(&n, x, 16);
	if (!CHECK_EQ(count, 10)) {
		free(n.buf);
		kdl_dump_free(d);
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
	CHECK_EQ(x[2].descsz, strlen(vi));
	CHECK_EQ(x[2].desc - (n.buf + x[2].at), 24);
	CHECK_MEM(x[2].desc, vi, strlen(vi));
	CHECK_EQ(x[2].at, 2 * (12 + 8 + 336));
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
	free(n.buf);
	kdl_dump_free(d);
}

static void test_aarch64(void)
{
	kdl_dump *d = kdl_dump_new(ctx, "aarch64");
	struct kdl_prstatus s = {.cpu = 0, .pid = 1};
	struct kdl_reg regs[] = {{"pc", 0xffff800008010000}, {"sp", 0x5b}};
	struct kdl_notes n;
	struct note x[2];

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, regs, 2), 0);
	CHECK_EQ(kdl_notes_build(d, &n), 0);
	if (CHECK_EQ(split(&n, x, 2), 1)) {
		CHECK_EQ(x[0].descsz, 392);
		CHECK_EQ(kdl_get64le(x[0].desc + 112 + 32 * 8), 0xffff800008010000);
		CHECK_EQ(kdl_get64le(x[0].desc + 112 + 31 * 8), 0x5b);
	}
	CHECK_EQ(n.len, 12 + 8 + 392);
	free(n.buf);
	kdl_dump_free(d);
}

static void test_bad_register(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.cpu = 4};
	struct kdl_reg reg = {"x0", 1};
	struct kdl_notes n;

	if (!CHECK(d))
		return;
	/* accepted while no architecture is named, refused when laid out */
	CHECK_EQ(kdl_dump_add_cpu(d, &s, &reg, 1), 0);
	CHECK_EQ(kdl_notes_build(d, &n), -1);
	CHECK(n.buf == NULL);
	CHECK_HAS(kdl_ctx_error(ctx), "CPU 4: unknown register 'x0' for x86_64; valid registers: ");
	CHECK_EQ(kdl_dump_set_arch(d, "arm64"), 0);
	CHECK_EQ(kdl_notes_build(d, &n), 0);
	CHECK_EQ(n.len, 12 + 8 + 392);
	free(n.buf);
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_note_size();
	test_empty();
	test_order_and_layout();
	test_aarch64();
	test_bad_register();
	kdl_ctx_free(ctx);
	return check_done("notes");
}
