/* vmc-seg: add one memory segment to the stream. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static noreturn void usage(void)
{
	printf("usage: vmc-seg --phys ADDR [--virt ADDR] [--offset N] [--length N] FILE|-\n"
	       "\n"
	       "Adds the bytes of FILE (a file, a block or character device such as\n"
	       "/dev/mem, or - for raw bytes on stdin) as one memory segment at physical\n"
	       "address ADDR, to the record stream read from stdin, written to stdout.\n"
	       "\n"
	       "  --phys ADDR    physical address of the first byte\n"
	       "  --virt ADDR    virtual address of the first byte (default: ADDR)\n"
	       "  --offset N     skip N bytes of FILE first\n"
	       "  --length N     take N bytes (default: to the end of FILE)\n"
	       "  --help, --version\n"
	       "\n"
	       "Numbers are decimal or 0x-hex; N may end in K, M, G or T.\n");
	cmd_close_stdout();
	exit(EXIT_SUCCESS);
}

struct segment {
	uint64_t phys, virt, offset, length;
	int fd;
	const char *name;
};

static void emit(kdl_ctx *ctx, kdl_writer *w, const struct segment *s)
{
	if (kdl_emit_segment_fd(w, s->phys, s->virt, s->fd, s->name, s->offset,
	                        s->length))
		cmd_die(ctx);
}

/* Upstream segments arrive in physical order; ours goes in its place so
 * that the order in which vmc-seg programs ran does not matter. */
static void merge(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w,
                  const struct segment *s)
{
	struct kdl_record rec;
	bool done = false;
	int more;

	while ((more = kdl_reader_next(r, &rec)) > 0) {
		uint64_t phys, virt, len;

		if (rec.type != KDL_REC_SEGMENT || done) {
			if (kdl_stream_pass(r, w, &rec))
				cmd_die(ctx);
			continue;
		}
		if (kdl_reader_segment(r, &rec, &phys, &virt, &len))
			cmd_die(ctx);
		if (s->length != KDL_LENGTH_UNKNOWN && len != KDL_LENGTH_UNKNOWN &&
		    phys < s->phys + s->length && s->phys < phys + len)
			cmd_fail("segment 0x%" PRIx64 "-0x%" PRIx64 " of %s overlaps segment 0x%" PRIx64 "-0x%" PRIx64,
			         s->phys, s->phys + s->length - 1, s->name, phys, phys + len - 1);
		if (phys > s->phys) {
			emit(ctx, w, s);
			done = true;
		}
		if (kdl_emit_segment_header(w, phys, virt, len))
			cmd_die(ctx);
	}
	if (more < 0)
		cmd_die(ctx);
	if (!done)
		emit(ctx, w, s);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"phys", required_argument, NULL, 'p'},
		{"virt", required_argument, NULL, 'v'},
		{"offset", required_argument, NULL, 'O'},
		{"length", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	kdl_ctx *ctx = cmd_init("vmc-seg", true);
	struct segment s = {.length = KDL_LEN_ALL};
	bool have_virt = false;
	bool have_phys = false;
	kdl_reader *r = NULL;
	kdl_writer *w;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			s.phys = cmd_u64(ctx, "--phys", optarg);
			have_phys = true;
			break;
		case 'v':
			s.virt = cmd_u64(ctx, "--virt", optarg);
			have_virt = true;
			break;
		case 'O':
			s.offset = cmd_size(ctx, "--offset", optarg);
			break;
		case 'l':
			s.length = cmd_size(ctx, "--length", optarg);
			if (!s.length)
				cmd_usage_error("--length: a segment cannot be empty");
			break;
		case 'h':
			usage();
		case 'V':
			cmd_version();
		default:
			cmd_usage_error("unknown option");
		}
	}
	if (!have_phys)
		cmd_usage_error("--phys is required");
	if (!have_virt)
		s.virt = s.phys;
	if (optind != argc - 1)
		cmd_usage_error("give one FILE, or - for raw bytes on stdin");
	s.name = argv[optind];
	w = cmd_downstream(ctx);
	if (!strcmp(s.name, "-")) {
		s.name = "stdin";
		s.fd = STDIN_FILENO;
	} else {
		s.fd = open(s.name, O_RDONLY | O_CLOEXEC);
		if (s.fd < 0)
			cmd_fail("%s: %s", s.name, strerror(errno));
		r = cmd_upstream(ctx);
	}
	if (kdl_input_length(ctx, s.fd, s.name, s.offset, &s.length))
		cmd_die(ctx);
	if (r)
		merge(ctx, r, w, &s);
	else
		emit(ctx, w, &s);
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
