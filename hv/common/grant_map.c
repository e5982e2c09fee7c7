/* Grant mappings (grant_map.h): map_grant_ref, unmap_grant_ref and
 * unmap_and_replace as Xen's common grant-table code does them, the
 * page-table work left to the arch (arch/grant_map.h).
 *
 * A map is checked in Xen's order -- flags, the granting domain, a free
 * handle, then the grant (gnttab_pin, once per use) -- and then asks the
 * arch for the mapping; any failure undoes what came before, so a
 * refused request changes nothing.  Locks: a pin takes the granting
 * domain's grant and type locks, the arch's mapping the mapping domain's
 * type lock; none is held while another domain's is taken. */
#include <stdatomic.h>
#include <arch/grant_map.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_map.h>
#include <proxen/grant_table.h>
#include <proxen/hypercall.h>
#include <proxen/maptrack.h>
#include <proxen/page_type.h>
#include <proxen/xmalloc.h>

/* The uses of a grant a mapping's flags make: a CPU mapping, a device
 * mapping, or both; each is a pin of its own. */
#define MAP_USES (GNTMAP_host_map | GNTMAP_device_map)

static enum grant_use use_of(uint32_t use, uint32_t flags)
{
    bool ro = flags & GNTMAP_readonly;

    if (use == GNTMAP_host_map)
        return ro ? GRANT_USE_HOST_RO : GRANT_USE_HOST_RW;
    return ro ? GRANT_USE_DEV_RO : GRANT_USE_DEV_RW;
}

/* ld's handles, made on its first map (a domain that maps nothing has
 * none); NULL when memory is short. */
static struct grant_maptrack *maptrack_of(struct domain *ld)
{
    struct grant_table *gt = ld->grant_table;
    struct grant_maptrack *mt = __atomic_load_n(&gt->maptrack, __ATOMIC_ACQUIRE), *fresh;

