/* input: the dumps and captures that can be read, one file each, listed
 * in input.c: the reading side of the output formats.  An input format
 * reads a file or a pipe (struct kdl_input, io.c) and tells what it
 * finds to the unpacker (unpack.c), which writes the record stream: ELF
 * notes through notes.c, segment bytes through byte sources. */
#ifndef KDL_INPUT_H
#define KDL_INPUT_H

#include "codec/codec.h"
#include "model/model.h"
#include "stream/stream.h"

/* What is read of every input to tell its format. */
#define KDL_INPUT_HEAD 4096

/* ---- an input: a file, a pipe, or what another input stands for ---- */

struct kdl_input;

/* How an input that is not a plain descriptor is read (a flattened file
 * seen as the file it stands for).  Each reads exactly n bytes or fails
 * with a message; read_at is NULL where the input can only be read in
 * order. */
struct kdl_input_io {
	int (*read_at)(struct kdl_input *in, void *buf, size_t n, uint64_t off);
	int (*read)(struct kdl_input *in, void *buf, size_t n);
};

struct kdl_input {
	kdl_ctx *ctx;
	int fd;
	const char *name;
	bool seekable;    /* bytes can be read at any offset */
	uint64_t size;    /* or KDL_LENGTH_UNKNOWN */
	uint64_t pos;     /* where reading in order stands */
	/* the first bytes, read to tell the format: reading in order
	 * gives them first */
	uint8_t head[KDL_INPUT_HEAD];
	size_t head_len;
	const struct kdl_input_io *io; /* NULL: the descriptor */
	void *arg;                     /* io's own */
};

/* Opens fd as an input named name and reads its head. */
int kdl_input_open(kdl_ctx *ctx, struct kdl_input *in, int fd, const char *name);
/* An input whose bytes io brings (size KDL_LENGTH_UNKNOWN if unknown). */
void kdl_input_init(struct kdl_input *in, kdl_ctx *ctx, const char *name,
                    const struct kdl_input_io *io, void *arg, bool seekable,
                    uint64_t size);

/* Exactly n bytes at off, on a seekable input; what names them for the
 * message when the input ends first. */
int kdl_input_pread(struct kdl_input *in, void *buf, size_t n, uint64_t off,
                    const char *what);
/* Exactly n bytes from where reading in order stands. */
int kdl_input_read(struct kdl_input *in, void *buf, size_t n, const char *what);
/* Up to n bytes from there, fewer only where the input ends: the count,
 * 0 at its end, or -1. */
ssize_t kdl_input_read_upto(struct kdl_input *in, void *buf, size_t n);
/* Reading in order moves on to off, passing over what lies before it;
 * going back fails on an input that cannot seek. */
int kdl_input_seek(struct kdl_input *in, uint64_t off, const char *what);
/* Exactly n bytes at off: read at that offset where the input can seek,
 * else by reading on to it (never back). */
int kdl_input_read_at(struct kdl_input *in, void *buf, size_t n, uint64_t off,
                      const char *what);
/* The same in a new buffer (with a NUL after it), which grows as the bytes
 * come, so that a size read from the input is never allocated before its
 * bytes are there; NULL on failure. */
uint8_t *kdl_input_fetch(struct kdl_input *in, uint64_t off, uint64_t n,
                         const char *what);
/* n bytes at off as a byte source: read in order on an input that
 * cannot seek (off must be where it stands). */
void kdl_input_source(struct kdl_input *in, struct kdl_source *src, uint64_t off,
                      uint64_t n);

/* "NAME: at byte OFF: ...", class KDL_ERR_CORRUPT; returns -1. */
int kdl_input_corrupt(struct kdl_input *in, uint64_t off, const char *fmt, ...)
	KDL_FMT(3, 4);
/* "NAME: ends at byte SIZE, inside WHAT", class KDL_ERR_CORRUPT. */
int kdl_input_truncated(struct kdl_input *in, const char *what);
/* An input that can only be read in order, read in another: class
 * KDL_ERR_UNSUPPORTED, asking for a file. */
int kdl_input_needs_file(struct kdl_input *in, const char *why);

/* ---- the unpacker: what an input format tells, as records ---- */

/* The records go out in this order: description (kdl_unpack_arch,
 * _vmcoreinfo, _notes, _alias, _extent), then segments, each kdl_unpack_segment, its
 * bytes (kdl_unpack_bytes, _zero, _lost) in order, kdl_unpack_end.  The
 * --phys ranges are applied here: a format tells all it reads. */
struct kdl_unpacker;

