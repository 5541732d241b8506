#!/usr/bin/env bash
# Throughput and memory of the programs against plain copies of the same
# bytes, and of the kdump format against the compression libraries' own
# speed.  usage: tests/bench/bench.sh BUILD_DIR
#
# Cases (README.md, Benchmark, has their references and targets):
#   elf      IMG to ELF from a file and from a pipe, against cat
#   filters  IMG from its file, with and without vmc-note | vmc-prstatus
#   kdump    IMG to kdump with each codec, 1 and 2 threads, against the
#            codec's own page loop (bench-codec) and command-line tool
#   holes    IMG in a sparse file of 16 x its size, against IMG
#   rss      peak RSS of every program at 1, 2, 4 and 8 x IMG's size (1 GiB
#            at least)
#
#   BENCH_GB      size of the memory image in GiB (default 0.5; decimals
#                 allowed); every case scales with it
#   BENCH_RUNS    most runs of each command; tables show the median, ratios
#                 the median of the per-round ratios (default 5, the first
#                 five rounds whatever the budget)
#   BENCH_BUDGET  seconds: a command runs again only while one more run as
#                 long as its last keeps its runs within this (default 15;
#                 0: always BENCH_RUNS)
#   BENCH_CASES   the cases to run, of: elf filters kdump holes rss (default all)
#   BENCH_TMPDIR  where the image and the outputs go (default BUILD_DIR)
set -euo pipefail
export LC_ALL=C

all_cases="elf filters kdump holes rss"
if [ $# -ne 1 ] || [ ! -x "$1/vmc-pack" ]; then
	echo "usage: $0 BUILD_DIR (a directory holding vmc-seg, vmc-note, vmc-prstatus, vmc-pack)" >&2
	exit 2
fi
bin=$(cd "$1" && pwd)
gb=${BENCH_GB:-0.5}
runs=${BENCH_RUNS:-5}
min_runs=5
budget=${BENCH_BUDGET:-15}
case $runs in '' | *[!0-9]* | 0) echo "BENCH_RUNS: a positive integer" >&2; exit 2 ;; esac
[ "$runs" -ge "$min_runs" ] || min_runs=$runs
case $budget in '' | *[!0-9]*) echo "BENCH_BUDGET: a whole number of seconds (0: no limit)" >&2; exit 2 ;; esac
size=$(awk -v g="$gb" 'BEGIN { if (g !~ /^[0-9]*\.?[0-9]+$/) exit 1; printf "%.0f", int(g * 262144) * 4096 }') ||
	{ echo "BENCH_GB: a number of GiB" >&2; exit 2; }
[ "$size" -ge 1048576 ] || { echo "BENCH_GB: at least 0.001 (1 MiB)" >&2; exit 2; }
declare -A want=()
for c in ${BENCH_CASES:-$all_cases}; do
	case " $all_cases " in
	*" $c "*) want[$c]=1 ;;
	*) echo "BENCH_CASES: unknown case '$c' (known: $all_cases)" >&2; exit 2 ;;
	esac
