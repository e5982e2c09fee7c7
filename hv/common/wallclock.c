/* The wall clock (proxen/wallclock.h).
 *
 * Locking: wc_lock (LOCK_WALLCLOCK) guards wc_sec and wc_nsec and every
 * domain's copy in shared_info, so two settings never interleave their
 * writes in one domain's page (each publishes the values current when it
 * takes the lock, so the last setting is what every domain ends with); it
 * is taken inside the domain list's lock when a setting goes to every
 * domain. */
#include <proxen/domain.h>
#include <proxen/spinlock.h>
#include <proxen/wallclock.h>
#include <public/xen.h>

static DEFINE_SPINLOCK_RANKED(wc_lock, LOCK_WALLCLOCK);
static uint64_t wc_sec;        /* UTC at system time 0 */
static uint32_t wc_nsec;

static void publish(struct domain *d)
{
    struct shared_info *s = d->shared_info;

    ASSERT(spin_is_locked_by_me(&wc_lock));
    if (!s)
        return;                /* not built yet: it gets the clock when it is */
    s->wc_version = (s->wc_version + 1) | 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)wc_sec;
    s->wc_sec_hi = (uint32_t)(wc_sec >> 32);
    s->wc_nsec = wc_nsec;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_version = (s->wc_version + 1) & ~1u;
}

void domain_wallclock_update(struct domain *d)
{
    spin_lock(&wc_lock);
    publish(d);
    spin_unlock(&wc_lock);
}

static void publish_one(struct domain *d, void *unused)
{
    (void)unused;
    domain_wallclock_update(d);
}

void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    uint64_t ns = secs * 1000000000ULL + nsecs - system_time;

    spin_lock(&wc_lock);
    wc_sec = ns / 1000000000ULL;
    wc_nsec = (uint32_t)(ns % 1000000000ULL);
    spin_unlock(&wc_lock);
    domain_for_each(publish_one, NULL);
}
