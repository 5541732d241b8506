/* base/num.c: numbers as the programs take them: decimal or 0x-hex, sizes
 * with binary suffixes, times in seconds, sizes for people; every number
 * refused is KDL_ERR_INVALID. */
#include "check.h"
#include "kdumpling.h"

static kdl_ctx *ctx;

static void accepted(int ret, const char *s, int line)
{
	if (!check_eq((uint64_t)ret, 0, s, "accepted", __FILE__, line))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
}

static void refused(int ret, const char *s, const char *message, int line)
{
	check_eq((uint64_t)ret, (uint64_t)-1, s, "rejected", __FILE__, line);
	check_str(kdl_ctx_error(ctx), message, s, "message", __FILE__, line);
	check_eq(kdl_ctx_status(ctx), KDL_ERR_INVALID, s, "KDL_ERR_INVALID",
	         __FILE__, line);
}

static void u64_ok(const char *s, uint64_t want, int line)
{
	uint64_t v = 0xdeadbeef;

	accepted(kdl_parse_u64(ctx, s, &v), s, line);
	check_eq(v, want, s, "value", __FILE__, line);
}

static void u64_bad(const char *s, const char *message, int line)
{
	uint64_t v = 0;

	refused(kdl_parse_u64(ctx, s, &v), s, message, line);
}

static void test_u64(void)
{
	u64_ok("0", 0, __LINE__);
	u64_ok("42", 42, __LINE__);
	/* decimal even with a leading zero: never octal */
	u64_ok("010", 10, __LINE__);
	u64_ok("0x10", 16, __LINE__);
	u64_ok("0X1f", 31, __LINE__);
	u64_ok("0xABCdef", 0xabcdef, __LINE__);
	u64_ok("18446744073709551615", UINT64_MAX, __LINE__);
	u64_ok("0xffffffffffffffff", UINT64_MAX, __LINE__);
	u64_ok("0x00000000000000000001", 1, __LINE__);

	u64_bad("", "'' is not a number", __LINE__);
	u64_bad("0x", "'0x' is not a number", __LINE__);
	u64_bad("0x0x1", "'0x0x1' is not a number", __LINE__);
	u64_bad("0xx1", "'0xx1' is not a number", __LINE__);
	u64_bad("00x1", "'00x1' is not a number", __LINE__);
	u64_bad("12q", "'12q' is not a number", __LINE__);
	u64_bad("1f", "'1f' is not a number", __LINE__);
	u64_bad("0x1g", "'0x1g' is not a number", __LINE__);
	u64_bad("-1", "'-1' is not a number", __LINE__);
	u64_bad("+1", "'+1' is not a number", __LINE__);
	u64_bad(" 1", "' 1' is not a number", __LINE__);
	u64_bad("1 ", "'1 ' is not a number", __LINE__);
	u64_bad("0x-1", "'0x-1' is not a number", __LINE__);
	u64_bad("4K", "'4K' is not a number", __LINE__);
	u64_bad("18446744073709551616", "'18446744073709551616' does not fit in 64 bits", __LINE__);
	u64_bad("0x10000000000000000", "'0x10000000000000000' does not fit in 64 bits", __LINE__);
}

static void test_i64(void)
{
	int64_t v = 0;

	CHECK_EQ(kdl_parse_i64(ctx, "-1", &v), 0);
	CHECK_EQ(v, -1);
	CHECK_EQ(kdl_parse_i64(ctx, "-0x10", &v), 0);
	CHECK_EQ(v, -16);
	CHECK_EQ(kdl_parse_i64(ctx, "9223372036854775807", &v), 0);
	CHECK_EQ(v, INT64_MAX);
	CHECK_EQ(kdl_parse_i64(ctx, "-9223372036854775808", &v), 0);
	CHECK_EQ(v, INT64_MIN);
	CHECK_EQ(kdl_parse_i64(ctx, "0", &v), 0);
	CHECK_EQ(v, 0);

	refused(kdl_parse_i64(ctx, "9223372036854775808", &v), "9223372036854775808",
	        "'9223372036854775808' does not fit in 64 bits", __LINE__);
	refused(kdl_parse_i64(ctx, "-9223372036854775809", &v), "-9223372036854775809",
	        "'-9223372036854775809' does not fit in 64 bits", __LINE__);
	/* too big for the unsigned parse as well: still a number, too wide */
	refused(kdl_parse_i64(ctx, "99999999999999999999", &v), "99999999999999999999",
	        "'99999999999999999999' does not fit in 64 bits", __LINE__);
	refused(kdl_parse_i64(ctx, "--1", &v), "--1", "'--1' is not a number", __LINE__);
	refused(kdl_parse_i64(ctx, "-", &v), "-", "'-' is not a number", __LINE__);
	refused(kdl_parse_i64(ctx, "+5", &v), "+5", "'+5' is not a number", __LINE__);
	refused(kdl_parse_i64(ctx, "- 5", &v), "- 5", "'- 5' is not a number", __LINE__);
	/* what was refused leaves the value alone */
	CHECK_EQ(v, 0);
}

