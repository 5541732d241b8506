/* Streams in scratch files, written and read back record by record:
 * shared by the tests of the stream, tests/unit/stream/<file>.c. */
#ifndef STREAM_CHECK_H
#define STREAM_CHECK_H

#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "stream/stream.h"

static kdl_ctx *ctx;

/* What every stream begins with, as STREAM.md spells it. */
static const uint8_t header[16] = {0x89, 'V', 'M', 'C', '\r', '\n', 0x1a, '\n', 1, 0, 0, 0, 0, 0, 0, 0};

static inline int create(const char *name)
{
	return open(scratch_file(name), O_RDWR | O_CREAT | O_TRUNC, 0600);
}

static inline int reopen(const char *name)
{
	return open(scratch_file(name), O_RDONLY);
}

static inline uint8_t *slurp(const char *name, size_t *len)
{
	return read_file(scratch_file(name), len);
}

/* A reader of the scratch file, named after it. */
static inline kdl_reader *reader_of(const char *name, int *fd)
{
	*fd = reopen(name);
	return kdl_reader_new(ctx, *fd, name);
}

/* Reads the next record, which must be of this type. */
static inline bool next_is(kdl_reader *r, struct kdl_record *hdr,
                           uint32_t type)
{
	return CHECK(r) && CHECK_EQ(kdl_reader_next(r, hdr), 1) &&
	       CHECK_EQ(hdr->type, type) && CHECK_EQ(hdr->flags, KDL_REC_CRITICAL);
}

/* The stream ends properly here: its end record counts what came. */
static inline void check_ends(kdl_reader *r, int fd)
{
	struct kdl_record hdr;

	if (r && !CHECK_EQ(kdl_reader_next(r, &hdr), 0))
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
	kdl_reader_free(r);
	close(fd);
}

#endif
