#!/usr/bin/env bash
# Throughput and memory of the pipeline against plain copies of the same
# bytes.  usage: tests/bench/bench.sh BUILD_DIR
#
#   BENCH_GB      size of the memory image in GiB (default 1; decimals allowed)
#   BENCH_RUNS    runs of each case; the table shows the median (default 3)
#   BENCH_TMPDIR  where the image and the outputs go (default BUILD_DIR)
set -euo pipefail
export LC_ALL=C

if [ $# -ne 1 ] || [ ! -x "$1/vmc-pack" ]; then
	echo "usage: $0 BUILD_DIR (a directory holding vmc-seg, vmc-note, vmc-prstatus, vmc-pack)" >&2
	exit 2
fi
bin=$(cd "$1" && pwd)
gb=${BENCH_GB:-1}
runs=${BENCH_RUNS:-3}
case $runs in '' | *[!0-9]* | 0) echo "BENCH_RUNS: a positive integer" >&2; exit 2 ;; esac
size=$(awk -v g="$gb" 'BEGIN { if (g !~ /^[0-9]*\.?[0-9]+$/) exit 1; printf "%.0f", int(g * 262144) * 4096 }') ||
	{ echo "BENCH_GB: a number of GiB" >&2; exit 2; }
[ "$size" -gt 0 ] || { echo "BENCH_GB: too small" >&2; exit 2; }
pipe_size=$((2 * size)) # the segment that arrives on a pipe
seed=1

