/* model/vmcoreinfo.c: the text checked and normalized, keys looked up. */
#include <stdlib.h>

#include "check.h"
#include "model/model.h"

static kdl_ctx *ctx;
static char warned[8][256];
static int warnings;

static void collect(void *arg, const char *message)
{
	(void)arg;
	if (warnings < 8)
		snprintf(warned[warnings], sizeof(warned[0]), "%s", message);
	warnings++;
}

#define GOOD "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n"

static char *normalize(const char *text, size_t *len)
{
	warnings = 0;
	return kdl_vmcoreinfo_normalize(ctx, text, strlen(text), len);
}

static void test_newline_added_once(void)
{
	size_t len = 0;
	char *out;

	out = normalize("OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000", &len);
	if (CHECK(out)) {
		CHECK_EQ(len, strlen(GOOD));
		CHECK_MEM(out, GOOD, strlen(GOOD));
	}
	CHECK_EQ(warnings, 0);
	free(out);

	out = normalize(GOOD, &len);
	if (CHECK(out)) {
		CHECK_EQ(len, strlen(GOOD));
		CHECK_MEM(out, GOOD, len);
	}
	CHECK_EQ(warnings, 0);
	free(out);

	out = normalize(GOOD "CRASHTIME=1700000000", &len);
	if (CHECK(out)) {
		CHECK_EQ(len, strlen(GOOD "CRASHTIME=1700000000\n"));
		CHECK_MEM(out, GOOD "CRASHTIME=1700000000\n", len);
	}
	free(out);
}

static void test_warnings_for_readers(void)
{
	size_t len;
	char *out;

	out = normalize("NUMBER(phys_base)=0\n", &len);
	CHECK(out != NULL);
	free(out);
	CHECK_EQ(warnings, 3);
	CHECK_STR(warned[0], "vmcoreinfo has no OSRELEASE: drgn will not open the dump");
	CHECK_STR(warned[1], "vmcoreinfo has no PAGESIZE: drgn will not open the dump");
	CHECK_STR(warned[2], "vmcoreinfo has no SYMBOL(swapper_pg_dir): drgn will not open the dump");

	out = normalize("OSRELEASE=6.1.0\nPAGESIZE=0x1000\nSYMBOL(swapper_pg_dir)=1\n", &len);
	CHECK(out != NULL);
	free(out);
	CHECK_EQ(warnings, 1);
	CHECK_STR(warned[0], "vmcoreinfo PAGESIZE=0x1000 is not decimal: libkdumpfile ignores it");

	out = normalize("OSRELEASE=6.1.0\nPAGESIZE=\nSYMBOL(swapper_pg_dir)=1", &len);
	CHECK(out != NULL);
	free(out);
	CHECK_EQ(warnings, 1);
	CHECK_STR(warned[0], "vmcoreinfo PAGESIZE= is not decimal: libkdumpfile ignores it");

	/* a key inside a longer key is not the key */
	out = normalize("XOSRELEASE=1\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=1\n", &len);
	free(out);
	CHECK_EQ(warnings, 1);
	CHECK_STR(warned[0], "vmcoreinfo has no OSRELEASE: drgn will not open the dump");

	/* warnings are advice: without a callback they go nowhere */
	kdl_ctx_set_warn(ctx, NULL, NULL);
	out = normalize("NUMBER(phys_base)=0\n", &len);
	CHECK(out != NULL);
	CHECK_EQ(warnings, 0);
	free(out);
	kdl_ctx_set_warn(ctx, collect, NULL);
}

static void test_rejected(void)
{
	size_t len;

	CHECK(normalize("OSRELEASE=6.1.0\nnot a pair\n", &len) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "vmcoreinfo line 2 is not KEY=VALUE: 'not a pair'");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(normalize("=value\n", &len) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "vmcoreinfo line 1 is not KEY=VALUE: '=value'");
	CHECK(normalize("A=1\n\nB=2\n", &len) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "vmcoreinfo line 2 is not KEY=VALUE: ''");
	CHECK(kdl_vmcoreinfo_normalize(ctx, "A=1\0B=2\n", 8, &len) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "vmcoreinfo contains a NUL byte: it must be text");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	/* a long line is quoted in part */
	CHECK(normalize("OSRELEASE=1\n0123456789012345678901234567890123456789012345678901234567890123456789\n", &len) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "vmcoreinfo line 2 is not KEY=VALUE: '012345678901234567890123456789012345678901234567890123456789'");
	/* what is refused is not warned about */
	CHECK_EQ(warnings, 0);
}

