/* The table of listed domains by id (domain_ids.c): which ids are taken
 * (a bitmap, so the lowest free id is found in a few hundred word
 * compares) and the domain of an id (hashed), so that creating, finding
 * and destroying a domain cost the same with 1 or 30,000 domains.
 * Pure data structure: the caller holds the lock over it (domlist_lock),
 * except for release. */
#ifndef PROXEN_DOMAIN_IDS_H
#define PROXEN_DOMAIN_IDS_H

#include <proxen/types.h>
#include <public/xen.h>

struct domain;

#define DOMID_HASH_BUCKETS 256

struct domid_table {
    uint64_t used[(DOMID_FIRST_RESERVED + 63) / 64];
    struct domain *bucket[DOMID_HASH_BUCKETS];   /* chained by d->hash_next */
};

/* d (its domain_id set, not yet in the table) goes in and takes its id;
 * it stops being found (remove) when it is destroyed, and its id becomes
 * free (release) only when the domain is freed, as on Xen: a dying
 * domain's id is not reused while anything still holds the domain.
 * release is atomic, for the last put_domain in any context. */
void domid_table_insert(struct domid_table *t, struct domain *d);
void domid_table_remove(struct domid_table *t, struct domain *d);
void domid_table_release(struct domid_table *t, domid_t id);
struct domain *domid_table_find(const struct domid_table *t, domid_t id);
/* The lowest id from `from` on that no domain has, below
 * DOMID_FIRST_RESERVED, or DOMID_INVALID. */
domid_t domid_table_lowest_free(const struct domid_table *t, domid_t from);

#endif
