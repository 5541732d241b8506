/* output/copy.c: kdl_copy moves bytes between files, pipes and sockets, at
 * given offsets (which advance, the descriptors' positions staying) or
 * at the descriptors' positions, and stops short only where the input
 * ends. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "output/output.h"

static kdl_ctx *ctx;

/* Not a multiple of anything the kernel or the library copies by. */
#define BIG (3 * KDL_CHUNK + 5)

static uint8_t *pattern(size_t n)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)(i * 13 + i / 509);
	return p;
}

/* A scratch file holding the first n bytes of the pattern, open. */
static int pattern_file(const char *name, size_t n, int flags)
{
	char path[4096];
	uint8_t *p = pattern(n);
	int fd = -1;

	if (p && !write_file(scratch_path(name, path, sizeof(path)), p, n))
		fd = open(path, flags);
	free(p);
	return fd;
}

static int empty_file(const char *name)
{
	char path[4096];

	return open(scratch_path(name, path, sizeof(path)),
	            O_RDWR | O_CREAT | O_TRUNC, 0600);
}

/* That fd holds, from off, n bytes of the pattern from pat_off. */
static void check_holds(int fd, uint64_t off, size_t pat_off, size_t n,
                        int line)
{
	uint8_t *want = pattern(pat_off + n), *got = malloc(n ? n : 1);

	if (want && got &&
	    check_eq((uint64_t)kdl_read_full(ctx, fd, "check", got, n, &off), n,
	             "read back", "n", __FILE__, line))
		check_mem(got, want + pat_off, n, "copy", "pattern", __FILE__, line);
	free(want);
	free(got);
}

static uint64_t position(int fd)
{
	return (uint64_t)lseek(fd, 0, SEEK_CUR);
}

static void test_file_to_file_at_offsets(void)
{
	int in = pattern_file("ff-in", BIG, O_RDONLY), out = empty_file("ff-out");
	uint64_t in_off = 7, out_off = 100;
	struct kdl_copy_end from = {in, "in", &in_off}, to = {out, "out", &out_off};
	uint8_t zero[100] = {0}, head[100];

	if (!CHECK(in >= 0) || !CHECK(out >= 0))
		goto out;
	CHECK_EQ(kdl_copy(ctx, &from, &to, BIG - 8), BIG - 8);
	CHECK_EQ(in_off, BIG - 1);
	CHECK_EQ(out_off, 100 + BIG - 8);
	CHECK_EQ(position(in), 0);
	CHECK_EQ(position(out), 0);
	check_holds(out, 100, 7, BIG - 8, __LINE__);
	CHECK_EQ(pread(out, head, sizeof(head), 0), 100);
	CHECK_MEM(head, zero, sizeof(zero));
	CHECK_EQ(lseek(out, 0, SEEK_END), 100 + BIG - 8);
out:
	close(in);
	close(out);
}

static void test_file_to_file_at_positions(void)
{
	int in = pattern_file("fp-in", 1000, O_RDONLY), out = empty_file("fp-out");
	struct kdl_copy_end from = {in, "in", NULL}, to = {out, "out", NULL};

	if (!CHECK(in >= 0) || !CHECK(out >= 0))
		goto out;
	CHECK_EQ(lseek(in, 10, SEEK_SET), 10);
	CHECK_EQ(write(out, "xy", 2), 2);
	CHECK_EQ(kdl_copy(ctx, &from, &to, 50), 50);
	CHECK_EQ(position(in), 60);
	CHECK_EQ(position(out), 52);
	/* the next copy goes on from there */
	CHECK_EQ(kdl_copy(ctx, &from, &to, 5), 5);
	CHECK_EQ(position(in), 65);
	check_holds(out, 2, 10, 55, __LINE__);
	CHECK_EQ(lseek(out, 0, SEEK_END), 57);
out:
	close(in);
	close(out);
}

static void test_short_input(void)
{
	int in = pattern_file("short-in", 100, O_RDONLY), out = empty_file("short-out");
	uint64_t in_off = 40, out_off = 0;
	struct kdl_copy_end from = {in, "in", &in_off}, to = {out, "out", &out_off};

	if (!CHECK(in >= 0) || !CHECK(out >= 0))
		goto out;
	CHECK_EQ(kdl_copy(ctx, &from, &to, 1000), 60);
	CHECK_EQ(in_off, 100);
	CHECK_EQ(out_off, 60);
	check_holds(out, 0, 40, 60, __LINE__);
	/* at the end, nothing */
	CHECK_EQ(kdl_copy(ctx, &from, &to, 1000), 0);
	in_off = 5000;
	CHECK_EQ(kdl_copy(ctx, &from, &to, 10), 0);
	CHECK_EQ(in_off, 5000);
	CHECK_EQ(out_off, 60);
	/* nothing asked, nothing moved */
	in_off = 0;
	CHECK_EQ(kdl_copy(ctx, &from, &to, 0), 0);
	CHECK_EQ(in_off, 0);
	CHECK_EQ(lseek(out, 0, SEEK_END), 60);
out:
	close(in);
	close(out);
}

/* Less than a pipe holds, so that one process can do both ends. */
#define PIPED 40000

