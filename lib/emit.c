/* Description and segment records as producers write them (STREAM.md). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define CHUNK (1u << 20)

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
	uint8_t head[KDL_STREAM_PRSTATUS_HEAD], *p = head;
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

/* Skips offset bytes of an input that cannot seek. */
static int skip_input(kdl_ctx *ctx, int fd, const char *name, uint64_t offset,
                      uint8_t *buf)
{
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

static int emit_zero(kdl_writer *w, uint64_t n)
{
	uint8_t p[8];

	kdl_put64(p, n, false);
	return kdl_writer_record(w, KDL_REC_ZERO, KDL_REC_CRITICAL, p, sizeof(p));
}

/* Known length: DATA records filled straight from the input (no copy
 * through this process where the kernel can move the pages), and holes of
 * sparse files as ZERO records, which cost neither reading nor writing.
 * An input that cannot seek is read from where it stands. */
static int emit_known(kdl_writer *w, int fd, const char *name, bool seekable,
                      bool sparse, uint64_t offset, uint64_t length)
{
	kdl_ctx *ctx = kdl_writer_ctx(w);
	loff_t pos = (loff_t)offset, end = (loff_t)(offset + length);
	struct kdl_fd in = {fd, name, seekable ? &pos : NULL};

	while (pos < end) {
		loff_t hole = end;
		uint64_t n, copied;

		if (sparse) {
			loff_t data = lseek(fd, pos, SEEK_DATA);

			if (data < 0)
				data = errno == ENXIO ? end : pos;
			if (data > pos) {
				data = data < end ? data : end;
				if (emit_zero(w, (uint64_t)(data - pos)))
					return -1;
				pos = data;
				continue;
			}
			hole = lseek(fd, pos, SEEK_HOLE);
			if (hole < 0 || hole > end)
				hole = end;
		}
		n = (uint64_t)(hole - pos) < CHUNK ? (uint64_t)(hole - pos) : CHUNK;
		if (kdl_writer_begin(w, KDL_REC_DATA, KDL_REC_CRITICAL, n) ||
		    kdl_writer_copy(w, &in, n, &copied))
			return -1;
		if (!seekable)
			pos += (loff_t)copied; /* kdl_copy moves it for the others */
		if (copied < n)
			return kdl_err(ctx, "%s: ended after %" PRIu64 " of %" PRIu64 " bytes",
			               name, (uint64_t)pos - offset, length);
	}
	return 0;
}

/* Unknown length from a pipe: each chunk gathers in a pipe of this
 * process's own, which tells its size before it moves on, so the bytes
 * never come through this process. */
static int64_t emit_pipe(kdl_writer *w, int fd, const char *name)
{
	kdl_ctx *ctx = kdl_writer_ctx(w);
	int64_t total = 0;
	int p[2], cap;

	if (pipe2(p, O_CLOEXEC))
		return kdl_err_sys(ctx, "pipe");
	/* bigger pipes, fewer records and context switches; what they hold
	 * if that is refused */
	fcntl(fd, F_SETPIPE_SZ, CHUNK);
	fcntl(p[1], F_SETPIPE_SZ, CHUNK);
	cap = fcntl(p[1], F_GETPIPE_SZ);
	if (cap <= 0)
		cap = 4096;
	for (;;) {
		struct kdl_fd held = {p[0], name, NULL};
		uint64_t n = 0, copied;
		ssize_t got;

		/* never more than the pipe holds: nothing drains it meanwhile */
		do {
			got = splice(fd, NULL, p[1], NULL, (size_t)cap - n, SPLICE_F_MOVE);
			if (got > 0)
				n += (uint64_t)got;
		} while ((got > 0 && n < (uint64_t)cap) || (got < 0 && errno == EINTR));
		if (got < 0) {
			total = kdl_err_sys(ctx, "%s", name);
			break;
		}
		if (n && (kdl_writer_begin(w, KDL_REC_DATA, KDL_REC_CRITICAL, n) ||
		          kdl_writer_copy(w, &held, n, &copied) ||
		          (copied < n && kdl_err(ctx, "%s: lost data", name)))) {
			total = -1;
			break;
		}
		total += (int64_t)n;
		if (got == 0)
			break;
	}
	close(p[0]);
	close(p[1]);
	return total;
}

/* Unknown length from anything else: read a chunk, then write it. */
static int64_t emit_read(kdl_writer *w, int fd, const char *name)
{
	uint8_t *buf = kdl_alloc(kdl_writer_ctx(w), CHUNK);
	uint64_t total = 0;
	ssize_t got;

	if (!buf)
		return -1;
	while ((got = kdl_read_full(kdl_writer_ctx(w), fd, name, buf, CHUNK)) > 0) {
		if (kdl_writer_record(w, KDL_REC_DATA, KDL_REC_CRITICAL, buf, (size_t)got)) {
			got = -1;
			break;
		}
		total += (uint64_t)got;
	}
	free(buf);
	return got < 0 ? -1 : (int64_t)total;
}

int kdl_emit_segment_fd(kdl_writer *w, uint64_t phys, uint64_t virt, int fd,
                        const char *name, uint64_t offset, uint64_t length)
{
	kdl_ctx *ctx = kdl_writer_ctx(w);
	bool seekable = lseek(fd, 0, SEEK_CUR) >= 0;
	struct stat st;
	uint8_t end[8];
	int64_t done;

	if (fstat(fd, &st))
		return kdl_err_sys(ctx, "%s", name);
	if (!seekable) {
		uint8_t *buf = kdl_alloc(ctx, CHUNK);
		int skipped = buf ? skip_input(ctx, fd, name, offset, buf) : -1;

		free(buf);
		if (skipped)
			return -1;
	}
	if (kdl_emit_segment_header(w, phys, virt, length))
		return -1;
	if (length != KDL_LENGTH_UNKNOWN) {
		if (emit_known(w, fd, name, seekable, S_ISREG(st.st_mode),
		               seekable ? offset : 0, length))
			return -1;
		done = (int64_t)length;
	} else {
		if (seekable && lseek(fd, (off_t)offset, SEEK_SET) < 0)
			return kdl_err_sys(ctx, "%s", name);
		done = S_ISFIFO(st.st_mode) ? emit_pipe(w, fd, name)
		                            : emit_read(w, fd, name);
		if (done < 0)
			return -1;
	}
	if (done == 0)
		return kdl_err(ctx, "%s: no data: a segment cannot be empty", name);
	kdl_put64(end, (uint64_t)done, false);
	return kdl_writer_record(w, KDL_REC_SEGMENT_END, KDL_REC_CRITICAL, end,
	                         sizeof(end));
}
