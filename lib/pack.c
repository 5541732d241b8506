/* The packer's side of the stream: description records go into the dump,
 * segment data straight to the output format. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct packer {
	kdl_dump *dump;
	kdl_reader *r;
	const char *input;
	struct kdl_writer_state ws;
};

static int corrupt(struct packer *pk, const char *what)
{
	return kdl_err(pk->dump->ctx, "%s: corrupt stream: %s", pk->input, what);
}

static int add_prstatus(struct packer *pk, const uint8_t *p, uint64_t len)
{
	const uint8_t *end = p + len;
	struct kdl_prstatus s;
	struct kdl_reg *regs;
	struct kdl_time *times[] = {&s.utime, &s.stime, &s.cutime, &s.cstime};
	int32_t *fields[] = {&s.pid, &s.ppid, &s.pgrp, &s.sid, &s.signo,
	                     &s.code, &s.err, &s.cursig};
	uint32_t nregs;
	int ret = -1;

	if (len < KDL_STREAM_PRSTATUS_HEAD)
		return corrupt(pk, "short CPU record");
	s.cpu = kdl_get32le(p);
	for (size_t i = 0; i < 8; i++)
		*fields[i] = (int32_t)kdl_get32le(p + 4 + 4 * i);
	for (size_t i = 0; i < 4; i++) {
		times[i]->sec = (int64_t)kdl_get64le(p + 40 + 16 * i);
		times[i]->usec = (int64_t)kdl_get64le(p + 48 + 16 * i);
	}
	nregs = kdl_get32le(p + KDL_STREAM_PRSTATUS_HEAD - 4);
	p += KDL_STREAM_PRSTATUS_HEAD;
	if (nregs > len / 9)
		return corrupt(pk, "CPU record with too many registers");
	regs = kdl_alloc(pk->dump->ctx, (nregs ? nregs : 1) * sizeof(*regs));
	if (!regs)
		return -1;
	for (uint32_t i = 0; i < nregs; i++) {
		size_t n = p < end ? *p : 0;

		if (p >= end || (size_t)(end - p) < 1 + n + 8) {
			corrupt(pk, "CPU record cut short");
			goto out;
		}
		regs[i].name = kdl_memdup(pk->dump->ctx, p + 1, n);
		if (!regs[i].name)
			goto out;
		regs[i].value = kdl_get64le(p + 1 + n);
		p += 1 + n + 8;
	}
	ret = p == end ? kdl_dump_add_cpu(pk->dump, &s, regs, nregs)
	               : corrupt(pk, "CPU record too long");
out:
	for (uint32_t i = 0; i < nregs; i++)
		free((char *)regs[i].name);
	free(regs);
	return ret;
}

static int add_note(struct packer *pk, const uint8_t *p, uint64_t len)
{
	uint32_t namelen;
	char *name;
	int ret;

	if (len < 8 || (namelen = kdl_get32le(p + 4)) > len - 8)
		return corrupt(pk, "bad note record");
	name = kdl_memdup(pk->dump->ctx, p + 8, namelen);
	if (!name)
		return -1;
	ret = kdl_dump_add_note(pk->dump, name, kdl_get32le(p), p + 8 + namelen,
	                        (size_t)(len - 8 - namelen));
	free(name);
	return ret;
}

static int add_meta(struct packer *pk, const uint8_t *p, uint64_t len)
{
	uint32_t vlen, klen;
	char *vendor, *key, *value;
	int ret = -1;

	if (len < 12)
		return corrupt(pk, "bad metadata record");
	vlen = kdl_get32le(p + 4);
	klen = kdl_get32le(p + 8);
	if (vlen > len - 12 || klen > len - 12 - vlen)
		return corrupt(pk, "bad metadata record");
	vendor = kdl_memdup(pk->dump->ctx, p + 12, vlen);
	key = kdl_memdup(pk->dump->ctx, p + 12 + vlen, klen);
	value = kdl_memdup(pk->dump->ctx, p + 12 + vlen + klen,
	                   (size_t)(len - 12 - vlen - klen));
	if (vendor && key && value)
		ret = kdl_dump_add_meta(pk->dump, vendor, kdl_get32le(p), key, value);
	free(vendor);
	free(key);
	free(value);
	return ret;
}

static int description(struct packer *pk, const struct kdl_record *rec)
{
	uint8_t *p;
	int ret;

	if (pk->ws.seg)
		return corrupt(pk, "description record inside a segment");
	p = kdl_reader_payload(pk->r, rec);
	if (!p)
		return -1;
	switch (rec->type) {
	case KDL_REC_ARCH:
		ret = kdl_dump_set_arch(pk->dump, (char *)p);
		break;
	case KDL_REC_VMCOREINFO:
		ret = kdl_dump_set_vmcoreinfo(pk->dump, (char *)p, (size_t)rec->length);
		break;
	case KDL_REC_NOTE:
		ret = add_note(pk, p, rec->length);
		break;
	case KDL_REC_META:
		ret = add_meta(pk, p, rec->length);
		break;
	default:
		ret = add_prstatus(pk, p, rec->length);
		break;
	}
	free(p);
	return ret;
}

static int read_u64(struct packer *pk, const struct kdl_record *rec,
                    uint64_t *v)
{
	uint8_t p[8];

	if (rec->length != sizeof(p))
		return corrupt(pk, "record of the wrong size");
	if (kdl_reader_exact(pk->r, p, sizeof(p)))
		return -1;
	*v = kdl_get64le(p);
	return 0;
}

static int data(struct packer *pk, uint64_t n)
{
	struct kdl_fd out;
	loff_t off;
	int done = kdl_ws_dest(&pk->ws, n, &out, &off);

	if (done > 0) {
		/* straight into the file where it belongs */
		if (kdl_reader_copy(pk->r, &out, n) < 0)
			return -1;
		kdl_ws_copied(&pk->ws, n);
		return 0;
	}
	if (!done)
		done = kdl_ws_read(&pk->ws, pk->r, n);
	if (!done) {
		/* only laid out (a dry run): the bytes count, nothing more */
		if (kdl_reader_skip(pk->r))
			return -1;
		kdl_ws_copied(&pk->ws, n);
		return 0;
	}
	return done < 0 ? -1 : 0;
}

