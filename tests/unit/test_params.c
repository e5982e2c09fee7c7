/* Command-line parsing: every option type, every way a word can be bad,
 * and the guarantee that a bad value leaves the variable alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <proxen/errno.h>
#include <proxen/lib.h>
#include <proxen/params.h>

#define MAX_REPORTS 16
#define CANARY 0x5a

struct reports {
    int n;
    enum param_problem why[MAX_REPORTS];
    char word[MAX_REPORTS][PARAM_MAX_WORD + 64];
    size_t len[MAX_REPORTS];
};

static struct reports rep;

static void record(enum param_problem why, const char *word, size_t len, void *ctx)
{
    struct reports *r = ctx;

    assert_true(r->n < MAX_REPORTS);
    r->why[r->n] = why;
    r->len[r->n] = len;
    memcpy(r->word[r->n], word, MIN(len, sizeof(r->word[0]) - 1));
    r->word[r->n][MIN(len, sizeof(r->word[0]) - 1)] = '\0';
    r->n++;
}

/* The variables the table writes, reset before each test. */
static bool flag;
static unsigned long long num, mem;
static struct {
    char buf[8];
    unsigned char after[8];
} str;
static char custom_seen[64];
static int custom_calls;

static int custom(const char *value)
{
    custom_calls++;
    memcpy(custom_seen, value, MIN(strlen(value) + 1, sizeof(custom_seen)));
    return strcmp(value, "refuse") ? 0 : -EINVAL;
}

static const struct param table[] = {
    { .name = "flag", .type = PARAM_BOOL, .var = &flag },
    { .name = "num", .type = PARAM_UINT, .var = &num },
    { .name = "mem", .type = PARAM_SIZE, .var = &mem },
    { .name = "str", .type = PARAM_STRING, .var = str.buf, .size = sizeof(str.buf) },
    { .name = "custom", .type = PARAM_CUSTOM, .fn = custom },
};

static int reset(void **state)
{
    memset(&rep, 0, sizeof(rep));
    flag = false;
    num = mem = 777;
    memset(&str, CANARY, sizeof(str));
    strcpy(str.buf, "init");
    memset(custom_seen, 0, sizeof(custom_seen));
    custom_calls = 0;
    return 0;
}

static int parse(const char *cmdline)
{
    int n = params_parse(cmdline, table, ARRAY_SIZE(table), record, &rep);

    assert_int_equal(n, rep.n);
    return n;
}

static void expect_report(int i, enum param_problem why, const char *word)
{
    assert_true(i < rep.n);
    assert_int_equal(rep.why[i], why);
    assert_string_equal(rep.word[i], word);
    assert_int_equal(rep.len[i], strlen(word));
}

static void test_empty(void **state)
{
    assert_int_equal(params_parse(NULL, table, ARRAY_SIZE(table), record, &rep), 0);
    assert_int_equal(parse(""), 0);
    assert_int_equal(parse("   \t\n "), 0);
    assert_int_equal(num, 777);
}

static void test_bool(void **state)
{
    static const struct { const char *word; bool value; } ok[] = {
        { "flag", true }, { "flag=1", true }, { "flag=yes", true },
        { "flag=on", true }, { "flag=true", true }, { "flag=0", false },
        { "flag=no", false }, { "flag=off", false }, { "flag=false", false },
        { "no-flag", false },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ok); i++) {
        flag = !ok[i].value;
        assert_int_equal(parse(ok[i].word), 0);
        assert_int_equal(flag, ok[i].value);
    }
}

static void test_bool_bad(void **state)
{
    flag = true;
    assert_int_equal(parse("flag=maybe flag= no-flag=1 flag=YESS flag=10"), 5);
    assert_true(flag);
    expect_report(0, PARAM_BAD_VALUE, "flag=maybe");
    expect_report(1, PARAM_BAD_VALUE, "flag=");
    expect_report(2, PARAM_BAD_VALUE, "no-flag=1");
}

static void test_uint(void **state)
{
    assert_int_equal(parse("num=42"), 0);
    assert_int_equal(num, 42);
    assert_int_equal(parse("num=0x1F"), 0);
    assert_int_equal(num, 0x1f);
    assert_int_equal(parse("num=0XaB"), 0);
    assert_int_equal(num, 0xab);
    /* Decimal, not octal: a leading zero changes nothing. */
    assert_int_equal(parse("num=010"), 0);
    assert_int_equal(num, 10);
    assert_int_equal(parse("num=0"), 0);
    assert_int_equal(num, 0);
    assert_int_equal(parse("num=18446744073709551615"), 0);
    assert_true(num == ~0ULL);
    assert_int_equal(parse("num=0xffffffffffffffff"), 0);
    assert_true(num == ~0ULL);
}

