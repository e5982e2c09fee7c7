/* The printf engine behind the hypervisor's printk, the guest's console
 * and every formatted string in either (lib/include/lib/printf.h).  C99
 * snprintf semantics, minus floating point, wide characters and %n (a
 * write primitive nobody needs). */
#include <stdbool.h>
#include <stdint.h>
#include <lib/errno.h>
#include <lib/printf.h>

#define F_LEFT   0x01u   /* '-' */
#define F_ZERO   0x02u   /* '0' */
#define F_PLUS   0x04u   /* '+' */
#define F_SPACE  0x08u   /* ' ' */
#define F_ALT    0x10u   /* '#' */

/* Widths beyond this are clamped: they can only come from a broken format,
 * and clamping keeps the arithmetic below free of overflow. */
#define FIELD_MAX 0x7fffffff

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE,
              LEN_PTRDIFF, LEN_INTMAX };

struct spec {
    unsigned int flags;
    int width;
    int prec;            /* -1: none given */
    enum length len;
    char conv;
};

/* Output cursor: counts every character, stores those that fit. */
struct out {
    char *buf;
    size_t size;
    size_t count;
};

static void put(struct out *o, char c)
{
    if (o->count + 1 < o->size)
        o->buf[o->count] = c;
    o->count++;
}

static void put_repeat(struct out *o, char c, long n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
    while (n--)
        put(o, *s++);
}

static int parse_num(const char **fmt)
{
    long v = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        v = v * 10 + (**fmt - '0');
        if (v > FIELD_MAX)
            v = FIELD_MAX;
        (*fmt)++;
    }
    return (int)v;
}

static unsigned int parse_flags(const char **fmt)
{
    unsigned int flags = 0;

    for (;; (*fmt)++) {
        switch (**fmt) {
        case '-': flags |= F_LEFT; break;
        case '0': flags |= F_ZERO; break;
        case '+': flags |= F_PLUS; break;
        case ' ': flags |= F_SPACE; break;
        case '#': flags |= F_ALT; break;
        default: return flags;
        }
    }
}

static enum length parse_length(const char **fmt)
{
    const char *f = *fmt;
    enum length len = LEN_INT;

    switch (*f) {
    case 'h':
        len = f[1] == 'h' ? LEN_CHAR : LEN_SHORT;
        break;
    case 'l':
        len = f[1] == 'l' ? LEN_LLONG : LEN_LONG;
        break;
    case 'z': len = LEN_SIZE; break;
    case 't': len = LEN_PTRDIFF; break;
    case 'j': len = LEN_INTMAX; break;
    default: return LEN_INT;
    }
    *fmt += (len == LEN_CHAR || len == LEN_LLONG) ? 2 : 1;
    return len;
}

/* Parse one conversion after its '%'.  va_list is passed by pointer so
 * that '*' arguments are consumed in the caller's list (C99 7.15p3). */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
    sp->flags = parse_flags(fmt);
    if (**fmt == '*') {
        int w = va_arg(*ap, int);

        (*fmt)++;
        /* A negative '*' width means '-' flag plus its magnitude. */
        if (w < 0) {
            sp->flags |= F_LEFT;
            w = w < -FIELD_MAX ? FIELD_MAX : -w;
        }
        sp->width = w;
    } else {
        sp->width = parse_num(fmt);
    }
    sp->prec = -1;
    if (**fmt == '.') {
        (*fmt)++;
        if (**fmt == '*') {
            int p = va_arg(*ap, int);

            (*fmt)++;
            sp->prec = p < 0 ? -1 : p;
        } else {
            sp->prec = parse_num(fmt);
        }
    }
    sp->len = parse_length(fmt);
    sp->conv = **fmt;
}

static long long fetch_signed(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    /* The signed type matching size_t: same width as ptrdiff_t. */
    case LEN_SIZE: return (ptrdiff_t)va_arg(*ap, size_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    case LEN_INTMAX: return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

static unsigned long long fetch_unsigned(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_PTRDIFF: return (size_t)va_arg(*ap, ptrdiff_t);
    case LEN_INTMAX: return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned int);
    }
}

/* Digits of v, most significant first, into buf (big enough for octal
 * 2^64); returns their count.  Zero gives no digits: precision decides. */
