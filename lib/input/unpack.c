/* The unpacker: what an input format finds, written as the record
 * stream, with the --phys ranges cut out of its segments, runs of zero
 * pages as ZERO records, and what --keep-going leaves out counted. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"

#define DEFAULT_PAGE 4096

struct kdl_unpacker {
	kdl_ctx *ctx;
	kdl_writer *w;
	struct kdl_range *ranges; /* sorted, merged; none: everything */
	size_t nranges;
	bool keep_going;
	uint64_t lost;
	uint32_t page;
	uint8_t *buf;
	bool described_done; /* a segment has begun: descriptions are over */
	size_t cpus;         /* NT_PRSTATUS notes so far, the next one's number */
	/* the segment the format tells */
	bool in_segment;
	uint64_t phys, virt, len, filled;
	/* the piece of it being written, inside one range */
	bool piece_open;
	uint64_t piece_last; /* its last byte */
	uint64_t piece_filled;
	uint64_t zeros; /* ZERO bytes held back, to go out as one record */
};

kdl_ctx *kdl_unpack_ctx(const struct kdl_unpacker *u)
{
	return u->ctx;
}

void kdl_unpack_page_size(struct kdl_unpacker *u, uint32_t page_size)
{
	u->page = page_size;
}

static int description(struct kdl_unpacker *u)
{
	if (u->described_done)
		return kdl_err(u->ctx, KDL_ERR_INVALID, "a description after segments: the input format tells them first");
	return 0;
}

int kdl_unpack_arch(struct kdl_unpacker *u, const struct kdl_arch *arch)
{
	struct kdl_rec_arch rec = {arch->info.name};

	return description(u) || kdl_rec_put_arch(u->w, &rec) ? -1 : 0;
}

int kdl_unpack_vmcoreinfo(struct kdl_unpacker *u, const char *text, size_t len)
{
	struct kdl_rec_vmcoreinfo rec = {text, len};

	return description(u) || kdl_rec_put_vmcoreinfo(u->w, &rec) ? -1 : 0;
}

int kdl_unpack_cpu(struct kdl_unpacker *u, struct kdl_prstatus *status,
                   const struct kdl_reg *regs, size_t nregs)
{
	struct kdl_rec_prstatus rec = {.regs = regs, .nregs = nregs};

	if (description(u))
		return -1;
	status->cpu = (uint32_t)u->cpus++;
	rec.status = *status;
	return kdl_rec_put_prstatus(u->w, &rec);
}

/* Whether a note holds key=value lines, as a packer writes metadata and
 * annotations. */
static bool meta_lines(const char *text, size_t len)
{
	const char *end = text + len;

	if (!len || text[len - 1] != '\n' || memchr(text, 0, len))
		return false;
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eq = memchr(line, '=', (size_t)(nl - line));

		if (!eq || eq == line)
			return false;
		line = nl + 1;
	}
	return true;
}

/* Each line of the note as the META record it was packed from, so that
 * packing again joins them with those of vmc-note into one note, and a
 * key given again with another value is seen. */
static int put_meta_lines(struct kdl_unpacker *u, const char *vendor, uint32_t kind,
                          const void *desc, size_t len)
{
	char *text = kdl_memdup(u->ctx, desc, len), *end = text + len;
	int ret = text ? 0 : -1;

	for (char *line = text; !ret && line < end;) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *eq = memchr(line, '=', (size_t)(nl - line));
		struct kdl_rec_meta rec = {kind, vendor, line, eq + 1};

		*eq = *nl = 0;
		ret = kdl_rec_put_meta(u->w, &rec);
		line = nl + 1;
	}
	free(text);
	return ret;
}

int kdl_unpack_note(struct kdl_unpacker *u, const uint8_t *name, size_t namelen,
                    uint32_t type, const void *desc, size_t len)
{
	struct kdl_rec_note rec = {.type = type, .desc = desc, .len = len};
	char *copy = kdl_memdup(u->ctx, name, namelen);
	int ret;

	if (!copy)
		return -1;
	rec.name = copy;
	if (description(u))
		ret = -1;
	else if ((type == KDL_NOTE_METADATA || type == KDL_NOTE_ANNOTATIONS) && *copy &&
	         strlen(copy) == namelen && meta_lines(desc, len))
		ret = put_meta_lines(u, copy, type, desc, len);
	else
		ret = kdl_rec_put_note(u->w, &rec);
	free(copy);
	return ret;
}

/* ---- segments, cut to the ranges ---- */

/* Whether the range holding addr keeps it: *last is that range's last
 * byte, or the last byte before the next range when none holds it.
 * Addresses are inclusive so that the top of the address space is one. */
static bool in_range(const struct kdl_unpacker *u, uint64_t addr, uint64_t *last)
{
	*last = UINT64_MAX;
	if (!u->nranges)
		return true;
	for (size_t i = 0; i < u->nranges; i++) {
		if (addr < u->ranges[i].start) {
			*last = u->ranges[i].start - 1;
			return false;
		}
		if (addr <= u->ranges[i].end) {
			*last = u->ranges[i].end;
			return true;
		}
	}
	return false;
}

