/* The fake arch's grant mappings (arch/grant_map.h): a table of the
 * mappings made, keyed by address, so that host tests of
 * hv/common/grant_map.c see what the arch was asked to do.  As the x86
 * one: a mapping over another grant mapping is refused, an unmap must
 * name the address the mapping was made at, and replace takes the
 * mapping at new_addr (fake_grant_set_stealable). */
#include <stdbool.h>
#include <string.h>

#include <arch/grant_map.h>
#include <public/grant_table.h>
#include "fake_arch.h"

#define FAKE_GRANT_MAPS 64

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
                       uint64_t *where)
{
    if (addr == refused_addr || find(addr))
        return GNTST_general_error;
    for (unsigned int i = 0; i < FAKE_GRANT_MAPS; i++) {
        if (maps[i].in_use)
            continue;
        maps[i] = (struct fake_grant_mapping){ true, ld, addr, flags, mfn_x(frame) };
        *where = addr;
        return GNTST_okay;
    }
    return GNTST_general_error;
}

int16_t arch_grant_unmap(struct domain *ld, uint64_t addr, uint32_t flags, mfn_t frame,
                         uint64_t *where, uint64_t new_addr)
{
    struct fake_grant_mapping *m = find(*where);

    if (addr != *where || !m || m->ld != ld || m->frame != mfn_x(frame) ||
        ((m->flags ^ flags) & GNTMAP_readonly))
        return GNTST_general_error;
    if (new_addr && ((flags & GNTMAP_contains_pte) || new_addr != stealable_addr))
        return GNTST_general_error;
    m->in_use = false;
    if (new_addr)
        stealable_addr = 0;         /* taken: unmapped there now */
    *where = 0;
    return GNTST_okay;
}

void arch_grant_unmap_dying(struct domain *ld, uint64_t *where)
{
    struct fake_grant_mapping *m = find(*where);

    if (m && m->ld == ld)
        m->in_use = false;
    *where = 0;
}

void arch_grant_flush_tlbs(struct domain *ld)
{
    (void)ld;
    flushes++;
}
