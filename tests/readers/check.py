#!/usr/bin/python3
"""Builds vmcores from test specs, and checks them with the readers.

  check.py build SPEC DIR [--reverse | --python]
      writes SPEC's input files into DIR and runs the pipeline, which
      writes DIR/vmcore; --reverse runs the filters in the opposite order,
      --python writes the stream in canonical order instead (writer python)
  check.py check SPEC DUMP
      the ELF layout vmc-pack promises, then libkdumpfile and drgn must
      read back exactly what SPEC put in
  check.py memory SPEC DUMP
      libkdumpfile must read back SPEC's memory (for makedumpfile's
      conversions, which keep no architecture without VMCOREINFO)
  check.py expect SPEC WHAT [DUMP]
      facts for the bats helpers: arch, osrelease (as crash --osrelease
      prints it), cpus, xnum (yes or no), gdb-args (for DUMP, one a line)
  check.py match SPEC READER < OUTPUT
      READER's OUTPUT must show what SPEC put in: gdb (run with gdb-args),
      eu-readelf-n, eu-readelf-l (of eu-readelf -h -l), readelf-n (binutils)

Run it with Debian's /usr/bin/python3: python3-libkdumpfile and
python3-drgn are installed for that interpreter only.

A spec has one directive a line, split like a shell line; # comments.
  arch A                 vmc-prstatus --arch A and vmc-pack --arch A
                         (without it neither is given: x86_64)
  vmcoreinfo FILE        vmc-note --vmcoreinfo FILE, FILE beside the spec
  annotation KEY=VALUE   vmc-note --annotation
  metadata KEY=VALUE     vmc-note --metadata
  note NAME:TYPE:TEXT    vmc-note --note
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
other 4 KiB block, from the segment's start, zero).
"""
import os
import random
import re
import shlex
import struct
import subprocess
import sys
import traceback

PAGE_DEFAULT = 4096
# kdumpling's note types (lib/kdumpling.h): crash and gdb take types 1
# and 2 for CPU state whatever the note's name
METADATA = 0x4b444c01
ANNOTATIONS = 0x4b444c02

X86_64_REGS = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9',
               'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi', 'orig_rax', 'rip', 'cs',
               'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs',
               'gs']
AARCH64_REGS = ['x%d' % i for i in range(31)] + ['sp', 'pc', 'pstate']

# Register order of pr_reg, and each reader's names and styles for them
# (formats.md section 2).
ARCHES = {
    'x86_64': {
        'machine': 62, 'descsz': 336, 'drgn': 'X86_64', 'gdb': 'i386:x86-64',
        'pc': 'rip', 'regs': X86_64_REGS,
        'aliases': {'rflags': 'eflags', 'fs.base': 'fs_base',
                    'gs.base': 'gs_base'},
        'libkdumpfile': {'eflags': 'rflags'},
        'readelf': {'eflags': 'rflags', 'fs_base': 'fs.base',
                    'gs_base': 'gs.base'},
        'readelf_hex': {'rbp', 'rip', 'rsp', 'eflags', 'fs_base', 'gs_base'},
        'readelf_seg': {'cs', 'ss', 'ds', 'es', 'fs', 'gs'},
    },
    'aarch64': {
        'machine': 183, 'descsz': 392, 'drgn': 'AARCH64', 'gdb': 'aarch64',
        'pc': 'pc', 'regs': AARCH64_REGS,
        'aliases': {'fp': 'x29', 'lr': 'x30'},
        'libkdumpfile': {'x30': 'lr'},
        'readelf': {},
        'readelf_hex': {'sp', 'pc', 'pstate'},
        'readelf_seg': set(),
    },
}
ARCH_NAMES = {'x86_64': 'x86_64', 'aarch64': 'aarch64', 'arm64': 'aarch64'}

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
    def __init__(self, index, opts):
        unknown = set(opts) - {'phys', 'virt', 'size', 'data', 'from', 'offset'}
        if unknown or not {'phys', 'size', 'data'} <= set(opts):
            raise SpecError('segment needs phys= size= data= (and knows virt= '
                            'from= offset=), got %s' % ' '.join(sorted(opts)))
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
            self._data = make_data(self.data_spec, self.phys, self.size)
        return self._data

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


