#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <proxen/types.h>

#define COM1_PORT 0x3f8
#define COM2_PORT 0x2f8

void serial_init(uint16_t port);
void serial_disable(void);
void serial_write(const char *s, size_t len);
int serial_getc(void);        /* -1 if nothing waiting */

#endif
