/*
 * beacond's cryptography (crypto.c): RFC 8291's worked example, a round
 * trip decrypted here the way a browser does, VAPID key files and tokens
 * checked with OpenSSL, the links' secret file, HMAC, base64url.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "crypto.h"
#include "log.h"

/* RFC 8291 Appendix A. */
static const char rfc_plain[] = "When I grow up, I want to be a watermelon";
static const char rfc_ua_priv[] = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
static const char rfc_ua_pub[] =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7V"
    "d8pZGH6SRpkNtoIAiw4";
static const char rfc_as_priv[] = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
static const char rfc_auth[] = "BTBZMqHH6r4Tts7J_aSIgg";
static const char rfc_salt[] = "DGv6ra1nlYgDCS1FRnbzlw";
static const char rfc_body[] =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

static char tmpdir[256];

static void
decode(const char *s, unsigned char *out, size_t len)
{
	assert_int_equal(crypto_b64url_decode(s, out, len), (ssize_t)len);
}

/* A P-256 key from its point and, when priv is not NULL, its scalar. */
static EVP_PKEY *
p256_key(const unsigned char *pub, const unsigned char *priv)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	BIGNUM *d = priv != NULL ? BN_bin2bn(priv, 32, NULL) : NULL;
	EVP_PKEY *key = NULL;
	OSSL_PARAM *params;

	assert_non_null(bld);
	assert_true(OSSL_PARAM_BLD_push_utf8_string(bld,
	    OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0));
	assert_true(OSSL_PARAM_BLD_push_octet_string(bld,
	    OSSL_PKEY_PARAM_PUB_KEY, pub, CRYPTO_P256_PUB));
	if (d != NULL)
		assert_true(OSSL_PARAM_BLD_push_BN(bld,
		    OSSL_PKEY_PARAM_PRIV_KEY, d));
	params = OSSL_PARAM_BLD_to_param(bld);
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(EVP_PKEY_fromdata(ctx, &key, d != NULL ?
	    EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params), 1);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(d);
	return key;
}

/* HKDF-SHA256 from RFC 5869 with HMAC alone, for at most 32 bytes. */
static void
hkdf(const unsigned char *salt, size_t saltlen, const unsigned char *ikm,
    size_t ikmlen, const char *info, size_t infolen, unsigned char *out,
    size_t outlen)
{
	unsigned char prk[32], t[32], buf[256];
	unsigned int len;

	assert_non_null(HMAC(EVP_sha256(), salt, (int)saltlen, ikm, ikmlen,
	    prk, &len));
	memcpy(buf, info, infolen);
	buf[infolen] = 0x01;
	assert_non_null(HMAC(EVP_sha256(), prk, 32, buf, infolen + 1, t,
	    &len));
	memcpy(out, t, outlen);
}

/* What a browser does with a push message (RFC 8291, RFC 8188): the
 * plaintext, or -1. */
static ssize_t
ece_decrypt(const unsigned char *body, size_t len, EVP_PKEY *ua,
    const unsigned char *ua_pub, const unsigned char *auth,
    unsigned char *plain)
{
	unsigned char secret[32], ikm[32], cek[16], nonce[12], info[144];
	const unsigned char *salt = body, *as_pub = body + 21;
	EVP_PKEY *as = p256_key(as_pub, NULL);
	EVP_PKEY_CTX *dctx = EVP_PKEY_CTX_new_from_pkey(NULL, ua, NULL);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	size_t slen = sizeof secret, n = len - 86 - 16;
	int out, fin, ok;

	assert_int_equal(body[16] << 24 | body[17] << 16 | body[18] << 8 |
	    body[19], 4096);
	assert_int_equal(body[20], 65);
	assert_int_equal(EVP_PKEY_derive_init(dctx), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(dctx, as), 1);
	assert_int_equal(EVP_PKEY_derive(dctx, secret, &slen), 1);
	memcpy(info, "WebPush: info", 14);
	memcpy(info + 14, ua_pub, 65);
	memcpy(info + 79, as_pub, 65);
	hkdf(auth, 16, secret, 32, (const char *)info, sizeof info, ikm, 32);
	hkdf(salt, 16, ikm, 32, "Content-Encoding: aes128gcm", 28, cek, 16);
	hkdf(salt, 16, ikm, 32, "Content-Encoding: nonce", 24, nonce, 12);
	ok = EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, cek, nonce) &&
	    EVP_DecryptUpdate(c, plain, &out, body + 86, (int)n) &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16,
	    (void *)(body + len - 16)) &&
	    EVP_DecryptFinal_ex(c, plain + out, &fin) == 1;
	EVP_CIPHER_CTX_free(c);
	EVP_PKEY_CTX_free(dctx);
	EVP_PKEY_free(as);
	if (!ok || n == 0 || plain[n - 1] != 0x02)
		return -1;
	return (ssize_t)n - 1;
}

