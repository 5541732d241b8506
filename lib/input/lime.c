/* a LiME capture (lime format, version 1): ranges of physical memory,
 * each a header and its bytes, one after another to the end of the
 * file; and the walk over such ranges, which AVML's captures share.
 *
 * Ranges are read in the order they come, from a file as from a pipe
 * (nc -l 4444 | vmc-unpack -), so they must ascend: LiME writes them in
 * /proc/iomem's order, which does. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "input/input.h"

/* LiME's lime_mem_range_header (src/lime.h), little-endian */
enum {
	RANGE_HEADER = 32,
	R_MAGIC = 0, R_VERSION = 4,
	R_START = 8, R_END = 16, /* the last byte's address */
};

#define LIME_MAGIC 0x4C694D45 /* "EMiL" */
#define LIME_VERSION 1

/* LiME's range header: the magic, then version 1. */
static bool lime_probe(const uint8_t *head, size_t n)
{
	return n >= 8 && kdl_get32le(head + R_MAGIC) == LIME_MAGIC &&
	       kdl_get32le(head + R_VERSION) == LIME_VERSION;
}

/* The next range header into hdr, or *end where the input ends before
 * one, as it does after the last range: nothing counts the ranges. */
static int next_header(struct kdl_input *in, uint8_t *hdr, bool *end)
{
	ssize_t got = kdl_input_read_upto(in, hdr, RANGE_HEADER);

	*end = got == 0;
	if (got < 0 || got == 0 || got == RANGE_HEADER)
		return got < 0 ? -1 : 0;
	in->size = in->pos;
	return kdl_input_truncated(in, "a range header");
}

int kdl_lime_ranges(struct kdl_unpacker *u, struct kdl_input *in,
                    const char *format, uint32_t magic, uint32_t version,
                    int (*payload)(struct kdl_unpacker *u, struct kdl_input *in,
                                   uint64_t phys, uint64_t len, void *arg),
                    void *arg)
{
	uint8_t hdr[RANGE_HEADER];
	uint64_t prev_start = 0, prev_last = 0;
	bool any = false, end;

	for (;;) {
		uint64_t at = in->pos, start, last;

		if (next_header(in, hdr, &end))
			return -1;
		if (end)
			break;
		if (kdl_get32le(hdr + R_MAGIC) != magic || kdl_get32le(hdr + R_VERSION) != version)
			return kdl_input_corrupt(in, at, "no %s range header here: magic 0x%08" PRIx32 ", version %" PRIu32 ", not 0x%08" PRIx32 ", version %" PRIu32,
			                         format, kdl_get32le(hdr + R_MAGIC), kdl_get32le(hdr + R_VERSION),
			                         magic, version);
		start = kdl_get64le(hdr + R_START);
		last = kdl_get64le(hdr + R_END);
		if (last < start)
			return kdl_input_corrupt(in, at, "%s range 0x%" PRIx64 "-0x%" PRIx64 " ends before it starts",
			                         format, start, last);
		if (any && start <= prev_last)
			return kdl_input_corrupt(in, at, "%s range 0x%" PRIx64 "-0x%" PRIx64 " comes after range 0x%" PRIx64 "-0x%" PRIx64
			                         ": the ranges of a capture, read in the order they come, must ascend without overlapping",
			                         format, start, last, prev_start, prev_last);
		/* its length would be 2^64 */
		if (start == 0 && last == UINT64_MAX)
			return kdl_input_corrupt(in, at, "%s range 0x0-0x%" PRIx64 " covers the whole address space, more than a capture can hold",
			                         format, last);
		if (kdl_unpack_segment(u, start, start, last - start + 1) ||
		    payload(u, in, start, last - start + 1, arg) || kdl_unpack_end(u))
			return -1;
		any = true;
		prev_start = start;
		prev_last = last;
	}
	kdl_warn(kdl_unpack_ctx(u), "%s: like every %s capture, it holds no VMCOREINFO and names no architecture: add the VMCOREINFO with vmc-note --vmcoreinfo FILE (crash and drgn need it), and name the machine with vmc-pack --arch",
	         in->name, format);
	return 0;
}

/* A LiME range's bytes: as they are, right after its header. */
static int lime_payload(struct kdl_unpacker *u, struct kdl_input *in,
                        uint64_t phys, uint64_t len, void *arg)
{
	uint64_t at = in->pos;
	struct kdl_source src;
	char what[128];

	(void)arg;
	snprintf(what, sizeof(what), "range 0x%" PRIx64 "-0x%" PRIx64 ", whose %" PRIu64 " bytes start at byte %" PRIu64,
	         phys, phys + (len - 1), len, at);
	if (in->size != KDL_LENGTH_UNKNOWN && len > in->size - at)
		return kdl_input_truncated(in, what);
	kdl_input_source(in, &src, at, len);
	if (!kdl_unpack_bytes(u, &src))
		return kdl_input_seek(in, at + len, what);
	/* a pipe learns where it ends only on reading there */
	if (in->size != KDL_LENGTH_UNKNOWN && len > in->size - at)
		return kdl_input_truncated(in, what);
	return -1;
}

static int lime_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	(void)n;
	/* what a capture of LiME's other formats looks like, named by
	 * --format lime */
	if (!lime_probe(ins->head, ins->head_len))
		return kdl_err(kdl_unpack_ctx(u), KDL_ERR_UNSUPPORTED,
		               "%s: no LiME range header at byte 0, so not LiME's format=lime; its format=raw and format=padded hold no addresses: a padded capture is memory from physical address 0 (vmc-seg --phys 0 FILE), a raw one needs the ranges it was taken from (vmc-seg --phys ADDR --offset N --length N for each)",
		               ins->name);
	return kdl_lime_ranges(u, ins, "LiME", LIME_MAGIC, LIME_VERSION, lime_payload, NULL);
}

const struct kdl_input_ops kdl_input_lime = {
	.info = {
		.name = "lime",
		.summary = "a LiME capture (lime format, version 1)",
	},
	.probe = lime_probe,
	.unpack = lime_unpack,
};
