/* The xenstore library's insides, shared by the files of lib/xenstore/.
 *
 * The store is a flat map from absolute path to node, as Xen's database
 * is: each node holds its value, its permissions and the names of its
 * children, in creation order.  A transaction is an overlay map over it:
 * every node the transaction has looked at, with the generation it had
 * then, and its own copy of each node it changed.  Committing checks
 * that none of those generations moved (else EAGAIN) and then moves the
 * copies into the store, which cannot fail.  Requests work on a view:
 * the store itself, or the store through one transaction. */
#ifndef LIB_XENSTORE_PRIVATE_H
#define LIB_XENSTORE_PRIVATE_H

#include <lib/errno.h>
#include <lib/string.h>
#include <lib/xenstore.h>

/* Error numbers of xenstore's names that lib/errno.h lacks (Linux's
 * values, as xs_wire.h's table uses); they never leave the library as
 * numbers, only as names. */
#define XS_EISDIR    21
#define XS_EROFS     30
#define XS_ENOTEMPTY 39

/* Permission bits (Xen's XS_PERM_*). */
#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 4u
#define XS_PERM_ALL   (XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER)

/* Xen's on-disk record header and permission entry sizes: a node's size
 * for the node-size quota counts as Xen's does. */
#define XS_NODE_HDR_SIZE  24u
#define XS_NODE_PERM_SIZE 8u

#define XS_GLOBAL_BUCKETS 512   /* one 4 KiB block of pointers */
#define XS_TX_BUCKETS     32

struct xs_perm {
    unsigned int domid;
    unsigned int perms;   /* XS_PERM_* */
};

struct xs_child {
    struct xs_child *next;
    size_t len;
    char name[];          /* len bytes and a NUL */
};

/* Overlay states of a node in a transaction's map. */
enum xs_tx_state {
    XS_TX_NONE,           /* a node of the store itself */
    XS_TX_READ,           /* seen only: the store's node (or none) is the view */
    XS_TX_WRITTEN,        /* the transaction's own copy */
    XS_TX_DELETED,        /* gone in the transaction */
};

struct xs_node {
    struct xs_node *hnext;
    char *path;
    size_t pathlen;
    char *value;
    size_t vlen;
    struct xs_perm *perms;
    unsigned int nperms;          /* >= 1: perms[0] is the owner's entry */
    struct xs_child *children, *last_child;
    unsigned int nchildren;
    size_t childlen;              /* sum of names and NULs, as Xen's */
    uint64_t gen;                 /* store generation of the last change */
    /* In a transaction's map only: */
    uint64_t base_gen;            /* gen when first seen; 0 if it did not exist */
    enum xs_tx_state state;
};

struct xs_map {
    struct xs_node **bucket;
    unsigned int nbuckets;
    unsigned int count;
};

/* What the store knows of one domain id: nodes owned, introduced. */
struct xs_domain {
    struct xs_domain *next;
    unsigned int domid;
    unsigned int entries;         /* nodes it owns */
    struct xs_conn *conn;         /* its ring's connection, if introduced */
    bool shutdown_fired;          /* @releaseDomain sent for its shutdown */
};

/* A transaction's change to a domain's node count, applied at commit. */
struct xs_delta {
    struct xs_delta *next;
    unsigned int domid;
    int entries;
};

/* A watch event held back by a transaction until it commits. */
struct xs_pending_event {
    struct xs_pending_event *next;
    bool exact;                   /* the node only, not its ancestors' watches */
    struct xs_perm *perms;        /* the node's permissions at the change, */
    unsigned int nperms;
    unsigned int noldperms;       /* then those before it (SET_PERMS) */
    size_t pathlen;
    char path[];
};

struct xs_tx {
    struct xs_tx *next;
    uint32_t id;
    struct xs_map map;
    unsigned int accessed;        /* nodes in map (trans_nodes quota) */
    bool created;                 /* created a node (quota checked at commit) */
    bool failed;                  /* ran out of memory: cannot commit */
    size_t bytes;                 /* memory it holds, as of its last request */
    struct xs_delta *deltas;
    struct xs_pending_event *events, *events_tail;
};

