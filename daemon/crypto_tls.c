/* The HTTP listener's TLS, through OpenSSL (crypto.h). */
#include <sys/socket.h>
#include <netinet/in.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto.h"
#include "log.h"

/* The reason of the first error OpenSSL queued (the one nearest the
 * cause: "No such file or directory", "no start line"), and the queue
 * cleared so that the next call starts afresh. */
static const char *
crypto_tls_reason(void)
{
	unsigned long e = ERR_peek_error();
	const char *why = NULL;

	/* A file that cannot be opened is errno, which OpenSSL 3 has no
	 * string for. */
	if (e != 0 && ERR_SYSTEM_ERROR(e))
		why = strerror(ERR_GET_REASON(e));
	else if (e != 0)
		why = ERR_reason_error_string(e);
	ERR_clear_error();
	return why != NULL ? why : "unknown OpenSSL error";
}

/* Asked for a key's passphrase: there is none to give (a daemon has no
 * terminal, and OpenSSL would read one). Remembers that it was asked. */
static int
crypto_tls_no_pass(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	if (arg != NULL)
		*(int *)arg = 1;
	return -1;
}

/* Whether the error queued is a key that is not the certificate's. */
static int
crypto_tls_mismatch(void)
{
	unsigned long e = ERR_peek_error();

	return ERR_GET_LIB(e) == ERR_LIB_X509 &&
	    ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH;
}

/* The key of ctx's certificate from key; 0, or -1 with err saying why
 * not. */
static int
crypto_tls_key(SSL_CTX *ctx, const char *cert, const char *key, char *err,
    size_t errlen)
{
	int asked = 0, ok;

	SSL_CTX_set_default_passwd_cb(ctx, crypto_tls_no_pass);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &asked);
	/* OpenSSL compares the key with the certificate as it loads it. */
	ok = SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1;
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	if (ok)
		return 0;
	if (asked)
		snprintf(err, errlen, "http: tls_key \"%s\" is encrypted with "
		    "a passphrase: give beacond the key without one (openssl "
		    "pkey -in KEY -out PLAIN.key)", key);
	else if (crypto_tls_mismatch())
		snprintf(err, errlen, "http: tls_key \"%s\" is not the key of "
		    "tls_cert \"%s\": %s", key, cert, crypto_tls_reason());
	else
		snprintf(err, errlen, "http: tls_key \"%s\": cannot load a "
		    "PEM private key: %s", key, crypto_tls_reason());
	ERR_clear_error();
	return -1;
}

/* The chain and key of ctx from their files; 0, or -1 with err naming
 * the file that is wrong and why. */
static int
crypto_tls_load(SSL_CTX *ctx, const char *cert, const char *key, char *err,
    size_t errlen)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(err, errlen, "http: tls_cert \"%s\": cannot load a "
		    "PEM certificate chain: %s", cert, crypto_tls_reason());
		return -1;
	}
	return crypto_tls_key(ctx, cert, key, err, errlen);
}

struct ssl_ctx_st *
crypto_tls_server(const char *cert, const char *key, char *err,
    size_t errlen)
{
	SSL_CTX *ctx;

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		snprintf(err, errlen, "http: cannot make a TLS context: %s",
		    crypto_tls_reason());
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		snprintf(err, errlen, "http: cannot require TLS 1.2: %s",
		    crypto_tls_reason());
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* No renegotiation, no compression (CRIME), the server's choice of
	 * cipher. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (crypto_tls_load(ctx, cert, key, err, errlen) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

struct ssl_st *
crypto_tls_accept(struct ssl_ctx_st *ctx)
{
	SSL *ssl = SSL_new(ctx);

	if (ssl == NULL)
		log_warnx("tls: SSL_new: %s", crypto_tls_reason());
	return ssl;
}

void
crypto_tls_free(struct ssl_ctx_st *ctx)
{
	SSL_CTX_free(ctx);
}

/* ---- the push requests' side: a client ------------------------------- */

struct ssl_ctx_st *
crypto_tls_client(void)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

struct ssl_st *
crypto_tls_connect(struct ssl_ctx_st *ctx, const char *host)
{
	struct in6_addr a;
	SSL *ssl;
	int ok;

	if ((ssl = SSL_new(ctx)) == NULL)
		return NULL;
	/* The certificate must name the host; SNI is for names only. */
	if (inet_pton(AF_INET, host, &a) == 1 ||
	    inet_pton(AF_INET6, host, &a) == 1)
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    host) == 1;
	else
		ok = SSL_set1_host(ssl, host) == 1 &&
		    SSL_set_tlsext_host_name(ssl, host) == 1;
	if (!ok) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

void
crypto_tls_drop(struct ssl_st *ssl)
{
	SSL_free(ssl);
}

int
crypto_tls_why(struct ssl_st *ssl, unsigned long err, char *buf, size_t len)
{
	long v;

	if (ssl != NULL && (v = SSL_get_verify_result(ssl)) != X509_V_OK) {
		snprintf(buf, len, "TLS: certificate not trusted: %s",
		    X509_verify_cert_error_string(v));
		return 1;
	}
	if (err != 0) {
		snprintf(buf, len, "TLS: %s", ERR_reason_error_string(err) ?
		    ERR_reason_error_string(err) : "handshake failed");
		return 1;
	}
	return 0;
}
