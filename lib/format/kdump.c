/* makedumpfile's kdump-compressed format (diskdump.h, "KDUMP   "): a header
 * block, the sub-header with the ELF notes, two bitmaps of the pages
 * present, a descriptor per page, then the pages, each compressed alone.
 *
 * The descriptors come before the pages but their number is known only at
 * the end of a stream, unless the stream said which segments would come
 * (job->ahead).  Then compressed pages go straight to their
 * place in the dump, and if the promise held and they came in page order,
 * that is where they stay.  Otherwise they are stored in a scratch file
 * (or the dump file, become one) and copied after the descriptors when
 * everything is known.  The list of them goes to a scratch file of its
 * own beyond a run of entries (page-list.c).
 *
 * A page a segment covers only in part is compressed with zeros for the
 * bytes it lacks once the stream moves past it; the rest may come in a
 * later segment, in any order, and such parts are merged at the end.  A
 * stream in page order thus keeps one page aside at a time. */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/format.h"
#include "layout/kdump.h"

#define WBUF_SIZE KDL_CHUNK
/* Entries kept in memory: 1.5 MiB, a run of 256 MiB of stored pages. */
#define RUN_ENTRIES 65536
#define ZERO_PAGE UINT64_MAX

/* A page list entry is a stored page (off in the scratch file), or a run
 * of zero pages (off ZERO_PAGE, size the number of pages), so that holes
 * in the input cost no memory per page. */

/* In kd_page.flags beside the codec's flag, never written: a page that
 * holds only part of its bytes, which another part may join. */
#define PARTIAL 0x80000000u

struct kdump_priv {
	kdl_ctx *ctx;
	uint32_t page;
	unsigned shift;
	struct kdl_compressor *comp;
	uint8_t *part;     /* the page being filled in part, zero elsewhere */
	uint64_t part_pfn;
	bool part_open;
	int scratch;          /* where stored pages go */
	const char *scratch_name;
	uint64_t scratch_base; /* where in it the first one goes */
	uint64_t scratch_len;
	bool direct;          /* the scratch is the dump, laid out ahead */
	uint8_t *wbuf;
	size_t wfill;
	struct kdl_page_list pages;
	bool in_place;      /* the pages are in the scratch file in page order */
	uint64_t npages;
	uint64_t zero_pages;
};

static bool excludes_zero(const struct kdl_job *job)
{
	return job->plan->dump_level & 1;
}

static int flush_wbuf(struct kdump_priv *priv)
{
	size_t n = priv->wfill;

	priv->wfill = 0;
	return kdl_pwrite_all(priv->ctx, priv->scratch, priv->scratch_name, priv->wbuf, n,
	                      priv->scratch_base + priv->scratch_len - n);
}

static int take_zero(struct kdump_priv *priv, const struct kdl_page *page)
{
	struct kdl_page_entry *p = kdl_page_list_last(&priv->pages);

	/* zero pages in a row, from holes or not, share one entry; a
	 * partial one keeps its own, to be merged */
	if (page->count == 1 && !page->partial && p && p->off == ZERO_PAGE &&
	    !(p->flags & PARTIAL) && p->pfn + p->size == page->pfn && p->size < UINT32_MAX) {
		p->size++;
		priv->zero_pages++;
		priv->npages++;
		return 0;
	}
	for (uint64_t done = 0; done < page->count;) {
		uint64_t n = page->count - done < UINT32_MAX ? page->count - done
		                                             : UINT32_MAX;
		struct kdl_page_entry e = {
			.pfn = page->pfn + done,
			.off = ZERO_PAGE,
			.size = (uint32_t)n,
			.flags = page->partial ? PARTIAL : 0,
		};

		if (kdl_page_list_add(&priv->pages, &e))
			return -1;
		done += n;
	}
	priv->zero_pages += page->count;
	priv->npages += page->count;
	return 0;
}

static int take_page(void *arg, const struct kdl_page *page)
{
	struct kdump_priv *priv = arg;
	struct kdl_page_entry e = {
		.pfn = page->pfn,
		.off = priv->scratch_len,
		.size = page->size,
		.flags = page->flags | (page->partial ? PARTIAL : 0),
	};

	if (page->zero)
		return take_zero(priv, page);
	if (kdl_page_list_add(&priv->pages, &e))
		return -1;
	priv->npages++;
	if (page->size > WBUF_SIZE - priv->wfill && flush_wbuf(priv))
		return -1;
	memcpy(priv->wbuf + priv->wfill, page->data, page->size);
	priv->wfill += page->size;
	priv->scratch_len += page->size;
	return 0;
}

/* Pages an entry stands for. */
static uint64_t entry_pages(const struct kdl_page_entry *p)
{
	return p->off == ZERO_PAGE ? p->size : 1;
}

