/* Fuzz the LZ4 decoder and the bzImage header with its payload's decoder
 * choice: any bytes a domain's image may hold.  The sanitizers catch any
 * read or write out of bounds; a success must say it wrote no more than
 * the room it had. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/bzimage.h>
#include <lib/kernel_unpack.h>
#include <lib/lz4.h>

#define ROOM (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[ROOM];
    struct bzimage_payload p;
    size_t got = ROOM + 1, cap = size ? data[0] * 256u : ROOM;
    const char *why = NULL;
    uint8_t *copy = malloc(size ? size : 1);   /* exactly sized: overreads trip ASan */

    memcpy(copy, data, size);
    if (lz4_decode(copy, size, out, cap, &got, &why) == 0 && got > cap)
        abort();
    if (bzimage_payload(copy, size, &p, &why) == 0) {
        if (p.data < copy || p.data + p.len + 4 > copy + size)
            abort();
        got = ROOM + 1;
        if (kernel_unpack(p.data, p.len, out, ROOM, &got, &why) == 0 && got > ROOM)
            abort();
    }
    free(copy);
    return 0;
}
