/* kdumpling: build Linux kernel crash dumps (vmcores) from raw memory.
 *
 * Every call that can fail returns 0 (or a valid pointer) on success and -1
 * (or NULL) on failure, leaving a message and an error class on the
 * kdl_ctx.  The library never prints, never exits and never reads the
 * environment; warnings go to the callback set on the context.
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

/* A length not known yet: "to the end of the file" for the segments of
 * kdl_dump_add_segment_path and _fd, "until SEGMENT_END" in a stream. */
#define KDL_LENGTH_UNKNOWN UINT64_MAX

typedef struct kdl_ctx kdl_ctx;
typedef struct kdl_dump kdl_dump;

/* ---- the context: what failed, and warnings ---- */

/* The class of the last failure, for callers that act on it (a program
 * choosing its exit status) rather than on the message. */
enum kdl_status {
	KDL_OK = 0,
	/* an argument is wrong: an unknown name, a bad value, settings
	 * that contradict each other */
	KDL_ERR_INVALID,
	/* the input is wrong: a stream or file that is malformed,
	 * truncated, contradicts itself, or is shorter than asked for */
	KDL_ERR_CORRUPT,
	/* valid, but not something this library does */
	KDL_ERR_UNSUPPORTED,
	/* the system refused: opening, reading, writing, a full disk */
	KDL_ERR_IO,
	KDL_ERR_NOMEM,
};

typedef void kdl_warn_fn(void *arg, const char *message);

kdl_ctx *kdl_ctx_new(void);
void kdl_ctx_free(kdl_ctx *ctx);
/* The message of the last failure. */
const char *kdl_ctx_error(const kdl_ctx *ctx);
/* Its class: KDL_OK before any failure. */
enum kdl_status kdl_ctx_status(const kdl_ctx *ctx);
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

/* ---- what the library knows: architectures, codecs, output formats ----
 *
 * Each is a table of entries; what programs print about an entry comes
 * from it, so that a new one needs no other change. */

typedef struct kdl_registry kdl_registry;
extern const kdl_registry kdl_arches;  /* "architecture" */
extern const kdl_registry kdl_codecs;  /* "compression", of kdump pages */
extern const kdl_registry kdl_formats; /* "format", of the dump file */

struct kdl_entry {
	const char *name;
	const char *alias;   /* another name it answers to, or NULL */
	const char *summary; /* one line, for --help and the README */
	int is_default;      /* what is taken when none is named */
	/* codecs: the levels of --level */
	int has_levels;
	int min_level, max_level, default_level;
};

/* Entry i in table order, or NULL past the last. */
const struct kdl_entry *kdl_entry_at(const kdl_registry *reg, size_t i);
/* The entry taken when none is named. */
const struct kdl_entry *kdl_entry_default(const kdl_registry *reg);
/* The entry of a name or alias; NULL and "unknown architecture 'x'
 * (known: ...)" on ctx if none. */
const struct kdl_entry *kdl_lookup(kdl_ctx *ctx, const kdl_registry *reg,
                                   const char *name);
/* The names, space-separated, each alias in parentheses after its name:
 * "x86_64 aarch64 (arm64) s390x"; a new string, NULL if out of memory. */
char *kdl_names(const kdl_registry *reg);

/* Space-separated register names of an architecture (aliases in
 * parentheses after the name they stand for), or NULL if unknown. */
char *kdl_arch_register_list(const char *arch);
/* The same as one JSON object and a newline: {"architecture": NAME,
 * "registers": [{"name": NAME, "bytes": SIZE, "aliases": [NAME...]}...]},
 * the registers in pr_reg order. */
char *kdl_arch_register_json(const char *arch);

/* ---- checks the builder makes, for callers that check early ---- */

struct kdl_time {
	int64_t sec, usec;
};

/* The fields of NT_PRSTATUS besides the registers.  Zero is the kernel's
 * choice for every field it does not fill. */
