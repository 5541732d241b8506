/* Description and segment records as producers write them (STREAM.md). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define CHUNK (1u << 20)
#define PRSTATUS_HEAD 108

int kdl_emit_arch(kdl_writer *w, const char *arch)
{
	return kdl_writer_record(w, KDL_REC_ARCH, KDL_REC_CRITICAL, arch,
	                         strlen(arch));
}

int kdl_emit_vmcoreinfo(kdl_writer *w, const char *text, size_t len)
{
	return kdl_writer_record(w, KDL_REC_VMCOREINFO, KDL_REC_CRITICAL, text,
	                         len);
}

int kdl_emit_note(kdl_writer *w, const char *name, uint32_t type,
                  const void *desc, size_t len)
{
	size_t namelen = strlen(name);
	uint8_t h[8];

	kdl_put32(h, type, false);
	kdl_put32(h + 4, (uint32_t)namelen, false);
	if (kdl_writer_begin(w, KDL_REC_NOTE, KDL_REC_CRITICAL,
	                     sizeof(h) + namelen + len) ||
	    kdl_writer_data(w, h, sizeof(h)) ||
	    kdl_writer_data(w, name, namelen) || kdl_writer_data(w, desc, len))
		return -1;
	return kdl_writer_end(w);
}

int kdl_emit_meta(kdl_writer *w, const char *vendor, uint32_t kind,
                  const char *key, const char *value)
{
	size_t vlen = strlen(vendor), klen = strlen(key), len = strlen(value);
	uint8_t h[12];

	kdl_put32(h, kind, false);
	kdl_put32(h + 4, (uint32_t)vlen, false);
	kdl_put32(h + 8, (uint32_t)klen, false);
	if (kdl_writer_begin(w, KDL_REC_META, KDL_REC_CRITICAL,
	                     sizeof(h) + vlen + klen + len) ||
	    kdl_writer_data(w, h, sizeof(h)) || kdl_writer_data(w, vendor, vlen) ||
	    kdl_writer_data(w, key, klen) || kdl_writer_data(w, value, len))
		return -1;
	return kdl_writer_end(w);
}

static uint8_t *put_time(uint8_t *p, const struct kdl_time *t)
{
	kdl_put64(p, (uint64_t)t->sec, false);
	kdl_put64(p + 8, (uint64_t)t->usec, false);
	return p + 16;
}

int kdl_emit_prstatus(kdl_writer *w, const struct kdl_prstatus *s,
                      const struct kdl_reg *regs, size_t nregs)
{
	const int32_t fields[] = {s->pid, s->ppid, s->pgrp, s->sid, s->signo,
	                          s->code, s->err, s->cursig, 0};
	uint8_t head[PRSTATUS_HEAD], *p = head;
	uint64_t len = sizeof(head);

	kdl_put32(p, s->cpu, false);
	p += 4;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++, p += 4)
		kdl_put32(p, (uint32_t)fields[i], false);
	p = put_time(p, &s->utime);
	p = put_time(p, &s->stime);
	p = put_time(p, &s->cutime);
	p = put_time(p, &s->cstime);
	kdl_put32(p, (uint32_t)nregs, false);
	for (size_t i = 0; i < nregs; i++) {
		size_t n = strlen(regs[i].name);

		if (n > 255)
			return kdl_err(kdl_writer_ctx(w), "register name '%.20s...' is too long", regs[i].name);
		len += 1 + n + 8;
	}
	if (kdl_writer_begin(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, len) ||
	    kdl_writer_data(w, head, sizeof(head)))
		return -1;
	for (size_t i = 0; i < nregs; i++) {
		uint8_t n = (uint8_t)strlen(regs[i].name), v[8];

		kdl_put64(v, regs[i].value, false);
		if (kdl_writer_data(w, &n, 1) || kdl_writer_data(w, regs[i].name, n) ||
		    kdl_writer_data(w, v, sizeof(v)))
			return -1;
	}
	return kdl_writer_end(w);
}

int kdl_emit_segment_header(kdl_writer *w, uint64_t phys, uint64_t virt,
                            uint64_t length)
{
	uint8_t p[24];

	kdl_put64(p, phys, false);
	kdl_put64(p + 8, virt, false);
	kdl_put64(p + 16, length, false);
	return kdl_writer_record(w, KDL_REC_SEGMENT, KDL_REC_CRITICAL, p, sizeof(p));
}

static int skip_input(kdl_ctx *ctx, int fd, const char *name, uint64_t offset,
                      uint8_t *buf)
{
	if (!offset || lseek(fd, (off_t)offset, SEEK_CUR) >= 0)
		return 0;
	if (errno != ESPIPE)
		return kdl_err_sys(ctx, "%s", name);
	while (offset) {
		size_t n = offset < CHUNK ? (size_t)offset : CHUNK;
		ssize_t got = kdl_read_full(ctx, fd, name, buf, n);

		if (got < 0)
			return -1;
		if ((size_t)got < n)
			return kdl_err(ctx, "%s: ends before offset", name);
		offset -= n;
	}
	return 0;
}

int kdl_emit_segment_fd(kdl_writer *w, uint64_t phys, uint64_t virt, int fd,
                        const char *name, uint64_t offset, uint64_t length)
{
	uint64_t done = 0;
	uint8_t *buf, end[8];
	int ret = -1;

	buf = kdl_alloc(kdl_writer_ctx(w), CHUNK);
	if (!buf)
		return -1;
	if (skip_input(kdl_writer_ctx(w), fd, name, offset, buf) ||
	    kdl_emit_segment_header(w, phys, virt, length))
		goto out;
	while (done < length) {
		size_t want = length - done < CHUNK ? (size_t)(length - done) : CHUNK;
		ssize_t got = kdl_read_full(kdl_writer_ctx(w), fd, name, buf, want);

		if (got < 0)
			goto out;
		if (got == 0)
			break;
		if (kdl_writer_record(w, KDL_REC_DATA, KDL_REC_CRITICAL, buf, (size_t)got))
			goto out;
		done += (uint64_t)got;
	}
	if (length != KDL_LENGTH_UNKNOWN && done < length) {
		kdl_err(kdl_writer_ctx(w), "%s: ended after %" PRIu64 " of %" PRIu64 " bytes",
		        name, done, length);
		goto out;
	}
	if (done == 0) {
		kdl_err(kdl_writer_ctx(w), "%s: no data: a segment cannot be empty", name);
		goto out;
	}
	kdl_put64(end, done, false);
	ret = kdl_writer_record(w, KDL_REC_SEGMENT_END, KDL_REC_CRITICAL, end,
	                        sizeof(end));
out:
	free(buf);
	return ret;
}
