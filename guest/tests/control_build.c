/* The control interface's building sub-ops (docs/control.md): a created
 * domain's vCPU context (once, checked as VCPUOP_initialise, its tables
 * then held by the vCPU until the domain is destroyed), vCPU information,
 * names, memory limits, the wall clock and I/O permissions. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include <test.h>
#include <wallclock.h>
#include "control_ops.h"
#include "tests.h"

#define NS_PER_SEC 1000000000UL

static long vcpuinfo(domid_t d, uint32_t vcpu, struct pxctl_vcpuinfo *out)
{
    struct proxen_control op = ctl_op(PXCTL_getvcpuinfo, d);
    long rc;

    op.u.vcpuinfo.vcpu = vcpu;
    rc = ctl_call(&op);
    *out = op.u.vcpuinfo;
    return rc;
}

static long setcontext(domid_t d, uint32_t vcpu, const struct vcpu_guest_context *c)
{
    struct proxen_control op = ctl_op(PXCTL_setvcpucontext, d);

    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt = (uint64_t)c;
    return ctl_call(&op);
}

/* A first context for a domain whose (empty) top-level table is l4. */
static void fill_context(struct vcpu_guest_context *c, uint64_t l4)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.rip = 0xffffffff80000000UL;
    c->user_regs.rsp = 0xffffffff80010000UL;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->ctrlreg[3] = xen_pfn_to_cr3(l4);
}

void test_control_vcpuinfo(void)
{
    struct pxctl_vcpuinfo i;
    domid_t x;

    if (expect_rc("getvcpuinfo(0, 0)", vcpuinfo(0, 0, &i), 0) &&
        (i.flags != (PXVCPUF_online | PXVCPUF_running | PXVCPUF_initialised) || i.cpu != 0 ||
         !i.cpu_time))
        test_fail("our vCPU 0: flags %#x CPU %u time %lu ns", i.flags, i.cpu, i.cpu_time);
    expect_rc("getvcpuinfo(0, 32)", vcpuinfo(0, 32, &i), -EINVAL);
    expect_rc("getvcpuinfo(77, 0)", vcpuinfo(77, 0, &i), -ESRCH);
    if (!expect_rc("createdomain(x)", ctl_create("vcpuinfo", 2, &x), 0))
        return;
    if (expect_rc("getvcpuinfo(x, 1)", vcpuinfo(x, 1, &i), 0) && (i.flags || i.cpu_time))
        test_fail("x's vCPU 1 before it has a context: flags %#x, %lu ns", i.flags, i.cpu_time);
    expect_rc("getvcpuinfo(x, 2)", vcpuinfo(x, 2, &i), -EINVAL);
    ctl_destroy(x);
}

/* Once per vCPU, only with the checks VCPUOP_initialise makes, only of
 * the built domain's own frames; the L4 is then that domain's page table,
 * and destroying the domain gives every frame back. */
