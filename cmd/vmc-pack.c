/* vmc-pack: write the dump the record stream describes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static noreturn void usage(void)
{
	char *formats = kdl_format_names(), *arches = kdl_arch_names();

	printf("usage: vmc-pack -o FILE [--format elf] [--arch A] [--stats] [--json] [--dry-run]\n"
	       "\n"
	       "Reads the record stream on stdin and writes the dump it describes to FILE,\n"
	       "atomically: FILE appears only when the whole dump is written.\n"
	       "\n"
	       "  -o, --output FILE  the dump to write\n"
	       "  --format F         output format: %s (default elf)\n"
	       "  --arch A           architecture: %s (default x86_64)\n"
	       "  --stats            print what the dump holds\n"
	       "  --json             print it as JSON\n"
	       "  --dry-run          print the stats and write nothing\n"
	       "  --help, --version\n",
	       formats ? formats : "elf", arches ? arches : "x86_64");
	free(formats);
	free(arches);
	cmd_close_stdout();
	exit(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"arch", required_argument, NULL, 'a'},
		{"stats", no_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	kdl_ctx *ctx = cmd_init("vmc-pack", false);
	const char *output = NULL, *format = "elf", *arch = NULL;
	bool stats = false, json = false, dry_run = false;
	struct kdl_stats st;
	kdl_reader *r;
	kdl_dump *dump;
	char *text;
	int c;

	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'f':
			format = optarg;
			if (!kdl_format_known(format)) {
				char *names = kdl_format_names();
				cmd_usage_error("--format: unknown format '%s' (known: %s)",
				                format, names ? names : "?");
			}
			break;
		case 'a':
			arch = optarg;
			if (!kdl_arch_canonical(arch))
				cmd_unknown_arch(arch);
			break;
		case 's': stats = true; break;
		case 'j': json = true; break;
		case 'n': dry_run = true; break;
		case 'h': usage();
		case 'V': cmd_version();
		default: cmd_usage_error("unknown option");
		}
	}
	if (optind != argc)
		cmd_usage_error("unexpected argument '%s'", argv[optind]);
	if (!output && !dry_run)
		cmd_usage_error("-o FILE is required");
	r = cmd_upstream(ctx);
	if (!r)
		cmd_usage_error("stdin is a terminal; pipe a record stream from vmc-seg, vmc-note or vmc-prstatus into it");
	dump = kdl_dump_new(ctx, arch);
	if (!dump)
		cmd_die(ctx);
	if (kdl_pack_stream(dump, r, dry_run ? NULL : output, format, &st))
		cmd_die(ctx);
	if (stats || json || dry_run) {
		text = kdl_dump_stats_text(dump, &st, json);
		if (!text)
			cmd_die(ctx);
		fputs(text, stdout);
		free(text);
	}
	kdl_dump_free(dump);
	kdl_reader_free(r);
	kdl_ctx_free(ctx);
	cmd_close_stdout();
	return EXIT_SUCCESS;
}
