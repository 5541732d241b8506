/* makedumpfile's kdump-compressed format, whole or in --split parts, from
 * makedumpfile, QEMU or us (diskdump_mod.h; "KDUMP   ", or "DISKDUMP" of
 * its ancestor): a header block, the sub header with the ELF notes, two
 * bitmaps (the pages that exist, the pages dumped), a descriptor per page
 * dumped, in page order, then the pages, each compressed alone or raw.
 * The fields are in the byte order of the dumped machine; which one the
 * header tells by a block_size that is a page size.
 *
 * Each run of pages the second bitmap has is a segment (virt = phys);
 * pages it leaves out (makedumpfile -d 31) stay out.  A file is read
 * where it keeps things: a block of the bitmap, the descriptors of a run
 * and its pages at a time, so that memory does not grow with the dump.
 * A pipe gives its bytes once, in file order, so the bitmap and every
 * descriptor come before the first page: it is read all the way to the
 * pages first, holding per dumped page its number and descriptor (24
 * bytes, as many as the descriptor has in the file).
 *
 * --split parts each hold the descriptors and pages of [start_pfn,
 * end_pfn) of one dump, with the whole dump's header and bitmaps: they
 * are read as one file, in page order. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"
#include "layout/kdump.h"

/* The sub header's size in each version: what older ones wrote ends
 * where their notes begin. */
static const uint32_t sub_header_size[] = {0, 16, 32, 48, 64, 80, 104};

/* Descriptors read from a file at a time. */
#define DESC_BATCH 4096

/* A page dumped: its number and its descriptor. */
struct page_ref {
	uint64_t pfn;
	uint64_t off;
	uint32_t size;
	uint32_t flags;
};

/* One file: the whole dump, or one part of a --split dump. */
struct part {
	struct kdl_input *in;
	uint8_t header[KDUMP_HEADER_SIZE];
	uint8_t sub[KDUMP_SUB_HEADER_SIZE]; /* zero past what the version has */
	int32_t version;
	uint32_t status;
	uint64_t start, end;        /* the pages it holds */
	uint64_t sub_end;           /* where the sub header's blocks end */
	uint64_t exist_off;         /* the bitmap of pages that exist, or 0 */
	uint64_t dumped_off;        /* the bitmap of pages dumped */
	uint64_t desc_off;
	/* reading it */
	uint8_t *block;             /* a block of the dumped bitmap */
	uint64_t block_no;          /* which, or UINT64_MAX */
	uint64_t descs_taken;
	uint8_t *descs;             /* read, not yet taken */
	size_t descs_fill, descs_next;
};

struct kdump_reader {
	struct kdl_unpacker *u;
	kdl_ctx *ctx;
	struct part *parts;
	size_t nparts;
	size_t cur;                 /* the part pages are taken from */
	bool be;
	uint32_t page;
	unsigned shift;
	uint64_t max_mapnr;
	/* a pipe: every page dumped, read before the first page */
	bool in_order;
	struct page_ref *refs;
	size_t nrefs, refs_cap, refs_next;
	uint64_t data_off;          /* where the pages begin */
	/* the page zero pages share, once one was read */
	bool zero_known;
	struct page_ref zero;
	/* pages out, as one DATA run */
	uint8_t *raw;               /* a compressed page */
	uint8_t *batch;
	size_t batch_fill;
};

/* ---- reading ---- */

static bool past_end(const struct kdl_input *in, uint64_t off, uint64_t n)
{
	return in->size != KDL_LENGTH_UNKNOWN && (off > in->size || n > in->size - off);
}

/* Exactly n bytes at off; an input of known size says where it ends,
 * a virtual one too. */
static int read_at(struct kdl_input *in, void *buf, size_t n, uint64_t off,
                   const char *what)
{
	if (past_end(in, off, n))
		return kdl_input_truncated(in, what);
	return kdl_input_read_at(in, buf, n, off, what);
}

/* ---- the headers ---- */

static uint32_t h32(const struct part *p, const struct kdump_reader *r, unsigned at)
{
	return kdl_get32(p->header + at, r->be);
}

static uint64_t s64(const struct part *p, const struct kdump_reader *r, unsigned at)
{
	return kdl_get64(p->sub + at, r->be);
}

