#include <ctype.h>
#include <stdlib.h>
#include "mini/mini.h"

long mini_sum(const char *s)
{
    long total = 0;
    while (*s) {
        if (isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))) {
            char *end;
            total += strtol(s, &end, 10);
            s = end;
        } else {
            s++;
        }
    }
    return total;
}
