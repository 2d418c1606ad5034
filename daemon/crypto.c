/*
 * beacond's cryptography through OpenSSL 3's EVP interfaces (crypto.h):
 * random bytes, base64url, the VAPID key and its ES256 tokens (RFC 8292),
 * Web Push encryption (RFC 8291 over RFC 8188's aes128gcm), the action
 * links' secret and HMAC. Key files are made with O_EXCL and mode 0600 so
 * that they are never readable by others, not even for a moment.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "log.h"
#include "xmalloc.h"

#define ECE_RS 4096		/* the one record's size, in the header */
#define ECE_HEADER (CRYPTO_SALT_LEN + 4 + 1 + CRYPTO_P256_PUB)
#define ECE_TAG 16
/* RFC 8291 section 4: a push service takes 4096 bytes of body at least,
 * which is this much plaintext in one record. */
#define ECE_MAX_PLAIN (4096 - CRYPTO_ECE_OVERHEAD)
#define P256_SCALAR 32

struct crypto_vapid {
	EVP_PKEY *key;
	char *pub;		/* base64url of the 65-byte point */
};

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Set err, with OpenSSL's first queued reason when there is one, and
 * empty the queue; -1. */
static int __attribute__((format(printf, 3, 4)))
crypto_fail(char *err, size_t errlen, const char *fmt, ...)
{
	const char *why = ERR_reason_error_string(ERR_get_error());
	va_list ap;
	int n;

	ERR_clear_error();
	if (err == NULL || errlen == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (why != NULL && n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - n, " (%s)", why);
	return -1;
}

int
crypto_random(void *buf, size_t len)
{
	if (len > INT_MAX || RAND_bytes(buf, (int)len) != 1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

char *
crypto_b64url(const void *p, size_t len)
{
	char *out, *c;

	if (len > INT_MAX / 4 * 3 - 3)
		fatalx("base64url of %zu bytes", len);
	out = xmalloc((len + 2) / 3 * 4 + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	for (c = out; *c != '\0' && *c != '='; c++) {
		if (*c == '+')
			*c = '-';
		else if (*c == '/')
			*c = '_';
	}
	*c = '\0';
	return out;
}

static int
b64url_value(int c)
{
	const char *p = c != '\0' ? strchr(b64url_alphabet, c) : NULL;

	return p != NULL ? (int)(p - b64url_alphabet) : -1;
}

/* The length of s without its trailing '=' (at most 2, and only to a
 * multiple of 4); -1 when the padding is wrong. */
static ssize_t
b64url_datalen(const char *s)
{
	size_t len = strlen(s), n = len;

	while (n > 0 && s[n - 1] == '=')
		n--;
	if (len - n > 2 || (len != n && len % 4 != 0) || n % 4 == 1)
		return -1;
	return (ssize_t)n;
}

ssize_t
crypto_b64url_decode(const char *s, void *out, size_t max)
{
	unsigned char *o = out;
	ssize_t n = b64url_datalen(s), i;
	size_t len = 0;
	uint32_t acc = 0;
	int bits = 0, v;

	if (n < 0 || (size_t)n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > max)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64url_value((unsigned char)s[i])) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[len++] = (acc >> bits) & 0xff;
		}
	}
	return (ssize_t)len;
}

/* Open an existing key file for reading: -1 with errno ENOENT when it
 * does not exist; -2 with err set when it cannot be used. */
static int
key_open(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return -1;
		crypto_fail(err, errlen, "%s: %s", path, strerror(errno));
		return -2;
	}
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		crypto_fail(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -2;
	}
	if ((st->st_mode & (S_IRGRP | S_IROTH)) != 0) {
		crypto_fail(err, errlen,
		    "%s: readable by others (mode %04o): chmod 600 it", path,
		    (unsigned)(st->st_mode & 07777));
		close(fd);
		return -2;
	}
	return fd;
}

/* Create path with mode 0600, failing when it exists; a stream for
 * writing, or NULL with err set. */
