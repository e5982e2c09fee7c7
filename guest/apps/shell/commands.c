/* The command table, splitting a line into words, and `help`. */
#include <console.h>
#include <kernel.h>
#include <public/sched.h>
#include "shell.h"

struct command {
    const char *name;
    const char *args;
    const char *what;
    bool (*fn)(int argc, char **argv);
};

static bool cmd_help(int argc, char **argv);
static bool cmd_poweroff(int argc, char **argv);

static const struct command commands[] = {
    { "list", "", "the domains: id, name, memory, vCPUs, state, CPU time", cmd_list },
    { "info", "", "the machine: CPUs, memory, hypervisor version", cmd_info },
    { "dmesg", "", "the hypervisor's log", cmd_dmesg },
    { "images", "", "the images a domain can be created from", cmd_images },
    { "create", "[-p] [-c] IMAGE [name=NAME] [memory=SIZE] [vcpus=N] [ramdisk=IMAGE] [--] [ARGS...]",
      "build a domain from an image and start it (-p: leave it paused; -c: its console)",
      cmd_create },
    { "destroy", "DOMAIN", "destroy a domain (by name or id)", cmd_destroy },
    { "console", "DOMAIN", "a domain's console (Ctrl-] detaches)", cmd_console },
    { "pause", "DOMAIN", "stop a domain's vCPUs", cmd_pause },
    { "unpause", "DOMAIN", "let a paused domain run again", cmd_unpause },
    { "rename", "DOMAIN NAME", "give a domain another name", cmd_rename },
    { "mem-max", "DOMAIN SIZE", "set the most memory a domain may have", cmd_mem_max },
    { "mem-set", "DOMAIN SIZE", "a domain's memory target: its balloon follows it", cmd_mem_set },
    { "vcpu-list", "[DOMAIN]", "the vCPUs: CPU, state, CPU time", cmd_vcpu_list },
    { "vcpu-pin", "DOMAIN VCPU CPUS", "the CPUs a vCPU may run on (all, 1, 0-2, 0,3)",
      cmd_vcpu_pin },
    { "shutdown", "DOMAIN", "power a domain off and destroy it", cmd_shutdown },
    { "reboot", "DOMAIN", "reboot a domain: shut down, then built again as created",
      cmd_reboot },
    { "sched-rr", "[-s SLICE_MS]", "the round-robin scheduler's slice, read or set",
      cmd_sched_rr },
    { "xenstore-ls", "[PATH]", "the store's nodes below PATH (/), with their values",
      cmd_xenstore_ls },
    { "xenstore-read", "PATH...", "the values of nodes", cmd_xenstore_read },
    { "xenstore-write", "PATH VALUE...", "write nodes (made if absent)", cmd_xenstore_write },
    { "xenstore-rm", "PATH...", "remove nodes and all below them", cmd_xenstore_rm },
    { "xenstore-watch", "[-n EVENTS] PATH", "print the paths a watch fires for (a key stops)",
      cmd_xenstore_watch },
    { "help", "", "this list", cmd_help },
    { "poweroff", "", "power the machine off", cmd_poweroff },
};

static bool cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    commands_help();
    return true;
}

void commands_help(void)
{
    printk("Commands:\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(commands); i++) {
        char usage[80];

        snprintf(usage, sizeof(usage), "%s %s", commands[i].name, commands[i].args);
        printk("  %-60s %s\n", usage, commands[i].what);
    }
    printk("Ctrl-A three times switches the serial line to the hypervisor's debug keys and back.\n");
}

static bool cmd_poweroff(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        printk("poweroff: takes no arguments\n");
        return false;
    }
    printk("Powering off\n");
    shutdown(SHUTDOWN_poweroff);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Words separated by blanks, in place; -1 if there are too many. */
static int split(char *line, char **argv)
{
    int argc = 0;

    for (char *p = line; *p;) {
        while (is_space(*p))
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == SHELL_MAX_ARGS)
            return -1;
        argv[argc++] = p;
        while (*p && !is_space(*p))
            p++;
    }
    return argc;
}

bool command_run(char *line)
{
    char *argv[SHELL_MAX_ARGS];
    int argc = split(line, argv);

    if (argc < 0) {
        printk("%s: too many words (at most %d)\n", argv[0], SHELL_MAX_ARGS);
        return false;
    }
    if (argc == 0 || argv[0][0] == '#')
        return true;                     /* blank line or comment */
    for (unsigned int i = 0; i < ARRAY_SIZE(commands); i++)
        if (!strcmp(argv[0], commands[i].name))
            return commands[i].fn(argc, argv);
    printk("%s: unknown command ('help' lists them)\n", argv[0]);
    return false;
}
