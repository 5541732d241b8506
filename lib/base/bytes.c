/* Multi-byte fields in the dumped machine's byte order. */
#include "base/base.h"

void kdl_put16(uint8_t *p, uint16_t v, bool be)
{
	for (int i = 0; i < 2; i++)
		p[be ? 1 - i : i] = (uint8_t)(v >> (8 * i));
}

void kdl_put32(uint8_t *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

void kdl_put64(uint8_t *p, uint64_t v, bool be)
{
	for (int i = 0; i < 8; i++)
		p[be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

uint16_t kdl_get16(const uint8_t *p, bool be)
{
	return (uint16_t)(be ? p[0] << 8 | p[1] : p[1] << 8 | p[0]);
}

uint32_t kdl_get32(const uint8_t *p, bool be)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[be ? 3 - i : i] << (8 * i);
	return v;
}

uint64_t kdl_get64(const uint8_t *p, bool be)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[be ? 7 - i : i] << (8 * i);
	return v;
}

uint32_t kdl_get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t kdl_get64le(const uint8_t *p)
{
	return (uint64_t)kdl_get32le(p) | (uint64_t)kdl_get32le(p + 4) << 32;
}
