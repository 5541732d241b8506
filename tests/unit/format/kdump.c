/* format/kdump.c, through kdl_dump_write and kdl_pack_stream:
 * makedumpfile's kdump-compressed layout, each field at the offset readers
 * look for it, in both byte orders, with every codec, flattened or not, and
 * the same file whatever order a stream brings its segments in. */
#include <fcntl.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "format-check.h"
#include "write/write.h"

/* The header's time when the vmcoreinfo has no CRASHTIME: fixed, so that
 * files written in different seconds can be compared. */
#define TIMESTAMP 1600000000

/* Options for the kdump format, checked by their setters. */
static struct kdl_options options(const char *codec, int level, int dump_level)
{
	struct kdl_options opts;

	kdl_options_init(&opts);
	opts.has_timestamp = 1;
	opts.timestamp = TIMESTAMP;
	CHECK_EQ(kdl_options_set_format(ctx, &opts, "kdump"), 0);
	CHECK_EQ(kdl_options_set_compression(ctx, &opts, codec, level, level != 0), 0);
	CHECK_EQ(kdl_options_set_dump_level(ctx, &opts, dump_level), 0);
	return opts;
}

/* ---- three pages ---- */

/* Three pages at 4 KiB: one that no codec shrinks, one of zeros, one of
 * a repeated byte; a CPU; VMCOREINFO with CRASHTIME and phys_base. */
static uint8_t noise[4096], zeros[4096], fill[4096];
static const char vmcoreinfo[] =
	"OSRELEASE=6.1.0-test\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n"
	"NUMBER(phys_base)=0x1000000\nCRASHTIME=1700000123\n";
/* Two segments sharing 64 KiB pages. */
static uint8_t share_a[100], share_b[70000];

static void fill_pages(void)
{
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245 + 12345;
		noise[i] = (uint8_t)(x >> 23);
	}
	memset(fill, 0x5a, sizeof(fill));
	memset(share_a, 0xaa, sizeof(share_a));
	memset(share_b, 0xbb, sizeof(share_b));
}

static kdl_dump *three_pages(const char *arch)
{
	kdl_dump *d = kdl_dump_new(ctx, arch);
	struct kdl_prstatus s = {.pid = 1};

	if (!CHECK(d))
		return NULL;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, noise, sizeof(noise)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2000, 0x2000, zeros, sizeof(zeros)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x3000, 0x3000, fill, sizeof(fill)), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vmcoreinfo, strlen(vmcoreinfo)), 0);
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
	CHECK_EQ(get64(f + 408, be), 1700000123); /* CRASHTIME rules */
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

/* The codecs, by the flag makedumpfile gives each, and how to undo them. */
enum { ZLIB = 0x1, LZO = 0x2, SNAPPY = 0x4, ZSTD = 0x20 };

static bool decompress(uint32_t flag, const uint8_t *src, size_t n,
                       uint8_t *out, size_t *out_len)
{
	uLongf zn = *out_len;
	lzo_uint ln = *out_len;
	size_t got;

	switch (flag) {
	case ZLIB:
		if (uncompress(out, &zn, src, n) != Z_OK)
			return false;
		*out_len = zn;
		return true;
	case LZO:
		if (lzo1x_decompress_safe(src, n, out, &ln, NULL) != LZO_E_OK)
			return false;
		*out_len = ln;
		return true;
	case SNAPPY:
		return snappy_uncompress((const char *)src, n, (char *)out, out_len) == SNAPPY_OK;
	case ZSTD:
		got = ZSTD_decompress(out, *out_len, src, n);
		if (ZSTD_isError(got))
			return false;
		*out_len = got;
		return true;
	}
	return false;
}

/* A page stored compressed by the codec of this flag. */
static void check_packed_page(const uint8_t *f, struct desc d, uint32_t flag,
                              const uint8_t *page)
{
	uint8_t out[4096];
	size_t n = sizeof(out);

	CHECK_EQ(d.flags, flag);
	CHECK_EQ(d.page_flags, 0);
	CHECK(d.size < 4096);
	if (CHECK(decompress(flag, f + d.offset, d.size, out, &n)) && CHECK_EQ(n, 4096))
		CHECK_MEM(out, page, 4096);
}

