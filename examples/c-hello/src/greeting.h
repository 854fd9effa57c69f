#define GREETING "hello from kiln"
