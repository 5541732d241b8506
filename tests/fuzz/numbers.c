/* Numbers and register assignments as the programs take them: REG=VALUE
 * with VALUE decimal or 0x-hex, sizes with K to T, times with a fraction;
 * the register checked against each architecture when the dump freezes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const arches[] = {"x86_64", "aarch64", "s390x", "ppc64", "ppc64le", "riscv64"};
	kdl_ctx *ctx = kdl_ctx_new();
	char *text = input_text(data, size), *eq = strchr(text, '=');
	uint64_t u;
	int64_t i, sec, usec;

	check_failure(ctx, kdl_parse_u64(ctx, text, &u), "kdl_parse_u64");
	check_failure(ctx, kdl_parse_i64(ctx, text, &i), "kdl_parse_i64");
	check_failure(ctx, kdl_parse_size(ctx, text, &u), "kdl_parse_size");
	check_failure(ctx, kdl_parse_time(ctx, text, &sec, &usec), "kdl_parse_time");
	if (eq) {
		struct kdl_reg reg = {text, 0};
		struct kdl_prstatus status = {0};

		*eq = 0;
		if (!kdl_parse_u64(ctx, eq + 1, &reg.value))
			for (size_t k = 0; k < sizeof(arches) / sizeof(arches[0]); k++) {
				kdl_dump *dump = kdl_dump_new(ctx, arches[k]);
				int ret;

				if (!dump)
					continue;
				ret = kdl_dump_add_cpu(dump, &status, &reg, 1);
				check_failure(ctx, ret, "kdl_dump_add_cpu");
				if (!ret)
					check_failure(ctx, kdl_dump_freeze(dump), "kdl_dump_freeze");
				kdl_dump_free(dump);
			}
	}
	free(text);
	kdl_ctx_free(ctx);
	return 0;
}