/* A page stored as it is. */
static void check_raw_page(const uint8_t *f, struct desc d, const uint8_t *page)
{
	CHECK_EQ(d.size, 4096);
	CHECK_EQ(d.flags, 0);
	CHECK_EQ(d.page_flags, 0);
	CHECK_MEM(f + d.offset, page, 4096);
}

/* Dump level 1: zero pages point at one zero page before the others. */
static void test_zero_page_shared(const char *arch, bool be, const char *machine)
{
	kdl_dump *d = three_pages(arch);
	struct kdl_options opts = options("zlib", 1, 1);
	const uint64_t data = 4 * 4096 + 3 * 24;
	struct kdl_stats st;
	struct desc raw, zero, packed;
	uint8_t *f;
	size_t len;

	if (!d)
		return;
	f = write_and_read(d, machine, &opts, &len, &st);
	if (!f) {
		kdl_dump_free(d);
		return;
	}
	check_headers(f, be, machine, ZLIB, 1, kdl_dump_notes(d));
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
	check_raw_page(f, raw, noise);
	CHECK_EQ(packed.offset, data + 2 * 4096);
	check_packed_page(f, packed, ZLIB, fill);
	CHECK_EQ(len, packed.offset + packed.size);
	CHECK_EQ(st.pages_total, 3);
	CHECK_EQ(st.pages_dumped, 2);
	CHECK_EQ(st.pages_zero, 1);
	CHECK_EQ(st.compressed_size, 4096 + packed.size);
	CHECK_EQ(st.actual_size, len);
	/* at most: every page raw */
	CHECK_EQ(st.estimated_size, data + 4 * 4096);
	CHECK_STR(st.format, "kdump");
	CHECK_STR(st.codec, "zlib");
	CHECK_EQ(st.level, 1);
	CHECK_EQ(st.dump_level, 1);
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
	struct kdl_options opts = options("zlib", 1, 1);

	for (unsigned i = 0; i < 2; i++) {
		kdl_dump *d = three_pages(arches[i]);
		uint8_t *f;
		size_t len;

		if (!d)
			continue;
		f = write_and_read(d, i ? "be" : "le", &opts, &len, NULL);
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
	kdl_dump *d = three_pages(NULL);
	struct kdl_options opts = options("zlib", 9, 0);
	const uint64_t data = 4 * 4096 + 3 * 24;
	struct kdl_stats st;
	struct desc raw, zero, packed;
	uint8_t *f;
	size_t len;

	if (!d)
		return;
	f = write_and_read(d, "level0", &opts, &len, &st);
	if (!f) {
		kdl_dump_free(d);
		return;
	}
	check_headers(f, false, "x86_64", ZLIB, 0, kdl_dump_notes(d));
	raw = desc(f, 0, false);
	zero = desc(f, 1, false);
	packed = desc(f, 2, false);
	CHECK_EQ(raw.offset, data);
	check_raw_page(f, raw, noise);
	CHECK_EQ(zero.offset, data + 4096);
	check_packed_page(f, zero, ZLIB, zeros);
	CHECK_EQ(packed.offset, zero.offset + zero.size);
	check_packed_page(f, packed, ZLIB, fill);
	CHECK_EQ(len, packed.offset + packed.size);
	CHECK_EQ(st.pages_dumped, 3);
	CHECK_EQ(st.pages_zero, 0);
	CHECK_EQ(st.compressed_size, 4096 + zero.size + packed.size);
	CHECK_EQ(st.level, 9);
	CHECK_EQ(st.dump_level, 0);
	free(f);
	kdl_dump_free(d);
}

/* No codec: status 0, and every page raw, the shared zero page too. */
static void test_none(void)
{
	kdl_dump *d = three_pages("ppc64le");
	struct kdl_options opts = options("none", 0, 1);
	const uint64_t data = 4 * 4096 + 3 * 24;
	uint8_t *f;
	size_t len;

	if (!d)
		return;
	/* PAGESIZE=4096 rules over ppc64le's 64 KiB, and agrees with this */
	CHECK_EQ(kdl_dump_set_page_size(d, 4096), 0);
	f = write_and_read(d, "none", &opts, &len, NULL);
	if (f) {
		check_headers(f, false, "ppc64le", 0, 1, kdl_dump_notes(d));
		for (unsigned i = 0; i < 3; i++) {
			CHECK_EQ(desc(f, i, false).size, 4096);
			CHECK_EQ(desc(f, i, false).flags, 0);
		}
		CHECK_EQ(desc(f, 1, false).offset, data);
		CHECK_EQ(desc(f, 0, false).offset, data + 4096);
		CHECK_EQ(desc(f, 2, false).offset, data + 2 * 4096);
		CHECK_MEM(f + data + 4096, noise, 4096);
		CHECK_MEM(f + data + 2 * 4096, fill, 4096);
		CHECK_EQ(len, data + 3 * 4096);
	}
	free(f);
	kdl_dump_free(d);
}

/* Every codec the library has, each page undone by the codec's own
 * library; a page no codec shrinks stays raw whatever the codec. */
static void test_every_codec(void)
{
	static const struct {
		const char *name;
		uint32_t flag;
	} codecs[] = {{"none", 0}, {"zlib", ZLIB}, {"lzo", LZO}, {"snappy", SNAPPY}, {"zstd", ZSTD}};
	size_t known = 0;

	while (kdl_entry_at(&kdl_codecs, known))
		known++;
	/* a codec added is a codec to test here */
	CHECK_EQ(known, KDL_ARRAY_SIZE(codecs));
	for (size_t i = 0; i < KDL_ARRAY_SIZE(codecs); i++) {
		kdl_dump *d = three_pages(NULL);
		struct kdl_options opts = options(codecs[i].name, 0, 1);
		struct kdl_stats st;
		char name[32];
		uint8_t *f;
		size_t len;

		if (!d)
			continue;
		snprintf(name, sizeof(name), "codec-%s", codecs[i].name);
		f = write_and_read(d, name, &opts, &len, &st);
		if (f) {
			struct desc packed = desc(f, 2, false);

			check_headers(f, false, "x86_64", codecs[i].flag, 1, kdl_dump_notes(d));
			check_raw_page(f, desc(f, 0, false), noise);
			CHECK_EQ(desc(f, 1, false).offset, 4 * 4096 + 3 * 24);
			if (codecs[i].flag)
				check_packed_page(f, packed, codecs[i].flag, fill);
			else
				check_raw_page(f, packed, fill);
			CHECK_EQ(len, packed.offset + packed.size);
			CHECK_STR(st.codec, codecs[i].name);
		}
		free(f);
		kdl_dump_free(d);
	}
}

/* Flattened, the same file as records: put each at its offset and it is
 * the file written in place. */
static void test_flattened(void)
{
	kdl_dump *d = three_pages(NULL);
	struct kdl_options opts = options("zlib", 0, 1);
	struct kdl_stats st;
	uint8_t *flat, *plain, *rebuilt = NULL;
	size_t flen, plen, pos = 4096;
	unsigned records = 0;

	if (!d)
		return;
	plain = write_and_read(d, "plain", &opts, &plen, NULL);
	opts.flat = 1;
	flat = write_and_read(d, "flat", &opts, &flen, &st);
	if (!plain || !flat || !CHECK(flen > 4096 + 16))
		goto out;
	CHECK_MEM(flat, "makedumpfile\0\0\0\0", 16);
	CHECK_EQ(get64(flat + 16, true), 1); /* type */
	CHECK_EQ(get64(flat + 24, true), 1); /* version */
	CHECK(all_zero(flat + 32, 4096 - 32));
	rebuilt = calloc(1, plen);
	if (!CHECK(rebuilt))
		goto out;
	while (pos + 16 <= flen && get64(flat + pos, true) != UINT64_MAX) {
		uint64_t off = get64(flat + pos, true), n = get64(flat + pos + 8, true);

		records++;
		if (!CHECK(n > 0 && pos + 16 + n <= flen && off + n <= plen))
			goto out;
		memcpy(rebuilt + off, flat + pos + 16, n);
		pos += 16 + n;
	}
	/* the end marker, last */
	if (CHECK_EQ(pos + 16, flen))
		CHECK(get64(flat + pos, true) == UINT64_MAX && get64(flat + pos + 8, true) == UINT64_MAX);
	CHECK(records > 0);
	CHECK_MEM(rebuilt, plain, plen);
	/* the file's size is the stream's, not the dump's */
	CHECK_EQ(st.actual_size, flen);
out:
	free(rebuilt);
	free(flat);
	free(plain);
	kdl_dump_free(d);
}

/* ---- segments sharing pages ---- */

/* 64 KiB blocks, and segments sharing a page: the page holds both, and
 * zeros between and around them. */
static void check_shared_pages(const char *name)
{
	size_t len;
	uint8_t *f = read_file(scratch_file(name), &len);
	const uint64_t desc_at = 4 * 65536, data = desc_at + 2 * 24;

	if (!CHECK(f))
		return;
	CHECK_EQ(get64(f + 408, true), TIMESTAMP);
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
		CHECK_MEM(p + 0x10, share_a, sizeof(share_a));
		CHECK(all_zero(p + 0x10 + sizeof(share_a), 0x100 - 0x10 - sizeof(share_a)));
		CHECK_MEM(p + 0x100, share_b, 65536 - 0x100);
		CHECK_MEM(p + 65536, share_b + 65536 - 0x100, sizeof(share_b) - (65536 - 0x100));
		CHECK(all_zero(p + 65536 + sizeof(share_b) - (65536 - 0x100),
		               0x100 + 2 * 65536 - sizeof(share_b)));
	}
	free(f);
}

