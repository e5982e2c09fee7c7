/* The dom0 management shell (proxen-dom0): commands with xl's names,
 * read from the serial line through the hypervisor (console_input.h).
 * On a terminal a line editor with history reads them; with the
 * command-line word "script" (input piped in, docs/shell.md) they are run
 * in order, each echoed, until end of input (EOT, Ctrl-D). */
#ifndef SHELL_H
#define SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lib.h>
#include <public/control.h>

#define SHELL_PROMPT "proxen> "
#define SHELL_LINE_MAX 256
#define SHELL_MAX_ARGS 16

/* Read one line into buf (NUL-terminated, without its end).  Returns
 * false at end of input: EOT in a script, never on a terminal. */
bool line_read(char *buf, size_t size, bool script);

/* The terminal's line editor: always a line. */
bool line_edit(char *buf, size_t size);

/* Run one command line; false if it failed (its error already printed). */
bool command_run(char *line);
/* The list `help` prints. */
void commands_help(void);

/* The control hypercall, with the interface version filled in. */
long pxctl(struct proxen_control *op);
/* A domain named by id or by name: 0 and its info, or -ESRCH. */
long domain_find(const char *what, struct pxctl_domaininfo *info);
/* Iterate over the domains: start with id 0; false when there are no more. */
bool domain_next(domid_t *id, struct pxctl_domaininfo *info);

/* Named images, from the cpio archive dom0 was given as its module. */
struct image {
    const char *name;            /* NUL-terminated, inside the archive */
    const void *data;
    size_t size;
};
unsigned int images_count(void);
const struct image *image_at(unsigned int i);
const struct image *image_find(const char *name);
/* Any file of the archive, images and the shell's own (.autostart). */
const struct image *archive_file(const char *name);
/* Why there are no images (no module, not an archive), or NULL. */
const char *images_problem(void);

/* "64M", "1G", "512K", "4096" (bytes without a suffix: MiB, as xl's
 * memory=): the size in bytes, or false if it is not one. */
bool parse_size(const char *s, uint64_t *bytes);
bool parse_uint(const char *s, uint64_t *v);
/* A name the shell can find a domain by: 1 to 31 characters, not a
 * number (numbers are ids).  If not, prints why, as cmd's error. */
bool name_ok(const char *cmd, const char *name);
/* A started domain's create line, for reboot (lifecycle.c). */
void lifecycle_created(domid_t id, int argc, char **argv);
/* Hear of domains that shut themselves down (VIRQ_DOM_EXC) and deal
 * with them from the wait for input, as xl's defaults do. */
void lifecycle_init(void);

/* The name of a negative errno ("ESRCH"), or its number. */
const char *errno_text(long rc);

/* The commands (commands.c lists them). */
bool cmd_list(int argc, char **argv);
bool cmd_info(int argc, char **argv);
bool cmd_dmesg(int argc, char **argv);
bool cmd_images(int argc, char **argv);
bool cmd_create(int argc, char **argv);
bool cmd_destroy(int argc, char **argv);
bool cmd_vcpu_list(int argc, char **argv);
bool cmd_vcpu_pin(int argc, char **argv);
bool cmd_shutdown(int argc, char **argv);
bool cmd_reboot(int argc, char **argv);
bool cmd_sched_rr(int argc, char **argv);
bool cmd_rename(int argc, char **argv);
bool cmd_mem_max(int argc, char **argv);
bool cmd_mem_set(int argc, char **argv);
bool cmd_pause(int argc, char **argv);
bool cmd_console(int argc, char **argv);
bool cmd_xenstore_ls(int argc, char **argv);
bool cmd_xenstore_read(int argc, char **argv);
bool cmd_xenstore_write(int argc, char **argv);
bool cmd_xenstore_rm(int argc, char **argv);
bool cmd_xenstore_watch(int argc, char **argv);

/* Whether the shell runs a script (no terminal to attach to). */
bool shell_script_mode(void);
bool cmd_unpause(int argc, char **argv);

/* Start a paused domain (undo one pause): 0 or a negative errno. */
long domain_unpause(domid_t id);

/* The CPU time of all the domain's vCPUs, in ns (0 for those it cannot
 * read). */
uint64_t domain_cpu_time(const struct pxctl_domaininfo *d);
/* ns as seconds with one decimal, as xl prints them. */
void print_seconds(char *buf, size_t size, uint64_t ns);

#endif
