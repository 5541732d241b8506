#!/usr/bin/python3
"""Builds vmcores from test specs, and checks them with the readers.

  check.py build SPEC DIR [--reverse | --python]
      writes SPEC's input files into DIR and runs the pipeline, which
      writes DIR/vmcore; --reverse runs the filters in the opposite order,
      --python writes the stream in canonical order instead (writer python)
      into DIR/stream.vmc
  check.py check SPEC DUMP
      the layout vmc-pack promises (ELF, or kdump-compressed read with this
      script's own parser, flattened or not), then libkdumpfile and drgn
      must read back exactly what SPEC put in, within their known limits
  check.py memory SPEC DUMP
      libkdumpfile must read back SPEC's memory (for makedumpfile's
      conversions, which keep no architecture without VMCOREINFO)
  check.py expect SPEC WHAT [DUMP]
      facts for the bats helpers: arch, format (elf, kdump or flat),
      osrelease (as crash --osrelease prints it: "unknown" where crash
      cannot read the dump), crash-cpus (the CPUs crash -d 1 shows, or
      nothing when it reads no header), cpus, xnum (yes or no), pack-args
      (vmc-pack's options, one a line), pages (of a kdump DUMP: pages
      total, dumped, zero, and the bytes of page data that are not the
      shared zero page), gdb-args (for DUMP, one a line)
  check.py same-pages CODEC OURS THEIRS
      two little-endian kdump-compressed files alike but for how CODEC
      compressed their pages: the same header (the utsname aside), sub
      header, notes and bitmaps, the same descriptors in flags and page
      flags, pages laid out one after the other, each the same page once
      decompressed
  check.py match SPEC READER < OUTPUT
      READER's OUTPUT must show what SPEC put in: gdb (run with gdb-args),
      eu-readelf-n, eu-readelf-l (of eu-readelf -h -l), readelf-n (binutils)

Run it with Debian's /usr/bin/python3: python3-libkdumpfile, python3-drgn
and the codec modules (python3-lzo, python3-snappy, python3-zstandard) are
installed for that interpreter only.

A spec has one directive a line, split like a shell line; # comments.
  arch A                 vmc-prstatus --arch A and vmc-pack --arch A
                         (without it neither is given: x86_64)
  include FILE           the directives of FILE, beside the spec
  vmcoreinfo FILE        vmc-note --vmcoreinfo FILE, FILE beside the spec
  annotation KEY=VALUE   vmc-note --annotation
  metadata KEY=VALUE     vmc-note --metadata
  note NAME:TYPE:TEXT    vmc-note --note
  format F, compress C, level N, dump-level N, threads N, page-size N, flat
                         vmc-pack --format F, --compress C and so on
  segment phys=A size=N data=D [virt=V] [from=file|pipe] [offset=N]
      from=pipe is `cat FILE | vmc-seg -`, which starts the pipeline, so a
      spec has one at most.  With offset=N, FILE holds N other bytes before
      the segment and a page after it, and vmc-seg takes --offset and --length.
  segments COUNT phys=A step=S size=N data=D
      COUNT segments, S bytes apart
  cpu N|A-B [FIELD=V]... REG=V...
      one vmc-prstatus --cpu N each; FIELD is pid ppid pgrp sid signo sigcode
      errno cursig (integers) or utime stime cutime cstime (S[.US]).  REG is
      passed as written (any case, aliases).  In a range A-B, V+STEP adds
      STEP for each CPU after A.
  writer python [order=reversed]
      this script writes the record stream (lib/STREAM.md) into a file and
      vmc-pack reads it, instead of running the filters: for very many
      segments, for ZERO records (every zero 4 KiB block of a segment) and
      for streams out of canonical order (reversed: segments in descending
      order, then the description records).
Data D: counter (every aligned 8-byte word holds its own physical address,
little-endian), random:SEED, fill:BYTE, holes:SEED (random:SEED with every
other 4 KiB block, from the segment's start, zero), text:SEED (lines of
words, as in a page cache of text files), lowcore (an s390x lowcore for a
segment at 0: the big-endian u64 at 0xe0c holds the address of a VMCOREINFO
note, the spec's, at 0x1000; libkdumpfile and so drgn look for it there).
"""
import os
import random
import re
import shlex
import struct
import subprocess
import sys
import tempfile
import traceback
import types
import zlib

# kdumpling's note types (lib/kdumpling.h): crash and gdb take types 1
# and 2 for CPU state whatever the note's name
METADATA = 0x4b444c01
ANNOTATIONS = 0x4b444c02

X86_64_REGS = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9',
               'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi', 'orig_rax', 'rip', 'cs',
               'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs',
               'gs']
AARCH64_REGS = ['x%d' % i for i in range(31)] + ['sp', 'pc', 'pstate']
PPC64_REGS = (['r%d' % i for i in range(32)] +
              ['nip', 'msr', 'orig_gpr3', 'ctr', 'link', 'xer', 'ccr', 'softe',
               'trap', 'dar', 'dsisr', 'result'])
