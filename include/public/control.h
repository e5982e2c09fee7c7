/* The control interface: HYPERVISOR_control(struct proxen_control *op),
 * for the privileged domain's toolstack.  Proxen's own design (not Xen's
 * domctl/sysctl layout), documented in docs/control.md: one fixed-layout
 * argument, versioned as a whole, with a sub-op in `cmd`.
 *
 * Every caller but a privileged domain gets -EPERM; a version other than
 * PROXEN_CONTROL_VERSION -EACCES (checked first: a caller built against
 * another layout learns nothing else); an unknown cmd -ENOSYS; a domain id
 * that names no domain -ESRCH.  Results are written back into the same
 * struct (and, for lists, into the caller's buffer). */
#ifndef PUBLIC_CONTROL_H
#define PUBLIC_CONTROL_H

#include "xen.h"

/* Xen's domctl number: a Xen toolstack calling it passes its own
 * interface version in this struct's version field and gets -EACCES. */
#define __HYPERVISOR_control __HYPERVISOR_domctl

#define PROXEN_CONTROL_VERSION 0x50580002   /* "PX", layout 2 */

#define PXCTL_physinfo       1   /* the machine: CPUs, memory, version */
#define PXCTL_getdomaininfo  2   /* the first domain with id >= domain */
#define PXCTL_createdomain   3   /* a new domain, paused, without memory */
#define PXCTL_destroydomain  4   /* tear a domain down, return its resources */
#define PXCTL_readconsole    5   /* read the hypervisor's log ring */
#define PXCTL_populate       6   /* give a created domain more memory */
#define PXCTL_getmemlist     7   /* the machine frames a domain owns */
#define PXCTL_setvcpucontext 8   /* a vCPU's first context, while it has none */
#define PXCTL_getvcpuinfo    9   /* a vCPU's state, CPU and CPU time */
#define PXCTL_setname       10   /* rename a domain */
#define PXCTL_setmaxmem     11   /* a domain's memory limit */
#define PXCTL_settime       12   /* the wall clock, for every domain */
#define PXCTL_setiopriv     13   /* I/O privilege: every port, device memory */
#define PXCTL_ioport_permission 14   /* grant or revoke a range of I/O ports */
#define PXCTL_pausedomain   16   /* stop a domain's vCPUs (counted, as Xen's) */
#define PXCTL_unpausedomain 17   /* undo one pause; a created domain's first starts it */
#define PXCTL_setvcpuaffinity 18 /* the CPUs a vCPU may run on */
#define PXCTL_getvcpuaffinity 19
#define PXCTL_sched_id      20   /* the scheduling policy */
#define PXCTL_sched_adjdom  21   /* a domain's scheduling parameters */
#define PXCTL_sched_control 22   /* the policy's own setting (round-robin: its slice) */
/* 23: reserved for the scheduler. */

/* pxctl_domaininfo.flags */
#define PXDOMF_privileged  (1u << 0)
#define PXDOMF_running     (1u << 1)   /* its vCPUs may run (not paused) */
#define PXDOMF_shutdown    (1u << 2)   /* shut itself down: shutdown_reason */
#define PXDOMF_crashed     (1u << 3)   /* stopped by the hypervisor */
#define PXDOMF_paused      (1u << 4)   /* paused by the toolstack (created: until started) */

/* pxctl_vcpuinfo.flags */
#define PXVCPUF_online      (1u << 0)   /* up (VCPUOP_up, or set online) */
#define PXVCPUF_blocked     (1u << 1)   /* waiting for an event */
#define PXVCPUF_running     (1u << 2)   /* on its CPU now */
#define PXVCPUF_initialised (1u << 3)   /* has a context */

#define PXCTL_NAME_LEN 32

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

struct pxctl_physinfo {
    uint32_t nr_cpus;            /* OUT: CPUs online */
    uint32_t hv_version;         /* OUT: major << 16 | minor, as XENVER_version */
    uint64_t total_pages;        /* OUT: frames the heap was given */
    uint64_t free_pages;         /* OUT */
};
_Static_assert(sizeof(struct pxctl_physinfo) == 24, "pxctl_physinfo size");

