/* Signed action links: making and checking tokens (link.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "link_int.h"
#include "msg.h"
#include "xmalloc.h"

#define LINK_VERSION "1"
#define LINK_PAYLOAD_MAX 160

struct link *
link_new(const unsigned char *secret, const char *base, int lifetime)
{
	struct link *l = xcalloc(1, sizeof *l);

	memcpy(l->secret, secret, sizeof l->secret);
	l->base = xstrdup(base);
	l->lifetime = lifetime;
	return l;
}

void
link_free(struct link *l)
{
	if (l == NULL)
		return;
	explicit_bzero(l->secret, sizeof l->secret);
	free(l->base);
	free(l);
}

/* "1|crisis-1|9|ack|1765123456000" */
static int
link_payload(char *buf, size_t len, const char *responder, int64_t incident,
    int action, int64_t expiry)
{
	int n = snprintf(buf, len, LINK_VERSION "|%s|%lld|%s|%lld", responder,
	    (long long)incident, msg_action_name(action), (long long)expiry);

	return n > 0 && (size_t)n < len ? n : -1;
}

char *
link_token(const struct link *l, const char *responder, int64_t incident,
    int action, int64_t expiry)
{
	char payload[LINK_PAYLOAD_MAX];

	if (link_payload(payload, sizeof payload, responder, incident, action,
	    expiry) < 0)
		return NULL;
	return crypto_token_seal(l->secret, payload);
}

char *
link_url(const struct link *l, const char *responder, int64_t incident,
    int action, int64_t now)
{
	char *t, *u;

	if ((t = link_token(l, responder, incident, action, now +
	    (int64_t)l->lifetime * 1000)) == NULL)
		return NULL;
	u = xasprintf("%s/a/%s", l->base, t);
	free(t);
	return u;
}

char *
link_app_url(const struct link *l, int64_t incident)
{
	return xasprintf("%s/responder.html#incident=%lld", l->base,
	    (long long)incident);
}

/* The payload's fields into *t; -1 when they are not ours. */
static int
link_parse(const char *payload, struct link_token *t)
{
	char responder[ID_MAX + 2], action[16];
	long long incident, expiry;
	int end = 0;

	if (sscanf(payload, LINK_VERSION "|%65[^|]|%lld|%15[^|]|%lld%n",
	    responder, &incident, action, &expiry, &end) != 4 ||
	    payload[end] != '\0' || strlen(responder) > ID_MAX)
		return -1;
	t->action = msg_action_from_name(action);
	if (incident <= 0 || (t->action != ACT_ACK && t->action != ACT_DECLINE))
		return -1;
	strlcpy_utf8(t->responder, responder, sizeof t->responder);
	t->incident = incident;
	t->expiry = expiry;
	return 0;
}

/* The signed payload, when the signature is right; NUL-terminated. */
static int
link_verify(const struct link *l, const char *token, char *payload,
    size_t len, struct link_token *t)
{
	const char *dot = strchr(token, '.');
	unsigned char mac[CRYPTO_MAC_LEN];
	char *key;

	if (dot == NULL || strlen(dot + 1) >= sizeof t->key ||
	    crypto_token_open(l->secret, token, payload, len, mac) < 0)
		return -1;
	/* The signature as we spell it: a token spelt another way (unused
	 * low bits in its last character) is the same link. */
	key = crypto_b64url(mac, CRYPTO_MAC_LEN);
	strlcpy_utf8(t->key, key, sizeof t->key);
	free(key);
	return 0;
}

int
link_check(const struct link *l, const char *token, int64_t now,
    struct link_token *t, const char **why)
{
	char payload[LINK_PAYLOAD_MAX];

	memset(t, 0, sizeof *t);
	if (link_verify(l, token, payload, sizeof payload, t) != 0 ||
	    link_parse(payload, t) != 0) {
		*why = "This link is not valid: it was changed, cut short, or "
		    "made by another Beacon.";
		return -1;
	}
	if (now >= t->expiry) {
		*why = "This link has expired. Open the Beacon app to answer.";
		return -1;
	}
	return 0;
}
