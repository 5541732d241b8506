/* an ELF core file: ours, the kernel's /proc/vmcore and /proc/kcore, QEMU's and libvirt's dumps.
 *
 * The architecture is e_machine in the file's byte order; the notes are
 * those of every PT_NOTE; the memory is the PT_LOADs at their physical
 * addresses, each byte once, told in the order of their bytes in the
 * file.  /proc/vmcore and /proc/kcore map the kernel text a second time
 * beside the direct map of all memory: where PT_LOADs overlap, the one
 * that covers more keeps the bytes and the others are folded into it,
 * after a check that they hold the same.  Program headers are found at
 * e_phoff (QEMU puts section headers before them), their count past
 * PN_XNUM in section header 0; nothing else of the section headers, nor
 * e_ehsize (8 in QEMU 7.2), is used.  A pipe is read in order: the
 * headers, the notes, the memory. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "input/input.h"
#include "layout/elf.h"

/* the p_paddr of a mapping with no physical address: /proc/kcore's
 * vmalloc, modules and vmemmap */
#define NO_PADDR UINT64_MAX
#define PROC_SUPER_MAGIC 0x9fa0
/* notes larger than this are no notes: the stream carries no record
 * that large */
#define NOTES_MAX (64u << 20)
/* PT_LOADs folded that are named one by one: QEMU's paging dumps fold
 * tens of thousands */
#define FOLDS_NAMED 10

/* A PT_LOAD: its bytes are filesz from the file, then cut that the file
 * should hold but ends before, then zeros to memsz. */
struct load {
	uint64_t index; /* among the program headers */
	uint64_t paddr, vaddr, offset;
	uint64_t filesz, cut, memsz;
};

/* The bytes of a load from phys on that no other load keeps. */
struct piece {
	const struct load *load;
	uint64_t phys, len;
};

struct note_seg {
	uint64_t index, offset, size;
};

/* A load folded into another, at the addresses they share. */
struct fold {
	const struct load *keeper;
	uint64_t first, last;
};

struct elf {
	struct kdl_unpacker *u;
	struct kdl_input *in;
	kdl_ctx *ctx;
	const struct kdl_arch *arch;
	bool be;
	/* memory that changes as it is read: two reads of one page need
	 * not agree */
	bool live;
	uint8_t *phdrs;
	uint64_t phoff, phnum;
	struct load *loads;
	size_t nloads;
	struct note_seg *notes;
	size_t nnotes;
	struct piece *pieces;
	size_t npieces, pieces_cap;
	uint8_t *cmp[2]; /* for comparing folded bytes */
	size_t folded;   /* PT_LOADs folded into others */
	/* what folded loads mapped, as another mapping of the memory
	 * that is kept: drgn reads the kernel through its text's */
	struct kdl_alias *aliases;
	size_t naliases, aliases_cap;
};

static uint64_t last_byte(const struct load *l)
{
	return l->paddr + (l->memsz - 1);
}

/* "PT_LOAD 3 (phys 0x1000-0x1fff, virt 0xffff888000001000)" */
static const char *describe(const struct load *l, char *buf, size_t size)
{
	snprintf(buf, size, "PT_LOAD %" PRIu64 " (phys 0x%" PRIx64 "-0x%" PRIx64 ", virt 0x%" PRIx64 ")",
	         l->index, l->paddr, last_byte(l), l->vaddr);
	return buf;
}

/* ---- the headers ---- */

/* The file's architecture, from the ELF header. */
static int read_ehdr(struct elf *e, uint8_t *eh)
{
	uint16_t machine;
	char *names;

	if (kdl_input_read(e->in, eh, EHDR_SIZE, "the ELF header"))
		return -1;
	if (memcmp(eh, "\x7f" "ELF", 4) || eh[EI_CLASS] != ELFCLASS64 ||
	    (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB))
		return kdl_input_corrupt(e->in, 0, "not an ELF64 file");
	e->be = eh[EI_DATA] == ELFDATA2MSB;
	if (kdl_get16(eh + E_TYPE, e->be) != ET_CORE)
		return kdl_input_corrupt(e->in, E_TYPE, "e_type %u: an ELF file, but not a core file (type %u)",
		                         kdl_get16(eh + E_TYPE, e->be), ET_CORE);
	machine = kdl_get16(eh + E_MACHINE, e->be);
	e->arch = kdl_arch_by_machine(machine, e->be);
	if (e->arch)
		return 0;
	names = kdl_names(&kdl_arches);
	kdl_err(e->ctx, KDL_ERR_UNSUPPORTED, "%s: e_machine %u, %s-endian: not an architecture known here (known: %s)%s",
	        e->in->name, machine, e->be ? "big" : "little", names ? names : "?",
	        machine == EM_386 ? "; QEMU names i386 when its vCPUs are not in 64-bit mode, as before a 64-bit kernel has booted" : "");
	free(names);
	return -1;
}

