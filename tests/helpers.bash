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
