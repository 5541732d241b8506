/* kdumpling: build Linux kernel crash dumps (vmcores) from raw memory.
 *
 * Every call that can fail returns 0 (or a valid pointer) on success and -1
 * (or NULL) on failure, leaving a message on the kdl_ctx.  The library never
 * prints and never exits; warnings go to the callback set on the context.
 */
#ifndef KDUMPLING_H
#define KDUMPLING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The shared library exports what this header declares and nothing else. */
#pragma GCC visibility push(default)

#define KDL_VERSION "0.1.0"

/* "to the end of the file" for kdl_dump_add_segment_path/_fd */
#define KDL_LEN_ALL UINT64_MAX

typedef struct kdl_ctx kdl_ctx;
typedef struct kdl_dump kdl_dump;

typedef void kdl_warn_fn(void *arg, const char *message);

kdl_ctx *kdl_ctx_new(void);
void kdl_ctx_free(kdl_ctx *ctx);
/* The message of the last failure. */
const char *kdl_ctx_error(const kdl_ctx *ctx);
void kdl_ctx_set_warn(kdl_ctx *ctx, kdl_warn_fn *fn, void *arg);

/* ---- numbers, as the programs take them ---- */

/* Decimal or 0x-hex, the whole string. */
int kdl_parse_u64(kdl_ctx *ctx, const char *s, uint64_t *out);
int kdl_parse_i64(kdl_ctx *ctx, const char *s, int64_t *out);
/* Like kdl_parse_u64 with an optional K, M, G or T (binary) suffix. */
int kdl_parse_size(kdl_ctx *ctx, const char *s, uint64_t *out);
/* Seconds with an optional fraction down to microseconds: "12", "1.5". */
int kdl_parse_time(kdl_ctx *ctx, const char *s, int64_t *sec, int64_t *usec);
/* "64.0 MiB" into buf. */
const char *kdl_human_size(uint64_t bytes, char *buf, size_t size);

/* ---- architectures ---- */

/* Canonical name for a name or alias ("arm64" -> "aarch64"), or NULL. */
const char *kdl_arch_canonical(const char *name);
/* Space-separated names of every architecture, aliases in parentheses;
 * a new string. */
char *kdl_arch_names(void);
/* Space-separated register names of an architecture (aliases in
 * parentheses after the name they stand for), or NULL if unknown. */
char *kdl_arch_register_list(const char *arch);
/* Whether some architecture has a register of this name. */
int kdl_register_known_anywhere(const char *reg);

/* ---- inputs ---- */

/* Resolves a length of KDL_LEN_ALL to the bytes from offset to the end of
 * a regular file or block device, and checks that a given length fits.
 * For other inputs (pipes, character devices) KDL_LEN_ALL stays. */
int kdl_input_length(kdl_ctx *ctx, int fd, const char *name, uint64_t offset,
                     uint64_t *length);

/* ---- VMCOREINFO ---- */

/* Checks vmcoreinfo text (KEY=VALUE lines) and returns it in a new
 * buffer with a final newline; warns about what readers will reject. */
char *kdl_vmcoreinfo_normalize(kdl_ctx *ctx, const char *text, size_t len,
                               size_t *out_len);

/* ---- the builder ---- */

struct kdl_time {
	int64_t sec, usec;
};

/* The fields of NT_PRSTATUS besides the registers.  Zero is the kernel's
 * choice for every field it does not fill. */
struct kdl_prstatus {
	uint32_t cpu;
	int32_t pid, ppid, pgrp, sid;
	int32_t signo, code, err;
	int32_t cursig;
	struct kdl_time utime, stime, cutime, cstime;
};

struct kdl_reg {
	const char *name; /* case-insensitive, aliases allowed */
	uint64_t value;
};

/* NULL arch: decided later by kdl_dump_set_arch, else x86_64. */
kdl_dump *kdl_dump_new(kdl_ctx *ctx, const char *arch);
void kdl_dump_free(kdl_dump *dump);

/* Fails when a different architecture was named before. */
int kdl_dump_set_arch(kdl_dump *dump, const char *arch);
/* The text is checked and normalized as kdl_vmcoreinfo_normalize does. */
int kdl_dump_set_vmcoreinfo(kdl_dump *dump, const char *text, size_t len);
int kdl_dump_set_vmcoreinfo_file(kdl_dump *dump, const char *path);

