/* Guest user mode (usermode.h): the user page table and stack, made on
 * first use and kept.  The user table is installed again on every call,
 * since MMUEXT_NEW_USER_BASEPTR may have been changed in between. */
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <pagetable.h>
#include <usermode.h>

void do_stray_syscall(const uint64_t *frame) __noreturn;

static uint64_t l4_user;         /* mfn, 0 until made */
static void *stack;

/* A copy of the kernel's guest entries (the hypervisor fills its own
 * slots when it validates the table), pinned so that it stays an L4. */
static long make_user_l4(void)
{
    const uint64_t *kernel = mfn_to_virt(l4_mfn);
    uint64_t *l4 = page_alloc();
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
    long rc;

    if (!l4)
        return -ENOMEM;
    for (unsigned int i = 0; i < 512; i++)
        if (i < 256 || i > 271)
            l4[i] = kernel[i];
    rc = page_set_readonly(l4, true);
    if (rc)
        goto fail;
    pin.arg1.mfn = virt_to_mfn(l4);
    rc = hypercall_mmuext_op(&pin, 1, NULL, DOMID_SELF);
    if (rc) {
        page_set_readonly(l4, false);
        goto fail;
    }
    l4_user = pin.arg1.mfn;
    return 0;
fail:
    page_free(l4);
    return rc;
}

long user_call(uint64_t (*fn)(uint64_t), uint64_t arg, struct user_exit *exit)
{
    struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR };
    long rc;

    if (!l4_user && (rc = make_user_l4()))
        return rc;
    if (!stack && !(stack = page_alloc()))
        return -ENOMEM;
    op.arg1.mfn = l4_user;
    rc = hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
    if (rc)
        return rc;
    user_run((uint64_t)fn, user_stack_top(), arg, exit);
    return 0;
}

uint64_t user_l4_mfn(void)
{
    return l4_user;
}

uint64_t user_stack_top(void)
{
    return stack ? (uint64_t)stack + PAGE_SIZE : 0;
}

void do_stray_syscall(const uint64_t *frame)
{
    panic("syscall from user mode at RIP %016lx with nobody waiting for it", frame[2]);
}
