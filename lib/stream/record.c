/* The records of the stream, each encoded and decoded here and nowhere
 * else: STREAM.md's tables, field by field.  Every integer is
 * little-endian, whatever the dumped machine's byte order. */
#include <inttypes.h>
#include <string.h>

#include "stream/stream.h"

/* NOTE: u32 type, u32 name length, name, descriptor */
#define NOTE_HEAD 8
/* META: u32 kind, u32 vendor length, u32 key length, vendor, key, value */
#define META_HEAD 12
/* PRSTATUS: u32 CPU; i32 pid, ppid, pgrp, sid, signo, sigcode, errno,
 * cursig; u32 reserved; 4 times {i64 sec, i64 usec}; u32 register count;
 * then each register: u8 name length, name, u64 value */
#define PRSTATUS_FIELDS 4
#define PRSTATUS_TIMES 40
#define PRSTATUS_NREGS 104
#define PRSTATUS_HEAD 108
#define REG_MIN 9 /* a name length, no name, a value */
#define MAX_REG_NAME 255
/* SEGMENT and ALIAS: u64 physical address, u64 virtual address, u64
 * length */
#define SEGMENT_SIZE 24
/* EXTENT: u64 physical address, u64 length */
#define EXTENT_SIZE 16

/* A fixed-size record from its bytes. */
static int put_fixed(kdl_writer *w, uint32_t type, const void *p, size_t n)
{
	return kdl_writer_record(w, type, KDL_REC_CRITICAL, p, n);
}

/* The payload of a record of the given type, at least min bytes (exactly
 * min when exact); NULL after a message, bad when the size is wrong. */
static const uint8_t *payload(kdl_reader *r, const struct kdl_record *hdr,
                              uint32_t type, const char *bad, uint64_t min,
                              bool exact)
{
	if (hdr->type != type || hdr->length < min || (exact && hdr->length != min)) {
		kdl_reader_corrupt(r, "%s", bad);
		return NULL;
	}
	return kdl_reader_payload(r, hdr);
}

/* ---- ARCH, VMCOREINFO: the text is the payload ---- */

int kdl_rec_put_arch(kdl_writer *w, const struct kdl_rec_arch *rec)
{
	return put_fixed(w, KDL_REC_ARCH, rec->name, strlen(rec->name));
}

int kdl_rec_get_arch(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_arch *rec)
{
	const uint8_t *p = payload(r, hdr, KDL_REC_ARCH, "bad architecture record", 0, false);

	if (!p)
		return -1;
	rec->name = (const char *)p;
	return 0;
}

int kdl_rec_put_vmcoreinfo(kdl_writer *w, const struct kdl_rec_vmcoreinfo *rec)
{
	return put_fixed(w, KDL_REC_VMCOREINFO, rec->text, rec->len);
}

int kdl_rec_get_vmcoreinfo(kdl_reader *r, const struct kdl_record *hdr,
                           struct kdl_rec_vmcoreinfo *rec)
{
	const uint8_t *p = payload(r, hdr, KDL_REC_VMCOREINFO, "bad vmcoreinfo record", 0, false);

	if (!p)
		return -1;
	rec->text = (const char *)p;
	rec->len = (size_t)hdr->length;
	return 0;
}

/* ---- NOTE ---- */

int kdl_rec_put_note(kdl_writer *w, const struct kdl_rec_note *rec)
{
	size_t namelen = strlen(rec->name);
	uint8_t h[NOTE_HEAD];

	kdl_put32(h, rec->type, false);
	kdl_put32(h + 4, (uint32_t)namelen, false);
	if (kdl_writer_begin(w, KDL_REC_NOTE, KDL_REC_CRITICAL,
	                     sizeof(h) + namelen + rec->len) ||
	    kdl_writer_data(w, h, sizeof(h)) ||
	    kdl_writer_data(w, rec->name, namelen) ||
	    kdl_writer_data(w, rec->desc, rec->len))
		return -1;
	return kdl_writer_end(w);
}

