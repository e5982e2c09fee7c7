/* printk, the console threshold and the log ring.  The console keeps its
 * state across tests (as it does across a boot), so every test measures
 * the ring from its head at the start and ends its lines with '\n'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/errno.h>
#include "fake_arch.h"

static uint64_t start;

static int setup(void **state)
{
    console_set_loglevel(LOG_INFO);
    fake_console_reset();
    start = console_ring_head();
    return 0;
}

/* Everything logged since the test began, as a string. */
static const char *ring_text(void)
{
    static char text[CONSOLE_RING_SIZE + 1];
    uint64_t pos = start;
    size_t n = console_ring_read(&pos, text, sizeof(text) - 1);

    text[n] = '\0';
    assert_true(pos == console_ring_head());
    return text;
}

static void test_prefix_every_line(void **state)
{
    printk("one\ntwo\n");
    printk("three\n");
    assert_string_equal(fake_console_text(), "(PRX) one\n(PRX) two\n(PRX) three\n");
    /* The ring holds the text alone. */
    assert_string_equal(ring_text(), "one\ntwo\nthree\n");
}

static void test_continued_line(void **state)
{
    printk("abc");
    printk("%s", "");
    printk("def\n");
    printk("\n");
    assert_string_equal(fake_console_text(), "(PRX) abcdef\n(PRX) \n");
}

static void test_levels_filter_console_not_ring(void **state)
{
    console_set_loglevel(LOG_WARNING);
    pr_err("e\n");
    pr_warn("w\n");
    pr_info("i\n");
    pr_debug("d\n");
    assert_string_equal(fake_console_text(), "(PRX) e\n(PRX) w\n");
    assert_string_equal(ring_text(), "e\nw\ni\nd\n");
}

/* A hidden message must not break up the visible line around it. */
static void test_hidden_message_keeps_line(void **state)
{
    printk("start ");
    pr_debug("hidden\n");
    printk("end\n");
    assert_string_equal(fake_console_text(), "(PRX) start end\n");
    assert_string_equal(ring_text(), "start hidden\nend\n");
}

static void test_irqs_restored(void **state)
{
    arch_irq_enable();
    printk("x\n");
    assert_true(arch_irqs_enabled());
    arch_irq_disable();
    printk("y\n");
    assert_false(arch_irqs_enabled());
    arch_irq_enable();
}

static void expect_shown(const char *setting, bool err, bool warn, bool info, bool debug)
{
    char want[64] = "";

    assert_int_equal(console_parse_loglevel(setting), 0);
    fake_console_reset();
    pr_err("E\n");
    pr_warn("W\n");
    pr_info("I\n");
    pr_debug("D\n");
    if (err)
        strcat(want, "(PRX) E\n");
    if (warn)
        strcat(want, "(PRX) W\n");
    if (info)
        strcat(want, "(PRX) I\n");
    if (debug)
        strcat(want, "(PRX) D\n");
    assert_string_equal(fake_console_text(), want);
}

static void test_parse_loglevel(void **state)
{
    expect_shown("err", true, false, false, false);
    expect_shown("warning", true, true, false, false);
    expect_shown("info", true, true, true, false);
    expect_shown("debug", true, true, true, true);
    expect_shown("all", true, true, true, true);
    expect_shown("0", false, false, false, false);
    expect_shown("3", true, false, false, false);
    expect_shown("5", true, true, false, false);
    expect_shown("7", true, true, true, true);
}

static void test_parse_loglevel_bad(void **state)
{
    static const char *const bad[] = {
        "", "8", "9", "-1", "07", "10", "errr", "Info", "warn", " info", "info ",
    };
    size_t i;

    assert_int_equal(console_parse_loglevel("err"), 0);
    for (i = 0; i < ARRAY_SIZE(bad); i++)
        assert_int_equal(console_parse_loglevel(bad[i]), -EINVAL);
    assert_int_equal(console_parse_loglevel(NULL), -EINVAL);
    /* The level is untouched by a refused setting. */
    fake_console_reset();
    pr_warn("W\n");
    pr_err("E\n");
    assert_string_equal(fake_console_text(), "(PRX) E\n");
}

static void log_chars(size_t n)
{
    char big[2048];

    assert_true(n < sizeof(big));
    memset(big, 'x', n);
    big[n] = '\0';
    printk("%s", big);
}

static void test_truncation(void **state)
{
    const char *ring;

    /* 511 characters fit the 512-byte message buffer exactly. */
    log_chars(511);
    assert_true(console_ring_head() - start == 511);
    start = console_ring_head();

    log_chars(1000);
    assert_true(console_ring_head() - start == 511);
    ring = ring_text();
    assert_int_equal(strlen(ring), 511);
    assert_string_equal(ring + 507, "...\n");
    assert_int_equal(strspn(ring, "x"), 507);
    /* The cut mark ends the line, so the next message starts a new one. */
    fake_console_reset();
    printk("next\n");
    assert_string_equal(fake_console_text(), "(PRX) next\n");
}

/* The byte stream for line k of the wraparound test. */
static void line_for(unsigned int k, char out[10])
{
    unsigned int i, v = k;

    for (i = 8; i-- > 0; v /= 10)
        out[i] = (char)('0' + v % 10);
    out[8] = '\n';
    out[9] = '\0';
}