void test_control_setvcpucontext(void)
{
    static struct vcpu_guest_context c;
    uint64_t mfns[2], got = 0, before = ctl_free_pages(), *mine = page_alloc();
    struct pxctl_vcpuinfo i;
    domid_t x;

    if (!mine || !expect_rc("createdomain(x)", ctl_create("context", 2, &x), 0))
        goto free;
    if (!expect_rc("populate(x)", ctl_populate(x, 2), 0) ||
        !expect_rc("getmemlist(x)", ctl_memlist(x, 0, mfns, 2, &got), 0) || got != 2)
        goto out;
    fill_context(&c, mfns[0]);
    expect_rc("setvcpucontext(ourselves)", setcontext(0, 0, &c), -EINVAL);
    expect_rc("setvcpucontext(x, vCPU 2)", setcontext(x, 2, &c), -EINVAL);
    expect_rc("setvcpucontext(x, unreadable)", setcontext(x, 0, (void *)UNMAPPED_VA), -EFAULT);
    c.flags = VGCF_online;
    expect_rc("setvcpucontext(x, not in kernel mode)", setcontext(x, 0, &c), -EINVAL);
    fill_context(&c, virt_to_mfn(mine));
    expect_rc("setvcpucontext(x, our frame as its L4)", setcontext(x, 0, &c), -EINVAL);
    if (expect_rc("getvcpuinfo(x, 0)", vcpuinfo(x, 0, &i), 0) && i.flags)
        test_fail("x's vCPU 0 after refused contexts: flags %#x", i.flags);
    fill_context(&c, mfns[0]);
    expect_rc("setvcpucontext(x, 0)", setcontext(x, 0, &c), 0);
    if (expect_rc("getvcpuinfo(x, 0)", vcpuinfo(x, 0, &i), 0) &&
        i.flags != (PXVCPUF_online | PXVCPUF_initialised))
        test_fail("x's vCPU 0 with a context: flags %#x", i.flags);
    expect_rc("setvcpucontext(x, 0) again", setcontext(x, 0, &c), -EEXIST);
    expect_rc("map x's L4 writable", pt_map(SCRATCH_VA, mfns[0], PTE_KERNEL_RW), -EBUSY);
    c.flags &= ~(uint64_t)VGCF_online;
    expect_rc("setvcpucontext(x, 1, the same L4, offline)", setcontext(x, 1, &c), 0);
    if (expect_rc("getvcpuinfo(x, 1)", vcpuinfo(x, 1, &i), 0) && i.flags != PXVCPUF_initialised)
        test_fail("x's vCPU 1 offline with a context: flags %#x", i.flags);
out:
    expect_rc("destroydomain(x)", ctl_destroy(x), 0);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after x went with its vCPUs' tables, %lu before",
                  ctl_free_pages(), before);
free:
    if (mine)
        page_free(mine);
}

void test_control_setname(void)
{
    struct proxen_control op = ctl_op(PXCTL_setname, 0);
    struct pxctl_domaininfo i;
    domid_t x;

    if (!expect_rc("createdomain(x)", ctl_create("before", 1, &x), 0))
        return;
    op.domain = x;
    expect_rc("setname(x, empty)", ctl_call(&op), -EINVAL);
    memset(op.u.setname.name, 'n', PXCTL_NAME_LEN);
    expect_rc("setname(x, unterminated)", ctl_call(&op), -EINVAL);
    strlcpy(op.u.setname.name, "after", PXCTL_NAME_LEN);
    expect_rc("setname(x)", ctl_call(&op), 0);
    if (expect_rc("getdomaininfo(x)", ctl_info(x, &i), 0) && strcmp(i.name, "after"))
        test_fail("x is named \"%s\" after setname \"after\"", i.name);
    op.domain = 77;
    expect_rc("setname(77)", ctl_call(&op), -ESRCH);
    ctl_destroy(x);
}

static long setmaxmem(domid_t d, uint64_t pages)
{
    struct proxen_control op = ctl_op(PXCTL_setmaxmem, d);

    op.u.setmaxmem.max_pages = pages;
    return ctl_call(&op);
}

/* The limit holds for what comes after; below what the domain has, it
 * keeps its frames and gets no more. */
void test_control_setmaxmem(void)
{
    struct pxctl_domaininfo i;
    domid_t x;

    if (!expect_rc("createdomain(x)", ctl_create("maxmem", 1, &x), 0))
        return;
    expect_rc("setmaxmem(x, 10)", setmaxmem(x, 10), 0);
    expect_rc("populate(x, 11)", ctl_populate(x, 11), -ENOMEM);
    expect_rc("populate(x, 10)", ctl_populate(x, 10), 0);
    expect_rc("setmaxmem(x, 4)", setmaxmem(x, 4), 0);
    expect_rc("populate(x, 1) over the new limit", ctl_populate(x, 1), -ENOMEM);
    if (expect_rc("getdomaininfo(x)", ctl_info(x, &i), 0) &&
        (i.max_pages != 4 || i.tot_pages != 10))
        test_fail("x: %lu of %lu pages, expected 10 of 4", i.tot_pages, i.max_pages);
    expect_rc("setmaxmem(77)", setmaxmem(77, 1), -ESRCH);
    ctl_destroy(x);
}

