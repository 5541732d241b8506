/* makedumpfile's flattened format (makedumpfile -F, QEMU's kdump-*
 * formats before 8.2, vmc-pack -o -), from a file or a pipe: a 4096-byte
 * header, then records of a big-endian {offset, size} and the bytes that
 * go there in the file the records stand for, then an end marker
 * {-1, -1}.  makedumpfile -R writes each record at its offset: a later
 * record wins over an earlier one, bytes no record has are zero.
 *
 * The file the records stand for (a kdump-compressed file, or an ELF one
 * with makedumpfile -E -F) is read by its own format through a virtual
 * input.  From a file, the records are indexed, and read where they are.
 * From a pipe they come once, in the order the producer wrote them,
 * which is not the order a reader wants: makedumpfile writes a block of
 * descriptors, then their pages (the last pages before their
 * descriptors), QEMU fills a buffer of pages and one of descriptors and
 * writes each when it is full, both bitmaps come block by block, and
 * vmc-pack writes every descriptor before the first page.  So the bytes
 * that come before they are asked for are held back, each until it is
 * read, up to HOLD_MAX; a record for bytes already read comes too late
 * to win, and is refused. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"
#include "layout/flat.h"

/* What a pipe may hold back: the descriptors of 11 million pages. */
#define HOLD_MAX ((uint64_t)256 << 20)

/* ---- records ---- */

struct record {
	uint64_t off, len; /* in the file it stands for */
	uint64_t at;       /* where its bytes are in the flattened file */
	size_t seq;        /* its place among the records */
};

static uint64_t record_end(const void *rec)
{
	const struct record *r = rec;

	return r->off + r->len;
}

/* The first of n ranges (elem bytes each, sorted, apart; end_of tells
 * where one ends) that ends after off. */
