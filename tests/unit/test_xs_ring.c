/* The xenstore ring's two ends and message framing (lib/xs_ring.c): bytes
 * go through in order across the wrap of the free-running indices, a full
 * ring takes no more, a peer's forged index makes an end copy nothing
 * (-EIO) rather than read or write past the ring, and messages are
 * gathered whole across partial arrivals, with an oversized header
 * refused for good. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/errno.h>
#include <lib/xs_ring.h>

static struct xenstore_domain_interface ring;
static char body[XENSTORE_PAYLOAD_MAX];

static int setup(void **state)
{
    (void)state;
    memset(&ring, 0, sizeof(ring));
    memset(body, 0, sizeof(body));
    return 0;
}

static void test_both_ways_in_order(void **state)
{
    char buf[16];

    (void)state;
    assert_int_equal(xs_ring_client_write(&ring, "hello", 5), 5);
    assert_int_equal(xs_ring_req_pending(&ring), 5);
    assert_int_equal(xs_ring_server_read(&ring, buf, 3), 3);
    assert_memory_equal(buf, "hel", 3);
    assert_int_equal(xs_ring_server_read(&ring, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "lo", 2);
    assert_int_equal(xs_ring_server_read(&ring, buf, sizeof(buf)), 0);
    assert_int_equal(xs_ring_server_write(&ring, "ab", 2), 2);
    assert_int_equal(xs_ring_rsp_pending(&ring), 2);
    assert_int_equal(xs_ring_client_read(&ring, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "ab", 2);
    assert_int_equal(xs_ring_rsp_pending(&ring), 0);
}

/* Full at XENSTORE_RING_SIZE; the indices wrap at 2^32 without a hiccup. */
static void test_full_and_wrap(void **state)
{
    static char big[4096], back[4096];

    (void)state;
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    ring.rsp_prod = ring.rsp_cons = 0xfffffff0u;
    assert_int_equal(xs_ring_server_write(&ring, big, sizeof(big)), XENSTORE_RING_SIZE);
    assert_int_equal(xs_ring_server_write(&ring, big, 1), 0);
    assert_int_equal(xs_ring_client_read(&ring, back, sizeof(back)), XENSTORE_RING_SIZE);
    assert_memory_equal(back, big, XENSTORE_RING_SIZE);
    assert_int_equal(ring.rsp_prod, (uint32_t)(0xfffffff0u + XENSTORE_RING_SIZE));
    ring.req_prod = ring.req_cons = 0xffffff00u;
    assert_int_equal(xs_ring_client_write(&ring, big, sizeof(big)), XENSTORE_RING_SIZE);
    assert_int_equal(xs_ring_server_read(&ring, back, sizeof(back)), XENSTORE_RING_SIZE);
    assert_memory_equal(back, big, XENSTORE_RING_SIZE);
}

/* Each end's forged index: nothing copied, our index unchanged, -EIO;
 * and the pending counts say 0. */
static void test_forged_indices(void **state)
{
    char buf[4096];

    (void)state;
    memset(ring.req, 'r', sizeof(ring.req));
    ring.req_prod = XENSTORE_RING_SIZE + 1;     /* more in flight than the ring holds */
    memset(buf, 0, sizeof(buf));
    assert_int_equal(xs_ring_server_read(&ring, buf, sizeof(buf)), -EIO);
    assert_int_equal(ring.req_cons, 0);
    assert_int_equal(buf[0], 0);
    assert_int_equal(xs_ring_req_pending(&ring), 0);
    ring.req_prod = XENSTORE_RING_SIZE;         /* exactly full is fine */
    assert_int_equal(xs_ring_req_pending(&ring), XENSTORE_RING_SIZE);
    ring.req_prod = 0;
    ring.req_cons = 100;                        /* consumed more than produced */
    assert_int_equal(xs_ring_client_write(&ring, "x", 1), -EIO);
    assert_int_equal(ring.req_prod, 0);
    ring.rsp_prod = 2000;
    assert_int_equal(xs_ring_client_read(&ring, buf, sizeof(buf)), -EIO);
    assert_int_equal(ring.rsp_cons, 0);
    assert_int_equal(xs_ring_rsp_pending(&ring), 0);
    ring.rsp_prod = 0;
    ring.rsp_cons = 7;
    assert_int_equal(xs_ring_server_write(&ring, "y", 1), -EIO);
    assert_int_equal(ring.rsp_prod, 0);
}

static void put_msg(uint32_t type, uint32_t req_id, const char *payload, uint32_t len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };

    assert_int_equal(xs_ring_client_write(&ring, &h, sizeof(h)), sizeof(h));
    assert_int_equal(xs_ring_client_write(&ring, payload, len), len);
}

/* A message arriving a byte at a time is gathered whole; two back to
 * back come out one after the other; an empty payload is fine. */
