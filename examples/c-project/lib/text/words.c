#include <ctype.h>
#include "mini/config.h"
#include "mini/mini.h"

size_t mini_word_count(const char *s)
{
    size_t count = 0;
    int in_word = 0;
    for (; *s && count < MINI_MAX_WORDS; s++) {
        int letter = isalpha((unsigned char)*s);
        if (letter && !in_word)
            count++;
        in_word = letter;
    }
    return count;
}