/* The page filled in part goes to be compressed. */
static int close_part(struct kdump_priv *priv)
{
	uint8_t *page;

	if (!priv->part_open)
		return 0;
	page = kdl_compressor_partial_page(priv->comp, priv->part_pfn);
	if (!page)
		return -1;
	memcpy(page, priv->part, priv->page);
	memset(priv->part, 0, priv->page);
	priv->part_open = false;
	return 0;
}

/* The page at pfn to be filled in part: the one open if it is that page. */
static uint8_t *part_page(struct kdump_priv *priv, uint64_t pfn)
{
	if (priv->part_open && priv->part_pfn == pfn)
		return priv->part;
	if (close_part(priv))
		return NULL;
	priv->part_pfn = pfn;
	priv->part_open = true;
	return priv->part;
}

/* The bitmaps span every page frame up to the highest, so memory above
 * any the machine can have would make them absurd: refused. last is the
 * segment's last byte. */
static int within_phys_bits(const struct kdl_job *job, uint64_t phys, uint64_t last)
{
	const struct kdl_arch *arch = kdl_dump_arch(job->dump);

	if (arch->phys_bits >= 64 || last >> arch->phys_bits == 0)
		return 0;
	return kdl_err(job->ctx, KDL_ERR_UNSUPPORTED,
	               "the segment at 0x%" PRIx64 " ends past 2^%u, where %s's physical addresses end: the kdump format's bitmaps would span all of it; write ELF",
	               phys, arch->phys_bits, arch->info.name);
}

/* The same for every segment of the frozen dump: the architecture may
 * have been named after them, and a dry run is told what a write would
 * do. */
static int segments_within_phys_bits(const struct kdl_job *job)
{
	const kdl_dump *dump = job->dump;

	for (size_t i = 0; i < dump->nsegs; i++)
		if (within_phys_bits(job, dump->segs[i].phys, dump->segs[i].phys + (dump->segs[i].len - 1)))
			return -1;
	return 0;
}

/* Of the n pages from pfn, how many the dump level keeps in a row. */
static uint64_t kept_run(const struct kdl_job *job, uint64_t pfn, uint64_t n)
{
	uint64_t k = 1;

	if (!job->excluded)
		return n;
	while (k < n && !kdl_left_out(job->excluded, pfn + k))
		k++;
	return k;
}

static int kdump_bytes(struct kdl_job *job, struct kdl_source *src)
{
	struct kdump_priv *priv = job->priv;
	uint64_t addr = job->seg.phys + job->seg.filled;
	bool zeros = kdl_source_is_zero(src);

	/* a segment of a length told only at its end */
	if (src->len && within_phys_bits(job, job->seg.phys, addr + (src->len - 1)))
		return -1;

	while (src->len) {
		uint32_t in = (uint32_t)(addr & (priv->page - 1));
		uint64_t pfn = addr >> priv->shift, n = src->len, got;
		uint8_t *page;

		if (kdl_left_out(job->excluded, pfn)) {
			/* the rest of the page, and the left-out pages after it */
			uint64_t skip = priv->page - in;

			while (skip < n && kdl_left_out(job->excluded, (addr + skip) >> priv->shift))
				skip += priv->page;
			skip = skip < n ? skip : n;
			if (kdl_source_skip(src, skip))
				return -1;
			addr += skip;
			continue;
		}
		if (!in && n >= priv->page) {
			uint64_t want = kept_run(job, pfn, n >> priv->shift);

			/* pages in the order they came */
			if (close_part(priv))
				return -1;
			if (zeros && excludes_zero(job)) {
				/* whole zero pages, left out anyway: a run,
				 * never touched */
				got = want;
				if (kdl_compressor_zero_run(priv->comp, pfn, got) ||
				    kdl_source_skip(src, got << priv->shift))
					return -1;
			} else {
				page = kdl_compressor_pages(priv->comp, pfn, want, &got);
				if (!page || kdl_source_read(src, page, (size_t)got << priv->shift))
					return -1;
			}
			addr += got << priv->shift;
			continue;
		}
		got = priv->page - in < n ? priv->page - in : n;
		page = part_page(priv, pfn);
		/* a partial page is zero-filled already: zeros need no copy */
		if (!page || (zeros ? kdl_source_skip(src, got)
		                    : kdl_source_read(src, page + in, (size_t)got)))
			return -1;
		addr += got;
	}
	return 0;
}

/* The bytes of a stored page, read back from the scratch file. */
static int load_page(struct kdump_priv *priv, const struct kdl_codec *codec,
                     const struct kdl_page_entry *p, uint8_t *dst, uint8_t *tmp)
{
	uint32_t flags = p->flags & ~PARTIAL;

	if (p->off == ZERO_PAGE) {
		memset(dst, 0, priv->page);
		return 0;
	}
	if (kdl_read_back(priv->ctx, priv->scratch, priv->scratch_name, flags ? tmp : dst, p->size,
	                  priv->scratch_base + p->off))
		return -1;
	if (flags && codec->decompress(tmp, p->size, dst, priv->page))
		return kdl_err(priv->ctx, KDL_ERR_IO, "scratch file: a page written to it does not decompress");
	return 0;
}