def make_data(spec, phys, length):
    kind, _, arg = spec.partition(':')
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
    raise SpecError('data=%s: counter, random:SEED, fill:BYTE or holes:SEED' % spec)


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
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                try:
                    words = shlex.split(line, comments=True)
                    if words:
                        self.directive(words[0], words[1:])
                except SpecError as e:
                    raise SpecError('%s:%d: %s' % (path, lineno, e)) from None
        if sum(s.source == 'pipe' for s in self.segments) > 1:
            raise SpecError('%s: only one segment can come from the pipe' % path)
        if not self.segments:
            raise SpecError('%s: no segment' % path)

    @property
    def arch(self):
        return ARCH_NAMES[self.arch_opt] if self.arch_opt else 'x86_64'

    @property
    def a(self):
        return ARCHES[self.arch]

    @property
    def page_size(self):
        value = self.vmcoreinfo_value('PAGESIZE')
        return int(value) if value and value.isdigit() else PAGE_DEFAULT

    def vmcoreinfo_value(self, key):
        for line in (self.vmcoreinfo or b'').decode().splitlines():
            k, _, v = line.partition('=')
            if k == key:
                return v
        return None

    def sorted_cpus(self):
        return sorted(self.cpus, key=lambda c: c.number)

    def directive(self, word, args):
        if not args or (len(args) > 1 and word in ('arch', 'vmcoreinfo', 'annotation',
                                                   'metadata', 'note')):
            raise SpecError('%s: wrong number of arguments (quote values with blanks)' % word)
        if word == 'arch':
            if len(args) != 1 or args[0] not in ARCH_NAMES:
                raise SpecError('arch %s: one of %s' % (' '.join(args), ' '.join(ARCH_NAMES)))
            self.arch_opt = args[0]
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
                seg = Segment(len(self.segments), opts)
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
        if name not in self.a['regs']:
            raise SpecError('%s has no register %s' % (self.arch, name))
        return name

    def reg_values(self, cpu):
        """Every register of pr_reg, in order, with its expected value."""
        given = {self.canonical_reg(n): v for n, v in cpu.regs}
        return [(r, given.get(r, 0)) for r in self.a['regs']]

    def prstatus(self, cpu):
        """struct elf_prstatus (formats.md section 2), little-endian."""
        desc = bytearray(self.a['descsz'])
        struct.pack_into('<iii', desc, 0, cpu.field('signo'),
                         cpu.field('sigcode'), cpu.field('errno'))
        struct.pack_into('<h', desc, 12, cpu.field('cursig'))
        struct.pack_into('<iiii', desc, 32, *(cpu.field(f) for f in
                                               ('pid', 'ppid', 'pgrp', 'sid')))
        for i, name in enumerate(TIME_FIELDS):
            struct.pack_into('<qq', desc, 48 + 16 * i, *cpu.field(name))
        for i, (_, value) in enumerate(self.reg_values(cpu)):
            struct.pack_into('<Q', desc, 112 + 8 * i, value)
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
        out = b''.join(elf_note(b'CORE', 1, self.prstatus(c))
                       for c in self.sorted_cpus())
        if self.vmcoreinfo is not None:
            out += elf_note(b'VMCOREINFO', 0, self.vmcoreinfo)
        return out + b''.join(elf_note(*n) for n in self.custom_notes())


