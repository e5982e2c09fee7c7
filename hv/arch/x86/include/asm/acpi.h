/* The few ACPI facts the hypervisor needs: CPUs and IOAPICs (MADT), the
 * PM timer and sleep/reset registers (FADT, DSDT \_S5), the HPET. */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <proxen/types.h>

#define MAX_IOAPICS 8

struct acpi_info {
    bool found;
    paddr_t lapic_base;
    unsigned int nr_cpus;
    uint32_t cpu_apic_id[64];
    unsigned int nr_ioapics;
    paddr_t ioapic_base[MAX_IOAPICS];
    uint16_t pm_timer_port;       /* 0 if none */
    bool pm_timer_32bit;
    uint16_t pm1a_cnt_port;       /* 0 if none */
    uint16_t slp_typ_s5;          /* SLP_TYPa for soft-off */
    bool reset_reg_valid;
    uint8_t reset_space;          /* 1 = system I/O */
    uint64_t reset_addr;
    uint8_t reset_value;
    paddr_t hpet_base;            /* 0 if none */
};

extern struct acpi_info acpi;

void acpi_init(void);

#endif
