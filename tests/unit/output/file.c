/* output/file.c: a dump file appears at its path only when committed, as
 * written in place or in the flattened format; "-" is stdout; scratch
 * files live beside the output and vanish when closed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "output/output.h"

static kdl_ctx *ctx;

/* The failure is "who: what", of that class. */
static void check_failure(const char *who, const char *what,
                          enum kdl_status status, int line)
{
	char want[8192];

	snprintf(want, sizeof(want), "%s: %s", who, what);
	check_str(kdl_ctx_error(ctx), want, "error", "want", __FILE__, line);
	check_eq(kdl_ctx_status(ctx), status, "status", "class", __FILE__, line);
}

/* That path holds exactly n bytes, want. */
static void check_file(const char *path, const void *want, size_t n, int line)
{
	size_t len;
	uint8_t *f = read_file(path, &len);

	if (check_true(f != NULL, "read_file", __FILE__, line) &&
	    check_eq(len, n, "length", "n", __FILE__, line))
		check_mem(f, want, n, "file", "want", __FILE__, line);
	free(f);
}

/* A scratch file is unnamed in dir: /proc shows it there, deleted. */
static void check_unnamed_in(int fd, const char *dir, int line)
{
	char proc[64], link[4096], want[4096];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%s/", dir);
	check_true(!strncmp(link, want, strlen(want)), "in the directory", __FILE__, line);
	check_true(strstr(link, " (deleted)") != NULL, "unnamed", __FILE__, line);
}

static void test_commit(void)
{
	struct kdl_out out;
	char path[4096];
	struct stat st;
	mode_t mask = umask(027);

	scratch_path("dump", path, sizeof(path));
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), 0))
		goto out;
	CHECK(out.fd >= 0);
	CHECK(!out.flat);
	CHECK_EQ(kdl_out_write(&out, "partial", 7, 0), 0);
	/* not there, under its name or any other, until committed */
	CHECK(access(path, F_OK) != 0);
	CHECK_EQ(scratch_entries(), out.tmp_path ? 1 : 0);
	CHECK_EQ(kdl_out_commit(&out), 0);
	CHECK_EQ(out.fd, -1);
	CHECK(out.tmp_path == NULL);
	check_file(path, "partial", 7, __LINE__);
	CHECK_EQ(scratch_entries(), 1);
	/* the owner's alone, whatever the umask (027 here) allows */
	if (CHECK_EQ(stat(path, &st), 0))
		CHECK_EQ(st.st_mode & 07777, 0600);
out:
	umask(mask);
}

/* The mode asked for, under any umask; an old file's mode goes with it. */
static void test_mode(void)
{
	static const struct {
		mode_t umask;
		unsigned mode;
	} cases[] = {{0, 0600}, {077, 0600}, {0777, 0600}, {077, 0644}, {022, 0660}, {0, 0400}};
	struct kdl_out out;
	char path[4096];
	struct stat st;

	scratch_path("moded", path, sizeof(path));
	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++) {
		mode_t mask = umask(cases[i].umask);
		int ok = CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, cases[i].mode), 0) &&
		         CHECK_EQ(kdl_out_commit(&out), 0);

		umask(mask);
		if (ok && CHECK_EQ(stat(path, &st), 0) && !CHECK_EQ(st.st_mode & 07777, cases[i].mode))
			fprintf(stderr, "  umask 0%o\n", (unsigned)cases[i].umask);
	}
	unlink(path);
}

static void test_abort_keeps_the_old_file(void)
{
	struct kdl_out out;
	char path[4096];
	int before;

	write_file(scratch_path("old", path, sizeof(path)), "old dump", 8);
	before = scratch_entries();
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), 0))
		return;
	CHECK_EQ(kdl_out_write(&out, "new", 3, 0), 0);
	kdl_out_abort(&out);
	CHECK_EQ(out.fd, -1);
	CHECK(out.tmp_path == NULL);
	check_file(path, "old dump", 8, __LINE__);
	CHECK_EQ(scratch_entries(), before);

	/* and a commit replaces it */
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), 0))
		return;
	CHECK_EQ(kdl_out_write(&out, "new", 3, 0), 0);
	CHECK_EQ(kdl_out_commit(&out), 0);
	check_file(path, "new", 3, __LINE__);
	CHECK_EQ(scratch_entries(), before);
}

