/* xen_version: the version, strings, feature bits and page size. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <test.h>
#include "tests.h"

/* The version is at least 3.0 (the interface this guest speaks) and the
 * same as the PV CPUID leaf reports. */
void test_version_number(void)
{
    long v = hypercall_xen_version(XENVER_version, NULL);
    uint32_t leaf[4];

    if (v < (3 << 16)) {
        test_fail("XENVER_version returned %#lx", v);
        return;
    }
    pv_cpuid(XEN_CPUID_LEAF(1), 0, leaf);
    if (leaf[0] != (uint32_t)v)
        test_fail("XENVER_version says %lu.%lu, CPUID leaf %#x says %u.%u", v >> 16, v & 0xffff,
                  XEN_CPUID_LEAF(1), leaf[0] >> 16, leaf[0] & 0xffff);
}

/* A string result fills the whole buffer: the string, then NULs to the
 * end, so that none of the guest's old bytes survive in it. */
static void check_padded(const char *what, const char *buf, size_t size)
{
    size_t len = strnlen(buf, size);

    if (len == size) {
        test_fail("%s is not NUL-terminated", what);
        return;
    }
    for (size_t i = len; i < size; i++) {
        if (buf[i]) {
            test_fail("%s is not NUL-padded: byte %zu of %zu is %#x", what, i, size,
                      (unsigned char)buf[i]);
            return;
        }
    }
}

void test_version_extraversion(void)
{
    xen_extraversion_t buf;

    memset(buf, 0xaa, sizeof(buf));
    if (expect_rc("XENVER_extraversion", hypercall_xen_version(XENVER_extraversion, buf), 0))
        check_padded("the extraversion", buf, sizeof(buf));
}

void test_version_capabilities(void)
{
    static xen_capabilities_info_t buf;
    const char *p;

    memset(buf, 0xaa, sizeof(buf));
    if (!expect_rc("XENVER_capabilities", hypercall_xen_version(XENVER_capabilities, buf), 0))
        return;
    check_padded("the capabilities string", buf, sizeof(buf));
    /* Space-separated guest types; this guest's must be among them. */
    for (p = strstr(buf, "xen-3.0-x86_64"); p; p = strstr(p + 1, "xen-3.0-x86_64"))
        if ((p == buf || p[-1] == ' ') && (p[14] == ' ' || p[14] == '\0'))
            return;
    test_fail("capabilities \"%s\" lack xen-3.0-x86_64", buf);
}

/* The bits that follow from being a 64-bit PV guest (Xen 4.17 sets
 * them for every PV domain, dom0 for the hardware domain), and -EINVAL
 * for a submap that does not exist. */
void test_version_features(void)
{
    static const struct {
        unsigned int bit;
        bool set;
        const char *name;
    } want[] = {
        { XENFEAT_mmu_pt_update_preserve_ad, true, "mmu_pt_update_preserve_ad" },
        { XENFEAT_direct_mapped, true, "direct_mapped" },
        { XENFEAT_gnttab_map_avail_bits, true, "gnttab_map_avail_bits" },
        { XENFEAT_not_direct_mapped, false, "not_direct_mapped" },
        { XENFEAT_auto_translated_physmap, false, "auto_translated_physmap" },
        { XENFEAT_supervisor_mode_kernel, false, "supervisor_mode_kernel" },
        { XENFEAT_hvm_callback_vector, false, "hvm_callback_vector" },
    };
    struct xen_feature_info fi = { .submap_idx = 0 };

    if (!expect_rc("XENVER_get_features(0)", hypercall_xen_version(XENVER_get_features, &fi), 0))
        return;
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        if (!!(fi.submap & (1u << want[i].bit)) != want[i].set)
            test_fail("feature %s is %s (submap %#x)", want[i].name,
                      want[i].set ? "clear" : "set", fi.submap);
    if (!!(fi.submap & (1u << XENFEAT_dom0)) != is_initial_domain())
        test_fail("feature dom0 is %s in %s (submap %#x)",
                  fi.submap & (1u << XENFEAT_dom0) ? "set" : "clear",
                  is_initial_domain() ? "the initial domain" : "another domain", fi.submap);
    fi.submap_idx = XENFEAT_NR_SUBMAPS;
    expect_rc("XENVER_get_features of a submap past the last",
              hypercall_xen_version(XENVER_get_features, &fi), -EINVAL);
}

/* Xen returns the page size for a NULL argument, -EINVAL for any other. */
void test_version_pagesize(void)
{
    char buf[8];

    expect_rc("XENVER_pagesize", hypercall_xen_version(XENVER_pagesize, NULL), PAGE_SIZE);
    expect_rc("XENVER_pagesize with a buffer", hypercall_xen_version(XENVER_pagesize, buf),
              -EINVAL);
}

void test_version_bad_cmd(void)
{
    char buf[64];

    expect_rc("xen_version(1000)", hypercall_xen_version(1000, buf), -ENOSYS);
}

/* Every sub-op that takes a buffer fails with -EFAULT when the buffer is
 * unmapped or in the hypervisor's area. */
void test_version_bad_buffer(void)
{
    static const struct {
        unsigned int cmd;
        const char *name;
    } ops[] = {
        { XENVER_extraversion, "extraversion" }, { XENVER_compile_info, "compile_info" },
        { XENVER_capabilities, "capabilities" }, { XENVER_changeset, "changeset" },
        { XENVER_platform_parameters, "platform_parameters" },
        { XENVER_get_features, "get_features" }, { XENVER_guest_handle, "guest_handle" },
        { XENVER_commandline, "commandline" },
    };
    static const uint64_t bad[] = { UNMAPPED_VA, HV_ADDRESS };
    char what[80];

    for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
        if (ops[i].cmd == XENVER_commandline && !is_initial_domain())
            continue;                   /* not the caller's to read at all */
        for (size_t j = 0; j < ARRAY_SIZE(bad); j++) {
            snprintf(what, sizeof(what), "XENVER_%s(%#lx)", ops[i].name, bad[j]);
            expect_rc(what, hypercall_xen_version(ops[i].cmd, (void *)bad[j]), -EFAULT);
        }
    }
}
