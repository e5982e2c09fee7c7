/* The toolstack's xenstore entries for a domain (domain_xs.h). */
#include <domain_xs.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <public/io/console.h>
#include <xenstored.h>

#define PATH_MAX_LEN 96

/* Nodes the domain owns (libxl's rwperm), below its home. */
static const char *const own_nodes[] = {
    "device", "data", "drivers", "feature", "attr", "error",
    "control/shutdown", "control/feature-poweroff", "control/feature-reboot",
    "control/feature-suspend", "control/sysrq",
};

struct entry {
    const char *rel;
    char value[32];
};

static void uuid_of(domid_t dom, char *buf, size_t len)
{
    snprintf(buf, len, "00000000-0000-0000-0000-%012x", dom);
}

static long tx_start(uint32_t *tx)
{
    struct xsd_sockmsg req = { .type = XS_TRANSACTION_START, .len = 1 }, rsp;
    char id[16];
    long rc = xenstored_local_call(&req, "", &rsp, id, sizeof(id) - 1);

    if (rc)
        return rc;
    id[rsp.len < sizeof(id) - 1 ? rsp.len : sizeof(id) - 1] = '\0';
    if (rsp.type == XS_ERROR)
        return xenstored_errno(id, rsp.len);
    *tx = 0;
    for (const char *p = id; *p >= '0' && *p <= '9'; p++)
        *tx = *tx * 10 + (uint32_t)(*p - '0');
    return 0;
}

static long tx_end(uint32_t tx, bool commit)
{
    struct xsd_sockmsg req = { .type = XS_TRANSACTION_END, .tx_id = tx, .len = 2 }, rsp;
    char err[16];
    long rc = xenstored_local_call(&req, commit ? "T" : "F", &rsp, err, sizeof(err) - 1);

    if (rc)
        return rc;
    return rsp.type == XS_ERROR ? xenstored_errno(err, rsp.len) : 0;
}

/* Owner `owner`, others none, and read for `reader` unless it is the owner. */
static long perms(uint32_t tx, const char *path, domid_t owner, domid_t reader)
{
    char p[24];
    int n = snprintf(p, sizeof(p), "n%u", owner) + 1;

    if (reader != owner)
        n += snprintf(p + n, sizeof(p) - (size_t)n, "r%u", reader) + 1;
    return xenstored_set_perms(tx, path, p, (size_t)n);
}

static const char *vm_node(char *buf, const char *vm, const char *leaf)
{
    snprintf(buf, PATH_MAX_LEN, "%s/%s", vm, leaf);
    return buf;
}

static long write_all(uint32_t tx, const struct domain_build *b)
{
    char home[PATH_MAX_LEN], path[PATH_MAX_LEN], uuid[40], vm[64];
    uint64_t store_mfn = b->store_mfn;
    uint64_t cons_mfn = b->console_mfn;
    struct entry e[] = {
        { "name", "" }, { "domid", "" }, { "vm", "" },
        { "memory/static-max", "" }, { "memory/target", "" },
        { "store/port", "" }, { "store/ring-ref", "" },
        { "console/ring-ref", "" }, { "console/port", "" }, { "console/limit", "1048576" },
        { "console/type", "xenconsoled" }, { "console/output", "pty" },
    };
    long rc;

    uuid_of(b->domid, uuid, sizeof(uuid));
    snprintf(home, sizeof(home), "/local/domain/%u", b->domid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);
    strlcpy(e[0].value, b->name, sizeof(e[0].value));
    snprintf(e[1].value, sizeof(e[1].value), "%u", b->domid);
    strlcpy(e[2].value, vm, sizeof(e[2].value));
    snprintf(e[3].value, sizeof(e[3].value), "%llu", (unsigned long long)b->nr_pages * 4);
    strlcpy(e[4].value, e[3].value, sizeof(e[4].value));
    snprintf(e[5].value, sizeof(e[5].value), "%u", b->store_evtchn);
    snprintf(e[6].value, sizeof(e[6].value), "%llu", (unsigned long long)store_mfn);
    snprintf(e[7].value, sizeof(e[7].value), "%llu", (unsigned long long)cons_mfn);
    snprintf(e[8].value, sizeof(e[8].value), "%u", b->console_evtchn);

    xenstored_rm(tx, home);             /* what an earlier domain of this id left */
    xenstored_rm(tx, vm);
    if ((rc = xenstored_mkdir(tx, home)) || (rc = perms(tx, home, 0, b->domid)) ||
        (rc = xenstored_mkdir(tx, vm)) || (rc = perms(tx, vm, 0, b->domid)) ||
        (rc = xenstored_write(tx, vm_node(path, vm, "uuid"), uuid, strlen(uuid))) ||
        (rc = xenstored_write(tx, vm_node(path, vm, "name"), b->name, strlen(b->name))))
        return rc;
    for (unsigned int i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", home, e[i].rel);
        if ((rc = xenstored_write(tx, path, e[i].value, strlen(e[i].value))))
            return rc;
    }
    /* Each vCPU online, as libxl writes it: Linux reads these at boot and
     * watches them for vCPU hot-unplug. */
    for (unsigned int i = 0; i < b->vcpus; i++) {
        snprintf(path, sizeof(path), "%s/cpu/%u/availability", home, i);
        if ((rc = xenstored_write(tx, path, "online", 6)))
            return rc;
    }
    snprintf(path, sizeof(path), "%s/control", home);
    if ((rc = xenstored_mkdir(tx, path)))
        return rc;
    for (unsigned int i = 0; i < sizeof(own_nodes) / sizeof(own_nodes[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", home, own_nodes[i]);
        if ((rc = xenstored_mkdir(tx, path)) || (rc = perms(tx, path, b->domid, b->domid)))
            return rc;
    }
    return 0;
}

/* dom0's own, once (Xen's boot scripts write them). */
static void dom0_entries(void)
{
    static bool done;

    if (!done && !xenstored_write(0, "/local/domain/0/name", "Domain-0", 8) &&
        !xenstored_write(0, "/local/domain/0/domid", "0", 1))
        done = true;
}

long domain_xs_create(const struct domain_build *b)
{
    uint64_t store_mfn = b->store_mfn;
    long rc = -EAGAIN;
    uint32_t tx = 0;

    dom0_entries();
    /* A transaction, so that watchers see the entries all at once; it
     * fails with EAGAIN only if something else wrote there meanwhile. */
    for (int tries = 0; tries < 5 && rc == -EAGAIN; tries++) {
        if ((rc = tx_start(&tx)))
            return rc;
        if ((rc = write_all(tx, b))) {
            tx_end(tx, false);
            break;
        }
        rc = tx_end(tx, true);
    }
    if (!rc && (rc = xenstored_introduce(b->domid, store_mfn, b->store_evtchn)))
        domain_xs_destroy(b->domid);
    return rc;
}

long domain_xs_destroy(domid_t dom)
{
    char path[PATH_MAX_LEN], uuid[40];
    long rc;

    snprintf(path, sizeof(path), "/local/domain/%u", dom);
    rc = xenstored_rm(0, path);
    uuid_of(dom, uuid, sizeof(uuid));
    snprintf(path, sizeof(path), "/vm/%s", uuid);
    xenstored_rm(0, path);
    if (xenstored_release(dom) == 0)
        rc = 0;
    return rc;
}