def elf_note(name, type_, desc):
    name += b'\0'
    return (struct.pack('<III', len(name), len(desc), type_) +
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
    stages += filters + [['vmc-pack', '-o', 'vmcore'] + pack_arch(spec)]
    cmds = [' '.join(shlex.quote(w) for w in stage) for stage in stages]
    if not source:
        # the first filter reads its stdin as a stream: an empty one
        cmds[0] += ' </dev/null'
    return ' | '.join(cmds)


def pack_arch(spec):
    return ['--arch', spec.arch_opt] if spec.arch_opt else []


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
        cmd = ' '.join(['vmc-pack', '-o', 'vmcore'] + pack_arch(spec) + ['<stream.vmc'])
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

    def raises(self, what, exc, call):
        try:
            call()
        except exc:
            return
        self.fail('%s: expected %s, but it succeeded' % (what, exc.__name__))

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
    spec = c.spec
    with open(c.path, 'rb') as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    c.equal('e_ident', m[:16], b'\x7fELF\x02\x01\x01' + bytes(9))
    (e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags,
     e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
     e_shstrndx) = struct.unpack_from('<HHIQQQIHHHHHH', m, 16)
    c.equal('e_type, e_machine, e_version, e_entry, e_phoff, e_flags, e_ehsize, e_phentsize',
            (e_type, e_machine, e_version, e_entry, e_phoff, e_flags, e_ehsize, e_phentsize),
            (4, spec.a['machine'], 1, 0, 64, 0, 64, 56))
    phnum = 1 + len(spec.segments)
    headers = 64 + 56 * phnum
    if phnum >= 0xffff:
        c.equal('PN_XNUM e_phnum, e_shoff, e_shentsize, e_shnum, e_shstrndx',
                (e_phnum, e_shoff, e_shentsize, e_shnum, e_shstrndx),
                (0xffff, headers, 64, 1, 0))
        shdr = struct.unpack_from('<IIQQQQIIQQ', m, headers)
        c.equal('section header 0 sh_type, sh_size, sh_link, sh_info',
                (shdr[1], shdr[5], shdr[6], shdr[7]), (0, 1, 0, phnum))
        headers += 64
    else:
        c.equal('e_phnum, e_shoff, e_shentsize, e_shnum',
                (e_phnum, e_shoff, e_shentsize, e_shnum), (phnum, 0, 0, 0))
    page = spec.page_size
    notes = spec.notes_bytes()
    note_off = round_up(headers, page)
    note_phdr = struct.unpack_from('<IIQQQQQQ', m, 64)
    c.equal('PT_NOTE (type, flags, offset, vaddr, paddr, filesz, memsz, align)',
            note_phdr, (4, 0, note_off, 0, 0, len(notes), len(notes), 0))
    c.same_bytes('the notes', m[note_phdr[2]:note_phdr[2] + note_phdr[5]], notes)
    data_start = note_off + round_up(len(notes), page)
    slots = []
    for i, seg in enumerate(by_phys(spec), 1):
        p_type, flags, off, vaddr, paddr, filesz, memsz, align = \
            struct.unpack_from('<IIQQQQQQ', m, 64 + 56 * i)
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


def check_libkdumpfile(c):
    import kdumpfile
    spec = c.spec
    k = kdumpfile.kdumpfile(c.path)
    attr = k.attr
    c.equal('file.format', attr['file.format'], 'elf')
    c.equal('arch.name', attr['arch.name'], spec.arch)
    for seg in spec.segments:
        c.same_bytes('KDUMP_MACHPHYSADDR %#x' % seg.phys,
                     bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, seg.phys, seg.size)),
                     seg.data)
        # it translates the lower (user) half through page tables, which
        # these dumps do not have: only kernel addresses map by p_vaddr
        if seg.virt >> 63:
            c.same_bytes('KDUMP_KVADDR %#x' % seg.virt,
                         bytes(k.read(kdumpfile.KDUMP_KVADDR, seg.virt, seg.size)),
                         seg.data)
    c.equal('cpu.number', attr['cpu.number'], len(spec.cpus))
    for i, cpu in enumerate(spec.sorted_cpus()):
        prefix = 'cpu.%d.' % i
        c.equal(prefix + 'pid', attr[prefix + 'pid'], cpu.field('pid'))
        for name, value in spec.reg_values(cpu):
            key = prefix + 'reg.' + spec.a['libkdumpfile'].get(name, name)
            c.equal(key, attr[key], value)
        c.same_bytes(prefix + 'PRSTATUS', bytes(attr[prefix + 'PRSTATUS']),
                     spec.prstatus(cpu))
    if spec.vmcoreinfo is None:
        for key in ('linux.vmcoreinfo.raw', 'linux.uts.release'):
            if key in attr:
                c.fail('%s is set in a dump without VMCOREINFO' % key)
        return
    c.same_bytes('linux.vmcoreinfo.raw', bytes(attr['linux.vmcoreinfo.raw']),
                 spec.vmcoreinfo)
    c.equal('linux.uts.release', attr['linux.uts.release'],
            spec.vmcoreinfo_value('OSRELEASE'))
    # the kernel's own physical addresses need the Linux translation setup
    attr['addrxlat.ostype'] = 'linux'
    for seg in spec.segments:
        c.same_bytes('KDUMP_KPHYSADDR %#x' % seg.phys,
                     bytes(k.read(kdumpfile.KDUMP_KPHYSADDR, seg.phys, seg.size)),
                     seg.data)


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
    prog.set_core_dump(c.path)
    c.equal('platform.arch', prog.platform.arch,
            getattr(drgn.Architecture, spec.a['drgn']))
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
    for physical, where in ((True, 'phys'), (False, 'virt')):
        ranges = sorted((getattr(s, where), getattr(s, where) + s.size)
                        for s in spec.segments)
        space = 'physical' if physical else 'virtual'
        for seg in spec.segments:
            addr = getattr(seg, where)
            c.same_bytes('%s %#x' % (space, addr),
                         prog.read(addr, seg.size, physical), seg.data)
            # and not a byte more than was put in
            for edge in (addr - 1, addr + seg.size):
                if outside(ranges, edge):
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
            '-ex', 'info registers ' + spec.a['pc']]
    for addr, words in gdb_memory(spec):
        args += ['-ex', 'x/%dgx %#x' % (words, addr)]
    return args


