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

#include "output/output.h"

char *kdl_dir_of(kdl_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return kdl_strdup(ctx, ".");
	if (slash == path)
		return kdl_strdup(ctx, "/");
	return kdl_memdup(ctx, path, (size_t)(slash - path));
}

static bool no_unnamed_files(int err)
{
	return err == EOPNOTSUPP || err == EISDIR || err == EINVAL;
}

/* A fresh name beside path for the file before it takes path's name:
 * created, or (create false) only found free. */
static int name_beside(struct kdl_out *out, char **tmp, bool create)
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
			int fd = open(*tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
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

/* The unnamed file beside the path. */
static int create(struct kdl_out *out)
{
	char *dir = kdl_dir_of(out->ctx, out->path);

	if (!dir)
		return -1;
	out->tmp_path = NULL;
	out->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	free(dir);
	if (out->fd < 0 && !no_unnamed_files(errno))
		return kdl_err_sys(out->ctx, "%s", out->path);
	if (out->fd < 0)
		out->fd = name_beside(out, &out->tmp_path, true);
	if (out->fd < 0)
		return -1;
	/* the mode asked for, not what the umask leaves of it */
	if (fchmod(out->fd, out->mode)) {
		kdl_err_sys(out->ctx, "%s", out->path);
		kdl_out_abort(out);
		return -1;
	}
	return 0;
}

int kdl_out_open(kdl_ctx *ctx, struct kdl_out *out, const char *path,
                 bool flat, const char *scratch_dir, unsigned mode)
{
	struct stat st;

	out->ctx = ctx;
	out->path = path;
	out->tmp_path = NULL;
	out->fd = -1;
	out->flat = flat;
	out->scratch_dir = scratch_dir;
	out->mode = mode;
	if (!strcmp(path, "-")) {
		out->fd = STDOUT_FILENO;
		out->path = "stdout";
		out->flat = true;
		return kdl_flat_header(ctx, out->fd, out->path);
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		/* a directory, as open(2) would say it */
		if (!S_ISDIR(st.st_mode))
			return kdl_err(ctx, KDL_ERR_UNSUPPORTED, "%s: not a regular file", path);
		errno = EISDIR;
		return kdl_err_sys(ctx, "%s", path);
	}
	if (create(out))
		return -1;
	return flat ? kdl_flat_header(ctx, out->fd, out->path) : 0;
}

int kdl_out_renew(struct kdl_out *out)
{
	struct kdl_out old = *out;

	if (create(out)) {
		*out = old;
		return -1;
	}
	/* the old file, a scratch file now, has no name either */
	if (old.tmp_path)
		unlink(old.tmp_path);
	free(old.tmp_path);
	return old.fd;
}

int kdl_out_write(struct kdl_out *out, const void *buf, size_t n, uint64_t off)
{
	if (out->flat)
		return n ? kdl_flat_record(out->ctx, out->fd, out->path, buf, n, off) : 0;
	return kdl_pwrite_all(out->ctx, out->fd, out->path, buf, n, off);
}

static int ended_early(struct kdl_out *out, const char *name)
{
	return kdl_err(out->ctx, KDL_ERR_IO, "%s: it ended before all of it was copied to %s",
	               name, out->path);
}

int kdl_out_copy(struct kdl_out *out, int fd, const char *name, uint64_t from,
                 uint64_t len, uint64_t off)
{
	uint8_t *buf;
	int ret = 0;

	if (!out->flat) {
		struct kdl_copy_end in = {fd, name, &from};
		struct kdl_copy_end to = {out->fd, out->path, &off};
		int64_t done = kdl_copy(out->ctx, &in, &to, len);

		if (done >= 0 && (uint64_t)done < len)
			return ended_early(out, name);
		return done < 0 ? -1 : 0;
	}
	/* flattened: every piece a record */
	buf = kdl_alloc(out->ctx, KDL_CHUNK);
	if (!buf)
		return -1;
	while (len && !ret) {
		size_t want = len < KDL_CHUNK ? (size_t)len : KDL_CHUNK;
		ssize_t got = kdl_read_full(out->ctx, fd, name, buf, want, &from);

		if (got >= 0 && (size_t)got < want)
			ret = ended_early(out, name);
		else
			ret = got < 0 ? -1 : kdl_out_write(out, buf, want, off);
		off += want;
		len -= want;
	}
	free(buf);
	return ret;
}

int kdl_out_end(struct kdl_out *out, uint64_t size)
{
	if (out->flat)
		return kdl_flat_end(out->ctx, out->fd, out->path);
	if (ftruncate(out->fd, (off_t)size))
		return kdl_err_sys(out->ctx, "%s", out->path);
	return 0;
}

int kdl_scratch_open(kdl_ctx *ctx, const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	char *name;

	if (fd < 0 && no_unnamed_files(errno)) {
		name = kdl_asprintf(ctx, "%s/.vmc-scratch.XXXXXX", dir);
		if (!name)
			return -1;
		fd = mkostemp(name, O_CLOEXEC);
		if (fd >= 0)
			unlink(name);
		free(name);
	}
	if (fd < 0)
		kdl_err_sys(ctx, "scratch file in %s", dir);
	return fd;
}

int kdl_out_scratch(struct kdl_out *out)
{
	char *dir = out->fd == STDOUT_FILENO
	                    ? kdl_strdup(out->ctx, out->scratch_dir ? out->scratch_dir : "/tmp")
	                    : kdl_dir_of(out->ctx, out->path);
	int fd;

	if (!dir)
		return -1;
	fd = kdl_scratch_open(out->ctx, dir);
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
		if (name_beside(out, &tmp, false))
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
