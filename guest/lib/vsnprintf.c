/* Formatted output: the C99 printf conversions a kernel uses (d i u x X
 * o c s p %), with the flags - 0 + space #, width and precision (also as
 * *), and the length modifiers hh h l ll z j t.  No floating point. */
#include <lib.h>

struct out {
    char *buf;
    size_t size;
    size_t len;               /* what the full output would take */
};

struct spec {
    bool left, zero, plus, space, alt;
    int width;
    int precision;            /* -1: none given */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
    size_t n;

    if (!s)
        s = "(null)";
    n = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
    if (!sp->left)
        pad(o, ' ', sp->width - (int)n);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - (int)n);
}

/* value in base, with sign (if negative), prefix, precision and width. */
static void put_number(struct out *o, uint64_t value, bool negative, unsigned int base,
                       bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    const char *prefix = "";
    int n = 0, zeros, len;

    while (value) {
        tmp[n++] = digits[value % base];
        value /= base;
    }
    if (sp->precision < 0 && n == 0)
        tmp[n++] = '0';
    if (negative)
        prefix = "-";
    else if (sp->plus)
        prefix = "+";
    else if (sp->space)
        prefix = " ";
    if (sp->alt && base == 16 && n && !(n == 1 && tmp[0] == '0'))
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && (n == 0 || tmp[n - 1] != '0'))
        prefix = "0";
    zeros = sp->precision > n ? sp->precision - n : 0;
    len = (int)strlen(prefix) + zeros + n;
    if (sp->zero && !sp->left && sp->precision < 0) {
        zeros += sp->width > len ? sp->width - len : 0;
        len = sp->width > len ? sp->width : len;
    }
    if (!sp->left)
        pad(o, ' ', sp->width - len);
    for (; *prefix; prefix++)
        put(o, *prefix);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - len);
}

static int parse_int(const char **fmt)
{
    int v = 0;

    while (**fmt >= '0' && **fmt <= '9')
        v = v * 10 + *(*fmt)++ - '0';
    return v;
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ .precision = -1 };
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '+')
            sp->plus = true;
        else if (*f == ' ')
            sp->space = true;
        else if (*f == '#')
            sp->alt = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        sp->width = parse_int(&f);
    }
    if (*f == '.') {
        f++;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        } else {
            sp->precision = parse_int(&f);
        }
    }
    return f;
}

/* Length modifier: the argument's size in bytes (4 or 8), -1 for char and
 * -2 for short. */
static const char *parse_length(const char *f, int *size)
{
    *size = 4;
    if (f[0] == 'h' && f[1] == 'h') {
        *size = -1;
        return f + 2;
    }
    if (f[0] == 'l' && f[1] == 'l') {
        *size = 8;
        return f + 2;
    }
    switch (*f) {
    case 'h':
        *size = -2;
        return f + 1;
    case 'l': case 'z': case 'j': case 't':
        *size = 8;
        return f + 1;
    }
    return f;
}

static int64_t signed_arg(va_list *ap, int size)
{
    int64_t v = size == 8 ? va_arg(*ap, int64_t) : va_arg(*ap, int);

    return size == -1 ? (signed char)v : size == -2 ? (short)v : v;
}

static uint64_t unsigned_arg(va_list *ap, int size)
{
    uint64_t v = size == 8 ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);

    return size == -1 ? (unsigned char)v : size == -2 ? (unsigned short)v : v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    va_list ap;
    int len;

    va_copy(ap, ap_in);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &ap);
        fmt = parse_length(fmt, &len);
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = signed_arg(&ap, len);

            put_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp);
            break;
        }
        case 'u':
            put_number(&o, unsigned_arg(&ap, len), false, 10, false, &sp);
            break;
        case 'x': case 'X':
            put_number(&o, unsigned_arg(&ap, len), false, 16, *fmt == 'X', &sp);
            break;
        case 'o':
            put_number(&o, unsigned_arg(&ap, len), false, 8, false, &sp);
            break;
        case 'p':
            sp.alt = true;
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);

            if (!sp.left)
                pad(&o, ' ', sp.width - 1);
            put(&o, c);
            if (sp.left)
                pad(&o, ' ', sp.width - 1);
            break;
        }
        case 's':
            put_string(&o, va_arg(ap, const char *), &sp);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            continue;         /* a lone % at the end: print nothing */
        default:              /* unknown conversion: show it as written */
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
        fmt++;
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