/* The byte order, told by the block size, which is a page size in the
 * right one only: the swapped bytes of 2^12 to 2^18 are 2^20 to 2^23 or
 * 2^8 to 2^10. */
static int byte_order(struct kdump_reader *r, struct part *p)
{
	uint32_t le = kdl_get32(p->header + KH_BLOCK_SIZE, false);
	uint32_t be = kdl_get32(p->header + KH_BLOCK_SIZE, true);

	if (kdl_page_size_valid(le))
		r->be = false;
	else if (kdl_page_size_valid(be))
		r->be = true;
	else
		return kdl_input_corrupt(p->in, KH_BLOCK_SIZE, "block_size %" PRIu32 " (%" PRIu32 " in the other byte order) is not a page size: a power of two from 4096 to 262144",
		                         le, be);
	r->page = r->be ? be : le;
	for (r->shift = 0; (1u << r->shift) < r->page; r->shift++)
		;
	return 0;
}

static int read_header(struct kdump_reader *r, struct part *p, bool first)
{
	struct kdl_input *in = p->in;

	if (read_at(in, p->header, KDUMP_HEADER_SIZE, 0, "the header"))
		return -1;
	if (memcmp(p->header, "KDUMP   ", KDUMP_SIGNATURE_LEN) &&
	    memcmp(p->header, "DISKDUMP", KDUMP_SIGNATURE_LEN))
		return kdl_input_corrupt(in, KH_SIGNATURE, "no kdump signature (\"KDUMP   \" or \"DISKDUMP\")");
	if (first && byte_order(r, p))
		return -1;
	p->version = (int32_t)h32(p, r, KH_VERSION);
	if (p->version < 0)
		return kdl_input_corrupt(in, KH_VERSION, "header_version %" PRId32, p->version);
	p->status = h32(p, r, KH_STATUS);
	return 0;
}

/* The sub header, as much of it as the version has. */
static int read_sub_header(struct kdump_reader *r, struct part *p)
{
	int32_t blocks = (int32_t)h32(p, r, KH_SUB_HDR_SIZE);
	int32_t version = p->version < KDUMP_HEADER_VERSION ? p->version : KDUMP_HEADER_VERSION;
	uint32_t size = sub_header_size[version];

	if (blocks < 0 || (uint32_t)blocks * (uint64_t)r->page < size)
		return kdl_input_corrupt(p->in, KH_SUB_HDR_SIZE, "sub_hdr_size %" PRId32 " leaves no room for the %" PRIu32 "-byte sub header of version %" PRId32,
		                         blocks, size, p->version);
	p->sub_end = (1 + (uint64_t)blocks) * r->page;
	if (past_end(p->in, 0, p->sub_end))
		return kdl_input_corrupt(p->in, KH_SUB_HDR_SIZE, "sub_hdr_size %" PRId32 " puts the sub header's blocks up to byte %" PRIu64 ", past the end of the file (%" PRIu64 " bytes)",
		                         blocks, p->sub_end, p->in->size);
	return size ? read_at(p->in, p->sub, size, r->page, "the sub header") : 0;
}

/* The pages the dump has room for, and where its bitmaps are: two, each
 * of half the blocks, or (in files that have one) one of them all. */
