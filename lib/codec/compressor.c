/* Pages in, compressed pages out, in the same order: a batch at a time,
 * on worker threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

#define BATCH_PAGES 256

/* Only the caller's thread moves a batch from FREE to QUEUED and from
 * DONE back to FREE, the workers from QUEUED through RUNNING to DONE;
 * every change is made holding the lock. */
enum batch_state { FREE, QUEUED, RUNNING, DONE };

struct batch {
	enum batch_state state;
	unsigned n;
	uint8_t *in, *out;
	uint64_t pfn[BATCH_PAGES];
	uint32_t size[BATCH_PAGES];
	uint32_t flags[BATCH_PAGES];
	bool zero[BATCH_PAGES];
	bool partial[BATCH_PAGES];
};

struct worker {
	struct kdl_compressor *c;
	void *state;
	pthread_t thread;
};

struct kdl_compressor {
	const struct kdl_codec *codec;
	uint32_t page_size;
	size_t bound;
	bool exclude_zero;
	kdl_page_sink *sink;
	void *sink_arg;

	struct batch *batches;
	unsigned nbatches;
	unsigned fill;      /* batch being filled */
	unsigned take;      /* next batch a worker takes */
	unsigned drain;     /* next batch handed to the sink */
	unsigned in_flight; /* submitted, not yet drained */

	struct worker *workers;
	unsigned nworkers; /* running */
	unsigned nthreads; /* set up */
	bool quit;
	pthread_mutex_t lock;
	pthread_cond_t queued, done;
};

/* A page is zero when its first word is and every word equals the next:
 * memcmp runs at memory speed where a byte loop would not. */
bool kdl_page_is_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zero8[8];

	return !memcmp(p, zero8, 8) && !memcmp(p, p + 8, n - 8);
}

static void compress_batch(struct kdl_compressor *c, struct batch *b,
                           void *state)
{
	for (unsigned i = 0; i < b->n; i++) {
		const uint8_t *in = b->in + (size_t)i * c->page_size;
		uint8_t *out = b->out + (size_t)i * c->bound;
		size_t size;

		b->zero[i] = c->exclude_zero && kdl_page_is_zero(in, c->page_size);
		if (b->zero[i]) {
			b->size[i] = 0;
			b->flags[i] = 0;
			continue;
		}
		size = c->codec->compress(state, in, c->page_size, out, c->bound);
		/* a page that does not shrink is stored raw */
		if (size == 0 || size >= c->page_size) {
			b->size[i] = c->page_size;
			b->flags[i] = 0;
		} else {
			b->size[i] = (uint32_t)size;
			b->flags[i] = c->codec->flag;
		}
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct kdl_compressor *c = w->c;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		struct batch *b = &c->batches[c->take];

		while (!c->quit && b->state != QUEUED) {
			pthread_cond_wait(&c->queued, &c->lock);
			b = &c->batches[c->take];
		}
		if (c->quit)
			break;
		b->state = RUNNING;
		c->take = (c->take + 1) % c->nbatches;
		pthread_mutex_unlock(&c->lock);
		compress_batch(c, b, w->state);
		pthread_mutex_lock(&c->lock);
		b->state = DONE;
		pthread_cond_broadcast(&c->done);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Hands the oldest batch to the sink once it is compressed. */
static int drain_one(struct kdl_compressor *c)
{
	struct batch *b = &c->batches[c->drain];

	pthread_mutex_lock(&c->lock);
	while (b->state != DONE)
		pthread_cond_wait(&c->done, &c->lock);
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < b->n; i++) {
		struct kdl_page page = {
			.pfn = b->pfn[i],
			.zero = b->zero[i],
			.count = 1,
			.size = b->size[i],
			.flags = b->flags[i],
			.partial = b->partial[i],
		};

		if (!page.zero)
			page.data = page.flags ? b->out + (size_t)i * c->bound
			                       : b->in + (size_t)i * c->page_size;
		if (c->sink(c->sink_arg, &page))
			return -1;
	}
	b->n = 0;
	pthread_mutex_lock(&c->lock);
	b->state = FREE;
	pthread_mutex_unlock(&c->lock);
	c->drain = (c->drain + 1) % c->nbatches;
	c->in_flight--;
	return 0;
}

static int submit(struct kdl_compressor *c)
{
	struct batch *b = &c->batches[c->fill];

	pthread_mutex_lock(&c->lock);
	b->state = QUEUED;
	pthread_cond_broadcast(&c->queued);
	pthread_mutex_unlock(&c->lock);
	c->fill = (c->fill + 1) % c->nbatches;
	/* the ring is full when the next batch to fill is still in flight */
	return ++c->in_flight < c->nbatches ? 0 : drain_one(c);
}

uint8_t *kdl_compressor_pages(struct kdl_compressor *c, uint64_t pfn,
                              uint64_t n, uint64_t *got)
{
	struct batch *b = &c->batches[c->fill];
	uint8_t *pages;

	if (b->n == BATCH_PAGES) {
		if (submit(c))
			return NULL;
		b = &c->batches[c->fill];
	}
	pages = b->in + (size_t)b->n * c->page_size;
	*got = n < BATCH_PAGES - b->n ? n : BATCH_PAGES - b->n;
	for (uint64_t i = 0; i < *got; i++) {
		b->partial[b->n] = false;
		b->pfn[b->n++] = pfn + i;
	}
	return pages;
}

uint8_t *kdl_compressor_partial_page(struct kdl_compressor *c, uint64_t pfn)
{
	uint64_t got;
	uint8_t *page = kdl_compressor_pages(c, pfn, 1, &got);

	if (page)
		c->batches[c->fill].partial[c->batches[c->fill].n - 1] = true;
	return page;
}

int kdl_compressor_flush(struct kdl_compressor *c)
{
	if (c->batches[c->fill].n && submit(c))
		return -1;
	while (c->in_flight)
		if (drain_one(c))
			return -1;
	return 0;
}

int kdl_compressor_zero_run(struct kdl_compressor *c, uint64_t pfn,
                            uint64_t count)
{
	struct kdl_page run = {.pfn = pfn, .zero = true, .count = count};

	/* everything before it goes first: the sink sees pages in order */
	if (kdl_compressor_flush(c))
		return -1;
	return c->sink(c->sink_arg, &run);
}

static void stop_workers(struct kdl_compressor *c)
{
	pthread_mutex_lock(&c->lock);
	c->quit = true;
	pthread_cond_broadcast(&c->queued);
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < c->nworkers; i++)
		pthread_join(c->workers[i].thread, NULL);
	c->nworkers = 0;
}

