/* The xenstore library (lib/xenstore/) against Xen's documented and
 * implemented behaviour: path syntax, the tree operations, permissions
 * (with a refusal that never says whether a node exists), watches and
 * their events, transactions and their conflicts, every quota, the
 * domain requests, the error names, and no memory kept after the store
 * is gone, also when an allocation fails half-way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <lib/errno.h>
#include <public/xen.h>
#include "xs_harness.h"

static struct xs_alloc_stats stats;
static struct xs_store *store;
static struct xs_client dom0, dom5, dom6;   /* dom0's local connection, two domUs */
static int introduce_calls, release_calls;
static uint64_t introduce_mfn;
static uint32_t introduce_port;

static const struct xs_allocator test_alloc = {
    .alloc = xs_test_alloc, .free = xs_test_free, .ctx = &stats,
};

static struct xs_client *client_for(unsigned int domid)
{
    return domid == 5 ? &dom5 : domid == 6 ? &dom6 : NULL;
}

static int hook_introduce(void *opaque, unsigned int domid, uint64_t mfn, uint32_t evtchn,
                          struct xs_conn *existing)
{
    struct xs_client *cl = client_for(domid);

    (void)opaque;
    introduce_calls++;
    introduce_mfn = mfn;
    introduce_port = evtchn;
    if (existing)
        return 0;
    if (!cl)
        return -ESRCH;
    cl->conn = xs_conn_create_domain(store, domid, xs_test_send, cl);
    return cl->conn ? 0 : -ENOMEM;
}

static void hook_release(void *opaque, unsigned int domid, struct xs_conn *conn)
{
    struct xs_client *cl = client_for(domid);

    (void)opaque;
    assert_non_null(cl);
    assert_ptr_equal(cl->conn, conn);
    assert_ptr_equal(xs_conn_opaque(conn), cl);
    release_calls++;
    cl->conn = NULL;
}

static const struct xs_hooks hooks = {
    .introduce = hook_introduce, .release = hook_release,
};

static int setup(void **state)
{
    (void)state;
    memset(&stats, 0, sizeof(stats));
    stats.fail_at = -1;
    introduce_calls = release_calls = 0;
    store = xs_store_create(&test_alloc, &hooks, NULL);
    assert_non_null(store);
    memset(&dom0, 0, sizeof(dom0));
    memset(&dom5, 0, sizeof(dom5));
    memset(&dom6, 0, sizeof(dom6));
    dom0.conn = xs_conn_create_local(store, xs_test_send, &dom0);
    assert_non_null(dom0.conn);
    assert_int_equal(xs_domain_introduce(store, 5, 0x1234, 7), 0);
    assert_int_equal(xs_domain_introduce(store, 6, 0x1235, 8), 0);
    assert_non_null(dom5.conn);
    assert_non_null(dom6.conn);
    return 0;
}

/* Nothing of the store outlives it. */
static int teardown(void **state)
{
    (void)state;
    xs_store_destroy(store);
    assert_int_equal(stats.live_bytes, 0);
    assert_int_equal(stats.live_blocks, 0);
    return 0;
}

#define P(lit) lit, sizeof(lit) - 1

/* Sends one request; returns its reply (events may come before it). */
static struct xs_msg *req_tx(struct xs_client *cl, uint32_t type, uint32_t tx,
                             const char *payload, size_t len)
{
    static uint32_t next_id = 100;
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_id++, .tx_id = tx,
                               .len = (uint32_t)len };

    cl->n = 0;
    assert_int_equal(xs_conn_feed(cl->conn, &hdr, payload), 0);
    for (unsigned int i = 0; i < cl->n; i++)
        if (cl->msgs[i].type != XS_WATCH_EVENT) {
            assert_int_equal(cl->msgs[i].req_id, hdr.req_id);
            assert_int_equal(cl->msgs[i].tx_id, tx);
            return &cl->msgs[i];
        }
    fail_msg("no reply to type %u", type);
    return NULL;
}

static struct xs_msg *req(struct xs_client *cl, uint32_t type, const char *payload, size_t len)
{
    return req_tx(cl, type, 0, payload, len);
}

static void expect_ok(struct xs_msg *m, uint32_t type)
{
    if (m->type == XS_ERROR)
        fail_msg("error %s", m->body);
    assert_int_equal(m->type, type);
    assert_int_equal(m->len, 3);
    assert_string_equal(m->body, "OK");
}

static void expect_error(struct xs_msg *m, const char *name)
{
    assert_int_equal(m->type, XS_ERROR);
    assert_string_equal(m->body, name);
    assert_int_equal(m->len, strlen(name) + 1);
}

static void expect_read(struct xs_msg *m, const char *value)
{
    if (m->type == XS_ERROR)
        fail_msg("error %s", m->body);
    assert_int_equal(m->type, XS_READ);
    assert_int_equal(m->len, strlen(value));
    assert_memory_equal(m->body, value, m->len);
}

static unsigned int count_events(struct xs_client *cl)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < cl->n; i++)
        n += cl->msgs[i].type == XS_WATCH_EVENT;
    return n;
}

/* The i-th event's path and token. */
static void expect_event(struct xs_client *cl, unsigned int i, const char *path,
                         const char *token)
{
    unsigned int k = 0;

    for (unsigned int j = 0; j < cl->n; j++) {
        struct xs_msg *m = &cl->msgs[j];

        if (m->type != XS_WATCH_EVENT || k++ != i)
            continue;
        assert_int_equal(m->req_id, 0);
        assert_int_equal(m->tx_id, 0);
        assert_string_equal(m->body, path);
        assert_string_equal(m->body + strlen(path) + 1, token);
        assert_int_equal(m->len, strlen(path) + strlen(token) + 2);
        return;
    }
    fail_msg("no event %u", i);
}

static void write_ok(struct xs_client *cl, const char *path, const char *value)
{
    char buf[4096];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    expect_ok(req(cl, XS_WRITE, buf, pl + vl), XS_WRITE);
}

static struct xs_msg *write_tx(struct xs_client *cl, uint32_t tx, const char *path,
                               const char *value)
{
    char buf[4096];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    return req_tx(cl, XS_WRITE, tx, buf, pl + vl);
}

static struct xs_msg *read_path(struct xs_client *cl, const char *path)
{
    return req(cl, XS_READ, path, strlen(path) + 1);
}

static void check_store(void)
{
    expect_ok(req(&dom0, XS_CONTROL, P("check\0")), XS_CONTROL);
}

/* ---- paths ---------------------------------------------------------- */

