/* copy_from_guest / copy_to_guest on x86-64: the guest's page tables are
 * live during a hypercall, so guest addresses are used directly, through
 * raw_copy_guest, whose faults resume at a fixup (usercopy.S). */
#include <proxen/lib.h>
#include <asm/guest_access.h>
#include <proxen/errno.h>

size_t raw_copy_guest(void *dst, const void *src, size_t n);

__hot_path int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (!guest_range_ok(gva, len))
        return -EFAULT;
    return raw_copy_guest(dst, (const void *)gva, len) ? -EFAULT : 0;
}

__hot_path int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    if (!guest_range_ok(gva, len))
        return -EFAULT;
    return raw_copy_guest((void *)gva, src, len) ? -EFAULT : 0;
}
