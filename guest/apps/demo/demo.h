/* The demo domain's modes (guest/apps/demo). */
#ifndef GUEST_DEMO_H
#define GUEST_DEMO_H

#include <kernel.h>

__noreturn void demo_idle(void);        /* block for ever */
__noreturn void demo_ping(void);        /* pingpong.c */
__noreturn void demo_pong(void);
__noreturn void demo_xs(const char *mode);   /* xs.c */

#endif