static void test_path_syntax(void **state)
{
    static char longpath[XENSTORE_ABS_PATH_MAX + 8];

    (void)state;
    write_ok(&dom0, "/a-b_c@1/X9", "v");
    expect_error(read_path(&dom0, "/a b"), "EINVAL");
    expect_error(read_path(&dom0, "/a//b"), "EINVAL");
    expect_error(read_path(&dom0, "/a/"), "EINVAL");
    expect_error(read_path(&dom0, "/a.b"), "EINVAL");
    expect_error(read_path(&dom0, ""), "EINVAL");
    expect_error(read_path(&dom0, "@introduceDomain"), "EINVAL");
    expect_error(req(&dom0, XS_READ, P("/a")), "EINVAL");          /* no NUL */
    expect_error(req(&dom0, XS_READ, P("/a\0/b\0")), "EINVAL");    /* two strings */
    longpath[0] = '/';
    memset(longpath + 1, 'x', XENSTORE_ABS_PATH_MAX);
    expect_error(read_path(&dom0, longpath), "EINVAL");
    longpath[XENSTORE_ABS_PATH_MAX] = '\0';                        /* 3072 bytes */
    expect_error(read_path(&dom0, longpath), "ENOENT");
    check_store();
}

/* Relative paths are under the caller's /local/domain/<id>; the path
 * quota counts below that home. */
static void test_relative_and_path_quota(void **state)
{
    static char rel[XENSTORE_REL_PATH_MAX + 2];

    (void)state;
    write_ok(&dom0, "/local/domain/5", "");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/local/domain/5\0b5\0")), XS_SET_PERMS);
    write_ok(&dom5, "name", "guest");
    expect_read(read_path(&dom0, "/local/domain/5/name"), "guest");
    expect_read(read_path(&dom5, "/local/domain/5/name"), "guest");
    memset(rel, 'a', XENSTORE_REL_PATH_MAX);
    expect_error(read_path(&dom5, rel), "ENOENT");                /* 2048 below home: fine */
    rel[XENSTORE_REL_PATH_MAX] = 'a';
    expect_error(read_path(&dom5, rel), "EINVAL");                /* 2049 */
    expect_error(read_path(&dom0, rel), "ENOENT");                /* dom0 has no path quota */
    expect_error(read_path(&dom5, "name/"), "EINVAL");
    expect_error(read_path(&dom5, ""), "EINVAL");
}

/* ---- the tree ------------------------------------------------------- */

static void test_write_read_mkdir_directory(void **state)
{
    struct xs_msg *m;

    (void)state;
    write_ok(&dom0, "/d/x/y", "deep");                 /* parents made, empty */
    expect_read(read_path(&dom0, "/d/x"), "");
    expect_read(read_path(&dom0, "/d/x/y"), "deep");
    write_ok(&dom0, "/d/b", "1");
    write_ok(&dom0, "/d/a", "2");
    m = req(&dom0, XS_DIRECTORY, P("/d\0"));
    assert_int_equal(m->type, XS_DIRECTORY);
    assert_int_equal(m->len, 6);
    assert_memory_equal(m->body, "x\0b\0a\0", 6);      /* creation order */
    expect_ok(req(&dom0, XS_MKDIR, P("/d/x\0")), XS_MKDIR);
    expect_read(read_path(&dom0, "/d/x/y"), "deep");  /* mkdir changed nothing */
    expect_ok(req(&dom0, XS_MKDIR, P("/e/f\0")), XS_MKDIR);
    expect_read(read_path(&dom0, "/e/f"), "");
    write_ok(&dom0, "/d/b", "");                       /* a value can be emptied */
    expect_read(read_path(&dom0, "/d/b"), "");
    m = req(&dom0, XS_WRITE, "/bin\0a\0b", 8);         /* binary values */
    expect_ok(m, XS_WRITE);
    m = read_path(&dom0, "/bin");
    assert_int_equal(m->len, 3);
    assert_memory_equal(m->body, "a\0b", 3);
    expect_error(req(&dom0, XS_WRITE, P("/novalue")), "EINVAL"); /* path lacks its NUL */
    m = req(&dom0, XS_DIRECTORY, P("/e/f\0"));
    assert_int_equal(m->type, XS_DIRECTORY);
    assert_int_equal(m->len, 0);
    expect_error(req(&dom0, XS_DIRECTORY, P("/nothere\0")), "ENOENT");
    check_store();
}

static void test_rm(void **state)
{
    unsigned int before = xs_store_node_count(store);

    (void)state;
    write_ok(&dom0, "/r/a/b", "1");
    write_ok(&dom0, "/r/c", "2");
    expect_ok(req(&dom0, XS_RM, P("/r/a\0")), XS_RM);
    expect_error(read_path(&dom0, "/r/a/b"), "ENOENT");
    expect_error(read_path(&dom0, "/r/a"), "ENOENT");
    expect_read(read_path(&dom0, "/r/c"), "2");
    expect_ok(req(&dom0, XS_RM, P("/r/a\0")), XS_RM);         /* gone, parent there: fine */
    expect_error(req(&dom0, XS_RM, P("/r/a/b\0")), "ENOENT"); /* parent gone too */
    expect_error(req(&dom0, XS_RM, P("/\0")), "EINVAL");
    expect_ok(req(&dom0, XS_RM, P("/r\0")), XS_RM);
    assert_int_equal(xs_store_node_count(store), before);
    check_store();
}

/* A path 1500 levels deep goes in one request and out in another. */
static void test_rm_deep(void **state)
{
    static char deep[XENSTORE_ABS_PATH_MAX + 1];
    size_t n = 0;

    (void)state;
    while (n + 2 <= XENSTORE_ABS_PATH_MAX) {
        deep[n++] = '/';
        deep[n++] = 'q';
    }
    deep[n] = '\0';
    write_ok(&dom0, deep, "bottom");
    expect_ok(req(&dom0, XS_RM, P("/q\0")), XS_RM);
    expect_error(read_path(&dom0, "/q"), "ENOENT");
    check_store();
}

