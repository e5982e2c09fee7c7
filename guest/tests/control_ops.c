/* The control interface's calls, shared by the tests. */
#include <hypercall.h>
#include <lib.h>
#include "control_ops.h"

long ctl_call(struct proxen_control *op)
{
    return hypercall(__HYPERVISOR_control, (uint64_t)op, 0, 0, 0, 0);
}

struct proxen_control ctl_op(uint32_t cmd, domid_t dom)
{
    return (struct proxen_control){ .version = PROXEN_CONTROL_VERSION, .cmd = cmd,
                                    .domain = dom };
}

long ctl_create(const char *name, uint32_t vcpus, domid_t *id)
{
    struct proxen_control op = ctl_op(PXCTL_createdomain, 0);
    long rc;

    op.u.createdomain.max_vcpus = vcpus;
    op.u.createdomain.max_pages = 1024;
    strlcpy(op.u.createdomain.name, name, sizeof(op.u.createdomain.name));
    rc = ctl_call(&op);
    *id = op.domain;
    return rc;
}

long ctl_destroy(domid_t id)
{
    struct proxen_control op = ctl_op(PXCTL_destroydomain, id);

    return ctl_call(&op);
}

long ctl_info(domid_t from, struct pxctl_domaininfo *out)
{
    struct proxen_control op = ctl_op(PXCTL_getdomaininfo, from);
    long rc = ctl_call(&op);

    *out = op.u.domaininfo;
    return rc;
}

uint64_t ctl_free_pages(void)
{
    struct proxen_control op = ctl_op(PXCTL_physinfo, 0);

    return ctl_call(&op) ? 0 : op.u.physinfo.free_pages;
}

long ctl_populate(domid_t id, uint64_t nr)
{
    struct proxen_control op = ctl_op(PXCTL_populate, id);

    op.u.populate.nr_pages = nr;
    return ctl_call(&op);
}

long ctl_memlist(domid_t id, uint64_t start, uint64_t *buf, uint64_t max, uint64_t *got)
{
    struct proxen_control op = ctl_op(PXCTL_getmemlist, id);
    long rc;

    op.u.getmemlist = (struct pxctl_getmemlist){ (uint64_t)buf, start, max, 0 };
    rc = ctl_call(&op);
    *got = op.u.getmemlist.max;
    return rc;
}
