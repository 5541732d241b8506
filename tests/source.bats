load helpers

# The rules the source tree keeps, checked on the tree and on the objects
# of the build under test.

ROOT=$TESTS/..

# Which lib file each library file calls into, from the symbols its object
# defines and uses: "FROM TO" lines, FROM and TO as DIR/FILE.
calls() {
	"$SYSPY" - "$KDL_BUILD/lib" <<'PY'
import glob, os, subprocess, sys

root = sys.argv[1]
defined, used = {}, {}
for obj in sorted(glob.glob(root + '/*/*.o')):
    name = os.path.relpath(obj, root)[:-2]
    used[name] = set()
    nm = subprocess.run(['nm', obj], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == 'U':
            used[name].add(parts[1])
        elif len(parts) == 3 and parts[1] in 'TDRBC':
            defined[parts[2]] = name
if not used:
    sys.exit('no objects under ' + root)
for name in sorted(used):
    for to in sorted({defined[s] for s in used[name] if s in defined} - {name}):
        print(name, to)
PY
}

# Cycles in a graph of "FROM TO" lines on stdin: one line per cycle.
cycles() {
	"$SYSPY" -c '
import sys
edges = {}
for line in sys.stdin:
    a, b = line.split()
    edges.setdefault(a, set()).add(b)
    edges.setdefault(b, set())
sys.setrecursionlimit(10000)
index, low, stack, on, found = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        scc = []
        while True:
            w = stack.pop()
            on.discard(w)
            scc.append(w)
            if w == v:
                break
        if len(scc) > 1:
            found.append(" ".join(sorted(scc)))
for v in sorted(edges):
    if v not in index:
        visit(v)
print("\n".join(found))'
}

@test "no lib file calls into a file that calls back into it" {
	calls >graph
	[ -s graph ]
	run cycles <graph
	assert_success
	assert_output ''
}

@test "gcc -fanalyzer finds nothing in the library or the programs" {
	# a file a job, a job per CPU
	run bash -c 'printf "%s\n" "$1"/lib/*/*.c "$1"/cmd/*.c |
		xargs -P "$(nproc)" -I{} gcc -fanalyzer -D_GNU_SOURCE -I"$1/lib" -O0 -c -o /dev/null {} 2>&1' _ "$ROOT"
	assert_success
	assert_output ''
}

@test "the layers of lib call downwards only" {
	calls | awk '{ split($1, a, "/"); split($2, b, "/"); if (a[1] != b[1]) print a[1], b[1] }' |
		sort -u >layers
	[ -s layers ]
	run cycles <layers
	assert_success
	assert_output ''
	# base, the bottom, calls nothing above it
	run grep '^base ' layers
	assert_failure
}

@test "each record is encoded and decoded in one file: stream/record.c, or frame.c for the framing" {
	run grep -rlE '\bkdl_(writer_(begin|record|data|end)|reader_payload)\(' "$ROOT/lib" "$ROOT/cmd" --include='*.c'
	assert_success
	assert_output "$(printf '%s\n' "$ROOT/lib/stream/frame.c" "$ROOT/lib/stream/record.c" | sort)"
}

@test "the library reads no environment and prints nothing" {
	run grep -rnE '\b(getenv|secure_getenv|printf|fprintf|puts|fputs|perror|exit)\(' "$ROOT/lib" --include='*.c'
	assert_failure
	assert_output ''
}

@test "no program's main is over 60 lines" {
	for f in "$ROOT"/cmd/vmc-*.c; do
		run awk '/^int main\(/ { start = NR } start && /^}/ { print NR - start + 1; exit }' "$f"
		assert_success
		[ -n "$output" ] && [ "$output" -le 60 ] || fail "$f: main is $output lines"
	done
}

@test "every library module has a unit test file, and every unit test file a module" {
	run bash -c 'cd "$1" && comm -3 <(cd lib && ls */*.c | sort) <(cd tests/unit && ls */*.c | sort)' _ "$ROOT"
	assert_success
	assert_output ''
}

@test "every variant is a file of its own, listed in its table: architectures, codecs, formats, inputs" {
	local count=0
	for kind in arch codec format input; do
		for f in "$ROOT/lib/$kind"/*.c; do
			# the table itself, and what serves every variant
			grep -q "^const struct kdl_registry kdl_" "$f" && continue
			run grep -oE "^const struct kdl_(arch|codec|format_ops|input_ops) kdl_${kind}_[a-z0-9_]+ =" "$f"
			[ "${#lines[@]}" -le 1 ] || fail "$f: ${#lines[@]} variants, not one"
			[ "${#lines[@]}" -eq 1 ] || continue
			name=$(sed -E 's/.* (kdl_[a-z0-9_]+) =$/\1/' <<<"$output")
			run grep -c "&$name\.info," "$ROOT/lib/$kind/$kind.c"
			assert_output 1
			count=$((count + 1))
		done
	done
	# 6 architectures, 5 codecs, 2 output and 5 input formats
	[ "$count" -eq 18 ]
}

@test "cppcheck finds nothing in the library, the programs or the fuzz targets" {
	# noreturn spelled so that cppcheck, which reads no system header,
	# knows that the programs' failures do not return
	run cppcheck --quiet --enable=warning,portability --std=c11 -D_GNU_SOURCE \
		'-Dnoreturn=__attribute__((noreturn))' -I"$ROOT/lib" --error-exitcode=1 \
		"$ROOT/lib" "$ROOT/cmd" "$ROOT/tests/fuzz"
	assert_success
	assert_output ''
}
