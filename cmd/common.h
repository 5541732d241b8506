/* What every program shares: messages, exit codes, the stream ends. */
#ifndef CMD_COMMON_H
#define CMD_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "kdumpling.h"

#define EXIT_USAGE 2

/* Sets the program name for messages; returns a context whose warnings
 * go to stderr.  A producer writes a record stream to stdout. */
kdl_ctx *cmd_init(const char *name, bool producer);
const char *cmd_name(void);
noreturn void cmd_die(kdl_ctx *ctx);
noreturn void cmd_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
noreturn void cmd_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
noreturn void cmd_version(void);
/* A usage error listing the known architectures. */
noreturn void cmd_unknown_arch(const char *name);

/* Option values; a bad one is a usage error naming the option. */
uint64_t cmd_u64(kdl_ctx *ctx, const char *opt, const char *arg);
uint64_t cmd_size(kdl_ctx *ctx, const char *opt, const char *arg);
int32_t cmd_i32(kdl_ctx *ctx, const char *opt, const char *arg);
void cmd_time(kdl_ctx *ctx, const char *opt, const char *arg,
              struct kdl_time *t);

/* The upstream stream on stdin, or NULL when stdin is a terminal. */
kdl_reader *cmd_upstream(kdl_ctx *ctx);
/* The stream to stdout; refuses a terminal. */
kdl_writer *cmd_downstream(kdl_ctx *ctx);
/* Passes every remaining upstream record on. */
void cmd_pass_rest(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w);
/* Ends the stream and checks that stdout took everything. */
void cmd_finish(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w);
void cmd_close_stdout(void);

#endif