/* What merging needs: a codec state and room for three pages. */
struct merging {
	void *state;
	uint8_t *buf;
};

static int merging_start(struct kdl_job *job, struct merging *m)
{
	const struct kdl_codec *codec = job->plan->codec;
	uint32_t page = ((struct kdump_priv *)job->priv)->page;

	if (m->buf)
		return 0;
	m->state = codec->new_state ? codec->new_state(job->plan->level) : NULL;
	m->buf = malloc(2 * (size_t)page + codec->bound(page));
	if (m->buf && (!codec->new_state || m->state))
		return 0;
	kdl_err(job->ctx, KDL_ERR_NOMEM, "out of memory");
	return -1;
}

static void merging_end(struct kdl_job *job, struct merging *m)
{
	if (m->state)
		job->plan->codec->free_state(m->state);
	free(m->buf);
}

/* The n entries at parts, parts of one page (their bytes never overlap,
 * so OR puts them together), become one: the merged page, stored at the
 * end of the scratch file and listed. */
static int merge_parts(struct kdl_job *job, const struct kdl_page_entry *parts, size_t n,
                       struct merging *m)
{
	struct kdump_priv *priv = job->priv;
	const struct kdl_codec *codec = job->plan->codec;
	size_t bound = codec->bound(priv->page);
	uint8_t *merged, *one, *tmp;
	/* partial still: a zero page joins no run of zero pages */
	struct kdl_page page = {.pfn = parts->pfn, .count = 1, .partial = true};

	if (merging_start(job, m))
		return -1;
	merged = m->buf;
	one = merged + priv->page;
	tmp = one + priv->page;
	memset(merged, 0, priv->page);
	for (size_t i = 0; i < n; i++) {
		if (!(parts[i].flags & PARTIAL))
			return kdl_err(job->ctx, KDL_ERR_CORRUPT, "page 0x%" PRIx64 " is stored twice",
			               parts->pfn << priv->shift);
		if (load_page(priv, codec, &parts[i], one, tmp))
			return -1;
		for (uint32_t k = 0; k < priv->page; k++)
			merged[k] |= one[k];
	}
	/* as the compressor would have stored it whole */
	page.zero = excludes_zero(job) && kdl_page_is_zero(merged, priv->page);
	if (!page.zero) {
		size_t size = codec->compress(m->state, merged, priv->page, tmp, bound);

		page.data = size && size < priv->page ? tmp : merged;
		page.size = page.data == tmp ? (uint32_t)size : priv->page;
		page.flags = page.data == tmp ? codec->flag : 0;
	}
	return take_page(priv, &page);
}

/* An entry of the list made anew, with the counts. */
static int keep_entry(struct kdump_priv *priv, const struct kdl_page_entry *e,
                      uint64_t *next_off)
{
	if (kdl_page_list_add(&priv->pages, e))
		return -1;
	priv->npages += entry_pages(e);
	if (e->off == ZERO_PAGE) {
		priv->zero_pages += e->size;
	} else {
		priv->in_place &= e->off == *next_off;
		*next_off = e->off + e->size;
	}
	return 0;
}

/* Every page once: the list read back in page order and made anew, the
 * parts of a page merged, a page given twice refused; and whether the
 * pages lie in the scratch file in page order, nothing between them. */
static int clean_pages(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	struct kdl_page_list old = priv->pages;
	struct kdl_page_cursor cur = {0};
	struct kdl_page_entry *group = NULL, e;
	struct merging m = {0};
	size_t ngroup, group_cap = 0;
	uint64_t next_off = 0;
	int got, ret = -1;

	if (kdl_page_list_init(&priv->pages, job->ctx, job->out, RUN_ENTRIES)) {
		kdl_page_list_free(&priv->pages);
		priv->pages = old;
		return -1;
	}
	priv->npages = priv->zero_pages = 0;
	priv->in_place = true;
	if (kdl_page_cursor_open(&cur, &old))
		goto out;
	got = kdl_page_cursor_next(&cur, &e);
	while (got > 0) {
		uint64_t end = e.pfn + entry_pages(&e);

		/* the entries that start inside the first one's pages */
		for (ngroup = 0; got > 0 && (!ngroup || e.pfn < end); ngroup++) {
			if (kdl_grow(job->ctx, &group, &group_cap, ngroup, sizeof(*group)))
				goto out;
			group[ngroup] = e;
			got = kdl_page_cursor_next(&cur, &e);
		}
		if (got < 0)
			goto out;
		if (ngroup == 1 ? keep_entry(priv, group, &next_off)
		                : merge_parts(job, group, ngroup, &m))
			goto out;
		priv->in_place &= ngroup == 1;
	}
	if (got < 0)
		goto out;
	priv->in_place &= next_off == priv->scratch_len;
	ret = flush_wbuf(priv);
out:
	kdl_page_cursor_close(&cur);
	kdl_page_list_free(&old);
	merging_end(job, &m);
	free(group);
	return ret;
}

