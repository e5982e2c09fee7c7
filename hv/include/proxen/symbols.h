#ifndef PROXEN_SYMBOLS_H
#define PROXEN_SYMBOLS_H

#include <proxen/types.h>

/* Name of the function containing addr (NULL if unknown), and the offset
 * into it.  The caller checks that addr lies in hypervisor text. */
const char *symbols_lookup(uint64_t addr, uint64_t *offset);

#endif
