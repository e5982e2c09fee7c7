/* Console input (console_input.h): read what the hypervisor buffered for
 * us; with nothing there, block until VIRQ_CONSOLE says more came.  The
 * flag is cleared before each read, so an event that arrives between
 * the read and the block leaves its port pending and the block returns
 * at once. */
#include <console_input.h>
#include <events.h>
#include <hypercall.h>
#include <vcpu_info.h>

static char buf[256];
static unsigned int head, tail;
static volatile bool input_event;

static void on_input(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    input_event = true;
}

long console_input_init(void)
{
    long port = events_bind_virq(VIRQ_CONSOLE, 0, on_input, NULL);

    return port < 0 ? port : 0;
}

static bool (*idle_fn)(void);

void console_set_idle(bool (*fn)(void))
{
    idle_fn = fn;
}

static int getc_until(bool wake_on_idle)
{
    while (head == tail) {
        long n;

        input_event = false;
        n = hypercall_console_io(CONSOLEIO_read, sizeof(buf), buf);
        if (n > 0) {
            head = 0;
            tail = (unsigned int)n;
            break;
        }
        while (!input_event) {
            if (idle_fn && idle_fn() && wake_on_idle)
                return CONSOLE_WOKEN;
            hypercall_sched_op(SCHEDOP_block, NULL);
            vcpu_info_of(0)->evtchn_upcall_mask = 1;
        }
    }
    return (unsigned char)buf[head++];
}

int console_getc(void)
{
    return getc_until(false);
}

int console_getc_or_wake(void)
{
    return getc_until(true);
}

bool console_input_ready(void)
{
    if (head == tail) {
        long n = hypercall_console_io(CONSOLEIO_read, sizeof(buf), buf);

        if (n > 0) {
            head = 0;
            tail = (unsigned int)n;
        }
    }
    return head != tail;
}
