/* The guest ABI's error numbers (include/public/errno.h) are Xen's, which
 * are x86 Linux's: checked against the host C library's on the Linux
 * hosts the tests run on, so a mistyped value cannot hide.  And the names
 * the guest's reports print (lib/errno_name.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <public/errno.h>

const char *errno_name(long rc, char *buf, unsigned long size);

static void test_values_are_linux(void **state)
{
#define SAME(e) assert_int_equal(XEN_##e, e)
    SAME(EPERM); SAME(ENOENT); SAME(ESRCH); SAME(EIO); SAME(ENXIO);
    SAME(E2BIG); SAME(ENOEXEC); SAME(EBADF); SAME(ECHILD); SAME(EAGAIN);
    SAME(ENOMEM); SAME(EACCES); SAME(EFAULT); SAME(EBUSY); SAME(EEXIST);
    SAME(EXDEV); SAME(ENODEV); SAME(EINVAL); SAME(ENFILE); SAME(EMFILE);
    SAME(ENOSPC); SAME(EMLINK); SAME(EDOM); SAME(ERANGE); SAME(EDEADLK);
    SAME(ENAMETOOLONG); SAME(ENOLCK); SAME(ENOSYS); SAME(EBADRQC);
    SAME(EBADSLT); SAME(ENODATA); SAME(ETIME); SAME(EBADMSG); SAME(EOVERFLOW);
    SAME(EILSEQ); SAME(EUSERS); SAME(ENOTSOCK); SAME(EOPNOTSUPP);
    SAME(EADDRINUSE); SAME(EADDRNOTAVAIL); SAME(ENOBUFS); SAME(EISCONN);
    SAME(ENOTCONN); SAME(ESHUTDOWN); SAME(ETOOMANYREFS); SAME(ETIMEDOUT);
    SAME(EWOULDBLOCK); SAME(EDEADLOCK);
#undef SAME
}

static void test_names(void **state)
{
    char buf[24];

    assert_string_equal(errno_name(-XEN_EPERM, buf, sizeof(buf)), "-EPERM");
    assert_string_equal(errno_name(-XEN_EFAULT, buf, sizeof(buf)), "-EFAULT");
    assert_string_equal(errno_name(-XEN_ETIMEDOUT, buf, sizeof(buf)), "-ETIMEDOUT");
    assert_string_equal(errno_name(-XEN_EAGAIN, buf, sizeof(buf)), "-EAGAIN");
    /* Not an error number Xen returns: the number itself. */
    assert_string_equal(errno_name(-4, buf, sizeof(buf)), "-4");
    assert_string_equal(errno_name(-200, buf, sizeof(buf)), "-200");
    assert_string_equal(errno_name(0, buf, sizeof(buf)), "0");
    assert_string_equal(errno_name(XEN_EPERM, buf, sizeof(buf)), "1");
    /* Truncated to the buffer. */
    assert_string_equal(errno_name(-XEN_EOPNOTSUPP, buf, 5), "-EOP");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_are_linux),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
