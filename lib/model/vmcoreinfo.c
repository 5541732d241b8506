/* VMCOREINFO text: KEY=VALUE lines, checked for what readers need. */
#include <ctype.h>
#include <string.h>

#include "model/model.h"

const char *kdl_vmcoreinfo_get(const char *text, size_t text_len,
                               const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + text_len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen) &&
		    p[klen] == '=') {
			*len = (size_t)(eol - p) - klen - 1;
			return p + klen + 1;
		}
		p = eol + 1;
	}
	return NULL;
}

bool kdl_page_size_valid(uint32_t size)
{
	/* what libkdumpfile accepts as a block size */
	return size >= 4096 && size <= 262144 && !(size & (size - 1));
}

uint32_t kdl_vmcoreinfo_page_size(const char *text, size_t text_len)
{
	size_t len, i;
	const char *v = kdl_vmcoreinfo_get(text, text_len, "PAGESIZE", &len);
	uint32_t size = 0;

	if (!v || len == 0 || len > 9)
		return 0;
	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		size = size * 10 + (uint32_t)(v[i] - '0');
	return i == len && kdl_page_size_valid(size) ? size : 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static void warn_for_readers(kdl_ctx *ctx, const char *text, size_t len)
{
	static const char *const drgn_needs[] = {
		"OSRELEASE", "PAGESIZE", "SYMBOL(swapper_pg_dir)",
	};
	const char *v;
	size_t vlen;

	for (size_t i = 0; i < sizeof(drgn_needs) / sizeof(drgn_needs[0]); i++)
		if (!kdl_vmcoreinfo_get(text, len, drgn_needs[i], &vlen))
			kdl_warn(ctx, "vmcoreinfo has no %s: drgn will not open the dump",
			         drgn_needs[i]);
	v = kdl_vmcoreinfo_get(text, len, "PAGESIZE", &vlen);
	if (v && !all_digits(v, vlen))
		kdl_warn(ctx, "vmcoreinfo PAGESIZE=%.*s is not decimal: libkdumpfile ignores it",
		         (int)vlen, v);
}

char *kdl_vmcoreinfo_normalize(kdl_ctx *ctx, const char *text, size_t len,
                               size_t *out_len)
{
	const char *p = text, *end = text + len;
	unsigned line = 1;
	char *copy;

	if (memchr(text, 0, len))
		return kdl_err(ctx, KDL_ERR_INVALID, "vmcoreinfo contains a NUL byte: it must be text"), NULL;
	for (; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *eq;

		if (!eol)
			eol = end;
		eq = memchr(p, '=', (size_t)(eol - p));
		if (!eq || eq == p)
			return kdl_err(ctx, KDL_ERR_INVALID, "vmcoreinfo line %u is not KEY=VALUE: '%.*s'",
			               line, (int)(eol - p > 60 ? 60 : eol - p), p), NULL;
		p = eol + 1;
	}
	copy = kdl_alloc(ctx, len + 2);
	if (!copy)
		return NULL;
	memcpy(copy, text, len);
	if (len && text[len - 1] != '\n')
		copy[len++] = '\n';
	*out_len = len;
	warn_for_readers(ctx, copy, len);
	return copy;
}
