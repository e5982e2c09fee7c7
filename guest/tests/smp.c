/* The domain's other vCPUs: bringing them up and down as Xen guests do,
 * and all of them at once working on one page table.
 *
 * With one vCPU (dom0_max_vcpus=1, or a one-CPU machine) there is nothing
 * to test and the tests say so (SKIP); the system test "guest-smp" runs
 * them on four CPUs and requires SUCCESS. */
#include <arch.h>
#include <lib/errno.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib/strtoul.h>
#include <mm.h>
#include <pagetable.h>
#include <pt_tree.h>
#include <pvclock.h>
#include <smp.h>
#include <test.h>
#include <traps.h>
#include <vcpu_info.h>
#include "tests.h"

static long vcpu_op(unsigned int cmd, unsigned int id, void *arg)
{
    return hypercall_vcpu_op(cmd, id, arg);
}

static void mark(void *arg)
{
    uint64_t *slot = arg;

    *slot = (uint64_t)slot ^ 0x5a5a5a5a5a5a5a5aULL;
}

/* `in` from a port the hypervisor keeps (reads all ones), guarded: *arg
 * stays 0 if it faulted, which it does unless the virtual IOPL allows
 * the kernel I/O (the context's RFLAGS gave IOPL 1). */
static void read_port(void *arg)
{
    uint64_t val = 0;

    __asm__ volatile("1: inb $0x21, %%al\n\t"
                     "movzbq %%al, %[v]\n"
                     "2:\n\t"
                     EXTABLE(1b, 2b)
                     : [v] "+r"(val) : : "rax", "memory");
    *(volatile uint64_t *)arg = val;
}

/* A context the hypervisor must refuse, changing nothing. */
static void expect_refused(const char *what, struct vcpu_guest_context *c)
{
    char name[96];

    snprintf(name, sizeof(name), "VCPUOP_initialise(1, %s)", what);
    expect_rc(name, vcpu_op(VCPUOP_initialise, 1, c), -EINVAL);
    if (vcpu_op(VCPUOP_is_up, 1, NULL) != 0)
        test_fail("vCPU 1 is up after %s", name);
    smp_fill_context(c, 1);
}

static void refused_contexts(void)
{
    static struct vcpu_guest_context c;
    uint64_t *page = page_alloc(), foreign = test_foreign_frame();

    smp_fill_context(&c, 1);
    c.flags &= ~(uint64_t)VGCF_in_kernel;
    expect_refused("not in kernel mode", &c);
    c.user_regs.rip = HV_ADDRESS;
    expect_refused("RIP in the hypervisor", &c);
    c.user_regs.cs = FLAT_RING3_CS32;
    expect_refused("a 32-bit CS", &c);
    c.fs_base = NONCANONICAL_ADDRESS;
    expect_refused("a non-canonical FS base", &c);
    c.event_callback_eip = NONCANONICAL_ADDRESS;
    expect_refused("a non-canonical event callback", &c);
    c.trap_ctxt[14].address = NONCANONICAL_ADDRESS;
    expect_refused("a non-canonical #PF handler", &c);
    c.debugreg[0] = HV_ADDRESS;
    expect_refused("a breakpoint in the hypervisor", &c);
    c.ldt_ents = 1;
    expect_refused("an LDT", &c);
    /* One frame past the window, each a valid (empty) descriptor page:
     * only the bound refuses it. */
    if (page && !page_set_readonly(page, true)) {
        c.gdt_ents = 14 * 512 + 1;
        for (unsigned int i = 0; i < 15; i++)
            c.gdt_frames[i] = virt_to_mfn(page);
        expect_refused("a GDT past the reserved entries", &c);
        page_set_readonly(page, false);
    }
    if (foreign) {
        c.ctrlreg[3] = xen_pfn_to_cr3(foreign);
        expect_refused("a page table it does not own", &c);
    }
    if (page) {
        c.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn(page));   /* mapped writable */
        expect_refused("a writable page as page table", &c);
        page[0] = 1;             /* and it is still writable */
        page_free(page);
    }
}

