/* The dump being described: what goes in, checked as it arrives, and the
 * freeze that settles it for writing. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"

#define DEFAULT_VENDOR "KDUMPLING"
/* vmcoreinfo is at most a page in the kernel; notes live in memory in
 * every reader */
#define MAX_VMCOREINFO_FILE (1u << 20)
#define MAX_NOTE_FILE (16u << 20)

kdl_dump *kdl_dump_new(kdl_ctx *ctx, const char *arch)
{
	kdl_dump *dump = kdl_alloc(ctx, sizeof(*dump));

	if (!dump)
		return NULL;
	dump->ctx = ctx;
	dump->spool = -1;
	dump->vendor = kdl_strdup(ctx, DEFAULT_VENDOR);
	if (!dump->vendor || (arch && kdl_dump_set_arch(dump, arch))) {
		kdl_dump_free(dump);
		return NULL;
	}
	return dump;
}

void kdl_dump_free(kdl_dump *dump)
{
	if (!dump)
		return;
	for (size_t i = 0; i < dump->nsegs; i++)
		free(dump->segs[i].path);
	for (size_t i = 0; i < dump->ncpus; i++) {
		for (size_t j = 0; j < dump->cpus[i].nregs; j++)
			free((char *)dump->cpus[i].regs[j].name);
		free(dump->cpus[i].regs);
	}
	for (size_t i = 0; i < dump->nnotes; i++) {
		free(dump->notes[i].name);
		free(dump->notes[i].desc);
	}
	for (size_t i = 0; i < dump->nmetas; i++) {
		free(dump->metas[i].vendor);
		free(dump->metas[i].key);
		free(dump->metas[i].value);
	}
	if (dump->spool >= 0)
		close(dump->spool);
	free(dump->segs);
	free(dump->cpus);
	free(dump->notes);
	free(dump->metas);
	free(dump->aliases);
	free(dump->vmcoreinfo);
	free(dump->vendor);
	free(dump->built.buf);
	free(dump);
}

/* Every change goes through here first. */
static int changeable(kdl_dump *dump)
{
	if (dump->frozen)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "the dump cannot change once it is frozen (laid out or written)");
	return 0;
}

int kdl_dump_set_arch(kdl_dump *dump, const char *name)
{
	const struct kdl_arch *arch;

	if (changeable(dump))
		return -1;
	arch = (const struct kdl_arch *)kdl_lookup(dump->ctx, &kdl_arches, name);
	if (!arch)
		return -1;
	if (dump->arch && dump->arch != arch)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "architecture conflict: both %s and %s are named",
		               dump->arch->info.name, arch->info.name);
	dump->arch = arch;
	return 0;
}

const struct kdl_arch *kdl_dump_arch(const kdl_dump *dump)
{
	return dump->arch ? dump->arch : kdl_arch_default();
}

uint32_t kdl_dump_page_size(const kdl_dump *dump)
{
	uint32_t size = dump->vmcoreinfo
	                        ? kdl_vmcoreinfo_page_size(dump->vmcoreinfo, dump->vmcoreinfo_len)
	                        : 0;

	if (size)
		return size;
	return dump->page_size ? dump->page_size : kdl_dump_arch(dump)->page_size;
}

int kdl_dump_set_page_size(kdl_dump *dump, uint64_t size)
{
	if (changeable(dump))
		return -1;
	if (size > UINT32_MAX || !kdl_page_size_valid((uint32_t)size))
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "page size %" PRIu64 " is not a power of two from 4096 to 262144", size);
	dump->page_size = (uint32_t)size;
	return 0;
}

int kdl_dump_set_vmcoreinfo(kdl_dump *dump, const char *text, size_t len)
{
	char *copy;
	size_t copy_len;

	if (changeable(dump))
		return -1;
	if (dump->vmcoreinfo)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "VMCOREINFO is given twice");
	copy = kdl_vmcoreinfo_normalize(dump->ctx, text, len, &copy_len);
	if (!copy)
		return -1;
	dump->vmcoreinfo = copy;
	dump->vmcoreinfo_len = copy_len;
	return 0;
}

/* "0x0000000100b86000 1024": what /sys/kernel/vmcoreinfo holds. */
static bool note_address(const char *text)
{
	unsigned long long addr, size;
	char end;

	return sscanf(text, "%llx %llx%c", &addr, &size, &end) == 3 && end == '\n';
}

