/* A dump as records: what kdl_dump_read_stream reads back. */
#include <stdlib.h>

#include "model/model.h"
#include "stream/stream.h"

static int put_description(const kdl_dump *dump, const struct kdl_seg *const *order,
                           kdl_writer *w)
{
	if (dump->arch) {
		struct kdl_rec_arch arch = {dump->arch->info.name};

		if (kdl_rec_put_arch(w, &arch))
			return -1;
	}
	if (dump->vmcoreinfo) {
		struct kdl_rec_vmcoreinfo vmci = {dump->vmcoreinfo, dump->vmcoreinfo_len};

		if (kdl_rec_put_vmcoreinfo(w, &vmci))
			return -1;
	}
	for (size_t i = 0; i < dump->nnotes; i++) {
		const struct kdl_note *n = &dump->notes[i];
		struct kdl_rec_note note = {n->type, n->name, n->desc, n->len};

		if (kdl_rec_put_note(w, &note))
			return -1;
	}
	for (size_t i = 0; i < dump->nmetas; i++) {
		const struct kdl_meta *m = &dump->metas[i];
		struct kdl_rec_meta meta = {m->kind, m->vendor, m->key, m->value};

		if (kdl_rec_put_meta(w, &meta))
			return -1;
	}
	for (size_t i = 0; i < dump->ncpus; i++) {
		const struct kdl_cpu *c = &dump->cpus[i];
		struct kdl_rec_prstatus cpu = {c->status, c->regs, c->nregs};

		if (kdl_rec_put_prstatus(w, &cpu))
			return -1;
	}
	for (size_t i = 0; i < dump->naliases; i++) {
		const struct kdl_alias *a = &dump->aliases[i];
		struct kdl_rec_alias alias = {a->phys, a->virt, a->len};

		if (kdl_rec_put_alias(w, &alias))
			return -1;
	}
	for (size_t i = 0; i < dump->nsegs; i++) {
		struct kdl_rec_extent extent = {order[i]->phys, order[i]->len};

		if (kdl_rec_put_extent(w, &extent))
			return -1;
	}
	return 0;
}

static int put_segment(const kdl_dump *dump, const struct kdl_seg *s,
                       kdl_writer *w)
{
	struct kdl_rec_segment seg = {s->phys, s->virt, s->len};
	struct kdl_rec_segment_end end = {s->len};
	struct kdl_seg_bytes bytes;
	int ret;

	if (kdl_seg_open(dump->ctx, s, &bytes))
		return -1;
	if (bytes.fd >= 0)
		ret = kdl_stream_segment_fd(w, s->phys, s->virt, bytes.fd, bytes.name,
		                            bytes.offset, s->len);
	else {
		ret = kdl_rec_put_segment(w, &seg);
		for (uint64_t done = 0; done < s->len && !ret;) {
			size_t n = s->len - done < KDL_CHUNK ? (size_t)(s->len - done) : KDL_CHUNK;

			ret = kdl_rec_put_data(w, bytes.buf + done, n);
			done += n;
		}
		ret = ret ? ret : kdl_rec_put_segment_end(w, &end);
	}
	kdl_seg_close(&bytes);
	return ret;
}

int kdl_dump_write_stream(kdl_dump *dump, kdl_writer *w)
{
	const struct kdl_seg **order;
	int ret = 0;

	/* in physical order, as a canonical stream has them */
	order = kdl_alloc(dump->ctx, (dump->nsegs ? dump->nsegs : 1) * sizeof(*order));
	if (!order)
		return -1;
	for (size_t i = 0; i < dump->nsegs; i++) {
		size_t j = i;

		for (; j && order[j - 1]->phys > dump->segs[i].phys; j--)
			order[j] = order[j - 1];
		order[j] = &dump->segs[i];
	}
	ret = put_description(dump, order, w);
	for (size_t i = 0; i < dump->nsegs && !ret; i++)
		ret = put_segment(dump, order[i], w);
	free(order);
	return ret;
}