static void test_directory_part(void **state)
{
    struct xs_msg *m;
    char name[64], gen[24];
    size_t genlen;

    (void)state;
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "/big/child-with-a-long-name-%03d", i);
        write_ok(&dom0, name, "");
    }
    /* 200 names of 27 bytes: more than a payload. */
    expect_error(req(&dom0, XS_DIRECTORY, P("/big\0")), "E2BIG");
    m = req(&dom0, XS_DIRECTORY_PART, P("/big\0" "0\0"));
    assert_int_equal(m->type, XS_DIRECTORY_PART);
    genlen = strlen(m->body) + 1;
    memcpy(gen, m->body, genlen);
    assert_true(m->len > 3000 && m->len <= XENSTORE_PAYLOAD_MAX);
    assert_string_equal(m->body + genlen, "child-with-a-long-name-000");
    assert_int_not_equal(m->body[m->len - 1 - 1], '\0');   /* not complete: no empty name */
    m = req(&dom0, XS_DIRECTORY_PART, P("/big\0" "5400\0"));   /* exactly the end */
    assert_int_equal(m->len, genlen + 1);
    assert_string_equal(m->body, gen);
    m = req(&dom0, XS_DIRECTORY_PART, P("/big\0" "5373\0"));   /* the last name */
    assert_int_equal(m->len, genlen + 27 + 1);
    assert_string_equal(m->body + genlen, "child-with-a-long-name-199");
    assert_int_equal(m->body[m->len - 1], '\0');
    assert_int_equal(m->body[m->len - 2], '\0');
    write_ok(&dom0, "/big/more", "");
    m = req(&dom0, XS_DIRECTORY_PART, P("/big\0" "0\0"));
    assert_string_not_equal(m->body, gen);                    /* the generation moved */
    expect_error(req(&dom0, XS_DIRECTORY_PART, P("/big\0")), "EINVAL");
}

/* ---- permissions ---------------------------------------------------- */

static void test_perms_read_write(void **state)
{
    struct xs_msg *m;

    (void)state;
    write_ok(&dom0, "/p/secret", "s");
    expect_error(read_path(&dom5, "/p/secret"), "EACCES");
    expect_error(write_tx(&dom5, 0, "/p/secret", "x"), "EACCES");
    expect_error(write_tx(&dom5, 0, "/p/new", "x"), "EACCES");   /* parent not writable */
    expect_error(req(&dom5, XS_RM, P("/p/secret\0")), "EACCES");
    /* Whether a node exists is not told to those who cannot read its parent. */
    expect_error(read_path(&dom5, "/p/nothere"), "EACCES");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/p\0n0\0r5\0")), XS_SET_PERMS);
    expect_error(read_path(&dom5, "/p/nothere"), "ENOENT");
    expect_error(read_path(&dom5, "/p/secret"), "EACCES");      /* its own perms: none */
    expect_ok(req(&dom0, XS_SET_PERMS, P("/p/secret\0n0\0r5\0w6\0")), XS_SET_PERMS);
    expect_read(read_path(&dom5, "/p/secret"), "s");
    expect_error(write_tx(&dom5, 0, "/p/secret", "x"), "EACCES");
    expect_error(read_path(&dom6, "/p/secret"), "EACCES");
    expect_ok(write_tx(&dom6, 0, "/p/secret", "six"), XS_WRITE);
    expect_read(read_path(&dom0, "/p/secret"), "six");
    m = req(&dom0, XS_GET_PERMS, P("/p/secret\0"));
    assert_int_equal(m->type, XS_GET_PERMS);
    assert_int_equal(m->len, 9);
    assert_memory_equal(m->body, "n0\0r5\0w6\0", 9);
    /* The first entry is what everyone else gets. */
    expect_ok(req(&dom0, XS_SET_PERMS, P("/p/secret\0r0\0")), XS_SET_PERMS);
    expect_read(read_path(&dom6, "/p/secret"), "six");
    check_store();
}

/* New nodes inherit the parent's permissions; an unprivileged creator
 * owns them (and its nodes count against its quota). */
static void test_perms_inherit_and_owner(void **state)
{
    struct xs_msg *m;

    (void)state;
    write_ok(&dom0, "/i", "");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/i\0n0\0b5\0r6\0")), XS_SET_PERMS);
    write_ok(&dom5, "/i/a/b", "x");
    m = req(&dom0, XS_GET_PERMS, P("/i/a/b\0"));
    assert_memory_equal(m->body, "n5\0b5\0r6\0", 9);
    m = req(&dom0, XS_GET_PERMS, P("/i/a\0"));
    assert_memory_equal(m->body, "n5\0b5\0r6\0", 9);
    write_ok(&dom0, "/i/d0", "");
    m = req(&dom0, XS_GET_PERMS, P("/i/d0\0"));
    assert_memory_equal(m->body, "n0\0b5\0r6\0", 9);
    /* The owner may change permissions but not give the node away. */
    expect_ok(req(&dom5, XS_SET_PERMS, P("/i/a\0n5\0r6\0")), XS_SET_PERMS);
    expect_error(req(&dom5, XS_SET_PERMS, P("/i/a\0n6\0")), "EPERM");
    expect_error(req(&dom5, XS_SET_PERMS, P("/i/d0\0n5\0")), "EACCES"); /* not its own */
    expect_error(req(&dom6, XS_SET_PERMS, P("/i/a\0n6\0")), "EACCES");
    expect_error(req(&dom5, XS_SET_PERMS, P("/i/a\0x5\0")), "EINVAL");
    expect_error(req(&dom5, XS_SET_PERMS, P("/i/a\0r\0")), "EINVAL");
    expect_error(req(&dom5, XS_SET_PERMS, P("/i/a\0")), "EINVAL");
    expect_error(req(&dom0, XS_SET_PERMS, P("/i/a\0b70000\0")), "EINVAL");
    /* dom0 may give it away. */
    expect_ok(req(&dom0, XS_SET_PERMS, P("/i/a\0n6\0")), XS_SET_PERMS);
    expect_error(read_path(&dom5, "/i/a"), "EACCES");
    expect_ok(req(&dom6, XS_SET_PERMS, P("/i/a\0r6\0")), XS_SET_PERMS);
    check_store();
}

/* SET_TARGET: a domain acting for another (a device model) gets the
 * target's rights. */
static void test_set_target(void **state)
{
    (void)state;
    write_ok(&dom0, "/t/of6", "x");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/t/of6\0n6\0")), XS_SET_PERMS);
    expect_error(read_path(&dom5, "/t/of6"), "EACCES");
    expect_error(req(&dom5, XS_SET_TARGET, P("5\0" "6\0")), "EACCES");
    expect_error(req(&dom0, XS_SET_TARGET, P("5\0" "9\0")), "ENOENT");
    expect_error(req(&dom0, XS_SET_TARGET, P("5\0")), "EINVAL");
    expect_ok(req(&dom0, XS_SET_TARGET, P("5\0" "6\0")), XS_SET_TARGET);
    expect_read(read_path(&dom5, "/t/of6"), "x");
    expect_ok(write_tx(&dom5, 0, "/t/of6", "y"), XS_WRITE);
    expect_error(read_path(&dom6, "/tool"), "EACCES");      /* not more than the target */
    expect_error(read_path(&dom5, "/tool"), "EACCES");
}

