/* layout: the files' structures as their owners define them, shared by
 * the writer of a format (format/) and its reader (input/).  This one:
 * ELF64 core files (include/uapi/linux/elf.h), in either byte order. */
#ifndef KDL_LAYOUT_ELF_H
#define KDL_LAYOUT_ELF_H

/* Elf64_Ehdr */
enum {
	EHDR_SIZE = 64,
	EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6,
	E_TYPE = 16, E_MACHINE = 18, E_VERSION = 20, E_PHOFF = 32, E_SHOFF = 40,
	E_EHSIZE = 52, E_PHENTSIZE = 54, E_PHNUM = 56, E_SHENTSIZE = 58,
	E_SHNUM = 60,
};
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT 1
#define ET_CORE 4
#define EM_386 3

/* Elf64_Phdr */
enum {
	PHDR_SIZE = 56,
	P_TYPE = 0, P_FLAGS = 4, P_OFFSET = 8, P_VADDR = 16, P_PADDR = 24,
	P_FILESZ = 32, P_MEMSZ = 40, P_ALIGN = 48,
};
#define PT_LOAD 1
#define PT_NOTE 4
#define PF_RWX 7

/* Elf64_Shdr: past PN_XNUM program headers, section header 0 holds
 * their count */
enum { SHDR_SIZE = 64, SH_SIZE = 32, SH_INFO = 44 };
#define PN_XNUM 0xffff

#endif
