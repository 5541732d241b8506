/* format/elf.c, through kdl_dump_write and kdl_pack_stream: the ELF
 * vmcore as /proc/vmcore lays it out, in either byte order, past the 65535
 * program headers e_phnum holds, and the same dump whatever order a
 * stream brings its pieces in. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format-check.h"

#define PN_XNUM 0xffff

static struct kdl_options elf;

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static struct phdr phdr(const uint8_t *f, uint64_t i, bool be)
{
	const uint8_t *p = f + 64 + 56 * i;

	return (struct phdr){
		.type = get32(p, be), .flags = get32(p + 4, be),
		.offset = get64(p + 8, be), .vaddr = get64(p + 16, be),
		.paddr = get64(p + 24, be), .filesz = get64(p + 32, be),
		.memsz = get64(p + 40, be), .align = get64(p + 48, be),
	};
}

/* What the file must say about the machine. */
struct want {
	bool be;
	uint16_t machine;
	uint32_t page;
};

static const struct want x86_64 = {false, 62, 4096};

/* ---- what every vmcore must satisfy, whatever it holds ---- */

/* The count of program headers, past PN_XNUM in section header 0. */
static uint64_t phnum_of(const uint8_t *f, bool be)
{
	uint16_t n = get16(f + 56, be);

	return n == PN_XNUM ? get32(f + get64(f + 40, be) + 44, be) : n;
}

/* f holds the first have bytes of a file of size bytes: at least its
 * headers and notes. */
static void check_layout(const uint8_t *f, size_t have, uint64_t size,
                         const struct want *m, const struct kdl_notes *notes)
{
	uint64_t phnum = phnum_of(f, m->be);
	bool xnum = phnum >= PN_XNUM;
	uint64_t headers = 64 + 56 * phnum + (xnum ? 64 : 0);
	struct phdr note = phdr(f, 0, m->be);
	uint64_t last_paddr = 0, first_data = UINT64_MAX;

	CHECK_MEM(f, "\x7f" "ELF\x02", 5);
	CHECK_EQ(f[5], m->be ? 2 : 1);
	CHECK_MEM(f + 6, "\x01\0\0\0\0\0\0\0\0\0", 10);
	CHECK_EQ(get16(f + 16, m->be), 4); /* ET_CORE */
	CHECK_EQ(get16(f + 18, m->be), m->machine);
	CHECK_EQ(get32(f + 20, m->be), 1);
	CHECK_EQ(get64(f + 24, m->be), 0); /* e_entry */
	CHECK_EQ(get64(f + 32, m->be), 64); /* e_phoff: makedumpfile assumes it */
	CHECK_EQ(get64(f + 40, m->be), xnum ? 64 + 56 * phnum : 0); /* e_shoff */
	CHECK_EQ(get32(f + 48, m->be), 0); /* e_flags */
	CHECK_EQ(get16(f + 52, m->be), 64);
	CHECK_EQ(get16(f + 54, m->be), 56);
	CHECK_EQ(get16(f + 56, m->be), xnum ? PN_XNUM : phnum);
	CHECK_EQ(get16(f + 58, m->be), xnum ? 64 : 0);
	CHECK_EQ(get16(f + 60, m->be), xnum ? 1 : 0);
	CHECK_EQ(get16(f + 62, m->be), 0);
	if (xnum) {
		/* section header 0 holds the count, and nothing else */
		const uint8_t *sh = f + 64 + 56 * phnum;

		CHECK(all_zero(sh, 32));
		CHECK_EQ(get64(sh + 32, m->be), 1);
		CHECK(all_zero(sh + 40, 4));
		CHECK_EQ(get32(sh + 44, m->be), phnum);
		CHECK(all_zero(sh + 48, 16));
	}

	/* one PT_NOTE, first, holding exactly the notes */
	CHECK_EQ(note.type, 4);
	CHECK_EQ(note.flags, 0);
	CHECK_EQ(note.vaddr, 0);
	CHECK_EQ(note.paddr, 0);
	CHECK_EQ(note.align, 0);
	CHECK_EQ(note.offset, kdl_round_up(headers, m->page));
	CHECK_EQ(note.filesz, notes->len);
	CHECK_EQ(note.memsz, notes->len);
	if (CHECK(note.offset + note.filesz <= have))
		CHECK_MEM(f + note.offset, notes->buf, notes->len);

	/* one check for each PT_LOAD, or a dump's worth of them */
	for (uint64_t i = 1; i < phnum; i++) {
		struct phdr p = phdr(f, i, m->be);

		if (!CHECK(p.type == 1 && p.flags == 7 && p.align == 0 &&
		           p.filesz == p.memsz && p.offset % m->page == p.paddr % m->page &&
		           p.offset + p.filesz <= size && (i == 1 || p.paddr > last_paddr)))
			fprintf(stderr, "  PT_LOAD %" PRIu64 ": type %" PRIu32 " flags %" PRIu32
			        " offset 0x%" PRIx64 " paddr 0x%" PRIx64 " filesz %" PRIu64
			        " memsz %" PRIu64 " align %" PRIu64 ", after paddr 0x%" PRIx64 "\n",
			        i, p.type, p.flags, p.offset, p.paddr, p.filesz, p.memsz,
			        p.align, last_paddr);
		last_paddr = p.paddr;
		if (p.offset < first_data)
			first_data = p.offset;
	}
	/* crash needs the notes to end before the first data */
	if (phnum > 1)
		CHECK(note.offset + note.filesz <= first_data);
}