struct kdl_prstatus {
	uint32_t cpu;
	int32_t pid, ppid, pgrp, sid;
	int32_t signo, code, err;
	int32_t cursig; /* 16 bits in the note */
	struct kdl_time utime, stime, cutime, cstime;
};

struct kdl_reg {
	const char *name; /* case-insensitive, aliases allowed */
	uint64_t value;
};

struct kdl_segment_info {
	uint64_t phys, virt, size;
};

/* cursig and the registers: with arch, every register must be one of its
 * own, fit and come once; with arch NULL (named later), a register no
 * architecture has fails, against the default architecture's list. */
int kdl_prstatus_check(kdl_ctx *ctx, const char *arch,
                       const struct kdl_prstatus *status,
                       const struct kdl_reg *regs, size_t nregs);
/* A custom note: not the VMCOREINFO note nor a CPU's, and not too large
 * for ELF. */
int kdl_note_check(kdl_ctx *ctx, const char *name, uint32_t type, size_t len);
/* A segment is not empty and ends within the address space. */
int kdl_segment_check(kdl_ctx *ctx, uint64_t phys, uint64_t size);
/* An alias is not empty and ends within both address spaces. */
int kdl_alias_check(kdl_ctx *ctx, uint64_t phys, uint64_t virt, uint64_t size);
/* Two segments do not share a byte. */
int kdl_segment_check_overlap(kdl_ctx *ctx, const struct kdl_segment_info *a,
                              const struct kdl_segment_info *b);
/* Resolves a length of KDL_LENGTH_UNKNOWN to the bytes from offset to the
 * end of a regular file or block device, and checks that a given length
 * fits.  For other inputs (pipes, character devices) it stays unknown. */
int kdl_input_length(kdl_ctx *ctx, int fd, const char *name, uint64_t offset,
                     uint64_t *length);

/* Checks vmcoreinfo text (KEY=VALUE lines) and returns it in a new
 * buffer with a final newline; warns about what readers will reject. */
char *kdl_vmcoreinfo_normalize(kdl_ctx *ctx, const char *text, size_t len,
                               size_t *out_len);

/* ---- the builder: a dump described piece by piece ---- */

/* NULL arch: decided later by kdl_dump_set_arch, else the default. */
kdl_dump *kdl_dump_new(kdl_ctx *ctx, const char *arch);
void kdl_dump_free(kdl_dump *dump);

/* Fails when a different architecture was named before. */
int kdl_dump_set_arch(kdl_dump *dump, const char *arch);
/* The text is checked and normalized as kdl_vmcoreinfo_normalize does. */
int kdl_dump_set_vmcoreinfo(kdl_dump *dump, const char *text, size_t len);
int kdl_dump_set_vmcoreinfo_file(kdl_dump *dump, const char *path);
/* The page size when the vmcoreinfo has no PAGESIZE. */
int kdl_dump_set_page_size(kdl_dump *dump, uint64_t size);

/* The buffer must stay valid until the dump is written. */
int kdl_dump_add_segment_buffer(kdl_dump *dump, uint64_t phys, uint64_t virt,
                                const void *data, size_t len);
/* The file is read when the dump is written; length KDL_LENGTH_UNKNOWN
 * means to its end.  The descriptor stays the caller's. */
int kdl_dump_add_segment_path(kdl_dump *dump, uint64_t phys, uint64_t virt,
                              const char *path, uint64_t offset,
                              uint64_t length);
int kdl_dump_add_segment_fd(kdl_dump *dump, uint64_t phys, uint64_t virt,
                            int fd, uint64_t offset, uint64_t length);

int kdl_dump_add_cpu(kdl_dump *dump, const struct kdl_prstatus *status,
                     const struct kdl_reg *regs, size_t nregs);

/* Custom ELF note; any type but those kdl_note_check refuses. */
int kdl_dump_add_note(kdl_dump *dump, const char *name, uint32_t type,
                      const void *desc, size_t len);
