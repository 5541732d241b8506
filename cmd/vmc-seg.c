/* vmc-seg: add one memory segment to the stream. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void usage(void)
{
	printf("usage: vmc-seg --phys ADDR [--virt ADDR] [--offset N] [--length N] FILE|-\n"
	       "\n"
	       "Adds the bytes of FILE (a file, a block or character device such as\n"
	       "/dev/mem, or - for raw bytes on stdin) as one memory segment at physical\n"
	       "address ADDR, to the record stream read from stdin, written to stdout.\n"
	       "\n");
	cmd_help("--phys ADDR", "physical address of the first byte");
	cmd_help("--virt ADDR", "virtual address of the first byte (default: ADDR)");
	cmd_help("--offset N", "skip N bytes of FILE first");
	cmd_help("--length N", "take N bytes (default: to the end of FILE)");
	cmd_help("-h, --help, -V, --version", "%s", "");
	printf("\nNumbers are decimal or 0x-hex; N may end in K, M, G or T.\n");
}

struct segment {
	uint64_t phys, virt, offset, length;
	int fd;
	const char *name;
};

static void put(kdl_ctx *ctx, kdl_writer *w, const struct segment *s)
{
	if (kdl_stream_segment_fd(w, s->phys, s->virt, s->fd, s->name, s->offset,
	                          s->length))
		cmd_die(ctx, NULL);
}

/* The EXTENT that tells a packer the segment will come, when its length
 * is known. */
static void tell(kdl_ctx *ctx, kdl_writer *w, const struct segment *s, bool *told)
{
	struct kdl_rec_extent extent = {s->phys, s->length};

	if (!*told && s->length != KDL_LENGTH_UNKNOWN && kdl_rec_put_extent(w, &extent))
		cmd_die(ctx, NULL);
	*told = true;
}

/* Upstream EXTENT records and segments arrive in physical order, the
 * extents before the segments; ours go in their places so that the
 * order in which vmc-seg programs ran does not matter. */
static void merge(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w,
                  const struct segment *s)
{
	struct kdl_segment_info ours = {s->phys, s->virt, s->length};
	struct kdl_rec_segment seg;
	struct kdl_rec_extent extent;
	struct kdl_record rec;
	bool told = false, done = false;
	int more;

	while ((more = kdl_reader_next(r, &rec)) > 0) {
		struct kdl_segment_info theirs;

		if (rec.type == KDL_REC_EXTENT && !told) {
			if (kdl_rec_get_extent(r, &rec, &extent))
				cmd_die(ctx, NULL);
			if (extent.phys > s->phys)
				tell(ctx, w, s, &told);
			if (kdl_rec_put_extent(w, &extent))
				cmd_die(ctx, NULL);
			continue;
		}
		if (rec.type != KDL_REC_SEGMENT || done) {
			if (kdl_stream_pass(r, w, &rec))
				cmd_die(ctx, NULL);
			continue;
		}
		tell(ctx, w, s, &told);
		if (kdl_rec_get_segment(r, &rec, &seg))
			cmd_die(ctx, NULL);
		theirs = (struct kdl_segment_info){seg.phys, seg.virt, seg.length};
		if (s->length != KDL_LENGTH_UNKNOWN && seg.length != KDL_LENGTH_UNKNOWN &&
		    kdl_segment_check_overlap(ctx, &ours, &theirs))
			cmd_fail("%s: %s", s->name, kdl_ctx_error(ctx));
		if (seg.phys > s->phys) {
			put(ctx, w, s);
			done = true;
		}
		if (kdl_rec_put_segment(w, &seg))
			cmd_die(ctx, NULL);
	}
	if (more < 0)
		cmd_die(ctx, NULL);
	tell(ctx, w, s, &told);
	if (!done)
		put(ctx, w, s);
}

/* As much as vmc-unpack reads of an input to tell its format. */
#define HEAD_SIZE 4096

/* A dump given as raw memory packs its headers as RAM: say so, when the
 * bytes can be looked at without taking them from a pipe. */
static void warn_if_dump(const struct segment *s)
{
	unsigned char head[HEAD_SIZE];
	const struct kdl_entry *e;
	struct stat st;
	ssize_t n;
	size_t what;

	if (fstat(s->fd, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return;
	n = pread(s->fd, head, sizeof(head), (off_t)s->offset);
	if (n <= 0 || !(e = kdl_input_detect(head, (size_t)n)))
		return;
	/* the summary up to its details: "an ELF core file: ours, ..." */
	what = strcspn(e->summary, ":,(");
	while (what && e->summary[what - 1] == ' ')
		what--;
	cmd_warn("%s looks like %.*s (%s); vmc-unpack reads it", s->name, (int)what,
	         e->summary, e->name);
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-seg", true);
	struct segment s = {.length = KDL_LENGTH_UNKNOWN};
	bool have_phys = false, have_virt = false;
	const struct cmd_option opts[] = {
		{.name = "phys", .arg = CMD_U64, .value = &s.phys, .given = &have_phys},
		{.name = "virt", .arg = CMD_U64, .value = &s.virt, .given = &have_virt},
		{.name = "offset", .arg = CMD_SIZE, .value = &s.offset},
		{.name = "length", .arg = CMD_SIZE, .value = &s.length},
		{0},
	};
	int first = cmd_parse(ctx, argc, argv, opts, usage);
	kdl_reader *r = NULL;
	kdl_writer *w;

	if (!have_phys)
		cmd_usage_error("--phys is required");
	if (s.length != KDL_LENGTH_UNKNOWN && kdl_segment_check(ctx, s.phys, s.length))
		cmd_die(ctx, "--length");
	if (!have_virt)
		s.virt = s.phys;
	if (first != argc - 1)
		cmd_usage_error("give one FILE, or - for raw bytes on stdin");
	s.name = argv[first];
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
		cmd_die(ctx, NULL);
	warn_if_dump(&s);
	if (s.length != KDL_LENGTH_UNKNOWN && kdl_segment_check(ctx, s.phys, s.length))
		cmd_fail("%s: %s", s.name, kdl_ctx_error(ctx));
	if (r) {
		merge(ctx, r, w, &s);
	} else {
		bool told = false;

		tell(ctx, w, &s, &told);
		put(ctx, w, &s);
	}
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