int kdl_rec_get_note(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_note *rec)
{
	const uint8_t *p = payload(r, hdr, KDL_REC_NOTE, "bad note record", NOTE_HEAD, false);
	uint32_t namelen;
	char *name;

	if (!p)
		return -1;
	namelen = kdl_get32le(p + 4);
	if (namelen > hdr->length - NOTE_HEAD)
		return kdl_reader_corrupt(r, "bad note record");
	name = kdl_reader_hold(r, (size_t)namelen + 1);
	if (!name)
		return -1;
	memcpy(name, p + NOTE_HEAD, namelen);
	rec->type = kdl_get32le(p);
	rec->name = name;
	rec->desc = p + NOTE_HEAD + namelen;
	rec->len = (size_t)(hdr->length - NOTE_HEAD - namelen);
	return 0;
}

/* ---- META ---- */

int kdl_rec_put_meta(kdl_writer *w, const struct kdl_rec_meta *rec)
{
	size_t vlen = strlen(rec->vendor), klen = strlen(rec->key);
	size_t len = strlen(rec->value);
	uint8_t h[META_HEAD];

	kdl_put32(h, rec->kind, false);
	kdl_put32(h + 4, (uint32_t)vlen, false);
	kdl_put32(h + 8, (uint32_t)klen, false);
	if (kdl_writer_begin(w, KDL_REC_META, KDL_REC_CRITICAL,
	                     sizeof(h) + vlen + klen + len) ||
	    kdl_writer_data(w, h, sizeof(h)) ||
	    kdl_writer_data(w, rec->vendor, vlen) ||
	    kdl_writer_data(w, rec->key, klen) ||
	    kdl_writer_data(w, rec->value, len))
		return -1;
	return kdl_writer_end(w);
}

int kdl_rec_get_meta(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_meta *rec)
{
	const uint8_t *p = payload(r, hdr, KDL_REC_META, "bad metadata record", META_HEAD, false);
	uint64_t vlen, klen, len;
	char *text;

	if (!p)
		return -1;
	vlen = kdl_get32le(p + 4);
	klen = kdl_get32le(p + 8);
	if (vlen > hdr->length - META_HEAD || klen > hdr->length - META_HEAD - vlen)
		return kdl_reader_corrupt(r, "bad metadata record");
	len = hdr->length - META_HEAD - vlen - klen;
	/* three strings, each with its NUL */
	text = kdl_reader_hold(r, (size_t)(vlen + klen + len + 3));
	if (!text)
		return -1;
	rec->kind = kdl_get32le(p);
	rec->vendor = memcpy(text, p + META_HEAD, vlen);
	rec->key = memcpy(text + vlen + 1, p + META_HEAD + vlen, klen);
	rec->value = memcpy(text + vlen + klen + 2, p + META_HEAD + vlen + klen, len);
	return 0;
}

/* ---- PRSTATUS ---- */

static uint8_t *put_time(uint8_t *p, const struct kdl_time *t)
{
	kdl_put64(p, (uint64_t)t->sec, false);
	kdl_put64(p + 8, (uint64_t)t->usec, false);
	return p + 16;
}

int kdl_rec_put_prstatus(kdl_writer *w, const struct kdl_rec_prstatus *rec)
{
	const struct kdl_prstatus *s = &rec->status;
	const int32_t fields[] = {s->pid, s->ppid, s->pgrp, s->sid, s->signo,
	                          s->code, s->err, s->cursig, 0};
	uint8_t head[PRSTATUS_HEAD], *p = head + PRSTATUS_FIELDS;
	uint64_t len = sizeof(head);

	kdl_put32(head, s->cpu, false);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(fields); i++, p += 4)
		kdl_put32(p, (uint32_t)fields[i], false);
	p = put_time(p, &s->utime);
	p = put_time(p, &s->stime);
	p = put_time(p, &s->cutime);
	put_time(p, &s->cstime);
	kdl_put32(head + PRSTATUS_NREGS, (uint32_t)rec->nregs, false);
	for (size_t i = 0; i < rec->nregs; i++) {
		size_t n = strlen(rec->regs[i].name);

		if (n > MAX_REG_NAME)
			return kdl_err(kdl_writer_ctx(w), KDL_ERR_INVALID,
			               "register name '%.20s...' is too long", rec->regs[i].name);
		len += 1 + n + 8;
	}
	if (kdl_writer_begin(w, KDL_REC_PRSTATUS, KDL_REC_CRITICAL, len) ||
	    kdl_writer_data(w, head, sizeof(head)))
		return -1;
	for (size_t i = 0; i < rec->nregs; i++) {
		uint8_t n = (uint8_t)strlen(rec->regs[i].name), v[8];

		kdl_put64(v, rec->regs[i].value, false);
		if (kdl_writer_data(w, &n, 1) ||
		    kdl_writer_data(w, rec->regs[i].name, n) ||
		    kdl_writer_data(w, v, sizeof(v)))
			return -1;
	}
	return kdl_writer_end(w);
}

