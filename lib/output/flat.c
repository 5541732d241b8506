/* makedumpfile's flattened format (makedumpfile -F): a 4096-byte header,
 * then records of a big-endian {offset, size} and the bytes, then an end
 * marker.  makedumpfile -R puts each record at its offset. */
#include <string.h>

#include "output/output.h"

#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_TYPE_OFF 16
#define FLAT_VERSION_OFF 24

int kdl_flat_header(kdl_ctx *ctx, int fd, const char *name)
{
	uint8_t h[FLAT_HEADER_SIZE] = FLAT_SIGNATURE;

	kdl_put64(h + FLAT_TYPE_OFF, 1, true);
	kdl_put64(h + FLAT_VERSION_OFF, 1, true);
	return kdl_write_all(ctx, fd, name, h, sizeof(h));
}

int kdl_flat_record(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                    size_t n, uint64_t off)
{
	uint8_t h[16];

	kdl_put64(h, off, true);
	kdl_put64(h + 8, n, true);
	if (kdl_write_all(ctx, fd, name, h, sizeof(h)))
		return -1;
	return kdl_write_all(ctx, fd, name, buf, n);
}

int kdl_flat_end(kdl_ctx *ctx, int fd, const char *name)
{
	uint8_t end[16];

	memset(end, 0xff, sizeof(end));
	return kdl_write_all(ctx, fd, name, end, sizeof(end));
}
