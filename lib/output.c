/* Atomic output: the dump is written to an unnamed file in the target's
 * directory and given its name only when complete, so a failure or a
 * signal, even SIGKILL, leaves nothing at the output path. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static char *dir_of(kdl_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return kdl_strdup(ctx, ".");
	if (slash == path)
		return kdl_strdup(ctx, "/");
	return kdl_memdup(ctx, path, (size_t)(slash - path));
}

/* A fresh name beside path for the file before it takes path's name. */
static int create_beside(struct kdl_out *out, char **tmp, bool create)
{
	const char *slash = strrchr(out->path, '/');
	const char *base = slash ? slash + 1 : out->path;
	int dirlen = slash ? (int)(slash - out->path + 1) : 0;
	int err = EEXIST;

	for (unsigned n = 0; n < 1000; n++) {
		*tmp = kdl_asprintf(out->ctx, "%.*s.%s.%ld.%u", dirlen, out->path,
		                    base, (long)getpid(), n);
		if (!*tmp)
			return -1;
		if (create) {
			int fd = open(*tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
			if (fd >= 0)
				return fd;
		} else if (access(*tmp, F_OK) && errno == ENOENT)
			return 0;
		err = errno;
		free(*tmp);
		*tmp = NULL;
		if (create && err != EEXIST)
			break;
	}
	errno = err;
	return kdl_err_sys(out->ctx, "%s", out->path);
}

/* makedumpfile's flattened format: a 4096-byte header, then records of
 * {big-endian offset, size} and the bytes, then an end marker. */
#define FLAT_HEADER_SIZE 4096
#define FLAT_CHUNK (1u << 20)

static int flat_header(struct kdl_out *out)
{
	uint8_t h[FLAT_HEADER_SIZE] = "makedumpfile";

	kdl_put64(h + 16, 1, true); /* type */
	kdl_put64(h + 24, 1, true); /* version */
	return kdl_write_all(out->ctx, out->fd, out->path, h, sizeof(h));
}

static int flat_record(struct kdl_out *out, const void *buf, size_t n,
                       uint64_t off)
{
	uint8_t h[16];

	kdl_put64(h, off, true);
	kdl_put64(h + 8, n, true);
	if (kdl_write_all(out->ctx, out->fd, out->path, h, sizeof(h)))
		return -1;
	return kdl_write_all(out->ctx, out->fd, out->path, buf, n);
}

int kdl_out_open(kdl_ctx *ctx, struct kdl_out *out, const char *path,
                 bool flat)
{
	struct stat st;
	char *dir;

	out->ctx = ctx;
	out->path = path;
	out->tmp_path = NULL;
	out->fd = -1;
	out->flat = flat;
	if (!strcmp(path, "-")) {
		out->fd = STDOUT_FILENO;
		out->path = "stdout";
		out->flat = true;
		return flat_header(out);
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		return kdl_err(ctx, "%s: not a regular file", path);
	dir = dir_of(ctx, path);
	if (!dir)
		return -1;
	out->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
	free(dir);
	if (out->fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return kdl_err_sys(ctx, "%s", path);
	/* a file system without unnamed files: a hidden name until done */
	if (out->fd < 0)
		out->fd = create_beside(out, &out->tmp_path, true);
	if (out->fd < 0)
		return -1;
	return flat ? flat_header(out) : 0;
}

int kdl_out_write(struct kdl_out *out, const void *buf, size_t n, uint64_t off)
{
	if (out->flat)
		return n ? flat_record(out, buf, n, off) : 0;
	return kdl_pwrite_all(out->ctx, out->fd, out->path, buf, n, off);
}

int kdl_out_copy(struct kdl_out *out, int fd, uint64_t from, uint64_t len,
                 uint64_t off)
{
	loff_t in_off = (loff_t)from, out_off = (loff_t)off;
	uint8_t *buf;

	if (!out->flat) {
		struct kdl_fd in = {fd, out->path, &in_off};
		struct kdl_fd to = {out->fd, out->path, &out_off};
		int64_t done = kdl_copy(out->ctx, &in, &to, len);

		if (done >= 0 && (uint64_t)done < len)
			return kdl_err(out->ctx, "%s: copying: the source ended early", out->path);
		return done < 0 ? -1 : 0;
	}
	/* flattened: every piece a record */
	buf = kdl_alloc(out->ctx, FLAT_CHUNK);
	if (!buf)
		return -1;
	while (len) {
		size_t want = len < FLAT_CHUNK ? (size_t)len : FLAT_CHUNK;
		ssize_t got = pread(fd, buf, want, in_off);

		if (got <= 0) {
			if (got == 0)
				errno = EIO;
			free(buf);
			return kdl_err_sys(out->ctx, "%s: copying", out->path);
		}
		if (kdl_out_write(out, buf, (size_t)got, (uint64_t)out_off)) {
			free(buf);
			return -1;
		}
		in_off += got;
		out_off += got;
		len -= (uint64_t)got;
	}
	free(buf);
	return 0;
}

int kdl_out_end(struct kdl_out *out, uint64_t size)
{
	static const uint8_t end_marker[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	if (out->flat)
		return kdl_write_all(out->ctx, out->fd, out->path, end_marker,
		                     sizeof(end_marker));
	if (ftruncate(out->fd, (off_t)size))
		return kdl_err_sys(out->ctx, "%s", out->path);
	return 0;
}

int kdl_out_scratch(struct kdl_out *out)
{
	const char *tmpdir = getenv("TMPDIR");
	char *dir = out->fd == STDOUT_FILENO
	                    ? kdl_strdup(out->ctx, tmpdir && *tmpdir ? tmpdir : "/tmp")
	                    : dir_of(out->ctx, out->path);
	char *name;
	int fd;

	if (!dir)
		return -1;
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		name = kdl_asprintf(out->ctx, "%s/.vmc-scratch.XXXXXX", dir);
		if (!name) {
			free(dir);
			return -1;
		}
		fd = mkostemp(name, O_CLOEXEC);
		if (fd >= 0)
			unlink(name);
		free(name);
	}
	if (fd < 0)
		kdl_err_sys(out->ctx, "scratch file in %s", dir);
	free(dir);
	return fd;
}

int kdl_out_commit(struct kdl_out *out)
{
	char *tmp = out->tmp_path;
	int ret = 0;

	if (out->fd == STDOUT_FILENO)
		return 0; /* the program closes stdout and checks it */
	if (!tmp) {
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", out->fd);
		if (create_beside(out, &tmp, false))
			goto fail;
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW)) {
			kdl_err_sys(out->ctx, "%s", out->path);
			free(tmp);
			goto fail;
		}
	}
	if (close(out->fd)) {
		ret = kdl_err_sys(out->ctx, "%s", out->path);
		unlink(tmp);
	} else if (rename(tmp, out->path)) {
		ret = kdl_err_sys(out->ctx, "%s", out->path);
		unlink(tmp);
	}
	out->fd = -1;
	free(tmp);
	out->tmp_path = NULL;
	return ret;
fail:
	kdl_out_abort(out);
	return -1;
}

void kdl_out_abort(struct kdl_out *out)
{
	if (out->fd >= 0 && out->fd != STDOUT_FILENO)
		close(out->fd);
	if (out->tmp_path)
		unlink(out->tmp_path);
	free(out->tmp_path);
	out->tmp_path = NULL;
	out->fd = -1;
}