done
[ ${#want[@]} -gt 0 ] || { echo "BENCH_CASES: no case (known: $all_cases)" >&2; exit 2; }
wants() { [ -n "${want[$1]:-}" ]; }
seed=1
page=4096
MiB=1048576

# ---- helpers, compiled on the fly into BUILD_DIR ----
# build NAME LIBS...: compiles the C text on stdin to $bin/NAME unless the
# same text is already built
build() {
	local name=$1 src=$bin/$1.c
	shift
	cat >"$src.new"
	if [ -x "$bin/$name" ] && cmp -s "$src.new" "$src"; then
		rm -f "$src.new"
	else
		mv "$src.new" "$src"
		${CC:-cc} -O2 -Wall -Wextra -o "$bin/$name" "$src" "$@"
	fi
}

tool=$bin/bench-tool
build bench-tool <<'C'
/* bench-tool gen SIZE SEED [ZERO]: SIZE bytes (a multiple of 4096) of
 *   memory-like data on stdout: runs of 1-64 zero, text-like or random
 *   pages chosen by a PRNG seeded with SEED, ZERO percent of the runs zero
 *   (default 35; the rest 8 text-like to 5 random); the mix goes to stderr.
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

static int gen(uint64_t size, uint64_t seed, unsigned zero)
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
	unsigned text = zero + (100 - zero) * 40 / 65;
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
			kind = r < zero ? 0 : r < text ? 1 : 2;
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
	if ((argc == 4 || (argc == 5 && atoi(argv[4]) >= 0 && atoi(argv[4]) <= 100)) &&
	    !strcmp(argv[1], "gen"))
		return gen(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0),
		           argc == 5 ? (unsigned)atoi(argv[4]) : 35);
	if (argc >= 4 && !strcmp(argv[1], "rss"))
		return rss(argv[2], argv + 3);
	fputs("usage: bench-tool gen SIZE SEED [ZERO] | bench-tool rss FILE CMD [ARG]...\n", stderr);
	return 2;
}
C

codec_tool=$bin/bench-codec
build bench-codec -ldeflate -llzo2 -lsnappy -lzstd <<'C'
/* bench-codec CODEC LEVEL FILE: the compression library's own speed on
 *   FILE, page by page as vmc-pack compresses it for the kdump format:
 *   every 4 KiB page alone, with the calls lib/codec/ makes, on one
 *   thread, all-zero pages skipped as dump level 1 does.  Prints "SECONDS BYTES
 *   PAGES ZERO_PAGES": SECONDS spent in the page loop (reading the file is
 *   outside it), BYTES the pages as vmc-pack stores them (compressed, or
 *   4096 raw when that does not shrink them). */
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#define PAGE 4096
#define CHUNK (256 * PAGE)

enum { ZLIB, LZO, SNAPPY, ZSTD };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* as lib/compress.c tests it */
static int all_zero(const unsigned char *p)
{
	static const unsigned char zero8[8];

	return !memcmp(p, zero8, 8) && !memcmp(p, p + 8, PAGE - 8);
}

int main(int argc, char **argv)
{
	static unsigned char in[CHUNK], lzo_mem[LZO1X_1_MEM_COMPRESS];
	unsigned long long bytes = 0, pages = 0, zero = 0;
	unsigned char *out;
	size_t cap;
	double secs = 0;
	struct libdeflate_compressor *z = NULL;
	ZSTD_CCtx *zc = NULL;
	int codec, level, fd;

	if (argc != 4) {
		fputs("usage: bench-codec zlib|lzo|snappy|zstd LEVEL FILE\n", stderr);
		return 2;
	}
	codec = !strcmp(argv[1], "zlib") ? ZLIB : !strcmp(argv[1], "lzo") ? LZO :
	        !strcmp(argv[1], "snappy") ? SNAPPY : !strcmp(argv[1], "zstd") ? ZSTD : -1;
	level = atoi(argv[2]);
	/* the output room each codec's bound gives, as lib/codec/ does */
	cap = codec == ZLIB ? libdeflate_zlib_compress_bound(NULL, PAGE) :
	      codec == LZO ? PAGE + PAGE / 16 + 64 + 3 :
	      codec == SNAPPY ? snappy_max_compressed_length(PAGE) : ZSTD_compressBound(PAGE);
	out = malloc(cap);
	if (codec < 0 || !out || (codec == ZLIB && !(z = libdeflate_alloc_compressor(level))) ||
	    (codec == LZO && lzo_init() != LZO_E_OK) ||
	    (codec == ZSTD && !(zc = ZSTD_createCCtx()))) {
		fprintf(stderr, "bench-codec: cannot set up %s at level %d\n", argv[1], level);
		return 1;
	}
	fd = open(argv[3], O_RDONLY);
	if (fd < 0)
		return perror(argv[3]), 1;
	for (;;) {
		size_t fill = 0;
		ssize_t got = 1;
		double t0;

		while (fill < CHUNK && (got = read(fd, in + fill, CHUNK - fill)) != 0) {
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return perror(argv[3]), 1;
			fill += (size_t)got;
		}
		if (fill % PAGE) { /* a last partial page, zero-filled */
			memset(in + fill, 0, PAGE - fill % PAGE);
			fill += PAGE - fill % PAGE;
		}
		t0 = now();
		for (size_t off = 0; off < fill; off += PAGE) {
			const unsigned char *p = in + off;
			size_t n = 0;

			if (all_zero(p)) {
				zero++;
				continue;
			}
			if (codec == ZLIB) {
				n = libdeflate_zlib_compress(z, p, PAGE, out, cap);
			} else if (codec == LZO) {
				lzo_uint o = cap;

				if (lzo1x_1_compress(p, PAGE, out, &o, lzo_mem) == LZO_E_OK)
					n = o;
			} else if (codec == SNAPPY) {
				size_t o = cap;

				if (snappy_compress((const char *)p, PAGE, (char *)out, &o) == SNAPPY_OK)
					n = o;
			} else {
				n = ZSTD_compressCCtx(zc, out, cap, p, PAGE, level);
				if (ZSTD_isError(n))
					n = 0;
			}
			bytes += n && n < PAGE ? n : PAGE;
			pages++;
		}
		secs += now() - t0;
		if (got == 0)
			break;
	}
	printf("%.9f %llu %llu %llu\n", secs, bytes, pages, zero);
	if (codec == ZLIB)
		libdeflate_free_compressor(z);
	ZSTD_freeCCtx(zc);
	free(out);
	return 0;
}
C

# ---- where the bytes go ----
base=${BENCH_TMPDIR:-$bin}
mkdir -p "$base"
work=$(mktemp -d "$base/bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
free_bytes() { df -P -B1 "$work" | awk 'NR == 2 { print $4 }'; }
# room NEED: true when the work directory has NEED bytes free, and 256 MiB more
room() { [ "$(free_bytes)" -ge $(($1 + (256 << 20))) ]; }
image_needed=0
for c in elf filters kdump holes; do wants $c && image_needed=1; done
if [ "$image_needed" = 1 ] && ! room "$size"; then
	echo "bench: $work has $(($(free_bytes) >> 20)) MiB free, the image needs $(((size >> 20) + 256)) MiB (lower BENCH_GB or set BENCH_TMPDIR)" >&2
	exit 1
fi

img=$work/image
out=$work/out
vmcoreinfo=$work/vmcoreinfo
printf '%s\n' OSRELEASE=6.1.0 PAGESIZE=4096 'SYMBOL(swapper_pg_dir)=ffffffff8260a000' \
	'SYMBOL(_stext)=ffffffff81000000' 'NUMBER(phys_base)=0' KERNELOFFSET=0 \
	'NUMBER(pgtable_l5_enabled)=0' CRASHTIME=1767225600 >"$vmcoreinfo"

# libkdumpfile reads pages back from the kdump dumps, when Debian's python
# has it (python3-libkdumpfile)
py=/usr/bin/python3
if [ -x "$py" ] && "$py" -c 'import kdumpfile' 2>/dev/null; then
	cat >"$work/check-kdump.py" <<'PY'
# check-kdump.py DUMP SOURCE OFFSET...: the 4 KiB page at each physical
# address OFFSET of DUMP equals the page at file offset OFFSET of SOURCE.
import os
import sys

import kdumpfile

k = kdumpfile.kdumpfile(sys.argv[1])
fd = os.open(sys.argv[2], os.O_RDONLY)
bad = [o for o in map(int, sys.argv[3:])
       if bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, o, 4096)) != os.pread(fd, 4096, o)]
if bad:
    sys.exit('pages differ at ' + ' '.join(hex(o) for o in bad[:8]))
PY
else
	py=
fi

human() { awk -v b="$1" 'BEGIN { printf (b >= 1073741824 ? "%.1f GiB" : b >= 1048576 ? "%.1f MiB" : "%.0f KiB"), b / (b >= 1073741824 ? 1073741824 : b >= 1048576 ? 1048576 : 1024) }'; }
now() { date +%s%N; }

echo "kdumpling benchmark: $(nproc) CPUs, $(uname -sr), outputs on $(df -P -T "$work" | awk 'NR == 2 { print $2 }') ($base)"
printf 'cases:'
for c in $all_cases; do wants "$c" && printf ' %s' "$c"; done
echo
if [ "$image_needed" = 1 ]; then
	printf 'image: %s, ' "$(human "$size")"
	"$tool" gen "$size" "$seed" 2>"$work/mix" >"$img"
	cat "$work/mix"
	# Dropping the page cache needs root and disturbs the machine: read
	# the image once instead, so that every run finds it cached.
	cat "$img" >/dev/null
	echo "page cache: warm (the image is read once before timing; caches are not dropped)"
fi
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows what runs beside it)"
if [ "$budget" -gt 0 ]; then
	echo "runs: up to $runs of each command, fewer once one more would take its runs past ${budget} s; median shown"
