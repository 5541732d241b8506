/* makedumpfile's flattened format (makedumpfile -F): a 4096-byte header,
 * then records of a big-endian {offset, size} and the bytes, then an end
 * marker.  makedumpfile -R puts each record at its offset. */
#include <string.h>

#include "layout/flat.h"
#include "output/output.h"

int kdl_flat_header(kdl_ctx *ctx, int fd, const char *name)
{
	uint8_t h[FLAT_HEADER_SIZE] = FLAT_SIGNATURE;

	kdl_put64(h + FLAT_TYPE_OFF, FLAT_TYPE, true);
	kdl_put64(h + FLAT_VERSION_OFF, FLAT_VERSION, true);
	return kdl_write_all(ctx, fd, name, h, sizeof(h));
}

int kdl_flat_record(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                    size_t n, uint64_t off)
{
	uint8_t h[FLAT_RECORD_HEADER];

	kdl_put64(h + FLAT_R_OFFSET, off, true);
	kdl_put64(h + FLAT_R_SIZE, n, true);
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