/* Page frames the segments cover: one past the highest. */
static uint64_t max_mapnr(const struct kdl_seg *segs, size_t nsegs, uint32_t page)
{
	uint64_t max = 0;

	for (size_t i = 0; i < nsegs; i++) {
		const struct kdl_seg *s = &segs[i];
		uint64_t end = s->phys / page + (s->phys % page + s->len + page - 1) / page;

		if (end > max)
			max = end;
	}
	return max;
}

static uint64_t count_pages(const struct kdl_seg *segs, size_t nsegs, uint32_t page)
{
	uint64_t count = 0, last = UINT64_MAX;

	/* segments are sorted; neighbours may share a page */
	for (size_t i = 0; i < nsegs; i++) {
		const struct kdl_seg *s = &segs[i];
		uint64_t start = s->phys / page, end = (s->phys + s->len - 1) / page;

		count += end - start + 1 - (start == last);
		last = end;
	}
	return count;
}

struct kdump_layout {
	uint64_t max_mapnr;
	uint32_t sub_hdr_size;  /* blocks */
	uint64_t bitmap_len;    /* blocks, each bitmap */
	uint64_t bitmap_off;
	uint64_t desc_off;
	uint64_t data_off;      /* the shared zero page, then the pages */
	uint64_t pages_off;
};

/* The layout for the segments segs, notes of notes_len bytes and npages
 * descriptors. */
static void layout(const struct kdl_job *job, const struct kdl_seg *segs, size_t nsegs,
                   size_t notes_len, uint32_t page, uint64_t npages, struct kdump_layout *l)
{
	l->max_mapnr = max_mapnr(segs, nsegs, page);
	l->sub_hdr_size = (uint32_t)((KDUMP_SUB_HEADER_SIZE + notes_len + page - 1) / page);
	l->bitmap_len = ((l->max_mapnr + 7) / 8 + page - 1) / page;
	l->bitmap_off = (1 + (uint64_t)l->sub_hdr_size) * page;
	l->desc_off = l->bitmap_off + 2 * l->bitmap_len * page;
	l->data_off = l->desc_off + KDUMP_DESC_SIZE * npages;
	l->pages_off = l->data_off + (excludes_zero(job) ? page : 0);
}

/* Where the pages go when the segments are known ahead: to their place
 * in the dump, as if every page came in order and nothing more came. */
static int lay_out_ahead(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	size_t notes_len;
	struct kdump_layout l;

	/* split files and the flattened format are written at the end, and
	 * what the dump level leaves out shortens the descriptor table */
	if (!job->ahead || job->plan->split > 1 || job->out->flat || job->excluded)
		return 0;
	if (kdl_dump_notes_size(job->dump, &notes_len))
		return -1;
	layout(job, job->ahead, job->nahead, notes_len, priv->page,
	       count_pages(job->ahead, job->nahead, priv->page), &l);
	priv->direct = true;
	priv->scratch = job->out->fd;
	priv->scratch_name = job->out->path;
	priv->scratch_base = l.pages_off;
	return 0;
}

static int setup(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	const struct kdl_plan *plan = job->plan;

	priv->ctx = job->ctx;
	priv->page = kdl_dump_page_size(job->dump);
	while ((1u << priv->shift) < priv->page)
		priv->shift++;
	priv->wbuf = kdl_alloc(job->ctx, WBUF_SIZE);
	if (!priv->wbuf)
		return -1;
	priv->part = kdl_alloc(job->ctx, priv->page);
	if (!priv->part)
		return -1;
	if (lay_out_ahead(job))
		return -1;
	if (!priv->direct) {
		priv->scratch = kdl_out_scratch(job->out);
		priv->scratch_name = "scratch file";
	}
	if (priv->scratch < 0 ||
	    kdl_page_list_init(&priv->pages, job->ctx, job->out, RUN_ENTRIES))
		return -1;
	priv->comp = kdl_compressor_new(job->ctx, plan->codec, plan->level,
	                                priv->page, plan->threads,
	                                excludes_zero(job), take_page, priv);
	return priv->comp ? 0 : -1;
}

static int kdump_segment_begin(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	const struct kdl_feed *seg = &job->seg;

	if (within_phys_bits(job, seg->phys,
	                     seg->len == KDL_LENGTH_UNKNOWN ? seg->phys : seg->phys + (seg->len - 1)))
		return -1;
	return priv->comp ? 0 : setup(job);
}

static uint64_t timestamp(const struct kdl_job *job)
{
	size_t len;
	const char *v = kdl_dump_vmcoreinfo_value(job->dump, "CRASHTIME", &len);

	return v ? strtoull(v, NULL, 10) : job->plan->timestamp;
}

static uint64_t phys_base(const kdl_dump *dump)
{
	size_t len;
	const char *v = kdl_dump_vmcoreinfo_value(dump, "NUMBER(phys_base)", &len);

	return v ? strtoull(v, NULL, 0) : 0;
}