static int flush_zeros(struct kdl_unpacker *u)
{
	struct kdl_rec_zero zero = {u->zeros};

	if (!u->zeros)
		return 0;
	u->zeros = 0;
	return kdl_rec_put_zero(u->w, &zero);
}

static int close_piece(struct kdl_unpacker *u)
{
	struct kdl_rec_segment_end end = {u->piece_filled};

	if (!u->piece_open)
		return 0;
	u->piece_open = false;
	return flush_zeros(u) || kdl_rec_put_segment_end(u->w, &end) ? -1 : 0;
}

/* Where the byte at addr goes: *keep whether a range holds it, *span
 * how many more bytes after it go the same way within the segment; the
 * piece that holds it is opened. */
static int piece_at(struct kdl_unpacker *u, uint64_t addr, uint64_t *span,
                    bool *keep)
{
	uint64_t last;
	struct kdl_rec_segment seg;

	*keep = in_range(u, addr, &last);
	if (u->len != KDL_LENGTH_UNKNOWN && u->phys + (u->len - 1) < last)
		last = u->phys + (u->len - 1);
	*span = last - addr;
	if (!*keep)
		return close_piece(u);
	if (u->piece_open && addr <= u->piece_last)
		return 0;
	if (close_piece(u))
		return -1;
	/* a length known is told up front, but for --keep-going, which may
	 * cut the piece short */
	seg.phys = addr;
	seg.virt = u->virt + (addr - u->phys);
	seg.length = u->keep_going || u->len == KDL_LENGTH_UNKNOWN ? KDL_LENGTH_UNKNOWN
	                                                          : last - addr + 1;
	u->piece_open = true;
	u->piece_last = last;
	u->piece_filled = 0;
	return kdl_rec_put_segment(u->w, &seg);
}

/* An ALIAS (or, virt NULL, an EXTENT) record for each piece of the
 * range the --phys ranges keep. */
static int put_kept(struct kdl_unpacker *u, uint64_t phys, const uint64_t *virt, uint64_t len)
{
	uint64_t at = phys, last = phys + (len - 1), piece_last;

	for (;;) {
		bool keep = in_range(u, at, &piece_last);
		struct kdl_rec_alias alias = {at, virt ? *virt + (at - phys) : 0, 0};
		struct kdl_rec_extent extent = {at, 0};

		if (piece_last > last)
			piece_last = last;
		alias.length = extent.length = piece_last - at + 1;
		if (keep && (virt ? kdl_rec_put_alias(u->w, &alias) : kdl_rec_put_extent(u->w, &extent)))
			return -1;
		if (piece_last == last)
			return 0;
		at = piece_last + 1;
	}
}

int kdl_unpack_alias(struct kdl_unpacker *u, uint64_t phys, uint64_t virt,
                     uint64_t len)
{
	if (description(u) || kdl_alias_check(u->ctx, phys, virt, len))
		return -1;
	return put_kept(u, phys, &virt, len);
}

int kdl_unpack_extent(struct kdl_unpacker *u, uint64_t phys, uint64_t len)
{
	if (description(u) || kdl_segment_check(u->ctx, phys, len))
		return -1;
	/* --keep-going may cut a segment short: better no promise */
	return u->keep_going ? 0 : put_kept(u, phys, NULL, len);
}

int kdl_unpack_segment(struct kdl_unpacker *u, uint64_t phys, uint64_t virt,
                       uint64_t len)
{
	if (u->in_segment)
		return kdl_err(u->ctx, KDL_ERR_INVALID, "a segment begins inside another");
	if (len != KDL_LENGTH_UNKNOWN && kdl_segment_check(u->ctx, phys, len))
		return -1;
	u->described_done = true;
	u->in_segment = true;
	u->phys = phys;
	u->virt = virt;
	u->len = len;
	u->filled = 0;
	return 0;
}

/* n bytes (zeros when data is NULL) at the segment's current address. */
static int put(struct kdl_unpacker *u, const uint8_t *data, uint64_t n)
{
	while (n) {
		uint64_t span, k;
		bool keep;

		if (piece_at(u, u->phys + u->filled, &span, &keep))
			return -1;
		k = n - 1 <= span ? n : span + 1;
		if (keep) {
			if (!data)
				u->zeros += k;
			else if (flush_zeros(u) || kdl_rec_put_data(u->w, data, (size_t)k))
				return -1;
			u->piece_filled += k;
		}
		if (data)
			data += k;
		u->filled += k;
		n -= k;
	}
	return 0;
}

static int room_for(struct kdl_unpacker *u, uint64_t n)
{
	struct kdl_feed feed = {u->phys, u->len, u->filled, true};

	if (!u->in_segment)
		return kdl_err(u->ctx, KDL_ERR_INVALID, "segment bytes outside a segment");
	return kdl_feed_room(u->ctx, &feed, n);
}

int kdl_unpack_zero(struct kdl_unpacker *u, uint64_t n)
{
	return room_for(u, n) || put(u, NULL, n) ? -1 : 0;
}

/* Bytes as they are, but for whole pages of zeros (by the address they
 * are at), which go out as ZERO. */
