/* format/page-list.c: the kdump format's page list, added to in any
 * order and read back in page order, in memory or, beyond a run, merged
 * from sorted runs in a scratch file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "format/format.h"

static kdl_ctx *ctx;
static struct kdl_out out;

static struct kdl_page_entry entry(uint64_t pfn, uint64_t off)
{
	struct kdl_page_entry e = {.pfn = pfn, .off = off, .size = (uint32_t)(pfn % 4096),
	                           .flags = (uint32_t)off};

	return e;
}

static int add(struct kdl_page_list *l, uint64_t pfn, uint64_t off)
{
	struct kdl_page_entry e = entry(pfn, off);

	return kdl_page_list_add(l, &e);
}

/* Every entry of l in page order, each pfn the one before plus one, from
 * first; their number. */
static uint64_t read_back(struct kdl_page_list *l, uint64_t first, bool *ok)
{
	struct kdl_page_cursor c;
	struct kdl_page_entry e;
	uint64_t n = 0;
	int got;

	*ok = CHECK_EQ(kdl_page_cursor_open(&c, l), 0);
	if (!*ok)
		return 0;
	while ((got = kdl_page_cursor_next(&c, &e)) > 0) {
		*ok &= CHECK_EQ(e.pfn, first + n) && CHECK_EQ(e.size, e.pfn % 4096);
		n++;
	}
	*ok &= CHECK_EQ(got, 0);
	kdl_page_cursor_close(&c);
	return n;
}

static void test_in_memory(void)
{
	static const uint64_t pfns[] = {7, 3, 5, 4, 6};
	struct kdl_page_list l;
	bool ok;

	if (!CHECK_EQ(kdl_page_list_init(&l, ctx, &out, 8), 0))
		return;
	CHECK(kdl_page_list_last(&l) == NULL);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(pfns); i++)
		CHECK_EQ(add(&l, pfns[i], i), 0);
	CHECK_EQ(kdl_page_list_last(&l)->pfn, 6);
	CHECK_EQ(read_back(&l, 3, &ok), 5);
	/* a run's worth needs no file */
	CHECK_EQ(l.fd, -1);
	CHECK_EQ(l.nruns, 0);
	kdl_page_list_free(&l);
}

/* 1000 entries in a scrambled order, runs of 4: 249 runs in the file,
 * the last in memory, all merged back in order. */
static void test_spilled(void)
{
	struct kdl_page_list l;
	struct kdl_page_entry *last;
	bool ok;

	if (!CHECK_EQ(kdl_page_list_init(&l, ctx, &out, 4), 0))
		return;
	for (uint64_t i = 0; i < 1000; i++)
		CHECK_EQ(add(&l, i * 7919 % 1000 + 100, i), 0);
	CHECK_EQ(l.nruns, 249);
	CHECK(l.fd >= 0);
	CHECK_EQ(l.count, 1000);
	/* the last one stays in memory, to be changed in place */
	last = kdl_page_list_last(&l);
	CHECK(last && last->pfn == 999 * 7919 % 1000 + 100);
	CHECK_EQ(read_back(&l, 100, &ok), 1000);
	/* read again: the file is read, not used up */
	CHECK_EQ(read_back(&l, 100, &ok), 1000);
	kdl_page_list_free(&l);
	CHECK_EQ(l.fd, -1);
	/* freeing twice, or what was never set up, does nothing */
	kdl_page_list_free(&l);
}

/* Entries for the same page, in two runs, come one after the other, for
 * the format to merge or refuse. */
static void test_same_page_twice(void)
{
	struct kdl_page_list l;
	struct kdl_page_cursor c;
	struct kdl_page_entry e[3];

	if (!CHECK_EQ(kdl_page_list_init(&l, ctx, &out, 2), 0))
		return;
	CHECK_EQ(add(&l, 9, 1), 0);
	CHECK_EQ(add(&l, 2, 2), 0);
	CHECK_EQ(add(&l, 9, 3), 0);
	if (CHECK_EQ(kdl_page_cursor_open(&c, &l), 0)) {
		for (int i = 0; i < 3; i++)
			CHECK_EQ(kdl_page_cursor_next(&c, &e[i]), 1);
		CHECK_EQ(kdl_page_cursor_next(&c, &e[0]), 0);
		CHECK_EQ(e[0].pfn, 2);
		CHECK(e[1].pfn == 9 && e[2].pfn == 9 && e[1].off + e[2].off == 4);
		kdl_page_cursor_close(&c);
	}
	kdl_page_list_free(&l);
}

static void test_empty(void)
{
	struct kdl_page_list l;
	bool ok;

	if (!CHECK_EQ(kdl_page_list_init(&l, ctx, &out, 4), 0))
		return;
	CHECK_EQ(read_back(&l, 0, &ok), 0);
	kdl_page_list_free(&l);
}

/* The scratch file cannot be made: the run that does not fit fails with
 * the message of the output's scratch file, and nothing is lost of what
 * the list took before. */
static void test_no_scratch(void)
{
	char dir[4096], path[4096 + 8];
	struct kdl_out gone;
	struct kdl_page_list l;
	bool ok;

	snprintf(dir, sizeof(dir), "%s", scratch_file("gone"));
	snprintf(path, sizeof(path), "%s/vmcore", dir);
	if (!CHECK_EQ(mkdir(dir, 0700), 0) ||
	    !CHECK_EQ(kdl_out_open(ctx, &gone, path, false, NULL, 0600), 0))
		return;
	CHECK_EQ(rmdir(dir), 0);
	if (CHECK_EQ(kdl_page_list_init(&l, ctx, &gone, 2), 0)) {
		CHECK_EQ(add(&l, 1, 1), 0);
		CHECK_EQ(add(&l, 2, 2), 0);
		CHECK_EQ(add(&l, 3, 3), -1);
		CHECK_HAS(kdl_ctx_error(ctx), "scratch");
		CHECK_EQ(read_back(&l, 1, &ok), 2);
		kdl_page_list_free(&l);
	}
	kdl_out_abort(&gone);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx) || !CHECK_EQ(kdl_out_open(ctx, &out, scratch_file("vmcore"), false, NULL, 0600), 0))
		return 1;
	test_in_memory();
	test_spilled();
	test_same_page_twice();
	test_empty();
	test_no_scratch();
	kdl_out_abort(&out);
	/* the scratch files were unnamed: nothing is left behind */
	CHECK_EQ(scratch_entries(), 0);
	kdl_ctx_free(ctx);
	return check_done("format/page-list");
}