static FILE *
key_create(const char *path, char *err, size_t errlen)
{
	FILE *fp;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		crypto_fail(err, errlen, "%s: cannot create: %s", path,
		    strerror(errno));
		return NULL;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		crypto_fail(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
	}
	return fp;
}

/* Flush and close a new key file; on failure remove it. */
static int
key_finish(FILE *fp, const char *path, int ok, char *err, size_t errlen)
{
	if (ok && (fflush(fp) != 0 || fsync(fileno(fp)) == -1))
		ok = 0;
	if (fclose(fp) != 0)
		ok = 0;
	if (!ok) {
		unlink(path);
		return crypto_fail(err, errlen, "%s: cannot write: %s", path,
		    strerror(errno));
	}
	return 0;
}

/* 1 when key is an EC key on P-256. */
static int
key_is_p256(EVP_PKEY *key)
{
	char group[64];
	size_t len;

	if (!EVP_PKEY_is_a(key, "EC"))
		return 0;
	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof group, &len))
		return 0;
	return strcmp(group, "prime256v1") == 0 ||
	    strcmp(group, "P-256") == 0;
}

/* The 65-byte uncompressed public point of a P-256 key. */
static int
key_public(EVP_PKEY *key, unsigned char *pub)
{
	size_t len;

	if (!EVP_PKEY_get_octet_string_param(key,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, CRYPTO_P256_PUB, &len))
		return -1;
	return len == CRYPTO_P256_PUB && pub[0] == 0x04 ? 0 : -1;
}

static EVP_PKEY *
vapid_read(int fd, const char *path, char *err, size_t errlen)
{
	EVP_PKEY *key;
	FILE *fp;

	if ((fp = fdopen(fd, "r")) == NULL) {
		crypto_fail(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	/* An empty passphrase: an encrypted key is refused, never asked for. */
	key = PEM_read_PrivateKey(fp, NULL, NULL, (void *)"");
	fclose(fp);
	if (key == NULL) {
		crypto_fail(err, errlen, "%s: not a PEM private key", path);
		return NULL;
	}
	if (!key_is_p256(key)) {
		EVP_PKEY_free(key);
		crypto_fail(err, errlen, "%s: not a P-256 (prime256v1) key",
		    path);
		return NULL;
	}
	return key;
}

/* A new P-256 key in path, written as PKCS#8 PEM. */
static EVP_PKEY *
vapid_create(const char *path, char *err, size_t errlen)
{
	EVP_PKEY *key;
	FILE *fp;
	int ok;

	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL) {
		crypto_fail(err, errlen, "%s: cannot make a P-256 key", path);
		return NULL;
	}
	if ((fp = key_create(path, err, errlen)) == NULL) {
		EVP_PKEY_free(key);
		return NULL;
	}
	ok = PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) == 1;
	if (key_finish(fp, path, ok, err, errlen) == -1) {
		EVP_PKEY_free(key);
		return NULL;
	}
	log_info("event=key_created kind=vapid file=%s", path);
	return key;
}

struct crypto_vapid *
crypto_vapid_load(const char *path, char *err, size_t errlen)
{
	struct crypto_vapid *v;
	unsigned char pub[CRYPTO_P256_PUB];
	struct stat st;
	EVP_PKEY *key;
	int fd;

	fd = key_open(path, &st, err, errlen);
	if (fd == -2)
		return NULL;
	key = fd == -1 ? vapid_create(path, err, errlen) :
	    vapid_read(fd, path, err, errlen);
	if (key == NULL)
		return NULL;
	if (key_public(key, pub) == -1) {
		EVP_PKEY_free(key);
		crypto_fail(err, errlen, "%s: no public key", path);
		return NULL;
	}
	v = xcalloc(1, sizeof *v);
	v->key = key;
	v->pub = crypto_b64url(pub, sizeof pub);
	return v;
}

