/* write/options.c: the options of a write, their defaults and setters, and
 * the plan kdl_plan_make resolves them into, checked the same way however
 * the options were filled in. */
#include <time.h>
#include <unistd.h>

#include "write-check.h"
#include "write/write.h"

static void test_defaults(void)
{
	struct kdl_options o;

	/* every field set, not only those a zeroed struct gets wrong */
	memset(&o, 0xa5, sizeof(o));
	kdl_options_init(&o);
	CHECK_STR(o.format, "elf");
	CHECK_STR(o.codec, "zlib");
	CHECK_EQ(o.level, 6);
	CHECK_EQ(o.dump_level, 1);
	CHECK_EQ(o.threads, 0);
	CHECK_EQ(o.flat, 0);
	CHECK_EQ(o.has_timestamp, 0);
	CHECK_EQ(o.timestamp, 0);
	CHECK(o.scratch_dir == NULL);
	CHECK_EQ(o.mode, 0);
}

static void test_format(void)
{
	struct kdl_options o;

	kdl_options_init(&o);
	CHECK_EQ(kdl_options_set_format(ctx, &o, "kdump"), 0);
	CHECK_STR(o.format, "kdump");
	CHECK_EQ(kdl_options_set_format(ctx, &o, "qcow"), -1);
	check_error(KDL_ERR_INVALID, "unknown format 'qcow' (known: elf kdump)");
	/* names are case-sensitive */
	CHECK_EQ(kdl_options_set_format(ctx, &o, "ELF"), -1);
	check_error(KDL_ERR_INVALID, "unknown format 'ELF' (known: elf kdump)");
	/* a refused value leaves the options as they were */
	CHECK_STR(o.format, "kdump");
	CHECK_EQ(kdl_options_set_format(ctx, &o, "elf"), 0);
	CHECK_STR(o.format, "elf");
}

static void test_compression(void)
{
	struct kdl_options o;

	kdl_options_init(&o);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zstd", 0, 0), 0);
	CHECK_STR(o.codec, "zstd");
	CHECK_EQ(o.level, 1);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zstd", -131072, 1), 0);
	CHECK_EQ(o.level, -131072);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zstd", 22, 1), 0);
	CHECK_EQ(o.level, 22);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zstd", 23, 1), -1);
	check_error(KDL_ERR_INVALID, "zstd levels are -131072 to 22, not 23");
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zstd", -131073, 1), -1);
	check_error(KDL_ERR_INVALID, "zstd levels are -131072 to 22, not -131073");
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zlib", 9, 1), 0);
	CHECK_STR(o.codec, "zlib");
	CHECK_EQ(o.level, 9);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zlib", 1, 1), 0);
	CHECK_EQ(o.level, 1);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zlib", 0, 1), -1);
	check_error(KDL_ERR_INVALID, "zlib levels are 1 to 9, not 0");
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zlib", 10, 1), -1);
	check_error(KDL_ERR_INVALID, "zlib levels are 1 to 9, not 10");
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "lzo", 1, 1), -1);
	check_error(KDL_ERR_INVALID, "lzo has no compression levels");
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "brotli", 0, 0), -1);
	check_error(KDL_ERR_INVALID, "unknown compression 'brotli' (known: none zlib lzo snappy zstd)");
	/* nothing refused reached the options */
	CHECK_STR(o.codec, "zlib");
	CHECK_EQ(o.level, 1);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "zlib", 3, 0), 0);
	CHECK_EQ(o.level, 6);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "lzo", 0, 0), 0);
	CHECK_STR(o.codec, "lzo");
	CHECK_EQ(o.level, 0);
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "none", 0, 0), 0);
	CHECK_STR(o.codec, "none");
	CHECK_EQ(kdl_options_set_compression(ctx, &o, "snappy", 0, 0), 0);
	CHECK_STR(o.codec, "snappy");
}

