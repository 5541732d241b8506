#!/usr/bin/env bats
# Shell completions: bash's (cmd/completion/vmc.bash) and zsh's
# (cmd/completion/_vmc), each offering what the programs themselves
# list: options from --help, formats, codecs, architectures, registers.

load helpers

COMPLETION=$TESTS/../cmd/completion
PROGS="vmc-seg vmc-note vmc-prstatus vmc-pack vmc-unpack vmc-cat"

# What bash offers for the words of a command line, the last one being
# completed: one per line.
bash_offers() { # WORD...
	bash -c 'source "$1/vmc.bash"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_vmc "$1"; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
}

# What an interactive zsh lists for LINE and two tabs: the words of its
# listing, one per line.  What zsh writes is read until it has said
# nothing for a second (at most 20 s), so that a slow machine is waited
# for.
zsh_offers() { # LINE
	zsh -f -c 'zmodload zsh/zpty
		drain() {
			local line idle=0 n=0
			out=
			while (( idle < 10 && n < 200 )); do
				if zpty -r -t z line; then out+=$line; idle=0; else sleep 0.1; (( idle++ )); fi
				(( n++ ))
			done
		}
		zpty z "zsh -f -i"
		zpty -w z "PS1=\"> \"; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
		drain
		zpty -w -n z "$2"$'"'"'\t\t'"'"'
		drain
		zpty -d z
		print -r -- "$out"' _ "$COMPLETION" "$1" |
		tr '\r' '\n' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | tr -s ' \t' '\n\n'
}

@test "bash: every option each program's --help lists, and --help and --version" {
	for prog in $PROGS; do
		"$prog" --help | awk '/^$/ {u = 1} u && /^  -/ && !/--help/ {print substr($0, 1, 21)}' |
			grep -oE -- '--[a-z][a-z-]*' >want
		printf '%s\n' --help --version >>want
		run bash_offers "$prog" --
		assert_output "$(cat want)"
	done
	run bash_offers vmc-pack --com
	assert_output --compress
}

@test "bash: formats, codecs, architectures and registers from the programs' tables" {
	run bash_offers vmc-pack --format ''
	assert_output "$(printf '%s\n' elf kdump)"
	run bash_offers vmc-pack --compress z
	assert_output "$(printf '%s\n' zlib zstd)"
	run bash_offers vmc-unpack --format ''
	assert_output "$(printf '%s\n' auto elf kdump flat lime avml)"
	run bash_offers vmc-prstatus --arch ''
	assert_output "$(printf '%s\n' x86_64 aarch64 arm64 s390x ppc64 ppc64le riscv64)"
	run bash_offers vmc-prstatus --cpu 0 r
	assert_output --partial "rip="
	assert_output --partial "rflags="
	run bash_offers vmc-prstatus --arch aarch64 --cpu 0 p
	assert_output "$(printf '%s\n' pc= pstate=)"
	# the value of an option that takes a number: nothing to offer
	run bash_offers vmc-pack --level ''
	assert_output ''
}

@test "bash: files where a program takes one" {
	touch memory.bin vmcoreinfo.txt
	run bash_offers vmc-seg --phys 0 mem
	assert_output memory.bin
	run bash_offers vmc-note --vmcoreinfo vm
	assert_output vmcoreinfo.txt
	run bash_offers vmc-pack -o memo
	assert_output memory.bin
}

@test "zsh: codecs, input formats and registers, through zsh's own completion system" {
	run zsh -n "$COMPLETION/_vmc"
	assert_success
	zsh_offers 'vmc-pack --compress ' >offers
	for codec in none zlib lzo snappy zstd; do
		grep -qx "$codec" offers || fail "no $codec in: $(cat offers)"
	done
	zsh_offers 'vmc-unpack --format ' >offers
	for format in auto elf kdump flat lime avml; do
		grep -qx "$format" offers || fail "no $format in: $(cat offers)"
	done
	zsh_offers 'vmc-prstatus --arch riscv64 --cpu 0 ' >offers
	grep -qx 'pc=\?' offers || grep -qx 'pc' offers || fail "no pc in: $(cat offers)"
	grep -qx 'a0=\?' offers || grep -qx 'a0' offers || fail "no a0 in: $(cat offers)"
	zsh_offers 'vmc-pack --dump' >offers
	grep -q -- '--dump-level' offers || fail "no --dump-level in: $(cat offers)"
}