struct pxctl_domaininfo {
    domid_t domain;              /* OUT: the domain found */
    uint16_t _pad0;
    uint32_t flags;              /* OUT: PXDOMF_* */
    uint32_t shutdown_reason;    /* OUT: SHUTDOWN_*, with PXDOMF_shutdown */
    uint32_t max_vcpus;          /* OUT */
    uint64_t tot_pages;          /* OUT */
    uint64_t max_pages;          /* OUT */
    char name[PXCTL_NAME_LEN];   /* OUT: NUL-terminated */
    uint32_t online_vcpus;       /* OUT: vCPUs up */
    uint32_t _pad1;
    uint64_t cpu_time;           /* OUT: ns its vCPUs ran (runstate), all together */
    uint64_t shared_info_frame;  /* OUT: machine frame of its shared_info */
};
_Static_assert(sizeof(struct pxctl_domaininfo) == 88, "pxctl_domaininfo size");
_Static_assert(offsetof(struct pxctl_domaininfo, shared_info_frame) == 80,
               "pxctl_domaininfo.shared_info_frame");
_Static_assert(offsetof(struct pxctl_domaininfo, tot_pages) == 16, "pxctl_domaininfo.tot_pages");
_Static_assert(offsetof(struct pxctl_domaininfo, name) == 32, "pxctl_domaininfo.name");

struct pxctl_createdomain {
    uint32_t max_vcpus;          /* IN: 1..32 */
    uint32_t flags;              /* IN: must be 0 */
    uint64_t max_pages;          /* IN: its memory limit */
    char name[PXCTL_NAME_LEN];   /* IN: NUL-terminated, not empty */
    uint32_t max_grant_frames;   /* IN: its grant table's limit, 1..1024; 0: 64 */
    uint32_t max_maptrack_frames;  /* IN: its grant mappings' limit, ..4096; 0: 1024 */
};
_Static_assert(sizeof(struct pxctl_createdomain) == 56, "pxctl_createdomain size");
_Static_assert(offsetof(struct pxctl_createdomain, max_grant_frames) == 48,
               "pxctl_createdomain.max_grant_frames");

struct pxctl_readconsole {
    uint64_t buffer;             /* IN: guest address of the buffer */
    uint32_t size;               /* IN: its size; OUT: bytes written */
    uint32_t _pad0;
    uint64_t index;              /* IN/OUT: position in the log (bytes ever
                                  * written); moved past what was read */
};
_Static_assert(sizeof(struct pxctl_readconsole) == 24, "pxctl_readconsole size");

struct pxctl_populate {
    uint64_t nr_pages;           /* IN: frames to add (zeroed); OUT: left to add
                                  * (0 when done; a continued call adds them) */
};
_Static_assert(sizeof(struct pxctl_populate) == 8, "pxctl_populate size");

struct pxctl_getmemlist {
    uint64_t buffer;             /* IN: guest address of a uint64_t array (a
                                  * continued call: past what it wrote) */
    uint64_t start;              /* IN: skip this many frames of the list */
    uint64_t max;                /* IN: room in the array; OUT: frames written */
    uint64_t done;               /* IN: 0; the frames a continued call wrote so far */
};
_Static_assert(sizeof(struct pxctl_getmemlist) == 32, "pxctl_getmemlist size");

struct pxctl_vcpucontext {
    uint32_t vcpu;               /* IN: which vCPU */
    uint32_t _pad0;
    uint64_t ctxt;               /* IN: guest address of a vcpu_guest_context
                                  * (public/arch-x86/xen.h) */
};
_Static_assert(sizeof(struct pxctl_vcpucontext) == 16, "pxctl_vcpucontext size");

struct pxctl_vcpuinfo {
    uint32_t vcpu;               /* IN: which vCPU */
    uint32_t flags;              /* OUT: PXVCPUF_* */
    uint32_t cpu;                /* OUT: the CPU it runs on */
    uint32_t _pad0;
    uint64_t cpu_time;           /* OUT: ns spent running */
};
_Static_assert(sizeof(struct pxctl_vcpuinfo) == 24, "pxctl_vcpuinfo size");

struct pxctl_setname {
    char name[PXCTL_NAME_LEN];   /* IN: NUL-terminated, not empty */
};
_Static_assert(sizeof(struct pxctl_setname) == 32, "pxctl_setname size");

