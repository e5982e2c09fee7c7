/* Hypervisor command-line parsing.
 *
 * The command line is a space-separated list of `name`, `name=value` or
 * `no-name` words (`no-` negates a boolean).  Each option is described by
 * a struct param in a table; the parser is pure logic, fuzzed and
 * unit-tested on the host.  Unknown options and bad values are reported
 * through a callback and never stop the boot. */
#ifndef PROXEN_PARAMS_H
#define PROXEN_PARAMS_H

#include <proxen/types.h>

enum param_type {
    PARAM_BOOL,     /* bool *; "x", "x=1/0/yes/no/on/off/true/false", "no-x" */
    PARAM_UINT,     /* unsigned long long *; decimal, 0x hex */
    PARAM_SIZE,     /* unsigned long long *; bytes, suffix K M G T (binary) */
    PARAM_STRING,   /* char[size]; value copied, truncated with NUL */
    PARAM_CUSTOM,   /* int (*fn)(const char *value); returns 0 or -errno */
};

struct param {
    const char *name;
    enum param_type type;
    void *var;                          /* destination (not PARAM_CUSTOM) */
    size_t size;                        /* PARAM_STRING buffer size */
    int (*fn)(const char *value);       /* PARAM_CUSTOM */
};

enum param_problem {
    PARAM_UNKNOWN,     /* no such option */
    PARAM_BAD_VALUE,   /* value did not parse, or custom handler refused it */
    PARAM_TOO_LONG,    /* name or value longer than the parser's limit */
};

typedef void (*param_report_fn)(enum param_problem why, const char *word,
                                size_t len, void *ctx);

/* Longest name=value word the parser handles; longer words are reported
 * as PARAM_TOO_LONG and skipped. */
#define PARAM_MAX_WORD 256

/* Parse cmdline (may be NULL) against table; returns the number of
 * problems reported. Later occurrences of an option override earlier ones. */
int params_parse(const char *cmdline, const struct param *table, size_t n,
                 param_report_fn report, void *ctx);

/* Parse a size with optional K/M/G/T suffix; 0 on success, -EINVAL. */
int parse_size(const char *s, unsigned long long *out);

#endif
