/* Names for error numbers, so that test reports read "-EFAULT". */
#include <errno.h>
#include <lib.h>

static const struct {
    int value;
    const char *name;
} names[] = {
    { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
    { EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
    { EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
    { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
    { ENOSYS, "ENOSYS" }, { ENODATA, "ENODATA" }, { ETIME, "ETIME" },
    { EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
};

const char *errno_name(long rc, char *buf, unsigned long size)
{
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (rc == -names[i].value) {
            snprintf(buf, size, "-%s", names[i].name);
            return buf;
        }
    }
    snprintf(buf, size, "%ld", rc);
    return buf;
}
