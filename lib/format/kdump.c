/* makedumpfile's kdump-compressed format (diskdump.h, "KDUMP   "): a header
 * block, the sub-header with the ELF notes, two bitmaps of the pages
 * present, a descriptor per page, then the pages, each compressed alone.
 *
 * The descriptors come before the pages but their number is known only at
 * the end of a stream, so compressed pages go to a scratch file first and
 * are copied after the descriptors when everything is known.
 *
 * A page a segment covers only in part may get its other bytes from a
 * segment that comes later, in any order: such pages are kept aside and
 * merged at the end. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/format.h"
#include "layout/kdump.h"

#define WBUF_SIZE KDL_CHUNK
#define ZERO_PAGE UINT64_MAX

/* A stored page, or a run of zero pages (off ZERO_PAGE, size the number of
 * pages), so that holes in the input cost no memory per page. */
struct kd_page {
	uint64_t pfn;
	uint64_t off; /* in the scratch file, or ZERO_PAGE */
	uint32_t size;
	uint32_t flags;
};

struct partial {
	uint64_t pfn;
	uint8_t *data; /* zero where no segment put bytes */
};

struct kdump_priv {
	kdl_ctx *ctx;
	uint32_t page;
	unsigned shift;
	struct kdl_compressor *comp;
	struct partial *partials; /* the last one is being filled */
	size_t npartials, partials_cap;
	int scratch;
	uint64_t scratch_len;
	uint8_t *wbuf;
	size_t wfill;
	struct kd_page *pages;
	size_t nentries, entries_cap;
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
	return kdl_write_all(priv->ctx, priv->scratch, "scratch file", priv->wbuf, n);
}

/* Called in stream order with each page compressed. */
static struct kd_page *new_entry(struct kdump_priv *priv, uint64_t pfn)
{
	struct kd_page *p;

	if (kdl_grow(priv->ctx, &priv->pages, &priv->entries_cap, priv->nentries,
	             sizeof(*p)))
		return NULL;
	p = &priv->pages[priv->nentries++];
	p->pfn = pfn;
	return p;
}

static int take_zero(struct kdump_priv *priv, const struct kdl_page *page)
{
	struct kd_page *p = priv->nentries ? &priv->pages[priv->nentries - 1] : NULL;

	/* zero pages in a row, from holes or not, share one entry */
	if (page->count == 1 && p && p->off == ZERO_PAGE &&
	    p->pfn + p->size == page->pfn && p->size < UINT32_MAX) {
		p->size++;
		priv->zero_pages++;
		priv->npages++;
		return 0;
	}
	for (uint64_t done = 0; done < page->count;) {
		uint64_t n = page->count - done < UINT32_MAX ? page->count - done
		                                             : UINT32_MAX;

		p = new_entry(priv, page->pfn + done);
		if (!p)
			return -1;
		p->off = ZERO_PAGE;
		p->size = (uint32_t)n;
		done += n;
	}
	priv->zero_pages += page->count;
	priv->npages += page->count;
	return 0;
}

static int take_page(void *arg, const struct kdl_page *page)
{
	struct kdump_priv *priv = arg;
	struct kd_page *p;

	if (page->zero)
		return take_zero(priv, page);
	p = new_entry(priv, page->pfn);
	if (!p)
		return -1;
	p->off = priv->scratch_len;
	p->size = page->size;
	p->flags = page->flags;
	priv->npages++;
	if (page->size > WBUF_SIZE - priv->wfill && flush_wbuf(priv))
		return -1;
	memcpy(priv->wbuf + priv->wfill, page->data, page->size);
	priv->wfill += page->size;
	priv->scratch_len += page->size;
	return 0;
}

/* Pages an entry stands for. */
static uint64_t entry_pages(const struct kd_page *p)
{
	return p->off == ZERO_PAGE ? p->size : 1;
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
	priv->scratch = kdl_out_scratch(job->out);
	if (priv->scratch < 0)
		return -1;
	priv->comp = kdl_compressor_new(job->ctx, plan->codec, plan->level,
	                                priv->page, plan->threads,
	                                excludes_zero(job), take_page, priv);
	return priv->comp ? 0 : -1;
}

static int kdump_segment_begin(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;

	return priv->comp ? 0 : setup(job);
}

/* The partial page at pfn, kept aside: the last one if it is that page,
 * else a new one. */
