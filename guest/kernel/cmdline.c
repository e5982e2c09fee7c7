/* The guest command line (start_info.cmd_line): words separated by
 * spaces, each "name" or "name=value". */
#include <kernel.h>

bool cmdline_get(const char *name, char *val, size_t size)
{
    const char *p = start_info->cmd_line;
    const char *end = p + strnlen(p, sizeof(start_info->cmd_line));
    size_t nlen = strlen(name);

    while (p < end) {
        const char *word = p, *word_end;

        while (p < end && *p != ' ')
            p++;
        word_end = p;
        while (p < end && *p == ' ')
            p++;
        if ((size_t)(word_end - word) < nlen || strncmp(word, name, nlen))
            continue;
        if (word + nlen == word_end) {
            if (size)
                val[0] = '\0';
            return true;
        }
        if (word[nlen] == '=') {
            size_t vlen = (size_t)(word_end - word - (ptrdiff_t)nlen - 1);

            if (size) {
                vlen = MIN(vlen, size - 1);
                memcpy(val, word + nlen + 1, vlen);
                val[vlen] = '\0';
            }
            return true;
        }
    }
    return false;
}
