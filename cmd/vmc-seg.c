/* vmc-seg: add one memory segment to the stream. */
#include <errno.h>
#include <inttypes.h>
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
	       "       vmc-seg --iomem [--keep-going] [FILE] DEVICE\n"
	       "\n"
	       "Adds the bytes of FILE (a file, a block or character device such as\n"
	       "/dev/mem, or - for raw bytes on stdin) as one memory segment at physical\n"
	       "address ADDR, to the record stream read from stdin, written to stdout.\n"
	       "With --iomem, adds one segment per System RAM range of the iomem listing\n"
	       "FILE (default /proc/iomem), each read from DEVICE (/dev/mem, /dev/crash,\n"
	       "or a file standing in for one) at its physical address.\n"
	       "\n");
	cmd_help("--phys ADDR", "physical address of the first byte");
	cmd_help("--virt ADDR", "virtual address of the first byte (default: ADDR)");
	cmd_help("--offset N", "skip N bytes of FILE first");
	cmd_help("--length N", "take N bytes (default: to the end of FILE)");
	cmd_help("--iomem", "one segment per top-level System RAM range of FILE (default /proc/iomem), read from DEVICE at its physical address");
	cmd_help("--keep-going", "with --iomem: skip, with a warning, what DEVICE cannot read");
	cmd_help("-h, --help, -V, --version", "%s", "");
	printf("\nNumbers are decimal or 0x-hex; N may end in K, M, G or T.\n");
}

struct segment {
	uint64_t phys, virt, offset, length;
};

/* Ours, in physical order, and how far the stream has taken them. */
struct segments {
	struct segment *list;
	size_t n, told, put;
	int fd;
	const char *name;
	bool device, keep_going;
	uint64_t lost;
};

static void put(kdl_ctx *ctx, kdl_writer *w, struct segments *o, const struct segment *s)
{
	if (!o->device) {
		if (kdl_stream_segment_fd(w, s->phys, s->virt, o->fd, o->name, s->offset, s->length))
			cmd_die(ctx, NULL);
	} else if (kdl_stream_segment_device(w, o->fd, o->name, s->phys, s->length,
	                                     o->keep_going, &o->lost))
		cmd_fail("%s, in System RAM 0x%" PRIx64 "-0x%" PRIx64 "%s", kdl_ctx_error(ctx),
		         s->phys, s->phys + (s->length - 1),
		         o->keep_going ? "" : " (--keep-going leaves out what cannot be read)");
}

/* Ours below phys (all: UINT64_MAX), each when its turn comes. */
static void put_below(kdl_ctx *ctx, kdl_writer *w, struct segments *o, uint64_t phys)
{
	for (; o->put < o->n && o->list[o->put].phys < phys; o->put++)
		put(ctx, w, o, &o->list[o->put]);
}

/* The EXTENT records that tell a packer our segments will come, where
 * their lengths are known. */
static void tell_below(kdl_ctx *ctx, kdl_writer *w, struct segments *o, uint64_t phys)
{
	for (; o->told < o->n && o->list[o->told].phys < phys; o->told++) {
		const struct segment *s = &o->list[o->told];
		struct kdl_rec_extent extent = {s->phys, s->length};

		if (s->length != KDL_LENGTH_UNKNOWN && kdl_rec_put_extent(w, &extent))
			cmd_die(ctx, NULL);
	}
}

static void check_overlap(kdl_ctx *ctx, const struct segments *o,
                          const struct kdl_rec_segment *seg)
{
	struct kdl_segment_info theirs = {seg->phys, seg->virt, seg->length};

	if (seg->length == KDL_LENGTH_UNKNOWN)
		return;
	for (size_t i = 0; i < o->n; i++) {
		const struct segment *s = &o->list[i];
		struct kdl_segment_info ours = {s->phys, s->virt, s->length};

		if (s->length != KDL_LENGTH_UNKNOWN && kdl_segment_check_overlap(ctx, &ours, &theirs))
			cmd_fail("%s: %s", o->name, kdl_ctx_error(ctx));
	}
}

/* Upstream EXTENT records and segments arrive in physical order, the
 * extents before the segments; ours go in their places so that the
 * order in which vmc-seg programs ran does not matter. */
static void merge(kdl_ctx *ctx, kdl_reader *r, kdl_writer *w, struct segments *o)
{
	struct kdl_rec_segment seg;
	struct kdl_rec_extent extent;
	struct kdl_record rec;
	int more;

	while ((more = kdl_reader_next(r, &rec)) > 0) {
		if (rec.type == KDL_REC_EXTENT) {
			if (kdl_rec_get_extent(r, &rec, &extent))
				cmd_die(ctx, NULL);
			tell_below(ctx, w, o, extent.phys);
			if (kdl_rec_put_extent(w, &extent))
				cmd_die(ctx, NULL);
			continue;
		}
		if (rec.type != KDL_REC_SEGMENT) {
			if (kdl_stream_pass(r, w, &rec))
				cmd_die(ctx, NULL);
			continue;
		}
		tell_below(ctx, w, o, UINT64_MAX);
		if (kdl_rec_get_segment(r, &rec, &seg))
			cmd_die(ctx, NULL);
		check_overlap(ctx, o, &seg);
		put_below(ctx, w, o, seg.phys);
		if (kdl_rec_put_segment(w, &seg))
			cmd_die(ctx, NULL);
	}
	if (more < 0)
		cmd_die(ctx, NULL);
}

