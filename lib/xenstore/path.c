/* Path syntax (docs/misc/xenstore.txt): ASCII alphanumerics and -/_@,
 * absolute from "/" or relative to the caller's /local/domain/<id>, no
 * "//", no trailing "/" but the root's, "@name" only where a special
 * node is allowed, at most XENSTORE_ABS_PATH_MAX bytes, and for an
 * unprivileged caller at most the path quota below /local/domain/<id>/. */
#include "xs_private.h"

#define LOCAL_DOMAIN "/local/domain/"

static bool valid_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' || ch == '_' || ch == '@';
}

bool xs_valid_chars(const char *p)
{
    for (; *p; p++)
        if (!valid_char(*p))
            return false;
    return true;
}

size_t xs_format_uint(char *buf, uint64_t v)
{
    char tmp[20];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

/* "/local/domain/<domid>" into buf (at least 20 bytes); its length. */
size_t xs_domain_path(char *buf, unsigned int domid)
{
    size_t n = sizeof(LOCAL_DOMAIN) - 1;

    memcpy(buf, LOCAL_DOMAIN, n);
    return n + xs_format_uint(buf + n, domid);
}

/* Xen's parse: decimal digits, 0..65535 (an empty string is 0, as
 * strtoul gives it). */
int xs_parse_domid(const char *str, unsigned int *domid)
{
    unsigned long v = 0;

    for (; *str; str++) {
        if (*str < '0' || *str > '9')
            return -EINVAL;
        v = v * 10 + (unsigned long)(*str - '0');
        if (v > 65535)
            return -EINVAL;
    }
    *domid = (unsigned int)v;
    return 0;
}

/* Bytes of name below "/local/domain/<up to 5 digits>/", or 0 when the
 * path does not start so (the part the path quota measures). */
static size_t local_offset(const char *name, size_t len)
{
    size_t pre = sizeof(LOCAL_DOMAIN) - 1, i = pre;

    if (len < pre || memcmp(name, LOCAL_DOMAIN, pre))
        return 0;
    while (i < len && i - pre < 5 && name[i] >= '0' && name[i] <= '9')
        i++;
    if (i == pre || i >= len || name[i] != '/')
        return 0;
    return i + 1;
}

int xs_canonicalize(struct xs_conn *c, const char *in, bool allow_special,
                    char **out, size_t *outlen)
{
    struct xs_store *s = c->store;
    size_t inlen, len, pre = 0;
    char prefix[24];
    char *name;

    if (!in)
        return -EINVAL;
    inlen = strlen(in);
    if (inlen > XENSTORE_ABS_PATH_MAX || !xs_valid_chars(in) ||
        (in[0] == '@' && !allow_special))
        return -EINVAL;
    if (in[0] != '/' && in[0] != '@') {
        pre = xs_domain_path(prefix, c->domid);
        prefix[pre++] = '/';
    }
    len = pre + inlen;
    if (len > XENSTORE_ABS_PATH_MAX)
        return -EINVAL;
    if (pre ? inlen == 0 || in[inlen - 1] == '/' : inlen > 1 && in[inlen - 1] == '/')
        return -EINVAL;
    if (strstr(in, "//"))
        return -EINVAL;
    name = xs_alloc(s, len + 1);
    if (!name)
        return -ENOMEM;
    memcpy(name, prefix, pre);
    memcpy(name + pre, in, inlen + 1);
    if (!c->privileged && len - local_offset(name, len) > s->quota.path_len) {
        xs_free(s, name, len + 1);
        return -EINVAL;
    }
    *out = name;
    *outlen = len;
    return 0;
}

/* The parent of a path other than "/": a prefix of path, or the root
 * for "/a" and for "@special" (as Xen's get_parent). */
const char *xs_parent(const char *path, size_t len, size_t *plen)
{
    size_t i = len;

    if (path[0] != '/') {
        *plen = 1;
        return "/";
    }
    while (i > 1 && path[i - 1] != '/')
        i--;
    *plen = i > 1 ? i - 1 : 1;
    return path;
}

/* The last component of a path other than "/". */
const char *xs_basename(const char *path, size_t len, size_t *blen)
{
    size_t i = len;

    while (i > 0 && path[i - 1] != '/')
        i--;
    *blen = len - i;
    return path + i;
}

/* Is child the same as parent or below it? */
bool xs_is_child(const char *child, size_t clen, const char *parent, size_t plen)
{
    if (clen < plen || memcmp(child, parent, plen))
        return false;
    if (plen == 1 && parent[0] == '/')
        return true;
    return clen == plen || child[plen] == '/';
}
