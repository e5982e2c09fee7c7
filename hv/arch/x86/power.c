/* Power off, reboot and the fatal stop. */
#include <arch/arch.h>
#include <asm/acpi.h>
#include <asm/power.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <proxen/console.h>

#define SLP_EN (1u << 13)

static void __attribute__((noreturn)) halt_forever(void)
{
    local_irq_disable();
    for (;;)
        cpu_halt();
}

void machine_poweroff(unsigned int status)
{
    printk("Powering off (status %u)\n", status);
    smp_stop_others();
    local_irq_disable();
    outb(DEBUG_EXIT_PORT, (uint8_t)status);
    if (acpi.pm1a_cnt_port)
        outw(acpi.pm1a_cnt_port, (uint16_t)((acpi.slp_typ_s5 << 10) | SLP_EN));
    pr_err("Power-off failed; halting\n");
    halt_forever();
}

void machine_reboot(void)
{
    printk("Rebooting\n");
    smp_stop_others();
    local_irq_disable();
    if (acpi.reset_reg_valid && acpi.reset_space == 1)
        outb((uint16_t)acpi.reset_addr, acpi.reset_value);
    outb(0xcf9, 0x06);                  /* PCI reset control: hard reset */
    udelay(50000);
    outb(0x64, 0xfe);                   /* keyboard controller pulse */
    udelay(50000);
    /* Last resort: a triple fault via an empty IDT. */
    {
        struct __attribute__((packed)) { uint16_t l; uint64_t b; } none = { 0, 0 };

        __asm__ volatile("lidt %0; int3" :: "m"(none));
    }
    halt_forever();
}

/* After a hypervisor bug: stop everything, report failure to a test run,
 * and stay halted so the state can be inspected. */
void arch_fatal_halt(void)
{
    local_irq_disable();
    smp_stop_others();
    outb(DEBUG_EXIT_PORT, 1);
    halt_forever();
}
