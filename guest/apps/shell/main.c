/* The shell as the guest's program (proxen-dom0): read a line, run it,
 * again.  A script (command-line word "script") echoes each command
 * before its output and, at the end of its input, powers the machine off:
 * cleanly if every command succeeded, else with the shutdown reason
 * crash, which the hypervisor turns into a non-zero exit status. */
#include <console.h>
#include <console_input.h>
#include <kernel.h>
#include <public/sched.h>
#include "shell.h"

static __noreturn void script_end(unsigned int run, unsigned int failed,
                                  unsigned int auto_failed)
{
    if (!failed && !auto_failed) {
        printk("Script done: %u command%s, all succeeded; powering off\n", run,
               run == 1 ? "" : "s");
        shutdown(SHUTDOWN_poweroff);
    }
    printk("Script done: %u of %u command%s failed%s; powering off with an error\n", failed, run,
           run == 1 ? "" : "s", auto_failed ? " (and autostart's)" : "");
    shutdown(SHUTDOWN_crash);
}

static bool script;

bool shell_script_mode(void)
{
    return script;
}

static bool blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return !*s || *s == '#';
}

static size_t strcspn_newline(const char *s)
{
    size_t n = 0;

    while (s[n] && s[n] != '\n' && s[n] != '\r')
        n++;
    return n;
}

/* With the command-line word "autostart": the commands of the archive's
 * .autostart, each echoed, before any input is read (`make run` starts
 * its demo domains so).  Returns how many failed. */
static unsigned int autostart(void)
{
    static char text[1024];
    const struct image *f = archive_file(".autostart");
    unsigned int run = 0, failed = 0;
    size_t n;

    if (!cmdline_get("autostart", NULL, 0))
        return 0;
    if (!f) {
        printk("autostart: the images' archive has no .autostart\n");
        return 1;
    }
    n = MIN(f->size, sizeof(text) - 1);
    memcpy(text, f->data, n);
    text[n] = '\0';
    for (char *line = text, *end; *line; line = end) {
        end = line + strcspn_newline(line);
        if (*end)
            *end++ = '\0';
        if (blank(line))
            continue;
        printk(SHELL_PROMPT "%s\n", line);
        run++;
        failed += !command_run(line);
    }
    printk("autostart: %u command%s, %u failed\n", run, run == 1 ? "" : "s", failed);
    return failed;
}

void guest_main(void)
{
    static char line[SHELL_LINE_MAX];
    unsigned int run = 0, failed = 0, auto_failed;
    long rc = console_input_init();

    script = cmdline_get("script", NULL, 0);

    if (rc)
        panic("cannot bind VIRQ_CONSOLE (%ld): no way to read commands", rc);
    printk("Proxen dom0 shell%s: 'help' lists the commands\n",
           script ? ", running the commands piped in" : "");
    if (images_problem())
        printk("%s\n", images_problem());
    lifecycle_init();
    auto_failed = autostart();
    while (line_read(line, sizeof(line), script)) {
        if (script) {
            if (blank(line))
                continue;
            printk(SHELL_PROMPT "%s\n", line);
        }
        run++;
        if (!command_run(line))
            failed++;
    }
    script_end(run, failed, auto_failed);
}
