/* The xenstore wire protocol: messages between a xenstore client (a guest
 * kernel, or the toolstack in dom0) and the xenstore daemon.  A message is
 * a struct xsd_sockmsg header followed by len bytes of payload, usually
 * NUL-terminated strings.  A guest carries its messages over one shared
 * page (struct xenstore_domain_interface, its machine frame in
 * start_info.store_mfn) and one event channel (start_info.store_evtchn).
 *
 * Errors come back as an XS_ERROR reply whose payload is the error's name
 * ("ENOENT", "EACCES", ...) with its NUL. */
#ifndef PUBLIC_IO_XS_WIRE_H
#define PUBLIC_IO_XS_WIRE_H


/* xsd_sockmsg.type */
#define XS_CONTROL                0   /* also known as XS_DEBUG */
#define XS_DEBUG                  XS_CONTROL
#define XS_DIRECTORY              1
#define XS_READ                   2
#define XS_GET_PERMS              3
#define XS_WATCH                  4
#define XS_UNWATCH                5
#define XS_TRANSACTION_START      6
#define XS_TRANSACTION_END        7
#define XS_INTRODUCE              8
#define XS_RELEASE                9
#define XS_GET_DOMAIN_PATH       10
#define XS_WRITE                 11
#define XS_MKDIR                 12
#define XS_RM                    13
#define XS_SET_PERMS             14
#define XS_WATCH_EVENT           15
#define XS_ERROR                 16
#define XS_IS_DOMAIN_INTRODUCED  17
#define XS_RESUME                18
#define XS_SET_TARGET            19
#define XS_RESTRICT              20   /* obsolete */
#define XS_RESET_WATCHES         21
#define XS_DIRECTORY_PART        22
#define XS_TYPE_COUNT            23
#define XS_INVALID           0xffff   /* never a valid type */

/* Payloads of XS_WRITE's older flag form. */
#define XS_WRITE_NONE        "NONE"
#define XS_WRITE_CREATE      "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct xsd_sockmsg {
    uint32_t type;     /* XS_* */
    uint32_t req_id;   /* chosen by the client, echoed in the reply */
    uint32_t tx_id;    /* transaction id, 0 outside a transaction */
    uint32_t len;      /* bytes of payload that follow */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg size");

#endif /* !__ASSEMBLER__ */

/* The strings of an XS_WATCH_EVENT payload, in order. */
#define XS_WATCH_PATH  0
#define XS_WATCH_TOKEN 1

/* The shared page: two byte rings with free-running 32-bit indices. */
#define XENSTORE_RING_SIZE 1024
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

#ifndef __ASSEMBLER__
typedef uint32_t XENSTORE_RING_IDX;

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];    /* client -> daemon */
    char rsp[XENSTORE_RING_SIZE];    /* daemon -> client: replies, watch events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;        /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;             /* XENSTORE_CONNECTED or _RECONNECT */
};
_Static_assert(sizeof(struct xenstore_domain_interface) == 2072, "xenstore ring size");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048, "req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060, "rsp_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, connection) == 2068, "connection");
#endif /* !__ASSEMBLER__ */

/* The largest payload a message may carry: a longer one is a protocol
 * violation (the daemon resets the connection). */
#define XENSTORE_PAYLOAD_MAX 4096

/* The longest path a request may name, absolute or relative to the
 * caller's home (/local/domain/<id>); a longer one gets an error reply. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1

#define XENSTORE_CONNECTED 0   /* steady state */
#define XENSTORE_RECONNECT 1   /* the client asked to reconnect */

#endif