static int layout(struct kdump_reader *r, struct part *p)
{
	uint32_t blocks = h32(p, r, KH_BITMAP_BLOCKS);
	uint64_t bits = (uint64_t)blocks * r->page * 8;
	uint64_t max_mapnr = p->version >= 6 ? s64(p, r, KS_MAX_MAPNR_64)
	                                     : h32(p, r, KH_MAX_MAPNR);
	unsigned max_mapnr_at = p->version >= 6 ? r->page + KS_MAX_MAPNR_64 : KH_MAX_MAPNR;

	if (max_mapnr > (UINT64_MAX >> r->shift))
		return kdl_input_corrupt(p->in, max_mapnr_at, "max_mapnr %" PRIu64 ": pages of %" PRIu32 " bytes that far go past the end of the address space",
		                         max_mapnr, r->page);
	if (max_mapnr > bits)
		return kdl_input_corrupt(p->in, KH_BITMAP_BLOCKS, "bitmap_blocks %" PRIu32 " holds %" PRIu64 " bits, fewer than max_mapnr %" PRIu64 " pages",
		                         blocks, bits, max_mapnr);
	p->desc_off = p->sub_end + (uint64_t)blocks * r->page;
	if (past_end(p->in, 0, p->desc_off))
		return kdl_input_corrupt(p->in, KH_BITMAP_BLOCKS, "bitmap_blocks %" PRIu32 " puts the bitmaps at bytes %" PRIu64 " to %" PRIu64 ", past the end of the file (%" PRIu64 " bytes)",
		                         blocks, p->sub_end, p->desc_off, p->in->size);
	if (max_mapnr <= (uint64_t)(blocks / 2) * r->page * 8) {
		p->exist_off = p->sub_end;
		p->dumped_off = p->sub_end + (uint64_t)(blocks / 2) * r->page;
	} else
		p->dumped_off = p->sub_end;
	p->start = 0;
	p->end = max_mapnr;
	if (p->version >= 2 && kdl_get32(p->sub + KS_SPLIT, r->be)) {
		unsigned at = p->version >= 6 ? KS_START_PFN_64 : KS_START_PFN;

		p->start = s64(p, r, at);
		p->end = s64(p, r, at + 8);
		if (p->start > p->end || p->end > max_mapnr)
			return kdl_input_corrupt(p->in, r->page + at, "a split part of pages %" PRIu64 " to %" PRIu64 " in a dump of %" PRIu64,
			                         p->start, p->end, max_mapnr);
	}
	if (p == r->parts)
		r->max_mapnr = max_mapnr;
	return 0;
}

/* ---- the description: architecture, notes ---- */

/* The descriptor of the first note of this name (with or without its
 * NUL) and type, or NULL; kdl_unpack_notes tells what is wrong with the
 * notes, this only looks. */
static const uint8_t *find_note(const uint8_t *notes, size_t len, bool be,
                                const char *name, uint32_t type, size_t *size)
{
	size_t name_len = strlen(name);

	for (size_t pos = 0; len - pos >= 12;) {
		uint64_t namesz = kdl_get32(notes + pos, be);
		uint64_t descsz = kdl_get32(notes + pos + 4, be);
		uint64_t next = 12 + ((namesz + 3) & ~3ull) + ((descsz + 3) & ~3ull);

		if (next > len - pos)
			break;
		if (kdl_get32(notes + pos + 8, be) == type &&
		    (namesz == name_len || (namesz == name_len + 1 && !notes[pos + 12 + name_len])) &&
		    !memcmp(notes + pos + 12, name, name_len)) {
			*size = (size_t)descsz;
			return notes + pos + 12 + ((namesz + 3) & ~3ull);
		}
		pos += next;
	}
	return NULL;
}

/* The machine the utsname names; QEMU leaves it empty, and makedumpfile
 * does without VMCOREINFO: then the machine whose NT_PRSTATUS has the
 * size of the one in the notes, in the header's byte order. */
static int find_arch(struct kdump_reader *r, const struct part *p,
                     const uint8_t *notes, size_t len, const struct kdl_arch **arch)
{
	char machine[KDUMP_UTS_FIELD + 1] = {0};
	char *names;

	memcpy(machine, p->header + KH_MACHINE, KDUMP_UTS_FIELD);
	*arch = NULL;
	if (!machine[0]) {
		size_t size;

		if (find_note(notes, len, r->be, "CORE", 1, &size))
			*arch = kdl_prstatus_arch(size, r->be);
		return 0;
	}
	*arch = kdl_arch_find(machine);
	if (!*arch) {
		names = kdl_names(&kdl_arches);
		kdl_err(r->ctx, KDL_ERR_UNSUPPORTED, "%s: at byte %d: machine '%s' is not an architecture that can be read (known: %s)",
		        p->in->name, KH_MACHINE, machine, names ? names : "?");
		free(names);
		return -1;
	}
	if ((*arch)->big_endian != r->be)
		return kdl_input_corrupt(p->in, KH_MACHINE, "machine %s is %s-endian, and the header is not",
		                         machine, r->be ? "little" : "big");
	return 0;
}

/* The stream carries phys_base in the VMCOREINFO alone (vmc-pack takes
 * it from NUMBER(phys_base)): one that differs there is lost. */
