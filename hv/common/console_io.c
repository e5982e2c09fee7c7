/* console_io: a domain's direct line to the hypervisor console.  The
 * initial domain may write and read; other domains may write only (their
 * real console is the PV console ring).  Output goes through the
 * hypervisor log in bounded chunks, with control characters other than
 * newline and tab replaced, so a guest cannot forge or flood the log's
 * structure.  Reads take the serial input waiting for the initial domain
 * (console_input.c). */
#include <proxen/console.h>
#include <proxen/console_input.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/event.h>
#include <proxen/guest_access.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

/* Small: under emulation each character costs an I/O exit (~3 µs), and
 * a chunk is the unit of preemption. */
#define CHUNK 16

/* Carriage returns are dropped (the console adds its own before each
 * newline); other control characters become '?', except the backspace of
 * the privileged domain, whose shell erases what it echoed with it (the
 * serial input is its terminal).  Returns the new length. */
static size_t sanitise(char *s, size_t n, bool privileged)
{
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '\r')
            continue;
        if (c == '\b' && privileged) {
            s[out++] = c;
            continue;
        }
        s[out++] = ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) ? '?' : c;
    }
    return out;
}

/* An unprivileged domain's output reaches the log a whole line at a time
 * (as Xen's per-domain buffer does), so that lines of domains writing at
 * once never mix; a line longer than the buffer is cut into lines.  The
 * privileged domain's goes out at once: its shell's prompt and echo
 * cannot wait for a newline. */
static void line_write(struct vcpu *v, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        v->console_line[v->console_line_len++] = s[i];
        if (s[i] != '\n' && v->console_line_len < CONSOLE_LINE_MAX - 1)
            continue;
        if (s[i] != '\n')
            v->console_line[v->console_line_len++] = '\n';
        console_guest_write(v->domain->domain_id, v->console_line, v->console_line_len);
        v->console_line_len = 0;
    }
}

/* The privileged domain's output is gathered into runs of up to RUN
 * bytes, each emitted at once: a line it writes in one call then reaches
 * the console whole, even while another CPU logs a domain's line (a run
 * per 16-byte chunk let that line cut into it). */
#define RUN 128

static void emit_run(struct domain *d, const char *s, size_t n)
{
    if (d->is_privileged)
        console_guest_write(d->domain_id, s, n);
    else
        line_write(current_vcpu(), s, n);
}

/* Between chunks the write may be preempted; it then continues with the
 * rest of the buffer, as on Xen. */
static long console_write(struct domain *d, uint64_t count, uint64_t buf)
{
    char run[RUN + CHUNK];
    size_t have = 0;
    uint64_t done = 0;

    while (done < count) {
        size_t n = (size_t)MIN((uint64_t)CHUNK, count - done);

        if (done && hypercall_preempt_check()) {
            const uint64_t rest[6] = { CONSOLEIO_write, count - done, buf + done };

            emit_run(d, run, have);
            return hypercall_create_continuation(__HYPERVISOR_console_io, 3, rest);
        }
        if (copy_from_guest(run + have, buf + done, n)) {
            emit_run(d, run, have);
            return -EFAULT;
        }
        done += n;
        have += sanitise(run + have, n, d->is_privileged);
        if (have >= RUN) {
            emit_run(d, run, have);
            have = 0;
        }
    }
    emit_run(d, run, have);
    return 0;                    /* as Xen: 0 once everything is written */
}

/* As Xen: up to count characters, their number returned (0: none
 * waiting); a count that would not fit the positive range of the return
 * value -E2BIG.  A buffer that cannot take them gets -EFAULT and the
 * characters stay for the next read.  Concurrent readers (the domain's
 * own vCPUs) each get different characters: a reader that lost the race
 * copies again. */
#define READ_TRIES 8

static long console_read(uint64_t count, uint64_t buf)
{
    char chars[CONSOLE_INPUT_RING_SIZE];
    uint64_t token;
    size_t n;

    if ((int32_t)count < 0)
        return -E2BIG;
    for (unsigned int tries = 0; tries < READ_TRIES; tries++) {
        n = console_input_peek(chars, MIN(count, sizeof(chars)), &token);
        if (n && copy_to_guest(buf, chars, n))
            return -EFAULT;
        if (console_input_consume(token, n))
            return (long)n;
    }
    return 0;                    /* lost every race: nothing read this time */
}

void console_input_notify_dom0(void)
{
    struct domain *d = get_domain_by_id(0);

    if (d) {
        send_guest_global_virq(d, VIRQ_CONSOLE);
        put_domain(d);
    }
}

long do_console_io(const uint64_t a[6])
{
    struct domain *d = current_vcpu()->domain;
    uint64_t cmd = a[0], count = (uint32_t)a[1], buf = a[2];

    switch (cmd) {
    case CONSOLEIO_write:
        return console_write(d, count, buf);
    case CONSOLEIO_read:
        if (!d->is_privileged)
            return -EPERM;
        return console_read(count, buf);
    }
    return -ENOSYS;
}
