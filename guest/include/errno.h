/* Error numbers as Xen (and so Proxen) returns them, negated: the Linux
 * values. */
#ifndef GUEST_ERRNO_H
#define GUEST_ERRNO_H

#define EPERM       1
#define ENOENT      2
#define ESRCH       3
#define EINTR       4
#define EIO         5
#define ENXIO       6
#define E2BIG       7
#define EAGAIN     11
#define ENOMEM     12
#define EACCES     13
#define EFAULT     14
#define EBUSY      16
#define EEXIST     17
#define ENODEV     19
#define EINVAL     22
#define ENOSPC     28
#define ERANGE     34
#define ENOSYS     38
#define ENODATA    61
#define ETIME      62
#define EOVERFLOW  75
#define EOPNOTSUPP 95

/* "-EFAULT" for -14, or "-errno 123" in buf for a value without a name. */
const char *errno_name(long rc, char *buf, unsigned long size);

#endif
