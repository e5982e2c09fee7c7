/* Serial input routing (hv/common/console_input.c): nothing read before
 * the end of boot; Ctrl-A three times switches between the initial domain
 * and the debug keys, fewer are delivered after all; the ring keeps what
 * the initial domain has not read, drops what does not fit and still
 * tells the domain; a reader consumes only through an unchanged view.
 *
 * The module keeps its state across tests (as across a boot), so the
 * tests run in order from one boot: each ends with the ring empty and the
 * input where it found it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/console.h>
#include <proxen/console_input.h>
#include <proxen/errno.h>
#include <proxen/keyhandler.h>
#include "fake_arch.h"

static char keys[64];
static size_t nr_keys;
static unsigned int notified;

int handle_keypress(unsigned char key)
{
    assert_true(nr_keys < sizeof(keys) - 1);
    keys[nr_keys++] = (char)key;
    return 0;
}

void console_input_notify_dom0(void) { notified++; }

static int setup(void **state)
{
    (void)state;
    memset(keys, 0, sizeof(keys));
    nr_keys = 0;
    notified = 0;
    return 0;
}

static void send(const char *s)
{
    while (*s)
        console_input_receive((unsigned char)*s++);
}

/* Everything buffered for dom0, consumed. */
static size_t drain(char *buf, size_t size)
{
    uint64_t token;
    size_t n = console_input_peek(buf, size, &token);

    assert_true(console_input_consume(token, n));
    buf[n] = '\0';
    return n;
}

static void test_not_read_before_endboot(void **state)
{
    assert_false(console_input_reading());
}

/* No dom0: keys, and Ctrl-A x3 has nothing to switch to. */
static void test_keys_without_dom0(void **state)
{
    console_input_endboot(false);
    assert_true(console_input_reading());
    send("\x01\x01\x01q");
    assert_false(console_input_to_dom0());
    assert_string_equal(keys, "q");
    assert_int_equal(notified, 0);
}

static void test_dom0_gets_input(void **state)
{
    char buf[32];

    console_input_endboot(true);
    assert_true(console_input_to_dom0());
    send("list\r");
    assert_int_equal(nr_keys, 0);
    assert_int_equal(notified, 5);
    assert_int_equal(drain(buf, sizeof(buf) - 1), 5);
    assert_string_equal(buf, "list\r");
}

static void test_switch_and_back(void **state)
{
    char buf[32];

    send("a\x01\x01\x01mq\x01\x01\x01" "b");
    assert_string_equal(keys, "mq");
    assert_true(console_input_to_dom0());
    assert_int_equal(drain(buf, sizeof(buf) - 1), 2);
    assert_string_equal(buf, "ab");
}

/* One or two Ctrl-A followed by something else are ordinary input. */
static void test_fewer_than_three_delivered(void **state)
{
    char buf[32];

    send("\x01x\x01\x01y");
    assert_true(console_input_to_dom0());
    assert_int_equal(drain(buf, sizeof(buf) - 1), 5);
    assert_string_equal(buf, "\x01x\x01\x01y");
    send("\x01\x01\x01\x01\x01\x01");            /* away and back */
    assert_true(console_input_to_dom0());
    assert_int_equal(drain(buf, sizeof(buf) - 1), 0);
}

static void test_full_ring_drops_and_notifies(void **state)
{
    static char buf[CONSOLE_INPUT_RING_SIZE + 1];

    for (unsigned int i = 0; i < CONSOLE_INPUT_RING_SIZE; i++)
        console_input_receive((unsigned char)('a' + i % 26));
    send("XYZ");
    assert_int_equal(notified, CONSOLE_INPUT_RING_SIZE + 3);
    assert_int_equal(drain(buf, sizeof(buf) - 1), CONSOLE_INPUT_RING_SIZE);
    assert_int_equal(buf[0], 'a');
    assert_int_equal(buf[CONSOLE_INPUT_RING_SIZE - 1], 'a' + (CONSOLE_INPUT_RING_SIZE - 1) % 26);
    assert_null(strchr(buf, 'X'));
    /* Room again: taken. */
    send("Q");
    assert_int_equal(drain(buf, sizeof(buf) - 1), 1);
    assert_string_equal(buf, "Q");
}

/* A peek does not consume; a partial read leaves the rest in order. */
static void test_partial_reads(void **state)
{
    char buf[8];
    uint64_t token;

    send("hello");
    assert_int_equal(console_input_peek(buf, 2, &token), 2);
    assert_int_equal(console_input_peek(buf, 2, &token), 2);
    assert_memory_equal(buf, "he", 2);
    assert_true(console_input_consume(token, 2));
    assert_int_equal(drain(buf, sizeof(buf) - 1), 3);
    assert_string_equal(buf, "llo");
}

/* Two readers with the same view: the second consumes nothing, and no
 * view consumes more than was there. */
static void test_racing_readers(void **state)
{
    char a[8], b[8];
    uint64_t ta, tb;

    send("xyz");
    assert_int_equal(console_input_peek(a, 1, &ta), 1);
    assert_int_equal(console_input_peek(b, 1, &tb), 1);
    assert_true(console_input_consume(ta, 1));
    /* b saw the 'x' that a took: it must peek again, not take the 'y'. */
    assert_false(console_input_consume(tb, 1));
    assert_int_equal(console_input_peek(b, sizeof(b), &tb), 2);
    assert_memory_equal(b, "yz", 2);
    assert_true(console_input_consume(tb, 2));
    assert_int_equal(console_input_peek(b, sizeof(b), &tb), 0);
    assert_false(console_input_consume(tb, 1));
    assert_true(console_input_consume(tb, 0));
}

static void test_conswitch_refused(void **state)
{
    static const char *const bad[] = { "", "A", "1", "ab", "axx", "a ", "`" };

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(console_input_parse_conswitch(bad[i]), -EINVAL);
    assert_int_equal(console_input_parse_conswitch(NULL), -EINVAL);
    /* Nothing changed: Ctrl-A still switches. */
    send("\x01\x01\x01");
    assert_false(console_input_to_dom0());
    send("\x01\x01\x01");
    assert_true(console_input_to_dom0());
}

/* conswitch=bx: Ctrl-B switches, Ctrl-A is ordinary input, and dom0's
 * start leaves input with the keys. */
static void test_conswitch_other_key_no_auto(void **state)
{
    char buf[8];

    assert_int_equal(console_input_parse_conswitch("bx"), 0);
    console_input_endboot(true);
    assert_false(console_input_to_dom0());
    send("m\x02\x02\x02\x01\x01\x01z");
    assert_string_equal(keys, "m");
    assert_true(console_input_to_dom0());
    assert_int_equal(drain(buf, sizeof(buf) - 1), 4);
    assert_string_equal(buf, "\x01\x01\x01z");
    assert_int_equal(console_input_parse_conswitch("a"), 0);
    console_input_endboot(true);
    assert_true(console_input_to_dom0());
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_not_read_before_endboot), T(test_keys_without_dom0), T(test_dom0_gets_input),
        T(test_switch_and_back), T(test_fewer_than_three_delivered),
        T(test_full_ring_drops_and_notifies), T(test_partial_reads), T(test_racing_readers),
        T(test_conswitch_refused), T(test_conswitch_other_key_no_auto),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