RISCV64_REGS = ['pc', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1'] + \
    ['a%d' % i for i in range(8)] + ['s%d' % i for i in range(2, 12)] + \
    ['t3', 't4', 't5', 't6']


def words(names, start=0, size=8):
    """(name, offset in pr_reg, size) of registers one after the other."""
    return [(name, start + size * i, size) for i, name in enumerate(names)]


# ppc64 and ppc64le differ in byte order and machine name only; pt_regs
# fills 44 of ELF_NGREG's 48 slots
PPC64 = {
    'machine': 21, 'readelf_machine': 'PowerPC64', 'page': 65536,
    'descsz': 504, 'drgn': 'PPC64', 'gdb': 'powerpc:common64',
    'pc': 'nip', 'gdb_pc': 'pc', 'regs': words(PPC64_REGS),
    'aliases': {'pc': 'nip', 'or3': 'orig_gpr3', 'lr': 'link', 'cr': 'ccr',
                'res': 'result'},
    'libkdumpfile': {'name': 'ppc64', 'regs': {
        'nip': 'pc', 'orig_gpr3': 'or3', 'link': 'lr', 'result': 'res'}},
    'readelf': {'link': 'lr', 'ccr': 'cr', 'softe': 'spr0'},
    'readelf_hex': {'nip', 'msr', 'ccr', 'ctr', 'link', 'xer', 'softe', 'dar',
                    'dsisr'},
    'readelf_hidden': {'trap', 'result'},
}

# Register layout of pr_reg, and each reader's names and styles for them
# (formats.md section 2).  libkdumpfile None: it does not know the
# architecture.
ARCHES = {
    'x86_64': {
        'machine': 62, 'readelf_machine': 'AMD x86-64', 'endian': '<',
        'page': 4096, 'uts': 'x86_64',
        'descsz': 336, 'drgn': 'X86_64', 'gdb': 'i386:x86-64',
        'pc': 'rip', 'gdb_pc': 'rip', 'regs': words(X86_64_REGS),
        'aliases': {'rflags': 'eflags', 'fs.base': 'fs_base',
                    'gs.base': 'gs_base'},
        'libkdumpfile': {'name': 'x86_64', 'regs': {'eflags': 'rflags'}},
        'readelf': {'eflags': 'rflags', 'fs_base': 'fs.base',
                    'gs_base': 'gs.base'},
        'readelf_hex': {'rbp', 'rip', 'rsp', 'eflags', 'fs_base', 'gs_base'},
        'readelf_seg': {'cs', 'ss', 'ds', 'es', 'fs', 'gs'},
    },
    'aarch64': {
        'machine': 183, 'readelf_machine': 'AARCH64', 'endian': '<',
        'page': 4096, 'uts': 'aarch64',
        'descsz': 392, 'drgn': 'AARCH64', 'gdb': 'aarch64',
        'pc': 'pc', 'gdb_pc': 'pc', 'regs': words(AARCH64_REGS),
        'aliases': {'fp': 'x29', 'lr': 'x30'},
        'libkdumpfile': {'name': 'aarch64', 'regs': {'x30': 'lr'}},
        'readelf': {},
        'readelf_hex': {'sp', 'pc', 'pstate'},
    },
    # s390_regs: the PSW, 16 general registers, 16 32-bit access
    # registers, orig_gpr2
    's390x': {
        'machine': 22, 'readelf_machine': 'IBM S/390', 'endian': '>',
        'page': 4096, 'uts': 's390x',
        'descsz': 336, 'drgn': 'S390X', 'gdb': 's390:64-bit',
        'pc': 'pswa', 'gdb_pc': 'pswa',
        'regs': (words(['pswm', 'pswa'] + ['r%d' % i for i in range(16)]) +
                 words(['a%d' % i for i in range(16)], 144, 4) +
                 words(['orig_gpr2'], 208)),
        'aliases': {'psw.mask': 'pswm', 'psw.addr': 'pswa',
                    'orig_r2': 'orig_gpr2'},
        'libkdumpfile': {'name': 's390x', 'regs': {}},
        'readelf': {'orig_gpr2': 'orig_r2'},
        'readelf_hex': {'pswm', 'pswa'},
        'readelf_hex32': {'a%d' % i for i in range(16)},
    },
    'ppc64': dict(PPC64, endian='>', uts='ppc64'),
    'ppc64le': dict(PPC64, endian='<', uts='ppc64le'),
    'riscv64': {
        'machine': 243, 'readelf_machine': 'RISC-V', 'endian': '<',
        'page': 4096, 'uts': 'riscv64',
        'descsz': 376, 'drgn': 'RISCV64', 'gdb': 'riscv:rv64',
        'pc': 'pc', 'gdb_pc': 'pc', 'regs': words(RISCV64_REGS),
        'aliases': dict([('fp', 's0')] + [('x%d' % i, name) for i, name in
                                          enumerate(RISCV64_REGS) if i]),
        # libkdumpfile 0.5.1 has no RISC-V (0.5.4 adds it)
        'libkdumpfile': None,
        'readelf': {},
        'readelf_hex': {'pc', 'ra', 'sp', 'gp', 'tp'},
    },
}
ARCH_NAMES = {'x86_64': 'x86_64', 'aarch64': 'aarch64', 'arm64': 'aarch64',
              's390x': 's390x', 'ppc64': 'ppc64', 'ppc64le': 'ppc64le',
              'riscv64': 'riscv64'}

# kdump-compressed: the flag of each codec in the header's status and in
# the page descriptors (formats.md 3.4)
CODECS = {'none': 0, 'zlib': 0x1, 'lzo': 0x2, 'snappy': 0x4, 'zstd': 0x20}
KDUMP_HEADER = 464
SUB_HEADER = 104
PAGE_DESC = 24
INT_FIELDS = ['pid', 'ppid', 'pgrp', 'sid', 'signo', 'sigcode', 'errno',
              'cursig']
TIME_FIELDS = ['utime', 'stime', 'cutime', 'cstime']
VENDOR = 'KDUMPLING'


class SpecError(Exception):
    pass


def number(text):
    try:
        return int(text, 0)
    except ValueError:
        raise SpecError('%r is not a number' % text) from None


def size(text):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    if text and text[-1] in units:
        return number(text[:-1]) * units[text[-1]]
    return number(text)


def parse_time(text):
    whole, _, frac = text.partition('.')
    if not whole.isdigit() or len(frac) > 6 or (frac and not frac.isdigit()):
        raise SpecError('%r is not S[.US]' % text)
    return int(whole), int(frac.ljust(6, '0')) if frac else 0


def round_up(n, to):
    return (n + to - 1) // to * to


class Segment:
    def __init__(self, spec, index, opts):
        unknown = set(opts) - {'phys', 'virt', 'size', 'data', 'from', 'offset'}
        if unknown or not {'phys', 'size', 'data'} <= set(opts):
            raise SpecError('segment needs phys= size= data= (and knows virt= '
                            'from= offset=), got %s' % ' '.join(sorted(opts)))
        self.spec = spec
        self.index = index
        self.phys = number(opts['phys'])
        self.virt = number(opts['virt']) if 'virt' in opts else self.phys
        self.size = size(opts['size'])
        self.data_spec = opts['data']
        self.source = opts.get('from', 'file')
        self.offset = size(opts['offset']) if 'offset' in opts else None
        if self.source not in ('file', 'pipe'):
            raise SpecError('from=%s: file or pipe' % self.source)
        self._data = None

    @property
    def data(self):
        if self._data is None:
            self._data = make_data(self.data_spec, self.phys, self.size,
                                   self.spec)
        return self._data

    @property
    def end(self):
        return self.phys + self.size

    @property
    def file_name(self):
        return 'seg-%d.bin' % self.index

    def file_bytes(self):
        """What the input file holds: the data, or the data among others."""
        if self.offset is None:
            return self.data
        pad = random.Random('pad-%d' % self.index)
        return pad.randbytes(self.offset) + self.data + pad.randbytes(4096)

    def vmc_seg_args(self):
        args = ['vmc-seg', '--phys', hex(self.phys)]
        if self.virt != self.phys:
            args += ['--virt', hex(self.virt)]
        if self.offset is not None:
            args += ['--offset', str(self.offset), '--length', str(self.size)]
        return args + (['-'] if self.source == 'pipe' else [self.file_name])


TEXT_WORDS = ('the kernel page memory task lock queue timer device driver '
              'buffer cache inode dentry socket packet irq cpu node zone '
              'slab list entry error warning info debug module init exit '
              'return value count size offset start end read write').split()


def make_data(data_spec, phys, length, spec):
    kind, _, arg = data_spec.partition(':')
    if kind == 'counter':
        start = phys & ~7
        words = (phys + length - start + 7) // 8
        buf = b''.join(struct.pack('<Q', start + 8 * i) for i in range(words))
        return buf[phys - start:phys - start + length]
    if kind == 'random':
        return random.Random(number(arg)).randbytes(length)
    if kind == 'fill':
        return bytes([number(arg)]) * length
    if kind == 'holes':
        data = bytearray(random.Random(number(arg)).randbytes(length))
        for block in range(4096, length, 8192):
            data[block:block + 4096] = bytes(len(data[block:block + 4096]))
        return bytes(data)
    if kind == 'text':
        rng, out, size = random.Random(number(arg)), [], 0
        while size < length:
            line = ' '.join(rng.choice(TEXT_WORDS)
                            for _ in range(rng.randint(3, 12))) + '\n'
            out.append(line)
            size += len(line)
        return ''.join(out).encode()[:length]
    if kind == 'lowcore':
        return lowcore(spec, phys, length)
    raise SpecError('data=%s: counter, random:SEED, fill:BYTE, holes:SEED, '
                    'text:SEED or lowcore' % data_spec)


# s390x lowcore (formats.md 5.2): where libkdumpfile finds the VMCOREINFO
# of an s390x dump, and drgn needs it to open kdump-compressed ones
LOWCORE_VMCOREINFO = 0xe0c
LOWCORE_NOTE = 0x1000


def lowcore(spec, phys, length):
    if phys != 0 or spec.vmcoreinfo is None:
        raise SpecError('data=lowcore: a segment at 0, and a vmcoreinfo')
    note = elf_note(b'VMCOREINFO', 0, spec.vmcoreinfo, '>')
    if length < LOWCORE_NOTE + len(note):
        raise SpecError('data=lowcore: %d bytes are too few for the note' % length)
    data = bytearray(length)
    struct.pack_into('>Q', data, LOWCORE_VMCOREINFO, LOWCORE_NOTE)
    data[LOWCORE_NOTE:LOWCORE_NOTE + len(note)] = note
    return bytes(data)


class Cpu:
    def __init__(self, number_, fields, regs):
        self.number = number_
        self.fields = fields  # name -> int, or (sec, usec) for times
        self.regs = regs      # [(name as written, value)]

    def field(self, name):
        return self.fields.get(name, (0, 0) if name in TIME_FIELDS else 0)

    def vmc_prstatus_args(self, arch):
        args = ['vmc-prstatus'] + (['--arch', arch] if arch else [])
        args += ['--cpu', str(self.number)]
        for name in INT_FIELDS:
            if name in self.fields:
                args += ['--' + name, str(self.fields[name])]
        for name in TIME_FIELDS:
            if name in self.fields:
                args += ['--' + name, '%d.%06d' % self.fields[name]]
        return args + ['%s=%#x' % reg for reg in self.regs]


class Spec:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.arch_opt = None
        self.vmcoreinfo_file = None
        self.vmcoreinfo = None
        self.metas = []   # (kind, key, value)
        self.notes = []   # (name, type, bytes)
        self.segments = []
        self.cpus = []
        self.writer = 'pipeline'
        self.order = 'canonical'
        self.steps = []   # directives in order, for the pipeline
        self.pack = {}    # vmc-pack's options (format, compress, ...)
        self.read(path, [])
        if sum(s.source == 'pipe' for s in self.segments) > 1:
            raise SpecError('%s: only one segment can come from the pipe' % path)
        if not self.segments:
            raise SpecError('%s: no segment' % path)
        if self.format == 'elf' and set(self.pack) & set(KDUMP_OPTIONS):
            raise SpecError('%s: %s for the ELF format' % (
                path, ', '.join(sorted(set(self.pack) & set(KDUMP_OPTIONS)))))

    def read(self, path, including):
        if path in including:
            raise SpecError('%s includes itself' % path)
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                try:
                    words = shlex.split(line, comments=True)
                    if words and words[0] == 'include':
                        if len(words) != 2:
                            raise SpecError('include FILE')
                        self.read(os.path.join(os.path.dirname(path), words[1]),
                                  including + [path])
                    elif words:
                        self.directive(words[0], words[1:])
                except SpecError as e:
                    raise SpecError('%s:%d: %s' % (path, lineno, e)) from None

    @property
    def arch(self):
        return ARCH_NAMES[self.arch_opt] if self.arch_opt else 'x86_64'

    @property
    def a(self):
        return ARCHES[self.arch]

    @property
    def endian(self):
        return self.a['endian']

    @property
    def format(self):
        return self.pack.get('format', 'elf')

    @property
    def kdump(self):
        return self.format == 'kdump'

    @property
    def flat(self):
        return 'flat' in self.pack

    @property
    def codec(self):
        return self.pack.get('compress', 'zlib')

    @property
    def dump_level(self):
        return int(self.pack.get('dump-level', 1))

    @property
    def page_size(self):
        """As vmc-pack chooses it: PAGESIZE, else --page-size, else the
        architecture's."""
        value = self.vmcoreinfo_value('PAGESIZE')
        if value and value.isdigit():
            return int(value)
        if 'page-size' in self.pack:
            return size(self.pack['page-size'])
        return self.a['page']

    def vmcoreinfo_value(self, key):
        for line in (self.vmcoreinfo or b'').decode().splitlines():
            k, _, v = line.partition('=')
            if k == key:
                return v
        return None

    def sorted_cpus(self):
        return sorted(self.cpus, key=lambda c: c.number)

    def directive(self, word, args):
        if word == 'flat':
            if args:
                raise SpecError('flat takes no argument')
            self.pack['flat'] = ''
            return
        if not args or (len(args) > 1 and word in ('arch', 'vmcoreinfo', 'annotation',
                                                   'metadata', 'note') + PACK_OPTIONS):
            raise SpecError('%s: wrong number of arguments (quote values with blanks)' % word)
        if word == 'arch':
            if len(args) != 1 or args[0] not in ARCH_NAMES:
                raise SpecError('arch %s: one of %s' % (' '.join(args), ' '.join(ARCH_NAMES)))
            self.arch_opt = args[0]
        elif word in PACK_OPTIONS:
            if word == 'format' and args[0] not in ('elf', 'kdump'):
                raise SpecError('format %s: elf or kdump' % args[0])
            if word == 'compress' and args[0] not in CODECS:
                raise SpecError('compress %s: one of %s' % (args[0], ' '.join(CODECS)))
            if word in ('level', 'dump-level', 'threads', 'page-size'):
                size(args[0])
            self.pack[word] = args[0]
        elif word == 'vmcoreinfo':
            with open(os.path.join(os.path.dirname(self.path), args[0]), 'rb') as f:
                self.vmcoreinfo_file = (os.path.basename(args[0]), f.read())
            text = self.vmcoreinfo_file[1]
            # vmc-note adds a missing final newline, which drgn needs
            self.vmcoreinfo = text if text.endswith(b'\n') else text + b'\n'
            self.steps.append(('note', ['--vmcoreinfo', self.vmcoreinfo_file[0]]))
        elif word in ('annotation', 'metadata'):
            key, eq, value = args[0].partition('=')
            if not eq:
                raise SpecError('%s %s: KEY=VALUE' % (word, args[0]))
            self.metas.append((METADATA if word == 'metadata' else ANNOTATIONS, key, value))
            self.steps.append(('note', ['--' + word, args[0]]))
        elif word == 'note':
            name, _, rest = args[0].partition(':')
            type_, _, text = rest.partition(':')
            self.notes.append((name, number(type_), text.encode()))
            self.steps.append(('note', ['--note', args[0]]))
        elif word in ('segment', 'segments'):
            count = number(args.pop(0)) if word == 'segments' else 1
            if not all('=' in a for a in args):
                raise SpecError('%s: options are NAME=VALUE' % word)
            opts = dict(a.split('=', 1) for a in args)
            step = number(opts.pop('step', '0'))
            base = number(opts['phys'])
            for i in range(count):
                opts['phys'] = hex(base + i * step)
                seg = Segment(self, len(self.segments), opts)
                self.segments.append(seg)
                self.steps.append(('segment', seg))
        elif word == 'cpu':
            first, _, last = args[0].partition('-')
            first = number(first)
            last = number(last) if last else first
            for n in range(first, last + 1):
                cpu = self.parse_cpu(n, n - first, args[1:])
                self.cpus.append(cpu)
                self.steps.append(('cpu', cpu))
        elif word == 'writer':
            if not args or args[0] != 'python':
                raise SpecError('writer python [order=reversed]')
            self.writer = 'python'
            for a in args[1:]:
                if a != 'order=reversed':
                    raise SpecError('writer: unknown %s' % a)
                self.order = 'reversed'
        else:
            raise SpecError('unknown directive %r' % word)

    def parse_cpu(self, n, k, args):
        fields, regs = {}, []
        for arg in args:
            name, eq, value = arg.partition('=')
            if not eq:
                raise SpecError('cpu: %r is not NAME=VALUE' % arg)
            base, plus, step = value.partition('+')
            if name in TIME_FIELDS:
                fields[name] = parse_time(value)
                continue
            v = number(base) + (number(step) * k if plus else 0)
            if name in INT_FIELDS:
                fields[name] = v
            else:
                regs.append((name, v))
        return Cpu(n, fields, regs)

    def canonical_reg(self, name):
        name = name.lower()
        name = self.a['aliases'].get(name, name)
        if name not in [r[0] for r in self.a['regs']]:
            raise SpecError('%s has no register %s' % (self.arch, name))
        return name

    def reg_values(self, cpu):
        """Every register of pr_reg, in order, with its expected value."""
        given = {self.canonical_reg(n): v for n, v in cpu.regs}
        return [(r, given.get(r, 0)) for r, _, _ in self.a['regs']]

    def prstatus(self, cpu):
        """struct elf_prstatus (formats.md section 2), in the machine's
        byte order."""
        e = self.endian
        desc = bytearray(self.a['descsz'])
        struct.pack_into(e + 'iii', desc, 0, cpu.field('signo'),
                         cpu.field('sigcode'), cpu.field('errno'))
        struct.pack_into(e + 'h', desc, 12, cpu.field('cursig'))
        struct.pack_into(e + 'iiii', desc, 32, *(cpu.field(f) for f in
                                                 ('pid', 'ppid', 'pgrp', 'sid')))
        for i, name in enumerate(TIME_FIELDS):
            struct.pack_into(e + 'qq', desc, 48 + 16 * i, *cpu.field(name))
        values = dict(self.reg_values(cpu))
        for name, offset, width in self.a['regs']:
            struct.pack_into(e + ('Q' if width == 8 else 'I'), desc, 112 + offset,
                             values[name])
        return bytes(desc)

    def custom_notes(self):
        """Custom notes as vmc-pack lays them out: metadata and annotations
        merged into one note of sorted key=value lines per vendor and kind,
        then everything sorted by name, type and contents."""
        merged = {}
        for kind, key, value in self.metas:
            merged.setdefault(kind, {})[key] = value
        notes = [(name.encode(), type_, desc) for name, type_, desc in self.notes]
        for kind, pairs in merged.items():
            text = ''.join('%s=%s\n' % kv for kv in sorted(pairs.items()))
            notes.append((VENDOR.encode(), kind, text.encode()))
        return sorted(notes)

    def notes_bytes(self):
        """The notes, and where the VMCOREINFO descriptor starts in them
        (None without one)."""
        e = self.endian
        out = b''.join(elf_note(b'CORE', 1, self.prstatus(c), e)
                       for c in self.sorted_cpus())
        vmcoreinfo_at = None
        if self.vmcoreinfo is not None:
            # after the 12-byte header and the 12 bytes of "VMCOREINFO\0"
            vmcoreinfo_at = len(out) + 24
            out += elf_note(b'VMCOREINFO', 0, self.vmcoreinfo, e)
        return (out + b''.join(elf_note(*n, e) for n in self.custom_notes()),
                vmcoreinfo_at)

    def pages(self):
        """{page frame number: its bytes} of every page a segment touches:
        what a kdump-compressed dump holds, zero where no segment is."""
        page, pages = self.page_size, {}
        for seg in self.segments:
            for pfn in range(seg.phys // page, (seg.end - 1) // page + 1):
                buf = pages.setdefault(pfn, bytearray(page))
                lo, hi = max(seg.phys, pfn * page), min(seg.end, (pfn + 1) * page)
                buf[lo - pfn * page:hi - pfn * page] = \
                    seg.data[lo - seg.phys:hi - seg.phys]
        return {pfn: bytes(buf) for pfn, buf in pages.items()}

    def gaps(self):
        """[start, end) of the bytes of those pages that no segment holds."""
        page, gaps = self.page_size, set()
        ranges = sorted((s.phys, s.end) for s in self.segments)
        for i, (lo, hi) in enumerate(ranges):
            start, end = lo // page * page, round_up(hi, page)
            if i and ranges[i - 1][1] > start:
                start = ranges[i - 1][1]
            if i + 1 < len(ranges) and ranges[i + 1][0] < end:
                end = ranges[i + 1][0]
            gaps.update(g for g in ((start, lo), (hi, end)) if g[0] < g[1])
        return sorted(gaps)


KDUMP_OPTIONS = ('compress', 'level', 'dump-level', 'threads', 'page-size', 'flat')
PACK_OPTIONS = ('format',) + KDUMP_OPTIONS[:-1]


def elf_note(name, type_, desc, endian):
    name += b'\0'
    return (struct.pack(endian + 'III', len(name), len(desc), type_) +
            name.ljust(round_up(len(name), 4), b'\0') +
            desc.ljust(round_up(len(desc), 4), b'\0'))


# ---- build ----

def pipeline(spec, reverse):
    """The shell pipeline that makes the dump, as a user would type it."""
    source = None
    filters = []
    note_at = None
    for kind, what in spec.steps:
        if kind == 'note':
            if note_at is None:
                note_at = len(filters)
                filters.append(['vmc-note'])
            filters[note_at].extend(what)
        elif kind == 'segment' and what.source == 'pipe':
            source = what
        elif kind == 'segment':
            filters.append(what.vmc_seg_args())
        else:
            filters.append(what.vmc_prstatus_args(spec.arch_opt))
    if reverse:
        filters.reverse()
    stages = [['cat', source.file_name], source.vmc_seg_args()] if source else []
    stages += filters + [['vmc-pack', '-o', 'vmcore'] + pack_args(spec)]
    cmds = [' '.join(shlex.quote(w) for w in stage) for stage in stages]
    if not source:
        # the first filter reads its stdin as a stream: an empty one
        cmds[0] += ' </dev/null'
    return ' | '.join(cmds)


def pack_args(spec):
    """vmc-pack's options: only those the spec gives, so that the others
    keep their defaults."""
    args = ['--arch', spec.arch_opt] if spec.arch_opt else []
    for name in PACK_OPTIONS:
        if name in spec.pack:
            args += ['--' + name, spec.pack[name]]
    return args + (['--flat'] if spec.flat else [])


def record(type_, payload):
    return struct.pack('<IIQ', type_, 1, len(payload)) + payload


def stream(spec):
    """The record stream of lib/STREAM.md, written without the filters."""
    desc = []
    if spec.arch_opt:
        desc.append(record(0x02, spec.arch_opt.encode()))
    if spec.vmcoreinfo is not None:
        desc.append(record(0x03, spec.vmcoreinfo))
    for name, type_, text in spec.notes:
        desc.append(record(0x04, struct.pack('<II', type_, len(name)) +
                           name.encode() + text))
    for kind, key, value in spec.metas:
        desc.append(record(0x06, struct.pack('<III', kind, len(VENDOR), len(key)) +
                           (VENDOR + key + value).encode()))
    for cpu in spec.cpus:
        p = struct.pack('<I', cpu.number)
        p += struct.pack('<8i', *(cpu.field(f) for f in INT_FIELDS)) + bytes(4)
        for name in TIME_FIELDS:
            p += struct.pack('<qq', *cpu.field(name))
        p += struct.pack('<I', len(cpu.regs))
        for name, value in cpu.regs:
            p += struct.pack('<B', len(name)) + name.encode() + struct.pack('<Q', value)
        desc.append(record(0x05, p))
    segs = []
    for seg in sorted(spec.segments, key=lambda s: s.phys):
        recs = [record(0x10, struct.pack('<QQQ', seg.phys, seg.virt, seg.size))]
        data, at = seg.data, 0
        # zero blocks as ZERO records, the rest as DATA of at most 1 MiB,
        # as vmc-seg cuts it
        while at < len(data):
            end = at
            zero = not any(data[at:at + 4096])
            while (end < len(data) and (zero or end - at < 1 << 20) and
                   zero == (not any(data[end:end + 4096]))):
                end += 4096
            end = min(end, len(data))
            if zero:
                recs.append(record(0x12, struct.pack('<Q', end - at)))
            else:
                recs.append(record(0x11, data[at:end]))
            at = end
        recs.append(record(0x13, struct.pack('<Q', seg.size)))
        segs.append(recs)
    if spec.order == 'reversed':
        body = [r for recs in segs[::-1] for r in recs] + desc[::-1]
    else:
        body = desc + [r for recs in segs for r in recs]
    head = b'\x89VMC\r\n\x1a\n' + struct.pack('<II', 1, 0)
    return head + b''.join(body) + record(0x01, struct.pack('<Q', len(body)))


def build(spec, outdir, reverse):
    os.makedirs(outdir, exist_ok=True)
    if spec.vmcoreinfo_file:
        with open(os.path.join(outdir, spec.vmcoreinfo_file[0]), 'wb') as f:
            f.write(spec.vmcoreinfo_file[1])
    if spec.writer == 'python':
        with open(os.path.join(outdir, 'stream.vmc'), 'wb') as f:
            f.write(stream(spec))
        cmd = ' '.join(['vmc-pack', '-o', 'vmcore'] + pack_args(spec) + ['<stream.vmc'])
    else:
        for seg in spec.segments:
            with open(os.path.join(outdir, seg.file_name), 'wb') as f:
                f.write(seg.file_bytes())
        cmd = pipeline(spec, reverse)
    print(cmd)
    run = subprocess.run(['bash', '-o', 'pipefail', '-c', cmd], cwd=outdir,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sys.stdout.write(run.stdout.decode(errors='replace'))
    sys.stderr.write(run.stderr.decode(errors='replace'))
    if run.returncode:
        sys.exit('%s: the pipeline failed with status %d' % (spec.name, run.returncode))


# ---- checks ----

class Checker:
    """Collects every mismatch, so that one run reports them all; an
    exception stops that reader's checks and counts as a failure."""

    def __init__(self, spec, path):
        self.spec = spec
        self.path = path
        # what libkdumpfile and drgn open: a flattened file reassembled
        self.dump = path
        self.reader = None
        self.failures = []

    def fail(self, message):
        self.failures.append('%s: %s: %s' % (self.spec.name, self.reader, message))

    def equal(self, what, got, want):
        if got != want:
            self.fail('%s is %r, expected %r' % (what, got, want))

    def same_bytes(self, what, got, want):
        if got == want:
            return
        if len(got) != len(want):
            self.fail('%s: %d bytes, expected %d' % (what, len(got), len(want)))
            return
        at = next(i for i in range(len(want)) if got[i] != want[i])
        self.fail('%s: first difference at +%#x: %s, expected %s'
                  % (what, at, got[at:at + 16].hex(), want[at:at + 16].hex()))

    def raises(self, what, exc, call, message=None):
        """call must raise exc, with a message matching the pattern."""
        try:
            call()
        except exc as e:
            if message and not re.search(message, str(e)):
                self.fail('%s: %s(%r), expected /%s/' % (what, type(e).__name__,
                                                         str(e), message))
            return
        self.fail('%s: expected %s, but it succeeded' % (what, exc.__name__))

    def absent(self, attr, key, why):
        if key in attr:
            self.fail('%s is set (%r), but %s' % (key, attr[key], why))

    def run(self, reader, check):
        self.reader = reader
        try:
            check(self)
        except Exception:
            self.fail('stopped by an exception:\n' + traceback.format_exc())


def by_phys(spec):
    return sorted(spec.segments, key=lambda s: s.phys)


def outside(ranges, addr):
    """Whether addr lies in none of the sorted, disjoint [start, end) ranges."""
    lo, hi = 0, len(ranges)
    while lo < hi:
        mid = (lo + hi) // 2
        if ranges[mid][1] <= addr:
            lo = mid + 1
        else:
            hi = mid
    return 0 <= addr < 1 << 64 and (lo == len(ranges) or addr < ranges[lo][0])


def check_layout(c):
    """The ELF file vmc-pack promises: /proc/vmcore's layout (formats.md 1)."""
    import mmap
    spec, e = c.spec, c.spec.endian
    with open(c.path, 'rb') as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    c.equal('e_ident', m[:16],
            b'\x7fELF\x02' + (b'\x01' if e == '<' else b'\x02') + b'\x01' + bytes(9))
    (e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags,
     e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
     e_shstrndx) = struct.unpack_from(e + 'HHIQQQIHHHHHH', m, 16)
    c.equal('e_type, e_machine, e_version, e_entry, e_phoff, e_flags, e_ehsize, e_phentsize',
            (e_type, e_machine, e_version, e_entry, e_phoff, e_flags, e_ehsize, e_phentsize),
            (4, spec.a['machine'], 1, 0, 64, 0, 64, 56))
    phnum = 1 + len(spec.segments)
    headers = 64 + 56 * phnum
    if phnum >= 0xffff:
        c.equal('PN_XNUM e_phnum, e_shoff, e_shentsize, e_shnum, e_shstrndx',
                (e_phnum, e_shoff, e_shentsize, e_shnum, e_shstrndx),
                (0xffff, headers, 64, 1, 0))
        shdr = struct.unpack_from(e + 'IIQQQQIIQQ', m, headers)
        c.equal('section header 0 sh_type, sh_size, sh_link, sh_info',
                (shdr[1], shdr[5], shdr[6], shdr[7]), (0, 1, 0, phnum))
        headers += 64
    else:
        c.equal('e_phnum, e_shoff, e_shentsize, e_shnum',
                (e_phnum, e_shoff, e_shentsize, e_shnum), (phnum, 0, 0, 0))
    page = spec.page_size
    notes, _ = spec.notes_bytes()
    note_off = round_up(headers, page)
    note_phdr = struct.unpack_from(e + 'IIQQQQQQ', m, 64)
    c.equal('PT_NOTE (type, flags, offset, vaddr, paddr, filesz, memsz, align)',
            note_phdr, (4, 0, note_off, 0, 0, len(notes), len(notes), 0))
    c.same_bytes('the notes', m[note_phdr[2]:note_phdr[2] + note_phdr[5]], notes)
    data_start = note_off + round_up(len(notes), page)
    slots = []
    for i, seg in enumerate(by_phys(spec), 1):
        p_type, flags, off, vaddr, paddr, filesz, memsz, align = \
            struct.unpack_from(e + 'IIQQQQQQ', m, 64 + 56 * i)
        c.equal('phdr %d (type, flags, vaddr, paddr, filesz, memsz, align)' % i,
                (p_type, flags, vaddr, paddr, filesz, memsz, align),
                (1, 7, seg.virt, seg.phys, seg.size, seg.size, 0))
        if off % page != seg.phys % page or off < data_start:
            c.fail('phdr %d: p_offset %#x is before the data (%#x) or not congruent '
                   'to p_paddr %#x modulo %d' % (i, off, data_start, seg.phys, page))
        slots.append((off - off % page, round_up(off + filesz, page)))
    slots.sort()
    for (_, end), (start, _) in zip(slots, slots[1:]):
        if start < end:
            c.fail('segments share file pages at %#x' % start)
    c.equal('file size', len(m), slots[-1][1] if slots else data_start)


def check_flattened(c):
    """makedumpfile's flattened format (formats.md 4): a 4096-byte header,
    records of {big-endian offset, size} and data, an end marker.  The file
    they describe goes to a scratch file for the other checks."""
    with open(c.path, 'rb') as f:
        flat = f.read()
    c.equal('flattened header', (flat[:16], flat[16:32], flat[32:4096]),
            (b'makedumpfile' + bytes(4), struct.pack('>qq', 1, 1), bytes(4064)))
    out, at = bytearray(), 4096
    while True:
        if at + 16 > len(flat):
            c.fail('flattened file ends without its end marker, at %#x' % at)
            break
        offset, length = struct.unpack_from('>qq', flat, at)
        at += 16
        if (offset, length) == (-1, -1):
            break
        if offset < 0 or length <= 0 or at + length > len(flat):
            c.fail('flattened record at %#x: offset %d, size %d' % (at - 16, offset, length))
            break
        if len(out) < offset + length:
            out.extend(bytes(offset + length - len(out)))
        out[offset:offset + length] = flat[at:at + length]
        at += length
    c.equal('bytes after the end marker', len(flat) - at, 0)
    scratch = tempfile.NamedTemporaryFile(dir=os.path.dirname(os.path.abspath(c.path)),
                                          prefix='reassembled.', delete=False)
    with scratch:
        scratch.write(out)
    c.dump = scratch.name


def compressible(page):
    """Whether every codec must shrink the page (one byte repeated), or
    none can (zlib's best leaves it no smaller): otherwise it may be either."""
    if page == page[:1] * len(page):
        return True
    if len(zlib.compress(page, 9)) >= len(page):
        return False
    return None


def decompress(codec, data, page_size):
    if codec == 'zlib':
        d = zlib.decompressobj()
        out = d.decompress(data)
        if not d.eof or d.unused_data:
            raise ValueError('not one whole zlib stream')
        return out
    if codec == 'lzo':
        import lzo
        return lzo.decompress(data, False, page_size)
    if codec == 'snappy':
        import snappy
        return snappy.uncompress(data)
    if codec == 'zstd':
        import zstandard
        return zstandard.ZstdDecompressor().decompress(data, max_output_size=page_size)
    raise ValueError(codec)


def expected_timestamp(spec):
    """CRASHTIME, else SOURCE_DATE_EPOCH, else None: the time of writing."""
    crashtime = spec.vmcoreinfo_value('CRASHTIME')
    if crashtime is not None:
        return int(crashtime)
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    return int(epoch) if epoch else None


def check_kdump_layout(c):
    """The kdump-compressed file, field by field, with this script's own
    parser (formats.md 3): makedumpfile's layout, in the machine's byte
    order, with every page decompressed."""
    spec, e = c.spec, c.spec.endian
    with open(c.dump, 'rb') as f:
        m = f.read()
    block = spec.page_size
    pages = spec.pages()
    max_mapnr = max(pages) + 1
    notes, vmcoreinfo_at = spec.notes_bytes()
    sub_hdr_size = -(-(SUB_HEADER + len(notes)) // block)
    bitmap_len = -(-(-(-max_mapnr // 8)) // block)

    # disk_dump_header
    c.equal('signature', m[:8], b'KDUMP   ')
    c.equal('header_version', struct.unpack_from(e + 'i', m, 8)[0], 6)
    release = (spec.vmcoreinfo_value('OSRELEASE') or 'unknown').encode()
    uts = [b'Linux', b'', release, b'unknown', spec.a['uts'].encode(), b'']
    for i, name in enumerate(('sysname', 'nodename', 'release', 'version',
                              'machine', 'domainname')):
        c.equal('utsname.' + name, m[12 + 65 * i:12 + 65 * (i + 1)], uts[i].ljust(65, b'\0'))
    c.equal('padding after utsname', m[402:408], bytes(6))
    tv_sec, tv_usec = struct.unpack_from(e + 'qq', m, 408)
    want = expected_timestamp(spec)
    if want is None:
        written = os.stat(c.path).st_mtime
        if not written - 60 <= tv_sec <= written + 1:
            c.fail('timestamp %d is not the time of writing (%d)' % (tv_sec, written))
    else:
        c.equal('timestamp.tv_sec', tv_sec, want)
    # a power of two here makes libkdumpfile read the 32-bit layout
    c.equal('timestamp.tv_usec', tv_usec, 0)
    fields = struct.unpack_from(e + 'IiiIIIIIIi', m, 424)
    c.equal('status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr, '
            'total_ram_blocks, device_blocks, written_blocks, current_cpu, nr_cpus',
            fields, (CODECS[spec.codec], block, sub_hdr_size, 2 * bitmap_len,
                     min(max_mapnr, 0xffffffff), 0, 0, 0, 0, len(spec.cpus)))
    c.equal('the rest of block 0 is zero', m[KDUMP_HEADER:block], bytes(block - KDUMP_HEADER))

    # kdump_sub_header, then the notes
    sub = struct.unpack_from(e + 'QiiQQqQqQqQQQQ', m, block)
    phys_base = spec.vmcoreinfo_value('NUMBER(phys_base)')
    c.equal('sub-header (phys_base, dump_level, split, start_pfn, end_pfn, '
            'offset_vmcoreinfo, size_vmcoreinfo, offset_note, size_note, '
            'offset_eraseinfo, size_eraseinfo, start_pfn_64, end_pfn_64, max_mapnr_64)',
            sub, (int(phys_base, 0) if phys_base else 0, spec.dump_level, 0, 0, 0,
                  block + SUB_HEADER + vmcoreinfo_at if spec.vmcoreinfo else 0,
                  len(spec.vmcoreinfo) if spec.vmcoreinfo else 0,
                  block + SUB_HEADER, len(notes), 0, 0, 0, 0, max_mapnr))
    if spec.vmcoreinfo is not None:
        c.same_bytes('offset_vmcoreinfo\'s bytes', m[sub[5]:sub[5] + sub[6]], spec.vmcoreinfo)
    notes_at = block + SUB_HEADER
    c.same_bytes('the notes', m[notes_at:notes_at + len(notes)], notes)
    headers_end = (1 + sub_hdr_size) * block
    c.equal('the rest of the sub-header blocks is zero',
            m[notes_at + len(notes):headers_end], bytes(headers_end - notes_at - len(notes)))

    # both bitmaps: exactly the pages the segments touch
    bitmap = bytearray(bitmap_len * block)
    for pfn in pages:
        bitmap[pfn >> 3] |= 1 << (pfn & 7)
    for i, name in enumerate(('1st bitmap', '2nd bitmap')):
        at = headers_end + i * bitmap_len * block
        c.same_bytes(name, m[at:at + bitmap_len * block], bytes(bitmap))

    # a descriptor per page in PFN order, then the data
    desc_at = headers_end + 2 * bitmap_len * block
    data_at = desc_at + PAGE_DESC * len(pages)
    shared_zero = spec.dump_level & 1
    if shared_zero:
        c.equal('the shared zero page', m[data_at:data_at + block], bytes(block))
    flag = CODECS[spec.codec]
    next_at = data_at + (block if shared_zero else 0)
    for i, pfn in enumerate(sorted(pages)):
        page = pages[pfn]
        offset, size_, flags, page_flags = struct.unpack_from(e + 'qIIQ', m, desc_at + PAGE_DESC * i)
        what = 'page %#x' % (pfn * block)
        if shared_zero and not any(page):
            c.equal(what + ' (zero): offset, size, flags, page_flags',
                    (offset, size_, flags, page_flags), (data_at, block, 0, 0))
            continue
        c.equal(what + ': offset, page_flags', (offset, page_flags), (next_at, 0))
        next_at = offset + size_
        stored = m[offset:offset + size_]
        shrinks = compressible(page)
        if flags == 0:
            c.equal(what + ' stored raw: size', size_, block)
            c.same_bytes(what + ' stored raw', stored, page)
            if shrinks and flag:
                c.fail('%s is stored raw, but %s shrinks it' % (what, spec.codec))
        elif flags == flag and flag:
            if size_ >= block:
                c.fail('%s compressed to %d bytes, not less than a page' % (what, size_))
            try:
                c.same_bytes(what + ' decompressed', decompress(spec.codec, stored, block), page)
            except Exception as ex:
                c.fail('%s does not decompress: %r' % (what, ex))
            if shrinks is False:
                c.fail('%s is compressed, but no codec can shrink it' % what)
        else:
            c.fail('%s: flags %#x, expected 0 or %#x' % (what, flags, flag))
    c.equal('file size', len(m), next_at)


def same_pages(codec, ours, theirs):
    c = Checker(types.SimpleNamespace(name=ours), None)

    def compare(c):
        with open(ours, 'rb') as f:
            a = f.read()
        with open(theirs, 'rb') as f:
            b = f.read()
        block = struct.unpack_from('<i', a, 428)[0]
        sub_hdr_size, bitmap_blocks = struct.unpack_from('<iI', a, 432)
        c.same_bytes('the signature and header version', a[:12], b[:12])
        c.same_bytes('the header after the utsname', a[402:block], b[402:block])
        desc_at = (1 + sub_hdr_size + bitmap_blocks) * block
        c.same_bytes('the sub-header, notes and bitmaps', a[block:desc_at], b[block:desc_at])
        bitmap2 = a[desc_at - bitmap_blocks // 2 * block:desc_at]
        count = sum(bin(x).count('1') for x in bitmap2)
        data_at = desc_at + PAGE_DESC * count
        ends = [data_at, data_at]
        # dump level 1: the shared zero page comes first
        if struct.unpack_from('<i', a, block + 8)[0] & 1:
            c.same_bytes('the shared zero page', a[data_at:data_at + block], bytes(block))
            c.same_bytes('their shared zero page', b[data_at:data_at + block], bytes(block))
            ends = [data_at + block, data_at + block]
        for i in range(count):
            descs = [struct.unpack_from('<qIIQ', m, desc_at + PAGE_DESC * i) for m in (a, b)]
            what = 'descriptor %d' % i
            c.equal(what + ': flags, page_flags', descs[0][2:], descs[1][2:])
            pages = []
            for k, (m, (offset, size_, flags, _)) in enumerate(zip((a, b), descs)):
                # each page right after the one before, but those that
                # share the zero page
                if offset == ends[k]:
                    ends[k] += size_
                elif offset != data_at or size_ != block:
                    c.fail('%s of %s: %d bytes at %d, expected them at %d'
                           % (what, (ours, theirs)[k], size_, offset, ends[k]))
                stored = m[offset:offset + size_]
                pages.append(decompress(codec, stored, block) if flags else stored)
            c.same_bytes(what + "'s page", pages[0], pages[1])
        c.equal('the sizes of the files', (len(a), len(b)), tuple(ends))

    c.run('kdump', compare)
    return report(c, 'the same pages as ' + theirs)


def reader_limits(spec):
    """What the installed readers cannot do with this dump (formats.md 3.11,
    5.2, 5.3), as {what: the pattern of the error they give}."""
    limits = {}
    lowcore = any(s.data_spec == 'lowcore' for s in spec.segments)
    if spec.a['libkdumpfile'] is None:
        limits['kphys'] = 'No way to translate'
        if spec.kdump:
            limits['drgn'] = r'KDUMP_ATTR_ARCH_NAME\): Key has no value'
    elif spec.arch == 's390x' and not lowcore:
        # the lowcore is where libkdumpfile finds an s390x kernel's data
        limits['kphys'] = 'Page not found|Excluded page'
        if spec.kdump:
            limits['drgn'] = 'KDUMP_ATTR_OSTYPE'
    if spec.kdump and spec.vmcoreinfo is None:
        limits['drgn'] = 'linux.vmcoreinfo.raw is not set'
    return limits


def check_libkdumpfile(c):
    import kdumpfile
    import kdumpfile.exceptions
    spec = c.spec
    k = kdumpfile.kdumpfile(c.dump)
    attr = k.attr
    lkf = spec.a['libkdumpfile']
    limits = reader_limits(spec)
    c.equal('file.format', attr['file.format'], 'diskdump' if spec.kdump else 'elf')
    if lkf:
        c.equal('arch.name', attr['arch.name'], lkf['name'])
    else:
        c.absent(attr, 'arch.name', 'libkdumpfile 0.5.1 knows no %s' % spec.arch)
    c.equal('arch.byte_order', attr['arch.byte_order'], 1 if spec.endian == '<' else 0)
    if spec.kdump or spec.vmcoreinfo_value('PAGESIZE'):
        c.equal('arch.page_size', attr['arch.page_size'], spec.page_size)
    for seg in spec.segments:
        c.same_bytes('KDUMP_MACHPHYSADDR %#x' % seg.phys,
                     bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, seg.phys, seg.size)),
                     seg.data)
        # it translates the lower (user) half through page tables, which
        # these dumps do not have: only kernel addresses map by p_vaddr;
        # the kdump-compressed format keeps no virtual addresses
        if seg.virt >> 63 and not spec.kdump:
            c.same_bytes('KDUMP_KVADDR %#x' % seg.virt,
                         bytes(k.read(kdumpfile.KDUMP_KVADDR, seg.virt, seg.size)),
                         seg.data)
    if spec.kdump:
        # whole pages: the rest of a page a segment only partly fills
        for lo, hi in spec.gaps():
            c.same_bytes('KDUMP_MACHPHYSADDR %#x, beside the segments' % lo,
                         bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, lo, hi - lo)),
                         bytes(hi - lo))
    if not lkf:
        c.absent(attr, 'cpu.number', 'libkdumpfile 0.5.1 reads no %s CPU state' % spec.arch)
    else:
        # it counts CPUs as it reads their notes: no note, no count
        c.equal('cpu.number', attr['cpu.number'] if 'cpu.number' in attr else 0,
                len(spec.cpus))
        for i, cpu in enumerate(spec.sorted_cpus()):
            cattr = attr['cpu'][str(i)]
            c.equal('cpu.%d.pid' % i, cattr['pid'], cpu.field('pid'))
            regs = cattr['reg']
            names = {name: lkf['regs'].get(name, name) for name, _, _ in spec.a['regs']}
            c.equal('cpu.%d.reg names' % i, sorted(regs.keys()), sorted(names.values()))
            for name, value in spec.reg_values(cpu):
                if names[name] in regs:
                    c.equal('cpu.%d.reg.%s' % (i, names[name]), regs[names[name]], value)
            c.same_bytes('cpu.%d.PRSTATUS' % i, bytes(cattr['PRSTATUS']),
                         spec.prstatus(cpu))
    if spec.vmcoreinfo is None:
        c.absent(attr, 'linux.vmcoreinfo.raw', 'the dump has no VMCOREINFO')
        if spec.kdump:
            # from the header's utsname
            c.equal('linux.uts.release', attr['linux.uts.release'], 'unknown')
        else:
            c.absent(attr, 'linux.uts.release', 'the dump has no VMCOREINFO')
        return
    c.same_bytes('linux.vmcoreinfo.raw', bytes(attr['linux.vmcoreinfo.raw']),
                 spec.vmcoreinfo)
    c.equal('linux.uts.release', attr['linux.uts.release'],
            spec.vmcoreinfo_value('OSRELEASE'))

    # the kernel's own physical addresses need the Linux translation setup
    def kphys(seg):
        attr['addrxlat.ostype'] = 'linux'
        return bytes(k.read(kdumpfile.KDUMP_KPHYSADDR, seg.phys, seg.size))
    if 'kphys' in limits:
        c.raises('KDUMP_KPHYSADDR', kdumpfile.exceptions.KDumpBaseException,
                 lambda: kphys(spec.segments[0]), limits['kphys'])
        return
    for seg in spec.segments:
        c.same_bytes('KDUMP_KPHYSADDR %#x' % seg.phys, kphys(seg), seg.data)


def check_libkdumpfile_memory(c):
    import kdumpfile
    k = kdumpfile.kdumpfile(c.path)
    c.equal('file.format', k.attr['file.format'], 'diskdump')
    for seg in c.spec.segments:
        c.same_bytes('KDUMP_MACHPHYSADDR %#x' % seg.phys,
                     bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, seg.phys, seg.size)),
                     seg.data)


def check_drgn(c):
    import drgn
    spec = c.spec
    prog = drgn.Program()
    refusal = reader_limits(spec).get('drgn')
    if refusal:
        c.raises('opening the dump', Exception, lambda: prog.set_core_dump(c.dump), refusal)
        return
    prog.set_core_dump(c.dump)
    c.equal('platform.arch', prog.platform.arch,
            getattr(drgn.Architecture, spec.a['drgn']))
    c.equal('platform.flags', prog.platform.flags,
            drgn.PlatformFlags.IS_64_BIT |
            (drgn.PlatformFlags.IS_LITTLE_ENDIAN if spec.endian == '<'
             else drgn.PlatformFlags(0)))
    kernel = bool(prog.flags & drgn.ProgramFlags.IS_LINUX_KERNEL)
    if spec.vmcoreinfo is None:
        # without VMCOREINFO drgn must not take the file for a kernel's
        if kernel:
            c.fail('flags %s: a dump without VMCOREINFO opened as a Linux kernel'
                   % prog.flags)
        c.raises('UTS_RELEASE without VMCOREINFO', KeyError,
                 lambda: prog['UTS_RELEASE'])
        return
    if not kernel:
        c.fail('flags %s lack IS_LINUX_KERNEL' % prog.flags)
        return
    c.equal('UTS_RELEASE', prog['UTS_RELEASE'].string_().decode(),
            spec.vmcoreinfo_value('OSRELEASE'))
    c.equal('PAGE_SIZE', prog['PAGE_SIZE'].value_(), spec.page_size)
    # the kdump-compressed format keeps no virtual addresses
    spaces = ((True, 'phys'),) if spec.kdump else ((True, 'phys'), (False, 'virt'))
    pages = set(spec.pages()) if spec.kdump else set()
    for physical, where in spaces:
        ranges = sorted((getattr(s, where), getattr(s, where) + s.size)
                        for s in spec.segments)
        space = 'physical' if physical else 'virtual'
        for seg in spec.segments:
            addr = getattr(seg, where)
            c.same_bytes('%s %#x' % (space, addr),
                         prog.read(addr, seg.size, physical), seg.data)
            # and not a byte more than was put in: the rest of a page in
            # a kdump-compressed file reads as zero
            for edge in (addr - 1, addr + seg.size):
                if not outside(ranges, edge):
                    continue
                if edge // spec.page_size in pages:
                    c.equal('%s read of %#x, beside a segment in its page' % (space, edge),
                            prog.read(edge, 1, physical), b'\0')
                else:
                    c.raises('%s read of %#x, outside every segment' % (space, edge),
                             drgn.FaultError,
                             lambda edge=edge: prog.read(edge, 1, physical))


# ---- what the command-line readers must show ----

def signed(value):
    return value - (1 << 64) if value >> 63 else value


def xnum(spec):
    return 1 + len(spec.segments) >= 0xffff


def gdb_memory(spec):
    """(address, words) for an x/Ngx of the first bytes of the lowest and
    highest segments (all of them in a small dump)."""
    segs = [s for s in by_phys(spec) if s.size >= 8]
    if len(segs) > 16:
        segs = segs[:8] + segs[-8:]
    return [(s.virt, min(2, s.size // 8)) for s in segs]


def gdb_threads(spec):
    """CPUs gdb shows as threads of their own: the LWP is pr_pid, and pid 0
    or a pid seen twice gives no thread of its own."""
    pids = [c.field('pid') for c in spec.cpus]
    return [c for c in spec.sorted_cpus()
            if c.field('pid') and pids.count(c.field('pid')) == 1]


def gdb_args(spec, dump):
    args = ['-nx', '-batch', '-ex', 'set architecture ' + spec.a['gdb'],
            '-ex', 'core-file ' + dump, '-ex', 'info threads',
            '-ex', 'info registers ' + spec.a['gdb_pc']]
    for addr, words in gdb_memory(spec):
        args += ['-ex', 'x/%dgx %#x' % (words, addr)]
    return args


def match_lines(c, lines, pattern, what):
    if not any(re.search(pattern, line) for line in lines):
        c.fail('no line shows %s (/%s/)' % (what, pattern))


def match_gdb(c, text):
    spec, lines = c.spec, text.splitlines()
    pc, gdb_pc = spec.a['pc'], spec.a['gdb_pc']
    for line in lines:
        if 'warning' in line.lower():
            c.fail('gdb warns: %s' % line)
    for cpu in gdb_threads(spec):
        pid, value = cpu.field('pid'), dict(spec.reg_values(cpu))[pc]
        match_lines(c, lines, r'^\[New LWP %d\]$' % pid, 'CPU %d as LWP %d' % (cpu.number, pid))
        match_lines(c, lines, r'^\*? +\d+ +LWP %d +0x%016x in ' % (pid, value),
                    'thread LWP %d at %s %#x' % (pid, pc, value))
    first = spec.sorted_cpus()[:1]
    if first and first[0] in gdb_threads(spec):
        value = dict(spec.reg_values(first[0]))[pc]
        match_lines(c, lines, r'^%s +0x%x(\s|$)' % (gdb_pc, value),
                    'the first CPU\'s %s %#x' % (gdb_pc, value))
    segs = {s.virt: s for s in spec.segments}
    for addr, words in gdb_memory(spec):
        values = struct.unpack_from('%s%dQ' % (spec.endian, words), segs[addr].data)
        match_lines(c, lines, '^0x%x:' % addr + ''.join(r'\s+0x%016x' % v for v in values) + '$',
                    'the memory at %#x' % addr)


def expected_notes(spec):
    """(owner, size, contents or None) of every note, in file order."""
    notes = [('CORE', spec.a['descsz'], None)] * len(spec.cpus)
    if spec.vmcoreinfo is not None:
        notes.append(('VMCOREINFO', len(spec.vmcoreinfo), spec.vmcoreinfo))
    return notes + [(name.decode(), len(desc), desc) for name, _, desc in spec.custom_notes()]


def readelf_value(spec, name, value):
    if name in spec.a['readelf_hex']:
        return '0x%016x' % value
    if name in spec.a.get('readelf_hex32', ()):
        return '0x%08x' % value
    if name in spec.a.get('readelf_seg', ()):
        return '0x%04x' % value
    return str(signed(value))


def match_eu_readelf_notes(c, text):
    """eu-readelf -n: every note, each CPU's prstatus fields and registers
    under eu-readelf's names, the VMCOREINFO text line by line."""
    spec = c.spec
    notes = []
    for line in text.splitlines():
        m = re.match(r'^  (\S+) +(\d+) +(.*)$', line)
        if m:
            notes.append((m[1], int(m[2]), []))
        elif notes and line.startswith('    '):
            notes[-1][2].append(line[4:])
    want = expected_notes(spec)
    c.equal('notes (owner, size)', [n[:2] for n in notes], [w[:2] for w in want])
    for cpu, (_, _, lines) in zip(spec.sorted_cpus(), notes):
        f, what = cpu.field, 'CPU %d ' % cpu.number
        for line in ('info.si_signo: %d, info.si_code: %d, info.si_errno: %d, cursig: %d'
                     % (f('signo'), f('sigcode'), f('errno'), f('cursig')),
                     'pid: %d, ppid: %d, pgrp: %d, sid: %d'
                     % (f('pid'), f('ppid'), f('pgrp'), f('sid')),
                     ', '.join('%s: %d.%06d' % ((t,) + f(t)) for t in TIME_FIELDS)):
            if line not in lines:
                c.fail(what + 'shows no line %r' % line)
        for name, value in spec.reg_values(cpu):
            # eu-readelf does not show every slot of ppc64's pt_regs
            if name in spec.a.get('readelf_hidden', ()):
                continue
            shown = spec.a['readelf'].get(name, name)
            match_lines(c, lines, r'(^|\s)%s: +%s(,|\s|$)'
                        % (re.escape(shown), re.escape(readelf_value(spec, name, value))),
                        what + shown)
    if spec.vmcoreinfo is not None:
        shown = [n[2] for n in notes if n[0] == 'VMCOREINFO']
        c.equal('the VMCOREINFO text', shown[:1], [spec.vmcoreinfo.decode().splitlines()])


def match_eu_readelf_phdrs(c, text):
    """eu-readelf -h -l: the byte order, the machine, the program header
    count and every PT_LOAD."""
    spec = c.spec
    match_lines(c, text.splitlines(), r'^  Data: +2\'s complement, %s endian$'
                % ('little' if spec.endian == '<' else 'big'), 'the byte order')
    match_lines(c, text.splitlines(), r'^  Machine: +%s$' % re.escape(spec.a['readelf_machine']),
                'the machine')
    phnum = 1 + len(spec.segments)
    count = '%d (%d in [0].sh_info)' % (0xffff, phnum) if xnum(spec) else str(phnum)
    match_lines(c, text.splitlines(),
                r'^  Number of program headers entries: +%s$' % re.escape(count),
                '%s program headers' % count)
    loads = re.findall(r'^  LOAD +0x[0-9a-f]+ +0x([0-9a-f]+) +0x([0-9a-f]+) +0x([0-9a-f]+) '
                       r'+0x([0-9a-f]+) +(\S+) +0x([0-9a-f]+)$', text, re.M)
    c.equal('PT_LOADs (vaddr, paddr, filesz, memsz, flags, align)',
            [(int(v, 16), int(p, 16), int(fs, 16), int(ms, 16), fl, int(al, 16))
             for v, p, fs, ms, fl, al in loads],
            [(s.virt, s.phys, s.size, s.size, 'RWE', 0) for s in by_phys(spec)])


def match_readelf_notes(c, text):
    """binutils readelf -n: every note, and the bytes of those it does not
    decode (VMCOREINFO and the custom notes)."""
    notes = []
    for line in text.splitlines():
        m = re.match(r'^  (\S+) +0x([0-9a-f]{8})\t', line)
        if m:
            notes.append([m[1], int(m[2], 16), None])
        m = re.match(r'^   description data: ((?:[0-9a-f]{2} )*)$', line)
        if m and notes:
            notes[-1][2] = bytes.fromhex(m[1])
    c.equal('notes (owner, size, contents)', [tuple(n) for n in notes], expected_notes(c.spec))


MATCHERS = {'gdb': match_gdb, 'eu-readelf-n': match_eu_readelf_notes,
            'eu-readelf-l': match_eu_readelf_phdrs, 'readelf-n': match_readelf_notes}


def crash_view(spec):
    """What Debian's crash, an x86_64 build, makes of the dump: what
    crash --osrelease prints, and whether crash -d 1 shows its CPUs."""
    release = spec.vmcoreinfo_value('OSRELEASE') or 'unknown'
    if spec.flat:
        # it reads a flattened file's release from its strings alone
        return release, False
    if spec.arch == 'x86_64':
        return release, True
    if spec.kdump and spec.arch == 'riscv64':
        # a utsname machine it does not know is no mismatch to it: it
        # takes the dump for an x86_64 one
        return release, True
    return 'unknown', False


def kdump_pages(spec, dump):
    """Pages total, dumped, zero (left out for the shared zero page), and
    the bytes of page data the descriptors give, that page aside."""
    e, block = spec.endian, spec.page_size
    with open(dump, 'rb') as f:
        m = f.read()
    sub_hdr_size, bitmap_blocks = struct.unpack_from(e + 'iI', m, 432)
    desc_at = (1 + sub_hdr_size + bitmap_blocks) * block
    pages = spec.pages()
    zero = sum(1 for p in pages.values() if not any(p)) if spec.dump_level & 1 else 0
    data_at = desc_at + PAGE_DESC * len(pages)
    stored = 0
    for i in range(len(pages)):
        offset, size_ = struct.unpack_from(e + 'qI', m, desc_at + PAGE_DESC * i)
        if not (spec.dump_level & 1 and offset == data_at):
            stored += size_
    return [len(pages), len(pages) - zero, zero, stored]


def expect(spec, what, dump):
    if what == 'arch':
        return [spec.arch]
    if what == 'format':
        return ['flat' if spec.flat else spec.format]
    if what == 'osrelease':
        return [crash_view(spec)[0]]
    if what == 'crash-cpus':
        return [str(len(spec.cpus)) if crash_view(spec)[1] else '']
    if what == 'cpus':
        return [str(len(spec.cpus))]
    if what == 'xnum':
        return ['yes' if xnum(spec) else 'no']
    if what == 'pack-args':
        return pack_args(spec)
    if what == 'pages':
        return [' '.join(str(n) for n in kdump_pages(spec, dump))]
    if what == 'gdb-args':
        return gdb_args(spec, dump)
    raise SpecError('expect: arch, format, osrelease, crash-cpus, cpus, xnum, '
                    'pack-args, pages or gdb-args, not %r' % what)


def report(c, ok):
    for failure in c.failures:
        print(failure, file=sys.stderr)
    if c.failures:
        print('%s: %d failed checks' % (c.spec.name, len(c.failures)), file=sys.stderr)
        return 1
    print('%s: %s' % (c.spec.name, ok))
    return 0


def main(argv):
    if len(argv) < 3 or argv[0] not in ('build', 'check', 'memory', 'expect', 'match',
                                         'same-pages'):
        sys.exit(__doc__)
    if argv[0] == 'same-pages' and len(argv) == 4:
        return same_pages(*argv[1:])
    try:
        spec = Spec(argv[1])
        if argv[0] == 'expect':
            print('\n'.join(expect(spec, argv[2], argv[3] if len(argv) > 3 else '')))
            return 0
        if argv[0] == 'match' and argv[2] not in MATCHERS:
            raise SpecError('match: %s, not %r' % (', '.join(MATCHERS), argv[2]))
    except SpecError as e:
        sys.exit('check.py: %s' % e)
    if argv[0] == 'build':
        if '--python' in argv[3:]:
            spec.writer = 'python'
        build(spec, argv[2], '--reverse' in argv[3:])
        return 0
    if argv[0] == 'match':
        text = sys.stdin.read()
        c = Checker(spec, None)
        c.run(argv[2], lambda c: MATCHERS[argv[2]](c, text))
        status = report(c, '%s shows everything' % argv[2])
        if status:
            print('%s printed:\n%s' % (argv[2], text), file=sys.stderr)
        return status
    c = Checker(spec, argv[2])
    if argv[0] == 'memory':
        c.run('libkdumpfile', check_libkdumpfile_memory)
        return report(c, 'libkdumpfile read back the memory')
    try:
        if spec.flat:
            c.run('flattened', check_flattened)
        c.run('layout', check_kdump_layout if spec.kdump else check_layout)
        c.run('libkdumpfile', check_libkdumpfile)
        c.run('drgn', check_drgn)
    finally:
        if c.dump != c.path:
            os.unlink(c.dump)
    return report(c, 'layout, libkdumpfile and drgn read back everything')


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
