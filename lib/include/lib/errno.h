/* Xen's error numbers (include/public/errno.h) under their usual names,
 * for the hypervisor and the guest, which return and compare them negated.
 * Host programs that also include the C library's <errno.h> get the same
 * values from both on x86 Linux (tests/unit/test_errno.c checks that the
 * ABI's values are those). */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#include <public/errno.h>

#define EPERM         XEN_EPERM
#define ENOENT        XEN_ENOENT
#define ESRCH         XEN_ESRCH
#define EIO           XEN_EIO
#define ENXIO         XEN_ENXIO
#define E2BIG         XEN_E2BIG
#define ENOEXEC       XEN_ENOEXEC
#define EBADF         XEN_EBADF
#define ECHILD        XEN_ECHILD
#define EAGAIN        XEN_EAGAIN
#define ENOMEM        XEN_ENOMEM
#define EACCES        XEN_EACCES
#define EFAULT        XEN_EFAULT
#define EBUSY         XEN_EBUSY
#define EEXIST        XEN_EEXIST
#define EXDEV         XEN_EXDEV
#define ENODEV        XEN_ENODEV
#define EINVAL        XEN_EINVAL
#define ENFILE        XEN_ENFILE
#define EMFILE        XEN_EMFILE
#define ENOSPC        XEN_ENOSPC
#define EMLINK        XEN_EMLINK
#define EDOM          XEN_EDOM
#define ERANGE        XEN_ERANGE
#define EDEADLK       XEN_EDEADLK
#define ENAMETOOLONG  XEN_ENAMETOOLONG
#define ENOLCK        XEN_ENOLCK
#define ENOSYS        XEN_ENOSYS
#define EBADRQC       XEN_EBADRQC
#define EBADSLT       XEN_EBADSLT
#define ENODATA       XEN_ENODATA
#define ETIME         XEN_ETIME
#define EBADMSG       XEN_EBADMSG
#define EOVERFLOW     XEN_EOVERFLOW
#define EILSEQ        XEN_EILSEQ
#define EUSERS        XEN_EUSERS
#define ENOTSOCK      XEN_ENOTSOCK
#define EOPNOTSUPP    XEN_EOPNOTSUPP
#define EADDRINUSE    XEN_EADDRINUSE
#define EADDRNOTAVAIL XEN_EADDRNOTAVAIL
#define ENOBUFS       XEN_ENOBUFS
#define EISCONN       XEN_EISCONN
#define ENOTCONN      XEN_ENOTCONN
#define ESHUTDOWN     XEN_ESHUTDOWN
#define ETOOMANYREFS  XEN_ETOOMANYREFS
#define ETIMEDOUT     XEN_ETIMEDOUT

/* "-EFAULT" for -14, or the number ("-123") for a value without a name,
 * written to buf (size bytes); returns buf. */
const char *errno_name(long rc, char *buf, unsigned long size);

#endif
