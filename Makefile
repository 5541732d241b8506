# kdumpling: build Linux kernel crash dumps from raw memory.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
PKGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_GNU_SOURCE -Ilib
LIBS = -ldeflate -llzo2 -lsnappy -lzstd -pthread
# the unit tests inflate the zlib codec's pages with zlib itself
UNIT_LIBS = $(LIBS) -lz
# a static link needs libsnappy's C++ runtime too
PC_LIBS = $(LIBS) -lstdc++

VERSION = $(shell sed -n 's/^\#define KDL_VERSION "\(.*\)"/\1/p' lib/kdumpling.h)
B ?= build
PROGS = vmc-seg vmc-note vmc-prstatus vmc-pack vmc-unpack vmc-cat
LIBSRC = $(wildcard lib/*/*.c)
LIBHDR = lib/kdumpling.h $(wildcard lib/*/*.h)
LIBOBJ = $(LIBSRC:lib/%.c=$(B)/lib/%.o)
PICOBJ = $(LIBSRC:lib/%.c=$(B)/pic/%.o)
CMDCOMMON = $(B)/cmd/common.o $(B)/cmd/progress.o

# manual pages: scdoc sources, and the roff made of them, committed so
# that a build needs no scdoc (make man remakes it, dated as it was)
MAN1 = $(PROGS:%=cmd/man/%.1)
MAN3 = lib/man/kdumpling.3
MAN5 = lib/man/vmc-stream.5
MAN_EPOCH = 1796083200

# tests/unit/DIR/FILE.c tests lib/DIR/FILE.c
UNIT_SRC = $(wildcard tests/unit/*/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# tests/fuzz/TARGET.c: libFuzzer targets, built with clang into build-fuzz
FUZZ_SRC = $(wildcard tests/fuzz/*.c)
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all unit test check bench example install uninstall clean fuzz fuzz-build man
all: $(B)/libkdumpling.a $(B)/libkdumpling.so $(PROGS:%=$(B)/%)
unit: $(UNIT_BIN)

$(B)/lib/%.o: lib/%.c $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<
$(B)/pic/%.o: lib/%.c $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -fPIC -fvisibility=hidden -c -o $@ $<
$(B)/cmd/%.o: cmd/%.c cmd/common.h lib/kdumpling.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/libkdumpling.a: $(LIBOBJ)
	rm -f $@ && $(AR) rcs $@ $^
$(B)/libkdumpling.so: $(PICOBJ) lib/kdumpling.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libkdumpling.so.0 \
	    -Wl,--version-script=lib/kdumpling.map -o $@ $(PICOBJ) $(LIBS)

$(B)/vmc-%: $(B)/cmd/vmc-%.o $(CMDCOMMON) $(B)/libkdumpling.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/check.h $(wildcard tests/unit/*/*.h) $(LIBHDR) $(B)/libkdumpling.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Itests/unit -o $@ $< $(B)/libkdumpling.a $(UNIT_LIBS)

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIBHDR) $(B)/libkdumpling.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(B)/libkdumpling.a $(LIBS)

# every test twice: as built, and under AddressSanitizer and UBSan; and
# each fuzz target for a few seconds
test:
	$(MAKE) all unit
	$(MAKE) B=build-asan CFLAGS="-O1 -g $(SANITIZE)" all unit
	$(MAKE) fuzz-build
	tests/run build build-asan

# the name other projects give it
check: test

fuzz-build:
	$(MAKE) B=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/fuzz/%)

# each fuzz target FUZZ_SECONDS seconds from its seeds, after its
# regression inputs
fuzz: fuzz-build
	tests/fuzz/run build-fuzz $(FUZZ_SECONDS)

# builds and packs the built-in example, then prints its stats
example: all
	tests/example.sh $(B)

bench:
	$(MAKE) B=build-bench CFLAGS="-O2 -DNDEBUG" all
	tests/bench/bench.sh build-bench

man: $(MAN1) $(MAN3) $(MAN5)
%.1: %.1.scd
	SOURCE_DATE_EPOCH=$(MAN_EPOCH) scdoc <$< >$@
%.3: %.3.scd
	SOURCE_DATE_EPOCH=$(MAN_EPOCH) scdoc <$< >$@
%.5: %.5.scd
	SOURCE_DATE_EPOCH=$(MAN_EPOCH) scdoc <$< >$@

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(PKGDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	for p in $(PROGS); do install -m 644 cmd/completion/vmc.bash $(DESTDIR)$(BASHCOMPDIR)/$$p || exit 1; done
	install -m 644 cmd/completion/_vmc $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(PROGS:%=$(B)/%) $(DESTDIR)$(BINDIR)
	install -m 644 $(B)/libkdumpling.a $(DESTDIR)$(LIBDIR)
	install -m 755 $(B)/libkdumpling.so $(DESTDIR)$(LIBDIR)/libkdumpling.so.$(VERSION)
	ln -sf libkdumpling.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libkdumpling.so.0
	ln -sf libkdumpling.so.0 $(DESTDIR)$(LIBDIR)/libkdumpling.so
	install -m 644 lib/kdumpling.h $(DESTDIR)$(INCDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCDIR@|$(INCDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@LIBS@|$(PC_LIBS)|g' lib/kdumpling.pc.in > $(DESTDIR)$(PKGDIR)/kdumpling.pc

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%) $(DESTDIR)$(LIBDIR)/libkdumpling.a \
	      $(DESTDIR)$(LIBDIR)/libkdumpling.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libkdumpling.so.0 \
	      $(DESTDIR)$(LIBDIR)/libkdumpling.so \
	      $(DESTDIR)$(INCDIR)/kdumpling.h $(DESTDIR)$(PKGDIR)/kdumpling.pc \
	      $(MAN1:cmd/man/%=$(DESTDIR)$(MANDIR)/man1/%) $(DESTDIR)$(MANDIR)/man3/kdumpling.3 \
	      $(DESTDIR)$(MANDIR)/man5/vmc-stream.5 \
	      $(PROGS:%=$(DESTDIR)$(BASHCOMPDIR)/%) $(DESTDIR)$(ZSHCOMPDIR)/_vmc

clean:
	rm -rf build build-asan build-fuzz build-bench