static void
test_rfc8291(void **state)
{
	unsigned char ua_pub[65], ua_priv[32], as_priv[32], auth[16],
	    salt[16], *out, plain[64];
	EVP_PKEY *ua;
	char err[128], *b64;
	size_t len;

	(void)state;
	decode(rfc_ua_pub, ua_pub, sizeof ua_pub);
	decode(rfc_ua_priv, ua_priv, sizeof ua_priv);
	decode(rfc_as_priv, as_priv, sizeof as_priv);
	decode(rfc_auth, auth, sizeof auth);
	decode(rfc_salt, salt, sizeof salt);
	assert_int_equal(crypto_ece_encrypt_with(ua_pub, auth, rfc_plain,
	    strlen(rfc_plain), salt, as_priv, &out, &len, err, sizeof err), 0);
	assert_int_equal(len, CRYPTO_ECE_OVERHEAD + strlen(rfc_plain));
	b64 = crypto_b64url(out, len);
	assert_string_equal(b64, rfc_body);
	/* The decryption here opens the RFC's own message. */
	ua = p256_key(ua_pub, ua_priv);
	assert_int_equal(ece_decrypt(out, len, ua, ua_pub, auth, plain),
	    (ssize_t)strlen(rfc_plain));
	assert_memory_equal(plain, rfc_plain, strlen(rfc_plain));
	EVP_PKEY_free(ua);
	free(b64);
	free(out);
}

static void
test_roundtrip(void **state)
{
	static const char msg[] = "{\"v\": 1, \"kind\": \"incident\"}";
	EVP_PKEY *ua = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char ua_pub[65], auth[16], *out, *out2, plain[4096];
	unsigned char big[4000] = { 0 };
	size_t len, len2;
	char err[128];

	(void)state;
	assert_non_null(ua);
	assert_true(EVP_PKEY_get_octet_string_param(ua,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, ua_pub, sizeof ua_pub, &len));
	assert_int_equal(crypto_random(auth, sizeof auth), 0);
	assert_int_equal(crypto_ece_encrypt(ua_pub, auth, msg, strlen(msg),
	    &out, &len, err, sizeof err), 0);
	assert_int_equal(len, CRYPTO_ECE_OVERHEAD + strlen(msg));
	assert_int_equal(ece_decrypt(out, len, ua, ua_pub, auth, plain),
	    (ssize_t)strlen(msg));
	assert_memory_equal(plain, msg, strlen(msg));
	/* A fresh salt and sender's key each time. */
	assert_int_equal(crypto_ece_encrypt(ua_pub, auth, msg, strlen(msg),
	    &out2, &len2, err, sizeof err), 0);
	assert_memory_not_equal(out, out2, 16);
	assert_memory_not_equal(out + 21, out2 + 21, 65);
	/* A tampered message does not open. */
	out[len - 1] ^= 1;
	assert_int_equal(ece_decrypt(out, len, ua, ua_pub, auth, plain), -1);
	free(out);
	free(out2);
	/* The largest that fits a push service's 4096 bytes, and more. */
	assert_int_equal(crypto_ece_encrypt(ua_pub, auth, big, 3993, &out,
	    &len, err, sizeof err), 0);
	assert_int_equal(len, 4096);
	free(out);
	assert_int_equal(crypto_ece_encrypt(ua_pub, auth, big, 3994, &out,
	    &len, err, sizeof err), -1);
	assert_null(out);
	EVP_PKEY_free(ua);
}

