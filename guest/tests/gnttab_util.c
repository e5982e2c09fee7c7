/* Helpers of the grant-table tests (gnttab.h). */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <lib/string.h>
#include <lib/strtoul.h>
#include <pagetable.h>
#include "gnttab.h"

uint32_t gnt_dom0_max_frames(void)
{
    static char line[XEN_COMMANDLINE_LEN];
    const char *opt;

    if (hypercall_xen_version(XENVER_commandline, line) < 0)
        return 64;
    line[sizeof(line) - 1] = '\0';
    opt = strstr(line, "gnttab_max_frames=");
    if (!opt || (opt > line && opt[-1] != ' '))
        return 64;
    return (uint32_t)simple_strtoull(opt + sizeof("gnttab_max_frames=") - 1, NULL, 0);
}

long gnt_query(domid_t dom, struct gnttab_query_size *q)
{
    *q = (struct gnttab_query_size){ .dom = dom, .status = 1 };
    return hypercall_grant_table_op(GNTTABOP_query_size, q, 1);
}

long gnt_setup(domid_t dom, uint32_t nr, uint64_t *frames, int16_t *status)
{
    struct gnttab_setup_table op = { .dom = dom, .nr_frames = nr, .status = 1,
                                     .frame_list = (uint64_t)frames };
    long rc = hypercall_grant_table_op(GNTTABOP_setup_table, &op, 1);

    *status = op.status;
    return rc;
}

long gnt_status_frames(domid_t dom, uint32_t nr, uint64_t *frames, int16_t *status)
{
    struct gnttab_get_status_frames op = { .dom = dom, .nr_frames = nr, .status = 1,
                                           .frame_list = (uint64_t)frames };
    long rc = hypercall_grant_table_op(GNTTABOP_get_status_frames, &op, 1);

    *status = op.status;
    return rc;
}

long gnt_set_version(uint32_t version, uint32_t *now)
{
    struct gnttab_set_version op = { version };
    long rc = hypercall_grant_table_op(GNTTABOP_set_version, &op, 1);

    *now = op.version;
    return rc;
}

long gnt_get_version(domid_t dom, uint32_t *version)
{
    struct gnttab_get_version op = { .dom = dom, .version = 0xdead };
    long rc = hypercall_grant_table_op(GNTTABOP_get_version, &op, 1);

    *version = op.version;
    return rc;
}

static long map_frames(uint64_t va, const uint64_t *frames, uint32_t nr)
{
    for (uint32_t i = 0; i < nr; i++) {
        long rc = pt_map(va + i * PAGE_SIZE, frames[i], PTE_KERNEL_RW);

        if (rc)
            return rc;
    }
    return 0;
}

long gnt_map_table(uint32_t nr)
{
    uint64_t frames[GNT_MAX_MAPPED];
    int16_t st;
    long rc = nr > GNT_MAX_MAPPED ? -EINVAL : gnt_setup(DOMID_SELF, nr, frames, &st);

    if (rc || st != GNTST_okay)
        return rc ? rc : -EIO;
    return map_frames(GNT_VA, frames, nr);
}

long gnt_map_status(uint32_t nr)
{
    uint64_t frames[GNT_MAX_MAPPED];
    int16_t st;
    long rc = nr > GNT_MAX_MAPPED ? -EINVAL : gnt_status_frames(DOMID_SELF, nr, frames, &st);

    if (rc || st != GNTST_okay)
        return rc ? rc : -EIO;
    return map_frames(GNT_STATUS_VA, frames, nr);
}

void gnt_unmap_table(uint32_t nr)
{
    for (uint32_t i = 0; i < nr; i++)
        (void)pt_unmap(GNT_VA + i * PAGE_SIZE);
}

void gnt_unmap_status(uint32_t nr)
{
    for (uint32_t i = 0; i < nr; i++)
        (void)pt_unmap(GNT_STATUS_VA + i * PAGE_SIZE);
}

void gnt_grant_v1(grant_ref_t ref, domid_t domid, uint64_t mfn, uint16_t flags)
{
    struct grant_entry_v1 *e = &gnt_v1()[ref];

    e->domid = domid;
    e->frame = (uint32_t)mfn;
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}
