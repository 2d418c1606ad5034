/*
 * What reaches a responder's phone in a pocket (beacond.h): Web Push to
 * the app's subscriptions and the signed action links its notifications
 * carry, served on the http listener; the board report's links
 * (boardreport.h) are signed with the same secret. Their keys live
 * beside the database unless beacon.conf names a path, made at first
 * start.
 */
#include <sys/queue.h>

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacond.h"
#include "boardreport.h"
#include "conf.h"
#include "crypto.h"
#include "engine.h"
#include "link.h"
#include "log.h"
#include "mqtt.h"
#include "push.h"
#include "store.h"
#include "webpush.h"
#include "xmalloc.h"

/* Notifications committed in this turn, pushed once the turn's MQTT
 * publications are out: encrypting and signing for every phone must not
 * hold up the notification that is already on its way. */
struct phone_note {
	STAILQ_ENTRY(phone_note) entry;
	char *responder;
	char *payload;
};

struct phone_queue {
	STAILQ_HEAD(, phone_note) notes;
	struct event *ev;
};

static void phone_drain(evutil_socket_t, short, void *);

/* A key file's path: as configured, else name beside the database. */
static char *
phone_path(const struct daemon *d, const char *configured, const char *name)
{
	char *db, *dir, *path;

	if (configured != NULL)
		return xstrdup(configured);
	db = xstrdup(d->args.db != NULL ? d->args.db : d->cf->database);
	dir = dirname(db);
	path = xasprintf("%s/%s", dir, name);
	free(db);
	return path;
}

/* The address phones use: http.url, else the listener's own. */
static char *
phone_base(const struct config *cf)
{
	if (cf->http_url != NULL)
		return xstrdup(cf->http_url);
	return xasprintf("%s://%s", cf->http_tls_cert != NULL ? "https" :
	    "http", cf->http_listen);
}

/* An action link used: only the active instance answers. */
static int
phone_act(void *arg, const struct link_token *t, char *msg, size_t len)
{
	struct daemon *d = arg;
	int rc;

	if (!d->active || d->engine == NULL) {
		snprintf(msg, len, "This Beacon is standing by for its "
		    "partner: nothing was recorded. Open the Beacon app.");
		return ENGINE_ACT_REFUSED;
	}
	rc = engine_act(d->engine, t->responder, t->incident, t->action,
	    t->key, msg, len);
	/* Durable before the answer: the action is committed now. */
	daemon_flush(d);
	return rc;
}

/* "Suspected overdose at Central Library: Children's area" */
static const char *
phone_describe(void *arg, int64_t incident, const char *responder, char *buf,
    size_t len)
{
	struct daemon *d = arg;
	const struct conf_category *cat;
	struct incident inc;
	const char *lang;
	int off;

	memset(&inc, 0, sizeof inc);
	if (store_incident_get(d->st, incident, &inc) != 1)
		return conf_responder_lang(d->cf, responder, "");
	lang = conf_responder_lang(d->cf, responder, inc.branch);
	cat = conf_category(d->cf, inc.r.type);
	off = snprintf(buf, len, "%s", inc.r.drill ? T_(lang, "DRILL: ") : "");
	if (off >= 0 && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off, T_(lang, "%s at %s"),
		    cat != NULL ? conf_category_label(cat, lang) : inc.r.type,
		    push_branch_name(d->cf, inc.branch));
	off = (int)strlen(buf);
	if (inc.r.location[0] != '\0' && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off, ": %s", inc.r.location);
	return lang;
}

static void
phone_gone(void *arg, const char *responder, const char *endpoint,
    const char *why)
{
	struct daemon *d = arg;

	if (d->engine != NULL)
		engine_pushsub_gone(d->engine, responder, endpoint, why);
}

static void
phone_links(struct daemon *d)
{
	unsigned char secret[CRYPTO_KEY_LEN];
	char err[256], *path, *base;

	path = phone_path(d, d->cf->links_secret_file, "links.key");
	if (crypto_secret_load(path, secret, err, sizeof err) != 0)
		fatalx("links: %s", err);
	base = phone_base(d->cf);
	d->links = link_new(secret, base, d->cf->links_lifetime);
	boardreport_serve(d->web, d->base, secret, d->args.config,
	    d->args.db != NULL ? d->args.db : d->cf->database);
	explicit_bzero(secret, sizeof secret);
	link_serve(d->links, d->web, phone_act, phone_describe, d);
	enroll_serve(d->web, &d->engine, &d->active);
	log_info("event=links_ready base=%s secret=%s", base, path);
	free(path);
	free(base);
}

void
phone_setup(struct daemon *d)
{
	char *path, *cause = NULL;

	if (d->web == NULL)
		return;
	path = phone_path(d, d->cf->webpush_key_file, "vapid.pem");
	if ((d->wp = webpush_new(path, &cause)) == NULL)
		fatalx("%s", cause);
	log_info("event=webpush_ready key=%s public_key=%s", path,
	    webpush_public_key(d->wp));
	d->phoneq = xcalloc(1, sizeof *d->phoneq);
	STAILQ_INIT(&d->phoneq->notes);
	if ((d->phoneq->ev = event_new(d->base, -1, 0, phone_drain, d)) ==
	    NULL)
		fatalx("cannot create the Web Push event");
	free(path);
	phone_links(d);
}

void
phone_engine(struct daemon *d, const struct config *cf)
{
	if (d->wp == NULL || d->engine == NULL)
		return;
	engine_set_webpush(d->engine, webpush_public_key(d->wp));
	if (d->push != NULL)
		push_set_links(d->push, d->links);
	webpush_set(d->wp, d->push, d->st, d->links, cf, phone_gone, d);
}

static void
phone_drain(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct phone_note *n;

	(void)fd;
	(void)what;
	while ((n = STAILQ_FIRST(&d->phoneq->notes)) != NULL) {
		STAILQ_REMOVE_HEAD(&d->phoneq->notes, entry);
		if (d->wp != NULL)
			webpush_notify(d->wp, n->responder, n->payload);
		free(n->responder);
		free(n->payload);
		free(n);
	}
}

void
phone_notify(struct daemon *d, const char *responder, const char *payload)
{
	struct phone_note *n;

	if (d->wp == NULL)
		return;
	n = xcalloc(1, sizeof *n);
	n->responder = xstrdup(responder);
	n->payload = xstrdup(payload);
	STAILQ_INSERT_TAIL(&d->phoneq->notes, n, entry);
	/* Runs after the callback that flushed, once its MQTT
	 * publications are out. */
	event_active(d->phoneq->ev, 0, 0);
}

void
phone_free(struct daemon *d)
{
	if (d->phoneq != NULL) {
		phone_drain(-1, 0, d);
		event_free(d->phoneq->ev);
		free(d->phoneq);
		d->phoneq = NULL;
	}
	webpush_free(d->wp);
	d->wp = NULL;
	boardreport_free();
	link_free(d->links);
	d->links = NULL;
}