static int to_digits(unsigned long long v, unsigned int base, bool upper, char *buf)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, i;

    while (v) {
        tmp[n++] = set[v % base];
        v /= base;
    }
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

static unsigned int conv_base(char conv)
{
    switch (conv) {
    case 'o': return 8;
    case 'x': case 'X': case 'p': return 16;
    default: return 10;
    }
}

static void emit_number(struct out *o, const struct spec *sp,
                        unsigned long long mag, char sign)
{
    unsigned int base = conv_base(sp->conv);
    char digits[24];
    int nd = to_digits(mag, base, sp->conv == 'X', digits);
    long prec = sp->prec < 0 ? 1 : sp->prec;
    const char *prefix = "";
    long zeros, body, pad;

    if ((sp->flags & F_ALT) && base == 16 && mag)
        prefix = sp->conv == 'X' ? "0X" : "0x";
    /* '#' with octal: precision grows just enough for a leading zero. */
    if ((sp->flags & F_ALT) && base == 8 && prec <= nd)
        prec = nd + 1;
    zeros = prec > nd ? prec - nd : 0;
    body = (sign ? 1 : 0) + (*prefix ? 2 : 0) + zeros + nd;
    pad = sp->width > body ? sp->width - body : 0;
    /* '0' pads with zeros only when no precision was given and not '-'. */
    if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(sp->flags & F_LEFT))
        put_repeat(o, ' ', pad);
    if (sign)
        put(o, sign);
    put_str(o, prefix, *prefix ? 2 : 0);
    put_repeat(o, '0', zeros);
    put_str(o, digits, (size_t)nd);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

static void emit_signed(struct out *o, const struct spec *sp, long long v)
{
    /* Negate in unsigned arithmetic: -LLONG_MIN does not fit a long long. */
    unsigned long long mag = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    char sign = 0;

    if (v < 0)
        sign = '-';
    else if (sp->flags & F_PLUS)
        sign = '+';
    else if (sp->flags & F_SPACE)
        sign = ' ';
    emit_number(o, sp, mag, sign);
}

static void emit_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    long pad = sp->width > (long)n ? sp->width - (long)n : 0;

    if (!(sp->flags & F_LEFT))
        put_repeat(o, ' ', pad);
    put_str(o, s, n);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
    size_t n = 0;

    if (!s)
        s = "(null)";
    /* Bounded scan: with a precision the array need not be terminated. */
    while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
        n++;
    emit_padded(o, sp, s, n);
}

static void emit_pointer(struct out *o, const struct spec *sp, const void *p)
{
    struct spec hex = *sp;

    /* Always 0x-prefixed, NULL included, so pointers read the same. */
    hex.flags |= F_ALT;
    if (!p) {
        emit_padded(o, sp, "0x0", 3);
        return;
    }
    emit_number(o, &hex, (uintptr_t)p, 0);
}

/* Emit one conversion; false if conv is not one we know. */
static bool emit_conv(struct out *o, const struct spec *sp, va_list *ap)
{
    char c;

    switch (sp->conv) {
    case 'd': case 'i':
        emit_signed(o, sp, fetch_signed(sp->len, ap));
        return true;
    case 'u': case 'x': case 'X': case 'o':
        emit_number(o, sp, fetch_unsigned(sp->len, ap), 0);
        return true;
    case 'c':
        c = (char)va_arg(*ap, int);
        emit_padded(o, sp, &c, 1);
        return true;
    case 's':
        emit_string(o, sp, va_arg(*ap, const char *));
        return true;
    case 'p':
        emit_pointer(o, sp, va_arg(*ap, const void *));
        return true;
    case '%':
        put(o, '%');
        return true;
    default:
        return false;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        const char *start = fmt;
        struct spec sp;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        parse_spec(&fmt, &sp, &args);
        if (!sp.conv)
            break;
        fmt++;
        /* Unknown conversions are copied through so the mistake shows. */
        if (!emit_conv(&o, &sp, &args))
            put_str(&o, start, (size_t)(fmt - start));
    }
    va_end(args);
    if (size)
        buf[o.count < size ? o.count : size - 1] = '\0';
    return o.count > __INT_MAX__ ? -EOVERFLOW : (int)o.count;
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
