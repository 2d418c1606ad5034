/* beacond's HTTP listener: the built web pages, read-only (web.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "crypto.h"
#include "log.h"
#include "web.h"
#include "xmalloc.h"

#define WEB_PAGE_MAX 4096	/* web_page */

/* What the pages need and no more: scripts, styles and the service
 * worker from this origin, MQTT over websockets to the broker's port, and
 * the timers' worker that mqtt.js makes from a blob: URL (worker-timers,
 * which keeps the keepalive going in a background tab). */
#define WEB_CSP "default-src 'self'; connect-src 'self' ws: wss:; " \
	"img-src 'self' data:; style-src 'self'; script-src 'self'; " \
	"worker-src 'self' blob:; manifest-src 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'; object-src 'none'; " \
	"form-action 'self'"

/* HTTPS only, for a year, on this host name alone (other hosts of the
 * library's domain may still need plain http). Sent over TLS only: a
 * browser ignores it on plain http. */
#define WEB_HSTS "max-age=31536000"

#define WEB_ROUTES 4

struct web_route {
	const char *prefix;
	web_route_fn fn;
	void *arg;
};

struct web {
	struct evhttp *http;
	struct ssl_ctx_st *tls;		/* NULL: plain HTTP */
	int root_fd;
	struct web_route routes[WEB_ROUTES];
	size_t nroutes;
};

static const struct {
	const char *ext;
	const char *type;
} web_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "webmanifest", "application/manifest+json" },
	{ "json", "application/json" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "ico", "image/x-icon" },
	{ "txt", "text/plain; charset=utf-8" },
};

int
web_path_ok(const char *path, size_t len)
{
	if (len == 0 || path[0] != '/' || strlen(path) != len)
		return 0;
	/* "//" would make the path below the root absolute ("/%2fetc"),
	 * and openat takes an absolute path as it is. */
	return strstr(path, "..") == NULL && strstr(path, "//") == NULL &&
	    strchr(path, '\\') == NULL;
}

/* The extension of the last segment, or NULL. */
static const char *
web_ext(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	return dot != NULL ? dot + 1 : NULL;
}

const char *
web_content_type(const char *path)
{
	const char *ext = web_ext(path);
	size_t i;

	for (i = 0; ext != NULL && i < sizeof web_types / sizeof *web_types;
	    i++)
		if (strcmp(ext, web_types[i].ext) == 0)
			return web_types[i].type;
	return "application/octet-stream";
}

const char *
web_cache_control(const char *path)
{
	const char *ext = web_ext(path), *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (strcmp(base, "sw.js") == 0 || (ext != NULL &&
	    (strcmp(ext, "html") == 0 || strcmp(ext, "webmanifest") == 0)))
		return "no-cache";
	return "max-age=3600";
}

/* ---- answers ----------------------------------------------------------- */

/* Whether the request came over TLS: its connection's bufferevent is
 * an OpenSSL one. */
static int
web_over_tls(struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	struct bufferevent *bev;

	if (c == NULL || (bev = evhttp_connection_get_bufferevent(c)) == NULL)
		return 0;
	return bufferevent_openssl_get_ssl(bev) != NULL;
}

static void
web_headers_csp(struct evhttp_request *req, const char *csp)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Content-Security-Policy", csp);
	if (web_over_tls(req))
		evhttp_add_header(h, "Strict-Transport-Security", WEB_HSTS);
}

static void
web_headers(struct evhttp_request *req)
{
	web_headers_csp(req, WEB_CSP);
}

void
web_reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, const char *body, size_t len)
{
	web_reply_csp(req, code, reason, type, body, len, WEB_CSP);
}

void
web_reply_csp(struct evhttp_request *req, int code, const char *reason,
    const char *type, const char *body, size_t len, const char *csp)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		fatalx("evbuffer_new");
	web_headers_csp(req, csp);
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

