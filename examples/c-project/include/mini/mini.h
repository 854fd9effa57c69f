#ifndef MINI_H
#define MINI_H
#include <stddef.h>

/* The sum of the integers in s (separated by anything else). */
long mini_sum(const char *s);
/* The number of words (runs of letters) in s, at most MINI_MAX_WORDS. */
size_t mini_word_count(const char *s);
/* s upper-cased into out (of size n); returns out. */
char *mini_upper(const char *s, char *out, size_t n);
/* The library's version, from the generated config.h. */
const char *mini_version(void);
#endif
