/* format-kdump.c, through kdl_dump_write: makedumpfile's kdump-compressed
 * layout, each field at the offset readers look for it, in both byte
 * orders. */
#include <stdlib.h>
#include <zlib.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : kdl_get32le(p);
}

static uint64_t get64(const uint8_t *p, bool be)
{
	return be ? (uint64_t)get32(p, true) << 32 | get32(p + 4, true)
	          : kdl_get64le(p);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static uint8_t *write_and_read(kdl_dump *d, const char *name, size_t *len,
                               struct kdl_stats *st)
{
	char path[4096];

	scratch_path(name, path, sizeof(path));
	if (!CHECK_EQ(kdl_dump_write(d, path, "kdump", st), 0)) {
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
		return NULL;
	}
	return read_file(path, len);
}

/* Three pages at 4 KiB: one that no codec shrinks, one of zeros, one of
 * a repeated byte; a CPU; VMCOREINFO with CRASHTIME and phys_base. */
static uint8_t noise[4096], zeros[4096], fill[4096];
static const char vmcoreinfo[] =
	"OSRELEASE=6.1.0-test\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n"
	"NUMBER(phys_base)=0x1000000\nCRASHTIME=1700000123\n";

static kdl_dump *three_pages(const char *arch, const char *codec, int level,
                             int dump_level)
{
	kdl_dump *d = kdl_dump_new(ctx, arch);
	struct kdl_prstatus s = {.pid = 1};
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245 + 12345;
		noise[i] = (uint8_t)(x >> 23);
	}
	memset(fill, 0x5a, sizeof(fill));
	if (!CHECK(d))
		return NULL;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, noise, sizeof(noise)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2000, 0x2000, zeros, sizeof(zeros)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x3000, 0x3000, fill, sizeof(fill)), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vmcoreinfo, strlen(vmcoreinfo)), 0);
	CHECK_EQ(kdl_dump_set_compression(d, codec, level, level != 0), 0);
	CHECK_EQ(kdl_dump_set_dump_level(d, dump_level), 0);
	return d;
}

/* disk_dump_header (formats.md 3.2) and kdump_sub_header (3.5) */
static void check_headers(const uint8_t *f, bool be, const char *machine,
                          uint32_t status, int dump_level,
                          const struct kdl_notes *notes)
{
	CHECK_MEM(f, "KDUMP   ", 8);
	CHECK_EQ(get32(f + 8, be), 6);
	CHECK_STR((const char *)f + 12, "Linux");
	CHECK_STR((const char *)f + 77, "");
	CHECK_STR((const char *)f + 142, "6.1.0-test");
	CHECK_STR((const char *)f + 207, "unknown");
	CHECK_STR((const char *)f + 272, machine);
	CHECK_STR((const char *)f + 337, "");
	CHECK(all_zero(f + 402, 6));
	CHECK_EQ(get64(f + 408, be), 1700000123);
	CHECK_EQ(get64(f + 416, be), 0);
	CHECK_EQ(get32(f + 424, be), status);
	CHECK_EQ(get32(f + 428, be), 4096);
	CHECK_EQ(get32(f + 432, be), 1);  /* sub_hdr_size */
	CHECK_EQ(get32(f + 436, be), 2);  /* bitmap_blocks: both bitmaps */
	CHECK_EQ(get32(f + 440, be), 4);  /* max_mapnr: pages 1 to 3 */
	CHECK(all_zero(f + 444, 16));
	CHECK_EQ(get32(f + 460, be), 1);  /* nr_cpus */
	CHECK(all_zero(f + 464, 4096 - 464));

	f += 4096;
	CHECK_EQ(get64(f + 0, be), 0x1000000);  /* phys_base */
	CHECK_EQ(get32(f + 8, be), (uint32_t)dump_level);
	CHECK_EQ(get32(f + 12, be), 0);         /* split */
	CHECK_EQ(get64(f + 16, be), 0);         /* start_pfn */
	CHECK_EQ(get64(f + 24, be), 0);         /* end_pfn */
	CHECK_EQ(get64(f + 32, be), 4096 + 104 + notes->vmcoreinfo_off);
	CHECK_EQ(get64(f + 40, be), strlen(vmcoreinfo));
	CHECK_EQ(get64(f + 48, be), 4096 + 104); /* offset_note */
	CHECK_EQ(get64(f + 56, be), notes->len);
	CHECK(all_zero(f + 64, 32));            /* eraseinfo, start/end_pfn_64 */
	CHECK_EQ(get64(f + 96, be), 4);         /* max_mapnr_64 */
	CHECK_MEM(f + 104, notes->buf, notes->len);
	CHECK_MEM(f + 104 + notes->vmcoreinfo_off, vmcoreinfo, strlen(vmcoreinfo));
	CHECK(all_zero(f + 104 + notes->len, 4096 - 104 - notes->len));

	/* two bitmaps, pages 1, 2 and 3 in each */
	f += 4096;
	CHECK_EQ(f[0], 0x0e);
	CHECK(all_zero(f + 1, 4095));
	CHECK_EQ(f[4096], 0x0e);
	CHECK(all_zero(f + 4097, 4095));
}