/* The same, holding the bytes of a file (at most 16 MiB). */
int kdl_dump_add_note_file(kdl_dump *dump, const char *name, uint32_t type,
                           const char *path);
/* Owner name of metadata and annotation notes (default "KDUMPLING"). */
int kdl_dump_set_vendor(kdl_dump *dump, const char *vendor);
/* key=value lines of the METADATA and ANNOTATIONS notes. */
int kdl_dump_add_metadata(kdl_dump *dump, const char *key, const char *value);
int kdl_dump_add_annotation(kdl_dump *dump, const char *key,
                            const char *value);
/* The memory at phys, which segments hold, is mapped at virt too: an ELF
 * dump gets a PT_LOAD for it over the same bytes, as /proc/vmcore has for
 * the kernel's text, which drgn needs to find the page tables; formats
 * without virtual addresses leave it out. */
int kdl_dump_add_alias(kdl_dump *dump, uint64_t phys, uint64_t virt,
                       uint64_t length);

/* Note types of kdumpling's own notes.  Not 1 and 2: crash and gdb read
 * every note of type 1 as NT_PRSTATUS and of type 2 as NT_FPREGSET,
 * whatever its name, so such notes would pass for CPU state. */
#define KDL_NOTE_METADATA 0x4b444c01     /* 'K' 'D' 'L' 1 */
#define KDL_NOTE_ANNOTATIONS 0x4b444c02
#define KDL_NOTE_FILE_INFO 0x4b444c03
#define KDL_NOTE_USER_DEFINED 0x4b444d00 /* and up */

/* Checks the dump and settles it: segments in physical order, none empty
 * or overlapping, the architecture defaulted, registers checked, the page
 * size and the notes decided.  From then on it can be written, as often
 * and in as many formats as wanted, but not changed.  Writing a dump and
 * kdl_dump_stats freeze it. */
int kdl_dump_freeze(kdl_dump *dump);

size_t kdl_dump_segment_count(const kdl_dump *dump);
/* In ascending physical order once frozen. */
int kdl_dump_segment(const kdl_dump *dump, size_t i,
                     struct kdl_segment_info *info);

/* ---- writing a dump ---- */

/* How a dump is written.  kdl_options_init gives the defaults; the
 * setters check what they are given. */
struct kdl_options {
	const char *format;   /* an entry of kdl_formats */
	/* the kdump-compressed format */
	const char *codec;    /* an entry of kdl_codecs */
	int level;            /* the codec's level */
	int dump_level;       /* makedumpfile's: bit 1 leaves out zero pages */
	/* compression threads; 0: one per online CPU, one fewer for lzo,
	 * snappy and none */
	unsigned threads;
	int flat;             /* makedumpfile's flattened format, as -F */
	/* as makedumpfile --split: the pages in this many files, PATH.1 to
	 * PATH.N, each a range of them; 0 or 1: one file, PATH */
	unsigned split;
	/* the header's time when the vmcoreinfo has no CRASHTIME, if set;
	 * else the time of writing */
	int has_timestamp;
	uint64_t timestamp;
	/* where scratch files go when the dump has no directory of its own
	 * (written to stdout); NULL: /tmp */
	const char *scratch_dir;
	/* the permissions of the files written, whatever the umask; 0:
	 * 0600, for a dump holds every secret the machine had in memory */
	unsigned mode;
	/* a dump of no segment is refused: most likely a program upstream
	 * read nothing (vmc-pack refuses it unless --allow-empty) */
	int refuse_empty;
	/* if set, called after each piece of segment bytes taken, on the
	 * thread that writes the dump: the bytes taken so far, and the total
	 * the stream's EXTENT records announced (a frozen dump: its memory),
	 * 0 when nothing announced it */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

void kdl_options_init(struct kdl_options *opts);
int kdl_options_set_format(kdl_ctx *ctx, struct kdl_options *opts,
                           const char *format);
/* has_level 0 takes the codec's default level. */
int kdl_options_set_compression(kdl_ctx *ctx, struct kdl_options *opts,
                                const char *codec, int level, int has_level);
int kdl_options_set_dump_level(kdl_ctx *ctx, struct kdl_options *opts,
                               int level);
int kdl_options_set_threads(kdl_ctx *ctx, struct kdl_options *opts,
                            unsigned threads);
int kdl_options_set_split(kdl_ctx *ctx, struct kdl_options *opts,
                          unsigned files);
/* Permission bits, 07777 at most. */
int kdl_options_set_mode(kdl_ctx *ctx, struct kdl_options *opts, unsigned mode);

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
	/* what a dump level above 1 left out, as makedumpfile counts it:
	 * non-private cache, private cache, user data, free, hwpoison and
	 * offline pages */
	uint64_t pages_excluded[6];
};

