/* Version and build information: HYPERVISOR_xen_version(cmd, arg), cmd
 * XENVER_*, arg the buffer listed (OUT unless stated).  Any domain may
 * ask, except for the command line and build id (privileged).  The
 * fixed-size string ops fill and NUL-terminate the whole buffer,
 * truncating; the newer *2 ops take a xen_varbuf and do not truncate. */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"

#define XENVER_version         0  /* NULL: returns major << 16 | minor */
#define XENVER_extraversion    1  /* char[XEN_EXTRAVERSION_LEN], e.g. ".0" */
#define XENVER_compile_info    2  /* xen_compile_info */
#define XENVER_capabilities    3  /* char[XEN_CAPABILITIES_INFO_LEN]: guest
                                   * types, space-separated, e.g. "xen-3.0-x86_64" */
#define XENVER_changeset       4  /* char[XEN_CHANGESET_INFO_LEN]: source revision */
#define XENVER_platform_parameters 5 /* xen_platform_parameters */
#define XENVER_get_features    6  /* xen_feature_info (IN/OUT) */
#define XENVER_pagesize        7  /* NULL: returns the page size */
#define XENVER_guest_handle    8  /* xen_domain_handle_t: the domain's UUID */
#define XENVER_commandline     9  /* char[XEN_COMMANDLINE_LEN]: the hypervisor's */
#define XENVER_build_id       10  /* xen_varbuf: binary build id */
#define XENVER_extraversion2  11  /* xen_varbuf */
#define XENVER_capabilities2  12  /* xen_varbuf */
#define XENVER_changeset2     13  /* xen_varbuf */
#define XENVER_commandline2   14  /* xen_varbuf */

#define XEN_EXTRAVERSION_LEN      16
#define XEN_CAPABILITIES_INFO_LEN 1024
#define XEN_CHANGESET_INFO_LEN    64
#define XEN_COMMANDLINE_LEN       1024

#ifndef __ASSEMBLER__

typedef char xen_extraversion_t[XEN_EXTRAVERSION_LEN];
typedef char xen_capabilities_info_t[XEN_CAPABILITIES_INFO_LEN];
typedef char xen_changeset_info_t[XEN_CHANGESET_INFO_LEN];
typedef char xen_commandline_t[XEN_COMMANDLINE_LEN];

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
_Static_assert(sizeof(struct xen_compile_info) == 144, "xen_compile_info size");
_Static_assert(offsetof(struct xen_compile_info, compile_by) == 64, "xen_compile_info.compile_by");
_Static_assert(offsetof(struct xen_compile_info, compile_domain) == 80,
               "xen_compile_info.compile_domain");
_Static_assert(offsetof(struct xen_compile_info, compile_date) == 112,
               "xen_compile_info.compile_date");

/* For 64-bit PV guests this reports HYPERVISOR_VIRT_START; of no real use. */
struct xen_platform_parameters {
    uint64_t virt_start;         /* OUT */
};
_Static_assert(sizeof(struct xen_platform_parameters) == 8, "xen_platform_parameters size");

/* Bit b of submap = feature submap_idx * 32 + b (XENFEAT_*). */
struct xen_feature_info {
    uint32_t submap_idx;         /* IN: 0 .. XENFEAT_NR_SUBMAPS - 1 */
    uint32_t submap;             /* OUT */
};
_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info size");

/* A variable-size result: arg NULL asks for the size (returned); else len
 * bytes of room follow and the return value is the number written, with no
 * terminating NUL. */
struct xen_varbuf {
    uint32_t len;                /* IN: size of buf */
    uint8_t buf[];               /* OUT */
};
_Static_assert(sizeof(struct xen_varbuf) == 4, "xen_varbuf size");

#endif /* !__ASSEMBLER__ */

#endif
