/* Decoding the privileged instructions a ring-3 guest kernel raises #GP(0)
 * with (emulate.c executes them).  Pure byte parsing, host-tested and
 * fuzzed. */
#ifndef ASM_GP_DECODE_H
#define ASM_GP_DECODE_H

#include <proxen/types.h>

/* The longest instruction the CPU executes; a longer one is a #GP of its
 * own and never emulated. */
#define GP_INSN_MAX 15

enum gp_op {
    GP_CLTS, GP_WBINVD,                 /* wbinvd and invd: nothing to do */
    GP_MOV_FROM_CR, GP_MOV_TO_CR, GP_MOV_FROM_DR, GP_MOV_TO_DR,
    GP_RDMSR, GP_WRMSR, GP_HLT, GP_CLI_STI, GP_IN, GP_OUT,
};

struct gp_insn {
    unsigned int len;          /* bytes, to advance RIP */
    enum gp_op op;
    bool kernel_only;          /* guest user mode keeps its #GP */
    unsigned int ctl;          /* CR/DR number: ModRM.reg with REX.R */
    unsigned int gpr;          /* ModRM.rm with REX.B */
    unsigned int size;         /* I/O: 1, 2 or 4 bytes */
    bool port_in_dx;           /* I/O: the port is DX, else `port` */
    unsigned int port;         /* I/O: the immediate port, 0-255 */
};

/* Decode the instruction in b[0..avail): true if it is one the emulator
 * knows, with in filled and in->len <= avail, in->len <= GP_INSN_MAX. */
bool gp_decode(const uint8_t *b, unsigned int avail, struct gp_insn *in);

#endif
