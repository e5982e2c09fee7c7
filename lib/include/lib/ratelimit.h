/* A log line's rate limit: at most `burst` lines in each window of
 * `window_ns` nanoseconds, and a count of the lines held back, to be
 * reported with the first line let through after them.  For messages a
 * guest can cause at will (dom0's daemons serving other domains), so
 * that one domain cannot fill the console and drown everyone else's
 * lines.  The caller supplies the time and any locking. */
#ifndef LIB_RATELIMIT_H
#define LIB_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
    uint64_t window_ns;         /* length of a window */
    uint32_t burst;             /* lines let through per window */
    uint32_t used;              /* let through in the current window */
    uint64_t start;             /* when the current window began */
    uint32_t held;              /* held back since the last line let through */
};

#define RATELIMIT_INIT(window, lines) { .window_ns = (window), .burst = (lines) }

/* Whether a line at time now may be logged.  When it may, *held gets how
 * many lines were held back since the last one logged (0 if none), for
 * the caller to say so; when it may not, the line counts as held back. */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint32_t *held);

#endif
