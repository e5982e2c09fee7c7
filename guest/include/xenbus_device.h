/* Split devices on xenbus (xenbus_device.c): a front end in the domain
 * using a device, a back end in the domain providing it, each with a
 * directory in xenstore holding its state (io/xenbus.h) and the path and
 * domain id of the other end:
 *     /local/domain/<fe>/device/<type>/<id>/{backend,backend-id,state,...}
 *     /local/domain/<be>/backend/<type>/<fe>/<id>/{frontend,frontend-id,state,...}
 * The toolstack writes both directories; each end then watches the
 * other's state and moves its own.  A back end trusts nothing the front
 * end wrote: the other end's details are checked to be the ones the
 * toolstack named. */
#ifndef GUEST_XENBUS_DEVICE_H
#define GUEST_XENBUS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/xenbus.h>
#include <public/xen.h>
#include <xenbus.h>

#define XENBUS_PATH_MAX 96

struct xenbus_device {
    char nodename[XENBUS_PATH_MAX];     /* ours, absolute */
    char otherend[XENBUS_PATH_MAX];     /* the other end's, absolute */
    domid_t otherend_id;
    bool is_back;
    enum xenbus_state state;            /* ours, as last written */
    enum xenbus_state otherend_state;   /* theirs, as last read */
    /* The other end's state changed (read again; called from xenbus_run). */
    void (*otherend_changed)(struct xenbus_device *dev, enum xenbus_state state);
    void *priv;
    struct xenbus_watch watch;          /* on otherend/state */
    char watch_path[XENBUS_PATH_MAX + 8];
};

/* A state node's value (XenbusStateUnknown when absent or not a state). */
enum xenbus_state xenbus_read_state(const char *path);
/* Write ours (nodename/state), unless that node is gone (the directory
 * was removed: it is not brought back); remembered in dev->state. */
long xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state);
/* Read nodename's other-end details, check them (a back end: the front
 * end must be /local/domain/<frontend-id>/device/<type>/<id> for the
 * domain and id its own path names), and watch the other end's state.
 * 0 or a negative errno (-EINVAL for details that do not agree). */
long xenbus_device_start(struct xenbus_device *dev, const char *nodename, bool is_back,
                         void (*changed)(struct xenbus_device *, enum xenbus_state), void *priv);
void xenbus_device_stop(struct xenbus_device *dev);
/* Read a front end's node (ring-ref, port, ...) as a number. */
long xenbus_read_otherend_u64(struct xenbus_device *dev, const char *node, uint64_t *value);

const char *xenbus_state_name(enum xenbus_state state);

/* The toolstack's side (xenbus_toolstack.c, in the initial domain, back
 * ends in it): describe device <type>/<devid> of domain dom in xenstore,
 * both directories in state Initialising, the front end's owned by dom
 * (dom0 may read it), the back end's owned by dom0 (dom may read it),
 * with extra front-end nodes given as "name", "value" pairs (NULL-ended).
 * Remove them again (both directories: XS_RM's answer, which for a
 * missing node whose parent exists is success, as on Xen). */
long xenbus_device_create(const char *type, domid_t dom, unsigned int devid,
                          const char *const *front_nodes);
long xenbus_device_remove(const char *type, domid_t dom, unsigned int devid);
/* Permissions of a node, as XS_SET_PERMS takes them: "n0", "r5", ... */
long xenbus_set_perms(xs_tx_t tx, const char *path, const char *const *perms, unsigned int n);

#endif
