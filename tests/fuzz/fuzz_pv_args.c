/* Fuzz the PV hypercall argument decoders (pv/arg_decode.c) with any
 * bytes a guest can put in an mmu_update request, an mmuext_op command,
 * a trap table or an iret frame.  Whatever they accept comes out within
 * its bounds: an entry index inside its table, guest addresses only, an
 * LDT of at most 16 pages, RFLAGS without VM or the real IOPL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/guest_access.h>
#include <asm/pv_args.h>
#include <proxen/errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GUEST_VA 0x10000ULL
static uint8_t guest_mem[4096];
static size_t guest_len;

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (!guest_range_ok(gva, len) || gva < GUEST_VA || gva - GUEST_VA > guest_len ||
        len > guest_len - (gva - GUEST_VA))
        return -EFAULT;
    memcpy(dst, guest_mem + (gva - GUEST_VA), len);
    return 0;
}

static void mmu(const uint8_t *data)
{
    struct mmu_update u;
    struct pv_mmu_req r;
    int rc;

    memcpy(&u, data, sizeof(u));
    rc = pv_mmu_req_decode(&u, &r);
    if (mfn_x(r.frame) != u.ptr >> 12)
        abort();
    if (rc == 0 && r.kind == PV_MMU_PT && (r.idx >= 512 || r.idx * 8 != (u.ptr & 0xff8)))
        abort();
    if (rc == 0 && r.kind == PV_MMU_UNKNOWN)
        abort();
    if (rc != 0 && rc != -EINVAL && rc != -ENOSYS)
        abort();
}

static void mmuext(const uint8_t *data)
{
    struct mmuext_op op;
    struct pv_mmuext x;
    int rc;

    memcpy(&op, data, sizeof(op));
    rc = pv_mmuext_decode(&op, &x);
    if (rc != 0 && rc != -EINVAL && rc != -ENOSYS)
        abort();
    if (rc)
        return;
    if (x.cmd > MMUEXT_FLUSH_CACHE_GLOBAL)
        abort();
    if (x.cmd == MMUEXT_SET_LDT &&
        (x.nr_ents > 8192 || (gva_x(x.va) & 0xfff) ||
         (x.nr_ents && !guest_range_ok(gva_x(x.va), x.nr_ents * 8ULL)) ||
         (!x.nr_ents && gva_x(x.va))))
        abort();
    if ((x.cmd == MMUEXT_INVLPG_LOCAL || x.cmd == MMUEXT_INVLPG_MULTI ||
         x.cmd == MMUEXT_INVLPG_ALL) && !guest_range_ok(gva_x(x.va), 1))
        abort();
}

static void iret(const uint8_t *data)
{
    struct iret_context c;
    struct pv_iret r;

    memcpy(&c, data, sizeof(c));
    if (pv_iret_decode(&c, &r)) {
        if (is_canonical(c.rip))
            abort();
        return;
    }
    if ((r.rflags & (X86_EFLAGS_VM | X86_EFLAGS_IOPL)) || !(r.rflags & X86_EFLAGS_IF))
        abort();
    if (!is_canonical(gva_x(r.rip)) || r.to_user != ((c.cs & 3) == 3) || r.iopl > 3)
        abort();
}

static void trap_table(const uint8_t *data, size_t size)
{
    static struct pv_trap_entry out[PV_MAX_TRAP_ENTRIES];
    unsigned int n = ~0u;
    int rc;

    guest_len = size < sizeof(guest_mem) ? size : sizeof(guest_mem);
    memcpy(guest_mem, data, guest_len);
    rc = pv_read_trap_table(_gva(GUEST_VA), out, &n);
    if (rc != 0 && rc != -EFAULT && rc != -EINVAL && rc != -E2BIG)
        abort();
    if (rc)
        return;
    if (n >= PV_MAX_TRAP_ENTRIES || (n + 1) * sizeof(struct trap_info) > guest_len)
        abort();
    for (unsigned int i = 0; i < n; i++)
        if (!gva_x(out[i].address) || !is_canonical(gva_x(out[i].address)) || out[i].dpl > 3)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t buf[sizeof(struct iret_context)] = { 0 };

    if (size < 1)
        return 0;
    memcpy(buf, data + 1, size - 1 < sizeof(buf) ? size - 1 : sizeof(buf));
    switch (data[0] & 3) {
    case 0:
        mmu(buf);
        break;
    case 1:
        mmuext(buf);
        break;
    case 2:
        iret(buf);
        break;
    default:
        trap_table(data + 1, size - 1);
    }
    return 0;
}
