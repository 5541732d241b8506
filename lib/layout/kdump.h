/* The kdump-compressed format of makedumpfile (diskdump_mod.h): the
 * layout of 64-bit machines, in the dumped machine's byte order. */
#ifndef KDL_LAYOUT_KDUMP_H
#define KDL_LAYOUT_KDUMP_H

#define KDUMP_SIGNATURE "KDUMP   "
#define KDUMP_SIGNATURE_LEN 8
/* the header version this project writes, and the last one it reads */
#define KDUMP_HEADER_VERSION 6

/* struct disk_dump_header */
enum {
	KDUMP_HEADER_SIZE = 464,
	KH_SIGNATURE = 0, KH_VERSION = 8,
	KH_SYSNAME = 12, KH_RELEASE = 142, KH_UTS_VERSION = 207, KH_MACHINE = 272,
	KH_TIMESTAMP = 408, KH_STATUS = 424, KH_BLOCK_SIZE = 428,
	KH_SUB_HDR_SIZE = 432, KH_BITMAP_BLOCKS = 436, KH_MAX_MAPNR = 440,
	KH_NR_CPUS = 460,
	KDUMP_UTS_FIELD = 65, /* each utsname string, with its NUL */
};
/* makedumpfile ran out of room: pages it did not write have empty
 * descriptors */
#define KDUMP_STATUS_INCOMPLETE 0x8

/* struct kdump_sub_header: each header_version adds fields */
enum {
	KDUMP_SUB_HEADER_SIZE = 104,
	KS_PHYS_BASE = 0, KS_DUMP_LEVEL = 8,                 /* version 1 */
	KS_SPLIT = 12, KS_START_PFN = 16, KS_END_PFN = 24,   /* 2 */
	KS_OFFSET_VMCOREINFO = 32, KS_SIZE_VMCOREINFO = 40,  /* 3 */
	KS_OFFSET_NOTE = 48, KS_SIZE_NOTE = 56,              /* 4 */
	                                                     /* 5: eraseinfo */
	KS_START_PFN_64 = 80, KS_END_PFN_64 = 88, KS_MAX_MAPNR_64 = 96, /* 6 */
};

/* struct page_desc */
enum { KDUMP_DESC_SIZE = 24, PD_OFFSET = 0, PD_SIZE = 8, PD_FLAGS = 12 };

#endif