struct desc {
	uint64_t offset;
	uint32_t size, flags;
	uint64_t page_flags;
};

static struct desc desc(const uint8_t *f, unsigned i, bool be)
{
	const uint8_t *p = f + 4 * 4096 + 24 * i;

	return (struct desc){get64(p, be), get32(p + 8, be), get32(p + 12, be),
	                     get64(p + 16, be)};
}

static void check_zlib_page(const uint8_t *f, struct desc d, const uint8_t *page)
{
	uint8_t out[4096];
	uLongf n = sizeof(out);

	CHECK_EQ(d.flags, 0x1);
	CHECK(d.size < 4096);
	if (CHECK_EQ(uncompress(out, &n, f + d.offset, d.size), Z_OK) &&
	    CHECK_EQ(n, 4096))
		CHECK_MEM(out, page, 4096);
}

/* Dump level 1: zero pages point at one zero page before the others. */
static void test_zero_page_shared(const char *arch, bool be, const char *machine)
{
	kdl_dump *d = three_pages(arch, "zlib", 1, 1);
	const uint64_t data = 4 * 4096 + 3 * 24;
	struct kdl_notes notes;
	struct kdl_stats st;
	struct desc raw, zero, packed;
	uint8_t *f;
	size_t len;

	if (!d)
		return;
	f = write_and_read(d, machine, &len, &st);
	if (!f || !CHECK_EQ(kdl_notes_build(d, &notes), 0)) {
		free(f);
		kdl_dump_free(d);
		return;
	}
	check_headers(f, be, machine, 0x1, 1, &notes);
	raw = desc(f, 0, be);
	zero = desc(f, 1, be);
	packed = desc(f, 2, be);
	CHECK_EQ(zero.offset, data);
	CHECK_EQ(zero.size, 4096);
	CHECK_EQ(zero.flags, 0);
	CHECK_EQ(zero.page_flags, 0);
	CHECK(all_zero(f + data, 4096));
	/* a page that does not shrink is stored raw */
	CHECK_EQ(raw.offset, data + 4096);
	CHECK_EQ(raw.size, 4096);
	CHECK_EQ(raw.flags, 0);
	CHECK_EQ(raw.page_flags, 0);
	CHECK_MEM(f + raw.offset, noise, 4096);
	CHECK_EQ(packed.offset, data + 2 * 4096);
	CHECK_EQ(packed.page_flags, 0);
	check_zlib_page(f, packed, fill);
	CHECK_EQ(len, packed.offset + packed.size);
	CHECK_EQ(st.pages_total, 3);
	CHECK_EQ(st.pages_dumped, 2);
	CHECK_EQ(st.pages_zero, 1);
	CHECK_EQ(st.compressed_size, 4096 + packed.size);
	CHECK_EQ(st.actual_size, len);
	CHECK_STR(st.codec, "zlib");
	CHECK_EQ(st.level, 1);
	CHECK_EQ(st.dump_level, 1);
	free(notes.buf);
	free(f);
	kdl_dump_free(d);
}

/* The same descriptor, byte by byte, in each order: offset, size, flags,
 * page_flags. */