static void size_ok(const char *s, uint64_t want, int line)
{
	uint64_t v = 0xdeadbeef;

	accepted(kdl_parse_size(ctx, s, &v), s, line);
	check_eq(v, want, s, "value", __FILE__, line);
}

static void size_bad(const char *s, const char *message, int line)
{
	uint64_t v = 0;

	refused(kdl_parse_size(ctx, s, &v), s, message, line);
}

static void test_size(void)
{
	size_ok("4096", 4096, __LINE__);
	size_ok("4K", 4096, __LINE__);
	size_ok("4k", 4096, __LINE__);
	size_ok("3M", 3u << 20, __LINE__);
	size_ok("2G", 2ull << 30, __LINE__);
	size_ok("1T", 1ull << 40, __LINE__);
	size_ok("0x10K", 16384, __LINE__);
	size_ok("0K", 0, __LINE__);
	size_ok("16777215T", 0xffffff0000000000ull, __LINE__);
	size_ok("18446744073709551615", UINT64_MAX, __LINE__);

	size_bad("4KB", "'4KB' is not a size (a number with an optional K, M, G or T)", __LINE__);
	size_bad("4E", "'4E' is not a size (a number with an optional K, M, G or T)", __LINE__);
	size_bad("4 ", "'4 ' is not a size (a number with an optional K, M, G or T)", __LINE__);
	size_bad("4 K", "'4 K' is not a size (a number with an optional K, M, G or T)", __LINE__);
	size_bad("K", "'K' is not a number", __LINE__);
	size_bad("-1K", "'-1K' is not a number", __LINE__);
	size_bad("0x", "'0x' is not a number", __LINE__);
	size_bad("0x0x1K", "'0x0x1K' is not a number", __LINE__);
	size_bad("16777216T", "'16777216T' does not fit in 64 bits", __LINE__);
	size_bad("17179869184G", "'17179869184G' does not fit in 64 bits", __LINE__);
	size_bad("18446744073709551616", "'18446744073709551616' does not fit in 64 bits", __LINE__);
}

static void time_ok(const char *s, int64_t sec, int64_t usec, int line)
{
	int64_t a = -7, b = -7;

	accepted(kdl_parse_time(ctx, s, &a, &b), s, line);
	check_eq((uint64_t)a, (uint64_t)sec, s, "seconds", __FILE__, line);
	check_eq((uint64_t)b, (uint64_t)usec, s, "microseconds", __FILE__, line);
}

static void time_bad(const char *s, const char *message, int line)
{
	int64_t a, b;

	refused(kdl_parse_time(ctx, s, &a, &b), s, message, line);
}

static void test_time(void)
{
	time_ok("12", 12, 0, __LINE__);
	time_ok("0", 0, 0, __LINE__);
	time_ok("1.5", 1, 500000, __LINE__);
	time_ok("2.000001", 2, 1, __LINE__);
	time_ok("7.123456", 7, 123456, __LINE__);
	time_ok("0.05", 0, 50000, __LINE__);

	time_bad("-1", "'-1' is not a time in seconds", __LINE__);
	time_bad("1.", "'1.' is not a time in seconds", __LINE__);
	time_bad(".5", "'.5' is not a time in seconds", __LINE__);
	time_bad("", "'' is not a time in seconds", __LINE__);
	time_bad("1.1234567", "'1.1234567' is not a time in seconds (at most 6 decimals)", __LINE__);
	time_bad("1.5x", "'1.5x' is not a time in seconds (at most 6 decimals)", __LINE__);
	time_bad("1.-5", "'1.-5' is not a time in seconds (at most 6 decimals)", __LINE__);
	time_bad("x", "'x' is not a time in seconds", __LINE__);
	time_bad("1000000000000000000000000000000000", "'1000000000000000000000000000000000' is not a time in seconds", __LINE__);
}

static void test_human(void)
{
	char buf[32];

	CHECK_STR(kdl_human_size(0, buf, sizeof(buf)), "0 B");
	CHECK_STR(kdl_human_size(1023, buf, sizeof(buf)), "1023 B");
	CHECK_STR(kdl_human_size(1024, buf, sizeof(buf)), "1.0 KiB");
	CHECK_STR(kdl_human_size(1536, buf, sizeof(buf)), "1.5 KiB");
	CHECK_STR(kdl_human_size(64ull << 20, buf, sizeof(buf)), "64.0 MiB");
	CHECK_STR(kdl_human_size(3ull << 40, buf, sizeof(buf)), "3.0 TiB");
	CHECK_STR(kdl_human_size(UINT64_MAX, buf, sizeof(buf)), "16.0 EiB");
	CHECK(kdl_human_size(1024, buf, sizeof(buf)) == buf);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_u64();
	test_i64();
	test_size();
	test_time();
	test_human();
	kdl_ctx_free(ctx);
	return check_done("base/num");
}