/* The buffer must stay valid until the dump is written. */
int kdl_dump_add_segment_buffer(kdl_dump *dump, uint64_t phys, uint64_t virt,
                                const void *data, size_t len);
/* The file is read when the dump is written; length KDL_LEN_ALL means to
 * its end.  The descriptor stays the caller's. */
int kdl_dump_add_segment_path(kdl_dump *dump, uint64_t phys, uint64_t virt,
                              const char *path, uint64_t offset,
                              uint64_t length);
int kdl_dump_add_segment_fd(kdl_dump *dump, uint64_t phys, uint64_t virt,
                            int fd, uint64_t offset, uint64_t length);

int kdl_dump_add_cpu(kdl_dump *dump, const struct kdl_prstatus *status,
                     const struct kdl_reg *regs, size_t nregs);

/* Custom ELF note; any type. */
int kdl_dump_add_note(kdl_dump *dump, const char *name, uint32_t type,
                      const void *desc, size_t len);
/* Owner name of metadata and annotation notes (default "KDUMPLING"). */
int kdl_dump_set_vendor(kdl_dump *dump, const char *vendor);
/* key=value lines of the METADATA (type 1) and ANNOTATIONS (type 2) notes. */
int kdl_dump_add_metadata(kdl_dump *dump, const char *key, const char *value);
int kdl_dump_add_annotation(kdl_dump *dump, const char *key,
                            const char *value);

/* Note types of kdumpling's own notes.  Not 1 and 2: crash and gdb read
 * every note of type 1 as NT_PRSTATUS and of type 2 as NT_FPREGSET,
 * whatever its name, so such notes would pass for CPU state. */
#define KDL_NOTE_METADATA 0x4b444c01     /* 'K' 'D' 'L' 1 */
#define KDL_NOTE_ANNOTATIONS 0x4b444c02
#define KDL_NOTE_FILE_INFO 0x4b444c03
#define KDL_NOTE_USER_DEFINED 0x4b444d00 /* and up */

/* How the kdump-compressed format is written; the ELF format ignores
 * these.  Codecs: none, zlib, lzo, snappy, zstd.  has_level 0 takes the
 * codec's default level. */
int kdl_dump_set_compression(kdl_dump *dump, const char *codec, int level,
                             int has_level);
/* makedumpfile's dump level; bit 1 leaves out all-zero pages. */
int kdl_dump_set_dump_level(kdl_dump *dump, int level);
/* Compression threads; 0 is one per online CPU. */
int kdl_dump_set_threads(kdl_dump *dump, unsigned threads);
/* The page size when the vmcoreinfo has no PAGESIZE. */
int kdl_dump_set_page_size(kdl_dump *dump, uint32_t size);
/* Write makedumpfile's flattened format (as makedumpfile -F does). */
int kdl_dump_set_flat(kdl_dump *dump, int flat);
/* Space-separated names of the codecs; a new string. */
char *kdl_codec_names(void);

/* Space-separated names of the output formats; a new string. */
char *kdl_format_names(void);
int kdl_format_known(const char *name);

struct kdl_stats {
	const char *arch;
	const char *format;
	size_t segments;
	size_t cpus;
	uint64_t total_memory;
	uint64_t vmcoreinfo_size;
	uint64_t estimated_size;
	uint64_t actual_size; /* 0 until written, or written to a pipe */
	int written;          /* the dump was written, not only laid out */
	/* kdump-compressed only; codec NULL otherwise */
	const char *codec;
	int level;
	int dump_level;
	uint64_t pages_total;
	uint64_t pages_dumped;
	uint64_t pages_zero;
	uint64_t compressed_size;
};

struct kdl_segment_info {
	uint64_t phys, virt, size;
};

/* Lays the dump out without writing it. */
int kdl_dump_stats(kdl_dump *dump, const char *format, struct kdl_stats *st);
size_t kdl_dump_segment_count(const kdl_dump *dump);
/* In ascending physical order once laid out. */
int kdl_dump_segment(const kdl_dump *dump, size_t i,
                     struct kdl_segment_info *info);
/* Stats as text or JSON, in a new string. */
char *kdl_dump_stats_text(kdl_dump *dump, const struct kdl_stats *st,
                          int json);

/* Writes the dump to path atomically: nothing appears there unless the
 * whole dump was written; "-" writes the flattened format to stdout.
 * Fills st if not NULL. */
