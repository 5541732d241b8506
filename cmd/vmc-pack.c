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

	char *codecs = kdl_codec_names();

	printf("usage: vmc-pack -o FILE|- [--format elf|kdump] [--arch A] [--stats] [--json] [--dry-run]\n"
	       "                [--compress C] [--level N] [--dump-level N] [--threads N] [--page-size N] [--flat]\n"
	       "\n"
	       "Reads the record stream on stdin and writes the dump it describes to FILE,\n"
	       "atomically: FILE appears only when the whole dump is written.\n"
	       "\n"
	       "  -o, --output FILE  the dump to write; - writes the kdump format flattened\n"
	       "                     to stdout (reassemble with makedumpfile -R)\n"
	       "  --format F         output format: %s (default elf)\n"
	       "  --arch A           architecture: %s (default x86_64)\n"
	       "  --stats            print what the dump holds\n"
	       "  --json             print it as JSON\n"
	       "  --dry-run          print the stats and write nothing\n"
	       "kdump format:\n"
	       "  --compress C       page compression: %s (default zlib)\n"
	       "  --level N          the codec's level: zlib 1-9 (default 6), zstd -131072-22\n"
	       "                     (default 1)\n"
	       "  --dump-level N     0 keeps every page, 1 (default) leaves out zero pages\n"
	       "  --threads N        compression threads (default: one per online CPU)\n"
	       "  --page-size N      page size when the vmcoreinfo has no PAGESIZE\n"
	       "  --flat             write makedumpfile's flattened format to FILE\n"
	       "  --help, --version\n",
	       formats ? formats : "elf", arches ? arches : "x86_64",
	       codecs ? codecs : "zlib");
	free(formats);
	free(arches);
	free(codecs);
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
		{"compress", required_argument, NULL, 'c'},
		{"level", required_argument, NULL, 'l'},
		{"dump-level", required_argument, NULL, 'd'},
		{"threads", required_argument, NULL, 't'},
		{"page-size", required_argument, NULL, 'P'},
		{"flat", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	kdl_ctx *ctx = cmd_init("vmc-pack", false);
	const char *output = NULL, *format = "elf", *arch = NULL;
	const char *codec = "zlib";
	bool stats = false, json = false, dry_run = false, flat = false;
	bool has_level = false;
	int32_t level = 0, dump_level = 1;
	uint64_t threads = 0, page_size = 0;
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
		case 'c': codec = optarg; break;
		case 'l':
			level = cmd_i32(ctx, "--level", optarg);
			has_level = true;
			break;
		case 'd': dump_level = cmd_i32(ctx, "--dump-level", optarg); break;
		case 't': threads = cmd_u64(ctx, "--threads", optarg); break;
		case 'P': page_size = cmd_size(ctx, "--page-size", optarg); break;
		case 'F': flat = true; break;
		case 'h': usage();
		case 'V': cmd_version();
		default: cmd_usage_error("unknown option");
		}
	}
	if (optind != argc)
		cmd_usage_error("unexpected argument '%s'", argv[optind]);
	if (!output && !dry_run)
		cmd_usage_error("-o FILE is required");
	dump = kdl_dump_new(ctx, arch);
	if (!dump)
		cmd_die(ctx);
	if (kdl_dump_set_compression(dump, codec, level, has_level))
		cmd_usage_error("--compress/--level: %s", kdl_ctx_error(ctx));
	if (kdl_dump_set_dump_level(dump, dump_level))
		cmd_usage_error("--dump-level: %s", kdl_ctx_error(ctx));
	if (threads > UINT32_MAX || kdl_dump_set_threads(dump, (unsigned)threads))
		cmd_usage_error("--threads: %s", kdl_ctx_error(ctx));
	if (page_size && (page_size > UINT32_MAX ||
	                  kdl_dump_set_page_size(dump, (uint32_t)page_size)))
		cmd_usage_error("--page-size: %s", kdl_ctx_error(ctx));
	kdl_dump_set_flat(dump, flat);
	if (output && !strcmp(output, "-") && !dry_run && isatty(STDOUT_FILENO))
		cmd_usage_error("refusing to write a dump to a terminal");
	if (output && !strcmp(output, "-") && (stats || json))
		cmd_usage_error("--stats and --json print to stdout, where -o - writes the dump");
	r = cmd_upstream(ctx);
	if (!r)
		cmd_usage_error("stdin is a terminal; pipe a record stream from vmc-seg, vmc-note or vmc-prstatus into it");
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
