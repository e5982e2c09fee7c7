/* The PV context switch (arch_vcpu_save / arch_vcpu_load, domain.h):
 * everything of a guest's that lives in the CPU rather than in memory.
 *
 * - Its frame: the guest frame at the top of this CPU's stack (where
 *   every entry from a guest lands) is copied out and in.
 * - Its segments: the four data selectors, FS and both GS bases.
 * - Its descriptor tables: its GDT and LDT frames shown in this CPU's
 *   windows.
 * - Its debug registers and page tables.
 * - Its FPU and SSE state, saved and restored eagerly, at every switch:
 *   a lazy switch (leaving the state in the CPU until the next vCPU uses
 *   it) saves a FXSAVE when domains rarely use the FPU, but keeps one
 *   domain's registers in the CPU while another runs, which speculative
 *   execution can read (Xen switched to eager for that reason); and the
 *   guest's own CR0.TS (fpu_taskswitch) would have to share the bit with
 *   ours.  FXSAVE, not XSAVE: the CPU model the hypervisor runs on offers
 *   no XSAVE state to guests. */
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <proxen/domain.h>

/* The four data selectors, as the guest left them. */
static void save_selectors(struct arch_vcpu *a)
{
    uint32_t ds, es, fs, gs;

    __asm__ volatile("movl %%ds, %0\n\t"
                     "movl %%es, %1\n\t"
                     "movl %%fs, %2\n\t"
                     "movl %%gs, %3"
                     : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    a->sel_ds = (uint16_t)ds;
    a->sel_es = (uint16_t)es;
    a->sel_fs = (uint16_t)fs;
    a->sel_gs = (uint16_t)gs;
}

/* Load a guest selector; one the CPU refuses (the guest changed its
 * descriptor tables since) leaves the register null. */
#define LOAD_SELECTOR(seg, value)                                           \
    __asm__ volatile("1: movl %k0, %%" seg "\n"                             \
                     "2:\n"                                                 \
                     ".pushsection .text.fixup, \"ax\"\n"                   \
                     "3: xorl %%eax, %%eax\n"                               \
                     "   movl %%eax, %%" seg "\n"                           \
                     "   jmp 2b\n"                                          \
                     ".popsection\n"                                        \
                     ".pushsection .ex_table, \"a\"\n"                      \
                     ".balign 8\n"                                          \
                     ".quad 1b, 3b\n"                                       \
                     ".popsection"                                          \
                     :: "r"((uint32_t)(value)) : "rax", "memory")

/* RPL 3: only descriptors a ring-3 guest could load itself. */
static uint32_t guest_selector(uint16_t sel)
{
    return sel > 3 ? sel | 3u : 0;
}

static void load_selectors(const struct arch_vcpu *a)
{
    LOAD_SELECTOR("ds", guest_selector(a->sel_ds));
    LOAD_SELECTOR("es", guest_selector(a->sel_es));
    LOAD_SELECTOR("fs", guest_selector(a->sel_fs));
    LOAD_SELECTOR("gs", guest_selector(a->sel_gs));
}

static void save_bases(struct arch_vcpu *a)
{
    uint64_t gs = rdmsr(MSR_GS_BASE), shadow = rdmsr(MSR_SHADOW_GS_BASE);

    a->fs_base = rdmsr(MSR_FS_BASE);
    a->gs_base_kernel = a->kernel_mode ? gs : shadow;
    a->gs_base_user = a->kernel_mode ? shadow : gs;
}

/* After the selectors, whose loading sets the bases from descriptors. */
static void load_bases(const struct arch_vcpu *a)
{
    wrmsr(MSR_FS_BASE, a->fs_base);
    wrmsr(MSR_GS_BASE, a->kernel_mode ? a->gs_base_kernel : a->gs_base_user);
    wrmsr(MSR_SHADOW_GS_BASE, a->kernel_mode ? a->gs_base_user : a->gs_base_kernel);
}

static void save_fpu(struct arch_vcpu *a)
{
    __asm__ volatile("clts\n\t"
                     "fxsave64 %0" : "=m"(a->fpu_image));
}

/* The guest's CR0.TS, which fpu_taskswitch sets, travels with it. */
static void load_fpu(const struct arch_vcpu *a)
{
    __asm__ volatile("clts\n\t"
                     "fxrstor64 %0" :: "m"(a->fpu_image));
    if (a->virtual_ts)
        write_cr0(read_cr0() | X86_CR0_TS);
}

/* The FPU and SSE state of a CPU just reset (FNINIT's control word, the
 * power-on MXCSR, empty registers), for a vCPU given none: never what the
 * last vCPU on this CPU left. */
void pv_fpu_init(uint8_t image[512])
{
    uint16_t fcw = 0x037f;
    uint32_t mxcsr = 0x1f80;

    memset(image, 0, 512);
    memcpy(image, &fcw, sizeof(fcw));
    memcpy(image + 24, &mxcsr, sizeof(mxcsr));
}

void arch_vcpu_save(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;

    ASSERT(v == current_vcpu());
    a->user_regs = *guest_cpu_user_regs();
    save_selectors(a);
    save_bases(a);
    save_fpu(a);
}

/* The hypervisor's own page tables: the idle loop runs on them, never on
 * a guest's, which its domain's teardown may free and reuse while this
 * CPU idles (a TLB miss would then walk whatever the frame holds). */
void arch_switch_to_idle(void)
{
    write_cr3(idle_pt_maddr());
}

void arch_vcpu_load(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;
    unsigned int cpu = get_cpu_info()->cpu_id;

    ASSERT(v->processor == cpu);
    set_current_vcpu(v);
    write_cr3(mfn_to_maddr(a->kernel_mode ? a->guest_table : a->guest_table_user));
    gdt_window_load_guest(cpu, a->gdt_frames, (a->gdt_ents + 511) / 512);
    ldt_load_guest(cpu, a->ldt_frames, a->ldt_ents);
    load_selectors(a);
    load_bases(a);
    pv_load_debugregs(v);
    load_fpu(a);
    *guest_cpu_user_regs() = a->user_regs;
    pv_vcpu_time_switch_in(v);     /* this CPU's TSC stamp, not the last one's */
}
