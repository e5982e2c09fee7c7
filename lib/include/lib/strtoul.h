/* Integer parsing for text of a known format: command lines, image notes
 * (lib/strtoul.c). */
#ifndef LIB_STRTOUL_H
#define LIB_STRTOUL_H

#include <stddef.h>

/* Parse an unsigned integer in base (2-36; 0 picks 16 for a "0x" prefix,
 * 8 for a leading "0", 10 otherwise; 16 also accepts "0x").  No sign, no
 * leading space.  *end (if end) is set past the last digit used; with no
 * digits the result is 0 and *end is s.  On overflow the parse stops
 * before the digit that would overflow, so *end then points at a digit:
 * callers that insist on *end reaching the end of the text reject
 * out-of-range numbers without a separate check. */
unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base);

/* The same for text of len bytes, not necessarily terminated (a field of
 * a file, a note of an image): nothing at or past s + len is read. */
unsigned long long simple_strntoull(const char *s, size_t len, const char **end,
                                    unsigned int base);

#endif