static void check_phys_base(struct kdump_reader *r, const struct part *p,
                            const char *vmcoreinfo, size_t len)
{
	uint64_t phys_base = s64(p, r, KS_PHYS_BASE);
	size_t vlen = 0;
	const char *v = vmcoreinfo ? kdl_vmcoreinfo_get(vmcoreinfo, len, "NUMBER(phys_base)", &vlen) : NULL;
	char value[32] = "none";

	if (v) {
		memcpy(value, v, vlen < sizeof(value) - 1 ? vlen : sizeof(value) - 1);
		if (strtoull(value, NULL, 0) == phys_base)
			return;
	} else if (!phys_base)
		return;
	kdl_warn(r->ctx, "%s: at byte %" PRIu32 ": phys_base 0x%" PRIx64 " is not the VMCOREINFO's NUMBER(phys_base) (%s), which alone a dump written from the stream has",
	         p->in->name, r->page + KS_PHYS_BASE, phys_base, value);
}

static int describe(struct kdump_reader *r, struct part *p)
{
	uint64_t off = s64(p, r, KS_OFFSET_NOTE), len = s64(p, r, KS_SIZE_NOTE);
	const struct kdl_arch *arch;
	uint8_t *notes = NULL;
	int ret = -1;

	if (p->version < 4 || !len) {
		off = 0;
		len = 0;
	} else if (off < r->page || off > p->sub_end || len > p->sub_end - off)
		return kdl_input_corrupt(p->in, r->page + KS_OFFSET_NOTE, "notes at byte %" PRIu64 " of %" PRIu64 " bytes, outside the sub header's blocks (bytes %" PRIu32 " to %" PRIu64 ")",
		                         off, len, r->page, p->sub_end);
	if (len && !(notes = kdl_input_fetch(p->in, off, len, "the notes")))
		return -1;
	if (find_arch(r, p, notes, (size_t)len, &arch))
		goto out;
	kdl_unpack_page_size(r->u, r->page);
	if (arch && kdl_unpack_arch(r->u, arch))
		goto out;
	if (p->version == 3 && s64(p, r, KS_SIZE_VMCOREINFO)) {
		/* before version 4 the vmcoreinfo is the only note */
		uint64_t vlen = s64(p, r, KS_SIZE_VMCOREINFO);
		uint8_t *text = kdl_input_fetch(p->in, s64(p, r, KS_OFFSET_VMCOREINFO), vlen,
		                                "the vmcoreinfo");

		if (!text)
			goto out;
		while (vlen && !text[vlen - 1])
			vlen--;
		check_phys_base(r, p, (const char *)text, (size_t)vlen);
		ret = kdl_unpack_vmcoreinfo(r->u, (const char *)text, (size_t)vlen);
		free(text);
		goto out;
	}
	if (p->version >= 1) {
		size_t vlen;
		const uint8_t *text = find_note(notes, (size_t)len, r->be, "VMCOREINFO", 0, &vlen);

		check_phys_base(r, p, (const char *)text, text ? vlen : 0);
	}
	ret = kdl_unpack_notes(r->u, p->in, arch, r->be, notes, (size_t)len, off);
out:
	free(notes);
	return ret;
}

/* ---- the parts of a --split dump ---- */

static uint64_t addr(const struct kdump_reader *r, uint64_t pfn)
{
	return pfn << r->shift;
}

/* An empty part (more files than pages) before the one that starts where
 * it is. */
static int by_start(const void *a, const void *b)
{
	const struct part *x = a, *y = b;

	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->end > y->end) - (x->end < y->end);
}

/* The same dump, cut in ranges that follow each other from its first
 * page to its last. */
