/* Changes to the tree, as Xen's do_write, do_mkdir, do_rm and
 * do_set_perms make them: the permission checks (with Xen's rule that a
 * refusal never tells whether a node exists), the quotas, then the
 * change, then the watch events. */
#include "xs_private.h"

/* Xen's errno_from_parents: the nearest existing ancestor decides
 * whether the caller may learn err or only EACCES. */
static int from_parents(struct xs_view *v, const char *path, size_t len, int err,
                        unsigned int want)
{
    const struct xs_node *n = NULL;
    const char *p = path;
    size_t plen = len;
    int rc;

    if (err == -ENOMEM)
        return err;
    while (!n && !(plen == 1 && p[0] == '/')) {
        p = xs_parent(p, plen, &plen);
        rc = xs_view_get(v, p, plen, &n);
        if (rc < 0)
            return rc;
    }
    if (n && (xs_perm_for(v->conn, n->perms, n->nperms) & want))
        return err;
    return -EACCES;
}

/* The node at path if the view's connection may do all of want on it;
 * -ENOENT only if the caller may know that it does not exist. */
int xs_node_access(struct xs_view *v, const char *path, size_t len,
                   unsigned int want, const struct xs_node **out)
{
    const struct xs_node *n;
    int rc = xs_view_get(v, path, len, &n);

    if (rc < 0)
        return rc;
    if (n && (xs_perm_for(v->conn, n->perms, n->nperms) & want) == want) {
        *out = n;
        return 0;
    }
    return from_parents(v, path, len, n ? -EACCES : -ENOENT, want);
}

/* Where the component after a prefix of length plen starts. */
static size_t comp_start(size_t plen)
{
    return plen == 1 ? 1 : plen + 1;
}

static size_t comp_end(const char *path, size_t len, size_t start)
{
    while (start < len && path[start] != '/')
        start++;
    return start;
}

/* Takes back a creation that ran out of memory half-way: the child
 * entry added to the ancestor (prefix length alen) and the nodes made
 * below it, down to the prefix length made_to (0: none).  Deleting
 * allocates nothing. */
static void create_undo(struct xs_view *v, const char *path, size_t len, size_t alen,
                        struct xs_node *anc, size_t made_to)
{
    size_t start = comp_start(alen), end = comp_end(path, len, start);

    xs_node_del_child(v->s, anc, path + start, end - start);
    while (made_to && end <= made_to) {
        xs_view_delete(v, path, end);
        if (end == len)
            break;
        end = comp_end(path, len, end + 1);
    }
    if (v->tx)
        v->tx->failed = true;
}

/* Creates path and its missing ancestors below the nearest existing one,
 * each inheriting that one's permissions (an unprivileged creator owns
 * them), the last holding the value. */
static int create(struct xs_view *v, const char *path, size_t len,
                  const char *value, size_t vlen)
{
    struct xs_store *s = v->s;
    const struct xs_node *found = NULL;
    struct xs_node *anc, *n = NULL;
    const char *a = path;
    size_t alen = len, start, end, made_to = 0;
    unsigned int levels = 0, np;
    struct xs_perm *perms;
    int rc;

    while (!found) {
        a = xs_parent(a, alen, &alen);
        levels++;
        rc = xs_view_get(v, a, alen, &found);
        if (rc < 0)
            return rc;
        if (!found && alen == 1)
            return -EIO;                    /* no root: cannot happen */
    }
    if (!xs_view_entries_ok(v, levels))
        return -ENOSPC;
    np = found->nperms;
    start = comp_start(alen);
    end = comp_end(path, len, start);
    if (!xs_view_size_ok(v, xs_node_size(found) + (end - start) + 1) ||
        !xs_view_size_ok(v, XS_NODE_HDR_SIZE + np * XS_NODE_PERM_SIZE + vlen))
        return -ENOSPC;
    /* Intermediate nodes hold one child's name: no larger than the path. */
    if (levels > 1 && !xs_view_size_ok(v, XS_NODE_HDR_SIZE + np * XS_NODE_PERM_SIZE + len))
        return -ENOSPC;
    perms = xs_alloc(s, np * sizeof(*perms));
    if (!perms)
        return -ENOMEM;
    memcpy(perms, found->perms, np * sizeof(*perms));
    if (!v->conn->privileged)
        perms[0].domid = v->conn->domid;

    rc = xs_view_get_mut(v, path, alen, &anc);
    if (rc < 0 || (rc = xs_node_add_child(s, anc, path + start, end - start)) < 0)
        goto fail;
    for (;;) {
        rc = xs_view_create(v, path, end, perms, np, &n);
        if (rc < 0)
            goto undo;
        made_to = end;
        if (end == len)
            break;
        start = end + 1;
        end = comp_end(path, len, start);
        rc = xs_node_add_child(s, n, path + start, end - start);
        if (rc < 0)
            goto undo;
    }
    rc = xs_node_set_value(s, n, value, vlen);
    if (rc < 0 || (rc = xs_view_account(v, perms[0].domid, (int)levels)) < 0)
        goto undo;
    xs_free(s, perms, np * sizeof(*perms));
    return 0;

undo:
    create_undo(v, path, len, alen, anc, made_to);
fail:
    xs_free(s, perms, np * sizeof(*perms));
    return rc;
}

/* XS_WRITE (has_value) and XS_MKDIR: 0 when done, 1 when mkdir found
 * the node there already (nothing changed, no event). */
