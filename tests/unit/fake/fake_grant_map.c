/* The fake arch's grant mappings (arch/grant_map.h): a table of the
 * mappings made, keyed by address, so that host tests of
 * hv/common/grant_map.c see what the arch was asked to do.  As the x86
 * one: a mapping over another grant mapping is refused, an unmap must
 * name the address the mapping was made at, and replace takes the
 * mapping at new_addr: an ordinary one (fake_grant_set_stealable), or a
 * grant mapping, which moves with its handle's record. */
#include <stdbool.h>
#include <string.h>

#include <arch/grant_map.h>
#include <proxen/maptrack.h>
#include <proxen/page_type.h>
#include <public/grant_table.h>
#include "fake_arch.h"

#define FAKE_GRANT_MAPS 64

/* Common code's records (hv/common/grant_map.c), linked only into the
 * tests that map grants; every test links the fake arch. */
#pragma weak grant_map_where
#pragma weak grant_map_set_where
#pragma weak grant_map_take_place
/* The page-type lock the records are under, as the x86 arch takes it:
 * only where the test links page_type.c (the others fake the lock). */
#pragma weak page_types_lock
#pragma weak page_types_unlock

static void records_lock(struct domain *ld)
{
    if (page_types_lock)
        page_types_lock(ld);
}

static void records_unlock(struct domain *ld)
{
    if (page_types_unlock)
        (void)page_types_unlock(ld);
}

static struct fake_grant_mapping maps[FAKE_GRANT_MAPS];
static unsigned int flushes;
static uint64_t refused_addr = ~0ULL, stealable_addr;

static struct fake_grant_mapping *find(uint64_t addr)
{
    for (unsigned int i = 0; i < FAKE_GRANT_MAPS; i++)
        if (maps[i].in_use && maps[i].addr == addr)
            return &maps[i];
    return NULL;
}

void fake_grant_reset(void)
{
    memset(maps, 0, sizeof(maps));
    flushes = 0;
    refused_addr = ~0ULL;
    stealable_addr = 0;
}

void fake_grant_refuse_addr(uint64_t addr) { refused_addr = addr; }
void fake_grant_set_stealable(uint64_t addr) { stealable_addr = addr; }
unsigned int fake_grant_flushes(void) { return flushes; }
const struct fake_grant_mapping *fake_grant_at(uint64_t addr) { return find(addr); }

unsigned int fake_grant_nr_mappings(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < FAKE_GRANT_MAPS; i++)
        n += maps[i].in_use;
    return n;
}

int16_t arch_grant_map(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                       uint32_t handle)
{
    if (addr == refused_addr || find(addr))
        return GNTST_general_error;
    for (unsigned int i = 0; i < FAKE_GRANT_MAPS; i++) {
        if (maps[i].in_use)
            continue;
        maps[i] = (struct fake_grant_mapping){ true, ld, addr, flags, mfn_x(frame) };
        records_lock(ld);
        grant_map_set_where(ld, handle, addr);
        records_unlock(ld);
        return GNTST_okay;
    }
    return GNTST_general_error;
}

/* The grant mapping at new_addr moves to addr with its handle, which is
 * unmapped there: false if new_addr holds none. */
static bool move_grant(struct domain *ld, uint64_t addr, uint32_t handle, uint64_t new_addr)
{
    struct fake_grant_mapping *from = find(new_addr);

    if (!from || from->ld != ld || grant_map_take_place(ld, handle, new_addr) == MAPTRACK_NONE)
        return false;
    from->addr = addr;
    return true;
}

static int16_t unmap_locked(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                            uint32_t handle, uint64_t new_addr)
{
    uint64_t where = grant_map_where(ld, handle);
    struct fake_grant_mapping *m = find(where);

    if (addr != where || !m || m->ld != ld || m->frame != mfn_x(frame) ||
        ((m->flags ^ flags) & GNTMAP_readonly))
        return GNTST_general_error;
    if (new_addr && (flags & GNTMAP_contains_pte))
        return GNTST_general_error;
    if (new_addr && new_addr != stealable_addr) {
        if (new_addr == addr)
            return GNTST_general_error;
        m->in_use = false;
        if (move_grant(ld, addr, handle, new_addr))
            return GNTST_okay;
        m->in_use = true;
        return GNTST_general_error;
    }
    m->in_use = false;
    if (new_addr)
        stealable_addr = 0;         /* taken: unmapped there now */
    grant_map_set_where(ld, handle, 0);
    return GNTST_okay;
}

int16_t arch_grant_unmap(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                         uint32_t handle, uint64_t new_addr)
{
    int16_t st;

    records_lock(ld);
    st = unmap_locked(ld, addr, flags, frame, handle, new_addr);
    records_unlock(ld);
    return st;
}

void arch_grant_unmap_dying(struct domain *ld, uint32_t handle)
{
    struct fake_grant_mapping *m;

    records_lock(ld);
    m = find(grant_map_where(ld, handle));
    if (m && m->ld == ld)
        m->in_use = false;
    grant_map_set_where(ld, handle, 0);
    records_unlock(ld);
}

void arch_grant_flush_tlbs(struct domain *ld)
{
    (void)ld;
    flushes++;
}