/* A context whose page table is a fresh 8192-entry tree, refused at the
 * end for its user page table (the GDT is checked before the tables, as
 * on Xen): validating the tree may be preempted (a timer fires during it)
 * and is then continued, so the guest only ever sees the refusal, never
 * the hypervisor's internal restart.  Releasing the tree again goes in
 * preemptible steps too, which the calling vCPU may still owe when the
 * call returns: its next mmuext_op finishes them first. */
static void refused_after_long_validation(void)
{
    static struct vcpu_guest_context c;
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    struct pt_tree t = { 0 };
    uint64_t *bad = page_alloc();

    if (!bad || !pt_tree_build(&t, 16)) {
        test_error("set-up failed");
        goto out;
    }
    for (unsigned int a = 0; a < 6; a++) {
        smp_fill_context(&c, 1);
        c.ctrlreg[3] = xen_pfn_to_cr3(pt_tree_l4_mfn(&t));
        c.ctrlreg[1] = xen_pfn_to_cr3(virt_to_mfn(bad));   /* mapped writable: refused */
        hypercall_set_timer_op(system_time_ns() + (5000ULL << a));
        expect_rc("VCPUOP_initialise(1, a fresh tree, a writable user page table)",
                  vcpu_op(VCPUOP_initialise, 1, &c), -EINVAL);
    }
    hypercall_set_timer_op(0);
    expect_rc("mmuext_op(TLB_FLUSH_LOCAL)", hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF), 0);
out:
    if (!pt_tree_free(&t))
        test_fail("a table page of the tree is still referenced");
    if (bad)
        page_free(bad);
}