static void test_big_pages(void)
{
	kdl_dump *d = kdl_dump_new(ctx, "ppc64");
	struct kdl_options opts = options("none", 0, 1);

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x20010, 0x20010, share_a, sizeof(share_a)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x20100, 0x20100, share_b, sizeof(share_b)), 0);
	if (CHECK_EQ(kdl_dump_write(d, scratch_file("big"), &opts, NULL), 0))
		check_shared_pages("big");
	else
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	kdl_dump_free(d);
}

/* The same from a stream, the later segment first: its partial pages
 * wait for the parts that come after, and the file is test_big_pages'
 * own. */
static void test_partial_pages_merged(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_options opts = options("none", 0, 1);
	struct kdl_rec_arch arch = {"ppc64"};

	if (!CHECK(d))
		return;
	stream_begin();
	kdl_rec_put_arch(w, &arch);
	stream_segment(0x20100, 0x20100, share_b, sizeof(share_b), false);
	stream_segment(0x20010, 0x20010, share_a, sizeof(share_a), false);
	if (CHECK_EQ(stream_pack(d, "big-stream", &opts, NULL), 0)) {
		check_shared_pages("big-stream");
		same_files("big-stream", "big");
	} else
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	kdl_dump_free(d);
}

/* A page in three parts and one in two zero parts, out of order, at dump
 * level 1: each merged once, compressed, and the zero one shares the zero
 * page; the file is the one the same dump built through the API gives. */
