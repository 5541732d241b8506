/* The framing of the record stream: the stream header, record headers,
 * the end record that closes a stream, and records passed on whole. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream/stream.h"

static const uint8_t magic[8] = {0x89, 'V', 'M', 'C', '\r', '\n', 0x1a, '\n'};
#define STREAM_VERSION 1
#define HEADER_SIZE 16 /* magic, version, header flags */
#define RECORD_HEADER 16 /* type, flags, length */
#define BUF_SIZE (64u << 10)

/* The reader reads no further than the record it is in, so that payloads
 * can go from its descriptor straight to another (kdl_reader_copy). */
struct kdl_reader {
	kdl_ctx *ctx;
	int fd;
	const char *name;
	bool started, ended;
	uint32_t version; /* from the stream header; 0 before it */
	uint64_t remaining; /* of the current payload */
	uint64_t records;
	uint64_t offset; /* the bytes read */
	/* the record being read, for messages: its number from 1, where its
	 * header starts */
	uint64_t number, at;
	void **held; /* what the current record decoded to */
	size_t nheld, held_cap;
};

struct kdl_writer {
	kdl_ctx *ctx;
	int fd;
	const char *name;
	uint64_t records;
	uint64_t remaining; /* of the record being written */
	size_t fill;
	uint8_t buf[BUF_SIZE];
};

kdl_reader *kdl_reader_new(kdl_ctx *ctx, int fd, const char *name)
{
	kdl_reader *r = kdl_alloc(ctx, sizeof(*r));

	if (r) {
		r->ctx = ctx;
		r->fd = fd;
		r->name = name;
	}
	return r;
}

const char *kdl_reader_name(const kdl_reader *r)
{
	return r->name;
}

kdl_ctx *kdl_reader_ctx(const kdl_reader *r)
{
	return r->ctx;
}

uint32_t kdl_reader_version(const kdl_reader *r)
{
	return r->version;
}

uint64_t kdl_reader_record_number(const kdl_reader *r)
{
	return r->number;
}

uint64_t kdl_reader_offset(const kdl_reader *r)
{
	return r->at;
}

static void release(kdl_reader *r)
{
	for (size_t i = 0; i < r->nheld; i++)
		free(r->held[i]);
	r->nheld = 0;
}

void kdl_reader_free(kdl_reader *r)
{
	if (!r)
		return;
	release(r);
	free(r->held);
	free(r);
}

void *kdl_reader_hold(kdl_reader *r, size_t size)
{
	void *p;

	if (kdl_grow(r->ctx, &r->held, &r->held_cap, r->nheld, sizeof(*r->held)))
		return NULL;
	p = kdl_alloc(r->ctx, size);
	if (p)
		r->held[r->nheld++] = p;
	return p;
}

int kdl_reader_corrupt(kdl_reader *r, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kdl_err(r->ctx, KDL_ERR_CORRUPT, "%s: corrupt stream: %s", r->name, what);
}

static int truncated(kdl_reader *r, const char *where)
{
	return kdl_err(r->ctx, KDL_ERR_CORRUPT,
	               "%s: truncated stream: it ends %s (did a program before this one fail?)",
	               r->name, where);
}

static ssize_t take(kdl_reader *r, void *dst, size_t n)
{
	ssize_t got = kdl_read_full(r->ctx, r->fd, r->name, dst, n, NULL);

	if (got > 0)
		r->offset += (uint64_t)got;
	return got;
}

static int start(kdl_reader *r)
{
	uint8_t h[HEADER_SIZE];
	ssize_t n = take(r, h, sizeof(h));

	r->started = true;
	if (n < 0)
		return -1;
	if (n == 0) {
		r->ended = true; /* an empty input is an empty stream */
		return 0;
	}
	if ((size_t)n < sizeof(magic) || memcmp(h, magic, sizeof(magic)))
		return kdl_err(r->ctx, KDL_ERR_CORRUPT,
		               "%s is not a vmc record stream; to read raw memory use vmc-seg -",
		               r->name);
	if (n < HEADER_SIZE)
		return truncated(r, "inside its header");
	if (kdl_get32le(h + 8) != STREAM_VERSION)
		return kdl_err(r->ctx, KDL_ERR_UNSUPPORTED,
		               "%s: stream version %" PRIu32 " is not understood (this program reads version %d)",
		               r->name, kdl_get32le(h + 8), STREAM_VERSION);
	r->version = STREAM_VERSION;
	return 0;
}

