/* Reading a command line: from a terminal through the line editor
 * (line_edit.c), from a script as it comes.  In a script nothing is
 * echoed while reading (the shell prints each whole line before running
 * it) and EOT (Ctrl-D) ends the input. */
#include <console_input.h>
#include "shell.h"

#define EOT 0x04
#define DEL 0x7f

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
    return script ? read_script(buf, size) : line_edit(buf, size);
}