/* opts NULL: the defaults. */
/* Lays the dump out without writing it. */
int kdl_dump_stats(kdl_dump *dump, const struct kdl_options *opts,
                   struct kdl_stats *st);
/* Writes the dump to path atomically: nothing appears there unless the
 * whole dump was written; "-" writes the flattened format to stdout.
 * Fills st if not NULL. */
int kdl_dump_write(kdl_dump *dump, const char *path,
                   const struct kdl_options *opts, struct kdl_stats *st);
/* Stats as text or JSON, in a new string. */
char *kdl_dump_stats_text(kdl_dump *dump, const struct kdl_stats *st,
                          int json);

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
	KDL_REC_ALIAS = 0x07,
	KDL_REC_EXTENT = 0x08,
	KDL_REC_SEGMENT = 0x10,
	KDL_REC_DATA = 0x11,
	KDL_REC_ZERO = 0x12,
	KDL_REC_SEGMENT_END = 0x13,
};
#define KDL_REC_CRITICAL 0x1u

/* The framing.  name is how messages call the input ("stdin"). */
kdl_reader *kdl_reader_new(kdl_ctx *ctx, int fd, const char *name);
void kdl_reader_free(kdl_reader *r);
const char *kdl_reader_name(const kdl_reader *r);
/* The stream's version, once its header is read (by the first
 * kdl_reader_next); 0 before, and for an empty stream. */
uint32_t kdl_reader_version(const kdl_reader *r);
/* Where the reader is, for messages: the record it is in, numbered from
 * 1 (the end record too), and the offset in the stream of that record's
 * header.  After a failure they name the record that failed, even one
 * whose header was cut short; 0 and 0 in the stream header. */
uint64_t kdl_reader_record_number(const kdl_reader *r);
uint64_t kdl_reader_offset(const kdl_reader *r);
/* 1: a record header was read; 0: the stream ended properly (its end
 * record, or an empty input); -1: error.  Its payload must be consumed
 * (decoded, or kdl_reader_payload, _read, _skip, kdl_stream_pass) before
 * the next. */
int kdl_reader_next(kdl_reader *r, struct kdl_record *rec);
/* The whole payload, valid until the next record (NUL-terminated for
 * convenience); at most 64 MiB. */
const void *kdl_reader_payload(kdl_reader *r, const struct kdl_record *rec);
/* Up to n bytes of the current payload; 0 when it is consumed. */
long kdl_reader_read(kdl_reader *r, void *buf, size_t n);
int kdl_reader_skip(kdl_reader *r);

/* Writes the stream header at once. */
kdl_writer *kdl_writer_new(kdl_ctx *ctx, int fd, const char *name);
/* Writes the end record, flushes and frees the writer. */
int kdl_writer_finish(kdl_writer *w);
/* Frees the writer without ending the stream, after a failure: readers
 * downstream then see a truncated stream. */
void kdl_writer_free(kdl_writer *w);
/* Records of types this header does not know, for private use. */
int kdl_writer_record(kdl_writer *w, uint32_t type, uint32_t flags,
                      const void *payload, uint64_t length);
