/* Fuzz the guest segment-descriptor check with any 8 bytes: what it
 * accepts must be harmless as stored (not present; a code or data segment
 * at DPL 3, accessed; or a 64-bit call gate at DPL 0 to a guest selector
 * with its reserved byte clear), and checking that again must accept it
 * unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/config.h>
#include <asm/pv_mm.h>
#include <public/xen.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int harmless(uint64_t d)
{
    uint16_t sel = (uint16_t)(d >> 16);

    if (!(d & (1ULL << 47)))
        return 1;
    if (d & (1ULL << 44))
        return ((d >> 45) & 3) == 3 && (d & (1ULL << 40));
    return ((d >> 40) & 0xf) == 0xc && ((d >> 45) & 3) == 0 && !((d >> 32) & 0xff) &&
           ((sel & 4) || ((sel >> 3) && (sel >> 3) < FIRST_RESERVED_GDT_ENTRY) ||
            (sel & ~3) == (FLAT_RING3_CS64 & ~3) || (sel & ~3) == (FLAT_RING3_CS32 & ~3));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t d = 0, again;

    memcpy(&d, data, size < sizeof(d) ? size : sizeof(d));
    if (!pv_check_descriptor(&d))
        return 0;
    if (!harmless(d))
        abort();
    again = d;
    if (!pv_check_descriptor(&again) || again != d)
        abort();
    return 0;
}
