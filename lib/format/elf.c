/* ELF64 vmcore as /proc/vmcore presents it: the ELF header, one PT_NOTE
 * and a PT_LOAD per segment in physical order, the notes on the next page
 * boundary, then each segment on whole pages with p_offset congruent to
 * p_paddr modulo the page size.
 *
 * Segment data is written as it arrives, before the headers are known: it
 * starts where the headers would end for the segments known to come (or
 * this one alone) if nothing more arrived, and moves at the end if other
 * segments or more notes came. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/format.h"
#include "layout/elf.h"

/* Where a segment's data went, from the start of the data. */
struct placed {
	uint64_t phys, len, off;
};

struct elf_priv {
	bool laid_out;
	uint32_t page;
	uint64_t data_start;
	uint64_t cursor; /* end of the data so far, from data_start */
	struct placed *placed;
	size_t nplaced, placed_cap;
};

/* Where the data starts for phnum program headers and notes of
 * notes_len bytes. */
static uint64_t data_start(uint64_t phnum, size_t notes_len, uint32_t page,
                           uint64_t *note_off)
{
	uint64_t headers = EHDR_SIZE + PHDR_SIZE * phnum;

	if (phnum >= PN_XNUM)
		headers += SHDR_SIZE;
	*note_off = kdl_round_up(headers, page);
	return *note_off + kdl_round_up(notes_len, page);
}

/* Pages a segment occupies: it starts at its physical page offset. */
static uint64_t slot_size(uint64_t phys, uint64_t len, uint32_t page)
{
	return kdl_round_up(phys % page + len, page);
}

static int elf_segment_begin(struct kdl_job *job)
{
	struct elf_priv *priv = job->priv;
	struct placed *p;

	if (!priv->laid_out) {
		/* the segments known to come, or this one, and the aliases
		 * known now */
		size_t nsegs = (job->ahead ? job->nahead : 1) + job->dump->naliases;
		size_t notes_len;
		uint64_t note_off;

		if (kdl_dump_notes_size(job->dump, &notes_len))
			return -1;
		priv->page = kdl_dump_page_size(job->dump);
		priv->data_start = data_start(1 + nsegs, notes_len, priv->page, &note_off);
		priv->laid_out = true;
	}
	if (kdl_grow(job->ctx, &priv->placed, &priv->placed_cap, priv->nplaced,
	             sizeof(*p)))
		return -1;
	p = &priv->placed[priv->nplaced++];
	p->phys = job->seg.phys;
	p->len = 0;
	p->off = priv->cursor;
	return 0;
}

static int elf_bytes(struct kdl_job *job, struct kdl_source *src)
{
	struct elf_priv *priv = job->priv;
	const struct placed *p = &priv->placed[priv->nplaced - 1];
	uint64_t off = priv->data_start + p->off + p->phys % priv->page +
	               job->seg.filled;

	/* zeros stay a hole; the file is extended over it at the end */
	return kdl_source_copy(src, src->len, job->out->fd, job->out->path, off);
}

static int elf_segment_end(struct kdl_job *job)
{
	struct elf_priv *priv = job->priv;
	struct placed *p = &priv->placed[priv->nplaced - 1];

	p->len = job->seg.len;
	priv->cursor = p->off + slot_size(p->phys, p->len, priv->page);
	return 0;
}

/* Moves len bytes at from to to, within the file. */
static int move_data(struct kdl_out *out, uint64_t from, uint64_t to,
                     uint64_t len)
{
	struct stat st;
	uint8_t *buf;

	if (ftruncate(out->fd, (off_t)(from + len)))
		return kdl_err_sys(out->ctx, "%s", out->path);
	if (to > from && !fstat(out->fd, &st) && st.st_blksize > 0 &&
	    from % (uint64_t)st.st_blksize == 0 &&
	    (to - from) % (uint64_t)st.st_blksize == 0 &&
	    !fallocate(out->fd, FALLOC_FL_INSERT_RANGE, (off_t)from,
	               (off_t)(to - from)))
		return 0;
	buf = kdl_alloc(out->ctx, KDL_CHUNK);
	if (!buf)
		return -1;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < KDL_CHUNK ? len - done : KDL_CHUNK;
		/* copy from the end when moving up, so nothing is overwritten
		 * before it is read */
		uint64_t pos = to > from ? len - done - n : done;

		if (kdl_read_back(out->ctx, out->fd, out->path, buf, n, from + pos) ||
		    kdl_pwrite_all(out->ctx, out->fd, out->path, buf, n, to + pos)) {
			free(buf);
			return -1;
		}
		done += n;
	}
	free(buf);
	return 0;
}

/* The page size changed after data was written (a VMCOREINFO or an
 * architecture that came after segments): every segment moves to its
 * place for the new size, through a scratch copy. */