static void put_string(uint8_t *p, const char *s, size_t len)
{
	memcpy(p, s, len < KDUMP_UTS_FIELD - 1 ? len : KDUMP_UTS_FIELD - 1);
}

static void put_header(uint8_t *h, const struct kdl_job *job,
                       const struct kdump_layout *l, uint32_t page)
{
	const struct kdl_arch *arch = kdl_dump_arch(job->dump);
	bool be = arch->big_endian;
	size_t len = 0;
	const char *release = kdl_dump_vmcoreinfo_value(job->dump, "OSRELEASE", &len);

	memcpy(h + KH_SIGNATURE, KDUMP_SIGNATURE, KDUMP_SIGNATURE_LEN);
	kdl_put32(h + KH_VERSION, KDUMP_HEADER_VERSION, be);
	/* libkdumpfile takes the architecture from a utsname it finds sane:
	 * sysname Linux, release, version and machine all set */
	put_string(h + KH_SYSNAME, "Linux", 5);
	if (!release || !len) {
		release = "unknown";
		len = strlen(release);
	}
	put_string(h + KH_RELEASE, release, len);
	put_string(h + KH_UTS_VERSION, "unknown", 7);
	put_string(h + KH_MACHINE, arch->uts_machine, strlen(arch->uts_machine));
	/* tv_usec stays 0: a power of two there makes libkdumpfile read
	 * the header as the 32-bit layout */
	kdl_put64(h + KH_TIMESTAMP, timestamp(job), be);
	kdl_put32(h + KH_STATUS, job->plan->codec->flag, be);
	kdl_put32(h + KH_BLOCK_SIZE, page, be);
	kdl_put32(h + KH_SUB_HDR_SIZE, l->sub_hdr_size, be);
	kdl_put32(h + KH_BITMAP_BLOCKS, (uint32_t)(2 * l->bitmap_len), be);
	kdl_put32(h + KH_MAX_MAPNR, l->max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)l->max_mapnr, be);
	kdl_put32(h + KH_NR_CPUS, (uint32_t)job->dump->ncpus, be);
}

/* One file of the dump: all of it, or a part of a split dump, holding
 * the pages in [start_pfn, end_pfn), the pages of the scratch file from
 * scratch_start to scratch_end. */
struct kdump_file {
	struct kdl_out *out;
	uint64_t start_pfn, end_pfn;
	uint64_t first_page; /* its first page's number in page order */
	uint64_t scratch_start, scratch_end;
};

static void put_sub_header(uint8_t *s, const struct kdl_job *job,
                           const struct kdump_layout *l, uint32_t page,
                           const struct kdump_file *f)
{
	const kdl_dump *dump = job->dump;
	const struct kdl_notes *notes = kdl_dump_notes(dump);
	bool be = kdl_dump_arch(dump)->big_endian;
	uint64_t note_off = page + KDUMP_SUB_HEADER_SIZE;

	kdl_put64(s + KS_PHYS_BASE, phys_base(dump), be);
	kdl_put32(s + KS_DUMP_LEVEL, (uint32_t)job->plan->dump_level, be);
	if (notes->vmcoreinfo_off != SIZE_MAX) {
		kdl_put64(s + KS_OFFSET_VMCOREINFO, note_off + notes->vmcoreinfo_off, be);
		kdl_put64(s + KS_SIZE_VMCOREINFO, dump->vmcoreinfo_len, be);
	}
	kdl_put64(s + KS_OFFSET_NOTE, note_off, be);
	kdl_put64(s + KS_SIZE_NOTE, notes->len, be);
	kdl_put64(s + KS_MAX_MAPNR_64, l->max_mapnr, be);
	if (job->plan->split > 1) {
		/* unsigned long in makedumpfile, 64 bits on every machine here */
		kdl_put32(s + KS_SPLIT, 1, be);
		kdl_put64(s + KS_START_PFN, f->start_pfn, be);
		kdl_put64(s + KS_END_PFN, f->end_pfn, be);
		kdl_put64(s + KS_START_PFN_64, f->start_pfn, be);
		kdl_put64(s + KS_END_PFN_64, f->end_pfn, be);
	}
	memcpy(s + KDUMP_SUB_HEADER_SIZE, notes->buf, notes->len);
}

/* Both bitmaps: every page a segment covers, block by block so that a
 * sparse address space costs no memory; all-zero blocks are holes. */