struct pxctl_setmaxmem {
    uint64_t max_pages;          /* IN: the new limit, in pages */
};
_Static_assert(sizeof(struct pxctl_setmaxmem) == 8, "pxctl_setmaxmem size");

struct pxctl_settime {
    uint64_t secs;               /* IN: UTC at system_time */
    uint32_t nsecs;              /* IN */
    uint32_t _pad0;              /* IN: 0 */
    uint64_t system_time;        /* IN: ns since boot */
};
_Static_assert(sizeof(struct pxctl_settime) == 24, "pxctl_settime size");

struct pxctl_setiopriv {
    uint32_t enable;             /* IN: 1 give, 0 take away */
    uint32_t _pad0;              /* IN: 0 */
};
_Static_assert(sizeof(struct pxctl_setiopriv) == 8, "pxctl_setiopriv size");

struct pxctl_ioport_permission {
    uint32_t first_port;         /* IN */
    uint32_t nr_ports;           /* IN: at least 1, not past port 0xffff */
    uint32_t allow;              /* IN: 1 grant, 0 revoke */
    uint32_t _pad0;              /* IN: 0 */
};
_Static_assert(sizeof(struct pxctl_ioport_permission) == 16, "pxctl_ioport_permission size");

struct pxctl_vcpuaffinity {
    uint32_t vcpu;               /* IN: which vCPU */
    uint32_t _pad0;              /* IN: 0 */
    uint64_t cpumap;             /* IN (set) / OUT (get): bit n = CPU n; set:
                                  * offline CPUs ignored, at least one online */
};
_Static_assert(sizeof(struct pxctl_vcpuaffinity) == 16, "pxctl_vcpuaffinity size");

struct pxctl_sched_id {
    uint32_t sched_id;           /* OUT: the policy's number (round-robin: 100) */
    uint32_t _pad0;
    char name[16];               /* OUT: its sched= name, NUL-terminated */
};
_Static_assert(sizeof(struct pxctl_sched_id) == 24, "pxctl_sched_id size");

struct pxctl_sched_adjdom {
    uint32_t set;                /* IN: 0 read, 1 set */
    uint32_t _pad0;              /* IN: 0 */
    uint64_t params[4];          /* IN (set) / OUT: the policy's meaning */
};
_Static_assert(sizeof(struct pxctl_sched_adjdom) == 40, "pxctl_sched_adjdom size");

struct pxctl_sched_control {
    uint32_t set;                /* IN: 0 read, 1 set */
    uint32_t _pad0;              /* IN: 0 */
    uint64_t param;              /* IN (set) / OUT: the policy's meaning */
};
_Static_assert(sizeof(struct pxctl_sched_control) == 16, "pxctl_sched_control size");

struct proxen_control {
    uint32_t version;            /* IN: PROXEN_CONTROL_VERSION */
    uint32_t cmd;                /* IN: PXCTL_* */
    domid_t domain;              /* IN: the domain acted on (OUT: created) */
    uint16_t _pad0[3];
    union {
        struct pxctl_physinfo physinfo;
        struct pxctl_domaininfo domaininfo;
        struct pxctl_createdomain createdomain;
        struct pxctl_readconsole readconsole;
        struct pxctl_populate populate;
        struct pxctl_getmemlist getmemlist;
        struct pxctl_vcpucontext vcpucontext;
        struct pxctl_vcpuinfo vcpuinfo;
        struct pxctl_setname setname;
        struct pxctl_setmaxmem setmaxmem;
        struct pxctl_settime settime;
        struct pxctl_setiopriv setiopriv;
        struct pxctl_ioport_permission ioport_permission;
        struct pxctl_vcpuaffinity vcpuaffinity;
        struct pxctl_sched_id sched_id;
        struct pxctl_sched_adjdom sched_adjdom;
        struct pxctl_sched_control sched_control;
        uint8_t pad[112];
    } u;
};
_Static_assert(offsetof(struct proxen_control, domain) == 8, "proxen_control.domain");
_Static_assert(offsetof(struct proxen_control, u) == 16, "proxen_control.u");
_Static_assert(sizeof(struct proxen_control) == 128, "proxen_control size");

#endif /* __ASSEMBLER__ */

#endif
