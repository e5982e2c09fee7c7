/* Command-line parsing.  The command line comes from the boot loader and
 * is treated as hostile text: every word is copied into a bounded buffer
 * before it is looked at, every number is range-checked, and a bad word
 * is reported and skipped rather than stopping the boot. */
#include <proxen/errno.h>
#include <proxen/lib.h>
#include <proxen/params.h>

struct word {
    const char *text;   /* in the command line, not terminated */
    size_t len;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char *find_char(char *s, char c)
{
    for (; *s; s++) {
        if (*s == c)
            return s;
    }
    return NULL;
}

static bool streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Decimal or 0x hex (a leading 0 does not mean octal here); *end is left
 * after the digits, on the 'x' if "0x" has no hex digit after it. */
static int parse_number(const char *s, unsigned long long *out, const char **end)
{
    unsigned int base = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;

    *out = simple_strtoull(s, end, base);
    return *end == s ? -EINVAL : 0;
}

static int parse_uint(const char *s, unsigned long long *out)
{
    unsigned long long v;
    const char *end;

    /* Overflow leaves end on a digit, so it fails the end-of-text test. */
    if (parse_number(s, &v, &end) || *end)
        return -EINVAL;
    *out = v;
    return 0;
}

static int suffix_shift(char c)
{
    switch (c) {
    case '\0': return 0;
    case 'k': case 'K': return 10;
    case 'm': case 'M': return 20;
    case 'g': case 'G': return 30;
    case 't': case 'T': return 40;
    default: return -1;
    }
}

int parse_size(const char *s, unsigned long long *out)
{
    unsigned long long v;
    const char *end;
    int shift;

    if (!s || parse_number(s, &v, &end))
        return -EINVAL;
    shift = suffix_shift(*end);
    if (shift < 0 || (shift && end[1]))
        return -EINVAL;
    if (v > (~0ULL >> shift))
        return -EINVAL;
    *out = v << shift;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "1", "yes", "on", "true" };
    static const char *const no[] = { "0", "no", "off", "false" };
    size_t i;

    if (!s) {
        *out = true;
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        if (streq(s, yes[i]) || streq(s, no[i])) {
            *out = streq(s, yes[i]);
            return 0;
        }
    }
    return -EINVAL;
}

/* Copies with truncation; the buffer is always terminated. */
static int set_string(const struct param *p, const char *value)
{
    char *dst = p->var;
    size_t i;

    if (!value || !dst || !p->size)
        return -EINVAL;
    for (i = 0; i + 1 < p->size && value[i]; i++)
        dst[i] = value[i];
    dst[i] = '\0';
    return 0;
}

/* Apply value (NULL when the word had no '=') to p; 0 or -EINVAL. */
static int apply(const struct param *p, const char *value)
{
    if (!p->var && p->type != PARAM_CUSTOM)
        return -EINVAL;
    switch (p->type) {
    case PARAM_BOOL:
        return parse_bool(value, p->var);
    case PARAM_UINT:
        return value ? parse_uint(value, p->var) : -EINVAL;
    case PARAM_SIZE:
        return value ? parse_size(value, p->var) : -EINVAL;
    case PARAM_STRING:
        return set_string(p, value);
    case PARAM_CUSTOM:
        /* Handlers get "" rather than NULL for a bare word. */
        return p->fn && p->fn(value ? value : "") == 0 ? 0 : -EINVAL;
    default:
        return -EINVAL;
    }
}

static const struct param *lookup(const char *name, const struct param *table, size_t n)
{
    size_t i;

    /* An empty name ("=x", "no-") never matches, whatever the table says. */
    if (!*name)
        return NULL;
    for (i = 0; i < n; i++) {
        if (table[i].name && streq(table[i].name, name))
            return &table[i];
    }
    return NULL;
}

/* "no-x" for a boolean x.  Any value makes it a bad word: "no-x=1" is
 * a contradiction, not a request. */
static int apply_negated(const struct param *p, const char *value)
{
    if (p->type != PARAM_BOOL || value)
        return -EINVAL;
    *(bool *)p->var = false;
    return 0;
}

/* Handle one word, already copied and terminated in buf (which it may
 * modify).  Returns the problem, or -1 if none. */
static int handle_word(char *buf, const struct param *table, size_t n)
{
    char *eq = find_char(buf, '=');
    const char *value = NULL;
    const struct param *p;

    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }
    p = lookup(buf, table, n);
    if (p)
        return apply(p, value) ? PARAM_BAD_VALUE : -1;
    if (buf[0] == 'n' && buf[1] == 'o' && buf[2] == '-') {
        p = lookup(buf + 3, table, n);
        if (p)
            return apply_negated(p, value) ? PARAM_BAD_VALUE : -1;
    }
    return PARAM_UNKNOWN;
}

/* The next space-separated word at or after *pos; false at the end. */
static bool next_word(const char **pos, struct word *w)
{
    const char *s = *pos;

    while (is_space(*s))
        s++;
    if (!*s)
        return false;
    w->text = s;
    while (*s && !is_space(*s))
        s++;
    w->len = (size_t)(s - w->text);
    *pos = s;
    return true;
}

static int parse_word(const struct word *w, const struct param *table, size_t n)
{
    char buf[PARAM_MAX_WORD + 1];
    size_t i;

    if (w->len > PARAM_MAX_WORD)
        return PARAM_TOO_LONG;
    for (i = 0; i < w->len; i++)
        buf[i] = w->text[i];
    buf[w->len] = '\0';
    return handle_word(buf, table, n);
}

int params_parse(const char *cmdline, const struct param *table, size_t n,
                 param_report_fn report, void *ctx)
{
    struct word w;
    int problems = 0;

    if (!cmdline)
        return 0;
    while (next_word(&cmdline, &w)) {
        int why = parse_word(&w, table, n);

        if (why < 0)
            continue;
        problems++;
        if (report)
            report((enum param_problem)why, w.text, w.len, ctx);
    }
    return problems;
}
