/* vmc-prstatus: add one CPU's registers (NT_PRSTATUS) to the stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* the architecture named, for --help too */
static const struct kdl_entry *arch;

static const char *arch_name(void)
{
	return (arch ? arch : kdl_entry_default(&kdl_arches))->name;
}

static void usage(void)
{
	printf("usage: vmc-prstatus --cpu N [--pid N] [--ppid N] [--pgrp N] [--sid N]\n"
	       "                    [--signo N] [--sigcode N] [--errno N] [--cursig N]\n"
	       "                    [--utime S[.US]] [--stime S[.US]] [--cutime S[.US]] [--cstime S[.US]]\n"
	       "                    [--arch A] [--list-registers [--json]] [--replace] REG=VALUE...\n"
	       "\n"
	       "Adds the registers of CPU N, as an NT_PRSTATUS note, to the record stream\n"
	       "read from stdin, written to stdout.  Register names are case-insensitive.\n"
	       "\n");
	cmd_help("--cpu N", "CPU number; notes are laid out in CPU order");
	cmd_help("--replace", "drop the context of CPU N from upstream, so that this one replaces it (without --replace, a second CPU N fails at vmc-pack)");
	cmd_help("--pid N ... --cursig N", "the other fields of struct elf_prstatus");
	cmd_help("--utime S[.US] ... --cstime S[.US]", "times in seconds");
	cmd_help("--arch A", "check registers against architecture A now and name it for the dump (default %s)",
	         kdl_entry_default(&kdl_arches)->name);
	cmd_help("--list-registers", "print the register names of the architecture");
	cmd_help("--json", "with --list-registers: print them as one JSON object");
	cmd_help("-h, --help, -V, --version", "%s", "");
	printf("\n");
	cmd_print_registers(arch_name(), false);
}

/* REG=VALUE each */
static struct kdl_reg *registers(kdl_ctx *ctx, char **args, size_t n)
{
	struct kdl_reg *regs = calloc(n ? n : 1, sizeof(*regs));

	if (!regs)
		cmd_fail("out of memory");
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(args[i], '=');

		if (!eq || eq == args[i])
			cmd_usage_error("'%s' is not REG=VALUE", args[i]);
		*eq = 0;
		regs[i].name = args[i];
		cmd_value(ctx, args[i], &(struct cmd_option){.arg = CMD_U64, .value = &regs[i].value}, eq + 1);
	}
	return regs;
}

static bool same_cpu(const struct kdl_rec_prstatus *rec, void *arg)
{
	return rec->status.cpu == *(const uint32_t *)arg;
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-prstatus", true);
	struct kdl_rec_prstatus rec = {.nregs = 0};
	struct kdl_prstatus *st = &rec.status;
	bool have_cpu = false, list = false, json = false, replace = false;
	const struct cmd_option opts[] = {
		{.name = "cpu", .arg = CMD_U32, .value = &st->cpu, .given = &have_cpu},
		{.name = "pid", .arg = CMD_I32, .value = &st->pid},
		{.name = "ppid", .arg = CMD_I32, .value = &st->ppid},
		{.name = "pgrp", .arg = CMD_I32, .value = &st->pgrp},
		{.name = "sid", .arg = CMD_I32, .value = &st->sid},
		{.name = "signo", .arg = CMD_I32, .value = &st->signo},
		{.name = "sigcode", .arg = CMD_I32, .value = &st->code},
		{.name = "errno", .arg = CMD_I32, .value = &st->err},
		{.name = "cursig", .arg = CMD_I32, .value = &st->cursig},
		{.name = "utime", .arg = CMD_TIME, .value = &st->utime},
		{.name = "stime", .arg = CMD_TIME, .value = &st->stime},
		{.name = "cutime", .arg = CMD_TIME, .value = &st->cutime},
		{.name = "cstime", .arg = CMD_TIME, .value = &st->cstime},
		{.name = "arch", .arg = CMD_ENTRY, .value = &arch, .reg = &kdl_arches},
		{.name = "list-registers", .arg = CMD_FLAG, .value = &list},
		{.name = "json", .arg = CMD_FLAG, .value = &json},
		{.name = "replace", .arg = CMD_FLAG, .value = &replace},
		{0},
	};
	int first = cmd_parse(ctx, argc, argv, opts, usage);
	kdl_reader *r;
	kdl_writer *w;

	if (json && !list)
		cmd_usage_error("--json goes with --list-registers");
	if (list) {
		cmd_print_registers(arch_name(), json);
		cmd_finish(ctx, NULL, NULL);
		return EXIT_SUCCESS;
	}
	if (!have_cpu)
		cmd_usage_error("--cpu is required");
	rec.nregs = (size_t)(argc - first);
	rec.regs = registers(ctx, argv + first, rec.nregs);
	if (kdl_prstatus_check(ctx, arch ? arch->name : NULL, st, rec.regs, rec.nregs))
		cmd_die(ctx, NULL);
	w = cmd_downstream(ctx);
	if ((arch && kdl_rec_put_arch(w, &(struct kdl_rec_arch){arch->name})) ||
	    kdl_rec_put_prstatus(w, &rec))
		cmd_die(ctx, NULL);
	r = cmd_upstream(ctx);
	cmd_pass_filtered(ctx, r, w, &(struct cmd_filter){.prstatus = replace ? same_cpu : NULL, .arg = &st->cpu});
	free((void *)rec.regs);
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
