/* Fuzz the .xz decoder (lib/xz.c and its parts).  The first two bytes of
 * the input choose the output buffer's size, the rest is the file; the
 * buffer is allocated at exactly that size so that ASan catches a write
 * past it, and the input likewise.  For a file it accepts, the decoder
 * must have written no more than the buffer, and must decode it again to
 * the same bytes in a buffer of exactly that many, and refuse it with
 * -ENOSPC in one a byte shorter. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/errno.h>
#include <lib/xz.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap, out_len, again_len;
    uint8_t *in, *out, *again;
    const char *why = NULL;
    int err;

    if (size < 2)
        return 0;
    cap = ((size_t)data[0] | (size_t)data[1] << 8) * 16;
    in = malloc(size - 2 + 1);
    out = malloc(cap + 1);
    check(in && out);
    memcpy(in, data + 2, size - 2);
    err = xz_decode(in, size - 2, out, cap, &out_len, &why);
    check(out_len <= cap);
    check(err == 0 || why != NULL);
    check(err <= 0 && err != -EBUSY);
    if (err == 0) {
        again = malloc(out_len + 1);
        check(again != NULL);
        check(xz_decode(in, size - 2, again, out_len, &again_len, &why) == 0);
        check(again_len == out_len && memcmp(again, out, out_len) == 0);
        if (out_len > 0)
            check(xz_decode(in, size - 2, again, out_len - 1, &again_len, &why) == -ENOSPC);
        free(again);
    }
    free(out);
    free(in);
    return 0;
}