/* ---- watches -------------------------------------------------------- */

static void test_watch_events(void **state)
{
    (void)state;
    write_ok(&dom0, "/w", "");
    expect_ok(req(&dom0, XS_WATCH, P("/w\0tok\0")), XS_WATCH);
    assert_int_equal(count_events(&dom0), 1);          /* the first event, at once */
    expect_event(&dom0, 0, "/w", "tok");
    assert_int_equal(dom0.msgs[0].type, XS_WATCH);     /* after the reply */
    write_ok(&dom0, "/w/a/b", "1");
    assert_int_equal(count_events(&dom0), 1);
    expect_event(&dom0, 0, "/w/a/b", "tok");
    write_ok(&dom0, "/wx", "1");                       /* not below /w */
    assert_int_equal(count_events(&dom0), 0);
    expect_ok(req(&dom0, XS_WATCH, P("/w/a\0t2\0")), XS_WATCH);
    expect_ok(req(&dom0, XS_RM, P("/w/a\0")), XS_RM);
    /* /w/a/b goes first: exactly its own watches (none); then /w/a, for
     * both watches. */
    assert_int_equal(count_events(&dom0), 2);
    expect_event(&dom0, 0, "/w/a", "tok");
    expect_event(&dom0, 1, "/w/a", "t2");
    expect_error(req(&dom0, XS_WATCH, P("/w\0tok\0")), "EEXIST");
    expect_ok(req(&dom0, XS_WATCH, P("/w\0tok2\0")), XS_WATCH);
    expect_ok(req(&dom0, XS_UNWATCH, P("/w\0tok\0")), XS_UNWATCH);
    expect_error(req(&dom0, XS_UNWATCH, P("/w\0tok\0")), "ENOENT");
    write_ok(&dom0, "/w", "2");
    assert_int_equal(count_events(&dom0), 1);
    expect_event(&dom0, 0, "/w", "tok2");
    expect_error(req(&dom0, XS_WATCH, P("/w\0")), "EINVAL");
    expect_error(req(&dom0, XS_WATCH, P("/w//\0t\0")), "EINVAL");
}

/* An event that would not fit the wire (a deep path, a long token) is
 * not sent; the harness aborts on any message over the limit. */
static void test_watch_event_too_big(void **state)
{
    static char buf[XENSTORE_PAYLOAD_MAX];
    static char deep[XENSTORE_ABS_PATH_MAX + 1];
    size_t n = 0;

    (void)state;
    buf[0] = '/';
    buf[1] = '\0';
    memset(buf + 2, 't', 3000);
    buf[3002] = '\0';
    expect_ok(req(&dom0, XS_WATCH, buf, 3003), XS_WATCH);
    assert_int_equal(count_events(&dom0), 1);            /* "/" and the token fit */
    while (n + 2 <= 2000) {
        deep[n++] = '/';
        deep[n++] = 'z';
    }
    deep[n] = '\0';
    write_ok(&dom0, deep, "");
    assert_int_equal(count_events(&dom0), 0);
    write_ok(&dom0, "/z", "short enough");
    assert_int_equal(count_events(&dom0), 1);
}

/* Removing a node fires the watches set on nodes below it, exactly. */
static void test_watch_rm_descendants(void **state)
{
    (void)state;
    write_ok(&dom0, "/rw/a/b", "1");
    expect_ok(req(&dom0, XS_WATCH, P("/rw/a/b\0deep\0")), XS_WATCH);
    expect_ok(req(&dom0, XS_WATCH, P("/rw/a/b/c\0none\0")), XS_WATCH);
    expect_ok(req(&dom0, XS_RM, P("/rw\0")), XS_RM);
    assert_int_equal(count_events(&dom0), 1);
    expect_event(&dom0, 0, "/rw/a/b", "deep");
}

/* A relative watch gets relative paths; a watcher that may not read the
 * node (nor its parent) gets no event. */
static void test_watch_relative_and_permission(void **state)
{
    (void)state;
    write_ok(&dom0, "/local/domain/5/dev", "");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/local/domain/5\0n5\0")), XS_SET_PERMS);
    expect_ok(req(&dom0, XS_SET_PERMS, P("/local/domain/5/dev\0n5\0")), XS_SET_PERMS);
    expect_ok(req(&dom5, XS_WATCH, P("dev\0rel\0")), XS_WATCH);
    expect_event(&dom5, 0, "dev", "rel");
    expect_ok(req(&dom6, XS_WATCH, P("/local/domain/5/dev\0spy\0")), XS_WATCH);
    expect_event(&dom6, 0, "/local/domain/5/dev", "spy");   /* the first one always */
    dom5.n = dom6.n = 0;
    write_ok(&dom0, "/local/domain/5/dev/vif", "x");
    assert_int_equal(dom5.n, 1);
    expect_event(&dom5, 0, "dev/vif", "rel");
    assert_int_equal(dom6.n, 0);                              /* may not read it */
    expect_ok(req(&dom0, XS_SET_PERMS, P("/local/domain/5/dev\0n5\0r6\0")), XS_SET_PERMS);
    assert_int_equal(dom6.n, 1);                              /* may read it now */
    dom6.n = 0;
    write_ok(&dom0, "/local/domain/5/dev/vif", "y");          /* the parent is readable */
    assert_int_equal(dom6.n, 1);
    expect_event(&dom6, 0, "/local/domain/5/dev/vif", "spy");
    /* Losing the right: the change itself is still told. */
    dom6.n = 0;
    expect_ok(req(&dom0, XS_SET_PERMS, P("/local/domain/5/dev\0n5\0")), XS_SET_PERMS);
    assert_int_equal(dom6.n, 1);
    dom6.n = 0;
    write_ok(&dom0, "/local/domain/5/dev/vif/q", "z");
    assert_int_equal(dom6.n, 0);
}

