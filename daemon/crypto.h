/*
 * beacond's cryptography, through OpenSSL: the VAPID key pair and its
 * signatures (RFC 8292), Web Push payload encryption (RFC 8291,
 * aes128gcm from RFC 8188), the HMAC that signs action links, key files,
 * base64url, and the TLS context of the HTTP listener.
 */
#ifndef BEACON_CRYPTO_H
#define BEACON_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CRYPTO_P256_PUB 65	/* an uncompressed P-256 point: 0x04 X Y */
#define CRYPTO_AUTH_LEN 16	/* a subscription's auth secret */
#define CRYPTO_SALT_LEN 16
#define CRYPTO_MAC_LEN 32	/* HMAC-SHA256 */
#define CRYPTO_KEY_LEN 32	/* an HMAC secret */
/* What aes128gcm adds to a payload in one record: the header (salt 16,
 * record size 4, key id length 1, key id 65), the padding delimiter and
 * the tag. */
#define CRYPTO_ECE_OVERHEAD (16 + 4 + 1 + CRYPTO_P256_PUB + 1 + 16)

struct crypto_vapid;
struct ssl_ctx_st;
struct ssl_st;

/* len random bytes; 0, or -1 when the generator fails. */
int crypto_random(void *buf, size_t len);

/* base64url without padding (RFC 7515 section 2); the caller frees. */
char *crypto_b64url(const void *p, size_t len);
/* Decode s (padding and '=' tolerated, nothing else); the byte count, or
 * -1 when s is not base64url or would not fit max. */
ssize_t crypto_b64url_decode(const char *s, void *out, size_t max);

/* The VAPID key pair in path (PEM, P-256), made with mode 0600 when the
 * file does not exist. NULL with err set when it cannot be read or made,
 * is not a P-256 private key, or may be read by others. */
struct crypto_vapid *crypto_vapid_load(const char *path, char *err,
    size_t errlen);
void crypto_vapid_free(struct crypto_vapid *);
/* The public key, base64url of its 65 bytes: the app's
 * applicationServerKey. Owned by the key pair. */
const char *crypto_vapid_public(const struct crypto_vapid *);
/* The Authorization header for a push service: "vapid t=JWT, k=PUBLIC",
 * the JWT signed with ES256 for aud (the endpoint's scheme://host[:port]),
 * exp (Unix seconds) and sub. NULL when signing fails. The caller frees. */
char *crypto_vapid_auth(const struct crypto_vapid *, const char *aud,
    int64_t exp, const char *sub);

/* Encrypt plain for a subscription (RFC 8291): ua_pub is its p256dh (65
 * bytes), auth its auth secret (16). The body to POST, one record, goes
 * to *out (malloc'd, CRYPTO_ECE_OVERHEAD + plen bytes, in *outlen).
 * 0, or -1 with err set (a key that is not a point on P-256, say). */
int crypto_ece_encrypt(const unsigned char *ua_pub,
    const unsigned char *auth, const void *plain, size_t plen,
    unsigned char **out, size_t *outlen, char *err, size_t errlen);
/* The same with the salt and the sender's ephemeral private key (32
 * bytes) given, for tests against RFC 8291's worked example. */
int crypto_ece_encrypt_with(const unsigned char *ua_pub,
    const unsigned char *auth, const void *plain, size_t plen,
    const unsigned char *salt, const unsigned char *as_priv,
    unsigned char **out, size_t *outlen, char *err, size_t errlen);

/* A secret of CRYPTO_KEY_LEN random bytes in path (raw, mode 0600), made
 * when the file does not exist. 0, or -1 with err set (unreadable, the
 * wrong size, or readable by others). */
int crypto_secret_load(const char *path, unsigned char *key, char *err,
    size_t errlen);
/* HMAC-SHA256 of msg under key (CRYPTO_KEY_LEN bytes). */
void crypto_hmac(const unsigned char *key, const void *msg, size_t len,
    unsigned char *mac);
/* crypto_token.c: a token signed with key, base64url(payload) "."
 * base64url(HMAC); the caller frees. */
char *crypto_token_seal(const unsigned char *key, const char *payload);
/* The payload of a token signed with key, into buf (NUL-terminated; at
 * most len - 1 bytes), and its HMAC into mac (CRYPTO_MAC_LEN bytes) unless
 * NULL: its length, or -1 when it is malformed or not signed with key. */
ssize_t crypto_token_open(const unsigned char *key, const char *token,
    char *buf, size_t len, unsigned char *mac);
/* 1 when the n bytes at a and b are equal, in time that does not depend
 * on where they differ. */
int crypto_equal(const void *a, const void *b, size_t n);
/* A Content-Security-Policy source for an inline element whose text is
 * the len bytes at p: "'sha256-BASE64'" (crypto_hash.c); the caller
 * frees. */
char *crypto_csp_hash(const void *p, size_t len);

/* The HTTP listener's TLS (crypto_tls.c): a server context from a PEM
 * certificate chain and key, TLS 1.2 at least. NULL with err set. */
struct ssl_ctx_st *crypto_tls_server(const char *cert, const char *key,
    char *err, size_t errlen);
/* A new connection's TLS state under ctx, for bufferevent_openssl; NULL
 * when OpenSSL cannot make one. */
struct ssl_st *crypto_tls_accept(struct ssl_ctx_st *);
void crypto_tls_free(struct ssl_ctx_st *);
/* The push requests' TLS: a client context that verifies peers against
 * the system's CA store (or SSL_CERT_FILE), TLS 1.2 at least; NULL when
 * the store cannot be loaded. */
struct ssl_ctx_st *crypto_tls_client(void);
/* A connection's TLS state to host (a name, with SNI, or an address),
 * whose certificate must name it; NULL when OpenSSL cannot make one. */
struct ssl_st *crypto_tls_connect(struct ssl_ctx_st *, const char *host);
/* Free a connection's state that no bufferevent took. */
void crypto_tls_drop(struct ssl_st *);
/* Why a connection failed, as far as TLS says: the certificate's
 * verification, else err (bufferevent_get_openssl_error); 1 and buf
 * filled, or 0 when TLS has nothing to say. */
int crypto_tls_why(struct ssl_st *, unsigned long err, char *buf,
    size_t len);

#endif
