/* A page-table tree built for its size alone: an L4 whose slot 0 leads
 * through one L3 and one L2 to nr_l1 full L1s, every leaf entry mapping
 * one data page read-only.  Pinning it makes the hypervisor validate
 * nr_l1 * 512 entries in one request; unpinning releases them all.  For
 * tests and benchmarks of long page-table operations. */
#ifndef GUEST_PT_TREE_H
#define GUEST_PT_TREE_H

#include <stdbool.h>
#include <stdint.h>

#define PT_TREE_MAX_L1S 64

struct pt_tree {
    unsigned int nr_l1;
    uint64_t *page[3 + PT_TREE_MAX_L1S];  /* L4, L3, L2, the L1s */
    uint64_t *data;
    unsigned int readonly;                /* how many of page[] are read-only */
};

/* Build it (false if out of memory or a page cannot be made read-only;
 * pt_tree_free undoes what was done). */
bool pt_tree_build(struct pt_tree *t, unsigned int nr_l1);
uint64_t pt_tree_l4_mfn(const struct pt_tree *t);
/* Make its pages writable again and free them; false if a page cannot be
 * made writable (still referenced: it is then not freed). */
bool pt_tree_free(struct pt_tree *t);

#endif
