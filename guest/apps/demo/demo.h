/* The demo domain's modes (guest/apps/demo). */
#ifndef GUEST_DEMO_H
#define GUEST_DEMO_H

#include <kernel.h>

__noreturn void demo_idle(void);        /* block for ever */
__noreturn void demo_ping(void);        /* pingpong.c */
__noreturn void demo_pong(void);
__noreturn void demo_xs(const char *mode);   /* xs.c */
__noreturn void demo_grant(void);       /* grant.c */
__noreturn void demo_map(void);
/* One line of the console's input, without its end (pingpong.c). */
void demo_read_line(char *buf, size_t size);

#endif
