/* Local APIC setup and IPIs.  The legacy 8259 PICs are remapped away from
 * the exception vectors and masked: all interrupts come through the APIC
 * (a pending PIC timer interrupt also slows TCG down several times). */
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/page.h>
#include <asm/x86.h>
#include <proxen/console.h>

static volatile uint32_t *lapic;

uint32_t apic_read(unsigned int reg) { return lapic[reg / 4]; }
void apic_write(unsigned int reg, uint32_t v) { lapic[reg / 4] = v; }
uint32_t apic_id(void) { return apic_read(APIC_ID) >> 24; }

void apic_map(paddr_t base)
{
    lapic = ioremap(base, PAGE_SIZE);
    if (!lapic)
        panic("cannot map the local APIC");
}

void pic_disable(void)
{
    /* ICW1-4: cascade, vector bases 0x20/0x28, then mask everything. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void apic_init_cpu(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, APIC_DM_NMI);
    apic_write(APIC_LVT_ERROR, VECTOR_ERROR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_SVR, (1u << 8) | VECTOR_SPURIOUS);
    apic_eoi();
}

static void wait_icr_idle(void)
{
    for (unsigned int i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & APIC_ICR_BUSY); i++)
        cpu_pause();
}

void apic_send_ipi(uint32_t dest, uint32_t icr_lo)
{
    unsigned long flags = read_rflags();

    local_irq_disable();
    wait_icr_idle();
    apic_write(APIC_ICR_HI, dest << 24);
    apic_write(APIC_ICR_LO, icr_lo);
    wait_icr_idle();
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
}

void apic_send_ipi_allbutself(uint32_t icr_lo)
{
    apic_send_ipi(0, icr_lo | APIC_DEST_ALLBUT);
}
