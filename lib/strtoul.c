/* Integer parsing (lib/include/lib/strtoul.h). */
#include <stdbool.h>
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

static bool has_hex_prefix(const char *s)
{
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16;
}

unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base)
{
    const char *p = s;
    unsigned long long v = 0;
    int d;

    if (base == 0)
        base = has_hex_prefix(p) ? 16 : p[0] == '0' ? 8 : 10;
    if (base == 16 && has_hex_prefix(p))
        p += 2;
    if (base < 2 || base > 36) {
        if (end)
            *end = s;
        return 0;
    }
    for (; (d = digit_value(*p)) < (int)base; p++) {
        if (v > (~0ULL - (unsigned int)d) / base)
            break;
        v = v * base + (unsigned int)d;
    }
    if (end)
        *end = p;
    return v;
}
