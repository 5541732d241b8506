/* vmc-cat: what a record stream holds, a line per record, checked as it
 * is read. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* A --hexdump larger than this is not something to read on a screen. */
#define HEXDUMP_MAX (16u << 20)
#define HEXDUMP_LINE 16
#define CHUNK (64u << 10)

static void usage(void)
{
	printf("usage: vmc-cat [--json] [--hexdump ADDR:LEN]...\n"
	       "\n"
	       "Prints what the record stream on stdin holds, a line per record: the\n"
	       "stream's version, the architecture, the VMCOREINFO and its lines, each\n"
	       "note, metadata line and CPU, each segment with how much of it came as\n"
	       "bytes and as zeros, records of unknown types, and the end's totals.  It\n"
	       "checks the stream as it reads it: a bad one fails, naming the record and\n"
	       "its byte offset.  Segment bytes are printed only when asked for.\n"
	       "\n");
	cmd_help("--json", "print one JSON object: {\"records\": [...]}, a record's object a line, addresses as hex strings");
	cmd_help("--hexdump ADDR:LEN", "print LEN bytes of physical memory from ADDR as xxd does, and which of them no segment holds; repeatable");
	cmd_help("-h, --help, -V, --version", "%s", "");
	printf("\nNumbers are decimal or 0x-hex; LEN may end in K or M (at most 16M).\n");
}

/* The bytes of one --hexdump, filled in as the segments pass. */
struct hexdump {
	uint64_t phys, len;
	uint8_t *bytes, *held;
};

/* The segment being read. */
struct segment {
	struct kdl_rec_segment rec;
	uint64_t length, data, zero, pieces;
};

struct cat {
	kdl_ctx *ctx;
	kdl_reader *r;
	bool json;
	struct hexdump *dumps;
	size_t ndumps;
	bool in_segment;
	struct segment seg;
	uint64_t records, segments, memory, cpus;
};

/* In JSON, the run's one object: {"records": [ and an object a line,
 * until json_end. */
static bool json_begun;

/* ---- failures: where in the stream ---- */

/* "NAME: record N at byte OFF: what", the record the reader is in; in
 * the stream header, what alone (it names the input). */
static noreturn void fail_at(const struct cat *c, const char *what)
{
	const char *name = kdl_reader_name(c->r);
	size_t len = strlen(name);
	uint64_t n = kdl_reader_record_number(c->r);

	/* after what was shown of the stream, its JSON left unclosed: a
	 * stream that fails is no document */
	if (c->json && json_begun)
		putchar('\n');
	fflush(stdout);
	if (!n)
		cmd_fail("%s", what);
	/* the library's messages start with the name */
	if (!strncmp(what, name, len) && !strncmp(what + len, ": ", 2))
		what += len + 2;
	cmd_fail("%s: record %" PRIu64 " at byte %" PRIu64 ": %s", name, n,
	         kdl_reader_offset(c->r), what);
}

/* What the library found wrong. */
static noreturn void failed(const struct cat *c)
{
	fail_at(c, kdl_ctx_error(c->ctx));
}

