/* xen_version: who the guest is talking to.  The version reported is the
 * ABI spoken (Xen 4.17); strings are NUL-padded to their full buffer size
 * so that no stale guest bytes survive in them. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <proxen/options.h>
#include <proxen/version.h>
#include <public/features.h>
#include <public/version.h>
#include <public/xen.h>

#ifdef __clang__
#define COMPILER_ID "clang " __clang_version__
#else
#define COMPILER_ID "gcc " __VERSION__
#endif

#define ABI_MAJOR 4
#define ABI_MINOR 17

/* Features every 64-bit PV guest gets from this hypervisor. */
static uint32_t feature_submap(const struct domain *d)
{
    uint32_t f = (1u << XENFEAT_mmu_pt_update_preserve_ad) | (1u << XENFEAT_direct_mapped) |
                 (1u << XENFEAT_gnttab_map_avail_bits);     /* grant_map.c, as Xen */

    if (d->is_privileged)
        f |= 1u << XENFEAT_dom0;
    return f;
}

static long copy_string(uint64_t buf, const char *s, size_t size)
{
    char out[XEN_CAPABILITIES_INFO_LEN];

    memset(out, 0, size);
    strlcpy(out, s, size);
    return copy_to_guest(buf, out, size) ? -EFAULT : 0;
}

static long compile_info(uint64_t buf)
{
    struct xen_compile_info ci;

    memset(&ci, 0, sizeof(ci));
    strlcpy(ci.compiler, COMPILER_ID, sizeof(ci.compiler));
    strlcpy(ci.compile_by, "proxen", sizeof(ci.compile_by));
    strlcpy(ci.compile_domain, "local", sizeof(ci.compile_domain));
    strlcpy(ci.compile_date, __DATE__ " " __TIME__, sizeof(ci.compile_date));
    return copy_to_guest(buf, &ci, sizeof(ci)) ? -EFAULT : 0;
}

__hot_path long do_xen_version(const uint64_t a[6])
{
    struct domain *d = current_vcpu()->domain;
    uint64_t buf = a[1];
    struct xen_feature_info fi;
    struct xen_platform_parameters pp = { HYPERVISOR_VIRT_START };
    xen_domain_handle_t handle = { 0 };

    switch (a[0]) {
    case XENVER_version:
        return (ABI_MAJOR << 16) | ABI_MINOR;
    case XENVER_extraversion:
        return copy_string(buf, ".0-proxen", XEN_EXTRAVERSION_LEN);
    case XENVER_capabilities:
        return copy_string(buf, "xen-3.0-x86_64", XEN_CAPABILITIES_INFO_LEN);
    case XENVER_changeset:
        return copy_string(buf, "proxen " PROXEN_VERSION, XEN_CHANGESET_INFO_LEN);
    case XENVER_commandline:
        if (!d->is_privileged)
            return -EPERM;
        return copy_string(buf, hv_cmdline, XEN_COMMANDLINE_LEN);
    case XENVER_compile_info:
        return compile_info(buf);
    case XENVER_platform_parameters:
        return copy_to_guest(buf, &pp, sizeof(pp)) ? -EFAULT : 0;
    case XENVER_get_features:
        if (copy_from_guest(&fi, buf, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
            return -EINVAL;
        fi.submap = feature_submap(d);
        return copy_to_guest(buf, &fi, sizeof(fi)) ? -EFAULT : 0;
    case XENVER_pagesize:
        return buf ? -EINVAL : (long)PAGE_SIZE;
    case XENVER_guest_handle:
        return copy_to_guest(buf, handle, sizeof(handle)) ? -EFAULT : 0;
    }
    return -ENOSYS;
}