static const uint8_t *get_time(const uint8_t *p, struct kdl_time *t)
{
	t->sec = (int64_t)kdl_get64le(p);
	t->usec = (int64_t)kdl_get64le(p + 8);
	return p + 16;
}

int kdl_rec_get_prstatus(kdl_reader *r, const struct kdl_record *hdr,
                         struct kdl_rec_prstatus *rec)
{
	const uint8_t *p = payload(r, hdr, KDL_REC_PRSTATUS, "short CPU record", PRSTATUS_HEAD, false);
	const uint8_t *end;
	struct kdl_prstatus *s = &rec->status;
	int32_t *fields[] = {&s->pid, &s->ppid, &s->pgrp, &s->sid, &s->signo,
	                     &s->code, &s->err, &s->cursig};
	struct kdl_reg *regs;
	uint32_t nregs;
	char *names;

	if (!p)
		return -1;
	end = p + hdr->length;
	s->cpu = kdl_get32le(p);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(fields); i++)
		*fields[i] = (int32_t)kdl_get32le(p + PRSTATUS_FIELDS + 4 * i);
	get_time(get_time(get_time(get_time(p + PRSTATUS_TIMES, &s->utime), &s->stime),
	                  &s->cutime), &s->cstime);
	nregs = kdl_get32le(p + PRSTATUS_NREGS);
	if (nregs > (hdr->length - PRSTATUS_HEAD) / REG_MIN)
		return kdl_reader_corrupt(r, "CPU record with too many registers");
	/* each name with its NUL takes at most its record bytes */
	regs = kdl_reader_hold(r, (nregs ? nregs : 1) * sizeof(*regs));
	names = kdl_reader_hold(r, (size_t)hdr->length);
	if (!regs || !names)
		return -1;
	p += PRSTATUS_HEAD;
	for (uint32_t i = 0; i < nregs; i++) {
		size_t n = p < end ? *p : 0;

		if (p >= end || (size_t)(end - p) < 1 + n + 8)
			return kdl_reader_corrupt(r, "CPU record cut short");
		regs[i].name = memcpy(names, p + 1, n);
		names += n + 1;
		regs[i].value = kdl_get64le(p + 1 + n);
		p += 1 + n + 8;
	}
	if (p != end)
		return kdl_reader_corrupt(r, "CPU record too long");
	rec->regs = regs;
	rec->nregs = nregs;
	return 0;
}

/* ---- SEGMENT and ALIAS: phys, virt, length ---- */

static void put_range(uint8_t p[SEGMENT_SIZE], uint64_t phys, uint64_t virt,
                      uint64_t length)
{
	kdl_put64(p, phys, false);
	kdl_put64(p + 8, virt, false);
	kdl_put64(p + 16, length, false);
}

static const uint8_t *get_range(kdl_reader *r, const struct kdl_record *hdr,
                                uint32_t type, const char *bad, uint64_t *phys,
                                uint64_t *virt, uint64_t *length)
{
	const uint8_t *p = payload(r, hdr, type, bad, SEGMENT_SIZE, true);

	if (p) {
		*phys = kdl_get64le(p);
		*virt = kdl_get64le(p + 8);
		*length = kdl_get64le(p + 16);
	}
	return p;
}