static void test_uint_bad(void **state)
{
    static const char *const bad[] = {
        "num", "num=", "num=x", "num=12a", "num=-1", "num=+1", "num=0x",
        "num=0xg", "num=0x0x5", "num=00x5", "num=1.5", "num=18446744073709551616",
        "num=99999999999999999999999", "num=0x10000000000000000", "num=1K",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        reset(state);
        assert_int_equal(parse(bad[i]), 1);
        expect_report(0, PARAM_BAD_VALUE, bad[i]);
        assert_int_equal(num, 777);
    }
}

static void test_size(void **state)
{
    static const struct { const char *word; unsigned long long value; } ok[] = {
        { "mem=0", 0 }, { "mem=16", 16 }, { "mem=4K", 4096 }, { "mem=4k", 4096 },
        { "mem=2M", 2ULL << 20 }, { "mem=3g", 3ULL << 30 }, { "mem=1T", 1ULL << 40 },
        { "mem=0x1000", 0x1000 }, { "mem=0x10M", 16ULL << 20 },
        { "mem=16777215T", 16777215ULL << 40 },
        { "mem=18446744073709551615", ~0ULL },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ok); i++) {
        assert_int_equal(parse(ok[i].word), 0);
        assert_true(mem == ok[i].value);
    }
}

static void test_size_bad(void **state)
{
    static const char *const bad[] = {
        "mem", "mem=", "mem=K", "mem=1X", "mem=1KB", "mem=-4K",
        "mem=16777216T", "mem=18446744073709551615K", "mem=17179869184G",
        "mem=99999999999999999999", "mem=0xK", "mem=0x0x1K",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        reset(state);
        assert_true(parse(bad[i]) >= 1);
        assert_int_equal(rep.why[0], PARAM_BAD_VALUE);
        assert_true(mem == 777);
    }
}

static void test_parse_size_direct(void **state)
{
    unsigned long long v = 5;

    assert_int_equal(parse_size(NULL, &v), -EINVAL);
    assert_int_equal(parse_size("", &v), -EINVAL);
    assert_int_equal(parse_size("8T", &v), 0);
    assert_true(v == 8ULL << 40);
    assert_int_equal(parse_size("16384P", &v), -EINVAL);
    assert_true(v == 8ULL << 40);
}

static void test_string(void **state)
{
    size_t i;

    assert_int_equal(parse("str=hi"), 0);
    assert_string_equal(str.buf, "hi");
    assert_int_equal(parse("str=a=b"), 0);
    assert_string_equal(str.buf, "a=b");
    assert_int_equal(parse("str="), 0);
    assert_string_equal(str.buf, "");
    /* Seven characters and the terminator fit; the rest is cut. */
    assert_int_equal(parse("str=abcdefghijklmnop"), 0);
    assert_string_equal(str.buf, "abcdefg");
    for (i = 0; i < sizeof(str.after); i++)
        assert_int_equal(str.after[i], CANARY);
}

static void test_string_missing_value(void **state)
{
    assert_int_equal(parse("str"), 1);
    expect_report(0, PARAM_BAD_VALUE, "str");
    assert_string_equal(str.buf, "init");
}

static void test_custom(void **state)
{
    assert_int_equal(parse("custom=abc"), 0);
    assert_string_equal(custom_seen, "abc");
    assert_int_equal(parse("custom"), 0);
    assert_string_equal(custom_seen, "");
    assert_int_equal(parse("custom=refuse"), 1);
    expect_report(0, PARAM_BAD_VALUE, "custom=refuse");
    assert_int_equal(custom_calls, 3);
}

static void test_unknown(void **state)
{
    assert_int_equal(parse("bogus =x = no- no-no-flag \xff\xfe=1 flags nu"), 8);
    expect_report(0, PARAM_UNKNOWN, "bogus");
    expect_report(1, PARAM_UNKNOWN, "=x");
    expect_report(2, PARAM_UNKNOWN, "=");
    expect_report(3, PARAM_UNKNOWN, "no-");
    expect_report(4, PARAM_UNKNOWN, "no-no-flag");
    expect_report(5, PARAM_UNKNOWN, "\xff\xfe=1");
    expect_report(6, PARAM_UNKNOWN, "flags");
    expect_report(7, PARAM_UNKNOWN, "nu");
}

