/* Fuzz the shared library's integer parsing (lib/strtoul.c).  The input,
 * in a buffer of its exact size so that ASan catches any read past it, is
 * parsed with the bounded form in every base, and must agree with the
 * terminated form run on a NUL-terminated copy of the same bytes: same
 * value, same number of bytes used.  And the value must be the one the
 * used bytes spell, recomputed digit by digit without overflow. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/strtoul.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        abort();
}

static unsigned int digit(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z')
        return (unsigned int)(c - 'A' + 10);
    return 99;
}

/* [from, to) are digits of base that do not overflow; their value. */
static unsigned long long spelled(const char *from, const char *to, unsigned int base)
{
    unsigned long long v = 0;

    for (; from < to; from++) {
        unsigned int d = digit(*from);

        check(d < base);
        check(v <= (~0ULL - d) / base);
        v = v * base + d;
    }
    return v;
}

static void one_base(const char *text, size_t len, const char *copy, unsigned int base)
{
    const char *end_n, *end_c, *digits;
    unsigned long long v_n = simple_strntoull(text, len, &end_n, base);
    unsigned long long v_c = simple_strtoull(copy, &end_c, base);

    /* A NUL is no digit, so both stop at one inside the input alike. */
    check(end_n >= text && end_n <= text + len);
    check(v_n == v_c && end_n - text == end_c - copy);
    if (base > 36 || base == 1 || end_n == text)
        return;
    /* The digits used, after any "0x" the parse skipped. */
    digits = text;
    if (end_n - text > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
        digit(text[2]) < 16 && (base == 0 || base == 16))
        digits = text + 2;
    if (base == 0)
        base = digits != text ? 16 : text[0] == '0' ? 8 : 10;
    check(spelled(digits, end_n, base) == v_n);
    /* It stopped for a reason: the end, a non-digit, or an overflow. */
    if (end_n < text + len && digit(*end_n) < base)
        check(v_n > (~0ULL - digit(*end_n)) / base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned int bases[] = { 0, 1, 2, 8, 10, 16, 36, 37 };
    char *copy = malloc(size + 1);

    check(copy != NULL);
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
        one_base((const char *)data, size, copy, bases[i]);
    free(copy);
    return 0;
}
