/* Which I/O ports a PV domain reaches (emulate.c runs its in and out
 * instructions): with I/O privilege every port but the hypervisor's own,
 * otherwise those the control interface granted it (Xen's
 * ioport_permission), one bit per port, allocated on the first grant and
 * freed with the domain.  The hypervisor's own ports are never any
 * domain's. */
#include <asm/power.h>
#include <asm/pv_mm.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/xmalloc.h>

#define NR_PORTS 65536
#define BITMAP_WORDS (NR_PORTS / 64)

static const struct { uint16_t lo, hi; } hv_ports[] = {
    { 0x20, 0x21 }, { 0x40, 0x43 }, { 0x61, 0x61 }, { 0xa0, 0xa1 },
    { DEBUG_EXIT_PORT, DEBUG_EXIT_PORT + 3 }, { 0x2f8, 0x2ff }, { 0x3f8, 0x3ff },
    { 0xcf8, 0xcff },
};

static bool any_hv_port(unsigned int first, unsigned int last)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(hv_ports); i++)
        if (first <= hv_ports[i].hi && last >= hv_ports[i].lo)
            return true;
    return false;
}

static bool granted(const uint64_t *map, unsigned int first, unsigned int last)
{
    if (!map)
        return false;
    for (unsigned int p = first; p <= last; p++)
        if (!(__atomic_load_n(&map[p / 64], __ATOMIC_RELAXED) & (1ULL << (p % 64))))
            return false;
    return true;
}

bool arch_ioports_permitted(const struct domain *d, unsigned int first, unsigned int last)
{
    if (last > 0xffff || last < first || any_hv_port(first, last))
        return false;
    return d->arch.io_privileged ||
           granted(__atomic_load_n(&d->arch.ioports, __ATOMIC_ACQUIRE), first, last);
}

/* The first grant allocates the map; two racing keep one. */
static uint64_t *port_map(struct domain *d)
{
    uint64_t *map = __atomic_load_n(&d->arch.ioports, __ATOMIC_ACQUIRE), *none = NULL;

    if (map)
        return map;
    map = xzalloc(BITMAP_WORDS * sizeof(uint64_t));
    if (!map)
        return NULL;
    if (__atomic_compare_exchange_n(&d->arch.ioports, &none, map, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return map;
    xfree(map);
    return none;
}

int arch_ioports_set(struct domain *d, unsigned int first, unsigned int last, bool allow)
{
    uint64_t *map = allow ? port_map(d) : __atomic_load_n(&d->arch.ioports, __ATOMIC_ACQUIRE);

    ASSERT(first <= last && last <= 0xffff);
    if (!map)
        return allow ? -ENOMEM : 0;         /* nothing granted: nothing to revoke */
    for (unsigned int p = first; p <= last; p++) {
        if (allow)
            __atomic_fetch_or(&map[p / 64], 1ULL << (p % 64), __ATOMIC_RELAXED);
        else
            __atomic_fetch_and(&map[p / 64], ~(1ULL << (p % 64)), __ATOMIC_RELAXED);
    }
    return 0;
}

void arch_set_io_privilege(struct domain *d, bool on)
{
    d->arch.io_privileged = on;
}

void pv_ioports_free(struct domain *d)
{
    xfree(d->arch.ioports);
    d->arch.ioports = NULL;
}
