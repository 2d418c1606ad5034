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
	unsigned char mac[CRYPTO_MAC_LEN];
	char payload[BR_PAYLOAD_MAX], *p, *m, *t;
	int n;

	if ((n = boardreport_payload(payload, sizeof payload, g)) < 0)
		return NULL;
	crypto_hmac(secret, payload, (size_t)n, mac);
	p = crypto_b64url(payload, (size_t)n);
	m = crypto_b64url(mac, sizeof mac);
	t = xasprintf("%s.%s", p, m);
	free(p);
	free(m);
	return t;
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

/* The signed payload into buf (NUL-terminated) when the signature is
 * ours. */
static int
boardreport_verify(const unsigned char *secret, const char *token,
    char *buf, size_t len)
{
	const char *dot = strchr(token, '.');
	unsigned char mac[CRYPTO_MAC_LEN + 1], want[CRYPTO_MAC_LEN];
	char part[BR_PAYLOAD_MAX * 2];
	ssize_t n;

	if (dot == NULL || (size_t)(dot - token) >= sizeof part)
		return -1;
	memcpy(part, token, (size_t)(dot - token));
	part[dot - token] = '\0';
	if ((n = crypto_b64url_decode(part, buf, len - 1)) <= 0 ||
	    crypto_b64url_decode(dot + 1, mac, sizeof mac) != CRYPTO_MAC_LEN)
		return -1;
	buf[n] = '\0';
	crypto_hmac(secret, buf, (size_t)n, want);
	return crypto_equal(mac, want, sizeof want) ? 0 : -1;
}

int
boardreport_check(const unsigned char *secret, const char *token,
    int64_t now, struct boardreport_grant *g, const char **why)
{
	char payload[BR_PAYLOAD_MAX];

	memset(g, 0, sizeof *g);
	if (boardreport_verify(secret, token, payload, sizeof payload) != 0 ||
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