static void test_refused(void)
{
	struct kdl_out out;
	char path[4096];

	scratch_path("", path, sizeof(path));
	path[strlen(path) - 1] = 0;
	/* a directory, as open(2) would say it */
	CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), -1);
	check_failure(path, "Is a directory", KDL_ERR_IO, __LINE__);
	CHECK_EQ(kdl_out_open(ctx, &out, "/dev/null", false, NULL, 0600), -1);
	check_failure("/dev/null", "not a regular file", KDL_ERR_UNSUPPORTED, __LINE__);
	scratch_path("no/such/dir/dump", path, sizeof(path));
	CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), -1);
	check_failure(path, "No such file or directory", KDL_ERR_IO, __LINE__);
}

static void test_relative_path(void)
{
	struct kdl_out out;
	char dir[4096], cwd[4096];
	int fd;

	scratch_path("sub", dir, sizeof(dir));
	if (!CHECK(getcwd(cwd, sizeof(cwd))) || !CHECK_EQ(mkdir(dir, 0700), 0) ||
	    !CHECK_EQ(chdir(dir), 0))
		return;
	if (CHECK_EQ(kdl_out_open(ctx, &out, "here", false, NULL, 0600), 0)) {
		/* scratch files too go in the current directory */
		fd = kdl_out_scratch(&out);
		if (CHECK(fd >= 0)) {
			check_unnamed_in(fd, dir, __LINE__);
			close(fd);
		}
		CHECK_EQ(kdl_out_write(&out, "x", 1, 0), 0);
		CHECK_EQ(kdl_out_commit(&out), 0);
		check_file("here", "x", 1, __LINE__);
	}
	CHECK_EQ(chdir(cwd), 0);
}

/* Written where asked, in any order; the end is where the dump says. */
static void test_write_and_end(void)
{
	struct kdl_out out;
	char path[4096];
	uint8_t want[104] = "head";

	memcpy(want + 100, "tail", 4);
	scratch_path("placed", path, sizeof(path));
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), 0))
		return;
	CHECK_EQ(kdl_out_write(&out, "tail", 4, 100), 0);
	CHECK_EQ(kdl_out_write(&out, "head", 4, 0), 0);
	CHECK_EQ(kdl_out_write(&out, "", 0, 500), 0);
	/* past the last byte written: zeros */
	CHECK_EQ(kdl_out_end(&out, 200), 0);
	CHECK_EQ(lseek(out.fd, 0, SEEK_END), 200);
	/* short of it: cut */
	CHECK_EQ(kdl_out_write(&out, "junk", 4, 300), 0);
	CHECK_EQ(kdl_out_end(&out, 104), 0);
	CHECK_EQ(kdl_out_commit(&out), 0);
	check_file(path, want, 104, __LINE__);
}

/* A source file of n bytes, 0, 1, 2, ... */
static int source_file(const char *name, size_t n)
{
	char path[4096];
	uint8_t *p = malloc(n);
	int fd = -1;

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)i;
	if (p && !write_file(scratch_path(name, path, sizeof(path)), p, n))
		fd = open(path, O_RDONLY);
	free(p);
	return fd;
}

static void test_copy(void)
{
	struct kdl_out out;
	char path[4096], want[4200];
	uint8_t bytes[300] = {0};
	int src = source_file("copy-src", 256);

	for (int i = 0; i < 100; i++)
		bytes[200 + i] = (uint8_t)(50 + i);
	scratch_path("copied", path, sizeof(path));
	if (!CHECK(src >= 0) || !CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), 0))
		goto out;
	CHECK_EQ(kdl_out_copy(&out, src, "source", 50, 100, 200), 0);
	/* the source's own position is not used, nor moved */
	CHECK_EQ(lseek(src, 0, SEEK_CUR), 0);
	CHECK_EQ(kdl_out_end(&out, 300), 0);

	CHECK_EQ(kdl_out_copy(&out, src, "source", 200, 100, 0), -1);
	snprintf(want, sizeof(want), "it ended before all of it was copied to %s", path);
	check_failure("source", want, KDL_ERR_IO, __LINE__);
	CHECK_EQ(kdl_out_copy(&out, -1, "source", 0, 10, 0), -1);
	check_failure("source", "Bad file descriptor", KDL_ERR_IO, __LINE__);

	CHECK_EQ(kdl_out_end(&out, 300), 0);
	CHECK_EQ(kdl_out_commit(&out), 0);
	/* the failed copy wrote what it had before it stopped */
	for (int i = 0; i < 56; i++)
		bytes[i] = (uint8_t)(200 + i);
	check_file(path, bytes, sizeof(bytes), __LINE__);
