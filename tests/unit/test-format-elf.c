/* format-elf.c, through kdl_dump_write: the ELF vmcore as /proc/vmcore
 * lays it out. */
#include <stdlib.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static struct phdr phdr(const uint8_t *f, unsigned i)
{
	const uint8_t *p = f + 64 + 56 * i;

	return (struct phdr){
		.type = kdl_get32le(p), .flags = kdl_get32le(p + 4),
		.offset = kdl_get64le(p + 8), .vaddr = kdl_get64le(p + 16),
		.paddr = kdl_get64le(p + 24), .filesz = kdl_get64le(p + 32),
		.memsz = kdl_get64le(p + 40), .align = kdl_get64le(p + 48),
	};
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Writes the dump and reads the file back. */
static uint8_t *write_and_read(kdl_dump *d, const char *name, size_t *len,
                               struct kdl_stats *st)
{
	char path[4096];

	scratch_path(name, path, sizeof(path));
	if (!CHECK_EQ(kdl_dump_write(d, path, "elf", st), 0)) {
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
		return NULL;
	}
	return read_file(path, len);
}

/* What every vmcore must satisfy, whatever it holds. */
static void check_layout(const uint8_t *f, size_t len, uint16_t machine,
                         uint32_t page, const struct kdl_notes *notes)
{
	unsigned phnum = get16(f + 56);
	struct phdr note = phdr(f, 0);
	uint64_t last_paddr = 0, first_data = UINT64_MAX;

	CHECK_MEM(f, "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16);
	CHECK_EQ(get16(f + 16), 4); /* ET_CORE */
	CHECK_EQ(get16(f + 18), machine);
	CHECK_EQ(kdl_get32le(f + 20), 1);
	CHECK_EQ(kdl_get64le(f + 24), 0); /* e_entry */
	CHECK_EQ(kdl_get64le(f + 32), 64); /* e_phoff: makedumpfile assumes it */
	CHECK_EQ(kdl_get64le(f + 40), 0); /* e_shoff */
	CHECK_EQ(kdl_get32le(f + 48), 0); /* e_flags */
	CHECK_EQ(get16(f + 52), 64);
	CHECK_EQ(get16(f + 54), 56);
	CHECK_EQ(get16(f + 58), 0);
	CHECK_EQ(get16(f + 60), 0);
	CHECK_EQ(get16(f + 62), 0);

	/* one PT_NOTE, first, holding exactly the notes */
	CHECK_EQ(note.type, 4);
	CHECK_EQ(note.flags, 0);
	CHECK_EQ(note.vaddr, 0);
	CHECK_EQ(note.paddr, 0);
	CHECK_EQ(note.align, 0);
	CHECK_EQ(note.offset, kdl_round_up(64 + 56 * (uint64_t)phnum, page));
	CHECK_EQ(note.filesz, notes->len);
	CHECK_EQ(note.memsz, notes->len);
	if (CHECK(note.offset + note.filesz <= len))
		CHECK_MEM(f + note.offset, notes->buf, notes->len);

	for (unsigned i = 1; i < phnum; i++) {
		struct phdr p = phdr(f, i);

		CHECK_EQ(p.type, 1);
		CHECK_EQ(p.flags, 7);
		CHECK_EQ(p.align, 0);
		CHECK_EQ(p.filesz, p.memsz);
		CHECK_EQ(p.offset % page, p.paddr % page);
		CHECK(p.offset + p.filesz <= len);
		if (i > 1)
			CHECK(p.paddr > last_paddr);
		last_paddr = p.paddr;
		if (p.offset < first_data)
			first_data = p.offset;
	}
	/* crash needs the notes to end before the first data */
	if (phnum > 1)
		CHECK(note.offset + note.filesz <= first_data);
}

static void test_x86_64(void)
{
	static uint8_t a[10000], b[4096], c[100];
	static const uint8_t zeros[0x234];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.pid = 1};
	struct kdl_reg rip = {"rip", 0xffffffff81000010};
	const char *vi = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000";
	struct kdl_stats st;
	struct kdl_notes notes;
	struct phdr p;
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 13 + 1);
	memset(b, 0xbb, sizeof(b));
	memset(c, 0xcc, sizeof(c));
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0xffff888000100000, a, sizeof(a)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1234, 0x1234, c, sizeof(c)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x8000, 0x8000, b, sizeof(b)), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, &rip, 1), 0);
	s.cpu = 1;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vi, strlen(vi)), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 256, "hello", 5), 0);

	f = write_and_read(d, "x86", &len, &st);
	if (!f || !CHECK_EQ(kdl_notes_build(d, &notes), 0)) {
		kdl_dump_free(d);
		free(f);
		return;
	}
	CHECK_EQ(get16(f + 56), 4);
	check_layout(f, len, 62, 4096, &notes);
	CHECK_EQ(phdr(f, 0).offset, 4096);
	CHECK_EQ(phdr(f, 0).filesz, 2 * (12 + 8 + 336) + (12 + 12 + 72) + (12 + 8 + 8));

	/* in physical order, each on its own pages, data as given */
	p = phdr(f, 1);
	CHECK_EQ(p.paddr, 0x1234);
	CHECK_EQ(p.vaddr, 0x1234);
	CHECK_EQ(p.filesz, 100);
	CHECK_EQ(p.offset, 8192 + 0x234);
	CHECK_MEM(f + p.offset, c, sizeof(c));
	CHECK_MEM(f + 8192, zeros, 0x234);
	p = phdr(f, 2);
	CHECK_EQ(p.paddr, 0x8000);
	CHECK_EQ(p.offset, 3 * 4096);
	CHECK_MEM(f + p.offset, b, sizeof(b));
	p = phdr(f, 3);
	CHECK_EQ(p.paddr, 0x100000);
	CHECK_EQ(p.vaddr, 0xffff888000100000);
	CHECK_EQ(p.filesz, sizeof(a));
	CHECK_EQ(p.offset, 4 * 4096);
	CHECK_MEM(f + p.offset, a, sizeof(a));
	/* the last segment's pages fill the file */
	CHECK_EQ(len, 4 * 4096 + 3 * 4096);
	CHECK_EQ(st.actual_size, len);
	CHECK_EQ(st.estimated_size, len);
	CHECK_EQ(st.segments, 3);
	CHECK_EQ(st.cpus, 2);
	free(notes.buf);
	free(f);
	kdl_dump_free(d);
}

