/* Numbers as users type them: decimal or 0x-hex, binary size suffixes. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static int parse_digits(kdl_ctx *ctx, const char *s, uint64_t *out,
                        const char **end)
{
	const char *digits = s;
	int base = 10;
	char *stop;

	if (s[0] == '0' && (s[1] | 0x20) == 'x') {
		base = 16;
		digits = s + 2;
	}
	/* strtoull would also take signs, blanks and a second 0x */
	if (!(base == 16 ? isxdigit((unsigned char)digits[0])
	                 : isdigit((unsigned char)digits[0])) ||
	    (base == 16 && (digits[1] | 0x20) == 'x'))
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a number", s);
	errno = 0;
	*out = strtoull(digits, &stop, base);
	if (errno == ERANGE) {
		kdl_err(ctx, KDL_ERR_INVALID, "'%s' does not fit in 64 bits", s);
		return -2;
	}
	*end = stop;
	return 0;
}

/* 0, or -1 (not a number) or -2 (too large) with the message set. */
static int parse_whole(kdl_ctx *ctx, const char *s, uint64_t *out)
{
	const char *end;
	int ret = parse_digits(ctx, s, out, &end);

	if (!ret && *end)
		ret = kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a number", s);
	return ret;
}

int kdl_parse_u64(kdl_ctx *ctx, const char *s, uint64_t *out)
{
	return parse_whole(ctx, s, out) ? -1 : 0;
}

int kdl_parse_i64(kdl_ctx *ctx, const char *s, int64_t *out)
{
	bool neg = s[0] == '-';
	uint64_t v;
	int ret = parse_whole(ctx, s + neg, &v);

	if (ret == -2)
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' does not fit in 64 bits", s);
	if (ret)
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a number", s);
	if (v > (uint64_t)INT64_MAX + neg)
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' does not fit in 64 bits", s);
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int kdl_parse_size(kdl_ctx *ctx, const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *end, *suffix;
	unsigned shift;
	uint64_t v;

	if (parse_digits(ctx, s, &v, &end))
		return -1;
	if (!*end) {
		*out = v;
		return 0;
	}
	suffix = end[1] ? NULL : strchr(suffixes, end[0] & ~0x20);
	if (!suffix || !*suffix)
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a size (a number with an optional K, M, G or T)", s);
	shift = 10 * (unsigned)(suffix - suffixes + 1);
	if (v > UINT64_MAX >> shift)
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' does not fit in 64 bits", s);
	*out = v << shift;
	return 0;
}

int kdl_parse_time(kdl_ctx *ctx, const char *s, int64_t *sec, int64_t *usec)
{
	const char *dot = strchr(s, '.');
	char whole[32];
	int64_t us = 0;
	size_t n;

	n = dot ? (size_t)(dot - s) : strlen(s);
	if (n == 0 || n >= sizeof(whole))
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a time in seconds", s);
	memcpy(whole, s, n);
	whole[n] = 0;
	if (kdl_parse_i64(ctx, whole, sec) || *sec < 0)
		return kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a time in seconds", s);
	if (dot) {
		const char *p = dot + 1;
		int digits = 0;

		for (; *p; p++, digits++) {
			if (*p < '0' || *p > '9' || digits == 6)
				return kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a time in seconds (at most 6 decimals)", s);
			us = us * 10 + (*p - '0');
		}
		if (!digits)
			return kdl_err(ctx, KDL_ERR_INVALID, "'%s' is not a time in seconds", s);
		for (; digits < 6; digits++)
			us *= 10;
	}
	*usec = us;
	return 0;
}

const char *kdl_human_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)bytes;
	unsigned u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}