    if (mt)
        return mt;
    fresh = xzalloc_obj(struct grant_maptrack);
    if (!fresh)
        return NULL;
    maptrack_init(fresh, gt->max_maptrack_frames);
    if (__atomic_compare_exchange_n(&gt->maptrack, &mt, fresh, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return fresh;
    xfree(fresh);               /* another vCPU's came first: mt */
    return mt;
}

static void unpin_uses(struct domain *rd, grant_ref_t ref, uint32_t uses, uint32_t flags)
{
    if (uses & GNTMAP_host_map)
        gnttab_unpin(rd, ref, use_of(GNTMAP_host_map, flags));
    if (uses & GNTMAP_device_map)
        gnttab_unpin(rd, ref, use_of(GNTMAP_device_map, flags));
}

/* Pin the grant for every use the flags ask, all or none: GNTST_okay and
 * the frame, or the first refusal's status. */
static int16_t pin_uses(struct domain *ld, struct domain *rd, const struct gnttab_map_grant_ref *op,
                        mfn_t *frame)
{
    struct grant_pinned p;
    int16_t rc;

    if (op->flags & GNTMAP_host_map) {
        rc = gnttab_pin(rd, op->ref, ld->domain_id, use_of(GNTMAP_host_map, op->flags), true, &p);
        if (rc)
            return rc;
        *frame = p.mfn;
    }
    if (op->flags & GNTMAP_device_map) {
        rc = gnttab_pin(rd, op->ref, ld->domain_id, use_of(GNTMAP_device_map, op->flags), true,
                        &p);
        if (rc) {
            unpin_uses(rd, op->ref, op->flags & GNTMAP_host_map, op->flags);
            return rc;
        }
        *frame = p.mfn;
    }
    return GNTST_okay;
}

/* The handle taken: pin, map, record. */
static int16_t map_with_handle(struct domain *ld, struct domain *rd,
                               const struct gnttab_map_grant_ref *op, uint32_t handle,
                               struct maptrack_entry *e, mfn_t *frame)
{
    int16_t rc = pin_uses(ld, rd, op, frame);

    if (rc)
        return rc;
    /* e->where is 0 (a free entry's) until the arch records the mapping. */
    if (op->flags & GNTMAP_host_map) {
        rc = arch_grant_map(ld, op->host_addr, op->flags, *frame, handle);
        if (rc) {
            unpin_uses(rd, op->ref, op->flags, op->flags);
            return rc;
        }
    }
    e->flags = (uint16_t)op->flags;
    e->ref = op->ref;
    e->rd = rd;
    e->frame = mfn_x(*frame);
    return GNTST_okay;
}

void grant_map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
    struct grant_maptrack *mt;
    struct maptrack_entry *e;
    struct domain *rd;
    uint32_t handle;
    mfn_t frame = INVALID_MFN;
    int16_t rc;

    if (!(op->flags & MAP_USES)) {
        op->status = GNTST_bad_gntref;      /* Xen's answer to no use at all */
        return;
    }
    rd = get_domain_by_id(op->dom);
    if (!rd) {
        op->status = GNTST_bad_domain;
        return;
    }
    mt = maptrack_of(ld);
    e = mt ? maptrack_get(mt, &handle) : NULL;
    if (!e) {
        put_domain(rd);
        op->status = GNTST_no_space;
        return;
    }
    rc = map_with_handle(ld, rd, op, handle, e, &frame);
    op->status = rc;
    if (rc) {
        maptrack_put(mt, handle);
        put_domain(rd);
        return;
    }
    /* The handle keeps rd's reference until it is free again. */
    maptrack_publish(mt, handle);
    op->handle = handle;
    op->dev_bus_addr = mfn_to_maddr(frame);
}

/* Take out the uses of the mapping that the request names (a zero
 * address names none, as on Xen); the handle stays claimed for
 * grant_unmap_complete. */
static int16_t unmap_claimed(struct domain *ld, uint32_t handle, struct maptrack_entry *e,
                             uint64_t host_addr, uint64_t dev_bus_addr, uint64_t new_addr,
                             uint32_t *done)
{
    mfn_t frame = _mfn(e->frame);
    int16_t rc;

    if (dev_bus_addr && (e->flags & GNTMAP_device_map) && dev_bus_addr != mfn_to_maddr(frame))
        return GNTST_bad_dev_addr;
    if (host_addr && (e->flags & GNTMAP_host_map)) {
        rc = arch_grant_unmap(ld, host_addr, e->flags, frame, handle, new_addr);
        if (rc)
            return rc;
        *done |= GNTMAP_host_map;
    }
    if (dev_bus_addr && (e->flags & GNTMAP_device_map))
        *done |= GNTMAP_device_map;
    return GNTST_okay;
}

static int16_t unmap_common(struct domain *ld, uint32_t handle, uint64_t host_addr,
                            uint64_t dev_bus_addr, uint64_t new_addr,
                            struct grant_unmap_token *tok)
{
    struct grant_maptrack *mt = __atomic_load_n(&ld->grant_table->maptrack, __ATOMIC_ACQUIRE);
    struct maptrack_entry *e = mt ? maptrack_claim(mt, handle) : NULL;
    int16_t rc;

