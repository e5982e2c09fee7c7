/* Which guest virtual addresses a guest may hand the hypervisor: the
 * lower canonical half, and the upper half above the hypervisor's slots.
 * Apart from the copy helpers (guest_access.c) so that the argument
 * decoders' host tests use the same rule. */
#include <asm/guest_access.h>
#include <proxen/lib.h>

__hot_path bool guest_range_ok(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;

    if (end < addr)
        return false;
    if (end <= GUEST_LOW_END)
        return true;
    return addr >= GUEST_HIGH_START;
}

bool guest_address_ok(uint64_t gva)
{
    return guest_range_ok(gva, 1);
}