void
crypto_vapid_free(struct crypto_vapid *v)
{
	if (v == NULL)
		return;
	EVP_PKEY_free(v->key);
	free(v->pub);
	free(v);
}

const char *
crypto_vapid_public(const struct crypto_vapid *v)
{
	return v->pub;
}

/* s as the inside of a JSON string. The caller frees. */
static char *
json_escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 6 + 1), *o = out;

	for (; *s != '\0'; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = c;
		} else if (c < 0x20) {
			o += sprintf(o, "\\u%04x", c);
		} else
			*o++ = c;
	}
	*o = '\0';
	return out;
}

/* A DER ECDSA signature as JWS wants it: R and S, 32 bytes each. */
static int
sig_der_to_raw(const unsigned char *der, size_t len, unsigned char *raw)
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig;
	int ok;

	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	ok = BN_bn2binpad(r, raw, P256_SCALAR) == P256_SCALAR &&
	    BN_bn2binpad(s, raw + P256_SCALAR, P256_SCALAR) == P256_SCALAR;
	ECDSA_SIG_free(sig);
	return ok ? 0 : -1;
}

/* ES256 of msg: 64 raw bytes. */
static int
sign_es256(EVP_PKEY *key, const char *msg, unsigned char *raw)
{
	unsigned char der[128];
	size_t len = sizeof der;
	EVP_MD_CTX *ctx;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, der, &len, (const unsigned char *)msg,
	    strlen(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok || sig_der_to_raw(der, len, raw) == -1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

char *
crypto_vapid_auth(const struct crypto_vapid *v, const char *aud,
    int64_t exp, const char *sub)
{
	static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"ES256\"}";
	unsigned char sig[2 * P256_SCALAR];
	char *eaud = json_escape(aud), *esub = json_escape(sub);
	char *claims, *h, *c, *input, *s, *auth = NULL;

	claims = xasprintf("{\"aud\":\"%s\",\"exp\":%lld,\"sub\":\"%s\"}",
	    eaud, (long long)exp, esub);
	h = crypto_b64url(header, strlen(header));
	c = crypto_b64url(claims, strlen(claims));
	input = xasprintf("%s.%s", h, c);
	if (sign_es256(v->key, input, sig) == 0) {
		s = crypto_b64url(sig, sizeof sig);
		auth = xasprintf("vapid t=%s.%s, k=%s", input, s, v->pub);
		free(s);
	} else
		log_warnx("vapid: cannot sign a token for %s", aud);
	free(eaud);
	free(esub);
	free(claims);
	free(h);
	free(c);
	free(input);
	return auth;
}

/* A P-256 key from its 65-byte uncompressed public point and, when d is
 * not NULL, its private scalar; the point is checked to be on the curve. */
static EVP_PKEY *
p256_fromdata(const BIGNUM *d, const unsigned char *pub)
{
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (pub[0] != 0x04 || (bld = OSSL_PARAM_BLD_new()) == NULL)
		return NULL;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, CRYPTO_P256_PUB) &&
	    (d == NULL || OSSL_PARAM_BLD_push_BN(bld,
	    OSSL_PKEY_PARAM_PRIV_KEY, d)))
		params = OSSL_PARAM_BLD_to_param(bld);
	if (params != NULL)
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, d != NULL ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) != 1)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	ctx = key != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL) : NULL;
	if (key != NULL && (ctx == NULL || EVP_PKEY_public_check(ctx) != 1)) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* The uncompressed public point d*G of the P-256 scalar d, through the
 * EC_GROUP and EC_POINT functions (EC_KEY is what OpenSSL 3 deprecates). */
