/* What every program shares: options, messages and exit codes, the two
 * ends of the stream, and help text from the library's tables. */
#ifndef CMD_COMMON_H
#define CMD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "kdumpling.h"

#define EXIT_USAGE 2

/* Sets the program name for messages; returns a context whose warnings
 * go to stderr.  A producer writes a record stream to stdout. */
kdl_ctx *cmd_init(const char *name, bool producer);

/* ---- messages: "prog: message", then the exit status ---- */

/* The library's last failure: a usage error (exit 2, naming option if
 * not NULL) when an argument was invalid, else a failure (exit 1). */
noreturn void cmd_die(kdl_ctx *ctx, const char *option);
noreturn void cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void cmd_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- options ---- */

enum cmd_arg {
	CMD_FLAG,   /* bool */
	CMD_STRING, /* const char *: the last one given */
	CMD_LIST,   /* struct cmd_list: every one given, in order */
	CMD_U64,    /* uint64_t: decimal or 0x-hex */
	CMD_U32,    /* uint32_t */
	CMD_I32,    /* int32_t */
	CMD_SIZE,   /* uint64_t with an optional K, M, G or T */
	CMD_TIME,   /* struct kdl_time: seconds and a fraction */
	CMD_ENTRY,  /* const struct kdl_entry *: a name in the table reg */
};

struct cmd_list {
	char **items;
	size_t count;
};

struct cmd_option {
	const char *name;  /* the long option, without "--" */
	char letter;       /* its short form, or 0 */
	enum cmd_arg arg;
	void *value;       /* where the value goes, of arg's type */
	bool *given;       /* set when the option is given; may be NULL */
	const kdl_registry *reg; /* for CMD_ENTRY */
};

/* One value as option (named so in messages) takes it; a bad one is a
 * usage error. */
void cmd_value(kdl_ctx *ctx, const char *option, const struct cmd_option *o,
               char *text);
/* Parses argv by opts (a table ending in {0}) and --help, which calls
 * usage after every option is read, and --version; a bad option or value
 * is a usage error naming it.  Returns the index of the first operand. */
int cmd_parse(kdl_ctx *ctx, int argc, char **argv, const struct cmd_option *opts,
              void (*usage)(void));

/* ---- the stream ---- */

/* The upstream stream on stdin, or NULL when stdin is a terminal. */
kdl_reader *cmd_upstream(kdl_ctx *ctx);
/* The stream to stdout; refuses a terminal. */
kdl_writer *cmd_downstream(kdl_ctx *ctx);
/* Passes every remaining upstream record on. */
void cmd_pass_rest(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w);
/* What a filter takes out of the stream: for each record type it looks
 * into, a test of the decoded record, true to drop it.  Records of the
 * other types (NULL tests) pass on untouched. */
struct cmd_filter {
	bool (*vmcoreinfo)(const struct kdl_rec_vmcoreinfo *rec, void *arg);
	bool (*note)(const struct kdl_rec_note *rec, void *arg);
	bool (*meta)(const struct kdl_rec_meta *rec, void *arg);
	bool (*prstatus)(const struct kdl_rec_prstatus *rec, void *arg);
	void *arg;
};
/* Passes the remaining upstream records on but those the filter drops;
 * those it looks into and keeps go on as they were decoded. */
void cmd_pass_filtered(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w,
                       const struct cmd_filter *filter);
/* Ends the stream, frees what is left and checks that stdout took
 * everything. */
void cmd_finish(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w);
void cmd_close_stdout(void);

/* ---- progress on stderr ---- */

enum cmd_progress { CMD_PROGRESS_AUTO, CMD_PROGRESS_ON, CMD_PROGRESS_OFF };

/* Whether progress shows (AUTO: when stderr is a terminal); starts its
 * clock. */
bool cmd_progress_start(enum cmd_progress when);
/* A kdl_options.progress callback: redraws at most a few times a
 * second. */
void cmd_progress(void *arg, uint64_t done, uint64_t total);
/* The last line: how much in how long. */
void cmd_progress_end(void);
/* Takes the progress line off the terminal, before a message. */
void cmd_progress_clear(void);
/* The program's name, as messages begin with it. */
const char *cmd_progname(void);

/* ---- help text, from the library's tables where it lists them ---- */

/* "  OPTION            DESCRIPTION", the description wrapped under itself. */
void cmd_help(const char *option, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "elf|kdump" */
const char *cmd_alternatives(const kdl_registry *reg, char *buf, size_t size);
/* "elf kdump (default elf)" */
const char *cmd_choices(const kdl_registry *reg, char *buf, size_t size);
/* "zlib 1-9 (default 6), zstd -131072-22 (default 1)": the entries that
 * have levels */
const char *cmd_levels(const kdl_registry *reg, char *buf, size_t size);
/* A heading, then cmd_help of each entry's name and summary. */
void cmd_help_entries(const char *heading, const kdl_registry *reg);
/* "x86_64 registers: r15 r14 ...", or that as JSON */
void cmd_print_registers(const char *arch, bool json);

#endif