/* What vmc-cat finds wrong: a stream whose records do not hold together. */
static noreturn void corrupt(const struct cat *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static noreturn void corrupt(const struct cat *c, const char *fmt, ...)
{
	static const char prefix[] = "corrupt stream: ";
	char what[512];
	va_list ap;

	memcpy(what, prefix, sizeof(prefix) - 1);
	va_start(ap, fmt);
	vsnprintf(what + sizeof(prefix) - 1, sizeof(what) - (sizeof(prefix) - 1), fmt, ap);
	va_end(ap);
	fail_at(c, what);
}

/* ---- output: a line of text, or a JSON object ----
 *
 * Each field is written by a format of its words in text, "%s" where the
 * value goes, and a key in JSON. */

static void line_begin(const struct cat *c, const char *kind)
{
	if (c->json)
		fputs(json_begun ? ",\n" : "{\"records\": [\n", stdout);
	json_begun = true;
	printf(c->json ? "{\"kind\": \"%s\"" : "%s", kind);
}

static void line_end(const struct cat *c)
{
	fputs(c->json ? "}" : "\n", stdout);
}

static void json_end(const struct cat *c)
{
	if (c->json)
		fputs("\n]}\n", stdout);
}

/* Writes what comes before the value; returns what comes after it. */
static const char *field_begin(const struct cat *c, const char *fmt, const char *key)
{
	const char *value = strstr(fmt, "%s");

	if (c->json)
		printf(", \"%s\": ", key);
	else
		printf("%.*s", (int)(value - fmt), fmt);
	return value + 2;
}

static void field_end(const struct cat *c, const char *rest)
{
	if (!c->json)
		fputs(rest, stdout);
}

/* Bytes as text: printable ASCII as it is, the rest escaped. */
static void put_string(const struct cat *c, const char *s, size_t len)
{
	if (c->json)
		putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\\' || (c->json && ch == '"'))
			printf("\\%c", ch);
		else if (ch >= 0x20 && ch < 0x7f)
			putchar(ch);
		else
			printf(c->json ? "\\u%04x" : "\\x%02x", ch);
	}
	if (c->json)
		putchar('"');
}

static void field_str(const struct cat *c, const char *fmt, const char *key, const char *s)
{
	const char *rest = field_begin(c, fmt, key);

	put_string(c, s, strlen(s));
	field_end(c, rest);
}

/* An address: hex, a string in JSON. */
static void field_addr(const struct cat *c, const char *fmt, const char *key, uint64_t v)
{
	const char *rest = field_begin(c, fmt, key);

	printf(c->json ? "\"0x%" PRIx64 "\"" : "0x%" PRIx64, v);
	field_end(c, rest);
}

/* A length of memory, a type, flags: hex in text, a number in JSON. */
static void field_hex(const struct cat *c, const char *fmt, const char *key, uint64_t v)
{
	const char *rest = field_begin(c, fmt, key);

	printf(c->json ? "%" PRIu64 : "0x%" PRIx64, v);
	field_end(c, rest);
}

static void field_num(const struct cat *c, const char *fmt, const char *key, uint64_t v)
{
	const char *rest = field_begin(c, fmt, key);

	printf("%" PRIu64, v);
	field_end(c, rest);
}

static void field_int(const struct cat *c, const char *fmt, const char *key, int64_t v)
{
	const char *rest = field_begin(c, fmt, key);

	printf("%" PRId64, v);
	field_end(c, rest);
}

static void field_bool(const struct cat *c, const char *fmt, const char *key, bool v)
{
	const char *rest = field_begin(c, fmt, key);

	fputs(c->json ? (v ? "true" : "false") : "", stdout);
	field_end(c, rest);
}

/* Seconds and microseconds as the kernel keeps them: "1.500000". */
static void field_time(const struct cat *c, const char *fmt, const char *key,
                       const struct kdl_time *t)
{
	const char *rest = field_begin(c, fmt, key);

	if (t->usec >= 0 && t->usec < 1000000)
		printf(c->json ? "\"%" PRId64 ".%06" PRId64 "\"" : "%" PRId64 ".%06" PRId64,
		       t->sec, t->usec);
	else /* a microsecond count no kernel writes: both, apart */
		printf(c->json ? "\"%" PRId64 "s%+" PRId64 "us\"" : "%" PRId64 "s%+" PRId64 "us",
		       t->sec, t->usec);
	field_end(c, rest);
}

/* ---- the records, one printer each ---- */

static void print_version(const struct cat *c)
{
	if (!kdl_reader_version(c->r)) {
		line_begin(c, "empty");
		if (!c->json)
			fputs(" stream: no header, no records", stdout);
	} else {
		line_begin(c, "stream");
		field_num(c, " version %s", "version", kdl_reader_version(c->r));
	}
	line_end(c);
}

