/* base/registry.c: tables of named entries, shown on the library's own
 * tables of architectures, codecs and formats: their order, names and
 * aliases, their one default, and the message for a name none has. */
#include <stdlib.h>

#include "arch/arch.h"
#include "base/base.h"
#include "check.h"
#include "codec/codec.h"
#include "format/format.h"

static kdl_ctx *ctx;

/* The names as kdl_entry_at gives them, in table order, and that the
 * table ends there. */
static void check_order(const kdl_registry *reg, const char *const *names,
                        size_t n, int line)
{
	for (size_t i = 0; i < n; i++) {
		const struct kdl_entry *e = kdl_entry_at(reg, i);

		check_str(e ? e->name : NULL, names[i], "entry", names[i], __FILE__, line);
	}
	check_true(kdl_entry_at(reg, n) == NULL, "past the last", __FILE__, line);
	check_true(kdl_entry_at(reg, SIZE_MAX) == NULL, "far past", __FILE__, line);
}

static void check_one_default(const kdl_registry *reg, const char *name,
                              int line)
{
	const struct kdl_entry *e, *def = kdl_entry_default(reg);
	int defaults = 0;

	for (size_t i = 0; (e = kdl_entry_at(reg, i)); i++)
		defaults += e->is_default != 0;
	check_eq((uint64_t)defaults, 1, "defaults", "1", __FILE__, line);
	check_str(def ? def->name : NULL, name, "default", name, __FILE__, line);
	check_true(def && def->is_default, "is_default", __FILE__, line);
}

static void check_names(const kdl_registry *reg, const char *want, int line)
{
	char *s = kdl_names(reg);

	check_str(s, want, "kdl_names", want, __FILE__, line);
	free(s);
}

static void test_arches(void)
{
	static const char *const names[] = {"x86_64", "aarch64", "s390x",
	                                    "ppc64", "ppc64le", "riscv64"};

	check_order(&kdl_arches, names, KDL_ARRAY_SIZE(names), __LINE__);
	check_names(&kdl_arches, "x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64", __LINE__);
	check_one_default(&kdl_arches, "x86_64", __LINE__);
	/* the entry is the variant's own */
	CHECK(kdl_registry_find(&kdl_arches, "x86_64") == &kdl_arch_x86_64.info);
	CHECK(kdl_registry_find(&kdl_arches, "aarch64") == &kdl_arch_aarch64.info);
	CHECK(kdl_registry_find(&kdl_arches, "arm64") == &kdl_arch_aarch64.info);
	CHECK(kdl_registry_find(&kdl_arches, "riscv64") == &kdl_arch_riscv64.info);
	CHECK_STR(kdl_arch_aarch64.info.alias, "arm64");
	CHECK(kdl_arch_x86_64.info.alias == NULL);
	/* exactly as spelled */
	CHECK(kdl_registry_find(&kdl_arches, "X86_64") == NULL);
	CHECK(kdl_registry_find(&kdl_arches, "ARM64") == NULL);
	CHECK(kdl_registry_find(&kdl_arches, "amd64") == NULL);
	CHECK(kdl_registry_find(&kdl_arches, "x86") == NULL);
	CHECK(kdl_registry_find(&kdl_arches, "") == NULL);
}

static void test_codecs(void)
{
	static const char *const names[] = {"none", "zlib", "lzo", "snappy", "zstd"};

	check_order(&kdl_codecs, names, KDL_ARRAY_SIZE(names), __LINE__);
	check_names(&kdl_codecs, "none zlib lzo snappy zstd", __LINE__);
	check_one_default(&kdl_codecs, "zlib", __LINE__);
	CHECK(kdl_registry_find(&kdl_codecs, "zstd") == &kdl_codec_zstd.info);
	CHECK(kdl_registry_find(&kdl_codecs, "none") == &kdl_codec_none.info);
	CHECK(kdl_registry_find(&kdl_codecs, "gzip") == NULL);
	CHECK(kdl_registry_find(&kdl_codecs, "ZLIB") == NULL);
}

static void test_formats(void)
{
	static const char *const names[] = {"elf", "kdump"};

	check_order(&kdl_formats, names, KDL_ARRAY_SIZE(names), __LINE__);
	check_names(&kdl_formats, "elf kdump", __LINE__);
	check_one_default(&kdl_formats, "elf", __LINE__);
	CHECK(kdl_registry_find(&kdl_formats, "elf") == &kdl_format_elf.info);
	CHECK(kdl_registry_find(&kdl_formats, "kdump") == &kdl_format_kdump.info);
	CHECK(kdl_registry_find(&kdl_formats, "ELF") == NULL);
	/* flattened is a way of writing either, not a format */
	CHECK(kdl_registry_find(&kdl_formats, "flat") == NULL);
}

static void test_lookup(void)
{
	CHECK(kdl_lookup(ctx, &kdl_arches, "arm64") == &kdl_arch_aarch64.info);
	CHECK(kdl_lookup(ctx, &kdl_codecs, "lzo") == &kdl_codec_lzo.info);
	CHECK(kdl_lookup(ctx, &kdl_formats, "kdump") == &kdl_format_kdump.info);
	/* what is found is no failure */
	CHECK_STR(kdl_ctx_error(ctx), "");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_OK);

	CHECK(kdl_lookup(ctx, &kdl_arches, "amd64") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown architecture 'amd64' (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(kdl_lookup(ctx, &kdl_codecs, "gzip") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown compression 'gzip' (known: none zlib lzo snappy zstd)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(kdl_lookup(ctx, &kdl_formats, "flat") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format 'flat' (known: elf kdump)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(kdl_lookup(ctx, &kdl_formats, "") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format '' (known: elf kdump)");
}

/* A table that names no default takes its first entry. */
static void test_no_default(void)
{
	static const struct kdl_entry a = {.name = "a", .alias = "first"},
	                              b = {.name = "b"};
	static const struct kdl_entry *const entries[] = {&a, &b};
	const struct kdl_registry reg = {"letter", entries, 2};

	CHECK(kdl_entry_default(&reg) == &a);
	CHECK(kdl_registry_find(&reg, "first") == &a);
	CHECK(kdl_registry_find(&reg, "b") == &b);
	check_names(&reg, "a (first) b", __LINE__);
	CHECK(kdl_lookup(ctx, &reg, "c") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown letter 'c' (known: a (first) b)");
}

/* An empty table finds nothing and names nothing. */
static void test_empty(void)
{
	const struct kdl_registry reg = {"thing", NULL, 0};

	CHECK(kdl_entry_at(&reg, 0) == NULL);
	CHECK(kdl_registry_find(&reg, "x") == NULL);
	check_names(&reg, "", __LINE__);
	CHECK(kdl_lookup(ctx, &reg, "x") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown thing 'x' (known: )");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_arches();
	test_codecs();
	test_formats();
	test_lookup();
	test_no_default();
	test_empty();
	kdl_ctx_free(ctx);
	return check_done("base/registry");
}