static uint8_t *partial_page(struct kdump_priv *priv, uint64_t pfn)
{
	struct partial *p = priv->npartials ? &priv->partials[priv->npartials - 1] : NULL;

	if (p && p->pfn == pfn)
		return p->data;
	if (kdl_grow(priv->ctx, &priv->partials, &priv->partials_cap,
	             priv->npartials, sizeof(*p)))
		return NULL;
	p = &priv->partials[priv->npartials];
	p->pfn = pfn;
	p->data = kdl_alloc(priv->ctx, priv->page);
	if (!p->data)
		return NULL;
	priv->npartials++;
	return p->data;
}

static int kdump_bytes(struct kdl_job *job, struct kdl_source *src)
{
	struct kdump_priv *priv = job->priv;
	uint64_t addr = job->seg.phys + job->seg.filled;
	bool zeros = kdl_source_is_zero(src);

	while (src->len) {
		uint32_t in = (uint32_t)(addr & (priv->page - 1));
		uint64_t pfn = addr >> priv->shift, n = src->len, got;
		uint8_t *page;

		if (!in && n >= priv->page) {
			uint64_t want = n >> priv->shift;

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
		page = partial_page(priv, pfn);
		/* a partial page is zero-filled already: zeros need no copy */
		if (!page || (zeros ? kdl_source_skip(src, got)
		                    : kdl_source_read(src, page + in, (size_t)got)))
			return -1;
		addr += got;
	}
	return 0;
}

static int by_pfn(const void *a, const void *b)
{
	const struct kd_page *x = a, *y = b;

	return (x->pfn > y->pfn) - (x->pfn < y->pfn);
}

/* Pages in the file in page order, as makedumpfile stores them, though
 * partial pages were compressed last or segments came out of order. */
static int reorder(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	uint64_t end = 0, pos = 0;
	bool sorted = true;
	int fd;

	for (size_t i = 0; i < priv->nentries && sorted; i++) {
		const struct kd_page *p = &priv->pages[i];

		if (p->off != ZERO_PAGE) {
			sorted = p->off >= end;
			end = p->off + p->size;
		}
	}
	if (sorted)
		return 0;
	fd = kdl_out_scratch(job->out);
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < priv->nentries; i++) {
		struct kd_page *p = &priv->pages[i];
		uint64_t at = p->off;
		ssize_t got;

		if (p->off == ZERO_PAGE)
			continue;
		if (p->size > WBUF_SIZE - priv->wfill) {
			if (kdl_write_all(priv->ctx, fd, "scratch file", priv->wbuf, priv->wfill))
				goto fail;
			priv->wfill = 0;
		}
		got = kdl_read_full(priv->ctx, priv->scratch, "scratch file",
		                    priv->wbuf + priv->wfill, p->size, &at);
		if (got != (ssize_t)p->size) {
			if (got >= 0)
				kdl_err(priv->ctx, KDL_ERR_IO, "scratch file: shorter than what was written to it");
			goto fail;
		}
		priv->wfill += p->size;
		p->off = pos;
		pos += p->size;
	}
	if (kdl_write_all(priv->ctx, fd, "scratch file", priv->wbuf, priv->wfill))
		goto fail;
	priv->wfill = 0;
	close(priv->scratch);
	priv->scratch = fd;
	return 0;
fail:
	close(fd);
	return -1;
}

static int partial_by_pfn(const void *a, const void *b)
{
	const struct partial *x = a, *y = b;

	return (x->pfn > y->pfn) - (x->pfn < y->pfn);
}

/* The pages segments cover in part, each merged from all its parts (their
 * bytes never overlap, so OR puts them together) and compressed like any
 * other. */
static int merge_partials(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;

	if (priv->npartials)
		qsort(priv->partials, priv->npartials, sizeof(*priv->partials), partial_by_pfn);
	for (size_t i = 0; i < priv->npartials;) {
		uint8_t *data = priv->partials[i].data, *page;
		uint64_t pfn = priv->partials[i].pfn, got;
		size_t j = i + 1;

		for (; j < priv->npartials && priv->partials[j].pfn == pfn; j++)
			for (uint32_t k = 0; k < priv->page; k++)
				data[k] |= priv->partials[j].data[k];
		page = kdl_compressor_pages(priv->comp, pfn, 1, &got);
		if (!page)
			return -1;
		memcpy(page, data, priv->page);
		i = j;
	}
	return kdl_compressor_flush(priv->comp);
}

