/* Shared by the programs: options, messages, exit codes, the stream's
 * ends and help text. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define HELP_WIDTH 78
#define HELP_COLUMN 21 /* where descriptions start */

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

/* fmt formatted: a new string, or NULL when out of memory. */
static char *format(const char *fmt, va_list ap)
{
	char *text;

	return vasprintf(&text, fmt, ap) < 0 ? NULL : text;
}

/* The one way a program speaks: "prog: [what: ]message", a line in one
 * write, so that programs of a pipeline sharing a terminal do not mix
 * their lines. */
static void message(const char *what, const char *text)
{
	cmd_progress_clear();
	fprintf(stderr, "%s: %s%s%s\n", progname, what ? what : "", what ? ": " : "",
	        text ? text : "out of memory");
}

const char *cmd_progname(void)
{
	return progname;
}

static void warn_stderr(void *arg, const char *text)
{
	(void)arg;
	message("warning", text);
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = format(fmt, ap);
	va_end(ap);
	message("warning", text);
	free(text);
}

kdl_ctx *cmd_init(const char *name, bool is_producer)
{
	kdl_ctx *ctx = kdl_ctx_new();

	progname = name;
	producer = is_producer;
	if (!ctx)
		cmd_fail("out of memory");
	kdl_ctx_set_warn(ctx, warn_stderr, NULL);
	return ctx;
}

static noreturn void fail(int status, const char *what, const char *text)
{
	/* first, so that nothing downstream packs a dump */
	poison_downstream();
	message(what, text);
	if (status == EXIT_USAGE)
		fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(status);
}

noreturn void cmd_fail(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = format(fmt, ap);
	va_end(ap);
	fail(EXIT_FAILURE, NULL, text);
}

noreturn void cmd_usage_error(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = format(fmt, ap);
	va_end(ap);
	fail(EXIT_USAGE, NULL, text);
}

noreturn void cmd_die(kdl_ctx *ctx, const char *option)
{
	/* usage errors name the option; others name their input already */
	if (kdl_ctx_status(ctx) == KDL_ERR_INVALID)
		fail(EXIT_USAGE, option, kdl_ctx_error(ctx));
	fail(EXIT_FAILURE, NULL, kdl_ctx_error(ctx));
}

/* ---- options ---- */

static noreturn void version(void)
{
	printf("%s (kdumpling) %s\n", progname, KDL_VERSION);
	cmd_close_stdout();
	exit(EXIT_SUCCESS);
}

void cmd_value(kdl_ctx *ctx, const char *option, const struct cmd_option *o,
               char *text)
{
	uint64_t u;
	int64_t i;
	int ret = 0;

	switch (o->arg) {
	case CMD_FLAG:
		*(bool *)o->value = true;
		break;
	case CMD_STRING:
		*(const char **)o->value = text;
		break;
	case CMD_LIST: {
		struct cmd_list *list = o->value;
		char **items = realloc(list->items, (list->count + 1) * sizeof(*items));

		if (!items)
			cmd_fail("out of memory");
		items[list->count++] = text;
		list->items = items;
		break;
	}
	case CMD_U64:
		ret = kdl_parse_u64(ctx, text, o->value);
		break;
	case CMD_SIZE:
		ret = kdl_parse_size(ctx, text, o->value);
		break;
	case CMD_TIME:
		ret = kdl_parse_time(ctx, text, &((struct kdl_time *)o->value)->sec,
		                     &((struct kdl_time *)o->value)->usec);
		break;
	case CMD_U32:
		ret = kdl_parse_u64(ctx, text, &u);
		if (!ret && u > UINT32_MAX)
			cmd_usage_error("%s: '%s' does not fit in 32 bits", option, text);
		*(uint32_t *)o->value = (uint32_t)u;
		break;
	case CMD_I32:
		ret = kdl_parse_i64(ctx, text, &i);
		if (!ret && (i < INT32_MIN || i > INT32_MAX))
			cmd_usage_error("%s: '%s' does not fit in 32 bits", option, text);
		*(int32_t *)o->value = (int32_t)i;
		break;
	case CMD_ENTRY:
		*(const struct kdl_entry **)o->value = kdl_lookup(ctx, o->reg, text);
		ret = *(const struct kdl_entry **)o->value ? 0 : -1;
		break;
	}
	if (ret)
		cmd_die(ctx, option);
	if (o->given)
		*o->given = true;
}

