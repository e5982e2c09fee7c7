/* vm_assist and callback_op: the optional behaviours a guest switches on,
 * and the entry points it registers. */
#include <lib/errno.h>
#include <hypercall.h>
#include <layout.h>
#include <test.h>
#include <usermode.h>
#include "tests.h"

extern char syscall_entry[];

static long vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static void enable_disable(unsigned int type)
{
    char what[48];

    snprintf(what, sizeof(what), "vm_assist(enable, %u)", type);
    expect_rc(what, vm_assist(VMASST_CMD_enable, type), 0);
    snprintf(what, sizeof(what), "vm_assist(disable, %u)", type);
    expect_rc(what, vm_assist(VMASST_CMD_disable, type), 0);
}

/* The assists a 64-bit PV guest uses; types no hypervisor defines are
 * -EINVAL; a command that does not exist is -ENOSYS (for a valid type:
 * the type is checked first). */
void test_vm_assist(void)
{
    static const unsigned int types[] = {
        VMASST_TYPE_writable_pagetables, VMASST_TYPE_architectural_iopl,
        VMASST_TYPE_runstate_update_flag,
    };
    static const unsigned int unknown[] = { 6, 31, 33, 63, 64, 0x80000000 };
    char what[48];

    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        enable_disable(types[i]);
    for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
        snprintf(what, sizeof(what), "vm_assist(enable, %u)", unknown[i]);
        expect_rc(what, vm_assist(VMASST_CMD_enable, unknown[i]), -EINVAL);
    }
    expect_rc("vm_assist(7, writable_pagetables)", vm_assist(7, VMASST_TYPE_writable_pagetables),
              -ENOSYS);
    expect_rc("vm_assist(7, 6)", vm_assist(7, 6), -EINVAL);
}

/* Xen 4.17 accepts, for a 64-bit PV guest, the 32-bit-era types too
 * ("we can't make such requests fail all of the sudden") and m2p_strict. */
void test_vm_assist_xen_types(void)
{
    static const unsigned int types[] = {
        VMASST_TYPE_4gb_segments, VMASST_TYPE_4gb_segments_notify,
        VMASST_TYPE_pae_extended_cr3, VMASST_TYPE_m2p_strict,
    };

    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        enable_disable(types[i]);
}

static long callback_op(unsigned int cmd, const void *arg)
{
    return hypercall_callback_op(cmd, arg);
}

/* A user-mode syscall still reaches the callback the kernel registered. */
static uint64_t user_double(uint64_t x)
{
    return 2 * x;
}

static void expect_syscall_callback(const char *after)
{
    struct user_exit e = { 0 };

    if (expect_rc("user_call", user_call(user_double, 21, &e), 0) && e.rax != 42)
        test_fail("after %s the user-mode syscall came back with %#lx, expected 42", after,
                  e.rax);
}

/* Refusals that leave the registered callbacks as they were: only the NMI
 * callback can be unregistered; addresses must be canonical; the argument
 * must be readable; commands must exist. */
void test_callback_op_refused(void)
{
    static const unsigned int fixed[] = {
        CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall,
    };
    struct callback_register reg = {
        .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
        .address = NONCANONICAL_ADDRESS,
    };
    char what[64];

    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
        struct callback_unregister unreg = { .type = (uint16_t)fixed[i] };

        snprintf(what, sizeof(what), "CALLBACKOP_unregister(type %u)", fixed[i]);
        expect_rc(what, callback_op(CALLBACKOP_unregister, &unreg), -EINVAL);
    }
    expect_rc("CALLBACKOP_register(syscall, non-canonical address)",
              callback_op(CALLBACKOP_register, &reg), -EINVAL);
    expect_rc("CALLBACKOP_register(unmapped argument)",
              callback_op(CALLBACKOP_register, (const void *)UNMAPPED_VA), -EFAULT);
    expect_rc("CALLBACKOP_unregister(unmapped argument)",
              callback_op(CALLBACKOP_unregister, (const void *)UNMAPPED_VA), -EFAULT);
    reg.address = (uint64_t)syscall_entry;
    expect_rc("callback_op(99)", callback_op(99, &reg), -ENOSYS);
    expect_syscall_callback("the refused callback_op calls");
}

/* A callback type that does not exist: Xen 4.17 answers -ENOSYS, to
 * register and to unregister alike. */
void test_callback_op_bad_type(void)
{
    struct callback_register reg = { .type = 99, .address = (uint64_t)syscall_entry };
    struct callback_unregister unreg = { .type = 99 };

    expect_rc("CALLBACKOP_register(type 99)", callback_op(CALLBACKOP_register, &reg), -ENOSYS);
    expect_rc("CALLBACKOP_unregister(type 99)", callback_op(CALLBACKOP_unregister, &unreg),
              -ENOSYS);
    expect_syscall_callback("the callback_op calls with type 99");
}
