/* Hypervisor boot options (hv/common/options.c). */
#ifndef PROXEN_OPTIONS_H
#define PROXEN_OPTIONS_H

#include <proxen/types.h>

extern char opt_console[16];          /* com1 (default), com2, none */
extern unsigned long long opt_dom0_mem;    /* bytes; 0 = builder's default */
extern unsigned long long opt_dom0_max_vcpus;  /* 0 = one per CPU online */
extern unsigned long long opt_maxcpus;     /* CPUs to bring up */
extern char opt_sched[16];            /* scheduler policy (used by the scheduler) */
extern unsigned long long opt_tbuf_size;   /* trace buffer pages per CPU */
extern char opt_test[64];             /* system-test hook, see selftest.c */
extern bool opt_stretch_stats;        /* measure stretches between preemption
                                       * points (preempt.c; costs two clock
                                       * reads per hypercall) */
extern unsigned long long opt_tsc_skew_test;  /* test only: CPU n's TSC reads
                                       * n times this many ticks ahead (time.c) */
extern unsigned long long opt_gnttab_max_frames;   /* dom0's grant-table limits */
extern unsigned long long opt_gnttab_max_maptrack_frames;  /* (grant_table.h) */
extern char hv_cmdline[1024];         /* the whole command line */

/* Parse the command line into the variables above; problems are reported
 * on the console and never stop the boot. */
void boot_options_parse(const char *cmdline);

#endif
