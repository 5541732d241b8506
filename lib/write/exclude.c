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

/* The segment that holds phys, or SIZE_MAX; segments are sorted and
 * apart once the dump is frozen. */
static size_t segment_at(const kdl_dump *dump, uint64_t phys)
{
	size_t lo = 0, hi = dump->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kdl_seg *s = &dump->segs[mid];

		if (phys < s->phys)
			hi = mid;
		else if (phys - s->phys >= s->len)
			lo = mid + 1;
		else
			return mid;
	}
	return SIZE_MAX;
}

static int read_memory(void *arg, uint64_t phys, void *buf, size_t n)
{
	struct dump_memory *m = arg;
	kdl_ctx *ctx = m->dump->ctx;
	uint8_t *p = buf;

	while (n) {
		size_t i = segment_at(m->dump, phys), k;
		const struct kdl_seg *s;
		uint64_t at;

		if (i == SIZE_MAX)
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
	if (m.open != SIZE_MAX)
		kdl_seg_close(&m.bytes);
	if (!ret)
		job->excluded = ex;
	return ret;
}
