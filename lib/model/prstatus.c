/* A CPU's registers as NT_PRSTATUS: struct elf_prstatus of 64-bit Linux
 * (include/uapi/linux/elfcore.h) in the dumped machine's byte order, the
 * registers at the offsets of the architecture's pr_reg. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/model.h"

uint32_t kdl_prstatus_size(const struct kdl_arch *arch)
{
	/* pr_reg, then the 4-byte pr_fpvalid, padded to 8 */
	return (uint32_t)kdl_round_up(KDL_PRSTATUS_FIXED + arch->pr_reg_size + 4, 8);
}

static int unknown_register(kdl_ctx *ctx, const struct kdl_arch *arch,
                            const char *name)
{
	char *list = kdl_arch_register_list(arch->info.name);

	kdl_err(ctx, KDL_ERR_INVALID, "unknown register '%s' for %s; valid registers: %s",
	        name, arch->info.name, list ? list : "?");
	free(list);
	return -1;
}

int kdl_prstatus_check_regs(kdl_ctx *ctx, const struct kdl_arch *arch,
                            const struct kdl_reg *regs, size_t nregs)
{
	for (size_t i = 0; i < nregs; i++) {
		const struct kdl_reg_def *def = kdl_arch_reg(arch, regs[i].name);

		if (!def)
			return unknown_register(ctx, arch, regs[i].name);
		if (def->size < 8 && regs[i].value >> (8 * def->size))
			return kdl_err(ctx, KDL_ERR_INVALID, "register %s is %u bits wide: 0x%" PRIx64 " does not fit",
			               regs[i].name, 8u * def->size, regs[i].value);
		for (size_t j = 0; j < i; j++)
			if (kdl_arch_reg(arch, regs[j].name)->offset == def->offset)
				return kdl_err(ctx, KDL_ERR_INVALID, "register %s is given twice (also as %s)",
				               regs[i].name, regs[j].name);
	}
	return 0;
}

int kdl_prstatus_check(kdl_ctx *ctx, const char *arch_name,
                       const struct kdl_prstatus *status,
                       const struct kdl_reg *regs, size_t nregs)
{
	const struct kdl_arch *arch = NULL;

	if (arch_name && !(arch = (const struct kdl_arch *)kdl_lookup(ctx, &kdl_arches, arch_name)))
		return -1;
	if (status->cursig < INT16_MIN || status->cursig > UINT16_MAX)
		return kdl_err(ctx, KDL_ERR_INVALID, "cursig %" PRId32 " does not fit in 16 bits",
		               status->cursig);
	if (arch)
		return kdl_prstatus_check_regs(ctx, arch, regs, nregs);
	/* the architecture comes later: only a name none has, or one name
	 * twice, fails now */
	for (size_t i = 0; i < nregs; i++) {
		if (!kdl_register_known_anywhere(regs[i].name))
			return unknown_register(ctx, kdl_arch_default(), regs[i].name);
		for (size_t j = 0; j < i; j++)
			if (!strcasecmp(regs[i].name, regs[j].name))
				return kdl_err(ctx, KDL_ERR_INVALID, "register %s is given twice (also as %s)",
				               regs[i].name, regs[j].name);
	}
	return 0;
}

static void put_time(uint8_t *p, const struct kdl_time *t, bool be)
{
	kdl_put64(p, (uint64_t)t->sec, be);
	kdl_put64(p + 8, (uint64_t)t->usec, be);
}

/* Offsets in struct elf_prstatus */
enum {
	PR_SIGNO = 0, PR_CODE = 4, PR_ERRNO = 8, PR_CURSIG = 12,
	PR_SIGPEND = 16, PR_SIGHOLD = 24,
	PR_PID = 32, PR_PPID = 36, PR_PGRP = 40, PR_SID = 44,
	PR_UTIME = 48, PR_STIME = 64, PR_CUTIME = 80, PR_CSTIME = 96,
};