static void test_file_to_pipe(void)
{
	int in = pattern_file("fpipe-in", PIPED + 300, O_RDONLY), fds[2];
	uint64_t in_off = 300;
	struct kdl_copy_end from = {in, "in", &in_off}, to = {-1, "pipe", NULL};
	uint8_t *got = malloc(PIPED + 3), *want = pattern(PIPED + 300);

	if (!CHECK(in >= 0) || !CHECK(got && want) || !CHECK_EQ(pipe(fds), 0))
		goto out;
	to.fd = fds[1];
	CHECK_EQ(kdl_copy(ctx, &from, &to, PIPED), PIPED);
	CHECK_EQ(in_off, PIPED + 300);
	CHECK_EQ(position(in), 0);
	/* and from the file's position */
	from.off = NULL;
	CHECK_EQ(lseek(in, 1, SEEK_SET), 1);
	CHECK_EQ(kdl_copy(ctx, &from, &to, 2), 2);
	CHECK_EQ(position(in), 3);
	close(fds[1]);
	CHECK_EQ(kdl_read_full(ctx, fds[0], "pipe", got, PIPED + 3, NULL), PIPED + 2);
	CHECK_MEM(got, want + 300, PIPED);
	CHECK_MEM(got + PIPED, want + 1, 2);
	close(fds[0]);
out:
	close(in);
	free(got);
	free(want);
}

static void test_pipe_to_file(void)
{
	int out = empty_file("pipef-out"), fds[2];
	uint64_t out_off = 8;
	struct kdl_copy_end from = {-1, "pipe", NULL}, to = {out, "out", &out_off};
	uint8_t *p = pattern(PIPED);

	if (!CHECK(out >= 0) || !CHECK(p) || !CHECK_EQ(pipe(fds), 0))
		goto out;
	from.fd = fds[0];
	CHECK_EQ(kdl_write_all(ctx, fds[1], "pipe", p, PIPED), 0);
	CHECK_EQ(kdl_copy(ctx, &from, &to, 1000), 1000);
	CHECK_EQ(out_off, 1008);
	CHECK_EQ(position(out), 0);
	/* the rest at the file's position; the pipe ends short of the ask */
	to.off = NULL;
	CHECK_EQ(lseek(out, 1008, SEEK_SET), 1008);
	close(fds[1]);
	CHECK_EQ(kdl_copy(ctx, &from, &to, 2 * PIPED), PIPED - 1000);
	CHECK_EQ(position(out), 8 + PIPED);
	check_holds(out, 8, 0, PIPED, __LINE__);
	CHECK_EQ(kdl_copy(ctx, &from, &to, 10), 0);
	close(fds[0]);
out:
	close(out);
	free(p);
}

/* Through a pipe more than it holds, fed by a child: the kernel moves
 * a piece at a time. */
static void test_big_pipe_to_file(void)
{
	int out = empty_file("bigpipe-out"), fds[2], status;
	uint64_t out_off = 0;
	struct kdl_copy_end from = {-1, "pipe", NULL}, to = {out, "out", &out_off};
	pid_t pid;

	if (!CHECK(out >= 0) || !CHECK_EQ(pipe(fds), 0))
		goto out;
	pid = fork();
	if (!CHECK(pid >= 0))
		goto out;
	if (pid == 0) {
		uint8_t *p = pattern(BIG);

		close(fds[0]);
		_exit(p && !kdl_write_all(ctx, fds[1], "child", p, BIG) ? 0 : 1);
	}
	close(fds[1]);
	from.fd = fds[0];
	CHECK_EQ(kdl_copy(ctx, &from, &to, BIG + 1), BIG);
	CHECK_EQ(out_off, BIG);
	close(fds[0]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	check_holds(out, 0, 0, BIG, __LINE__);
out:
	close(out);
}

/* Where the kernel copies neither way, the bytes go through a buffer. */
static void test_through_a_socket(void)
{
	int in = pattern_file("sock-in", 5000, O_RDONLY), out = empty_file("sock-out");
	uint64_t in_off = 1000, out_off = 3;
	struct kdl_copy_end file_in = {in, "in", &in_off}, file_out = {out, "out", &out_off};
	struct kdl_copy_end sock_in = {-1, "socket", NULL}, sock_out = {-1, "socket", NULL};
	int sv[2];

	if (!CHECK(in >= 0) || !CHECK(out >= 0) ||
	    !CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0))
		goto out;
	sock_out.fd = sv[0];
	sock_in.fd = sv[1];
	CHECK_EQ(kdl_copy(ctx, &file_in, &sock_out, 3000), 3000);
	CHECK_EQ(in_off, 4000);
	CHECK_EQ(position(in), 0);
	shutdown(sv[0], SHUT_WR);
	CHECK_EQ(kdl_copy(ctx, &sock_in, &file_out, 10000), 3000);
	CHECK_EQ(out_off, 3003);
	CHECK_EQ(position(out), 0);
	check_holds(out, 3, 1000, 3000, __LINE__);
	close(sv[0]);
	close(sv[1]);
out:
	close(in);
	close(out);
}

static void test_failures(void)
{
	int out = empty_file("fail-out"), fds[2];
	uint64_t off = 0;
	struct kdl_copy_end bad = {-1, "nothing", NULL}, to = {out, "out", NULL};
	struct kdl_copy_end pipe_at = {-1, "pipe", &off};

	if (!CHECK(out >= 0) || !CHECK_EQ(pipe(fds), 0))
		goto out;
	CHECK_EQ(kdl_copy(ctx, &bad, &to, 10), -1);
	CHECK_STR(kdl_ctx_error(ctx), "nothing: Bad file descriptor");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);

	/* a pipe has no offsets */
	pipe_at.fd = fds[0];
	CHECK_EQ(write(fds[1], "abc", 3), 3);
	CHECK_EQ(kdl_copy(ctx, &pipe_at, &to, 3), -1);
	CHECK_STR(kdl_ctx_error(ctx), "pipe to out: Illegal seek");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK_EQ(off, 0);
	close(fds[0]);
	close(fds[1]);
out:
	close(out);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_file_to_file_at_offsets();
	test_file_to_file_at_positions();
	test_short_input();
	test_file_to_pipe();
	test_pipe_to_file();
	test_big_pipe_to_file();
	test_through_a_socket();
	test_failures();
	kdl_ctx_free(ctx);
	return check_done("output/copy");
}
