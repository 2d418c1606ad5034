/* The board report's links: making and checking tokens (boardreport.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boardreport.h"
#include "crypto.h"
#include "id.h"
#include "xmalloc.h"

#define BR_VERSION "r1"
#define BR_PAYLOAD_MAX 256
#define BR_FIELDS 6

/* "r1|supervisor-1|1764547200000|1767139200000|central|1765123456000" */
static int
boardreport_payload(char *buf, size_t len, const struct boardreport_grant *g)
{
	int n = snprintf(buf, len, BR_VERSION "|%s|%lld|%lld|%s|%lld",
	    g->supervisor, (long long)g->since, (long long)g->until,
	    g->branch, (long long)g->expiry);

	return n > 0 && (size_t)n < len ? n : -1;
}

char *
boardreport_token(const unsigned char *secret,
    const struct boardreport_grant *g)
{
	char payload[BR_PAYLOAD_MAX];

	if (boardreport_payload(payload, sizeof payload, g) < 0)
		return NULL;
	return crypto_token_seal(secret, payload);
}

/* A whole decimal number of ms, at least 0. */
static int
boardreport_ms(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* The payload's fields into *g (payload is cut up); -1 when they are
 * not a report link's. */
static int
boardreport_parse(char *payload, struct boardreport_grant *g)
{
	char *f[BR_FIELDS], *p = payload;
	int i;

	for (i = 0; i < BR_FIELDS; i++)
		if ((f[i] = strsep(&p, "|")) == NULL)
			return -1;
	if (p != NULL || strcmp(f[0], BR_VERSION) != 0 || !id_valid(f[1]) ||
	    (f[4][0] != '\0' && !id_valid(f[4])) ||
	    boardreport_ms(f[2], &g->since) != 0 ||
	    boardreport_ms(f[3], &g->until) != 0 ||
	    boardreport_ms(f[5], &g->expiry) != 0 || g->until <= g->since)
		return -1;
	snprintf(g->supervisor, sizeof g->supervisor, "%s", f[1]);
	snprintf(g->branch, sizeof g->branch, "%s", f[4]);
	return 0;
}


int
boardreport_check(const unsigned char *secret, const char *token,
    int64_t now, struct boardreport_grant *g, const char **why)
{
	char payload[BR_PAYLOAD_MAX];

	memset(g, 0, sizeof *g);
	if (crypto_token_open(secret, token, payload, sizeof payload,
	    NULL) < 0 ||
	    boardreport_parse(payload, g) != 0) {
		*why = "This link is not valid: it was changed, cut short, or "
		    "made by another Beacon. Ask for the report again from "
		    "the console.";
		return -1;
	}
	if (now >= g->expiry) {
		*why = "This link has expired: a report link works for 15 "
		    "minutes. Ask for the report again from the console.";
		return -1;
	}
	return 0;
}
