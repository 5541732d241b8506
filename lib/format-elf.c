/* ELF64 vmcore as /proc/vmcore presents it: the ELF header, one PT_NOTE
 * and a PT_LOAD per segment in physical order, the notes on the next page
 * boundary, then each segment on whole pages with p_offset congruent to
 * p_paddr modulo the page size.
 *
 * Segment data is written as it arrives, before the headers are known: it
 * starts where the headers would end if nothing more arrived, and moves
 * up at the end if more segments or notes came after it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define PN_XNUM 0xffff
#define PT_LOAD 1
#define PT_NOTE 4

struct elf_priv {
	bool laid_out;
	uint32_t page;
	uint64_t data_start;
	uint64_t cursor; /* end of the data so far, from data_start */
};

struct elf_layout {
	uint64_t phnum;
	uint64_t note_off;
	uint64_t data_start;
	struct kdl_notes notes;
};

static int layout(kdl_dump *dump, size_t nsegs, uint32_t page,
                  struct elf_layout *l)
{
	uint64_t headers;

	if (kdl_notes_build(dump, &l->notes))
		return -1;
	l->phnum = 1 + (uint64_t)nsegs;
	headers = EHDR_SIZE + PHDR_SIZE * l->phnum;
	if (l->phnum >= PN_XNUM)
		headers += SHDR_SIZE;
	l->note_off = kdl_round_up(headers, page);
	l->data_start = l->note_off + kdl_round_up(l->notes.len, page);
	return 0;
}

/* Pages a segment occupies: it starts at its physical page offset. */
static uint64_t slot_size(const struct kdl_seg *seg, uint32_t page)
{
	return kdl_round_up(seg->phys % page + seg->len, page);
}

static int elf_segment_begin(struct kdl_writer_state *ws)
{
	struct elf_priv *priv = ws->priv;

	if (!priv->laid_out) {
		struct elf_layout l;

		priv->page = kdl_dump_page_size(ws->dump);
		if (layout(ws->dump, ws->dump->nsegs, priv->page, &l))
			return -1;
		free(l.notes.buf);
		priv->data_start = l.data_start;
		priv->laid_out = true;
	}
	ws->seg->file_off = priv->cursor;
	return 0;
}

static uint64_t data_offset(struct kdl_writer_state *ws)
{
	struct elf_priv *priv = ws->priv;

	return priv->data_start + ws->seg->file_off +
	       ws->seg->phys % priv->page + ws->seg_filled;
}

static int elf_segment_data(struct kdl_writer_state *ws, const void *buf,
                            size_t n)
{
	return kdl_pwrite_all(ws->dump->ctx, ws->out->fd, ws->out->path, buf, n,
	                      data_offset(ws));
}

static int elf_segment_zero(struct kdl_writer_state *ws, uint64_t n)
{
	(void)ws;
	(void)n;
	return 0; /* a hole; the file is extended over it at the end */
}

static int elf_segment_end(struct kdl_writer_state *ws)
{
	struct elf_priv *priv = ws->priv;

	priv->cursor = ws->seg->file_off + slot_size(ws->seg, priv->page);
	return 0;
}

