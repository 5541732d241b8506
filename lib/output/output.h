/* output: where dumps go.  The dump file, written atomically (file.c), as
 * is or in makedumpfile's flattened format (flat.c); scratch files; and
 * bytes moved between descriptors the cheapest way the kernel offers
 * (copy.c). */
#ifndef KDL_OUTPUT_H
#define KDL_OUTPUT_H

#include "base/base.h"

/* One end of a copy: a descriptor, its name for messages, and the offset
 * to use and advance (NULL: the descriptor's own position). */
struct kdl_copy_end {
	int fd;
	const char *name;
	uint64_t *off;
};

/* Copies up to len bytes, fewer only at the end of the input; returns the
 * count or -1. */
int64_t kdl_copy(kdl_ctx *ctx, const struct kdl_copy_end *in,
                 const struct kdl_copy_end *out, uint64_t len);

/* A dump file being written: an unnamed file beside path (or a hidden
 * name where the file system has no unnamed files), given path's name
 * only by kdl_out_commit. */
struct kdl_out {
	kdl_ctx *ctx;
	int fd;
	const char *path;        /* "stdout" for "-" */
	char *tmp_path;          /* NULL when the file has no name yet */
	bool flat;               /* makedumpfile's flattened format */
	const char *scratch_dir; /* for scratch files when path has no directory */
	unsigned mode;           /* its permissions, whatever the umask */
};

/* path "-" writes the flattened format to stdout. */
int kdl_out_open(kdl_ctx *ctx, struct kdl_out *out, const char *path,
                 bool flat, const char *scratch_dir, unsigned mode);
int kdl_out_commit(struct kdl_out *out);
/* A new file to write the dump to, not yet flattened; the old one's
 * descriptor is returned, to be read and closed by the caller; -1 on
 * failure, out unchanged. */
int kdl_out_renew(struct kdl_out *out);
/* After a failure: nothing is left at the path. */
void kdl_out_abort(struct kdl_out *out);
/* Writes at a file offset: in place, or as a flattened record. */
int kdl_out_write(struct kdl_out *out, const void *buf, size_t n, uint64_t off);
/* Copies len bytes of fd (name for messages) at from to off. */
int kdl_out_copy(struct kdl_out *out, int fd, const char *name, uint64_t from,
                 uint64_t len, uint64_t off);
/* The file ends at size. */
int kdl_out_end(struct kdl_out *out, uint64_t size);
/* An unnamed scratch file near the output, gone when closed. */
int kdl_out_scratch(struct kdl_out *out);
/* The same in dir. */
int kdl_scratch_open(kdl_ctx *ctx, const char *dir);
/* The directory of path, in a new string: ".", "/" or its part before
 * the last slash. */
char *kdl_dir_of(kdl_ctx *ctx, const char *path);

/* makedumpfile's flattened format on a descriptor: a header, records of
 * {offset, size} and bytes, an end marker. */
int kdl_flat_header(kdl_ctx *ctx, int fd, const char *name);
int kdl_flat_record(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                    size_t n, uint64_t off);
int kdl_flat_end(kdl_ctx *ctx, int fd, const char *name);

#endif
