/* write/exclude.c: a dump built through the API, its memory a fake 6.1
 * kernel, written at dump levels above 1: the filter reads the dump's
 * own segments, and the kdump format leaves out what it decides, the
 * stats counting it; a VMCOREINFO without what the decision needs
 * refuses the level; ELF gets its PT_LOADs cut at runs of 256 pages or
 * more left out, as makedumpfile -E cuts them, and keeps shorter runs. */
#include "write-check.h"
#include "filter/filter-check.h"

#define NPFNS 0x2200u /* 34 MiB: the fake kernel's RAM, its struct pages last */

/* The fake kernel's memory as one buffer segment at 0, in the dump,
 * with its VMCOREINFO. */
static kdl_dump *dump_of(struct fake_kernel *k, uint8_t **mem)
{
	kdl_dump *dump = kdl_dump_new(ctx, "x86_64");
	size_t len;
	const char *text = fk_text(k, &len);

	*mem = malloc((size_t)NPFNS * FAKE_PAGE);
	if (!CHECK(dump) || !CHECK(*mem) ||
	    !CHECK_EQ(fake_read(&k->m, 0, *mem, (size_t)NPFNS * FAKE_PAGE), 0) ||
	    !CHECK_EQ(kdl_dump_add_segment_buffer(dump, 0, 0, *mem, (size_t)NPFNS * FAKE_PAGE), 0) ||
	    !CHECK_EQ(kdl_dump_set_vmcoreinfo(dump, text, len), 0)) {
		kdl_dump_free(dump);
		return NULL;
	}
	return dump;
}

/* The kernel: a free block of order 4 at 0x1000, a cache page at
 * 0x1100 and a user page at 0x1101, each page not zero. */
static void kernel(struct fake_kernel *k)
{
	fk_init(k, FAKE_EXTREME, 4, NPFNS);
	fk_page(k, 0x1000, 0, 0, BUDDY, 4);
	fk_page(k, 0x1100, PG_LRU, FILE_MAPPING, 0, 0);
	fk_page(k, 0x1101, 0, ANON_MAPPING, 0, 0);
	for (uint64_t pfn = 0x1000; pfn < 0x1102; pfn++)
		fake_put64(&k->m, pfn * FAKE_PAGE + 8, 0x5a5a5a5a);
}

static void test_levels(void)
{
	static const int levels[] = {2, 8, 16, 31};
	static const uint64_t want[][KDL_EXCLUDED_CLASSES] = {
		{1, 0, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}, {0, 0, 0, 16, 0, 0}, {1, 0, 1, 16, 0, 0}};
	struct fake_kernel k;
	struct kdl_options o;
	struct kdl_stats base, st;
	uint8_t *mem;
	kdl_dump *dump;

	kernel(&k);
	dump = dump_of(&k, &mem);
	if (!dump) {
		fake_free(&k.m);
		free(mem);
		return;
	}
	kdl_options_init(&o);
	o.format = "kdump";
	o.codec = "none";
	o.level = 0;
	o.has_timestamp = 1;
	CHECK_EQ(kdl_dump_write(dump, scratch_file("level1"), &o, &base), 0);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(levels); i++) {
		uint64_t left = 0, zero;

		o.dump_level = levels[i];
		if (!CHECK_EQ(kdl_dump_write(dump, scratch_file("level"), &o, &st), 0)) {
			fprintf(stderr, "  level %d: %s\n", levels[i], kdl_ctx_error(ctx));
			continue;
		}
		for (int c = 0; c < KDL_EXCLUDED_CLASSES; c++) {
			CHECK_EQ(st.pages_excluded[c], want[i][c]);
			left += want[i][c];
		}
		/* what is left out has no page in the file; zero pages are
		 * the shared one's only with bit 1, else stored */
		zero = levels[i] & 1 ? 0 : base.pages_zero;
		CHECK_EQ(st.pages_total, base.pages_total);
		CHECK_EQ(st.pages_dumped, base.pages_dumped + zero - left);
		CHECK_EQ(st.pages_zero, base.pages_zero - zero);
		CHECK_EQ(st.compressed_size, base.compressed_size + (zero - left) * FAKE_PAGE);
	}
	kdl_dump_free(dump);
	fake_free(&k.m);
	free(mem);
}

/* The PT_LOADs of an ELF file: phys, file size, a line each. */
static void loads(const char *path, char *out, size_t size)
{
	size_t len, used = 0;
	uint8_t *f = read_file(path, &len);
	uint16_t phnum = f && len > 64 ? (uint16_t)(f[56] | f[57] << 8) : 0;

	*out = 0;
	for (uint16_t i = 0; i < phnum && 64 + (size_t)(i + 1) * 56 <= len; i++) {
		const uint8_t *ph = f + 64 + (size_t)i * 56;

		if (kdl_get32le(ph) == 1)
			used += (size_t)snprintf(out + used, size - used, "%" PRIx64 " %" PRIx64 "\n",
			                         kdl_get64le(ph + 24), kdl_get64le(ph + 32));
	}
	free(f);
}

static void test_elf(void)
{
	struct fake_kernel k;
	struct kdl_options o;
	uint8_t *mem;
	kdl_dump *dump;
	char got[1024];

	/* a free block of 512 pages, cut out; one of 16, kept */
	fk_init(&k, FAKE_EXTREME, 4, NPFNS);
	fk_page(&k, 0x1000, 0, 0, BUDDY, 9);
	fk_page(&k, 0x1400, 0, 0, BUDDY, 4);
	dump = dump_of(&k, &mem);
	if (dump) {
		kdl_options_init(&o);
		o.dump_level = 16;
		if (CHECK_EQ(kdl_dump_write(dump, scratch_file("elf"), &o, NULL), 0)) {
			loads(scratch_file("elf"), got, sizeof(got));
			CHECK_STR(got, "0 1000000\n1200000 1000000\n");
		}
		/* the dump keeps its segments */
		CHECK_EQ(kdl_dump_write(dump, scratch_file("elf"), NULL, NULL), 0);
		loads(scratch_file("elf"), got, sizeof(got));
		CHECK_STR(got, "0 2200000\n");
		kdl_dump_free(dump);
	}
	fake_free(&k.m);
	free(mem);
}

static void test_refused(void)
{
	struct fake_kernel k;
	struct kdl_options o;
	uint8_t *mem;
	kdl_dump *dump;

	kernel(&k);
	fk_unset(&k, "OFFSET(page._mapcount)");
	dump = dump_of(&k, &mem);
	if (dump) {
		kdl_options_init(&o);
		o.format = "kdump";
		o.dump_level = 16;
		CHECK_EQ(kdl_dump_write(dump, scratch_file("refused"), &o, NULL), -1);
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
		CHECK_HAS(kdl_ctx_error(ctx), "OFFSET(page._mapcount)");
		CHECK(!exists(scratch_file("refused")));
		o.format = "elf";
		CHECK_EQ(kdl_dump_write(dump, scratch_file("refused"), &o, NULL), -1);
		CHECK_HAS(kdl_ctx_error(ctx), "OFFSET(page._mapcount)");
		CHECK(!exists(scratch_file("refused")));
		kdl_dump_free(dump);
	}
	fake_free(&k.m);
	free(mem);
}

int main(void)
{
	if (!write_setup())
		return 1;
	test_levels();
	test_elf();
	test_refused();
	kdl_ctx_free(ctx);
	return check_done("write/exclude");
}
