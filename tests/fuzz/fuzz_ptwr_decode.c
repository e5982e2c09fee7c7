/* Fuzz the decoder of guest page-table writes: any bytes a guest can put
 * at its RIP.  A decode that succeeds must stay within the bytes given and
 * describe one of the understood forms. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/ptwr_decode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t bytes[16];
    unsigned int avail = size < sizeof(bytes) ? (unsigned int)size : sizeof(bytes);
    struct ptwr_insn in;

    memcpy(bytes, data, avail);
    if (!ptwr_decode(bytes, avail, &in))
        return 0;
    if (in.len == 0 || in.len > avail)
        abort();
    if (in.width != 1 && in.width != 4 && in.width != 8)
        abort();
    if (in.width == 1 && !in.has_imm)
        abort();                /* only the immediate forms have a byte width */
    if ((unsigned int)in.kind > PTWR_BTC)
        abort();
    if (in.reg > 15)
        abort();
    return 0;
}