static void print_arch(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_arch rec;

	if (kdl_rec_get_arch(c->r, hdr, &rec))
		failed(c);
	line_begin(c, "arch");
	field_str(c, " %s", "name", rec.name);
	line_end(c);
}

/* The length of the line at p; *next where the one after it starts. */
static size_t line_at(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	*next = nl ? nl + 1 : end;
	return (size_t)((nl ? nl : end) - p);
}

/* Its size, its line count, then each line; in text, indented under it. */
static void print_vmcoreinfo(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_vmcoreinfo rec;
	size_t lines = 0;
	const char *p, *end, *next;

	if (kdl_rec_get_vmcoreinfo(c->r, hdr, &rec))
		failed(c);
	end = rec.text + rec.len;
	for (p = rec.text; p < end; p = next, lines++)
		line_at(p, end, &next);
	line_begin(c, "vmcoreinfo");
	field_num(c, " %s bytes", "size", rec.len);
	field_num(c, ", %s lines", "line_count", lines);
	if (c->json)
		fputs(", \"lines\": [", stdout);
	for (p = rec.text; p < end; p = next) {
		size_t len = line_at(p, end, &next);

		fputs(c->json ? (p == rec.text ? "" : ", ") : "\n  ", stdout);
		put_string(c, p, len);
	}
	if (c->json)
		putchar(']');
	line_end(c);
}

static void print_note(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_note rec;

	if (kdl_rec_get_note(c->r, hdr, &rec))
		failed(c);
	line_begin(c, "note");
	field_str(c, " %s", "name", rec.name);
	field_hex(c, " type %s", "type", rec.type);
	field_num(c, " size %s", "size", rec.len);
	line_end(c);
}

static void print_alias(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_alias rec;

	if (kdl_rec_get_alias(c->r, hdr, &rec))
		failed(c);
	line_begin(c, "alias");
	field_addr(c, " phys %s", "phys", rec.phys);
	field_addr(c, " virt %s", "virt", rec.virt);
	field_hex(c, " length %s", "length", rec.length);
	line_end(c);
}

static void print_extent(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_extent rec;

	if (kdl_rec_get_extent(c->r, hdr, &rec))
		failed(c);
	/* a promise of a segment that no segment could keep, as vmc-pack sees it */
	if (kdl_segment_check(c->ctx, rec.phys, rec.length))
		corrupt(c, "extent record: %s", kdl_ctx_error(c->ctx));
	line_begin(c, "extent");
	field_addr(c, " phys %s", "phys", rec.phys);
	field_hex(c, " length %s", "length", rec.length);
	line_end(c);
}

static void print_meta(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_meta rec;

	if (kdl_rec_get_meta(c->r, hdr, &rec))
		failed(c);
	if (rec.kind == KDL_NOTE_METADATA || rec.kind == KDL_NOTE_ANNOTATIONS) {
		line_begin(c, rec.kind == KDL_NOTE_METADATA ? "metadata" : "annotation");
		if (c->json)
			field_num(c, "%s", "type", rec.kind);
	} else {
		line_begin(c, "meta");
		field_hex(c, " of type %s", "type", rec.kind);
	}
	field_str(c, " %s", "vendor", rec.vendor);
	field_str(c, " %s", "key", rec.key);
	field_str(c, "=%s", "value", rec.value);
	line_end(c);
}

/* Every field of struct elf_prstatus the stream carries, then the
 * registers by the names they were given. */