static int segment(struct packer *pk, const struct kdl_record *rec)
{
	struct kdl_seg *seg;
	uint64_t v[3];

	switch (rec->type) {
	case KDL_REC_SEGMENT:
		if (pk->ws.seg)
			return corrupt(pk, "segment inside a segment");
		if (kdl_reader_segment(pk->r, rec, &v[0], &v[1], &v[2]))
			return -1;
		if (v[2] == 0)
			return kdl_err(pk->dump->ctx, "empty segment at 0x%" PRIx64, v[0]);
		seg = kdl_dump_new_segment(pk->dump, v[0], v[1]);
		if (!seg)
			return -1;
		seg->source = SRC_STREAM;
		seg->len = v[2];
		return kdl_ws_segment_begin(&pk->ws, seg);
	case KDL_REC_DATA:
		if (!pk->ws.seg)
			return corrupt(pk, "data outside a segment");
		return data(pk, rec->length);
	case KDL_REC_ZERO:
		if (!pk->ws.seg)
			return corrupt(pk, "zeros outside a segment");
		return read_u64(pk, rec, v) || kdl_ws_zero(&pk->ws, v[0]) ? -1 : 0;
	default:
		if (!pk->ws.seg)
			return corrupt(pk, "segment end outside a segment");
		if (read_u64(pk, rec, v))
			return -1;
		if (v[0] != pk->ws.seg_filled)
			return corrupt(pk, "segment length differs from its data");
		return kdl_ws_segment_end(&pk->ws);
	}
}

static int record(struct packer *pk, const struct kdl_record *rec)
{
	switch (rec->type) {
	case KDL_REC_ARCH:
	case KDL_REC_VMCOREINFO:
	case KDL_REC_NOTE:
	case KDL_REC_META:
	case KDL_REC_PRSTATUS:
		return description(pk, rec);
	case KDL_REC_SEGMENT:
	case KDL_REC_DATA:
	case KDL_REC_ZERO:
	case KDL_REC_SEGMENT_END:
		return segment(pk, rec);
	default:
		if (rec->flags & KDL_REC_CRITICAL)
			return kdl_err(pk->dump->ctx, "%s: record type 0x%" PRIx32
			               " is marked critical and this program does not understand it",
			               pk->input, rec->type);
		return kdl_reader_skip(pk->r);
	}
}

int kdl_pack_stream(kdl_dump *dump, kdl_reader *r, const char *path,
                    const char *format, struct kdl_stats *st)
{
	const struct kdl_format_ops *ops = kdl_format_find(dump->ctx, format);
	struct packer pk = {.dump = dump, .r = r, .input = kdl_reader_name(r)};
	struct kdl_out out;
	struct kdl_record rec;
	int more, ret = -1;

	if (!ops)
		return -1;
	if (kdl_ws_begin(&pk.ws, dump, &out, path, ops))
		return -1;
	while ((more = kdl_reader_next(r, &rec)) > 0)
		if (record(&pk, &rec))
			goto out;
	if (more < 0)
		goto out;
	if (pk.ws.seg) {
		corrupt(&pk, "it ends inside a segment");
		goto out;
	}
	ret = kdl_ws_finish(&pk.ws, st);
out:
	if (ret)
		kdl_ws_abort(&pk.ws);
	else
		kdl_ws_free(&pk.ws);
	return ret;
}
