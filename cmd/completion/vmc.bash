# bash completion for kdumpling's programs (vmc-seg, vmc-note,
# vmc-prstatus, vmc-pack, vmc-unpack, vmc-cat).  What each program takes
# comes from the program itself: its options from --help, formats,
# codecs and architectures from the tables --help lists, register names
# from vmc-prstatus --list-registers.

# The names listed under HEADING in PROG --help, aliases too.
_vmc_listed() { # PROG HEADING
	"$1" --help 2>/dev/null | awk -v h="$2:" '
		$0 == h {on = 1; next}
		on && /^   / {next}
		on && /^  [^ -]/ {print $1; if ($2 ~ /^\(.+\)$/) print substr($2, 2, length($2) - 2); next}
		on {exit}'
}

# The options PROG --help lists, and apart those that take a value.
_vmc_options() { # PROG
	"$1" --help 2>/dev/null | awk '/^$/ {u = 1} u && /^  -/ && !/--help/ {print substr($0, 1, 21)}' |
		grep -oE -- '--[a-z][a-z-]*( [A-Z])?'
}

_vmc() {
	local prog=${1##*/} cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local options takes arch=x86_64 i

	options=$(_vmc_options "$prog")
	takes=$(sed -n 's/ [A-Z]$//p' <<<"$options")
	COMPREPLY=()
	case $prev in
	--format)
		if [ "$prog" = vmc-unpack ]; then
			mapfile -t COMPREPLY < <(compgen -W "auto $(_vmc_listed "$prog" 'Input formats')" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_vmc_listed "$prog" Formats)" -- "$cur")
		fi
		return
		;;
	--compress)
		mapfile -t COMPREPLY < <(compgen -W "$(_vmc_listed vmc-pack Codecs)" -- "$cur")
		return
		;;
	--arch)
		mapfile -t COMPREPLY < <(compgen -W "$(_vmc_listed vmc-pack Architectures)" -- "$cur")
		return
		;;
	-o | --output | --vmcoreinfo)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	esac
	# the value of any other option that takes one: nothing to offer
	if [[ $prev == --* ]] && grep -qx -- "$prev" <<<"$takes"; then
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(sed 's/ [A-Z]$//' <<<"$options") --help --version" -- "$cur")
		return
	fi
	case $prog in
	vmc-prstatus)
		for ((i = 1; i < COMP_CWORD; i++)); do
			[ "${COMP_WORDS[i]}" = --arch ] && arch=${COMP_WORDS[i + 1]}
		done
		compopt -o nospace 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -S = -W "$(vmc-prstatus --arch "$arch" --list-registers 2>/dev/null |
			sed 's/^[^:]*: //; s/[()]//g')" -- "$cur")
		;;
	vmc-seg | vmc-unpack)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	esac
}

complete -F _vmc -o bashdefault vmc-seg vmc-note vmc-prstatus vmc-pack vmc-unpack vmc-cat
