/* format/format.c: the table of output formats, found by name, listed,
 * defaulted, and each with the ops a job drives. */
#include <stdlib.h>

#include "check.h"
#include "format/format.h"

static kdl_ctx *ctx;

static void test_find(void)
{
	CHECK(kdl_format_find("elf") == &kdl_format_elf);
	CHECK(kdl_format_find("kdump") == &kdl_format_kdump);
	/* names are exact */
	CHECK(kdl_format_find("ELF") == NULL);
	CHECK(kdl_format_find("flat") == NULL);
	CHECK(kdl_format_find("") == NULL);
	CHECK(kdl_format_default() == &kdl_format_elf);
}

static void test_registry(void)
{
	char *names = kdl_names(&kdl_formats);

	CHECK_STR(names, "elf kdump");
	free(names);
	CHECK(kdl_entry_at(&kdl_formats, 0) == &kdl_format_elf.info);
	CHECK(kdl_entry_at(&kdl_formats, 1) == &kdl_format_kdump.info);
	CHECK(kdl_entry_at(&kdl_formats, 2) == NULL);
	CHECK(kdl_entry_default(&kdl_formats) == &kdl_format_elf.info);
	CHECK(kdl_lookup(ctx, &kdl_formats, "kdump") == &kdl_format_kdump.info);
	CHECK(kdl_lookup(ctx, &kdl_formats, "flat") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format 'flat' (known: elf kdump)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(kdl_lookup(ctx, &kdl_formats, "ELF") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format 'ELF' (known: elf kdump)");
}

/* What a job calls without asking, every format has; only ELF moves
 * what it wrote, so only ELF needs a file of its own. */
static void test_ops(void)
{
	for (size_t i = 0; kdl_entry_at(&kdl_formats, i); i++) {
		const struct kdl_format_ops *f =
			(const struct kdl_format_ops *)kdl_entry_at(&kdl_formats, i);
		bool elf = f == &kdl_format_elf;

		CHECK(f == kdl_format_find(f->info.name));
		CHECK(f->info.summary && *f->info.summary);
		CHECK(f->info.alias == NULL);
		CHECK(!f->info.has_levels);
		CHECK_EQ(f->info.is_default, elf);
		CHECK(f->bytes != NULL);
		CHECK(f->finish != NULL);
		CHECK(f->estimate != NULL);
		CHECK(f->priv_size > 0);
		CHECK_EQ(f->needs_file, elf);
	}
	CHECK_STR(kdl_format_elf.info.name, "elf");
	CHECK_STR(kdl_format_kdump.info.name, "kdump");
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_find();
	test_registry();
	test_ops();
	kdl_ctx_free(ctx);
	return check_done("format/format");
}
