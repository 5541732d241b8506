/* an ELF core file: ours, the kernel's /proc/vmcore and /proc/kcore, QEMU's and libvirt's dumps. */
#include <string.h>

#include "input/input.h"

/* An ELF64 core file, in either byte order. */
static bool elf_probe(const uint8_t *head, size_t n)
{
	enum { EI_CLASS = 4, EI_DATA = 5, E_TYPE = 16, ELFCLASS64 = 2, ET_CORE = 4 };

	return n >= 18 && !memcmp(head, "\x7f" "ELF", 4) && head[EI_CLASS] == ELFCLASS64 &&
	       (head[EI_DATA] == 1 || head[EI_DATA] == 2) &&
	       kdl_get16(head + E_TYPE, head[EI_DATA] == 2) == ET_CORE;
}

static int elf_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	(void)n;
	return kdl_err(kdl_unpack_ctx(u), KDL_ERR_UNSUPPORTED, "%s: the elf format cannot be read yet", ins->name);
}

const struct kdl_input_ops kdl_input_elf = {
	.info = {
		.name = "elf",
		.summary = "an ELF core file: ours, the kernel's /proc/vmcore and /proc/kcore, QEMU's and libvirt's dumps",
	},
	.probe = elf_probe,
	.unpack = elf_unpack,
};