/* ---- dumps ---- */

static uint8_t a[10000], b[4096], c[100];
static const char x86_vmcoreinfo[] =
	"OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000";

static void fill_segments(void)
{
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 13 + 1);
	memset(b, 0xbb, sizeof(b));
	memset(c, 0xcc, sizeof(c));
}

/* Two CPUs, the vmcoreinfo and a note of its own, in that order. */
static void x86_description(kdl_dump *d, const char *vmcoreinfo)
{
	struct kdl_prstatus s = {.pid = 1};
	struct kdl_reg rip = {"rip", 0xffffffff81000010};

	CHECK_EQ(kdl_dump_add_cpu(d, &s, &rip, 1), 0);
	s.cpu = 1;
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vmcoreinfo, strlen(vmcoreinfo)), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 256, "hello", 5), 0);
}

/* The three segments of fill_segments, out of physical order. */
static kdl_dump *x86_dump(const char *arch, const char *vmcoreinfo)
{
	kdl_dump *d = kdl_dump_new(ctx, arch);

	if (!CHECK(d))
		return NULL;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0xffff888000100000, a, sizeof(a)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1234, 0x1234, c, sizeof(c)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x8000, 0x8000, b, sizeof(b)), 0);
	if (vmcoreinfo)
		x86_description(d, vmcoreinfo);
	return d;
}

static void test_x86_64(void)
{
	static const uint8_t zeros[0x234];
	kdl_dump *d = x86_dump(NULL, x86_vmcoreinfo);
	struct kdl_stats st;
	struct phdr p;
	uint8_t *f;
	size_t len;

	if (!d)
		return;
	f = write_and_read(d, "x86", &elf, &len, &st);
	if (!f) {
		kdl_dump_free(d);
		return;
	}
	CHECK_EQ(get16(f + 56, false), 4);
	check_layout(f, len, len, &x86_64, kdl_dump_notes(d));
	CHECK_EQ(phdr(f, 0, false).offset, 4096);
	CHECK_EQ(phdr(f, 0, false).filesz, 2 * (12 + 8 + 336) + (12 + 12 + 72) + (12 + 8 + 8));

	/* in physical order, each on its own pages, data as given */
	p = phdr(f, 1, false);
	CHECK_EQ(p.paddr, 0x1234);
	CHECK_EQ(p.vaddr, 0x1234);
	CHECK_EQ(p.filesz, 100);
	CHECK_EQ(p.offset, 8192 + 0x234);
	CHECK_MEM(f + p.offset, c, sizeof(c));
	CHECK_MEM(f + 8192, zeros, 0x234);
	p = phdr(f, 2, false);
	CHECK_EQ(p.paddr, 0x8000);
	CHECK_EQ(p.offset, 3 * 4096);
	CHECK_MEM(f + p.offset, b, sizeof(b));
	p = phdr(f, 3, false);
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
	CHECK_STR(st.format, "elf");
	free(f);
	kdl_dump_free(d);
}

