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

struct vcpu_time_info;
void time_fill_vcpu_time(struct vcpu_time_info *t);

#endif
