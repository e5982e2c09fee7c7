/* Fuzz the xenstore library (lib/xenstore/) with sequences of arbitrary
 * messages from dom0's local connection and two domains, mixed with the
 * daemon's own calls (introduce, release, shutdown, transport reset) and
 * an allocation made to fail.  Properties: every request gets exactly one
 * reply, no message exceeds the wire's limit (xs_harness.h aborts), the
 * store stays consistent (CONTROL check), and nothing is left allocated
 * once the store is destroyed; and a domain that read or wrote a node
 * could: the node's permissions, asked by dom0 afterwards, give it that
 * access (unless some SET_TARGET succeeded, which widens a domain's
 * rights).
 *
 * Input: byte 0 picks the failing allocation (0: none); then records of
 *   op, type, tx, len, payload[len]
 * where op & 3 is the sender (dom0, dom5, dom6) or 3 for a daemon call
 * (op >> 2 chooses which), tx 0 is no transaction, 1..3 a transaction id
 * the sender was given, others themselves. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/xs_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xs_alloc_stats stats;
static struct xs_store *store;
static struct xs_client clients[3];          /* dom0, dom5, dom6 */
static uint32_t txids[3][3];
static bool targets;

static void check(bool ok)
{
    if (!ok)
        abort();
}

static struct xs_client *client_for(unsigned int domid)
{
    return domid == 5 ? &clients[1] : domid == 6 ? &clients[2] : NULL;
}

static int hook_introduce(void *opaque, unsigned int domid, uint64_t mfn, uint32_t evtchn,
                          struct xs_conn *existing)
{
    struct xs_client *cl = client_for(domid);

    (void)opaque;
    (void)mfn;
    (void)evtchn;
    if (existing)
        return 0;
    if (!cl)
        return -3;
    cl->conn = xs_conn_create_domain(store, domid, xs_test_send, cl);
    return cl->conn ? 0 : -12;
}

static void hook_release(void *opaque, unsigned int domid, struct xs_conn *conn)
{
    struct xs_client *cl = client_for(domid);

    (void)opaque;
    check(cl && cl->conn == conn);
    cl->conn = NULL;
}

static const struct xs_hooks hooks = { .introduce = hook_introduce, .release = hook_release };

/* Does dom0's GET_PERMS reply (perms) give domid the access letter
 * 'r' or 'w' ('b' gives both)? */
static bool allows(const struct xs_msg *perms, unsigned int domid, char what)
{
    const char *p = perms->body, *end = perms->body + perms->len;
    char first = 0;

    for (unsigned int i = 0; p < end; i++, p += strlen(p) + 1) {
        unsigned int id = (unsigned int)strtoul(p + 1, NULL, 10);

        if (i == 0 && id == domid)
            return true;                        /* the owner */
        if (i == 0)
            first = p[0];
        else if (id == domid)
            return p[0] == what || p[0] == 'b';
    }
    return first == what || first == 'b';
}

/* A successful READ or WRITE by a domain: check its right with dom0's
 * GET_PERMS (the path, up to its NUL, made absolute as the store does). */
static void check_right(unsigned int who, const uint8_t *p, uint32_t len, char what)
{
    static char path[XENSTORE_ABS_PATH_MAX + 64];
    struct xs_client *d0 = &clients[0];
    struct xsd_sockmsg hdr = { .type = XS_GET_PERMS };
    unsigned int domid = who == 1 ? 5 : 6;
    size_t n = 0;
    long saved = stats.fail_at;

    if (targets || len == 0 || !memchr(p, '\0', len))
        return;
    len = (uint32_t)strlen((const char *)p) + 1;
    if (len > XENSTORE_ABS_PATH_MAX)
        return;
    if (p[0] != '/')
        n = (size_t)snprintf(path, sizeof(path), "/local/domain/%u/", domid);
    memcpy(path + n, p, len);                   /* the path with its NUL */
    hdr.len = (uint32_t)(n + len);
    stats.fail_at = -1;
    d0->n = 0;
    check(xs_conn_feed(d0->conn, &hdr, path) == 0);
    stats.fail_at = saved;
    check(d0->n == 1 && d0->msgs[0].type == XS_GET_PERMS);
    check(allows(&d0->msgs[0], domid, what));
}

