/* base/io.c: reads and writes that finish what they start, across short
 * transfers and signals, on files and pipes; failures named after what
 * was read or written. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "check.h"

/* More than a pipe holds: every transfer through one comes in pieces. */
#define BIG (1u << 20)

static kdl_ctx *ctx;

static void check_failure(const char *message, enum kdl_status status,
                          int line)
{
	check_str(kdl_ctx_error(ctx), message, "error", message, __FILE__, line);
	check_eq(kdl_ctx_status(ctx), status, "status", "class", __FILE__, line);
}

static int open_scratch(const char *name, int flags)
{
	char path[4096];

	return open(scratch_path(name, path, sizeof(path)), flags | O_CREAT, 0600);
}

static uint8_t *pattern(size_t n)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)(i * 7 + i / 251);
	return p;
}

static void test_pipe(void)
{
	int fds[2];
	char buf[16] = {0};

	if (!CHECK_EQ(pipe(fds), 0))
		return;
	CHECK_EQ(kdl_write_all(ctx, fds[1], "pipe", "hello", 5), 0);
	close(fds[1]);
	/* the count read at the end of input, short of what was asked */
	CHECK_EQ(kdl_read_full(ctx, fds[0], "pipe", buf, sizeof(buf), NULL), 5);
	CHECK_STR(buf, "hello");
	CHECK_EQ(kdl_read_full(ctx, fds[0], "pipe", buf, sizeof(buf), NULL), 0);
	close(fds[0]);
}

/* A pipe has no offsets to read or write at. */
static void test_pipe_at_an_offset(void)
{
	uint64_t off = 3;
	int fds[2];
	char buf[4];

	if (!CHECK_EQ(pipe(fds), 0))
		return;
	CHECK_EQ(kdl_read_full(ctx, fds[0], "pipe in", buf, sizeof(buf), &off), -1);
	check_failure("pipe in: Illegal seek", KDL_ERR_IO, __LINE__);
	CHECK_EQ(off, 3);
	CHECK_EQ(kdl_pwrite_all(ctx, fds[1], "pipe out", "x", 1, 0), -1);
	check_failure("pipe out: Illegal seek", KDL_ERR_IO, __LINE__);
	close(fds[0]);
	close(fds[1]);
}

static void test_bad_descriptor(void)
{
	char buf[1];
	uint64_t off = 0;
	int fd;

	CHECK_EQ(kdl_write_all(ctx, -1, "nowhere", "x", 1), -1);
	check_failure("nowhere: Bad file descriptor", KDL_ERR_IO, __LINE__);
	CHECK_EQ(kdl_read_full(ctx, -1, "nothing", buf, 1, NULL), -1);
	check_failure("nothing: Bad file descriptor", KDL_ERR_IO, __LINE__);
	CHECK_EQ(kdl_read_full(ctx, -1, "nothing at 0", buf, 1, &off), -1);
	check_failure("nothing at 0: Bad file descriptor", KDL_ERR_IO, __LINE__);

	fd = open_scratch("closed", O_RDWR);
	if (!CHECK(fd >= 0))
		return;
	close(fd);
	CHECK_EQ(kdl_pwrite_all(ctx, fd, "closed", "x", 1, 0), -1);
	check_failure("closed: Bad file descriptor", KDL_ERR_IO, __LINE__);
}

/* What was written, read back at its offset: all of it, or an error
 * that says the file is shorter. */
static void test_read_back(void)
{
	char buf[8] = {0};
	int fd = open_scratch("back", O_RDWR | O_CREAT);

	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(kdl_pwrite_all(ctx, fd, "back", "0123456789", 10, 0), 0);
	CHECK_EQ(kdl_read_back(ctx, fd, "back", buf, 4, 6), 0);
	CHECK_MEM(buf, "6789", 4);
	CHECK_EQ(kdl_read_back(ctx, fd, "back", buf, 5, 6), -1);
	check_failure("back: shorter than what was written to it", KDL_ERR_IO, __LINE__);
	close(fd);
	CHECK_EQ(kdl_read_back(ctx, fd, "back", buf, 1, 0), -1);
	check_failure("back: Bad file descriptor", KDL_ERR_IO, __LINE__);
}

static void test_file_at_offsets(void)
{
	char buf[16] = {0};
	uint64_t off;
	int fd = open_scratch("pw", O_RDWR | O_TRUNC);

	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(kdl_pwrite_all(ctx, fd, "pw", "tail", 4, 8), 0);
	CHECK_EQ(kdl_pwrite_all(ctx, fd, "pw", "head", 4, 0), 0);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 12);
	CHECK_MEM(buf, "head\0\0\0\0tail", 12);
	/* at an offset, the descriptor's own position stays */
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);

	off = 2;
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(kdl_read_full(ctx, fd, "pw", buf, 4, &off), 4);
	CHECK_MEM(buf, "ad\0\0", 4);
	CHECK_EQ(off, 6);
	/* short at the end, the offset past what was read */
	CHECK_EQ(kdl_read_full(ctx, fd, "pw", buf, sizeof(buf), &off), 6);
	CHECK_MEM(buf, "\0\0tail", 6);
	CHECK_EQ(off, 12);
	CHECK_EQ(kdl_read_full(ctx, fd, "pw", buf, sizeof(buf), &off), 0);
	CHECK_EQ(off, 12);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	close(fd);
}

