/* Serial input: to the initial domain (CONSOLEIO_read, VIRQ_CONSOLE) or to
 * the hypervisor's debug keys, switched by typing Ctrl-A three times, as
 * on Xen.
 *
 * Until the boot has decided where input goes (console_input_endboot),
 * nothing is read from the line: characters typed or piped in early wait
 * in the UART (and in the emulator behind it) instead of being taken for
 * debug keys.
 *
 * Locking: input_lock (console_input.c, unranked, taken with interrupts
 * off, nothing taken under it) guards the ring's indices and contents.
 * The producer is the console poller on CPU0; readers are the initial
 * domain's vCPUs, which copy out without the lock and then consume only
 * if no other reader consumed meanwhile. */
#ifndef PROXEN_CONSOLE_INPUT_H
#define PROXEN_CONSOLE_INPUT_H

#include <proxen/lib.h>

/* Characters buffered for the initial domain; more are dropped (and the
 * domain still told), as Xen does with its ring. */
#define CONSOLE_INPUT_RING_SIZE 1024

/* The switch: Ctrl-A by default, as Xen's conswitch=a. */
#define CONSOLE_INPUT_SWITCH_CODE 0x01

/* The boot option conswitch=<letter>[x], as Xen's: Ctrl-<letter> three
 * times switches; "x" keeps input with the debug keys when dom0 starts.
 * Returns 0, or -EINVAL (nothing changed) for anything else. */
int console_input_parse_conswitch(const char *value);

/* The boot is over: input goes to the initial domain when it was started
 * (to_dom0) unless conswitch= said otherwise, else to the debug keys;
 * from now on it is read. */
void console_input_endboot(bool to_dom0);
bool console_input_reading(void);

/* One character from the serial line (the poller, in timer-interrupt
 * context). */
void console_input_receive(unsigned char c);

/* The letter of the switch (Ctrl-A: 'A'), for the help. */
char console_input_switch_letter(void);

/* Whether input now goes to the initial domain. */
bool console_input_to_dom0(void);

/* Copy up to max buffered characters (without consuming them); *token
 * identifies this view for console_input_consume. */
size_t console_input_peek(char *buf, size_t max, uint64_t *token);
/* Consume n characters seen through the view token.  False (nothing
 * consumed) if another reader consumed since: peek again. */
bool console_input_consume(uint64_t token, size_t n);

/* Tell the initial domain that input arrived (VIRQ_CONSOLE); provided by
 * console_io.c (the unit tests provide their own). */
void console_input_notify_dom0(void);

#endif