static void print_cpu(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_prstatus rec;
	const struct kdl_prstatus *s = &rec.status;

	if (kdl_rec_get_prstatus(c->r, hdr, &rec))
		failed(c);
	c->cpus++;
	line_begin(c, "cpu");
	field_num(c, " %s:", "cpu", s->cpu);
	field_int(c, " pid %s", "pid", s->pid);
	field_int(c, ", ppid %s", "ppid", s->ppid);
	field_int(c, ", pgrp %s", "pgrp", s->pgrp);
	field_int(c, ", sid %s", "sid", s->sid);
	field_int(c, ", signo %s", "signo", s->signo);
	field_int(c, ", sigcode %s", "sigcode", s->code);
	field_int(c, ", errno %s", "errno", s->err);
	field_int(c, ", cursig %s", "cursig", s->cursig);
	field_time(c, ", utime %s", "utime", &s->utime);
	field_time(c, ", stime %s", "stime", &s->stime);
	field_time(c, ", cutime %s", "cutime", &s->cutime);
	field_time(c, ", cstime %s", "cstime", &s->cstime);
	fputs(c->json ? ", \"registers\": [" : rec.nregs ? "; registers" : "; no registers", stdout);
	for (size_t i = 0; i < rec.nregs; i++) {
		fputs(c->json ? (i ? ", {\"name\": " : "{\"name\": ") : " ", stdout);
		put_string(c, rec.regs[i].name, strlen(rec.regs[i].name));
		printf(c->json ? ", \"value\": \"0x%" PRIx64 "\"}" : "=0x%" PRIx64, rec.regs[i].value);
	}
	if (c->json)
		putchar(']');
	line_end(c);
}

static void print_unknown(struct cat *c, const struct kdl_record *hdr)
{
	if (kdl_reader_skip(c->r))
		failed(c);
	line_begin(c, "unknown");
	field_hex(c, " record type %s", "type", hdr->type);
	field_hex(c, " flags %s", "flags", hdr->flags);
	field_num(c, " length %s", "length", hdr->length);
	line_end(c);
}

static void print_end(const struct cat *c)
{
	char human[32];

	line_begin(c, "end");
	field_num(c, ": records %s", "records", c->records);
	field_num(c, ", segments %s", "segments", c->segments);
	field_hex(c, ", memory %s", "memory", c->memory);
	if (!c->json)
		printf(" (%s)", kdl_human_size(c->memory, human, sizeof(human)));
	field_num(c, ", cpus %s", "cpus", c->cpus);
	line_end(c);
}

/* ---- segments: a line at their end ---- */

static void segment_begin(struct cat *c, const struct kdl_record *hdr)
{
	struct segment *s = &c->seg;

	if (kdl_rec_get_segment(c->r, hdr, &s->rec))
		failed(c);
	if (s->rec.length != KDL_LENGTH_UNKNOWN && kdl_segment_check(c->ctx, s->rec.phys, s->rec.length))
		corrupt(c, "%s", kdl_ctx_error(c->ctx));
	*s = (struct segment){.rec = s->rec};
	c->in_segment = true;
}

/* The next n bytes of the segment: within its address space and its
 * announced length.  Returns their physical address. */
static uint64_t segment_take(struct cat *c, uint64_t n)
{
	struct segment *s = &c->seg;
	uint64_t room = UINT64_MAX - s->rec.phys; /* its last byte's offset, at most */
	uint64_t at = s->rec.phys + s->length;

	if (n && (s->length > room || n - 1 > room - s->length))
		corrupt(c, "the segment at 0x%" PRIx64 " goes past the end of the address space", s->rec.phys);
	if (s->rec.length != KDL_LENGTH_UNKNOWN && n > s->rec.length - s->length)
		corrupt(c, "the segment at 0x%" PRIx64 " holds more than the %" PRIu64 " bytes it announced",
		        s->rec.phys, s->rec.length);
	s->length += n;
	s->pieces++;
	return at;
}

/* The bytes of [phys, phys + n) that fall in a --hexdump: src NULL for
 * zeros. */
static void hexdump_fill(struct cat *c, uint64_t phys, const uint8_t *src, uint64_t n)
{
	uint64_t last = phys + n - 1;

	for (size_t i = 0; n && i < c->ndumps; i++) {
		struct hexdump *d = &c->dumps[i];
		uint64_t lo = phys > d->phys ? phys : d->phys;
		uint64_t d_last = d->phys + d->len - 1, hi = last < d_last ? last : d_last;

		if (lo > hi)
			continue;
		if (src)
			memcpy(d->bytes + (lo - d->phys), src + (lo - phys), (size_t)(hi - lo + 1));
		else
			memset(d->bytes + (lo - d->phys), 0, (size_t)(hi - lo + 1));
		memset(d->held + (lo - d->phys), 1, (size_t)(hi - lo + 1));
	}
}

