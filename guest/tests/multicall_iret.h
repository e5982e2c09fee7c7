/* The multicall with an iret entry (multicall_iret.S), shared with C.
 * The iret frame gives RCX, R11 and RAX these values and resumes at a
 * label just after the `syscall`; out[] records what the registers held
 * there, or, if the multicall returned like any other hypercall, RAX and
 * MI_RESUMED = 0. */
#ifndef GUEST_TESTS_MULTICALL_IRET_H
#define GUEST_TESTS_MULTICALL_IRET_H

#define MI_RAX_VALUE 0x1213
#define MI_RCX_VALUE 0x5eed00000000c0c0
#define MI_R11_VALUE 0x5eed000000001111

#define MI_RESUMED   0      /* 1: resumed at the label, 0: fell through */
#define MI_RAX       1
#define MI_RCX       2
#define MI_R11       3
#define MI_RSP       4      /* RSP at the label */
#define MI_RSP_WANT  5      /* the RSP the frame asked for */
#define MI_COUNT     6

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <public/xen.h>

/* multicall(calls, count) made by `syscall` with an iret_context at RSP:
 * rip = the label after the syscall, cs = FLAT_KERNEL_CS with RPL 0
 * (guest kernel mode), rflags = IF, rsp = RSP before the frame, ss =
 * FLAT_KERNEL_SS, flags 0. */
void multicall_iret(struct multicall_entry *calls, unsigned int count,
                    uint64_t out[MI_COUNT]);
#endif

#endif
