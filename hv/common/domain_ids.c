/* The table of listed domains by id (domain_ids.h). */
#include <proxen/domain.h>
#include <proxen/domain_ids.h>
#include <proxen/lib.h>

static struct domain **bucket_of(struct domid_table *t, domid_t id)
{
    return &t->bucket[id % DOMID_HASH_BUCKETS];
}

void domid_table_insert(struct domid_table *t, struct domain *d)
{
    struct domain **b = bucket_of(t, d->domain_id);
    uint64_t bit = 1ULL << (d->domain_id % 64);

    ASSERT(d->domain_id < DOMID_FIRST_RESERVED);
    ASSERT(!(__atomic_load_n(&t->used[d->domain_id / 64], __ATOMIC_ACQUIRE) & bit));
    __atomic_fetch_or(&t->used[d->domain_id / 64], bit, __ATOMIC_ACQ_REL);
    d->hash_next = *b;
    *b = d;
}

void domid_table_remove(struct domid_table *t, struct domain *d)
{
    struct domain **p = bucket_of(t, d->domain_id);

    while (*p && *p != d)
        p = &(*p)->hash_next;
    ASSERT(*p == d);
    *p = d->hash_next;
    d->hash_next = NULL;
}

void domid_table_release(struct domid_table *t, domid_t id)
{
    ASSERT(id < DOMID_FIRST_RESERVED);
    __atomic_fetch_and(&t->used[id / 64], ~(1ULL << (id % 64)), __ATOMIC_ACQ_REL);
}

struct domain *domid_table_find(const struct domid_table *t, domid_t id)
{
    struct domain *d = t->bucket[id % DOMID_HASH_BUCKETS];

    while (d && d->domain_id != id)
        d = d->hash_next;
    return d;
}

domid_t domid_table_lowest_free(const struct domid_table *t, domid_t from)
{
    for (unsigned int w = from / 64; w < ARRAY_SIZE(t->used); w++) {
        uint64_t free = ~__atomic_load_n(&t->used[w], __ATOMIC_ACQUIRE);

        if (w == from / 64)
            free &= ~0ULL << (from % 64);       /* not below from */
        if (free) {
            unsigned int id = w * 64 + (unsigned int)__builtin_ctzll(free);

            return id < DOMID_FIRST_RESERVED ? (domid_t)id : DOMID_INVALID;
        }
    }
    return DOMID_INVALID;
}
