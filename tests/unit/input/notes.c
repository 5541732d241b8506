/* input/notes.c: ELF notes told as records: NT_PRSTATUS of CORE as CPUs,
 * numbered in order; VMCOREINFO without the NULs a producer pads it
 * with; every other note as it is; in either byte order; and a note that
 * does not fit named by its offset. */
#include "input-check.h"

static struct kdl_input in;

/* One note appended at *len: header in the byte order be, name with its
 * NUL, both padded to 4. */
static void add_note(uint8_t *buf, size_t *len, const char *name, uint32_t type,
                     const void *desc, size_t n, bool be)
{
	size_t namesz = strlen(name) + 1;

	kdl_put32(buf + *len, (uint32_t)namesz, be);
	kdl_put32(buf + *len + 4, (uint32_t)n, be);
	kdl_put32(buf + *len + 8, type, be);
	memset(buf + *len + 12, 0, kdl_round_up(namesz, 4) + kdl_round_up(n, 4));
	memcpy(buf + *len + 12, name, namesz);
	memcpy(buf + *len + 12 + kdl_round_up(namesz, 4), desc, n);
	*len += 12 + kdl_round_up(namesz, 4) + kdl_round_up(n, 4);
}

/* buf's notes told as records, then the lines they make. */
static char *notes_lines(const struct kdl_arch *arch, bool be, const uint8_t *buf,
                         size_t len, int want_ret)
{
	struct kdl_unpack_options none = {0};
	struct kdl_unpacker *u;
	kdl_writer *w;
	int fd;

	w = stream_to(&fd);
	u = kdl_unpacker_new(ctx, w, &none);
	CHECK_EQ(kdl_unpack_notes(u, &in, arch, be, buf, len, 0x1000), want_ret);
	kdl_unpacker_free(u);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(fd);
	return stream_lines();
}

static void encode(const struct kdl_arch *arch, uint32_t pid, struct kdl_reg *regs,
                   size_t n, uint8_t *desc)
{
	struct kdl_cpu cpu = {.status = {.pid = (int32_t)pid}, .regs = regs, .nregs = n};

	kdl_prstatus_encode(arch, &cpu, desc);
}

static void test_every_kind(void)
{
	static uint8_t buf[4096], desc[336];
	struct kdl_reg regs[] = {{"rip", 0xffffffff81000000}, {"rsp", 0x20}};
	size_t len = 0;
	char *lines;

	encode(&kdl_arch_x86_64, 1, regs, 2, desc);
	add_note(buf, &len, "CORE", 1, desc, sizeof(desc), false);
	encode(&kdl_arch_x86_64, 2, regs, 1, desc);
	add_note(buf, &len, "CORE", 1, desc, sizeof(desc), false);
	add_note(buf, &len, "VMCOREINFO", 0, "OSRELEASE=6.1.0\n\0\0\0", 19, false);
	add_note(buf, &len, "QEMU", 0, "\x01\x02\x03", 3, false);
	add_note(buf, &len, "CORE", 3, "prpsinfo", 8, false);
	lines = notes_lines(&kdl_arch_x86_64, false, buf, len, 0);
	CHECK_STR(lines,
	          "CPU 0 pid 1 rip=0xffffffff81000000 rsp=0x20\n"
	          "CPU 1 pid 2 rip=0xffffffff81000000\n"
	          "VMCOREINFO 16\n"
	          "NOTE QEMU 0 3\n"
	          "NOTE CORE 3 8\n");
	free(lines);
}

