/* vmc-prstatus: add one CPU's registers (NT_PRSTATUS) to the stream. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void list_registers(const char *arch)
{
	char *list = kdl_arch_register_list(arch);

	if (!list)
		cmd_fail("out of memory");
	printf("%s registers: %s\n", arch, list);
	free(list);
}

static noreturn void usage(const char *arch)
{
	printf("usage: vmc-prstatus --cpu N [--pid N] [--ppid N] [--pgrp N] [--sid N]\n"
	       "                    [--signo N] [--sigcode N] [--errno N] [--cursig N]\n"
	       "                    [--utime S[.US]] [--stime S[.US]] [--cutime S[.US]] [--cstime S[.US]]\n"
	       "                    [--arch A] [--list-registers] REG=VALUE...\n"
	       "\n"
	       "Adds the registers of CPU N, as an NT_PRSTATUS note, to the record stream\n"
	       "read from stdin, written to stdout.  Register names are case-insensitive.\n"
	       "\n"
	       "  --cpu N            CPU number; notes are laid out in CPU order\n"
	       "  --pid N ... --cursig N   the other fields of struct elf_prstatus\n"
	       "  --utime S[.US] ... --cstime S[.US]   times in seconds\n"
	       "  --arch A           check registers against architecture A now and name\n"
	       "                     it for the dump (default x86_64)\n"
	       "  --list-registers   print the register names of the architecture\n"
	       "  --help, --version\n"
	       "\n");
	list_registers(arch ? arch : "x86_64");
	cmd_close_stdout();
	exit(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"cpu", required_argument, NULL, 'c'},
		{"pid", required_argument, NULL, 'p'},
		{"ppid", required_argument, NULL, 'P'},
		{"pgrp", required_argument, NULL, 'g'},
		{"sid", required_argument, NULL, 's'},
		{"signo", required_argument, NULL, 'n'},
		{"sigcode", required_argument, NULL, 'o'},
		{"errno", required_argument, NULL, 'e'},
		{"cursig", required_argument, NULL, 'C'},
		{"utime", required_argument, NULL, 'u'},
		{"stime", required_argument, NULL, 't'},
		{"cutime", required_argument, NULL, 'U'},
		{"cstime", required_argument, NULL, 'T'},
		{"arch", required_argument, NULL, 'a'},
		{"list-registers", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	kdl_ctx *ctx = cmd_init("vmc-prstatus", true);
	struct kdl_prstatus st = {0};
	const char *arch = NULL, *check_arch;
	bool have_cpu = false, help = false, list = false;
	struct kdl_reg *regs;
	kdl_dump *check;
	kdl_reader *r;
	kdl_writer *w;
	uint64_t cpu;
	int nregs = 0, c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cpu = cmd_u64(ctx, "--cpu", optarg);
			if (cpu > UINT32_MAX)
				cmd_usage_error("--cpu: %s does not fit in 32 bits", optarg);
			st.cpu = (uint32_t)cpu;
			have_cpu = true;
			break;
		case 'p': st.pid = cmd_i32(ctx, "--pid", optarg); break;
		case 'P': st.ppid = cmd_i32(ctx, "--ppid", optarg); break;
		case 'g': st.pgrp = cmd_i32(ctx, "--pgrp", optarg); break;
		case 's': st.sid = cmd_i32(ctx, "--sid", optarg); break;
		case 'n': st.signo = cmd_i32(ctx, "--signo", optarg); break;
		case 'o': st.code = cmd_i32(ctx, "--sigcode", optarg); break;
		case 'e': st.err = cmd_i32(ctx, "--errno", optarg); break;
		case 'C':
			st.cursig = cmd_i32(ctx, "--cursig", optarg);
			if (st.cursig < INT16_MIN || st.cursig > UINT16_MAX)
				cmd_usage_error("--cursig: %s does not fit in 16 bits", optarg);
			break;
		case 'u': cmd_time(ctx, "--utime", optarg, &st.utime); break;
		case 't': cmd_time(ctx, "--stime", optarg, &st.stime); break;
		case 'U': cmd_time(ctx, "--cutime", optarg, &st.cutime); break;
		case 'T': cmd_time(ctx, "--cstime", optarg, &st.cstime); break;
		case 'a':
			arch = kdl_arch_canonical(optarg);
			if (!arch)
				cmd_unknown_arch(optarg);
			break;
		case 'L': list = true; break;
		case 'h': help = true; break;
		case 'V': cmd_version();
		default: cmd_usage_error("unknown option");
		}
	}
	if (help)
		usage(arch);
	if (list) {
		list_registers(arch ? arch : "x86_64");
		cmd_close_stdout();
		return EXIT_SUCCESS;
	}
	if (!have_cpu)
		cmd_usage_error("--cpu is required");
	check_arch = arch;
	regs = calloc((size_t)argc, sizeof(*regs));
	if (!regs)
		cmd_fail("out of memory");
	for (int i = optind; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i])
			cmd_usage_error("'%s' is not REG=VALUE", argv[i]);
		*eq = 0;
		regs[nregs].name = argv[i];
		regs[nregs].value = cmd_u64(ctx, argv[i], eq + 1);
		/* without --arch, a name no architecture has fails now, with
		 * the default architecture's list */
		if (!check_arch && !kdl_register_known_anywhere(argv[i]))
			check_arch = "x86_64";
		nregs++;
	}
	check = kdl_dump_new(ctx, NULL);
	if (!check || (check_arch && kdl_dump_set_arch(check, check_arch)) ||
	    kdl_dump_add_cpu(check, &st, regs, (size_t)nregs))
		cmd_usage_error("%s", kdl_ctx_error(ctx));
	kdl_dump_free(check);
	w = cmd_downstream(ctx);
	if ((arch && kdl_emit_arch(w, arch)) ||
	    kdl_emit_prstatus(w, &st, regs, (size_t)nregs))
		cmd_die(ctx);
	free(regs);
	r = cmd_upstream(ctx);
	cmd_pass_rest(ctx, r, w);
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