/* Starts a record whose payload follows through kdl_writer_data. */
int kdl_writer_begin(kdl_writer *w, uint32_t type, uint32_t flags,
                     uint64_t length);
int kdl_writer_data(kdl_writer *w, const void *buf, size_t n);
int kdl_writer_end(kdl_writer *w);

/* Copies the record just read, payload and all, from r to w. */
int kdl_stream_pass(kdl_reader *r, kdl_writer *w, const struct kdl_record *rec);

/* The records, each encoded by its put and decoded by its get.  A get
 * reads the payload of the record just read, which must be of its type;
 * the strings and arrays it fills in stay valid until the next record. */
struct kdl_rec_arch {
	const char *name;
};
struct kdl_rec_vmcoreinfo {
	const char *text;
	size_t len;
};
struct kdl_rec_note {
	uint32_t type;
	const char *name;
	const void *desc;
	size_t len;
};
struct kdl_rec_meta {
	uint32_t kind; /* KDL_NOTE_METADATA or KDL_NOTE_ANNOTATIONS */
	const char *vendor, *key, *value;
};
struct kdl_rec_prstatus {
	struct kdl_prstatus status;
	const struct kdl_reg *regs;
	size_t nregs;
};
struct kdl_rec_segment {
	uint64_t phys, virt;
	uint64_t length; /* or KDL_LENGTH_UNKNOWN */
};
struct kdl_rec_zero {
	uint64_t length;
};
struct kdl_rec_segment_end {
	uint64_t length;
};
struct kdl_rec_alias {
	uint64_t phys, virt, length;
};
struct kdl_rec_extent {
	uint64_t phys, length;
};

int kdl_rec_put_arch(kdl_writer *w, const struct kdl_rec_arch *rec);
int kdl_rec_get_arch(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_arch *rec);
int kdl_rec_put_vmcoreinfo(kdl_writer *w, const struct kdl_rec_vmcoreinfo *rec);
int kdl_rec_get_vmcoreinfo(kdl_reader *r, const struct kdl_record *hdr,
                           struct kdl_rec_vmcoreinfo *rec);
int kdl_rec_put_note(kdl_writer *w, const struct kdl_rec_note *rec);
int kdl_rec_get_note(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_note *rec);
int kdl_rec_put_meta(kdl_writer *w, const struct kdl_rec_meta *rec);
int kdl_rec_get_meta(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_meta *rec);
int kdl_rec_put_prstatus(kdl_writer *w, const struct kdl_rec_prstatus *rec);
int kdl_rec_get_prstatus(kdl_reader *r, const struct kdl_record *hdr,
                         struct kdl_rec_prstatus *rec);
int kdl_rec_put_segment(kdl_writer *w, const struct kdl_rec_segment *rec);
int kdl_rec_get_segment(kdl_reader *r, const struct kdl_record *hdr,
                        struct kdl_rec_segment *rec);
/* DATA's payload is the bytes themselves: a whole record from memory,
 * or its header, its bytes following through kdl_writer_data.  Readers
 * consume them with kdl_reader_read or hand them on. */
int kdl_rec_put_data(kdl_writer *w, const void *buf, size_t n);
int kdl_rec_begin_data(kdl_writer *w, uint64_t n);
int kdl_rec_put_zero(kdl_writer *w, const struct kdl_rec_zero *rec);
int kdl_rec_get_zero(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_zero *rec);
/* ALIAS: memory that segments hold, mapped at another virtual address
 * too (the kernel's text of /proc/vmcore and /proc/kcore); not critical. */
int kdl_rec_put_alias(kdl_writer *w, const struct kdl_rec_alias *rec);
int kdl_rec_get_alias(kdl_reader *r, const struct kdl_record *hdr,
                      struct kdl_rec_alias *rec);
/* EXTENT: a segment of this length will come at this address, so that a
 * packer can lay its file out before the data; not critical. */
