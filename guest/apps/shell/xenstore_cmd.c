/* The xenstore commands, as Xen's tools name them: xenstore-ls,
 * xenstore-read, xenstore-write, xenstore-rm and xenstore-watch, on dom0's
 * local connections to its xenstore daemon (xenstored.h). */
#include <console.h>
#include <console_input.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <lib/xenstore.h>
#include <pvclock.h>
#include <timers.h>
#include <xenstored.h>
#include "shell.h"

#define LS_DEPTH 16                     /* levels xenstore-ls descends */
#define WATCH_POLL_NS 10000000ULL
#define WATCH_SCRIPT_NS 10000000000ULL  /* a script's watch ends after 10 s */

static const char *xs_err(long rc)
{
    return xs_error_name((int)-rc);
}

/* Printable, with quotes and backslashes escaped and other bytes as \xNN,
 * as xenstore-ls shows values. */
static void put_escaped(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            printk("\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            printk("%c", c);
        else
            printk("\\x%02x", c);
    }
}

static char value[XENSTORE_PAYLOAD_MAX + 1];
static char dirs[LS_DEPTH][XENSTORE_PAYLOAD_MAX];

/* Each child of path: "name = \"value\"", indented by depth, then its own. */
static long ls(char *path, size_t plen, unsigned int depth)
{
    long n = xenstored_directory(0, plen ? path : "/", dirs[depth], sizeof(dirs[depth]));

    if (n < 0)
        return n;
    for (long off = 0; off < n;) {
        const char *name = dirs[depth] + off;
        size_t nlen = strnlen(name, (size_t)(n - off));
        long vlen;

        off += (long)nlen + 1;
        if (!nlen || plen + 1 + nlen >= XENSTORE_ABS_PATH_MAX)
            continue;
        path[plen] = '/';
        memcpy(path + plen + 1, name, nlen);
        path[plen + 1 + nlen] = '\0';
        vlen = xenstored_read(0, path, value, sizeof(value));
        printk("%*s%s = \"", (int)depth, "", name);
        if (vlen > 0)
            put_escaped(value, (size_t)vlen < sizeof(value) - 1 ? (size_t)vlen : sizeof(value) - 1);
        printk("\"\n");
        if (depth + 1 < LS_DEPTH)
            ls(path, plen + 1 + nlen, depth + 1);
        path[plen] = '\0';
    }
    return 0;
}

bool cmd_xenstore_ls(int argc, char **argv)
{
    static char path[XENSTORE_ABS_PATH_MAX + 1];
    size_t plen;
    long rc;

    if (argc > 2) {
        printk("xenstore-ls: at most one path\n");
        return false;
    }
    strlcpy(path, argc == 2 ? argv[1] : "/", sizeof(path));
    plen = strlen(path);
    while (plen && path[plen - 1] == '/')
        path[--plen] = '\0';
    if ((rc = ls(path, plen, 0))) {
        printk("xenstore-ls: %s: %s\n", argc == 2 ? argv[1] : "/", xs_err(rc));
        return false;
    }
    return true;
}

bool cmd_xenstore_read(int argc, char **argv)
{
    if (argc < 2) {
        printk("xenstore-read: which path?\n");
        return false;
    }
    for (int i = 1; i < argc; i++) {
        long n = xenstored_read(0, argv[i], value, sizeof(value));

        if (n < 0) {
            printk("xenstore-read: %s: %s\n", argv[i], xs_err(n));
            return false;
        }
        put_escaped(value, (size_t)n < sizeof(value) - 1 ? (size_t)n : sizeof(value) - 1);
        printk("\n");
    }
    return true;
}

bool cmd_xenstore_write(int argc, char **argv)
{
    if (argc < 3 || argc % 2 == 0) {
        printk("xenstore-write: give paths and values in pairs\n");
        return false;
    }
    for (int i = 1; i < argc; i += 2) {
        long rc = xenstored_write(0, argv[i], argv[i + 1], strlen(argv[i + 1]));

        if (rc) {
            printk("xenstore-write: %s: %s\n", argv[i], xs_err(rc));
            return false;
        }
    }
    return true;
}

bool cmd_xenstore_rm(int argc, char **argv)
{
    if (argc < 2) {
        printk("xenstore-rm: which path?\n");
        return false;
    }
    for (int i = 1; i < argc; i++) {
        long rc = xenstored_rm(0, argv[i]);

        if (rc) {
            printk("xenstore-rm: %s: %s\n", argv[i], xs_err(rc));
            return false;
        }
    }
    return true;
}

static unsigned int events_seen;

static void watch_event(const char *path, const char *token, void *arg)
{
    (void)token;
    (void)arg;
    events_seen++;
    printk("%s\n", path);
}

/* XS_WATCH on its own connection: the events come to watch_event. */
static long watch(struct xenstored_conn *c, const char *path)
{
    static char payload[XENSTORE_ABS_PATH_MAX + 8];
    size_t plen = strlen(path) + 1;
    struct xsd_sockmsg req = { .type = XS_WATCH }, rsp;
    char err[16];
    long rc;

    if (plen + 6 > sizeof(payload))
        return -E2BIG;
    memcpy(payload, path, plen);
    memcpy(payload + plen, "shell", 6);
    req.len = (uint32_t)(plen + 6);
    if ((rc = xenstored_local_call_on(c, &req, payload, &rsp, err, sizeof(err) - 1)))
        return rc;
    return rsp.type == XS_ERROR ? xenstored_errno(err, rsp.len < 16 ? rsp.len : 15) : 0;
}

/* Until N events (-n), a key typed on a terminal, or 10 s in a script. */
bool cmd_xenstore_watch(int argc, char **argv)
{
    uint64_t limit = 0, end = system_time_ns() + WATCH_SCRIPT_NS;
    const char *path = argv[argc - 1];
    struct xenstored_conn *c;
    long rc;

    if (argc == 4 && !strcmp(argv[1], "-n") && (!parse_uint(argv[2], &limit) || !limit)) {
        printk("xenstore-watch: -n takes a number of events (1 or more)\n");
        return false;
    }
    if (argc != 2 && argc != 4) {
        printk("xenstore-watch: usage: xenstore-watch [-n EVENTS] PATH\n");
        return false;
    }
    events_seen = 0;
    if (!(c = xenstored_local_open(watch_event, NULL))) {
        printk("xenstore-watch: no memory for a connection\n");
        return false;
    }
    if (!shell_script_mode())           /* before the watch's first event */
        printk("[watching %s: a key stops]\n", path);
    if ((rc = watch(c, path))) {
        printk("xenstore-watch: %s: %s\n", path, xs_err(rc));
        xenstored_local_close(c);
        return false;
    }
    while (!limit || events_seen < limit) {
        if (shell_script_mode() ? system_time_ns() > end : console_input_ready()) {
            if (!shell_script_mode())
                console_getc();
            break;
        }
        sleep_until(system_time_ns() + WATCH_POLL_NS);
    }
    xenstored_local_close(c);
    return true;
}