static void test_aarch64_big_pages(void)
{
	static uint8_t big[5000];
	static const struct want aarch64 = {false, 183, 65536};
	kdl_dump *d = kdl_dump_new(ctx, "arm64");
	struct kdl_prstatus s = {0};
	const char *vi = "OSRELEASE=6.1.0\nPAGESIZE=65536\nSYMBOL(swapper_pg_dir)=ffff80000a1e0000\n";
	struct kdl_stats st;
	struct phdr p;
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	memset(big, 0xa5, sizeof(big));
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x40001000, 0x40001000, big, sizeof(big)), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vi, strlen(vi)), 0);
	f = write_and_read(d, "arm", &elf, &len, &st);
	if (f) {
		check_layout(f, len, len, &aarch64, kdl_dump_notes(d));
		CHECK_EQ(get32(f + phdr(f, 0, false).offset + 4, false), 392);
		p = phdr(f, 1, false);
		CHECK_EQ(p.offset, 2 * 65536 + 0x1000);
		CHECK_MEM(f + p.offset, big, sizeof(big));
		CHECK_EQ(len, 3 * 65536);
		CHECK_STR(st.arch, "aarch64");
	}
	free(f);
	kdl_dump_free(d);
}

/* Every field in the machine's byte order, the notes' too. */
static void test_big_endian(void)
{
	static const struct want s390x = {true, 22, 4096}, ppc64 = {true, 21, 65536};
	const struct {
		const char *arch;
		const struct want *want;
		uint32_t prstatus;
	} cases[] = {{"s390x", &s390x, 336}, {"ppc64", &ppc64, 504}};

	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++) {
		const struct want *m = cases[i].want;
		kdl_dump *d = x86_dump(cases[i].arch, NULL);
		struct kdl_prstatus s = {.pid = 7};
		struct phdr p;
		uint8_t *f;
		size_t len;

		if (!d)
			continue;
		CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
		f = write_and_read(d, cases[i].arch, &elf, &len, NULL);
		if (!f) {
			kdl_dump_free(d);
			continue;
		}
		check_layout(f, len, len, m, kdl_dump_notes(d));
		p = phdr(f, 0, true);
		/* NT_PRSTATUS: namesz, descsz, type, "CORE", then pr_pid */
		CHECK_EQ(get32(f + p.offset, true), 5);
		CHECK_EQ(get32(f + p.offset + 4, true), cases[i].prstatus);
		CHECK_EQ(get32(f + p.offset + 8, true), 1);
		CHECK_STR((const char *)f + p.offset + 12, "CORE");
		CHECK_EQ(get32(f + p.offset + 20 + 32, true), 7);
		p = phdr(f, 1, true);
		CHECK_EQ(p.paddr, 0x1234);
		CHECK_EQ(p.offset, 2 * m->page + 0x1234 % m->page);
		CHECK_MEM(f + p.offset, c, sizeof(c));
		p = phdr(f, 3, true);
		CHECK_EQ(p.paddr, 0x100000);
		CHECK_EQ(p.vaddr, 0xffff888000100000);
		CHECK_EQ(p.offset % m->page, 0x100000 % m->page);
		CHECK_MEM(f + p.offset, a, sizeof(a));
		free(f);
		kdl_dump_free(d);
	}
}