int kdl_rec_put_segment(kdl_writer *w, const struct kdl_rec_segment *rec)
{
	uint8_t p[SEGMENT_SIZE];

	put_range(p, rec->phys, rec->virt, rec->length);
	return put_fixed(w, KDL_REC_SEGMENT, p, sizeof(p));
}

int kdl_rec_get_segment(kdl_reader *r, const struct kdl_record *hdr,
                        struct kdl_rec_segment *rec)
{
	return get_range(r, hdr, KDL_REC_SEGMENT, "bad segment record", &rec->phys,
	                 &rec->virt, &rec->length) ? 0 : -1;
}

int kdl_rec_put_alias(kdl_writer *w, const struct kdl_rec_alias *rec)
{
	uint8_t p[SEGMENT_SIZE];

	put_range(p, rec->phys, rec->virt, rec->length);
	/* a packer that does not know it loses a mapping, not memory */
	return kdl_writer_record(w, KDL_REC_ALIAS, 0, p, sizeof(p));
}

int kdl_rec_get_alias(kdl_reader *r, const struct kdl_record *hdr,
                      struct kdl_rec_alias *rec)
{
	return get_range(r, hdr, KDL_REC_ALIAS, "bad alias record", &rec->phys, &rec->virt,
	                 &rec->length) ? 0 : -1;
}

/* ---- EXTENT: phys, length ---- */

int kdl_rec_put_extent(kdl_writer *w, const struct kdl_rec_extent *rec)
{
	uint8_t p[EXTENT_SIZE];

	kdl_put64(p, rec->phys, false);
	kdl_put64(p + 8, rec->length, false);
	/* a packer that does not know it moves the data once more, no more */
	return kdl_writer_record(w, KDL_REC_EXTENT, 0, p, sizeof(p));
}

int kdl_rec_get_extent(kdl_reader *r, const struct kdl_record *hdr,
                       struct kdl_rec_extent *rec)
{
	const uint8_t *p = payload(r, hdr, KDL_REC_EXTENT, "bad extent record", EXTENT_SIZE, true);

	if (!p)
		return -1;
	rec->phys = kdl_get64le(p);
	rec->length = kdl_get64le(p + 8);
	return 0;
}

/* ---- DATA, ZERO, SEGMENT_END ---- */

int kdl_rec_begin_data(kdl_writer *w, uint64_t n)
{
	return kdl_writer_begin(w, KDL_REC_DATA, KDL_REC_CRITICAL, n);
}

int kdl_rec_put_data(kdl_writer *w, const void *buf, size_t n)
{
	return put_fixed(w, KDL_REC_DATA, buf, n);
}

/* A record of one u64. */
static int put_u64(kdl_writer *w, uint32_t type, uint64_t v)
{
	uint8_t p[8];

	kdl_put64(p, v, false);
	return put_fixed(w, type, p, sizeof(p));
}

static int get_u64(kdl_reader *r, const struct kdl_record *hdr, uint32_t type,
                   uint64_t *v)
{
	const uint8_t *p = payload(r, hdr, type, "record of the wrong size", 8, true);

	if (!p)
		return -1;
	*v = kdl_get64le(p);
	return 0;
}

int kdl_rec_put_zero(kdl_writer *w, const struct kdl_rec_zero *rec)
{
	return put_u64(w, KDL_REC_ZERO, rec->length);
}

int kdl_rec_get_zero(kdl_reader *r, const struct kdl_record *hdr,
                     struct kdl_rec_zero *rec)
{
	return get_u64(r, hdr, KDL_REC_ZERO, &rec->length);
}

int kdl_rec_put_segment_end(kdl_writer *w, const struct kdl_rec_segment_end *rec)
{
	return put_u64(w, KDL_REC_SEGMENT_END, rec->length);
}

int kdl_rec_get_segment_end(kdl_reader *r, const struct kdl_record *hdr,
                            struct kdl_rec_segment_end *rec)
{
	return get_u64(r, hdr, KDL_REC_SEGMENT_END, &rec->length);
}