static void
test_bad_point(void **state)
{
	unsigned char ua_pub[65], auth[16] = { 0 }, as_priv[32], *out;
	char err[128];
	size_t len;

	(void)state;
	decode(rfc_ua_pub, ua_pub, sizeof ua_pub);
	decode(rfc_as_priv, as_priv, sizeof as_priv);
	ua_pub[64] ^= 1;	/* off the curve */
	assert_int_equal(crypto_ece_encrypt(ua_pub, auth, "x", 1, &out, &len,
	    err, sizeof err), -1);
	assert_null(out);
	assert_non_null(strstr(err, "not a P-256 public key"));
	ua_pub[64] ^= 1;
	ua_pub[0] = 0x03;	/* not the uncompressed form */
	assert_int_equal(crypto_ece_encrypt_with(ua_pub, auth, "x", 1,
	    auth, as_priv, &out, &len, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a P-256 public key"));
	memset(as_priv, 0, sizeof as_priv);	/* no such private key */
	ua_pub[0] = 0x04;
	assert_int_equal(crypto_ece_encrypt_with(ua_pub, auth, "x", 1,
	    auth, as_priv, &out, &len, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a P-256 private key"));
}

/* The path of name in the test's directory, until the next call. */
static char *
tmppath(const char *name)
{
	static char path[sizeof tmpdir + 32];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static mode_t
file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Check the ES256 signature of a JWT against the raw public key. */
static int
jwt_verify(const char *jwt, const char *pub64)
{
	unsigned char pub[65], raw[64], der[80], *p = der;
	const char *dot = strrchr(jwt, '.');
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *sig = ECDSA_SIG_new();
	EVP_PKEY *key;
	int derlen, ok;

	decode(pub64, pub, sizeof pub);
	key = p256_key(pub, NULL);
	assert_non_null(dot);
	assert_int_equal(crypto_b64url_decode(dot + 1, raw, sizeof raw), 64);
	assert_true(ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, NULL),
	    BN_bin2bn(raw + 32, 32, NULL)));
	derlen = i2d_ECDSA_SIG(sig, &p);
	assert_true(derlen > 0);
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(md, der, derlen, (const unsigned char *)jwt,
	    dot - jwt) == 1;
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ok;
}

/* The JSON of a JWT's part i (0 header, 1 claims). */
static void
jwt_part(const char *jwt, int i, char *out, size_t max)
{
	char part[512];
	const char *s = jwt;
	size_t n;
	ssize_t len;

	for (; i > 0; i--)
		s = strchr(s, '.') + 1;
	n = strcspn(s, ".");
	assert_true(n < sizeof part);
	memcpy(part, s, n);
	part[n] = '\0';
	len = crypto_b64url_decode(part, out, max - 1);
	assert_true(len > 0);
	out[len] = '\0';
}

static void
test_vapid(void **state)
{
	struct crypto_vapid *v, *v2;
	char err[256], json[512], *auth, *jwt, *path;
	unsigned char pub[65];
	const char *k;
	FILE *fp;

	(void)state;
	assert_null(crypto_vapid_load(tmppath("none/vapid.pem"), err,
	    sizeof err));
	assert_non_null(strstr(err, "cannot create"));
	path = tmppath("vapid.pem");
	v = crypto_vapid_load(path, err, sizeof err);
	assert_non_null(v);
	assert_int_equal(file_mode(path), 0600);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(json, sizeof json, fp));
	assert_string_equal(json, "-----BEGIN PRIVATE KEY-----\n");
	fclose(fp);
	decode(crypto_vapid_public(v), pub, sizeof pub);
	assert_int_equal(pub[0], 0x04);
	v2 = crypto_vapid_load(path, err, sizeof err);
	assert_non_null(v2);
	assert_string_equal(crypto_vapid_public(v2), crypto_vapid_public(v));
	crypto_vapid_free(v2);

	auth = crypto_vapid_auth(v, "https://push.example.net", 1800000000,
	    "mailto:it@library.example.org");
	assert_non_null(auth);
	assert_int_equal(strncmp(auth, "vapid t=", 8), 0);
	k = strstr(auth, ", k=");
	assert_non_null(k);
	assert_string_equal(k + 4, crypto_vapid_public(v));
	jwt = strndup(auth + 8, k - auth - 8);
	jwt_part(jwt, 0, json, sizeof json);
	assert_string_equal(json, "{\"typ\":\"JWT\",\"alg\":\"ES256\"}");
	jwt_part(jwt, 1, json, sizeof json);
	assert_string_equal(json, "{\"aud\":\"https://push.example.net\","
	    "\"exp\":1800000000,\"sub\":\"mailto:it@library.example.org\"}");
	assert_true(jwt_verify(jwt, crypto_vapid_public(v)));
	jwt[10] = jwt[10] == 'A' ? 'B' : 'A';
	assert_false(jwt_verify(jwt, crypto_vapid_public(v)));
	free(jwt);
	free(auth);

	auth = crypto_vapid_auth(v, "https://a\"b\\c", 1, "x");
	jwt = strndup(auth + 8, strstr(auth, ", k=") - auth - 8);
	jwt_part(jwt, 1, json, sizeof json);
	assert_string_equal(json,
	    "{\"aud\":\"https://a\\\"b\\\\c\",\"exp\":1,\"sub\":\"x\"}");
	free(jwt);
	free(auth);
	crypto_vapid_free(v);

	assert_int_equal(chmod(path, 0644), 0);
	assert_null(crypto_vapid_load(path, err, sizeof err));
	assert_non_null(strstr(err,
	    "vapid.pem: readable by others (mode 0644): chmod 600 it"));
	assert_int_equal(unlink(path), 0);
}

static void
write_file(const char *path, const void *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void
test_vapid_refused(void **state)
{
	EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	char err[256], *path = tmppath("other.pem");
	FILE *fp;

	(void)state;
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(PEM_write_PrivateKey(fp, p384, NULL, NULL, 0, NULL,
	    NULL), 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0600), 0);
	assert_null(crypto_vapid_load(path, err, sizeof err));
	assert_non_null(strstr(err, "not a P-256"));
	write_file(path, "not a key\n", 10);
	assert_null(crypto_vapid_load(path, err, sizeof err));
	assert_non_null(strstr(err, "not a PEM private key"));
	assert_int_equal(unlink(path), 0);
	EVP_PKEY_free(p384);
}

static void
test_secret(void **state)
{
	unsigned char key[CRYPTO_KEY_LEN], again[CRYPTO_KEY_LEN];
	char err[256], *path = tmppath("links.key");
	struct stat st;

	(void)state;
	assert_int_equal(crypto_secret_load(path, key, err, sizeof err), 0);
	assert_int_equal(file_mode(path), 0600);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, CRYPTO_KEY_LEN);
	assert_int_equal(crypto_secret_load(path, again, err, sizeof err), 0);
	assert_memory_equal(key, again, sizeof key);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(crypto_secret_load(path, again, err, sizeof err), -1);
	assert_non_null(strstr(err, "readable by others (mode 0640)"));
	assert_int_equal(chmod(path, 0600), 0);
	write_file(path, key, 31);
	assert_int_equal(crypto_secret_load(path, again, err, sizeof err), -1);
	assert_non_null(strstr(err, "31 bytes, not 32"));
	assert_int_equal(unlink(path), 0);
}

static void
test_hmac(void **state)
{
	/* RFC 4231 test case 2's message under the key "Jefe" padded with
	 * zeros to 32 bytes, which HMAC pads so anyway: the RFC's value,
	 * 5bdcc146...3843, and that of `printf 'what do ya want for
	 * nothing?' | openssl dgst -sha256 -mac HMAC -macopt
	 * hexkey:4a656665` followed by 56 zeros. The second pair is from the
	 * same command with hexkey 000102...1f (bytes 0 to 31). */
	static const unsigned char tc2[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04,
		0x24, 0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08,
		0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec,
		0x38, 0x43,
	};
	static const unsigned char seq[32] = {
		0x09, 0x98, 0x05, 0xf4, 0xac, 0x31, 0x07, 0x86, 0x96, 0x85,
		0x65, 0xc0, 0x98, 0xdb, 0x51, 0x5c, 0xc5, 0x08, 0x62, 0xb4,
		0x20, 0xae, 0x31, 0xe2, 0x02, 0x38, 0x31, 0x23, 0x44, 0xbe,
		0xd3, 0x6a,
	};
	static const char msg[] = "what do ya want for nothing?";
	unsigned char key[32] = "Jefe", mac[32];
	int i;

	(void)state;
	crypto_hmac(key, msg, strlen(msg), mac);
	assert_memory_equal(mac, tc2, 32);
	assert_true(crypto_equal(mac, tc2, 32));
	for (i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
	crypto_hmac(key, msg, strlen(msg), mac);
	assert_memory_equal(mac, seq, 32);
	mac[31] ^= 0x80;
	assert_false(crypto_equal(mac, seq, 32));
	mac[31] ^= 0x80;
	mac[0] ^= 1;
	assert_false(crypto_equal(mac, seq, 32));
	assert_true(crypto_equal(mac, seq, 0));
}

static void
test_b64url(void **state)
{
	static const struct {
		const char *plain, *enc;
	} v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" }, { "\xfb\xff", "-_8" },
		{ "\xff\xfe\xfd", "__79" },
	};
	static const char *bad[] = { "Zm9v+", "Zm/v", "Z", "Zm9vY", "Zg=",
		"Zg===", "Z=g=", "Zm 9v", "Zm9v\n", "Zm9v=" };
	unsigned char buf[64], rnd[40];
	char *s;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		s = crypto_b64url(v[i].plain, strlen(v[i].plain));
		assert_string_equal(s, v[i].enc);
		free(s);
		assert_int_equal(crypto_b64url_decode(v[i].enc, buf,
		    sizeof buf), (ssize_t)strlen(v[i].plain));
		assert_memory_equal(buf, v[i].plain, strlen(v[i].plain));
	}
	assert_int_equal(crypto_b64url_decode("Zg==", buf, sizeof buf), 1);
	assert_int_equal(crypto_b64url_decode("Zm8=", buf, sizeof buf), 2);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(crypto_b64url_decode(bad[i], buf, sizeof buf),
		    -1);
	assert_int_equal(crypto_b64url_decode("Zm9vYmFy", buf, 5), -1);
	assert_int_equal(crypto_b64url_decode("Zm9vYmFy", buf, 6), 6);
	for (n = 0; n <= sizeof rnd; n++) {
		assert_int_equal(crypto_random(rnd, n), 0);
		s = crypto_b64url(rnd, n);
		assert_null(strpbrk(s, "+/="));
		assert_int_equal(crypto_b64url_decode(s, buf, n), (ssize_t)n);
		assert_memory_equal(buf, rnd, n);
		free(s);
	}
}

static int
setup(void **state)
{
	(void)state;
	log_init("test_crypto", 0);
	snprintf(tmpdir, sizeof tmpdir, "%s/beacon-crypto-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* What a failed test left behind goes too. */
static int
teardown(void **state)
{
	static const char *names[] = { "vapid.pem", "other.pem", "links.key" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(tmppath(names[i]));
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8291),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_point),
		cmocka_unit_test(test_vapid),
		cmocka_unit_test(test_vapid_refused),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_hmac),
		cmocka_unit_test(test_b64url),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
