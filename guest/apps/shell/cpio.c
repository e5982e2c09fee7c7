/* newc cpio decoding (cpio.h).  Self-contained (no C library), so that
 * the host's fuzzer and unit test build it as it is. */
#include "cpio.h"

#define HEADER_LEN 110
#define MAGIC "070701"
#define TRAILER "TRAILER!!!"
#define FIELD_LEN 8
#define S_IFMT 0170000
#define S_IFREG 0100000

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

static bool hex_field(const char *h, unsigned int field, size_t *v)
{
    const char *p = h + 6 + field * FIELD_LEN;
    size_t n = 0;

    for (unsigned int i = 0; i < FIELD_LEN; i++) {
        char c = p[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned int)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned int)(c - 'A' + 10);
        else
            return false;
        n = n << 4 | d;
    }
    *v = n;
    return true;
}

static bool same(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* The length of s before its first NUL, at most max. */
static size_t length(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* pos rounded up to 4, if that stays within len. */
static bool align4(size_t pos, size_t len, size_t *out)
{
    size_t a = (pos + 3) & ~(size_t)3;

    if (a < pos || a > len)
        return false;
    *out = a;
    return true;
}

int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *e)
{
    const char *a = archive;
    size_t pos = *offset, mode, namesize, filesize, data;

    if (pos > len || len - pos < HEADER_LEN || !same(a + pos, MAGIC, 6))
        return -1;
    if (!hex_field(a + pos, F_MODE, &mode) || !hex_field(a + pos, F_NAMESIZE, &namesize) ||
        !hex_field(a + pos, F_FILESIZE, &filesize))
        return -1;
    pos += HEADER_LEN;
    /* The name: namesize bytes with its NUL last, and no NUL before. */
    if (namesize == 0 || namesize > len - pos || length(a + pos, namesize) != namesize - 1)
        return -1;
    e->name = a + pos;
    if (!align4(pos + namesize, len, &data) || filesize > len - data)
        return -1;
    if (namesize == sizeof(TRAILER) && same(e->name, TRAILER, sizeof(TRAILER)))
        return 0;
    e->data = a + data;
    e->size = filesize;
    e->regular = (mode & S_IFMT) == S_IFREG;
    if (!align4(data + filesize, len, offset))
        *offset = len;                   /* the last entry, unpadded */
    return 1;
}
