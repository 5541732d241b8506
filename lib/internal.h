/* Shared by the library's files; not installed. */
#ifndef KDL_INTERNAL_H
#define KDL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "kdumpling.h"

#define KDL_FMT(a, b) __attribute__((format(printf, a, b)))

struct kdl_ctx {
	char error[1024];
	kdl_warn_fn *warn;
	void *warn_arg;
};

/* Set the error message and return -1. */
int kdl_err(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);
/* The same, followed by ": strerror(errno)". */
int kdl_err_sys(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);
/* Puts "prefix: " before the message already set; returns -1. */
int kdl_err_prefix(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);
void kdl_warn(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);

void *kdl_alloc(kdl_ctx *ctx, size_t size);
char *kdl_strdup(kdl_ctx *ctx, const char *s);
char *kdl_memdup(kdl_ctx *ctx, const void *p, size_t n);
/* Makes room for one more element in a growing array. */
int kdl_grow(kdl_ctx *ctx, void *array_ptr, size_t *cap, size_t count,
             size_t elem);
char *kdl_asprintf(kdl_ctx *ctx, const char *fmt, ...) KDL_FMT(2, 3);

/* Full-length I/O that retries short transfers and EINTR. */
int kdl_write_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                  size_t n);
int kdl_pwrite_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                   size_t n, uint64_t off);
/* Reads until n bytes or end of input; returns the count or -1. */
ssize_t kdl_read_full(kdl_ctx *ctx, int fd, const char *name, void *buf,
                      size_t n);

struct kdl_str {
	char *s;
	size_t len, cap;
	bool failed;
};
void kdl_str_add(struct kdl_str *b, const char *fmt, ...) KDL_FMT(2, 3);
/* The string, or NULL (and an error on ctx, if given) when out of memory. */
char *kdl_str_finish(kdl_ctx *ctx, struct kdl_str *b);

/* One end of a copy: a descriptor, its name for messages, and the offset
 * to use and advance (NULL: the descriptor's own position). */
struct kdl_fd {
	int fd;
	const char *name;
	loff_t *off;
};

/* Copies up to len bytes, fewer only at the end of the input; returns the
 * count or -1. */
int64_t kdl_copy(kdl_ctx *ctx, const struct kdl_fd *in,
                 const struct kdl_fd *out, uint64_t len);

static inline uint64_t kdl_round_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) / align * align;
}

/* ---- architectures ---- */

struct kdl_cpu;

struct kdl_reg_def {
	const char *name;
	uint16_t offset; /* within pr_reg */
	uint8_t size;    /* bytes */
	bool alias;      /* another name for the entry before it */
};

struct kdl_arch {
	const char *name;
	const char *alias; /* or NULL */
	uint16_t e_machine;
	bool big_endian;
	uint32_t page_size;
	const char *uts_machine;
	uint32_t pr_reg_size;
	const struct kdl_reg_def *regs;
	size_t nregs;
};

extern const struct kdl_arch kdl_arch_x86_64;
extern const struct kdl_arch kdl_arch_aarch64;
extern const struct kdl_arch kdl_arch_s390x;
extern const struct kdl_arch kdl_arch_ppc64;
extern const struct kdl_arch kdl_arch_ppc64le;
extern const struct kdl_arch kdl_arch_riscv64;

const struct kdl_arch *kdl_arch_find(const char *name);
const struct kdl_reg_def *kdl_arch_reg(const struct kdl_arch *arch,
                                       const char *name);
/* Size of NT_PRSTATUS's descriptor for the architecture. */
uint32_t kdl_prstatus_size(const struct kdl_arch *arch);
/* Rejects unknown, repeated or too wide registers. */
int kdl_prstatus_check(kdl_ctx *ctx, const struct kdl_arch *arch,
                       const struct kdl_reg *regs, size_t nregs);
/* The NT_PRSTATUS descriptor, kdl_prstatus_size bytes. */
int kdl_prstatus_encode(kdl_ctx *ctx, const struct kdl_arch *arch,
                        const struct kdl_cpu *cpu, uint8_t *desc);

/* ---- byte order of the dumped machine ---- */

void kdl_put16(uint8_t *p, uint16_t v, bool be);
void kdl_put32(uint8_t *p, uint32_t v, bool be);
void kdl_put64(uint8_t *p, uint64_t v, bool be);
uint32_t kdl_get32le(const uint8_t *p);
uint64_t kdl_get64le(const uint8_t *p);

/* ---- the dump model ---- */

enum kdl_source { SRC_BUFFER, SRC_FD, SRC_PATH, SRC_STREAM };

struct kdl_seg {
	uint64_t phys, virt, len;
	enum kdl_source source;
	const void *buf;
	int fd;
	char *path;
	uint64_t offset;
	uint64_t file_off; /* where the format placed it */
};

struct kdl_cpu {
	struct kdl_prstatus status;
	struct kdl_reg *regs; /* names owned */
	size_t nregs;
};

struct kdl_note {
	char *name;
	uint32_t type;
	uint8_t *desc;
	size_t len;
};