/* s with &, <, >, " escaped, into buf (cut short to fit). */
static const char *
web_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	const char *rep;

	for (; *s != '\0' && o + 7 < len; s++) {
		rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ?
		    "&gt;" : *s == '"' ? "&quot;" : NULL;
		if (rep != NULL) {
			memcpy(buf + o, rep, strlen(rep));
			o += strlen(rep);
		} else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

void
web_page(struct evhttp_request *req, int code, const char *reason,
    const char *title, const char *text, const char *button,
    const char *tail)
{
	web_page_lang(req, NULL, code, reason, title, text, button, tail);
}

void
web_page_lang(struct evhttp_request *req, const char *lang, int code,
    const char *reason, const char *title, const char *text,
    const char *button, const char *tail)
{
	char page[WEB_PAGE_MAX], t[512], x[1024], b[128];
	int n;

	n = snprintf(page, sizeof page, "<!doctype html>\n<html lang=\"%s\">"
	    "<head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"><title>Beacon: "
	    "%s</title><link rel=\"stylesheet\" href=\"/beacon.css\"></head>"
	    "<body class=\"link-page\"><main class=\"wrap\"><h1>%s</h1>"
	    "<p class=\"link-text\">%s</p>%s%s%s%s</main></body></html>\n",
	    lang != NULL && strcmp(lang, "fr") == 0 ? "fr-CA" : "en",
	    web_escape(title, t, sizeof t), t, web_escape(text, x, sizeof x),
	    button ? "<form method=\"post\"><button type=\"submit\" "
	    "class=\"act primary\">" : "", button ? web_escape(button, b,
	    sizeof b) : "", button ? "</button></form>" : "", tail ? tail : "");
	if (n < 0 || (size_t)n >= sizeof page)
		n = snprintf(page, sizeof page, "%s\n", reason);
	web_reply(req, code, reason, "text/html; charset=utf-8", page,
	    (size_t)n);
}

const char *
web_peer(struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	const char *addr = NULL;
	ev_uint16_t port;

	if (c != NULL)
		evhttp_connection_get_peer(c, (char **)&addr, &port);
	return addr != NULL ? addr : "";
}

void
web_route(struct web *w, const char *prefix, web_route_fn fn, void *arg)
{
	if (w->nroutes == WEB_ROUTES)
		fatalx("web: too many routes");
	w->routes[w->nroutes++] = (struct web_route){ prefix, fn, arg };
}

/* The route whose prefix the request's path starts with, or NULL; *rest
 * is the path after it, as sent (still encoded). */
static const struct web_route *
web_find_route(const struct web *w, struct evhttp_request *req,
    const char **rest)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	size_t i, n;

	for (i = 0; path != NULL && i < w->nroutes; i++) {
		n = strlen(w->routes[i].prefix);
		if (strncmp(path, w->routes[i].prefix, n) == 0) {
			*rest = path + n;
			return &w->routes[i];
		}
	}
	return NULL;
}

/* A short plain-text answer: 403, 404, 405. */
static void
web_error(struct evhttp_request *req, int code, const char *reason)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *body = evbuffer_new();

	if (body == NULL)
		fatalx("evbuffer_new");
	web_headers(req);
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	if (code == 405)
		evhttp_add_header(h, "Allow", "GET, HEAD");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		evbuffer_add_printf(body, "%s\n", reason);
	evhttp_send_reply(req, code, reason, body);
	evbuffer_free(body);
}