/* Whether n bytes at off are in the file, as far as its size is known;
 * the field at field_off put them there. */
static int in_file(struct elf *e, uint64_t field_off, const char *what,
                   uint64_t off, uint64_t n)
{
	uint64_t size = e->in->size;

	if (n > UINT64_MAX - off)
		return kdl_input_corrupt(e->in, field_off, "%s: %" PRIu64 " bytes at byte %" PRIu64 " go past any file",
		                         what, n, off);
	if (size != KDL_LENGTH_UNKNOWN && off + n > size)
		return kdl_input_corrupt(e->in, field_off, "%s: %" PRIu64 " bytes at byte %" PRIu64 " run past the end of the file (%" PRIu64 " bytes)",
		                         what, n, off, size);
	return 0;
}

/* The program header table, its count past PN_XNUM in section header 0. */
static int read_phdrs(struct elf *e, const uint8_t *eh)
{
	struct kdl_input *in = e->in;
	uint16_t phentsize = kdl_get16(eh + E_PHENTSIZE, e->be);
	uint16_t shentsize = kdl_get16(eh + E_SHENTSIZE, e->be);
	uint64_t shoff = kdl_get64(eh + E_SHOFF, e->be);
	bool from_sh = false; /* the count is section header 0's */
	uint8_t *span;
	char what[64];

	e->phoff = kdl_get64(eh + E_PHOFF, e->be);
	e->phnum = kdl_get16(eh + E_PHNUM, e->be);
	if (e->phnum && phentsize != PHDR_SIZE)
		return kdl_input_corrupt(in, E_PHENTSIZE, "e_phentsize %u: not the %d bytes of an ELF64 program header",
		                         phentsize, PHDR_SIZE);
	if (e->phnum == PN_XNUM) {
		if (!shoff)
			return kdl_input_corrupt(in, E_SHOFF, "e_phnum is PN_XNUM, but e_shoff is 0: no section header 0 holds the count of program headers");
		if (shentsize != SHDR_SIZE)
			return kdl_input_corrupt(in, E_SHENTSIZE, "e_shentsize %u: not the %d bytes of an ELF64 section header, where the count of program headers is",
			                         shentsize, SHDR_SIZE);
		if (in_file(e, E_SHOFF, "section header 0", shoff, SHDR_SIZE))
			return -1;
		if (!in->seekable && shoff > e->phoff) {
			/* on a pipe, program headers before section header 0 (as
			 * we write them) are read on to it */
			span = kdl_input_fetch(in, e->phoff, shoff + SHDR_SIZE - e->phoff, "the program headers");
			if (!span)
				return -1;
			e->phnum = kdl_get32(span + (shoff - e->phoff) + SH_INFO, e->be);
			e->phdrs = span;
			if (e->phnum > (shoff - e->phoff) / PHDR_SIZE)
				return kdl_input_corrupt(in, shoff + SH_INFO, "sh_info: %" PRIu64 " program headers of %d bytes at byte %" PRIu64 " run into section header 0 at byte %" PRIu64,
				                         e->phnum, PHDR_SIZE, e->phoff, shoff);
			return 0;
		}
		span = kdl_input_fetch(in, shoff, SHDR_SIZE, "section header 0");
		if (!span)
			return -1;
		e->phnum = kdl_get32(span + SH_INFO, e->be);
		from_sh = true;
		free(span);
	}
	snprintf(what, sizeof(what), "%" PRIu64 " program headers", e->phnum);
	if (in_file(e, from_sh ? shoff + SH_INFO : E_PHNUM, what, e->phoff, e->phnum * PHDR_SIZE))
		return -1;
	e->phdrs = kdl_input_fetch(in, e->phoff, e->phnum * PHDR_SIZE, "the program headers");
	return e->phdrs ? 0 : -1;
}

