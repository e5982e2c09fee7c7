#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <proxen/types.h>

extern uint64_t tsc_khz;
extern uint64_t apic_timer_khz;

/* Calibrate the TSC and the local APIC timer against the best platform
 * timer (HPET, else ACPI PM timer, else PIT); start system time. */
void time_init(void);
void time_init_cpu(void);          /* APIC timer on this CPU */
const char *time_source_name(void);
void udelay(unsigned long us);

/* System time in a guest's record, from this CPU's TSC and base. */
struct vcpu_time_info;
void time_fill_vcpu_time(struct vcpu_time_info *t);

/* This CPU's TSC offset from the boot CPU's (asm/tsc_sync.h), measured
 * while the CPU comes up: it answers (interrupts off, before it reads the
 * time) while the boot CPU asks and sets its base. */
void time_sync_answer(unsigned int cpu);
void time_sync_cpu(unsigned int cpu);

/* The periodic refresh of the running vCPU's time record (pv/vcpu_time.c),
 * once this CPU's timers work. */
void vcpu_time_start_cpu(unsigned int cpu);

#endif