/* One request; exactly one reply, with the request's ids. */
static void request(unsigned int who, uint32_t type, uint32_t tx, const uint8_t *p, uint32_t len)
{
    struct xs_client *cl = &clients[who];
    struct xsd_sockmsg hdr = { .type = type, .req_id = 0x5a5a, .tx_id = tx, .len = len };
    unsigned int replies = 0;
    char *copy;

    if (!cl->conn)
        return;
    copy = malloc(len ? len : 1);           /* exactly len bytes: ASan sees overreads */
    memcpy(copy, p, len);
    cl->n = 0;
    check(xs_conn_feed(cl->conn, &hdr, copy) == 0);
    free(copy);
    for (unsigned int i = 0; i < cl->n; i++) {
        struct xs_msg *m = &cl->msgs[i];

        if (m->type == XS_WATCH_EVENT)
            continue;
        replies++;
        check(m->req_id == 0x5a5a && m->tx_id == tx);
        if (m->type == XS_TRANSACTION_START)
            txids[who][replies % 3] = (uint32_t)strtoul(m->body, NULL, 10);
        if (m->type == XS_SET_TARGET)
            targets = true;
        if ((m->type == XS_READ || m->type == XS_WRITE) && who != 0 && tx == 0)
            check_right(who, p, len, m->type == XS_READ ? 'r' : 'w');
    }
    check(replies == 1 || cl->n == XS_MAX_MSGS);
    if (cl->conn)
        xs_conn_consumed(cl->conn, cl->n);
}

static void daemon_call(unsigned int what)
{
    unsigned int domid = (what & 1) ? 6 : 5;
    struct xs_client *cl = client_for(domid);

    switch ((what >> 1) % 4) {
    case 0:
        xs_domain_introduce(store, domid, 0x100 + domid, 1);
        break;
    case 1:
        xs_domain_release(store, domid);
        break;
    case 2:
        xs_domain_shutdown(store, domid);
        break;
    case 3:
        if (cl->conn) {
            xs_conn_destroy(cl->conn);
            cl->conn = NULL;
        }
        break;
    }
}

static void check_store(void)
{
    struct xs_client *cl = &clients[0];
    struct xsd_sockmsg hdr = { .type = XS_CONTROL, .len = 6 };
    long saved = stats.fail_at;

    stats.fail_at = -1;
    cl->n = 0;
    check(xs_conn_feed(cl->conn, &hdr, "check") == 0);
    check(cl->n >= 1 && cl->msgs[cl->n - 1].type == XS_CONTROL);
    stats.fail_at = saved;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct xs_allocator alloc = {
        .alloc = xs_test_alloc, .free = xs_test_free, .ctx = &stats,
    };
    size_t off = 1;

    if (size < 1)
        return 0;
    memset(&stats, 0, sizeof(stats));
    stats.fail_at = -1;
    memset(clients, 0, sizeof(clients));
    memset(txids, 0, sizeof(txids));
    targets = false;
    store = xs_store_create(&alloc, &hooks, NULL);
    check(store != NULL);
    clients[0].conn = xs_conn_create_local(store, xs_test_send, &clients[0]);
    check(clients[0].conn != NULL);
    check(xs_domain_introduce(store, 5, 1, 1) == 0 && xs_domain_introduce(store, 6, 2, 2) == 0);
    stats.fail_at = data[0] ? stats.calls + (long)data[0] * 2 : -1;

    while (off + 4 <= size) {
        uint8_t op = data[off], type = data[off + 1], tx = data[off + 2];
        uint32_t len = data[off + 3];

        off += 4;
        if (len == 255 && off + 2 <= size) {          /* a long one */
            len = (uint32_t)(data[off] | data[off + 1] << 8) % (XENSTORE_PAYLOAD_MAX + 2);
            off += 2;
        }
        if (len > size - off)
            len = (uint32_t)(size - off);
        if ((op & 3) == 3) {
            daemon_call(op >> 2);
        } else {
            unsigned int who = op & 3;
            uint32_t txid = tx >= 1 && tx <= 3 ? txids[who][tx - 1] : tx;

            if (len > XENSTORE_PAYLOAD_MAX) {
                struct xsd_sockmsg hdr = { .type = type, .len = len };

                check(!clients[who].conn ||
                      xs_conn_feed(clients[who].conn, &hdr, data + off) < 0);
            } else {
                request(who, type % (XS_TYPE_COUNT + 1), txid, data + off, len);
            }
        }
        off += len;
        check_store();
    }
    xs_store_destroy(store);
    check(stats.live_bytes == 0 && stats.live_blocks == 0);
    return 0;
}
