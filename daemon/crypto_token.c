/* Signed tokens (crypto.h): base64url(payload) "." base64url(HMAC-SHA256
 * (key, payload)), the form of action links and board report links. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "xmalloc.h"

char *
crypto_token_seal(const unsigned char *key, const char *payload)
{
	unsigned char mac[CRYPTO_MAC_LEN];
	size_t n = strlen(payload);
	char *p, *m, *t;

	crypto_hmac(key, payload, n, mac);
	p = crypto_b64url(payload, n);
	m = crypto_b64url(mac, sizeof mac);
	t = xasprintf("%s.%s", p, m);
	free(p);
	free(m);
	return t;
}

ssize_t
crypto_token_open(const unsigned char *key, const char *token, char *buf,
    size_t len, unsigned char *mac)
{
	const char *dot = strchr(token, '.');
	unsigned char got[CRYPTO_MAC_LEN + 1], want[CRYPTO_MAC_LEN];
	char *part;
	ssize_t n;

	if (dot == NULL || (size_t)(dot - token) >= 2 * len)
		return -1;
	part = xmalloc((size_t)(dot - token) + 1);
	memcpy(part, token, (size_t)(dot - token));
	part[dot - token] = '\0';
	n = crypto_b64url_decode(part, buf, len - 1);
	free(part);
	if (n <= 0 || crypto_b64url_decode(dot + 1, got, sizeof got) !=
	    CRYPTO_MAC_LEN)
		return -1;
	buf[n] = '\0';
	crypto_hmac(key, buf, (size_t)n, want);
	if (!crypto_equal(got, want, sizeof want))
		return -1;
	if (mac != NULL)
		memcpy(mac, got, CRYPTO_MAC_LEN);
	return n;
}
