/* input/kdump.c: kdump-compressed files built byte by byte here, as
 * makedumpfile, QEMU and older diskdump versions lay them out, read from
 * a file and from a pipe into exactly the records they stand for: runs of
 * dumped pages as segments, zero pages as ZERO, pages left out left out;
 * the parts of a --split dump read as one; and every damaged field,
 * truncation and page told with the file, the byte and the problem. */
#include <sys/resource.h>

#include "codec/codec.h"
#include "input-check.h"

#define PG 4096

/* ---- building kdump-compressed files ---- */

static void grow(struct bytes *b, size_t n)
{
	uint8_t *p;

	if (n <= b->n)
		return;
	p = realloc(b->p, n);
	if (!p)
		abort();
	memset(p + b->n, 0, n - b->n);
	b->p = p;
	b->n = n;
}

static void put(struct bytes *b, size_t at, const void *data, size_t n)
{
	grow(b, at + n);
	memcpy(b->p + at, data, n);
}

/* The content of page pfn: zero for pfn % 4 == 2, text that codecs
 * shrink for pfn % 4 == 1, else bytes they cannot. */
static void content(uint64_t pfn, uint8_t *p, uint32_t page)
{
	uint32_t x = (uint32_t)pfn * 2654435761u + 7;

	for (uint32_t i = 0; i < page; i++) {
		x = x * 1103515245 + 12345;
		p[i] = pfn % 4 == 2 ? 0 : pfn % 4 == 1 ? (uint8_t)("page text "[i % 10] + pfn) : (uint8_t)(x >> 23);
	}
}

struct note_buf {
	struct bytes b;
	bool be;
};

static void note(struct note_buf *nb, const char *name, uint32_t type,
                 const void *desc, size_t len)
{
	size_t at = nb->b.n, namesz = strlen(name) + 1;
	uint8_t h[12];

	kdl_put32(h, (uint32_t)namesz, nb->be);
	kdl_put32(h + 4, (uint32_t)len, nb->be);
	kdl_put32(h + 8, type, nb->be);
	put(&nb->b, at, h, 12);
	put(&nb->b, at + 12, name, namesz);
	put(&nb->b, at + 12 + ((namesz + 3) & ~(size_t)3), desc, len);
	grow(&nb->b, at + 12 + ((namesz + 3) & ~(size_t)3) + ((len + 3) & ~(size_t)3));
}

/* x86_64's NT_PRSTATUS (336 bytes) with pid and rip, or s390x's (also
 * 336) with its psw address. */
static void prstatus(struct note_buf *nb, int32_t pid, uint64_t pc, unsigned pc_at)
{
	uint8_t desc[336] = {0};

	kdl_put32(desc + 32, (uint32_t)pid, nb->be);
	kdl_put64(desc + pc_at, pc, nb->be);
	note(nb, "CORE", 1, desc, sizeof(desc));
}

#define VMCOREINFO "OSRELEASE=6.1.0\nPAGESIZE=4096\n"

/* The notes of most tests: two CPUs, VMCOREINFO, one more note. */
static struct bytes standard_notes(bool be)
{
	struct note_buf nb = {.be = be};
	unsigned pc_at = be ? 120 : 240; /* s390x psw.addr, x86_64 rip */

	prstatus(&nb, 1, 0xffffffff81001234, pc_at);
	prstatus(&nb, 2, 0xffffffff81005678, pc_at);
	note(&nb, "VMCOREINFO", 0, VMCOREINFO, strlen(VMCOREINFO));
	note(&nb, "ACME", 256, "build 4711", 10);
	return nb.b;
}

/* A file: which pages exist and which are dumped, how they are stored. */
struct kd {
	bool be;
	uint32_t page;
	int32_t version;
	const char *signature;
	const char *machine;
	uint32_t status;
	uint64_t max_mapnr;
	uint64_t phys_base;
	struct bytes notes;
	const char *vmcoreinfo;       /* version 3 */
	uint64_t exist[8][2];         /* ranges of pfns, [start, end) */
	uint64_t dumped[8][2];
	const struct kdl_codec *codec; /* NULL: raw */
	bool shared_zero;              /* zero pages all point at one page */
	bool reversed;                 /* pages stored last pfn first */
	bool split;
	uint64_t start, end;
	/* what the builder found */
	uint64_t desc_off, data_off, npages;
	uint32_t sub_size;
};

static const uint32_t sub_sizes[] = {0, 16, 32, 48, 64, 80, 104};

static bool in_ranges(const uint64_t r[8][2], uint64_t pfn)
{
	for (int i = 0; i < 8 && r[i][1]; i++)
		if (pfn >= r[i][0] && pfn < r[i][1])
			return true;
	return false;
}

static void put32(struct bytes *b, const struct kd *k, size_t at, uint32_t v)
{
	uint8_t x[4];

	kdl_put32(x, v, k->be);
	put(b, at, x, 4);
}

static void put64(struct bytes *b, const struct kd *k, size_t at, uint64_t v)
{
	uint8_t x[8];

	kdl_put64(x, v, k->be);
	put(b, at, x, 8);
}

/* The file k describes, laid out as makedumpfile writes it. */
static struct bytes build(struct kd *k)
{
	struct bytes f = {0};
	uint32_t page = k->page ? k->page : PG;
	int32_t v = k->version ? k->version : 6;
	uint32_t sub_size = sub_sizes[v < 6 ? v : 6];
	size_t vmci_len = v == 3 && k->vmcoreinfo ? strlen(k->vmcoreinfo) : 0;
	size_t notes_len = v >= 4 ? k->notes.n : 0;
	uint32_t sub_blocks = (uint32_t)((sub_size + notes_len + vmci_len + page - 1) / page);
	uint64_t bitmap_len = ((k->max_mapnr + 7) / 8 + page - 1) / page;
	uint64_t bitmap_off = (1 + (uint64_t)sub_blocks) * page, desc_off;
	uint64_t first = k->split ? k->start : 0, last = k->split ? k->end : k->max_mapnr;
	uint64_t n = 0, data, zero_at = 0, *pfns = calloc(k->max_mapnr + 1, sizeof(*pfns));
	uint8_t *pg = malloc(page), *c = malloc(2 * page);