void kdl_compressor_free(struct kdl_compressor *c)
{
	if (!c)
		return;
	stop_workers(c);
	for (unsigned i = 0; c->workers && i < c->nthreads; i++)
		if (c->workers[i].state)
			c->codec->free_state(c->workers[i].state);
	for (unsigned i = 0; c->batches && i < c->nbatches; i++) {
		free(c->batches[i].in);
		free(c->batches[i].out);
	}
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->queued);
	pthread_cond_destroy(&c->done);
	free(c->batches);
	free(c->workers);
	free(c);
}

struct kdl_compressor *kdl_compressor_new(kdl_ctx *ctx,
                                          const struct kdl_codec *codec,
                                          int level, uint32_t page_size,
                                          unsigned threads, bool exclude_zero,
                                          kdl_page_sink *sink, void *sink_arg)
{
	struct kdl_compressor *c = kdl_alloc(ctx, sizeof(*c));

	if (!c)
		return NULL;
	c->codec = codec;
	c->page_size = page_size;
	c->bound = codec->bound(page_size);
	c->exclude_zero = exclude_zero;
	c->sink = sink;
	c->sink_arg = sink_arg;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->queued, NULL);
	pthread_cond_init(&c->done, NULL);
	if (threads == 0)
		threads = 1;
	/* two batches a worker keep every worker busy while one drains; the
	 * caller's thread reads and writes meanwhile, so even one worker
	 * overlaps compression with I/O */
	c->nbatches = 2 * threads;
	c->batches = kdl_alloc(ctx, c->nbatches * sizeof(*c->batches));
	if (!c->batches)
		goto fail;
	for (unsigned i = 0; i < c->nbatches; i++) {
		c->batches[i].in = kdl_alloc(ctx, (size_t)BATCH_PAGES * page_size);
		c->batches[i].out = kdl_alloc(ctx, (size_t)BATCH_PAGES * c->bound);
		if (!c->batches[i].in || !c->batches[i].out)
			goto fail;
	}
	c->workers = kdl_alloc(ctx, threads * sizeof(*c->workers));
	if (!c->workers)
		goto fail;
	c->nthreads = threads;
	for (unsigned i = 0; i < threads; i++) {
		c->workers[i].c = c;
		if (!codec->new_state)
			continue;
		c->workers[i].state = codec->new_state(level);
		if (!c->workers[i].state) {
			kdl_err(ctx, KDL_ERR_NOMEM, "cannot set up %s compression at level %d",
			        codec->info.name, level);
			goto fail;
		}
	}
	for (; c->nworkers < threads; c->nworkers++)
		if (pthread_create(&c->workers[c->nworkers].thread, NULL, work,
		                   &c->workers[c->nworkers])) {
			kdl_err(ctx, KDL_ERR_NOMEM, "cannot start compression threads");
			goto fail;
		}
	return c;
fail:
	kdl_compressor_free(c);
	return NULL;
}
