/* The guest's other vCPUs.  The hypervisor starts them down and without a
 * context; the kernel gives each a context once (VCPUOP_initialise) and
 * brings it up (VCPUOP_up) to run one job at a time: the vCPU runs the
 * job, says it is done, and takes itself down (VCPUOP_down) until the
 * next one, so an idle vCPU costs its CPU nothing.
 *
 * Jobs run on their own stacks with events masked; they must not fault
 * (the exception records are the boot vCPU's) and must not use the page
 * allocator or printk (not made for concurrency): they make hypercalls
 * and write into memory their caller gave them. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>

#define SMP_MAX_VCPUS 8

/* How many vCPUs the domain has (VCPUOP_is_up answers -ENOENT past the
 * last), at most SMP_MAX_VCPUS. */
unsigned int smp_nr_vcpus(void);

/* The vCPU the caller runs on. */
unsigned int smp_self(void);

/* The context smp_run gives vCPU id (tests change it to be refused). */
void smp_fill_context(struct vcpu_guest_context *c, unsigned int id);

/* Run fn(arg) on vCPU id (1..n-1): 0, or the hypercall's error. */
long smp_run(unsigned int id, void (*fn)(void *), void *arg);
/* Wait until vCPU id's job is done and the vCPU is down again. */
void smp_wait(unsigned int id);

#endif
