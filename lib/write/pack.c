/* A record stream read into a dump: description records into the dump
 * as they come, segment bytes straight to the output format (one pass,
 * kdl_pack_stream) or into a scratch file the dump keeps
 * (kdl_dump_read_stream). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "write/write.h"

struct packer {
	kdl_dump *dump;
	kdl_reader *r;
	const char *input;
	/* where segment bytes go: a job's format, or the spool */
	struct kdl_job *job;
	int spool;
	uint64_t spool_len;
	struct kdl_feed *seg; /* the segment being read: the job's, or own */
	struct kdl_feed own;
	uint64_t virt, spool_start;
};

static int corrupt(struct packer *pk, const char *what)
{
	return kdl_reader_corrupt(pk->r, "%s", what);
}

/* ---- description records ---- */

static int add_arch(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_arch rec;

	return kdl_rec_get_arch(pk->r, hdr, &rec) ||
	       kdl_dump_set_arch(pk->dump, rec.name) ? -1 : 0;
}

static int add_vmcoreinfo(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_vmcoreinfo rec;

	return kdl_rec_get_vmcoreinfo(pk->r, hdr, &rec) ||
	       kdl_dump_set_vmcoreinfo(pk->dump, rec.text, rec.len) ? -1 : 0;
}

static int add_note(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_note rec;

	return kdl_rec_get_note(pk->r, hdr, &rec) ||
	       kdl_dump_add_note(pk->dump, rec.name, rec.type, rec.desc, rec.len) ? -1 : 0;
}

static int add_meta(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_meta rec;

	return kdl_rec_get_meta(pk->r, hdr, &rec) ||
	       kdl_dump_add_meta(pk->dump, rec.vendor, rec.kind, rec.key, rec.value) ? -1 : 0;
}

static int add_prstatus(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_prstatus rec;

	return kdl_rec_get_prstatus(pk->r, hdr, &rec) ||
	       kdl_dump_add_cpu(pk->dump, &rec.status, rec.regs, rec.nregs) ? -1 : 0;
}

static int add_alias(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_alias rec;

	return kdl_rec_get_alias(pk->r, hdr, &rec) ||
	       kdl_dump_add_alias(pk->dump, rec.phys, rec.virt, rec.length) ? -1 : 0;
}

/* Only a packer lays its file out ahead; a dump read in has its
 * segments themselves. */
static int add_extent(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_extent rec;

	if (kdl_rec_get_extent(pk->r, hdr, &rec))
		return -1;
	if (kdl_segment_check(pk->dump->ctx, rec.phys, rec.length))
		return kdl_err_prefix(pk->dump->ctx, "%s: corrupt stream: extent record", pk->input);
	return pk->job ? kdl_job_expect(pk->job, rec.phys, rec.length) : 0;
}

/* ---- segments ---- */

/* A DATA payload as a byte source, read from the stream as the format
 * takes it. */
static int stream_read(struct kdl_source *src, void *dst, size_t n)
{
	return kdl_reader_exact(src->arg, dst, n);
}

static int stream_copy(struct kdl_source *src, uint64_t n,
                       const struct kdl_copy_end *to)
{
	return kdl_reader_copy(src->arg, to, n);
}

static int stream_skip(struct kdl_source *src, uint64_t n)
{
	uint8_t scratch[64 << 10];

	for (uint64_t done = 0; done < n;) {
		size_t k = n - done < sizeof(scratch) ? (size_t)(n - done) : sizeof(scratch);

		if (kdl_reader_exact(src->arg, scratch, k))
			return -1;
		done += k;
	}
	return 0;
}

static const struct kdl_source_ops stream_ops = {stream_read, stream_copy, stream_skip};