/* "no-" only negates booleans. */
static void test_negated_non_bool(void **state)
{
    assert_int_equal(parse("no-num"), 1);
    expect_report(0, PARAM_BAD_VALUE, "no-num");
    assert_int_equal(num, 777);
}

static void test_too_long(void **state)
{
    char line[3 * PARAM_MAX_WORD];
    size_t n;

    /* Exactly PARAM_MAX_WORD characters is still handled. */
    strcpy(line, "str=");
    n = strlen(line);
    memset(line + n, 'v', PARAM_MAX_WORD - n);
    line[PARAM_MAX_WORD] = '\0';
    assert_int_equal(parse(line), 0);
    assert_string_equal(str.buf, "vvvvvvv");

    /* One more is reported, with its full length, and skipped. */
    strcpy(line, "num=1");
    memset(line + 5, '1', PARAM_MAX_WORD - 4);
    strcpy(line + PARAM_MAX_WORD + 1, " flag");
    assert_int_equal(parse(line), 1);
    assert_int_equal(rep.why[0], PARAM_TOO_LONG);
    assert_int_equal(rep.len[0], PARAM_MAX_WORD + 1);
    assert_int_equal(num, 777);
    assert_true(flag);
}

static void test_repeated_and_whitespace(void **state)
{
    assert_int_equal(parse("  num=1\tflag num=2\n\nno-flag\r mem=1K mem=2K  "), 0);
    assert_int_equal(num, 2);
    assert_false(flag);
    assert_int_equal(mem, 2048);
}

static void test_mixed_count(void **state)
{
    assert_int_equal(parse("num=5 what num=oops flag"), 2);
    expect_report(0, PARAM_UNKNOWN, "what");
    expect_report(1, PARAM_BAD_VALUE, "num=oops");
    assert_int_equal(num, 5);
    assert_true(flag);
    /* Problems are counted even with nobody to tell. */
    assert_int_equal(params_parse("x y", table, ARRAY_SIZE(table), NULL, NULL), 2);
}

static void test_strtoull(void **state)
{
    const char *end;

    assert_true(simple_strtoull("123x", &end, 10) == 123);
    assert_string_equal(end, "x");
    assert_true(simple_strtoull("0x1fz", &end, 0) == 0x1f);
    assert_string_equal(end, "z");
    assert_true(simple_strtoull("0x1f", &end, 16) == 0x1f);
    assert_true(simple_strtoull("1f", &end, 16) == 0x1f);
    assert_true(simple_strtoull("0755", &end, 0) == 0755);
    assert_true(simple_strtoull("0789", &end, 0) == 07);
    assert_string_equal(end, "89");
    assert_true(simple_strtoull("0", &end, 0) == 0);
    assert_string_equal(end, "");
    /* "0x" without a hex digit is a zero followed by an 'x'. */
    assert_true(simple_strtoull("0xg", &end, 0) == 0);
    assert_string_equal(end, "xg");
    assert_true(simple_strtoull("abc", &end, 10) == 0);
    assert_string_equal(end, "abc");
    assert_true(simple_strtoull("101", &end, 2) == 5);
    assert_true(simple_strtoull("zz", &end, 36) == 36 * 35 + 35);
    assert_true(simple_strtoull("12", &end, 1) == 0);
    assert_string_equal(end, "12");
    assert_true(simple_strtoull("12", NULL, 37) == 0);
    assert_true(simple_strtoull("7", NULL, 10) == 7);
}

/* Overflow stops before the digit that would overflow. */
static void test_strtoull_overflow(void **state)
{
    const char *end;

    assert_true(simple_strtoull("18446744073709551615", &end, 10) == ~0ULL);
    assert_string_equal(end, "");
    assert_true(simple_strtoull("18446744073709551616", &end, 10) == 1844674407370955161ULL);
    assert_string_equal(end, "6");
    assert_true(simple_strtoull("0x123456789abcdef01", &end, 0) == 0x123456789abcdef0ULL);
    assert_string_equal(end, "1");
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_empty), T(test_bool), T(test_bool_bad), T(test_uint),
        T(test_uint_bad), T(test_size), T(test_size_bad),
        T(test_parse_size_direct), T(test_string), T(test_string_missing_value),
        T(test_custom), T(test_unknown), T(test_negated_non_bool),
        T(test_too_long), T(test_repeated_and_whitespace), T(test_mixed_count),
        T(test_strtoull), T(test_strtoull_overflow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
