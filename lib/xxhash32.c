/* xxHash32, written from the algorithm's specification: four lanes
 * accumulate 16-byte stripes, the tail is mixed in 4 bytes and then one
 * byte at a time, and a final avalanche spreads every input bit. */
#include <lib/xxhash32.h>

#define P1 0x9E3779B1u
#define P2 0x85EBCA77u
#define P3 0xC2B2AE3Du
#define P4 0x27D4EB2Fu
#define P5 0x165667B1u

static uint32_t rotl(uint32_t x, unsigned int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t lane_round(uint32_t acc, uint32_t input)
{
    return rotl(acc + input * P2, 13) * P1;
}

/* The 16-byte stripes of a long input, folded into one accumulator. */
static uint32_t stripes(const uint8_t **p, size_t *n, uint32_t seed)
{
    uint32_t v[4] = { seed + P1 + P2, seed + P2, seed, seed - P1 };

    while (*n >= 16) {
        for (unsigned int k = 0; k < 4; k++)
            v[k] = lane_round(v[k], le32_at(*p + 4 * k));
        *p += 16;
        *n -= 16;
    }
    return rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
}

uint32_t xxhash32(const void *data, size_t n, uint32_t seed)
{
    const uint8_t *p = data;
    uint32_t acc = n >= 16 ? stripes(&p, &n, seed) : seed + P5;

    acc += (uint32_t)(p - (const uint8_t *)data + n);     /* the whole length */
    for (; n >= 4; p += 4, n -= 4)
        acc = rotl(acc + le32_at(p) * P3, 17) * P4;
    for (; n; p++, n--)
        acc = rotl(acc + *p * P5, 11) * P1;
    acc ^= acc >> 15;
    acc *= P2;
    acc ^= acc >> 13;
    acc *= P3;
    acc ^= acc >> 16;
    return acc;
}