static size_t first_after(const void *ranges, size_t n, size_t elem,
                          uint64_t (*end_of)(const void *), uint64_t off)
{
	const uint8_t *base = ranges;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (end_of(base + mid * elem) <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The record header at byte at: 1 and the record, 0 at the end marker,
 * or -1. */
static int parse_record(struct kdl_input *outer, const uint8_t *h, uint64_t at,
                        struct record *rec)
{
	uint64_t off = kdl_get64(h + FLAT_R_OFFSET, true), len = kdl_get64(h + FLAT_R_SIZE, true);

	if (off == UINT64_MAX && len == UINT64_MAX)
		return 0;
	/* makedumpfile -R takes a negative offset or a size not above 0
	 * for the end, and then wants both -1 */
	if (off > INT64_MAX || len == 0 || len > INT64_MAX || off + len > INT64_MAX)
		return kdl_input_corrupt(outer, at, "a record of %" PRId64 " bytes at byte %" PRId64 ": records are of at least one byte, within 2^63, and only the end marker has -1",
		                         (int64_t)len, (int64_t)off);
	rec->off = off;
	rec->len = len;
	rec->at = at + FLAT_RECORD_HEADER;
	return 1;
}

/* ---- from a file: the records indexed ---- */

struct flat_file {
	struct kdl_input *outer;
	struct record *pieces; /* sorted, apart: what each byte reads */
	size_t npieces;
};

static int by_offset(const void *a, const void *b)
{
	const struct record *x = a, *y = b;

	if (x->off != y->off)
		return (x->off > y->off) - (x->off < y->off);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int read_index(struct kdl_input *outer, struct record **recs, size_t *n)
{
	size_t cap = 0;
	uint64_t at = FLAT_HEADER_SIZE;

	*recs = NULL;
	*n = 0;
	for (;;) {
		uint8_t h[FLAT_RECORD_HEADER];
		struct record rec;
		int got;

		if (kdl_input_pread(outer, h, sizeof(h), at, "a record header (the records end with a marker)"))
			return -1;
		got = parse_record(outer, h, at, &rec);
		if (got <= 0)
			return got;
		if (rec.len > outer->size - rec.at)
			return kdl_input_truncated(outer, "a record");
		if (kdl_grow(outer->ctx, recs, &cap, *n, sizeof(rec)))
			return -1;
		rec.seq = *n;
		(*recs)[(*n)++] = rec;
		at = rec.at + rec.len;
	}
}

/* A max-heap of records by their place: the latest on top. */
static void heap_push(const struct record *recs, size_t *heap, size_t *n, size_t i)
{
	size_t k = (*n)++;

	for (; k && recs[heap[(k - 1) / 2]].seq < recs[i].seq; k = (k - 1) / 2)
		heap[k] = heap[(k - 1) / 2];
	heap[k] = i;
}

static void heap_pop(const struct record *recs, size_t *heap, size_t *n)
{
	size_t last = heap[--*n], k = 0;

	for (;;) {
		size_t c = 2 * k + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && recs[heap[c + 1]].seq > recs[heap[c]].seq)
			c++;
		if (recs[heap[c]].seq <= recs[last].seq)
			break;
		heap[k] = heap[c];
		k = c;
	}
	heap[k] = last;
}

static int add_piece(struct flat_file *f, size_t *cap, uint64_t off, uint64_t len,
                     uint64_t at)
{
	struct record *last = f->npieces ? &f->pieces[f->npieces - 1] : NULL;

	if (last && last->off + last->len == off && last->at + last->len == at) {
		last->len += len;
		return 0;
	}
	if (kdl_grow(f->outer->ctx, &f->pieces, cap, f->npieces, sizeof(*last)))
		return -1;
	f->pieces[f->npieces++] = (struct record){off, len, at, 0};
	return 0;
}

/* The records as makedumpfile -R lays them out: each byte from the last
 * record that has it.  A sweep over the records by offset, the latest of
 * those that cover the current byte on top of a heap. */
static int lay_out(struct flat_file *f, struct record *recs, size_t n)
{
	size_t *heap = kdl_alloc(f->outer->ctx, (n ? n : 1) * sizeof(*heap));
	size_t cap = 0, nheap = 0, i = 0;
	uint64_t x = 0;
	int ret = 0;

	if (!heap)
		return -1;
	if (n)
		qsort(recs, n, sizeof(*recs), by_offset);
	while (!ret && (i < n || nheap)) {
		const struct record *top;
		uint64_t next;

		if (!nheap)
			x = recs[i].off;
		while (i < n && recs[i].off <= x)
			heap_push(recs, heap, &nheap, i++);
		while (nheap && recs[heap[0]].off + recs[heap[0]].len <= x)
			heap_pop(recs, heap, &nheap);
		if (!nheap)
			continue;
		top = &recs[heap[0]];
		next = top->off + top->len;
		if (i < n && recs[i].off < next)
			next = recs[i].off;
		ret = add_piece(f, &cap, x, next - x, top->at + (x - top->off));
		x = next;
	}
	free(heap);
	return ret;
}

static int file_read_at(struct kdl_input *in, void *buf, size_t n, uint64_t off)
{
	struct flat_file *f = in->arg;
	uint8_t *p = buf;

	if (off > in->size || n > in->size - off)
		return kdl_err(in->ctx, KDL_ERR_CORRUPT, "%s: truncated: it ends at byte %" PRIu64 ", before bytes %" PRIu64 " to %" PRIu64,
		               in->name, in->size, off, off + n);
	/* what no record has is zero */
	memset(buf, 0, n);
	for (size_t i = first_after(f->pieces, f->npieces, sizeof(*f->pieces), record_end, off);
	     i < f->npieces && f->pieces[i].off < off + n; i++) {
		const struct record *rec = &f->pieces[i];
		uint64_t from = rec->off > off ? rec->off : off;
		uint64_t to = rec->off + rec->len < off + n ? rec->off + rec->len : off + n;

		if (kdl_input_pread(f->outer, p + (from - off), (size_t)(to - from),
		                    rec->at + (from - rec->off), "a record"))
			return -1;
	}
	return 0;
}

static const struct kdl_input_io file_io = {.read_at = file_read_at};

static int open_file(struct kdl_input *outer, struct flat_file *f,
                     struct kdl_input *inner, const char *name)
{
	struct record *recs;
	size_t n;
	uint64_t size = 0;
	int ret;

	f->outer = outer;
	ret = read_index(outer, &recs, &n) || lay_out(f, recs, n) ? -1 : 0;
	free(recs);
	if (ret)
		return -1;
	if (f->npieces)
		size = f->pieces[f->npieces - 1].off + f->pieces[f->npieces - 1].len;
	kdl_input_init(inner, outer->ctx, name, &file_io, f, true, size);
	inner->head_len = size < sizeof(inner->head) ? (size_t)size : sizeof(inner->head);
	return file_read_at(inner, inner->head, inner->head_len, 0);
}

/* ---- from a pipe: the records as they come ---- */

/* Bytes come in chunks of at most KDL_CHUNK. */
struct chunk {
	uint64_t off;
	size_t len;
	uint8_t *data;
};

struct span {
	uint64_t start, end;
};

struct flat_pipe {
	struct kdl_input *outer;
	struct chunk *chunks; /* sorted, apart */
	size_t nchunks, chunks_cap;
	uint64_t held;
	struct span *read;    /* bytes read out: sorted, apart, merged */
	size_t nread, read_cap;
	struct record rec;    /* the record coming in, rec.len bytes left */
	bool ended;
	bool draining;        /* the reader is done: the rest is only checked */
	uint64_t size;        /* the end of the last record: the file's size once ended */
};

static uint64_t chunk_end(const void *chunk)
{
	const struct chunk *c = chunk;

	return c->off + c->len;
}

static uint64_t span_end(const void *span)
{
	return ((const struct span *)span)->end;
}

static size_t chunk_after(const struct flat_pipe *fp, uint64_t off)
{
	return first_after(fp->chunks, fp->nchunks, sizeof(*fp->chunks), chunk_end, off);
}

static size_t span_after(const struct flat_pipe *fp, uint64_t off)
{
	return first_after(fp->read, fp->nread, sizeof(*fp->read), span_end, off);
}

static int insert_chunk(struct flat_pipe *fp, size_t at, uint64_t off, size_t len,
                        uint8_t *data)
{
	if (kdl_grow(fp->outer->ctx, &fp->chunks, &fp->chunks_cap, fp->nchunks,
	             sizeof(*fp->chunks))) {
		free(data);
		return -1;
	}
	memmove(fp->chunks + at + 1, fp->chunks + at, (fp->nchunks - at) * sizeof(*fp->chunks));
	fp->chunks[at] = (struct chunk){off, len, data};
	fp->nchunks++;
	fp->held += len;
	return 0;
}

/* Drops the bytes of [start, end) that chunks hold. */
static int drop_held(struct flat_pipe *fp, uint64_t start, uint64_t end)
{
	size_t i = chunk_after(fp, start);

	while (i < fp->nchunks && fp->chunks[i].off < end) {
		struct chunk *c = &fp->chunks[i];
		uint64_t c_end = chunk_end(c);

		if (c->off < start && c_end > end) {
			/* the middle goes: the tail becomes a chunk of its own */
			uint8_t *tail = (uint8_t *)kdl_memdup(fp->outer->ctx, c->data + (end - c->off), (size_t)(c_end - end));

			fp->held -= c_end - start;
			c->len = (size_t)(start - c->off);
			return tail ? insert_chunk(fp, i + 1, end, (size_t)(c_end - end), tail) : -1;
		}
		if (c->off < start) {
			fp->held -= c_end - start;
			c->len = (size_t)(start - c->off);
			i++;
		} else if (c_end > end) {
			fp->held -= end - c->off;
			memmove(c->data, c->data + (end - c->off), (size_t)(c_end - end));
			c->len = (size_t)(c_end - end);
			c->off = end;
			i++;
		} else {
			fp->held -= c->len;
			free(c->data);
			memmove(c, c + 1, (fp->nchunks - i - 1) * sizeof(*c));
			fp->nchunks--;
		}
	}
	return 0;
}

/* A later record for bytes already read came too late: the reader used
 * what the earlier one had (makedumpfile -E -F writes the program
 * headers again at the end). */
static int rewrites_read(struct flat_pipe *fp, uint64_t off, uint64_t end)
{
	size_t i = span_after(fp, off);
	char why[200];

	if (i == fp->nread || fp->read[i].start >= end)
		return 0;
	snprintf(why, sizeof(why), "the record at byte %" PRIu64 " writes bytes %" PRIu64 " to %" PRIu64 " again after they were read",
	         fp->rec.at - FLAT_RECORD_HEADER,
	         fp->read[i].start > off ? fp->read[i].start : off,
	         (fp->read[i].end < end ? fp->read[i].end : end) - 1);
	return kdl_input_needs_file(fp->outer, why);
}

/* Bytes at off that arrived: what is held for the same bytes gives way. */
static int take_chunk(struct flat_pipe *fp, uint64_t off, uint8_t *data, size_t len)
{
	if (rewrites_read(fp, off, off + len) || drop_held(fp, off, off + len)) {
		free(data);
		return -1;
	}
	return insert_chunk(fp, chunk_after(fp, off), off, len, data);
}

/* The next bytes of the pipe: a record header, or bytes of a record. */
static int pull(struct flat_pipe *fp)
{
	struct kdl_input *outer = fp->outer;
	uint8_t h[FLAT_RECORD_HEADER];
	uint8_t *data;
	size_t k;
	int got;

	if (!fp->rec.len) {
		uint64_t at = outer->pos;

		if (kdl_input_read(outer, h, sizeof(h), "a record header (the records end with a marker)"))
			return -1;
		got = parse_record(outer, h, at, &fp->rec);
		if (got < 0)
			return -1;
		fp->ended = !got;
		if (got && fp->rec.off + fp->rec.len > fp->size)
			fp->size = fp->rec.off + fp->rec.len;
		return 0;
	}
	k = fp->rec.len < KDL_CHUNK ? (size_t)fp->rec.len : KDL_CHUNK;
	if (!fp->draining && fp->held + k > HOLD_MAX) {
		char why[100];

		snprintf(why, sizeof(why), "its records come in an order that holds back more than %" PRIu64 " MiB",
		         HOLD_MAX >> 20);
		return kdl_input_needs_file(outer, why);
	}
	data = kdl_alloc(outer->ctx, k);
	if (!data || kdl_input_read(outer, data, k, "a record")) {
		free(data);
		return -1;
	}
	fp->rec.off += k;
	fp->rec.len -= k;
	if (fp->draining) {
		got = rewrites_read(fp, fp->rec.off - k, fp->rec.off);
		free(data);
		return got;
	}
	return take_chunk(fp, fp->rec.off - k, data, k);
}

/* The records after the last byte the reader wanted, to the end marker:
 * none may change what it read. */
static int drain(struct flat_pipe *fp)
{
	fp->draining = true;
	while (!fp->ended)
		if (pull(fp))
			return -1;
	return 0;
}

/* Whether the chunks hold all of [off, off + n). */
static bool held(const struct flat_pipe *fp, uint64_t off, size_t n)
{
	uint64_t want = off;

	for (size_t i = chunk_after(fp, off);
	     i < fp->nchunks && want < off + n; i++) {
		if (fp->chunks[i].off > want)
			return false;
		want = chunk_end(&fp->chunks[i]);
	}
	return want >= off + n;
}

static int mark_read(struct flat_pipe *fp, uint64_t start, uint64_t end)
{
	size_t i = span_after(fp, start), j;

	/* a span that ends where this one starts is merged too */
	if (i && fp->read[i - 1].end == start)
		i--;
	for (j = i; j < fp->nread && fp->read[j].start <= end; j++) {
		if (fp->read[j].start < start)
			start = fp->read[j].start;
		if (fp->read[j].end > end)
			end = fp->read[j].end;
	}
	if (j == i) {
		if (kdl_grow(fp->outer->ctx, &fp->read, &fp->read_cap, fp->nread, sizeof(*fp->read)))
			return -1;
		memmove(fp->read + i + 1, fp->read + i, (fp->nread - i) * sizeof(*fp->read));
		fp->nread++;
		j = i + 1;
	}
	fp->read[i] = (struct span){start, end};
	memmove(fp->read + i + 1, fp->read + j, (fp->nread - j) * sizeof(*fp->read));
	fp->nread -= j - i - 1;
	return 0;
}

static int pipe_read_at(struct kdl_input *in, void *buf, size_t n, uint64_t off)
{
	struct flat_pipe *fp = in->arg;
	uint8_t *p = buf;
	size_t i = span_after(fp, off);
	char why[128];

	if (i < fp->nread && fp->read[i].start < off + n) {
		snprintf(why, sizeof(why), "its records give each byte once, and byte %" PRIu64 " is wanted again",
		         fp->read[i].start > off ? fp->read[i].start : off);
		return kdl_input_needs_file(fp->outer, why);
	}
	while (!held(fp, off, n) && !fp->ended)
		if (pull(fp))
			return -1;
	if (fp->ended && off + n > fp->size)
		return kdl_err(in->ctx, KDL_ERR_CORRUPT, "%s: truncated: its records end at byte %" PRIu64 ", before bytes %" PRIu64 " to %" PRIu64,
		               in->name, fp->size, off, off + n);
	/* what no record has is zero */
	memset(buf, 0, n);
	for (i = chunk_after(fp, off);
	     i < fp->nchunks && fp->chunks[i].off < off + n; i++) {
		const struct chunk *c = &fp->chunks[i];
		uint64_t from = c->off > off ? c->off : off;
		uint64_t to = chunk_end(c) < off + n ? chunk_end(c) : off + n;

		memcpy(p + (from - off), c->data + (from - c->off), (size_t)(to - from));
	}
	return drop_held(fp, off, off + n) || mark_read(fp, off, off + n) ? -1 : 0;
}

static const struct kdl_input_io pipe_io = {.read_at = pipe_read_at};

/* The head: the bytes from 0 on, as far as they come together, left
 * held for the reader. */
static int open_pipe(struct kdl_input *outer, struct flat_pipe *fp,
                     struct kdl_input *inner, const char *name)
{
	fp->outer = outer;
	if (kdl_input_seek(outer, FLAT_HEADER_SIZE, "the header"))
		return -1;
	kdl_input_init(inner, outer->ctx, name, &pipe_io, fp, true, KDL_LENGTH_UNKNOWN);
	while (!fp->ended && !(fp->nchunks && !fp->chunks[0].off))
		if (pull(fp))
			return -1;
	for (size_t i = 0; i < fp->nchunks && fp->chunks[i].off == inner->head_len &&
	                   inner->head_len < sizeof(inner->head); i++) {
		size_t k = sizeof(inner->head) - inner->head_len;

		if (k > fp->chunks[i].len)
			k = fp->chunks[i].len;
		memcpy(inner->head + inner->head_len, fp->chunks[i].data, k);
		inner->head_len += k;
	}
	return 0;
}

static void close_pipe(struct flat_pipe *fp)
{
	for (size_t i = 0; i < fp->nchunks; i++)
		free(fp->chunks[i].data);
	free(fp->chunks);
	free(fp->read);
}

/* ---- the format ---- */

/* makedumpfile_header: "makedumpfile" NUL-padded to 16 bytes, then a
 * big-endian type 1 (FLAT_TYPE). */
static bool flat_probe(const uint8_t *head, size_t n)
{
	static const uint8_t signature[FLAT_SIGNATURE_LEN] = FLAT_SIGNATURE;

	return n >= FLAT_TYPE_OFF + 8 && !memcmp(head, signature, sizeof(signature)) &&
	       kdl_get64(head + FLAT_TYPE_OFF, true) == FLAT_TYPE;
}

/* The file the records stand for, read by its format: what makedumpfile
 * flattens, kdump-compressed files, and ELF ones with -E. */
static int unpack_inner(struct kdl_unpacker *u, struct kdl_input *outer,
                        struct kdl_input *inner)
{
	static const struct kdl_input_ops *const flattened[] = {&kdl_input_kdump, &kdl_input_elf};

	for (size_t i = 0; i < KDL_ARRAY_SIZE(flattened); i++)
		if (flattened[i]->probe(inner->head, inner->head_len))
			return flattened[i]->unpack(u, inner, 1);
	return kdl_input_corrupt(outer, FLAT_HEADER_SIZE, "its records make neither a kdump-compressed file nor an ELF one (they make %s)",
	                         inner->head_len ? "a file of another format" : "an empty file");
}

static int flat_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	kdl_ctx *ctx = kdl_unpack_ctx(u);
	struct kdl_input *outer = &ins[0], inner;
	struct flat_file file = {0};
	struct flat_pipe pipe = {0};
	char *name = kdl_asprintf(ctx, "%s (reassembled)", outer->name);
	int ret = -1;

	(void)n;
	if (!name)
		return -1;
	if (!flat_probe(outer->head, outer->head_len))
		kdl_input_corrupt(outer, 0, "no flattened header (\"makedumpfile\", then type 1)");
	else if (outer->seekable ? !open_file(outer, &file, &inner, name)
	                         : !open_pipe(outer, &pipe, &inner, name))
		ret = unpack_inner(u, outer, &inner) || (!outer->seekable && drain(&pipe)) ? -1 : 0;
	free(file.pieces);
	close_pipe(&pipe);
	free(name);
	return ret;
}

const struct kdl_input_ops kdl_input_flat = {
	.info = {
		.name = "flat",
		.summary = "makedumpfile's flattened format, from a file or a pipe",
	},
	.probe = flat_probe,
	.unpack = flat_unpack,
};
