/* input/elf.c: ELF core files built byte by byte and read back as
 * records: a /proc/vmcore whose kernel text PT_LOAD is folded into the
 * direct map, overlaps cut and compared, /proc/kcore (p_paddr -1, the
 * text mapped twice, sparse offsets), QEMU 7.2's layout (section headers
 * at 0x40, e_ehsize 8, p_vaddr 0), PN_XNUM in both places of section
 * header 0, the big-endian machines, our own dumps read back into the
 * same file, pipes, and damage anywhere. */
#include <sys/wait.h>

#include "input-check.h"
#include "model/model.h"

#define PAGE 4096
#define FILE_MAX (8u << 20)
#define NT_PRSTATUS 1

/* ---- an ELF core file, byte by byte ---- */

static uint8_t *file;
static size_t file_len;
static bool be;

static void at(uint64_t off, const void *p, size_t n)
{
	memcpy(file + off, p, n);
	if (off + n > file_len)
		file_len = (size_t)(off + n);
}

static void begin_file(bool big_endian)
{
	memset(file, 0, FILE_MAX);
	file_len = 0;
	be = big_endian;
}

struct ehdr {
	uint16_t machine;
	uint64_t phoff, shoff;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum;
};

static void put_ehdr(const struct ehdr *h)
{
	uint8_t eh[64] = {0x7f, 'E', 'L', 'F', 2, be ? 2 : 1, 1};

	kdl_put16(eh + 16, 4, be);
	kdl_put16(eh + 18, h->machine, be);
	kdl_put32(eh + 20, 1, be);
	kdl_put64(eh + 32, h->phoff, be);
	kdl_put64(eh + 40, h->shoff, be);
	kdl_put16(eh + 52, h->ehsize, be);
	kdl_put16(eh + 54, h->phentsize, be);
	kdl_put16(eh + 56, h->phnum, be);
	kdl_put16(eh + 58, h->shentsize, be);
	kdl_put16(eh + 60, h->shnum, be);
	at(0, eh, sizeof(eh));
}

/* The usual header: program headers right after it. */
static void put_plain_ehdr(uint16_t machine, uint16_t phnum)
{
	put_ehdr(&(struct ehdr){machine, 64, 0, 64, 56, phnum, 0, 0});
}

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static void put_phdr(uint64_t off, const struct phdr *p)
{
	uint8_t ph[56] = {0};

	kdl_put32(ph, p->type, be);
	kdl_put32(ph + 4, p->type == 1 ? 7 : 0, be);
	kdl_put64(ph + 8, p->offset, be);
	kdl_put64(ph + 16, p->vaddr, be);
	kdl_put64(ph + 24, p->paddr, be);
	kdl_put64(ph + 32, p->filesz, be);
	kdl_put64(ph + 40, p->memsz, be);
	kdl_put64(ph + 48, p->align, be);
	at(off, ph, sizeof(ph));
}

/* A note at off, its name with a NUL, both padded to 4; its size. */
static size_t put_note(uint64_t off, const char *name, uint32_t type,
                       const void *desc, size_t n)
{
	size_t namesz = strlen(name) + 1, pad = kdl_round_up(namesz, 4);
	uint8_t hdr[12];

	kdl_put32(hdr, (uint32_t)namesz, be);
	kdl_put32(hdr + 4, (uint32_t)n, be);
	kdl_put32(hdr + 8, type, be);
	at(off, hdr, sizeof(hdr));
	at(off + 12, name, namesz);
	at(off + 12 + pad, desc, n);
	/* the padding of the last note is in the file too */
	if (off + 12 + pad + kdl_round_up(n, 4) > file_len)
		file_len = (size_t)(off + 12 + pad + kdl_round_up(n, 4));
	return 12 + pad + kdl_round_up(n, 4);
}

static size_t put_prstatus(uint64_t off, const struct kdl_arch *arch, int32_t pid,
                           struct kdl_reg *regs, size_t nregs)
{
	struct kdl_cpu cpu = {.status = {.pid = pid}, .regs = regs, .nregs = nregs};
	uint8_t desc[1024];

	kdl_prstatus_encode(arch, &cpu, desc);
	return put_note(off, "CORE", NT_PRSTATUS, desc, kdl_prstatus_size(arch));
}