static int
p256_public_of(const BIGNUM *d, unsigned char *pub)
{
	EC_GROUP *group;
	EC_POINT *pt = NULL;
	size_t len = 0;

	group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	if (group == NULL)
		return -1;
	if (!BN_is_zero(d) && !BN_is_negative(d) &&
	    BN_cmp(d, EC_GROUP_get0_order(group)) < 0 &&
	    (pt = EC_POINT_new(group)) != NULL &&
	    EC_POINT_mul(group, pt, d, NULL, NULL, NULL) == 1)
		len = EC_POINT_point2oct(group, pt,
		    POINT_CONVERSION_UNCOMPRESSED, pub, CRYPTO_P256_PUB, NULL);
	EC_POINT_free(pt);
	EC_GROUP_free(group);
	return len == CRYPTO_P256_PUB ? 0 : -1;
}

/* A P-256 key pair from its 32-byte private scalar. */
static EVP_PKEY *
p256_from_private(const unsigned char *priv)
{
	unsigned char pub[CRYPTO_P256_PUB];
	EVP_PKEY *key = NULL;
	BIGNUM *d;

	if ((d = BN_bin2bn(priv, P256_SCALAR, NULL)) == NULL)
		return NULL;
	if (p256_public_of(d, pub) == 0)
		key = p256_fromdata(d, pub);
	BN_clear_free(d);
	return key;
}

/* ECDH on P-256: the 32-byte x coordinate of the shared point. */
static int
ecdh(EVP_PKEY *priv, EVP_PKEY *peer, unsigned char *secret)
{
	EVP_PKEY_CTX *ctx;
	size_t len = P256_SCALAR;
	int ok;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL)) == NULL)
		return -1;
	ok = EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	    EVP_PKEY_derive(ctx, secret, &len) == 1 && len == P256_SCALAR;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* One HKDF-SHA256 step (RFC 5869): extract (salt, ikm -> 32 bytes) when
 * info is NULL, else expand (ikm is the PRK -> outlen bytes). */
static int
hkdf(const unsigned char *salt, size_t saltlen, const unsigned char *ikm,
    size_t ikmlen, const void *info, size_t infolen, unsigned char *out,
    size_t outlen)
{
	int mode = info == NULL ? EVP_KDF_HKDF_MODE_EXTRACT_ONLY :
	    EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	OSSL_PARAM params[5], *p = params;
	EVP_KDF_CTX *ctx;
	EVP_KDF *kdf;
	int ok;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		return -1;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		return -1;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    "SHA256", 0);
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, ikmlen);
	if (info != NULL)
		*p++ = OSSL_PARAM_construct_octet_string(
		    OSSL_KDF_PARAM_INFO, (void *)info, infolen);
	else
		*p++ = OSSL_PARAM_construct_octet_string(
		    OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
	*p = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, out, outlen, params) == 1;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* RFC 8291 section 3.4 and RFC 8188 section 2.2: the content encryption
 * key and nonce of a message from the ECDH secret. */
static int
ece_derive(const unsigned char *secret, const unsigned char *auth,
    const unsigned char *ua_pub, const unsigned char *as_pub,
    const unsigned char *salt, unsigned char *cek, unsigned char *nonce)
{
	static const char webpush[] = "WebPush: info";	/* with its NUL */
	static const char cek_info[] = "Content-Encoding: aes128gcm";
	static const char nonce_info[] = "Content-Encoding: nonce";
	unsigned char info[sizeof webpush + 2 * CRYPTO_P256_PUB];
	unsigned char prk_key[32], ikm[32], prk[32];
	int rc;

	memcpy(info, webpush, sizeof webpush);
	memcpy(info + sizeof webpush, ua_pub, CRYPTO_P256_PUB);
	memcpy(info + sizeof webpush + CRYPTO_P256_PUB, as_pub,
	    CRYPTO_P256_PUB);
	rc = hkdf(auth, CRYPTO_AUTH_LEN, secret, P256_SCALAR, NULL, 0,
	    prk_key, sizeof prk_key) == 0 &&
	    hkdf(NULL, 0, prk_key, sizeof prk_key, info, sizeof info, ikm,
	    sizeof ikm) == 0 &&
	    hkdf(salt, CRYPTO_SALT_LEN, ikm, sizeof ikm, NULL, 0, prk,
	    sizeof prk) == 0 &&
	    hkdf(NULL, 0, prk, sizeof prk, cek_info, sizeof cek_info, cek,
	    16) == 0 &&
	    hkdf(NULL, 0, prk, sizeof prk, nonce_info, sizeof nonce_info,
	    nonce, 12) == 0 ? 0 : -1;
	OPENSSL_cleanse(prk_key, sizeof prk_key);
	OPENSSL_cleanse(ikm, sizeof ikm);
	OPENSSL_cleanse(prk, sizeof prk);
	return rc;
}

