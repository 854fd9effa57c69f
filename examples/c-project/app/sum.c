#include <stdio.h>
#include "mini/mini.h"

/* Prints the sum of the integers in its arguments. */
int main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++)
        total += mini_sum(argv[i]);
    printf("%ld\n", total);
    return 0;
}