void test_smp_bringup(void)
{
    static uint64_t seen[SMP_MAX_VCPUS];
    unsigned int n = smp_nr_vcpus();

    if (n < 2) {
        test_skip("one vCPU");
        return;
    }
    expect_rc("VCPUOP_is_up(1) at boot", vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    expect_rc("VCPUOP_up(1) without a context", vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
    refused_contexts();
    refused_after_long_validation();
    for (unsigned int round = 0; round < 2; round++) {
        memset(seen, 0, sizeof(seen));
        for (unsigned int i = 1; i < n; i++)
            if (!expect_rc("smp_run", smp_run(i, mark, &seen[i]), 0))
                return;
        for (unsigned int i = 1; i < n; i++) {
            smp_wait(i);
            if (seen[i] != ((uint64_t)&seen[i] ^ 0x5a5a5a5a5a5a5a5aULL))
                test_fail("round %u: vCPU %u did not run its job (%#lx)", round, i, seen[i]);
        }
    }
    memset(seen, 0, sizeof(seen));
    if (expect_rc("smp_run(read_port)", smp_run(1, read_port, &seen[1]), 0)) {
        smp_wait(1);
        if (seen[1] != 0xff)
            test_fail("vCPU 1, started with IOPL 1 in its RFLAGS, read %#lx from port 0x21 "
                      "(0: the `in` faulted)", seen[1]);
    }
    expect_rc("VCPUOP_initialise(1) a second time",
              vcpu_op(VCPUOP_initialise, 1, &(struct vcpu_guest_context){ 0 }), -EEXIST);
    expect_rc("VCPUOP_down(1) while down", vcpu_op(VCPUOP_down, 1, NULL), 0);
    expect_rc("VCPUOP_is_up(1) after its job", vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    expect_rc("VCPUOP_is_up(0)", vcpu_op(VCPUOP_is_up, 0, NULL), 1);
}

/* --- every vCPU on one L1 table at once -------------------------------- */

#define STRESS_ITERS 1000          /* smp_stress_iters=N on the command line */
#define BROADCAST_EVERY 50        /* flushes of every CPU: slow under emulation */

struct stress {
    unsigned int id;
    uint64_t va;                 /* two scratch pages of its own: va, va + 4K */
    uint64_t shared;             /* a frame every vCPU maps read-only */
    uint64_t own;                /* a frame this vCPU maps writable */
    uint64_t table;              /* a page this vCPU pins and unpins as an L1 */
    long error;                  /* the first failure, and where */
    unsigned int at;
};

static struct stress work[SMP_MAX_VCPUS];

static long update(uint64_t va, uint64_t mfn, uint64_t flags)
{
    struct mmu_update u = {
        .ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE,
        .val = mfn ? (mfn << PAGE_SHIFT) | flags : 0,
    };

    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static long pin_unpin(uint64_t mfn)
{
    struct mmuext_op op[2] = {
        { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = mfn },
        { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = mfn },
    };

    return hypercall_mmuext_op(op, 2, NULL, DOMID_SELF);
}

/* One round: every kind of page-table change this vCPU can make, each
 * undone; the scratch L1 and the shared frame are everybody's. */
static long stress_round(const struct stress *s, unsigned int round)
{
    uint64_t scope = round % BROADCAST_EVERY ? UVMF_LOCAL : UVMF_ALL;
    volatile uint64_t *pte = (volatile uint64_t *)mfn_to_virt(pt_entry_maddr(s->va, 1) >>
                                                               PAGE_SHIFT) +
                             ((s->va >> PAGE_SHIFT) & 511);
    long rc;

    if ((rc = update(s->va, s->shared, PTE_KERNEL_RO)) ||
        (rc = update(s->va, s->own, PTE_KERNEL_RW)) ||
        (rc = hypercall_update_va_mapping(s->va, 0, UVMF_INVLPG | UVMF_LOCAL)) ||
        (rc = hypercall_update_va_mapping(s->va + PAGE_SIZE, (s->shared << PAGE_SHIFT) |
                                          PTE_KERNEL_RO, UVMF_INVLPG | scope)) ||
        (rc = hypercall_update_va_mapping(s->va + PAGE_SIZE, 0, UVMF_TLB_FLUSH | scope)) ||
        (rc = pin_unpin(s->table)))
        return rc;
    /* Written directly: the writable-page-table emulation. */
    pte[0] = (s->shared << PAGE_SHIFT) | PTE_KERNEL_RO;
    pte[0] = 0;
    return 0;
}

static unsigned int stress_iters = STRESS_ITERS;

static void stress(void *arg)
{
    struct stress *s = arg;

    for (unsigned int i = 0; i < stress_iters && !s->error; i++) {
        s->error = stress_round(s, i);
        s->at = i;
    }
}

static bool stress_setup(unsigned int n, uint64_t shared)
{
    for (unsigned int i = 0; i < n; i++) {
        uint64_t *own = page_alloc(), *table = page_alloc();

        if (!own || !table || page_set_readonly(table, true))
            return false;
        work[i] = (struct stress){ .id = i, .va = SCRATCH_VA + i * 2 * PAGE_SIZE,
                                   .shared = shared, .own = virt_to_mfn(own),
                                   .table = virt_to_mfn(table) };
    }
    return pt_ensure_l1(SCRATCH_VA) == 0;
}

/* Afterwards nothing may hold a stray reference: every frame mapped
 * writable can become a page table, every table page writable again. */
static void stress_check(unsigned int n, uint64_t shared)
{
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE }, unpin = { .cmd = MMUEXT_UNPIN_TABLE };

    for (unsigned int i = 0; i < n; i++) {
        struct stress *s = &work[i];

        if (s->error)
            test_fail("vCPU %u failed in round %u: %ld", i, s->at, s->error);
        if (pt_get(s->va, 1) || pt_get(s->va + PAGE_SIZE, 1))
            test_fail("vCPU %u's scratch entries are still mapped", i);
        page_set_readonly(mfn_to_virt(s->own), true);
        pin.arg1.mfn = unpin.arg1.mfn = s->own;
        if (hypercall_mmuext_op(&pin, 1, NULL, DOMID_SELF))
            test_fail("vCPU %u's writable frame cannot be pinned: a writable reference leaked",
                      i);
        else
            hypercall_mmuext_op(&unpin, 1, NULL, DOMID_SELF);
        page_set_readonly(mfn_to_virt(s->own), false);
        if (page_set_readonly(mfn_to_virt(s->table), false))
            test_fail("vCPU %u's table page cannot be made writable: a type reference leaked",
                      i);
        page_free(mfn_to_virt(s->own));
        page_free(mfn_to_virt(s->table));
    }
    (void)shared;
}

void test_smp_stress(void)
{
    unsigned int n = smp_nr_vcpus();
    uint64_t *shared = page_alloc();

    char val[16];

    if (n < 2) {
        test_skip("one vCPU");
        goto out;
    }
    if (cmdline_get("smp_stress_iters", val, sizeof(val)))
        stress_iters = (unsigned int)simple_strtoull(val, NULL, 10);
    if (!shared || !stress_setup(n, virt_to_mfn(shared))) {
        test_error("set-up failed");
        goto out;
    }
    for (unsigned int i = 1; i < n; i++)
        if (!expect_rc("smp_run", smp_run(i, stress, &work[i]), 0))
            n = i;
    stress(&work[0]);
    for (unsigned int i = 1; i < n; i++)
        smp_wait(i);
    stress_check(n, virt_to_mfn(shared));
out:
    if (shared)
        page_free(shared);
}

/* --- events between vCPUs ------------------------------------------------ */

#define IPI_ROUNDS 50

static volatile unsigned int ipi_seen[SMP_MAX_VCPUS];
static volatile bool ipi_stop;

static void ipi_handler(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ipi_seen[smp_self()]++;
}

/* vCPU 1's job: sleep in SCHEDOP_block until vCPU 0's IPIs wake it (its
 * handler runs on vCPU 1, in vCPU 1's vcpu_info), until told to stop. */
static void ipi_sleeper(void *arg)
{
    (void)arg;
    while (!ipi_stop) {
        hypercall_sched_op(SCHEDOP_block, NULL);
        vcpu_info_of(1)->evtchn_upcall_mask = 1;
    }
}

/* An IPI port bound to vCPU 1: each send from vCPU 0 wakes vCPU 1 out of
 * SCHEDOP_block on its own CPU and runs the handler there, once. */
void test_smp_ipi(void)
{
    long port;
    unsigned int sent = 0;

    if (smp_nr_vcpus() < 2) {
        test_skip("one vCPU");
        return;
    }
    /* A VIRQ may be bound on a vCPU that is down. */
    if (vcpu_op(VCPUOP_is_up, 1, NULL) == 0) {
        struct evtchn_bind_virq b = { .virq = VIRQ_DEBUG, .vcpu = 1 };

        if (expect_rc("bind_virq(VIRQ_DEBUG, vCPU 1 down)",
                      hypercall_event_channel_op(EVTCHNOP_bind_virq, &b), 0))
            events_unbind(b.port);
    }
    port = events_bind_ipi(1, ipi_handler, NULL);
    if (port < 0) {
        test_fail("bind_ipi(1) = %ld", port);
        return;
    }
    ipi_stop = false;
    for (unsigned int i = 0; i < SMP_MAX_VCPUS; i++)
        ipi_seen[i] = 0;
    if (!expect_rc("smp_run", smp_run(1, ipi_sleeper, NULL), 0))
        goto out;
    for (sent = 1; sent <= IPI_ROUNDS; sent++) {
        uint64_t deadline = system_time_ns() + 5000000000ULL;

        hypercall_event_channel_op(EVTCHNOP_send, &(struct evtchn_send){ .port = (evtchn_port_t)port });
        while (ipi_seen[1] < sent && system_time_ns() < deadline)
            hypercall_sched_op(SCHEDOP_yield, NULL);
        if (ipi_seen[1] != sent) {
            test_fail("IPI %u: vCPU 1's handler ran %u times", sent, ipi_seen[1]);
            break;
        }
    }
    if (ipi_seen[0])
        test_fail("the handler of vCPU 1's port ran %u times on vCPU 0", ipi_seen[0]);
    ipi_stop = true;
    hypercall_event_channel_op(EVTCHNOP_send, &(struct evtchn_send){ .port = (evtchn_port_t)port });
    smp_wait(1);
out:
    events_unbind((evtchn_port_t)port);
}
