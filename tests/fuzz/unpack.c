/* Every input format vmc-unpack reads (ELF, kdump-compressed with each
 * codec, flattened, LiME, AVML), found by its magic as vmc-unpack finds
 * it, the stream written to nowhere; with --keep-going on odd sizes. */
#include <fcntl.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kdl_ctx *ctx = kdl_ctx_new();
	int fd = input_fd(data, size), out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	const char *name = "input";
	struct kdl_unpack_options opts = {.keep_going = size & 1};
	kdl_writer *w = kdl_writer_new(ctx, out, "stdout");
	uint64_t lost;

	if (w) {
		int ret = kdl_unpack(ctx, w, &fd, &name, 1, &opts, &lost);

		check_failure(ctx, ret, "kdl_unpack");
		if (!ret)
			check_failure(ctx, kdl_writer_finish(w), "kdl_writer_finish");
		else
			kdl_writer_free(w);
	}
	close(out);
	close(fd);
	kdl_ctx_free(ctx);
	return 0;
}
