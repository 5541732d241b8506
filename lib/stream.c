/* The record stream between the programs; STREAM.md is its specification. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static const uint8_t magic[8] = {0x89, 'V', 'M', 'C', '\r', '\n', 0x1a, '\n'};
#define STREAM_VERSION 1
#define HEADER_SIZE 16
#define RECORD_HEADER 16
/* Description records are small; a larger one is corrupt input. */
#define MAX_PAYLOAD (64u << 20)
#define BUF_SIZE (64u << 10)

/* The reader reads no further than the record it is in, so that payloads
 * can go from its descriptor straight to another (kdl_reader_copy). */
struct kdl_reader {
	kdl_ctx *ctx;
	int fd;
	const char *name;
	bool started, ended;
	uint64_t remaining; /* of the current payload */
	uint64_t records;
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

void kdl_reader_free(kdl_reader *r)
{
	free(r);
}

/* Up to n bytes of the input; 0 at its end. */
static ssize_t take(kdl_reader *r, void *dst, size_t n)
{
	ssize_t got;

	do
		got = read(r->fd, dst, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return kdl_err_sys(r->ctx, "%s", r->name);
	return got;
}

/* Exactly n bytes: returns n, or fewer at end of input, or -1. */
static ssize_t take_full(kdl_reader *r, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = take(r, (uint8_t *)dst + got, n - got);

		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

static int truncated(kdl_reader *r, const char *where)
{
	return kdl_err(r->ctx, "%s: truncated stream: it ends %s (did a program before this one fail?)",
	               r->name, where);
}

static int start(kdl_reader *r)
{
	uint8_t h[HEADER_SIZE];
	ssize_t n = take_full(r, h, sizeof(h));

	r->started = true;
	if (n < 0)
		return -1;
	if (n == 0) {
		r->ended = true; /* an empty input is an empty stream */
		return 0;
	}
	if ((size_t)n < sizeof(magic) || memcmp(h, magic, sizeof(magic)))
		return kdl_err(r->ctx, "%s is not a vmc record stream; to read raw memory use vmc-seg -",
		               r->name);
	if (n < HEADER_SIZE)
		return truncated(r, "inside its header");
	if (kdl_get32le(h + 8) != STREAM_VERSION)
		return kdl_err(r->ctx, "%s: stream version %" PRIu32 " is not understood (this program reads version %d)",
		               r->name, kdl_get32le(h + 8), STREAM_VERSION);
	return 0;
}

static int finish(kdl_reader *r, const struct kdl_record *rec)
{
	uint8_t count[8], extra;
	ssize_t n;

	if (rec->length != sizeof(count))
		return kdl_err(r->ctx, "%s: corrupt stream: end record of %" PRIu64 " bytes",
		               r->name, rec->length);
	n = take_full(r, count, sizeof(count));
	if (n < 0)
		return -1;
	if (n < (ssize_t)sizeof(count))
		return truncated(r, "inside its end record");
	if (kdl_get64le(count) != r->records)
		return kdl_err(r->ctx, "%s: corrupt stream: %" PRIu64 " records before the end record, which counts %" PRIu64,
		               r->name, r->records, kdl_get64le(count));
	n = take(r, &extra, 1);
	if (n < 0)
		return -1;
	if (n > 0)
		return kdl_err(r->ctx, "%s: data after the end of the stream", r->name);
	r->ended = true;
	return 0;
}

int kdl_reader_next(kdl_reader *r, struct kdl_record *rec)
{
	uint8_t h[RECORD_HEADER];
	ssize_t n;

	if (!r->started && start(r))
		return -1;
	if (r->remaining)
		return kdl_err(r->ctx, "%s: record payload not consumed", r->name);
	if (r->ended)
		return 0;
	n = take_full(r, h, sizeof(h));
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
	if (got == 0)
		return truncated(r, "inside a record");
	r->remaining -= (uint64_t)got;
	return got;
}

void *kdl_reader_payload(kdl_reader *r, const struct kdl_record *rec)
{
	uint8_t *p;
	ssize_t got;

	if (rec->length > MAX_PAYLOAD) {
		kdl_err(r->ctx, "%s: corrupt stream: record of type 0x%" PRIx32 " has %" PRIu64 " bytes",
		        r->name, rec->type, rec->length);
		return NULL;
	}
	p = kdl_alloc(r->ctx, (size_t)rec->length + 1);
	if (!p)
		return NULL;
	got = take_full(r, p, (size_t)rec->length);
	if (got != (ssize_t)rec->length) {
		free(p);
		if (got >= 0)
			truncated(r, "inside a record");
		return NULL;
	}
	r->remaining = 0;
	return p;
}

int64_t kdl_reader_copy(kdl_reader *r, const struct kdl_fd *out, uint64_t n)
{
	struct kdl_fd in = {r->fd, r->name, NULL};
	int64_t done;

	if (n > r->remaining)
		n = r->remaining;
	done = kdl_copy(r->ctx, &in, out, n);
	if (done < 0)
		return -1;
	r->remaining -= (uint64_t)done;
	if ((uint64_t)done < n)
		return truncated(r, "inside a record");
	return done;
}

int kdl_reader_exact(kdl_reader *r, void *buf, size_t n)
{
	if (n > r->remaining)
		return kdl_err(r->ctx, "%s: corrupt stream: a record is shorter than its contents", r->name);
	/* a payload may come in several reads of the input */
	for (size_t got = 0; got < n;) {
		long k = kdl_reader_read(r, (uint8_t *)buf + got, n - got);

		if (k < 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

int kdl_reader_skip(kdl_reader *r)
{
	uint8_t scratch[64 << 10];

	while (r->remaining) {
		long n = kdl_reader_read(r, scratch, sizeof(scratch));

		if (n < 0)
			return -1;
	}
	return 0;
}

int kdl_reader_segment(kdl_reader *r, const struct kdl_record *rec,
                       uint64_t *phys, uint64_t *virt, uint64_t *length)
{
	uint8_t p[24];

	if (rec->type != KDL_REC_SEGMENT || rec->length != sizeof(p))
		return kdl_err(r->ctx, "%s: corrupt stream: bad segment record", r->name);
	if (take_full(r, p, sizeof(p)) != (ssize_t)sizeof(p))
		return truncated(r, "inside a record");
	r->remaining = 0;
	*phys = kdl_get64le(p);
	*virt = kdl_get64le(p + 8);
	*length = kdl_get64le(p + 16);
	return 0;
}

/* ---- writing ---- */

static void put32le(uint8_t *p, uint32_t v)
{
	kdl_put32(p, v, false);
}

static void put64le(uint8_t *p, uint64_t v)
{
	kdl_put64(p, v, false);
}

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
	put32le(w->buf + 8, STREAM_VERSION);
	put32le(w->buf + 12, 0);
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
		return kdl_err(w->ctx, "%s: record started before the last one was complete", w->name);
	put32le(h, type);
	put32le(h + 4, flags);
	put64le(h + 8, length);
	w->remaining = length;
	w->records++;
	return put(w, h, sizeof(h));
}

int kdl_writer_data(kdl_writer *w, const void *buf, size_t n)
{
	if (n > w->remaining)
		return kdl_err(w->ctx, "%s: record payload longer than announced", w->name);
	w->remaining -= n;
	return put(w, buf, n);
}

int kdl_writer_copy(kdl_writer *w, const struct kdl_fd *in, uint64_t n,
                    uint64_t *copied)
{
	struct kdl_fd out = {w->fd, w->name, NULL};
	int64_t done;

	if (n > w->remaining)
		return kdl_err(w->ctx, "%s: record payload longer than announced", w->name);
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
		return kdl_err(w->ctx, "%s: record payload shorter than announced", w->name);
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
	uint64_t records = w->records;
	int ret;

	put64le(count, records);
	ret = kdl_writer_record(w, KDL_REC_END, KDL_REC_CRITICAL, count, sizeof(count));
	if (!ret)
		ret = flush(w);
	free(w);
	return ret;
}

int kdl_stream_pass(kdl_reader *r, kdl_writer *w, const struct kdl_record *rec)
{
	struct kdl_fd out = {w->fd, w->name, NULL};

	/* straight from one pipe to the other: no copy through this process */
	if (kdl_writer_begin(w, rec->type, rec->flags, rec->length) || flush(w) ||
	    kdl_reader_copy(r, &out, rec->length) < 0)
		return -1;
	w->remaining = 0;
	return 0;
}