static void test_watch_quota(void **state)
{
    char p[32];

    (void)state;
    /* As Xen 4.17 counts: the check is made before adding (129 fit). */
    for (int i = 0; i <= 128; i++) {
        int n = snprintf(p, sizeof(p), "/q%d%ct", i, '\0');

        expect_ok(req(&dom5, XS_WATCH, p, (size_t)n + 1), XS_WATCH);
    }
    expect_error(req(&dom5, XS_WATCH, P("/qq\0t\0")), "E2BIG");
    for (int i = 0; i < 200; i++) {
        int n = snprintf(p, sizeof(p), "/q%d%ct", i, '\0');

        expect_ok(req(&dom0, XS_WATCH, p, (size_t)n + 1), XS_WATCH);   /* dom0: no quota */
    }
    expect_ok(req(&dom5, XS_RESET_WATCHES, P("\0")), XS_RESET_WATCHES);
    expect_ok(req(&dom5, XS_WATCH, P("/qq\0t\0")), XS_WATCH);
}

/* ---- transactions --------------------------------------------------- */

static uint32_t tx_start(struct xs_client *cl)
{
    struct xs_msg *m = req(cl, XS_TRANSACTION_START, P("\0"));

    assert_int_equal(m->type, XS_TRANSACTION_START);
    assert_int_equal(m->len, strlen(m->body) + 1);
    return (uint32_t)strtoul(m->body, NULL, 10);
}

static struct xs_msg *tx_end(struct xs_client *cl, uint32_t tx, bool commit)
{
    return req_tx(cl, XS_TRANSACTION_END, tx, commit ? "T" : "F", 2);
}

static void test_tx_isolation_and_commit(void **state)
{
    uint32_t tx;

    (void)state;
    write_ok(&dom0, "/tx/a", "old");
    expect_ok(req(&dom0, XS_WATCH, P("/tx\0w\0")), XS_WATCH);
    tx = tx_start(&dom0);
    assert_int_not_equal(tx, 0);
    expect_ok(write_tx(&dom0, tx, "/tx/a", "new"), XS_WRITE);
    expect_ok(write_tx(&dom0, tx, "/tx/b/c", "made"), XS_WRITE);
    assert_int_equal(count_events(&dom0), 0);                  /* held back */
    expect_read(req_tx(&dom0, XS_READ, tx, P("/tx/a\0")), "new");
    expect_read(read_path(&dom0, "/tx/a"), "old");
    expect_error(read_path(&dom0, "/tx/b"), "ENOENT");
    expect_ok(req_tx(&dom0, XS_RM, tx, P("/tx/a\0")), XS_RM);
    expect_error(req_tx(&dom0, XS_READ, tx, P("/tx/a\0")), "ENOENT");
    expect_ok(tx_end(&dom0, tx, true), XS_TRANSACTION_END);
    assert_int_equal(count_events(&dom0), 2);            /* one a changed path */
    expect_event(&dom0, 0, "/tx/a", "w");
    expect_event(&dom0, 1, "/tx/b/c", "w");
    expect_error(read_path(&dom0, "/tx/a"), "ENOENT");
    expect_read(read_path(&dom0, "/tx/b/c"), "made");
    expect_error(tx_end(&dom0, tx, true), "ENOENT");           /* gone */
    check_store();
}

/* A node the transaction saw changed since: EAGAIN, nothing applied.  A
 * change elsewhere does not conflict. */
static void test_tx_conflict(void **state)
{
    uint32_t t1, t2;

    (void)state;
    write_ok(&dom0, "/c/a", "0");
    write_ok(&dom0, "/c/b", "0");
    t1 = tx_start(&dom0);
    t2 = tx_start(&dom0);
    assert_int_not_equal(t1, t2);
    expect_read(req_tx(&dom0, XS_READ, t1, P("/c/a\0")), "0");
    expect_ok(write_tx(&dom0, t1, "/c/x", "t1"), XS_WRITE);
    expect_ok(write_tx(&dom0, t2, "/c/b", "t2"), XS_WRITE);
    write_ok(&dom0, "/c/a", "1");
    expect_error(tx_end(&dom0, t1, true), "EAGAIN");
    expect_error(read_path(&dom0, "/c/x"), "ENOENT");
    /* t2 wrote /c/b (and so its parent's list? no: /c/b existed). */
    expect_ok(tx_end(&dom0, t2, true), XS_TRANSACTION_END);
    expect_read(read_path(&dom0, "/c/b"), "t2");
    /* Two transactions creating children of one node conflict. */
    t1 = tx_start(&dom0);
    t2 = tx_start(&dom0);
    expect_ok(write_tx(&dom0, t1, "/c/n1", "1"), XS_WRITE);
    expect_ok(write_tx(&dom0, t2, "/c/n2", "2"), XS_WRITE);
    expect_ok(tx_end(&dom0, t1, true), XS_TRANSACTION_END);
    expect_error(tx_end(&dom0, t2, true), "EAGAIN");
    /* Abandoned: nothing applied. */
    t1 = tx_start(&dom0);
    expect_ok(write_tx(&dom0, t1, "/c/gone", "1"), XS_WRITE);
    expect_ok(tx_end(&dom0, t1, false), XS_TRANSACTION_END);
    expect_error(read_path(&dom0, "/c/gone"), "ENOENT");
    check_store();
}

static void test_tx_errors(void **state)
{
    uint32_t tx;

    (void)state;
    expect_error(write_tx(&dom0, 77, "/x", "1"), "ENOENT");
    expect_error(req_tx(&dom0, XS_TRANSACTION_END, 0, P("T\0")), "ENOENT");
    tx = tx_start(&dom0);
    expect_error(req_tx(&dom0, XS_TRANSACTION_START, tx, P("\0")), "EBUSY");
    expect_error(req_tx(&dom0, XS_TRANSACTION_END, tx, P("X\0")), "EINVAL");
    expect_error(req_tx(&dom0, XS_TRANSACTION_END, tx, P("T")), "EINVAL");
    expect_error(write_tx(&dom5, tx, "/x", "1"), "ENOENT");    /* another's id */
    /* A watch ignores the transaction id. */
    expect_ok(req_tx(&dom0, XS_WATCH, 999, P("/x\0t\0")), XS_WATCH);
    expect_ok(tx_end(&dom0, tx, false), XS_TRANSACTION_END);
}

