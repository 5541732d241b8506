#!/usr/bin/env bash
# Proves that two builds write the same dumps: every spec of tests/specs
# (as its own pipeline, or as check.py's stream for "writer python"
# specs) and the built-in example, packed by the programs of BUILD_A and
# of BUILD_B, must give identical files.  For changes that must not move
# a byte: a refactoring, a faster path.
#
# usage: tests/same-output.sh BUILD_A BUILD_B
# Prints one line per dump and a count; exit 1 if any differs.
set -u
cd "$(dirname "$0")/.." || exit 1
if [ $# -ne 2 ] || [ ! -x "$1/vmc-pack" ] || [ ! -x "$2/vmc-pack" ]; then
	echo "usage: $0 BUILD_A BUILD_B (directories holding the vmc- programs)" >&2
	exit 2
fi
a=$(cd "$1" && pwd)
b=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# kdump-compressed headers without CRASHTIME take this time
export SOURCE_DATE_EPOCH=1700000000 LC_ALL=C
same=0
differ=0

# compare NAME FILE_A FILE_B
compare() {
	if cmp -s "$2" "$3"; then
		same=$((same + 1))
		echo "same    $1 ($(stat -c %s "$2") bytes)"
	else
		differ=$((differ + 1))
		echo "DIFFERS $1: $(cmp "$2" "$3" 2>&1 | head -n 1)"
	fi
}

for spec in tests/specs/*.spec; do
	name=$(basename "$spec" .spec)
	for side in a b; do
		bin=$a
		[ $side = b ] && bin=$b
		if ! PATH=$bin:$PATH /usr/bin/python3 tests/readers/check.py build \
			"$spec" "$work/$side/$name" >"$work/$side.$name.log" 2>&1; then
			echo "FAILED  $name with $bin:" >&2
			sed 's/^/  /' "$work/$side.$name.log" >&2
			differ=$((differ + 1))
			continue 2
		fi
	done
	compare "$name" "$work/a/$name/vmcore" "$work/b/$name/vmcore"
done

for side in a b; do
	bin=$a
	[ $side = b ] && bin=$b
	KDL_EXAMPLE_OUT=$work/example-$side tests/example.sh "$bin" >/dev/null
done
compare example "$work/example-a/vmcore" "$work/example-b/vmcore"

echo "$same same, $differ differ"
[ "$differ" -eq 0 ]
