/* vmc-pack: write the dump the record stream describes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static void usage(void)
{
	char formats[256], choices[256];

	printf("usage: vmc-pack -o FILE|- [--format %s] [--arch A] [--stats] [--json] [--dry-run]\n"
	       "                [--compress C] [--level N] [--dump-level N] [--threads N] [--page-size N]\n"
	       "                [--flat | --split N] [--mode MODE] [--allow-empty]\n"
	       "                [--progress | --no-progress]\n"
	       "\n"
	       "Reads the record stream on stdin and writes the dump it describes to FILE,\n"
	       "atomically: FILE appears only when the whole dump is written, readable by its\n"
	       "owner alone unless --mode says otherwise.\n"
	       "\n",
	       cmd_alternatives(&kdl_formats, formats, sizeof(formats)));
	cmd_help("-o, --output FILE", "the dump to write; - writes the kdump format flattened to stdout (reassemble with makedumpfile -R)");
	cmd_help("--format F", "output format: %s", cmd_choices(&kdl_formats, choices, sizeof(choices)));
	cmd_help("--arch A", "architecture: %s", cmd_choices(&kdl_arches, choices, sizeof(choices)));
	cmd_help("--stats", "print what the dump holds");
	cmd_help("--json", "print it as JSON");
	cmd_help("--dry-run", "print the stats and write nothing");
	cmd_help("--mode MODE", "the files' permissions, octal, whatever the umask (default: 600)");
	cmd_help("--allow-empty", "write a dump of no segment rather than refuse it");
	cmd_help("--progress", "show progress on stderr even when it is not a terminal (default: when it is)");
	cmd_help("--no-progress", "never show progress");
	printf("kdump format:\n");
	cmd_help("--compress C", "page compression: %s", cmd_choices(&kdl_codecs, choices, sizeof(choices)));
	cmd_help("--level N", "the codec's level: %s", cmd_levels(&kdl_codecs, choices, sizeof(choices)));
	cmd_help("--dump-level N", "makedumpfile's, 0 to 31 (default 1): the sum of 1 zero pages, 2 page cache, 4 private page cache, 8 user data, 16 free pages, the pages left out; above 1 from the kernel's page structures, which the VMCOREINFO locates");
	cmd_help("--threads N", "compression threads, at most 64 (default: one per online CPU, up to 64; one fewer for lzo, snappy and none)");
	cmd_help("--page-size N", "page size when the vmcoreinfo has no PAGESIZE");
	cmd_help("--flat", "write makedumpfile's flattened format to FILE");
	cmd_help("--split N", "write the pages in N files, FILE.1 to FILE.N, as makedumpfile --split");
	cmd_help("-h, --help, -V, --version", "%s", "");
	printf("\n");
	cmd_help_entries("Formats", &kdl_formats);
	cmd_help_entries("Codecs", &kdl_codecs);
	cmd_help_entries("Architectures", &kdl_arches);
}

struct args {
	const char *output, *mode;
	const struct kdl_entry *format, *arch, *codec;
	bool stats, json, dry_run, flat, has_level, allow_empty, progress, no_progress;
	int32_t level, dump_level;
	uint32_t threads, split;
	uint64_t page_size;
};

/* An octal mode as chmod takes it: 600, 0640. */
static unsigned parse_mode(const char *text)
{
	size_t n = strspn(text, "01234567");
	unsigned long mode;

	if (!n || text[n] || n > 5 || (mode = strtoul(text, NULL, 8)) > 07777)
		cmd_usage_error("--mode: '%s' is not an octal mode such as 600 or 0640", text);
	return (unsigned)mode;
}

