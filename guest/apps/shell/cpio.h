/* The "newc" cpio format (what `cpio -H newc` and the Linux initramfs
 * use): a 110-byte ASCII header per entry, its name, its data, each
 * padded to 4 bytes, ended by an entry named TRAILER!!!.  A decoder of
 * input from outside the domain: every length is checked against the
 * archive's end. */
#ifndef SHELL_CPIO_H
#define SHELL_CPIO_H

#include <stdbool.h>
#include <stddef.h>

struct cpio_entry {
    const char *name;            /* NUL-terminated inside the archive */
    const void *data;
    size_t size;
    bool regular;                /* a regular file (not a directory, ...) */
};

/* The entry at *offset; advances *offset past it.  1: an entry; 0: the
 * trailer (the end); negative: the archive is malformed there. */
int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *e);

#endif