def match_lines(c, lines, pattern, what):
    if not any(re.search(pattern, line) for line in lines):
        c.fail('no line shows %s (/%s/)' % (what, pattern))


def match_gdb(c, text):
    spec, lines = c.spec, text.splitlines()
    pc = spec.a['pc']
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
        match_lines(c, lines, r'^%s +0x%x( |$)' % (pc, value),
                    'the first CPU\'s %s %#x' % (pc, value))
    segs = {s.virt: s for s in spec.segments}
    for addr, words in gdb_memory(spec):
        values = struct.unpack_from('<%dQ' % words, segs[addr].data)
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
    if name in spec.a['readelf_seg']:
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
            shown = spec.a['readelf'].get(name, name)
            match_lines(c, lines, r'(^|\s)%s: +%s(,|\s|$)'
                        % (re.escape(shown), re.escape(readelf_value(spec, name, value))),
                        what + shown)
    if spec.vmcoreinfo is not None:
        shown = [n[2] for n in notes if n[0] == 'VMCOREINFO']
        c.equal('the VMCOREINFO text', shown[:1], [spec.vmcoreinfo.decode().splitlines()])


def match_eu_readelf_phdrs(c, text):
    """eu-readelf -h -l: the program header count and every PT_LOAD."""
    spec = c.spec
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


def expect(spec, what, dump):
    if what == 'arch':
        return [spec.arch]
    if what == 'osrelease':
        return [spec.vmcoreinfo_value('OSRELEASE') or '']
    if what == 'cpus':
        return [str(len(spec.cpus))]
    if what == 'xnum':
        return ['yes' if xnum(spec) else 'no']
    if what == 'gdb-args':
        return gdb_args(spec, dump)
    raise SpecError('expect: arch, osrelease, cpus, xnum or gdb-args, not %r' % what)


def report(c, ok):
    for failure in c.failures:
        print(failure, file=sys.stderr)
    if c.failures:
        print('%s: %d failed checks' % (c.spec.name, len(c.failures)), file=sys.stderr)
        return 1
    print('%s: %s' % (c.spec.name, ok))
    return 0


def main(argv):
    if len(argv) < 3 or argv[0] not in ('build', 'check', 'memory', 'expect', 'match'):
        sys.exit(__doc__)
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
    c.run('layout', check_layout)
    c.run('libkdumpfile', check_libkdumpfile)
    c.run('drgn', check_drgn)
    return report(c, 'layout, libkdumpfile and drgn read back everything')


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
