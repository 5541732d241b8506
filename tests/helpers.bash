# Loaded by every bats file: the programs under test on PATH, the
# assertion libraries, and the readers' own python.
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

TESTS=$(cd "$(dirname "${BATS_TEST_FILENAME}")" && pwd)
KDL_BUILD=${KDL_BUILD:-$TESTS/../build}
PATH=$KDL_BUILD:$PATH
# python3-libkdumpfile and python3-drgn load only in Debian's python
SYSPY=/usr/bin/python3
export TESTS KDL_BUILD PATH SYSPY

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# ---- dumps described by tests/specs, judged by the readers ----
# tests/readers/check.py builds each dump and knows what every reader must
# show of it.

CHECK=$TESTS/readers/check.py

# A fact check.py derives from a spec: arch, format, osrelease, crash-cpus,
# cpus, xnum, pack-args, pages, gdb-args
spec_fact() { # SPEC WHAT [DUMP]
	"$SYSPY" "$CHECK" expect "$TESTS/specs/$1" "${@:2}"
}

# Runs SPEC's pipeline (or with --reverse: its filters in the opposite
# order; --python: check.py's own stream); DUMP names the result.
build_spec() { # SPEC [--reverse | --python]
	local dir=$BATS_TEST_TMPDIR/${1%.spec}${2:-}
	run "$SYSPY" "$CHECK" build "$TESTS/specs/$1" "$dir" "${@:2}"
	assert_success
	DUMP=$dir/vmcore
}

# The last command's output, from READER, shows everything SPEC put in.
reader_shows() { # SPEC READER
	run "$SYSPY" "$CHECK" match "$TESTS/specs/$1" "$2" <<<"$output"
	assert_success
}

# Debian's crash reads dumps of its own architecture only: of the others
# it prints "unknown" (check.py knows the exceptions).
crash_reads() { # SPEC
	local release cpus
	release=$(spec_fact "$1" osrelease)
	cpus=$(spec_fact "$1" crash-cpus)
	run crash --osrelease "$DUMP"
	if [ "$release" != unknown ]; then
		assert_success
		assert_output "$release"
	else
		assert_failure 1
		assert_line --index -1 unknown
		# after warnings: a kdump-compressed file of another machine, or
		# without CPUs
		[ "${#lines[@]}" -eq 1 ] || assert_line --index 0 --regexp '^WARNING: '
	fi
	[ -n "$cpus" ] || return 0
	# its debug output has a line per segment: a million for PN_XNUM, too
	# many for bats to search
	run bash -c 'crash -d 1 --osrelease "$1" | grep -E "^ +num_prstatus_notes: "' _ "$DUMP"
	assert_output --regexp "^ +num_prstatus_notes: $cpus\$"
}

# Builds SPEC's dump and has every reader read it back: check.py (the
# layout, libkdumpfile, drgn), crash, and for ELF eu-readelf, binutils
# readelf and gdb, which read no other format.
check_spec() { # SPEC
	local xnum gdb_args
	build_spec "$1"
	run "$SYSPY" "$CHECK" check "$TESTS/specs/$1" "$DUMP"
	assert_success
	crash_reads "$1"
	[ "$(spec_fact "$1" format)" = elf ] || return 0
	run eu-readelf -h -l "$DUMP"
	assert_success
	reader_shows "$1" eu-readelf-l
	xnum=$(spec_fact "$1" xnum)
	# eu-readelf shows no notes once there are section headers (PN_XNUM)
	if [ "$xnum" = no ]; then
		run eu-readelf -n "$DUMP"
		assert_success
		reader_shows "$1" eu-readelf-n
	fi
	run readelf -n "$DUMP"
	assert_success
	reader_shows "$1" readelf-n
	gdb_args=$(spec_fact "$1" gdb-args "$DUMP")
	mapfile -t gdb_args <<<"$gdb_args"
	run gdb-multiarch "${gdb_args[@]}"
	assert_success
	reader_shows "$1" gdb
}

# The filters in the opposite order, and a stream that check.py writes
# itself, give the same file byte for byte.
check_same_file() { # SPEC
	local first
	build_spec "$1"
	first=$DUMP
	build_spec "$1" --reverse
	run cmp "$first" "$DUMP"
	assert_success
	build_spec "$1" --python
	run cmp "$first" "$DUMP"
	assert_success
}

# makedumpfile converts SPEC's dump to kdump-compressed, keeping every CPU
# and every byte (libkdumpfile reads them back).
check_makedumpfile() { # SPEC
	local cpus
	cpus=$(spec_fact "$1" cpus)
	build_spec "$1"
	run makedumpfile -d 0 -c --message-level 1 "$DUMP" "$DUMP.kdump"
	assert_success
	run "$SYSPY" "$CHECK" memory "$TESTS/specs/$1" "$DUMP.kdump"
	assert_success
	run crash -d 1 --osrelease "$DUMP.kdump"
	assert_line --regexp "^ +nr_cpus: $cpus\$"
	assert_line --regexp "^ +num_prstatus_notes: $cpus\$"
}