static int check_parts(struct kdump_reader *r)
{
	struct part *first;

	qsort(r->parts, r->nparts, sizeof(*r->parts), by_start);
	first = &r->parts[0];
	for (size_t i = 1; i < r->nparts; i++) {
		struct part *p = &r->parts[i], *prev = &r->parts[i - 1];

		for (unsigned k = 0; k < KDUMP_HEADER_SIZE; k++)
			if (k / 4 != KH_STATUS / 4 && p->header[k] != first->header[k])
				return kdl_err(r->ctx, KDL_ERR_INVALID, "%s and %s are not parts of one dump: their headers differ at byte %u",
				               first->in->name, p->in->name, k);
		if (memcmp(p->sub, first->sub, KS_SPLIT) ||
		    memcmp(p->sub + KS_MAX_MAPNR_64, first->sub + KS_MAX_MAPNR_64, 8))
			return kdl_err(r->ctx, KDL_ERR_INVALID, "%s and %s are not parts of one dump: their sub headers differ in phys_base, dump_level or max_mapnr_64",
			               first->in->name, p->in->name);
		if (p->start < prev->end)
			return kdl_err(r->ctx, KDL_ERR_INVALID, "%s and %s both hold the pages from 0x%" PRIx64 " to 0x%" PRIx64,
			               prev->in->name, p->in->name, addr(r, p->start),
			               addr(r, prev->end < p->end ? prev->end : p->end) - 1);
		if (p->start > prev->end)
			return kdl_err(r->ctx, KDL_ERR_INVALID, "no part given holds the pages from 0x%" PRIx64 " to 0x%" PRIx64 " (between %s and %s): give every part of the makedumpfile --split dump",
			               addr(r, prev->end), addr(r, p->start) - 1, prev->in->name, p->in->name);
	}
	if (first->start || r->parts[r->nparts - 1].end != r->max_mapnr) {
		bool head = first->start != 0;
		uint64_t from = head ? 0 : r->parts[r->nparts - 1].end;
		uint64_t to = head ? first->start : r->max_mapnr;

		return kdl_err(r->ctx, KDL_ERR_INVALID, "no part given holds the pages from 0x%" PRIx64 " to 0x%" PRIx64 " (%s %s): give every part of the makedumpfile --split dump",
		               addr(r, from), addr(r, to) - 1, head ? "before" : "after",
		               head ? first->in->name : r->parts[r->nparts - 1].in->name);
	}
	return 0;
}

/* ---- which pages are dumped ---- */

static bool bit(const uint8_t *map, uint64_t i)
{
	return map[i / 8] >> (i % 8) & 1;
}

/* Whether the 64 bits from i on (i a multiple of 64) have one that is
 * set, or clear: a sparse bitmap is passed over a word at a time. */
static bool word_holds(const uint8_t *map, uint64_t i, bool set)
{
	uint64_t w;

	memcpy(&w, map + i / 8, sizeof(w));
	return set ? w != 0 : w != UINT64_MAX;
}

/* The block of p's dumped bitmap that holds pfn.  Where the input can be
 * read anywhere, the block of the other bitmap that matches it is read
 * first and dropped: a flattened stream read from a pipe, which brings
 * both, then need not hold that bitmap back for us. */
static const uint8_t *dumped_block(struct kdump_reader *r, struct part *p,
                                   uint64_t pfn, uint64_t *first)
{
	uint64_t per_block = (uint64_t)r->page * 8, no = pfn / per_block;

	*first = no * per_block;
	if (p->block_no == no)
		return p->block;
	if (p->exist_off && !r->in_order &&
	    read_at(p->in, p->block, r->page, p->exist_off + no * r->page,
	            "the bitmap of pages that exist"))
		return NULL;
	if (read_at(p->in, p->block, r->page, p->dumped_off + no * r->page,
	            "the bitmap of pages dumped"))
		return NULL;
	p->block_no = no;
	return p->block;
}

/* The first page from pfn on (of those the parts hold) that is dumped,
 * if set, or that is not; max_mapnr if none. */
static int scan(struct kdump_reader *r, uint64_t pfn, bool set, uint64_t *found)
{
	for (size_t i = 0; i < r->nparts; i++) {
		struct part *p = &r->parts[i];

		if (pfn < p->start)
			pfn = p->start;
		while (pfn < p->end) {
			uint64_t first, last;
			const uint8_t *map = dumped_block(r, p, pfn, &first);

			if (!map)
				return -1;
			last = first + (uint64_t)r->page * 8;
			if (last > p->end)
				last = p->end;
			for (; pfn < last; pfn++) {
				if (!(pfn % 64) && pfn + 64 <= last && !word_holds(map, pfn - first, set)) {
					pfn += 63;
					continue;
				}
				if (bit(map, pfn - first) == set) {
					*found = pfn;
					return 0;
				}
			}
		}
	}
	*found = set ? r->max_mapnr : pfn;
	return 0;
}

