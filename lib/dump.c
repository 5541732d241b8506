/* The dump being built: what goes in, checked as it arrives. */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DEFAULT_VENDOR "KDUMPLING"

kdl_dump *kdl_dump_new(kdl_ctx *ctx, const char *arch)
{
	kdl_dump *dump = kdl_alloc(ctx, sizeof(*dump));

	if (!dump)
		return NULL;
	dump->ctx = ctx;
	dump->codec = &kdl_codec_zlib;
	dump->level = kdl_codec_zlib.default_level;
	dump->dump_level = 1;
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
	free(dump->segs);
	free(dump->cpus);
	free(dump->notes);
	free(dump->metas);
	free(dump->vmcoreinfo);
	free(dump->vendor);
	free(dump);
}

int kdl_dump_set_arch(kdl_dump *dump, const char *name)
{
	const struct kdl_arch *arch = kdl_arch_find(name);

	if (!arch) {
		char *names = kdl_arch_names();
		kdl_err(dump->ctx, "unknown architecture '%s' (known: %s)", name,
		        names ? names : "?");
		free(names);
		return -1;
	}
	if (dump->arch && dump->arch != arch)
		return kdl_err(dump->ctx, "architecture conflict: both %s and %s are named",
		               dump->arch->name, arch->name);
	dump->arch = arch;
	return 0;
}

const struct kdl_arch *kdl_dump_arch(const kdl_dump *dump)
{
	return dump->arch ? dump->arch : &kdl_arch_x86_64;
}

static bool page_size_valid(uint32_t size)
{
	/* what libkdumpfile accepts as a block size */
	return size >= 4096 && size <= 262144 && !(size & (size - 1));
}

/* PAGESIZE of the vmcoreinfo, or 0. */
static uint32_t vmcoreinfo_page_size(const kdl_dump *dump)
{
	const char *v;
	uint32_t size = 0;
	size_t len, i;

	v = dump->vmcoreinfo ? kdl_vmcoreinfo_get(dump->vmcoreinfo,
	                                          dump->vmcoreinfo_len,
	                                          "PAGESIZE", &len)
	                     : NULL;
	if (!v || len == 0 || len > 9)
		return 0;
	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		size = size * 10 + (uint32_t)(v[i] - '0');
	return i == len && page_size_valid(size) ? size : 0;
}

uint32_t kdl_dump_page_size(const kdl_dump *dump)
{
	uint32_t size = vmcoreinfo_page_size(dump);

	if (size)
		return size;
	return dump->page_size ? dump->page_size : kdl_dump_arch(dump)->page_size;
}

int kdl_dump_set_compression(kdl_dump *dump, const char *name, int level,
                             int has_level)
{
	const struct kdl_codec *codec = kdl_codec_find(name);

	if (!codec) {
		char *names = kdl_codec_names();
		kdl_err(dump->ctx, "unknown compression '%s' (known: %s)", name,
		        names ? names : "?");
		free(names);
		return -1;
	}
	if (has_level && !codec->has_levels)
		return kdl_err(dump->ctx, "%s has no compression levels", name);
	if (has_level && (level < codec->min_level || level > codec->max_level))
		return kdl_err(dump->ctx, "%s levels are %d to %d, not %d", name,
		               codec->min_level, codec->max_level, level);
	dump->codec = codec;
	dump->level = has_level ? level : codec->default_level;
	return 0;
}

int kdl_dump_set_dump_level(kdl_dump *dump, int level)
{
	if (level < 0 || level > 31)
		return kdl_err(dump->ctx, "dump levels are 0 to 31, not %d", level);
	if (level & ~1)
		return kdl_err(dump->ctx, "dump level %d: bits 2, 4, 8 and 16 (cache, private cache, user and free pages) need the kernel's page structures, which kdumpling cannot read; only 0 and 1 (zero pages) are supported",
		               level);
	dump->dump_level = level;
	return 0;
}

int kdl_dump_set_threads(kdl_dump *dump, unsigned threads)
{
	if (threads > 1024)
		return kdl_err(dump->ctx, "%u threads is too many", threads);
	dump->threads = threads;
	return 0;
}

int kdl_dump_set_page_size(kdl_dump *dump, uint32_t size)
{
	if (!page_size_valid(size))
		return kdl_err(dump->ctx, "page size %" PRIu32 " is not a power of two from 4096 to 262144", size);
	dump->page_size = size;
	return 0;
}

int kdl_dump_set_flat(kdl_dump *dump, int flat)
{
	dump->flat = flat != 0;
	return 0;
}

