/* Xen's permissions: a node's first entry names its owner and what
 * everyone not listed may do; later entries grant one domain each.  The
 * owner and privileged connections may do anything; a connection with a
 * target (SET_TARGET) also acts as that domain. */
#include "xs_private.h"

static bool entry_is(const struct xs_conn *c, const struct xs_perm *p)
{
    return p->domid == c->domid || (c->has_target && p->domid == c->target);
}

unsigned int xs_perm_for(const struct xs_conn *c, const struct xs_perm *p,
                         unsigned int np)
{
    if (c->privileged || entry_is(c, &p[0]))
        return XS_PERM_ALL;
    for (unsigned int i = 1; i < np; i++)
        if (entry_is(c, &p[i]))
            return p[i].perms;
    return p[0].perms;
}

/* Parses the NUL-terminated strings in strings[0..len) ("r5", "b0", ...):
 * at most max of them into out.  Bytes after the last NUL are ignored, as
 * Xen counts strings by their NULs. */
int xs_perms_parse(const char *strings, size_t len, struct xs_perm *out,
                   unsigned int max, unsigned int *count)
{
    unsigned int n = 0;
    size_t off = 0;

    while (off < len) {
        const char *str = strings + off;
        size_t slen = strnlen(str, len - off);
        unsigned int bits;

        if (slen == len - off)
            break;                      /* no NUL: not a string */
        if (n == max)
            return -ENOSPC;
        switch (str[0]) {
        case 'r': bits = XS_PERM_READ; break;
        case 'w': bits = XS_PERM_WRITE; break;
        case 'b': bits = XS_PERM_READ | XS_PERM_WRITE; break;
        case 'n': bits = XS_PERM_NONE; break;
        default: return -EINVAL;
        }
        if (slen < 2 || xs_parse_domid(str + 1, &out[n].domid) < 0)
            return -EINVAL;
        out[n++].perms = bits;
        off += slen + 1;
    }
    *count = n;
    return 0;
}

/* The entries as GET_PERMS sends them; the bytes written (buf is large
 * enough for np entries of 7 bytes each). */
size_t xs_perms_format(const struct xs_perm *p, unsigned int np, char *buf, size_t size)
{
    size_t off = 0;

    for (unsigned int i = 0; i < np && off + 8 <= size; i++) {
        unsigned int rw = p[i].perms & (XS_PERM_READ | XS_PERM_WRITE);

        buf[off++] = rw == (XS_PERM_READ | XS_PERM_WRITE) ? 'b' :
                     rw == XS_PERM_READ ? 'r' : rw == XS_PERM_WRITE ? 'w' : 'n';
        off += xs_format_uint(buf + off, p[i].domid) + 1;
    }
    return off;
}