static void test_tx_quotas(void **state)
{
    uint32_t tx;
    char p[32];

    (void)state;
    /* As Xen 4.17 counts: 11 open transactions fit. */
    for (int i = 0; i <= 10; i++)
        tx_start(&dom5);
    expect_error(req(&dom5, XS_TRANSACTION_START, P("\0")), "ENOSPC");
    expect_ok(req(&dom5, XS_RESET_WATCHES, P("\0")), XS_RESET_WATCHES); /* ends them */
    tx = tx_start(&dom5);                                      /* also from inside one */
    expect_ok(req_tx(&dom5, XS_RESET_WATCHES, tx, P("\0")), XS_RESET_WATCHES);
    expect_error(tx_end(&dom5, tx, false), "ENOENT");
    tx = tx_start(&dom5);
    /* 1024 nodes seen at most: "/" (asked whether the caller may know
     * that /nX does not exist) and 1023 others. */
    for (int i = 0; i < 1023; i++) {
        int n = snprintf(p, sizeof(p), "/n%d", i);

        expect_error(req_tx(&dom5, XS_READ, tx, p, (size_t)n + 1), "EACCES");
    }
    expect_error(req_tx(&dom5, XS_READ, tx, P("/n9999\0")), "ENOSPC");
    expect_ok(tx_end(&dom5, tx, false), XS_TRANSACTION_END);
    for (int i = 0; i < 30; i++)
        tx_start(&dom0);                                       /* dom0: no quota */
}

/* What a domain's transactions hold is bounded: paths it only looked at
 * count too.  A transaction writing one node many times holds one event. */
static void test_tx_memory(void **state)
{
    static char path[1100];
    uint32_t tx;
    int i;

    (void)state;
    expect_ok(req(&dom0, XS_CONTROL, P("quota\0set\0transaction-memory\0" "20000\0")),
              XS_CONTROL);
    tx = tx_start(&dom5);
    memset(path, 'p', sizeof(path) - 1);
    path[0] = '/';
    for (i = 0; i < 100; i++) {
        struct xs_msg *m;

        path[1] = (char)('a' + i % 26);
        path[2] = (char)('a' + i / 26);
        m = req_tx(&dom5, XS_READ, tx, path, sizeof(path));
        if (!strcmp(m->body, "ENOMEM"))
            break;
        expect_error(m, "EACCES");
    }
    assert_true(i > 10 && i < 30);                     /* about 20000 / 1100 */
    expect_error(write_tx(&dom5, tx, "x", "y"), "ENOMEM");
    expect_ok(tx_end(&dom5, tx, false), XS_TRANSACTION_END);
    tx = tx_start(&dom5);
    expect_error(req_tx(&dom5, XS_READ, tx, P("/tool\0")), "EACCES");
    expect_ok(tx_end(&dom5, tx, false), XS_TRANSACTION_END);
    /* dom0 is not bound. */
    tx = tx_start(&dom0);
    for (i = 0; i < 100; i++) {
        path[1] = (char)('a' + i % 26);
        path[2] = (char)('a' + i / 26);
        expect_error(req_tx(&dom0, XS_READ, tx, path, sizeof(path)), "ENOENT");
    }
    expect_ok(req(&dom0, XS_WATCH, P("/once\0w\0")), XS_WATCH);
    for (i = 0; i < 3000; i++)
        expect_ok(write_tx(&dom0, tx, "/once", i % 2 ? "a" : "b"), XS_WRITE);
    expect_ok(tx_end(&dom0, tx, true), XS_TRANSACTION_END);
    assert_int_equal(count_events(&dom0), 1);
}

/* ---- quotas --------------------------------------------------------- */

static void give_home(unsigned int domid)
{
    char path[32], perm[32];
    size_t pl;
    int n;

    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    write_ok(&dom0, path, "");
    pl = strlen(path) + 1;
    memcpy(perm, path, pl);
    n = snprintf(perm + pl, sizeof(perm) - pl, "n%u", domid);
    expect_ok(req(&dom0, XS_SET_PERMS, perm, pl + (size_t)n + 1), XS_SET_PERMS);
}

static void test_entry_quota(void **state)
{
    char p[32];
    uint32_t tx;

    (void)state;
    give_home(5);                      /* owned by 5: its first node */
    /* 30 leaves a directory (one directory's children list is bounded by
     * the node size): after k writes, 1 + k + ceil(k / 30) nodes. */
    for (int i = 0; i < 966; i++) {
        snprintf(p, sizeof(p), "g%d/x%d", i / 30, i % 30);
        write_ok(&dom5, p, "");
    }
    expect_error(write_tx(&dom5, 0, "g32/x6", ""), "ENOSPC");
    expect_error(write_tx(&dom5, 0, "g0/x0/below", ""), "ENOSPC");
    write_ok(&dom5, "g0/x0", "rewriting is fine");
    expect_ok(req(&dom5, XS_RM, P("g0/x0\0")), XS_RM);
    write_ok(&dom5, "one-more", "");
    /* A transaction's creations count too, at the commit at the latest. */
    expect_ok(req(&dom5, XS_RM, P("one-more\0")), XS_RM);
    tx = tx_start(&dom5);
    expect_ok(write_tx(&dom5, tx, "/local/domain/5/t1", ""), XS_WRITE);
    expect_error(write_tx(&dom5, tx, "/local/domain/5/t2", ""), "ENOSPC");
    write_ok(&dom5, "outside", "");
    expect_error(tx_end(&dom5, tx, true), "EAGAIN");          /* home changed */
    check_store();
}

static void test_node_size_and_perm_quota(void **state)
{
    static char big[4096];
    size_t pl = sizeof("/local/domain/5/v");

    (void)state;
    give_home(5);
    memcpy(big, "/local/domain/5/v", pl);
    /* 24 + 8 + value <= 2048 */
    memset(big + pl, 'x', 2016);
    expect_ok(req(&dom5, XS_WRITE, big, pl + 2016), XS_WRITE);
    memset(big + pl, 'x', 2017);
    expect_error(req(&dom5, XS_WRITE, big, pl + 2017), "ENOSPC");
    expect_ok(req(&dom0, XS_WRITE, big, pl + 2017), XS_WRITE);     /* dom0: no quota */
    /* Permission entries count in the size too. */
    expect_error(req(&dom5, XS_SET_PERMS, P("v\0n5\0r1\0")), "ENOSPC");
    write_ok(&dom5, "v", "");
    expect_ok(req(&dom5, XS_SET_PERMS, P("v\0n5\0r1\0r2\0r3\0r4\0")), XS_SET_PERMS);
    expect_error(req(&dom5, XS_SET_PERMS, P("v\0n5\0r1\0r2\0r3\0r4\0r6\0")), "ENOSPC");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/local/domain/5/v\0n5\0r1\0r2\0r3\0r4\0r6\0")),
              XS_SET_PERMS);
}

/* Replies and events not yet consumed: past the quota the daemon should
 * stop reading, and events for the client are dropped. */
