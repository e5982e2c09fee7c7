/* The #GP(0) instruction decoder: operand-size and REX prefixes, then the
 * port I/O, cli/sti, hlt and 0f-page system instructions.  Register
 * operands only: the 0f forms with a memory operand are not emulated. */
#include <asm/gp_decode.h>

struct cursor {
    const uint8_t *b;
    unsigned int len, avail;
};

static int next_byte(struct cursor *c)
{
    return c->len < c->avail ? c->b[c->len++] : -1;
}

/* MOV to/from CRn/DRn: ModRM with mod = 3 (register operand). */
static bool decode_mov_ctl(struct cursor *c, bool rex_r, bool rex_b, struct gp_insn *in)
{
    int modrm = next_byte(c);

    if (modrm < 0 || (modrm >> 6) != 3)
        return false;
    in->ctl = (((unsigned int)modrm >> 3) & 7) | (rex_r ? 8 : 0);
    in->gpr = ((unsigned int)modrm & 7) | (rex_b ? 8 : 0);
    return true;
}

static bool decode_0f(struct cursor *c, bool rex_r, bool rex_b, struct gp_insn *in)
{
    in->kernel_only = true;
    switch (next_byte(c)) {
    case 0x06: in->op = GP_CLTS; return true;
    case 0x08: case 0x09: in->op = GP_WBINVD; return true;
    case 0x20: in->op = GP_MOV_FROM_CR; return decode_mov_ctl(c, rex_r, rex_b, in);
    case 0x22: in->op = GP_MOV_TO_CR; return decode_mov_ctl(c, rex_r, rex_b, in);
    case 0x21: in->op = GP_MOV_FROM_DR; return decode_mov_ctl(c, rex_r, rex_b, in);
    case 0x23: in->op = GP_MOV_TO_DR; return decode_mov_ctl(c, rex_r, rex_b, in);
    case 0x30: in->op = GP_WRMSR; return true;
    case 0x32: in->op = GP_RDMSR; return true;
    }
    return false;
}

static bool decode_op(struct cursor *c, int op, bool opsize, bool rex_r, bool rex_b,
                      struct gp_insn *in)
{
    int port;

    in->size = (op & 1) ? (opsize ? 2 : 4) : 1;
    switch (op) {
    case 0x0f:
        return decode_0f(c, rex_r, rex_b, in);
    case 0xf4:
        in->op = GP_HLT;
        in->kernel_only = true;
        return true;
    case 0xfa: case 0xfb:
        in->op = GP_CLI_STI;
        return true;
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        port = next_byte(c);
        in->op = op < 0xe6 ? GP_IN : GP_OUT;
        in->port = (unsigned int)port;
        return port >= 0;
    case 0xec: case 0xed: case 0xee: case 0xef:
        in->op = op < 0xee ? GP_IN : GP_OUT;
        in->port_in_dx = true;
        return true;
    }
    return false;
}

bool gp_decode(const uint8_t *b, unsigned int avail, struct gp_insn *in)
{
    struct cursor c = { .b = b, .len = 0, .avail = avail };
    bool opsize = false, rex_r = false, rex_b = false;
    int op;

    *in = (struct gp_insn){ .len = 0 };
    while ((op = next_byte(&c)) == 0x66 || (op >= 0x40 && op <= 0x4f)) {
        if (op == 0x66) {
            /* A REX counts only right before the opcode, as on the CPU. */
            opsize = true;
            rex_r = rex_b = false;
        } else {
            rex_r = op & 4;
            rex_b = op & 1;
        }
    }
    if (op < 0 || !decode_op(&c, op, opsize, rex_r, rex_b, in))
        return false;
    in->len = c.len;
    return in->len <= GP_INSN_MAX;
}
