/* Guest memory for host tests: a guest address is a host pointer, and
 * addresses 0 and 1 (and ranges that wrap) stand for bad ones, which a
 * copy refuses with -EFAULT.  Weak, so that a test with its own model of
 * guest memory (faults injected, a window of guest memory) defines its
 * own. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <proxen/errno.h>
#include <proxen/guest_access.h>

__attribute__((weak)) bool guest_range_ok(uint64_t gva, uint64_t len)
{
    return gva > 1 && gva + len >= gva;
}

__attribute__((weak)) bool guest_address_ok(uint64_t gva)
{
    return guest_range_ok(gva, 1);
}

__attribute__((weak)) int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (!guest_range_ok(gva, len))
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

__attribute__((weak)) int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
    if (!guest_range_ok(gva, len))
        return -EFAULT;
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}