int kdl_unpack_arch(struct kdl_unpacker *u, const struct kdl_arch *arch);
int kdl_unpack_vmcoreinfo(struct kdl_unpacker *u, const char *text, size_t len);
/* A CPU: numbered in the order CPUs are told (status->cpu is set). */
int kdl_unpack_cpu(struct kdl_unpacker *u, struct kdl_prstatus *status,
                   const struct kdl_reg *regs, size_t nregs);
/* A note of any other kind; its name is namelen bytes, without a NUL. */
int kdl_unpack_note(struct kdl_unpacker *u, const uint8_t *name, size_t namelen,
                    uint32_t type, const void *desc, size_t len);
/* ELF notes as a PT_NOTE or a kdump-compressed file holds them, in the
 * byte order of arch (or of be, where no architecture is known): each
 * NT_PRSTATUS of CORE a CPU, numbered in order; VMCOREINFO; every other
 * note as it is.  off is where buf is in the input, for messages. */
int kdl_unpack_notes(struct kdl_unpacker *u, struct kdl_input *in,
                     const struct kdl_arch *arch, bool be,
                     const uint8_t *buf, size_t len, uint64_t off);
/* Memory the segments hold (or will) at phys, mapped at virt too. */
int kdl_unpack_alias(struct kdl_unpacker *u, uint64_t phys, uint64_t virt,
                     uint64_t len);
/* A segment of len bytes will come at phys: told, in physical order,
 * after the aliases and before any segment, so that a packer can lay
 * its file out ahead (an EXTENT record). */
int kdl_unpack_extent(struct kdl_unpacker *u, uint64_t phys, uint64_t len);
/* A segment of len bytes (KDL_LENGTH_UNKNOWN: told at its end). */
int kdl_unpack_segment(struct kdl_unpacker *u, uint64_t phys, uint64_t virt,
                       uint64_t len);
/* Its next bytes: all of src is taken; all-zero pages become ZERO. */
int kdl_unpack_bytes(struct kdl_unpacker *u, struct kdl_source *src);
/* Its next n bytes are zero. */
int kdl_unpack_zero(struct kdl_unpacker *u, uint64_t n);
/* Its next n bytes cannot be read, for the reason given: a failure, or
 * with --keep-going a warning, the bytes left out and the segment split
 * around them. */
int kdl_unpack_lost(struct kdl_unpacker *u, uint64_t n, const char *fmt, ...)
	KDL_FMT(3, 4);
int kdl_unpack_end(struct kdl_unpacker *u);
/* The page size of the input, for the ZERO records' granularity and
 * whatever a format wants aligned; 4096 unless told. */
void kdl_unpack_page_size(struct kdl_unpacker *u, uint32_t page_size);
kdl_ctx *kdl_unpack_ctx(const struct kdl_unpacker *u);

/* For kdl_unpack: an unpacker writing to w, and its end (the bytes
 * --keep-going left out into *lost). */
struct kdl_unpacker *kdl_unpacker_new(kdl_ctx *ctx, kdl_writer *w,
                                      const struct kdl_unpack_options *opts);
int kdl_unpacker_done(struct kdl_unpacker *u, uint64_t *lost);
void kdl_unpacker_free(struct kdl_unpacker *u);

/* ---- what input formats share ---- */

/* The ranges of a LiME-like capture (LiME, AVML): each a 32-byte header
 * of magic, version, first and last address, then what payload reads of
 * its len bytes, one after another to the end of in; they must ascend.
 * format names them in messages. */
int kdl_lime_ranges(struct kdl_unpacker *u, struct kdl_input *in,
                    const char *format, uint32_t magic, uint32_t version,
                    int (*payload)(struct kdl_unpacker *u, struct kdl_input *in,
                                   uint64_t phys, uint64_t len, void *arg),
                    void *arg);

/* ---- input formats ---- */

struct kdl_input_ops {
	struct kdl_entry info; /* first: the table holds &info */
	/* Whether head, the first n bytes of an input, is this format. */
	bool (*probe)(const uint8_t *head, size_t n);
	/* Reads ins (one, or the parts of one dump when takes_parts) and
	 * tells u what they hold.  Returns 0 or -1. */
	int (*unpack)(struct kdl_unpacker *u, struct kdl_input *ins, size_t n);
	/* Several files may make one dump. */
	bool takes_parts;
};

extern const struct kdl_input_ops kdl_input_elf;
extern const struct kdl_input_ops kdl_input_kdump;
extern const struct kdl_input_ops kdl_input_flat;
extern const struct kdl_input_ops kdl_input_lime;
extern const struct kdl_input_ops kdl_input_avml;

const struct kdl_input_ops *kdl_input_find(const char *name);

#endif