# ---- the helper: image generator and per-program peak RSS ----
tool=$bin/bench-tool
cat >"$tool.c.new" <<'C'
/* bench-tool gen SIZE SEED: SIZE bytes (a multiple of 4096) of memory-like
 *   data on stdout: runs of 1-64 zero, text-like or random pages chosen by
 *   a PRNG seeded with SEED; the mix goes to stderr.
 * bench-tool rss FILE CMD [ARG]...: runs CMD, writes its peak RSS in KiB
 *   to FILE, exits as CMD did. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define BUF (256 * PAGE)
#define POOL (64 * 1024)

static uint64_t state;

static uint64_t next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dull;
}

static void out(const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			exit(errno == EPIPE ? 0 : 1);
		p += w;
		n -= (size_t)w;
	}
}

static int gen(uint64_t size, uint64_t seed)
{
	static const char *words[] = {
		"kernel", "page", "struct", "task", "mutex", "0xffff888000", "irq",
		"the", "of", "and", "to", "in", "is", "for", "buffer", "inode",
		"dentry", "slab", "cache", "lock", "ret", "err", "NULL", "int",
		"/usr/lib/x86_64-linux-gnu/", "libc.so.6", "GET /index.html", "200",
		"systemd", "journal", "=", "{", "}", ";", "\n", "\t", "0", "1",
	};
	static unsigned char pool[POOL], buf[BUF];
	uint64_t pages = size / PAGE, count[3] = {0}, left = 0, done = 0;
	size_t fill = 0, used = 0;
	int kind = 0;

	signal(SIGPIPE, SIG_IGN);
	state = seed * 0x9e3779b97f4a7c15ull + 1;
	while (used < POOL) {
		const char *w = words[next() % (sizeof(words) / sizeof(words[0]))];
		size_t n = strlen(w);
		if (n > POOL - used)
			n = POOL - used;
		memcpy(pool + used, w, n);
		used += n;
		if (used < POOL && w[0] != '\n' && w[0] != '\t')
			pool[used++] = ' ';
	}
	for (; done < pages; done++) {
		unsigned char *p = buf + fill;

		if (!left) {
			uint64_t r = next() % 100;
			kind = r < 35 ? 0 : r < 75 ? 1 : 2;
			left = 1 + next() % 64;
		}
		left--;
		count[kind]++;
		if (kind == 0)
			memset(p, 0, PAGE);
		else if (kind == 1)
			memcpy(p, pool + next() % (POOL - PAGE), PAGE);
		else
			for (size_t i = 0; i < PAGE; i += 8) {
				uint64_t v = next();
				memcpy(p + i, &v, 8);
			}
		fill += PAGE;
		if (fill == BUF) {
			out(buf, fill);
			fill = 0;
		}
	}
	out(buf, fill);
	if (pages)
		fprintf(stderr, "%.1f%% zero, %.1f%% text-like, %.1f%% random pages\n",
		        100.0 * count[0] / pages, 100.0 * count[1] / pages,
		        100.0 * count[2] / pages);
	return 0;
}

static int rss(const char *file, char **argv)
{
	struct rusage ru;
	int status;
	FILE *f;
	pid_t pid = fork();

	if (pid < 0)
		return perror("fork"), 126;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return perror("wait4"), 126;
	f = fopen(file, "w");
	if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f))
		return perror(file), 126;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "gen"))
		return gen(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (argc >= 4 && !strcmp(argv[1], "rss"))
		return rss(argv[2], argv + 3);
	fputs("usage: bench-tool gen SIZE SEED | bench-tool rss FILE CMD [ARG]...\n", stderr);
	return 2;
}
C
if [ -x "$tool" ] && cmp -s "$tool.c.new" "$tool.c"; then
	rm -f "$tool.c.new"
else
	mv "$tool.c.new" "$tool.c"
	${CC:-cc} -O2 -Wall -Wextra -o "$tool" "$tool.c"
fi

# ---- where the bytes go ----
base=${BENCH_TMPDIR:-$bin}
mkdir -p "$base"
work=$(mktemp -d "$base/bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
need=$((size + (pipe_size > size ? pipe_size : size) + (256 << 20)))
avail=$(df -P -B1 "$work" | awk 'NR == 2 { print $4 }')
if [ "$avail" -lt "$need" ]; then
	echo "bench: $work has $((avail >> 20)) MiB free, needs $((need >> 20)) MiB (lower BENCH_GB or set BENCH_TMPDIR)" >&2
	exit 1
fi

img=$work/image
out=$work/out
vmcoreinfo=$work/vmcoreinfo
printf '%s\n' OSRELEASE=6.1.0 PAGESIZE=4096 'SYMBOL(swapper_pg_dir)=ffffffff8260a000' \
	'SYMBOL(_stext)=ffffffff81000000' 'NUMBER(phys_base)=0' KERNELOFFSET=0 \
	'NUMBER(pgtable_l5_enabled)=0' CRASHTIME=1767225600 >"$vmcoreinfo"

human() { awk -v b="$1" 'BEGIN { printf (b >= 1073741824 ? "%.1f GiB" : "%.0f MiB"), b / (b >= 1073741824 ? 1073741824 : 1048576) }'; }

echo "kdumpling benchmark: $(nproc) CPUs, $(uname -sr), outputs on $(df -P -T "$work" | awk 'NR == 2 { print $2 }') ($base)"
printf 'image: %s, ' "$(human "$size")"
"$tool" gen "$size" "$seed" >"$img" 2>"$work/mix"
cat "$work/mix"
# Dropping the page cache needs root and disturbs the machine: read the
# image once instead, so that every run finds it cached.
cat "$img" >/dev/null
echo "page cache: warm (image read once before timing; caches are not dropped)"
echo "runs: $runs per case, median shown; outputs deleted and synced between runs;"
echo "      nothing fsyncs, so times are to the page cache"
echo

# R LABEL CMD...: runs CMD, its peak RSS into $work/rss.LABEL
R() {
	local label=$1
	shift
	"$tool" rss "$work/rss.$label" "$@"
}

case_file() {
	R vmc-seg "$bin/vmc-seg" --phys 0x100000 "$img" </dev/null |
		R vmc-pack "$bin/vmc-pack" -o "$out"
}
ref_file() { R cat cat "$img" >"$out"; }
# shellcheck disable=SC2002 # the bytes must arrive on a pipe
case_pipe() {
	cat "$img" | R vmc-seg "$bin/vmc-seg" --phys 0 - |
		R vmc-pack "$bin/vmc-pack" -o "$out"
}
# shellcheck disable=SC2002
ref_pipe() { cat "$img" | R cat cat >"$out"; }
case_stream() {
	"$tool" gen "$pipe_size" "$seed" 2>/dev/null |
		R vmc-seg "$bin/vmc-seg" --phys 0 - |
		R vmc-note "$bin/vmc-note" --vmcoreinfo "$vmcoreinfo" --annotation bench=1 |
		R vmc-prstatus "$bin/vmc-prstatus" --cpu 0 --pid 1 rip=0xffffffff81001234 rsp=0xffffc90000003e58 |
		R vmc-pack "$bin/vmc-pack" -o "$out"
}
ref_stream() { "$tool" gen "$pipe_size" "$seed" 2>/dev/null | R cat cat >"$out"; }

# The dump ends with the segment's bytes: compare them with the source.
check_file() { tail -c "$size" "$out" | cmp -s - "$img"; }
check_stream() { tail -c "$pipe_size" "$out" | cmp -s - <("$tool" gen "$pipe_size" "$seed" 2>/dev/null); }

now() { date +%s%N; }

# measure NAME RUN: the nanoseconds of each run into $work/t.NAME, the peak
# RSS of each program, largest over the runs, into $work/m.NAME.LABEL
measure() {
	local name=$1 fn=$2 t0 t1 f label kib
	rm -f "$out" "$work"/rss.*
	sync
	t0=$(now)
	if ! "$fn"; then
		echo "bench: $fn failed" >&2
		exit 1
	fi
	t1=$(now)
	echo $((t1 - t0)) >>"$work/t.$name"
	for f in "$work"/rss.*; do
		label=${f##*/rss.}
		kib=$(cat "$f")
		if [ ! -e "$work/m.$name.$label" ] || [ "$kib" -gt "$(cat "$work/m.$name.$label")" ]; then
			echo "$kib" >"$work/m.$name.$label"
		fi
	done
}

