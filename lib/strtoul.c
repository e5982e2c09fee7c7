/* Integer parsing (lib/include/lib/strtoul.h). */
#include <stdbool.h>
#include <stdint.h>
#include <lib/strtoul.h>

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* s[i] as a digit; past the end of the text, no digit. */
static int digit_at(const char *s, size_t len, size_t i)
{
    return i < len ? digit_value(s[i]) : 99;
}

/* Each byte is looked at only if the ones before it matched, so a
 * terminated string is never read past its NUL whatever len says. */
static bool has_hex_prefix(const char *s, size_t len)
{
    return len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16;
}

unsigned long long simple_strntoull(const char *s, size_t len, const char **end,
                                    unsigned int base)
{
    unsigned long long v = 0;
    size_t i = 0;
    int d;

    if (base == 0)
        base = has_hex_prefix(s, len) ? 16 : digit_at(s, len, 0) == 0 ? 8 : 10;
    if (base == 16 && has_hex_prefix(s, len))
        i = 2;
    if (base < 2 || base > 36) {
        if (end)
            *end = s;
        return 0;
    }
    for (; (d = digit_at(s, len, i)) < (int)base; i++) {
        if (v > (~0ULL - (unsigned int)d) / base)
            break;
        v = v * base + (unsigned int)d;
    }
    if (end)
        *end = s + i;
    return v;
}

/* The terminating NUL is no digit: the parse stops there. */
unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base)
{
    return simple_strntoull(s, SIZE_MAX, end, base);
}