static bool hexdump_wants(const struct cat *c, uint64_t phys, uint64_t n)
{
	for (size_t i = 0; n && i < c->ndumps; i++)
		if (phys <= c->dumps[i].phys + c->dumps[i].len - 1 && c->dumps[i].phys <= phys + n - 1)
			return true;
	return false;
}

static void segment_data(struct cat *c, const struct kdl_record *hdr)
{
	static uint8_t buf[CHUNK];
	uint64_t phys = segment_take(c, hdr->length);
	long got;

	c->seg.data += hdr->length;
	if (!hexdump_wants(c, phys, hdr->length)) {
		if (kdl_reader_skip(c->r))
			failed(c);
		return;
	}
	while ((got = kdl_reader_read(c->r, buf, sizeof(buf))) > 0) {
		hexdump_fill(c, phys, buf, (uint64_t)got);
		phys += (uint64_t)got;
	}
	if (got < 0)
		failed(c);
}

static void segment_zero(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_zero rec;
	uint64_t phys;

	if (kdl_rec_get_zero(c->r, hdr, &rec))
		failed(c);
	phys = segment_take(c, rec.length);
	c->seg.zero += rec.length;
	hexdump_fill(c, phys, NULL, rec.length);
}

static void segment_end(struct cat *c, const struct kdl_record *hdr)
{
	struct kdl_rec_segment_end rec;
	const struct segment *s = &c->seg;

	if (kdl_rec_get_segment_end(c->r, hdr, &rec))
		failed(c);
	if (rec.length != s->length)
		corrupt(c, "the segment at 0x%" PRIx64 " ends at %" PRIu64 " bytes, and its records hold %" PRIu64,
		        s->rec.phys, rec.length, s->length);
	if (s->rec.length != KDL_LENGTH_UNKNOWN && s->rec.length != s->length)
		corrupt(c, "the segment at 0x%" PRIx64 " holds %" PRIu64 " of the %" PRIu64 " bytes it announced",
		        s->rec.phys, s->length, s->rec.length);
	if (!s->length)
		corrupt(c, "the segment at 0x%" PRIx64 " is empty", s->rec.phys);
	c->in_segment = false;
	c->segments++;
	/* overlapping segments could add up past what a u64 counts */
	c->memory = s->length > UINT64_MAX - c->memory ? UINT64_MAX : c->memory + s->length;
	line_begin(c, "segment");
	field_addr(c, " phys %s", "phys", s->rec.phys);
	field_addr(c, " virt %s", "virt", s->rec.virt);
	field_hex(c, " length %s", "length", s->length);
	field_bool(c, s->rec.length == KDL_LENGTH_UNKNOWN ? " (unknown until its end)%s" : "%s",
	           "length_announced", s->rec.length != KDL_LENGTH_UNKNOWN);
	field_hex(c, ": data %s", "data", s->data);
	field_hex(c, ", zero %s", "zero", s->zero);
	field_num(c, s->pieces == 1 ? " in %s record" : " in %s records", "records", s->pieces);
	line_end(c);
}

/* ---- the stream, record by record ---- */

static const char *const type_names[] = {
	[KDL_REC_ARCH] = "ARCH", [KDL_REC_VMCOREINFO] = "VMCOREINFO",
	[KDL_REC_NOTE] = "NOTE", [KDL_REC_PRSTATUS] = "PRSTATUS",
	[KDL_REC_META] = "META", [KDL_REC_ALIAS] = "ALIAS", [KDL_REC_EXTENT] = "EXTENT",
	[KDL_REC_SEGMENT] = "SEGMENT",
	[KDL_REC_DATA] = "DATA", [KDL_REC_ZERO] = "ZERO",
	[KDL_REC_SEGMENT_END] = "SEGMENT_END",
};

