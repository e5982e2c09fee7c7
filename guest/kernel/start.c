/* The guest kernel's C entry point: check what the builder handed over,
 * set up exceptions and memory, map shared_info, then run the program
 * linked with the kernel (guest_main: the in-guest tests, the
 * benchmarks) and power off.
 *
 * Command line words the kernel reads: "crash" (take a fault with no
 * trap table: the hypervisor must crash the domain), "vm86" (enter
 * virtual-8086 mode through a 32-bit IRET, vm86.S: likewise), "iret-user"
 * (iret to user mode before any user page table is given: likewise), "panic" (stop
 * through the guest's own panic, shutdown reason crash), "down" (take
 * vCPU 0, the only one up, down: the hypervisor shuts the domain down,
 * reason poweroff, as Xen does), "stay" (once
 * the program is done, stay up idle instead of powering off).  The
 * program reads its own (the tests: "only=NAME"). */
#include <arch.h>
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include <timers.h>
#include <console_back.h>
#include <xenbus.h>
#include <traps.h>
#include <usermode.h>

const struct start_info *start_info;
struct shared_info *shared_info;

void kernel_start(const struct start_info *si) __noreturn;

/* The builder fills the page when the image names it (ELF note
 * HYPERCALL_PAGE); without it there is no way even to print. */
static void check_hypercall_page(void)
{
    if ((unsigned char)hypercall_page[0] == 0xcc)
        for (;;)
            __asm__ volatile("ud2");
}

static void map_shared_info(void)
{
    long rc = pt_map(SHARED_INFO_VA, start_info->shared_info >> PAGE_SHIFT, PTE_KERNEL_RW);

    if (rc)
        panic("cannot map shared_info at %#lx (%ld)", (uint64_t)SHARED_INFO_VA, rc);
    shared_info = (struct shared_info *)SHARED_INFO_VA;
}

void vm86_enter(uint64_t low_stack_top) __noreturn;     /* vm86.S */

#define VM86_STACK_VA 0x40000000UL          /* below 4 GiB, unused otherwise */

static void crash_on_purpose(void)
{
    printk("Faulting with an empty trap table, as the command line asks\n");
    traps_clear();
    *(volatile uint64_t *)UNMAPPED_VA = 0;
    panic("a fault without a trap table did not end the domain");
}

/* Keep the domain up, idle, once the program is done: blocked with a
 * one-shot timer, quietly, so that the machine's console stays free for
 * the hypervisor's debug keys ('o' powers off).  Blocking unmasks events;
 * they are masked again after every wake-up. */
static __noreturn void stay(void)
{
    printk("Staying up (the command line says \"stay\"): idle from now on\n");
    for (;;)
        sleep_until(system_time_ns() + 1000000000ULL);
}

void kernel_start(const struct start_info *si)
{
    check_hypercall_page();
    start_info = si;
    printk("Proxen guest 0.1 starting: %s%s, %lu pages, command line \"%s\"\n",
           is_initial_domain() ? "initial domain" : "domain",
           si->flags & SIF_PRIVILEGED ? " (privileged)" : "", si->nr_pages, si->cmd_line);
    if (strncmp(si->magic, XEN_START_INFO_MAGIC, sizeof(XEN_START_INFO_MAGIC) - 1))
        panic("start_info magic is \"%.32s\", not \"%s\"", si->magic, XEN_START_INFO_MAGIC);
    traps_init();
    mm_init();
    map_shared_info();
    events_init();
    console_ring_init();
    if (is_initial_domain()) {
        xenbus_local_init();          /* its own xenstore daemon, started on first use */
        if (console_xenbus_init())
            printk("No console back end on xenbus: secondary consoles are not served\n");
    }
    printk("Memory: %lu pages free\n", page_alloc_free_pages());
    if (cmdline_get("crash", NULL, 0))
        crash_on_purpose();
    if (cmdline_get("vm86", NULL, 0)) {
        void *page = page_alloc(), *low = page_alloc();

        /* The IRET's frame below 4 GiB; and at 0x1000 the 8086 code, a
         * jump to itself, so that the guest is in that mode when its
         * timer interrupt comes: the way back to it is where the
         * hypervisor must notice. */
        if (!page || !low || pt_map(VM86_STACK_VA, virt_to_mfn(page), PTE_KERNEL_RW) ||
            pt_map(0x1000, virt_to_mfn(low), PTE_KERNEL_RW))
            panic("no low pages for the vm86 test");
        ((uint8_t *)low)[0] = 0xeb;          /* jmp $ */
        ((uint8_t *)low)[1] = 0xfe;
        hypercall_set_timer_op(system_time_ns() + 1000000);
        printk("Entering virtual-8086 mode, as the command line asks\n");
        vm86_enter(VM86_STACK_VA + PAGE_SIZE);
    }
    if (cmdline_get("iret-user", NULL, 0)) {
        struct user_exit e;

        printk("Returning to user mode without a user page table, as the command line asks\n");
        user_run_bare((uint64_t)kernel_start, user_stack_top(), 0, &e);
        panic("the iret to user mode without a user page table returned");
    }
    if (cmdline_get("panic", NULL, 0))
        panic("asked to on the command line");
    if (cmdline_get("down", NULL, 0)) {
        printk("Taking vCPU 0, the last one up, down, as the command line asks\n");
        hypercall_vcpu_op(VCPUOP_down, 0, NULL);
        panic("VCPUOP_down of the last vCPU up returned");
    }
    guest_main();
    if (cmdline_get("stay", NULL, 0))
        stay();
    shutdown(SHUTDOWN_poweroff);
}
