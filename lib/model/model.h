/* model: the dump as a description, apart from how it is written.  What
 * it holds arrives piece by piece (dump.c), each piece checked as it
 * comes (segment.c, prstatus.c, notes.c, vmcoreinfo.c); once frozen its
 * segments are sorted, its architecture and page size settled and its
 * notes built, and writers only read it.  A segment's bytes travel as
 * byte sources (source.c), whoever reads or writes them. */
#ifndef KDL_MODEL_H
#define KDL_MODEL_H

#include "arch/arch.h"
#include "output/output.h"

/* Where a segment's bytes are. */
enum kdl_origin {
	KDL_ORIGIN_NONE,   /* nowhere: a stream only laid out passed them over */
	KDL_ORIGIN_BUFFER, /* the caller's memory */
	KDL_ORIGIN_FD,     /* a descriptor: the caller's, or the dump's spool */
	KDL_ORIGIN_PATH,   /* a file, opened when the dump is written */
};

struct kdl_seg {
	uint64_t phys, virt, len;
	enum kdl_origin origin;
	const void *buf;
	int fd;
	char *path;
	uint64_t offset; /* of the first byte in the descriptor or file */
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

/* Memory segments hold, mapped at another virtual address too. */
struct kdl_alias {
	uint64_t phys, virt, len;
};

struct kdl_meta {
	char *vendor;
	uint32_t kind;
	char *key;
	char *value;
};

/* The PT_NOTE contents: PRSTATUS per CPU, VMCOREINFO, custom notes. */
struct kdl_notes {
	uint8_t *buf;
	size_t len;
	size_t vmcoreinfo_off; /* of its descriptor, or SIZE_MAX */
};

struct kdl_dump {
	kdl_ctx *ctx;
	const struct kdl_arch *arch; /* NULL until named */
	uint32_t page_size;          /* 0: from the vmcoreinfo or the architecture */
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
	struct kdl_alias *aliases; /* in physical order once frozen */
	size_t naliases, aliases_cap;
	int spool; /* the scratch file of segments read from a stream, or -1 */
	bool frozen;
	struct kdl_notes built; /* once frozen */
};

/* The architecture named, or the default. */
const struct kdl_arch *kdl_dump_arch(const kdl_dump *dump);
/* PAGESIZE from the vmcoreinfo when it is a decimal power of two, else the
 * one set, else the architecture's. */
uint32_t kdl_dump_page_size(const kdl_dump *dump);
/* A segment as given (checked, not yet against the others). */
int kdl_dump_add_segment(kdl_dump *dump, const struct kdl_seg *seg);
/* The dump closes fd when it is freed. */
void kdl_dump_own_spool(kdl_dump *dump, int fd);
int kdl_dump_add_meta(kdl_dump *dump, const char *vendor, uint32_t kind,
                      const char *key, const char *value);
/* The value of a vmcoreinfo key, or NULL; *len gets its length. */
const char *kdl_dump_vmcoreinfo_value(const kdl_dump *dump, const char *key,
                                      size_t *len);
uint64_t kdl_dump_total_memory(const kdl_dump *dump);
/* Of a frozen dump's segments (sorted, apart), the last that starts at
 * or below phys, or SIZE_MAX when none does. */
size_t kdl_dump_segment_before(const kdl_dump *dump, uint64_t phys);
/* The size the notes would have now, for layouts made before the dump
 * is frozen; -1 if out of memory. */
int kdl_dump_notes_size(const kdl_dump *dump, size_t *len);
/* The notes of a frozen dump. */
const struct kdl_notes *kdl_dump_notes(const kdl_dump *dump);

/* A segment's bytes, ready to read: in memory, or in a descriptor from
 * offset on (the segment's file opened, for KDL_ORIGIN_PATH). */
struct kdl_seg_bytes {
	const uint8_t *buf;
	int fd;
	const char *name;
	uint64_t offset;
	bool opened; /* fd is this one's to close */
	char fd_name[32];
};
/* Fails for bytes that were not kept. */
int kdl_seg_open(kdl_ctx *ctx, const struct kdl_seg *seg,
                 struct kdl_seg_bytes *bytes);
void kdl_seg_close(struct kdl_seg_bytes *bytes);

/* A segment as its bytes arrive, perhaps before its length is known:
 * the checks every way of feeding one makes. */
struct kdl_feed {
	uint64_t phys;
	uint64_t len; /* or KDL_LENGTH_UNKNOWN until the end */
	uint64_t filled;
	bool open;
};
int kdl_feed_begin(kdl_ctx *ctx, struct kdl_feed *feed, uint64_t phys,
                   uint64_t len);
/* Whether n more bytes fit, within the length and the address space;
 * the caller adds them to filled once they are placed. */
int kdl_feed_room(kdl_ctx *ctx, const struct kdl_feed *feed, uint64_t n);
/* The segment is complete: its length is what came. */
int kdl_feed_end(kdl_ctx *ctx, struct kdl_feed *feed);

/* ---- byte sources: where a segment's next bytes come from ---- */

struct kdl_source;

struct kdl_source_ops {
	/* Exactly n bytes into dst. */
	int (*read)(struct kdl_source *src, void *dst, size_t n);
	/* Exactly n bytes to fd at off, through the kernel where it can. */
	int (*copy)(struct kdl_source *src, uint64_t n,
	            const struct kdl_copy_end *to);
	/* n bytes passed over; optional: without it nothing need be read. */
	int (*skip)(struct kdl_source *src, uint64_t n);
};

struct kdl_source {
	kdl_ctx *ctx;
	uint64_t len; /* bytes left */
	const struct kdl_source_ops *ops; /* NULL: zeros */
	const uint8_t *buf;               /* memory */
	int fd;                           /* a descriptor, from pos on */
	const char *name;
	uint64_t pos, total;
	void *arg;                        /* the ops' own */
};

void kdl_source_buffer(struct kdl_source *src, kdl_ctx *ctx, const void *buf,
                       uint64_t n);
void kdl_source_fd(struct kdl_source *src, kdl_ctx *ctx, int fd,
                   const char *name, uint64_t offset, uint64_t n);
void kdl_source_zero(struct kdl_source *src, kdl_ctx *ctx, uint64_t n);
/* n bytes that ops bring, arg theirs. */
void kdl_source_custom(struct kdl_source *src, kdl_ctx *ctx,
                       const struct kdl_source_ops *ops, void *arg, uint64_t n);
/* Zeros, with no bytes behind them. */
bool kdl_source_is_zero(const struct kdl_source *src);
/* Each takes n of the source's bytes, n at most what is left. */
int kdl_source_read(struct kdl_source *src, void *dst, size_t n);
/* Zeros are not written: the range stays a hole. */
int kdl_source_copy(struct kdl_source *src, uint64_t n, int fd,
                    const char *name, uint64_t off);
int kdl_source_skip(struct kdl_source *src, uint64_t n);

/* ---- checks and encodings the dump uses ---- */

/* What kdl_notes_build lays out. */
struct kdl_note_set {
	const struct kdl_arch *arch;
	const struct kdl_cpu *cpus;
	size_t ncpus;
	const char *vmcoreinfo; /* or NULL */
	size_t vmcoreinfo_len;
	const struct kdl_note *notes;
	size_t nnotes;
	const struct kdl_meta *metas;
	size_t nmetas;
};

/* The notes in the order /proc/vmcore has them; registers must have
 * been checked.  measure_only gives their size alone (notes->buf NULL). */
int kdl_notes_build(kdl_ctx *ctx, const struct kdl_note_set *set,
                    struct kdl_notes *notes, bool measure_only);
/* Bytes of an ELF note with a name and descriptor of these sizes. */
size_t kdl_note_size(size_t namesz, size_t descsz);

/* Where pr_reg starts in NT_PRSTATUS. */
#define KDL_PRSTATUS_FIXED 112

/* Size of NT_PRSTATUS's descriptor for the architecture. */
uint32_t kdl_prstatus_size(const struct kdl_arch *arch);
/* Rejects unknown, repeated or too wide registers. */
int kdl_prstatus_check_regs(kdl_ctx *ctx, const struct kdl_arch *arch,
                            const struct kdl_reg *regs, size_t nregs);
/* The NT_PRSTATUS descriptor, kdl_prstatus_size bytes, of checked
 * registers. */
void kdl_prstatus_encode(const struct kdl_arch *arch, const struct kdl_cpu *cpu,
                         uint8_t *desc);
/* The architecture whose NT_PRSTATUS has this size in this byte order,
 * or NULL: for inputs that name none. */
const struct kdl_arch *kdl_prstatus_arch(size_t size, bool be);
/* The other way: an NT_PRSTATUS descriptor of len bytes into its fields
 * and every register of the architecture by its name (regs has room for
 * arch->nregs); *dropped tells whether bytes the stream cannot carry
 * (pr_sigpend, pr_sighold, pr_fpvalid, slots no register names) were not
 * zero.  cpu is not in the note: it is the caller's to set. */
int kdl_prstatus_decode(kdl_ctx *ctx, const struct kdl_arch *arch,
                        const uint8_t *desc, size_t len,
                        struct kdl_prstatus *status, struct kdl_reg *regs,
                        size_t *nregs, bool *dropped);

/* Value of KEY in vmcoreinfo text, or NULL; *len gets its length. */
const char *kdl_vmcoreinfo_get(const char *text, size_t text_len,
                               const char *key, size_t *len);
/* PAGESIZE of vmcoreinfo text when it is a page size libkdumpfile takes,
 * else 0. */
uint32_t kdl_vmcoreinfo_page_size(const char *text, size_t len);
/* A page size the readers take: a power of two from 4 KiB to 256 KiB. */
bool kdl_page_size_valid(uint32_t size);

#endif
