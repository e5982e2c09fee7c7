/* Console input: the serial line's characters, which the hypervisor
 * hands to the initial domain (CONSOLEIO_read) and announces with
 * VIRQ_CONSOLE.  vCPU 0 only. */
#ifndef GUEST_CONSOLE_INPUT_H
#define GUEST_CONSOLE_INPUT_H

#include <stdbool.h>

/* Bind VIRQ_CONSOLE: 0, or the negative errno of the binding. */
long console_input_init(void);

/* The next character typed, blocking until there is one. */
int console_getc(void);
/* Whether a character waits (console_getc would not block). */
bool console_input_ready(void);

/* Work for the wait for input, in thread context after each wake (the
 * shell reaps domains that shut themselves down): it returns whether
 * something happened that a caller of console_getc_or_wake should see. */
void console_set_idle(bool (*fn)(void));

/* As console_getc, but CONSOLE_WOKEN when the idle work says something
 * happened. */
#define CONSOLE_WOKEN (-1)
int console_getc_or_wake(void);

#endif
