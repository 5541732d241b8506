/* input/iomem.c: the top-level System RAM ranges of an iomem listing,
 * nested ranges passed over; a listing read without root, a line that
 * is not a range, ranges out of order and a listing without RAM
 * refused, each with the file named. */
#include "check.h"
#include "kdumpling.h"

static kdl_ctx *ctx;

static const char qemu[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-bffdffff : System RAM\n"
	"  01000000-01e00fff : Kernel code\n"
	"  02000000-0247ffff : Kernel bss\n"
	"  28000000-2fffffff : System RAM\n"
	"feffc000-feffffff : Reserved\n"
	"100000000-23fffffff : System RAM\n";

/* The ranges of listing, saved as "iomem": their count, or -1. */
static long ranges_of(const char *listing, struct kdl_range **ranges)
{
	size_t n;

	*ranges = NULL;
	if (!CHECK(!write_file(scratch_file("iomem"), listing, strlen(listing))))
		return -1;
	return kdl_iomem_ram(ctx, scratch_file("iomem"), ranges, &n) ? -1 : (long)n;
}

static void test_ranges(void)
{
	struct kdl_range *r;

	if (!CHECK_EQ(ranges_of(qemu, &r), 3))
		return;
	CHECK_EQ(r[0].start, 0x1000);
	CHECK_EQ(r[0].end, 0x9fbff);
	CHECK_EQ(r[1].start, 0x100000);
	CHECK_EQ(r[1].end, 0xbffdffff);
	CHECK_EQ(r[2].start, 0x100000000);
	CHECK_EQ(r[2].end, 0x23fffffff);
	free(r);
	/* no newline at its end, and a blank line: the same */
	if (CHECK_EQ(ranges_of("00001000-0009fbff : System RAM\n\n00100000-001fffff : System RAM", &r), 2))
		CHECK_EQ(r[1].end, 0x1fffff);
	free(r);
}

/* The listing refused with this message (iomem standing for its path)
 * of this class. */
static void refused(const char *listing, const char *message, enum kdl_status status)
{
	struct kdl_range *r;
	char want[512];

	snprintf(want, sizeof(want), "%s%s", scratch_file("iomem"), message);
	CHECK_EQ(ranges_of(listing, &r), -1);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_ctx_status(ctx), status);
	CHECK(!r);
}

static void test_refused(void)
{
	refused("00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n",
	        ": every address reads as 0: only root sees them", KDL_ERR_IO);
	refused("00000000-00000fff : Reserved\nSystem RAM\n",
	        ": line 2 is not 'START-END : NAME' as /proc/iomem writes it: 'System RAM'", KDL_ERR_CORRUPT);
	refused("00001000-0009fbff: System RAM\n",
	        ": line 1 is not 'START-END : NAME' as /proc/iomem writes it: '00001000-0009fbff: System RAM'",
	        KDL_ERR_CORRUPT);
	refused("0009fbff-00001000 : System RAM\n",
	        ": line 1 is not 'START-END : NAME' as /proc/iomem writes it: '0009fbff-00001000 : System RAM'",
	        KDL_ERR_CORRUPT);
	refused("00100000-001fffff : System RAM\n00001000-0009ffff : System RAM\n",
	        ": line 2: System RAM 0x1000-0x9ffff is not after the range before it", KDL_ERR_CORRUPT);
	refused("00000000-00000fff : Reserved\n  00000000-00000fff : System RAM\n",
	        ": no top-level System RAM range", KDL_ERR_CORRUPT);
	refused("", ": no top-level System RAM range", KDL_ERR_CORRUPT);
}

static void test_missing(void)
{
	struct kdl_range *r = NULL;
	size_t n;

	CHECK_EQ(kdl_iomem_ram(ctx, "/nonexistent/iomem", &r, &n), -1);
	CHECK_STR(kdl_ctx_error(ctx), "/nonexistent/iomem: No such file or directory");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK(!r);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_ranges();
	test_refused();
	test_missing();
	kdl_ctx_free(ctx);
	return check_done("input/iomem");
}