/* The end record: its count checked, nothing after it. */
static int finish(kdl_reader *r, const struct kdl_record *rec)
{
	uint8_t count[8], extra;
	ssize_t n;

	if (rec->length != sizeof(count))
		return kdl_reader_corrupt(r, "end record of %" PRIu64 " bytes", rec->length);
	n = take(r, count, sizeof(count));
	if (n < 0)
		return -1;
	if (n < (ssize_t)sizeof(count))
		return truncated(r, "inside its end record");
	if (kdl_get64le(count) != r->records)
		return kdl_reader_corrupt(r, "%" PRIu64 " records before the end record, which counts %" PRIu64,
		                          r->records, kdl_get64le(count));
	n = take(r, &extra, 1);
	if (n < 0)
		return -1;
	if (n > 0)
		return kdl_err(r->ctx, KDL_ERR_CORRUPT, "%s: data after the end of the stream", r->name);
	r->ended = true;
	return 0;
}

int kdl_reader_next(kdl_reader *r, struct kdl_record *rec)
{
	uint8_t h[RECORD_HEADER];
	ssize_t n;

	release(r);
	if (!r->started && start(r))
		return -1;
	if (r->remaining)
		return kdl_err(r->ctx, KDL_ERR_INVALID, "%s: record payload not consumed", r->name);
	if (r->ended)
		return 0;
	r->number = r->records + 1;
	r->at = r->offset;
	n = take(r, h, sizeof(h));
	if (n < 0)
		return -1;
	if (n == 0)
		return truncated(r, "without its end record");
	if (n < RECORD_HEADER)
		return truncated(r, "inside a record header");
	rec->type = kdl_get32le(h);
	rec->flags = kdl_get32le(h + 4);
	rec->length = kdl_get64le(h + 8);
	if (rec->type == KDL_REC_END)
		return finish(r, rec) ? -1 : 0;
	r->records++;
	r->remaining = rec->length;
	return 1;
}

long kdl_reader_read(kdl_reader *r, void *buf, size_t n)
{
	ssize_t got;

	if (n > r->remaining)
		n = (size_t)r->remaining;
	if (!n)
		return 0;
	got = take(r, buf, n);
	if (got < 0)
		return -1;
	r->remaining -= (uint64_t)got;
	if ((size_t)got < n)
		return truncated(r, "inside a record");
	return got;
}

int kdl_reader_exact(kdl_reader *r, void *buf, size_t n)
{
	if (n > r->remaining)
		return kdl_reader_corrupt(r, "a record is shorter than its contents");
	return kdl_reader_read(r, buf, n) < 0 ? -1 : 0;
}

const void *kdl_reader_payload(kdl_reader *r, const struct kdl_record *rec)
{
	uint8_t *p;

	if (rec->length > KDL_STREAM_MAX_PAYLOAD) {
		kdl_reader_corrupt(r, "record of type 0x%" PRIx32 " has %" PRIu64 " bytes",
		                   rec->type, rec->length);
		return NULL;
	}
	p = kdl_reader_hold(r, (size_t)rec->length + 1);
	if (!p || kdl_reader_exact(r, p, (size_t)rec->length))
		return NULL;
	return p;
}

int kdl_reader_copy(kdl_reader *r, const struct kdl_copy_end *out, uint64_t n)
{
	struct kdl_copy_end in = {r->fd, r->name, NULL};
	int64_t done;

	if (n > r->remaining)
		return kdl_reader_corrupt(r, "a record is shorter than its contents");
	done = kdl_copy(r->ctx, &in, out, n);
	if (done < 0)
		return -1;
	r->offset += (uint64_t)done;
	r->remaining -= (uint64_t)done;
	if ((uint64_t)done < n)
		return truncated(r, "inside a record");
	return 0;
}

int kdl_reader_skip(kdl_reader *r)
{
	uint8_t scratch[64 << 10];

	while (r->remaining)
		if (kdl_reader_read(r, scratch, sizeof(scratch)) < 0)
			return -1;
	return 0;
}

