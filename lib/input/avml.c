/* an AVML capture (version 2, snappy-compressed ranges): LiME's range
 * headers with AVML's magic, each range's bytes in snappy's framing
 * format (AVML's image.rs writes them with snap's FrameEncoder), then
 * that frame stream's length as a little-endian u64.  AVML's version 1
 * is LiME's format, with LiME's magic: lime.c reads it.
 *
 * The framing (google/snappy framing_format.txt) is a series of chunks,
 * each a type byte and a 3-byte little-endian length: the stream
 * identifier 0xff "sNaPpY" first; data chunks, 0x00 compressed and 0x01
 * stored, each of at most 64 KiB uncompressed behind the masked CRC-32C
 * of those bytes; 0x80-0xfe skippable; 0x02-0x7f reserved, not to be
 * passed over.  A chunk that fails its CRC or does not decompress is
 * lost alone (kdl_unpack_lost); one whose length cannot be trusted ends
 * the read, as nothing after it can be found. */
#include <inttypes.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"

#define AVML_MAGIC 0x4C4D5641 /* "AVML" */
#define AVML_VERSION 2

enum {
	CHUNK_HEADER = 4, /* type, then the length of what follows */
	CHUNK_CRC = 4,    /* before a data chunk's bytes */
	TRAILER = 8,      /* the frame stream's length, after it */
	MAX_BLOCK = 65536, /* uncompressed bytes of a data chunk */
};

enum {
	CHUNK_COMPRESSED = 0x00,
	CHUNK_STORED = 0x01,
	CHUNK_RESERVED_LAST = 0x7f, /* 0x02 on: unknown, and unskippable */
	CHUNK_STREAM_ID = 0xff,
};

static const char stream_id[6] = {'s', 'N', 'a', 'P', 'p', 'Y'};

/* What reading the frame streams takes, and the range being read. */
struct frames {
	struct kdl_unpacker *u;
	struct kdl_input *in;
	uint32_t crc_table[256];
	uint8_t *chunk; /* a data chunk as read: its CRC, then its bytes */
	size_t chunk_cap;
	uint8_t block[MAX_BLOCK]; /* a chunk's bytes, decompressed */
	char range[64];           /* "range 0x1000-0x9fbff", for messages */
	char where[128];          /* what a read that ends early was inside */
};

/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), a byte at a
 * time: only this format's checksums use it. */
static void crc32c_table(uint32_t *table)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? c >> 1 ^ 0x82F63B78 : c >> 1;
		table[i] = c;
	}
}

static uint32_t crc32c(const uint32_t *table, const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFF;

	while (n--)
		c = table[(c ^ *p++) & 0xFF] ^ c >> 8;
	return c ^ 0xFFFFFFFF;
}

/* The framing format stores the CRC rotated and offset, so that a CRC
 * of data that holds CRCs stays meaningful. */
static uint32_t masked(uint32_t crc)
{
	return (crc >> 15 | crc << 17) + 0xA282EAD8;
}

static bool avml_probe(const uint8_t *head, size_t n)
{
	return n >= 8 && kdl_get32le(head) == AVML_MAGIC && kdl_get32le(head + 4) == AVML_VERSION;
}

/* A data chunk of clen bytes at off, read into f->chunk, at most left
 * bytes once uncompressed (*ulen): its bytes to the unpacker, or lost
 * when they do not decompress or fail their CRC. */
static int data_chunk(struct frames *f, unsigned type, size_t clen,
                      uint64_t off, uint64_t left, uint64_t *ulen)
{
	const uint8_t *data = f->chunk + CHUNK_CRC;
	size_t dlen = clen - CHUNK_CRC, n = dlen;
	uint32_t stored = kdl_get32le(f->chunk), crc;
	struct kdl_source src;

	if (type == CHUNK_COMPRESSED &&
	    snappy_uncompressed_length((const char *)data, dlen, &n) != SNAPPY_OK)
		return kdl_input_corrupt(f->in, off, "the snappy chunk of %s does not tell its length", f->range);
	if (n > MAX_BLOCK || n > left)
		return kdl_input_corrupt(f->in, off, "the snappy chunk of %s holds %zu bytes, more than %s",
		                         f->range, n, n > MAX_BLOCK ? "a chunk may (65536)" : "are left of the range");
	*ulen = n;
	if (type == CHUNK_COMPRESSED) {
		if (snappy_uncompress((const char *)data, dlen, (char *)f->block, &n) != SNAPPY_OK || n != *ulen)
			return kdl_unpack_lost(f->u, *ulen, "%s: at byte %" PRIu64 ": the snappy chunk of %s does not decompress",
			                       f->in->name, off, f->range);
		data = f->block;
	}
	crc = masked(crc32c(f->crc_table, data, n));
	if (crc != stored)
		return kdl_unpack_lost(f->u, *ulen, "%s: at byte %" PRIu64 ": the snappy chunk of %s fails its CRC-32C (0x%08" PRIx32 " stored, 0x%08" PRIx32 " computed)",
		                       f->in->name, off, f->range, stored, crc);
	kdl_source_buffer(&src, f->in->ctx, data, n);
	return kdl_unpack_bytes(f->u, &src);
}