out:
	if (src >= 0)
		close(src);
}

/* What the flattened format should hold, built by hand: the header
 * (type 1 and version 1 as big-endian u64s at 16 and 24) ... */
static size_t flat_header(uint8_t *p)
{
	memset(p, 0, 4096);
	memcpy(p, "makedumpfile", 12);
	p[16 + 7] = 1;
	p[24 + 7] = 1;
	return 4096;
}

/* ... records of a big-endian offset and size ... */
static void add_record(uint8_t *p, size_t *len, uint64_t off, const void *buf,
                       size_t n)
{
	kdl_put64(p + *len, off, true);
	kdl_put64(p + *len + 8, n, true);
	memcpy(p + *len + 16, buf, n);
	*len += 16 + n;
}

/* ... and the end marker. */
static void add_end(uint8_t *p, size_t *len)
{
	memset(p + *len, 0xff, 16);
	*len += 16;
}

static void test_flat(void)
{
	struct kdl_out out;
	char path[4096], message[4200];
	size_t n = KDL_CHUNK + 10, len;
	uint8_t *want = malloc(4096 + 4 * 16 + 3 + 1 + n + 16);
	uint8_t *src_bytes = malloc(n);
	int src = source_file("flat-src", n + 5);

	if (!CHECK(want && src_bytes) || !CHECK(src >= 0))
		goto out;
	for (size_t i = 0; i < n; i++)
		src_bytes[i] = (uint8_t)(i + 5);
	len = flat_header(want);
	add_record(want, &len, 0x5000, "abc", 3);
	add_record(want, &len, 0, "z", 1);
	/* a copy of more than a chunk: a record for each */
	add_record(want, &len, 0x100000, src_bytes, KDL_CHUNK);
	add_record(want, &len, 0x100000 + KDL_CHUNK, src_bytes + KDL_CHUNK, 10);
	add_end(want, &len);

	scratch_path("flat", path, sizeof(path));
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, true, NULL, 0600), 0))
		goto out;
	CHECK(out.flat);
	CHECK_EQ(kdl_out_write(&out, "abc", 3, 0x5000), 0);
	/* nothing to write is no record */
	CHECK_EQ(kdl_out_write(&out, "", 0, 0x6000), 0);
	CHECK_EQ(kdl_out_write(&out, "z", 1, 0), 0);
	CHECK_EQ(kdl_out_copy(&out, src, "source", 5, n, 0x100000), 0);
	CHECK_EQ(lseek(src, 0, SEEK_CUR), 0);
	/* a short source: an error, and no record of the missing part */
	CHECK_EQ(kdl_out_copy(&out, src, "source", n, 6, 0), -1);
	snprintf(message, sizeof(message), "it ended before all of it was copied to %s", path);
	check_failure("source", message, KDL_ERR_IO, __LINE__);
	/* the size is the records' to tell */
	CHECK_EQ(kdl_out_end(&out, 1), 0);
	CHECK_EQ(kdl_out_commit(&out), 0);
	check_file(path, want, len, __LINE__);
out:
	if (src >= 0)
		close(src);
	free(want);
	free(src_bytes);
}

/* "-": the flattened format on stdout, whatever was asked; scratch
 * files where the caller says, else in /tmp; stdout is never closed. */
