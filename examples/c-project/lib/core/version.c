#include "mini/config.h"
#include "mini/mini.h"

const char *mini_version(void) { return MINI_VERSION; }