/* More program headers than fit in a page push the notes to the next. */
static void test_many_segments(void)
{
	static uint8_t page[4096];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	for (unsigned i = 0; i < 80; i++)
		CHECK_EQ(kdl_dump_add_segment_buffer(d, (uint64_t)(79 - i) * 0x10000, (uint64_t)(79 - i) * 0x10000, page, 1 + i), 0);
	CHECK_EQ(kdl_dump_add_note(d, "N", 1, "x", 1), 0);
	f = write_and_read(d, "many", &elf, &len, NULL);
	if (f) {
		CHECK_EQ(get16(f + 56, false), 81);
		check_layout(f, len, len, &x86_64, kdl_dump_notes(d));
		CHECK_EQ(phdr(f, 0, false).offset, 8192);
		CHECK_EQ(phdr(f, 1, false).offset, 3 * 4096);
		CHECK_EQ(phdr(f, 1, false).filesz, 80);
		CHECK_EQ(phdr(f, 80, false).paddr, 79 * 0x10000);
		CHECK_EQ(phdr(f, 80, false).filesz, 1);
		CHECK_EQ(phdr(f, 80, false).offset, (3 + 79) * 4096);
	}
	free(f);
	kdl_dump_free(d);
}

/* n bytes at off of a file too large to read whole; *size gets its
 * size. */
static uint8_t *read_part(const char *path, uint64_t off, size_t n,
                          uint64_t *size)
{
	uint8_t *buf = malloc(n);
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (!CHECK(buf) || !CHECK(fd >= 0) || !CHECK_EQ(fstat(fd, &st), 0) ||
	    !CHECK_EQ(pread(fd, buf, n, (off_t)off), (ssize_t)n)) {
		free(buf);
		buf = NULL;
	} else
		*size = (uint64_t)st.st_size;
	if (fd >= 0)
		close(fd);
	return buf;
}

/* nsegs one-page segments from a stream, all zeros (holes, so that the
 * file costs no disk) but the first and the last. */
static void xnum_case(uint64_t nsegs, const char *name)
{
	static uint8_t first[4096], last[4096];
	uint64_t phnum = 1 + nsegs, start, size;
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_stats st;
	uint8_t *f;
	struct phdr p;

	if (!CHECK(d))
		return;
	memset(first, 0x11, sizeof(first));
	memset(last, 0xee, sizeof(last));
	stream_begin();
	for (uint64_t i = 0; i < nsegs; i++)
		stream_segment(i * 4096, i * 4096, i == 0 ? first : i == nsegs - 1 ? last : NULL,
		               4096, true);
	if (!CHECK_EQ(stream_pack(d, name, &elf, &st), 0)) {
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
		goto out;
	}
	/* no notes: the data starts right after the headers */
	start = kdl_round_up(64 + 56 * phnum + (phnum >= PN_XNUM ? 64 : 0), 4096);
	f = read_part(scratch_file(name), 0, (size_t)start + 2 * 4096, &size);
	if (!f)
		goto out;
	CHECK_EQ(phnum_of(f, false), phnum);
	check_layout(f, (size_t)start, size, &x86_64, kdl_dump_notes(d));
	CHECK_EQ(phdr(f, 0, false).filesz, 0);
	p = phdr(f, 1, false);
	CHECK_EQ(p.offset, start);
	CHECK_EQ(p.filesz, 4096);
	CHECK_MEM(f + start, first, 4096);
	CHECK(all_zero(f + start + 4096, 4096));
	p = phdr(f, phnum - 1, false);
	CHECK_EQ(p.paddr, (nsegs - 1) * 4096);
	CHECK_EQ(p.offset, start + (nsegs - 1) * 4096);
	CHECK_EQ(size, start + nsegs * 4096);
	CHECK_EQ(st.estimated_size, size);
	CHECK_EQ(st.segments, nsegs);
	free(f);
	f = read_part(scratch_file(name), size - 4096, 4096, &size);
	if (f)
		CHECK_MEM(f, last, 4096);
	free(f);
out:
	kdl_dump_free(d);
	/* large, even sparse */
	unlink(scratch_file(name));
}

/* e_phnum holds 65534 program headers; one more, and it says PN_XNUM and
 * section header 0 holds the count. */
