/* VMCOREINFO text as vmc-note takes it: set, looked up, and frozen into
 * notes (where PAGESIZE decides the page size). */
#include "fuzz.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"OSRELEASE", "PAGESIZE", "CRASHTIME", "NUMBER(phys_base)",
	                                   "SYMBOL(swapper_pg_dir)", "KERNELOFFSET"};
	kdl_ctx *ctx = kdl_ctx_new();
	kdl_dump *dump = kdl_dump_new(ctx, NULL);
	size_t len;
	int ret;

	if (dump) {
		ret = kdl_dump_set_vmcoreinfo(dump, (const char *)data, size);
		check_failure(ctx, ret, "kdl_dump_set_vmcoreinfo");
		if (!ret) {
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				kdl_dump_vmcoreinfo_value(dump, keys[i], &len);
			check_failure(ctx, kdl_dump_freeze(dump), "kdl_dump_freeze");
		}
	}
	kdl_dump_free(dump);
	kdl_ctx_free(ctx);
	return 0;
}