/* ---- a pipe: every descriptor first ---- */

/* The numbers of the dumped pages, from the bitmap, then their
 * descriptors; 24 bytes a page, which the file spends on the descriptor
 * alone, so memory stays below the size of what was read. */
static int read_refs(struct kdump_reader *r)
{
	struct part *p = &r->parts[0];

	if (p->exist_off && kdl_input_seek(p->in, p->dumped_off, "the bitmap of pages that exist"))
		return -1;

	for (uint64_t pfn = 0; pfn < r->max_mapnr; pfn++) {
		uint64_t first;
		const uint8_t *map = dumped_block(r, p, pfn, &first);

		if (!map)
			return -1;
		if (!(pfn % 64) && pfn + 64 <= r->max_mapnr && !word_holds(map, pfn - first, true)) {
			pfn += 63;
			continue;
		}
		if (!bit(map, pfn - first))
			continue;
		if (kdl_grow(r->ctx, &r->refs, &r->refs_cap, r->nrefs, sizeof(*r->refs)))
			return -1;
		r->refs[r->nrefs++].pfn = pfn;
	}
	for (size_t i = 0; i < r->nrefs; i += p->descs_fill) {
		p->descs_fill = r->nrefs - i < DESC_BATCH ? r->nrefs - i : DESC_BATCH;
		if (read_at(p->in, p->descs, p->descs_fill * KDUMP_DESC_SIZE,
		            p->desc_off + i * KDUMP_DESC_SIZE, "the page descriptors"))
			return -1;
		for (size_t k = 0; k < p->descs_fill; k++) {
			const uint8_t *d = p->descs + k * KDUMP_DESC_SIZE;

			r->refs[i + k].off = kdl_get64(d + PD_OFFSET, r->be);
			r->refs[i + k].size = kdl_get32(d + PD_SIZE, r->be);
			r->refs[i + k].flags = kdl_get32(d + PD_FLAGS, r->be);
		}
	}
	r->data_off = p->desc_off + r->nrefs * KDUMP_DESC_SIZE;
	return 0;
}

/* ---- pages ---- */

static int flush_batch(struct kdump_reader *r)
{
	struct kdl_source src;

	if (!r->batch_fill)
		return 0;
	kdl_source_buffer(&src, r->ctx, r->batch, r->batch_fill);
	r->batch_fill = 0;
	return kdl_unpack_bytes(r->u, &src);
}

static int lost(struct kdump_reader *r, struct part *p, uint64_t at,
                const struct page_ref *ref, const char *why)
{
	return flush_batch(r) ||
	       kdl_unpack_lost(r->u, r->page, "%s: at byte %" PRIu64 ": the page at 0x%" PRIx64 ": %s",
	                       p->in->name, at, addr(r, ref->pfn), why);
}

static bool same_bytes(const struct page_ref *a, const struct page_ref *b)
{
	return a->off == b->off && a->size == b->size && a->flags == b->flags;
}

