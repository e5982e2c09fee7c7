/* XS_CONTROL, privileged: the commands that make sense for a library
 * store (Xen's check, help, print and quota; no logs, no live update). */
#include "xs_private.h"

struct quota_name {
    const char *name;
    size_t offset;
};

#define QUOTA(n, field) { n, offsetof(struct xs_quota, field) }
static const struct quota_name quota_names[] = {
    QUOTA("nodes", entries),
    QUOTA("watches", watches),
    QUOTA("transactions", transactions),
    QUOTA("outstanding", outstanding),
    QUOTA("transaction-nodes", trans_nodes),
    QUOTA("node-size", node_size),
    QUOTA("path-max", path_len),
    QUOTA("permissions", perms),
    QUOTA("transaction-memory", tx_memory),
};
#define NQUOTAS (sizeof(quota_names) / sizeof(quota_names[0]))

static unsigned int *quota_field(struct xs_store *s, size_t i)
{
    return (unsigned int *)((char *)&s->quota + quota_names[i].offset);
}

static size_t append(char *buf, size_t off, const char *str)
{
    size_t n = strlen(str);

    memcpy(buf + off, str, n);
    return off + n;
}

/* "quota": one "<name>: <value>" line each; "quota set <name> <n>". */
static int do_quota(struct xs_conn *c, const char **args, unsigned int nargs)
{
    struct xs_store *s = c->store;
    char *buf = s->scratch;
    size_t off = 0;
    uint64_t v = 0;

    if (nargs == 0) {
        off = append(buf, off, "Quota settings:\n");
        for (size_t i = 0; i < NQUOTAS; i++) {
            off = append(buf, off, quota_names[i].name);
            off = append(buf, off, ": ");
            off += xs_format_uint(buf + off, *quota_field(s, i));
            buf[off++] = '\n';
        }
        buf[off++] = '\0';
        xs_reply(c, XS_CONTROL, buf, off);
        return 0;
    }
    if (nargs != 3 || strcmp(args[0], "set"))
        return -EINVAL;
    for (const char *p = args[2]; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000000)
            return -EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v < 1)
        return -EINVAL;
    for (size_t i = 0; i < NQUOTAS; i++)
        if (!strcmp(args[1], quota_names[i].name)) {
            *quota_field(s, i) = (unsigned int)v;
            xs_reply_ok(c);
            return 0;
        }
    return -EINVAL;
}

int xs_do_control(struct xs_conn *c, const char *payload, uint32_t len)
{
    const char *vec[4];
    unsigned int n = xs_strings(payload, len, vec, 4);

    if (n == 0)
        return -EINVAL;
    if (!strcmp(vec[0], "check") && n == 1) {
        if (xs_store_check(c->store) < 0)
            return -EIO;
        xs_reply_ok(c);
        return 0;
    }
    if (!strcmp(vec[0], "print") && n == 2) {
        xs_reply_ok(c);
        return 0;
    }
    if (!strcmp(vec[0], "help") && n == 1) {
        static const char help[] = "check\t\nprint\t<string>\nquota\t[set <name> <val>]\nhelp\t\n";

        xs_reply(c, XS_CONTROL, help, sizeof(help));
        return 0;
    }
    if (!strcmp(vec[0], "quota") && n <= 4)
        return do_quota(c, vec + 1, n - 1);
    return -EINVAL;
}