/* Page frames the segments cover: one past the highest. */
static uint64_t max_mapnr(const kdl_dump *dump, uint32_t page)
{
	uint64_t max = 0;

	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];
		uint64_t end = s->phys / page + (s->phys % page + s->len + page - 1) / page;

		if (end > max)
			max = end;
	}
	return max;
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

static void layout(const struct kdl_job *job, uint32_t page, uint64_t npages,
                   struct kdump_layout *l)
{
	size_t notes_len = kdl_dump_notes(job->dump)->len;

	l->max_mapnr = max_mapnr(job->dump, page);
	l->sub_hdr_size = (uint32_t)((KDUMP_SUB_HEADER_SIZE + notes_len + page - 1) / page);
	l->bitmap_len = ((l->max_mapnr + 7) / 8 + page - 1) / page;
	l->bitmap_off = (1 + (uint64_t)l->sub_hdr_size) * page;
	l->desc_off = l->bitmap_off + 2 * l->bitmap_len * page;
	l->data_off = l->desc_off + KDUMP_DESC_SIZE * npages;
	l->pages_off = l->data_off + (excludes_zero(job) ? page : 0);
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

static void put_sub_header(uint8_t *s, const struct kdl_job *job,
                           const struct kdump_layout *l, uint32_t page)
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
	memcpy(s + KDUMP_SUB_HEADER_SIZE, notes->buf, notes->len);
}

/* Both bitmaps: every page a segment covers, block by block so that a
 * sparse address space costs no memory; all-zero blocks are holes. */
static int write_bitmaps(struct kdl_out *out, const kdl_dump *dump,
                         const struct kdump_layout *l, uint32_t page)
{
	uint64_t bits_per_block = (uint64_t)page * 8;
	uint8_t *block = kdl_alloc(out->ctx, page);
	size_t seg = 0;
	int ret = 0;

	if (!block)
		return -1;
	for (uint64_t b = 0; b < l->bitmap_len && !ret; b++) {
		uint64_t first = b * bits_per_block, last = first + bits_per_block;
		bool any = false;

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
		if (any)
			ret = kdl_out_write(out, block, page, l->bitmap_off + b * page) ||
			      kdl_out_write(out, block, page,
			                    l->bitmap_off + (l->bitmap_len + b) * page);
	}
	free(block);
	return ret ? -1 : 0;
}

static int write_descs(struct kdl_out *out, const struct kdl_job *job,
                       const struct kdump_layout *l)
{
	enum { PER_CHUNK = 4096 };
	const struct kdump_priv *priv = job->priv;
	bool be = kdl_dump_arch(job->dump)->big_endian;
	uint64_t written = 0;
	uint8_t *buf = kdl_alloc(out->ctx, PER_CHUNK * KDUMP_DESC_SIZE);
	size_t fill = 0;
	int ret = 0;

	if (!buf)
		return -1;
	for (size_t i = 0; i < priv->nentries && !ret; i++) {
		const struct kd_page *p = &priv->pages[i];

		for (uint64_t k = 0; k < entry_pages(p) && !ret; k++) {
			uint8_t *d = buf + fill * KDUMP_DESC_SIZE;

			memset(d, 0, KDUMP_DESC_SIZE);
			if (p->off == ZERO_PAGE) {
				kdl_put64(d + PD_OFFSET, l->data_off, be);
				kdl_put32(d + PD_SIZE, priv->page, be);
			} else {
				kdl_put64(d + PD_OFFSET, l->pages_off + p->off, be);
				kdl_put32(d + PD_SIZE, p->size, be);
				kdl_put32(d + PD_FLAGS, p->flags, be);
			}
			if (++fill == PER_CHUNK) {
				ret = kdl_out_write(out, buf, fill * KDUMP_DESC_SIZE,
				                    l->desc_off + written * KDUMP_DESC_SIZE);
				written += fill;
				fill = 0;
			}
		}
	}
	if (!ret && fill)
		ret = kdl_out_write(out, buf, fill * KDUMP_DESC_SIZE,
		                    l->desc_off + written * KDUMP_DESC_SIZE);
	free(buf);
	return ret;
}

