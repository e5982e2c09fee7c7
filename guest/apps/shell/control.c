/* The control hypercall and finding domains through it. */
#include <lib/errno.h>
#include <hypercall.h>
#include "shell.h"

long pxctl(struct proxen_control *op)
{
    op->version = PROXEN_CONTROL_VERSION;
    return hypercall(__HYPERVISOR_control, (uint64_t)op, 0, 0, 0, 0);
}

bool domain_next(domid_t *id, struct pxctl_domaininfo *info)
{
    struct proxen_control op = { .cmd = PXCTL_getdomaininfo, .domain = *id };

    if (pxctl(&op))
        return false;
    *info = op.u.domaininfo;
    *id = (domid_t)(info->domain + 1);
    return true;
}

/* A number is an id; anything else a name. */
long domain_find(const char *what, struct pxctl_domaininfo *info)
{
    uint64_t want;
    bool by_id = parse_uint(what, &want);
    domid_t id = 0;

    while (domain_next(&id, info)) {
        if (by_id ? info->domain == want : !strcmp(info->name, what))
            return 0;
        if (id == 0)
            break;                       /* wrapped past the last id */
    }
    return -ESRCH;
}
