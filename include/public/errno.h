/* Error numbers of the guest ABI.  A hypercall that fails returns one of
 * these negated (-XEN_EINVAL, ...).  The values are Xen's, which took them
 * from x86 Linux; the names carry a XEN_ prefix so that a program can use
 * them beside its C library's <errno.h>.  Constants only; usable from
 * assembly.  Xen also has EINTR (4) and ERESTART (85), which it uses
 * internally and never returns to a guest: they are not part of the ABI,
 * so they are not here either. */
#ifndef PUBLIC_ERRNO_H
#define PUBLIC_ERRNO_H

#define XEN_EPERM          1    /* operation not permitted */
#define XEN_ENOENT         2    /* no such file or directory */
#define XEN_ESRCH          3    /* no such process */
#define XEN_EIO            5    /* I/O error */
#define XEN_ENXIO          6    /* no such device or address */
#define XEN_E2BIG          7    /* argument list too long */
#define XEN_ENOEXEC        8    /* exec format error */
#define XEN_EBADF          9    /* bad file number */
#define XEN_ECHILD        10    /* no child processes */
#define XEN_EAGAIN        11    /* try again */
#define XEN_ENOMEM        12    /* out of memory */
#define XEN_EACCES        13    /* permission denied */
#define XEN_EFAULT        14    /* bad address */
#define XEN_EBUSY         16    /* device or resource busy */
#define XEN_EEXIST        17    /* file exists */
#define XEN_EXDEV         18    /* cross-device link */
#define XEN_ENODEV        19    /* no such device */
#define XEN_EINVAL        22    /* invalid argument */
#define XEN_ENFILE        23    /* file table overflow */
#define XEN_EMFILE        24    /* too many open files */
#define XEN_ENOSPC        28    /* no space left on device */
#define XEN_EMLINK        31    /* too many links */
#define XEN_EDOM          33    /* math argument out of domain of function */
#define XEN_ERANGE        34    /* math result not representable */
#define XEN_EDEADLK       35    /* resource deadlock would occur */
#define XEN_ENAMETOOLONG  36    /* file name too long */
#define XEN_ENOLCK        37    /* no record locks available */
#define XEN_ENOSYS        38    /* function not implemented */
#define XEN_EBADRQC       56    /* invalid request code */
#define XEN_EBADSLT       57    /* invalid slot */
#define XEN_ENODATA       61    /* no data available */
#define XEN_ETIME         62    /* timer expired */
#define XEN_EBADMSG       74    /* not a data message */
#define XEN_EOVERFLOW     75    /* value too large for defined data type */
#define XEN_EILSEQ        84    /* illegal byte sequence */
#define XEN_EUSERS        87    /* too many users */
#define XEN_ENOTSOCK      88    /* socket operation on non-socket */
#define XEN_EOPNOTSUPP    95    /* operation not supported */
#define XEN_EADDRINUSE    98    /* address already in use */
#define XEN_EADDRNOTAVAIL 99    /* cannot assign requested address */
#define XEN_ENOBUFS      105    /* no buffer space available */
#define XEN_EISCONN      106    /* transport endpoint is already connected */
#define XEN_ENOTCONN     107    /* transport endpoint is not connected */
#define XEN_ESHUTDOWN    108    /* cannot send after transport endpoint shutdown */
#define XEN_ETOOMANYREFS 109    /* too many references */
#define XEN_ETIMEDOUT    110    /* connection timed out */

#define XEN_EWOULDBLOCK  XEN_EAGAIN
#define XEN_EDEADLOCK    XEN_EDEADLK

#endif