pairs=(file pipe stream)
for p in "${pairs[@]}"; do
	for ((i = 1; i <= runs; i++)); do
		measure "$p" "case_$p"
		if [ "$i" -eq 1 ]; then
			check=check_file
			[ "$p" = stream ] && check=check_stream
			if ! "$check"; then
				echo "bench: $p: the dump's data differs from its source" >&2
				exit 1
			fi
		fi
		measure "ref_$p" "ref_$p"
	done
done
rm -f "$out"

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1e9 }'; }
# the largest peak RSS among the programs of a case, in KiB
peak() { cat "$work/m.$1".* | sort -n | tail -n 1; }
row() { # NAME TITLE BYTES REF_NAME
	local t r
	t=$(median "$work/t.$1")
	r=${4:+$(median "$work/t.$4")}
	awk -v n="$2" -v t="$t" -v b="$3" -v k="$(peak "$1")" -v r="$r" 'BEGIN {
		printf "%-44s %9.3f %9.1f %8.1f MiB  %s\n", n, t, b / 1e6 / t, k / 1024,
		       r == "" ? "ref" : sprintf("%.2f", t / r)
	}'
}

printf '%-44s %9s %9s %12s  %s\n' case "median s" MB/s "peak RSS" ratio
row file "vmc-seg IMG | vmc-pack -o OUT" "$size" ref_file
row ref_file "  cat IMG > OUT" "$size"
row pipe "cat IMG | vmc-seg - | vmc-pack -o OUT" "$size" ref_pipe
row ref_pipe "  cat IMG | cat > OUT" "$size"
row stream "GEN | vmc-seg - | note | prstatus | pack" "$pipe_size" ref_stream
row ref_stream "  GEN | cat > OUT" "$pipe_size"
echo
echo "IMG: the $(human "$size") image; GEN: $(human "$pipe_size") generated on a pipe."
echo "MB/s: 10^6 bytes of memory a second.  ratio: median time / its reference's."
echo "peak RSS: the largest of the programs after the first pipe (the reference: its last cat);"
echo "per program (largest over the runs):"
for p in "${pairs[@]}"; do
	line=
	for label in vmc-seg vmc-note vmc-prstatus vmc-pack; do
		[ -e "$work/m.$p.$label" ] || continue
		line+=${line:+, }$(awk -v l="$label" -v k="$(cat "$work/m.$p.$label")" 'BEGIN { printf "%s %.1f MiB", l, k / 1024 }')
	done
	printf '  %-8s%s\n' "$p:" "$line"
done