/* The PT_NOTEs and PT_LOADs, checked against the file and the address
 * space. */
static int take_phdrs(struct elf *e)
{
	struct kdl_input *in = e->in;
	uint64_t no_paddr = 0;
	bool all_at_0 = true;

	/* at most one of each a program header: the file holds them all */
	e->loads = kdl_alloc(e->ctx, (e->phnum ? e->phnum : 1) * sizeof(*e->loads));
	e->notes = kdl_alloc(e->ctx, (e->phnum ? e->phnum : 1) * sizeof(*e->notes));
	if (!e->loads || !e->notes)
		return -1;
	for (uint64_t i = 0; i < e->phnum; i++) {
		const uint8_t *p = e->phdrs + i * PHDR_SIZE;
		uint64_t at = e->phoff + i * PHDR_SIZE, size = in->size;
		uint32_t type = kdl_get32(p + P_TYPE, e->be);
		struct load l = {
			.index = i,
			.paddr = kdl_get64(p + P_PADDR, e->be),
			.vaddr = kdl_get64(p + P_VADDR, e->be),
			.offset = kdl_get64(p + P_OFFSET, e->be),
			.filesz = kdl_get64(p + P_FILESZ, e->be),
			.memsz = kdl_get64(p + P_MEMSZ, e->be),
		};
		char what[64];

		if (type == PT_NOTE) {
			snprintf(what, sizeof(what), "PT_NOTE %" PRIu64, i);
			if (l.filesz > NOTES_MAX)
				return kdl_input_corrupt(in, at, "%s: %" PRIu64 " bytes of notes, more than notes can be (%u)",
				                         what, l.filesz, NOTES_MAX);
			if (in_file(e, at, what, l.offset, l.filesz))
				return -1;
			e->notes[e->nnotes++] = (struct note_seg){i, l.offset, l.filesz};
			continue;
		}
		if (type != PT_LOAD || !l.memsz)
			continue;
		snprintf(what, sizeof(what), "PT_LOAD %" PRIu64, i);
		if (l.filesz > l.memsz)
			return kdl_input_corrupt(in, at, "%s: p_filesz %" PRIu64 " is more than p_memsz %" PRIu64,
			                         what, l.filesz, l.memsz);
		if (l.filesz > UINT64_MAX - l.offset)
			return kdl_input_corrupt(in, at, "%s: %" PRIu64 " bytes at byte %" PRIu64 " go past any file",
			                         what, l.filesz, l.offset);
		if (l.paddr == NO_PADDR) {
			no_paddr++;
			continue;
		}
		if (l.memsz - 1 > UINT64_MAX - l.paddr)
			return kdl_input_corrupt(in, at, "%s: %" PRIu64 " bytes at phys 0x%" PRIx64 " go past the end of the address space",
			                         what, l.memsz, l.paddr);
		/* what the file should hold past its end is lost, not zero */
		if (size != KDL_LENGTH_UNKNOWN && l.offset + l.filesz > size) {
			uint64_t there = l.offset < size ? size - l.offset : 0;

			l.cut = l.filesz - there;
			l.filesz = there;
		}
		if (l.paddr)
			all_at_0 = false;
		e->loads[e->nloads++] = l;
	}
	if (no_paddr)
		kdl_warn(e->ctx, "%s: %" PRIu64 " PT_LOAD%s no physical address (p_paddr -1, as /proc/kcore gives vmalloc and module space): left out",
		         in->name, no_paddr, no_paddr == 1 ? " has" : "s have");
	if (e->nloads > 1 && all_at_0)
		return kdl_err(e->ctx, KDL_ERR_UNSUPPORTED, "%s: every PT_LOAD is at physical address 0, so none has a physical address (a process's core dump, or an old kernel's /proc/kcore?)",
		               in->name);
	return 0;
}

/* ---- the notes ---- */

static int tell_notes(struct elf *e)
{
	for (size_t i = 0; i < e->nnotes; i++) {
		const struct note_seg *n = &e->notes[i];
		char what[64];
		uint8_t *buf;
		int ret;

		if (!n->size)
			continue;
		snprintf(what, sizeof(what), "the notes of PT_NOTE %" PRIu64, n->index);
		buf = kdl_input_fetch(e->in, n->offset, n->size, what);
		if (!buf)
			return -1;
		ret = kdl_unpack_notes(e->u, e->in, e->arch, e->be, buf, (size_t)n->size, n->offset);
		free(buf);
		if (ret)
			return -1;
	}
	return 0;
}

