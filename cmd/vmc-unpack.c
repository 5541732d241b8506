/* vmc-unpack: a dump or memory capture as the record stream. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static void usage(void)
{
	char formats[256];
	const struct kdl_entry *e;
	size_t used = 0;

	for (size_t i = 0; (e = kdl_entry_at(&kdl_inputs, i)); i++)
		used += (size_t)snprintf(formats + used, sizeof(formats) - used, "|%s", e->name);
	printf("usage: vmc-unpack [--format auto%s] [--phys START-END]... [--keep-going] FILE...|-\n"
	       "\n"
	       "Reads a dump or a memory capture and writes what it holds, memory, CPUs\n"
	       "and notes, as the record stream to stdout: the head of a pipeline that\n"
	       "converts, cuts or edits dumps.  Several files are the parts of one\n"
	       "makedumpfile --split dump; - reads stdin.\n"
	       "\n",
	       formats);
	cmd_help("--format F", "the input's format (default auto: by its magic)");
	cmd_help("--phys START-END", "keep only these physical addresses, END included, as /proc/iomem writes ranges; or START+LENGTH; repeatable");
	cmd_help("--keep-going", "leave out pages that cannot be read, with a warning, rather than fail");
	cmd_help("-h, --help, -V, --version", "%s", "");
	printf("\n");
	cmd_help_entries("Input formats", &kdl_inputs);
}

/* START-END or START+LENGTH */
static void parse_range(kdl_ctx *ctx, char *arg, struct kdl_range *r)
{
	char *sep = strpbrk(arg, "-+");
	bool plus = sep && *sep == '+';
	uint64_t second = 0;

	if (!sep || sep == arg)
		cmd_usage_error("--phys: '%s' is not START-END or START+LENGTH", arg);
	*sep = 0;
	cmd_value(ctx, "--phys", &(struct cmd_option){.arg = CMD_U64, .value = &r->start}, arg);
	cmd_value(ctx, "--phys", &(struct cmd_option){.arg = plus ? CMD_SIZE : CMD_U64, .value = &second}, sep + 1);
	*sep = plus ? '+' : '-';
	if (plus && (!second || second - 1 > UINT64_MAX - r->start))
		cmd_usage_error("--phys: '%s' is empty or goes past the end of the address space", arg);
	r->end = plus ? r->start + (second - 1) : second;
	if (r->end < r->start)
		cmd_usage_error("--phys: '%s' ends before it starts", arg);
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-unpack", true);
	struct kdl_unpack_options uo = {0};
	struct cmd_list phys = {0};
	const char *format = NULL;
	bool keep_going = false;
	const struct cmd_option opts[] = {
		{.name = "format", .arg = CMD_STRING, .value = &format},
		{.name = "phys", .arg = CMD_LIST, .value = &phys},
		{.name = "keep-going", .arg = CMD_FLAG, .value = &keep_going},
		{0},
	};
	int first = cmd_parse(ctx, argc, argv, opts, usage);
	size_t n = (size_t)(argc - first);
	struct kdl_range *ranges = calloc(phys.count + 1, sizeof(*ranges));
	int *fds = calloc(n + 1, sizeof(*fds));
	const char **names = calloc(n + 1, sizeof(*names));
	kdl_reader *r = NULL;
	uint64_t lost;
	kdl_writer *w;

	if (!ranges || !fds || !names)
		cmd_fail("out of memory");
	if (format && strcmp(format, "auto") && !kdl_lookup(ctx, &kdl_inputs, format))
		cmd_die(ctx, "--format");
	uo.format = format && strcmp(format, "auto") ? format : NULL;
	for (size_t i = 0; i < phys.count; i++)
		parse_range(ctx, phys.items[i], &ranges[i]);
	uo.ranges = ranges;
	uo.nranges = phys.count;
	uo.keep_going = keep_going;
	if (!n)
		cmd_usage_error("give a FILE to read, or - for stdin");
	for (size_t i = 0; i < n; i++) {
		bool std = !strcmp(argv[first + (int)i], "-");

		if (std && n > 1)
			cmd_usage_error("- reads stdin, and only alone");
		names[i] = std ? "stdin" : argv[first + (int)i];
		fds[i] = std ? STDIN_FILENO : open(names[i], O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			cmd_fail("%s: %s", names[i], strerror(errno));
	}
	w = cmd_downstream(ctx);
	if (kdl_unpack(ctx, w, fds, names, n, &uo, &lost))
		cmd_die(ctx, NULL);
	if (lost)
		cmd_warn("%" PRIu64 " bytes could not be read and were left out", lost);
	/* a stream on stdin, when stdin is not the dump, goes on after ours */
	if (fds[0] != STDIN_FILENO)
		r = cmd_upstream(ctx);
	cmd_pass_rest(ctx, r, w);
	free(ranges);
	free(fds);
	free(names);
	free(phys.items);
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