int kdl_dump_set_vmcoreinfo_file(kdl_dump *dump, const char *path)
{
	size_t len;
	char *text;
	int ret;

	if (changeable(dump))
		return -1;
	if (dump->vmcoreinfo)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "VMCOREINFO is given twice");
	text = kdl_read_file(dump->ctx, path, MAX_VMCOREINFO_FILE, "vmcoreinfo", &len);
	if (!text)
		return -1;
	ret = kdl_dump_set_vmcoreinfo(dump, text, len);
	if (ret && note_address(text)) {
		kdl_err(dump->ctx, KDL_ERR_CORRUPT,
		        "%s: this is where the kernel keeps its VMCOREINFO note (address and size, as /sys/kernel/vmcoreinfo tells), not the text: the note is in /proc/kcore and /proc/vmcore, which vmc-unpack reads (vmc-unpack /proc/kcore | vmc-cat shows it), and makedumpfile -g FILE -x vmlinux writes the text",
		        path);
	} else if (ret && kdl_ctx_status(dump->ctx) == KDL_ERR_INVALID) {
		/* only the text can be wrong now: what a file holds is
		 * input, not an argument */
		kdl_err_reclass(dump->ctx, KDL_ERR_INVALID, KDL_ERR_CORRUPT);
		kdl_err_prefix(dump->ctx, "%s", path);
	}
	free(text);
	return ret;
}

const char *kdl_dump_vmcoreinfo_value(const kdl_dump *dump, const char *key,
                                      size_t *len)
{
	if (!dump->vmcoreinfo)
		return NULL;
	return kdl_vmcoreinfo_get(dump->vmcoreinfo, dump->vmcoreinfo_len, key, len);
}

int kdl_dump_add_segment(kdl_dump *dump, const struct kdl_seg *seg)
{
	struct kdl_seg *s;

	if (changeable(dump) || kdl_segment_check(dump->ctx, seg->phys, seg->len) ||
	    kdl_grow(dump->ctx, &dump->segs, &dump->segs_cap, dump->nsegs, sizeof(*s)))
		return -1;
	s = &dump->segs[dump->nsegs];
	*s = *seg;
	if (seg->path && !(s->path = kdl_strdup(dump->ctx, seg->path)))
		return -1;
	dump->nsegs++;
	return 0;
}

void kdl_dump_own_spool(kdl_dump *dump, int fd)
{
	dump->spool = fd;
}

int kdl_dump_add_segment_buffer(kdl_dump *dump, uint64_t phys, uint64_t virt,
                                const void *data, size_t len)
{
	struct kdl_seg seg = {.phys = phys, .virt = virt, .len = len,
	                      .origin = KDL_ORIGIN_BUFFER, .buf = data, .fd = -1};

	return kdl_dump_add_segment(dump, &seg);
}

/* A file's segment: the length resolved now, the bytes read when the
 * dump is written. */
static int add_file_segment(kdl_dump *dump, struct kdl_seg *seg, int fd,
                            const char *name)
{
	if (kdl_input_length(dump->ctx, fd, name, seg->offset, &seg->len))
		return -1;
	if (seg->len == KDL_LENGTH_UNKNOWN)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "%s: size unknown; give a length", name);
	return kdl_dump_add_segment(dump, seg);
}

int kdl_dump_add_segment_path(kdl_dump *dump, uint64_t phys, uint64_t virt,
                              const char *path, uint64_t offset,
                              uint64_t length)
{
	struct kdl_seg seg = {.phys = phys, .virt = virt, .len = length,
	                      .origin = KDL_ORIGIN_PATH, .fd = -1,
	                      .path = (char *)path, .offset = offset};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return kdl_err_sys(dump->ctx, "%s", path);
	ret = add_file_segment(dump, &seg, fd, path);
	close(fd);
	return ret;
}

int kdl_dump_add_segment_fd(kdl_dump *dump, uint64_t phys, uint64_t virt,
                            int fd, uint64_t offset, uint64_t length)
{
	struct kdl_seg seg = {.phys = phys, .virt = virt, .len = length,
	                      .origin = KDL_ORIGIN_FD, .fd = fd, .offset = offset};
	char name[32];

	snprintf(name, sizeof(name), "fd %d", fd);
	return add_file_segment(dump, &seg, fd, name);
}