static bool in_segment_only(uint32_t type)
{
	return type == KDL_REC_DATA || type == KDL_REC_ZERO || type == KDL_REC_SEGMENT_END;
}

/* Inside a segment come its bytes and its end, and nothing else. */
static void check_place(const struct cat *c, uint32_t type)
{
	const char *name = type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[type] : NULL;
	char unknown[32];

	if (c->in_segment == in_segment_only(type))
		return;
	if (!name) {
		snprintf(unknown, sizeof(unknown), "type 0x%" PRIx32, type);
		name = unknown;
	}
	if (c->in_segment)
		corrupt(c, "a %s record inside the segment at 0x%" PRIx64 ", before its end",
		        name, c->seg.rec.phys);
	corrupt(c, "a %s record outside a segment", name);
}

static void print_record(struct cat *c, const struct kdl_record *hdr)
{
	check_place(c, hdr->type);
	switch (hdr->type) {
	case KDL_REC_ARCH: print_arch(c, hdr); break;
	case KDL_REC_VMCOREINFO: print_vmcoreinfo(c, hdr); break;
	case KDL_REC_NOTE: print_note(c, hdr); break;
	case KDL_REC_PRSTATUS: print_cpu(c, hdr); break;
	case KDL_REC_META: print_meta(c, hdr); break;
	case KDL_REC_ALIAS: print_alias(c, hdr); break;
	case KDL_REC_EXTENT: print_extent(c, hdr); break;
	case KDL_REC_SEGMENT: segment_begin(c, hdr); break;
	case KDL_REC_DATA: segment_data(c, hdr); break;
	case KDL_REC_ZERO: segment_zero(c, hdr); break;
	case KDL_REC_SEGMENT_END: segment_end(c, hdr); break;
	default: print_unknown(c, hdr); break;
	}
}

static void read_stream(struct cat *c)
{
	struct kdl_record hdr;
	int more;

	while ((more = kdl_reader_next(c->r, &hdr)) > 0) {
		if (++c->records == 1)
			print_version(c);
		print_record(c, &hdr);
	}
	if (more < 0)
		failed(c);
	if (c->in_segment)
		corrupt(c, "the stream ends inside the segment at 0x%" PRIx64, c->seg.rec.phys);
	if (!c->records)
		print_version(c);
	if (kdl_reader_version(c->r))
		print_end(c);
}

/* ---- --hexdump ---- */

/* ADDR:LEN */
static void parse_hexdump(kdl_ctx *ctx, char *arg, struct hexdump *d)
{
	char *colon = strchr(arg, ':');

	if (!colon || colon == arg)
		cmd_usage_error("--hexdump: '%s' is not ADDR:LEN", arg);
	*colon = 0;
	cmd_value(ctx, "--hexdump", &(struct cmd_option){.arg = CMD_U64, .value = &d->phys}, arg);
	cmd_value(ctx, "--hexdump", &(struct cmd_option){.arg = CMD_SIZE, .value = &d->len}, colon + 1);
	*colon = ':';
	if (!d->len || d->len > HEXDUMP_MAX)
		cmd_usage_error("--hexdump: '%s': LEN is 1 to %u bytes", arg, HEXDUMP_MAX);
	if (d->len - 1 > UINT64_MAX - d->phys)
		cmd_usage_error("--hexdump: '%s' goes past the end of the address space", arg);
}

/* For each range, its bytes and whether a segment holds each, all in
 * one block. */
static uint8_t *hexdump_alloc(struct hexdump *dumps, size_t n)
{
	size_t total = 0;
	uint8_t *block, *p;

	for (size_t i = 0; i < n; i++)
		total += 2 * (size_t)dumps[i].len;
	p = block = calloc(1, total ? total : 1);
	if (!block)
		cmd_fail("out of memory");
	for (size_t i = 0; i < n; i++) {
		dumps[i].bytes = p;
		dumps[i].held = p + dumps[i].len;
		p += 2 * (size_t)dumps[i].len;
	}
	return block;
}