int kdl_rec_put_extent(kdl_writer *w, const struct kdl_rec_extent *rec);
int kdl_rec_get_extent(kdl_reader *r, const struct kdl_record *hdr,
                       struct kdl_rec_extent *rec);
int kdl_rec_put_segment_end(kdl_writer *w,
                            const struct kdl_rec_segment_end *rec);
int kdl_rec_get_segment_end(kdl_reader *r, const struct kdl_record *hdr,
                            struct kdl_rec_segment_end *rec);

/* A whole segment from a descriptor: SEGMENT, its bytes, SEGMENT_END.
 * Length KDL_LENGTH_UNKNOWN reads to the end of the input. */
int kdl_stream_segment_fd(kdl_writer *w, uint64_t phys, uint64_t virt,
                          int fd, const char *name, uint64_t offset,
                          uint64_t length);

/* A segment of a RAM device (/dev/mem, /dev/crash, or a file standing
 * in for one) at phys, read from offset phys.  With keep_going, what
 * cannot be read is left out with a warning, the segment cut around it,
 * and added to *lost (if not NULL); else it fails. */
int kdl_stream_segment_device(kdl_writer *w, int fd, const char *name,
                              uint64_t phys, uint64_t length, int keep_going,
                              uint64_t *lost);

/* ---- streams and dumps ---- */

/* Writes what the dump holds as records: the architecture if named, the
 * vmcoreinfo, notes, metadata, CPUs, then its segments and their bytes. */
int kdl_dump_write_stream(kdl_dump *dump, kdl_writer *w);
/* Reads a whole stream into the dump, its segments' bytes into an
 * unnamed scratch file in scratch_dir (NULL: /tmp), so that the dump can
 * then be written like any other. */
int kdl_dump_read_stream(kdl_dump *dump, kdl_reader *r,
                         const char *scratch_dir);
/* Reads a stream into the dump and writes it to path in one pass, the
 * segments' bytes going straight to the file.  path NULL only lays the
 * dump out (for a dry run): its bytes are passed over, and the dump can
 * then give stats but cannot be written. */
int kdl_pack_stream(kdl_dump *dump, kdl_reader *r, const char *path,
                    const struct kdl_options *opts, struct kdl_stats *st);

/* ---- reading dumps and captures into the stream ---- */

extern const kdl_registry kdl_inputs; /* "input format" */

/* Physical addresses from start to end, end included (as /proc/iomem
 * writes ranges). */
struct kdl_range {
	uint64_t start, end;
};

struct kdl_unpack_options {
	const char *format; /* an entry of kdl_inputs; NULL: by the magic */
	/* keep only the bytes in these ranges; none: all */
	const struct kdl_range *ranges;
	size_t nranges;
	/* pages that cannot be read are left out with a warning, rather
	 * than ending the read */
	int keep_going;
};

/* The top-level "System RAM" ranges of an iomem listing (path
 * /proc/iomem, or a copy of it), in order; *ranges is the caller's to
 * free.  A listing read without root, every address 0, fails saying so. */
int kdl_iomem_ram(kdl_ctx *ctx, const char *path, struct kdl_range **ranges,
                  size_t *count);

/* The input format whose magic head (the first n bytes of an input)
 * starts with, or NULL. */
const struct kdl_entry *kdl_input_detect(const void *head, size_t n);
/* Reads one dump or capture (several files only for the parts of one
 * makedumpfile --split dump), the descriptors fds named for messages,
 * and writes what it holds to w as records: the architecture, the
 * VMCOREINFO, the CPUs and the other notes, then the segments in the
 * order they come (physical, where the input allows), runs of zeros as
 * ZERO records.  *lost (if not NULL) gets the bytes --keep-going left
 * out. */
int kdl_unpack(kdl_ctx *ctx, kdl_writer *w, const int *fds,
               const char *const *names, size_t n,
               const struct kdl_unpack_options *opts, uint64_t *lost);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