int kdl_dump_add_cpu(kdl_dump *dump, const struct kdl_prstatus *status,
                     const struct kdl_reg *regs, size_t nregs)
{
	struct kdl_cpu *cpu;

	if (changeable(dump))
		return -1;
	for (size_t i = 0; i < dump->ncpus; i++)
		if (dump->cpus[i].status.cpu == status->cpu)
			return kdl_err(dump->ctx, KDL_ERR_INVALID, "CPU %" PRIu32 " is given twice",
			               status->cpu);
	if (kdl_prstatus_check(dump->ctx, dump->arch ? dump->arch->info.name : NULL,
	                       status, regs, nregs))
		return kdl_err_prefix(dump->ctx, "CPU %" PRIu32, status->cpu);
	if (kdl_grow(dump->ctx, &dump->cpus, &dump->cpus_cap, dump->ncpus,
	             sizeof(*cpu)))
		return -1;
	cpu = &dump->cpus[dump->ncpus];
	cpu->status = *status;
	cpu->nregs = 0;
	cpu->regs = kdl_alloc(dump->ctx, (nregs ? nregs : 1) * sizeof(*regs));
	if (!cpu->regs)
		return -1;
	dump->ncpus++;
	for (size_t i = 0; i < nregs; i++) {
		cpu->regs[i].name = kdl_strdup(dump->ctx, regs[i].name);
		if (!cpu->regs[i].name)
			return -1;
		cpu->regs[i].value = regs[i].value;
		cpu->nregs++;
	}
	return 0;
}

int kdl_dump_add_note(kdl_dump *dump, const char *name, uint32_t type,
                      const void *desc, size_t len)
{
	struct kdl_note *note;

	if (changeable(dump) || kdl_note_check(dump->ctx, name, type, len) ||
	    kdl_grow(dump->ctx, &dump->notes, &dump->notes_cap, dump->nnotes,
	             sizeof(*note)))
		return -1;
	note = &dump->notes[dump->nnotes];
	note->name = kdl_strdup(dump->ctx, name);
	note->desc = (uint8_t *)kdl_memdup(dump->ctx, desc, len);
	if (!note->name || !note->desc) {
		free(note->name);
		free(note->desc);
		return -1;
	}
	note->type = type;
	note->len = len;
	dump->nnotes++;
	return 0;
}

int kdl_dump_add_note_file(kdl_dump *dump, const char *name, uint32_t type,
                           const char *path)
{
	size_t len;
	char *desc = kdl_read_file(dump->ctx, path, MAX_NOTE_FILE, "a note", &len);
	int ret;

	if (!desc)
		return -1;
	ret = kdl_dump_add_note(dump, name, type, desc, len);
	free(desc);
	return ret;
}

int kdl_dump_set_vendor(kdl_dump *dump, const char *vendor)
{
	char *copy;

	if (changeable(dump))
		return -1;
	if (!*vendor)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "the vendor name is empty");
	copy = kdl_strdup(dump->ctx, vendor);
	if (!copy)
		return -1;
	free(dump->vendor);
	dump->vendor = copy;
	return 0;
}

int kdl_dump_add_meta(kdl_dump *dump, const char *vendor, uint32_t kind,
                      const char *key, const char *value)
{
	struct kdl_meta *meta;

	if (changeable(dump))
		return -1;
	if (!*key || strpbrk(key, "=\n"))
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "'%s' is not a key: it must be non-empty, without '=' or newlines", key);
	if (strchr(value, '\n'))
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "the value of %s has a newline", key);
	for (size_t i = 0; i < dump->nmetas; i++) {
		meta = &dump->metas[i];
		if (meta->kind != kind || strcmp(meta->vendor, vendor) ||
		    strcmp(meta->key, key))
			continue;
		if (strcmp(meta->value, value))
			return kdl_err(dump->ctx, KDL_ERR_INVALID, "%s is given twice, as '%s' and as '%s'",
			               key, meta->value, value);
		return 0;
	}
	if (kdl_grow(dump->ctx, &dump->metas, &dump->metas_cap, dump->nmetas,
	             sizeof(*meta)))
		return -1;
	meta = &dump->metas[dump->nmetas];
	meta->kind = kind;
	meta->vendor = kdl_strdup(dump->ctx, vendor);
	meta->key = kdl_strdup(dump->ctx, key);
	meta->value = kdl_strdup(dump->ctx, value);
	if (!meta->vendor || !meta->key || !meta->value) {
		free(meta->vendor);
		free(meta->key);
		free(meta->value);
		return -1;
	}
	dump->nmetas++;
	return 0;
}