    tok->handle = handle;
    tok->done = 0;
    if (!e)
        return GNTST_bad_handle;
    rc = unmap_claimed(ld, handle, e, host_addr, dev_bus_addr, new_addr, &tok->done);
    if (!tok->done)
        maptrack_publish(mt, handle);       /* unchanged, in use again */
    return rc;
}

void grant_unmap_one(struct domain *ld, struct gnttab_unmap_grant_ref *op,
                     struct grant_unmap_token *tok)
{
    op->status = unmap_common(ld, op->handle, op->host_addr, op->dev_bus_addr, 0, tok);
}

void grant_unmap_and_replace_one(struct domain *ld, struct gnttab_unmap_and_replace *op,
                                 struct grant_unmap_token *tok)
{
    op->status = unmap_common(ld, op->handle, op->host_addr, 0, op->new_addr, tok);
}

/* With the TLBs flushed: the uses taken out are unpinned (dropping their
 * references on the frame), and a handle with none left is free again. */
void grant_unmap_complete(struct domain *ld, struct grant_unmap_token *tok)
{
    struct grant_maptrack *mt = ld->grant_table->maptrack;
    struct maptrack_entry *e;
    struct domain *rd;

    if (!tok->done)
        return;
    e = maptrack_entry_at(mt, tok->handle);
    rd = e->rd;
    unpin_uses(rd, e->ref, tok->done, e->flags);
    e->flags &= (uint16_t)~tok->done;
    tok->done = 0;
    if (e->flags & MAP_USES) {
        maptrack_publish(mt, tok->handle);
        return;
    }
    maptrack_put(mt, tok->handle);
    put_domain(rd);
}

/* Handles gone through between two preemption checks of a teardown. */
#define TEARDOWN_HANDLES_PER_CHECK 64

static bool teardown_preempt(bool preemptible, uint64_t done)
{
    return preemptible && done % TEARDOWN_HANDLES_PER_CHECK == 0 && hypercall_preempt_check();
}

/* Every mapping ld still has, whatever its tables look like now: taken
 * out (cursor 0 .. size), the TLBs flushed (at size), then released
 * (size .. 2 * size).  Nothing runs ld any more, so no request holds one
 * of its handles, and none is added between two steps. */
int grant_map_domain_teardown(struct domain *ld, uint64_t *cursor, bool preemptible)
{
    struct grant_maptrack *mt = ld->grant_table ? ld->grant_table->maptrack : NULL;
    uint32_t size = mt ? maptrack_size(mt) : 0;
    uint64_t done = 0;

    ASSERT(ld->dying);
    if (!mt || !maptrack_in_use(mt))
        return 0;
    for (; *cursor < size; (*cursor)++) {
        struct maptrack_entry *e = maptrack_entry_at(mt, (uint32_t)*cursor);

        if (done++ && teardown_preempt(preemptible, done))
            return -ERESTART;
        ASSERT(e->state != MAPTRACK_BUSY);
        if (e->state == MAPTRACK_USED && (e->flags & GNTMAP_host_map))
            arch_grant_unmap_dying(ld, (uint32_t)*cursor);
    }
    if (*cursor == size) {
        arch_grant_flush_tlbs(ld);
        (*cursor)++;
    }
    for (; *cursor <= 2ULL * size; (*cursor)++) {
        uint32_t h = (uint32_t)(*cursor - size - 1);
        struct maptrack_entry *e = maptrack_entry_at(mt, h);
        struct grant_unmap_token tok = { h, e->flags & MAP_USES };

        if (done++ && teardown_preempt(preemptible, done))
            return -ERESTART;
        if (e->state != MAPTRACK_USED || !maptrack_claim(mt, h))
            continue;
        grant_unmap_complete(ld, &tok);
    }
    return 0;
}

/* The records, for the arch: a handle it is given has a table. */
static struct grant_maptrack *records_of(struct domain *ld)
{
    ASSERT(page_types_locked(ld));
    return __atomic_load_n(&ld->grant_table->maptrack, __ATOMIC_ACQUIRE);
}

uint64_t grant_map_where(struct domain *ld, uint32_t handle)
{
    return maptrack_where(records_of(ld), handle);
}

void grant_map_set_where(struct domain *ld, uint32_t handle, uint64_t where)
{
    maptrack_set_where(records_of(ld), handle, where);
}

uint32_t grant_map_take_place(struct domain *ld, uint32_t handle, uint64_t from)
{
    return from ? maptrack_take_place(records_of(ld), handle, from) : MAPTRACK_NONE;
}

void grant_map_free(struct domain *ld)
{
    struct grant_maptrack *mt = ld->grant_table ? ld->grant_table->maptrack : NULL;

    if (!mt)
        return;
    maptrack_destroy(mt);
    xfree(mt);
    ld->grant_table->maptrack = NULL;
}