struct xs_watch {
    struct xs_watch *next;
    char *path;                   /* absolute, or @special */
    size_t pathlen;
    char *token;
    size_t toklen;
    size_t prefix_len;            /* bytes to strip for a relative watch */
};

struct xs_conn {
    struct xs_conn *next;
    struct xs_store *store;
    unsigned int domid;
    bool privileged;
    bool local;
    bool has_target;
    unsigned int target;          /* SET_TARGET: acts for this domain too */
    xs_send_fn send;
    void *opaque;
    struct xs_watch *watches;
    unsigned int nwatches;
    struct xs_tx *txs;
    unsigned int ntx;
    uint32_t next_txid;
    unsigned int outstanding;
    /* The request being handled. */
    uint32_t req_id, tx_id;
    uint32_t req_type;
};

struct xs_store {
    struct xs_allocator alloc;
    struct xs_hooks hooks;
    struct xs_quota quota;
    struct xs_map nodes;
    uint64_t gen;
    struct xs_conn *conns;
    struct xs_domain *domains;
    char *scratch;                /* XENSTORE_PAYLOAD_MAX bytes for replies */
};

/* A view of the store: directly, or through one transaction of conn. */
struct xs_view {
    struct xs_store *s;
    struct xs_conn *conn;         /* for quotas; NULL: the store itself */
    struct xs_tx *tx;
};

/* --- memory (store.c) --- */
void *xs_alloc(struct xs_store *s, size_t size);
void xs_free(struct xs_store *s, void *p, size_t size);
char *xs_strndup(struct xs_store *s, const char *str, size_t len);
void xs_strfree(struct xs_store *s, char *str, size_t len);

/* --- maps (map.c) --- */
int xs_map_init(struct xs_store *s, struct xs_map *m, unsigned int nbuckets);
void xs_map_fini(struct xs_store *s, struct xs_map *m);
struct xs_node *xs_map_find(const struct xs_map *m, const char *path, size_t len);
void xs_map_insert(struct xs_map *m, struct xs_node *n);
void xs_map_remove(struct xs_map *m, struct xs_node *n);

/* --- nodes (node.c) --- */
struct xs_node *xs_node_new(struct xs_store *s, const char *path, size_t len);
void xs_node_free(struct xs_store *s, struct xs_node *n);
void xs_node_clear(struct xs_store *s, struct xs_node *n);
int xs_node_copy_into(struct xs_store *s, struct xs_node *dst, const struct xs_node *src);
void xs_node_move_data(struct xs_store *s, struct xs_node *dst, struct xs_node *src);
int xs_node_set_value(struct xs_store *s, struct xs_node *n, const char *v, size_t len);
int xs_node_set_perms(struct xs_store *s, struct xs_node *n, const struct xs_perm *p,
                      unsigned int np);
int xs_node_add_child(struct xs_store *s, struct xs_node *n, const char *name, size_t len);
bool xs_node_del_child(struct xs_store *s, struct xs_node *n, const char *name, size_t len);
size_t xs_node_size(const struct xs_node *n);

/* --- paths (path.c) --- */
bool xs_valid_chars(const char *p);
int xs_canonicalize(struct xs_conn *c, const char *in, bool allow_special,
                    char **out, size_t *outlen);
const char *xs_parent(const char *path, size_t len, size_t *plen);
const char *xs_basename(const char *path, size_t len, size_t *blen);
bool xs_is_child(const char *child, size_t clen, const char *parent, size_t plen);
int xs_parse_domid(const char *str, unsigned int *domid);
size_t xs_format_uint(char *buf, uint64_t v);
size_t xs_domain_path(char *buf, unsigned int domid);

/* --- permissions (perms.c) --- */
unsigned int xs_perm_for(const struct xs_conn *c, const struct xs_perm *p,
                         unsigned int np);
