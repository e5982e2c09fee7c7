/* The control interface (public/control.h) as the tests call it. */
#ifndef GUEST_TESTS_CONTROL_OPS_H
#define GUEST_TESTS_CONTROL_OPS_H

#include <stdint.h>
#include <public/control.h>

long ctl_call(struct proxen_control *op);
/* A request for cmd about dom, everything else zero. */
struct proxen_control ctl_op(uint32_t cmd, domid_t dom);
/* A paused domain with room for 1024 pages. */
long ctl_create(const char *name, uint32_t vcpus, domid_t *id);
long ctl_destroy(domid_t id);
long ctl_info(domid_t from, struct pxctl_domaininfo *out);
uint64_t ctl_free_pages(void);        /* 0 if physinfo fails */
long ctl_populate(domid_t id, uint64_t nr);
long ctl_memlist(domid_t id, uint64_t start, uint64_t *buf, uint64_t max, uint64_t *got);

#endif