int kdl_dump_set_vmcoreinfo(kdl_dump *dump, const char *text, size_t len)
{
	char *copy;
	size_t copy_len;

	if (dump->vmcoreinfo)
		return kdl_err(dump->ctx, "VMCOREINFO is given twice");
	copy = kdl_vmcoreinfo_normalize(dump->ctx, text, len, &copy_len);
	if (!copy)
		return -1;
	dump->vmcoreinfo = copy;
	dump->vmcoreinfo_len = copy_len;
	return 0;
}

/* Small text files only: vmcoreinfo is at most a page in the kernel. */
#define MAX_TEXT_FILE (1u << 20)

int kdl_dump_set_vmcoreinfo_file(kdl_dump *dump, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *text;
	ssize_t n;
	int ret;

	if (fd < 0)
		return kdl_err_sys(dump->ctx, "%s", path);
	text = kdl_alloc(dump->ctx, MAX_TEXT_FILE);
	if (!text) {
		close(fd);
		return -1;
	}
	n = kdl_read_full(dump->ctx, fd, path, text, MAX_TEXT_FILE);
	close(fd);
	if (n == MAX_TEXT_FILE)
		ret = kdl_err(dump->ctx, "%s: too large for vmcoreinfo", path);
	else if (n >= 0 && kdl_dump_set_vmcoreinfo(dump, text, (size_t)n))
		ret = kdl_err_prefix(dump->ctx, "%s", path);
	else
		ret = n < 0 ? -1 : 0;
	free(text);
	return ret;
}

struct kdl_seg *kdl_dump_new_segment(kdl_dump *dump, uint64_t phys,
                                     uint64_t virt)
{
	struct kdl_seg *seg;

	if (kdl_grow(dump->ctx, &dump->segs, &dump->segs_cap, dump->nsegs,
	             sizeof(*seg)))
		return NULL;
	seg = &dump->segs[dump->nsegs++];
	memset(seg, 0, sizeof(*seg));
	seg->phys = phys;
	seg->virt = virt;
	seg->fd = -1;
	return seg;
}

static int check_range(kdl_dump *dump, uint64_t phys, uint64_t len)
{
	if (len == 0)
		return kdl_err(dump->ctx, "empty segment at 0x%" PRIx64, phys);
	if (len - 1 > UINT64_MAX - phys)
		return kdl_err(dump->ctx, "segment at 0x%" PRIx64 " of %" PRIu64
		               " bytes goes past the end of the address space",
		               phys, len);
	return 0;
}

int kdl_dump_add_segment_buffer(kdl_dump *dump, uint64_t phys, uint64_t virt,
                                const void *data, size_t len)
{
	struct kdl_seg *seg;

	if (check_range(dump, phys, len))
		return -1;
	seg = kdl_dump_new_segment(dump, phys, virt);
	if (!seg)
		return -1;
	seg->source = SRC_BUFFER;
	seg->buf = data;
	seg->len = len;
	return 0;
}

int kdl_input_length(kdl_ctx *ctx, int fd, const char *name, uint64_t offset,
                     uint64_t *length)
{
	struct stat st;
	uint64_t size;

	if (fstat(fd, &st))
		return kdl_err_sys(ctx, "%s", name);
	if (S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size))
			return kdl_err_sys(ctx, "%s", name);
	} else
		return 0;
	if (offset > size)
		return kdl_err(ctx, "%s: offset %" PRIu64 " is past its end (%" PRIu64 " bytes)",
		               name, offset, size);
	if (*length == KDL_LEN_ALL)
		*length = size - offset;
	else if (*length > size - offset)
		return kdl_err(ctx, "%s: %" PRIu64 " bytes at offset %" PRIu64
		               " go past its end (%" PRIu64 " bytes)",
		               name, *length, offset, size);
	return 0;
}

static int add_file_segment(kdl_dump *dump, uint64_t phys, uint64_t virt,
                            int fd, const char *path, uint64_t offset,
                            uint64_t length)
{
	struct kdl_seg *seg;
	char name[32];

	if (!path)
		snprintf(name, sizeof(name), "fd %d", fd);
	if (kdl_input_length(dump->ctx, fd, path ? path : name, offset, &length))
		return -1;
	if (length == KDL_LEN_ALL)
		return kdl_err(dump->ctx, "%s: size unknown; give a length", path ? path : name);
	if (check_range(dump, phys, length))
		return -1;
	seg = kdl_dump_new_segment(dump, phys, virt);
	if (!seg)
		return -1;
	seg->len = length;
	seg->offset = offset;
	if (path) {
		seg->source = SRC_PATH;
		seg->path = kdl_strdup(dump->ctx, path);
		if (!seg->path) {
			dump->nsegs--;
			return -1;
		}
	} else {
		seg->source = SRC_FD;
		seg->fd = fd;
	}
	return 0;
}