int kdl_dump_add_metadata(kdl_dump *dump, const char *key, const char *value)
{
	return kdl_dump_add_meta(dump, dump->vendor, KDL_NOTE_METADATA, key, value);
}

int kdl_dump_add_annotation(kdl_dump *dump, const char *key, const char *value)
{
	return kdl_dump_add_meta(dump, dump->vendor, KDL_NOTE_ANNOTATIONS, key,
	                         value);
}

int kdl_dump_add_alias(kdl_dump *dump, uint64_t phys, uint64_t virt,
                       uint64_t length)
{
	struct kdl_alias *a;

	if (changeable(dump) || kdl_alias_check(dump->ctx, phys, virt, length) ||
	    kdl_grow(dump->ctx, &dump->aliases, &dump->aliases_cap, dump->naliases,
	             sizeof(*a)))
		return -1;
	a = &dump->aliases[dump->naliases++];
	*a = (struct kdl_alias){phys, virt, length};
	return 0;
}

static void note_set(const kdl_dump *dump, struct kdl_note_set *set)
{
	set->arch = kdl_dump_arch(dump);
	set->cpus = dump->cpus;
	set->ncpus = dump->ncpus;
	set->vmcoreinfo = dump->vmcoreinfo;
	set->vmcoreinfo_len = dump->vmcoreinfo_len;
	set->notes = dump->notes;
	set->nnotes = dump->nnotes;
	set->metas = dump->metas;
	set->nmetas = dump->nmetas;
}

int kdl_dump_notes_size(const kdl_dump *dump, size_t *len)
{
	struct kdl_note_set set;
	struct kdl_notes notes;

	if (dump->frozen) {
		*len = dump->built.len;
		return 0;
	}
	note_set(dump, &set);
	if (kdl_notes_build(dump->ctx, &set, &notes, true))
		return -1;
	*len = notes.len;
	return 0;
}

const struct kdl_notes *kdl_dump_notes(const kdl_dump *dump)
{
	return &dump->built;
}

static int by_phys(const void *a, const void *b)
{
	const struct kdl_seg *x = a, *y = b;

	return (x->phys > y->phys) - (x->phys < y->phys);
}

/* Where the first segment at or after addr starts; 0 if none does. */
static uint64_t next_held(const kdl_dump *dump, uint64_t addr)
{
	for (size_t k = 0; k < dump->nsegs; k++)
		if (dump->segs[k].phys >= addr)
			return dump->segs[k].phys;
	return 0;
}

static int alias_by_phys(const void *a, const void *b)
{
	const struct kdl_alias *x = a, *y = b;

	if (x->phys != y->phys)
		return x->phys > y->phys ? 1 : -1;
	return (x->virt > y->virt) - (x->virt < y->virt);
}

/* Whether segments hold every byte from first to last (segments are
 * sorted and apart); *gap gets the first byte none holds. */
static bool held(const kdl_dump *dump, uint64_t first, uint64_t last, uint64_t *gap)
{
	size_t lo = 0, hi = dump->nsegs;
	uint64_t at = first;

	/* the first segment that ends at first or after it */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kdl_seg *g = &dump->segs[mid];

		if (g->phys + (g->len - 1) < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < dump->nsegs && dump->segs[k].phys <= at; k++) {
		uint64_t g_last = dump->segs[k].phys + (dump->segs[k].len - 1);

		if (g_last >= last)
			return true;
		at = g_last + 1;
	}
	*gap = at;
	return false;
}

/* Each alias maps only memory segments hold: what lies in none (cut by
 * --keep-going, say) is left out, with a warning; what is left of each is
 * a run segments hold without a gap. */