else
	echo "runs: $runs of each command; median shown"
fi
echo "      outputs deleted and synced before each run; nothing fsyncs, so times are to the page cache"

# ---- running and timing commands ----
# R LABEL CMD...: runs CMD, its peak RSS into $work/rss.LABEL
R() {
	local label=$1
	shift
	"$tool" rss "$work/rss.$label" "$@"
}

# CMD[NAME]: the function and arguments NAME runs (no spaces inside an
# argument); CHECK[NAME]: the same for the check after its first run;
# ONCE[NAME]: set for a command shown for scale only, in no ratio, which
# runs once
declare -A CMD=() CHECK=() ONCE=()

# measure NAME: one run of NAME.  Its wall time in nanoseconds goes to
# $work/w.NAME and, unless the command leaves its own in $work/inner, to
# $work/t.NAME; the size and allocated size of $out to $work/s.NAME; each
# program's peak RSS, largest over the runs, to $work/m.NAME.LABEL.
measure() {
	local name=$1 t0 t1 f label kib
	local -a cmd
	read -ra cmd <<<"${CMD[$name]}"
	rm -f "$out" "$work"/rss.* "$work/inner"
	sync
	t0=$(now)
	if ! "${cmd[@]}"; then
		echo "bench: $name (${CMD[$name]}) failed" >&2
		exit 1
	fi
	t1=$(now)
	echo $((t1 - t0)) >>"$work/w.$name"
	if [ -e "$work/inner" ]; then
		cat "$work/inner" >>"$work/t.$name"
	else
		echo $((t1 - t0)) >>"$work/t.$name"
	fi
	if [ -e "$out" ]; then
		stat -c '%s %b %B' "$out" >"$work/s.$name"
	fi
	for f in "$work"/rss.*; do
		[ -e "$f" ] || continue
		label=${f##*/rss.}
		kib=$(cat "$f")
		if [ ! -e "$work/m.$name.$label" ] || [ "$kib" -gt "$(cat "$work/m.$name.$label")" ]; then
			echo "$kib" >"$work/m.$name.$label"
		fi
	done
}

# fits NAME: one more run as long as NAME's last keeps its runs in the budget
fits() {
	[ "$budget" -eq 0 ] ||
		awk -v b="$budget" '{ s += $1; l = $1 } END { exit !(s + l <= b * 1e9) }' "$work/w.$1"
}

# group NAME...: runs the commands in turn, round after round, each until it
# has run BENCH_RUNS times or its budget is spent; a command's check runs
# after its first run
group() {
	local -a active=("$@") next chk
	local n round=1
	while [ ${#active[@]} -gt 0 ]; do
		next=()
		for n in "${active[@]}"; do
			measure "$n"
			if [ "$round" -eq 1 ] && [ -n "${CHECK[$n]:-}" ]; then
				read -ra chk <<<"${CHECK[$n]}"
				if ! "${chk[@]}"; then
					echo "bench: $n: the dump is wrong (see above)" >&2
					exit 1
				fi
			fi
			# five pairs at least, whatever the budget: one proves nothing
			if [ -z "${ONCE[$n]:-}" ] && [ "$round" -lt "$runs" ] &&
				{ [ "$round" -lt "$min_runs" ] || fits "$n"; }; then
				next+=("$n")
			fi
		done
		active=("${next[@]}")
		round=$((round + 1))
	done
}

median() { sort -n "$work/t.$1" | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1e9 }'; }
nruns() { awk 'END { print NR }' "$work/t.$1"; }
# pair_ratios NAME OTHER: NAME's time over OTHER's in each round both
# ran, one a line: group ran them in turn, so drift on the machine moves
# both sides of a pair
pair_ratios() { paste "$work/t.$1" "$work/t.$2" | awk 'NF == 2 { printf "%.6f\n", $1 / $2 }'; }
# ratio NAME OTHER: the median of NAME's per-round time over OTHER's
ratio() { pair_ratios "$1" "$2" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# speed NAME OTHER: how many times faster NAME ran than OTHER (the median
# of the per-round OTHER / NAME)
speed() { pair_ratios "$1" "$2" | awk '{ print 1 / $1 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# peak NAME: the largest peak RSS in KiB among the programs of NAME
peak() {
	local f k max=0
	for f in "$work/m.$1".*; do
		[ -e "$f" ] || continue
		k=$(cat "$f")
		[ "$k" -gt "$max" ] && max=$k
	done
	echo "$max"
}
rss_of() { [ -e "$work/m.$1.$2" ] && cat "$work/m.$1.$2" || echo 0; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
# file sizes of NAME's output: "SIZE, allocated ALLOCATED"
out_size() { awk '{ print $1 }' "$work/s.$1"; }
out_alloc() { awk '{ print $2 * $3 }' "$work/s.$1"; }

header() { printf '%-46s %2s %9s %9s %11s  %s\n' case n "median s" MB/s "peak RSS" "${1:-}"; }
# row NAME TITLE BYTES [NOTE]: BYTES of memory went through
row() {
	awk -v n="$2" -v r="$(nruns "$1")" -v t="$(median "$1")" -v b="$3" -v k="$(peak "$1")" -v note="${4:-}" 'BEGIN {
		printf "%-46s %2d %9.3f %9.1f %7.1f MiB  %s\n", n, r, t, b / 1e6 / t, k / 1024, note
	}'
}

# per_program NAME...: the peak RSS of each program of each NAME
per_program() {
	local p label line
	echo "  peak RSS per program (largest over the runs):"
	for p; do
		line=
		for label in vmc-seg vmc-note vmc-prstatus vmc-pack; do
			[ -e "$work/m.$p.$label" ] || continue
			line+=${line:+, }"$label $(mib "$(cat "$work/m.$p.$label")")"
		done
		printf '    %-14s%s\n' "$p:" "$line"
	done
}

# target LABEL VALUE SHOWN OP LIMIT [LIMIT_SHOWN]: PASS or MISS (a timing never fails the run)
: >"$work/targets"
target() {
	local res line limit=${6:-$5}
	res=$(awk -v v="$2" -v op="$4" -v l="$5" 'BEGIN {
		print ((op == "<=" ? v <= l : op == ">=" ? v >= l : v < l) ? "PASS" : "MISS") }')
	line=$(printf '%-52s %9s   target %2s %-7s %s' "$1" "$3" "$4" "$limit" "$res")
	echo "  $line"
	echo "$line" >>"$work/targets"
}

section() {
	section_t0=$SECONDS
	echo
	echo "== $1: $2"
}
section_end() { echo "  ($1: $((SECONDS - section_t0)) s)"; }

# spread N FILE_SIZE: N page offsets spread over a file, the last page too
spread() { awk -v n="$1" -v s="$2" 'BEGIN { p = int(s / 4096); for (i = 0; i < n; i++) printf "%d ", int(i * p / n) * 4096; print (p - 1) * 4096 }'; }
# check_pages DUMP SOURCE OFFSET...: libkdumpfile reads the pages back
check_pages() {
	if [ -z "$py" ]; then
		echo "not read back (no libkdumpfile: /usr/bin/python3 with python3-libkdumpfile)"
		return 0
	fi
	local dump=$1 src=$2
	shift 2
	if "$py" "$work/check-kdump.py" "$dump" "$src" "$@" >&2; then
		echo "libkdumpfile read $# pages back: ok"
	else
		echo "libkdumpfile read $# pages back: WRONG"
		return 1
	fi
}

# ---- elf: a file and a pipe, against cat ----
c_elf_file() {
	R vmc-seg "$bin/vmc-seg" --phys 0x100000 "$img" </dev/null |
		R vmc-pack "$bin/vmc-pack" -o "$out"
}
c_cat_file() { R cat cat "$img" >"$out"; }
# shellcheck disable=SC2002 # the bytes must arrive on a pipe
c_elf_pipe() {
	cat "$img" | R vmc-seg "$bin/vmc-seg" --phys 0 - |
		R vmc-pack "$bin/vmc-pack" -o "$out"
}
# shellcheck disable=SC2002
c_cat_pipe() { cat "$img" | R cat cat >"$out"; }
# An ELF dump ends with its segment's bytes: compare them with the source.
check_elf() { # WHAT
	if tail -c "$size" "$out" | cmp -s - "$img"; then
		echo "  check ${1//_/ }: the dump ends with IMG's bytes (cmp): ok"
	else
		echo "  check ${1//_/ }: the dump's data differs from IMG"
		return 1
	fi
}

if wants elf; then
	section elf "IMG packed to ELF from a file and from a pipe, against copying the same bytes"
	if ! room "$size"; then
		echo "  skipped: $(($(free_bytes) >> 20)) MiB free, the output needs $(((size >> 20) + 256)) MiB"
	else
		CMD[elf_file]=c_elf_file CHECK[elf_file]="check_elf file"
		CMD[cat_file]=c_cat_file
		CMD[elf_pipe]=c_elf_pipe CHECK[elf_pipe]="check_elf pipe"
		CMD[cat_pipe]=c_cat_pipe
		group elf_file cat_file elf_pipe cat_pipe
		header "time / reference's"
		row elf_file "vmc-seg IMG | vmc-pack -o OUT" "$size" "$(ratio elf_file cat_file)"
		row cat_file "  reference: cat IMG > OUT" "$size" ref
		row elf_pipe "cat IMG | vmc-seg - | vmc-pack -o OUT" "$size" "$(ratio elf_pipe cat_pipe)"
		row cat_pipe "  reference: cat IMG | cat > OUT" "$size" ref
		r=$(ratio elf_file cat_file)
		target "elf: from a file, time / cat's" "$r" "$r" "<=" 1.1
		r=$(ratio elf_pipe cat_pipe)
		target "elf: from a pipe, time / cat's" "$r" "$r" "<=" 1.2
		per_program elf_file elf_pipe
	fi
	section_end elf
fi

# ---- filters: what vmc-note and vmc-prstatus add to a pipeline ----
# From IMG, a file: a generator slower than the pipeline would hide what
# the filters cost.
fdry=
c_filters_pack() {
	if [ -n "$fdry" ]; then
		R vmc-pack "$bin/vmc-pack" --dry-run >/dev/null
	else
		R vmc-pack "$bin/vmc-pack" -o "$out"
	fi
}
c_filters_base() {
	R vmc-seg "$bin/vmc-seg" --phys 0 "$img" </dev/null | c_filters_pack
}
c_filters_all() {
	R vmc-seg "$bin/vmc-seg" --phys 0 "$img" </dev/null |
		R vmc-note "$bin/vmc-note" --vmcoreinfo "$vmcoreinfo" --annotation bench=1 |
		R vmc-prstatus "$bin/vmc-prstatus" --cpu 0 --pid 1 rip=0xffffffff81001234 rsp=0xffffc90000003e58 |
		c_filters_pack
}
check_filters() {
	if tail -c "$size" "$out" | cmp -s - "$img"; then
		echo "  check: the dump through every program ends with IMG's bytes (cmp): ok"
	else
		echo "  check: the dump through every program differs from IMG's bytes"
		return 1
	fi
}

if wants filters; then
	if room "$size"; then
		how="ELF to a file"
		CHECK[filters_all]=check_filters
	else
		fdry=1
		how="vmc-pack --dry-run for both (a $(human "$size") dump needs $(((size >> 20) + 256)) MiB free, there are $(($(free_bytes) >> 20)))"
	fi
	section filters "IMG through vmc-seg | vmc-pack, then with vmc-note and vmc-prstatus in between; $how"
	CMD[filters_base]=c_filters_base CMD[filters_all]=c_filters_all
	group filters_base filters_all
	header "time / the base's"
	row filters_base "vmc-seg IMG | vmc-pack" "$size" "(the base)"
	row filters_all "vmc-seg IMG | note | prstatus | pack" "$size" "$(ratio filters_all filters_base)"
	pct=$(awk -v r="$(ratio filters_all filters_base)" 'BEGIN { printf "%.1f", (r - 1) / 2 * 100 }')
	target "filters: time each filter adds (of 2), % of the base" "$pct" "${pct}%" "<=" 3
	per_program filters_base filters_all
	section_end filters
fi

# ---- kdump: vmc-pack against the codec's own limit and command-line tool ----
# c_limit KEY CODEC LEVEL: the page loop of bench-codec; its time is the loop's
c_limit() {
	R bench-codec "$codec_tool" "$2" "$3" "$img" >"$work/limit.$1" &&
		awk '{ printf "%.0f\n", $1 * 1e9 }' "$work/limit.$1" >"$work/inner"
}
# c_kdump KEY CODEC LEVEL THREADS (LEVEL - : the codec has none)
c_kdump() {
	local -a level=()
	[ "$3" = - ] || level=(--level "$3")
	R vmc-seg "$bin/vmc-seg" --phys 0 "$img" </dev/null |
		R vmc-pack "$bin/vmc-pack" --format kdump --compress "$2" "${level[@]}" \
			--dump-level 1 --threads "$4" --json -o "$out" >"$work/json.$1"
}
# c_tool TOOL ARG...: the command-line tool on IMG
c_tool() { R "$1" "$@" -c "$img" >"$out"; }
# c_mdf FLAG: makedumpfile FLAG -d 1 on the ELF dump of IMG
c_mdf() { R makedumpfile makedumpfile --message-level 4 "$1" -d 1 "$elf" "$out" >/dev/null; }
elf=$work/image.elf
check_kdump() { # KEY SHOWN
	local stored limit same msg
	stored=$(sed -n 's/.*"compressed_size": \([0-9]*\).*/\1/p' "$work/json.$1")
	limit=$(awk '{ print $2 }' "$work/limit.$1")
	if [ "$stored" = "$limit" ]; then
		same="as many as the limit loop's"
	else
		same="the limit loop's $limit: NOT the same pages (the comparison is not like for like)"
	fi
	# shellcheck disable=SC2046 # offsets, one word each
	if msg=$(check_pages "$out" "$img" $(spread 64 "$size")); then
		echo "  check $2: $stored bytes of pages, $same; $msg"
	else
		echo "  check $2: $msg"
		return 1
	fi
}

# codec level shown-name library tools (a tool: its words joined by ':')
kdump_specs=("zlib 6 zlib-6 libdeflate gzip:-6" "zlib 1 zlib-1 libdeflate gzip:-1"
	"lzo - lzo liblzo2 lzop:-1" "snappy - snappy libsnappy"
	"zstd 1 zstd-1 libzstd zstd:-q:-1:-T1 zstd:-q:-1:-T2")
# the makedumpfile each is measured against, and the targets: at most
# LIMIT1 of its time with --threads 1, LIMIT2 with --threads 2 (- none);
# makedumpfile -c is zlib at level 1, and it has no snappy here: its lzo
# is the reference for both fast codecs
declare -A MDF=([zlib1]="-c - 0.45" [lzo]="-l 0.9 0.6" [snappy]="-l 0.9 0.6")
declare -A TOOLS=()
if wants kdump; then
	section kdump "IMG packed to the kdump-compressed format (dump level 1: zero pages left out), against the codec library's own limit"
	if ! room "$((2 * size + size / 8))"; then
		echo "  skipped: $(($(free_bytes) >> 20)) MiB free, the outputs and IMG's ELF dump need $(((2 * size + size / 8 + (256 << 20)) >> 20)) MiB"
	else
		echo "  limit: bench-codec compresses each page of IMG alone with the calls vmc-pack makes, on one thread,"
		echo "  zero pages skipped, and times that loop only (IMG is read outside it).  vmc-pack: vmc-seg --phys 0 IMG"
		echo "  | vmc-pack --format kdump --compress C [--level N] --dump-level 1 --threads T -o OUT."
		echo "  MB/s: IMG's bytes, zero pages included.  The command-line tools compress IMG as one stream:"
		echo "  their sizes are for scale, not like for like, and they run once."
		if command -v makedumpfile >/dev/null; then
			# a CPU gives the ELF dump the PT_NOTE makedumpfile needs
			"$bin/vmc-seg" --phys 0 "$img" </dev/null |
				"$bin/vmc-prstatus" --cpu 0 --pid 1 rip=0xffffffff81000000 |
				"$bin/vmc-pack" -o "$elf"
			cat "$elf" >/dev/null
			echo "  makedumpfile: makedumpfile --message-level 4 FLAG -d 1 IMG.elf OUT, IMG.elf (vmc-pack's ELF dump of IMG, one CPU)"
			echo "  written once before timing and read once, so that every run finds it cached."
		else
			echo "  note: makedumpfile is not installed (Debian package makedumpfile): no reference runs"
			MDF=()
		fi
		for spec in "${kdump_specs[@]}"; do
			read -r codec level shown lib tools <<<"$spec"
			key=${shown//-/}
			CMD[lim_$key]="c_limit $key $codec ${level/-/0}"
			CMD[t1_$key]="c_kdump $key $codec $level 1" CHECK[t1_$key]="check_kdump $key $shown"
			CMD[t2_$key]="c_kdump $key $codec $level 2"
			names=("lim_$key" "t1_$key" "t2_$key")
			if [ -n "${MDF[$key]:-}" ]; then
				CMD[mdf_$key]="c_mdf ${MDF[$key]%% *}"
				names+=("mdf_$key")
			fi
			for t in $tools; do
				prog=${t%%:*}
				if command -v "$prog" >/dev/null; then
					name=cli_${t//[:-]/}
					CMD[$name]="c_tool ${t//:/ }" ONCE[$name]=1
					names+=("$name")
					TOOLS[$key]+=" $name"
				else
					echo "  note: $prog is not installed (Debian package $prog): '${t//:/ }' skipped"
				fi
			done
			group "${names[@]}"
		done
		echo
		header "size; speed"
		for spec in "${kdump_specs[@]}"; do
			read -r codec level shown lib tools <<<"$spec"
			key=${shown//-/}
			row "lim_$key" "$(printf '%-7s limit: %s page loop' "$shown" "$lib")" "$size" \
				"$(human "$(awk '{ print $2 }' "$work/limit.$key")") of pages"
			row "t1_$key" "        vmc-pack --threads 1" "$size" \
				"$(human "$(out_size "t1_$key")"); $(speed "t1_$key" "lim_$key") x limit"
			row "t2_$key" "        vmc-pack --threads 2" "$size" \
				"$(human "$(out_size "t2_$key")"); $(speed "t2_$key" "t1_$key") x t1"
			if [ -n "${MDF[$key]:-}" ]; then
				row "mdf_$key" "        makedumpfile ${MDF[$key]%% *} -d 1" "$size" \
					"$(human "$(out_size "mdf_$key")"); vmc-pack t1 $(ratio "t1_$key" "mdf_$key") x, t2 $(ratio "t2_$key" "mdf_$key") x its time"
			fi
			for name in ${TOOLS[$key]:-}; do
				title=${CMD[$name]#c_tool }
				row "$name" "        ${title/-q /}" "$size" "$(human "$(out_size "$name")")"
			done
		done
		echo
		for spec in "${kdump_specs[@]}"; do
			read -r codec level shown lib tools <<<"$spec"
			key=${shown//-/}
			r=$(speed "t1_$key" "lim_$key")
			target "kdump $shown: --threads 1 speed / limit's" "$r" "$r" ">=" 0.85
			r=$(speed "t2_$key" "t1_$key")
			target "kdump $shown: --threads 2 speed / --threads 1's" "$r" "$r" ">=" 1.6
			[ -n "${MDF[$key]:-}" ] || continue
			read -r flag limit1 limit2 <<<"${MDF[$key]}"
			if [ "$limit1" != - ]; then
				r=$(ratio "t1_$key" "mdf_$key")
				target "kdump $shown: --threads 1 time / makedumpfile $flag's" "$r" "$r" "<=" "$limit1"
			fi
			r=$(ratio "t2_$key" "mdf_$key")
			target "kdump $shown: --threads 2 time / makedumpfile $flag's" "$r" "$r" "<=" "$limit2"
		done
		echo "  peak RSS per program (largest over the runs):"
		for spec in "${kdump_specs[@]}"; do
			read -r codec level shown lib tools <<<"$spec"
			key=${shown//-/}
			printf '    %-8s vmc-seg %s, vmc-pack --threads 1 %s, --threads 2 %s\n' "$shown:" \
				"$(mib "$(rss_of "t2_$key" vmc-seg)")" "$(mib "$(rss_of "t1_$key" vmc-pack)")" \
				"$(mib "$(rss_of "t2_$key" vmc-pack)")"
		done
	fi
	section_end kdump
fi

# ---- holes: a sparse file against a dense one with the same data ----
hsize=$((16 * size))
sparse=$work/sparse
# IMG in 4 pieces: at the start, at 5/16 and 10/16 of the file, and at its end
# shellcheck disable=SC2017 # whole pages
hpiece=$((size / page / 4 * page))
hlen=("$hpiece" "$hpiece" "$hpiece" $((size - 3 * hpiece)))
himg=(0 "$hpiece" $((2 * hpiece)) $((3 * hpiece)))
hoff=(0 $((hsize * 5 / 16 / page * page)) $((hsize * 10 / 16 / page * page)) $((hsize - size + 3 * hpiece)))
# c_holes elf|kdump sparse|dense
c_holes() {
	local src=$img
	local -a format=()
	[ "$2" = sparse ] && src=$sparse
	[ "$1" = kdump ] && format=(--format kdump --compress zlib --dump-level 1)
	R vmc-seg "$bin/vmc-seg" --phys 0 "$src" </dev/null |
		R vmc-pack "$bin/vmc-pack" "${format[@]}" -o "$out"
}
check_holes_elf() {
	local data i
	data=$(($(stat -c %s "$out") - hsize))
	for i in 0 1 2 3; do
		if ! cmp -s -i "$((data + hoff[i])):${himg[i]}" -n "${hlen[i]}" "$out" "$img"; then
			echo "  check sparse ELF: piece $i differs from IMG's bytes"
			return 1
		fi
	done
	if ! cmp -s -i "$((data + hlen[0])):0" -n "$MiB" "$out" /dev/zero; then
		echo "  check sparse ELF: a hole does not read as zeros"
		return 1
	fi
	echo "  check sparse ELF: the 4 pieces hold IMG's bytes, a hole reads as zeros (cmp): ok"
}
check_holes_kdump() { # sparse|dense
	local msg src=$img
	local -a offs
	if [ "$1" = sparse ]; then
		src=$sparse
		for i in 0 1 2 3; do
			offs+=("${hoff[i]}" $((hoff[i] + hlen[i] - page)))
			[ "$i" = 3 ] || offs+=($((hoff[i] + hlen[i])) $(((hoff[i] + hlen[i] + hoff[i + 1]) / 2 / page * page)))
		done
	else
		read -ra offs <<<"$(spread 64 "$size")"
	fi
	if msg=$(check_pages "$out" "$src" "${offs[@]}"); then
		echo "  check $1 kdump: $msg"
	else
		echo "  check $1 kdump: $msg"
		return 1
	fi
}

if wants holes; then
	section holes "SPARSE, a $(human "$hsize") sparse file holding IMG in 4 pieces, against IMG itself (the same $(human "$size") of data)"
	# the ELF dump of SPARSE may have no holes: room for all of it
	if ! room $((size + hsize + size)); then
		echo "  skipped: $(($(free_bytes) >> 20)) MiB free, needs $(((size + hsize + size + (256 << 20)) >> 20)) MiB (SPARSE's data, its ELF dump written out whole)"
	else
		truncate -s "$hsize" "$sparse"
		for i in 0 1 2 3; do
			dd if="$img" of="$sparse" bs=1M iflag=skip_bytes,count_bytes oflag=seek_bytes \
				skip="${himg[i]}" seek="${hoff[i]}" count="${hlen[i]}" conv=notrunc status=none
		done
		echo "  SPARSE: $(human "$(stat -c %s "$sparse")"), $(human "$(du --block-size=1 "$sparse" | cut -f1)") allocated (du);" \
			"IMG's quarters at its start, at 5/16 and 10/16 of it and at its end"
		echo "  commands: vmc-seg --phys 0 SPARSE|IMG </dev/null | vmc-pack [--format kdump --compress zlib --dump-level 1] -o OUT"
		CMD[h_elf_sparse]="c_holes elf sparse" CHECK[h_elf_sparse]=check_holes_elf
		CMD[h_elf_dense]="c_holes elf dense" CHECK[h_elf_dense]="check_elf dense_ELF"
		CMD[h_kd_sparse]="c_holes kdump sparse" CHECK[h_kd_sparse]="check_holes_kdump sparse"
		CMD[h_kd_dense]="c_holes kdump dense" CHECK[h_kd_dense]="check_holes_kdump dense"
		group h_elf_sparse h_elf_dense h_kd_sparse h_kd_dense
		header "output: size, allocated"
		for name in h_elf_sparse h_elf_dense h_kd_sparse h_kd_dense; do
			case $name in
			h_elf*) title="ELF" ;;
			*) title="kdump zlib" ;;
			esac
			bytes=$size
			case $name in
			*sparse) title+=" SPARSE" bytes=$hsize ;;
			*) title+=" IMG (dense)" ;;
			esac
			row "$name" "$title" "$bytes" "$(human "$(out_size "$name")"), $(human "$(out_alloc "$name")")"
		done
		echo "  time SPARSE / IMG for the same data: ELF $(ratio h_elf_sparse h_elf_dense)x, kdump $(ratio h_kd_sparse h_kd_dense)x" \
			"(1.00: holes cost nothing); MB/s counts SPARSE's $(human "$hsize")"
		per_program h_elf_sparse h_elf_dense h_kd_sparse h_kd_dense
		rm -f "$sparse"
	fi
	section_end holes
fi

# ---- rss: peak RSS by memory size ----
# One run's peak RSS varies by 100 to 200 KiB, 0.1 byte a page from 1 to
# 8 GiB, the target: the sizes start at 1 GiB at least, and each program's
# peak at a size is the lesser of two runs for the growth, since noise
# only adds.
rsize=$((size > 1 << 30 ? size : 1 << 30))
# least FMT N LABEL: LABEL's peak RSS at N x RSIZE, the lesser of the runs
least() {
	local a b
	a=$(rss_of "rss_$1_$2_a" "$3") b=$(rss_of "rss_$1_$2_b" "$3")
	echo $((a < b ? a : b))
}
# c_rss elf|kdump N: N times RSIZE of memory-like data through every
# program; the ELF dump is not written (its writer's RSS with a file is in
# filters and holes), the kdump one is (--dry-run would skip its page work)
c_rss() {
	local bytes=$(($2 * rsize))
	local -a pack=(--dry-run)
	case $1 in
	kdump) pack=(--format kdump --compress lzo -o "$out") ;;
	kdump0) pack=(--format kdump --compress lzo --dump-level 0 -o "$out") ;;
	esac
	"$tool" gen "$bytes" "$seed" 2>/dev/null | R vmc-seg "$bin/vmc-seg" --phys 0 - |
		R vmc-note "$bin/vmc-note" --vmcoreinfo "$vmcoreinfo" --annotation bench=1 |
		R vmc-prstatus "$bin/vmc-prstatus" --cpu 0 --pid 1 rip=0xffffffff81001234 rsp=0xffffc90000003e58 |
		R vmc-pack "$bin/vmc-pack" "${pack[@]}" >/dev/null
}

if wants rss; then
	section rss "peak RSS of each program at 1, 2, 4 and 8 x $(human "$rsize") of memory (IMG's size, 1 GiB at least); the lesser of two runs"
	echo "  GEN (memory-like, as IMG) | vmc-seg --phys 0 - | vmc-note ... | vmc-prstatus ... | vmc-pack, ELF --dry-run"
	echo "  (no dump written: the ELF writer's RSS is in filters and holes), kdump (lzo, dump level 1, and 0 as kdump0)"
	echo "  to a file"
	if ! room "$((6 * rsize))"; then
		echo "  skipped: $(($(free_bytes) >> 20)) MiB free, the kdump dumps need $(((6 * rsize + (256 << 20)) >> 20)) MiB"
	else
		printf '  %-10s %-7s %10s %10s %13s %10s %8s\n' memory format vmc-seg vmc-note vmc-prstatus vmc-pack "time s"
		for fmt in elf kdump kdump0; do
			for n in 1 2 4 8; do
				for run in a b; do
					CMD[rss_${fmt}_${n}_$run]="c_rss $fmt $n"
					measure "rss_${fmt}_${n}_$run"
				done
				printf '  %-10s %-7s %10s %10s %13s %10s %8.2f\n' "$(human $((n * rsize)))" "$fmt" \
					"$(mib "$(least "$fmt" "$n" vmc-seg)")" "$(mib "$(least "$fmt" "$n" vmc-note)")" \
					"$(mib "$(least "$fmt" "$n" vmc-prstatus)")" "$(mib "$(least "$fmt" "$n" vmc-pack)")" \
					"$(median "rss_${fmt}_${n}_a")"
			done
		done
		pages=$((7 * rsize / page))
		for fmt in elf kdump kdump0; do
			line=
			for label in vmc-seg vmc-note vmc-prstatus vmc-pack; do
				line+=${line:+, }$(awk -v a="$(least "$fmt" 1 "$label")" -v b="$(least "$fmt" 8 "$label")" \
					-v p="$pages" -v l="$label" 'BEGIN { printf "%s %.1f", l, (b - a) * 1024 / p }')
			done
			echo "  growth from 1 to 8 x, bytes per 4 KiB page, $fmt: $line"
		done
		for fmt in elf kdump kdump0; do
			# the largest, unlike the growth: a limit holds for every run
			k=$(peak "rss_${fmt}_8_a") k2=$(peak "rss_${fmt}_8_b")
			k=$((k > k2 ? k : k2))
			target "rss: largest peak RSS at $(human $((8 * rsize))), $fmt" "$k" "$(mib "$k")" "<" 65536 "64 MiB"
			g=$(awk -v a="$(least "$fmt" 1 vmc-pack)" -v b="$(least "$fmt" 8 vmc-pack)" \
				-v p="$pages" 'BEGIN { printf "%.2f", (b - a) * 1024 / p }')
			target "rss: vmc-pack's growth per page, 1 to 8 x, $fmt" "$g" "$g B" "<" 0.1 "0.1 B"
		done
	fi
	section_end rss
fi

# ---- summary ----
echo
echo "== targets (timings are not tests: a MISS never fails the run)"
if [ -s "$work/targets" ]; then
	sed 's/^/  /' "$work/targets"
	awk '{ n[$NF]++ } END { printf "  %d PASS, %d MISS\n", n["PASS"], n["MISS"] }' "$work/targets"
else
	echo "  none measured"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "elapsed: $((SECONDS / 60)) min $((SECONDS % 60)) s (BENCH_GB=$gb BENCH_RUNS=$runs BENCH_BUDGET=$budget)"