static int segment_begin(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_segment rec;

	if (pk->seg->open)
		return corrupt(pk, "segment inside a segment");
	if (kdl_rec_get_segment(pk->r, hdr, &rec))
		return -1;
	pk->virt = rec.virt;
	pk->spool_start = pk->spool_len;
	if (pk->job)
		return kdl_job_segment_begin(pk->job, rec.phys, rec.length);
	return kdl_feed_begin(pk->dump->ctx, pk->seg, rec.phys, rec.length);
}

/* n bytes of the segment: data from the stream, or zeros */
static int segment_bytes(struct packer *pk, uint64_t n, bool zeros)
{
	struct kdl_copy_end to = {pk->spool, "scratch file", &pk->spool_len};
	struct kdl_source src;

	if (zeros)
		kdl_source_zero(&src, pk->dump->ctx, n);
	else
		kdl_source_custom(&src, pk->dump->ctx, &stream_ops, pk->r, n);
	if (pk->job)
		return kdl_job_bytes(pk->job, &src);
	if (kdl_feed_room(pk->dump->ctx, pk->seg, n))
		return -1;
	/* zeros stay a hole of the spool */
	if (zeros)
		pk->spool_len += n;
	else if (stream_copy(&src, n, &to))
		return -1;
	pk->seg->filled += n;
	return 0;
}

static int segment_end(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_segment_end rec;
	struct kdl_seg seg = {.origin = KDL_ORIGIN_NONE, .fd = -1};

	if (kdl_rec_get_segment_end(pk->r, hdr, &rec))
		return -1;
	if (rec.length != pk->seg->filled)
		return corrupt(pk, "segment length differs from its data");
	if (pk->job ? kdl_job_segment_end(pk->job) : kdl_feed_end(pk->dump->ctx, pk->seg))
		return -1;
	seg.phys = pk->seg->phys;
	seg.virt = pk->virt;
	seg.len = pk->seg->len;
	if (!pk->job) {
		seg.origin = KDL_ORIGIN_FD;
		seg.fd = pk->spool;
		seg.offset = pk->spool_start;
	}
	return kdl_dump_add_segment(pk->dump, &seg);
}

static int segment(struct packer *pk, const struct kdl_record *hdr)
{
	struct kdl_rec_zero zero;

	if (hdr->type == KDL_REC_SEGMENT)
		return segment_begin(pk, hdr);
	if (!pk->seg->open)
		return corrupt(pk, hdr->type == KDL_REC_DATA   ? "data outside a segment"
		                   : hdr->type == KDL_REC_ZERO ? "zeros outside a segment"
		                                               : "segment end outside a segment");
	if (hdr->type == KDL_REC_DATA)
		return segment_bytes(pk, hdr->length, false);
	if (hdr->type == KDL_REC_ZERO)
		return kdl_rec_get_zero(pk->r, hdr, &zero) ||
		       segment_bytes(pk, zero.length, true) ? -1 : 0;
	return segment_end(pk, hdr);
}

static int record(struct packer *pk, const struct kdl_record *hdr)
{
	static int (*const describe[])(struct packer *, const struct kdl_record *) = {
		[KDL_REC_ARCH] = add_arch,
		[KDL_REC_VMCOREINFO] = add_vmcoreinfo,
		[KDL_REC_NOTE] = add_note,
		[KDL_REC_PRSTATUS] = add_prstatus,
		[KDL_REC_META] = add_meta,
		[KDL_REC_ALIAS] = add_alias,
		[KDL_REC_EXTENT] = add_extent,
	};

	if (hdr->type < KDL_ARRAY_SIZE(describe) && describe[hdr->type]) {
		if (pk->seg->open)
			return corrupt(pk, "description record inside a segment");
		return describe[hdr->type](pk, hdr);
	}
	if (hdr->type >= KDL_REC_SEGMENT && hdr->type <= KDL_REC_SEGMENT_END)
		return segment(pk, hdr);
	/* nothing comes between a segment's records, known to us or not */
	if (pk->seg->open)
		return kdl_reader_corrupt(pk->r, "a record of type 0x%" PRIx32 " inside a segment",
		                          hdr->type);
	if (hdr->flags & KDL_REC_CRITICAL)
		return kdl_err(pk->dump->ctx, KDL_ERR_UNSUPPORTED,
		               "%s: record type 0x%" PRIx32 " is marked critical and this program does not understand it",
		               pk->input, hdr->type);
	return kdl_reader_skip(pk->r);
}

