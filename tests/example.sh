#!/usr/bin/env bash
# Builds the built-in example dump: 64 MiB of synthetic x86_64 memory in
# three segments, a VMCOREINFO, two CPUs and an annotation, packed by the
# pipeline of programs in BUILD_DIR.  The same inputs give the same bytes.
#
# usage: tests/example.sh BUILD_DIR
# The dump and its inputs go to $KDL_EXAMPLE_OUT (default ./example-out).
set -euo pipefail
export LC_ALL=C

if [ $# -ne 1 ] || [ ! -x "$1/vmc-pack" ]; then
	echo "usage: $0 BUILD_DIR (a directory holding vmc-seg, vmc-note, vmc-prstatus, vmc-pack)" >&2
	exit 2
fi
bin=$(cd "$1" && pwd)
out=${KDL_EXAMPLE_OUT:-./example-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
trap 'rm -f "$out"/*.tmp' EXIT

page=4096
page_offset=0xffff888000000000 # x86_64 direct map, 4-level paging
# segment 0: 32 MiB at 1 MiB, each page filled with its own marker line
seg0_phys=0x100000 seg0_pages=8192
# segment 1: 16 MiB at 64 MiB, pseudo-random bytes from a fixed seed
seg1_phys=0x4000000 seg1_size=$((16 << 20)) seed=20260101
# segment 2: 16 MiB at 128 MiB, zero pages (read from /dev/zero)
seg2_phys=0x8000000 seg2_size=$((16 << 20))

virt() { printf '0x%x' $((page_offset + $1)); }

# "KDUMPLING EXAMPLE PAGE 00000042\n" is 32 bytes; 128 of them fill page 42.
awk -v pages="$seg0_pages" 'BEGIN {
	for (n = 0; n < pages; n++) {
		p = sprintf("KDUMPLING EXAMPLE PAGE %08d\n", n)
		for (i = 0; i < 7; i++)
			p = p p
		printf "%s", p
	}
}' >"$out/pages.bin.tmp"
mv "$out/pages.bin.tmp" "$out/pages.bin"

# Park-Miller generator, 24 bits a step, as base64 text that base64 -d
# turns into bytes: the same on every awk (all values stay below 2^53).
awk -v seed="$seed" -v lines=$(((seg1_size + 47) / 48)) 'BEGIN {
	a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for (i = 0; i < 64; i++)
		for (j = 0; j < 64; j++)
			t[i * 64 + j] = substr(a, i + 1, 1) substr(a, j + 1, 1)
	x = seed
	for (l = 0; l < lines; l++) {
		s = ""
		for (k = 0; k < 16; k++) {
			x = (x * 16807) % 2147483647
			s = s t[x % 4096] t[int(x / 4096) % 4096]
		}
		print s
	}
}' | base64 -d >"$out/random.bin.tmp"
truncate -s "$seg1_size" "$out/random.bin.tmp"
mv "$out/random.bin.tmp" "$out/random.bin"

# What a Debian 12 kernel (6.1, no KASLR) exports, trimmed to the keys
# crash, drgn, libkdumpfile and makedumpfile look at.
cat >"$out/vmcoreinfo.txt" <<'VMCOREINFO'
OSRELEASE=6.1.0-18-amd64
PAGESIZE=4096
SYMBOL(init_uts_ns)=ffffffff82a13440
OFFSET(uts_namespace.name)=0
SYMBOL(node_online_map)=ffffffff82b1c9a8
SYMBOL(swapper_pg_dir)=ffffffff8260a000
SYMBOL(_stext)=ffffffff81000000
SYMBOL(vmap_area_list)=ffffffff82aa8b10
SYMBOL(mem_section)=ffff88807ffd2000
LENGTH(mem_section)=2048
SIZE(mem_section)=16
OFFSET(mem_section.section_mem_map)=0
NUMBER(SECTION_SIZE_SHIFT)=27
NUMBER(MAX_PHYSMEM_BITS)=46
SIZE(page)=64
SIZE(pglist_data)=174848
SIZE(zone)=1600
SIZE(free_area)=104
SIZE(list_head)=16
SIZE(nodemask_t)=128
OFFSET(page.flags)=0
OFFSET(page._refcount)=52
OFFSET(page.mapping)=24
OFFSET(page.lru)=8
OFFSET(page._mapcount)=48
OFFSET(page.private)=40
OFFSET(page.compound_dtor)=16
OFFSET(page.compound_order)=17
OFFSET(page.compound_head)=8
OFFSET(pglist_data.node_zones)=0
OFFSET(pglist_data.nr_zones)=173568
OFFSET(pglist_data.node_start_pfn)=173576
OFFSET(pglist_data.node_spanned_pages)=173592
OFFSET(pglist_data.node_id)=173600
OFFSET(zone.free_area)=192
OFFSET(zone.vm_stat)=1408
OFFSET(zone.spanned_pages)=96
OFFSET(free_area.free_list)=0
OFFSET(list_head.next)=0
OFFSET(list_head.prev)=8
OFFSET(vmap_area.va_start)=0
OFFSET(vmap_area.list)=40
LENGTH(zone.free_area)=11
SYMBOL(prb)=ffffffff8289d8a0
SYMBOL(printk_rb_static)=ffffffff8289d8c0
SYMBOL(clear_seq)=ffffffff831d5c40
SIZE(printk_ringbuffer)=80
OFFSET(printk_ringbuffer.desc_ring)=0
OFFSET(printk_ringbuffer.text_data_ring)=48
OFFSET(printk_ringbuffer.fail)=72
LENGTH(free_area.free_list)=6
NUMBER(NR_FREE_PAGES)=0
NUMBER(PG_lru)=4
NUMBER(PG_private)=13
NUMBER(PG_swapcache)=10
NUMBER(PG_swapbacked)=19
NUMBER(PG_slab)=9
NUMBER(PG_hwpoison)=23
NUMBER(PG_head_mask)=65536
NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129
NUMBER(HUGETLB_PAGE_DTOR)=2
NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257
NUMBER(phys_base)=0
SYMBOL(init_top_pgt)=ffffffff8260a000
NUMBER(pgtable_l5_enabled)=0
SYMBOL(node_data)=ffffffff82b1a940
LENGTH(node_data)=1024
KERNELOFFSET=0
NUMBER(KERNEL_IMAGE_SIZE)=1073741824
NUMBER(sme_mask)=0
CRASHTIME=1767225600
VMCOREINFO

