/* input/flat.c: makedumpfile's flattened format, from a file and from a
 * pipe: records in the orders makedumpfile, QEMU and vmc-pack write them
 * read back as the kdump-compressed (or ELF) file they stand for, a
 * later record winning over an earlier one, bytes no record has read as
 * zero; what a pipe cannot give asked of a file; every damaged record
 * told with the file, the byte and the problem. */
#include "input-check.h"

#define PG 4096

/* ---- the file the records stand for ---- */

static uint8_t mem[40 * PG];

/* 40 pages at 1 MiB: text, zeros and bytes no codec shrinks; a CPU;
 * VMCOREINFO; written by the library as a kdump-compressed file (or
 * ELF), flattened or not. */
static struct bytes dump_file(const char *format, const char *codec, int dump_level,
                            bool flat)
{
	struct kdl_prstatus st = {.pid = 7};
	struct kdl_reg rip = {"rip", 0xffffffff81001234};
	struct kdl_options opts;
	static const char vmcoreinfo[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n";
	kdl_dump *d = kdl_dump_new(ctx, "x86_64");
	struct bytes f = {0};
	uint32_t x = 1;

	for (size_t i = 0; i < sizeof(mem); i++) {
		size_t page = i / PG;

		x = x * 1103515245 + 12345;
		mem[i] = page % 3 == 1 ? 0 : page % 3 == 2 ? (uint8_t)(x >> 23) : (uint8_t)("flattened "[i % 10]);
	}
	kdl_options_init(&opts);
	opts.has_timestamp = 1;
	opts.timestamp = 1700000000;
	opts.flat = flat;
	if (!d || kdl_options_set_format(ctx, &opts, format) ||
	    (codec && kdl_options_set_compression(ctx, &opts, codec, 0, 0)) ||
	    (codec && kdl_options_set_dump_level(ctx, &opts, dump_level)) ||
	    kdl_dump_set_vmcoreinfo(d, vmcoreinfo, strlen(vmcoreinfo)) ||
	    kdl_dump_add_segment_buffer(d, 0x100000, 0x100000, mem, sizeof(mem)) ||
	    kdl_dump_add_cpu(d, &st, &rip, 1) ||
	    kdl_dump_write(d, scratch_file("dump"), &opts, NULL)) {
		fprintf(stderr, "cannot write the dump: %s\n", kdl_ctx_error(ctx));
		abort();
	}
	kdl_dump_free(d);
	f.p = read_file(scratch_file("dump"), &f.n);
	return f;
}

/* ---- flattening it ---- */

struct rec {
	uint64_t off, len;
};

static void flat_header(struct bytes *out)
{
	uint8_t h[PG] = "makedumpfile";

	kdl_put64(h + 16, 1, true);
	kdl_put64(h + 24, 1, true);
	append(out, h, sizeof(h));
}

static void record(struct bytes *out, uint64_t off, const void *data, uint64_t len)
{
	uint8_t h[16];

	kdl_put64(h, off, true);
	kdl_put64(h + 8, len, true);
	append(out, h, sizeof(h));
	append(out, data, (size_t)len);
}

static void end_marker(struct bytes *out)
{
	uint8_t end[16];

	memset(end, 0xff, sizeof(end));
	append(out, end, sizeof(end));
}

/* The ranges of f as records, in this order. */
static struct bytes flatten(const struct bytes *f, const struct rec *recs, size_t n)
{
	struct bytes out = {0};

	flat_header(&out);
	for (size_t i = 0; i < n; i++)
		record(&out, recs[i].off, f->p + recs[i].off, recs[i].len);
	end_marker(&out);
	return out;
}

/* Where a kdump-compressed file (little-endian, 4 KiB blocks) keeps
 * things. */
struct layout {
	uint64_t sub, notes_end, bitmap, bitmap_len, descs, data, end;
};

static struct layout layout_of(const struct bytes *f)
{
	struct layout l;
	uint64_t sub_blocks = get32(f->p + 432, false), bitmap_blocks = get32(f->p + 436, false);
	uint64_t desc_end = 0;

	l.sub = PG;
	l.notes_end = get64(f->p + PG + 48, false) + get64(f->p + PG + 56, false);
	l.bitmap = (1 + sub_blocks) * PG;
	l.bitmap_len = bitmap_blocks / 2 * PG;
	l.descs = l.bitmap + bitmap_blocks * PG;
	/* the descriptors end where the first page begins */
	for (uint64_t d = l.descs; !desc_end || d < desc_end; d += 24) {
		uint64_t at = get64(f->p + d, false);

		if (!desc_end || at < desc_end)
			desc_end = at;
	}
	l.data = desc_end;
	l.end = f->n;
	return l;
}

/* The records makedumpfile -F writes: the header, the notes before the
 * sub header, both bitmaps, then 8 descriptors and their pages in turn,
 * the last pages before their descriptors. */
static size_t makedumpfile_order(const struct bytes *f, struct rec *r)
{
	struct layout l = layout_of(f);
	uint64_t d = l.descs, p = l.data;
	size_t n = 0;

	r[n++] = (struct rec){0, 464};
	r[n++] = (struct rec){l.sub + 104, l.notes_end - l.sub - 104};
	r[n++] = (struct rec){l.sub, 104};
	r[n++] = (struct rec){l.bitmap, l.bitmap_len};
	r[n++] = (struct rec){l.bitmap + l.bitmap_len, l.bitmap_len};
	while (d < l.data) {
		uint64_t k = l.data - d < 8 * 24 ? l.data - d : 8 * 24;
		/* the pages of these descriptors: up to the next one's page */
		uint64_t p_end = d + k < l.data ? get64(f->p + d + k, false) : l.end;
		bool last = d + k == l.data;

		if (last && p_end > p)
			r[n++] = (struct rec){p, p_end - p};
		r[n++] = (struct rec){d, k};
		if (!last && p_end > p)
			r[n++] = (struct rec){p, p_end - p};
		d += k;
		if (p_end > p)
			p = p_end;
	}
	return n;
}

/* QEMU's: the bitmaps a block of each in turn, then pages in buffers of
 * 3 pages' bytes that fill before the buffer of 16 descriptors does,
 * each written when full. */
static size_t qemu_order(const struct bytes *f, struct rec *r)
{
	struct layout l = layout_of(f);
	uint64_t d = l.descs, p = l.data, p_flushed = l.data;
	size_t n = 0;

	r[n++] = (struct rec){0, 464};
	r[n++] = (struct rec){l.sub, l.notes_end - l.sub};
	for (uint64_t b = 0; b < l.bitmap_len; b += PG) {
		r[n++] = (struct rec){l.bitmap + b, PG};
		r[n++] = (struct rec){l.bitmap + l.bitmap_len + b, PG};
	}
	for (uint64_t d_flushed = l.descs; d < l.data; d += 24) {
		uint64_t next = d + 24 < l.data ? get64(f->p + d + 24, false) : l.end;

		if (next > p)
			p = next;
		if (p - p_flushed >= 3 * PG) {
			r[n++] = (struct rec){p_flushed, p - p_flushed};
			p_flushed = p;
		}
		if (d + 24 - d_flushed == 16 * 24 || d + 24 == l.data) {
			r[n++] = (struct rec){d_flushed, d + 24 - d_flushed};
			d_flushed = d + 24;
		}
	}
	if (l.end > p_flushed)
		r[n++] = (struct rec){p_flushed, l.end - p_flushed};
	return n;
}

/* The file in records of len bytes, in file order. */
static size_t file_order(const struct bytes *f, struct rec *r, uint64_t len)
{
	size_t n = 0;

	for (uint64_t off = 0; off < f->n; off += len)
		r[n++] = (struct rec){off, f->n - off < len ? f->n - off : len};
	return n;
}

/* ---- unpacking ---- */

/* Unpacks f (saved as "in") from the file or through cat. */
static int unpack(const struct bytes *f, bool piped)
{
	static const char *const name = "in";

	return unpack_inputs(f, &name, 1, piped, NULL, NULL);
}

/* What f unpacks to, as lines, and its bytes in *bytes. */
static char *lines_of(const struct bytes *f, bool piped, struct bytes *bytes)
{
	char *lines;

	*bytes = (struct bytes){0};
	if (unpack(f, piped))
		return NULL;
	lines = stream_lines();
	bytes->p = unpacked_bytes ? malloc(unpacked_len + 1) : NULL;
	bytes->n = unpacked_len;
	if (bytes->p)
		memcpy(bytes->p, unpacked_bytes, unpacked_len);
	return lines;
}

/* flat, from the file and from a pipe, reads as plain does. */
static void same_as(const struct bytes *flat, const struct bytes *plain, bool piped_too)
{
	struct bytes want_bytes, got_bytes;
	char *want = lines_of(plain, false, &want_bytes);

	CHECK(want != NULL);
	for (int piped = 0; piped < 1 + piped_too; piped++) {
		char *got = lines_of(flat, piped, &got_bytes);

		if (!CHECK_STR(got, want))
			fprintf(stderr, "  from a %s: %s\n", piped ? "pipe" : "file", kdl_ctx_error(ctx));
		if (got && CHECK_EQ(got_bytes.n, want_bytes.n))
			CHECK_MEM(got_bytes.p, want_bytes.p, want_bytes.n);
		free(got);
		free(got_bytes.p);
	}
	free(want);
	free(want_bytes.p);
}

static void fails_from(const struct bytes *f, bool piped, enum kdl_status status,
                       const char *message)
{
	unpack_fails(f, "in", piped, status, message);
}

/* ---- the orders producers write ---- */

/* What vmc-pack --flat writes: each codec, each dump level. */
static void test_ours(void)
{
	static const char *const codecs[] = {"none", "zlib", "lzo", "snappy", "zstd"};

	for (size_t i = 0; i < KDL_ARRAY_SIZE(codecs); i++)
		for (int level = 0; level < 2; level++) {
			struct bytes plain = dump_file("kdump", codecs[i], level, false);
			struct bytes flat = dump_file("kdump", codecs[i], level, true);

			same_as(&flat, &plain, true);
			free(plain.p);
			free(flat.p);
		}
}

static void test_makedumpfile_order(void)
{
	struct bytes plain = dump_file("kdump", "zlib", 1, false), flat;
	struct rec recs[64];
	size_t n = makedumpfile_order(&plain, recs);

	flat = flatten(&plain, recs, n);
	same_as(&flat, &plain, true);
	free(flat.p);
	free(plain.p);
}

static void test_qemu_order(void)
{
	struct bytes plain = dump_file("kdump", "lzo", 1, false), flat;
	struct rec recs[64];
	size_t n = qemu_order(&plain, recs);

	flat = flatten(&plain, recs, n);
	same_as(&flat, &plain, true);
	free(flat.p);
	free(plain.p);
}

/* Records last first: a file is indexed; a pipe holds them back (they
 * are few) until each is wanted. */
static void test_reversed(void)
{
	struct bytes plain = dump_file("kdump", "snappy", 0, false), flat;
	struct rec recs[64], rev[64];
	size_t n = file_order(&plain, recs, 8192);

	for (size_t i = 0; i < n; i++)
		rev[i] = recs[n - 1 - i];
	flat = flatten(&plain, rev, n);
	same_as(&flat, &plain, true);
	free(flat.p);
	free(plain.p);
}

/* A record that writes bytes an earlier one wrote wins, as with
 * makedumpfile -R (in a pipe, when both came before the bytes are
 * read); bytes no record has are zero. */
static void test_overlap_and_holes(void)
{
	struct bytes plain = dump_file("kdump", "zlib", 1, false), flat = {0};
	struct layout l = layout_of(&plain);
	uint8_t junk[2 * PG];

	memset(junk, 0xa5, sizeof(junk));
	flat_header(&flat);
	/* the descriptors and pages over junk, some of it half covered */
	record(&flat, l.descs, junk, 100);
	record(&flat, l.descs + 50, junk, 2 * PG);
	record(&flat, l.descs, plain.p + l.descs, plain.n - l.descs);
	/* the header block without its zero tail, nor the sub header's */
	record(&flat, 0, plain.p, 464);
	record(&flat, l.sub, plain.p + l.sub, l.notes_end - l.sub);
	record(&flat, l.bitmap, plain.p + l.bitmap, l.descs - l.bitmap);
	end_marker(&flat);
	same_as(&flat, &plain, true);
	free(flat.p);
	free(plain.p);
}

/* makedumpfile -E -F: an ELF file flattened, whose program headers
 * makedumpfile writes first and again at the end: a file reads the last
 * ones; a pipe would have read the first, and says so. */
static void test_elf(void)
{
	struct bytes plain = dump_file("elf", NULL, 0, false), flat = {0};
	uint8_t early[56 * 3];
	uint64_t phnum = get16(plain.p + 56, false);
	char msg[400];

	/* makedumpfile's first ones: before it left pages out */
	memcpy(early, plain.p + 64, sizeof(early));
	kdl_put64(early + 56 + 32, get64(early + 56 + 32, false) - PG, false);
	kdl_put64(early + 56 + 40, get64(early + 56 + 40, false) - PG, false);
	flat_header(&flat);
	record(&flat, 64, early, 56 * phnum);
	record(&flat, 0, plain.p, 64);
	record(&flat, 64 + 56 * phnum, plain.p + 64 + 56 * phnum, plain.n - 64 - 56 * phnum);
	record(&flat, 64, plain.p + 64, 56 * phnum);
	end_marker(&flat);
	CHECK_EQ(phnum, 2);
	same_as(&flat, &plain, false);
	snprintf(msg, sizeof(msg), "stdin: the record at byte %zu writes bytes 64 to 175 again after they were read, which a pipe cannot give; save it to a file and read that",
	         flat.n - 16 - 16 - 56 * phnum);
	fails_from(&flat, true, KDL_ERR_UNSUPPORTED, msg);
	free(flat.p);
	/* in file order, a pipe reads it too */
	flat = (struct bytes){0};
	flat_header(&flat);
	record(&flat, 0, plain.p, plain.n);
	end_marker(&flat);
	same_as(&flat, &plain, true);
	free(flat.p);
	free(plain.p);
}

/* Two descriptors for one page that is not zero: a file reads it twice,
 * a pipe gives it once. */
static void test_read_twice(void)
{
	struct bytes plain = dump_file("kdump", "none", 0, false), flat = {0};
	struct layout l = layout_of(&plain);
	struct rec recs[64];
	size_t n;
	char msg[300];

	/* page 2 (random bytes, raw) is page 0's too */
	memcpy(plain.p + l.descs, plain.p + l.descs + 48, 24);
	n = file_order(&plain, recs, 65536);
	flat = flatten(&plain, recs, n);
	CHECK_EQ(unpack(&flat, false), 0);
	snprintf(msg, sizeof(msg), "stdin: its records give each byte once, and byte %" PRIu64 " is wanted again, which a pipe cannot give; save it to a file and read that",
	         get64(plain.p + l.descs, false));
	fails_from(&flat, true, KDL_ERR_UNSUPPORTED, msg);
	free(flat.p);
	free(plain.p);
}

/* ---- damage ---- */

static void test_damaged_records(void)
{
	struct bytes plain = dump_file("kdump", "zlib", 1, false), flat;
	struct rec recs[64];
	size_t n = file_order(&plain, recs, 16384);
	struct bytes cut;
	char msg[400];

	flat = flatten(&plain, recs, n);
	/* the second record's offset made negative */
	flat.p[PG + 16 + 16384] = 0x80;
	fails_from(&flat, false, KDL_ERR_CORRUPT, "in: at byte 20496: a record of 16384 bytes at byte -9223372036854759424: records are of at least one byte, within 2^63, and only the end marker has -1");
	fails_from(&flat, true, KDL_ERR_CORRUPT, "stdin: at byte 20496: a record of 16384 bytes at byte -9223372036854759424: records are of at least one byte, within 2^63, and only the end marker has -1");
	flat.p[PG + 16 + 16384] = 0;
	/* an empty record */
	memset(flat.p + PG + 8, 0, 8);
	fails_from(&flat, false, KDL_ERR_CORRUPT, "in: at byte 4096: a record of 0 bytes at byte 0: records are of at least one byte, within 2^63, and only the end marker has -1");
	free(flat.p);
	flat = flatten(&plain, recs, n);
	/* cut inside a record, and where the end marker should be */
	cut = (struct bytes){flat.p, PG + 16 + 1000};
	snprintf(msg, sizeof(msg), "in: truncated: it ends at byte %zu, inside a record", cut.n);
	fails_from(&cut, false, KDL_ERR_CORRUPT, msg);
	cut.n = flat.n - 16;
	snprintf(msg, sizeof(msg), "in: truncated: it ends at byte %zu, inside a record header (the records end with a marker)", cut.n);
	fails_from(&cut, false, KDL_ERR_CORRUPT, msg);
	snprintf(msg, sizeof(msg), "stdin: truncated: it ends at byte %zu, inside a record header (the records end with a marker)", cut.n);
	fails_from(&cut, true, KDL_ERR_CORRUPT, msg);
	cut.n = flat.n - 16 - 1000;
	snprintf(msg, sizeof(msg), "stdin: truncated: it ends at byte %zu, inside a record", cut.n);
	fails_from(&cut, true, KDL_ERR_CORRUPT, msg);
	free(flat.p);
	/* the last records left out: the file they stand for ends early */
	flat = flatten(&plain, recs, n - 1);
	CHECK_EQ(unpack(&flat, false), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "in (reassembled): at byte ");
	CHECK_HAS(kdl_ctx_error(ctx), ", past the end of the file (");
	CHECK_EQ(unpack(&flat, true), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "stdin (reassembled): truncated: its records end at byte ");
	free(flat.p);
	free(plain.p);
}

/* Records of what is no dump, or of nothing at all. */
static void test_not_a_dump(void)
{
	struct bytes flat = {0};

	flat_header(&flat);
	record(&flat, 0, "hello, world", 12);
	end_marker(&flat);
	fails_from(&flat, false, KDL_ERR_CORRUPT, "in: at byte 4096: its records make neither a kdump-compressed file nor an ELF one (they make a file of another format)");
	fails_from(&flat, true, KDL_ERR_CORRUPT, "stdin: at byte 4096: its records make neither a kdump-compressed file nor an ELF one (they make a file of another format)");
	free(flat.p);
	flat = (struct bytes){0};
	flat_header(&flat);
	end_marker(&flat);
	fails_from(&flat, false, KDL_ERR_CORRUPT, "in: at byte 4096: its records make neither a kdump-compressed file nor an ELF one (they make an empty file)");
	fails_from(&flat, true, KDL_ERR_CORRUPT, "stdin: at byte 4096: its records make neither a kdump-compressed file nor an ELF one (they make an empty file)");
	/* a flattened file in a flattened file */
	{
		struct bytes outer = {0};

		flat_header(&outer);
		record(&outer, 0, flat.p, flat.n);
		end_marker(&outer);
		fails_from(&outer, false, KDL_ERR_CORRUPT, "in: at byte 4096: its records make neither a kdump-compressed file nor an ELF one (they make a file of another format)");
		free(outer.p);
	}
	free(flat.p);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!ctx)
		return 1;
	test_ours();
	test_makedumpfile_order();
	test_qemu_order();
	test_reversed();
	test_overlap_and_holes();
	test_elf();
	test_read_twice();
	test_damaged_records();
	test_not_a_dump();
	free(warning);
	free(unpacked_bytes);
	kdl_ctx_free(ctx);
	return check_done("input/flat");
}