static int put_scanned(struct kdl_unpacker *u, const uint8_t *p, size_t n)
{
	while (n) {
		uint64_t addr = u->phys + u->filled;
		size_t k = (size_t)((u->page - addr % u->page) % u->page);
		bool zero = false;

		if (k && k > n)
			k = n; /* the rest of a page, as it is */
		else if (!k && n < u->page)
			k = n;
		else if (!k) {
			zero = kdl_page_is_zero(p, u->page);
			for (k = u->page; k + u->page <= n &&
			                  kdl_page_is_zero(p + k, u->page) == zero; k += u->page)
				;
		}
		if (put(u, zero ? NULL : p, k))
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

int kdl_unpack_bytes(struct kdl_unpacker *u, struct kdl_source *src)
{
	uint64_t n = src->len;

	if (room_for(u, n))
		return -1;
	if (kdl_source_is_zero(src))
		return kdl_source_skip(src, n) || put(u, NULL, n) ? -1 : 0;
	/* only on first use: most inputs that fail, fail before their bytes */
	if (!u->buf && !(u->buf = kdl_alloc(u->ctx, KDL_CHUNK)))
		return -1;
	while (src->len) {
		/* chunks end on page boundaries, so that no page is cut */
		size_t k = KDL_CHUNK - (size_t)((u->phys + u->filled) % u->page);

		if (k > src->len)
			k = (size_t)src->len;
		if (kdl_source_read(src, u->buf, k) || put_scanned(u, u->buf, k))
			return -1;
	}
	return 0;
}

int kdl_unpack_lost(struct kdl_unpacker *u, uint64_t n, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!u->keep_going)
		return kdl_err(u->ctx, KDL_ERR_CORRUPT, "%s", why);
	if (room_for(u, n))
		return -1;
	kdl_warn(u->ctx, "%s; %" PRIu64 " bytes at 0x%" PRIx64 " left out", why, n,
	         u->phys + u->filled);
	/* what comes after goes on in a segment of its own */
	if (close_piece(u))
		return -1;
	u->filled += n;
	u->lost += n;
	return 0;
}

int kdl_unpack_end(struct kdl_unpacker *u)
{
	if (!u->in_segment)
		return kdl_err(u->ctx, KDL_ERR_INVALID, "a segment ends that did not begin");
	if (u->len != KDL_LENGTH_UNKNOWN && u->filled != u->len)
		return kdl_err(u->ctx, KDL_ERR_INVALID, "segment at 0x%" PRIx64 " ended after %" PRIu64 " of its %" PRIu64 " bytes",
		               u->phys, u->filled, u->len);
	u->in_segment = false;
	return close_piece(u);
}

/* ---- the unpacker's life ---- */

static int by_start(const void *a, const void *b)
{
	const struct kdl_range *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static int take_ranges(struct kdl_unpacker *u, const struct kdl_unpack_options *opts)
{
	size_t n = 0;

	if (!opts->nranges)
		return 0;
	u->ranges = kdl_alloc(u->ctx, opts->nranges * sizeof(*u->ranges));
	if (!u->ranges)
		return -1;
	memcpy(u->ranges, opts->ranges, opts->nranges * sizeof(*u->ranges));
	for (size_t i = 0; i < opts->nranges; i++)
		if (u->ranges[i].end < u->ranges[i].start)
			return kdl_err(u->ctx, KDL_ERR_INVALID, "range 0x%" PRIx64 "-0x%" PRIx64 " ends before it starts",
			               u->ranges[i].start, u->ranges[i].end);
	qsort(u->ranges, opts->nranges, sizeof(*u->ranges), by_start);
	/* ranges that touch or overlap become one */
	for (size_t i = 1; i < opts->nranges; i++) {
		struct kdl_range *last = &u->ranges[n];

		if (last->end == UINT64_MAX || u->ranges[i].start <= last->end + 1) {
			if (u->ranges[i].end > last->end)
				last->end = u->ranges[i].end;
		} else
			u->ranges[++n] = u->ranges[i];
	}
	u->nranges = n + 1;
	return 0;
}

struct kdl_unpacker *kdl_unpacker_new(kdl_ctx *ctx, kdl_writer *w,
                                      const struct kdl_unpack_options *opts)
{
	struct kdl_unpacker *u = kdl_alloc(ctx, sizeof(*u));

	if (!u)
		return NULL;
	u->ctx = ctx;
	u->w = w;
	u->page = DEFAULT_PAGE;
	u->keep_going = opts->keep_going;
	if (take_ranges(u, opts)) {
		kdl_unpacker_free(u);
		return NULL;
	}
	return u;
}

int kdl_unpacker_done(struct kdl_unpacker *u, uint64_t *lost)
{
	if (u->in_segment)
		return kdl_err(u->ctx, KDL_ERR_INVALID, "the input ended inside a segment");
	if (lost)
		*lost = u->lost;
	return 0;
}

void kdl_unpacker_free(struct kdl_unpacker *u)
{
	if (!u)
		return;
	free(u->buf);
	free(u->ranges);
	free(u);
}
