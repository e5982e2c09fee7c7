/* The toolstack's and the shell's requests on the default local
 * connection, with errors as numbers (xenstored.h). */
#include <lib/errno.h>
#include <lib/string.h>
#include "xenstored_internal.h"

static char req_buf[XENSTORE_PAYLOAD_MAX];
static char rsp_buf[XENSTORE_PAYLOAD_MAX + 1];

long xenstored_errno(const char *name, size_t len)
{
    for (int e = 1; e < 200; e++) {
        const char *n = xs_error_name(e);

        if (strlen(n) + 1 == len && !memcmp(n, name, len) && (e == EINVAL || strcmp(n, "EINVAL")))
            return -e;
    }
    return -EINVAL;
}

/* One request of path (NUL included) then extra bytes: the reply's
 * payload in rsp_buf (NUL-terminated), its length, or -errno. */
static long request(uint32_t type, uint32_t tx_id, const char *path, const void *extra,
                    size_t extra_len)
{
    size_t plen = strlen(path) + 1;
    struct xsd_sockmsg req = { .type = type, .tx_id = tx_id }, rsp;
    long rc;

    if (plen + extra_len > sizeof(req_buf))
        return -E2BIG;
    memcpy(req_buf, path, plen);
    memcpy(req_buf + plen, extra, extra_len);
    req.len = (uint32_t)(plen + extra_len);
    if ((rc = xenstored_local_call(&req, req_buf, &rsp, rsp_buf, XENSTORE_PAYLOAD_MAX)))
        return rc;
    rsp_buf[rsp.len < XENSTORE_PAYLOAD_MAX ? rsp.len : XENSTORE_PAYLOAD_MAX] = '\0';
    if (rsp.type == XS_ERROR)
        return xenstored_errno(rsp_buf, rsp.len);
    return rsp.len;
}

long xenstored_write(uint32_t tx_id, const char *path, const char *value, size_t len)
{
    long rc = request(XS_WRITE, tx_id, path, value, len);

    return rc < 0 ? rc : 0;
}

long xenstored_read(uint32_t tx_id, const char *path, char *buf, size_t len)
{
    long rc = request(XS_READ, tx_id, path, NULL, 0);

    if (rc >= 0 && len)
        strlcpy(buf, rsp_buf, len);
    return rc;
}

long xenstored_rm(uint32_t tx_id, const char *path)
{
    long rc = request(XS_RM, tx_id, path, NULL, 0);

    return rc < 0 ? rc : 0;
}

long xenstored_mkdir(uint32_t tx_id, const char *path)
{
    long rc = request(XS_MKDIR, tx_id, path, NULL, 0);

    return rc < 0 ? rc : 0;
}

long xenstored_directory(uint32_t tx_id, const char *path, char *buf, size_t len)
{
    long rc = request(XS_DIRECTORY, tx_id, path, NULL, 0);

    if (rc >= 0)
        memcpy(buf, rsp_buf, (size_t)rc < len ? (size_t)rc : len);
    return rc;
}

long xenstored_set_perms(uint32_t tx_id, const char *path, const char *perms, size_t len)
{
    long rc = request(XS_SET_PERMS, tx_id, path, perms, len);

    return rc < 0 ? rc : 0;
}
