/* Running other domains from the initial domain (kernel/domu.c), for the
 * tests and the benchmarks: build one from an image with its console
 * ring served by this domain's daemon (console_back.h), start, look at
 * its console, destroy; and interdomain event ping-pong between two demo
 * domains (guest/apps/demo/pingpong.c). */
#ifndef GUEST_DOMU_H
#define GUEST_DOMU_H

#include <stdbool.h>
#include <stddef.h>
#include <domain_build.h>

/* Build (paused) and connect its console: 0, or domain_build's error
 * (b->why says what) or the daemon's. */
long domu_build(const void *image, size_t len, const char *name, const char *cmdline,
                uint64_t pages, struct domain_build *b);
long domu_unpause(domid_t id);
long domu_pin(domid_t id, uint64_t cpumap);      /* its vCPU 0 */
/* Its console disconnected, its xenstore entries removed and the domain
 * released from the store, then destroyed: destroydomain's answer.  The
 * one release of a domain dom0 made (the shell's, the benchmarks'). */
long domu_destroy(domid_t id);
bool domu_console_has(domid_t id, const char *text);
/* Wait, blocked, until its console shows text: whether it did in time. */
bool domu_console_wait(domid_t id, const char *text, uint64_t timeout_ns);

/* Two demo domains from image playing ping-pong, their vCPUs on cpumap
 * (0: anywhere): the best batch's round trip in ns, or 0 (*why set). */
uint64_t domu_ping_pong(const void *image, size_t len, uint64_t cpumap, unsigned int rounds,
                        const char **why);

#endif