static void test_descriptor_bytes(void)
{
	static const uint8_t le[24] = {
		0x48, 0x40, 0, 0, 0, 0, 0, 0,  0, 0x10, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t be[24] = {
		0, 0, 0, 0, 0, 0, 0x40, 0x48,  0, 0, 0x10, 0,  0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0};
	const char *arches[] = {"x86_64", "s390x"};

	for (unsigned i = 0; i < 2; i++) {
		kdl_dump *d = three_pages(arches[i], "zlib", 1, 1);
		uint8_t *f;
		size_t len;

		if (!d)
			continue;
		f = write_and_read(d, i ? "be" : "le", &len, NULL);
		/* the zero page's: at 4 * 4096 + 3 * 24 = 0x4048, 4096 bytes, raw */
		if (f && CHECK(len > 4 * 4096 + 48))
			CHECK_MEM(f + 4 * 4096 + 24, i ? be : le, 24);
		free(f);
		kdl_dump_free(d);
	}
}

/* Dump level 0: no shared page, the zero page compressed like any other. */
static void test_dump_level_0(void)
{
	kdl_dump *d = three_pages(NULL, "zlib", 9, 0);
	const uint64_t data = 4 * 4096 + 3 * 24;
	struct kdl_notes notes;
	struct kdl_stats st;
	struct desc raw, zero, packed;
	uint8_t *f;
	size_t len;

	if (!d)
		return;
	f = write_and_read(d, "level0", &len, &st);
	if (!f || !CHECK_EQ(kdl_notes_build(d, &notes), 0)) {
		free(f);
		kdl_dump_free(d);
		return;
	}
	check_headers(f, false, "x86_64", 0x1, 0, &notes);
	raw = desc(f, 0, false);
	zero = desc(f, 1, false);
	packed = desc(f, 2, false);
	CHECK_EQ(raw.offset, data);
	CHECK_EQ(raw.flags, 0);
	CHECK_EQ(zero.offset, data + 4096);
	check_zlib_page(f, zero, zeros);
	CHECK_EQ(packed.offset, zero.offset + zero.size);
	check_zlib_page(f, packed, fill);
	CHECK_EQ(len, packed.offset + packed.size);
	CHECK_EQ(st.pages_dumped, 3);
	CHECK_EQ(st.pages_zero, 0);
	CHECK_EQ(st.compressed_size, 4096 + zero.size + packed.size);
	free(notes.buf);
	free(f);
	kdl_dump_free(d);
}

/* No codec: status 0, and every page raw, the shared zero page too. */
static void test_none(void)
{
	kdl_dump *d = three_pages("ppc64le", "none", 0, 1);
	const uint64_t data = 4 * 4096 + 3 * 24;
	struct kdl_notes notes;
	uint8_t *f;
	size_t len;

	if (!d)
		return;
	/* PAGESIZE=4096 rules over ppc64le's 64 KiB, and agrees with this */
	CHECK_EQ(kdl_dump_set_page_size(d, 4096), 0);
	f = write_and_read(d, "none", &len, NULL);
	if (f && CHECK_EQ(kdl_notes_build(d, &notes), 0)) {
		check_headers(f, false, "ppc64le", 0, 1, &notes);
		for (unsigned i = 0; i < 3; i++) {
			CHECK_EQ(desc(f, i, false).size, 4096);
			CHECK_EQ(desc(f, i, false).flags, 0);
		}
		CHECK_EQ(desc(f, 1, false).offset, data);
		CHECK_EQ(desc(f, 0, false).offset, data + 4096);
		CHECK_EQ(desc(f, 2, false).offset, data + 2 * 4096);
		CHECK_MEM(f + data + 2 * 4096, fill, 4096);
		CHECK_EQ(len, data + 3 * 4096);
		free(notes.buf);
	}
	free(f);
	kdl_dump_free(d);
}

/* 64 KiB blocks, and segments sharing a page: the page holds both, and
 * zeros between and around them. */
static void test_big_pages(void)
{
	static uint8_t a[100], b[70000];
	kdl_dump *d = kdl_dump_new(ctx, "ppc64");
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x20010, 0x20010, a, sizeof(a)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x20100, 0x20100, b, sizeof(b)), 0);
	CHECK_EQ(kdl_dump_set_compression(d, "none", 0, 0), 0);
	f = write_and_read(d, "big", &len, NULL);
	if (f) {
		const uint64_t desc_at = 4 * 65536, data = desc_at + 2 * 24;

		CHECK_EQ(get32(f + 428, true), 65536);
		CHECK_EQ(get32(f + 432, true), 1);
		CHECK_EQ(get32(f + 436, true), 2);
		CHECK_EQ(get32(f + 440, true), 4);   /* pages 2 and 3 */
		CHECK_EQ(get32(f + 460, true), 0);
		CHECK_EQ(f[2 * 65536], 0x0c);
		CHECK_EQ(f[3 * 65536], 0x0c);
		CHECK_EQ(get64(f + desc_at, true), data + 65536);
		CHECK_EQ(get64(f + desc_at + 24, true), data + 2 * 65536);
		if (CHECK_EQ(len, data + 3 * 65536)) {
			const uint8_t *p = f + data + 65536;

			CHECK(all_zero(p, 0x10));
			CHECK_MEM(p + 0x10, a, sizeof(a));
			CHECK(all_zero(p + 0x10 + sizeof(a), 0x100 - 0x10 - sizeof(a)));
			CHECK_MEM(p + 0x100, b, 65536 - 0x100);
			CHECK_MEM(p + 65536, b + 65536 - 0x100, sizeof(b) - (65536 - 0x100));
			CHECK(all_zero(p + 65536 + sizeof(b) - (65536 - 0x100),
			               0x100 + 2 * 65536 - sizeof(b)));
		}
	}
	free(f);
	kdl_dump_free(d);
}

/* The page size set and the one in the vmcoreinfo disagree: no file. */
static void test_page_size_conflict(void)
{
	kdl_dump *d = three_pages(NULL, "zlib", 0, 1);
	char path[4096];

	if (!d)
		return;
	CHECK_EQ(kdl_dump_set_page_size(d, 16384), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("conflict", path, sizeof(path)), "kdump", NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "page size 16384 conflicts with PAGESIZE=4096 in the vmcoreinfo");
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_zero_page_shared(NULL, false, "x86_64");
	test_zero_page_shared("s390x", true, "s390x");
	test_descriptor_bytes();
	test_dump_level_0();
	test_none();
	test_big_pages();
	test_page_size_conflict();
	/* the seven dumps, nothing for the failed one, nothing hidden */
	CHECK_EQ(scratch_entries(), 7);
	kdl_ctx_free(ctx);
	return check_done("format-kdump");
}