/* ---- folding loads that overlap ---- */

enum byte_kind { IN_FILE, CUT, ZEROS };

/* What the byte of l at phys is, and for how many bytes from it that
 * holds. */
static enum byte_kind kind_at(const struct load *l, uint64_t phys, uint64_t *run)
{
	uint64_t rel = phys - l->paddr;

	if (rel < l->filesz) {
		*run = l->filesz - rel;
		return IN_FILE;
	}
	if (rel - l->filesz < l->cut) {
		*run = l->filesz + l->cut - rel;
		return CUT;
	}
	*run = l->memsz - rel;
	return ZEROS;
}

static int bytes_of(struct elf *e, const struct load *l, enum byte_kind kind,
                    uint64_t phys, size_t n, uint8_t *buf)
{
	if (kind == ZEROS) {
		memset(buf, 0, n);
		return 0;
	}
	return kdl_input_read_at(e->in, buf, n, l->offset + (phys - l->paddr), "a segment");
}

/* The bytes of a and of b, which keeps them, are the same from first to
 * last; those cut off are not known and not compared. */
static int same_bytes(struct elf *e, const struct load *a, const struct load *b,
                      uint64_t first, uint64_t last)
{
	char da[128], db[128];

	if (e->live)
		return 0;
	for (int i = 0; i < 2; i++)
		if (!e->cmp[i] && !(e->cmp[i] = kdl_alloc(e->ctx, KDL_CHUNK)))
			return -1;
	for (uint64_t phys = first;;) {
		uint64_t run_a, run_b;
		enum byte_kind ka = kind_at(a, phys, &run_a), kb = kind_at(b, phys, &run_b);
		uint64_t n = run_a < run_b ? run_a : run_b;
		/* bytes cut off, or zeros on both sides, are passed in one
		 * step, however many they are */
		bool compared = ka != CUT && kb != CUT && (ka != ZEROS || kb != ZEROS);

		if (compared && n > KDL_CHUNK)
			n = KDL_CHUNK;
		if (n - 1 > last - phys)
			n = last - phys + 1;
		if (compared) {
			const struct load *at = ka == IN_FILE ? a : b; /* a byte in the file */
			size_t k = 0;

			if (bytes_of(e, a, ka, phys, (size_t)n, e->cmp[0]) ||
			    bytes_of(e, b, kb, phys, (size_t)n, e->cmp[1]))
				return -1;
			if (memcmp(e->cmp[0], e->cmp[1], (size_t)n)) {
				while (e->cmp[0][k] == e->cmp[1][k])
					k++;
				return kdl_input_corrupt(e->in, at->offset + (phys + k - at->paddr),
				                         "%s and %s map the same memory, but their bytes differ at phys 0x%" PRIx64,
				                         describe(a, da, sizeof(da)), describe(b, db, sizeof(db)), phys + k);
			}
		}
		if (n - 1 >= last - phys)
			return 0;
		phys += n;
	}
}

static int add_piece(struct elf *e, struct piece **pieces, size_t *n, size_t *cap,
                     const struct load *l, uint64_t first, uint64_t last)
{
	if (kdl_grow(e->ctx, pieces, cap, *n, sizeof(**pieces)))
		return -1;
	(*pieces)[(*n)++] = (struct piece){l, first, last - first + 1};
	return 0;
}

static int piece_by_phys(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	return (x->phys > y->phys) - (x->phys < y->phys);
}

