/* The C string and memory functions, for freestanding code: the hypervisor
 * and the guest (lib/string.c).  The compiler also emits calls to memcpy,
 * memmove, memset and memcmp for structure copies and initialisers, so
 * these exist even where nothing calls them by name.
 *
 * A host build (unit tests, fuzzers, host tools) has the C library, which
 * owns these names: there lib/string.c defines lib_memcpy and so on, which
 * the unit tests check, while other code keeps the C library's functions.
 * strlcpy is the exception, since not every C library has one: on the host
 * the name means lib_strlcpy. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

#if __STDC_HOSTED__
#include <string.h>
#define LIB_STRING_NAME(name) lib_##name
#define strlcpy lib_strlcpy
#else
#define LIB_STRING_NAME(name) name
#endif

void *LIB_STRING_NAME(memcpy)(void *dst, const void *src, size_t n);
void *LIB_STRING_NAME(memmove)(void *dst, const void *src, size_t n);
void *LIB_STRING_NAME(memset)(void *dst, int c, size_t n);
int LIB_STRING_NAME(memcmp)(const void *a, const void *b, size_t n);
size_t LIB_STRING_NAME(strlen)(const char *s);
size_t LIB_STRING_NAME(strnlen)(const char *s, size_t max);
int LIB_STRING_NAME(strcmp)(const char *a, const char *b);
int LIB_STRING_NAME(strncmp)(const char *a, const char *b, size_t n);
char *LIB_STRING_NAME(strchr)(const char *s, int c);
char *LIB_STRING_NAME(strstr)(const char *haystack, const char *needle);
/* Copies at most size - 1 bytes and terminates (if size); returns
 * strlen(src), so that a result >= size means truncation. */
size_t LIB_STRING_NAME(strlcpy)(char *dst, const char *src, size_t size);

#endif
