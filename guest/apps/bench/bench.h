/* The benchmark guest (proxen-bench): what the runner (main.c) needs to
 * know about each benchmark (ops.c).
 *
 * A benchmark times batches of one operation with the TSC.  The runner
 * sets every benchmark up, then runs rounds in which each benchmark does
 * one batch (a slow one only in some rounds), so that all of them see the same
 * mix of fast and slow periods of the machine, keeps the fastest batch of
 * each, tears them down and prints
 *   BENCH <metric> <value> ns (<how it was measured>)
 * as bench/README.md says. */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <lib.h>
#include <public/grant_table.h>

struct bench {
    const char *metric;         /* the BENCH name, as bench/README.md lists it */
    const char *op;             /* what one operation is, for the free text */
    unsigned int ops;           /* operations in one batch: the divisor */
    unsigned int batches;       /* batches in the whole run, spread over the
                                 * rounds; 0: one in every round */
    unsigned int decimals;      /* of the value printed: 1 or 3 */
    /* Get ready; false (after bench_fail) if it cannot run here. */
    bool (*setup)(void);
    /* One batch: the TSC ticks it took, or 0 (after bench_fail) if an
     * operation failed. */
    uint64_t (*batch)(void);
    /* Undo what setup did; called only after a successful setup. */
    void (*teardown)(void);
    /* Print the BENCH lines itself (a distribution rather than the
     * fastest batch), instead of the runner; why is "" or why there is
     * no number. */
    void (*report)(const char *why);
};

extern const struct bench benches[];
extern const unsigned int nr_benches;

/* Say why a benchmark cannot give a number: printed as
 * "BENCH <metric> n/a <why>". */
void bench_fail(const char *fmt, ...) __printf(1, 2);

/* domains.c: many small domains, created, kept and destroyed. */
void bench_domain_density(void);
void bench_domu(void);          /* domains that run: creation, ping-pong */
void bench_xenstore(void);      /* dom0's xenstore daemon (xenstore.c) */
/* xenstore.c: a demo domain of `pages` pages built from image, paused,
 * with its xenstore entries if xs, kept in *kept (or destroyed if kept is
 * NULL): how long that took, or 0 (nothing left behind). */
uint64_t bench_create_once(const void *image, size_t len, bool xs, uint64_t pages,
                           domid_t *kept);
/* console_device.c: creation with a secondary console device. */
void bench_console_device_creation(const void *image, size_t len);

/* hostile.c: the largest requests of the long hypercalls, unmeasured here. */
void bench_hostile_batches(void);

/* time_read.c: BENCH_TIME_READS readings per batch. */
#define BENCH_TIME_READS 1000
uint64_t bench_time_read_batch(void);
uint64_t bench_gettimeofday_batch(void);

/* grant_map.c: map+unmap round trips of a grant, dom0 to itself. */
bool grant_map_setup(void);
uint64_t grant_map_batch(void);
void grant_map_teardown(void);
/* ...and of a demo domU's grant, mapped by the initial domain. */
bool grant_map_domu_setup(void);
uint64_t grant_map_domu_batch(void);
void grant_map_domu_teardown(void);

/* granter.c: a demo domU granting a page of its own to the initial
 * domain, built by the first get and destroyed by the last put.  The
 * page's i-th 64-bit word is GRANTER_WORD0 * (i + 1) (guest/apps/demo/grant.c). */
#define GRANTER_WORD0 0x9e3779b97f4a7c15ULL
bool granter_get(domid_t *dom, grant_ref_t *ref);
void granter_put(void);

/* grant_copy.c: GNTTABOP_copy of 4 KiB pages (MB/s), dom0 to itself... */
bool grant_copy_setup(void);
uint64_t grant_copy_batch(void);
void grant_copy_teardown(void);
void grant_copy_report(const char *why);
/* ...and between the granter's page and frames of the initial domain's:
 * one set-up (the from benchmark's) for both directions. */
bool grant_copy_domu_setup(void);
uint64_t grant_copy_from_domu_batch(void);
void grant_copy_domu_teardown(void);
void grant_copy_from_domu_report(const char *why);
bool grant_copy_to_domu_setup(void);
uint64_t grant_copy_to_domu_batch(void);
void grant_copy_to_domu_report(const char *why);

/* ipi.c: round trips between vCPU 0 and vCPU 1, IPI_ROUND_TRIPS a batch. */
#define IPI_ROUND_TRIPS 100
bool ipi_setup(void);
uint64_t ipi_batch(void);
void ipi_teardown(void);

/* timer_lateness.c: one-shot timers, reported as a distribution. */
bool timer_lateness_setup(void);
uint64_t timer_lateness_batch(void);
void timer_lateness_report(const char *why);

/* bounce.S */
void bench_int3_loop(uint64_t n);
void bench_pf_loop(uint64_t n, uint64_t va);
extern char bench_bp_entry[], bench_pf_entry[];

#endif
