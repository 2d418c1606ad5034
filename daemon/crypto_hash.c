/* Digests for beacond's HTTP answers (crypto.h). */
#include <stdlib.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "log.h"
#include "xmalloc.h"

char *
crypto_csp_hash(const void *p, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int n = 0;

	if (EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) != 1)
		fatalx("SHA-256 failed");
	EVP_EncodeBlock(b64, md, (int)n);
	return xasprintf("'sha256-%s'", (const char *)b64);
}
