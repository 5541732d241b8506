/* A fake dumped machine for the tests of x86_64's page-table walk and of
 * the filter: physical memory of RAM ranges that read as zeros where
 * nothing was written, pages written anywhere, pages taken out of the
 * dump; and x86_64 page tables built in it. */
#ifndef X86_64_FAKE_H
#define X86_64_FAKE_H

#include "check.h"
#include "arch/arch.h"

#define FAKE_PAGE 4096u
#define FAKE_KERNEL_MAP UINT64_C(0xffffffff80000000)

struct fake_page {
	uint64_t phys;
	uint8_t *data;
	bool dropped; /* not in the dump */
};

struct fake_mem {
	struct fake_page *pages;
	size_t npages, cap;
	uint64_t ram[8][2]; /* [start, end) of RAM the dump holds */
	size_t nram;
	uint64_t reads;
	/* page tables */
	uint64_t root;      /* physical */
	unsigned levels;
	uint64_t next_table; /* where the next table page goes */
	uint64_t entry_bits; /* or'ed into each entry: an SME bit */
};

static inline struct fake_page *fake_find(struct fake_mem *m, uint64_t phys)
{
	uint64_t base = phys & ~(uint64_t)(FAKE_PAGE - 1);

	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i].phys == base)
			return &m->pages[i];
	return NULL;
}

/* The page at phys, made (zero) if it is not there yet. */
static inline uint8_t *fake_page(struct fake_mem *m, uint64_t phys)
{
	struct fake_page *p = fake_find(m, phys);

	if (p)
		return p->data;
	if (m->npages == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->pages = realloc(m->pages, m->cap * sizeof(*m->pages));
		if (!m->pages)
			abort();
	}
	p = &m->pages[m->npages++];
	p->phys = phys & ~(uint64_t)(FAKE_PAGE - 1);
	p->data = calloc(1, FAKE_PAGE);
	p->dropped = false;
	if (!p->data)
		abort();
	return p->data;
}

static inline void fake_write(struct fake_mem *m, uint64_t phys, const void *buf,
                              size_t n)
{
	const uint8_t *in = buf;

	while (n) {
		size_t off = phys % FAKE_PAGE, k = FAKE_PAGE - off < n ? FAKE_PAGE - off : n;

		memcpy(fake_page(m, phys) + off, in, k);
		in += k;
		phys += k;
		n -= k;
	}
}

static inline void fake_put64(struct fake_mem *m, uint64_t phys, uint64_t v)
{
	uint8_t b[8];

	kdl_put64(b, v, false);
	fake_write(m, phys, b, 8);
}

/* The dump holds [start, end) of RAM. */
static inline void fake_ram(struct fake_mem *m, uint64_t start, uint64_t end)
{
	m->ram[m->nram][0] = start;
	m->ram[m->nram][1] = end;
	m->nram++;
}

/* The page at phys is not in the dump, whatever was written there. */
static inline void fake_drop(struct fake_mem *m, uint64_t phys)
{
	fake_page(m, phys);
	fake_find(m, phys)->dropped = true;
}

static inline int fake_read(void *arg, uint64_t phys, void *buf, size_t n)
{
	struct fake_mem *m = arg;
	uint8_t *out = buf;

	m->reads++;
	while (n) {
		size_t off = phys % FAKE_PAGE, k = FAKE_PAGE - off < n ? FAKE_PAGE - off : n;
		struct fake_page *p = fake_find(m, phys);
		bool in_ram = false;

		for (size_t i = 0; i < m->nram; i++)
			in_ram |= phys >= m->ram[i][0] && phys < m->ram[i][1];
		if (p && p->dropped)
			return 1;
		if (p)
			memcpy(out, p->data + off, k);
		else if (in_ram)
			memset(out, 0, k);
		else
			return 1;
		out += k;
		phys += k;
		n -= k;
	}
	return 0;
}

static inline void fake_free(struct fake_mem *m)
{
	for (size_t i = 0; i < m->npages; i++)
		free(m->pages[i].data);
	free(m->pages);
	memset(m, 0, sizeof(*m));
}

/* Page tables of levels levels, the top one at root, others from
 * tables on. */
static inline void fake_tables(struct fake_mem *m, unsigned levels, uint64_t root,
                               uint64_t tables)
{
	m->levels = levels;
	m->root = root;
	m->next_table = tables;
	fake_page(m, root);
}

/* Maps the page of 4 KiB (page_level 1), 2 MiB (2) or 1 GiB (3) at va
 * to pa, making the tables on the way. */
static inline void fake_map(struct fake_mem *m, uint64_t va, uint64_t pa,
                            unsigned page_level)
{
	uint64_t table = m->root;

	for (unsigned level = m->levels; level > page_level; level--) {
		uint64_t at = table + (va >> (12 + 9 * (level - 1))) % 512 * 8;
		uint64_t entry = kdl_get64le(fake_page(m, at) + at % FAKE_PAGE);

		if (!(entry & 1)) {
			entry = m->next_table | 0x63 | m->entry_bits;
			fake_page(m, m->next_table);
			m->next_table += FAKE_PAGE;
			fake_put64(m, at, entry);
		}
		table = entry & UINT64_C(0x000ffffffffff000) & ~m->entry_bits;
	}
	fake_put64(m, table + (va >> (12 + 9 * (page_level - 1))) % 512 * 8,
	           pa | 0x63 | (page_level > 1 ? 0x80 : 0) | m->entry_bits |
	           (1ull << 63) /* NX, not an address bit */);
}

/* The 4 KiB page at va is mapped no more. */
static inline void fake_unmap(struct fake_mem *m, uint64_t va)
{
	uint64_t table = m->root;

	for (unsigned level = m->levels; level > 1; level--) {
		uint64_t at = table + (va >> (12 + 9 * (level - 1))) % 512 * 8;

		table = kdl_get64le(fake_page(m, at) + at % FAKE_PAGE) &
		        UINT64_C(0x000ffffffffff000) & ~m->entry_bits;
	}
	fake_put64(m, table + (va >> 12) % 512 * 8, 0);
}

/* Maps len bytes from va to pa in pages of page_level. */
static inline void fake_map_range(struct fake_mem *m, uint64_t va, uint64_t pa,
                                  uint64_t len, unsigned page_level)
{
	uint64_t size = 1ull << (12 + 9 * (page_level - 1));

	for (uint64_t off = 0; off < len; off += size)
		fake_map(m, va + off, pa + off, page_level);
}

#endif
