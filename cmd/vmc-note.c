/* vmc-note: add VMCOREINFO and custom ELF notes to the stream. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static noreturn void usage(void)
{
	printf("usage: vmc-note [--vmcoreinfo FILE] [--note NAME:TYPE:TEXT]... [--note-file NAME:TYPE:FILE]...\n"
	       "                [--metadata KEY=VALUE]... [--annotation KEY=VALUE]... [--vendor NAME]\n"
	       "\n"
	       "Adds notes to the record stream read from stdin, written to stdout.\n"
	       "\n"
	       "  --vmcoreinfo FILE        VMCOREINFO text (/sys/kernel/vmcoreinfo's note, or\n"
	       "                           what makedumpfile -g writes)\n"
	       "  --note NAME:TYPE:TEXT    an ELF note NAME of integer TYPE holding TEXT\n"
	       "  --note-file NAME:TYPE:FILE  the same, holding the bytes of FILE\n"
	       "  --metadata KEY=VALUE     a line of the METADATA note (type 0x4b444c01)\n"
	       "  --annotation KEY=VALUE   a line of the ANNOTATIONS note (type 0x4b444c02)\n"
	       "  --vendor NAME            owner name of those notes (default KDUMPLING)\n"
	       "  --help, --version\n"
	       "\n"
	       "Note types: 0x4b444c01 METADATA, 0x4b444c02 ANNOTATIONS, 0x4b444c03 FILE_INFO,\n"
	       "0x4b444d00 and up USER_DEFINED.  Types 1 and 2 are CPU state to crash and gdb\n"
	       "whatever the note's name.\n");
	cmd_close_stdout();
	exit(EXIT_SUCCESS);
}

/* Small inputs only: notes live in memory in every reader. */
#define MAX_NOTE_FILE (16u << 20)

static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, used = 0;
	char *buf = NULL;

	if (fd < 0)
		cmd_fail("%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n;

		if (used == cap || !buf) {
			cap *= 2;
			if (cap > MAX_NOTE_FILE * 2 || !(buf = realloc(buf, cap)))
				cmd_fail("%s: too large for a note", path);
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			cmd_fail("%s: %s", path, strerror(errno));
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	*len = used;
	return buf;
}

/* NAME:TYPE:REST, split in place. */
static void split_note(kdl_ctx *ctx, const char *opt, char *arg, char **name,
                       uint32_t *type, char **rest)
{
	char *colon = strchr(arg, ':'), *colon2;
	uint64_t t;

	if (!colon || !(colon2 = strchr(colon + 1, ':')) || colon == arg)
		cmd_usage_error("%s: '%s' is not NAME:TYPE:%s", opt, arg,
		                strcmp(opt, "--note") ? "FILE" : "TEXT");
	*colon = *colon2 = 0;
	t = cmd_u64(ctx, opt, colon + 1);
	if (t > UINT32_MAX)
		cmd_usage_error("%s: note type %s does not fit in 32 bits", opt, colon + 1);
	*name = arg;
	*type = (uint32_t)t;
	*rest = colon2 + 1;
}

static void split_pair(const char *opt, char *arg, char **key, char **value)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		cmd_usage_error("%s: '%s' is not KEY=VALUE", opt, arg);
	*eq = 0;
	*key = arg;
	*value = eq + 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"vmcoreinfo", required_argument, NULL, 'i'},
		{"note", required_argument, NULL, 'n'},
		{"note-file", required_argument, NULL, 'f'},
		{"metadata", required_argument, NULL, 'm'},
		{"annotation", required_argument, NULL, 'a'},
		{"vendor", required_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	kdl_ctx *ctx = cmd_init("vmc-note", true);
	const char *vmcoreinfo = NULL, *vendor = "KDUMPLING";
	char **metas = calloc((size_t)argc, sizeof(*metas));
	int *kinds = calloc((size_t)argc, sizeof(*kinds));
	/* a scratch dump checks every note as the packer will */
	kdl_dump *check = kdl_dump_new(ctx, NULL);
	int nmetas = 0, c;
	kdl_reader *r;
	kdl_writer *w;
	char *text = NULL;
	size_t text_len = 0;

	if (!metas || !kinds || !check)
		cmd_fail("out of memory");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (vmcoreinfo)
				cmd_usage_error("--vmcoreinfo is given twice");
			vmcoreinfo = optarg;
			break;
		case 'n':
		case 'f':
		case 'm':
		case 'a':
			metas[nmetas] = optarg;
			kinds[nmetas++] = c;
			break;
		case 'v':
			vendor = optarg;
			if (kdl_dump_set_vendor(check, vendor))
				cmd_usage_error("--vendor: %s", kdl_ctx_error(ctx));
			break;
		case 'h':
			usage();
		case 'V':
			cmd_version();
		default:
			cmd_usage_error("unknown option");
		}
	}
	if (optind != argc)
		cmd_usage_error("unexpected argument '%s'", argv[optind]);
	w = cmd_downstream(ctx);
	if (vmcoreinfo) {
		char *raw = read_file(vmcoreinfo, &text_len);

		text = kdl_vmcoreinfo_normalize(ctx, raw, text_len, &text_len);
		if (!text)
			cmd_fail("%s: %s", vmcoreinfo, kdl_ctx_error(ctx));
		free(raw);
		if (kdl_emit_vmcoreinfo(w, text, text_len))
			cmd_die(ctx);
	}
	for (int i = 0; i < nmetas; i++) {
		const char *opt = kinds[i] == 'n' ? "--note" : kinds[i] == 'f' ? "--note-file"
		                : kinds[i] == 'm' ? "--metadata" : "--annotation";
		char *name, *rest, *desc;
		uint32_t type;
		size_t len;

		if (kinds[i] == 'n' || kinds[i] == 'f') {
			split_note(ctx, opt, metas[i], &name, &type, &rest);
			desc = kinds[i] == 'f' ? read_file(rest, &len) : rest;
			if (kinds[i] == 'n')
				len = strlen(rest);
			if (kdl_dump_add_note(check, name, type, desc, len))
				cmd_usage_error("%s: %s", opt, kdl_ctx_error(ctx));
			if (type == 1 || type == 2)
				fprintf(stderr, "%s: warning: note %s of type %" PRIu32 ": crash and gdb read every note of type %" PRIu32 " as %s, whatever its name\n",
				        cmd_name(), name, type, type,
				        type == 1 ? "CPU registers (NT_PRSTATUS)" : "FPU registers (NT_FPREGSET)");
			if (kdl_emit_note(w, name, type, desc, len))
				cmd_die(ctx);
			if (desc != rest)
				free(desc);
			continue;
		}
		split_pair(opt, metas[i], &name, &rest);
		type = kinds[i] == 'm' ? KDL_NOTE_METADATA : KDL_NOTE_ANNOTATIONS;
		if ((type == KDL_NOTE_METADATA ? kdl_dump_add_metadata(check, name, rest)
		                               : kdl_dump_add_annotation(check, name, rest)))
			cmd_usage_error("%s: %s", opt, kdl_ctx_error(ctx));
		if (kdl_emit_meta(w, vendor, type, name, rest))
			cmd_die(ctx);
	}
	r = cmd_upstream(ctx);
	cmd_pass_rest(ctx, r, w);
	free(text);
	free(metas);
	free(kinds);
	kdl_dump_free(check);
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