int xs_tree_write(struct xs_view *v, const char *path, size_t len,
                  const char *value, size_t vlen, bool has_value)
{
    const struct xs_node *n;
    struct xs_node *m;
    int rc = xs_node_access(v, path, len, XS_PERM_WRITE, &n);

    if (rc == 0) {
        if (!has_value)
            return 1;
        if (!xs_view_size_ok(v, xs_node_size(n) - n->vlen + vlen))
            return -ENOSPC;
        rc = xs_view_get_mut(v, path, len, &m);
        if (rc < 0)
            return rc;
        rc = xs_node_set_value(v->s, m, value, vlen);
        if (rc < 0)
            return rc;
        xs_fire(v, path, len, false, m->perms, m->nperms, NULL, 0);
        return 0;
    }
    if (rc != -ENOENT)
        return rc;
    rc = create(v, path, len, value, vlen);
    if (rc < 0)
        return rc;
    if (xs_view_get(v, path, len, &n) == 0 && n)
        xs_fire(v, path, len, false, n->perms, n->nperms, NULL, 0);
    return 0;
}

/* Deletes the subtree at path (not "/"), children before parents, each
 * node's watches fired while it still exists (exactly for the nodes
 * below, with ancestors' watches for path itself), as Xen's rm_node.
 * Iterative: a path may be about 1500 levels deep. */
int xs_tree_rm_subtree(struct xs_view *v, const char *path, size_t len)
{
    struct xs_store *s = v->s;
    char *buf = xs_alloc(s, XENSTORE_ABS_PATH_MAX + 1);
    size_t blen = len, plen;
    const struct xs_node *n;
    struct xs_node *parent;
    int rc = 0;

    if (!buf)
        return -ENOMEM;
    memcpy(buf, path, len);
    for (;;) {
        rc = xs_view_get(v, buf, blen, &n);
        if (rc < 0 || !n)
            break;
        if (n->children) {
            const struct xs_child *ch = n->children;

            if (blen + 1 + ch->len > XENSTORE_ABS_PATH_MAX) {
                rc = -EIO;                  /* longer than any path: cannot happen */
                break;
            }
            buf[blen++] = '/';
            memcpy(buf + blen, ch->name, ch->len);
            blen += ch->len;
            continue;
        }
        xs_fire(v, buf, blen, blen != len, n->perms, n->nperms, NULL, 0);
        rc = xs_view_account(v, n->perms[0].domid, -1);
        if (rc == 0)
            rc = xs_view_delete(v, buf, blen);
        if (rc < 0)
            break;
        xs_parent(buf, blen, &plen);
        rc = xs_view_get_mut(v, buf, plen, &parent);
        if (rc < 0)
            break;
        if (parent) {
            size_t bl;
            const char *base = xs_basename(buf, blen, &bl);

            xs_node_del_child(s, parent, base, bl);
        }
        if (blen == len)
            break;
        blen = plen;
    }
    xs_free(s, buf, XENSTORE_ABS_PATH_MAX + 1);
    if (rc < 0 && v->tx)
        v->tx->failed = true;
    return rc;
}

/* XS_RM: removing a node that is not there is fine if its parent is. */
int xs_tree_rm(struct xs_view *v, const char *path, size_t len)
{
    const struct xs_node *n;
    size_t plen;
    const char *parent;
    int rc = xs_node_access(v, path, len, XS_PERM_WRITE, &n);

    if (rc == -ENOENT) {
        parent = xs_parent(path, len, &plen);
        rc = xs_view_get(v, parent, plen, &n);
        if (rc < 0)
            return rc;
        return n ? 0 : -ENOENT;
    }
    if (rc < 0)
        return rc;
    if (len == 1)
        return -EINVAL;                     /* "/" */
    return xs_tree_rm_subtree(v, path, len);
}

/* XS_SET_PERMS: the caller must own the node (or be privileged); an
 * unprivileged caller cannot give it away.  Watches fire for those that
 * could read it before or after. */
int xs_tree_set_perms(struct xs_view *v, const char *path, size_t len,
                      const struct xs_perm *perms, unsigned int np)
{
    const struct xs_node *n;
    struct xs_node *m;
    struct xs_perm *old;
    unsigned int oldnp, old_owner;
    int rc = xs_node_access(v, path, len, XS_PERM_WRITE | XS_PERM_OWNER, &n);

    if (rc < 0)
        return rc;
    if (!v->conn->privileged && perms[0].domid != n->perms[0].domid)
        return -EPERM;
    if (!xs_view_size_ok(v, XS_NODE_HDR_SIZE + np * XS_NODE_PERM_SIZE + n->vlen + n->childlen))
        return -ENOSPC;
    oldnp = n->nperms;
    old = xs_alloc(v->s, oldnp * sizeof(*old));
    if (!old)
        return -ENOMEM;
    memcpy(old, n->perms, oldnp * sizeof(*old));
    old_owner = old[0].domid;
    rc = xs_view_get_mut(v, path, len, &m);
    if (rc == 0 && old_owner != perms[0].domid)
        rc = xs_view_account(v, perms[0].domid, 1);
    if (rc == 0) {
        rc = xs_node_set_perms(v->s, m, perms, np);
        if (old_owner != perms[0].domid)
            xs_view_account(v, rc == 0 ? old_owner : perms[0].domid, -1);
    }
    if (rc == 0)
        xs_fire(v, path, len, false, perms, np, old, oldnp);
    xs_free(v->s, old, oldnp * sizeof(*old));
    return rc;
}