static int relayout(struct kdl_job *job, uint64_t new_start, uint32_t page)
{
	struct elf_priv *priv = job->priv;
	struct kdl_out *out = job->out;
	struct kdl_out scratch = {.ctx = out->ctx, .path = "scratch file"};
	uint64_t cursor = 0;
	int ret = -1;

	scratch.fd = kdl_out_scratch(out);
	if (scratch.fd < 0)
		return -1;
	/* a segment that ends in zeros left the file short of its slot */
	if (ftruncate(out->fd, (off_t)(priv->data_start + priv->cursor))) {
		kdl_err_sys(out->ctx, "%s", out->path);
		goto out;
	}
	if (kdl_out_copy(&scratch, out->fd, out->path, priv->data_start, priv->cursor, 0))
		goto out;
	if (ftruncate(out->fd, 0)) {
		kdl_err_sys(out->ctx, "%s", out->path);
		goto out;
	}
	for (size_t i = 0; i < priv->nplaced; i++) {
		struct placed *p = &priv->placed[i];
		uint64_t from = p->off + p->phys % priv->page;

		p->off = cursor;
		cursor += slot_size(p->phys, p->len, page);
		if (kdl_out_copy(out, scratch.fd, scratch.path, from, p->len,
		                 new_start + p->off + p->phys % page))
			goto out;
	}
	priv->page = page;
	priv->cursor = cursor;
	priv->data_start = new_start;
	ret = 0;
out:
	close(scratch.fd);
	return ret;
}

static void put_phdr(uint8_t *p, bool be, uint32_t type, uint32_t flags,
                     uint64_t offset, uint64_t vaddr, uint64_t paddr,
                     uint64_t size)
{
	kdl_put32(p + P_TYPE, type, be);
	kdl_put32(p + P_FLAGS, flags, be);
	kdl_put64(p + P_OFFSET, offset, be);
	kdl_put64(p + P_VADDR, vaddr, be);
	kdl_put64(p + P_PADDR, paddr, be);
	kdl_put64(p + P_FILESZ, size, be);
	kdl_put64(p + P_MEMSZ, size, be);
	kdl_put64(p + P_ALIGN, 0, be); /* crash takes 0 as a vmcore */
}

/* An alias is a PT_LOAD per segment it falls in, each over that
 * segment's bytes, and none where no segment is (a dump level cut the
 * segments there); put gets each, and the count comes back. */
static uint64_t alias_pieces(const kdl_dump *dump, const struct kdl_alias *a,
                             void (*put)(void *arg, size_t seg, uint64_t phys,
                                         uint64_t virt, uint64_t len),
                             void *arg)
{
	uint64_t at = a->phys, last = a->phys + (a->len - 1), count = 0;

	for (;;) {
		size_t k = kdl_dump_segment_before(dump, at);
		const struct kdl_seg *g = k == SIZE_MAX ? NULL : &dump->segs[k];
		uint64_t g_last = g ? g->phys + (g->len - 1) : 0, end = g_last < last ? g_last : last;

		if (!g || at > g_last) {
			/* in a gap: on from the next segment, if the alias
			 * reaches it */
			size_t next = g ? k + 1 : 0;

			if (next == dump->nsegs || dump->segs[next].phys > last)
				return count;
			at = dump->segs[next].phys;
			continue;
		}
		if (put)
			put(arg, k, at, a->virt + (at - a->phys), end - at + 1);
		count++;
		if (end == last)
			return count;
		at = end + 1;
	}
}

/* Program headers: the PT_NOTE, the aliases (where /proc/vmcore has the
 * kernel's text: first), the segments. */
static uint64_t program_headers(const kdl_dump *dump)
{
	uint64_t n = 1 + (uint64_t)dump->nsegs;

	for (size_t i = 0; i < dump->naliases; i++)
		n += alias_pieces(dump, &dump->aliases[i], NULL, NULL);
	return n;
}

struct header_writer {
	const struct kdl_job *job;
	uint8_t *ph; /* the next program header */
	bool be;
};

/* A segment's bytes, or an alias's piece of them, at their offset. */
static void put_load(void *arg, size_t seg, uint64_t phys, uint64_t virt,
                     uint64_t len)
{
	struct header_writer *hw = arg;
	const struct elf_priv *priv = hw->job->priv;
	const struct kdl_seg *s = &hw->job->dump->segs[seg];
	uint64_t off = priv->data_start + priv->placed[seg].off + s->phys % priv->page +
	               (phys - s->phys);

	put_phdr(hw->ph, hw->be, PT_LOAD, PF_RWX, off, virt, phys, len);
	hw->ph += PHDR_SIZE;
}

