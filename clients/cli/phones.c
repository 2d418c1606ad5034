/*
 * The phones enrolled with beacon enroll, as the broker's password file
 * lists them: each has the account {responder}@{device} (ids never hold
 * an '@', so the other accounts are told apart). Only the user names are
 * read; the hashes are the broker's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "xmalloc.h"

/* The line's user name "R@D" into p: 0, or -1 when it is none. */
static int
phones_parse(const char *line, struct phone *p)
{
	const char *at, *colon = strchr(line, ':');
	size_t r, d;

	if (colon == NULL || (at = memchr(line, '@', colon - line)) == NULL)
		return -1;
	r = at - line;
	d = colon - at - 1;
	if (r == 0 || r >= sizeof p->responder || d == 0 ||
	    d >= sizeof p->device)
		return -1;
	memcpy(p->responder, line, r);
	p->responder[r] = '\0';
	memcpy(p->device, at + 1, d);
	p->device[d] = '\0';
	return id_valid(p->responder) && id_valid(p->device) ? 0 : -1;
}

struct phone *
phones_read(const char *path, size_t *n, char **cause)
{
	struct phone *v = NULL, p;
	size_t cap = 0, len = 0;
	char *line = NULL;
	FILE *fp;

	*n = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	while (getline(&line, &len, fp) != -1) {
		if (phones_parse(line, &p) != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = p;
	}
	free(line);
	fclose(fp);
	return v != NULL ? v : xcalloc(1, sizeof *v);
}

int
phones_has(const struct phone *v, size_t n, const char *responder,
    const char *device)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].responder, responder) == 0 &&
		    strcmp(v[i].device, device) == 0)
			return 1;
	return 0;
}