struct kdl_meta {
	char *vendor;
	uint32_t kind;
	char *key;
	char *value;
};

struct kdl_codec;

struct kdl_dump {
	kdl_ctx *ctx;
	const struct kdl_arch *arch; /* NULL until named */
	/* how to write it */
	const struct kdl_codec *codec;
	int level;
	int dump_level;
	unsigned threads;
	uint32_t page_size; /* 0: from vmcoreinfo or the architecture */
	bool flat;
	char *vmcoreinfo;
	size_t vmcoreinfo_len;
	char *vendor;
	struct kdl_seg *segs;
	size_t nsegs, segs_cap;
	struct kdl_cpu *cpus;
	size_t ncpus, cpus_cap;
	struct kdl_note *notes;
	size_t nnotes, notes_cap;
	struct kdl_meta *metas;
	size_t nmetas, metas_cap;
};

const struct kdl_arch *kdl_dump_arch(const kdl_dump *dump);
/* PAGESIZE from the vmcoreinfo when it is a decimal power of two, else the
 * one set, else the architecture's. */
uint32_t kdl_dump_page_size(const kdl_dump *dump);
struct kdl_seg *kdl_dump_new_segment(kdl_dump *dump, uint64_t phys,
                                     uint64_t virt);
int kdl_dump_add_meta(kdl_dump *dump, const char *vendor, uint32_t kind,
                      const char *key, const char *value);
/* Sorts segments by physical address and rejects empty or overlapping
 * ones, and a page size that the vmcoreinfo contradicts. */
int kdl_dump_check(kdl_dump *dump);
uint64_t kdl_dump_total_memory(const kdl_dump *dump);

/* Value of KEY in vmcoreinfo text, or NULL; *len gets its length. */
const char *kdl_vmcoreinfo_get(const char *text, size_t text_len,
                               const char *key, size_t *len);

/* The PT_NOTE contents: PRSTATUS per CPU, VMCOREINFO, custom notes. */
struct kdl_notes {
	uint8_t *buf;
	size_t len;
	size_t vmcoreinfo_off; /* of its descriptor, or SIZE_MAX */
};
int kdl_notes_build(kdl_dump *dump, struct kdl_notes *notes);
size_t kdl_note_size(size_t namesz, size_t descsz);

/* ---- output ---- */

/* A dump file being written: a hidden file beside path, linked there only
 * by kdl_out_commit. */
struct kdl_out {
	kdl_ctx *ctx;
	int fd;
	const char *path;   /* "-" for stdout */
	char *tmp_path;     /* NULL when the file has no name yet */
	bool flat;          /* makedumpfile's flattened format */
};

/* path "-" writes the flattened format to stdout. */
int kdl_out_open(kdl_ctx *ctx, struct kdl_out *out, const char *path,
                 bool flat);
int kdl_out_commit(struct kdl_out *out);
void kdl_out_abort(struct kdl_out *out);
/* Writes at a file offset: in place, or as a flattened record. */
int kdl_out_write(struct kdl_out *out, const void *buf, size_t n, uint64_t off);
/* Copies len bytes of fd at from to off. */
int kdl_out_copy(struct kdl_out *out, int fd, uint64_t from, uint64_t len,
                 uint64_t off);
/* The file ends at size. */
int kdl_out_end(struct kdl_out *out, uint64_t size);
/* An unnamed scratch file near the output, removed when closed. */
int kdl_out_scratch(struct kdl_out *out);

/* ---- page codecs: one file each, listed in codec.c ---- */

struct kdl_codec {
	const char *name;
	uint32_t flag; /* in the header's status and the page descriptors */
	int min_level, max_level, default_level;
	bool has_levels;
	size_t (*bound)(size_t n);
	void *(*new_state)(int level);
	void (*free_state)(void *state);
	/* The compressed size, or 0 if the codec failed. */
	size_t (*compress)(void *state, const void *src, size_t n, void *dst,
	                   size_t cap);
};

extern const struct kdl_codec kdl_codec_none;
extern const struct kdl_codec kdl_codec_zlib;
extern const struct kdl_codec kdl_codec_lzo;
extern const struct kdl_codec kdl_codec_snappy;
extern const struct kdl_codec kdl_codec_zstd;

const struct kdl_codec *kdl_codec_find(const char *name);

/* Pages compressed in order, on threads: kdl_compressor_page gives the
 * buffer of the next page, for the caller to fill whole before it asks
 * for another or flushes; the sink receives every page in order. */
struct kdl_page {
	uint64_t pfn;
	bool zero;      /* all zero, to be left out */
	uint64_t count; /* pages from pfn on: more than 1 only for zero runs */
	uint32_t size;
	uint32_t flags; /* the codec's flag, or 0 when stored raw */
	const uint8_t *data;
};
typedef int kdl_page_sink(void *arg, const struct kdl_page *page);
bool kdl_page_is_zero(const uint8_t *p, size_t n);
struct kdl_compressor;
struct kdl_compressor *kdl_compressor_new(kdl_ctx *ctx,
                                          const struct kdl_codec *codec,
                                          int level, uint32_t page_size,
                                          unsigned threads, bool exclude_zero,
                                          kdl_page_sink *sink, void *sink_arg);
