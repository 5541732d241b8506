/* Dumps written and streams packed into scratch files, to read back:
 * shared by the tests of the formats, tests/unit/format/<format>.c. */
#ifndef FORMAT_CHECK_H
#define FORMAT_CHECK_H

#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "format/format.h"

static kdl_ctx *ctx;

static inline bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Writes the dump to the named scratch file and reads the file back. */
static inline uint8_t *write_and_read(kdl_dump *d, const char *name,
                                      const struct kdl_options *opts,
                                      size_t *len, struct kdl_stats *st)
{
	if (!CHECK_EQ(kdl_dump_write(d, scratch_file(name), opts, st), 0)) {
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
		return NULL;
	}
	return read_file(scratch_file(name), len);
}

/* ---- a stream, written to a scratch file and packed from it ---- */

static kdl_writer *w;
static int wfd = -1;

static inline void stream_begin(void)
{
	wfd = open(scratch_file("stream"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	w = kdl_writer_new(ctx, wfd, "stream");
}

/* A segment of these bytes, or of zeros when bytes is NULL; its length
 * told at its start or only at its end. */
static inline void stream_segment(uint64_t phys, uint64_t virt,
                                  const void *bytes, uint64_t n,
                                  bool length_first)
{
	struct kdl_rec_segment seg = {phys, virt, length_first ? n : KDL_LENGTH_UNKNOWN};
	struct kdl_rec_zero zero = {n};
	struct kdl_rec_segment_end end = {n};

	kdl_rec_put_segment(w, &seg);
	if (bytes)
		kdl_rec_put_data(w, bytes, (size_t)n);
	else
		kdl_rec_put_zero(w, &zero);
	kdl_rec_put_segment_end(w, &end);
}

/* Ends the stream and packs it into the named file; kdl_pack_stream's
 * result, left to the caller, as some packs are meant to fail. */
static inline int stream_pack(kdl_dump *d, const char *name,
                              const struct kdl_options *opts,
                              struct kdl_stats *st)
{
	kdl_reader *r;
	int fd, ret;

	if (!CHECK_EQ(kdl_writer_finish(w), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	close(wfd);
	fd = open(scratch_file("stream"), O_RDONLY);
	r = kdl_reader_new(ctx, fd, "stream");
	ret = kdl_pack_stream(d, r, scratch_file(name), opts, st);
	kdl_reader_free(r);
	close(fd);
	return ret;
}

#endif
