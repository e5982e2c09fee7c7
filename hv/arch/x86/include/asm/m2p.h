/* The machine-to-phys table: one 64-bit entry per machine frame, holding
 * the owning guest's pseudo-physical frame number (or M2P_INVALID).
 * Guests read it at RO_MPT_VIRT_START; the hypervisor writes it. */
#ifndef ASM_M2P_H
#define ASM_M2P_H

#include <proxen/types.h>

#define M2P_INVALID INVALID_GFN

void m2p_init(void);
void m2p_set(mfn_t mfn, gfn_t gfn);
gfn_t m2p_get(mfn_t mfn);

#endif