/* The write options from the arguments and the environment. */
static void options(kdl_ctx *ctx, const struct args *a, struct kdl_options *wo)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH"), *tmp = getenv("TMPDIR");

	kdl_options_init(wo);
	if (a->format && kdl_options_set_format(ctx, wo, a->format->name))
		cmd_die(ctx, "--format");
	/* taken for nothing, they would be silently ignored */
	if ((a->codec || a->has_level) && strcmp(wo->format, "kdump"))
		cmd_usage_error("%s: pages are compressed in the kdump format only; add --format kdump",
		                a->codec ? "--compress" : "--level");
	if ((a->codec || a->has_level) &&
	    kdl_options_set_compression(ctx, wo, a->codec ? a->codec->name : wo->codec,
	                                a->level, a->has_level))
		cmd_die(ctx, "--level");
	if (kdl_options_set_dump_level(ctx, wo, a->dump_level))
		cmd_die(ctx, "--dump-level");
	if (kdl_options_set_threads(ctx, wo, a->threads))
		cmd_die(ctx, "--threads");
	if (kdl_options_set_split(ctx, wo, a->split))
		cmd_die(ctx, "--split");
	wo->flat = a->flat;
	/* most likely a program upstream read nothing */
	wo->refuse_empty = !a->allow_empty;
	if (a->mode && kdl_options_set_mode(ctx, wo, parse_mode(a->mode)))
		cmd_die(ctx, "--mode");
	if (epoch && *epoch) {
		if (kdl_parse_u64(ctx, epoch, &wo->timestamp))
			cmd_die(ctx, "SOURCE_DATE_EPOCH");
		wo->has_timestamp = 1;
	}
	wo->scratch_dir = tmp && *tmp ? tmp : NULL;
	if (a->progress && a->no_progress)
		cmd_usage_error("--progress and --no-progress ask for opposites; give one");
	if (cmd_progress_start(a->progress ? CMD_PROGRESS_ON : a->no_progress ? CMD_PROGRESS_OFF : CMD_PROGRESS_AUTO))
		wo->progress = cmd_progress;
}

static void print_stats(kdl_ctx *ctx, kdl_dump *dump, const struct kdl_stats *st,
                        bool json)
{
	char *text = kdl_dump_stats_text(dump, st, json);

	if (!text)
		cmd_die(ctx, NULL);
	fputs(text, stdout);
	free(text);
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-pack", false);
	struct args a = {.dump_level = 1};
	const struct cmd_option opts[] = {
		{.name = "output", .letter = 'o', .arg = CMD_STRING, .value = &a.output},
		{.name = "format", .arg = CMD_ENTRY, .value = &a.format, .reg = &kdl_formats},
		{.name = "arch", .arg = CMD_ENTRY, .value = &a.arch, .reg = &kdl_arches},
		{.name = "stats", .arg = CMD_FLAG, .value = &a.stats},
		{.name = "json", .arg = CMD_FLAG, .value = &a.json},
		{.name = "dry-run", .arg = CMD_FLAG, .value = &a.dry_run},
		{.name = "compress", .arg = CMD_ENTRY, .value = &a.codec, .reg = &kdl_codecs},
		{.name = "level", .arg = CMD_I32, .value = &a.level, .given = &a.has_level},
		{.name = "dump-level", .arg = CMD_I32, .value = &a.dump_level},
		{.name = "threads", .arg = CMD_U32, .value = &a.threads},
		{.name = "page-size", .arg = CMD_SIZE, .value = &a.page_size},
		{.name = "flat", .arg = CMD_FLAG, .value = &a.flat},
		{.name = "split", .arg = CMD_U32, .value = &a.split},
		{.name = "mode", .arg = CMD_STRING, .value = &a.mode},
		{.name = "allow-empty", .arg = CMD_FLAG, .value = &a.allow_empty},
		{.name = "progress", .arg = CMD_FLAG, .value = &a.progress},
		{.name = "no-progress", .arg = CMD_FLAG, .value = &a.no_progress},
		{0},
	};
	int first = cmd_parse(ctx, argc, argv, opts, usage);
	bool to_stdout = a.output && !strcmp(a.output, "-");
	struct kdl_options wo;
	struct kdl_stats st;
	kdl_reader *r;
	kdl_dump *dump;

	if (first != argc)
		cmd_usage_error("unexpected argument '%s'", argv[first]);
	if (!a.output && !a.dry_run)
		cmd_usage_error("-o FILE is required");
	options(ctx, &a, &wo);
	dump = kdl_dump_new(ctx, a.arch ? a.arch->name : NULL);
	if (!dump)
		cmd_die(ctx, NULL);
	if (a.page_size && kdl_dump_set_page_size(dump, a.page_size))
		cmd_die(ctx, "--page-size");
	if (to_stdout && !a.dry_run && isatty(STDOUT_FILENO))
		cmd_usage_error("refusing to write a dump to a terminal");
	if (to_stdout && (a.stats || a.json))
		cmd_usage_error("--stats and --json print to stdout, where -o - writes the dump");
	r = cmd_upstream(ctx);
	if (!r)
		cmd_usage_error("stdin is a terminal; pipe a record stream from vmc-seg, vmc-note or vmc-prstatus into it");
	if (kdl_pack_stream(dump, r, a.dry_run ? NULL : a.output, &wo, &st))
		cmd_die(ctx, NULL);
	cmd_progress_end();
	if (a.stats || a.json || a.dry_run)
		print_stats(ctx, dump, &st, a.json);
	kdl_dump_free(dump);
	cmd_finish(ctx, r, NULL);
	return EXIT_SUCCESS;
}