/* Everything compressed, in page order, each page once. */
static int settle_pages(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	uint32_t page = kdl_dump_page_size(job->dump);

	if (page != priv->page)
		return kdl_err(job->ctx, KDL_ERR_UNSUPPORTED,
		               "the page size became %" PRIu32 " after segment data came in %" PRIu32 "-byte pages: the kdump format needs the vmcoreinfo or architecture before the segments",
		               page, priv->page);
	if (kdl_compressor_flush(priv->comp) || merge_partials(job) ||
	    flush_wbuf(priv))
		return -1;
	if (priv->nentries)
		qsort(priv->pages, priv->nentries, sizeof(*priv->pages), by_pfn);
	for (size_t i = 1; i < priv->nentries; i++)
		if (priv->pages[i].pfn < priv->pages[i - 1].pfn + entry_pages(&priv->pages[i - 1]))
			return kdl_err(job->ctx, KDL_ERR_CORRUPT, "page 0x%" PRIx64 " is stored twice",
			               priv->pages[i].pfn << priv->shift);
	return reorder(job);
}

static int kdump_finish(struct kdl_job *job)
{
	struct kdump_priv *priv = job->priv;
	const struct kdl_notes *notes = kdl_dump_notes(job->dump);
	struct kdl_out *out = job->out;
	struct kdump_layout l;
	uint8_t *head;
	int ret = -1;

	if ((!priv->comp && setup(job)) || settle_pages(job))
		return -1;
	layout(job, priv->page, priv->npages, &l);
	head = kdl_alloc(job->ctx, (1 + (size_t)l.sub_hdr_size) * priv->page);
	if (!head)
		return -1;
	put_header(head, job, &l, priv->page);
	put_sub_header(head + priv->page, job, &l, priv->page);
	if (kdl_out_write(out, head, KDUMP_HEADER_SIZE, 0) ||
	    kdl_out_write(out, head + priv->page, KDUMP_SUB_HEADER_SIZE + notes->len,
	                  priv->page) ||
	    write_bitmaps(out, job->dump, &l, priv->page) || write_descs(out, job, &l))
		goto out;
	if (excludes_zero(job)) {
		/* the page every zero page points to, written out even where
		 * a hole would read the same, so that the file has its length */
		memset(head, 0, priv->page);
		if (kdl_out_write(out, head, priv->page, l.data_off))
			goto out;
	}
	if (kdl_out_copy(out, priv->scratch, "scratch file", 0, priv->scratch_len, l.pages_off) ||
	    kdl_out_end(out, l.pages_off + priv->scratch_len))
		goto out;
	ret = 0;
out:
	free(head);
	return ret;
}

static uint64_t count_pages(const kdl_dump *dump, uint32_t page)
{
	uint64_t count = 0, last = UINT64_MAX;

	/* segments are sorted; neighbours may share a page */
	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];
		uint64_t start = s->phys / page, end = (s->phys + s->len - 1) / page;

		count += end - start + 1 - (start == last);
		last = end;
	}
	return count;
}

static int kdump_estimate(struct kdl_job *job, uint64_t *size)
{
	uint32_t page = kdl_dump_page_size(job->dump);
	uint64_t npages = count_pages(job->dump, page);
	struct kdump_layout l;

	layout(job, page, npages, &l);
	/* at most: every page stored raw */
	*size = l.pages_off + npages * page;
	return 0;
}

static void kdump_stats(struct kdl_job *job, struct kdl_stats *st)
{
	struct kdump_priv *priv = job->priv;
	const struct kdl_codec *codec = job->plan->codec;

	st->codec = codec->info.name;
	st->level = codec->info.has_levels ? job->plan->level : 0;
	st->dump_level = job->plan->dump_level;
	st->pages_total = count_pages(job->dump, kdl_dump_page_size(job->dump));
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
	for (size_t i = 0; i < priv->npartials; i++)
		free(priv->partials[i].data);
	free(priv->partials);
	/* the scratch descriptor is set once wbuf is */
	if (priv->wbuf && priv->scratch >= 0)
		close(priv->scratch);
	free(priv->wbuf);
	free(priv->pages);
}

const struct kdl_format_ops kdl_format_kdump = {
	.info = {
		.name = "kdump",
		.summary = "makedumpfile's kdump-compressed format",
	},
	.priv_size = sizeof(struct kdump_priv),
	.segment_begin = kdump_segment_begin,
	.bytes = kdump_bytes,
	.finish = kdump_finish,
	.estimate = kdump_estimate,
	.stats = kdump_stats,
	.free = kdump_free,
};
