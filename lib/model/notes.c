/* The notes of a dump, in the order /proc/vmcore has them: NT_PRSTATUS per
 * CPU in CPU order, VMCOREINFO, then custom notes in a canonical order so
 * that the order in which they were added does not change the file. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define NT_PRSTATUS 1
/* ELF note header: namesz, descsz, type */
#define NOTE_HEADER 12

size_t kdl_note_size(size_t namesz, size_t descsz)
{
	return NOTE_HEADER + kdl_round_up(namesz, 4) + kdl_round_up(descsz, 4);
}

int kdl_note_check(kdl_ctx *ctx, const char *name, uint32_t type, size_t len)
{
	if (!strcmp(name, "VMCOREINFO"))
		return kdl_err(ctx, KDL_ERR_INVALID, "a VMCOREINFO note is set as vmcoreinfo, not as a custom note");
	if (!strcmp(name, "CORE") && type == NT_PRSTATUS)
		return kdl_err(ctx, KDL_ERR_INVALID, "CORE notes of type 1 (NT_PRSTATUS) are CPU contexts, not custom notes");
	if (len > UINT32_MAX - 3 || strlen(name) > UINT32_MAX - 4)
		return kdl_err(ctx, KDL_ERR_INVALID, "note %s is too large for an ELF note", name);
	return 0;
}

static uint8_t *put_note(uint8_t *p, const char *name, uint32_t type,
                         const void *desc, size_t len, bool be)
{
	size_t namesz = strlen(name) + 1;

	kdl_put32(p, (uint32_t)namesz, be);
	kdl_put32(p + 4, (uint32_t)len, be);
	kdl_put32(p + 8, type, be);
	memcpy(p + NOTE_HEADER, name, namesz);
	p += NOTE_HEADER + kdl_round_up(namesz, 4);
	if (len)
		memcpy(p, desc, len);
	return p + kdl_round_up(len, 4);
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

static void free_notes(struct kdl_note *notes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(notes[i].desc);
	free(notes);
}

/* Metadata and annotations become one note per vendor and kind, holding
 * key=value lines sorted by key. */
static int meta_notes(kdl_ctx *ctx, const struct kdl_note_set *set,
                      struct kdl_note **out, size_t *count)
{
	const struct kdl_meta **sorted;
	struct kdl_note *notes;
	size_t n = 0;

	*out = NULL;
	*count = 0;
	if (!set->nmetas)
		return 0;
	sorted = kdl_alloc(ctx, set->nmetas * sizeof(*sorted));
	notes = kdl_alloc(ctx, set->nmetas * sizeof(*notes));
	if (!sorted || !notes) {
		free(sorted);
		free(notes);
		return -1;
	}
	for (size_t i = 0; i < set->nmetas; i++)
		sorted[i] = &set->metas[i];
	qsort(sorted, set->nmetas, sizeof(*sorted), by_meta);
	for (size_t i = 0; i < set->nmetas;) {
		struct kdl_str text = {0};
		size_t j = i;

		for (; j < set->nmetas && sorted[j]->kind == sorted[i]->kind &&
		       !strcmp(sorted[j]->vendor, sorted[i]->vendor); j++)
			kdl_str_add(&text, "%s=%s\n", sorted[j]->key, sorted[j]->value);
		notes[n].name = sorted[i]->vendor;
		notes[n].type = sorted[i]->kind;
		notes[n].desc = (uint8_t *)kdl_str_finish(ctx, &text);
		notes[n].len = text.len;
		if (!notes[n].desc) {
			free_notes(notes, n);
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

/* The custom notes and the metadata notes, in canonical order. */
static struct kdl_note *custom_notes(kdl_ctx *ctx, const struct kdl_note_set *set,
                                     struct kdl_note **metas, size_t *nmetas,
                                     size_t *count)
{
	struct kdl_note *custom;

	if (meta_notes(ctx, set, metas, nmetas))
		return NULL;
	*count = set->nnotes + *nmetas;
	custom = kdl_alloc(ctx, (*count ? *count : 1) * sizeof(*custom));
	if (!custom)
		return NULL;
	if (set->nnotes)
		memcpy(custom, set->notes, set->nnotes * sizeof(*custom));
	if (*nmetas)
		memcpy(custom + set->nnotes, *metas, *nmetas * sizeof(*custom));
	qsort(custom, *count, sizeof(*custom), by_content);
	return custom;
}

static void put_all(const struct kdl_note_set *set, const struct kdl_cpu **cpus,
                    const struct kdl_note *custom, size_t ncustom,
                    uint8_t *prstatus, struct kdl_notes *notes)
{
	const struct kdl_arch *arch = set->arch;
	uint32_t prsize = kdl_prstatus_size(arch);
	uint8_t *p = notes->buf;

	for (size_t i = 0; i < set->ncpus; i++) {
		kdl_prstatus_encode(arch, cpus[i], prstatus);
		p = put_note(p, "CORE", NT_PRSTATUS, prstatus, prsize, arch->big_endian);
	}
	if (set->vmcoreinfo) {
		notes->vmcoreinfo_off = (size_t)(p - notes->buf) +
		                        NOTE_HEADER + kdl_round_up(sizeof("VMCOREINFO"), 4);
		p = put_note(p, "VMCOREINFO", 0, set->vmcoreinfo, set->vmcoreinfo_len,
		             arch->big_endian);
	}
	for (size_t i = 0; i < ncustom; i++)
		p = put_note(p, custom[i].name, custom[i].type, custom[i].desc,
		             custom[i].len, arch->big_endian);
}

int kdl_notes_build(kdl_ctx *ctx, const struct kdl_note_set *set,
                    struct kdl_notes *notes, bool measure_only)
{
	uint32_t prsize = kdl_prstatus_size(set->arch);
	struct kdl_note *metas = NULL, *custom;
	const struct kdl_cpu **cpus = NULL;
	size_t nmetas = 0, ncustom, size;
	uint8_t *prstatus = NULL;
	int ret = -1;

	notes->buf = NULL;
	notes->len = 0;
	notes->vmcoreinfo_off = SIZE_MAX;
	custom = custom_notes(ctx, set, &metas, &nmetas, &ncustom);
	if (!custom)
		goto out;
	size = set->ncpus * kdl_note_size(sizeof("CORE"), prsize);
	if (set->vmcoreinfo)
		size += kdl_note_size(sizeof("VMCOREINFO"), set->vmcoreinfo_len);
	for (size_t i = 0; i < ncustom; i++)
		size += kdl_note_size(strlen(custom[i].name) + 1, custom[i].len);
	notes->len = size;
	if (measure_only) {
		ret = 0;
		goto out;
	}
	cpus = kdl_alloc(ctx, (set->ncpus ? set->ncpus : 1) * sizeof(*cpus));
	prstatus = kdl_alloc(ctx, prsize);
	notes->buf = kdl_alloc(ctx, size);
	if (!cpus || !prstatus || !notes->buf) {
		free(notes->buf);
		notes->buf = NULL;
		goto out;
	}
	for (size_t i = 0; i < set->ncpus; i++)
		cpus[i] = &set->cpus[i];
	qsort(cpus, set->ncpus, sizeof(*cpus), by_cpu);
	put_all(set, cpus, custom, ncustom, prstatus, notes);
	ret = 0;
out:
	free_notes(metas, nmetas);
	free(custom);
	free(cpus);
	free(prstatus);
	return ret;
}
