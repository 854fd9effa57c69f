#include "greet.h"

#ifndef LINKAGE
#define LINKAGE "unknown"
#endif

int main(void)
{
    greet("library user");
    shout("linked " LINKAGE);
    return 0;
}