	if (!pfns || !pg || !c)
		abort();
	put(&f, 0, k->signature ? k->signature : "KDUMP   ", 8);
	put32(&f, k, 8, (uint32_t)v);
	put(&f, 12, "Linux", 5);
	put(&f, 272, k->machine ? k->machine : "x86_64", strlen(k->machine ? k->machine : "x86_64"));
	put32(&f, k, 424, k->status);
	put32(&f, k, 428, page);
	put32(&f, k, 432, sub_blocks);
	put32(&f, k, 436, (uint32_t)(2 * bitmap_len));
	put32(&f, k, 440, k->max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)k->max_mapnr);
	grow(&f, page);
	if (v >= 1)
		put64(&f, k, page, k->phys_base);
	if (v >= 2 && k->split) {
		put32(&f, k, page + 12, 1);
		put64(&f, k, page + (v >= 6 ? 80 : 16), k->start);
		put64(&f, k, page + (v >= 6 ? 88 : 24), k->end);
	}
	if (v == 3 && vmci_len) {
		put64(&f, k, page + 32, page + sub_size);
		put64(&f, k, page + 40, vmci_len);
		put(&f, page + sub_size, k->vmcoreinfo, vmci_len);
	}
	if (v >= 4 && notes_len) {
		put64(&f, k, page + 48, page + sub_size);
		put64(&f, k, page + 56, notes_len);
		put(&f, page + sub_size, k->notes.p, notes_len);
	}
	if (v >= 6)
		put64(&f, k, page + 96, k->max_mapnr);
	desc_off = bitmap_off + 2 * bitmap_len * page;
	grow(&f, desc_off);
	for (uint64_t pfn = 0; pfn < k->max_mapnr; pfn++) {
		if (in_ranges(k->exist, pfn))
			f.p[bitmap_off + pfn / 8] |= (uint8_t)(1 << pfn % 8);
		if (in_ranges(k->dumped, pfn)) {
			f.p[bitmap_off + bitmap_len * page + pfn / 8] |= (uint8_t)(1 << pfn % 8);
			if (pfn >= first && pfn < last)
				pfns[n++] = pfn;
		}
	}
	data = desc_off + 24 * n;
	if (k->shared_zero) {
		zero_at = data;
		memset(pg, 0, page);
		put(&f, data, pg, page);
		data += page;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pfn = pfns[k->reversed ? n - 1 - i : i], at = data;
		uint64_t d = desc_off + 24 * (k->reversed ? n - 1 - i : i);
		size_t size = page;
		uint32_t flags = 0;

		content(pfn, pg, page);
		if (k->shared_zero && kdl_page_is_zero(pg, page))
			at = zero_at;
		else {
			void *state = k->codec && k->codec->new_state ? k->codec->new_state(1) : NULL;

			size = k->codec ? k->codec->compress(state, pg, page, c, 2 * page) : 0;
			if (state)
				k->codec->free_state(state);
			if (size && size < page)
				flags = k->codec->flag;
			else
				size = page;
			put(&f, at, flags ? c : pg, size);
			data += size;
		}
		put64(&f, k, d, at);
		put32(&f, k, d + 8, (uint32_t)size);
		put32(&f, k, d + 12, flags);
	}
	grow(&f, desc_off + 24 * n);
	k->desc_off = desc_off;
	k->data_off = desc_off + 24 * n;
	k->npages = n;
	k->sub_size = sub_size;
	free(pfns);
	free(pg);
	free(c);
	return f;
}

/* The standard file of most tests: pfns 0x100-0x10b exist and are
 * dumped, and 0x200-0x203. */
static struct kd standard(void)
{
	struct kd k = {.max_mapnr = 0x204};

	k.notes = standard_notes(false);
	k.exist[0][0] = k.dumped[0][0] = 0x100;
	k.exist[0][1] = k.dumped[0][1] = 0x10c;
	k.exist[1][0] = k.dumped[1][0] = 0x200;
	k.exist[1][1] = k.dumped[1][1] = 0x204;
	return k;
}

#define STANDARD_DESCRIPTION \
	"ARCH x86_64\n" \
	"CPU 0 pid 1 rip=0xffffffff81001234\n" \
	"CPU 1 pid 2 rip=0xffffffff81005678\n" \
	"VMCOREINFO 30\n" \
	"NOTE ACME 256 10\n"

/* pfns 0x100-0x10b: 0x102, 0x106, 0x10a zero; 0x200-0x203: 0x202 */
#define STANDARD_SEGMENTS \
	"SEGMENT 0x100000 0x100000 49152\n" \
	"DATA 8192\nZERO 4096\nDATA 12288\nZERO 4096\nDATA 12288\nZERO 4096\nDATA 4096\n" \
	"END 49152\n" \
	"SEGMENT 0x200000 0x200000 16384\nDATA 8192\nZERO 4096\nDATA 4096\nEND 16384\n"