/* Byte i of the range: its two hex digits, "--" if no segment holds it. */
static void put_hex_byte(const struct hexdump *d, uint64_t i)
{
	if (d->held[i])
		printf("%02x", d->bytes[i]);
	else
		fputs("--", stdout);
}

/* xxd's lines, of the lines that hold a byte. */
static void hexdump_text(const struct hexdump *d)
{
	for (uint64_t off = 0; off < d->len; off += HEXDUMP_LINE) {
		uint64_t n = d->len - off < HEXDUMP_LINE ? d->len - off : HEXDUMP_LINE;

		if (!memchr(d->held + off, 1, (size_t)n))
			continue;
		printf("%08" PRIx64 ":", d->phys + off);
		for (uint64_t i = 0; i < HEXDUMP_LINE; i++) {
			if (!(i & 1))
				putchar(' ');
			if (i < n)
				put_hex_byte(d, off + i);
			else
				fputs("  ", stdout);
		}
		fputs("  ", stdout);
		for (uint64_t i = 0; i < n; i++) {
			uint8_t ch = d->bytes[off + i];

			putchar(!d->held[off + i] ? ' ' : ch >= 0x20 && ch < 0x7f ? ch : '.');
		}
		putchar('\n');
	}
}

static void print_hexdump(const struct cat *c, const struct hexdump *d)
{
	line_begin(c, "hexdump");
	field_addr(c, " phys %s", "phys", d->phys);
	field_hex(c, " length %s", "length", d->len);
	if (c->json) {
		fputs(", \"bytes\": \"", stdout);
		for (uint64_t i = 0; i < d->len; i++)
			put_hex_byte(d, i);
		fputs("\", \"missing\": [", stdout);
	} else {
		putchar('\n');
		hexdump_text(d);
	}
	/* the runs no segment holds */
	for (uint64_t i = 0, holes = 0; i < d->len; i++) {
		uint64_t start = i;

		if (d->held[i])
			continue;
		while (i + 1 < d->len && !d->held[i + 1])
			i++;
		if (c->json)
			printf("%s{\"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64 "\"}",
			       holes++ ? ", " : "", d->phys + start, d->phys + i);
		else
			printf("no segment holds 0x%" PRIx64 "-0x%" PRIx64 "\n", d->phys + start, d->phys + i);
	}
	if (c->json)
		fputs("]}", stdout);
}

int main(int argc, char **argv)
{
	kdl_ctx *ctx = cmd_init("vmc-cat", false);
	struct cmd_list hexdumps = {0};
	bool json = false;
	const struct cmd_option opts[] = {
		{.name = "json", .arg = CMD_FLAG, .value = &json},
		{.name = "hexdump", .arg = CMD_LIST, .value = &hexdumps},
		{0},
	};
	int first = cmd_parse(ctx, argc, argv, opts, usage);
	struct cat c = {.ctx = ctx, .json = json, .ndumps = hexdumps.count};
	uint8_t *block;

	if (first != argc)
		cmd_usage_error("unexpected argument '%s'", argv[first]);
	c.dumps = calloc(hexdumps.count + 1, sizeof(*c.dumps));
	if (!c.dumps)
		cmd_fail("out of memory");
	for (size_t i = 0; i < hexdumps.count; i++)
		parse_hexdump(ctx, hexdumps.items[i], &c.dumps[i]);
	block = hexdump_alloc(c.dumps, c.ndumps);
	c.r = cmd_upstream(ctx);
	if (!c.r)
		cmd_usage_error("refusing to read a binary stream from a terminal; pipe a vmc- program into it");
	read_stream(&c);
	for (size_t i = 0; i < c.ndumps; i++)
		print_hexdump(&c, &c.dumps[i]);
	json_end(&c);
	free(block);
	free(c.dumps);
	free(hexdumps.items);
	cmd_finish(ctx, c.r, NULL);
	return EXIT_SUCCESS;
}
