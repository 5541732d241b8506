/* input/input.c: the table of input formats, each told by its magic;
 * and kdl_unpack, which refuses what it cannot read before reading it. */
#include "input-check.h"

static void test_table(void)
{
	static const char *const names[] = {"elf", "kdump", "flat", "lime", "avml"};
	const struct kdl_entry *e;
	char *list = kdl_names(&kdl_inputs);
	size_t i = 0;

	CHECK_STR(list, "elf kdump flat lime avml");
	free(list);
	for (; (e = kdl_entry_at(&kdl_inputs, i)); i++) {
		const struct kdl_input_ops *ops = (const struct kdl_input_ops *)e;

		CHECK_STR(e->name, names[i]);
		CHECK(e->summary && *e->summary);
		CHECK(ops->probe && ops->unpack);
		CHECK(kdl_input_find(names[i]) == ops);
		/* only kdump's --split parts come several at a time */
		CHECK_EQ(ops->takes_parts, !strcmp(names[i], "kdump"));
	}
	CHECK_EQ(i, 5);
	CHECK(kdl_lookup(ctx, &kdl_inputs, "qcow2") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown input format 'qcow2' (known: elf kdump flat lime avml)");
}

/* Each format by its first bytes, and nothing else taken for one. */
static void test_detect(void)
{
	uint8_t elf[64] = "\x7f" "ELF\x02\x01\x01", elf_be[64] = "\x7f" "ELF\x02\x02\x01";
	uint8_t flat[4096] = "makedumpfile", lime[32], avml[32];

	kdl_put16(elf + 16, 4, false);
	kdl_put16(elf_be + 16, 4, true);
	kdl_put64(flat + 16, 1, true);
	kdl_put32(lime, 0x4C694D45, false);
	kdl_put32(lime + 4, 1, false);
	kdl_put32(avml, 0x4C4D5641, false);
	kdl_put32(avml + 4, 2, false);
	CHECK_STR(kdl_input_detect(elf, sizeof(elf))->name, "elf");
	CHECK_STR(kdl_input_detect(elf_be, sizeof(elf_be))->name, "elf");
	CHECK_STR(kdl_input_detect("KDUMP   \x06", 9)->name, "kdump");
	CHECK_STR(kdl_input_detect("DISKDUMP", 8)->name, "kdump");
	CHECK_STR(kdl_input_detect(flat, sizeof(flat))->name, "flat");
	CHECK_STR(kdl_input_detect(lime, sizeof(lime))->name, "lime");
	CHECK_STR(kdl_input_detect(avml, sizeof(avml))->name, "avml");
	/* an ELF file that is no core, a 32-bit one, too short a head */
	kdl_put16(elf + 16, 2, false);
	CHECK(kdl_input_detect(elf, sizeof(elf)) == NULL);
	CHECK(kdl_input_detect("\x7f" "ELF\x01\x01\x01\0\0\0\0\0\0\0\0\0\x04\0", 18) == NULL);
	CHECK(kdl_input_detect("KDUMP", 5) == NULL);
	/* a LiME version it does not read, the raw memory of a capture */
	kdl_put32(lime + 4, 2, false);
	CHECK(kdl_input_detect(lime, sizeof(lime)) == NULL);
	CHECK(kdl_input_detect("\0\0\0\0\0\0\0\0", 8) == NULL);
	CHECK(kdl_input_detect("", 0) == NULL);
}

static int file_of(const char *name, const void *data, size_t n)
{
	if (write_file(scratch_file(name), data, n))
		return -1;
	return open(scratch_file(name), O_RDONLY);
}

static int unpack(const int *fds, const char *const *names, size_t n,
                  const struct kdl_unpack_options *opts)
{
	int fd, ret;
	kdl_writer *w = stream_to(&fd);

	ret = kdl_unpack(ctx, w, fds, names, n, opts, NULL);
	kdl_writer_free(w);
	close(fd);
	return ret;
}

/* What the driver refuses before any format reads a byte. */
static void test_refusals(void)
{
	uint8_t elf[64] = "\x7f" "ELF\x02\x01\x01";
	int fds[2];
	const char *names[] = {"a", "b"};
	struct kdl_unpack_options named = {.format = "zip"};

	kdl_put16(elf + 16, 4, false);
	fds[0] = file_of("a", "raw memory, no magic", 20);
	fds[1] = file_of("b", elf, sizeof(elf));
	if (!CHECK(fds[0] >= 0 && fds[1] >= 0))
		return;
	CHECK_EQ(unpack(fds, names, 0, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "nothing to read");
	CHECK_EQ(unpack(fds, names, 1, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a: not a dump or capture that can be read (known: elf kdump flat lime avml); raw memory goes through vmc-seg");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_EQ(unpack(fds, names, 1, &named), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown input format 'zip' (known: elf kdump flat lime avml)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	close(fds[0]);
	fds[0] = file_of("a", "KDUMP   ", 8);
	CHECK_EQ(unpack(fds, names, 2, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a is kdump and b is elf: the files read together are parts of one dump");
	close(fds[0]);
	fds[0] = file_of("a", elf, sizeof(elf));
	CHECK_EQ(unpack(fds, names, 2, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "the elf format is read one file at a time");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_table();
	test_detect();
	test_refusals();
	free(unpacked_bytes);
	kdl_ctx_free(ctx);
	return check_done("input/input");
}
