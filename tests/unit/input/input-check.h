/* For the tests of lib/input: a stream written to a scratch file, and
 * read back as one line a record, so that a test states in a string all
 * that an input gave:
 *   ARCH x86_64 / VMCOREINFO 42 / CPU 0 pid 7 rip=0x10 / NOTE ACME 256 5
 *   META KDUMPLING 1262767105 host=web-7
 *   SEGMENT 0x1000 0xffff888000001000 4096 (or ?) / DATA 4096 / ZERO 8192
 *   END 12288 / ALIAS 0x1000 0xffffffff81000000 4096
 * DATA bytes are kept, in order, in unpacked_bytes.  And the inputs'
 * bytes, built in memory. */
#ifndef INPUT_CHECK_H
#define INPUT_CHECK_H

#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "input/input.h"

static kdl_ctx *ctx;
static uint8_t *unpacked_bytes;
static size_t unpacked_len;

/* An input being built in memory, piece by piece. */
struct bytes {
	uint8_t *p;
	size_t n;
};

static inline void append(struct bytes *b, const void *data, size_t n)
{
	uint8_t *p = realloc(b->p, b->n + n);

	if (!p)
		abort();
	b->p = p;
	if (n)
		memcpy(p + b->n, data, n);
	b->n += n;
}

/* What the unpacker warned of in the last unpack_inputs, for a test that
 * collects warnings. */
static char *warning;