/* Moves len bytes at from to to, within the file. */
static int move_data(struct kdl_out *out, uint64_t from, uint64_t to,
                     uint64_t len)
{
	enum { CHUNK = 1 << 20 };
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
	buf = kdl_alloc(out->ctx, CHUNK);
	if (!buf)
		return -1;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < CHUNK ? len - done : CHUNK;
		/* copy from the end when moving up, so nothing is overwritten
		 * before it is read */
		uint64_t pos = to > from ? len - done - n : done;
		ssize_t got = pread(out->fd, buf, n, (off_t)(from + pos));

		if (got != (ssize_t)n) {
			free(buf);
			if (got >= 0)
				errno = EIO;
			return kdl_err_sys(out->ctx, "%s", out->path);
		}
		if (kdl_pwrite_all(out->ctx, out->fd, out->path, buf, n, to + pos)) {
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
static int relayout(struct kdl_writer_state *ws, const struct elf_layout *l,
                    uint32_t page)
{
	struct elf_priv *priv = ws->priv;
	struct kdl_out *out = ws->out;
	struct kdl_out scratch = {.ctx = out->ctx, .path = "scratch file"};
	kdl_dump *dump = ws->dump;
	uint64_t cursor = 0;
	int ret = -1;

	scratch.fd = kdl_out_scratch(out);
	if (scratch.fd < 0)
		return -1;
	if (kdl_out_copy(&scratch, out->fd, priv->data_start, priv->cursor, 0))
		goto out;
	if (ftruncate(out->fd, 0)) {
		kdl_err_sys(out->ctx, "%s", out->path);
		goto out;
	}
	for (size_t i = 0; i < dump->nsegs; i++) {
		struct kdl_seg *s = &dump->segs[i];
		uint64_t from = s->file_off + s->phys % priv->page;

		s->file_off = cursor;
		cursor += slot_size(s, page);
		if (kdl_out_copy(out, scratch.fd, from, s->len,
		                 l->data_start + s->file_off + s->phys % page))
			goto out;
	}
	priv->page = page;
	priv->cursor = cursor;
	priv->data_start = l->data_start;
	ret = 0;
out:
	close(scratch.fd);
	return ret;
}

static void put_phdr(uint8_t *p, bool be, uint32_t type, uint32_t flags,
                     uint64_t offset, uint64_t vaddr, uint64_t paddr,
                     uint64_t size)
{
	kdl_put32(p, type, be);
	kdl_put32(p + 4, flags, be);
	kdl_put64(p + 8, offset, be);
	kdl_put64(p + 16, vaddr, be);
	kdl_put64(p + 24, paddr, be);
	kdl_put64(p + 32, size, be);
	kdl_put64(p + 40, size, be);
	kdl_put64(p + 48, 0, be); /* p_align: crash takes 0 as a vmcore */
}

/* Everything before the first segment's data: headers, notes, padding. */
static void put_prefix(uint8_t *p, kdl_dump *dump, const struct elf_layout *l,
                       uint64_t data_start, uint32_t page)
{
	const struct kdl_arch *arch = kdl_dump_arch(dump);
	bool be = arch->big_endian, xnum = l->phnum >= PN_XNUM;
	uint8_t *ph = p + EHDR_SIZE;

	memcpy(p, "\x7f" "ELF", 4);
	p[4] = 2;          /* ELFCLASS64 */
	p[5] = be ? 2 : 1; /* ELFDATA2MSB : ELFDATA2LSB */
	p[6] = 1;          /* EV_CURRENT */
	kdl_put16(p + 16, 4, be); /* ET_CORE */
	kdl_put16(p + 18, arch->e_machine, be);
	kdl_put32(p + 20, 1, be);
	kdl_put64(p + 32, EHDR_SIZE, be);
	kdl_put64(p + 40, xnum ? EHDR_SIZE + PHDR_SIZE * l->phnum : 0, be);
	kdl_put16(p + 52, EHDR_SIZE, be);
	kdl_put16(p + 54, PHDR_SIZE, be);
	kdl_put16(p + 56, xnum ? PN_XNUM : (uint16_t)l->phnum, be);
	kdl_put16(p + 58, xnum ? SHDR_SIZE : 0, be);
	kdl_put16(p + 60, xnum ? 1 : 0, be);

	put_phdr(ph, be, PT_NOTE, 0, l->note_off, 0, 0, l->notes.len);
	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];

		put_phdr(ph + PHDR_SIZE * (i + 1), be, PT_LOAD, 7,
		         data_start + s->file_off + s->phys % page, s->virt,
		         s->phys, s->len);
	}
	if (xnum) {
		/* section header 0 holds the real count (sh_info) */
		uint8_t *sh = ph + PHDR_SIZE * l->phnum;
		kdl_put64(sh + 32, 1, be);                    /* sh_size */
		kdl_put32(sh + 44, (uint32_t)l->phnum, be); /* sh_info */
	}
	memcpy(p + l->note_off, l->notes.buf, l->notes.len);
}

static int elf_finish(struct kdl_writer_state *ws)
{
	struct elf_priv *priv = ws->priv;
	kdl_dump *dump = ws->dump;
	struct kdl_out *out = ws->out;
	struct elf_layout l;
	uint8_t *prefix;
	uint32_t page;
	int ret = -1;

	if (kdl_dump_check(dump))
		return -1;
	page = kdl_dump_page_size(dump);
	if (!priv->laid_out)
		priv->page = page;
	if (layout(dump, dump->nsegs, page, &l))
		return -1;
	if (l.phnum > UINT32_MAX) {
		kdl_err(dump->ctx, "too many segments for ELF: %zu", dump->nsegs);
		goto out;
	}
	if (page != priv->page) {
		if (relayout(ws, &l, page))
			goto out;
	} else if (priv->laid_out && l.data_start != priv->data_start &&
	           move_data(out, priv->data_start, l.data_start, priv->cursor))
		goto out;
	prefix = kdl_alloc(dump->ctx, l.data_start);
	if (!prefix)
		goto out;
	put_prefix(prefix, dump, &l, l.data_start, priv->page);
	ret = kdl_pwrite_all(dump->ctx, out->fd, out->path, prefix, l.data_start, 0);
	free(prefix);
	if (!ret && ftruncate(out->fd, (off_t)(l.data_start + priv->cursor)))
		ret = kdl_err_sys(dump->ctx, "%s", out->path);
out:
	free(l.notes.buf);
	return ret;
}

static int elf_estimate(kdl_dump *dump, uint64_t *size)
{
	uint32_t page = kdl_dump_page_size(dump);
	struct elf_layout l;

	if (layout(dump, dump->nsegs, page, &l))
		return -1;
	free(l.notes.buf);
	*size = l.data_start;
	for (size_t i = 0; i < dump->nsegs; i++)
		*size += slot_size(&dump->segs[i], page);
	return 0;
}

const struct kdl_format_ops kdl_format_elf = {
	.name = "elf",
	.priv_size = sizeof(struct elf_priv),
	.segment_begin = elf_segment_begin,
	.segment_data = elf_segment_data,
	.segment_zero = elf_segment_zero,
	.segment_end = elf_segment_end,
	.data_offset = data_offset,
	.finish = elf_finish,
	.estimate = elf_estimate,
};