/* AES-128-GCM of plain || 0x02 (the last record's delimiter) into out,
 * the tag after it. */
static int
ece_seal(const unsigned char *cek, const unsigned char *nonce,
    const void *plain, size_t plen, unsigned char *out)
{
	static const unsigned char delimiter = 0x02;
	EVP_CIPHER_CTX *ctx;
	int n, m, f, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, cek,
	    nonce) == 1 &&
	    EVP_EncryptUpdate(ctx, out, &n, plain, (int)plen) == 1 &&
	    EVP_EncryptUpdate(ctx, out + n, &m, &delimiter, 1) == 1 &&
	    EVP_EncryptFinal_ex(ctx, out + n + m, &f) == 1 &&
	    (size_t)(n + m + f) == plen + 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, ECE_TAG,
	    out + plen + 1) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* The aes128gcm header: salt, record size, key id (the sender's key). */
static void
ece_header(unsigned char *h, const unsigned char *salt,
    const unsigned char *as_pub)
{
	memcpy(h, salt, CRYPTO_SALT_LEN);
	h[16] = (ECE_RS >> 24) & 0xff;
	h[17] = (ECE_RS >> 16) & 0xff;
	h[18] = (ECE_RS >> 8) & 0xff;
	h[19] = ECE_RS & 0xff;
	h[20] = CRYPTO_P256_PUB;
	memcpy(h + 21, as_pub, CRYPTO_P256_PUB);
}

/* The message from the sender's key pair as, once ua is checked. */
static int
ece_encrypt(EVP_PKEY *ua, EVP_PKEY *as, const unsigned char *ua_pub,
    const unsigned char *auth, const void *plain, size_t plen,
    const unsigned char *salt, unsigned char *body, char *err,
    size_t errlen)
{
	unsigned char as_pub[CRYPTO_P256_PUB], secret[P256_SCALAR];
	unsigned char cek[16], nonce[12];
	int rc = -1;

	if (key_public(as, as_pub) == -1)
		crypto_fail(err, errlen, "no public key for the sender's key");
	else if (ecdh(as, ua, secret) == -1)
		crypto_fail(err, errlen, "ECDH failed");
	else if (ece_derive(secret, auth, ua_pub, as_pub, salt, cek,
	    nonce) == -1)
		crypto_fail(err, errlen, "HKDF failed");
	else if (ece_seal(cek, nonce, plain, plen, body + ECE_HEADER) == -1)
		crypto_fail(err, errlen, "AES-128-GCM failed");
	else {
		ece_header(body, salt, as_pub);
		rc = 0;
	}
	OPENSSL_cleanse(secret, sizeof secret);
	OPENSSL_cleanse(cek, sizeof cek);
	return rc;
}

/* Check what every message needs, then encrypt with the sender's key
 * pair as (borrowed). */
static int
ece_run(const unsigned char *ua_pub, const unsigned char *auth,
    const void *plain, size_t plen, const unsigned char *salt,
    EVP_PKEY *as, unsigned char **out, size_t *outlen, char *err,
    size_t errlen)
{
	unsigned char *body;
	EVP_PKEY *ua;
	int rc;

	if (plen > ECE_MAX_PLAIN)
		return crypto_fail(err, errlen,
		    "message of %zu bytes: more than %d", plen, ECE_MAX_PLAIN);
	if ((ua = p256_fromdata(NULL, ua_pub)) == NULL)
		return crypto_fail(err, errlen, "not a P-256 public key");
	body = xmalloc(CRYPTO_ECE_OVERHEAD + plen);
	rc = ece_encrypt(ua, as, ua_pub, auth, plain, plen, salt, body, err,
	    errlen);
	EVP_PKEY_free(ua);
	if (rc == -1) {
		free(body);
		return -1;
	}
	*out = body;
	*outlen = CRYPTO_ECE_OVERHEAD + plen;
	return 0;
}

int
crypto_ece_encrypt_with(const unsigned char *ua_pub,
    const unsigned char *auth, const void *plain, size_t plen,
    const unsigned char *salt, const unsigned char *as_priv,
    unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
	EVP_PKEY *as;
	int rc;

	*out = NULL;
	*outlen = 0;
	if ((as = p256_from_private(as_priv)) == NULL)
		return crypto_fail(err, errlen, "not a P-256 private key");
	rc = ece_run(ua_pub, auth, plain, plen, salt, as, out, outlen, err,
	    errlen);
	EVP_PKEY_free(as);
	return rc;
}

int
crypto_ece_encrypt(const unsigned char *ua_pub, const unsigned char *auth,
    const void *plain, size_t plen, unsigned char **out, size_t *outlen,
    char *err, size_t errlen)
{
	unsigned char salt[CRYPTO_SALT_LEN];
	EVP_PKEY *as;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (crypto_random(salt, sizeof salt) == -1)
		return crypto_fail(err, errlen, "no random salt");
	if ((as = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		return crypto_fail(err, errlen, "cannot make a P-256 key");
	rc = ece_run(ua_pub, auth, plain, plen, salt, as, out, outlen, err,
	    errlen);
	EVP_PKEY_free(as);
	return rc;
}

/* Read the CRYPTO_KEY_LEN bytes of an existing secret file. */
static int
secret_read(int fd, const struct stat *st, const char *path,
    unsigned char *key, char *err, size_t errlen)
{
	ssize_t n;

	if (st->st_size != CRYPTO_KEY_LEN) {
		close(fd);
		return crypto_fail(err, errlen, "%s: %lld bytes, not %d", path,
		    (long long)st->st_size, CRYPTO_KEY_LEN);
	}
	n = read(fd, key, CRYPTO_KEY_LEN);
	close(fd);
	if (n != CRYPTO_KEY_LEN)
		return crypto_fail(err, errlen, "%s: cannot read: %s", path,
		    n == -1 ? strerror(errno) : "short read");
	return 0;
}

static int
secret_create(const char *path, unsigned char *key, char *err,
    size_t errlen)
{
	FILE *fp;
	int ok;

	if (crypto_random(key, CRYPTO_KEY_LEN) == -1)
		return crypto_fail(err, errlen, "%s: no random bytes", path);
	if ((fp = key_create(path, err, errlen)) == NULL)
		return -1;
	ok = fwrite(key, 1, CRYPTO_KEY_LEN, fp) == CRYPTO_KEY_LEN;
	if (key_finish(fp, path, ok, err, errlen) == -1)
		return -1;
	log_info("event=key_created kind=secret file=%s", path);
	return 0;
}

int
crypto_secret_load(const char *path, unsigned char *key, char *err,
    size_t errlen)
{
	struct stat st;
	int fd;

	fd = key_open(path, &st, err, errlen);
	if (fd == -2)
		return -1;
	if (fd == -1)
		return secret_create(path, key, err, errlen);
	return secret_read(fd, &st, path, key, err, errlen);
}

void
crypto_hmac(const unsigned char *key, const void *msg, size_t len,
    unsigned char *mac)
{
	unsigned int maclen = CRYPTO_MAC_LEN;

	if (HMAC(EVP_sha256(), key, CRYPTO_KEY_LEN, msg, len, mac,
	    &maclen) == NULL || maclen != CRYPTO_MAC_LEN)
		fatalx("HMAC-SHA256 failed");
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
