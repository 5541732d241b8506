/* ELF notes, as a PT_NOTE or a kdump-compressed file holds them, told
 * as records: NT_PRSTATUS as CPUs, VMCOREINFO, metadata and annotation
 * lines as META, every other note as it is. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"

#define NT_PRSTATUS 1
#define NOTE_HEADER 12 /* namesz, descsz, type */

static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~(uint64_t)3;
}

static int put_prstatus(struct kdl_unpacker *u, struct kdl_input *in,
                        const struct kdl_arch *arch, const uint8_t *desc,
                        size_t len, uint64_t off)
{
	kdl_ctx *ctx = kdl_unpack_ctx(u);
	struct kdl_prstatus status;
	struct kdl_reg *regs;
	size_t nregs;
	bool dropped;
	int ret;

	if (!arch)
		return kdl_input_corrupt(in, off, "NT_PRSTATUS of %zu bytes, and no architecture known for it", len);
	regs = kdl_alloc(ctx, arch->nregs * sizeof(*regs));
	if (!regs)
		return -1;
	ret = kdl_prstatus_decode(ctx, arch, desc, len, &status, regs, &nregs, &dropped);
	if (ret)
		kdl_err_prefix(ctx, "%s: at byte %" PRIu64, in->name, off);
	else
		ret = kdl_unpack_cpu(u, &status, regs, nregs);
	if (!ret && dropped)
		kdl_warn(ctx, "%s: CPU %" PRIu32 ": NT_PRSTATUS has bytes the stream does not carry (pr_sigpend, pr_sighold, pr_fpvalid or slots no register names); they are left out",
		         in->name, status.cpu);
	free(regs);
	return ret;
}

int kdl_unpack_notes(struct kdl_unpacker *u, struct kdl_input *in,
                     const struct kdl_arch *arch, bool be,
                     const uint8_t *buf, size_t len, uint64_t off)
{
	if (arch)
		be = arch->big_endian;
	for (uint64_t pos = 0; pos < len;) {
		uint64_t namesz, descsz, need;
		const uint8_t *name, *desc;
		uint32_t type;

		if (len - pos < NOTE_HEADER)
			return kdl_input_corrupt(in, off + pos, "a note header cut short (%" PRIu64 " of %d bytes)",
			                         len - pos, NOTE_HEADER);
		namesz = kdl_get32(buf + pos, be);
		descsz = kdl_get32(buf + pos + 4, be);
		type = kdl_get32(buf + pos + 8, be);
		need = NOTE_HEADER + pad4(namesz) + pad4(descsz);
		if (need > len - pos)
			return kdl_input_corrupt(in, off + pos, "a note of %" PRIu64 " bytes in the %" PRIu64 " left of the notes",
			                         need, len - pos);
		name = buf + pos + NOTE_HEADER;
		desc = name + pad4(namesz);
		/* the name's NUL is not part of it */
		if (namesz && !name[namesz - 1])
			namesz--;
		if (namesz == 4 && !memcmp(name, "CORE", 4) && type == NT_PRSTATUS) {
			if (put_prstatus(u, in, arch, desc, (size_t)descsz, off + pos))
				return -1;
		} else if (namesz == 10 && !memcmp(name, "VMCOREINFO", 10)) {
			/* the text, without the NULs a producer may pad it with */
			while (descsz && !desc[descsz - 1])
				descsz--;
			if (kdl_unpack_vmcoreinfo(u, (const char *)desc, (size_t)descsz))
				return -1;
		} else if (kdl_unpack_note(u, name, (size_t)namesz, type, desc, (size_t)descsz))
			return -1;
		pos += need;
	}
	return 0;
}
