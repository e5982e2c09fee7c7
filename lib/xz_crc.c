/* The integrity checks of .xz blocks and headers: CRC32 and CRC64, table
 * driven, one table each, filled on first use.
 *
 * Locking: the tables are filled by whichever caller comes first; xz_decode
 * lets one decode run at a time, so no two fill them at once, and once
 * filled they are only read. */
#include "xz_internal.h"

#define CRC32_POLY 0xEDB88320u
#define CRC64_POLY 0xC96C5795D7870F42ull

static uint32_t crc32_table[256];
static uint64_t crc64_table[256];
static int tables_ready;

static void fill_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c32 = i;
        uint64_t c64 = i;

        for (int k = 0; k < 8; k++) {
            c32 = (c32 >> 1) ^ (CRC32_POLY & (0u - (c32 & 1)));
            c64 = (c64 >> 1) ^ (CRC64_POLY & (0ull - (c64 & 1)));
        }
        crc32_table[i] = c32;
        crc64_table[i] = c64;
    }
    tables_ready = 1;
}

uint32_t xz_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    if (!tables_ready)
        fill_tables();
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc32_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t xz_crc64(uint64_t crc, const uint8_t *p, size_t n)
{
    if (!tables_ready)
        fill_tables();
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc64_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}
