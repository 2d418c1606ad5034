/*
 * The push service a configuration names (push.url, push.token,
 * push.timeout, push.retries): parsed once per load and shared by the
 * pushes made under it, and the TLS context an https URL needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include "conf.h"
#include "crypto.h"
#include "log.h"
#include "push_int.h"
#include "xmalloc.h"

void
push_target_drop(struct push_target *t)
{
	if (t == NULL || --t->refs > 0)
		return;
	free(t->host);
	free(t->authority);
	free(t->path);
	free(t->auth);
	free(t);
}

/* Peers are verified against the system's CA store (or SSL_CERT_FILE,
 * as OpenSSL reads it), TLS 1.2 at least. */
static int
push_tls_init(struct push *p)
{
	if (p->tls == NULL)
		p->tls = crypto_tls_client();
	return p->tls != NULL ? 0 : -1;
}

/* The parts of the URL a request needs; NULL with *why set on error. */
static struct push_target *
push_target_parse(const char *url, const char **why)
{
	struct evhttp_uri *u;
	struct push_target *t;
	const char *scheme, *host, *path, *query;
	size_t hlen;

	if ((u = evhttp_uri_parse_with_flags(url, 0)) == NULL) {
		*why = "not a URL libevent can read";
		return NULL;
	}
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	if (scheme == NULL || host == NULL || *host == '\0' ||
	    evhttp_uri_get_userinfo(u) != NULL) {
		*why = "needs http:// or https://, a host and no user name";
		evhttp_uri_free(u);
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->refs = 1;
	t->https = strcasecmp(scheme, "https") == 0;
	t->port = evhttp_uri_get_port(u);
	if (t->port <= 0)
		t->port = t->https ? 443 : 80;
	hlen = strlen(host);
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']')
		t->host = xasprintf("%.*s", (int)hlen - 2, host + 1);
	else
		t->host = xstrdup(host);
	t->authority = evhttp_uri_get_port(u) > 0 ? xasprintf("%s:%d", host,
	    t->port) : xstrdup(host);
	path = evhttp_uri_get_path(u);
	query = evhttp_uri_get_query(u);
	t->path = xasprintf("%s%s%s", path && *path ? path : "/",
	    query ? "?" : "", query ? query : "");
	evhttp_uri_free(u);
	return t;
}

struct push_target *
push_target_url(struct push *p, const char *url, int timeout, int retries,
    const char **why)
{
	struct push_target *t;

	if ((t = push_target_parse(url, why)) == NULL)
		return NULL;
	if (t->https && push_tls_init(p) != 0) {
		*why = "needs https, and OpenSSL cannot load the system's CA "
		    "certificates";
		push_target_drop(t);
		return NULL;
	}
	t->timeout = timeout;
	t->retries = retries;
	return t;
}

static struct push_target *
push_target_new(struct push *p, const struct config *cf)
{
	struct push_target *t;
	const char *why = NULL;

	if ((t = push_target_parse(cf->push_url, &why)) == NULL) {
		/* Not the URL itself: its path may hold a secret. */
		log_warnx("push: url: %s; notifications are not pushed", why);
		return NULL;
	}
	if (cf->push_token != NULL && strpbrk(cf->push_token, "\r\n")) {
		why = "the token has a line break";
	} else if (t->https && push_tls_init(p) != 0)
		why = "OpenSSL cannot load the system's CA certificates";
	if (why != NULL) {
		log_warnx("push: %s; notifications are not pushed", why);
		push_target_drop(t);
		return NULL;
	}
	if (cf->push_token != NULL)
		t->auth = xasprintf("Bearer %s", cf->push_token);
	t->timeout = cf->push_timeout;
	t->retries = cf->push_retries;
	return t;
}

int
push_set_config(struct push *p, const struct config *cf)
{
	struct push_target *t = NULL;
	int rc = 0;

	p->cf = cf;
	if (cf->push_url != NULL && (t = push_target_new(p, cf)) == NULL)
		rc = -1;
	if (t != NULL)
		log_info("event=push_config host=%s https=%d timeout=%d "
		    "retries=%d", t->authority, t->https, t->timeout,
		    t->retries);
	else if (p->t != NULL)
		log_info("event=push_config off");
	push_target_drop(p->t);
	p->t = t;
	return rc;
}