/* The one that covers more first; of two the same size, the first. */
static int by_claim(const void *a, const void *b)
{
	const struct load *x = *(const struct load *const *)a;
	const struct load *y = *(const struct load *const *)b;

	if (x->memsz != y->memsz)
		return x->memsz > y->memsz ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static void warn_folds(struct elf *e, const struct load *l, const struct fold *folds,
                       size_t nfolds, bool whole)
{
	char desc[128];

	if (e->folded++ >= FOLDS_NAMED)
		return;
	describe(l, desc, sizeof(desc));
	if (whole && nfolds == 1) {
		kdl_warn(e->ctx, "%s: %s is the same memory as PT_LOAD %" PRIu64 ": folded",
		         e->in->name, desc, folds[0].keeper->index);
		return;
	}
	for (size_t i = 0; i < nfolds; i++)
		kdl_warn(e->ctx, "%s: %s is the same memory as PT_LOAD %" PRIu64 " at 0x%" PRIx64 "-0x%" PRIx64 ": folded",
		         e->in->name, desc, folds[i].keeper->index, folds[i].first, folds[i].last);
}

/* l's addresses first to last, whose bytes keeper keeps: unless the
 * keeper maps them at the same virtual address. */
static int keep_mapping(struct elf *e, const struct load *l, const struct load *keeper,
                        uint64_t first, uint64_t last)
{
	if (keeper->vaddr - keeper->paddr == l->vaddr - l->paddr)
		return 0;
	if (kdl_grow(e->ctx, &e->aliases, &e->aliases_cap, e->naliases, sizeof(*e->aliases)))
		return -1;
	e->aliases[e->naliases++] = (struct kdl_alias){first, l->vaddr + (first - l->paddr),
	                                               last - first + 1};
	return 0;
}

static int note_fold(struct elf *e, struct fold **folds, size_t *n, size_t *cap,
                     const struct load *keeper, uint64_t first, uint64_t last)
{
	for (size_t i = 0; i < *n; i++)
		if ((*folds)[i].keeper == keeper) {
			if (first < (*folds)[i].first)
				(*folds)[i].first = first;
			if (last > (*folds)[i].last)
				(*folds)[i].last = last;
			return 0;
		}
	if (kdl_grow(e->ctx, folds, cap, *n, sizeof(**folds)))
		return -1;
	(*folds)[(*n)++] = (struct fold){keeper, first, last};
	return 0;
}

/* Loads whose addresses chain into one range: each, in the order of
 * their claims, keeps what those before it left. */
static int fold_cluster(struct elf *e, const struct load **cluster, size_t n)
{
	struct piece *kept = NULL;
	struct fold *folds = NULL;
	size_t nkept = 0, kept_cap = 0, folds_cap = 0;
	int ret = -1;

	qsort(cluster, n, sizeof(*cluster), by_claim);
	for (size_t i = 0; i < n; i++) {
		const struct load *l = cluster[i];
		uint64_t from = l->paddr, last = last_byte(l);
		size_t before = nkept, nfolds = 0;
		bool open = true; /* from is not past last */

		for (size_t k = 0; k < before; k++) {
			const struct piece *p = &kept[k];
			uint64_t p_last = p->phys + (p->len - 1), first, end;

			if (p->phys > last || p_last < l->paddr)
				continue;
			first = p->phys > l->paddr ? p->phys : l->paddr;
			end = p_last < last ? p_last : last;
			if (note_fold(e, &folds, &nfolds, &folds_cap, p->load, first, end) ||
			    same_bytes(e, l, p->load, first, end) ||
			    keep_mapping(e, l, p->load, first, end))
				goto out;
			/* kept is in physical order: what lies before this piece
			 * is l's own */
			if (open && first > from &&
			    add_piece(e, &kept, &nkept, &kept_cap, l, from, first - 1))
				goto out;
			if (end == last)
				open = false;
			else
				from = end + 1;
		}
		if (open && add_piece(e, &kept, &nkept, &kept_cap, l, from, last))
			goto out;
		if (nfolds)
			warn_folds(e, l, folds, nfolds, nkept == before);
		qsort(kept, nkept, sizeof(*kept), piece_by_phys);
	}
	for (size_t k = 0; k < nkept; k++)
		if (add_piece(e, &e->pieces, &e->npieces, &e->pieces_cap, kept[k].load,
		              kept[k].phys, kept[k].phys + (kept[k].len - 1)))
			goto out;
	ret = 0;
out:
	free(kept);
	free(folds);
	return ret;
}

static int load_by_phys(const void *a, const void *b)
{
	const struct load *x = *(const struct load *const *)a;
	const struct load *y = *(const struct load *const *)b;

	if (x->paddr != y->paddr)
		return x->paddr > y->paddr ? 1 : -1;
	return (x->index > y->index) - (x->index < y->index);
}

/* The pieces, each byte in one; may_fold false: overlapping loads
 * cannot be read. */
static int lay_out(struct elf *e, bool may_fold)
{
	const struct load **order = kdl_alloc(e->ctx, (e->nloads ? e->nloads : 1) * sizeof(*order));
	int ret = 0;

	if (!order)
		return -1;
	for (size_t i = 0; i < e->nloads; i++)
		order[i] = &e->loads[i];
	qsort(order, e->nloads, sizeof(*order), load_by_phys);
	for (size_t i = 0, j; i < e->nloads && !ret; i = j) {
		uint64_t last = last_byte(order[i]);

		for (j = i + 1; j < e->nloads && order[j]->paddr <= last; j++)
			if (last_byte(order[j]) > last)
				last = last_byte(order[j]);
		if (j == i + 1)
			ret = add_piece(e, &e->pieces, &e->npieces, &e->pieces_cap, order[i],
			                order[i]->paddr, last);
		else if (!may_fold)
			ret = kdl_input_needs_file(e->in, "folding its overlapping PT_LOADs, which reads their bytes twice");
		else
			ret = fold_cluster(e, order + i, j - i);
	}
	if (!ret && e->folded > FOLDS_NAMED)
		kdl_warn(e->ctx, "%s: %zu more PT_LOADs are the same memory as others: folded",
		         e->in->name, e->folded - FOLDS_NAMED);
	free(order);
	return ret;
}

/* ---- the order of reading ---- */

static uint64_t file_offset(const struct piece *p)
{
	return p->load->offset + (p->phys - p->load->paddr);
}

static int by_file_offset(const void *a, const void *b)
{
	uint64_t x = file_offset(a), y = file_offset(b);

	if (x != y)
		return x > y ? 1 : -1;
	return piece_by_phys(a, b);
}

/* On a pipe, the notes and then the memory must come in file order
 * after the headers, where reading stands. */
static int check_file_order(struct elf *e)
{
	uint64_t pos = e->in->pos;

	for (size_t i = 0; i < e->nnotes; i++) {
		if (!e->notes[i].size)
			continue;
		if (e->notes[i].offset < pos)
			return kdl_input_needs_file(e->in, "reading its notes out of file order");
		pos = e->notes[i].offset + e->notes[i].size;
	}
	for (size_t i = 0; i < e->npieces; i++) {
		uint64_t run;

		if (kind_at(e->pieces[i].load, e->pieces[i].phys, &run) != IN_FILE)
			continue;
		if (file_offset(&e->pieces[i]) < pos)
			return kdl_input_needs_file(e->in, "reading its PT_LOADs out of file order, or before its notes");
		pos = file_offset(&e->pieces[i]) + (run < e->pieces[i].len ? run : e->pieces[i].len);
	}
	return 0;
}

/* ---- the memory ---- */

static int tell_piece(struct elf *e, const struct piece *p)
{
	const struct load *l = p->load;
	struct kdl_source src;
	char desc[128];

	if (kdl_unpack_segment(e->u, p->phys, l->vaddr + (p->phys - l->paddr), p->len))
		return -1;
	for (uint64_t done = 0; done < p->len;) {
		uint64_t phys = p->phys + done, off = l->offset + (phys - l->paddr), n;
		enum byte_kind kind = kind_at(l, phys, &n);
		int ret;

		if (n > p->len - done)
			n = p->len - done;
		if (kind == IN_FILE) {
			if (kdl_input_seek(e->in, off, "the bytes before a segment"))
				return -1;
			kdl_input_source(e->in, &src, off, n);
			ret = kdl_unpack_bytes(e->u, &src);
		} else if (kind == CUT && l->filesz)
			ret = kdl_unpack_lost(e->u, n, "%s: truncated: it ends at byte %" PRIu64 ", inside %s, whose bytes run to byte %" PRIu64,
			                      e->in->name, e->in->size, describe(l, desc, sizeof(desc)),
			                      l->offset + l->filesz + l->cut);
		else if (kind == CUT)
			ret = kdl_unpack_lost(e->u, n, "%s: truncated: it ends at byte %" PRIu64 ", before %s, whose bytes are at byte %" PRIu64,
			                      e->in->name, e->in->size, describe(l, desc, sizeof(desc)), l->offset);
		else
			ret = kdl_unpack_zero(e->u, n);
		if (ret)
			return -1;
		done += n;
	}
	return kdl_unpack_end(e->u);
}

static bool on_procfs(const struct kdl_input *in)
{
	struct statfs fs;

	return in->fd >= 0 && !in->io && !fstatfs(in->fd, &fs) && fs.f_type == PROC_SUPER_MAGIC;
}

/* An ELF64 core file, in either byte order. */
static bool elf_probe(const uint8_t *head, size_t n)
{
	return n >= 18 && !memcmp(head, "\x7f" "ELF", 4) && head[EI_CLASS] == ELFCLASS64 &&
	       (head[EI_DATA] == ELFDATA2LSB || head[EI_DATA] == ELFDATA2MSB) &&
	       kdl_get16(head + E_TYPE, head[EI_DATA] == ELFDATA2MSB) == ET_CORE;
}

static int alias_by_phys(const void *a, const void *b)
{
	const struct kdl_alias *x = a, *y = b;

	return (x->phys > y->phys) - (x->phys < y->phys);
}

/* The mappings of folded loads, those that go on one from the other
 * (QEMU's paging dumps map page after page) as one. */
static int tell_aliases(struct elf *e)
{
	struct kdl_alias *a = e->aliases;
	size_t n = 0;

	if (e->naliases)
		qsort(a, e->naliases, sizeof(*a), alias_by_phys);
	for (size_t i = 1; i < e->naliases; i++)
		if (a[n].phys + a[n].len == a[i].phys && a[n].virt + a[n].len == a[i].virt)
			a[n].len += a[i].len;
		else
			a[++n] = a[i];
	for (size_t i = 0; e->naliases && i <= n; i++)
		if (kdl_unpack_alias(e->u, a[i].phys, a[i].virt, a[i].len))
			return -1;
	return 0;
}

/* The pieces to come, in physical order: a packer lays its file out by
 * them, and keeps the layout if they come in that order. */
static int tell_extents(struct elf *e)
{
	struct piece *sorted;
	int ret = 0;

	if (!e->npieces)
		return 0;
	sorted = kdl_alloc(e->ctx, e->npieces * sizeof(*sorted));
	if (!sorted)
		return -1;
	memcpy(sorted, e->pieces, e->npieces * sizeof(*sorted));
	qsort(sorted, e->npieces, sizeof(*sorted), piece_by_phys);
	for (size_t i = 0; i < e->npieces && !ret; i++)
		ret = kdl_unpack_extent(e->u, sorted[i].phys, sorted[i].len);
	free(sorted);
	return ret;
}

static int elf_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	struct elf e = {.u = u, .in = ins, .ctx = kdl_unpack_ctx(u)};
	uint8_t eh[EHDR_SIZE];
	int ret = -1;

	(void)n;
	/* /proc/kcore is live memory, which changes between two reads of
	 * it; /proc/vmcore is frozen, and its overlaps are the same memory
	 * by construction */
	e.live = on_procfs(ins);
	if (read_ehdr(&e, eh) || read_phdrs(&e, eh) || take_phdrs(&e) ||
	    lay_out(&e, ins->seekable))
		goto out;
	/* the memory in the order of its bytes in the file: read in one
	 * pass, and a file we wrote comes back laid out as it was */
	if (e.npieces)
		qsort(e.pieces, e.npieces, sizeof(*e.pieces), by_file_offset);
	if ((!ins->seekable && check_file_order(&e)) || kdl_unpack_arch(u, e.arch) ||
	    tell_notes(&e))
		goto out;
	if (tell_aliases(&e) || tell_extents(&e))
		goto out;
	for (size_t i = 0; i < e.npieces; i++)
		if (tell_piece(&e, &e.pieces[i]))
			goto out;
	ret = 0;
out:
	free(e.phdrs);
	free(e.loads);
	free(e.notes);
	free(e.pieces);
	free(e.aliases);
	free(e.cmp[0]);
	free(e.cmp[1]);
	return ret;
}

const struct kdl_input_ops kdl_input_elf = {
	.info = {
		.name = "elf",
		.summary = "an ELF core file: ours, the kernel's /proc/vmcore and /proc/kcore, QEMU's and libvirt's dumps",
	},
	.probe = elf_probe,
	.unpack = elf_unpack,
};
