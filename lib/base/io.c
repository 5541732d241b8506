/* I/O that finishes what it starts: short transfers and EINTR retried,
 * every failure named after what was being read or written. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/base.h"

/* off NULL: at the descriptor's position */
static int write_loop(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                      size_t n, const uint64_t *off)
{
	const char *p = buf;
	uint64_t pos = off ? *off : 0;

	while (n) {
		ssize_t done = off ? pwrite(fd, p, n, (off_t)pos) : write(fd, p, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return kdl_err_sys(ctx, "%s", name);
		p += done;
		n -= (size_t)done;
		pos += (uint64_t)done;
	}
	return 0;
}

int kdl_write_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                  size_t n)
{
	return write_loop(ctx, fd, name, buf, n, NULL);
}

int kdl_pwrite_all(kdl_ctx *ctx, int fd, const char *name, const void *buf,
                   size_t n, uint64_t off)
{
	return write_loop(ctx, fd, name, buf, n, &off);
}

ssize_t kdl_read_full(kdl_ctx *ctx, int fd, const char *name, void *buf,
                      size_t n, uint64_t *off)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t done = off ? pread(fd, p + got, n - got, (off_t)*off)
		                   : read(fd, p + got, n - got);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return kdl_err_sys(ctx, "%s", name);
		if (done == 0)
			break;
		got += (size_t)done;
		if (off)
			*off += (uint64_t)done;
	}
	return (ssize_t)got;
}

int kdl_read_back(kdl_ctx *ctx, int fd, const char *name, void *buf, size_t n,
                  uint64_t off)
{
	ssize_t got = kdl_read_full(ctx, fd, name, buf, n, &off);

	if (got < 0)
		return -1;
	if ((size_t)got < n)
		return kdl_err(ctx, KDL_ERR_IO, "%s: shorter than what was written to it", name);
	return 0;
}

char *kdl_read_file(kdl_ctx *ctx, const char *path, size_t max,
                    const char *what, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;

	if (fd < 0) {
		kdl_err_sys(ctx, "%s", path);
		return NULL;
	}
	/* one byte more than allowed tells a file that is too large */
	buf = kdl_alloc(ctx, max + 2);
	n = buf ? kdl_read_full(ctx, fd, path, buf, max + 1, NULL) : -1;
	close(fd);
	if (n >= 0 && (size_t)n > max)
		n = kdl_err(ctx, KDL_ERR_UNSUPPORTED, "%s: too large for %s", path, what);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}
