/* vmc-note: add VMCOREINFO and custom ELF notes to the stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void usage(void)
{
	printf("usage: vmc-note [--vmcoreinfo FILE] [--note NAME:TYPE:TEXT]... [--note-file NAME:TYPE:FILE]...\n"
	       "                [--metadata KEY=VALUE]... [--annotation KEY=VALUE]... [--vendor NAME]\n"
	       "                [--replace] [--drop NAME[:TYPE]]...\n"
	       "\n"
	       "Adds notes to the record stream read from stdin, written to stdout, and\n"
	       "takes notes out of it.\n"
	       "\n");
	cmd_help("--vmcoreinfo FILE", "VMCOREINFO text (KEY=VALUE lines, as makedumpfile -g writes them); warns about what readers reject");
	cmd_help("--replace", "with --vmcoreinfo: drop the VMCOREINFO from upstream, so that this one replaces it (without --replace, a second VMCOREINFO fails at vmc-pack)");
	cmd_help("--note NAME:TYPE:TEXT", "an ELF note NAME of integer TYPE holding TEXT");
	cmd_help("--note-file NAME:TYPE:FILE", "the same, holding the bytes of FILE");
	cmd_help("--metadata KEY=VALUE", "a line of the METADATA note (type 0x4b444c01)");
	cmd_help("--annotation KEY=VALUE", "a line of the ANNOTATIONS note (type 0x4b444c02)");
	cmd_help("--vendor NAME", "owner name of those notes (default KDUMPLING)");
	cmd_help("--drop NAME[:TYPE]", "drop the notes from upstream named NAME (of type TYPE only): custom notes, and the metadata and annotations of vendor NAME; --drop VMCOREINFO drops the VMCOREINFO");
	cmd_help("-h, --help, -V, --version", "%s", "");
	printf("\n"
	       "Note types: 0x4b444c01 METADATA, 0x4b444c02 ANNOTATIONS, 0x4b444c03 FILE_INFO,\n"
	       "0x4b444d00 and up USER_DEFINED.  Types 1 and 2 are CPU state to crash and gdb\n"
	       "whatever the note's name.\n");
}

/* Each --note or --note-file: NAME:TYPE:TEXT or NAME:TYPE:FILE. */
static void add_notes(kdl_ctx *ctx, kdl_dump *dump, const struct cmd_list *list,
                      const char *opt, bool from_file)
{
	static const char *const as[] = {"CPU registers (NT_PRSTATUS)", "FPU registers (NT_FPREGSET)"};

	for (size_t i = 0; i < list->count; i++) {
		char *arg = list->items[i], *colon = strchr(arg, ':'), *rest;
		uint32_t type = 0;

		if (!colon || colon == arg || !(rest = strchr(colon + 1, ':')))
			cmd_usage_error("%s: '%s' is not NAME:TYPE:%s", opt, arg, from_file ? "FILE" : "TEXT");
		*colon = *rest++ = 0;
		cmd_value(ctx, opt, &(struct cmd_option){.arg = CMD_U32, .value = &type}, colon + 1);
		if (from_file ? kdl_dump_add_note_file(dump, arg, type, rest)
		              : kdl_dump_add_note(dump, arg, type, rest, strlen(rest)))
			cmd_die(ctx, opt);
		if (type == 1 || type == 2)
			cmd_warn("note %s of type %u: crash and gdb read every note of type %u as %s, whatever its name",
			         arg, type, type, as[type - 1]);
	}
}

/* Each --drop NAME[:TYPE], with the VMCOREINFO apart: it is no note in
 * the stream, and has no type there. */
struct drops {
	struct drop {
		const char *name;
		bool any_type;
		uint32_t type;
	} *notes;
	size_t count;
	bool vmcoreinfo;
};

static void parse_drops(kdl_ctx *ctx, const struct cmd_list *list, struct drops *d)
{
	d->notes = calloc(list->count + 1, sizeof(*d->notes));
	if (!d->notes)
		cmd_fail("out of memory");
	for (size_t i = 0; i < list->count; i++) {
		char *arg = list->items[i], *colon = strchr(arg, ':');
		struct drop *n = &d->notes[d->count];

		if (colon == arg || !*arg)
			cmd_usage_error("--drop: '%s' is not NAME or NAME:TYPE", arg);
		n->any_type = !colon;
		if (colon) {
			*colon = 0;
			cmd_value(ctx, "--drop", &(struct cmd_option){.arg = CMD_U32, .value = &n->type}, colon + 1);
		}
		if (!strcmp(arg, "VMCOREINFO") && colon)
			cmd_usage_error("--drop: VMCOREINFO takes no TYPE: --drop VMCOREINFO drops it");
		if (!strcmp(arg, "CORE") && colon && n->type == 1)
			cmd_usage_error("--drop: CORE notes of type 1 (NT_PRSTATUS) are CPU contexts: vmc-prstatus --replace --cpu N replaces one");
		if (!strcmp(arg, "VMCOREINFO")) {
			d->vmcoreinfo = true;
			continue;
		}
		n->name = arg;
		d->count++;
	}
}

