#include <stdio.h>
#include "mini/mini.h"

/* Prints its arguments upper-cased, with their word count and the library version. */
int main(int argc, char **argv)
{
    char buffer[256];
    size_t words = 0;
    for (int i = 1; i < argc; i++) {
        words += mini_word_count(argv[i]);
        printf("%s%s", i > 1 ? " " : "", mini_upper(argv[i], buffer, sizeof buffer));
    }
    printf("\n%zu words (mini %s)\n", words, mini_version());
    return 0;
}