/* The file at rel under the root, opened if it is a regular file. */
static int
web_open(const struct web *w, const char *rel, struct stat *sb)
{
	int fd;

	fd = openat(w->root_fd, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
web_send_file(struct evhttp_request *req, const char *rel, int fd,
    const struct stat *sb)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *body = evbuffer_new();
	char len[32];

	if (body == NULL)
		fatalx("evbuffer_new");
	web_headers(req);
	evhttp_add_header(h, "Content-Type", web_content_type(rel));
	evhttp_add_header(h, "Cache-Control", web_cache_control(rel));
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(len, sizeof len, "%lld", (long long)sb->st_size);
		evhttp_add_header(h, "Content-Length", len);
		close(fd);
	} else if (evbuffer_add_file(body, fd, 0, sb->st_size) != 0) {
		/* Only when memory or mappings run out; the descriptor is
		 * still ours then. */
		close(fd);
		evbuffer_free(body);
		web_error(req, 500, "Internal Server Error");
		return;
	}
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

/* The decoded path below the root ("index.html" for a directory), or
 * NULL when it may not be looked up. */
static char *
web_rel(struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	char *dec, *rel;
	size_t len;

	if (uri == NULL)
		return NULL;
	if (path == NULL || *path == '\0')
		path = "/";
	if ((dec = evhttp_uridecode(path, 0, &len)) == NULL)
		return NULL;
	if (!web_path_ok(dec, len)) {
		free(dec);
		return NULL;
	}
	if (dec[len - 1] == '/')
		rel = xasprintf("%sindex.html", dec + 1);
	else
		rel = xstrdup(dec + 1);
	free(dec);
	return rel;
}

static void
web_request(struct evhttp_request *req, void *arg)
{
	struct web *w = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const struct web_route *rt;
	const char *rest;
	struct stat sb;
	char *rel;
	int fd;

	if ((rt = web_find_route(w, req, &rest)) != NULL) {
		rt->fn(req, rest, rt->arg);
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		web_error(req, 405, "Method Not Allowed");
		return;
	}
	if ((rel = web_rel(req)) == NULL) {
		web_error(req, 403, "Forbidden");
		return;
	}
	if ((fd = web_open(w, rel, &sb)) == -1)
		web_error(req, 404, "Not Found");
	else
		web_send_file(req, rel, fd, &sb);
	free(rel);
}

/* ---- the listener ------------------------------------------------------ */

/* addr's host and port (checked by the configuration). */
static int
web_bind(struct web *w, const char *addr, char **cause)
{
	const char *colon = strrchr(addr, ':');
	char *host = xasprintf("%.*s", (int)(colon - addr), addr);
	int port = atoi(colon + 1);

	if (evhttp_bind_socket_with_handle(w->http, host, (ev_uint16_t)port) ==
	    NULL) {
		*cause = xasprintf("http: cannot listen on %s: %s", addr,
		    errno != 0 ? strerror(errno) : "bind failed");
		free(host);
		return -1;
	}
	free(host);
	return 0;
}

/* Each new connection's bufferevent when serving HTTPS: TLS on the
 * socket evhttp accepted (it sets the descriptor), the handshake first.
 * There is no falling back to plain HTTP: evhttp would make a plain
 * bufferevent if this returned NULL, so a failure here (memory) is
 * fatal. */
static struct bufferevent *
web_tls_bev(struct event_base *base, void *arg)
{
	struct web *w = arg;
	struct ssl_st *ssl;
	struct bufferevent *bev;

	if ((ssl = crypto_tls_accept(w->tls)) == NULL)
		fatalx("http: no TLS state for a new connection");
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("bufferevent_openssl_socket_new");
	/* A browser may close without TLS's close_notify: an end of the
	 * connection, not an error. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* The TLS context from cert and key, when both are given. */
static int
web_tls(struct web *w, const char *cert, const char *key, char **cause)
{
	char err[1024];

	if (cert == NULL || key == NULL)
		return 0;
	if ((w->tls = crypto_tls_server(cert, key, err, sizeof err)) == NULL) {
		*cause = xstrdup(err);
		return -1;
	}
	evhttp_set_bevcb(w->http, web_tls_bev, w);
	return 0;
}

struct web *
web_new(struct event_base *base, const char *addr, const char *root,
    const char *tls_cert, const char *tls_key, char **cause)
{
	struct web *w = xcalloc(1, sizeof *w);

	*cause = NULL;
	w->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->root_fd == -1) {
		*cause = xasprintf("http: root \"%s\": %s", root,
		    strerror(errno));
		free(w);
		return NULL;
	}
	if ((w->http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	if (web_tls(w, tls_cert, tls_key, cause) != 0) {
		web_free(w);
		return NULL;
	}
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(w->http, 8192);
	evhttp_set_max_body_size(w->http, 4096);
	evhttp_set_timeout(w->http, 30);
	evhttp_set_gencb(w->http, web_request, w);
	errno = 0;
	if (web_bind(w, addr, cause) != 0) {
		web_free(w);
		return NULL;
	}
	return w;
}

void
web_free(struct web *w)
{
	if (w == NULL)
		return;
	evhttp_free(w->http);
	crypto_tls_free(w->tls);
	close(w->root_fd);
	free(w);
}
