/*
 * beacond's HTTP listener for the web pages (docs/web.md): GET and HEAD of
 * the built pages under one root directory, with their Content-Type, a
 * Content-Security-Policy and cache headers, on beacond's event loop
 * (libevent's evhttp), over HTTPS when a certificate is configured. Off
 * unless the configuration has http: { }.
 */
#ifndef BEACON_WEB_H
#define BEACON_WEB_H

#include <stddef.h>

struct event_base;
struct evhttp_request;
struct web;

/* Answers the requests whose path starts with a route's prefix: rest is
 * the path after the prefix, still percent-encoded. It must answer. */
typedef void (*web_route_fn)(struct evhttp_request *, const char *rest,
    void *arg);

/* Listen on addr ("host:port") and serve the files under root, over
 * HTTPS with the PEM certificate chain tls_cert and key tls_key when
 * both are given (NULL: plain HTTP); NULL and *cause (to free) when the
 * address cannot be bound, root opened, or the certificate and key
 * loaded. */
struct web *web_new(struct event_base *base, const char *addr,
    const char *root, const char *tls_cert, const char *tls_key,
    char **cause);
void web_free(struct web *w);
/* Send the requests under prefix (a string that outlives w, "/a/") to fn,
 * whatever their method. */
void web_route(struct web *w, const char *prefix, web_route_fn fn,
    void *arg);
/* An answer with the listener's security headers and no caching. */
void web_reply(struct evhttp_request *, int code, const char *reason,
    const char *type, const char *body, size_t len);
/* The same with its own Content-Security-Policy (a page with an inline
 * style of its own, the board report). */
void web_reply_csp(struct evhttp_request *, int code, const char *reason,
    const char *type, const char *body, size_t len, const char *csp);
/* A short page for a person: title as its heading, text, then a button
 * that POSTs to the same address (none when NULL) and tail, HTML of the
 * caller's own (none when NULL). Title, text and button are escaped. */
void web_page(struct evhttp_request *, int code, const char *reason,
    const char *title, const char *text, const char *button,
    const char *tail);
/* The same in lang ("fr": <html lang="fr-CA">; the texts are the
 * caller's, in that language). */
void web_page_lang(struct evhttp_request *, const char *lang, int code,
    const char *reason, const char *title, const char *text,
    const char *button, const char *tail);
/* The address the request came from ("" when unknown). */
const char *web_peer(struct evhttp_request *);

/* A decoded request path (len bytes) that may be looked up under the
 * root: it starts with '/' and has no "..", "//", NUL or backslash. */
int web_path_ok(const char *path, size_t len);
/* The Content-Type of a file by its extension. */
const char *web_content_type(const char *path);
/* Cache-Control: the pages, the service worker and the manifest are
 * checked each time (so the service worker can update); the rest kept
 * an hour. */
const char *web_cache_control(const char *path);

#endif