static void test_get(void)
{
	const char *text = "OSRELEASE=6.1.0\nPAGESIZE2=1\nPAGESIZE=4096\nSYMBOL(x)=ff\nEMPTY=\nLAST=end";
	size_t tl = strlen(text), len = 99;
	const char *v;

	v = kdl_vmcoreinfo_get(text, tl, "PAGESIZE", &len);
	if (CHECK(v)) {
		CHECK_EQ(len, 4);
		CHECK_MEM(v, "4096", 4);
	}
	v = kdl_vmcoreinfo_get(text, tl, "SYMBOL(x)", &len);
	if (CHECK(v)) {
		CHECK_EQ(len, 2);
		CHECK_MEM(v, "ff", 2);
	}
	v = kdl_vmcoreinfo_get(text, tl, "EMPTY", &len);
	if (CHECK(v))
		CHECK_EQ(len, 0);
	v = kdl_vmcoreinfo_get(text, tl, "LAST", &len);
	if (CHECK(v)) {
		CHECK_EQ(len, 3);
		CHECK_MEM(v, "end", 3);
	}
	CHECK(kdl_vmcoreinfo_get(text, tl, "PAGE", &len) == NULL);
	CHECK(kdl_vmcoreinfo_get(text, tl, "6.1.0", &len) == NULL);
	CHECK(kdl_vmcoreinfo_get(text, 0, "OSRELEASE", &len) == NULL);
	/* only the bytes given count */
	CHECK(kdl_vmcoreinfo_get(text, 12, "OSRELEASE", &len) != NULL);
	CHECK_EQ(len, 2);
}

static void test_page_size_valid(void)
{
	/* the block sizes libkdumpfile accepts */
	CHECK(kdl_page_size_valid(4096));
	CHECK(kdl_page_size_valid(8192));
	CHECK(kdl_page_size_valid(65536));
	CHECK(kdl_page_size_valid(262144));
	CHECK(!kdl_page_size_valid(0));
	CHECK(!kdl_page_size_valid(2048));
	CHECK(!kdl_page_size_valid(4095));
	CHECK(!kdl_page_size_valid(12288));
	CHECK(!kdl_page_size_valid(524288));
	CHECK(!kdl_page_size_valid(UINT32_MAX));
	CHECK(!kdl_page_size_valid(0x80000000u));
}

static uint32_t page_size_of(const char *text)
{
	return kdl_vmcoreinfo_page_size(text, strlen(text));
}

static void test_page_size_from_text(void)
{
	/* only a decimal page size the readers take counts */
	CHECK_EQ(page_size_of("PAGESIZE=65536\n"), 65536);
	CHECK_EQ(page_size_of("OSRELEASE=1\nPAGESIZE=16384"), 16384);
	CHECK_EQ(page_size_of("PAGESIZE=262144\n"), 262144);
	CHECK_EQ(page_size_of("PAGESIZE=524288\n"), 0);
	CHECK_EQ(page_size_of("PAGESIZE=1024\n"), 0);
	CHECK_EQ(page_size_of("PAGESIZE=0x10000\n"), 0);
	CHECK_EQ(page_size_of("PAGESIZE=512\n"), 0);
	CHECK_EQ(page_size_of("PAGESIZE=12288\n"), 0);
	CHECK_EQ(page_size_of("PAGESIZE=4096x\n"), 0);
	/* 2^32 + 4096 would wrap to a valid size in 32 bits */
	CHECK_EQ(page_size_of("PAGESIZE=4294971392\n"), 0);
	CHECK_EQ(page_size_of("PAGESIZE=4294967296\n"), 0);
	CHECK_EQ(page_size_of("PAGESIZE=\n"), 0);
	CHECK_EQ(page_size_of("OSRELEASE=1\n"), 0);
	CHECK_EQ(page_size_of("XPAGESIZE=4096\n"), 0);
	/* the bytes given, not the string's end */
	CHECK_EQ(kdl_vmcoreinfo_page_size("PAGESIZE=65536", 13), 0);
	CHECK_EQ(kdl_vmcoreinfo_page_size("PAGESIZE=8192", 13), 8192);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	kdl_ctx_set_warn(ctx, collect, NULL);
	test_newline_added_once();
	test_warnings_for_readers();
	test_rejected();
	test_get();
	test_page_size_valid();
	test_page_size_from_text();
	kdl_ctx_free(ctx);
	return check_done("model/vmcoreinfo");
}
