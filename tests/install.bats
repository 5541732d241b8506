load helpers
bats_require_minimum_version 1.5.0

# make install and uninstall, for packagers and for C users of the
# library: the files and their modes, a program built with pkg-config
# against the shared library and against the static one.

ROOT=$(cd "$TESTS/.." && pwd)
VERSION=$(sed -n 's/^#define KDL_VERSION "\(.*\)"/\1/p' "$ROOT/lib/kdumpling.h")

install_to() { # PREFIX [MAKE VARIABLE]...
	make -s -C "$ROOT" B="$KDL_BUILD" install PREFIX="$1" "${@:2}" >/dev/null
}

# the README's builder example, built against PREFIX: its link flags
# from pkg-config (--static ones with -static)
build_example() { # PREFIX [-static]
	local pc=$1/lib/pkgconfig flags
	sed -n '/<!-- example: builder -->/,/^```$/p' "$ROOT/README.md" | sed '1,2d;$d' >example.c
	if [ "${2:-}" = -static ]; then
		flags=$(PKG_CONFIG_PATH=$pc pkg-config --static --libs kdumpling | sed "s|-lkdumpling|$1/lib/libkdumpling.a|")
	else
		flags=$(PKG_CONFIG_PATH=$pc pkg-config --libs kdumpling)
	fi
	cc -o example example.c $(PKG_CONFIG_PATH=$pc pkg-config --cflags kdumpling) $flags
}

@test "make install: programs, both libraries, the header, kdumpling.pc, manuals and completions, each with its mode; LIBDIR from the environment" {
	install_to "$PWD/p"
	run bash -c 'cd p && find . -type f -o -type l | sort | xargs stat -c "%n %A"'
	assert_output "./bin/vmc-cat -rwxr-xr-x
./bin/vmc-note -rwxr-xr-x
./bin/vmc-pack -rwxr-xr-x
./bin/vmc-prstatus -rwxr-xr-x
./bin/vmc-seg -rwxr-xr-x
./bin/vmc-unpack -rwxr-xr-x
./include/kdumpling.h -rw-r--r--
./lib/libkdumpling.a -rw-r--r--
./lib/libkdumpling.so lrwxrwxrwx
./lib/libkdumpling.so.0 lrwxrwxrwx
./lib/libkdumpling.so.$VERSION -rwxr-xr-x
./lib/pkgconfig/kdumpling.pc -rw-r--r--
./share/bash-completion/completions/vmc-cat -rw-r--r--
./share/bash-completion/completions/vmc-note -rw-r--r--
./share/bash-completion/completions/vmc-pack -rw-r--r--
./share/bash-completion/completions/vmc-prstatus -rw-r--r--
./share/bash-completion/completions/vmc-seg -rw-r--r--
./share/bash-completion/completions/vmc-unpack -rw-r--r--
./share/man/man1/vmc-cat.1 -rw-r--r--
./share/man/man1/vmc-note.1 -rw-r--r--
./share/man/man1/vmc-pack.1 -rw-r--r--
./share/man/man1/vmc-prstatus.1 -rw-r--r--
./share/man/man1/vmc-seg.1 -rw-r--r--
./share/man/man1/vmc-unpack.1 -rw-r--r--
./share/man/man3/kdumpling.3 -rw-r--r--
./share/man/man5/vmc-stream.5 -rw-r--r--
./share/zsh/site-functions/_vmc -rw-r--r--"
	# man finds the pages by their names
	run env MANPATH="$PWD/p/share/man" MANWIDTH=80 man vmc-pack
	assert_success
	assert_line --index 0 --regexp '^vmc-pack\(1\) +kdumpling manual +vmc-pack\(1\)$'
	run env MANPATH="$PWD/p/share/man" man -w 5 vmc-stream
	assert_output "$PWD/p/share/man/man5/vmc-stream.5"
	LIBDIR=$PWD/q/lib64 install_to "$PWD/q"
	[ -f q/lib64/libkdumpling.so.0 ] && [ -f q/lib64/pkgconfig/kdumpling.pc ] && [ ! -e q/lib ]
}

@test "a program against the installed shared library runs with LD_LIBRARY_PATH; against the static one, with pkg-config --static, without" {
	ldd "$KDL_BUILD/vmc-pack" | grep -q libasan && skip "an AddressSanitizer library links only into programs built with it"
	install_to "$PWD/p"
	build_example "$PWD/p"
	run -127 ./example shared.dump
	assert_output --partial "libkdumpling.so.0: cannot open shared object file"
	LD_LIBRARY_PATH=$PWD/p/lib ./example shared.dump >shared.out
	run grep -c "^Segment" shared.out
	assert_output 2
	run bash -c "PKG_CONFIG_PATH=$PWD/p/lib/pkgconfig pkg-config --static --libs kdumpling"
	assert_output --partial "-lstdc++"
	build_example "$PWD/p" -static
	./example static.dump >static.out
	cmp shared.out static.out
}

@test "LDFLAGS reach the shared library: -Wl,-z,now as dpkg-buildflags gives it" {
	ldd "$KDL_BUILD/vmc-pack" | grep -q libasan && skip "one build's library is enough"
	rm -f "$KDL_BUILD/libkdumpling.so"
	make -s -C "$ROOT" B="$KDL_BUILD" LDFLAGS=-Wl,-z,now "$KDL_BUILD/libkdumpling.so"
	run readelf -d "$KDL_BUILD/libkdumpling.so"
	assert_output --partial "BIND_NOW"
	rm -f "$KDL_BUILD/libkdumpling.so"
	make -s -C "$ROOT" B="$KDL_BUILD" "$KDL_BUILD/libkdumpling.so"
}

@test "the shared library exports kdumpling.h's kdl_ names alone, as version KDUMPLING_0, under the SONAME libkdumpling.so.0" {
	run bash -c "nm -D --defined-only '$KDL_BUILD/libkdumpling.so' | awk '\$2 ~ /[TDBR]/ {print \$3}' | grep -v '^kdl_' | grep -v '^KDUMPLING_0$'"
	assert_output ''
	run bash -c "readelf -d '$KDL_BUILD/libkdumpling.so' | grep SONAME"
	assert_output --partial "[libkdumpling.so.0]"
	run bash -c "readelf -W --dyn-syms '$KDL_BUILD/libkdumpling.so' | grep -c 'kdl_pack_stream@@KDUMPLING_0'"
	assert_output 1
}

@test "make uninstall takes away what make install put, and only that" {
	mkdir -p p/bin p/lib
	echo mine >p/bin/other
	install_to "$PWD/p"
	make -s -C "$ROOT" B="$KDL_BUILD" uninstall PREFIX="$PWD/p"
	run bash -c 'cd p && find . -type f -o -type l'
	assert_output ./bin/other
}