static void test_dump_level(void)
{
	struct kdl_options o;

	kdl_options_init(&o);
	CHECK_EQ(kdl_options_set_dump_level(ctx, &o, 0), 0);
	CHECK_EQ(o.dump_level, 0);
	CHECK_EQ(kdl_options_set_dump_level(ctx, &o, 1), 0);
	CHECK_EQ(o.dump_level, 1);
	/* what the kernel's structures decide: set here, refused later for
	 * a format that cannot leave pages out */
	for (int level = 2; level <= 31; level++) {
		if (!CHECK_EQ(kdl_options_set_dump_level(ctx, &o, level), 0))
			break;
		CHECK_EQ(o.dump_level, level);
	}
	CHECK_EQ(kdl_options_set_dump_level(ctx, &o, 1), 0);
	CHECK_EQ(kdl_options_set_dump_level(ctx, &o, 32), -1);
	check_error(KDL_ERR_INVALID, "dump levels are 0 to 31, not 32");
	CHECK_EQ(kdl_options_set_dump_level(ctx, &o, -1), -1);
	check_error(KDL_ERR_INVALID, "dump levels are 0 to 31, not -1");
	CHECK_EQ(o.dump_level, 1);
}

static void test_threads(void)
{
	struct kdl_options o;

	kdl_options_init(&o);
	CHECK_EQ(kdl_options_set_threads(ctx, &o, 64), 0);
	CHECK_EQ(o.threads, 64);
	CHECK_EQ(kdl_options_set_threads(ctx, &o, 65), -1);
	check_error(KDL_ERR_INVALID, "65 threads is too many (at most 64)");
	CHECK_EQ(kdl_options_set_threads(ctx, &o, 4000000000u), -1);
	check_error(KDL_ERR_INVALID, "4000000000 threads is too many (at most 64)");
	CHECK_EQ(o.threads, 64);
	CHECK_EQ(kdl_options_set_threads(ctx, &o, 0), 0);
	CHECK_EQ(o.threads, 0);
}

/* Files of a split dump: 0 and 1 are one file, 256 at most; only the
 * kdump format splits, and not flattened. */
static void test_split(void)
{
	struct kdl_options o;
	struct kdl_plan plan;

	kdl_options_init(&o);
	CHECK_EQ(o.split, 0);
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK_EQ(plan.split, 1);
	CHECK_EQ(kdl_options_set_split(ctx, &o, 256), 0);
	CHECK_EQ(o.split, 256);
	CHECK_EQ(kdl_options_set_split(ctx, &o, 257), -1);
	check_error(KDL_ERR_INVALID, "257 files is too many to split a dump into (at most 256)");
	CHECK_EQ(o.split, 256);
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "the elf format cannot be split into files; use the kdump format");
	o.format = "kdump";
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK_EQ(plan.split, 256);
	o.flat = 1;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "a dump split into files cannot be flattened: makedumpfile --split writes them as they are");
	o.flat = 0;
	o.split = 1;
	o.format = "elf";
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK_EQ(plan.split, 1);
	/* straight into the struct: the setter's check */
	o.split = 1000;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "1000 files is too many to split a dump into (at most 256)");
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

static void test_plan_defaults(void)
{
	static const char *const fast_codecs[] = {"lzo", "snappy", "none"};
	struct kdl_plan plan;
	uint64_t before, after;

	memset(&plan, 0xa5, sizeof(plan));
	before = (uint64_t)time(NULL);
	CHECK_EQ(kdl_plan_make(ctx, NULL, &plan), 0);
	after = (uint64_t)time(NULL);
	CHECK(plan.format == &kdl_format_elf);
	CHECK(plan.codec == &kdl_codec_zlib);
	CHECK_EQ(plan.level, 6);
	CHECK_EQ(plan.dump_level, 1);
	/* threads 0: one per online CPU, and never none */
	CHECK(plan.threads >= 1);
	CHECK_EQ(plan.threads, online_cpus());
	CHECK(!plan.flat);
	/* no timestamp given: the time of writing */
	CHECK(plan.timestamp >= before && plan.timestamp <= after);
	CHECK(plan.scratch_dir == NULL);
	/* a dump is its owner's alone unless asked */
	CHECK_EQ(plan.mode, 0600);
	/* one fewer for a codec as fast as the reading thread, unless asked */
	for (size_t i = 0; i < KDL_ARRAY_SIZE(fast_codecs); i++) {
		struct kdl_options o;

		kdl_options_init(&o);
		o.codec = fast_codecs[i];
		CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
		CHECK_EQ(plan.threads, online_cpus() > 1 ? online_cpus() - 1 : 1);
		o.threads = 2;
		CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
		CHECK_EQ(plan.threads, 2);
	}
}

