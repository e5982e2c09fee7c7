#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H

#include <proxen/guest_access.h>

/* Guest-usable addresses: the lower canonical half, and the upper half
 * above the hypervisor's reserved slots. */
#define GUEST_LOW_END    0x0000800000000000ULL
#define GUEST_HIGH_START 0xffff880000000000ULL

#endif