static void test_parts_out_of_order(void)
{
	static const struct { uint64_t phys; size_t len; const uint8_t *data; } parts[] = {
		{0x1200, 0xe00, noise + 0x200},
		{0x3800, 0x800, zeros},
		{0x1000, 0x100, fill},
		{0x3000, 0x800, zeros},
		{0x1100, 0x100, zeros},
	};
	struct kdl_options opts = options("zlib", 0, 1);
	kdl_dump *built = kdl_dump_new(ctx, NULL), *d = kdl_dump_new(ctx, NULL);
	struct kdl_stats st;
	uint8_t want[4096] = {0}, *f = NULL;
	size_t len;

	if (!CHECK(built) || !CHECK(d))
		goto out;
	stream_begin();
	for (size_t i = 0; i < KDL_ARRAY_SIZE(parts); i++) {
		CHECK_EQ(kdl_dump_add_segment_buffer(built, parts[i].phys, parts[i].phys,
		                                     parts[i].data, parts[i].len), 0);
		stream_segment(parts[i].phys, parts[i].phys, parts[i].data, parts[i].len, false);
	}
	if (!CHECK_EQ(kdl_dump_write(built, scratch_file("parts-built"), &opts, NULL), 0) ||
	    !CHECK_EQ(stream_pack(d, "parts", &opts, &st), 0)) {
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
		goto out;
	}
	same_files("parts", "parts-built");
	CHECK_EQ(st.pages_total, 2);
	CHECK_EQ(st.pages_dumped, 1);
	CHECK_EQ(st.pages_zero, 1);
	f = read_file(scratch_file("parts"), &len);
	if (!CHECK(f))
		goto out;
	memcpy(want, fill, 0x100);
	memcpy(want + 0x200, noise + 0x200, 0xe00);
	check_packed_page(f, desc(f, 0, false), ZLIB, want);
	CHECK_EQ(desc(f, 1, false).offset, 4 * 4096 + 2 * 24);
	CHECK_EQ(desc(f, 1, false).size, 4096);
	CHECK_EQ(st.actual_size, len);
out:
	free(f);
	kdl_dump_free(built);
	kdl_dump_free(d);
}