static int write_bitmaps(struct kdl_out *out, const struct kdl_job *job,
                         const struct kdump_layout *l, uint32_t page)
{
	const kdl_dump *dump = job->dump;
	uint64_t bits_per_block = (uint64_t)page * 8;
	uint8_t *block = kdl_alloc(out->ctx, 2 * (size_t)page), *dumped;
	size_t seg = 0;
	int ret = 0;

	if (!block)
		return -1;
	dumped = block + page;
	for (uint64_t b = 0; b < l->bitmap_len && seg < dump->nsegs && !ret; b++) {
		uint64_t first, last;
		bool any = false;

		/* blocks no segment touches stay holes, never visited */
		if (dump->segs[seg].phys / page / bits_per_block > b)
			b = dump->segs[seg].phys / page / bits_per_block;
		first = b * bits_per_block;
		last = first + bits_per_block;

		memset(block, 0, page);
		while (seg < dump->nsegs) {
			const struct kdl_seg *s = &dump->segs[seg];
			uint64_t start = s->phys / page;
			uint64_t end = (s->phys + s->len - 1) / page + 1;

			if (start >= last)
				break;
			for (uint64_t pfn = start > first ? start : first;
			     pfn < end && pfn < last; pfn++) {
				block[(pfn - first) / 8] |= (uint8_t)(1u << (pfn % 8));
				any = true;
			}
			if (end > last)
				break;
			seg++;
		}
		/* the second bitmap: the pages the dump level keeps */
		memcpy(dumped, block, page);
		for (uint64_t pfn = first; job->excluded && any && pfn < last; pfn++)
			if (kdl_left_out(job->excluded, pfn))
				dumped[(pfn - first) / 8] &= (uint8_t)~(1u << (pfn % 8));
		if (any)
			ret = kdl_out_write(out, block, page, l->bitmap_off + b * page) ||
			      kdl_out_write(out, dumped, page,
			                    l->bitmap_off + (l->bitmap_len + b) * page);
	}
	free(block);
	return ret ? -1 : 0;
}

/* The pages to their place in a new scratch file, in page order. */
static int move_page(struct kdump_priv *priv, int fd, struct kdl_page_entry *p,
                     uint64_t *pos)
{
	if (p->size > WBUF_SIZE - priv->wfill) {
		if (kdl_write_all(priv->ctx, fd, "scratch file", priv->wbuf, priv->wfill))
			return -1;
		priv->wfill = 0;
	}
	if (kdl_read_back(priv->ctx, priv->scratch, priv->scratch_name, priv->wbuf + priv->wfill,
	                  p->size, priv->scratch_base + p->off))
		return -1;
	priv->wfill += p->size;
	p->off = *pos;
	*pos += p->size;
	return 0;
}

/* Where the descriptors of a file go, a chunk at a time. */
struct desc_buf {
	uint8_t *buf;
	size_t fill;
	uint64_t written;
};

static int flush_descs(struct desc_buf *d, struct kdl_out *out,
                       const struct kdump_layout *l)
{
	int ret = d->fill ? kdl_out_write(out, d->buf, d->fill * KDUMP_DESC_SIZE,
	                                  l->desc_off + d->written * KDUMP_DESC_SIZE)
	                  : 0;

	d->written += d->fill;
	d->fill = 0;
	return ret;
}

/* The descriptors, in page order, each in the file its page goes to, the
 * files' ranges settled on the way; the pages in the scratch file put in
 * that order where they are not.  A page's offset in its file follows
 * from the sizes of the pages before it there. */
static int write_descs(struct kdl_job *job, const struct kdump_layout *l,
                       struct kdump_file *files, unsigned nfiles)
{
	enum { PER_CHUNK = 4096 };
	struct kdump_priv *priv = job->priv;
	bool be = kdl_dump_arch(job->dump)->big_endian;
	struct desc_buf d = {kdl_alloc(job->ctx, PER_CHUNK * KDUMP_DESC_SIZE), 0, 0};
	struct kdl_page_cursor cur = {0};
	struct kdl_page_entry p;
	uint64_t index = 0, pos = 0;
	unsigned f = 0;
	int fd = -1, got = -1;

	if (!d.buf || kdl_page_cursor_open(&cur, &priv->pages))
		goto out;
	if (!priv->in_place && (fd = kdl_out_scratch(job->out)) < 0)
		goto out;
	while ((got = kdl_page_cursor_next(&cur, &p)) > 0) {
		for (uint64_t k = 0; k < entry_pages(&p); k++, index++) {
			uint8_t *desc;
			uint64_t at = pos;

			/* the next file begins with this page */
			while (f + 1 < nfiles && index == files[f + 1].first_page) {
				if (flush_descs(&d, files[f].out, l))
					goto fail;
				d.written = 0;
				files[f].scratch_end = pos;
				files[f].end_pfn = files[f + 1].start_pfn = p.pfn + k;
				files[++f].scratch_start = pos;
			}
			desc = d.buf + d.fill * KDUMP_DESC_SIZE;
			memset(desc, 0, KDUMP_DESC_SIZE);
			if (p.off == ZERO_PAGE) {
				kdl_put64(desc + PD_OFFSET, l->data_off, be);
				kdl_put32(desc + PD_SIZE, priv->page, be);
			} else {
				/* in place, p.off is at already */
				if (priv->in_place)
					pos = p.off + p.size;
				else if (move_page(priv, fd, &p, &pos))
					goto fail;
				kdl_put64(desc + PD_OFFSET, l->pages_off + at - files[f].scratch_start, be);
				kdl_put32(desc + PD_SIZE, p.size, be);
				kdl_put32(desc + PD_FLAGS, p.flags & ~PARTIAL, be);
			}
			if (++d.fill == PER_CHUNK && flush_descs(&d, files[f].out, l))
				goto fail;
		}
	}
	if (got < 0 || flush_descs(&d, files[f].out, l))
		goto fail;
	/* files past the last page hold none */
	for (files[f].scratch_end = pos; ++f < nfiles;) {
		files[f].start_pfn = files[f - 1].end_pfn = l->max_mapnr;
		files[f].scratch_start = files[f].scratch_end = pos;
	}
	files[nfiles - 1].end_pfn = l->max_mapnr;
	if (!priv->in_place) {
		if (kdl_write_all(priv->ctx, fd, "scratch file", priv->wbuf, priv->wfill))
			goto fail;
		priv->wfill = 0;
		close(priv->scratch);
		priv->scratch = fd;
		priv->scratch_name = "scratch file";
		priv->scratch_base = 0;
		/* merged parts leave what they replaced behind */
		priv->scratch_len = pos;
		fd = -1;
	}
	got = 0;
	goto out;
fail:
	got = -1;
out:
	if (fd >= 0)
		close(fd);
	kdl_page_cursor_close(&cur);
	free(d.buf);
	return got;
}