static int cut_aliases(kdl_dump *dump)
{
	struct kdl_alias *kept = NULL;
	size_t nkept = 0, cap = 0;

	if (dump->naliases)
		qsort(dump->aliases, dump->naliases, sizeof(*dump->aliases), alias_by_phys);
	for (size_t i = 0; i < dump->naliases; i++) {
		const struct kdl_alias *a = &dump->aliases[i];
		uint64_t at = a->phys, last = a->phys + (a->len - 1);

		for (;;) {
			uint64_t gap, held_last;
			bool whole = held(dump, at, last, &gap);

			held_last = whole ? last : gap - 1;
			if (whole || gap > at) {
				if (kdl_grow(dump->ctx, &kept, &cap, nkept, sizeof(*kept))) {
					free(kept);
					return -1;
				}
				kept[nkept++] = (struct kdl_alias){at, a->virt + (at - a->phys), held_last - at + 1};
			}
			if (whole)
				break;
			/* on past what no segment holds */
			at = next_held(dump, gap);
			kdl_warn(dump->ctx, "alias of 0x%" PRIx64 "-0x%" PRIx64 " at 0x%" PRIx64 ": 0x%" PRIx64 "-0x%" PRIx64 " is in no segment, so no alias of it",
			         a->phys, last, a->virt, gap, at > last || !at ? last : at - 1);
			if (at > last || !at)
				break;
		}
	}
	/* pieces of one alias may come after a later one's */
	if (nkept)
		qsort(kept, nkept, sizeof(*kept), alias_by_phys);
	free(dump->aliases);
	dump->aliases = kept;
	dump->naliases = nkept;
	dump->aliases_cap = cap;
	return 0;
}

static int check_segments(kdl_dump *dump)
{
	if (dump->nsegs) /* qsort wants an array, even of nothing */
		qsort(dump->segs, dump->nsegs, sizeof(*dump->segs), by_phys);
	for (size_t i = 1; i < dump->nsegs; i++) {
		const struct kdl_seg *p = &dump->segs[i - 1], *s = &dump->segs[i];
		struct kdl_segment_info a = {p->phys, p->virt, p->len};
		struct kdl_segment_info b = {s->phys, s->virt, s->len};

		if (kdl_segment_check_overlap(dump->ctx, &a, &b))
			return -1;
	}
	return 0;
}

int kdl_dump_freeze(kdl_dump *dump)
{
	const struct kdl_arch *arch = kdl_dump_arch(dump);
	uint32_t vmci_page = dump->vmcoreinfo
	                             ? kdl_vmcoreinfo_page_size(dump->vmcoreinfo, dump->vmcoreinfo_len)
	                             : 0;
	struct kdl_note_set set;

	if (dump->frozen)
		return 0;
	if (vmci_page && dump->page_size && vmci_page != dump->page_size)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "page size %" PRIu32 " conflicts with PAGESIZE=%" PRIu32 " in the vmcoreinfo",
		               dump->page_size, vmci_page);
	if (check_segments(dump) || cut_aliases(dump))
		return -1;
	for (size_t i = 0; i < dump->ncpus; i++)
		if (kdl_prstatus_check_regs(dump->ctx, arch, dump->cpus[i].regs,
		                            dump->cpus[i].nregs))
			return kdl_err_prefix(dump->ctx, "CPU %" PRIu32, dump->cpus[i].status.cpu);
	note_set(dump, &set);
	if (kdl_notes_build(dump->ctx, &set, &dump->built, false))
		return -1;
	dump->frozen = true;
	return 0;
}

size_t kdl_dump_segment_before(const kdl_dump *dump, uint64_t phys)
{
	size_t lo = 0, hi = dump->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dump->segs[mid].phys <= phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : SIZE_MAX;
}

uint64_t kdl_dump_total_memory(const kdl_dump *dump)
{
	uint64_t total = 0;

	for (size_t i = 0; i < dump->nsegs; i++)
		total += dump->segs[i].len;
	return total;
}

size_t kdl_dump_segment_count(const kdl_dump *dump)
{
	return dump->nsegs;
}

int kdl_dump_segment(const kdl_dump *dump, size_t i,
                     struct kdl_segment_info *info)
{
	if (i >= dump->nsegs)
		return kdl_err(dump->ctx, KDL_ERR_INVALID, "no segment %zu", i);
	info->phys = dump->segs[i].phys;
	info->virt = dump->segs[i].virt;
	info->size = dump->segs[i].len;
	return 0;
}
