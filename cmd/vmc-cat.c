/* vmc-cat: what a record stream holds, a line per record. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static void usage(void)
{
	printf("usage: vmc-cat [--json] [--hexdump ADDR:LEN]...\n");
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-cat", false);
	const struct cmd_option opts[] = {{0}};

	cmd_parse(ctx, argc, argv, opts, usage);
	cmd_fail("not written yet");
}
