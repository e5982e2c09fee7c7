/* The C string and memory functions of the hypervisor and the guest
 * (lib/include/lib/string.h).
 *
 * Bulk copies and fills go a word at a time when alignment allows: guest
 * memory is zeroed and copied through here, and under TCG every saved
 * instruction counts. */
#include <stdbool.h>
#include <stdint.h>
#include <lib/string.h>

#if __STDC_HOSTED__
/* Host builds define these under their lib_ names (see the header). */
#define memcpy  lib_memcpy
#define memmove lib_memmove
#define memset  lib_memset
#define memcmp  lib_memcmp
#define strlen  lib_strlen
#define strnlen lib_strnlen
#define strcmp  lib_strcmp
#define strncmp lib_strncmp
#define strchr  lib_strchr
#define strstr  lib_strstr
#endif

/* GCC may turn the byte loops below back into calls to the very function
 * being defined; stop it.  Clang does not do so under -ffreestanding. */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALLS
#endif

#define WORD sizeof(unsigned long)

static bool both_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a | (uintptr_t)b) & (WORD - 1)) == 0;
}

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (both_aligned(d, s)) {
        for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
            *(unsigned long *)d = *(const unsigned long *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* Overlap-safe: copy backwards when the destination lies above the source.
 * Below it, memcpy's forward copy never overwrites a byte before reading it,
 * even a word at a time. */
NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    d += n;
    s += n;
    while (n--)
        *--d = *--s;
    return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned long pattern = (unsigned char)c * (~0UL / 0xff);

    for (; n && ((uintptr_t)d & (WORD - 1)); n--)
        *d++ = (unsigned char)c;
    for (; n >= WORD; n -= WORD, d += WORD)
        *(unsigned long *)d = pattern;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

NO_LIBCALLS int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

NO_LIBCALLS size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

NO_LIBCALLS size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y || !*x)
            return *x - *y;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;    /* the C library's contract: const in, not out */
        if (!*s)
            return NULL;
    }
}

/* The first occurrence of needle in haystack; haystack itself for an
 * empty needle. */
char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack; haystack++) {
        if (!strncmp(haystack, needle, n))
            return (char *)(uintptr_t)haystack;
    }
    return n ? NULL : (char *)(uintptr_t)haystack;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
