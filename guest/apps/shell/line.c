/* Reading a command line.
 *
 * On a terminal (QEMU's -nographic puts it in raw mode: no echo, Enter
 * sends CR) the shell echoes and edits: Backspace, Ctrl-U (the line),
 * Ctrl-W (a word), Ctrl-C (abandon the line), Up and Down (history, the
 * last HISTORY lines).  Erasing is "\b \b", which the hypervisor lets
 * the privileged domain write.
 *
 * In a script nothing is echoed while reading (the shell prints each
 * whole line before running it) and EOT (Ctrl-D) ends the input. */
#include <console.h>
#include <console_input.h>
#include "shell.h"

#define HISTORY 16

#define CTRL(c) ((c) & 0x1f)
#define EOT CTRL('D')
#define ESC 0x1b
#define DEL 0x7f

static char history[HISTORY][SHELL_LINE_MAX];
static unsigned int history_len;         /* lines ever added */

static void echo(const char *s, size_t n)
{
    if (n)
        console_write(s, n);
}

static void erase(size_t n)
{
    for (size_t i = 0; i < n; i++)
        echo("\b \b", 3);
}

static void history_add(const char *line)
{
    if (!*line || (history_len && !strcmp(history[(history_len - 1) % HISTORY], line)))
        return;
    strlcpy(history[history_len % HISTORY], line, SHELL_LINE_MAX);
    history_len++;
}

struct edit {
    char *buf;
    size_t size, len;
    unsigned int back;                   /* 0: the new line; n: n lines back */
};

/* Replace what is shown with a history line (or clear it for back 0). */
static void recall(struct edit *e, unsigned int back)
{
    if (back > history_len || back > HISTORY)
        return;
    erase(e->len);
    e->back = back;
    e->len = 0;
    if (back)
        e->len = strlcpy(e->buf, history[(history_len - back) % HISTORY], e->size);
    echo(e->buf, e->len);
}

/* After ESC: "[A" / "OA" up, "[B" / "OB" down; others are ignored. */
static void escape(struct edit *e)
{
    int c = console_getc();

    if (c != '[' && c != 'O')
        return;
    c = console_getc();
    if (c == 'A')
        recall(e, e->back + 1);
    else if (c == 'B' && e->back)
        recall(e, e->back - 1);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* One typed character; true once the line is complete. */
static bool edit_key(struct edit *e, int c)
{
    switch (c) {
    case '\r':
    case '\n':
        echo("\n", 1);
        return true;
    case '\b':
    case DEL:
        if (e->len) {
            e->len--;
            erase(1);
        }
        break;
    case CTRL('U'):
        erase(e->len);
        e->len = 0;
        break;
    case CTRL('W'): {
        size_t n = e->len;

        while (n && is_space(e->buf[n - 1]))
            n--;
        while (n && !is_space(e->buf[n - 1]))
            n--;
        erase(e->len - n);
        e->len = n;
        break;
    }
    case CTRL('C'):
        echo("^C\n", 3);
        e->len = 0;
        return true;
    case ESC:
        escape(e);
        break;
    default:
        if (c >= 0x20 && c < DEL && e->len < e->size - 1) {
            char ch = (char)c;

            e->buf[e->len++] = ch;
            echo(&ch, 1);
        }
    }
    return false;
}

static bool read_terminal(char *buf, size_t size)
{
    struct edit e = { buf, size, 0, 0 };

    echo(SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1);
    while (!edit_key(&e, console_getc()))
        ;
    buf[e.len] = '\0';
    history_add(buf);
    return true;
}

/* A line ends at LF or CR (a CR LF pair is one end: the LF after a CR
 * makes an empty line, which runs nothing).  Control characters other
 * than tab are dropped; an overlong line is cut. */
static bool read_script(char *buf, size_t size)
{
    static bool ended;
    size_t len = 0;

    if (ended)
        return false;
    for (;;) {
        int c = console_getc();

        if (c == EOT) {
            ended = true;
            if (!len)
                return false;
            break;                       /* the last line had no end */
        }
        if (c == '\n' || c == '\r')
            break;
        if ((c >= 0x20 && c != DEL) || c == '\t')
            if (len < size - 1)
                buf[len++] = (char)c;
    }
    buf[len] = '\0';
    return true;
}

bool line_read(char *buf, size_t size, bool script)
{
    return script ? read_script(buf, size) : read_terminal(buf, size);
}