/* The page a descriptor (at byte at) tells of, out as bytes, or zeros. */
static int take_page(struct kdump_reader *r, struct part *p,
                     const struct page_ref *ref, uint64_t at)
{
	const struct kdl_codec *codec = kdl_codec_by_flag(ref->flags);
	uint8_t *page = r->batch + r->batch_fill;
	char why[160];

	if (r->zero_known && same_bytes(ref, &r->zero))
		return flush_batch(r) || kdl_unpack_zero(r->u, r->page);
	if (!ref->size && !ref->off)
		return lost(r, p, at, ref, "its descriptor is empty: the page was not written");
	if (!codec) {
		snprintf(why, sizeof(why), "its descriptor's flags 0x%" PRIx32 " name no compression", ref->flags);
		return lost(r, p, at, ref, why);
	}
	if (!codec->decompress && ref->size != r->page) {
		snprintf(why, sizeof(why), "its descriptor gives a raw page of %" PRIu32 " bytes, and pages have %" PRIu32,
		         ref->size, r->page);
		return lost(r, p, at, ref, why);
	}
	if (codec->decompress && (!ref->size || ref->size > r->page)) {
		snprintf(why, sizeof(why), "its descriptor gives %" PRIu32 " bytes of %s data, not 1 to %" PRIu32,
		         ref->size, codec->info.name, r->page);
		return lost(r, p, at, ref, why);
	}
	if (past_end(p->in, ref->off, ref->size)) {
		snprintf(why, sizeof(why), "its descriptor points at bytes %" PRIu64 " to %" PRIu64 ", past the end of the file (%" PRIu64 " bytes)",
		         ref->off, ref->off + ref->size, p->in->size);
		return lost(r, p, at, ref, why);
	}
	if (r->in_order && ref->off < p->in->pos) {
		snprintf(why, sizeof(why), "the page descriptor at byte %" PRIu64 " points back to byte %" PRIu64, at, ref->off);
		return kdl_input_needs_file(p->in, why);
	}
	if (read_at(p->in, codec->decompress ? r->raw : page, ref->size, ref->off, "a page"))
		return -1;
	if (codec->decompress && codec->decompress(r->raw, ref->size, page, r->page)) {
		snprintf(why, sizeof(why), "its %" PRIu32 " bytes of %s data do not decompress to %" PRIu32,
		         ref->size, codec->info.name, r->page);
		return lost(r, p, ref->off, ref, why);
	}
	if (!r->zero_known && kdl_page_is_zero(page, r->page)) {
		r->zero_known = true;
		r->zero = *ref;
	}
	r->batch_fill += r->page;
	return r->batch_fill + r->page > KDL_CHUNK ? flush_batch(r) : 0;
}

/* The descriptor of pfn, the next dumped page of p; n the pages from it
 * on whose descriptors may be read at once. */
static int next_ref(struct kdump_reader *r, struct part *p, uint64_t pfn,
                    uint64_t n, struct page_ref *ref, uint64_t *at)
{
	const uint8_t *d;

	if (r->in_order) {
		*ref = r->refs[r->refs_next];
		*at = p->desc_off + r->refs_next++ * KDUMP_DESC_SIZE;
		return 0;
	}
	if (p->descs_next == p->descs_fill) {
		size_t k = n < DESC_BATCH ? (size_t)n : DESC_BATCH;

		if (read_at(p->in, p->descs, k * KDUMP_DESC_SIZE,
		            p->desc_off + p->descs_taken * KDUMP_DESC_SIZE, "the page descriptors"))
			return -1;
		p->descs_fill = k;
		p->descs_next = 0;
	}
	d = p->descs + p->descs_next++ * KDUMP_DESC_SIZE;
	*at = p->desc_off + p->descs_taken++ * KDUMP_DESC_SIZE;
	ref->pfn = pfn;
	ref->off = kdl_get64(d + PD_OFFSET, r->be);
	ref->size = kdl_get32(d + PD_SIZE, r->be);
	ref->flags = kdl_get32(d + PD_FLAGS, r->be);
	return 0;
}

/* The run of dumped pages at or after pfn: [*start, *end). */
static int next_run(struct kdump_reader *r, uint64_t pfn, uint64_t *start,
                    uint64_t *end)
{
	if (r->in_order) {
		size_t i = r->refs_next;

		if (i == r->nrefs) {
			*start = *end = r->max_mapnr;
			return 0;
		}
		*start = r->refs[i].pfn;
		while (++i < r->nrefs && r->refs[i].pfn == r->refs[i - 1].pfn + 1)
			;
		*end = r->refs[i - 1].pfn + 1;
		return 0;
	}
	if (scan(r, pfn, true, start))
		return -1;
	return *start < r->max_mapnr ? scan(r, *start + 1, false, end) : (*end = *start, 0);
}

/* A run, its pages from the parts that hold them. */
static int take_run(struct kdump_reader *r, uint64_t start, uint64_t end)
{
	if (kdl_unpack_segment(r->u, addr(r, start), addr(r, start), addr(r, end - start)))
		return -1;
	for (uint64_t pfn = start; pfn < end; pfn++) {
		struct part *p;
		struct page_ref ref;
		uint64_t at;

		while (pfn >= r->parts[r->cur].end)
			r->cur++;
		p = &r->parts[r->cur];
		if (next_ref(r, p, pfn, (end < p->end ? end : p->end) - pfn, &ref, &at) ||
		    take_page(r, p, &ref, at))
			return -1;
	}
	return flush_batch(r) || kdl_unpack_end(r->u);
}