static void test_pn_xnum(void)
{
	xnum_case(65533, "xnum-1");
	xnum_case(65534, "xnum");
}

/* Four billion segments cannot be made in a test; the format is asked to
 * finish a dump that says it has them. */
static void test_too_many_segments(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_job job = {.ctx = ctx, .dump = d};

	if (!CHECK(d) || !CHECK_EQ(kdl_dump_freeze(d), 0)) {
		kdl_dump_free(d);
		return;
	}
	d->nsegs = UINT32_MAX;
	CHECK_EQ(kdl_format_elf.finish(&job), -1);
	CHECK_STR(kdl_ctx_error(ctx), "too many segments for ELF: 4294967295");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	d->nsegs = 0;
	kdl_dump_free(d);
}

static void test_nothing(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_stats st;
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	f = write_and_read(d, "nothing", &elf, &len, &st);
	if (f) {
		CHECK_EQ(get16(f + 56, false), 1);
		check_layout(f, len, len, &x86_64, kdl_dump_notes(d));
		CHECK_EQ(kdl_dump_notes(d)->len, 0);
		CHECK_EQ(len, 4096);
		CHECK_EQ(st.estimated_size, 4096);
	}
	free(f);
	kdl_dump_free(d);
}

static void test_unknown_format(void)
{
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_options opts = elf;

	if (!CHECK(d))
		return;
	opts.format = "qcow";
	CHECK_EQ(kdl_dump_write(d, scratch_file("fmt"), &opts, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format 'qcow' (known: elf kdump)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(access(scratch_file("fmt"), F_OK), -1);
	kdl_dump_free(d);
}

/* The file of a stream against the file of the same dump built through
 * the API: the same headers, notes and segment bytes, though a segment's
 * pages may be elsewhere (a stream's data stays in the order it came),
 * and zeros around them. */
static void check_same_dump(const char *streamed, const char *built,
                            const struct want *m, const kdl_dump *sd,
                            const kdl_dump *bd)
{
	const struct kdl_notes *notes = kdl_dump_notes(sd);
	size_t slen, blen;
	uint8_t *sf = read_file(scratch_file(streamed), &slen);
	uint8_t *bf = read_file(scratch_file(built), &blen);
	uint64_t phnum;

	if (!CHECK(sf) || !CHECK(bf) || !CHECK_EQ(slen, blen))
		goto out;
	check_layout(sf, slen, slen, m, notes);
	CHECK_MEM(sf, bf, 64);
	if (CHECK_EQ(notes->len, kdl_dump_notes(bd)->len))
		CHECK_MEM(notes->buf, kdl_dump_notes(bd)->buf, notes->len);
	phnum = phnum_of(sf, m->be);
	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr sp = phdr(sf, i, m->be), bp = phdr(bf, i, m->be);

		CHECK(sp.type == bp.type && sp.flags == bp.flags && sp.vaddr == bp.vaddr &&
		      sp.paddr == bp.paddr && sp.filesz == bp.filesz &&
		      sp.memsz == bp.memsz && sp.align == bp.align);
		if (CHECK(sp.offset + sp.filesz <= slen && bp.offset + bp.filesz <= blen))
			CHECK_MEM(sf + sp.offset, bf + bp.offset, sp.filesz);
	}
	/* nothing else but zeros */
	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr sp = phdr(sf, i, m->be);

		if (sp.offset + sp.filesz <= slen)
			memset(sf + sp.offset, 0, sp.filesz);
	}
	memset(sf, 0, 64 + 56 * phnum);
	CHECK(all_zero(sf, slen));
out:
	free(sf);
	free(bf);
}

/* Segments before the CPUs and notes, out of order, one of a length told
 * only at its end: what was written early moves up past the notes. */