int xs_perms_parse(const char *strings, size_t len, struct xs_perm *out,
                   unsigned int max, unsigned int *count);
size_t xs_perms_format(const struct xs_perm *p, unsigned int np, char *buf, size_t size);

/* --- views (view.c) --- */
int xs_view_get(struct xs_view *v, const char *path, size_t len,
                const struct xs_node **out);
int xs_view_get_mut(struct xs_view *v, const char *path, size_t len,
                    struct xs_node **out);
int xs_view_create(struct xs_view *v, const char *path, size_t len,
                   const struct xs_perm *perms, unsigned int np, struct xs_node **out);
int xs_view_delete(struct xs_view *v, const char *path, size_t len);
int xs_view_account(struct xs_view *v, unsigned int owner, int delta);
bool xs_view_entries_ok(const struct xs_view *v, unsigned int n);
bool xs_view_size_ok(const struct xs_view *v, size_t size);

/* --- domains (domain.c) --- */
struct xs_domain *xs_domain_find(const struct xs_store *s, unsigned int domid);
struct xs_domain *xs_domain_get(struct xs_store *s, unsigned int domid);
void xs_domain_put(struct xs_store *s, struct xs_domain *d);
int xs_do_domain_op(struct xs_conn *c, const char *payload, uint32_t len);
int xs_do_control(struct xs_conn *c, const char *payload, uint32_t len);
int xs_store_check(const struct xs_store *s);

/* --- tree operations (tree.c) --- */
int xs_tree_write(struct xs_view *v, const char *path, size_t len,
                  const char *value, size_t vlen, bool has_value);
int xs_tree_rm(struct xs_view *v, const char *path, size_t len);
int xs_tree_rm_subtree(struct xs_view *v, const char *path, size_t len);
int xs_tree_set_perms(struct xs_view *v, const char *path, size_t len,
                      const struct xs_perm *perms, unsigned int np);
int xs_node_access(struct xs_view *v, const char *path, size_t len,
                   unsigned int want, const struct xs_node **out);

/* --- watches (watch.c) --- */
void xs_fire(struct xs_view *v, const char *path, size_t len, bool exact,
             const struct xs_perm *perms, unsigned int np,
             const struct xs_perm *old, unsigned int oldnp);
void xs_fire_now(struct xs_store *s, const char *path, size_t len, bool exact,
                 const struct xs_perm *perms, unsigned int np,
                 const struct xs_perm *old, unsigned int oldnp);
void xs_pending_fire_free(struct xs_store *s, struct xs_tx *tx, bool fire);
void xs_fire_special(struct xs_store *s, const char *name);
int xs_do_watch(struct xs_conn *c, const char *payload, uint32_t len);
int xs_do_unwatch(struct xs_conn *c, const char *payload, uint32_t len);
void xs_watches_drop(struct xs_conn *c);

/* --- transactions (transaction.c) --- */
struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id);
size_t xs_tx_footprint(const struct xs_tx *tx);
bool xs_tx_memory_ok(const struct xs_conn *c);
int xs_do_tx_start(struct xs_conn *c);
int xs_do_tx_end(struct xs_conn *c, struct xs_tx *tx, const char *payload, uint32_t len);
void xs_tx_free(struct xs_conn *c, struct xs_tx *tx);
void xs_txs_drop(struct xs_conn *c);

/* --- requests (ops.c) and replies (conn.c) --- */
int xs_do_request(struct xs_conn *c, uint32_t type, uint32_t tx_id,
                  const char *payload, uint32_t len);
void xs_reply(struct xs_conn *c, uint32_t type, const void *payload, size_t len);
void xs_reply_ok(struct xs_conn *c);
void xs_reply_error(struct xs_conn *c, int err);
void xs_send_event(struct xs_conn *c, const char *path, size_t plen,
                   const char *token, size_t toklen);
unsigned int xs_strings(const char *payload, uint32_t len, const char **vec,
                        unsigned int max);
const char *xs_onearg(const char *payload, uint32_t len);

#endif
