/* Fuzz the #GP(0) instruction decoder: any bytes a guest can put at its
 * RIP.  A decode that succeeds stays within the bytes given and the CPU's
 * length limit, names registers that exist, and depends only on the bytes
 * it consumed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/gp_decode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t bytes[GP_INSN_MAX + 1];
    unsigned int avail = size < sizeof(bytes) ? (unsigned int)size : sizeof(bytes);
    struct gp_insn in, again;

    memcpy(bytes, data, avail);
    if (!gp_decode(bytes, avail, &in))
        return 0;
    if (in.len == 0 || in.len > avail || in.len > GP_INSN_MAX)
        abort();
    if (in.op > GP_OUT || in.ctl > 15 || in.gpr > 15)
        abort();
    if ((in.op == GP_IN || in.op == GP_OUT) &&
        ((in.size != 1 && in.size != 2 && in.size != 4) || in.port > 0xff))
        abort();
    if (!gp_decode(bytes, in.len, &again) || again.len != in.len || again.op != in.op ||
        again.kernel_only != in.kernel_only || again.ctl != in.ctl || again.gpr != in.gpr ||
        again.size != in.size || again.port_in_dx != in.port_in_dx || again.port != in.port)
        abort();
    return 0;
}