static const char vmcoreinfo[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";

static size_t put_vmcoreinfo(uint64_t off)
{
	return put_note(off, "VMCOREINFO", 0, vmcoreinfo, strlen(vmcoreinfo));
}

/* What memory holds at phys: the same in every mapping of it, and no
 * page all zero. */
static uint8_t byte_at(uint64_t phys)
{
	return (uint8_t)(phys * 131 + (phys >> 9) + 1);
}

static void put_mem(uint64_t off, uint64_t phys, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		file[off + i] = byte_at(phys + i);
	if (off + n > file_len)
		file_len = (size_t)(off + n);
}

/* ---- reading it ---- */

static char *warnings;

static void forget_warnings(void)
{
	free(warnings);
	warnings = NULL;
}

/* The records kdl_unpack writes for fd, named name: its lines, or NULL
 * after a failure (the stream left without its end). */
static char *unpack_fd(int fd, const char *name, const struct kdl_unpack_options *opts,
                       uint64_t *lost)
{
	int sfd, ret;
	kdl_writer *w = stream_to(&sfd);

	forget_warnings();
	ret = kdl_unpack(ctx, w, &fd, &name, 1, opts, lost);
	close(fd);
	if (ret) {
		kdl_writer_free(w);
		close(sfd);
		return NULL;
	}
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(sfd);
	return stream_lines();
}

/* The file built so far, from a scratch file named name. */
static char *unpack_as(const char *name, const struct kdl_unpack_options *opts,
                       uint64_t *lost)
{
	int fd;

	if (!CHECK_EQ(write_file(scratch_file(name), file, file_len), 0))
		return NULL;
	fd = open(scratch_file(name), O_RDONLY);
	return unpack_fd(fd, name, opts, lost);
}

static char *unpack(const char *name)
{
	return unpack_as(name, NULL, NULL);
}

/* The same from a pipe, its writer another process. */
static char *unpack_pipe(void)
{
	int fds[2];
	pid_t pid;
	char *lines;

	if (!CHECK_EQ(pipe(fds), 0))
		return NULL;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (size_t done = 0; done < file_len;) {
			ssize_t n = write(fds[1], file + done, file_len - done);

			if (n <= 0)
				_exit(0); /* the reader stopped early */
			done += (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	lines = unpack_fd(fds[0], "stdin", NULL, NULL);
	waitpid(pid, NULL, 0);
	return lines;
}

static void check_lines(char *got, const char *want, int line)
{
	if (!got)
		fprintf(stderr, "  %s:%d: failed: %s\n", __FILE__, line, kdl_ctx_error(ctx));
	check_str(got, want, "lines", "want", __FILE__, line);
	free(got);
}

/* The read fails with this message, of this class. */
static void check_fails(char *got, enum kdl_status status, const char *message, int line)
{
	check_true(!got, "the read fails", __FILE__, line);
	check_str(kdl_ctx_error(ctx), message, "error", "message", __FILE__, line);
	check_eq(kdl_ctx_status(ctx), status, "status", "want", __FILE__, line);
	free(got);
}

/* The bytes the records carried are memory from phys on, runs of n. */
static bool bytes_are(uint64_t off, uint64_t phys, uint64_t n)
{
	if (off + n > unpacked_len)
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (unpacked_bytes[off + i] != byte_at(phys + i))
			return false;
	return true;
}

/* ---- /proc/vmcore ---- */

/* As kdump saves it: a PT_NOTE, the kernel text at its own virtual
 * address, then the direct map of each System RAM range, one of which
 * holds the text; ranges that start and end inside pages. */
static void build_vmcore(void)
{
	struct kdl_reg regs[] = {{"rip", 0xffffffff81000123}, {"rsp", 0xffffc90000003f00}};
	uint64_t notes = 0x1000;
	size_t len;

	begin_file(false);
	put_plain_ehdr(62, 4);
	len = put_prstatus(notes, &kdl_arch_x86_64, 42, regs, 2);
	len += put_vmcoreinfo(notes + len);
	len += put_note(notes + len, "ACME", 0x100, "build 4712", 10);
	put_phdr(64, &(struct phdr){4, notes, 0, 0, len, len, 0});
	put_phdr(120, &(struct phdr){1, 0x2000, 0xffffffff81000000, 0x200000, 0x10000, 0x10000, 0});
	put_phdr(176, &(struct phdr){1, 0x12000, 0xffff888000001000, 0x1000, 0x9e400, 0x9e400, 0});
	put_phdr(232, &(struct phdr){1, 0xb1000, 0xffff888000100000, 0x100000, 0x180123, 0x180123, 0});
	put_mem(0x2000, 0x200000, 0x10000);
	put_mem(0x12000, 0x1000, 0x9e400);
	put_mem(0xb1000, 0x100000, 0x180123);
}

static const char vmcore_lines[] =
	"ARCH x86_64\n"
	"CPU 0 pid 42 rip=0xffffffff81000123 rsp=0xffffc90000003f00\n"
	"VMCOREINFO 30\n"
	"NOTE ACME 256 10\n"
	"ALIAS 0x200000 0xffffffff81000000 65536\n"
	"EXTENT 0x1000 648192\n"
	"EXTENT 0x100000 1573155\n"
	"SEGMENT 0x1000 0xffff888000001000 648192\n"
	"DATA 647168\n"
	"DATA 1024\n"
	"END 648192\n"
	"SEGMENT 0x100000 0xffff888000100000 1573155\n"
	"DATA 1048576\n"
	"DATA 524288\n"
	"DATA 291\n"
	"END 1573155\n";

static void test_vmcore(void)
{
	build_vmcore();
	check_lines(unpack("vmcore"), vmcore_lines, __LINE__);
	CHECK(bytes_are(0, 0x1000, 0x9e400));
	CHECK(bytes_are(0x9e400, 0x100000, 0x180123));
	CHECK_STR(warnings, "vmcore: PT_LOAD 1 (phys 0x200000-0x20ffff, virt 0xffffffff81000000) is the same memory as PT_LOAD 3: folded\n");
}

/* Text whose bytes are not those of the direct map: the file
 * contradicts itself. */
static void test_vmcore_that_differs(void)
{
	build_vmcore();
	file[0x2000 + 0x4321] ^= 0x40;
	check_fails(unpack("vmcore"), KDL_ERR_CORRUPT,
	            "vmcore: at byte 25377: PT_LOAD 1 (phys 0x200000-0x20ffff, virt 0xffffffff81000000) and PT_LOAD 3 (phys 0x100000-0x280122, virt 0xffff888000100000) map the same memory, but their bytes differ at phys 0x204321", __LINE__);
}

/* A vmcore can come from a pipe when nothing in it overlaps (here,
 * without the PT_LOAD that holds the text); its memory comes in file
 * order. */
static void test_vmcore_from_pipe(void)
{
	build_vmcore();
	put_plain_ehdr(62, 3);
	check_lines(unpack_pipe(),
	            "ARCH x86_64\n"
	            "CPU 0 pid 42 rip=0xffffffff81000123 rsp=0xffffc90000003f00\n"
	            "VMCOREINFO 30\n"
	            "NOTE ACME 256 10\n"
	            "EXTENT 0x1000 648192\n"
	            "EXTENT 0x200000 65536\n"
	            "SEGMENT 0x200000 0xffffffff81000000 65536\n"
	            "DATA 65536\n"
	            "END 65536\n"
	            "SEGMENT 0x1000 0xffff888000001000 648192\n"
	            "DATA 647168\n"
	            "DATA 1024\n"
	            "END 648192\n", __LINE__);
	CHECK(bytes_are(0, 0x200000, 0x10000));
	CHECK(bytes_are(0x10000, 0x1000, 0x9e400));
	CHECK(!warnings);
}

/* A PT_NOTE per CPU and one for VMCOREINFO, as kexec's elfcorehdr has
 * them before the kernel merges them, and an empty one: all the notes, in
 * program header order. */
static void test_several_notes(void)
{
	struct kdl_reg rip0[] = {{"rip", 0x10}}, rip1[] = {{"rip", 0x20}};
	size_t cpu0, cpu1, info;

	begin_file(false);
	put_plain_ehdr(62, 5);
	cpu0 = put_prstatus(0x1000, &kdl_arch_x86_64, 7, rip0, 1);
	cpu1 = put_prstatus(0x1000 + cpu0, &kdl_arch_x86_64, 8, rip1, 1);
	info = put_vmcoreinfo(0x1000 + cpu0 + cpu1);
	put_phdr(64, &(struct phdr){4, 0x1000, 0, 0, cpu0, cpu0, 0});
	put_phdr(120, &(struct phdr){4, 0x1000 + cpu0, 0, 0, cpu1, cpu1, 0});
	put_phdr(176, &(struct phdr){4, 0, 0, 0, 0, 0, 0});
	put_phdr(232, &(struct phdr){4, 0x1000 + cpu0 + cpu1, 0, 0, info, info, 0});
	put_phdr(288, &(struct phdr){1, 0x2000, 0x1000, 0x1000, PAGE, PAGE, 0});
	put_mem(0x2000, 0x1000, PAGE);
	check_lines(unpack("notes"),
	            "ARCH x86_64\n"
	            "CPU 0 pid 7 rip=0x10\n"
	            "CPU 1 pid 8 rip=0x20\n"
	            "VMCOREINFO 30\n"
	            "EXTENT 0x1000 4096\n"
	            "SEGMENT 0x1000 0x1000 4096\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);
	check_lines(unpack_pipe(),
	            "ARCH x86_64\n"
	            "CPU 0 pid 7 rip=0x10\n"
	            "CPU 1 pid 8 rip=0x20\n"
	            "VMCOREINFO 30\n"
	            "EXTENT 0x1000 4096\n"
	            "SEGMENT 0x1000 0x1000 4096\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);
}

/* ---- overlaps of other shapes ---- */

/* Two loads that share a part: the larger keeps it, the other is cut;
 * the part past p_filesz is zeros, and compared as zeros. */
static void test_partial_overlap(void)
{
	begin_file(false);
	put_plain_ehdr(62, 3);
	put_phdr(64, &(struct phdr){4, 0x1000, 0, 0, 0, 0, 0});
	put_phdr(120, &(struct phdr){1, 0x1000, 0x10000, 0x10000, 0x10000, 0x10000, 0});
	put_phdr(176, &(struct phdr){1, 0x11000, 0x18000, 0x18000, 0x10000, 0x18000, 0});
	put_mem(0x1000, 0x10000, 0x10000);
	put_mem(0x11000, 0x18000, 0x10000);
	check_lines(unpack("overlap"),
	            "ARCH x86_64\n"
	            "EXTENT 0x10000 32768\n"
	            "EXTENT 0x18000 98304\n"
	            "SEGMENT 0x10000 0x10000 32768\n"
	            "DATA 32768\n"
	            "END 32768\n"
	            "SEGMENT 0x18000 0x18000 98304\n"
	            "DATA 65536\n"
	            "ZERO 32768\n"
	            "END 98304\n", __LINE__);
	CHECK(bytes_are(0, 0x10000, 0x8000));
	CHECK(bytes_are(0x8000, 0x18000, 0x10000));
	CHECK_STR(warnings, "overlap: PT_LOAD 1 (phys 0x10000-0x1ffff, virt 0x10000) is the same memory as PT_LOAD 2 at 0x18000-0x1ffff: folded\n");

	/* of two the same size, the first keeps; its zeros are compared
	 * with the other's bytes */
	begin_file(false);
	put_plain_ehdr(62, 2);
	put_phdr(64, &(struct phdr){1, 0x1000, 0, 0, 0x1000, 0x2000, 0});
	put_phdr(120, &(struct phdr){1, 0x3000, 0x1000, 0x1000, 0x2000, 0x2000, 0});
	put_mem(0x3000, 0x1000, 0x2000);
	check_fails(unpack("overlap"), KDL_ERR_CORRUPT,
	            "overlap: at byte 12288: PT_LOAD 1 (phys 0x1000-0x2fff, virt 0x1000) and PT_LOAD 0 (phys 0x0-0x1fff, virt 0x0) map the same memory, but their bytes differ at phys 0x1000", __LINE__);
	memset(file + 0x3000, 0, 0x1000);
	check_lines(unpack("overlap"),
	            "ARCH x86_64\n"
	            "EXTENT 0x0 8192\n"
	            "EXTENT 0x2000 4096\n"
	            "SEGMENT 0x0 0x0 8192\n"
	            "ZERO 8192\n"
	            "END 8192\n"
	            "SEGMENT 0x2000 0x2000 4096\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);
	CHECK_STR(warnings, "overlap: PT_LOAD 1 (phys 0x1000-0x2fff, virt 0x1000) is the same memory as PT_LOAD 0 at 0x1000-0x1fff: folded\n");
}

/* One load the same memory as two others, each folded where it is. */
static void test_folded_into_two(void)
{
	begin_file(false);
	put_plain_ehdr(62, 3);
	put_phdr(64, &(struct phdr){1, 0x1000, 0, 0, 0x3000, 0x3000, 0});
	put_phdr(120, &(struct phdr){1, 0x4000, 0x3000, 0x3000, 0x3000, 0x3000, 0});
	put_phdr(176, &(struct phdr){1, 0x7000, 0xffffffff81000000, 0x2000, 0x2000, 0x2000, 0});
	put_mem(0x1000, 0, 0x3000);
	put_mem(0x4000, 0x3000, 0x3000);
	put_mem(0x7000, 0x2000, 0x2000);
	check_lines(unpack("two"),
	            "ARCH x86_64\n"
	            "ALIAS 0x2000 0xffffffff81000000 8192\n"
	            "EXTENT 0x0 12288\n"
	            "EXTENT 0x3000 12288\n"
	            "SEGMENT 0x0 0x0 12288\n"
	            "DATA 12288\n"
	            "END 12288\n"
	            "SEGMENT 0x3000 0x3000 12288\n"
	            "DATA 12288\n"
	            "END 12288\n", __LINE__);
	CHECK(bytes_are(0, 0, 0x6000));
	CHECK_STR(warnings,
	          "two: PT_LOAD 2 (phys 0x2000-0x3fff, virt 0xffffffff81000000) is the same memory as PT_LOAD 0 at 0x2000-0x2fff: folded\n"
	          "two: PT_LOAD 2 (phys 0x2000-0x3fff, virt 0xffffffff81000000) is the same memory as PT_LOAD 1 at 0x3000-0x3fff: folded\n");
}

/* QEMU's dumps with paging on map pages many times over: ten folds are
 * named, the rest counted. */
static void test_many_folds(void)
{
	const char *w;
	size_t lines = 0;

	begin_file(false);
	put_plain_ehdr(62, 13);
	put_phdr(64, &(struct phdr){1, 0x1000, 0xffff888000000000, 0, 0x10000, 0x10000, 0});
	put_mem(0x1000, 0, 0x10000);
	for (uint64_t i = 0; i < 12; i++) {
		put_phdr(120 + 56 * i, &(struct phdr){1, 0x11000 + PAGE * i, 0xffffc90000000000 + PAGE * i, PAGE * i, PAGE, PAGE, 0});
		put_mem(0x11000 + PAGE * i, PAGE * i, PAGE);
	}
	check_lines(unpack("paging"),
	            "ARCH x86_64\n"
	            "ALIAS 0x0 0xffffc90000000000 49152\n"
	            "EXTENT 0x0 65536\n"
	            "SEGMENT 0x0 0xffff888000000000 65536\n"
	            "DATA 65536\n"
	            "END 65536\n", __LINE__);
	for (w = warnings; w && *w; w++)
		lines += *w == '\n';
	CHECK_EQ(lines, 11);
	CHECK_HAS(warnings, "paging: PT_LOAD 1 (phys 0x0-0xfff, virt 0xffffc90000000000) is the same memory as PT_LOAD 0: folded\n");
	CHECK_HAS(warnings, "paging: PT_LOAD 10 (phys 0x9000-0x9fff, virt 0xffffc90000009000) is the same memory as PT_LOAD 0: folded\n"
	                    "paging: 2 more PT_LOADs are the same memory as others: folded\n");
}

/* ---- /proc/kcore ---- */

/* As the kernel writes it: the notes after the program headers, the
 * kernel text (p_paddr __pa_symbol) first, vmalloc and vmemmap with no
 * physical address, the direct map; offsets follow virtual addresses,
 * so the file is sparse. */
static void test_kcore(void)
{
	static const uint64_t text_off = 0x40000000; /* a GiB in: sparse */
	uint8_t prpsinfo[136] = {0}, task[1200];
	uint64_t notes = 64 + 6 * 56;
	size_t len;
	char *lines;
	int fd;

	begin_file(false);
	memset(task, 0x5a, sizeof(task));
	put_plain_ehdr(62, 6);
	len = put_prstatus(notes, &kdl_arch_x86_64, 0, NULL, 0);
	len += put_note(notes + len, "CORE", 3, prpsinfo, sizeof(prpsinfo));
	len += put_note(notes + len, "CORE", 4, task, sizeof(task));
	len += put_vmcoreinfo(notes + len);
	put_phdr(64, &(struct phdr){4, notes, 0, 0, len, 0, 0});
	put_phdr(120, &(struct phdr){1, text_off, 0xffffffff81000000, 0x101000, 0x3000, 0x3000, PAGE});
	put_phdr(176, &(struct phdr){1, 0x7fffc9000000ull, 0xffffc90000000000, UINT64_MAX, 0x1fffffffffffull, 0x1fffffffffffull, PAGE});
	put_phdr(232, &(struct phdr){1, 0x3000, 0xffff888000001000, 0x1000, 0x9e000, 0x9e000, PAGE});
	put_phdr(288, &(struct phdr){1, 0x102000, 0xffff888000100000, 0x100000, 0x100000, 0x100000, PAGE});
	put_phdr(344, &(struct phdr){1, 0x7fffea000000ull, 0xffffea0000000000, UINT64_MAX, 0x400000, 0x400000, PAGE});
	put_mem(0x3000, 0x1000, 0x9e000);
	put_mem(0x102000, 0x100000, 0x100000);
	if (!CHECK_EQ(write_file(scratch_file("kcore"), file, file_len), 0))
		return;
	/* the text far out, the file a hole up to it */
	fd = open(scratch_file("kcore"), O_WRONLY);
	put_mem(0x700000, 0x101000, 0x3000);
	CHECK_EQ(pwrite(fd, file + 0x700000, 0x3000, text_off), 0x3000);
	close(fd);
	lines = unpack_fd(open(scratch_file("kcore"), O_RDONLY), "kcore", NULL, NULL);
	check_lines(lines,
	            "ARCH x86_64\n"
	            "CPU 0 pid 0\n"
	            "NOTE CORE 3 136\n"
	            "NOTE CORE 4 1200\n"
	            "VMCOREINFO 30\n"
	            "ALIAS 0x101000 0xffffffff81000000 12288\n"
	            "EXTENT 0x1000 647168\n"
	            "EXTENT 0x100000 1048576\n"
	            "SEGMENT 0x1000 0xffff888000001000 647168\n"
	            "DATA 647168\n"
	            "END 647168\n"
	            "SEGMENT 0x100000 0xffff888000100000 1048576\n"
	            "DATA 1048576\n"
	            "END 1048576\n", __LINE__);
	CHECK(bytes_are(0, 0x1000, 0x9e000));
	CHECK(bytes_are(0x9e000, 0x100000, 0x100000));
	CHECK_STR(warnings,
	          "kcore: 2 PT_LOADs have no physical address (p_paddr -1, as /proc/kcore gives vmalloc and module space): left out\n"
	          "kcore: PT_LOAD 1 (phys 0x101000-0x103fff, virt 0xffffffff81000000) is the same memory as PT_LOAD 4: folded\n");
}

/* A kernel that gives no physical addresses at all. */
static void test_no_physical_addresses(void)
{
	begin_file(false);
	put_plain_ehdr(62, 2);
	put_phdr(64, &(struct phdr){1, 0x1000, 0xffffffff81000000, 0, 0x1000, 0x1000, PAGE});
	put_phdr(120, &(struct phdr){1, 0x2000, 0xffff888000000000, 0, 0x1000, 0x1000, PAGE});
	put_mem(0x1000, 0, 0x2000);
	check_fails(unpack("old-kcore"), KDL_ERR_UNSUPPORTED,
	            "old-kcore: every PT_LOAD is at physical address 0, so none has a physical address (a process's core dump, or an old kernel's /proc/kcore?)", __LINE__);
}

/* ---- QEMU ---- */

/* dump-guest-memory in QEMU 7.2, paging off: section headers (NULL and
 * .shstrtab) at 0x40, the program headers after them, e_ehsize 8, a
 * NT_PRSTATUS and a QEMU note per vCPU, p_vaddr 0. */
static void build_qemu(void)
{
	struct kdl_reg rip1[] = {{"rip", 0xfff0}}, rip2[] = {{"rip", 0x1000}};
	uint8_t cpu_state[440];
	uint64_t notes = 0xc0 + 3 * 56;
	size_t len;

	begin_file(false);
	memset(cpu_state, 0x11, sizeof(cpu_state));
	put_ehdr(&(struct ehdr){62, 0xc0, 0x40, 8, 56, 3, 64, 2});
	len = put_prstatus(notes, &kdl_arch_x86_64, 1, rip1, 1);
	len += put_prstatus(notes + len, &kdl_arch_x86_64, 2, rip2, 1);
	len += put_note(notes + len, "QEMU", 0, cpu_state, sizeof(cpu_state));
	len += put_note(notes + len, "QEMU", 0, cpu_state, sizeof(cpu_state));
	put_phdr(0xc0, &(struct phdr){4, notes, 0, 0, len, len, 0});
	put_phdr(0xc0 + 56, &(struct phdr){1, 0x2000, 0, 0, 0xa0000, 0xa0000, 0});
	put_phdr(0xc0 + 112, &(struct phdr){1, 0xa2000, 0, 0x100000, 0x100000, 0x100000, 0});
	/* section header 1, .shstrtab, and its strings after the notes */
	at(0x80 + 4, "\x03\0\0\0", 4);
	kdl_put64(file + 0x80 + 24, notes + len, be);
	kdl_put64(file + 0x80 + 32, 11, be);
	at(notes + len, "\0.shstrtab", 11);
	put_mem(0x2000, 0, 0xa0000);
	put_mem(0xa2000, 0x100000, 0x100000);
}

static const char qemu_lines[] =
	"ARCH x86_64\n"
	"CPU 0 pid 1 rip=0xfff0\n"
	"CPU 1 pid 2 rip=0x1000\n"
	"NOTE QEMU 0 440\n"
	"NOTE QEMU 0 440\n"
	"EXTENT 0x0 655360\n"
	"EXTENT 0x100000 1048576\n"
	"SEGMENT 0x0 0x0 655360\n"
	"DATA 655360\n"
	"END 655360\n"
	"SEGMENT 0x100000 0x0 1048576\n"
	"DATA 1048576\n"
	"END 1048576\n";

static void test_qemu(void)
{
	build_qemu();
	check_lines(unpack("qemu.elf"), qemu_lines, __LINE__);
	CHECK(bytes_are(0, 0, 0xa0000));
	CHECK(bytes_are(0xa0000, 0x100000, 0x100000));
	CHECK(!warnings);
	check_lines(unpack_pipe(), qemu_lines, __LINE__);
}

/* ---- PN_XNUM ---- */

#define XNUM_LOADS 70000

/* 70000 PT_LOADs of 16 bytes, 64 KiB apart, one in a thousand (and the
 * last) in the file and the others zeros; section header 0, which holds
 * their count, after the program headers (as we and makedumpfile write
 * it) or before them (as QEMU does). */
static void build_xnum(bool sh_first)
{
	uint64_t count = XNUM_LOADS + 1, shoff = sh_first ? 64 : 64 + 56 * count;
	uint64_t phoff = sh_first ? 128 : 64, data = kdl_round_up(64 + 56 * count + 64, PAGE);
	uint8_t sh[64] = {0};

	begin_file(true);
	put_ehdr(&(struct ehdr){22, phoff, shoff, 64, 56, 0xffff, 64, 1});
	kdl_put64(sh + 32, 1, be);
	kdl_put32(sh + 44, (uint32_t)count, be);
	at(shoff, sh, sizeof(sh));
	put_phdr(phoff, &(struct phdr){4, data, 0, 0, put_vmcoreinfo(data), 0, 0});
	for (uint64_t i = 0; i < XNUM_LOADS; i++) {
		bool bytes = i % 1000 == 0 || i == XNUM_LOADS - 1;

		put_phdr(phoff + 56 * (i + 1), &(struct phdr){1, data + PAGE + 16 * i, i << 16, i << 16, bytes ? 16 : 0, 16, 0});
		if (bytes)
			put_mem(data + PAGE + 16 * i, i << 16, 16);
	}
}

static void check_xnum(char *lines, int line)
{
	static const char first[] = "SEGMENT 0x0 0x0 16\nDATA 16\nEND 16\nSEGMENT 0x10000 0x10000 16\nZERO 16\nEND 16\n";
	const char *segments = NULL;
	size_t n = 0, extents = 0;

	check_true(lines && !strncmp(lines, "ARCH s390x\nVMCOREINFO 30\nEXTENT 0x0 16\nEXTENT 0x10000 16\n", 56),
	           "the first extents", __FILE__, line);
	/* by hand: strstr under AddressSanitizer measures all that is left
	 * each time */
	for (const char *p = lines; p && *p; p++) {
		if (p != lines && p[-1] != '\n')
			continue;
		if (!strncmp(p, "SEGMENT ", 8) && !n++)
			segments = p;
		extents += !strncmp(p, "EXTENT ", 7);
	}
	check_eq(extents, XNUM_LOADS, "extents", "XNUM_LOADS", __FILE__, line);
	check_eq(n, XNUM_LOADS, "segments", "XNUM_LOADS", __FILE__, line);
	check_true(segments && !strncmp(segments, first, sizeof(first) - 1), "the first segments",
	           __FILE__, line);
	check_true(lines && strstr(lines, "SEGMENT 0x1116f0000 0x1116f0000 16\nDATA 16\nEND 16\n"),
	           "the last segment", __FILE__, line);
	free(lines);
	check_true(bytes_are(0, 0, 16) && bytes_are(16 * 69, (uint64_t)69000 << 16, 16) &&
	           bytes_are(16 * 70, (uint64_t)69999 << 16, 16) && unpacked_len == 16 * 71,
	           "its bytes", __FILE__, line);
}

static void test_xnum(void)
{
	build_xnum(false);
	check_xnum(unpack("xnum"), __LINE__);
	check_xnum(unpack_pipe(), __LINE__);
	build_xnum(true);
	check_xnum(unpack("xnum"), __LINE__);
	check_xnum(unpack_pipe(), __LINE__);
	/* no section header to hold the count */
	kdl_put64(file + 40, 0, be);
	check_fails(unpack("xnum"), KDL_ERR_CORRUPT,
	            "xnum: at byte 40: e_phnum is PN_XNUM, but e_shoff is 0: no section header 0 holds the count of program headers", __LINE__);
	kdl_put64(file + 40, 64, be);
	kdl_put16(file + 58, 40, be);
	check_fails(unpack("xnum"), KDL_ERR_CORRUPT,
	            "xnum: at byte 58: e_shentsize 40: not the 64 bytes of an ELF64 section header, where the count of program headers is", __LINE__);
	/* a count past the file */
	kdl_put16(file + 58, 64, be);
	kdl_put32(file + 64 + 44, 0x10000000, be);
	check_fails(unpack("xnum"), KDL_ERR_CORRUPT,
	            "xnum: at byte 108: 268435456 program headers: 15032385536 bytes at byte 128 run past the end of the file (5048064 bytes)", __LINE__);
}

/* ---- each architecture by e_machine and byte order ---- */

static void build_arch(uint16_t machine, bool big_endian, const struct kdl_arch *arch,
                       struct kdl_reg *regs, size_t nregs)
{
	size_t len;

	begin_file(big_endian);
	put_plain_ehdr(machine, 2);
	len = put_prstatus(0x1000, arch, 5, regs, nregs);
	len += put_vmcoreinfo(0x1000 + len);
	put_phdr(64, &(struct phdr){4, 0x1000, 0, 0, len, len, 0});
	put_phdr(120, &(struct phdr){1, 0x2000, 0x3000, 0x1000, 0x1000, 0x1000, 0});
	put_mem(0x2000, 0x1000, 0x1000);
}

static void test_arches(void)
{
	static const struct {
		uint16_t machine;
		bool be;
		const struct kdl_arch *arch;
		const char *reg, *line;
	} arches[] = {
		{62, false, &kdl_arch_x86_64, "rip", "ARCH x86_64\nCPU 0 pid 5 rip=0x1234\n"},
		{183, false, &kdl_arch_aarch64, "pc", "ARCH aarch64\nCPU 0 pid 5 pc=0x1234\n"},
		{22, true, &kdl_arch_s390x, "pswa", "ARCH s390x\nCPU 0 pid 5 pswa=0x1234\n"},
		{21, true, &kdl_arch_ppc64, "nip", "ARCH ppc64\nCPU 0 pid 5 nip=0x1234\n"},
		{21, false, &kdl_arch_ppc64le, "nip", "ARCH ppc64le\nCPU 0 pid 5 nip=0x1234\n"},
		{243, false, &kdl_arch_riscv64, "pc", "ARCH riscv64\nCPU 0 pid 5 pc=0x1234\n"},
	};

	for (size_t i = 0; i < KDL_ARRAY_SIZE(arches); i++) {
		struct kdl_reg reg = {arches[i].reg, 0x1234};
		char want[256];

		CHECK(kdl_arch_by_machine(arches[i].machine, arches[i].be) == arches[i].arch);
		build_arch(arches[i].machine, arches[i].be, arches[i].arch, &reg, 1);
		snprintf(want, sizeof(want), "%sVMCOREINFO 30\nEXTENT 0x1000 4096\nSEGMENT 0x1000 0x3000 4096\nDATA 4096\nEND 4096\n",
		         arches[i].line);
		check_lines(unpack("arch"), want, __LINE__);
		CHECK(bytes_are(0, 0x1000, 0x1000));
	}
	/* s390x is big-endian only; i386 is not read */
	CHECK(!kdl_arch_by_machine(22, false));
	build_arch(22, false, &kdl_arch_x86_64, NULL, 0);
	check_fails(unpack("arch"), KDL_ERR_UNSUPPORTED,
	            "arch: e_machine 22, little-endian: not an architecture known here (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)", __LINE__);
	build_arch(3, false, &kdl_arch_x86_64, NULL, 0);
	check_fails(unpack("arch"), KDL_ERR_UNSUPPORTED,
	            "arch: e_machine 3, little-endian: not an architecture known here (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64); QEMU names i386 when its vCPUs are not in 64-bit mode, as before a 64-bit kernel has booted", __LINE__);
}

/* ---- our own dumps ---- */

/* A dump the library writes reads back into records that pack into the
 * same file, byte for byte. */
static void test_our_own(void)
{
	static uint8_t mem[3 * PAGE + 100];
	struct kdl_reg regs[] = {{"pswa", 0x10000}, {"r15", 0x8000}};
	struct kdl_prstatus st = {.pid = 9};
	struct kdl_options opts;
	kdl_dump *d = kdl_dump_new(ctx, "s390x"), *again = kdl_dump_new(ctx, NULL);
	kdl_reader *r;
	size_t n;
	uint8_t *back;
	char *lines;
	int fd;

	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = byte_at(0x10000 + i);
	memset(mem + PAGE, 0, PAGE);
	kdl_options_init(&opts);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, vmcoreinfo, strlen(vmcoreinfo)), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &st, regs, 2), 0);
	CHECK_EQ(kdl_dump_add_note(d, "ACME", 0x100, "x", 1), 0);
	CHECK_EQ(kdl_dump_add_metadata(d, "host", "web-7"), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x10000, 0x10000, mem, sizeof(mem)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x20000, 0x30000, mem, PAGE), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_file("ours"), &opts, NULL), 0);
	lines = unpack_fd(open(scratch_file("ours"), O_RDONLY), "ours", NULL, NULL);
	check_lines(lines,
	            "ARCH s390x\n"
	            "CPU 0 pid 9 pswa=0x10000 r15=0x8000\n"
	            "VMCOREINFO 30\n"
	            "NOTE ACME 256 1\n"
	            "META KDUMPLING 1262767105 host=web-7\n"
	            "EXTENT 0x10000 12388\n"
	            "EXTENT 0x20000 4096\n"
	            "SEGMENT 0x10000 0x10000 12388\n"
	            "DATA 4096\n"
	            "ZERO 4096\n"
	            "DATA 4096\n"
	            "DATA 100\n"
	            "END 12388\n"
	            "SEGMENT 0x20000 0x30000 4096\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);
	fd = open(scratch_file("stream"), O_RDONLY);
	r = kdl_reader_new(ctx, fd, "stream");
	CHECK_EQ(kdl_pack_stream(again, r, scratch_file("again"), &opts, NULL), 0);
	kdl_reader_free(r);
	close(fd);
	CHECK(same_files("ours", "again"));
	/* and from a pipe */
	back = read_file(scratch_file("ours"), &n);
	if (CHECK(back && n <= FILE_MAX)) {
		memcpy(file, back, n);
		file_len = n;
		lines = unpack_pipe();
		CHECK(lines && !strncmp(lines, "ARCH s390x\nCPU 0 pid 9", 22));
		free(lines);
	}
	free(back);
	kdl_dump_free(d);
	kdl_dump_free(again);
}

/* ---- pipes ---- */

/* What a pipe cannot give: bytes before ones already passed, or twice. */
static void test_pipe_refusals(void)
{
	/* the memory before the notes */
	build_arch(62, false, &kdl_arch_x86_64, NULL, 0);
	put_phdr(64, &(struct phdr){4, 0x3000, 0, 0, put_vmcoreinfo(0x3000), 0, 0});
	check_lines(unpack("late-notes"),
	            "ARCH x86_64\nVMCOREINFO 30\nEXTENT 0x1000 4096\nSEGMENT 0x1000 0x3000 4096\nDATA 4096\nEND 4096\n", __LINE__);
	check_fails(unpack_pipe(), KDL_ERR_UNSUPPORTED,
	            "stdin: reading its PT_LOADs out of file order, or before its notes, which a pipe cannot give; save it to a file and read that", __LINE__);
	/* the notes before the headers' end */
	build_arch(62, false, &kdl_arch_x86_64, NULL, 0);
	put_phdr(64, &(struct phdr){4, 0, 0, 0, 8, 0, 0});
	check_fails(unpack_pipe(), KDL_ERR_UNSUPPORTED,
	            "stdin: reading its notes out of file order, which a pipe cannot give; save it to a file and read that", __LINE__);
	/* the same memory twice */
	build_vmcore();
	check_fails(unpack_pipe(), KDL_ERR_UNSUPPORTED,
	            "stdin: folding its overlapping PT_LOADs, which reads their bytes twice, which a pipe cannot give; save it to a file and read that", __LINE__);
}

/* ---- damage ---- */

static void test_truncated(void)
{
	struct kdl_unpack_options keep_going = {.keep_going = 1};
	uint64_t lost = 0;

	build_vmcore();
	file_len = 40;
	check_fails(unpack("cut"), KDL_ERR_CORRUPT,
	            "cut: truncated: it ends at byte 40, inside the ELF header", __LINE__);
	file_len = 200;
	check_fails(unpack("cut"), KDL_ERR_CORRUPT,
	            "cut: at byte 56: 4 program headers: 224 bytes at byte 64 run past the end of the file (200 bytes)", __LINE__);
	check_fails(unpack_pipe(), KDL_ERR_CORRUPT,
	            "stdin: truncated: it ends at byte 200, inside the program headers", __LINE__);
	file_len = 0x1100;
	check_fails(unpack("cut"), KDL_ERR_CORRUPT,
	            "cut: at byte 64: PT_NOTE 0: 444 bytes at byte 4096 run past the end of the file (4352 bytes)", __LINE__);
	/* a pipe, from which the notes are read before the memory is
	 * laid out (without the PT_LOAD that holds the text) */
	put_plain_ehdr(62, 3);
	check_fails(unpack_pipe(), KDL_ERR_CORRUPT,
	            "stdin: truncated: it ends at byte 4352, inside the notes of PT_NOTE 0", __LINE__);
	put_plain_ehdr(62, 4);
	file_len = 0xb1000 + 0x12345;
	check_fails(unpack("cut"), KDL_ERR_CORRUPT,
	            "cut: truncated: it ends at byte 799557, inside PT_LOAD 3 (phys 0x100000-0x280122, virt 0xffff888000100000), whose bytes run to byte 2298147", __LINE__);
	/* what is there, with --keep-going */
	check_lines(unpack_as("cut", &keep_going, &lost),
	            "ARCH x86_64\n"
	            "CPU 0 pid 42 rip=0xffffffff81000123 rsp=0xffffc90000003f00\n"
	            "VMCOREINFO 30\n"
	            "NOTE ACME 256 10\n"
	            /* the text's mapping is the packer's to cut to what is kept */
	            "ALIAS 0x200000 0xffffffff81000000 65536\n"
	            "SEGMENT 0x1000 0xffff888000001000 ?\n"
	            "DATA 647168\n"
	            "DATA 1024\n"
	            "END 648192\n"
	            "SEGMENT 0x100000 0xffff888000100000 ?\n"
	            "DATA 73728\n"
	            "DATA 837\n"
	            "END 74565\n", __LINE__);
	CHECK_EQ(lost, 0x180123 - 0x12345);
	CHECK(bytes_are(0x9e400, 0x100000, 0x12345));
	CHECK_STR(warnings,
	          "cut: PT_LOAD 1 (phys 0x200000-0x20ffff, virt 0xffffffff81000000) is the same memory as PT_LOAD 3: folded\n"
	          "cut: truncated: it ends at byte 799557, inside PT_LOAD 3 (phys 0x100000-0x280122, virt 0xffff888000100000), whose bytes run to byte 2298147; 1498590 bytes at 0x112345 left out\n");
	/* the text cut too, and the direct map not there at all: nothing
	 * of either is compared, and nothing is left */
	file_len = 0x2000 + 0x100;
	check_lines(unpack_as("cut", &keep_going, &lost),
	            "ARCH x86_64\n"
	            "CPU 0 pid 42 rip=0xffffffff81000123 rsp=0xffffc90000003f00\n"
	            "VMCOREINFO 30\n"
	            "NOTE ACME 256 10\n"
	            /* the text's mapping is the packer's to cut to what is kept */
	            "ALIAS 0x200000 0xffffffff81000000 65536\n", __LINE__);
	CHECK_EQ(lost, 0x9e400 + 0x180123);
	CHECK_STR(warnings,
	          "cut: PT_LOAD 1 (phys 0x200000-0x20ffff, virt 0xffffffff81000000) is the same memory as PT_LOAD 3: folded\n"
	          "cut: truncated: it ends at byte 8448, before PT_LOAD 2 (phys 0x1000-0x9f3ff, virt 0xffff888000001000), whose bytes are at byte 73728; 648192 bytes at 0x1000 left out\n"
	          "cut: truncated: it ends at byte 8448, before PT_LOAD 3 (phys 0x100000-0x280122, virt 0xffff888000100000), whose bytes are at byte 724992; 1573155 bytes at 0x100000 left out\n");
	/* a pipe: what ends early is known only when it ends */
	build_qemu();
	file_len = 0xa2000 + 0x5000;
	check_fails(unpack_pipe(), KDL_ERR_CORRUPT,
	            "stdin: truncated: it ends at byte 684032, inside a segment", __LINE__);
}

static void test_absurd_headers(void)
{
	build_vmcore();
	kdl_put16(file + 56, 0xfffe, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: at byte 56: 65534 program headers: 3669904 bytes at byte 64 run past the end of the file (2298147 bytes)", __LINE__);
	build_vmcore();
	kdl_put16(file + 54, 32, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: at byte 54: e_phentsize 32: not the 56 bytes of an ELF64 program header", __LINE__);
	/* a PT_LOAD whose bytes would be past the end */
	build_vmcore();
	kdl_put64(file + 176 + 8, 0x7fff0000, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: truncated: it ends at byte 2298147, before PT_LOAD 2 (phys 0x1000-0x9f3ff, virt 0xffff888000001000), whose bytes are at byte 2147418112", __LINE__);
	build_vmcore();
	kdl_put64(file + 176 + 8, UINT64_MAX - 10, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: at byte 176: PT_LOAD 2: 648192 bytes at byte 18446744073709551605 go past any file", __LINE__);
	build_vmcore();
	kdl_put64(file + 176 + 24, UINT64_MAX - 10, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: at byte 176: PT_LOAD 2: 648192 bytes at phys 0xfffffffffffffff5 go past the end of the address space", __LINE__);
	build_vmcore();
	kdl_put64(file + 176 + 40, 10, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: at byte 176: PT_LOAD 2: p_filesz 648192 is more than p_memsz 10", __LINE__);
	build_vmcore();
	kdl_put64(file + 64 + 32, (uint64_t)1 << 40, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: at byte 64: PT_NOTE 0: 1099511627776 bytes of notes, more than notes can be (67108864)", __LINE__);
	/* a note that runs past its PT_NOTE */
	build_vmcore();
	kdl_put64(file + 64 + 32, 400, be);
	check_fails(unpack("bad"), KDL_ERR_CORRUPT,
	            "bad: at byte 4452: a note of 56 bytes in the 44 left of the notes", __LINE__);
	/* not a core file, with --format elf */
	build_vmcore();
	kdl_put16(file + 16, 2, be);
	check_fails(unpack_as("bad", &(struct kdl_unpack_options){.format = "elf"}, NULL), KDL_ERR_CORRUPT,
	            "bad: at byte 16: e_type 2: an ELF file, but not a core file (type 4)", __LINE__);
	file[4] = 1;
	check_fails(unpack_as("bad", &(struct kdl_unpack_options){.format = "elf"}, NULL), KDL_ERR_CORRUPT,
	            "bad: at byte 0: not an ELF64 file", __LINE__);
}

int main(void)
{
	ctx = kdl_ctx_new();
	file = calloc(1, FILE_MAX);
	if (!CHECK(ctx && file))
		return 1;
	kdl_ctx_set_warn(ctx, collect_warnings, &warnings);
	test_vmcore();
	test_vmcore_that_differs();
	test_vmcore_from_pipe();
	test_several_notes();
	test_partial_overlap();
	test_folded_into_two();
	test_many_folds();
	test_kcore();
	test_no_physical_addresses();
	test_qemu();
	test_xnum();
	test_arches();
	test_our_own();
	test_pipe_refusals();
	test_truncated();
	test_absurd_headers();
	forget_warnings();
	free(unpacked_bytes);
	free(file);
	kdl_ctx_free(ctx);
	return check_done("input/elf");
}