void kdl_prstatus_encode(const struct kdl_arch *arch, const struct kdl_cpu *cpu,
                         uint8_t *desc)
{
	const struct kdl_prstatus *s = &cpu->status;
	bool be = arch->big_endian;

	memset(desc, 0, kdl_prstatus_size(arch));
	kdl_put32(desc + PR_SIGNO, (uint32_t)s->signo, be);
	kdl_put32(desc + PR_CODE, (uint32_t)s->code, be);
	kdl_put32(desc + PR_ERRNO, (uint32_t)s->err, be);
	kdl_put16(desc + PR_CURSIG, (uint16_t)s->cursig, be);
	kdl_put32(desc + PR_PID, (uint32_t)s->pid, be);
	kdl_put32(desc + PR_PPID, (uint32_t)s->ppid, be);
	kdl_put32(desc + PR_PGRP, (uint32_t)s->pgrp, be);
	kdl_put32(desc + PR_SID, (uint32_t)s->sid, be);
	put_time(desc + PR_UTIME, &s->utime, be);
	put_time(desc + PR_STIME, &s->stime, be);
	put_time(desc + PR_CUTIME, &s->cutime, be);
	put_time(desc + PR_CSTIME, &s->cstime, be);
	for (size_t i = 0; i < cpu->nregs; i++) {
		const struct kdl_reg_def *def = kdl_arch_reg(arch, cpu->regs[i].name);
		uint8_t *p = desc + KDL_PRSTATUS_FIXED + def->offset;

		if (def->size == 8)
			kdl_put64(p, cpu->regs[i].value, be);
		else
			kdl_put32(p, (uint32_t)cpu->regs[i].value, be);
	}
}

const struct kdl_arch *kdl_prstatus_arch(size_t size, bool be)
{
	const struct kdl_arch *found = NULL, *a;

	for (size_t i = 0; (a = (const struct kdl_arch *)kdl_entry_at(&kdl_arches, i)); i++)
		if (kdl_prstatus_size(a) == size && a->big_endian == be) {
			if (found)
				return NULL; /* two would fit: neither is certain */
			found = a;
		}
	return found;
}

static void get_time(const uint8_t *p, struct kdl_time *t, bool be)
{
	t->sec = (int64_t)kdl_get64(p, be);
	t->usec = (int64_t)kdl_get64(p + 8, be);
}

/* Bytes the stream has no field for, each zero in what the kernel and
 * QEMU write. */
static bool carries_all(const struct kdl_arch *arch, const uint8_t *desc,
                        size_t len)
{
	uint8_t *used = calloc(1, len);
	bool all = true;

	if (!used)
		return true;
	memset(used + PR_SIGNO, 1, PR_CURSIG + 2);
	memset(used + PR_PID, 1, KDL_PRSTATUS_FIXED - PR_PID);
	for (size_t i = 0; i < arch->nregs; i++)
		memset(used + KDL_PRSTATUS_FIXED + arch->regs[i].offset, 1, arch->regs[i].size);
	for (size_t i = 0; i < len && all; i++)
		all = used[i] || !desc[i];
	free(used);
	return all;
}

int kdl_prstatus_decode(kdl_ctx *ctx, const struct kdl_arch *arch,
                        const uint8_t *desc, size_t len,
                        struct kdl_prstatus *status, struct kdl_reg *regs,
                        size_t *nregs, bool *dropped)
{
	bool be = arch->big_endian;
	size_t n = 0;

	if (len != kdl_prstatus_size(arch))
		return kdl_err(ctx, KDL_ERR_CORRUPT, "NT_PRSTATUS of %zu bytes: %s's has %" PRIu32,
		               len, arch->info.name, kdl_prstatus_size(arch));
	memset(status, 0, sizeof(*status));
	status->signo = (int32_t)kdl_get32(desc + PR_SIGNO, be);
	status->code = (int32_t)kdl_get32(desc + PR_CODE, be);
	status->err = (int32_t)kdl_get32(desc + PR_ERRNO, be);
	status->cursig = kdl_get16(desc + PR_CURSIG, be);
	status->pid = (int32_t)kdl_get32(desc + PR_PID, be);
	status->ppid = (int32_t)kdl_get32(desc + PR_PPID, be);
	status->pgrp = (int32_t)kdl_get32(desc + PR_PGRP, be);
	status->sid = (int32_t)kdl_get32(desc + PR_SID, be);
	get_time(desc + PR_UTIME, &status->utime, be);
	get_time(desc + PR_STIME, &status->stime, be);
	get_time(desc + PR_CUTIME, &status->cutime, be);
	get_time(desc + PR_CSTIME, &status->cstime, be);
	for (size_t i = 0; i < arch->nregs; i++) {
		const struct kdl_reg_def *def = &arch->regs[i];
		const uint8_t *p = desc + KDL_PRSTATUS_FIXED + def->offset;

		if (def->alias)
			continue;
		regs[n].name = def->name;
		regs[n++].value = def->size == 8 ? kdl_get64(p, be) : kdl_get32(p, be);
	}
	*nregs = n;
	*dropped = !carries_all(arch, desc, len);
	return 0;
}
