/* base/bytes.c: fields in the dumped machine's byte order, written either
 * way and read back little-endian; and rounding up to an alignment. */
#include "base/base.h"
#include "check.h"

static void test_put(void)
{
	uint8_t b[9];

	memset(b, 0xee, sizeof(b));
	kdl_put16(b, 0x0102, false);
	CHECK_MEM(b, "\x02\x01\xee", 3);
	kdl_put16(b, 0x0102, true);
	CHECK_MEM(b, "\x01\x02\xee", 3);

	memset(b, 0xee, sizeof(b));
	kdl_put32(b, 0x01020304, false);
	CHECK_MEM(b, "\x04\x03\x02\x01\xee", 5);
	kdl_put32(b, 0x01020304, true);
	CHECK_MEM(b, "\x01\x02\x03\x04\xee", 5);

	memset(b, 0xee, sizeof(b));
	kdl_put64(b, 0x0102030405060708, false);
	CHECK_MEM(b, "\x08\x07\x06\x05\x04\x03\x02\x01\xee", 9);
	kdl_put64(b, 0x0102030405060708, true);
	CHECK_MEM(b, "\x01\x02\x03\x04\x05\x06\x07\x08\xee", 9);
}

static void test_get(void)
{
	const uint8_t b[8] = {0xf8, 0xf7, 0xf6, 0xf5, 0x84, 0x83, 0x82, 0x81};

	CHECK_EQ(kdl_get32le(b), 0xf5f6f7f8);
	CHECK_EQ(kdl_get32le(b + 4), 0x81828384);
	CHECK_EQ(kdl_get64le(b), 0x81828384f5f6f7f8);
}

/* Either byte order, every width: what the readers of other producers'
 * files take fields with. */
static void test_get_either_order(void)
{
	const uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88};

	CHECK_EQ(kdl_get16(b, false), 0x0201);
	CHECK_EQ(kdl_get16(b, true), 0x0102);
	CHECK_EQ(kdl_get32(b, false), 0x04030201);
	CHECK_EQ(kdl_get32(b, true), 0x01020304);
	CHECK_EQ(kdl_get64(b, false), 0x8807060504030201);
	CHECK_EQ(kdl_get64(b, true), 0x0102030405060788);
	/* what put writes, get reads */
	for (int be = 0; be < 2; be++) {
		uint8_t p[8];

		kdl_put16(p, 0xfedc, be);
		CHECK_EQ(kdl_get16(p, be), 0xfedc);
		kdl_put32(p, 0xfedcba98, be);
		CHECK_EQ(kdl_get32(p, be), 0xfedcba98);
		kdl_put64(p, 0xfedcba9876543210, be);
		CHECK_EQ(kdl_get64(p, be), 0xfedcba9876543210);
	}
}

static void test_round_trip(void)
{
	uint8_t b[8];

	kdl_put64(b, UINT64_MAX - 1, false);
	CHECK_EQ(kdl_get64le(b), UINT64_MAX - 1);
	kdl_put32(b, 0x80000000, false);
	CHECK_EQ(kdl_get32le(b), 0x80000000);
}

static void test_round_up(void)
{
	CHECK_EQ(kdl_round_up(0, 4), 0);
	CHECK_EQ(kdl_round_up(1, 4), 4);
	CHECK_EQ(kdl_round_up(4096, 4096), 4096);
	CHECK_EQ(kdl_round_up(4097, 4096), 8192);
	/* any alignment, not only powers of two */
	CHECK_EQ(kdl_round_up(13, 12), 24);
	CHECK_EQ(kdl_round_up(24, 12), 24);
}

int main(void)
{
	test_put();
	test_get();
	test_get_either_order();
	test_round_trip();
	test_round_up();
	return check_done("base/bytes");
}