/* A chunk's header: its type, and how many bytes follow it. */
static int chunk_header(struct frames *f, unsigned *type, size_t *clen)
{
	uint8_t hdr[CHUNK_HEADER];

	if (kdl_input_read(f->in, hdr, sizeof(hdr), f->where))
		return -1;
	*type = hdr[0];
	*clen = hdr[1] | (size_t)hdr[2] << 8 | (size_t)hdr[3] << 16;
	return 0;
}

static int stream_identifier(struct frames *f, size_t clen, uint64_t off)
{
	uint8_t id[sizeof(stream_id)];

	if (clen != sizeof(id))
		return kdl_input_corrupt(f->in, off, "a snappy stream identifier of %zu bytes, not 6, in %s", clen, f->range);
	if (kdl_input_read(f->in, id, sizeof(id), f->where))
		return -1;
	if (memcmp(id, stream_id, sizeof(id)))
		return kdl_input_corrupt(f->in, off, "a snappy stream identifier that is not \"sNaPpY\" in %s", f->range);
	return 0;
}

/* A data chunk, its header read. */
static int data(struct frames *f, unsigned type, size_t clen, uint64_t off,
                uint64_t left, uint64_t *ulen)
{
	if (clen < CHUNK_CRC)
		return kdl_input_corrupt(f->in, off, "a snappy chunk of %zu bytes in %s, too short for its CRC",
		                         clen, f->range);
	if (clen > f->chunk_cap)
		return kdl_input_corrupt(f->in, off, "a snappy chunk of %zu bytes in %s, more than any 65536 bytes compress to",
		                         clen, f->range);
	if (kdl_input_read(f->in, f->chunk, clen, f->where))
		return -1;
	return data_chunk(f, type, clen, off, left, ulen);
}

/* A range's frame stream and the length after it, read in order. */
static int avml_payload(struct kdl_unpacker *u, struct kdl_input *in,
                        uint64_t phys, uint64_t len, void *arg)
{
	struct frames *f = arg;
	uint64_t begin = in->pos, done = 0, told;
	uint8_t trailer[TRAILER];

	f->u = u;
	f->in = in;
	snprintf(f->range, sizeof(f->range), "range 0x%" PRIx64 "-0x%" PRIx64, phys, phys + (len - 1));
	snprintf(f->where, sizeof(f->where), "the snappy data of %s", f->range);
	while (done < len) {
		uint64_t off = in->pos, ulen = 0;
		unsigned type;
		size_t clen;

		if (chunk_header(f, &type, &clen))
			return -1;
		if (off == begin && type != CHUNK_STREAM_ID)
			return kdl_input_corrupt(in, off, "the snappy data of %s does not begin with a stream identifier (chunk type 0x%02x)",
			                         f->range, type);
		if (type == CHUNK_STREAM_ID) {
			if (stream_identifier(f, clen, off))
				return -1;
		} else if (type == CHUNK_COMPRESSED || type == CHUNK_STORED) {
			if (data(f, type, clen, off, len - done, &ulen))
				return -1;
			done += ulen;
		} else if (type <= CHUNK_RESERVED_LAST)
			return kdl_input_corrupt(in, off, "a snappy chunk of reserved type 0x%02x in %s, which cannot be passed over",
			                         type, f->range);
		else if (kdl_input_seek(in, in->pos + clen, f->where))
			return -1;
	}
	snprintf(f->where, sizeof(f->where), "the length after the snappy data of %s", f->range);
	if (kdl_input_read(in, trailer, sizeof(trailer), f->where))
		return -1;
	told = kdl_get64le(trailer);
	if (told != in->pos - TRAILER - begin)
		return kdl_input_corrupt(in, in->pos - TRAILER, "the snappy data of %s is %" PRIu64 " bytes, but the length after it says %" PRIu64,
		                         f->range, in->pos - TRAILER - begin, told);
	return 0;
}

static int avml_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	kdl_ctx *ctx = kdl_unpack_ctx(u);
	struct frames *f = kdl_alloc(ctx, sizeof(*f));
	int ret = -1;

	(void)n;
	if (!f)
		return -1;
	crc32c_table(f->crc_table);
	f->chunk_cap = CHUNK_CRC + snappy_max_compressed_length(MAX_BLOCK);
	f->chunk = kdl_alloc(ctx, f->chunk_cap);
	if (f->chunk)
		ret = kdl_lime_ranges(u, ins, "AVML", AVML_MAGIC, AVML_VERSION, avml_payload, f);
	free(f->chunk);
	free(f);
	return ret;
}

const struct kdl_input_ops kdl_input_avml = {
	.info = {
		.name = "avml",
		.summary = "an AVML capture (version 2, snappy-compressed ranges)",
	},
	.probe = avml_probe,
	.unpack = avml_unpack,
};
