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
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define HEADER_SIZE 464
#define SUB_HEADER_SIZE 104
#define DESC_SIZE 24
#define HEADER_VERSION 6
#define WBUF_SIZE (1u << 20)
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

static int take_page(void *arg, const struct kdl_page *page)
{
	struct kdump_priv *priv = arg;
	struct kd_page *p;

	if (page->zero) {
		p = priv->nentries ? &priv->pages[priv->nentries - 1] : NULL;
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

static int kdump_setup(struct kdl_writer_state *ws)
{
	struct kdump_priv *priv = ws->priv;
	kdl_dump *dump = ws->dump;
	unsigned threads;

	priv->ctx = dump->ctx;
	priv->page = kdl_dump_page_size(dump);
	while ((1u << priv->shift) < priv->page)
		priv->shift++;
	priv->wbuf = kdl_alloc(dump->ctx, WBUF_SIZE);
	if (!priv->wbuf)
		return -1;
	priv->scratch = kdl_out_scratch(ws->out);
	if (priv->scratch < 0)
		return -1;
	threads = dump->threads ? dump->threads
	                        : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	priv->comp = kdl_compressor_new(dump->ctx, dump->codec, dump->level,
	                                priv->page, threads ? threads : 1,
	                                dump->dump_level & 1, take_page, priv);
	return priv->comp ? 0 : -1;
}

static int kdump_segment_begin(struct kdl_writer_state *ws)
{
	struct kdump_priv *priv = ws->priv;

	return priv->comp ? 0 : kdump_setup(ws);
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

/* Where a segment's bytes come from: memory, the stream (read straight
 * into the pages), or nowhere (zeros). */
struct source {
	const uint8_t *buf;
	kdl_reader *r;
};

static int take_bytes(struct source *src, uint8_t *dst, size_t n)
{
	if (src->buf) {
		memcpy(dst, src->buf, n);
		src->buf += n;
		return 0;
	}
	if (!src->r) {
		memset(dst, 0, n);
		return 0;
	}
	return kdl_reader_exact(src->r, dst, n);
}

/* n bytes at the segment's current address. */
static int fill(struct kdl_writer_state *ws, struct source *src, uint64_t n)
{
	struct kdump_priv *priv = ws->priv;
	uint64_t addr = ws->seg->phys + ws->seg_filled;
	bool zeros = !src->buf && !src->r;

	while (n) {
		uint32_t in = (uint32_t)(addr & (priv->page - 1));
		uint64_t pfn = addr >> priv->shift;
		uint64_t take = priv->page - in < n ? priv->page - in : n;
		uint8_t *page;

		/* whole zero pages, left out anyway: a run, never touched */
		if (zeros && !in && n >= priv->page && ws->dump->dump_level & 1) {
			uint64_t pages = n >> priv->shift;

			if (kdl_compressor_zero_run(priv->comp, pfn, pages))
				return -1;
			addr += pages << priv->shift;
			n -= pages << priv->shift;
			continue;
		}
		if (take == priv->page)
			page = kdl_compressor_page(priv->comp, pfn);
		else
			page = partial_page(priv, pfn);
		/* a partial page is zero-filled already: zeros need no copy */
		if (!page || ((take == priv->page || !zeros) &&
		              take_bytes(src, page + in, (size_t)take)))
			return -1;
		addr += take;
		n -= take;
	}
	return 0;
}

static int kdump_segment_data(struct kdl_writer_state *ws, const void *buf,
                              size_t n)
{
	struct source src = {.buf = buf};

	return fill(ws, &src, n);
}

static int kdump_segment_read(struct kdl_writer_state *ws, kdl_reader *r,
                              uint64_t n)
{
	struct source src = {.r = r};

	return fill(ws, &src, n);
}

static int kdump_segment_zero(struct kdl_writer_state *ws, uint64_t n)
{
	struct source zeros = {0};

	return fill(ws, &zeros, n);
}

static int kdump_segment_end(struct kdl_writer_state *ws)
{
	(void)ws;
	return 0;
}

static int by_pfn(const void *a, const void *b)
{
	const struct kd_page *x = a, *y = b;

	return (x->pfn > y->pfn) - (x->pfn < y->pfn);
}

/* Pages in the file in page order, as makedumpfile stores them, though
 * partial pages were compressed last or segments came out of order. */
static int reorder(struct kdl_writer_state *ws)
{
	struct kdump_priv *priv = ws->priv;
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
	fd = kdl_out_scratch(ws->out);
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < priv->nentries; i++) {
		struct kd_page *p = &priv->pages[i];

		if (p->off == ZERO_PAGE)
			continue;
		if (p->size > WBUF_SIZE - priv->wfill) {
			if (kdl_write_all(priv->ctx, fd, "scratch file", priv->wbuf, priv->wfill))
				goto fail;
			priv->wfill = 0;
		}
		if (pread(priv->scratch, priv->wbuf + priv->wfill, p->size,
		          (off_t)p->off) != (ssize_t)p->size) {
			kdl_err_sys(priv->ctx, "scratch file");
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
 * bytes never overlap, so OR puts them together) and compressed. */
static int merge_partials(struct kdl_writer_state *ws)
{
	struct kdump_priv *priv = ws->priv;
	kdl_dump *dump = ws->dump;
	const struct kdl_codec *codec = dump->codec;
	size_t bound = codec->bound(priv->page);
	uint8_t *out = kdl_alloc(dump->ctx, bound);
	void *state = codec->new_state(dump->level);
	int ret = 0;

	if (!out || !state) {
		free(out);
		if (state)
			codec->free_state(state);
		return out ? kdl_err(dump->ctx, "cannot set up %s compression", codec->name) : -1;
	}
	if (priv->npartials)
		qsort(priv->partials, priv->npartials, sizeof(*priv->partials), partial_by_pfn);
	for (size_t i = 0; i < priv->npartials && !ret;) {
		uint8_t *data = priv->partials[i].data;
		struct kdl_page page = {.pfn = priv->partials[i].pfn, .count = 1};
		size_t j = i + 1;

		for (; j < priv->npartials && priv->partials[j].pfn == page.pfn; j++)
			for (uint32_t k = 0; k < priv->page; k++)
				data[k] |= priv->partials[j].data[k];
		page.zero = dump->dump_level & 1 && kdl_page_is_zero(data, priv->page);
		if (!page.zero) {
			size_t size = codec->compress(state, data, priv->page, out, bound);

			/* a page that does not shrink is stored raw */
			page.size = size && size < priv->page ? (uint32_t)size : priv->page;
			page.flags = page.size < priv->page ? codec->flag : 0;
			page.data = page.flags ? out : data;
		}
		ret = take_page(priv, &page);
		i = j;
	}
	free(out);
	codec->free_state(state);
	return ret;
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
	struct kdl_notes notes;
	uint64_t max_mapnr;
	uint32_t sub_hdr_size;  /* blocks */
	uint64_t bitmap_len;    /* blocks, each bitmap */
	uint64_t bitmap_off;
	uint64_t desc_off;
	uint64_t data_off;      /* the shared zero page, then the pages */
};

static int layout(kdl_dump *dump, uint32_t page, uint64_t npages,
                  struct kdump_layout *l)
{
	if (kdl_notes_build(dump, &l->notes))
		return -1;
	l->max_mapnr = max_mapnr(dump, page);
	l->sub_hdr_size = (uint32_t)((SUB_HEADER_SIZE + l->notes.len + page - 1) / page);
	l->bitmap_len = ((l->max_mapnr + 7) / 8 + page - 1) / page;
	l->bitmap_off = (1 + (uint64_t)l->sub_hdr_size) * page;
	l->desc_off = l->bitmap_off + 2 * l->bitmap_len * page;
	l->data_off = l->desc_off + DESC_SIZE * npages;
	return 0;
}

static uint64_t timestamp(const kdl_dump *dump)
{
	const char *v = NULL, *env;
	size_t len;

	if (dump->vmcoreinfo)
		v = kdl_vmcoreinfo_get(dump->vmcoreinfo, dump->vmcoreinfo_len,
		                       "CRASHTIME", &len);
	if (v)
		return strtoull(v, NULL, 10);
	env = getenv("SOURCE_DATE_EPOCH");
	if (env && *env)
		return strtoull(env, NULL, 10);
	return (uint64_t)time(NULL);
}

static uint64_t phys_base(const kdl_dump *dump)
{
	const char *v = NULL;
	size_t len;

	if (dump->vmcoreinfo)
		v = kdl_vmcoreinfo_get(dump->vmcoreinfo, dump->vmcoreinfo_len,
		                       "NUMBER(phys_base)", &len);
	return v ? strtoull(v, NULL, 0) : 0;
}

static void put_string(uint8_t *p, const char *s, size_t len)
{
	memcpy(p, s, len < 64 ? len : 64); /* 65 bytes, NUL-terminated */
}

static void put_header(uint8_t *h, kdl_dump *dump, const struct kdump_layout *l,
                       uint32_t page)
{
	const struct kdl_arch *arch = kdl_dump_arch(dump);
	bool be = arch->big_endian;
	const char *release = NULL;
	size_t len = 0;

	memcpy(h, "KDUMP   ", 8);
	kdl_put32(h + 8, HEADER_VERSION, be);
	/* libkdumpfile takes the architecture from a utsname it finds sane:
	 * sysname Linux, release, version and machine all set */
	put_string(h + 12, "Linux", 5);
	if (dump->vmcoreinfo)
		release = kdl_vmcoreinfo_get(dump->vmcoreinfo, dump->vmcoreinfo_len,
		                             "OSRELEASE", &len);
	if (!release || !len) {
		release = "unknown";
		len = strlen(release);
	}
	put_string(h + 142, release, len);
	put_string(h + 207, "unknown", 7);
	put_string(h + 272, arch->uts_machine, strlen(arch->uts_machine));
	/* tv_usec stays 0: a power of two there makes libkdumpfile read
	 * the header as the 32-bit layout */
	kdl_put64(h + 408, timestamp(dump), be);
	kdl_put32(h + 424, dump->codec->flag, be);
	kdl_put32(h + 428, page, be);
	kdl_put32(h + 432, l->sub_hdr_size, be);
	kdl_put32(h + 436, (uint32_t)(2 * l->bitmap_len), be);
	kdl_put32(h + 440, l->max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)l->max_mapnr, be);
	kdl_put32(h + 460, (uint32_t)dump->ncpus, be);
}

static void put_sub_header(uint8_t *s, kdl_dump *dump,
                           const struct kdump_layout *l, uint32_t page)
{
	bool be = kdl_dump_arch(dump)->big_endian;
	uint64_t note_off = page + SUB_HEADER_SIZE;

	kdl_put64(s, phys_base(dump), be);
	kdl_put32(s + 8, (uint32_t)dump->dump_level, be);
	if (l->notes.vmcoreinfo_off != SIZE_MAX) {
		kdl_put64(s + 32, note_off + l->notes.vmcoreinfo_off, be);
		kdl_put64(s + 40, dump->vmcoreinfo_len, be);
	}
	kdl_put64(s + 48, note_off, be);
	kdl_put64(s + 56, l->notes.len, be);
	kdl_put64(s + 96, l->max_mapnr, be);
	memcpy(s + SUB_HEADER_SIZE, l->notes.buf, l->notes.len);
}

/* Both bitmaps: every page a segment covers, block by block so that a
 * sparse address space costs no memory; all-zero blocks are holes. */
static int write_bitmaps(struct kdl_out *out, kdl_dump *dump,
                         const struct kdump_layout *l, uint32_t page)
{
	uint64_t bits_per_block = (uint64_t)page * 8;
	uint8_t *block = kdl_alloc(dump->ctx, page);
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

static int write_descs(struct kdl_out *out, kdl_dump *dump,
                       const struct kdump_priv *priv, const struct kdump_layout *l)
{
	enum { PER_CHUNK = 4096 };
	bool be = kdl_dump_arch(dump)->big_endian;
	uint64_t pages_off = l->data_off + (dump->dump_level & 1 ? priv->page : 0);
	uint64_t written = 0;
	uint8_t *buf = kdl_alloc(dump->ctx, PER_CHUNK * DESC_SIZE);
	size_t fill = 0;
	int ret = 0;

	if (!buf)
		return -1;
	for (size_t i = 0; i < priv->nentries && !ret; i++) {
		const struct kd_page *p = &priv->pages[i];

		for (uint64_t k = 0; k < entry_pages(p) && !ret; k++) {
			uint8_t *d = buf + fill * DESC_SIZE;

			memset(d, 0, DESC_SIZE);
			if (p->off == ZERO_PAGE) {
				kdl_put64(d, l->data_off, be);
				kdl_put32(d + 8, priv->page, be);
			} else {
				kdl_put64(d, pages_off + p->off, be);
				kdl_put32(d + 8, p->size, be);
				kdl_put32(d + 12, p->flags, be);
			}
			if (++fill == PER_CHUNK) {
				ret = kdl_out_write(out, buf, fill * DESC_SIZE,
				                    l->desc_off + written * DESC_SIZE);
				written += fill;
				fill = 0;
			}
		}
	}
	if (!ret && fill)
		ret = kdl_out_write(out, buf, fill * DESC_SIZE,
		                    l->desc_off + written * DESC_SIZE);
	free(buf);
	return ret;
}

static int kdump_finish(struct kdl_writer_state *ws)
{
	struct kdump_priv *priv = ws->priv;
	kdl_dump *dump = ws->dump;
	struct kdl_out *out = ws->out;
	struct kdump_layout l = {0};
	uint8_t *head = NULL;
	uint64_t pages_off;
	int ret = -1;

	if (kdl_dump_check(dump) || (!priv->comp && kdump_setup(ws)) ||
	    kdl_compressor_flush(priv->comp) || merge_partials(ws) ||
	    flush_wbuf(priv))
		return -1;
	if (priv->nentries)
		qsort(priv->pages, priv->nentries, sizeof(*priv->pages), by_pfn);
	for (size_t i = 1; i < priv->nentries; i++)
		if (priv->pages[i].pfn < priv->pages[i - 1].pfn + entry_pages(&priv->pages[i - 1]))
			return kdl_err(dump->ctx, "page 0x%" PRIx64 " is stored twice",
			               priv->pages[i].pfn << priv->shift);
	if (reorder(ws))
		return -1;
	if (layout(dump, priv->page, priv->npages, &l))
		return -1;
	head = kdl_alloc(dump->ctx, (1 + (size_t)l.sub_hdr_size) * priv->page);
	if (!head)
		goto out;
	put_header(head, dump, &l, priv->page);
	put_sub_header(head + priv->page, dump, &l, priv->page);
	pages_off = l.data_off + (dump->dump_level & 1 ? priv->page : 0);
	if (kdl_out_write(out, head, HEADER_SIZE, 0) ||
	    kdl_out_write(out, head + priv->page, SUB_HEADER_SIZE + l.notes.len,
	                  priv->page) ||
	    write_bitmaps(out, dump, &l, priv->page) ||
	    write_descs(out, dump, priv, &l))
		goto out;
	if (dump->dump_level & 1) {
		/* the page every zero page points to, written out even where
		 * a hole would read the same, so that the file has its length */
		memset(head, 0, priv->page);
		if (kdl_out_write(out, head, priv->page, l.data_off))
			goto out;
	}
	if (kdl_out_copy(out, priv->scratch, 0, priv->scratch_len, pages_off) ||
	    kdl_out_end(out, pages_off + priv->scratch_len))
		goto out;
	ret = 0;
out:
	free(head);
	free(l.notes.buf);
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

static int kdump_estimate(kdl_dump *dump, uint64_t *size)
{
	uint32_t page = kdl_dump_page_size(dump);
	uint64_t npages = count_pages(dump, page);
	struct kdump_layout l;

	if (layout(dump, page, npages, &l))
		return -1;
	free(l.notes.buf);
	/* at most: every page stored raw */
	*size = l.data_off + (dump->dump_level & 1 ? page : 0) + npages * page;
	return 0;
}

static void kdump_stats(struct kdl_writer_state *ws, struct kdl_stats *st)
{
	struct kdump_priv *priv = ws->priv;
	kdl_dump *dump = ws->dump;

	st->codec = dump->codec->name;
	st->level = dump->codec->has_levels ? dump->level : 0;
	st->dump_level = dump->dump_level;
	st->pages_total = count_pages(dump, kdl_dump_page_size(dump));
	if (ws->out) {
		st->pages_zero = priv->zero_pages;
		st->pages_dumped = priv->npages - priv->zero_pages;
		st->compressed_size = priv->scratch_len;
	}
}

static void kdump_free(struct kdl_writer_state *ws)
{
	struct kdump_priv *priv = ws->priv;

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
	.name = "kdump",
	.priv_size = sizeof(struct kdump_priv),
	.segment_begin = kdump_segment_begin,
	.segment_data = kdump_segment_data,
	.segment_zero = kdump_segment_zero,
	.segment_read = kdump_segment_read,
	.segment_end = kdump_segment_end,
	.finish = kdump_finish,
	.estimate = kdump_estimate,
	.stats = kdump_stats,
	.free = kdump_free,
	.can_flatten = true,
};
