/* Path-keyed hash maps of nodes: the store's and each transaction's. */
#include "xs_private.h"

static unsigned int hash(const char *path, size_t len, unsigned int nbuckets)
{
    uint32_t h = 2166136261u;   /* FNV-1a */

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)path[i];
        h *= 16777619u;
    }
    return h % nbuckets;
}

int xs_map_init(struct xs_store *s, struct xs_map *m, unsigned int nbuckets)
{
    m->bucket = xs_alloc(s, nbuckets * sizeof(*m->bucket));
    if (!m->bucket)
        return -ENOMEM;
    memset(m->bucket, 0, nbuckets * sizeof(*m->bucket));
    m->nbuckets = nbuckets;
    m->count = 0;
    return 0;
}

/* Frees every node left in the map and the map's buckets. */
void xs_map_fini(struct xs_store *s, struct xs_map *m)
{
    if (!m->bucket)
        return;
    for (unsigned int b = 0; b < m->nbuckets; b++) {
        while (m->bucket[b]) {
            struct xs_node *n = m->bucket[b];

            m->bucket[b] = n->hnext;
            xs_node_free(s, n);
        }
    }
    xs_free(s, m->bucket, m->nbuckets * sizeof(*m->bucket));
    m->bucket = NULL;
    m->count = 0;
}

struct xs_node *xs_map_find(const struct xs_map *m, const char *path, size_t len)
{
    struct xs_node *n = m->bucket[hash(path, len, m->nbuckets)];

    while (n && !(n->pathlen == len && !memcmp(n->path, path, len)))
        n = n->hnext;
    return n;
}

void xs_map_insert(struct xs_map *m, struct xs_node *n)
{
    unsigned int b = hash(n->path, n->pathlen, m->nbuckets);

    n->hnext = m->bucket[b];
    m->bucket[b] = n;
    m->count++;
}

void xs_map_remove(struct xs_map *m, struct xs_node *n)
{
    struct xs_node **pp = &m->bucket[hash(n->path, n->pathlen, m->nbuckets)];

    while (*pp && *pp != n)
        pp = &(*pp)->hnext;
    if (*pp) {
        *pp = n->hnext;
        m->count--;
    }
    n->hnext = NULL;
}
