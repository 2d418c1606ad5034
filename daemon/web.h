/*
 * beacond's HTTP listener for the web pages (docs/web.md): GET and HEAD of
 * the built pages under one root directory, with their Content-Type, a
 * Content-Security-Policy and cache headers, on beacond's event loop
 * (libevent's evhttp). Off unless the configuration has http: { }.
 */
#ifndef BEACON_WEB_H
#define BEACON_WEB_H

#include <stddef.h>

struct event_base;
struct web;

/* Listen on addr ("host:port") and serve the files under root; NULL and
 * *cause (to free) when the address cannot be bound or root opened. */
struct web *web_new(struct event_base *base, const char *addr,
    const char *root, char **cause);
void web_free(struct web *w);

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
