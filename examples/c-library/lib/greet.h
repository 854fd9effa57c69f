#ifndef GREET_H
#define GREET_H

/* Writes "hello, <name>" to standard output. */
void greet(const char *name);

/* Writes <text> in capitals to standard output. */
void shout(const char *text);

#endif