/* Everything compressed, the list in page order, each page once. */
static int settle_pages(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	uint32_t page = kdl_dump_page_size(job->dump);

	if (page != priv->page)
		return kdl_err(job->ctx, KDL_ERR_UNSUPPORTED,
		               "the page size became %" PRIu32 " after segment data came in %" PRIu32 "-byte pages: the kdump format needs the vmcoreinfo or architecture before the segments",
		               page, priv->page);
	if (close_part(priv) || kdl_compressor_flush(priv->comp) || flush_wbuf(priv))
		return -1;
	return clean_pages(job);
}

/* A file's header, sub-header and bitmaps. */
static int write_head(struct kdl_job *job, const struct kdump_layout *l,
                      const struct kdump_file *f, uint8_t *head)
{
	struct kdump_priv *priv = job->priv;
	const struct kdl_notes *notes = kdl_dump_notes(job->dump);

	memset(head, 0, (1 + (size_t)l->sub_hdr_size) * priv->page);
	put_header(head, job, l, priv->page);
	put_sub_header(head + priv->page, job, l, priv->page, f);
	return kdl_out_write(f->out, head, KDUMP_HEADER_SIZE, 0) ||
	       kdl_out_write(f->out, head + priv->page, KDUMP_SUB_HEADER_SIZE + notes->len,
	                     priv->page) ||
	       write_bitmaps(f->out, job, l, priv->page);
}

/* A file's pages, after its descriptors. */
static int write_data(struct kdl_job *job, const struct kdump_layout *l,
                      const struct kdump_file *f, uint8_t *head)
{
	struct kdump_priv *priv = job->priv;
	uint64_t len = f->scratch_end - f->scratch_start;

	if (excludes_zero(job)) {
		/* the page every zero page points to, written out even where
		 * a hole would read the same, so that the file has its length */
		memset(head, 0, priv->page);
		if (kdl_out_write(f->out, head, priv->page, l->data_off))
			return -1;
	}
	/* laid out ahead, the pages are there */
	return (!priv->direct &&
	        kdl_out_copy(f->out, priv->scratch, priv->scratch_name,
	                     priv->scratch_base + f->scratch_start, len, l->pages_off)) ||
	       kdl_out_end(f->out, l->pages_off + len);
}

/* The files of a split dump written side by side, for disks that are
 * more than one: a file at a time to each of up to plan->threads
 * threads, each file failing on a context of its own. */
struct file_writer {
	struct kdl_job *job;
	const struct kdump_layout *l;
	struct kdump_file *files;
	struct kdl_ctx *ctxs;
	unsigned n, next;
	pthread_mutex_t lock;
};

static void *write_files(void *arg)
{
	struct file_writer *w = arg;
	struct kdump_priv *priv = w->job->priv;
	uint8_t *head = malloc((1 + (size_t)w->l->sub_hdr_size) * priv->page);

	for (;;) {
		struct kdump_file *f;
		unsigned i;

		pthread_mutex_lock(&w->lock);
		i = w->next++;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->n)
			break;
		f = &w->files[i];
		if (!head)
			kdl_err(&w->ctxs[i], KDL_ERR_NOMEM, "out of memory");
		else if (!write_head(w->job, w->l, f, head))
			write_data(w->job, w->l, f, head);
	}
	free(head);
	return NULL;
}

static int write_split(struct kdl_job *job, const struct kdump_layout *l,
                       struct kdump_file *files, unsigned n)
{
	struct file_writer w = {job, l, files, NULL, n, 0, PTHREAD_MUTEX_INITIALIZER};
	unsigned nthreads = job->plan->threads < n ? job->plan->threads : n, started = 0;
	pthread_t *threads = kdl_alloc(job->ctx, nthreads * sizeof(*threads));
	int ret = 0;