/* Everything before the first segment's data: headers, notes, padding. */
static void put_prefix(uint8_t *p, const struct kdl_job *job, uint64_t phnum,
                       uint64_t note_off)
{
	const kdl_dump *dump = job->dump;
	const struct kdl_notes *notes = kdl_dump_notes(dump);
	const struct kdl_arch *arch = kdl_dump_arch(dump);
	bool be = arch->big_endian, xnum = phnum >= PN_XNUM;
	uint8_t *ph = p + EHDR_SIZE;

	memcpy(p, "\x7f" "ELF", 4);
	p[EI_CLASS] = ELFCLASS64;
	p[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	p[EI_VERSION] = EV_CURRENT;
	kdl_put16(p + E_TYPE, ET_CORE, be);
	kdl_put16(p + E_MACHINE, arch->e_machine, be);
	kdl_put32(p + E_VERSION, EV_CURRENT, be);
	kdl_put64(p + E_PHOFF, EHDR_SIZE, be);
	kdl_put64(p + E_SHOFF, xnum ? EHDR_SIZE + PHDR_SIZE * phnum : 0, be);
	kdl_put16(p + E_EHSIZE, EHDR_SIZE, be);
	kdl_put16(p + E_PHENTSIZE, PHDR_SIZE, be);
	kdl_put16(p + E_PHNUM, xnum ? PN_XNUM : (uint16_t)phnum, be);
	kdl_put16(p + E_SHENTSIZE, xnum ? SHDR_SIZE : 0, be);
	kdl_put16(p + E_SHNUM, xnum ? 1 : 0, be);

	struct header_writer hw = {job, ph + PHDR_SIZE, be};

	put_phdr(ph, be, PT_NOTE, 0, note_off, 0, 0, notes->len);
	for (size_t i = 0; i < dump->naliases; i++)
		alias_pieces(dump, &dump->aliases[i], put_load, &hw);
	for (size_t i = 0; i < dump->nsegs; i++)
		put_load(&hw, i, dump->segs[i].phys, dump->segs[i].virt, dump->segs[i].len);
	if (xnum) {
		uint8_t *sh = ph + PHDR_SIZE * phnum;

		kdl_put64(sh + SH_SIZE, 1, be);
		kdl_put32(sh + SH_INFO, (uint32_t)phnum, be);
	}
	memcpy(p + note_off, notes->buf, notes->len);
}

static int by_phys(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	return (x->phys > y->phys) - (x->phys < y->phys);
}

static int elf_finish(struct kdl_job *job)
{
	struct elf_priv *priv = job->priv;
	kdl_dump *dump = job->dump;
	struct kdl_out *out = job->out;
	uint64_t phnum = program_headers(dump), note_off, start;
	uint32_t page = kdl_dump_page_size(dump);
	uint8_t *prefix;
	int ret;

	if (phnum > UINT32_MAX)
		return kdl_err(job->ctx, KDL_ERR_UNSUPPORTED, "too many segments for ELF: %zu%s",
		               dump->nsegs, dump->naliases ? ", and their aliases" : "");
	/* in the dump's order, physical, as the program headers have them */
	if (priv->nplaced)
		qsort(priv->placed, priv->nplaced, sizeof(*priv->placed), by_phys);
	if (!priv->laid_out)
		priv->page = page;
	start = data_start(phnum, kdl_dump_notes(dump)->len, page, &note_off);
	if (page != priv->page) {
		if (relayout(job, start, page))
			return -1;
	} else if (priv->laid_out && start != priv->data_start &&
	           move_data(out, priv->data_start, start, priv->cursor))
		return -1;
	priv->data_start = start;
	prefix = kdl_alloc(job->ctx, start);
	if (!prefix)
		return -1;
	put_prefix(prefix, job, phnum, note_off);
	ret = kdl_pwrite_all(job->ctx, out->fd, out->path, prefix, start, 0);
	free(prefix);
	if (!ret && ftruncate(out->fd, (off_t)(start + priv->cursor)))
		ret = kdl_err_sys(job->ctx, "%s", out->path);
	return ret;
}

static int elf_estimate(struct kdl_job *job, uint64_t *size)
{
	const kdl_dump *dump = job->dump;
	uint32_t page = kdl_dump_page_size(dump);
	uint64_t note_off;

	*size = data_start(program_headers(dump), kdl_dump_notes(dump)->len,
	                   page, &note_off);
	for (size_t i = 0; i < dump->nsegs; i++)
		*size += slot_size(dump->segs[i].phys, dump->segs[i].len, page);
	return 0;
}

static void elf_free(struct kdl_job *job)
{
	struct elf_priv *priv = job->priv;

	free(priv->placed);
}

const struct kdl_format_ops kdl_format_elf = {
	.info = {
		.name = "elf",
		.summary = "an ELF core file laid out as /proc/vmcore",
		.is_default = 1,
	},
	.priv_size = sizeof(struct elf_priv),
	.needs_file = true,
	.segment_begin = elf_segment_begin,
	.bytes = elf_bytes,
	.segment_end = elf_segment_end,
	.finish = elf_finish,
	.estimate = elf_estimate,
	.free = elf_free,
};