static void test_frame_partial_and_back_to_back(void **state)
{
    struct xsd_sockmsg h = { .type = XS_READ, .req_id = 9, .tx_id = 3, .len = 6 };
    const char *bytes = (const char *)&h;
    struct xs_frame f;

    (void)state;
    xs_frame_init(&f, body);
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_PARTIAL);
    for (size_t i = 0; i < sizeof(h); i++) {
        assert_int_equal(xs_ring_client_write(&ring, bytes + i, 1), 1);
        assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_PARTIAL);
    }
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(xs_ring_client_write(&ring, &"/a/bc"[i], 1), 1);
        assert_int_equal(xs_frame_server_pull(&f, &ring), i < 5 ? XS_FRAME_PARTIAL : XS_FRAME_DONE);
    }
    assert_int_equal(f.hdr.type, XS_READ);
    assert_int_equal(f.hdr.req_id, 9);
    assert_int_equal(f.hdr.tx_id, 3);
    assert_int_equal(f.hdr.len, 6);
    assert_memory_equal(f.body, "/a/bc", 6);

    put_msg(XS_WRITE, 1, "x\0y", 3);
    put_msg(XS_TRANSACTION_START, 2, "", 0);
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_DONE);
    assert_int_equal(f.hdr.req_id, 1);
    assert_memory_equal(f.body, "x\0y", 3);
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_DONE);
    assert_int_equal(f.hdr.req_id, 2);
    assert_int_equal(f.hdr.len, 0);
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_PARTIAL);
}

/* The largest payload takes several ring-fulls; the client end frames
 * the replies the same way. */
static void test_frame_largest_payload(void **state)
{
    static char big[XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = { .type = XS_WATCH_EVENT, .len = XENSTORE_PAYLOAD_MAX };
    struct xs_frame f;
    size_t sent = 0;
    enum xs_frame_state st = XS_FRAME_PARTIAL;
    int rounds = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7);
    xs_frame_init(&f, body);
    assert_int_equal(xs_ring_server_write(&ring, &h, sizeof(h)), sizeof(h));
    while (st == XS_FRAME_PARTIAL && rounds++ < 10) {
        long n = xs_ring_server_write(&ring, big + sent, sizeof(big) - sent);

        assert_true(n >= 0);
        sent += (size_t)n;
        st = xs_frame_client_pull(&f, &ring);
    }
    assert_int_equal(st, XS_FRAME_DONE);
    assert_true(rounds > 4);
    assert_int_equal(f.hdr.len, XENSTORE_PAYLOAD_MAX);
    assert_memory_equal(f.body, big, sizeof(big));
}

/* One byte above the limit: refused as soon as the header is in, the
 * payload behind it left unread, and it stays refused. */
static void test_frame_too_long(void **state)
{
    struct xsd_sockmsg h = { .type = XS_WRITE, .len = XENSTORE_PAYLOAD_MAX + 1 };
    struct xs_frame f;

    (void)state;
    xs_frame_init(&f, body);
    assert_int_equal(xs_ring_client_write(&ring, &h, sizeof(h)), sizeof(h));
    assert_int_equal(xs_ring_client_write(&ring, "abcdef", 6), 6);
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_BAD);
    assert_int_equal(ring.req_cons, sizeof(h));
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_BAD);
    assert_int_equal(ring.req_cons, sizeof(h));
    assert_int_equal(body[0], 0);
    h.len = 0xffffffffu;
    xs_frame_init(&f, body);
    assert_int_equal(xs_ring_client_write(&ring, &h, sizeof(h)), sizeof(h));
    ring.req_cons = ring.req_prod - sizeof(h);
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_BAD);
}

/* Forged indices in the middle of a message: BAD, not a wild copy. */
static void test_frame_forged_index(void **state)
{
    struct xsd_sockmsg h = { .type = XS_READ, .len = 10 };
    struct xs_frame f;

    (void)state;
    xs_frame_init(&f, body);
    assert_int_equal(xs_ring_client_write(&ring, &h, sizeof(h)), sizeof(h));
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_PARTIAL);
    ring.req_prod += 5000;
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_BAD);
    assert_int_equal(body[0], 0);
    xs_frame_init(&f, body);
    ring.req_prod = ring.req_cons + 3 * XENSTORE_RING_SIZE;
    assert_int_equal(xs_frame_server_pull(&f, &ring), XS_FRAME_BAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_both_ways_in_order, setup),
        cmocka_unit_test_setup(test_full_and_wrap, setup),
        cmocka_unit_test_setup(test_forged_indices, setup),
        cmocka_unit_test_setup(test_frame_partial_and_back_to_back, setup),
        cmocka_unit_test_setup(test_frame_largest_payload, setup),
        cmocka_unit_test_setup(test_frame_too_long, setup),
        cmocka_unit_test_setup(test_frame_forged_index, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
