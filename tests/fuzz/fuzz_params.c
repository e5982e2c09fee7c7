/* Fuzz the command-line parser: any byte string against a table with
 * every option type, including awkward ones (one-byte and zero-byte
 * string buffers, a nameless entry, duplicates).  Sanitizers catch stray
 * reads and writes; the checks below catch the quiet failures: a string
 * left unterminated, a write just past a buffer inside a struct, a report
 * that points outside the command line, a miscounted return value. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <proxen/lib.h>
#include <proxen/params.h>

#define CANARY 0xa5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct guarded_string {
    unsigned char before[8];
    char buf[8];
    unsigned char after[8];
};

static bool flag, other_flag;
static unsigned long long num, mem;
static struct guarded_string str8;
static struct { char buf[1]; unsigned char after[8]; } str1;
static char *heap_str;          /* exact-size allocation, watched by ASan */
#define HEAP_STR_SIZE 16

static int custom(const char *value)
{
    /* Must be a terminated string; strlen under ASan proves it. */
    return strlen(value) % 2 ? -22 : 0;
}

static struct param table[] = {
    { .name = "flag", .type = PARAM_BOOL, .var = &flag },
    { .name = "no-x", .type = PARAM_BOOL, .var = &other_flag },
    { .name = "num", .type = PARAM_UINT, .var = &num },
    { .name = "mem", .type = PARAM_SIZE, .var = &mem },
    { .name = "s", .type = PARAM_STRING, .var = str8.buf, .size = sizeof(str8.buf) },
    { .name = "s1", .type = PARAM_STRING, .var = str1.buf, .size = sizeof(str1.buf) },
    { .name = "h", .type = PARAM_STRING, .size = HEAP_STR_SIZE },   /* var set per run */
    { .name = "z", .type = PARAM_STRING, .var = NULL, .size = 0 },
    { .name = "c", .type = PARAM_CUSTOM, .fn = custom },
    { .name = "nofn", .type = PARAM_CUSTOM, .fn = NULL },
    { .name = NULL, .type = PARAM_BOOL, .var = &flag },
    { .name = "", .type = PARAM_BOOL, .var = &flag },
    { .name = "num", .type = PARAM_SIZE, .var = &mem },
};

struct check_ctx {
    const char *line;
    size_t len;
    int reports;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void check_report(enum param_problem why, const char *word, size_t len, void *ctx)
{
    struct check_ctx *c = ctx;
    size_t i;

    c->reports++;
    if (why != PARAM_UNKNOWN && why != PARAM_BAD_VALUE && why != PARAM_TOO_LONG)
        abort();
    if (word < c->line || len == 0 || len > c->len || (size_t)(word - c->line) > c->len - len)
        abort();
    if ((why == PARAM_TOO_LONG) != (len > PARAM_MAX_WORD))
        abort();
    for (i = 0; i < len; i++) {
        if (!word[i] || is_space(word[i]))
            abort();
    }
}

static void check_terminated(const char *buf, size_t size)
{
    if (!memchr(buf, '\0', size))
        abort();
}

static void check_canary(const unsigned char *p, size_t n)
{
    while (n--) {
        if (*p++ != CANARY)
            abort();
    }
}

static void reset_strings(void)
{
    memset(&str8, CANARY, sizeof(str8));
    str8.buf[0] = '\0';
    memset(&str1, CANARY, sizeof(str1));
    str1.buf[0] = '\0';
    heap_str = malloc(HEAP_STR_SIZE);
    if (!heap_str)
        abort();
    heap_str[0] = '\0';
    table[6].var = heap_str;
}

/* parse_size on the raw text: a failure leaves the output alone, and a
 * success needs a leading digit. */
static void check_parse_size(const char *s)
{
    unsigned long long v = 12345;

    if (parse_size(s, &v)) {
        if (v != 12345)
            abort();
    } else if (s[0] < '0' || s[0] > '9') {
        abort();
    }
}

/* Whatever the base, the end pointer stays within the text. */
static void check_strtoull(const char *s, size_t len)
{
    static const unsigned int bases[] = { 0, 1, 2, 8, 10, 16, 36, 37 };
    const char *end;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bases); i++) {
        simple_strtoull(s, &end, bases[i]);
        if (end < s || end > s + len)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    struct check_ctx ctx;
    int n;

    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    reset_strings();
    ctx = (struct check_ctx){ line, strlen(line), 0 };

    n = params_parse(line, table, ARRAY_SIZE(table), check_report, &ctx);
    if (n != ctx.reports || n < 0)
        abort();
    check_terminated(str8.buf, sizeof(str8.buf));
    check_canary(str8.before, sizeof(str8.before));
    check_canary(str8.after, sizeof(str8.after));
    check_terminated(str1.buf, sizeof(str1.buf));
    check_canary(str1.after, sizeof(str1.after));
    check_terminated(heap_str, HEAP_STR_SIZE);

    check_parse_size(line);
    check_strtoull(line, ctx.len);
    free(heap_str);
    free(line);
    return 0;
}