/* The bytes the standard segments hold, DATA after DATA. */
static bool standard_bytes(void)
{
	static const uint64_t pfns[] = {0x100, 0x101, 0x103, 0x104, 0x105, 0x107, 0x108,
	                                0x109, 0x10b, 0x200, 0x201, 0x203};
	uint8_t pg[PG];

	if (!CHECK_EQ(unpacked_len, KDL_ARRAY_SIZE(pfns) * PG))
		return false;
	for (size_t i = 0; i < KDL_ARRAY_SIZE(pfns); i++) {
		content(pfns[i], pg, PG);
		if (!CHECK_MEM(unpacked_bytes + i * PG, pg, PG))
			return false;
	}
	return true;
}

/* ---- unpacking ---- */

/* Unpacks the files, saved as "part0", "part1"...: from the files, or
 * (one file) through cat, so that nothing can seek; the stream goes to
 * "stream". */
static int unpack_parts(const struct bytes *files, size_t n, bool piped,
                        const struct kdl_unpack_options *opts, uint64_t *lost)
{
	static const char *const names[4] = {"part0", "part1", "part2", "part3"};

	return unpack_inputs(files, names, n, piped, opts, lost);
}

static int unpack(const struct bytes *f, bool piped)
{
	return unpack_parts(f, 1, piped, NULL, NULL);
}

/* f reads back as want, from the file and from a pipe. */
static void reads_as(const struct bytes *f, const char *want)
{
	for (int piped = 0; piped < 2; piped++) {
		char *lines;

		if (!CHECK_EQ(unpack(f, piped), 0))
			fprintf(stderr, "  %s: %s\n", piped ? "pipe" : "file", kdl_ctx_error(ctx));
		lines = stream_lines();
		if (!CHECK_STR(lines, want))
			fprintf(stderr, "  from a %s\n", piped ? "pipe" : "file");
		free(lines);
	}
}

/* f fails to unpack from the file or a pipe with this message (part0 or
 * stdin naming the input) and class, and what the stream got is no whole
 * stream. */
static void fails_from(const struct bytes *f, bool piped, enum kdl_status status,
                       const char *message)
{
	unpack_fails(f, "part0", piped, status, message);
}

/* The same of class CORRUPT from the file, and if pipe_message is
 * given, from a pipe. */
static void fails(const struct bytes *f, const char *file_message, const char *pipe_message)
{
	fails_from(f, false, KDL_ERR_CORRUPT, file_message);
	if (pipe_message)
		fails_from(f, true, KDL_ERR_CORRUPT, pipe_message);
}

/* ---- what a file holds ---- */

/* makedumpfile at dump level 1: zero pages share one page; each codec,
 * and pages stored raw where they do not shrink. */