static bool dropped(const struct drops *d, const char *name, uint32_t type)
{
	for (size_t i = 0; i < d->count; i++)
		if (!strcmp(d->notes[i].name, name) && (d->notes[i].any_type || d->notes[i].type == type))
			return true;
	return false;
}

static bool drop_vmcoreinfo(const struct kdl_rec_vmcoreinfo *rec, void *arg)
{
	(void)rec;
	(void)arg;
	return true;
}

static bool drop_note(const struct kdl_rec_note *rec, void *arg)
{
	return dropped(arg, rec->name, rec->type);
}

/* metadata and annotations are notes of their vendor's name */
static bool drop_meta(const struct kdl_rec_meta *rec, void *arg)
{
	return dropped(arg, rec->vendor, rec->kind);
}

/* Each --metadata or --annotation: KEY=VALUE. */
static void add_pairs(kdl_ctx *ctx, kdl_dump *dump, const struct cmd_list *list,
                      const char *opt, int (*add)(kdl_dump *, const char *, const char *))
{
	for (size_t i = 0; i < list->count; i++) {
		char *eq = strchr(list->items[i], '=');

		if (!eq || eq == list->items[i])
			cmd_usage_error("%s: '%s' is not KEY=VALUE", opt, list->items[i]);
		*eq = 0;
		if (add(dump, list->items[i], eq + 1))
			cmd_die(ctx, opt);
	}
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-note", true);
	struct cmd_list vmcoreinfo = {0}, notes = {0}, files = {0}, metas = {0}, annotations = {0};
	struct cmd_list drop = {0};
	struct drops drops = {0};
	const char *vendor = NULL;
	bool replace = false;
	const struct cmd_option opts[] = {
		{.name = "vmcoreinfo", .arg = CMD_LIST, .value = &vmcoreinfo},
		{.name = "note", .arg = CMD_LIST, .value = &notes},
		{.name = "note-file", .arg = CMD_LIST, .value = &files},
		{.name = "metadata", .arg = CMD_LIST, .value = &metas},
		{.name = "annotation", .arg = CMD_LIST, .value = &annotations},
		{.name = "vendor", .arg = CMD_STRING, .value = &vendor},
		{.name = "replace", .arg = CMD_FLAG, .value = &replace},
		{.name = "drop", .arg = CMD_LIST, .value = &drop},
		{0},
	};
	int first = cmd_parse(ctx, argc, argv, opts, usage);
	kdl_dump *dump = kdl_dump_new(ctx, NULL);
	kdl_reader *r;
	kdl_writer *w;

	if (!dump)
		cmd_die(ctx, NULL);
	if (first != argc)
		cmd_usage_error("unexpected argument '%s'", argv[first]);
	if (vmcoreinfo.count > 1)
		cmd_usage_error("--vmcoreinfo is given twice");
	if (replace && !vmcoreinfo.count)
		cmd_usage_error("--replace replaces the VMCOREINFO: give it with --vmcoreinfo FILE");
	parse_drops(ctx, &drop, &drops);
	if (vendor && kdl_dump_set_vendor(dump, vendor))
		cmd_die(ctx, "--vendor");
	if (vmcoreinfo.count && kdl_dump_set_vmcoreinfo_file(dump, vmcoreinfo.items[0]))
		cmd_die(ctx, "--vmcoreinfo");
	add_notes(ctx, dump, &notes, "--note", false);
	add_notes(ctx, dump, &files, "--note-file", true);
	add_pairs(ctx, dump, &metas, "--metadata", kdl_dump_add_metadata);
	add_pairs(ctx, dump, &annotations, "--annotation", kdl_dump_add_annotation);
	w = cmd_downstream(ctx);
	if (kdl_dump_write_stream(dump, w))
		cmd_die(ctx, NULL);
	r = cmd_upstream(ctx);
	cmd_pass_filtered(ctx, r, w, &(struct cmd_filter){
		.vmcoreinfo = replace || drops.vmcoreinfo ? drop_vmcoreinfo : NULL,
		.note = drops.count ? drop_note : NULL,
		.meta = drops.count ? drop_meta : NULL,
		.arg = &drops,
	});
	free(drops.notes);
	free(drop.items);
	kdl_dump_free(dump);
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
