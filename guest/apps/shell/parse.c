/* Numbers, sizes and error names for the commands. */
#include <lib/errno.h>
#include "shell.h"

bool parse_uint(const char *s, uint64_t *v)
{
    uint64_t n = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(*s - '0');
    }
    *v = n;
    return true;
}

bool parse_size(const char *s, uint64_t *bytes)
{
    char digits[24];
    size_t len = strlen(s);
    unsigned int shift = 20;             /* a bare number is MiB, as xl's */
    uint64_t n;

    if (!len || len >= sizeof(digits))
        return false;
    switch (s[len - 1]) {
    case 'K': case 'k': shift = 10; len--; break;
    case 'M': case 'm': shift = 20; len--; break;
    case 'G': case 'g': shift = 30; len--; break;
    }
    memcpy(digits, s, len);
    digits[len] = '\0';
    if (!parse_uint(digits, &n) || n > (UINT64_MAX >> shift))
        return false;
    *bytes = n << shift;
    return true;
}

const char *errno_text(long rc)
{
    static char buf[24];

    switch (rc) {
    case -EPERM: return "not permitted (EPERM)";
    case -ESRCH: return "no such domain (ESRCH)";
    case -ENOMEM: return "not enough memory (ENOMEM)";
    case -EINVAL: return "invalid argument (EINVAL)";
    case -ENOSPC: return "no domain id free (ENOSPC)";
    case -EBUSY: return "busy (EBUSY)";
    case -ENOSYS: return "not supported by the hypervisor (ENOSYS)";
    }
    return errno_name(rc, buf, sizeof(buf));
}
