/* Progress on stderr, as dd and zstd show it: one line redrawn on a
 * terminal, a line a second in a log. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

/* redraws a second on a terminal; a log gets a line a second */
#define TTY_RATE 4

static struct {
	bool on, tty, drawn;
	double start, last;
	uint64_t done, total;
} progress;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1.5 GiB" */
static const char *human(char *buf, size_t size, double bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	size_t u = 0;

	while (bytes >= 1024 && u + 1 < sizeof(units) / sizeof(*units)) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
	return buf;
}

/* "1:05" or "2:01:05" */
static const char *clock_time(char *buf, size_t size, double seconds)
{
	unsigned long s = seconds > 0 && seconds < 1e9 ? (unsigned long)(seconds + 0.5) : 0;

	if (s >= 3600)
		snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
	return buf;
}

/* The line, in one write so that messages of other programs sharing
 * the terminal do not cut into it. */
static void draw(const char *text)
{
	char line[256];
	int n = snprintf(line, sizeof(line), progress.tty ? "\r%s: %s\033[K" : "%s: %s\n",
	                 cmd_progname(), text);

	if (n > 0 && write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) > 0)
		progress.drawn = progress.tty;
}

bool cmd_progress_start(enum cmd_progress when)
{
	progress.tty = isatty(STDERR_FILENO);
	progress.on = when == CMD_PROGRESS_ON || (when == CMD_PROGRESS_AUTO && progress.tty);
	progress.start = progress.last = now();
	return progress.on;
}

void cmd_progress(void *arg, uint64_t done, uint64_t total)
{
	double t = now(), rate;
	char text[160], a[32], b[32], c[32], d[32];

	(void)arg;
	progress.done = done;
	progress.total = total;
	if (!progress.on || t - progress.last < (progress.tty ? 1.0 / TTY_RATE : 1.0))
		return;
	progress.last = t;
	rate = (double)done / (t - progress.start);
	if (total && done <= total)
		snprintf(text, sizeof(text), "%s of %s (%.0f%%), %s/s, %s left",
		         human(a, sizeof(a), (double)done), human(b, sizeof(b), (double)total),
		         100.0 * (double)done / (double)total, human(c, sizeof(c), rate),
		         clock_time(d, sizeof(d), (double)(total - done) / rate));
	else
		snprintf(text, sizeof(text), "%s, %s/s", human(a, sizeof(a), (double)done),
		         human(c, sizeof(c), rate));
	draw(text);
}

void cmd_progress_end(void)
{
	double t = now() - progress.start;
	char text[160], a[32], c[32];

	if (!progress.on)
		return;
	snprintf(text, sizeof(text), "%s in %.1f s, %s/s", human(a, sizeof(a), (double)progress.done),
	         t, human(c, sizeof(c), t > 0 ? (double)progress.done / t : 0));
	draw(text);
	if (progress.drawn && write(STDERR_FILENO, "\n", 1) == 1)
		progress.drawn = false;
	progress.on = false;
}

void cmd_progress_clear(void)
{
	if (progress.drawn && write(STDERR_FILENO, "\r\033[K", 4) == 4)
		progress.drawn = false;
}
