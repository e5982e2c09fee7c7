/* One node: its path, value, permissions and children's names, each
 * allocated to size, so no block exceeds what a page heap gives. */
#include "xs_private.h"

struct xs_node *xs_node_new(struct xs_store *s, const char *path, size_t len)
{
    struct xs_node *n = xs_alloc(s, sizeof(*n));

    if (!n)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->path = xs_strndup(s, path, len);
    if (!n->path) {
        xs_free(s, n, sizeof(*n));
        return NULL;
    }
    n->pathlen = len;
    return n;
}

static void free_children(struct xs_store *s, struct xs_node *n)
{
    while (n->children) {
        struct xs_child *ch = n->children;

        n->children = ch->next;
        xs_free(s, ch, sizeof(*ch) + ch->len + 1);
    }
    n->last_child = NULL;
    n->nchildren = 0;
    n->childlen = 0;
}

/* Drops value, permissions and children; the path stays. */
void xs_node_clear(struct xs_store *s, struct xs_node *n)
{
    if (n->value)
        xs_free(s, n->value, n->vlen);
    n->value = NULL;
    n->vlen = 0;
    if (n->perms)
        xs_free(s, n->perms, n->nperms * sizeof(*n->perms));
    n->perms = NULL;
    n->nperms = 0;
    free_children(s, n);
}

void xs_node_free(struct xs_store *s, struct xs_node *n)
{
    xs_node_clear(s, n);
    xs_strfree(s, n->path, n->pathlen);
    xs_free(s, n, sizeof(*n));
}

int xs_node_set_value(struct xs_store *s, struct xs_node *n, const char *v, size_t len)
{
    char *copy = NULL;

    if (len) {
        copy = xs_alloc(s, len);
        if (!copy)
            return -ENOMEM;
        memcpy(copy, v, len);
    }
    if (n->value)
        xs_free(s, n->value, n->vlen);
    n->value = copy;
    n->vlen = len;
    return 0;
}

int xs_node_set_perms(struct xs_store *s, struct xs_node *n, const struct xs_perm *p,
                      unsigned int np)
{
    struct xs_perm *copy = xs_alloc(s, np * sizeof(*p));

    if (!copy)
        return -ENOMEM;
    memcpy(copy, p, np * sizeof(*p));
    if (n->perms)
        xs_free(s, n->perms, n->nperms * sizeof(*n->perms));
    n->perms = copy;
    n->nperms = np;
    return 0;
}

/* Appends a child's name (children keep their creation order, as the
 * replies of Xen's DIRECTORY do). */
int xs_node_add_child(struct xs_store *s, struct xs_node *n, const char *name, size_t len)
{
    struct xs_child *ch = xs_alloc(s, sizeof(*ch) + len + 1);

    if (!ch)
        return -ENOMEM;
    ch->next = NULL;
    ch->len = len;
    memcpy(ch->name, name, len);
    ch->name[len] = '\0';
    if (n->last_child)
        n->last_child->next = ch;
    else
        n->children = ch;
    n->last_child = ch;
    n->nchildren++;
    n->childlen += len + 1;
    return 0;
}

bool xs_node_del_child(struct xs_store *s, struct xs_node *n, const char *name, size_t len)
{
    struct xs_child **pp = &n->children, *prev = NULL;

    while (*pp && !((*pp)->len == len && !memcmp((*pp)->name, name, len))) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return false;
    struct xs_child *ch = *pp;

    *pp = ch->next;
    if (n->last_child == ch)
        n->last_child = prev;
    n->nchildren--;
    n->childlen -= len + 1;
    xs_free(s, ch, sizeof(*ch) + len + 1);
    return true;
}

/* dst (an empty node with its own path) gets a copy of src's value,
 * permissions and children.  On failure dst holds a part; clear it. */
int xs_node_copy_into(struct xs_store *s, struct xs_node *dst, const struct xs_node *src)
{
    if (xs_node_set_value(s, dst, src->value, src->vlen) < 0 ||
        xs_node_set_perms(s, dst, src->perms, src->nperms) < 0)
        return -ENOMEM;
    for (const struct xs_child *ch = src->children; ch; ch = ch->next)
        if (xs_node_add_child(s, dst, ch->name, ch->len) < 0)
            return -ENOMEM;
    dst->gen = src->gen;
    return 0;
}

/* dst's contents are replaced by src's, which is left empty: the commit
 * of a transaction's copy, with no allocation. */
void xs_node_move_data(struct xs_store *s, struct xs_node *dst, struct xs_node *src)
{
    xs_node_clear(s, dst);
    dst->value = src->value;
    dst->vlen = src->vlen;
    dst->perms = src->perms;
    dst->nperms = src->nperms;
    dst->children = src->children;
    dst->last_child = src->last_child;
    dst->nchildren = src->nchildren;
    dst->childlen = src->childlen;
    src->value = NULL;
    src->vlen = 0;
    src->perms = NULL;
    src->nperms = 0;
    src->children = src->last_child = NULL;
    src->nchildren = 0;
    src->childlen = 0;
}

/* The node's size as Xen's node-size quota counts it. */
size_t xs_node_size(const struct xs_node *n)
{
    return XS_NODE_HDR_SIZE + n->nperms * XS_NODE_PERM_SIZE + n->vlen + n->childlen;
}