static void test_notes_after_data(void)
{
	kdl_dump *built = x86_dump(NULL, x86_vmcoreinfo);
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {.pid = 1};
	struct kdl_reg rip = {"rip", 0xffffffff81000010};
	struct kdl_rec_prstatus cpu0 = {s, &rip, 1}, cpu1 = {s, NULL, 0};
	struct kdl_rec_vmcoreinfo vi = {x86_vmcoreinfo, strlen(x86_vmcoreinfo)};
	struct kdl_rec_note note = {256, "ACME", "hello", 5};
	struct kdl_stats st;

	if (!built || !CHECK(d) ||
	    !CHECK_EQ(kdl_dump_write(built, scratch_file("notes-built"), &elf, NULL), 0))
		goto out;
	cpu1.status.cpu = 1;
	stream_begin();
	stream_segment(0x8000, 0x8000, b, sizeof(b), true);
	stream_segment(0x100000, 0xffff888000100000, a, sizeof(a), false);
	stream_segment(0x1234, 0x1234, c, sizeof(c), true);
	kdl_rec_put_prstatus(w, &cpu0);
	kdl_rec_put_prstatus(w, &cpu1);
	kdl_rec_put_vmcoreinfo(w, &vi);
	kdl_rec_put_note(w, &note);
	if (!CHECK_EQ(stream_pack(d, "notes-late", &elf, &st), 0)) {
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
		goto out;
	}
	check_same_dump("notes-late", "notes-built", &x86_64, d, built);
	CHECK_EQ(st.actual_size, 7 * 4096);
	CHECK_EQ(st.estimated_size, st.actual_size);
	CHECK_EQ(st.cpus, 2);
out:
	kdl_dump_free(built);
	kdl_dump_free(d);
}

/* The page size, or the byte order with it, named only after segment
 * data was written in 4 KiB pages: every segment moves to its place for
 * the new size. */
static void test_page_size_after_data(void)
{
	static const struct want x86_big = {false, 62, 65536}, ppc64 = {true, 21, 65536};
	static const char big_pages[] = "OSRELEASE=6.1.0\nPAGESIZE=65536\n";
	struct kdl_rec_vmcoreinfo vi = {big_pages, strlen(big_pages)};
	struct kdl_rec_arch arch = {"ppc64"};
	struct kdl_prstatus s = {.pid = 3};
	struct kdl_rec_prstatus cpu = {s, NULL, 0};

	for (int by_arch = 0; by_arch < 2; by_arch++) {
		kdl_dump *built = x86_dump(by_arch ? "ppc64" : NULL, NULL);
		kdl_dump *d = kdl_dump_new(ctx, NULL);
		const char *name = by_arch ? "arch-late" : "pagesize-late";
		char built_name[64];
		struct kdl_stats st;

		if (!built || !CHECK(d))
			goto next;
		CHECK_EQ(kdl_dump_add_cpu(built, &s, NULL, 0), 0);
		if (!by_arch)
			CHECK_EQ(kdl_dump_set_vmcoreinfo(built, big_pages, strlen(big_pages)), 0);
		snprintf(built_name, sizeof(built_name), "%s-built", name);
		if (!CHECK_EQ(kdl_dump_write(built, scratch_file(built_name), &elf, NULL), 0))
			goto next;
		stream_begin();
		stream_segment(0x100000, 0xffff888000100000, a, sizeof(a), true);
		stream_segment(0x8000, 0x8000, b, sizeof(b), false);
		stream_segment(0x1234, 0x1234, c, sizeof(c), true);
		if (by_arch)
			kdl_rec_put_arch(w, &arch);
		else
			kdl_rec_put_vmcoreinfo(w, &vi);
		kdl_rec_put_prstatus(w, &cpu);
		if (!CHECK_EQ(stream_pack(d, name, &elf, &st), 0)) {
			fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
			goto next;
		}
		check_same_dump(name, built_name, by_arch ? &ppc64 : &x86_big, d, built);
		/* headers and notes, then a 64 KiB page for each segment */
		CHECK_EQ(st.actual_size, 5 * 65536);
		CHECK_EQ(st.estimated_size, st.actual_size);
		CHECK_STR(st.arch, by_arch ? "ppc64" : "x86_64");
next:
		kdl_dump_free(built);
		kdl_dump_free(d);
	}
}