static void test_outstanding_quota(void **state)
{
    (void)state;
    write_ok(&dom0, "/o", "");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/o\0r0\0")), XS_SET_PERMS);
    for (int i = 0; i < 19; i++) {
        assert_true(xs_conn_may_read(dom5.conn));
        expect_error(read_path(&dom5, "/o/none"), "ENOENT");
    }
    expect_ok(req(&dom5, XS_WATCH, P("/o\0t\0")), XS_WATCH);  /* reply 20: the event is dropped */
    assert_int_equal(count_events(&dom5), 0);
    assert_false(xs_conn_may_read(dom5.conn));
    dom5.n = 0;
    write_ok(&dom0, "/o/x", "");
    assert_int_equal(dom5.n, 0);
    xs_conn_consumed(dom5.conn, 5);
    assert_true(xs_conn_may_read(dom5.conn));
    write_ok(&dom0, "/o/y", "");
    assert_int_equal(count_events(&dom5), 1);
    xs_conn_consumed(dom5.conn, 1000);
    for (int i = 0; i < 50; i++)
        read_path(&dom0, "/o");
    assert_true(xs_conn_may_read(dom0.conn));                   /* dom0: no quota */
}

/* ---- domains -------------------------------------------------------- */

static void test_introduce_release(void **state)
{
    struct xs_msg *m;

    (void)state;
    expect_ok(req(&dom0, XS_WATCH, P("@introduceDomain\0in\0")), XS_WATCH);
    expect_ok(req(&dom0, XS_WATCH, P("@releaseDomain\0out\0")), XS_WATCH);
    expect_ok(req(&dom5, XS_WATCH, P("@releaseDomain\0out5\0")), XS_WATCH);
    m = req(&dom0, XS_IS_DOMAIN_INTRODUCED, P("6\0"));
    assert_string_equal(m->body, "T");
    expect_error(req(&dom5, XS_INTRODUCE, P("9\0" "1\0" "2\0")), "EACCES");
    expect_error(req(&dom5, XS_RELEASE, P("6\0")), "EACCES");
    expect_error(req(&dom5, XS_IS_DOMAIN_INTRODUCED, P("6\0")), "EACCES");
    expect_error(req(&dom0, XS_INTRODUCE, P("0\0" "1\0" "2\0")), "EINVAL");
    expect_error(req(&dom0, XS_INTRODUCE, P("9\0" "1\0" "0\0")), "EINVAL");
    expect_error(req(&dom0, XS_INTRODUCE, P("9\0" "1\0")), "EINVAL");
    expect_error(req(&dom0, XS_INTRODUCE, P("x\0" "1\0" "2\0")), "EINVAL");
    /* The hook's refusal, by its xenstore name (none for ESRCH). */
    expect_error(req(&dom0, XS_INTRODUCE, P("9\0" "1\0" "2\0")), "EINVAL");
    assert_int_equal(introduce_calls, 3);
    /* dom6 owns a node; dom5 is named in another's permissions. */
    write_ok(&dom0, "/local/domain/6", "");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/local/domain/6\0n6\0")), XS_SET_PERMS);
    write_ok(&dom6, "/local/domain/6/mine", "");
    write_ok(&dom0, "/shared", "");
    expect_ok(req(&dom0, XS_SET_PERMS, P("/shared\0n0\0r6\0r5\0")), XS_SET_PERMS);
    dom0.n = 0;
    m = req(&dom0, XS_RELEASE, P("6\0"));
    expect_ok(m, XS_RELEASE);
    assert_int_equal(release_calls, 1);
    assert_null(dom6.conn);
    expect_event(&dom0, 0, "@releaseDomain", "out");
    assert_int_equal(count_events(&dom0), 1);
    assert_int_equal(count_events(&dom5), 0);           /* may not read @releaseDomain */
    expect_error(read_path(&dom0, "/local/domain/6"), "ENOENT");   /* its nodes went */
    m = req(&dom0, XS_GET_PERMS, P("/shared\0"));
    assert_int_equal(m->len, 6);
    assert_memory_equal(m->body, "n0\0r5\0", 6);
    m = req(&dom0, XS_IS_DOMAIN_INTRODUCED, P("6\0"));
    assert_string_equal(m->body, "F");
    expect_error(req(&dom0, XS_RELEASE, P("6\0")), "ENOENT");
    expect_error(req(&dom0, XS_RELEASE, P("0\0")), "EINVAL");
    /* Introduced again: the hook makes its connection, the event fires. */
    m = req(&dom0, XS_INTRODUCE, P("6\0" "4660\0" "9\0"));
    expect_ok(m, XS_INTRODUCE);
    assert_int_equal(introduce_mfn, 4660);
    assert_int_equal(introduce_port, 9);
    assert_non_null(dom6.conn);
    expect_event(&dom0, 0, "@introduceDomain", "in");
    /* Once more while connected: the connection is reset, no event. */
    expect_ok(req(&dom6, XS_WATCH, P("/x\0t\0")), XS_WATCH);
    m = req(&dom0, XS_INTRODUCE, P("6\0" "4660\0" "10\0"));
    expect_ok(m, XS_INTRODUCE);
    assert_int_equal(count_events(&dom0), 0);
    dom6.n = 0;
    write_ok(&dom0, "/x", "");
    assert_int_equal(dom6.n, 0);                         /* its watch went */
    check_store();
}

/* A shutdown fires @releaseDomain once, again only after RESUME. */
static void test_shutdown_resume(void **state)
{
    (void)state;
    expect_ok(req(&dom0, XS_WATCH, P("@releaseDomain\0out\0")), XS_WATCH);
    dom0.n = 0;
    xs_domain_shutdown(store, 5);
    assert_int_equal(dom0.n, 1);
    xs_domain_shutdown(store, 5);
    assert_int_equal(dom0.n, 1);
    expect_ok(req(&dom0, XS_RESUME, P("5\0")), XS_RESUME);
    dom0.n = 0;
    xs_domain_shutdown(store, 5);
    assert_int_equal(count_events(&dom0), 1);
    expect_error(req(&dom0, XS_RESUME, P("9\0")), "ENOENT");
    expect_error(req(&dom5, XS_RESUME, P("5\0")), "EACCES");
    /* A domain allowed to read @releaseDomain hears of it. */
    expect_ok(req(&dom0, XS_SET_PERMS, P("@releaseDomain\0n0\0r5\0")), XS_SET_PERMS);
    expect_ok(req(&dom5, XS_WATCH, P("@releaseDomain\0o5\0")), XS_WATCH);
    dom5.n = 0;
    assert_int_equal(xs_domain_release(store, 6), 0);
    assert_int_equal(count_events(&dom5), 1);
    expect_event(&dom5, 0, "@releaseDomain", "o5");
}

