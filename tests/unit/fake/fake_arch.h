/* Test-side controls of the fake arch layer. */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <proxen/types.h>

/* Give the fake machine nr_frames of "RAM": arch_maddr_to_virt() maps
 * machine address 0 to the start of this buffer. */
void fake_mem_init(uint64_t nr_frames);
void fake_mem_free(void);
uint64_t fake_mem_frames(void);

/* Everything written to the console since the last reset. */
const char *fake_console_text(void);
void fake_console_reset(void);

/* The CPU the fake claims to run on, and the fake system clock. */
void fake_set_cpu(unsigned int cpu);
void fake_set_now(s_time_t now);
s_time_t fake_last_timer_program(void);

/* How many CPUs arch_nr_cpus_online() reports (1 unless set). */
void fake_set_nr_cpus(unsigned int n);
/* How many times arch_cpu_kick(cpu) was called. */
unsigned int fake_cpu_kicks(unsigned int cpu);

/* Grant mappings the arch was asked for (fake_grant_map.c). */
struct domain;
struct fake_grant_mapping {
    bool in_use;
    struct domain *ld;
    uint64_t addr;
    uint32_t flags;
    uint64_t frame;
};
void fake_grant_reset(void);
/* arch_grant_map refuses this address (GNTST_general_error). */
void fake_grant_refuse_addr(uint64_t addr);
/* unmap_and_replace may take the mapping at this address (once). */
void fake_grant_set_stealable(uint64_t addr);
unsigned int fake_grant_flushes(void);
const struct fake_grant_mapping *fake_grant_at(uint64_t addr);
unsigned int fake_grant_nr_mappings(void);

#endif
