/* The record stream as vmc-pack reads it, every record decoded as vmc-cat
 * does, then either laid out (a dry run) or packed to the kdump format:
 * one pack an input, chosen by a hash of its bytes so that a mutation
 * reaches either, halves the time an input takes. */
#include <fcntl.h>

#include "fuzz.h"

static void decode_all(kdl_ctx *ctx, int fd)
{
	kdl_reader *r;
	struct kdl_record hdr;
	int more;

	lseek(fd, 0, SEEK_SET);
	r = kdl_reader_new(ctx, fd, "input");
	if (!r)
		return;
	while ((more = kdl_reader_next(r, &hdr)) > 0) {
		union {
			struct kdl_rec_arch arch;
			struct kdl_rec_vmcoreinfo vmci;
			struct kdl_rec_note note;
			struct kdl_rec_meta meta;
			struct kdl_rec_prstatus cpu;
			struct kdl_rec_alias alias;
			struct kdl_rec_extent extent;
			struct kdl_rec_segment seg;
			struct kdl_rec_zero zero;
			struct kdl_rec_segment_end end;
		} u;
		int ret = 0;

		switch (hdr.type) {
		case KDL_REC_ARCH: ret = kdl_rec_get_arch(r, &hdr, &u.arch); break;
		case KDL_REC_VMCOREINFO: ret = kdl_rec_get_vmcoreinfo(r, &hdr, &u.vmci); break;
		case KDL_REC_NOTE: ret = kdl_rec_get_note(r, &hdr, &u.note); break;
		case KDL_REC_META: ret = kdl_rec_get_meta(r, &hdr, &u.meta); break;
		case KDL_REC_PRSTATUS: ret = kdl_rec_get_prstatus(r, &hdr, &u.cpu); break;
		case KDL_REC_ALIAS: ret = kdl_rec_get_alias(r, &hdr, &u.alias); break;
		case KDL_REC_EXTENT: ret = kdl_rec_get_extent(r, &hdr, &u.extent); break;
		case KDL_REC_SEGMENT: ret = kdl_rec_get_segment(r, &hdr, &u.seg); break;
		case KDL_REC_ZERO: ret = kdl_rec_get_zero(r, &hdr, &u.zero); break;
		case KDL_REC_SEGMENT_END: ret = kdl_rec_get_segment_end(r, &hdr, &u.end); break;
		default: ret = kdl_reader_skip(r); break;
		}
		check_failure(ctx, ret, "decoding a record");
		if (ret)
			break;
	}
	check_failure(ctx, more < 0, "kdl_reader_next");
	kdl_reader_free(r);
}

static void pack(kdl_ctx *ctx, int fd, const char *path, const char *format)
{
	struct kdl_options o;
	struct kdl_stats st;
	kdl_dump *dump = kdl_dump_new(ctx, NULL);
	kdl_reader *r;

	lseek(fd, 0, SEEK_SET);
	r = kdl_reader_new(ctx, fd, "input");
	if (!dump || !r) {
		kdl_reader_free(r);
		kdl_dump_free(dump);
		return;
	}
	kdl_options_init(&o);
	o.format = format;
	o.codec = "lzo";
	o.threads = 1;
	o.has_timestamp = 1;
	check_failure(ctx, kdl_pack_stream(dump, r, path, &o, &st), "kdl_pack_stream");
	kdl_reader_free(r);
	kdl_dump_free(dump);
}

static unsigned hash_bit(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h >> 31;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	kdl_ctx *ctx = kdl_ctx_new();
	int fd = input_fd(data, size);

	if (!*path)
		snprintf(path, sizeof(path), "/dev/shm/kdl-fuzz-stream-%ld", (long)getpid());
	decode_all(ctx, fd);
	if (hash_bit(data, size)) {
		pack(ctx, fd, path, "kdump");
		unlink(path);
	} else {
		pack(ctx, fd, NULL, "kdump");
	}
	close(fd);
	kdl_ctx_free(ctx);
	return 0;
}