/* ---- writing ---- */

static int flush(kdl_writer *w)
{
	size_t n = w->fill;

	w->fill = 0;
	return kdl_write_all(w->ctx, w->fd, w->name, w->buf, n);
}

static int put(kdl_writer *w, const void *data, size_t n)
{
	if (n > BUF_SIZE - w->fill && flush(w))
		return -1;
	if (n >= BUF_SIZE)
		return kdl_write_all(w->ctx, w->fd, w->name, data, n);
	memcpy(w->buf + w->fill, data, n);
	w->fill += n;
	return 0;
}

kdl_writer *kdl_writer_new(kdl_ctx *ctx, int fd, const char *name)
{
	kdl_writer *w = kdl_alloc(ctx, sizeof(*w));

	if (!w)
		return NULL;
	w->ctx = ctx;
	w->fd = fd;
	w->name = name;
	memcpy(w->buf, magic, sizeof(magic));
	kdl_put32(w->buf + 8, STREAM_VERSION, false);
	kdl_put32(w->buf + 12, 0, false);
	w->fill = HEADER_SIZE;
	/* at once: from now on, if this program fails, the stream reads as
	 * truncated downstream rather than as an empty stream */
	if (flush(w)) {
		free(w);
		return NULL;
	}
	return w;
}

kdl_ctx *kdl_writer_ctx(const kdl_writer *w)
{
	return w->ctx;
}

void kdl_writer_free(kdl_writer *w)
{
	free(w);
}

int kdl_writer_begin(kdl_writer *w, uint32_t type, uint32_t flags,
                     uint64_t length)
{
	uint8_t h[RECORD_HEADER];

	if (w->remaining)
		return kdl_err(w->ctx, KDL_ERR_INVALID, "%s: record started before the last one was complete", w->name);
	kdl_put32(h, type, false);
	kdl_put32(h + 4, flags, false);
	kdl_put64(h + 8, length, false);
	w->remaining = length;
	w->records++;
	return put(w, h, sizeof(h));
}

static int too_long(kdl_writer *w)
{
	return kdl_err(w->ctx, KDL_ERR_INVALID, "%s: record payload longer than announced", w->name);
}

int kdl_writer_data(kdl_writer *w, const void *buf, size_t n)
{
	if (n > w->remaining)
		return too_long(w);
	w->remaining -= n;
	return put(w, buf, n);
}

int kdl_writer_copy(kdl_writer *w, const struct kdl_copy_end *in, uint64_t n,
                    uint64_t *copied)
{
	struct kdl_copy_end out = {w->fd, w->name, NULL};
	int64_t done;

	if (n > w->remaining)
		return too_long(w);
	if (flush(w))
		return -1;
	done = kdl_copy(w->ctx, in, &out, n);
	if (done < 0)
		return -1;
	w->remaining -= (uint64_t)done;
	*copied = (uint64_t)done;
	return 0;
}

int kdl_writer_end(kdl_writer *w)
{
	if (w->remaining)
		return kdl_err(w->ctx, KDL_ERR_INVALID, "%s: record payload shorter than announced", w->name);
	return 0;
}

int kdl_writer_record(kdl_writer *w, uint32_t type, uint32_t flags,
                      const void *payload, uint64_t length)
{
	if (kdl_writer_begin(w, type, flags, length) ||
	    kdl_writer_data(w, payload, (size_t)length))
		return -1;
	return kdl_writer_end(w);
}

int kdl_writer_finish(kdl_writer *w)
{
	uint8_t count[8];
	int ret;

	kdl_put64(count, w->records, false);
	ret = kdl_writer_record(w, KDL_REC_END, KDL_REC_CRITICAL, count, sizeof(count));
	if (!ret)
		ret = flush(w);
	free(w);
	return ret;
}

int kdl_stream_pass(kdl_reader *r, kdl_writer *w, const struct kdl_record *rec)
{
	struct kdl_copy_end out = {w->fd, w->name, NULL};

	/* straight from one pipe to the other: no copy through this process */
	if (kdl_writer_begin(w, rec->type, rec->flags, rec->length) || flush(w) ||
	    kdl_reader_copy(r, &out, rec->length))
		return -1;
	w->remaining = 0;
	return 0;
}