	w.ctxs = kdl_alloc(job->ctx, n * sizeof(*w.ctxs));
	if (!threads || !w.ctxs) {
		free(threads);
		free(w.ctxs);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		files[i].out->ctx = &w.ctxs[i];
	while (started < nthreads && !pthread_create(&threads[started], NULL, write_files, &w))
		started++;
	/* no thread at all: this one writes them */
	if (!started)
		write_files(&w);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (unsigned i = 0; i < n; i++) {
		files[i].out->ctx = job->ctx;
		if (!ret && w.ctxs[i].status != KDL_OK)
			ret = kdl_err(job->ctx, w.ctxs[i].status, "%s", w.ctxs[i].error);
	}
	pthread_mutex_destroy(&w.lock);
	free(threads);
	free(w.ctxs);
	return ret;
}

static int kdump_finish(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	unsigned n = job->plan->split;
	struct kdump_layout l;
	struct kdump_file *files;
	uint8_t *head = NULL;
	int ret = -1;

	if (segments_within_phys_bits(job) || (!priv->comp && setup(job)) || settle_pages(job))
		return -1;
	layout(job, job->dump->segs, job->dump->nsegs, kdl_dump_notes(job->dump)->len,
	       priv->page, priv->npages, &l);
	if (priv->direct && !(priv->in_place && l.pages_off == priv->scratch_base)) {
		/* the promise did not hold: what the dump file holds is a
		 * scratch file's now, to be copied from into a new one */
		int fd = kdl_out_renew(job->out);

		if (fd < 0)
			return -1;
		priv->scratch = fd;
		priv->scratch_name = "scratch file";
		priv->direct = false;
	}
	files = kdl_alloc(job->ctx, n * sizeof(*files));
	if (!files)
		return -1;
	/* as many pages in each file, as near as they divide */
	for (unsigned i = 0; i < n; i++) {
		files[i].out = &job->files[i];
		files[i].first_page = priv->npages * i / n;
	}
	head = kdl_alloc(job->ctx, (1 + (size_t)l.sub_hdr_size) * priv->page);
	if (!head)
		goto out;
	/* in file order, for a flattened file read from a pipe; the split
	 * files' sub-headers need the ranges the descriptors settle */
	if ((n == 1 && write_head(job, &l, &files[0], head)) || write_descs(job, &l, files, n) ||
	    (n == 1 ? write_data(job, &l, &files[0], head) : write_split(job, &l, files, n)))
		goto out;
	ret = 0;
out:
	free(head);
	free(files);
	return ret;
}

static int kdump_estimate(struct kdl_job *job, uint64_t *size)
{
	const kdl_dump *dump = job->dump;
	uint32_t page = kdl_dump_page_size(dump);
	uint64_t npages = count_pages(dump->segs, dump->nsegs, page);
	struct kdump_layout l;

	if (segments_within_phys_bits(job))
		return -1;

	layout(job, dump->segs, dump->nsegs, kdl_dump_notes(dump)->len, page, npages, &l);
	/* at most: every page stored raw; each file of a split dump has the
	 * headers, bitmaps and descriptor table */
	*size = l.pages_off * job->plan->split + npages * page;
	return 0;
}

static void kdump_stats(struct kdl_job *job, struct kdl_stats *st)
{
	struct kdump_priv *priv = job->priv;
	const struct kdl_codec *codec = job->plan->codec;

	st->codec = codec->info.name;
	st->level = codec->info.has_levels ? job->plan->level : 0;
	st->dump_level = job->plan->dump_level;
	st->pages_total = count_pages(job->dump->segs, job->dump->nsegs,
	                              kdl_dump_page_size(job->dump));
	if (job->excluded)
		memcpy(st->pages_excluded, job->excluded->pages, sizeof(st->pages_excluded));
	if (job->out) {
		st->pages_zero = priv->zero_pages;
		st->pages_dumped = priv->npages - priv->zero_pages;
		st->compressed_size = priv->scratch_len;
	}
}

static void kdump_free(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;

	kdl_compressor_free(priv->comp);
	free(priv->part);
	/* the scratch descriptor is set once wbuf is; the dump's is the
	 * output's */
	if (priv->wbuf && priv->scratch >= 0 && !priv->direct)
		close(priv->scratch);
	free(priv->wbuf);
	kdl_page_list_free(&priv->pages);
}

const struct kdl_format_ops kdl_format_kdump = {
	.info = {
		.name = "kdump",
		.summary = "makedumpfile's kdump-compressed format",
	},
	.priv_size = sizeof(struct kdump_priv),
	.can_split = true,
	.can_exclude = true,
	.segment_begin = kdump_segment_begin,
	.bytes = kdump_bytes,
	.finish = kdump_finish,
	.estimate = kdump_estimate,
	.stats = kdump_stats,
	.free = kdump_free,
};
