/* The notes of a dump, in the order /proc/vmcore has them: NT_PRSTATUS per
 * CPU, VMCOREINFO, then custom notes in a canonical order so that the
 * order in which they were added does not change the file. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NT_PRSTATUS 1

size_t kdl_note_size(size_t namesz, size_t descsz)
{
	return 12 + kdl_round_up(namesz, 4) + kdl_round_up(descsz, 4);
}

static uint8_t *put_note(uint8_t *p, const char *name, uint32_t type,
                         const void *desc, size_t len, bool be)
{
	size_t namesz = strlen(name) + 1;

	kdl_put32(p, (uint32_t)namesz, be);
	kdl_put32(p + 4, (uint32_t)len, be);
	kdl_put32(p + 8, type, be);
	memcpy(p + 12, name, namesz);
	p += 12 + kdl_round_up(namesz, 4);
	if (len)
		memcpy(p, desc, len);
	return p + kdl_round_up(len, 4);
}

int kdl_prstatus_check(kdl_ctx *ctx, const struct kdl_arch *arch,
                       const struct kdl_reg *regs, size_t nregs)
{
	for (size_t i = 0; i < nregs; i++) {
		const struct kdl_reg_def *def = kdl_arch_reg(arch, regs[i].name);

		if (!def) {
			char *list = kdl_arch_register_list(arch->name);
			kdl_err(ctx, "unknown register '%s' for %s; valid registers: %s",
			        regs[i].name, arch->name, list ? list : "?");
			free(list);
			return -1;
		}
		if (def->size < 8 && regs[i].value >> (8 * def->size))
			return kdl_err(ctx, "register %s is %u bits wide: 0x%" PRIx64 " does not fit",
			               regs[i].name, 8u * def->size, regs[i].value);
		for (size_t j = 0; j < i; j++)
			if (kdl_arch_reg(arch, regs[j].name)->offset == def->offset)
				return kdl_err(ctx, "register %s is given twice (also as %s)",
				               regs[i].name, regs[j].name);
	}
	return 0;
}

static void put_time(uint8_t *p, const struct kdl_time *t, bool be)
{
	kdl_put64(p, (uint64_t)t->sec, be);
	kdl_put64(p + 8, (uint64_t)t->usec, be);
}

/* struct elf_prstatus of 64-bit Linux (include/uapi/linux/elfcore.h) */
int kdl_prstatus_encode(kdl_ctx *ctx, const struct kdl_arch *arch,
                        const struct kdl_cpu *cpu, uint8_t *desc)
{
	const struct kdl_prstatus *s = &cpu->status;
	bool be = arch->big_endian;

	if (kdl_prstatus_check(ctx, arch, cpu->regs, cpu->nregs))
		return -1;
	memset(desc, 0, kdl_prstatus_size(arch));
	kdl_put32(desc, (uint32_t)s->signo, be);
	kdl_put32(desc + 4, (uint32_t)s->code, be);
	kdl_put32(desc + 8, (uint32_t)s->err, be);
	kdl_put16(desc + 12, (uint16_t)s->cursig, be);
	kdl_put32(desc + 32, (uint32_t)s->pid, be);
	kdl_put32(desc + 36, (uint32_t)s->ppid, be);
	kdl_put32(desc + 40, (uint32_t)s->pgrp, be);
	kdl_put32(desc + 44, (uint32_t)s->sid, be);
	put_time(desc + 48, &s->utime, be);
	put_time(desc + 64, &s->stime, be);
	put_time(desc + 80, &s->cutime, be);
	put_time(desc + 96, &s->cstime, be);
	for (size_t i = 0; i < cpu->nregs; i++) {
		const struct kdl_reg_def *def = kdl_arch_reg(arch, cpu->regs[i].name);
		uint8_t *p = desc + KDL_PRSTATUS_FIXED + def->offset;

		if (def->size == 8)
			kdl_put64(p, cpu->regs[i].value, be);
		else
			kdl_put32(p, (uint32_t)cpu->regs[i].value, be);
	}
	return 0;
}

static int by_cpu(const void *a, const void *b)
{
	const struct kdl_cpu *x = *(struct kdl_cpu *const *)a;
	const struct kdl_cpu *y = *(struct kdl_cpu *const *)b;

	return (x->status.cpu > y->status.cpu) - (x->status.cpu < y->status.cpu);
}