/* Segments out of physical order, zeros among them as data and as a run:
 * the pages are stored in page order, the file the one the same dump
 * built through the API gives. */
static void test_out_of_order(void)
{
	static uint8_t two_zero_pages[8192];
	/* the descriptors of pages 2, 4 and 5 */
	static const unsigned zero_pages[] = {1, 3, 4};
	struct kdl_options opts = options("zlib", 0, 1);
	struct kdl_rec_vmcoreinfo vi = {vmcoreinfo, strlen(vmcoreinfo)};
	struct kdl_prstatus s = {.pid = 1};
	struct kdl_rec_prstatus cpu = {s, NULL, 0};
	kdl_dump *built = three_pages(NULL), *d = kdl_dump_new(ctx, NULL);
	/* 5 descriptors after the header, sub-header and bitmaps; then the
	 * zero page */
	const uint64_t data = 4 * 4096 + 5 * 24, pages = data + 4096;
	struct kdl_stats st;
	struct desc noise_d, fill_d;
	uint8_t *f = NULL;
	size_t len;

	if (!built || !CHECK(d))
		goto out;
	CHECK_EQ(kdl_dump_add_segment_buffer(built, 0x4000, 0x4000, two_zero_pages, sizeof(two_zero_pages)), 0);
	if (!CHECK_EQ(kdl_dump_write(built, scratch_file("order-built"), &opts, NULL), 0))
		goto out;
	stream_begin();
	kdl_rec_put_vmcoreinfo(w, &vi);
	kdl_rec_put_prstatus(w, &cpu);
	stream_segment(0x3000, 0x3000, fill, sizeof(fill), false);
	stream_segment(0x4000, 0x4000, NULL, 8192, false);
	stream_segment(0x1000, 0x1000, noise, sizeof(noise), false);
	stream_segment(0x2000, 0x2000, zeros, sizeof(zeros), false);
	if (!CHECK_EQ(stream_pack(d, "order", &opts, &st), 0)) {
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
		goto out;
	}
	same_files("order", "order-built");
	f = read_file(scratch_file("order"), &len);
	if (!CHECK(f))
		goto out;
	CHECK_EQ(get32(f + 440, false), 6); /* pages 1 to 5 */
	CHECK_EQ(f[2 * 4096], 0x3e);
	CHECK_EQ(f[3 * 4096], 0x3e);
	noise_d = desc(f, 0, false);
	fill_d = desc(f, 2, false);
	CHECK_EQ(noise_d.offset, pages);
	check_raw_page(f, noise_d, noise);
	CHECK_EQ(fill_d.offset, pages + 4096);
	check_packed_page(f, fill_d, ZLIB, fill);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(zero_pages); i++) {
		struct desc z = desc(f, zero_pages[i], false);

		CHECK_EQ(z.offset, data);
		CHECK_EQ(z.size, 4096);
		CHECK_EQ(z.flags, 0);
	}
	CHECK_EQ(len, fill_d.offset + fill_d.size);
	CHECK_EQ(st.pages_total, 5);
	CHECK_EQ(st.pages_dumped, 2);
	CHECK_EQ(st.pages_zero, 3);
	CHECK_EQ(st.actual_size, len);