# CPU 0 panicked in the sysrq-c handler; CPU 1 was idle.
cpu0=(rip=0xffffffff81a5e0c6 rsp=0xffffc90000b5fe18 rbp=0xffffc90000b5fe28
      rax=0x0000000000000000 rbx=0x0000000000000063 rcx=0x0000000000000000
      rdx=0x0000000000000000 rsi=0xffffffff82a5c9e0 rdi=0x0000000000000063
      r8=0x0000000000000000 r9=0xffffc90000b5fcb8 r10=0x0000000000000001
      r11=0x0000000000000001 r12=0x0000000000000000 r13=0x0000000000000002
      r14=0xffff888004a3c000 r15=0x0000000000000000 orig_rax=0xffffffffffffffff
      cs=0x10 ss=0x18 eflags=0x10246 gs_base=0xffff88807fc00000)
cpu1=(rip=0xffffffff81b1d8ab rsp=0xffffc900000b3e90 rbp=0xffffc900000b3ea8
      rax=0x0000000000000000 rbx=0x0000000000000001 rcx=0x0000000000000001
      rdx=0x0000000000000000 rsi=0x0000000000000083 rdi=0x00000000000f32a4
      r12=0xffff888003950000 r13=0x0000000000000000 r14=0x0000000000000000
      r15=0x0000000000000000 orig_rax=0xffffffffffffffff
      cs=0x10 ss=0x18 eflags=0x246 gs_base=0xffff88807fd00000)

"$bin/vmc-note" --vmcoreinfo "$out/vmcoreinfo.txt" \
		--annotation "source=kdumpling built-in example" \
		--annotation "panic=sysrq triggered crash" </dev/null |
	"$bin/vmc-seg" --phys "$seg0_phys" --virt "$(virt "$seg0_phys")" "$out/pages.bin" |
	"$bin/vmc-seg" --phys "$seg1_phys" --virt "$(virt "$seg1_phys")" "$out/random.bin" |
	"$bin/vmc-seg" --phys "$seg2_phys" --virt "$(virt "$seg2_phys")" --length "$seg2_size" /dev/zero |
	"$bin/vmc-prstatus" --cpu 0 --pid 1423 --ppid 1398 --pgrp 1423 --sid 1398 "${cpu0[@]}" |
	"$bin/vmc-prstatus" --cpu 1 --pid 0 "${cpu1[@]}" |
	"$bin/vmc-pack" -o "$out/vmcore" --stats

range() { printf '%-21s' "$(printf '0x%x-0x%x' $(($1)) $(($1 + $2 - 1)))"; }
sum=$(sha256sum <"$out/vmcore")
cat <<EOF

Dump:    $out/vmcore
SHA256:  ${sum%% *}
Memory:  $(range $seg0_phys $((seg0_pages * page)))page n repeats "KDUMPLING EXAMPLE PAGE n" (n in 8 digits)
         $(range $seg1_phys $seg1_size)pseudo-random (seed $seed)
         $(range $seg2_phys $seg2_size)zero pages
         virtual address = physical + $page_offset
Inputs:  $out/{vmcoreinfo.txt,pages.bin,random.bin}

Open it:
  crash --osrelease $out/vmcore
  drgn -c $out/vmcore    (kernel symbols need the matching vmlinux)
  gdb -c $out/vmcore     (gdb-multiarch: add -ex 'set architecture i386:x86-64' first)
EOF
