/* Names for error numbers, so that reports read "-EFAULT" rather than -14. */
#include <lib/errno.h>
#include <lib/printf.h>

#define NAME(e) { e, #e }

static const struct {
    int value;
    const char *name;
} names[] = {
    NAME(EPERM), NAME(ENOENT), NAME(ESRCH), NAME(EIO), NAME(ENXIO),
    NAME(E2BIG), NAME(ENOEXEC), NAME(EBADF), NAME(ECHILD), NAME(EAGAIN),
    NAME(ENOMEM), NAME(EACCES), NAME(EFAULT), NAME(EBUSY), NAME(EEXIST),
    NAME(EXDEV), NAME(ENODEV), NAME(EINVAL), NAME(ENFILE), NAME(EMFILE),
    NAME(ENOSPC), NAME(EMLINK), NAME(EDOM), NAME(ERANGE), NAME(EDEADLK),
    NAME(ENAMETOOLONG), NAME(ENOLCK), NAME(ENOSYS), NAME(EBADRQC),
    NAME(EBADSLT), NAME(ENODATA), NAME(ETIME), NAME(EBADMSG), NAME(EOVERFLOW),
    NAME(EILSEQ), NAME(EUSERS), NAME(ENOTSOCK), NAME(EOPNOTSUPP),
    NAME(EADDRINUSE), NAME(EADDRNOTAVAIL), NAME(ENOBUFS), NAME(EISCONN),
    NAME(ENOTCONN), NAME(ESHUTDOWN), NAME(ETOOMANYREFS), NAME(ETIMEDOUT),
};

const char *errno_name(long rc, char *buf, unsigned long size)
{
    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (rc == -names[i].value) {
            snprintf(buf, size, "-%s", names[i].name);
            return buf;
        }
    }
    snprintf(buf, size, "%ld", rc);
    return buf;
}
