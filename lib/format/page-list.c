/* The kdump format's page list: entries in memory a run at a time, runs
 * sorted and written to a scratch file when the memory run is full, and
 * read back merged by a heap of the runs' next entries. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/format.h"

/* Entries read from the file at a time, for each run. */
#define READ_ENTRIES 256

struct kdl_page_head {
	const struct kdl_page_entry *at; /* the next entry */
	size_t left;                     /* in memory from at on */
	uint64_t pos, end;               /* in the file: entries to read */
};

int kdl_page_list_init(struct kdl_page_list *l, kdl_ctx *ctx, struct kdl_out *out,
                       size_t run)
{
	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	l->out = out;
	l->run = run;
	l->fd = -1;
	l->buf = kdl_alloc(ctx, run * sizeof(*l->buf));
	return l->buf ? 0 : -1;
}

static int by_pfn(const void *a, const void *b)
{
	const struct kdl_page_entry *x = a, *y = b;

	return (x->pfn > y->pfn) - (x->pfn < y->pfn);
}

/* Pages from a stream in page order come sorted: no sort for them. */
static void sort_run(struct kdl_page_list *l)
{
	for (size_t i = 1; i < l->n; i++)
		if (l->buf[i].pfn < l->buf[i - 1].pfn) {
			qsort(l->buf, l->n, sizeof(*l->buf), by_pfn);
			return;
		}
}

static int spill(struct kdl_page_list *l)
{
	uint64_t at = 0;

	if (l->fd < 0) {
		l->fd = kdl_out_scratch(l->out);
		if (l->fd < 0)
			return -1;
	}
	if (kdl_grow(l->ctx, &l->runs, &l->runs_cap, l->nruns, sizeof(*l->runs)))
		return -1;
	for (size_t i = 0; i < l->nruns; i++)
		at += l->runs[i];
	sort_run(l);
	if (kdl_pwrite_all(l->ctx, l->fd, "scratch file", l->buf, l->n * sizeof(*l->buf),
	                   at * sizeof(*l->buf)))
		return -1;
	l->runs[l->nruns++] = l->n;
	l->n = 0;
	return 0;
}

int kdl_page_list_add(struct kdl_page_list *l, const struct kdl_page_entry *e)
{
	if (l->n == l->run && spill(l))
		return -1;
	l->buf[l->n++] = *e;
	l->count++;
	return 0;
}

struct kdl_page_entry *kdl_page_list_last(struct kdl_page_list *l)
{
	return l->n ? &l->buf[l->n - 1] : NULL;
}

void kdl_page_list_free(struct kdl_page_list *l)
{
	/* never set up: its zeros are no descriptor */
	if (!l->ctx)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l->buf);
	free(l->runs);
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

/* ---- reading ---- */

static uint64_t head_pfn(const struct kdl_page_cursor *c, size_t i)
{
	return c->heads[i].at->pfn;
}

static void sift_down(struct kdl_page_cursor *c, size_t i)
{
	for (;;) {
		size_t least = i, l = 2 * i + 1, r = l + 1, t;

		if (l < c->nheap && head_pfn(c, c->heap[l]) < head_pfn(c, c->heap[least]))
			least = l;
		if (r < c->nheap && head_pfn(c, c->heap[r]) < head_pfn(c, c->heap[least]))
			least = r;
		if (least == i)
			return;
		t = c->heap[i];
		c->heap[i] = c->heap[least];
		c->heap[least] = t;
		i = least;
	}
}

/* Head i's next entries from the file, if it has any left: 1, 0 or -1. */
static int refill(struct kdl_page_cursor *c, size_t i)
{
	struct kdl_page_head *h = &c->heads[i];
	struct kdl_page_entry *buf = c->bufs + i * READ_ENTRIES;
	uint64_t n = h->end - h->pos < READ_ENTRIES ? h->end - h->pos : READ_ENTRIES;

	if (!n)
		return 0;
	if (kdl_read_back(c->l->ctx, c->l->fd, "scratch file", buf, (size_t)n * sizeof(*buf),
	                  h->pos * sizeof(*buf)))
		return -1;
	h->at = buf;
	h->left = (size_t)n;
	h->pos += n;
	return 1;
}

int kdl_page_cursor_open(struct kdl_page_cursor *c, struct kdl_page_list *l)
{
	size_t nheads = l->nruns + 1;
	uint64_t at = 0;

	memset(c, 0, sizeof(*c));
	c->l = l;
	sort_run(l);
	c->heads = kdl_alloc(l->ctx, nheads * sizeof(*c->heads));
	c->heap = kdl_alloc(l->ctx, nheads * sizeof(*c->heap));
	c->bufs = kdl_alloc(l->ctx, l->nruns * READ_ENTRIES * sizeof(*c->bufs));
	if (!c->heads || !c->heap || !c->bufs) {
		kdl_page_cursor_close(c);
		return -1;
	}
	for (size_t i = 0; i < l->nruns; i++) {
		c->heads[i].pos = at;
		c->heads[i].end = at += l->runs[i];
		if (refill(c, i) < 0) {
			kdl_page_cursor_close(c);
			return -1;
		}
		c->heap[c->nheap++] = i;
	}
	/* the run still in memory is the last head */
	c->heads[l->nruns].at = l->buf;
	c->heads[l->nruns].left = l->n;
	if (l->n)
		c->heap[c->nheap++] = l->nruns;
	for (size_t i = c->nheap; i-- > 0;)
		sift_down(c, i);
	return 0;
}

int kdl_page_cursor_next(struct kdl_page_cursor *c, struct kdl_page_entry *e)
{
	struct kdl_page_head *h;
	size_t i;
	int more;

	if (!c->nheap)
		return 0;
	i = c->heap[0];
	h = &c->heads[i];
	*e = *h->at++;
	more = --h->left ? 1 : i < c->l->nruns ? refill(c, i) : 0;
	if (more < 0)
		return -1;
	if (!more)
		c->heap[0] = c->heap[--c->nheap];
	sift_down(c, 0);
	return 1;
}

void kdl_page_cursor_close(struct kdl_page_cursor *c)
{
	free(c->heads);
	free(c->heap);
	free(c->bufs);
	memset(c, 0, sizeof(*c));
}
