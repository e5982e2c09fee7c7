/* A log line's rate limit (lib/ratelimit.h). */
#include <lib/ratelimit.h>

bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint32_t *held)
{
    /* A new window at the first line, or once the current one is over
     * (a clock read earlier than the window's start opens one too). */
    if (!rl->used || now - rl->start >= rl->window_ns) {
        rl->start = now;
        rl->used = 0;
    }
    if (rl->used >= rl->burst) {
        if (rl->held != UINT32_MAX)
            rl->held++;
        return false;
    }
    rl->used++;
    *held = rl->held;
    rl->held = 0;
    return true;
}