static void test_codecs(void)
{
	const struct kdl_codec *codecs[] = {NULL, &kdl_codec_zlib, &kdl_codec_lzo,
	                                    &kdl_codec_snappy, &kdl_codec_zstd};

	for (size_t i = 0; i < KDL_ARRAY_SIZE(codecs); i++) {
		struct kd k = standard();
		struct bytes f;

		k.codec = codecs[i];
		k.shared_zero = true;
		f = build(&k);
		reads_as(&f, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
		standard_bytes();
		free(f.p);
		free(k.notes.p);
	}
}

/* At dump level 0 each zero page is stored, compressed: it decompresses
 * to zeros, and is ZERO all the same. */
static void test_zero_pages_stored(void)
{
	struct kd k = standard();
	struct bytes f;

	k.codec = &kdl_codec_zlib;
	f = build(&k);
	reads_as(&f, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
	standard_bytes();
	free(f.p);
	free(k.notes.p);
}

/* makedumpfile -d 31: pages that exist but were left out (clear in the
 * second bitmap, with no descriptor) stay out, and each run of those
 * dumped is a segment. */
static void test_filtered(void)
{
	struct kd k = standard();
	struct bytes f;

	k.dumped[0][1] = 0x102;
	k.dumped[1][0] = 0x105;
	k.dumped[1][1] = 0x106;
	k.dumped[2][0] = 0x109;
	k.dumped[2][1] = 0x10a;
	k.dumped[3][0] = 0x203;
	k.dumped[3][1] = 0x204;
	k.codec = &kdl_codec_lzo;
	k.shared_zero = true;
	f = build(&k);
	reads_as(&f, STANDARD_DESCRIPTION
	         "SEGMENT 0x100000 0x100000 8192\nDATA 8192\nEND 8192\n"
	         "SEGMENT 0x105000 0x105000 4096\nDATA 4096\nEND 4096\n"
	         "SEGMENT 0x109000 0x109000 4096\nDATA 4096\nEND 4096\n"
	         "SEGMENT 0x203000 0x203000 4096\nDATA 4096\nEND 4096\n");
	free(f.p);
	free(k.notes.p);
}

/* The dumped machine's byte order: s390x, big-endian, its machine and
 * its NT_PRSTATUS. */
static void test_big_endian(void)
{
	struct kd k = standard();
	struct bytes f;

	free(k.notes.p);
	k.be = true;
	k.machine = "s390x";
	k.notes = standard_notes(true);
	k.codec = &kdl_codec_zstd;
	k.shared_zero = true;
	f = build(&k);
	reads_as(&f, "ARCH s390x\n"
	         "CPU 0 pid 1 pswa=0xffffffff81001234\n"
	         "CPU 1 pid 2 pswa=0xffffffff81005678\n"
	         "VMCOREINFO 30\nNOTE ACME 256 10\n" STANDARD_SEGMENTS);
	free(f.p);
	free(k.notes.p);
}

/* 64 KiB pages (ppc64le's): the block size is the page size. */
static void test_page_size(void)
{
	struct kd k = {.max_mapnr = 0x20, .page = 65536, .machine = "ppc64le"};
	struct bytes f;
	char *lines;

	k.exist[0][0] = k.dumped[0][0] = 0x10;
	k.exist[0][1] = k.dumped[0][1] = 0x13;
	f = build(&k);
	CHECK_EQ(unpack(&f, true), 0);
	lines = stream_lines();
	CHECK_STR(lines, "ARCH ppc64le\nSEGMENT 0x100000 0x100000 196608\n"
	                 "DATA 131072\nZERO 65536\nEND 196608\n");
	free(lines);
	free(f.p);
}

/* QEMU leaves the utsname empty (and makedumpfile does without
 * VMCOREINFO): the machine is the one whose NT_PRSTATUS has the notes'
 * size in the header's byte order; no CPU, no architecture. */
static void test_machine_from_prstatus(void)
{
	struct kd k = standard();
	struct bytes f;

	k.machine = "";
	f = build(&k);
	reads_as(&f, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
	free(f.p);
	free(k.notes.p);
	k = standard();
	free(k.notes.p);
	k.be = true;
	k.machine = "";
	k.notes = standard_notes(true);
	f = build(&k);
	reads_as(&f, "ARCH s390x\n"
	         "CPU 0 pid 1 pswa=0xffffffff81001234\n"
	         "CPU 1 pid 2 pswa=0xffffffff81005678\n"
	         "VMCOREINFO 30\nNOTE ACME 256 10\n" STANDARD_SEGMENTS);
	free(f.p);
	free(k.notes.p);
	k = standard();
	free(k.notes.p);
	k.notes = (struct bytes){0};
	k.machine = "";
	f = build(&k);
	reads_as(&f, STANDARD_SEGMENTS);
	free(f.p);
}

/* A machine that names none of ours is refused by name; one of the other
 * byte order is no such machine. */
static void test_machine_unknown(void)
{
	struct kd k = standard();
	struct bytes f;

	k.machine = "mips64";
	f = build(&k);
	fails_from(&f, false, KDL_ERR_UNSUPPORTED,
	           "part0: at byte 272: machine 'mips64' is not an architecture that can be read (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)");
	free(f.p);
	k.machine = "s390x";
	f = build(&k);
	fails(&f, "part0: at byte 272: machine s390x is big-endian, and the header is not", NULL);
	free(f.p);
	free(k.notes.p);
}

/* Each header_version has the fields of those before it: 1 and 2 no
 * notes, 3 the vmcoreinfo alone (at offset_vmcoreinfo), 4 and 5 the
 * notes, 6 the 64-bit max_mapnr; and diskdump's own signature. */
static void test_versions(void)
{
	for (int32_t v = 1; v <= 6; v++) {
		struct kd k = standard();
		struct bytes f;

		k.version = v;
		k.vmcoreinfo = VMCOREINFO;
		k.shared_zero = true;
		f = build(&k);
		reads_as(&f, v < 3 ? "ARCH x86_64\n" STANDARD_SEGMENTS
		             : v == 3 ? "ARCH x86_64\nVMCOREINFO 30\n" STANDARD_SEGMENTS
		                      : STANDARD_DESCRIPTION STANDARD_SEGMENTS);
		free(f.p);
		free(k.notes.p);
	}
}

static void test_diskdump(void)
{
	struct kd k = standard();
	struct bytes f;

	k.signature = "DISKDUMP";
	k.version = 1;
	f = build(&k);
	reads_as(&f, "ARCH x86_64\n" STANDARD_SEGMENTS);
	free(f.p);
	free(k.notes.p);
}

/* A file with one bitmap (an old diskdump's): where half the blocks
 * cannot hold a bitmap, all of them are the bitmap of pages dumped. */
static void test_one_bitmap(void)
{
	struct kd k = standard();
	struct bytes f = build(&k);

	/* one block: half of it is no room for a bitmap */
	put32(&f, &k, 436, 1);
	/* the bitmap of pages dumped is where the first was */
	memmove(f.p + 3 * PG, f.p + 4 * PG, f.n - 4 * PG);
	f.n -= PG;
	for (uint64_t d = k.desc_off - PG; d < k.desc_off - PG + 24 * k.npages; d += 24)
		put64(&f, &k, d, kdl_get64(f.p + d, false) - PG);
	reads_as(&f, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
	free(f.p);
	free(k.notes.p);
}

/* ---- how pages are laid out ---- */

/* Pages in the file last first: a file reads them where they are; a
 * pipe would have to go back, and says so. */
static void test_pages_backwards(void)
{
	struct kd k = standard();
	struct bytes f;
	char *lines;

	k.reversed = true;
	k.codec = &kdl_codec_snappy;
	f = build(&k);
	CHECK_EQ(unpack(&f, false), 0);
	lines = stream_lines();
	CHECK_STR(lines, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
	free(lines);
	standard_bytes();
	/* 0x101's descriptor, the second, points before 0x100's page */
	{
		char msg[300];

		snprintf(msg, sizeof(msg), "stdin: the page descriptor at byte %" PRIu64 " points back to byte %" PRIu64 ", which a pipe cannot give; save it to a file and read that",
		         k.desc_off + 24, kdl_get64(f.p + k.desc_off + 24, false));
		fails_from(&f, true, KDL_ERR_UNSUPPORTED, msg);
	}
	free(f.p);
	free(k.notes.p);
}

/* QEMU's and makedumpfile's zero page is at the start of the data, and
 * a page that is not zero may come first: a pipe reads the shared page
 * before it passes over it. */
static void test_shared_zero_page_in_a_pipe(void)
{
	struct kd k = standard();
	struct bytes f;

	k.exist[0][0] = k.dumped[0][0] = 0x101;
	k.shared_zero = true;
	f = build(&k);
	reads_as(&f, STANDARD_DESCRIPTION
	         "SEGMENT 0x101000 0x101000 45056\n"
	         "DATA 4096\nZERO 4096\nDATA 12288\nZERO 4096\nDATA 12288\nZERO 4096\nDATA 4096\n"
	         "END 45056\n"
	         "SEGMENT 0x200000 0x200000 16384\nDATA 8192\nZERO 4096\nDATA 4096\nEND 16384\n");
	free(f.p);
	free(k.notes.p);
}

/* --phys keeps parts of the runs, as of any input. */
static void test_phys(void)
{
	struct kd k = standard();
	struct kdl_range keep = {0x103000, 0x104fff};
	struct kdl_unpack_options opts = {.ranges = &keep, .nranges = 1};
	struct bytes f;
	char *lines;
	uint8_t pg[PG];

	k.codec = &kdl_codec_zlib;
	f = build(&k);
	CHECK_EQ(unpack_parts(&f, 1, true, &opts, NULL), 0);
	lines = stream_lines();
	CHECK_STR(lines, STANDARD_DESCRIPTION "SEGMENT 0x103000 0x103000 8192\nDATA 8192\nEND 8192\n");
	content(0x104, pg, PG);
	if (CHECK_EQ(unpacked_len, 2 * PG))
		CHECK_MEM(unpacked_bytes + PG, pg, PG);
	free(lines);
	free(f.p);
	free(k.notes.p);
}

/* ---- the parts of a --split dump ---- */

/* The standard dump cut at each of cuts: whole bitmaps in each part, the
 * descriptors and pages of its range. */
static void split_parts(struct bytes *parts, const uint64_t *cuts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct kd k = standard();

		k.codec = &kdl_codec_zlib;
		k.shared_zero = true;
		k.split = true;
		k.start = i ? cuts[i - 1] : 0;
		k.end = i < n - 1 ? cuts[i] : k.max_mapnr;
		parts[i] = build(&k);
		free(k.notes.p);
	}
}

/* Given in any order, the parts read as the whole dump: a run that goes
 * on from one part into the next is one segment. */
static void test_split(void)
{
	static const uint64_t cuts[] = {0x104, 0x108};
	struct bytes parts[3], shuffled[3];
	char *lines;

	split_parts(parts, cuts, 3);
	shuffled[0] = parts[2];
	shuffled[1] = parts[0];
	shuffled[2] = parts[1];
	CHECK_EQ(unpack_parts(parts, 3, false, NULL, NULL), 0);
	lines = stream_lines();
	CHECK_STR(lines, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
	free(lines);
	standard_bytes();
	if (!CHECK_EQ(unpack_parts(shuffled, 3, false, NULL, NULL), 0))
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
	lines = stream_lines();
	CHECK_STR(lines, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
	free(lines);
	standard_bytes();
	for (int i = 0; i < 3; i++)
		free(parts[i].p);
}

static void split_fails(const struct bytes *parts, size_t n, const char *message)
{
	char *lines;

	if (!CHECK_EQ(unpack_parts(parts, n, false, NULL, NULL), -1))
		return;
	CHECK_STR(kdl_ctx_error(ctx), message);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	lines = stream_lines();
	CHECK_HAS(lines, "FAILED: ");
	free(lines);
}

/* Parts missing, twice, of another dump, or a whole dump among them. */
static void test_split_refused(void)
{
	static const uint64_t cuts[] = {0x104, 0x108};
	struct bytes parts[3], two[2], whole;
	struct kd k = standard();

	split_parts(parts, cuts, 3);
	split_fails(parts, 2, "no part given holds the pages from 0x108000 to 0x203fff (after part1): give every part of the makedumpfile --split dump");
	split_fails(parts + 1, 2, "no part given holds the pages from 0x0 to 0x103fff (before part0): give every part of the makedumpfile --split dump");
	two[0] = parts[0];
	two[1] = parts[2];
	split_fails(two, 2, "no part given holds the pages from 0x104000 to 0x107fff (between part0 and part1): give every part of the makedumpfile --split dump");
	two[1] = parts[0];
	split_fails(two, 2, "part0 and part1 both hold the pages from 0x0 to 0x103fff");
	/* a single part alone */
	split_fails(parts + 1, 1, "no part given holds the pages from 0x0 to 0x103fff (before part0): give every part of the makedumpfile --split dump");
	/* another dump's part: another timestamp */
	two[0] = parts[0];
	two[1] = parts[1];
	parts[1].p[408] ^= 1;
	split_fails(two, 2, "part0 and part1 are not parts of one dump: their headers differ at byte 408");
	parts[1].p[408] ^= 1;
	k.codec = &kdl_codec_zlib;
	whole = build(&k);
	two[1] = whole;
	split_fails(two, 2, "part1 is a whole dump, not a part of a makedumpfile --split dump: it is read alone");
	for (int i = 0; i < 3; i++)
		free(parts[i].p);
	free(whole.p);
	free(k.notes.p);
}

/* ---- damage ---- */

static struct bytes standard_file(struct kd *k)
{
	*k = standard();
	k->codec = &kdl_codec_zlib;
	k->shared_zero = true;
	return build(k);
}

/* Cut short anywhere: in the header, the sub header, the notes, the
 * bitmaps, the descriptors: the place is named. */
static void test_truncated(void)
{
	struct kd k;
	struct bytes f = standard_file(&k);
	struct bytes cut = {f.p, 0};
	char file_msg[512], pipe_msg[512];
	struct {
		size_t at;
		const char *what;
	} cuts[] = {
		{100, "the header"},
		{PG + 20, "the sub header"},
		{PG + 200, "the notes"},
		{3 * PG, "the bitmap of pages dumped"},
		{0, "the page descriptors"},
	};

	cuts[4].at = (size_t)k.desc_off + 30;
	for (size_t i = 0; i < KDL_ARRAY_SIZE(cuts); i++) {
		cut.n = cuts[i].at;
		/* a file's size is known: the fields that go past it say so */
		if (i == 0 || i == 4)
			snprintf(file_msg, sizeof(file_msg), "part0: truncated: it ends at byte %zu, inside %s", cut.n, cuts[i].what);
		else if (i < 3)
			snprintf(file_msg, sizeof(file_msg), "part0: at byte 432: sub_hdr_size 1 puts the sub header's blocks up to byte 8192, past the end of the file (%zu bytes)", cut.n);
		else
			snprintf(file_msg, sizeof(file_msg), "part0: at byte 436: bitmap_blocks 2 puts the bitmaps at bytes 8192 to 16384, past the end of the file (%zu bytes)", cut.n);
		snprintf(pipe_msg, sizeof(pipe_msg), "stdin: truncated: it ends at byte %zu, inside %s", cut.n, cuts[i].what);
		fails(&cut, file_msg, pipe_msg);
	}
	free(f.p);
	free(k.notes.p);
}

/* A page cut short, a descriptor past the end, a page that does not
 * decompress: each lost page fails the read, or with --keep-going is
 * left out with a warning, the segment split around it, the bytes
 * counted. */
static void page_lost(struct bytes *f, const char *message, const char *warned,
                      const char *lines_want)
{
	struct kdl_unpack_options keep = {.keep_going = 1};
	uint64_t lost = 0;
	char *lines;

	fails(f, message, NULL);
	kdl_ctx_set_warn(ctx, collect_warnings, &warning);
	if (!CHECK_EQ(unpack_parts(f, 1, false, &keep, &lost), 0))
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(lost, PG);
	CHECK_STR(warning, warned);
	kdl_ctx_set_warn(ctx, NULL, NULL);
	lines = stream_lines();
	CHECK_STR(lines, lines_want);
	free(lines);
}

static void test_page_damage(void)
{
	struct kd k;
	struct bytes f = standard_file(&k);
	uint64_t d5 = k.desc_off + 24 * 5, off5 = kdl_get64(f.p + d5, false);
	uint32_t size5 = kdl_get32(f.p + d5 + 8, false);
	char msg[512], warned[600];
	static const char after_lost_5[] =
		STANDARD_DESCRIPTION
		"SEGMENT 0x100000 0x100000 ?\nDATA 8192\nZERO 4096\nDATA 8192\nEND 20480\n"
		"SEGMENT 0x106000 0x106000 ?\nZERO 4096\nDATA 12288\nZERO 4096\nDATA 4096\nEND 24576\n"
		"SEGMENT 0x200000 0x200000 ?\nDATA 8192\nZERO 4096\nDATA 4096\nEND 16384\n";
	static const char after_lost_last[] =
		STANDARD_DESCRIPTION
		"SEGMENT 0x100000 0x100000 ?\n"
		"DATA 8192\nZERO 4096\nDATA 12288\nZERO 4096\nDATA 12288\nZERO 4096\nDATA 4096\n"
		"END 49152\n"
		"SEGMENT 0x200000 0x200000 ?\nDATA 8192\nZERO 4096\nEND 12288\n";

	/* the fifth descriptor (pfn 0x105) points past the end */
	put64(&f, &k, d5, f.n - 10);
	snprintf(msg, sizeof(msg), "part0: at byte %" PRIu64 ": the page at 0x105000: its descriptor points at bytes %zu to %zu, past the end of the file (%zu bytes)",
	         d5, f.n - 10, f.n - 10 + size5, f.n);
	snprintf(warned, sizeof(warned), "%s; 4096 bytes at 0x105000 left out\n", msg);
	page_lost(&f, msg, warned, after_lost_5);
	/* its data damaged */
	put64(&f, &k, d5, off5);
	f.p[off5 + size5 / 2] ^= 0x55;
	snprintf(msg, sizeof(msg), "part0: at byte %" PRIu64 ": the page at 0x105000: its %" PRIu32 " bytes of zlib data do not decompress to 4096",
	         off5, size5);
	snprintf(warned, sizeof(warned), "%s; 4096 bytes at 0x105000 left out\n", msg);
	page_lost(&f, msg, warned, after_lost_5);
	f.p[off5 + size5 / 2] ^= 0x55;
	/* flags no codec has */
	put32(&f, &k, d5 + 12, 0x9);
	snprintf(msg, sizeof(msg), "part0: at byte %" PRIu64 ": the page at 0x105000: its descriptor's flags 0x9 name no compression", d5);
	snprintf(warned, sizeof(warned), "%s; 4096 bytes at 0x105000 left out\n", msg);
	page_lost(&f, msg, warned, after_lost_5);
	/* raw, but not of a page */
	put32(&f, &k, d5 + 12, 0);
	snprintf(msg, sizeof(msg), "part0: at byte %" PRIu64 ": the page at 0x105000: its descriptor gives a raw page of %" PRIu32 " bytes, and pages have 4096", d5, size5);
	snprintf(warned, sizeof(warned), "%s; 4096 bytes at 0x105000 left out\n", msg);
	page_lost(&f, msg, warned, after_lost_5);
	/* compressed, more than a page */
	put32(&f, &k, d5 + 12, 1);
	put32(&f, &k, d5 + 8, 5000);
	snprintf(msg, sizeof(msg), "part0: at byte %" PRIu64 ": the page at 0x105000: its descriptor gives 5000 bytes of zlib data, not 1 to 4096", d5);
	snprintf(warned, sizeof(warned), "%s; 4096 bytes at 0x105000 left out\n", msg);
	page_lost(&f, msg, warned, after_lost_5);
	/* not written (makedumpfile out of room) */
	memset(f.p + d5, 0, 24);
	snprintf(msg, sizeof(msg), "part0: at byte %" PRIu64 ": the page at 0x105000: its descriptor is empty: the page was not written", d5);
	snprintf(warned, sizeof(warned), "%s; 4096 bytes at 0x105000 left out\n", msg);
	page_lost(&f, msg, warned, after_lost_5);
	free(f.p);
	free(k.notes.p);
	/* the file ends inside the last page */
	f = standard_file(&k);
	{
		uint64_t dl = k.desc_off + 24 * (k.npages - 1);
		uint64_t at = kdl_get64(f.p + dl, false);
		uint32_t size = kdl_get32(f.p + dl + 8, false);

		f.n -= 5;
		snprintf(msg, sizeof(msg), "part0: at byte %" PRIu64 ": the page at 0x203000: its descriptor points at bytes %" PRIu64 " to %" PRIu64 ", past the end of the file (%zu bytes)",
		         dl, at, at + size, f.n);
		snprintf(warned, sizeof(warned), "%s; 4096 bytes at 0x203000 left out\n", msg);
		page_lost(&f, msg, warned, after_lost_last);
		/* from a pipe, the end is found where it comes */
		snprintf(msg, sizeof(msg), "stdin: truncated: it ends at byte %zu, inside a page", f.n);
		fails_from(&f, true, KDL_ERR_CORRUPT, msg);
	}
	free(f.p);
	free(k.notes.p);
}

/* Header fields no dump has: each named, with its byte. */
static void test_absurd_headers(void)
{
	struct kd k;
	struct bytes f = standard_file(&k);
	uint8_t saved[PG + 104];
	char msg[512];

	memcpy(saved, f.p, sizeof(saved));
	put32(&f, &k, 428, 5000);
	fails(&f, "part0: at byte 428: block_size 5000 (2282946560 in the other byte order) is not a page size: a power of two from 4096 to 262144",
	      "stdin: at byte 428: block_size 5000 (2282946560 in the other byte order) is not a page size: a power of two from 4096 to 262144");
	memcpy(f.p, saved, sizeof(saved));
	put32(&f, &k, 428, 3);
	fails(&f, "part0: at byte 428: block_size 3 (50331648 in the other byte order) is not a page size: a power of two from 4096 to 262144", NULL);
	memcpy(f.p, saved, sizeof(saved));
	put32(&f, &k, 8, (uint32_t)-3);
	fails(&f, "part0: at byte 8: header_version -3", "stdin: at byte 8: header_version -3");
	memcpy(f.p, saved, sizeof(saved));
	put32(&f, &k, 432, 0);
	fails(&f, "part0: at byte 432: sub_hdr_size 0 leaves no room for the 104-byte sub header of version 6", NULL);
	memcpy(f.p, saved, sizeof(saved));
	put32(&f, &k, 432, 100000);
	snprintf(msg, sizeof(msg), "part0: at byte 432: sub_hdr_size 100000 puts the sub header's blocks up to byte 409604096, past the end of the file (%zu bytes)", f.n);
	fails(&f, msg, NULL);
	memcpy(f.p, saved, sizeof(saved));
	put32(&f, &k, 436, 0x7fffffff);
	snprintf(msg, sizeof(msg), "part0: at byte 436: bitmap_blocks 2147483647 puts the bitmaps at bytes 8192 to 8796093026304, past the end of the file (%zu bytes)", f.n);
	fails(&f, msg, NULL);
	memcpy(f.p, saved, sizeof(saved));
	put64(&f, &k, PG + 96, 1ull << 40);
	fails(&f, "part0: at byte 436: bitmap_blocks 2 holds 65536 bits, fewer than max_mapnr 1099511627776 pages",
	      "stdin: at byte 436: bitmap_blocks 2 holds 65536 bits, fewer than max_mapnr 1099511627776 pages");
	put64(&f, &k, PG + 96, 1ull << 60);
	fails(&f, "part0: at byte 4192: max_mapnr 1152921504606846976: pages of 4096 bytes that far go past the end of the address space", NULL);
	memcpy(f.p, saved, sizeof(saved));
	put64(&f, &k, PG + 56, 5000);
	fails(&f, "part0: at byte 4144: notes at byte 4200 of 5000 bytes, outside the sub header's blocks (bytes 4096 to 8192)", NULL);
	memcpy(f.p, saved, sizeof(saved));
	put32(&f, &k, PG + 12, 1);
	put64(&f, &k, PG + 80, 0x300);
	put64(&f, &k, PG + 88, 0x200);
	fails(&f, "part0: at byte 4176: a split part of pages 768 to 512 in a dump of 516", NULL);
	memcpy(f.p, saved, sizeof(saved));
	memcpy(f.p, "KDUMP  X", 8);
	{
		struct kdl_unpack_options kdump = {.format = "kdump"};
		char *lines;

		CHECK_EQ(unpack_parts(&f, 1, false, &kdump, NULL), -1);
		CHECK_STR(kdl_ctx_error(ctx), "part0: at byte 0: no kdump signature (\"KDUMP   \" or \"DISKDUMP\")");
		lines = stream_lines();
		free(lines);
	}
	free(f.p);
	free(k.notes.p);
}

/* A dump makedumpfile marked incomplete is read, with a warning. */
static void test_incomplete(void)
{
	struct kd k;
	struct bytes f;
	char *lines;

	k = standard();
	k.status = 0x8 | 0x1;
	f = build(&k);
	kdl_ctx_set_warn(ctx, collect_warnings, &warning);
	CHECK_EQ(unpack(&f, false), 0);
	CHECK_STR(warning, "part0: the dump is incomplete (makedumpfile ran out of room): the pages it did not write are lost\n");
	kdl_ctx_set_warn(ctx, NULL, NULL);
	lines = stream_lines();
	CHECK_STR(lines, STANDARD_DESCRIPTION STANDARD_SEGMENTS);
	free(lines);
	free(f.p);
	free(k.notes.p);
}

/* The stream has phys_base in the VMCOREINFO alone: one the sub header
 * has, and the VMCOREINFO not, is said to be lost. */
static void test_phys_base(void)
{
	struct kd k = standard();
	struct bytes f;
	char *lines;

	k.phys_base = 0x1000000;
	f = build(&k);
	kdl_ctx_set_warn(ctx, collect_warnings, &warning);
	CHECK_EQ(unpack(&f, false), 0);
	CHECK_STR(warning, "part0: at byte 4096: phys_base 0x1000000 is not the VMCOREINFO's NUMBER(phys_base) (none), which alone a dump written from the stream has\n");
	free(f.p);
	free(k.notes.p);
	k = standard();
	free(k.notes.p);
	{
		struct note_buf nb = {0};
		static const char text[] = "OSRELEASE=6.1.0\nNUMBER(phys_base)=16777216\n";

		note(&nb, "VMCOREINFO", 0, text, strlen(text));
		k.notes = nb.b;
	}
	k.phys_base = 0x1000000;
	f = build(&k);
	CHECK_EQ(unpack(&f, true), 0);
	CHECK(warning == NULL);
	kdl_ctx_set_warn(ctx, NULL, NULL);
	lines = stream_lines();
	CHECK_STR(lines, "ARCH x86_64\nVMCOREINFO 43\n" STANDARD_SEGMENTS);
	free(lines);
	free(f.p);
	free(k.notes.p);
}

/* ---- memory ---- */

static long max_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_maxrss;
}

/* A sparse dump (pages at 0 and at 1 TiB: 32 MiB bitmaps, holes on
 * disk) is read a block at a time: memory does not follow the bitmaps.
 * Run first, while the high-water mark is low. */
static void test_sparse_memory(void)
{
	struct kd k = {.max_mapnr = (1ull << 28) + 2};
	char path[4096];
	struct bytes head;
	uint8_t desc[48] = {0}, pg[PG];
	uint64_t bitmap_len, desc_off;
	long before;
	int fd;
	char *lines;

	/* the header of a dump of one page, grown by hand: build() would
	 * fill the bitmaps in memory */
	head = build(&(struct kd){.max_mapnr = 1, .exist = {{0, 1}}, .dumped = {{0, 1}}});
	bitmap_len = ((k.max_mapnr + 7) / 8 + PG - 1) / PG;
	put32(&head, &k, 436, (uint32_t)(2 * bitmap_len));
	put32(&head, &k, 440, (uint32_t)k.max_mapnr);
	put64(&head, &k, PG + 96, k.max_mapnr);
	desc_off = 2 * PG + 2 * bitmap_len * PG;
	fd = open(scratch_path("sparse", path, sizeof(path)), O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(pwrite(fd, head.p, 2 * PG, 0), 2 * PG);
	/* bit 0 and the last bit of the second bitmap; the first's as well */
	for (int b = 0; b < 2; b++) {
		uint8_t one = 1, last = 1 << ((k.max_mapnr - 1) % 8);

		CHECK_EQ(pwrite(fd, &one, 1, (off_t)(2 * PG + b * bitmap_len * PG)), 1);
		CHECK_EQ(pwrite(fd, &last, 1, (off_t)(2 * PG + b * bitmap_len * PG + (k.max_mapnr - 1) / 8)), 1);
	}
	content(0, pg, PG);
	kdl_put64(desc, desc_off + 48, false);
	kdl_put32(desc + 8, PG, false);
	kdl_put64(desc + 24, desc_off + 48 + PG, false);
	kdl_put32(desc + 32, PG, false);
	CHECK_EQ(pwrite(fd, desc, 48, (off_t)desc_off), 48);
	CHECK_EQ(pwrite(fd, pg, PG, (off_t)(desc_off + 48)), PG);
	CHECK_EQ(pwrite(fd, pg, PG, (off_t)(desc_off + 48 + PG)), PG);
	close(fd);
	free(head.p);
	before = max_rss_kib();
	{
		const char *name = "sparse";
		kdl_writer *w;
		int in = open(path, O_RDONLY), out;

		w = stream_to(&out);
		CHECK_EQ(kdl_unpack(ctx, w, &in, &name, 1, NULL, NULL), 0);
		CHECK_EQ(kdl_writer_finish(w), 0);
		close(in);
		close(out);
	}
	/* a few MiB of buffers, not the 64 MiB of bitmaps */
	if (!CHECK(max_rss_kib() - before < 12 * 1024))
		fprintf(stderr, "  RSS grew by %ld KiB\n", max_rss_kib() - before);
	lines = stream_lines();
	CHECK_STR(lines, "ARCH x86_64\nSEGMENT 0x0 0x0 4096\nDATA 4096\nEND 4096\n"
	                 "SEGMENT 0x10000001000 0x10000001000 4096\nDATA 4096\nEND 4096\n");
	free(lines);
	unlink(path);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!ctx)
		return 1;
	test_sparse_memory();
	test_codecs();
	test_zero_pages_stored();
	test_filtered();
	test_big_endian();
	test_page_size();
	test_machine_from_prstatus();
	test_machine_unknown();
	test_versions();
	test_diskdump();
	test_one_bitmap();
	test_pages_backwards();
	test_shared_zero_page_in_a_pipe();
	test_phys();
	test_split();
	test_split_refused();
	test_truncated();
	test_page_damage();
	test_absurd_headers();
	test_incomplete();
	test_phys_base();
	free(warning);
	free(unpacked_bytes);
	kdl_ctx_free(ctx);
	return check_done("input/kdump");
}