/* The System RAM ranges of an iomem listing, each a segment read from
 * the device at its physical address. */
static void from_iomem(kdl_ctx *ctx, struct segments *o, const char *iomem)
{
	struct kdl_range *ranges;
	size_t n;

	if (kdl_iomem_ram(ctx, iomem, &ranges, &n))
		cmd_die(ctx, NULL);
	o->list = calloc(n, sizeof(*o->list));
	if (!o->list)
		cmd_fail("out of memory");
	for (size_t i = 0; i < n; i++)
		o->list[i] = (struct segment){ranges[i].start, ranges[i].start, ranges[i].start,
		                              ranges[i].end - ranges[i].start + 1};
	o->n = n;
	o->device = true;
	free(ranges);
}

/* As much as vmc-unpack reads of an input to tell its format. */
#define HEAD_SIZE 4096

/* A dump given as raw memory packs its headers as RAM: say so, when the
 * bytes can be looked at without taking them from a pipe. */
static void warn_if_dump(const struct segments *o)
{
	unsigned char head[HEAD_SIZE];
	const struct kdl_entry *e;
	struct stat st;
	ssize_t n;
	size_t what;

	if (fstat(o->fd, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return;
	n = pread(o->fd, head, sizeof(head), (off_t)o->list[0].offset);
	if (n <= 0 || !(e = kdl_input_detect(head, (size_t)n)))
		return;
	/* the summary up to its details: "an ELF core file: ours, ..." */
	what = strcspn(e->summary, ":,(");
	while (what && e->summary[what - 1] == ' ')
		what--;
	cmd_warn("%s looks like %.*s (%s); vmc-unpack reads it", o->name, (int)what,
	         e->summary, e->name);
}

/* The options given, for the two forms. */
struct given {
	bool phys, virt, offset, length, iomem;
};

static void check_usage(const struct given *g, bool keep_going, int operands)
{
	if (g->iomem && (g->phys || g->virt || g->offset || g->length))
		cmd_usage_error("--iomem reads each range at its own address; --phys, --virt, --offset and --length do not go with it");
	if (!g->iomem && keep_going)
		cmd_usage_error("--keep-going goes with --iomem");
	if (g->iomem && (operands < 1 || operands > 2))
		cmd_usage_error("give the DEVICE to read, after the iomem FILE if not /proc/iomem");
	if (!g->iomem && !g->phys)
		cmd_usage_error("--phys is required");
	if (!g->iomem && operands != 1)
		cmd_usage_error("give one FILE, or - for raw bytes on stdin");
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-seg", true);
	struct segment s = {.length = KDL_LENGTH_UNKNOWN};
	struct segments o = {.list = &s, .n = 1};
	struct given given = {0};
	const struct cmd_option opts[] = {
		{.name = "phys", .arg = CMD_U64, .value = &s.phys, .given = &given.phys},
		{.name = "virt", .arg = CMD_U64, .value = &s.virt, .given = &given.virt},
		{.name = "offset", .arg = CMD_SIZE, .value = &s.offset, .given = &given.offset},
		{.name = "length", .arg = CMD_SIZE, .value = &s.length, .given = &given.length},
		{.name = "iomem", .arg = CMD_FLAG, .value = &given.iomem},
		{.name = "keep-going", .arg = CMD_FLAG, .value = &o.keep_going},
		{0},
	};
	int first = cmd_parse(ctx, argc, argv, opts, usage);
	kdl_reader *r = NULL;
	kdl_writer *w;

	check_usage(&given, o.keep_going, argc - first);
	if (given.length && kdl_segment_check(ctx, s.phys, s.length))
		cmd_die(ctx, "--length");
	if (!given.virt)
		s.virt = s.phys;
	o.name = argv[argc - 1];
	if (given.iomem && !strcmp(o.name, "-"))
		cmd_usage_error("a DEVICE is read at its physical addresses: not stdin");
	if (given.iomem)
		from_iomem(ctx, &o, argc - first == 2 ? argv[first] : "/proc/iomem");
	w = cmd_downstream(ctx);
	if (!strcmp(o.name, "-")) {
		o.name = "stdin";
		o.fd = STDIN_FILENO;
	} else {
		o.fd = open(o.name, O_RDONLY | O_CLOEXEC);
		if (o.fd < 0)
			cmd_fail("%s: %s", o.name, strerror(errno));
		r = cmd_upstream(ctx);
	}
	if (!given.iomem) {
		if (kdl_input_length(ctx, o.fd, o.name, s.offset, &s.length))
			cmd_die(ctx, NULL);
		warn_if_dump(&o);
		if (s.length != KDL_LENGTH_UNKNOWN && kdl_segment_check(ctx, s.phys, s.length))
			cmd_fail("%s: %s", o.name, kdl_ctx_error(ctx));
	}
	if (r)
		merge(ctx, r, w, &o);
	tell_below(ctx, w, &o, UINT64_MAX);
	put_below(ctx, w, &o, UINT64_MAX);
	if (o.lost)
		cmd_warn("%" PRIu64 " bytes of %s could not be read and were left out", o.lost, o.name);
	if (given.iomem)
		free(o.list);
	cmd_finish(ctx, r, w);
	return EXIT_SUCCESS;
}