int cmd_parse(kdl_ctx *ctx, int argc, char **argv, const struct cmd_option *opts,
              void (*usage)(void))
{
	size_t count = 0, n = 0, nl = 1;

	while (opts[count].name)
		count++;
	struct option longs[count + 3];
	/* ':' first tells a missing argument from an unknown option */
	char letters[2 * count + 4];
	bool help = false;
	char name[64];
	int c;

	letters[0] = ':';
	letters[nl++] = 'h';
	letters[nl++] = 'V';
	for (; n < count; n++) {
		longs[n] = (struct option){opts[n].name,
		                           opts[n].arg == CMD_FLAG ? no_argument : required_argument,
		                           NULL, 256 + (int)n};
		if (opts[n].letter) {
			letters[nl++] = opts[n].letter;
			if (opts[n].arg != CMD_FLAG)
				letters[nl++] = ':';
		}
	}
	longs[n] = (struct option){"help", no_argument, NULL, 'h'};
	longs[n + 1] = (struct option){"version", no_argument, NULL, 'V'};
	longs[n + 2] = (struct option){0};
	letters[nl] = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, letters, longs, NULL)) != -1) {
		if (c == 'h')
			help = true;
		else if (c == 'V')
			version();
		else if (c == '?' || c == ':') {
			char opt[3] = {'-', (char)optopt, 0};
			const char *what = optopt && optopt < 256 ? opt : argv[optind - 1];

			if (c == ':')
				cmd_usage_error("option '%s' requires an argument", what);
			cmd_usage_error("unknown option '%s'", what);
		} else {
			size_t k = 0;

			if (c < 256) /* a letter: the option it stands for */
				while (opts[k].letter != c)
					k++;
			else
				k = (size_t)(c - 256);
			snprintf(name, sizeof(name), "--%s", opts[k].name);
			cmd_value(ctx, name, &opts[k], optarg);
		}
	}
	if (help) {
		usage();
		cmd_close_stdout();
		exit(EXIT_SUCCESS);
	}
	return optind;
}

/* ---- the stream ---- */

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
		cmd_die(ctx, NULL);
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
		cmd_die(ctx, NULL);
	return w;
}

/* A record the filter looks into: decoded, then dropped or written
 * again.  Returns -1 on failure, 0 when the filter does not look into
 * records of its type, 1 when done with it. */
static int filter_one(kdl_reader *r, kdl_writer *w, const struct kdl_record *rec,
                      const struct cmd_filter *f)
{
	union {
		struct kdl_rec_vmcoreinfo vmcoreinfo;
		struct kdl_rec_note note;
		struct kdl_rec_meta meta;
		struct kdl_rec_prstatus prstatus;
	} u;

	switch (rec->type) {
	case KDL_REC_VMCOREINFO:
		if (!f->vmcoreinfo)
			return 0;
		if (kdl_rec_get_vmcoreinfo(r, rec, &u.vmcoreinfo))
			return -1;
		return f->vmcoreinfo(&u.vmcoreinfo, f->arg) || !kdl_rec_put_vmcoreinfo(w, &u.vmcoreinfo) ? 1 : -1;
	case KDL_REC_NOTE:
		if (!f->note)
			return 0;
		if (kdl_rec_get_note(r, rec, &u.note))
			return -1;
		return f->note(&u.note, f->arg) || !kdl_rec_put_note(w, &u.note) ? 1 : -1;
	case KDL_REC_META:
		if (!f->meta)
			return 0;
		if (kdl_rec_get_meta(r, rec, &u.meta))
			return -1;
		return f->meta(&u.meta, f->arg) || !kdl_rec_put_meta(w, &u.meta) ? 1 : -1;
	case KDL_REC_PRSTATUS:
		if (!f->prstatus)
			return 0;
		if (kdl_rec_get_prstatus(r, rec, &u.prstatus))
			return -1;
		return f->prstatus(&u.prstatus, f->arg) || !kdl_rec_put_prstatus(w, &u.prstatus) ? 1 : -1;
	}
	return 0;
}