/* A writer to the scratch file "stream". */
static inline kdl_writer *stream_to(int *fd)
{
	*fd = open(scratch_file("stream"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	return *fd < 0 ? NULL : kdl_writer_new(ctx, *fd, "stream");
}

static size_t unpacked_cap;

/* DATA bytes kept in order; the buffer doubles, so that many records
 * cost no more than one. */
static inline void keep_bytes(kdl_reader *r, uint64_t n)
{
	if (unpacked_len + n + 1 > unpacked_cap) {
		size_t cap = unpacked_cap ? unpacked_cap : 65536;
		uint8_t *p;

		while (cap < unpacked_len + n + 1)
			cap *= 2;
		p = realloc(unpacked_bytes, cap);
		if (!p)
			return;
		unpacked_bytes = p;
		unpacked_cap = cap;
	}
	if (kdl_reader_read(r, unpacked_bytes + unpacked_len, (size_t)n) == (long)n)
		unpacked_len += (size_t)n;
}

/* A CPU's line: its number, pid, and its registers that are not zero. */
static inline void cpu_line(struct kdl_str *b, const struct kdl_rec_prstatus *c)
{
	kdl_str_add(b, "CPU %u pid %d", c->status.cpu, c->status.pid);
	for (size_t i = 0; i < c->nregs; i++)
		if (c->regs[i].value)
			kdl_str_add(b, " %s=0x%" PRIx64, c->regs[i].name, c->regs[i].value);
}

/* What the scratch file "stream" holds, a line a record, each ending in
 * "\n"; a stream that does not read back gives "FAILED: message". */
static inline char *stream_lines(void)
{
	struct kdl_str b = {0};
	struct kdl_record h;
	kdl_reader *r;
	int fd = open(scratch_file("stream"), O_RDONLY), more;

	free(unpacked_bytes);
	unpacked_bytes = NULL;
	unpacked_len = unpacked_cap = 0;
	r = fd < 0 ? NULL : kdl_reader_new(ctx, fd, "stream");
	while (r && (more = kdl_reader_next(r, &h)) > 0) {
		union {
			struct kdl_rec_arch arch;
			struct kdl_rec_vmcoreinfo vmci;
			struct kdl_rec_note note;
			struct kdl_rec_meta meta;
			struct kdl_rec_prstatus cpu;
			struct kdl_rec_segment seg;
			struct kdl_rec_zero zero;
			struct kdl_rec_segment_end end;
			struct kdl_rec_alias alias;
			struct kdl_rec_extent extent;
		} u;

		if (h.type == KDL_REC_ARCH && !kdl_rec_get_arch(r, &h, &u.arch))
			kdl_str_add(&b, "ARCH %s", u.arch.name);
		else if (h.type == KDL_REC_VMCOREINFO && !kdl_rec_get_vmcoreinfo(r, &h, &u.vmci))
			kdl_str_add(&b, "VMCOREINFO %zu", u.vmci.len);
		else if (h.type == KDL_REC_NOTE && !kdl_rec_get_note(r, &h, &u.note))
			kdl_str_add(&b, "NOTE %s %u %zu", u.note.name, u.note.type, u.note.len);
		else if (h.type == KDL_REC_META && !kdl_rec_get_meta(r, &h, &u.meta))
			kdl_str_add(&b, "META %s %u %s=%s", u.meta.vendor, u.meta.kind, u.meta.key,
			            u.meta.value);
		else if (h.type == KDL_REC_PRSTATUS && !kdl_rec_get_prstatus(r, &h, &u.cpu))
			cpu_line(&b, &u.cpu);
		else if (h.type == KDL_REC_SEGMENT && !kdl_rec_get_segment(r, &h, &u.seg)) {
			kdl_str_add(&b, "SEGMENT 0x%" PRIx64 " 0x%" PRIx64, u.seg.phys, u.seg.virt);
			if (u.seg.length == KDL_LENGTH_UNKNOWN)
				kdl_str_add(&b, " ?");
			else
				kdl_str_add(&b, " %" PRIu64, u.seg.length);
		} else if (h.type == KDL_REC_DATA) {
			kdl_str_add(&b, "DATA %" PRIu64, h.length);
			keep_bytes(r, h.length);
		} else if (h.type == KDL_REC_ZERO && !kdl_rec_get_zero(r, &h, &u.zero))
			kdl_str_add(&b, "ZERO %" PRIu64, u.zero.length);
		else if (h.type == KDL_REC_SEGMENT_END && !kdl_rec_get_segment_end(r, &h, &u.end))
			kdl_str_add(&b, "END %" PRIu64, u.end.length);
		else if (h.type == KDL_REC_ALIAS && !kdl_rec_get_alias(r, &h, &u.alias))
			kdl_str_add(&b, "ALIAS 0x%" PRIx64 " 0x%" PRIx64 " %" PRIu64, u.alias.phys,
			            u.alias.virt, u.alias.length);
		else if (h.type == KDL_REC_EXTENT && !kdl_rec_get_extent(r, &h, &u.extent))
			kdl_str_add(&b, "EXTENT 0x%" PRIx64 " %" PRIu64, u.extent.phys, u.extent.length);
		else {
			more = -1;
			break;
		}
		kdl_str_add(&b, "\n");
	}
	if (!r || more < 0)
		kdl_str_add(&b, "FAILED: %s\n", kdl_ctx_error(ctx));
	kdl_reader_free(r);
	if (fd >= 0)
		close(fd);
	return kdl_str_finish(NULL, &b);
}

/* Unpacks the n inputs, saved as names[i] in the scratch folder: from the
 * files, or (one input) through cat, named stdin, so that nothing can
 * seek; the stream goes to "stream".  -2 when the test cannot set up. */
static inline int unpack_inputs(const struct bytes *in, const char *const *names, size_t n,
                                bool piped, const struct kdl_unpack_options *opts,
                                uint64_t *lost)
{
	int fds[4], fd, ret;
	const char *shown[4];
	FILE *p = NULL;
	kdl_writer *w;

	if (n > 4 || (piped && n != 1))
		return -2;
	for (size_t i = 0; i < n; i++) {
		char path[4096];

		if (write_file(scratch_path(names[i], path, sizeof(path)), in[i].p, in[i].n))
			return -2;
		shown[i] = names[i];
		if (piped) {
			char cmd[4200];

			snprintf(cmd, sizeof(cmd), "cat '%s'", path);
			p = popen(cmd, "r");
			fds[i] = p ? fileno(p) : -1;
			shown[i] = "stdin";
		} else
			fds[i] = open(path, O_RDONLY);
		if (fds[i] < 0)
			return -2;
	}
	free(warning);
	warning = NULL;
	w = stream_to(&fd);
	ret = kdl_unpack(ctx, w, fds, shown, n, opts, lost);
	if (!ret)
		ret = kdl_writer_finish(w);
	else
		kdl_writer_free(w);
	close(fd);
	if (p)
		pclose(p);
	else
		for (size_t i = 0; i < n; i++)
			close(fds[i]);
	return ret;
}

/* The input, saved as name, fails to unpack from the file or a pipe
 * with this message (naming name or stdin) and class, and what the
 * stream got is no whole stream. */
static inline void unpack_fails(const struct bytes *in, const char *name, bool piped,
                                enum kdl_status status, const char *message)
{
	char *lines;

	if (!CHECK_EQ(unpack_inputs(in, &name, 1, piped, NULL, NULL), -1))
		return;
	if (!CHECK_STR(kdl_ctx_error(ctx), message))
		fprintf(stderr, "  from a %s\n", piped ? "pipe" : "file");
	CHECK_EQ(kdl_ctx_status(ctx), status);
	lines = stream_lines();
	CHECK_HAS(lines, "FAILED: ");
	free(lines);
}

#endif
