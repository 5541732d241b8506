/* Shared by the programs: messages, exit codes, option values, stdio. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char *progname = "vmc";
static bool producer, stream_started;

/* A producer that fails before its stream began leaves a stream header
 * without an end record, so that what reads it fails too: an empty
 * output would read as a valid empty stream. */
static void poison_downstream(void)
{
	kdl_ctx *ctx;

	if (!producer || stream_started || isatty(STDOUT_FILENO))
		return;
	stream_started = true;
	ctx = kdl_ctx_new();
	if (ctx)
		kdl_writer_free(kdl_writer_new(ctx, STDOUT_FILENO, "stdout"));
	kdl_ctx_free(ctx);
}

static void warn_stderr(void *arg, const char *message)
{
	(void)arg;
	fprintf(stderr, "%s: warning: %s\n", progname, message);
}

kdl_ctx *cmd_init(const char *name, bool is_producer)
{
	kdl_ctx *ctx = kdl_ctx_new();

	progname = name;
	producer = is_producer;
	if (!ctx) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(EXIT_FAILURE);
	}
	kdl_ctx_set_warn(ctx, warn_stderr, NULL);
	return ctx;
}

const char *cmd_name(void)
{
	return progname;
}

noreturn void cmd_die(kdl_ctx *ctx)
{
	cmd_fail("%s", kdl_ctx_error(ctx));
}

/* "prog: message", after making sure nothing downstream packs a dump. */
static void vmessage(const char *fmt, va_list ap)
{
	poison_downstream();
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

noreturn void cmd_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

noreturn void cmd_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(EXIT_USAGE);
}

noreturn void cmd_version(void)
{
	printf("%s (kdumpling) %s\n", progname, KDL_VERSION);
	cmd_close_stdout();
	exit(EXIT_SUCCESS);
}

noreturn void cmd_unknown_arch(const char *name)
{
	char *names = kdl_arch_names();

	cmd_usage_error("--arch: unknown architecture '%s' (known: %s)", name,
	                names ? names : "?");
}

uint64_t cmd_u64(kdl_ctx *ctx, const char *opt, const char *arg)
{
	uint64_t v;

	if (kdl_parse_u64(ctx, arg, &v))
		cmd_usage_error("%s: %s", opt, kdl_ctx_error(ctx));
	return v;
}

uint64_t cmd_size(kdl_ctx *ctx, const char *opt, const char *arg)
{
	uint64_t v;

	if (kdl_parse_size(ctx, arg, &v))
		cmd_usage_error("%s: %s", opt, kdl_ctx_error(ctx));
	return v;
}

int32_t cmd_i32(kdl_ctx *ctx, const char *opt, const char *arg)
{
	int64_t v;

	if (kdl_parse_i64(ctx, arg, &v))
		cmd_usage_error("%s: %s", opt, kdl_ctx_error(ctx));
	if (v < INT32_MIN || v > INT32_MAX)
		cmd_usage_error("%s: '%s' does not fit in 32 bits", opt, arg);
	return (int32_t)v;
}

void cmd_time(kdl_ctx *ctx, const char *opt, const char *arg,
              struct kdl_time *t)
{
	if (kdl_parse_time(ctx, arg, &t->sec, &t->usec))
		cmd_usage_error("%s: %s", opt, kdl_ctx_error(ctx));
}

/* A pipe of 64 KiB, the default, makes a context switch every 16 pages;
 * a larger one lets splice move more at a time.  Not a pipe: no matter. */
static void widen_pipe(int fd)
{
	fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

kdl_reader *cmd_upstream(kdl_ctx *ctx)
{
	kdl_reader *r;

	if (isatty(STDIN_FILENO))
		return NULL;
	widen_pipe(STDIN_FILENO);
	r = kdl_reader_new(ctx, STDIN_FILENO, "stdin");
	if (!r)
		cmd_die(ctx);
	return r;
}

kdl_writer *cmd_downstream(kdl_ctx *ctx)
{
	kdl_writer *w;

	if (isatty(STDOUT_FILENO))
		cmd_usage_error("refusing to write a binary stream to a terminal; pipe it into another vmc- program");
	stream_started = true;
	widen_pipe(STDOUT_FILENO);
	w = kdl_writer_new(ctx, STDOUT_FILENO, "stdout");
	if (!w)
		cmd_die(ctx);
	return w;
}

void cmd_pass_rest(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w)
{
	struct kdl_record rec;
	int more;

	if (!r)
		return;
	while ((more = kdl_reader_next(r, &rec)) > 0)
		if (kdl_stream_pass(r, w, &rec))
			cmd_die(ctx);
	if (more < 0)
		cmd_die(ctx);
}

void cmd_finish(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w)
{
	if (kdl_writer_finish(w))
		cmd_die(ctx);
	kdl_reader_free(r);
	kdl_ctx_free(ctx);
	cmd_close_stdout();
}

void cmd_close_stdout(void)
{
	/* a late write error (a full disk, a closed pipe) shows only here */
	if (ferror(stdout) | fclose(stdout)) {
		int err = errno;
		fprintf(stderr, "%s: stdout: %s\n", progname,
		        err ? strerror(err) : "write error");
		exit(EXIT_FAILURE);
	}
}
