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
		if (errno != EEXIST && create)
			break;
		free(*tmp);
		*tmp = NULL;
	}
	return kdl_err_sys(out->ctx, "%s", out->path);
}

int kdl_out_open(kdl_ctx *ctx, struct kdl_out *out, const char *path)
{
	struct stat st;
	char *dir;

	out->ctx = ctx;
	out->path = path;
	out->tmp_path = NULL;
	out->fd = -1;
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		return kdl_err(ctx, "%s: not a regular file", path);
	dir = dir_of(ctx, path);
	if (!dir)
		return -1;
	out->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
	free(dir);
	if (out->fd >= 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return kdl_err_sys(ctx, "%s", path);
	/* a file system without unnamed files: a hidden name until done */
	out->fd = create_beside(out, &out->tmp_path, true);
	return out->fd < 0 ? -1 : 0;
}

int kdl_out_commit(struct kdl_out *out)
{
	char *tmp = out->tmp_path;
	int ret = 0;

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
	if (out->fd >= 0)
		close(out->fd);
	if (out->tmp_path)
		unlink(out->tmp_path);
	free(out->tmp_path);
	out->tmp_path = NULL;
	out->fd = -1;
}