uint8_t *kdl_compressor_page(struct kdl_compressor *c, uint64_t pfn);
/* count zero pages from pfn on, when zero pages are left out: handed to
 * the sink as one run, without a byte of them touched. */
int kdl_compressor_zero_run(struct kdl_compressor *c, uint64_t pfn,
                            uint64_t count);
int kdl_compressor_flush(struct kdl_compressor *c);
void kdl_compressor_free(struct kdl_compressor *c);

/* ---- output formats: one file each, listed in format.c ---- */

struct kdl_format_ops;

struct kdl_writer_state {
	kdl_dump *dump;
	struct kdl_out *out; /* NULL when only laying out */
	const struct kdl_format_ops *ops;
	void *priv;
	struct kdl_seg *seg; /* being filled */
	uint64_t seg_filled;
};

struct kdl_format_ops {
	const char *name;
	size_t priv_size;
	/* Segment data arrives in order, after segment_begin. */
	int (*segment_begin)(struct kdl_writer_state *ws);
	int (*segment_data)(struct kdl_writer_state *ws, const void *buf,
	                    size_t n);
	int (*segment_zero)(struct kdl_writer_state *ws, uint64_t n);
	int (*segment_end)(struct kdl_writer_state *ws);
	/* The next n bytes of the segment read straight from the stream into
	 * the format's own buffers; optional. */
	int (*segment_read)(struct kdl_writer_state *ws, kdl_reader *r,
	                    uint64_t n);
	/* Where the next segment byte goes in the file, for formats that
	 * store segment data as it comes, so that it can be copied there
	 * without passing through this process; optional. */
	uint64_t (*data_offset)(struct kdl_writer_state *ws);
	/* Headers and notes, once everything is known. */
	int (*finish)(struct kdl_writer_state *ws);
	/* Size of the file for the dump as it stands. */
	int (*estimate)(kdl_dump *dump, uint64_t *size);
	/* What the format adds to the stats; optional. */
	void (*stats)(struct kdl_writer_state *ws, struct kdl_stats *st);
	/* Releases what priv holds; optional. */
	void (*free)(struct kdl_writer_state *ws);
	bool can_flatten;
};

extern const struct kdl_format_ops kdl_format_elf;
extern const struct kdl_format_ops kdl_format_kdump;

const struct kdl_format_ops *kdl_format_find(kdl_ctx *ctx, const char *name);

/* Opens out at path (NULL: lay out only, for dry runs). */
int kdl_ws_begin(struct kdl_writer_state *ws, kdl_dump *dump,
                 struct kdl_out *out, const char *path,
                 const struct kdl_format_ops *ops);
void kdl_ws_free(struct kdl_writer_state *ws);
/* After a failure: no file is left at the path. */
void kdl_ws_abort(struct kdl_writer_state *ws);
/* Wrappers that keep ws->seg_filled. */
int kdl_ws_segment_begin(struct kdl_writer_state *ws, struct kdl_seg *seg);
int kdl_ws_data(struct kdl_writer_state *ws, const void *buf, size_t n);
int kdl_ws_zero(struct kdl_writer_state *ws, uint64_t n);
int kdl_ws_segment_end(struct kdl_writer_state *ws);
/* 1 and *out (with *off) set when the next n bytes of the segment can be
 * copied into the file directly, followed by kdl_ws_copied; 0 when they
 * must come through kdl_ws_data; -1 when they are too many. */
int kdl_ws_dest(struct kdl_writer_state *ws, uint64_t n, struct kdl_fd *out,
                loff_t *off);
void kdl_ws_copied(struct kdl_writer_state *ws, uint64_t n);
/* 1 when the format read the next n bytes from r itself, 0 when it does
 * not read streams, -1 on failure. */
int kdl_ws_read(struct kdl_writer_state *ws, kdl_reader *r, uint64_t n);

int kdl_stats_fill(kdl_dump *dump, const struct kdl_format_ops *ops,
                   struct kdl_stats *st);

kdl_ctx *kdl_writer_ctx(const kdl_writer *w);
/* Exactly n bytes of the current payload. */
int kdl_reader_exact(kdl_reader *r, void *buf, size_t n);
/* Payload bytes from the reader's input straight to out: up to n of the
 * current record; fewer is a truncated stream. */
int64_t kdl_reader_copy(kdl_reader *r, const struct kdl_fd *out, uint64_t n);
/* Payload bytes of the record being written, straight from in; *copied
 * is short only at the end of in. */
int kdl_writer_copy(kdl_writer *w, const struct kdl_fd *in, uint64_t n,
                    uint64_t *copied);

/* The fixed part of a PRSTATUS record, before its registers. */
#define KDL_STREAM_PRSTATUS_HEAD 108

/* Where pr_reg starts in NT_PRSTATUS. */
#define KDL_PRSTATUS_FIXED 112

/* Finishes the format, fills st and gives the file its name; after a
 * failure the caller aborts. */
int kdl_ws_finish(struct kdl_writer_state *ws, struct kdl_stats *st);

#endif