static void test_stdout(void)
{
	struct kdl_out out;
	char path[4096], dir[4096];
	uint8_t want[4096 + 16 + 2 + 16];
	size_t len = flat_header(want);
	int saved, fd, before = scratch_entries();

	add_record(want, &len, 7, "hi", 2);
	add_end(want, &len);
	scratch_path("", dir, sizeof(dir));
	dir[strlen(dir) - 1] = 0;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(scratch_path("stdout", path, sizeof(path)), O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (!CHECK(saved >= 0) || !CHECK(fd >= 0) ||
	    !CHECK_EQ(dup2(fd, STDOUT_FILENO), STDOUT_FILENO))
		goto out;
	close(fd);

	if (CHECK_EQ(kdl_out_open(ctx, &out, "-", false, dir, 0600), 0)) {
		CHECK_EQ(out.fd, STDOUT_FILENO);
		CHECK_STR(out.path, "stdout");
		CHECK(out.flat);
		fd = kdl_out_scratch(&out);
		if (CHECK(fd >= 0)) {
			check_unnamed_in(fd, dir, __LINE__);
			close(fd);
		}
		out.scratch_dir = NULL;
		fd = kdl_out_scratch(&out);
		if (CHECK(fd >= 0)) {
			check_unnamed_in(fd, "/tmp", __LINE__);
			close(fd);
		}
		CHECK_EQ(kdl_out_write(&out, "hi", 2, 7), 0);
		CHECK_EQ(kdl_out_end(&out, 9), 0);
		CHECK_EQ(kdl_out_commit(&out), 0);
		CHECK(fcntl(STDOUT_FILENO, F_GETFD) >= 0);
		kdl_out_abort(&out);
		CHECK(fcntl(STDOUT_FILENO, F_GETFD) >= 0);
	}
	check_file(path, want, sizeof(want), __LINE__);
	/* only the stdout file itself */
	CHECK_EQ(scratch_entries(), before + 1);

	/* a stdout that cannot be written fails at the header */
	fd = open(path, O_RDONLY);
	if (CHECK(fd >= 0) && CHECK_EQ(dup2(fd, STDOUT_FILENO), STDOUT_FILENO)) {
		CHECK_EQ(kdl_out_open(ctx, &out, "-", true, NULL, 0600), -1);
		check_failure("stdout", "Bad file descriptor", KDL_ERR_IO, __LINE__);
	}
	if (fd >= 0)
		close(fd);
out:
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
}

static void test_scratch(void)
{
	char dir[4096], who[8192], buf[8] = {0};
	int before = scratch_entries();
	int fd;

	scratch_path("", dir, sizeof(dir));
	dir[strlen(dir) - 1] = 0;
	fd = kdl_scratch_open(ctx, dir);
	if (CHECK(fd >= 0)) {
		check_unnamed_in(fd, dir, __LINE__);
		CHECK_EQ(scratch_entries(), before);
		CHECK_EQ(kdl_pwrite_all(ctx, fd, "scratch", "spool", 5, 3), 0);
		CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 8);
		CHECK_MEM(buf, "\0\0\0spool", 8);
		close(fd);
	}
	CHECK_EQ(scratch_entries(), before);

	scratch_path("none", dir, sizeof(dir));
	CHECK_EQ(kdl_scratch_open(ctx, dir), -1);
	snprintf(who, sizeof(who), "scratch file in %s", dir);
	check_failure(who, "No such file or directory", KDL_ERR_IO, __LINE__);
}

/* The directory gone before the commit: the commit fails and leaves
 * nothing.  Only an unnamed file lets the directory go. */
static void test_commit_fails(void)
{
	struct kdl_out out;
	char dir[4096], path[4096];

	scratch_path("gone", dir, sizeof(dir));
	scratch_path("gone/dump", path, sizeof(path));
	if (!CHECK_EQ(mkdir(dir, 0700), 0) ||
	    !CHECK_EQ(kdl_out_open(ctx, &out, path, false, NULL, 0600), 0))
		return;
	if (out.tmp_path) {
		kdl_out_abort(&out);
		return;
	}
	CHECK_EQ(rmdir(dir), 0);
	CHECK_EQ(kdl_out_commit(&out), -1);
	check_failure(path, "No such file or directory", KDL_ERR_IO, __LINE__);
	CHECK_EQ(out.fd, -1);
	CHECK(out.tmp_path == NULL);
	CHECK(access(dir, F_OK) != 0 && errno == ENOENT);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_commit();
	test_mode();
	test_abort_keeps_the_old_file();
	test_refused();
	test_relative_path();
	test_write_and_end();
	test_copy();
	test_flat();
	test_stdout();
	test_scratch();
	test_commit_fails();
	kdl_ctx_free(ctx);
	return check_done("output/file");
}
