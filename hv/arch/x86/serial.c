/* 16550 UART on COM1 (or COM2 with console=com2): polled output, and
 * input polled from a timer (interrupt-driven input needs the IOAPIC,
 * which a later layer brings up). */
#include <asm/serial.h>
#include <asm/x86.h>
#include <proxen/lib.h>

#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define  LSR_DR   0x01
#define  LSR_THRE 0x20
#define UART_DLL 0
#define UART_DLM 1

static uint16_t uart_port;

/* A character that arrived before the FIFOs were enabled (which empties
 * them): the first of input piped in at power-on. */
static int early_char = -1;

void serial_init(uint16_t port)
{
    uint8_t lsr;

    uart_port = port;
    lsr = inb(port + UART_LSR);
    if (lsr != 0xff && (lsr & LSR_DR))      /* 0xff: no UART there */
        early_char = inb(port + UART_RBR);
    outb(port + UART_IER, 0);
    outb(port + UART_LCR, 0x80);        /* DLAB: divisor 1 = 115200 baud */
    outb(port + UART_DLL, 1);
    outb(port + UART_DLM, 0);
    outb(port + UART_LCR, 0x03);        /* 8N1 */
    outb(port + UART_FCR, 0x07);        /* enable and clear FIFOs */
    outb(port + UART_MCR, 0x03);        /* DTR, RTS */
}

void serial_disable(void) { uart_port = 0; }

static void putc_raw(char c)
{
    for (unsigned int spins = 0; spins < 100000; spins++) {
        if (inb(uart_port + UART_LSR) & LSR_THRE)
            break;
        cpu_pause();
    }
    outb(uart_port + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t len)
{
    if (!uart_port)
        return;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            putc_raw('\r');
        putc_raw(s[i]);
    }
}

int serial_getc(void)
{
    int c = early_char;

    if (c >= 0) {
        early_char = -1;
        return c;
    }
    if (!uart_port || !(inb(uart_port + UART_LSR) & LSR_DR))
        return -1;
    return inb(uart_port + UART_RBR);
}