static long settime(uint64_t secs, uint32_t nsecs, uint32_t pad, uint64_t system_time)
{
    struct proxen_control op = ctl_op(PXCTL_settime, 0);

    op.u.settime = (struct pxctl_settime){ secs, nsecs, pad, system_time };
    return ctl_call(&op);
}

/* The wall clock every domain reads, as platform_op's settime64 sets it. */
void test_control_settime(void)
{
    struct wallclock was, wc;
    uint64_t want = 3000000000UL * NS_PER_SEC + 250 - 7 * NS_PER_SEC;

    wallclock_read(&was);
    expect_rc("settime(nsecs 10^9)", settime(3000000000UL, 1000000000, 0, 0), -EINVAL);
    expect_rc("settime(padding)", settime(3000000000UL, 250, 1, 0), -EINVAL);
    wallclock_read(&wc);
    if (wc.sec != was.sec || wc.nsec != was.nsec)
        test_fail("a refused settime moved the wall clock to %lu.%09u s", wc.sec, wc.nsec);
    if (!expect_rc("settime", settime(3000000000UL, 250, 0, 7 * NS_PER_SEC), 0))
        return;
    wallclock_read(&wc);
    if (wc.sec != want / NS_PER_SEC || wc.nsec != want % NS_PER_SEC)
        test_fail("wall clock at 0 is %lu.%09u s, want %lu.%09lu", wc.sec, wc.nsec,
                  want / NS_PER_SEC, want % NS_PER_SEC);
    expect_rc("settime (restoring)", settime(was.sec, was.nsec, 0, 0), 0);
}

static long ioports(domid_t d, uint32_t first, uint32_t nr, uint32_t allow)
{
    struct proxen_control op = ctl_op(PXCTL_ioport_permission, d);

    op.u.ioport_permission = (struct pxctl_ioport_permission){ first, nr, allow, 0 };
    return ctl_call(&op);
}

static long iopriv(domid_t d, uint32_t enable)
{
    struct proxen_control op = ctl_op(PXCTL_setiopriv, d);

    op.u.setiopriv.enable = enable;
    return ctl_call(&op);
}

/* Xen's range rules; never the hypervisor's own ports (the serial line),
 * never the caller's own permissions. */
void test_control_ioports(void)
{
    domid_t x;

    if (!expect_rc("createdomain(x)", ctl_create("ioports", 1, &x), 0))
        return;
    expect_rc("ioport_permission(x, none)", ioports(x, 0x300, 0, 1), -EINVAL);
    expect_rc("ioport_permission(x, past 0xffff)", ioports(x, 0xfff0, 0x11, 1), -EINVAL);
    expect_rc("ioport_permission(x, the serial line)", ioports(x, 0x3f0, 0x10, 1), -EPERM);
    expect_rc("ioport_permission(ourselves)", ioports(0, 0x300, 0x10, 1), -EINVAL);
    expect_rc("ioport_permission(77)", ioports(77, 0x300, 0x10, 1), -ESRCH);
    expect_rc("ioport_permission(x, 0x300-0x30f)", ioports(x, 0x300, 0x10, 1), 0);
    expect_rc("ioport_permission(x, revoke 0x308)", ioports(x, 0x308, 1, 0), 0);
    expect_rc("ioport_permission(x, up to 0xffff)", ioports(x, 0xfff0, 0x10, 1), 0);
    expect_rc("setiopriv(x, 2)", iopriv(x, 2), -EINVAL);
    expect_rc("setiopriv(ourselves)", iopriv(0, 0), -EINVAL);
    expect_rc("setiopriv(x)", iopriv(x, 1), 0);
    expect_rc("setiopriv(x, off)", iopriv(x, 0), 0);
    ctl_destroy(x);
}