out:
	free(f);
	kdl_dump_free(built);
	kdl_dump_free(d);
}

/* ---- refusals, which leave no file ---- */

/* The page size set and the one in the vmcoreinfo disagree. */
static void test_page_size_conflict(void)
{
	kdl_dump *d = three_pages(NULL);
	struct kdl_options opts = options("zlib", 0, 1);

	if (!d)
		return;
	CHECK_EQ(kdl_dump_set_page_size(d, 16384), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_file("conflict"), &opts, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "page size 16384 conflicts with PAGESIZE=4096 in the vmcoreinfo");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(access(scratch_file("conflict"), F_OK), -1);
	kdl_dump_free(d);
}

/* Pages are compressed as they come, in the page size known then: one
 * that changes after is refused, by the vmcoreinfo or the architecture. */
static void test_page_size_after_data(void)
{
	static const char big_pages[] = "OSRELEASE=6.1.0\nPAGESIZE=65536\n";
	struct kdl_rec_vmcoreinfo vi = {big_pages, strlen(big_pages)};
	struct kdl_rec_arch arch = {"ppc64"};
	struct kdl_options opts = options("zlib", 0, 1);

	for (int by_arch = 0; by_arch < 2; by_arch++) {
		kdl_dump *d = kdl_dump_new(ctx, NULL);

		if (!CHECK(d))
			continue;
		stream_begin();
		stream_segment(0x1000, 0x1000, noise, sizeof(noise), false);
		if (by_arch)
			kdl_rec_put_arch(w, &arch);
		else
			kdl_rec_put_vmcoreinfo(w, &vi);
		CHECK_EQ(stream_pack(d, "late", &opts, NULL), -1);
		CHECK_STR(kdl_ctx_error(ctx), "the page size became 65536 after segment data came in 4096-byte pages: the kdump format needs the vmcoreinfo or architecture before the segments");
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
		CHECK_EQ(access(scratch_file("late"), F_OK), -1);
		kdl_dump_free(d);
	}
}

/* Overlapping segments are refused when the dump is frozen, before any
 * format sees them; a job that brings a page twice all the same (bytes
 * other than the dump's segments) is refused by the format. */
static void test_page_stored_twice(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_options opts = options("zlib", 0, 1);
	struct kdl_plan plan;
	struct kdl_job job;

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, fill, sizeof(fill)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x3000, 0x3000, fill, sizeof(fill)), 0);
	if (!CHECK_EQ(kdl_plan_make(ctx, &opts, &plan), 0) ||
	    !CHECK_EQ(kdl_job_start(&job, ctx, d, &plan, scratch_file("twice")), 0)) {
		kdl_dump_free(d);
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct kdl_source src;

		kdl_source_buffer(&src, ctx, fill, sizeof(fill));
		CHECK_EQ(kdl_job_segment_begin(&job, 0x1000, sizeof(fill)), 0);
		CHECK_EQ(kdl_job_bytes(&job, &src), 0);
		CHECK_EQ(kdl_job_segment_end(&job), 0);
	}
	CHECK_EQ(kdl_job_finish(&job, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "page 0x1000 is stored twice");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	kdl_job_abort(&job);
	CHECK_EQ(access(scratch_file("twice"), F_OK), -1);
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx) || !CHECK_EQ(lzo_init(), LZO_E_OK))
		return 1;
	fill_pages();
	test_zero_page_shared(NULL, false, "x86_64");
	test_zero_page_shared("s390x", true, "s390x");
	test_descriptor_bytes();
	test_dump_level_0();
	test_none();
	test_every_codec();
	test_flattened();
	test_big_pages();
	test_partial_pages_merged();
	test_parts_out_of_order();
	test_out_of_order();
	test_page_size_conflict();
	test_page_size_after_data();
	test_page_stored_twice();
	/* the dumps (x86_64, s390x, le, be, level0, none, five codecs, plain,
	 * flat, big, big-stream, parts-built, parts, order-built, order) and
	 * the stream: nothing for the refused ones, no scratch file behind */
	CHECK_EQ(scratch_entries(), 19 + 1);
	kdl_ctx_free(ctx);
	return check_done("format/kdump");
}