/* In a pipe, the page zero pages share (at the start of the data, as
 * makedumpfile and QEMU put it) is read before the pages that come
 * first, when any but the first page point at it. */
static int read_shared_zero(struct kdump_reader *r)
{
	struct part *p = &r->parts[0];

	for (size_t i = 1; i < r->nrefs; i++) {
		struct page_ref *ref = &r->refs[i];

		if (ref->off == r->data_off && ref->size == r->page && !ref->flags) {
			if (read_at(p->in, r->batch, r->page, r->data_off, "a page"))
				return -1;
			if (kdl_page_is_zero(r->batch, r->page)) {
				r->zero_known = true;
				r->zero = *ref;
			}
			return 0;
		}
	}
	return 0;
}

static int take_pages(struct kdump_reader *r)
{
	uint64_t pfn = 0, start, end;

	if (r->in_order && (read_refs(r) || read_shared_zero(r)))
		return -1;
	for (;;) {
		if (next_run(r, pfn, &start, &end))
			return -1;
		if (start >= r->max_mapnr)
			return 0;
		if (take_run(r, start, end))
			return -1;
		pfn = end;
	}
}

/* ---- the reader ---- */

static int open_part(struct kdump_reader *r, struct part *p, struct kdl_input *in,
                     bool first)
{
	p->in = in;
	p->block_no = UINT64_MAX;
	if (read_header(r, p, first) || read_sub_header(r, p) || layout(r, p))
		return -1;
	if (p->status & KDUMP_STATUS_INCOMPLETE)
		kdl_warn(r->ctx, "%s: the dump is incomplete (makedumpfile ran out of room): the pages it did not write are lost",
		         in->name);
	p->block = kdl_alloc(r->ctx, r->page);
	p->descs = kdl_alloc(r->ctx, (size_t)DESC_BATCH * KDUMP_DESC_SIZE);
	return p->block && p->descs ? 0 : -1;
}

static void free_reader(struct kdump_reader *r)
{
	for (size_t i = 0; r->parts && i < r->nparts; i++) {
		free(r->parts[i].block);
		free(r->parts[i].descs);
	}
	free(r->parts);
	free(r->refs);
	free(r->raw);
	free(r->batch);
}

static int kdump_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	struct kdump_reader r = {.u = u, .ctx = kdl_unpack_ctx(u), .nparts = n};
	int ret = -1;

	r.parts = kdl_alloc(r.ctx, n * sizeof(*r.parts));
	if (!r.parts)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (n > 1 && !ins[i].seekable) {
			kdl_input_needs_file(&ins[i], "the parts of a split dump are read side by side");
			goto out;
		}
		if (open_part(&r, &r.parts[i], &ins[i], i == 0))
			goto out;
		if (r.parts[i].version < 2 || !kdl_get32(r.parts[i].sub + KS_SPLIT, r.be)) {
			if (n > 1) {
				kdl_err(r.ctx, KDL_ERR_INVALID, "%s is a whole dump, not a part of a makedumpfile --split dump: it is read alone",
				        ins[i].name);
				goto out;
			}
		}
	}
	if (check_parts(&r))
		goto out;
	r.in_order = !ins[0].seekable;
	r.raw = kdl_alloc(r.ctx, r.page);
	r.batch = kdl_alloc(r.ctx, KDL_CHUNK);
	if (!r.raw || !r.batch)
		goto out;
	ret = describe(&r, &r.parts[0]) || take_pages(&r) ? -1 : 0;
out:
	free_reader(&r);
	return ret;
}

/* makedumpfile's signature, or that of diskdump, its ancestor. */
static bool kdump_probe(const uint8_t *head, size_t n)
{
	return n >= 8 && (!memcmp(head, "KDUMP   ", 8) || !memcmp(head, "DISKDUMP", 8));
}

const struct kdl_input_ops kdl_input_kdump = {
	.info = {
		.name = "kdump",
		.summary = "makedumpfile's kdump-compressed format, whole or in --split parts, from makedumpfile, QEMU or us",
	},
	.probe = kdump_probe,
	.unpack = kdump_unpack,
	.takes_parts = true,
};