static void test_file_at_its_position(void)
{
	char buf[8] = {0};
	int fd = open_scratch("pos", O_RDWR | O_TRUNC);

	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(kdl_write_all(ctx, fd, "pos", "one", 3), 0);
	CHECK_EQ(kdl_write_all(ctx, fd, "pos", "two", 3), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
	CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	CHECK_EQ(kdl_read_full(ctx, fd, "pos", buf, 3, NULL), 3);
	CHECK_MEM(buf, "etw", 3);
	CHECK_EQ(kdl_read_full(ctx, fd, "pos", buf, sizeof(buf), NULL), 1);
	CHECK_MEM(buf, "o", 1);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
	close(fd);
}

static volatile sig_atomic_t signals;

static void count_signal(int sig)
{
	(void)sig;
	signals++;
}

static void nap(void)
{
	struct timespec t = {0, 20 * 1000 * 1000};

	nanosleep(&t, NULL);
}

/* A child that signals its parent while the parent waits on the pipe,
 * then runs fn on its end of it; fn's result is the child's status. */
static pid_t interrupting_child(int fds[2], int end, int (*fn)(int fd))
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	close(fds[!end]);
	for (int i = 0; i < 5; i++) {
		nap();
		kill(parent, SIGUSR1);
	}
	_exit(fn(fds[end]));
}

static int wait_child(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int write_big(int fd)
{
	uint8_t *p = pattern(BIG);
	int ret = p && !kdl_write_all(ctx, fd, "child", p, BIG) ? 0 : 1;

	free(p);
	return ret;
}

static int read_big(int fd)
{
	uint8_t *want = pattern(BIG), *got = malloc(BIG + 1);
	int ret = 1;

	if (want && got && kdl_read_full(ctx, fd, "child", got, BIG + 1, NULL) == BIG)
		ret = memcmp(got, want, BIG) != 0;

	free(want);
	free(got);
	return ret;
}

/* Without SA_RESTART a signal ends a blocked read or write early: with
 * EINTR, or with a short count. */
static void test_signals_and_short_transfers(void)
{
	struct sigaction sa = {.sa_handler = count_signal}, old;
	uint8_t *want = pattern(BIG), *got = malloc(BIG + 1);
	int fds[2];
	pid_t pid;

	if (!CHECK(want && got) || !CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0))
		goto out;

	if (CHECK_EQ(pipe(fds), 0)) {
		signals = 0;
		pid = interrupting_child(fds, 1, write_big);
		close(fds[1]);
		CHECK_EQ(kdl_read_full(ctx, fds[0], "from child", got, BIG + 1, NULL), BIG);
		CHECK_MEM(got, want, BIG);
		close(fds[0]);
		CHECK_EQ(wait_child(pid), 0);
		/* each signal arrives while the transfer waits, or just before */
		CHECK(signals > 0);
	}

	if (CHECK_EQ(pipe(fds), 0)) {
		signals = 0;
		pid = interrupting_child(fds, 0, read_big);
		close(fds[0]);
		CHECK_EQ(kdl_write_all(ctx, fds[1], "to child", want, BIG), 0);
		close(fds[1]);
		CHECK_EQ(wait_child(pid), 0);
		CHECK(signals > 0);
	}
	sigaction(SIGUSR1, &old, NULL);
out:
	free(want);
	free(got);
}

static void test_read_file(void)
{
	char path[4096], want[8192];
	size_t len = 7;
	char *s;

	write_file(scratch_path("small", path, sizeof(path)), "a=1\nb", 5);
	s = kdl_read_file(ctx, path, 5, "vmcoreinfo", &len);
	if (CHECK(s)) {
		CHECK_EQ(len, 5);
		CHECK_MEM(s, "a=1\nb\0", 6);
	}
	free(s);

	/* one byte over what is allowed */
	len = 7;
	CHECK(kdl_read_file(ctx, path, 4, "vmcoreinfo", &len) == NULL);
	snprintf(want, sizeof(want), "%s: too large for vmcoreinfo", path);
	check_failure(want, KDL_ERR_UNSUPPORTED, __LINE__);
	CHECK_EQ(len, 7);

	write_file(scratch_path("empty", path, sizeof(path)), "", 0);
	s = kdl_read_file(ctx, path, 0, "a note", &len);
	if (CHECK(s)) {
		CHECK_EQ(len, 0);
		CHECK_STR(s, "");
	}
	free(s);

	CHECK(kdl_read_file(ctx, scratch_path("missing", path, sizeof(path)), 100,
	                    "vmcoreinfo", &len) == NULL);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	check_failure(want, KDL_ERR_IO, __LINE__);

	/* opened, but it fails to read */
	CHECK(kdl_read_file(ctx, scratch_path("", path, sizeof(path)), 100,
	                    "vmcoreinfo", &len) == NULL);
	snprintf(want, sizeof(want), "%s: Is a directory", path);
	check_failure(want, KDL_ERR_IO, __LINE__);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_pipe();
	test_pipe_at_an_offset();
	test_bad_descriptor();
	test_read_back();
	test_file_at_offsets();
	test_file_at_its_position();
	test_signals_and_short_transfers();
	test_read_file();
	kdl_ctx_free(ctx);
	return check_done("base/io");
}