static void test_domain_path_and_misc(void **state)
{
    struct xs_msg *m;

    (void)state;
    m = req(&dom5, XS_GET_DOMAIN_PATH, P("12\0"));
    assert_int_equal(m->type, XS_GET_DOMAIN_PATH);
    assert_string_equal(m->body, "/local/domain/12");
    assert_int_equal(m->len, sizeof("/local/domain/12"));
    expect_error(req(&dom5, XS_GET_DOMAIN_PATH, P("65536\0")), "EINVAL");
    expect_error(req(&dom5, XS_GET_DOMAIN_PATH, P("1x\0")), "EINVAL");
    expect_error(req(&dom5, 99, P("\0")), "ENOSYS");
    expect_error(req(&dom5, XS_WATCH_EVENT, P("\0")), "ENOSYS");
    expect_error(req(&dom5, XS_ERROR, P("\0")), "ENOSYS");
    expect_error(req(&dom5, XS_RESTRICT, P("\0")), "ENOSYS");
    expect_error(req(&dom5, XS_CONTROL, P("check\0")), "EACCES");
    expect_error(req(&dom0, XS_CONTROL, P("nonsense\0")), "EINVAL");
    m = req(&dom0, XS_CONTROL, P("help\0"));
    assert_int_equal(m->type, XS_CONTROL);
    assert_non_null(strstr(m->body, "quota"));
    expect_ok(req(&dom0, XS_CONTROL, P("quota\0set\0watches\0" "2\0")), XS_CONTROL);
    m = req(&dom0, XS_CONTROL, P("quota\0"));
    assert_non_null(strstr(m->body, "watches: 2\n"));
    expect_error(req(&dom0, XS_CONTROL, P("quota\0set\0watches\0" "0\0")), "EINVAL");
    expect_ok(req(&dom5, XS_WATCH, P("/a\0" "1\0")), XS_WATCH);
    expect_ok(req(&dom5, XS_WATCH, P("/a\0" "2\0")), XS_WATCH);
    expect_ok(req(&dom5, XS_WATCH, P("/a\0" "3\0")), XS_WATCH);
    expect_error(req(&dom5, XS_WATCH, P("/a\0" "4\0")), "E2BIG");
    /* Framing: a payload over the limit is the daemon's to reset. */
    {
        struct xsd_sockmsg hdr = { .type = XS_READ, .len = XENSTORE_PAYLOAD_MAX + 1 };

        dom5.n = 0;
        assert_int_equal(xs_conn_feed(dom5.conn, &hdr, ""), -EINVAL);
        assert_int_equal(dom5.n, 0);
    }
    assert_string_equal(xs_error_name(EAGAIN), "EAGAIN");
    assert_string_equal(xs_error_name(ESRCH), "EINVAL");
}

/* The direct calls and connection bookkeeping. */
static void test_api(void **state)
{
    char buf[8];

    (void)state;
    assert_null(xs_conn_create_domain(store, 5, xs_test_send, &dom5));   /* has one */
    assert_null(xs_conn_create_domain(store, DOMID_FIRST_RESERVED, xs_test_send, &dom5));
    assert_int_equal(xs_conn_domid(dom5.conn), 5);
    assert_true(xs_domain_introduced(store, 5));
    assert_false(xs_domain_introduced(store, 7));
    assert_int_equal(xs_domain_introduce(store, DOMID_FIRST_RESERVED, 1, 1), -EINVAL);
    assert_int_equal(xs_domain_release(store, 7), -ENOENT);
    write_ok(&dom0, "/api", "12345");
    assert_int_equal(xs_store_read(store, "/api", buf, sizeof(buf)), 5);
    assert_string_equal(buf, "12345");
    assert_int_equal(xs_store_read(store, "/api", buf, 5), -ERANGE);
    assert_int_equal(xs_store_read(store, "/none", buf, sizeof(buf)), -ENOENT);
    /* A transport reset forgets the watches; the domain is no longer
     * introduced, its nodes stay. */
    expect_ok(req(&dom5, XS_WATCH, P("/api\0t\0")), XS_WATCH);
    xs_conn_destroy(dom5.conn);
    dom5.conn = NULL;
    assert_false(xs_domain_introduced(store, 5));
    write_ok(&dom0, "/api", "x");
    /* Without an introduce hook a new domain is refused. */
    {
        struct xs_store *bare = xs_store_create(&test_alloc, NULL, NULL);

        assert_non_null(bare);
        assert_int_equal(xs_domain_introduce(bare, 5, 1, 1), -ENOSYS);
        xs_store_destroy(bare);
    }
}

/* Every allocation of a sequence made to fail in turn: each request
 * still gets an answer, the store stays whole, nothing leaks. */
static void test_out_of_memory(void **state)
{
    (void)state;
    teardown(NULL);
    for (long f = 0; f < 400; f++) {
        struct xs_client *cls[] = { &dom0, &dom5 };
        uint32_t tx;
        struct xs_msg *m;

        setup(NULL);
        stats.fail_at = stats.calls + f;
        write_tx(&dom0, 0, "/m/a/b", "v");
        req(&dom0, XS_SET_PERMS, P("/m\0n0\0b5\0"));
        write_tx(&dom5, 0, "/m/c", "w");
        req(&dom5, XS_WATCH, P("/m\0t\0"));
        m = req(&dom5, XS_TRANSACTION_START, P("\0"));
        tx = m->type == XS_TRANSACTION_START ? (uint32_t)strtoul(m->body, NULL, 10) : 0;
        write_tx(&dom5, tx, "/m/d/e", "x");
        req_tx(&dom5, XS_RM, tx, P("/m/c\0"));
        req_tx(&dom5, XS_TRANSACTION_END, tx, P("T\0"));
        req(&dom0, XS_RM, P("/m/a\0"));
        xs_domain_release(store, 5);
        stats.fail_at = -1;
        (void)cls;
        check_store();
        teardown(NULL);
    }
    setup(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_path_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_and_path_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read_mkdir_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rm_deep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_perms_read_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_perms_inherit_and_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_event_too_big, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_rm_descendants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_relative_and_permission, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_isolation_and_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_quotas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_size_and_perm_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outstanding_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_introduce_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_path_and_misc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
