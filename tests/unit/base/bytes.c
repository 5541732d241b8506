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
	test_round_trip();
	test_round_up();
	return check_done("base/bytes");
}
