/* Debug keys: single characters typed on the hypervisor console. */
#ifndef PROXEN_KEYHANDLER_H
#define PROXEN_KEYHANDLER_H

/* Start polling the console for keys (on CPU0). */
void keyhandler_init(void);

/* Act on one key; unknown keys print a hint.  Returns 0 or -ENOENT. */
int handle_keypress(unsigned char key);

#endif
