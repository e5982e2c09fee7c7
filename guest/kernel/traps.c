/* The guest's exception handling: the virtual trap table, the event,
 * failsafe and syscall callbacks, the kernel stack for entries from user
 * mode, and do_trap(), where every exception arrives (entry.S).
 *
 * An exception at an instruction listed in the exception table resumes
 * at its fixup after recording what happened in last_trap; that is how
 * code (mostly tests) expects a fault.  Any other exception is a bug:
 * reported and fatal, unless a recovery point is set (the test runner's),
 * which then takes over. */
#include <arch.h>
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <traps.h>

struct extable_entry {
    uint64_t insn, fixup;
};

extern const struct extable_entry __start_ex_table[], __stop_ex_table[];
extern const uint64_t trap_stubs[32], soft_int_stubs[2];   /* 0x80, 0x81 */
extern char event_entry[], failsafe_entry[], syscall_entry[];

void do_trap(struct trap_frame *f);
void do_failsafe(const uint64_t *frame) __noreturn;

struct trap_record last_trap;
struct trap_frame trap_unexpected;
static struct jmp_buf *recovery;

/* Entries from guest user mode land here (usermode.h), while the code
 * that entered user mode keeps its frames on the boot stack. */
static uint8_t user_entry_stack[8192] __attribute__((aligned(16)));

/* The exceptions a 64-bit PV guest can receive.  #DF and the NMI never
 * reach a PV guest's trap table (the NMI has a callback of its own). */
static const struct {
    uint8_t vector, dpl;
} vectors[] = {
    { X86_EXC_DE, 0 }, { X86_EXC_DB, 0 }, { X86_EXC_BP, 3 }, { X86_EXC_OF, 3 },
    { X86_EXC_BR, 0 }, { X86_EXC_UD, 0 }, { X86_EXC_NM, 0 }, { X86_EXC_TS, 0 },
    { X86_EXC_NP, 0 }, { X86_EXC_SS, 0 }, { X86_EXC_GP, 0 }, { X86_EXC_PF, 0 },
    { X86_EXC_MF, 0 }, { X86_EXC_AC, 0 }, { X86_EXC_MC, 0 }, { X86_EXC_XM, 0 },
};

static const char *const names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF(9)", "#TS", "#NP",
    "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *trap_name(unsigned int vector)
{
    if (vector == VECTOR_EVENT)
        return "event upcall";
    if (vector < 32 && names[vector])
        return names[vector];
    if (vector == 0x80)
        return "int $0x80";
    return vector == 0x81 ? "int $0x81" : "vector";
}

long traps_install(unsigned int extra_vector, unsigned int dpl)
{
    struct trap_info table[ARRAY_SIZE(vectors) + 2];
    unsigned int n = 0;

    memset(table, 0, sizeof(table));
    for (size_t i = 0; i < ARRAY_SIZE(vectors); i++)
        table[n++] = (struct trap_info){
            .vector = vectors[i].vector, .flags = vectors[i].dpl,
            .cs = FLAT_KERNEL_CS, .address = trap_stubs[vectors[i].vector],
        };
    if (extra_vector)
        table[n++] = (struct trap_info){
            .vector = (uint8_t)extra_vector, .flags = (uint8_t)(dpl & TI_DPL_MASK),
            .cs = FLAT_KERNEL_CS,
            .address = extra_vector >= 0x80 ? soft_int_stubs[extra_vector & 1]
                                            : trap_stubs[extra_vector & 31],
        };
    /* table[n] stays zero: the end of the list.  Entries are only ever
     * added, so clear first to drop an extra one installed earlier. */
    traps_clear();
    return hypercall_set_trap_table(table);
}

long traps_clear(void)
{
    return hypercall_set_trap_table(NULL);
}

void traps_fill_context(struct trap_info *ctxt)
{
    for (size_t i = 0; i < ARRAY_SIZE(vectors); i++)
        ctxt[vectors[i].vector] = (struct trap_info){
            .vector = vectors[i].vector, .flags = vectors[i].dpl,
            .cs = FLAT_KERNEL_CS, .address = trap_stubs[vectors[i].vector],
        };
}

