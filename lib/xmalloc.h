/* Allocation that never returns NULL: failure is fatal (see log.h). */
#ifndef BEACON_XMALLOC_H
#define BEACON_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
/* Like xstrdup, but NULL stays NULL. */
char *xstrdup_null(const char *);
/* Returns a newly allocated string; the caller frees it. */
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
