/* Ids (id.h). */
#include <sys/random.h>

#include <stdio.h>
#include <string.h>

#include "id.h"
#include "log.h"

int
id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ID_MAX)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._:-") == n;
}

char *
id_random(const char *prefix, char *buf, size_t len)
{
	unsigned char b[8];
	size_t i, n = strlen(prefix);

	if (len < n + 2 * sizeof b + 1)
		fatalx("id_random: buffer too small");
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		fatal("getrandom");
	memcpy(buf, prefix, n);
	for (i = 0; i < sizeof b; i++)
		snprintf(buf + n + 2 * i, 3, "%02x", b[i]);
	return buf;
}
