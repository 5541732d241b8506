/* Checks for the unit tests: each failed check prints where it is and
 * what it saw, the test goes on, and check_done() turns the count of
 * failures into main's exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <dirent.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned check_count, check_failed;

static inline bool check_true(bool ok, const char *expr, const char *file,
                              int line)
{
	check_count++;
	if (!ok) {
		check_failed++;
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", file, line, expr);
	}
	return ok;
}

static inline bool check_eq(uint64_t a, uint64_t b, const char *ea,
                            const char *eb, const char *file, int line)
{
	check_count++;
	if (a != b) {
		check_failed++;
		fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s) failed: %" PRIu64 " (0x%" PRIx64
		        ") != %" PRIu64 " (0x%" PRIx64 ")\n",
		        file, line, ea, eb, a, a, b, b);
	}
	return a == b;
}

static inline bool check_str(const char *a, const char *b, const char *ea,
                             const char *eb, const char *file, int line)
{
	bool ok = a && b && !strcmp(a, b);

	check_count++;
	if (!ok) {
		check_failed++;
		fprintf(stderr, "%s:%d: CHECK_STR(%s, %s) failed:\n  \"%s\"\n  \"%s\"\n",
		        file, line, ea, eb, a ? a : "(null)", b ? b : "(null)");
	}
	return ok;
}

static inline bool check_has(const char *s, const char *part, const char *es,
                             const char *file, int line)
{
	bool ok = s && strstr(s, part);

	check_count++;
	if (!ok) {
		check_failed++;
		fprintf(stderr, "%s:%d: CHECK_HAS(%s, \"%s\") failed: \"%s\"\n", file,
		        line, es, part, s ? s : "(null)");
	}
	return ok;
}

static inline bool check_mem(const void *a, const void *b, size_t n,
                             const char *ea, const char *eb, const char *file,
                             int line)
{
	const uint8_t *x = a, *y = b;

	check_count++;
	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			check_failed++;
			fprintf(stderr, "%s:%d: CHECK_MEM(%s, %s, %zu) failed at byte %zu: 0x%02x != 0x%02x\n",
			        file, line, ea, eb, n, i, x[i], y[i]);
			return false;
		}
	}
	return true;
}

/* Each evaluates to whether the check passed, so that a test can stop
 * before it uses what failed. */
#define CHECK(cond) check_true((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) \
	check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str((a), (b), #a, #b, __FILE__, __LINE__)
#define CHECK_HAS(s, part) check_has((s), (part), #s, __FILE__, __LINE__)
#define CHECK_MEM(a, b, n) check_mem((a), (b), (n), #a, #b, __FILE__, __LINE__)

/* ---- scratch files, in a directory of their own ---- */

static char scratch[4096];

static inline int scratch_rm(const char *path, const struct stat *st,
                             int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Makes the directory on the first call. */
static inline const char *scratch_path(const char *name, char *buf,
                                       size_t size)
{
	if (!scratch[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(scratch, sizeof(scratch), "%s/kdl-unit.XXXXXX",
		         tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(scratch)) {
			perror(scratch);
			exit(2);
		}
	}
	if ((size_t)snprintf(buf, size, "%s/%s", scratch, name) >= size) {
		fprintf(stderr, "scratch path too long: %s/%s\n", scratch, name);
		exit(2);
	}
	return buf;
}

/* Entries in the scratch directory, to see that nothing was left. */
static inline int scratch_entries(void)
{
	DIR *d = opendir(scratch);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static inline void scratch_clear(void)
{
	if (scratch[0])
		nftw(scratch, scratch_rm, 16, FTW_DEPTH | FTW_PHYS);
	scratch[0] = 0;
}

static inline int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) || !ok ? -1 : 0;
}

/* The whole file in a new buffer, or NULL. */
static inline uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		uint8_t *p;
		size_t n;

		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0) {
			fclose(f);
			return buf ? buf : malloc(1);
		}
	}
	fclose(f);
	free(buf);
	return NULL;
}

/* For the tests that name their scratch files and use one path at a
 * time: the next call reuses the buffer. */
static inline const char *scratch_file(const char *name)
{
	static char path[4096];

	return scratch_path(name, path, sizeof(path));
}

static inline bool same_files(const char *a, const char *b)
{
	size_t alen, blen;
	uint8_t *x = read_file(scratch_file(a), &alen);
	uint8_t *y = read_file(scratch_file(b), &blen);
	bool same = CHECK(x) && CHECK(y) && CHECK_EQ(alen, blen) &&
	            CHECK_MEM(x, y, alen);

	free(x);
	free(y);
	return same;
}

/* ---- fields in either byte order (be: big-endian) ---- */

/* Apart from the library's readers, so that what it wrote is not read
 * back by its own code. */
static inline uint16_t get16(const uint8_t *p, bool be)
{
	return (uint16_t)(be ? p[0] << 8 | p[1] : p[0] | p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)get16(p, true) << 16 | get16(p + 2, true)
	          : get16(p, false) | (uint32_t)get16(p + 2, false) << 16;
}

static inline uint64_t get64(const uint8_t *p, bool be)
{
	return be ? (uint64_t)get32(p, true) << 32 | get32(p + 4, true)
	          : get32(p, false) | (uint64_t)get32(p + 4, false) << 32;
}

/* A warning callback appending each warning, a line each, to the string
 * at *(char **)arg (NULL to start with). */
static inline void collect_warnings(void *arg, const char *message)
{
	char **all = arg;
	size_t had = *all ? strlen(*all) : 0;
	char *p = realloc(*all, had + strlen(message) + 2);

	if (!p)
		abort();
	snprintf(p + had, strlen(message) + 2, "%s\n", message);
	*all = p;
}

static inline int check_done(const char *name)
{
	scratch_clear();
	printf("%s: %u checks, %u failed\n", name, check_count, check_failed);
	return check_failed ? 1 : 0;
}

#endif