/* The header fields in the architecture's byte order, whatever be says. */
static void test_big_endian(void)
{
	static uint8_t buf[4096], desc[336];
	struct kdl_reg regs[] = {{"pswa", 0x123456}, {"r15", 0xf}};
	size_t len = 0;
	char *lines;

	encode(&kdl_arch_s390x, 9, regs, 2, desc);
	add_note(buf, &len, "CORE", 1, desc, sizeof(desc), true);
	add_note(buf, &len, "ACME", 0x4b444d00, "abc", 3, true);
	lines = notes_lines(&kdl_arch_s390x, false, buf, len, 0);
	CHECK_STR(lines, "CPU 0 pid 9 pswa=0x123456 r15=0xf\nNOTE ACME 1262767360 3\n");
	free(lines);
	/* no architecture: be tells the order; CPUs cannot be told */
	len = 0;
	add_note(buf, &len, "ACME", 5, "abc", 3, true);
	lines = notes_lines(NULL, true, buf, len, 0);
	CHECK_STR(lines, "NOTE ACME 5 3\n");
	free(lines);
	add_note(buf, &len, "CORE", 1, desc, sizeof(desc), true);
	lines = notes_lines(NULL, true, buf, len, -1);
	CHECK_STR(lines, "NOTE ACME 5 3\n");
	CHECK_STR(kdl_ctx_error(ctx), "dump: at byte 4120: NT_PRSTATUS of 336 bytes, and no architecture known for it");
	free(lines);
}

/* A note that does not fit, or a CPU of another size: the input's name,
 * the offset of the note and the problem. */
static void test_broken(void)
{
	static uint8_t buf[4096], desc[336];
	struct kdl_reg regs[] = {{"rip", 1}};
	size_t len = 0;
	char *lines;

	add_note(buf, &len, "ACME", 1, "abc", 3, false);
	lines = notes_lines(&kdl_arch_x86_64, false, buf, len - 1, -1);
	free(lines);
	CHECK_STR(kdl_ctx_error(ctx), "dump: at byte 4096: a note of 24 bytes in the 23 left of the notes");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	lines = notes_lines(&kdl_arch_x86_64, false, buf, len + 8, -1);
	free(lines);
	CHECK_STR(kdl_ctx_error(ctx), "dump: at byte 4120: a note header cut short (8 of 12 bytes)");
	encode(&kdl_arch_x86_64, 1, regs, 1, desc);
	len = 0;
	add_note(buf, &len, "ACME", 1, "abc", 3, false);
	add_note(buf, &len, "CORE", 1, desc, 200, false);
	lines = notes_lines(&kdl_arch_x86_64, false, buf, len, -1);
	free(lines);
	CHECK_STR(kdl_ctx_error(ctx), "dump: at byte 4120: NT_PRSTATUS of 200 bytes: x86_64's has 336");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	len = 0;
	add_note(buf, &len, "CORE", 1, desc, sizeof(desc), false);
	lines = notes_lines(NULL, false, buf, len, -1);
	free(lines);
	CHECK_STR(kdl_ctx_error(ctx), "dump: at byte 4096: NT_PRSTATUS of 336 bytes, and no architecture known for it");
}

/* Bytes of NT_PRSTATUS the stream cannot carry are said to be dropped. */
static void test_dropped(void)
{
	static uint8_t buf[4096], desc[336];
	struct kdl_reg regs[] = {{"rip", 1}};
	char *warned = NULL, *lines;
	size_t len = 0;

	encode(&kdl_arch_x86_64, 1, regs, 1, desc);
	desc[16] = 0xff; /* pr_sigpend */
	add_note(buf, &len, "CORE", 1, desc, sizeof(desc), false);
	kdl_ctx_set_warn(ctx, collect_warnings, &warned);
	lines = notes_lines(&kdl_arch_x86_64, false, buf, len, 0);
	kdl_ctx_set_warn(ctx, NULL, NULL);
	CHECK_STR(lines, "CPU 0 pid 1 rip=0x1\n");
	CHECK_STR(warned, "dump: CPU 0: NT_PRSTATUS has bytes the stream does not carry (pr_sigpend, pr_sighold, pr_fpvalid or slots no register names); they are left out\n");
	free(lines);
	free(warned);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	kdl_input_init(&in, ctx, "dump", NULL, NULL, true, KDL_LENGTH_UNKNOWN);
	test_every_kind();
	test_big_endian();
	test_broken();
	test_dropped();
	free(unpacked_bytes);
	kdl_ctx_free(ctx);
	return check_done("input/notes");
}
