/* The mapping side of grant tables (map, unmap, unmap_and_replace,
 * transfer) until grant_map.c provides it: Xen's answer for a command a
 * hypervisor does not implement. */
#include <proxen/errno.h>
#include <proxen/grant_table.h>

long gnttab_op_map(struct domain *self, unsigned int cmd, uint64_t arg, unsigned int count,
                   size_t *size)
{
    (void)self, (void)cmd, (void)arg, (void)count, (void)size;
    return -ENOSYS;
}