static void test_ring_wraps(void **state)
{
    enum { LINES = 10000, LINE = 9 };
    static char want[LINES * LINE + 1];
    static char got[CONSOLE_RING_SIZE + 1];
    uint64_t pos = start, head;
    size_t n, held = CONSOLE_RING_SIZE;
    unsigned int k;

    for (k = 0; k < LINES; k++) {
        line_for(k, want + k * LINE);
        pr_debug("%s", want + k * LINE);
    }
    head = console_ring_head();
    assert_true(head - start == LINES * LINE);
    assert_string_equal(fake_console_text(), "");

    /* start was overwritten long ago: the read begins at the oldest byte. */
    n = console_ring_read(&pos, got, sizeof(got));
    assert_int_equal(n, held);
    assert_true(pos == head);
    assert_memory_equal(got, want + LINES * LINE - held, held);
}

/* Small reads that straddle the ring's end land in the same place. */
static void test_ring_chunked_reads(void **state)
{
    static char want[3 * CONSOLE_RING_SIZE / 2];
    static char got[sizeof(want)];
    uint64_t pos;
    size_t i, total = 0, n;

    for (i = 0; i < sizeof(want) - 1; i++)
        want[i] = (char)('a' + i % 23);
    for (i = 0; i + 400 < sizeof(want); i += 400) {
        char chunk[401];

        memcpy(chunk, want + i, 400);
        chunk[400] = '\0';
        pr_debug("%s", chunk);
    }
    pos = console_ring_head() - CONSOLE_RING_SIZE + 5;
    while ((n = console_ring_read(&pos, got + total, 333)))
        total += n;
    assert_int_equal(total, CONSOLE_RING_SIZE - 5);
    assert_memory_equal(got, want + i - total, total);
}

static void test_ring_read_edges(void **state)
{
    char buf[16];
    uint64_t head, pos;

    printk("0123456789\n");
    head = console_ring_head();

    pos = head + 100;       /* from the future: caught up, nothing to read */
    assert_int_equal(console_ring_read(&pos, buf, sizeof(buf)), 0);
    assert_true(pos == head);

    pos = head - 11;
    assert_int_equal(console_ring_read(&pos, buf, 0), 0);
    assert_true(pos == head - 11);
    assert_int_equal(console_ring_read(&pos, buf, 4), 4);
    assert_memory_equal(buf, "0123", 4);
    assert_true(pos == head - 7);
    assert_int_equal(console_ring_read(&pos, buf, sizeof(buf)), 7);
    assert_memory_equal(buf, "456789\n", 7);
    assert_int_equal(console_ring_read(&pos, buf, sizeof(buf)), 0);
}

/* Runs last: there is no way back from a forced unlock. */
static void test_force_unlock_shows_everything(void **state)
{
    console_set_loglevel(LOG_ERR);
    console_force_unlock();
    pr_debug("after the crash\n");
    assert_string_equal(fake_console_text(), "(PRX) after the crash\n");
    assert_string_equal(ring_text(), "after the crash\n");
}

/* Guest output shows whatever the level, with the domain at each line. */
static void test_guest_write(void **state)
{
    console_set_loglevel(LOG_ERR);
    console_guest_write(3, "hello\nwor", 9);
    console_guest_write(3, "ld\n", 3);
    assert_string_equal(fake_console_text(), "(d3) hello\n(d3) world\n");
    assert_string_equal(ring_text(), "hello\nworld\n");
}

/* A line one writer left unfinished (a prompt) is ended before another
 * writer's text; the same writer continues it. */
static void test_unfinished_line_of_another(void **state)
{
    console_guest_write(0, "prompt> ", 8);
    printk("news\n");
    console_guest_write(0, "ls", 2);
    console_guest_write(0, "\n", 1);
    console_guest_write(0, "prompt> ", 8);
    console_guest_write(2, "x\n", 2);
    console_guest_write(0, "\n", 1);
    assert_string_equal(fake_console_text(),
                        "(d0) prompt> \n(PRX) news\n(d0) ls\n(d0) prompt> \n(d2) x\n(d0) \n");
    assert_string_equal(ring_text(), "prompt> news\nls\nprompt> x\n\n");
}

/* Errors and warnings are counted whether or not the console shows them;
 * other levels and guest output are not. */
static void test_error_and_warning_counts(void **state)
{
    uint64_t e0, w0, e, w;

    console_log_counts(&e0, &w0);
    console_set_loglevel(LOG_ERR);
    pr_err("e\n");
    pr_warn("w1\n");
    pr_warn("w2\n");
    pr_info("i\n");
    pr_debug("d\n");
    console_guest_write(1, "WARNING: x\n", 11);
    console_log_counts(&e, &w);
    assert_int_equal(e - e0, 1);
    assert_int_equal(w - w0, 2);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_prefix_every_line), T(test_continued_line),
        T(test_levels_filter_console_not_ring), T(test_hidden_message_keeps_line),
        T(test_irqs_restored), T(test_parse_loglevel), T(test_parse_loglevel_bad),
        T(test_truncation), T(test_ring_wraps), T(test_ring_chunked_reads),
        T(test_ring_read_edges), T(test_guest_write), T(test_unfinished_line_of_another),
        T(test_force_unlock_shows_everything), T(test_error_and_warning_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