static void test_mode(void)
{
	struct kdl_options o;
	struct kdl_plan plan;

	kdl_options_init(&o);
	CHECK_EQ(kdl_options_set_mode(ctx, &o, 0640), 0);
	CHECK_EQ(o.mode, 0640);
	CHECK_EQ(kdl_options_set_mode(ctx, &o, 07777), 0);
	CHECK_EQ(kdl_options_set_mode(ctx, &o, 010000), -1);
	check_error(KDL_ERR_INVALID, "mode 010000 is not a file's permissions (at most 07777)");
	CHECK_EQ(o.mode, 07777);
	o.mode = 0444;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK_EQ(plan.mode, 0444);
	o.mode = 0100644;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "mode 0100644 is not a file's permissions (at most 07777)");
}

static void test_plan_resolves(void)
{
	struct kdl_options o;
	struct kdl_plan plan;
	uint64_t before, after;

	kdl_options_init(&o);
	o.format = "kdump";
	o.codec = "zstd";
	o.level = -7;
	o.dump_level = 0;
	o.threads = 3;
	o.flat = 5;
	o.has_timestamp = 1;
	o.timestamp = 1234567890;
	o.scratch_dir = "/var/tmp";
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK(plan.format == &kdl_format_kdump);
	CHECK(plan.codec == &kdl_codec_zstd);
	CHECK_EQ(plan.level, -7);
	CHECK_EQ(plan.dump_level, 0);
	CHECK_EQ(plan.threads, 3);
	CHECK(plan.flat);
	CHECK_EQ(plan.timestamp, 1234567890);
	CHECK_STR(plan.scratch_dir, "/var/tmp");

	/* a timestamp of 0 is one, when it is said to be set */
	o.timestamp = 0;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK_EQ(plan.timestamp, 0);
	/* and one not said to be set is not taken */
	o.has_timestamp = 0;
	o.timestamp = 42;
	before = (uint64_t)time(NULL);
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	after = (uint64_t)time(NULL);
	CHECK(plan.timestamp >= before && plan.timestamp <= after);

	o.threads = 0;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK(plan.threads >= 1);
	CHECK_EQ(plan.threads, online_cpus());

	/* a codec without levels ignores what .level holds */
	o.codec = "lzo";
	o.level = 5;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK(plan.codec == &kdl_codec_lzo);
	CHECK_EQ(plan.level, 0);
	o.codec = "snappy";
	o.level = -3;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK(plan.codec == &kdl_codec_snappy);
	CHECK_EQ(plan.level, 0);
	o.codec = "none";
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK(plan.codec == &kdl_codec_none);
	CHECK_EQ(plan.level, 0);
}

/* Options filled in directly, not through the setters, meet the same
 * checks and messages. */
static void test_plan_checks(void)
{
	struct kdl_options o;
	struct kdl_plan plan;

	kdl_options_init(&o);
	o.format = "qcow";
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "unknown format 'qcow' (known: elf kdump)");

	kdl_options_init(&o);
	o.codec = "brotli";
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "unknown compression 'brotli' (known: none zlib lzo snappy zstd)");

	kdl_options_init(&o);
	o.level = 10;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "zlib levels are 1 to 9, not 10");
	/* a codec with levels takes .level as given, 0 included */
	o.level = 0;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "zlib levels are 1 to 9, not 0");
	o.codec = "zstd";
	o.level = 23;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "zstd levels are -131072 to 22, not 23");

	kdl_options_init(&o);
	o.dump_level = 3;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK_EQ(plan.dump_level, 3);
	o.dump_level = 32;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "dump levels are 0 to 31, not 32");
	o.dump_level = -1;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "dump levels are 0 to 31, not -1");

	kdl_options_init(&o);
	o.threads = 65;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), -1);
	check_error(KDL_ERR_INVALID, "65 threads is too many (at most 64)");
	o.threads = 64;
	CHECK_EQ(kdl_plan_make(ctx, &o, &plan), 0);
	CHECK_EQ(plan.threads, 64);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_defaults();
	test_format();
	test_compression();
	test_dump_level();
	test_threads();
	test_split();
	test_plan_defaults();
	test_mode();
	test_plan_resolves();
	test_plan_checks();
	kdl_ctx_free(ctx);
	return check_done("write/options");
}