void cmd_pass_filtered(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w,
                       const struct cmd_filter *filter)
{
	struct kdl_record rec;
	int more, done;

	if (!r)
		return;
	while ((more = kdl_reader_next(r, &rec)) > 0) {
		done = filter_one(r, w, &rec, filter);
		if (done < 0 || (!done && kdl_stream_pass(r, w, &rec)))
			cmd_die(ctx, NULL);
	}
	if (more < 0)
		cmd_die(ctx, NULL);
}

void cmd_pass_rest(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w)
{
	cmd_pass_filtered(ctx, r, w, &(struct cmd_filter){0});
}

void cmd_finish(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w)
{
	if (w && kdl_writer_finish(w))
		cmd_die(ctx, NULL);
	kdl_reader_free(r);
	kdl_ctx_free(ctx);
	cmd_close_stdout();
}

void cmd_close_stdout(void)
{
	/* a late write error (a full disk, a closed pipe) shows only here */
	if (ferror(stdout) | fclose(stdout)) {
		int err = errno;

		fail(EXIT_FAILURE, "stdout", err ? strerror(err) : "write error");
	}
}

/* ---- help ---- */

void cmd_help(const char *option, const char *fmt, ...)
{
	char text[1024];
	const char *p = text;
	int col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	col = printf("  %s", option);
	if (col >= HELP_COLUMN - 1) {
		putchar('\n');
		col = 0;
	}
	/* word by word, each line up to HELP_WIDTH */
	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > HELP_COLUMN && col + 1 + (int)word > HELP_WIDTH) {
			putchar('\n');
			col = 0;
		}
		col += col < HELP_COLUMN ? printf("%*s", HELP_COLUMN - col, "")
		                         : printf(" ");
		col += printf("%.*s", (int)word, p);
		p += word;
		p += *p == ' ';
	}
	putchar('\n');
}

const char *cmd_alternatives(const kdl_registry *reg, char *buf, size_t size)
{
	const struct kdl_entry *e;
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; (e = kdl_entry_at(reg, i)) && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", e->name);
	return buf;
}

const char *cmd_choices(const kdl_registry *reg, char *buf, size_t size)
{
	char *names = kdl_names(reg);

	snprintf(buf, size, "%s (default %s)", names ? names : "?",
	         kdl_entry_default(reg)->name);
	free(names);
	return buf;
}

const char *cmd_levels(const kdl_registry *reg, char *buf, size_t size)
{
	const struct kdl_entry *e;
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; (e = kdl_entry_at(reg, i)) && used < size; i++)
		if (e->has_levels)
			used += (size_t)snprintf(buf + used, size - used, "%s%s %d-%d (default %d)",
			                         used ? ", " : "", e->name, e->min_level,
			                         e->max_level, e->default_level);
	return buf;
}

void cmd_help_entries(const char *heading, const kdl_registry *reg)
{
	const struct kdl_entry *e;

	printf("%s:\n", heading);
	for (size_t i = 0; (e = kdl_entry_at(reg, i)); i++) {
		char name[64];

		if (e->alias)
			snprintf(name, sizeof(name), "%s (%s)", e->name, e->alias);
		else
			snprintf(name, sizeof(name), "%s", e->name);
		cmd_help(name, "%s", e->summary);
	}
}

void cmd_print_registers(const char *arch, bool json)
{
	char *list = json ? kdl_arch_register_json(arch) : kdl_arch_register_list(arch);

	if (!list)
		cmd_fail("out of memory");
	if (json)
		fputs(list, stdout);
	else
		printf("%s registers: %s\n", arch, list);
	free(list);
}
