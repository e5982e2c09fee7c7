/* Secondary consoles of a domU (console_front.c): the devices
 * device/console/<n> (n >= 1) the toolstack described in xenstore, each
 * a ring page granted to the back end's domain and an event channel,
 * brought up through the xenbus states (xenbus_device.h).  The primary
 * console is start_info's (console.c). */
#ifndef GUEST_CONSOLE_FRONT_H
#define GUEST_CONSOLE_FRONT_H

#include <stdbool.h>
#include <stddef.h>

/* Set up every device/console/<n>: how many were found (each then goes
 * on by itself, through xenbus_run), or a negative errno. */
long console_front_init(void);
/* Whether console n was found (and set up), and whether its back end
 * has connected. */
bool console_front_exists(unsigned int n);
bool console_front_connected(unsigned int n);
/* Write to console n: how many bytes went (0 while not connected). */
size_t console_front_write(unsigned int n, const char *s, size_t len);

#endif