void traps_fill_callbacks(struct vcpu_guest_context *c)
{
    c->event_callback_eip = (uint64_t)event_entry;
    c->failsafe_callback_eip = (uint64_t)failsafe_entry;
    c->syscall_callback_eip = (uint64_t)syscall_entry;
}

static void register_callback(unsigned int type, const void *address, unsigned int flags)
{
    struct callback_register cb = {
        .type = (uint16_t)type, .flags = (uint16_t)flags, .address = (uint64_t)address,
    };
    long rc = hypercall_callback_op(CALLBACKOP_register, &cb);

    if (rc)
        panic("callback_op: registering callback type %u failed (%ld)", type, rc);
}

uint64_t traps_user_entry_stack(void)
{
    return (uint64_t)(user_entry_stack + sizeof(user_entry_stack));
}

void traps_init(void)
{
    long rc = traps_install(0, 0);

    if (rc)
        panic("set_trap_table failed (%ld)", rc);
    register_callback(CALLBACKTYPE_event, event_entry, 0);
    register_callback(CALLBACKTYPE_failsafe, failsafe_entry, CALLBACKF_mask_events);
    register_callback(CALLBACKTYPE_syscall, syscall_entry, CALLBACKF_mask_events);
    rc = hypercall_stack_switch(FLAT_KERNEL_SS, traps_user_entry_stack());
    if (rc)
        panic("stack_switch failed (%ld)", rc);
}

struct jmp_buf *traps_set_recovery(struct jmp_buf *env)
{
    struct jmp_buf *old = recovery;

    recovery = env;
    return old;
}

static uint64_t fixup_for(uint64_t rip)
{
    for (const struct extable_entry *e = __start_ex_table; e < __stop_ex_table; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

static void dump_frame(const struct trap_frame *f)
{
    printk("%s (vector %lu) error code %#lx at RIP %016lx, CR2 %016lx\n",
           trap_name((unsigned int)f->vector), f->vector, f->error_code, f->rip,
           last_trap.cr2);
    printk("RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    printk("RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
    printk("R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", f->r8, f->r9, f->r10, f->r11);
    printk("R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", f->r12, f->r13, f->r14, f->r15);
    printk("CS %04lx SS %04lx RFLAGS %08lx\n", f->cs & 0xffff, f->ss, f->rflags);
}

void do_trap(struct trap_frame *f)
{
    uint64_t fixup;

    if (f->vector == VECTOR_EVENT) {
        events_upcall();
        return;
    }
    last_trap = (struct trap_record){
        .vector = (unsigned int)f->vector, .error_code = f->error_code, .rip = f->rip,
        .cr2 = f->vector == X86_EXC_PF && shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0,
        .rflags = f->rflags, .handler_rflags = read_rflags(),
        .count = last_trap.count + 1,
    };
    fixup = fixup_for(f->rip);
    if (fixup) {
        f->rip = fixup;
        if (f->vector == X86_EXC_DB)     /* an expected #DB ends single-stepping */
            f->rflags &= ~RFLAGS_TF;
        return;
    }
    if (recovery) {
        struct jmp_buf *env = recovery;

        trap_unexpected = *f;
        recovery = NULL;
        longjmp(env, 1);
    }
    printk("Unexpected exception in the guest kernel:\n");
    dump_frame(f);
    panic("unexpected %s", trap_name((unsigned int)f->vector));
}

void do_failsafe(const uint64_t *frame)
{
    /* Frame: RCX, R11, DS, ES, FS, GS, RIP, CS, RFLAGS, RSP, SS. */
    panic("failsafe callback: segment state refused at RIP %016lx (DS %04lx ES %04lx "
          "FS %04lx GS %04lx)", frame[6], frame[2], frame[3], frame[4], frame[5]);
}
