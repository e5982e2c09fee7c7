/* The console daemon of the initial domain (kernel/console_back.c): it
 * serves other domains' PV console rings (public/io/console.h).  For each
 * domain connected it maps the ring (a foreign mapping of the frame the
 * builder gave it) and binds an interdomain event channel to the port in
 * the domain's start_info; every event drains the ring into the domain's
 * history (the last CONSOLE_HISTORY bytes), and into the attached sink if
 * one is set.  Input goes the other way into the ring's `in`.  A ring the
 * domain corrupted reads as empty; a domain that floods its ring only
 * overwrites its own history. */
#ifndef GUEST_CONSOLE_BACK_H
#define GUEST_CONSOLE_BACK_H

#include <stddef.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/xen.h>

#define CONSOLE_HISTORY 4096     /* a page each, while connected */

typedef void console_sink_fn(const char *s, size_t len);

/* 0, -ENOSPC (CONSOLE_BACK_SLOTS domains already), -EEXIST, -ENOMEM, or the
 * hypervisor's answer to the mapping or the binding (nothing kept). */
long console_back_connect(domid_t dom, uint64_t ring_mfn, evtchn_port_t remote_port);
/* Unbind and unmap every console of the domain (it is going); -ENOENT
 * if none was connected. */
long console_back_disconnect(domid_t dom);
/* The history, oldest first, at most len bytes: how many. */
size_t console_back_history(domid_t dom, char *buf, size_t len);

/* A secondary console (device/console/<devid>, devid >= 1, set up on
 * xenbus by console_xenbus.c): its ring is a page the domain granted
 * (ref), mapped with GNTTABOP_map_grant_ref.  Same answers as
 * console_back_connect, -EACCES or -EINVAL for a grant that cannot be
 * mapped. */
long console_back_connect_granted(domid_t dom, unsigned int devid, grant_ref_t ref,
                                  evtchn_port_t remote_port);
long console_back_disconnect_dev(domid_t dom, unsigned int devid);
size_t console_back_history_dev(domid_t dom, unsigned int devid, char *buf, size_t len);

/* The xenbus side of secondary consoles (console_xenbus.c): watch this
 * domain's backend/console directory and serve the devices found there.
 * A device's back-end state, Unknown when not served. */
long console_xenbus_init(void);
int console_xenbus_state(domid_t dom, unsigned int devid);
/* Send what the domain writes from now on to sink too (NULL: stop). */
long console_back_attach(domid_t dom, console_sink_fn *sink);
/* Put input into the domain's ring: how many bytes went (the ring may be
 * full), or -ENOENT. */
long console_back_input(domid_t dom, const char *s, size_t len);
/* Events sent to dom's primary console (one per drain that took output). */
uint64_t console_back_notified(domid_t dom);
/* Bytes of output read from dom, ever (-ENOENT as a huge number: 0). */
uint64_t console_back_total(domid_t dom);

#endif
