/* Small helpers shared by every module: states, ids, UTF-8 truncation. */
#include <string.h>

#include "beacon.h"

static const char *const state_names[] = {
	[ST_RECEIVED] = "received",
	[ST_ROUTED] = "routed",
	[ST_ACKNOWLEDGED] = "acknowledged",
	[ST_ON_SCENE] = "on_scene",
	[ST_RESOLVED] = "resolved",
	[ST_REJECTED] = "rejected",
};

const char *
state_name(int st)
{
	if (st < 0 || st >= (int)(sizeof state_names / sizeof *state_names))
		return NULL;
	return state_names[st];
}

int
state_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof state_names / sizeof *state_names; i++)
		if (strcmp(state_names[i], s) == 0)
			return (int)i;
	return -1;
}

int
state_open(int st)
{
	return st >= ST_RECEIVED && st <= ST_ON_SCENE;
}

void
strlcpy_utf8(char *dst, const char *src, size_t dstlen)
{
	size_t n;

	if (dstlen == 0)
		return;
	n = strlen(src);
	if (n >= dstlen) {
		n = dstlen - 1;
		/* Back up over continuation bytes so no character is split. */
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ID_MAX)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._:-") == n;
}