# Writes the stream the Python on stdin describes to $1: it calls
# stream(record, ...) with records from rec(TYPE, PAYLOAD[, FLAGS]) (flags
# default critical) and u64(...), and may give the end record's count.
pystream() { # FILE
	local body
	body=$(cat)
	"$SYSPY" -c 'import struct, sys
def u64(*v): return struct.pack("<%dQ" % len(v), *v)
def rec(t, p=b"", flags=1): return struct.pack("<IIQ", t, flags, len(p)) + p
def stream(*recs, count=None):
    head = b"\x89VMC\r\n\x1a\n" + struct.pack("<II", 1, 0)
    end = rec(1, u64(len(recs) if count is None else count))
    sys.stdout.buffer.write(head + b"".join(recs) + end)
'"$body" >"$1"
}

# ./stream: VMCOREINFO, a CPU and 256 KiB of memory (more than the 64 KiB
# file system of the out-of-space test)
make_stream() {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n' >vmcoreinfo
	head -c 262144 /dev/zero | tr '\0' Z >mem
	vmc-note --vmcoreinfo vmcoreinfo </dev/null |
		vmc-seg --phys 0x100000 mem |
		vmc-prstatus --cpu 0 --pid 1 rip=0xffffffff81001234 >stream
	mkdir -p out
}

# vmc-pack reading the first N bytes of ./stream fails, says where the
# stream ends, and leaves nothing in out/.
packs_truncated() { # N WHERE [VMC-PACK OPTION]...
	run bash -c "head -c $1 stream | vmc-pack -o out/vmcore ${*:3}"
	assert_failure 1
	assert_output "vmc-pack: stdin: truncated stream: it ends $2 (did a program before this one fail?)"
	run ls -A out
	assert_output ''
}

# ---- faults, injected by strace ----

# How many calls of SYSCALL CMD makes before the first line of its trace
# that holds TEXT: those of the dynamic loader, which an injection must
# count past ('"FILE"' for the call that opens FILE, 'read(0,' for the
# first read of stdin; '': all of them).
calls_before() { # SYSCALL TEXT CMD... (stdin: ./stream, if there is one)
	local in=/dev/null
	[ -f stream ] && in=stream
	strace -f -qq -o "$BATS_TEST_TMPDIR/calls.log" -e trace=openat,"$1" "${@:3}" >/dev/null 2>&1 <"$in"
	awk -v t="$2" -v s="$1(" 't != "" && index($0, t) {exit} index($0, s) {n++}
		END {print n + 0}' "$BATS_TEST_TMPDIR/calls.log"
}

# CMD with the Nth call of each of SYSCALLS (comma-separated, counted
# each on its own) failing with ERRNO.
inject() { # SYSCALLS ERRNO N CMD...
	strace -f -qq -o /dev/null -e trace="$1" -e inject="$1":error="$2":when="$3" "${@:4}"
}

# The system calls the programs write their output with; vmc-pack's
# dump files, which it never write(2)s, as its messages are.
WRITES=write,copy_file_range,splice
DUMP_WRITES=pwrite64,copy_file_range,splice

# PROG ARG..., its Nth write of stdout failing with ENOSPC: status 1 and
# the one line "PROG: [FROM to ]stdout: No space left on device".
fails_on_full_stdout() { # N PROG ARG...
	run --separate-stderr inject "$WRITES" ENOSPC "$1" "${@:2}"
	assert_failure 1
	[[ "$stderr" =~ ^$2:\ ([^:]*\ to\ )?stdout:\ No\ space\ left\ on\ device$ ]] ||
		fail "stderr: $stderr"
}

# ./stream (make_stream) cut short anywhere and given to the filter PROG
# ARG..., which passes it to vmc-pack: both say the stream is truncated,
# both fail, and no dump appears.
fails_on_truncated_upstream() { # PROG ARG...
	local n
	make_stream
	for n in 10 100 2000 $(($(stat -c %s stream) - 1)); do
		run bash -c 'head -c "$1" stream | "${@:2}" | vmc-pack --allow-empty -o out/vmcore' _ "$n" "$@"
		assert_failure 1
		assert_line --index 0 --partial "$1: stdin: truncated stream"
		assert_line --index 1 --partial "vmc-pack: stdin: truncated stream"
		run ls -A out
		assert_output ''
	done
}

# ./bigstream: ./stream (make_stream) and 3 MiB more, more than a pipe
# holds.
make_big_stream() {
	make_stream
	head -c 3M /dev/urandom >big
	vmc-seg --phys 0x1000000 big <stream >bigstream
}

# PROG ARG... writing to a pipe closed early: killed by SIGPIPE, quietly,
# as cat is.
dies_quietly_of_sigpipe() { # PROG ARG...
	run bash -c '"$@" 2>sigpipe.err | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$@"
	assert_output 141
	run cat sigpipe.err
	assert_output ''
}

# CMD with its address space bounded (256 MiB), so that an allocation
# sized by the input fails it; under AddressSanitizer, which maps
# terabytes of shadow memory, by ASan's own limits on one allocation and
# on the RSS.
limited() { # CMD...
	if ldd "$(command -v "$1")" 2>/dev/null | grep -q libasan; then
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=256:hard_rss_limit_mb=256 "$@"
	else
		(ulimit -v 262144 && exec "$@")
	fi
}