/* An alias is a PT_LOAD over bytes a segment holds, one per segment it
 * falls in, after the PT_NOTE as /proc/vmcore has the kernel's text; the
 * part of it no segment holds is left out, and said to be. */
static void test_aliases(void)
{
	static uint8_t low[0x3000], high[0x3000];
	kdl_dump *d = kdl_dump_new(ctx, "x86_64");
	char *warned = NULL;
	uint8_t *f = NULL;
	size_t len;

	for (size_t i = 0; i < sizeof(low); i++) {
		low[i] = (uint8_t)(i * 3 + 1);
		high[i] = (uint8_t)(i * 5 + 2);
	}
	if (!CHECK(d) ||
	    !CHECK_EQ(kdl_dump_add_segment_buffer(d, 0, 0xffff888000000000, low, sizeof(low)), 0) ||
	    !CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x3000, 0xffff888000003000, high, sizeof(high)), 0) ||
	    !CHECK_EQ(kdl_dump_add_alias(d, 0x2000, 0xffffffff81000000, 0x2000), 0) ||
	    !CHECK_EQ(kdl_dump_add_alias(d, 0x5000, 0xffffffffa0000000, 0x3000), 0))
		goto out;
	kdl_ctx_set_warn(ctx, collect_warnings, &warned);
	f = write_and_read(d, "aliases", &elf, &len, NULL);
	kdl_ctx_set_warn(ctx, NULL, NULL);
	CHECK_STR(warned, "alias of 0x5000-0x7fff at 0xffffffffa0000000: 0x6000-0x7fff is in no segment, so no alias of it\n");
	if (!CHECK(f) || !CHECK_EQ(phnum_of(f, false), 6))
		goto out;
	{
		struct phdr t1 = phdr(f, 1, false), t2 = phdr(f, 2, false), t3 = phdr(f, 3, false);
		struct phdr s0 = phdr(f, 4, false), s1 = phdr(f, 5, false);

		CHECK_EQ(t1.type, 1);
		CHECK_EQ(t1.paddr, 0x2000);
		CHECK_EQ(t1.vaddr, 0xffffffff81000000);
		CHECK_EQ(t1.filesz, 0x1000);
		CHECK_EQ(t1.offset, s0.offset + 0x2000);
		CHECK_EQ(t2.paddr, 0x3000);
		CHECK_EQ(t2.vaddr, 0xffffffff81001000);
		CHECK_EQ(t2.filesz, 0x1000);
		CHECK_EQ(t2.offset, s1.offset);
		CHECK_EQ(t3.paddr, 0x5000);
		CHECK_EQ(t3.filesz, 0x1000);
		CHECK_EQ(t3.offset, s1.offset + 0x2000);
		CHECK_EQ(s0.paddr, 0);
		CHECK_EQ(s1.paddr, 0x3000);
		/* the same bytes, not a copy */
		if (CHECK(t1.offset + t1.filesz <= len && t2.offset + t2.filesz <= len)) {
			CHECK_MEM(f + t1.offset, low + 0x2000, 0x1000);
			CHECK_MEM(f + t2.offset, high, 0x1000);
		}
		CHECK_EQ(len, s1.offset + sizeof(high));
	}
out:
	free(warned);
	free(f);
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	kdl_options_init(&elf);
	if (!CHECK_EQ(kdl_options_set_format(ctx, &elf, "elf"), 0))
		return 1;
	fill_segments();
	test_x86_64();
	test_aarch64_big_pages();
	test_big_endian();
	test_many_segments();
	test_pn_xnum();
	test_too_many_segments();
	test_nothing();
	test_unknown_format();
	test_notes_after_data();
	test_page_size_after_data();
	test_aliases();
	/* the dumps left (x86, arm, s390x, ppc64, many, nothing, two of each
	 * pair compared) and the stream: nothing for the failed one, no
	 * scratch file behind */
	CHECK_EQ(scratch_entries(), 6 + 6 + 1 + 1);
	kdl_ctx_free(ctx);
	return check_done("format/elf");
}