static void test_aarch64_big_pages(void)
{
	static uint8_t a[5000];
	kdl_dump *d = kdl_dump_new(ctx, "arm64");
	struct kdl_prstatus s = {0};
	const char *vi = "OSRELEASE=6.1.0\nPAGESIZE=65536\nSYMBOL(swapper_pg_dir)=ffff80000a1e0000\n";
	struct kdl_stats st;
	struct kdl_notes notes;
	struct phdr p;
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	memset(a, 0xa5, sizeof(a));
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x40001000, 0x40001000, a, sizeof(a)), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vi, strlen(vi)), 0);
	f = write_and_read(d, "arm", &len, &st);
	if (f && CHECK_EQ(kdl_notes_build(d, &notes), 0)) {
		check_layout(f, len, 183, 65536, &notes);
		CHECK_EQ(kdl_get32le(f + phdr(f, 0).offset + 4), 392);
		p = phdr(f, 1);
		CHECK_EQ(p.offset, 2 * 65536 + 0x1000);
		CHECK_MEM(f + p.offset, a, sizeof(a));
		CHECK_EQ(len, 3 * 65536);
		CHECK_STR(st.arch, "aarch64");
		free(notes.buf);
	}
	free(f);
	kdl_dump_free(d);
}

/* More program headers than fit in a page push the notes to the next. */
static void test_many_segments(void)
{
	static uint8_t page[4096];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_notes notes;
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	for (unsigned i = 0; i < 80; i++)
		CHECK_EQ(kdl_dump_add_segment_buffer(d, (uint64_t)(79 - i) * 0x10000, (uint64_t)(79 - i) * 0x10000, page, 1 + i), 0);
	CHECK_EQ(kdl_dump_add_note(d, "N", 1, "x", 1), 0);
	f = write_and_read(d, "many", &len, NULL);
	if (f && CHECK_EQ(kdl_notes_build(d, &notes), 0)) {
		CHECK_EQ(get16(f + 56), 81);
		check_layout(f, len, 62, 4096, &notes);
		CHECK_EQ(phdr(f, 0).offset, 8192);
		CHECK_EQ(phdr(f, 1).offset, 3 * 4096);
		CHECK_EQ(phdr(f, 1).filesz, 80);
		CHECK_EQ(phdr(f, 80).paddr, 79 * 0x10000);
		CHECK_EQ(phdr(f, 80).filesz, 1);
		CHECK_EQ(phdr(f, 80).offset, (3 + 79) * 4096);
		free(notes.buf);
	}
	free(f);
	kdl_dump_free(d);
}

static void test_nothing(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_notes notes = {NULL, 0, 0};
	struct kdl_stats st;
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	f = write_and_read(d, "nothing", &len, &st);
	if (f) {
		CHECK_EQ(get16(f + 56), 1);
		check_layout(f, len, 62, 4096, &notes);
		CHECK_EQ(len, 4096);
		CHECK_EQ(st.estimated_size, 4096);
	}
	free(f);
	kdl_dump_free(d);
}

static void test_unknown_format(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096];

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_write(d, scratch_path("fmt", path, sizeof(path)), "qcow", NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format 'qcow' (known: elf kdump)");
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_x86_64();
	test_aarch64_big_pages();
	test_many_segments();
	test_nothing();
	test_unknown_format();
	/* the four dumps, nothing for the failed one, nothing hidden */
	CHECK_EQ(scratch_entries(), 4);
	kdl_ctx_free(ctx);
	return check_done("format-elf");
}
