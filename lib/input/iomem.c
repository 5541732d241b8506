/* Where a machine's RAM is, from /proc/iomem: the ranges a live capture
 * reads from /dev/mem. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"

/* /proc/iomem of a large machine is some hundred KiB */
#define IOMEM_MAX (16u << 20)

/* "START-END : NAME", hex without 0x; *name is what follows " : ". */
static bool parse_line(const char *line, struct kdl_range *r, const char **name)
{
	char *end;

	if (!isxdigit((unsigned char)*line))
		return false;
	r->start = strtoull(line, &end, 16);
	if (*end != '-' || !isxdigit((unsigned char)end[1]))
		return false;
	r->end = strtoull(end + 1, &end, 16);
	if (strncmp(end, " : ", 3))
		return false;
	*name = end + 3;
	return true;
}

int kdl_iomem_ram(kdl_ctx *ctx, const char *path, struct kdl_range **ranges,
                  size_t *count)
{
	size_t len, cap = 0, n = 0, lineno = 0;
	char *text = kdl_read_file(ctx, path, IOMEM_MAX, "an iomem listing", &len);
	struct kdl_range *list = NULL;
	bool listed = false, addresses = false;
	int ret = 0;

	if (!text)
		return -1;
	for (char *line = text, *next; !ret && *line; line = next) {
		struct kdl_range r;
		const char *name;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = 0;
		lineno++;
		/* nested ranges (kernel code, reserved parts) lie within RAM */
		if (*line == ' ' || !*line)
			continue;
		if (!parse_line(line, &r, &name) || r.end < r.start) {
			ret = kdl_err(ctx, KDL_ERR_CORRUPT, "%s: line %zu is not 'START-END : NAME' as /proc/iomem writes it: '%.80s'",
			              path, lineno, line);
			continue;
		}
		listed = true;
		addresses |= r.end != 0;
		/* 0-0: what a listing read without root shows */
		if (!r.end || strcmp(name, "System RAM"))
			continue;
		if (n && r.start <= list[n - 1].end)
			ret = kdl_err(ctx, KDL_ERR_CORRUPT, "%s: line %zu: System RAM 0x%" PRIx64 "-0x%" PRIx64 " is not after the range before it",
			              path, lineno, r.start, r.end);
		else if (kdl_grow(ctx, &list, &cap, n, sizeof(*list)))
			ret = -1;
		else
			list[n++] = r;
	}
	free(text);
	if (!ret && listed && !addresses)
		ret = kdl_err(ctx, KDL_ERR_IO, "%s: every address reads as 0: only root sees them", path);
	else if (!ret && !n)
		ret = kdl_err(ctx, KDL_ERR_CORRUPT, "%s: no top-level System RAM range", path);
	if (ret) {
		free(list);
		return -1;
	}
	*ranges = list;
	*count = n;
	return 0;
}
