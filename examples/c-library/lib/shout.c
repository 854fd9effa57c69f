#include <ctype.h>
#include <stdio.h>
#include "greet.h"

void shout(const char *text)
{
    for (const char *p = text; *p != '\0'; ++p)
        putchar(toupper((unsigned char)*p));
    putchar('\n');
}