int kdl_dump_add_segment_path(kdl_dump *dump, uint64_t phys, uint64_t virt,
                              const char *path, uint64_t offset,
                              uint64_t length)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return kdl_err_sys(dump->ctx, "%s", path);
	ret = add_file_segment(dump, phys, virt, fd, path, offset, length);
	close(fd);
	return ret;
}

int kdl_dump_add_segment_fd(kdl_dump *dump, uint64_t phys, uint64_t virt,
                            int fd, uint64_t offset, uint64_t length)
{
	return add_file_segment(dump, phys, virt, fd, NULL, offset, length);
}

int kdl_dump_add_cpu(kdl_dump *dump, const struct kdl_prstatus *status,
                     const struct kdl_reg *regs, size_t nregs)
{
	struct kdl_cpu *cpu;

	if (status->cursig < INT16_MIN || status->cursig > UINT16_MAX)
		return kdl_err(dump->ctx, "cursig %" PRId32 " does not fit in 16 bits",
		               status->cursig);
	for (size_t i = 0; i < dump->ncpus; i++)
		if (dump->cpus[i].status.cpu == status->cpu)
			return kdl_err(dump->ctx, "CPU %" PRIu32 " is given twice",
			               status->cpu);
	if (dump->arch && kdl_prstatus_check(dump->ctx, dump->arch, regs, nregs))
		return -1;
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

	if (!strcmp(name, "VMCOREINFO"))
		return kdl_err(dump->ctx, "a VMCOREINFO note is set as vmcoreinfo, not as a custom note");
	if (!strcmp(name, "CORE") && type == 1)
		return kdl_err(dump->ctx, "CORE notes of type 1 (NT_PRSTATUS) are CPU contexts, not custom notes");
	if (len > UINT32_MAX - 3 || strlen(name) > UINT32_MAX - 4)
		return kdl_err(dump->ctx, "note %s is too large for an ELF note", name);
	if (kdl_grow(dump->ctx, &dump->notes, &dump->notes_cap, dump->nnotes,
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

int kdl_dump_set_vendor(kdl_dump *dump, const char *vendor)
{
	char *copy;

	if (!*vendor)
		return kdl_err(dump->ctx, "the vendor name is empty");
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

	if (!*key || strpbrk(key, "=\n"))
		return kdl_err(dump->ctx, "'%s' is not a key: it must be non-empty, without '=' or newlines", key);
	if (strchr(value, '\n'))
		return kdl_err(dump->ctx, "the value of %s has a newline", key);
	for (size_t i = 0; i < dump->nmetas; i++) {
		meta = &dump->metas[i];
		if (meta->kind != kind || strcmp(meta->vendor, vendor) ||
		    strcmp(meta->key, key))
			continue;
		if (strcmp(meta->value, value))
			return kdl_err(dump->ctx, "%s is given twice, as '%s' and as '%s'",
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

static int by_phys(const void *a, const void *b)
{
	const struct kdl_seg *x = a, *y = b;

	return (x->phys > y->phys) - (x->phys < y->phys);
}

int kdl_dump_check(kdl_dump *dump)
{
	uint32_t vmci_page = vmcoreinfo_page_size(dump);

	if (vmci_page && dump->page_size && vmci_page != dump->page_size)
		return kdl_err(dump->ctx, "page size %" PRIu32 " conflicts with PAGESIZE=%" PRIu32 " in the vmcoreinfo",
		               dump->page_size, vmci_page);
	if (dump->nsegs) /* qsort wants an array, even of nothing */
		qsort(dump->segs, dump->nsegs, sizeof(*dump->segs), by_phys);
	for (size_t i = 0; i < dump->nsegs; i++) {
		const struct kdl_seg *s = &dump->segs[i];

		if (check_range(dump, s->phys, s->len))
			return -1;
		if (i && dump->segs[i - 1].phys + dump->segs[i - 1].len > s->phys) {
			const struct kdl_seg *p = &dump->segs[i - 1];
			return kdl_err(dump->ctx, "segment 0x%" PRIx64 "-0x%" PRIx64
			               " overlaps segment 0x%" PRIx64 "-0x%" PRIx64,
			               p->phys, p->phys + p->len - 1, s->phys,
			               s->phys + s->len - 1);
		}
	}
	return 0;
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
		return kdl_err(dump->ctx, "no segment %zu", i);
	info->phys = dump->segs[i].phys;
	info->virt = dump->segs[i].virt;
	info->size = dump->segs[i].len;
	return 0;
}