int kdl_dump_write(kdl_dump *dump, const char *path, const char *format,
                   struct kdl_stats *st);

/* ---- the record stream (see STREAM.md) ---- */

typedef struct kdl_reader kdl_reader;
typedef struct kdl_writer kdl_writer;

struct kdl_record {
	uint32_t type;
	uint32_t flags;
	uint64_t length;
};

enum {
	KDL_REC_END = 0x01,
	KDL_REC_ARCH = 0x02,
	KDL_REC_VMCOREINFO = 0x03,
	KDL_REC_NOTE = 0x04,
	KDL_REC_PRSTATUS = 0x05,
	KDL_REC_META = 0x06,
	KDL_REC_SEGMENT = 0x10,
	KDL_REC_DATA = 0x11,
	KDL_REC_ZERO = 0x12,
	KDL_REC_SEGMENT_END = 0x13,
};
#define KDL_REC_CRITICAL 0x1u
#define KDL_LENGTH_UNKNOWN UINT64_MAX

/* name is how messages call the input ("stdin"). */
kdl_reader *kdl_reader_new(kdl_ctx *ctx, int fd, const char *name);
void kdl_reader_free(kdl_reader *r);
const char *kdl_reader_name(const kdl_reader *r);
/* 1: a record header was read; 0: the stream ended properly (its end
 * record, or an empty input); -1: error.  Its payload must be consumed
 * (kdl_reader_payload, _read, _skip or kdl_stream_pass) before the next. */
int kdl_reader_next(kdl_reader *r, struct kdl_record *rec);
/* The whole payload in a new buffer (NUL-terminated for convenience). */
void *kdl_reader_payload(kdl_reader *r, const struct kdl_record *rec);
/* Up to n bytes of the current payload; 0 when it is consumed. */
long kdl_reader_read(kdl_reader *r, void *buf, size_t n);
int kdl_reader_skip(kdl_reader *r);
/* The payload of a KDL_REC_SEGMENT record. */
int kdl_reader_segment(kdl_reader *r, const struct kdl_record *rec,
                       uint64_t *phys, uint64_t *virt, uint64_t *length);

/* Writes the stream header at once. */
kdl_writer *kdl_writer_new(kdl_ctx *ctx, int fd, const char *name);
/* Writes the end record, flushes and frees the writer. */
int kdl_writer_finish(kdl_writer *w);
/* Frees the writer without ending the stream, after a failure: readers
 * downstream then see a truncated stream. */
void kdl_writer_free(kdl_writer *w);
int kdl_writer_record(kdl_writer *w, uint32_t type, uint32_t flags,
                      const void *payload, uint64_t length);
/* Starts a record whose payload follows through kdl_writer_data. */
int kdl_writer_begin(kdl_writer *w, uint32_t type, uint32_t flags,
                     uint64_t length);
int kdl_writer_data(kdl_writer *w, const void *buf, size_t n);
int kdl_writer_end(kdl_writer *w);

/* Copies the record just read, payload and all, from r to w. */
int kdl_stream_pass(kdl_reader *r, kdl_writer *w, const struct kdl_record *rec);

/* Description records as the programs emit them. */
int kdl_emit_arch(kdl_writer *w, const char *arch);
int kdl_emit_vmcoreinfo(kdl_writer *w, const char *text, size_t len);
int kdl_emit_note(kdl_writer *w, const char *name, uint32_t type,
                  const void *desc, size_t len);
int kdl_emit_meta(kdl_writer *w, const char *vendor, uint32_t kind,
                  const char *key, const char *value);
int kdl_emit_prstatus(kdl_writer *w, const struct kdl_prstatus *status,
                      const struct kdl_reg *regs, size_t nregs);
/* The record that opens a segment (KDL_LENGTH_UNKNOWN if unknown). */
int kdl_emit_segment_header(kdl_writer *w, uint64_t phys, uint64_t virt,
                            uint64_t length);
/* A whole segment from a descriptor: length KDL_LENGTH_UNKNOWN reads to
 * the end of input. */
int kdl_emit_segment_fd(kdl_writer *w, uint64_t phys, uint64_t virt, int fd,
                        const char *name, uint64_t offset, uint64_t length);

/* Reads a stream into the dump and writes it to path (NULL: only lay it
 * out, for --dry-run). */
int kdl_pack_stream(kdl_dump *dump, kdl_reader *r, const char *path,
                    const char *format, struct kdl_stats *st);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
