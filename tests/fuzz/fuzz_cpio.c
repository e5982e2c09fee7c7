/* Fuzz dom0's reader of the images' archive (guest/apps/shell/cpio.c):
 * any bytes, copied to an allocation of exactly their size so that ASan
 * sees a read past the end.  Properties: every entry lies inside the
 * archive, its name is NUL-terminated where its header says, the offset
 * only moves forward, and the walk ends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *archive = malloc(size ? size : 1);
    size_t offset = 0;
    struct cpio_entry e;
    int rc;

    memcpy(archive, data, size);
    for (unsigned int n = 0; (rc = cpio_next(archive, size, &offset, &e)) > 0; n++) {
        const char *name_end = e.name + strlen(e.name);

        if (e.name < archive || name_end >= archive + size)
            abort();
        if ((const char *)e.data < name_end || (const char *)e.data > archive + size ||
            e.size > (size_t)(archive + size - (const char *)e.data))
            abort();
        if (offset > size || n > size / 110)
            abort();                     /* each entry takes 110 bytes at least */
    }
    free(archive);
    return 0;
}
