/* The pages a dump level leaves out of a frozen dump, decided by the
 * filter from the dump's own memory: its segments, read where they are. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "write/write.h"

/* The dump's memory as the filter reads it, the segment last read kept
 * open: the filter reads mostly in order. */
struct dump_memory {
	kdl_dump *dump;
	size_t open;          /* the segment bytes holds, or SIZE_MAX */
	struct kdl_seg_bytes bytes;
};

static int read_memory(void *arg, uint64_t phys, void *buf, size_t n)
{
	struct dump_memory *m = arg;
	kdl_ctx *ctx = m->dump->ctx;
	uint8_t *p = buf;

	while (n) {
		size_t i = kdl_dump_segment_before(m->dump, phys), k;
		const struct kdl_seg *s;
		uint64_t at;

		if (i == SIZE_MAX || phys - m->dump->segs[i].phys >= m->dump->segs[i].len)
			return 1;
		s = &m->dump->segs[i];
		at = phys - s->phys;
		k = s->len - at < n ? (size_t)(s->len - at) : n;
		if (m->open != i) {
			if (m->open != SIZE_MAX)
				kdl_seg_close(&m->bytes);
			m->open = SIZE_MAX;
			if (kdl_seg_open(ctx, s, &m->bytes))
				return -1;
			m->open = i;
		}
		if (m->bytes.buf) {
			memcpy(p, m->bytes.buf + at, k);
		} else {
			uint64_t off = m->bytes.offset + at;
			ssize_t got = kdl_read_full(ctx, m->bytes.fd, m->bytes.name, p, k, &off);

			if (got < 0)
				return -1;
			if ((size_t)got < k)
				return kdl_err(ctx, KDL_ERR_CORRUPT, "%s: ends inside the segment at 0x%" PRIx64,
				               m->bytes.name, s->phys);
		}
		p += k;
		phys += k;
		n -= k;
	}
	return 0;
}

/* Every whole page of zeros the segments hold, set in ex; read a chunk
 * at a time. */
static int exclude_zero_pages(struct dump_memory *m, struct kdl_exclusion *ex, uint32_t page)
{
	const kdl_dump *dump = m->dump;
	uint8_t *buf = kdl_alloc(dump->ctx, KDL_CHUNK);
	int ret = 0;

	if (!buf)
		return -1;
	for (size_t i = 0; i < dump->nsegs && !ret; i++) {
		const struct kdl_seg *s = &dump->segs[i];
		uint64_t pfn = (s->phys + page - 1) / page, end = (s->phys + s->len) / page;

		if (end > ex->npfns)
			end = ex->npfns;
		while (pfn < end && !ret) {
			uint64_t n = end - pfn < KDL_CHUNK / page ? end - pfn : KDL_CHUNK / page;

			ret = read_memory(m, pfn * page, buf, (size_t)n * page);
			for (uint64_t k = 0; !ret && k < n; k++, pfn++)
				if (kdl_page_is_zero(buf + k * page, page))
					ex->bits[pfn / 64] |= UINT64_C(1) << (pfn % 64);
		}
	}
	free(buf);
	return ret ? -1 : 0;
}

_Static_assert(KDL_EXCLUDED_CLASSES == sizeof(((struct kdl_stats *)0)->pages_excluded) / sizeof(uint64_t),
               "kdl_stats has a count for each class the filter tells");

int kdl_job_exclude(struct kdl_job *job, struct kdl_exclusion *ex)
{
	kdl_dump *dump = job->dump;
	uint32_t page = kdl_dump_page_size(dump);
	struct dump_memory m = {.dump = dump, .open = SIZE_MAX};
	struct kdl_phys mem = {read_memory, &m};
	uint64_t npfns = 0;
	int ret;

	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];
		uint64_t end = s->phys / page + (s->phys % page + s->len + page - 1) / page;

		if (end > npfns)
			npfns = end;
	}
	ret = kdl_filter_pages(dump->ctx, kdl_dump_arch(dump), dump->vmcoreinfo, dump->vmcoreinfo_len,
	                       &mem, page, npfns, job->plan->dump_level, ex);
	/* a format that keeps every page of its segments leaves out zero
	 * pages too at such a level, as makedumpfile -E does */
	if (!ret && ex->bits && (job->plan->dump_level & 1) && !job->plan->format->can_exclude)
		ret = exclude_zero_pages(&m, ex, page);
	if (m.open != SIZE_MAX)
		kdl_seg_close(&m.bytes);
	if (!ret)
		job->excluded = ex;
	return ret;
}

/* makedumpfile -E cuts a PT_LOAD only at a run of this many pages left
 * out, or more, or at a run that ends it; it writes shorter runs as
 * they are. */
#define ELF_CUT_PAGES 256

static int add_piece(kdl_ctx *ctx, struct kdl_seg **pieces, size_t *n, size_t *cap,
                     const struct kdl_seg *s, uint64_t from, uint64_t to)
{
	struct kdl_seg *p;
	uint64_t at = from - s->phys;

	if (to <= from)
		return 0;
	if (kdl_grow(ctx, pieces, cap, *n, sizeof(**pieces)))
		return -1;
	p = &(*pieces)[(*n)++];
	*p = *s;
	p->phys = from;
	p->virt = s->virt + at;
	p->len = to - from;
	if (s->origin == KDL_ORIGIN_BUFFER)
		p->buf = (const uint8_t *)s->buf + at;
	else
		p->offset = s->offset + at;
	return 0;
}

int kdl_job_pieces(const struct kdl_job *job, struct kdl_seg **pieces, size_t *count)
{
	const kdl_dump *dump = job->dump;
	uint64_t page = kdl_dump_page_size(dump);
	size_t n = 0, cap = 0;

	*pieces = NULL;
	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];
		uint64_t end = s->phys + s->len, from = s->phys;
		uint64_t pfn = s->phys / page, last = (end - 1) / page;

		while (pfn <= last) {
			uint64_t run = 0;

			if (!kdl_excluded(job->excluded, pfn)) {
				pfn++;
				continue;
			}
			while (pfn + run <= last && kdl_excluded(job->excluded, pfn + run))
				run++;
			/* a run this long is cut out, and one that ends the
			 * segment: the piece before it ends where it begins,
			 * the next begins after it */
			if (run >= ELF_CUT_PAGES || pfn + run > last) {
				uint64_t cut = pfn * page > from ? pfn * page : from;

				if (add_piece(dump->ctx, pieces, &n, &cap, s, from, cut))
					goto fail;
				from = (pfn + run) * page < end ? (pfn + run) * page : end;
			}
			pfn += run;
		}
		if (add_piece(dump->ctx, pieces, &n, &cap, s, from, end))
			goto fail;
	}
	*count = n;
	return 0;
fail:
	free(*pieces);
	*pieces = NULL;
	return -1;
}