static int by_content(const void *a, const void *b)
{
	const struct kdl_note *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	size_t n = x->len < y->len ? x->len : y->len;

	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	c = n ? memcmp(x->desc, y->desc, n) : 0;
	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static int by_meta(const void *a, const void *b)
{
	const struct kdl_meta *x = *(struct kdl_meta *const *)a;
	const struct kdl_meta *y = *(struct kdl_meta *const *)b;
	int c = strcmp(x->vendor, y->vendor);

	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Metadata and annotations become one note per vendor and kind, holding
 * key=value lines sorted by key. */
static int meta_notes(kdl_dump *dump, struct kdl_note **out, size_t *count)
{
	struct kdl_meta **sorted;
	struct kdl_note *notes;
	size_t n = 0;

	*out = NULL;
	*count = 0;
	if (!dump->nmetas)
		return 0;
	sorted = kdl_alloc(dump->ctx, dump->nmetas * sizeof(*sorted));
	notes = kdl_alloc(dump->ctx, dump->nmetas * sizeof(*notes));
	if (!sorted || !notes) {
		free(sorted);
		free(notes);
		return -1;
	}
	for (size_t i = 0; i < dump->nmetas; i++)
		sorted[i] = &dump->metas[i];
	qsort(sorted, dump->nmetas, sizeof(*sorted), by_meta);
	for (size_t i = 0; i < dump->nmetas;) {
		struct kdl_str text = {0};
		size_t j = i;

		for (; j < dump->nmetas && sorted[j]->kind == sorted[i]->kind &&
		       !strcmp(sorted[j]->vendor, sorted[i]->vendor); j++)
			kdl_str_add(&text, "%s=%s\n", sorted[j]->key, sorted[j]->value);
		notes[n].name = sorted[i]->vendor;
		notes[n].type = sorted[i]->kind;
		notes[n].desc = (uint8_t *)kdl_str_finish(dump->ctx, &text);
		notes[n].len = text.len;
		if (!notes[n].desc) {
			while (n--)
				free(notes[n].desc);
			free(notes);
			free(sorted);
			return -1;
		}
		n++;
		i = j;
	}
	free(sorted);
	*out = notes;
	*count = n;
	return 0;
}

int kdl_notes_build(kdl_dump *dump, struct kdl_notes *notes)
{
	const struct kdl_arch *arch = kdl_dump_arch(dump);
	uint32_t prsize = kdl_prstatus_size(arch);
	struct kdl_note *metas, *custom = NULL;
	struct kdl_cpu **cpus = NULL;
	size_t nmetas, ncustom, size = 0;
	uint8_t *p, *prstatus = NULL;
	int ret = -1;

	notes->buf = NULL;
	notes->len = 0;
	notes->vmcoreinfo_off = SIZE_MAX;
	if (meta_notes(dump, &metas, &nmetas))
		return -1;
	ncustom = dump->nnotes + nmetas;
	custom = kdl_alloc(dump->ctx, (ncustom ? ncustom : 1) * sizeof(*custom));
	cpus = kdl_alloc(dump->ctx, (dump->ncpus ? dump->ncpus : 1) * sizeof(*cpus));
	prstatus = kdl_alloc(dump->ctx, prsize);
	if (!custom || !cpus || !prstatus)
		goto out;
	if (dump->nnotes)
		memcpy(custom, dump->notes, dump->nnotes * sizeof(*custom));
	if (nmetas)
		memcpy(custom + dump->nnotes, metas, nmetas * sizeof(*custom));
	qsort(custom, ncustom, sizeof(*custom), by_content);
	for (size_t i = 0; i < dump->ncpus; i++)
		cpus[i] = &dump->cpus[i];
	qsort(cpus, dump->ncpus, sizeof(*cpus), by_cpu);

	size = dump->ncpus * kdl_note_size(5, prsize);
	if (dump->vmcoreinfo)
		size += kdl_note_size(11, dump->vmcoreinfo_len);
	for (size_t i = 0; i < ncustom; i++)
		size += kdl_note_size(strlen(custom[i].name) + 1, custom[i].len);
	notes->buf = kdl_alloc(dump->ctx, size);
	if (!notes->buf)
		goto out;
	p = notes->buf;
	for (size_t i = 0; i < dump->ncpus; i++) {
		if (kdl_prstatus_encode(dump->ctx, arch, cpus[i], prstatus)) {
			kdl_err_prefix(dump->ctx, "CPU %" PRIu32, cpus[i]->status.cpu);
			free(notes->buf);
			notes->buf = NULL;
			goto out;
		}
		p = put_note(p, "CORE", NT_PRSTATUS, prstatus, prsize, arch->big_endian);
	}
	if (dump->vmcoreinfo) {
		notes->vmcoreinfo_off = (size_t)(p - notes->buf) + 12 + 12;
		p = put_note(p, "VMCOREINFO", 0, dump->vmcoreinfo,
		             dump->vmcoreinfo_len, arch->big_endian);
	}
	for (size_t i = 0; i < ncustom; i++)
		p = put_note(p, custom[i].name, custom[i].type, custom[i].desc,
		             custom[i].len, arch->big_endian);
	notes->len = size;
	ret = 0;
out:
	for (size_t i = 0; i < nmetas; i++)
		free(metas[i].desc);
	free(metas);
	free(custom);
	free(cpus);
	free(prstatus);
	return ret;
}
