/* Segment descriptors, the TSS and the IDT. */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <proxen/types.h>

struct seg_desc {
    uint64_t raw;
};

struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];        /* ist[0] is IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_entry) == 16, "IDT gate layout");

struct __attribute__((packed)) desc_ptr {
    uint16_t limit;
    uint64_t base;
};

/* IST slots used by the fatal exceptions that must work on a broken stack. */
#define IST_DF   1
#define IST_NMI  2
#define IST_MCE  3
#define IST_DB   4   /* a #DB can hit the first instruction of an entry path */

void desc_init_cpu(unsigned int cpu);     /* GDT, TSS, IDT for this CPU */
void idt_init(uint16_t cs, bool use_ist);  /* on the BSP; loads the IDT */
void gdt_window_load_guest(unsigned int cpu, const mfn_t *frames, unsigned int nr);
void ldt_load_guest(unsigned int cpu, const mfn_t *frames, unsigned int ents);

#endif
