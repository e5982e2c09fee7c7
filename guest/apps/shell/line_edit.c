/* The line editor for a terminal (QEMU's -nographic puts it in raw mode:
 * no echo, Enter sends CR).  The shell echoes and edits: printable
 * characters insert at the cursor; Backspace, Ctrl-U (the whole line),
 * Ctrl-K (from the cursor on), Ctrl-W (the word before the cursor), Left
 * and Right, Home and End
 * (also Ctrl-E), Up and Down (history, the last HISTORY lines), Ctrl-C
 * (abandon the line).
 *
 * The cursor moves back with backspaces only (no carriage returns, no
 * escape sequences), which is all the hypervisor lets the privileged
 * domain write beyond text; after a change the tail of the line is
 * written again, blanks cover what got shorter, and backspaces bring
 * the cursor back. */
#include <console.h>
#include <console_input.h>
#include "shell.h"

#define HISTORY 16

#define CTRL(c) ((c) & 0x1f)
#define ESC 0x1b
#define DEL 0x7f

static char history[HISTORY][SHELL_LINE_MAX];
static unsigned int history_len;         /* lines ever added */

struct edit {
    char *buf;
    size_t size, len, pos;               /* pos: the cursor, 0..len */
    unsigned int back;                   /* 0: the new line; n: n lines back */
};

static void echo(const char *s, size_t n)
{
    if (n)
        console_write(s, n);
}

static void repeat(char c, size_t n)
{
    char run[32];

    memset(run, c, sizeof(run));
    for (; n > sizeof(run); n -= sizeof(run))
        echo(run, sizeof(run));
    echo(run, n);
}

/* The screen's cursor is at `from`: write the line from there, blank
 * `extra` characters after its end, and put the cursor at e->pos. */
static void redraw_from(const struct edit *e, size_t from, size_t extra)
{
    echo(e->buf + from, e->len - from);
    repeat(' ', extra);
    repeat('\b', e->len + extra - e->pos);
}

/* Remove buf[from..to) and put the cursor at from. */
static void cut(struct edit *e, size_t from, size_t to)
{
    repeat('\b', e->pos - from);
    memmove(e->buf + from, e->buf + to, e->len - to);
    e->len -= to - from;
    e->pos = from;
    redraw_from(e, from, to - from);
}

static void insert(struct edit *e, char c)
{
    if (e->len == e->size - 1)
        return;                          /* full: the character is dropped */
    memmove(e->buf + e->pos + 1, e->buf + e->pos, e->len - e->pos);
    e->buf[e->pos] = c;
    e->len++;
    e->pos++;
    redraw_from(e, e->pos - 1, 0);
}

static void history_add(const char *line)
{
    if (!*line || (history_len && !strcmp(history[(history_len - 1) % HISTORY], line)))
        return;
    strlcpy(history[history_len % HISTORY], line, SHELL_LINE_MAX);
    history_len++;
}

/* Show a history line instead (back 0: an empty line). */
static void recall(struct edit *e, unsigned int back)
{
    size_t old = e->len;

    if (back > history_len || back > HISTORY)
        return;
    repeat('\b', e->pos);
    e->back = back;
    e->len = back ? strlcpy(e->buf, history[(history_len - back) % HISTORY], e->size) : 0;
    e->pos = e->len;
    redraw_from(e, 0, old > e->len ? old - e->len : 0);
}

static void move_to(struct edit *e, size_t pos)
{
    if (pos < e->pos)
        repeat('\b', e->pos - pos);
    else
        echo(e->buf + e->pos, pos - e->pos);
    e->pos = pos;
}

/* After ESC: "[A"/"OA" up, "[B"/"OB" down, "[C" right, "[D" left,
 * "[H"/"OH" home, "[F"/"OF" end; anything else is ignored. */
static void escape(struct edit *e)
{
    int c = console_getc();

    if (c != '[' && c != 'O')
        return;
    switch (console_getc()) {
    case 'A': recall(e, e->back + 1); break;
    case 'B': if (e->back) recall(e, e->back - 1); break;
    case 'C': if (e->pos < e->len) move_to(e, e->pos + 1); break;
    case 'D': if (e->pos) move_to(e, e->pos - 1); break;
    case 'H': move_to(e, 0); break;
    case 'F': move_to(e, e->len); break;
    }
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static size_t word_start(const struct edit *e)
{
    size_t n = e->pos;

    while (n && is_space(e->buf[n - 1]))
        n--;
    while (n && !is_space(e->buf[n - 1]))
        n--;
    return n;
}

/* One typed character; true once the line is complete. */
static bool edit_key(struct edit *e, int c)
{
    switch (c) {
    case '\r':
    case '\n':
        move_to(e, e->len);
        echo("\n", 1);
        return true;
    case '\b':
    case DEL:
        if (e->pos)
            cut(e, e->pos - 1, e->pos);
        break;
    case CTRL('U'):
        move_to(e, e->len);
        cut(e, 0, e->len);
        break;
    case CTRL('K'):
        cut(e, e->pos, e->len);
        break;
    case CTRL('W'):
        cut(e, word_start(e), e->pos);
        break;
    case CTRL('E'):
        move_to(e, e->len);
        break;
    case CTRL('C'):
        move_to(e, e->len);
        echo("^C\n", 3);
        e->len = 0;
        return true;
    case ESC:
        escape(e);
        break;
    default:
        if (c >= 0x20 && c < DEL)
            insert(e, (char)c);
    }
    return false;
}

bool line_edit(char *buf, size_t size)
{
    struct edit e = { buf, size, 0, 0, 0 };

    echo(SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1);
    while (!edit_key(&e, console_getc()))
        ;
    buf[e.len] = '\0';
    history_add(buf);
    return true;
}