/* Every record to its end; what the dump refuses in a stream is the
 * stream's fault. */
static int read_all(struct packer *pk)
{
	struct kdl_record hdr;
	int more;

	while ((more = kdl_reader_next(pk->r, &hdr)) > 0)
		if (record(pk, &hdr))
			return -1;
	if (!more && pk->seg->open)
		return corrupt(pk, "it ends inside a segment");
	return more;
}

/* Dump levels above 1 decide from the kernel's structures, anywhere in
 * the memory: the stream is kept whole (beside the dump, as its scratch
 * files are), then written as a dump built through the API. */
static int pack_whole(kdl_dump *dump, kdl_reader *r, const char *path,
                      const struct kdl_options *opts, struct kdl_stats *st)
{
	bool beside = path && strcmp(path, "-");
	struct kdl_plan plan;
	char *dir = NULL;
	int ret;

	/* refused before the stream is read, not after */
	if (kdl_plan_make(dump->ctx, opts, &plan) ||
	    (beside && !(dir = kdl_dir_of(dump->ctx, path))))
		return -1;
	ret = kdl_dump_read_stream(dump, r, dir ? dir : opts->scratch_dir);
	free(dir);
	if (ret)
		return -1;
	return path ? kdl_dump_write(dump, path, opts, st) : kdl_dump_stats(dump, opts, st);
}

int kdl_pack_stream(kdl_dump *dump, kdl_reader *r, const char *path,
                    const struct kdl_options *opts, struct kdl_stats *st)
{
	struct packer pk = {.dump = dump, .r = r, .input = kdl_reader_name(r), .spool = -1};
	struct kdl_plan plan;
	struct kdl_job job;
	int ret;

	/* the file has room for the stream's segments only */
	if (dump->nsegs)
		return kdl_err(dump->ctx, KDL_ERR_INVALID,
		               "the dump holds segments already; kdl_pack_stream writes those of the stream alone (kdl_dump_read_stream adds them to others)");
	if (opts && (opts->dump_level & ~1))
		return pack_whole(dump, r, path, opts, st);
	if (kdl_plan_make(dump->ctx, opts, &plan) ||
	    kdl_job_start(&job, dump->ctx, dump, &plan, path))
		return -1;
	pk.job = &job;
	pk.seg = &job.seg;
	ret = read_all(&pk);
	if (!ret)
		ret = kdl_job_finish(&job, st);
	if (ret) {
		kdl_err_reclass(dump->ctx, KDL_ERR_INVALID, KDL_ERR_CORRUPT);
		kdl_job_abort(&job);
	} else
		kdl_job_free(&job);
	return ret;
}

int kdl_dump_read_stream(kdl_dump *dump, kdl_reader *r,
                         const char *scratch_dir)
{
	struct packer pk = {.dump = dump, .r = r, .input = kdl_reader_name(r)};
	int ret;

	if (dump->spool >= 0)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "the dump holds a stream already");
	pk.spool = kdl_scratch_open(dump->ctx, scratch_dir ? scratch_dir : "/tmp");
	if (pk.spool < 0)
		return -1;
	kdl_dump_own_spool(dump, pk.spool);
	pk.seg = &pk.own;
	ret = read_all(&pk);
	/* holes at its end read as zeros too */
	if (!ret && ftruncate(pk.spool, (off_t)pk.spool_len))
		ret = kdl_err_sys(dump->ctx, "scratch file");
	if (ret)
		kdl_err_reclass(dump->ctx, KDL_ERR_INVALID, KDL_ERR_CORRUPT);
	return ret;
}
