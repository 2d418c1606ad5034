/*
 * Action links over HTTP (link.h): POST /a/{token} acts, GET shows a page
 * that asks first. Answers are JSON for the service worker (Accept:
 * application/json) and a small page for a person; requests are counted
 * per address, so a guesser gets 429 long before a signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "clock.h"
#include "engine.h"
#include "link_int.h"
#include "msg.h"
#include "web.h"
#include "xmalloc.h"

#define LINK_TOKEN_MAX 400

/* 1 when addr has used up its requests in this window. */
static int
link_limited(struct link *l, const char *addr, int64_t now)
{
	struct link_peer *p, *oldest = &l->peers[0];
	size_t i;

	for (i = 0; i < LINK_PEERS; i++) {
		p = &l->peers[i];
		if (strcmp(p->addr, addr) == 0)
			break;
		if (p->start < oldest->start)
			oldest = p;
	}
	if (i == LINK_PEERS) {
		p = oldest;
		snprintf(p->addr, sizeof p->addr, "%s", addr);
		p->start = now;
		p->n = 0;
	}
	if (now - p->start >= LINK_WINDOW) {
		p->start = now;
		p->n = 0;
	}
	return ++p->n > LINK_PEER_MAX;
}

static int
link_wants_json(struct evhttp_request *req)
{
	const char *accept = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Accept");

	return accept != NULL && strstr(accept, "application/json") != NULL;
}

/* A page: a heading, a sentence, an optional form, and the app's link. */
static void
link_page(struct evhttp_request *req, int code, const char *reason,
    const char *title, const char *text, const char *button,
    const char *lang)
{
	char foot[256];

	snprintf(foot, sizeof foot, "<p><a href=\"/responder.html\">%s</a>"
	    "</p>", T_(lang, "Open the Beacon app"));
	web_page(req, code, reason, title, text, button, foot);
}

/* The page's heading after a POST: what happened, in two words. */
static const char *
link_heading(int code, const struct link_answer *a, const char *lang)
{
	if (code != HTTP_OK)
		return code == 429 ? T_(lang, "Please wait") :
		    T_(lang, "Not recorded");
	if (a->repeat)
		return T_(lang, "Already answered");
	return a->action != NULL && strcmp(a->action, "ack") == 0 ?
	    T_(lang, "Acknowledged") : T_(lang, "Declined");
}

static void
link_answer(struct evhttp_request *req, int code, const char *reason,
    int ok, const struct link_answer *a, const char *lang)
{
	char *body;

	if (code == 429)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "60");
	if (!link_wants_json(req)) {
		link_page(req, code, reason, link_heading(code, a, lang),
		    a->message, NULL, lang);
		return;
	}
	body = msg_link_answer(ok, a);
	/* The app's service worker may come from another origin than the
	 * links (a proxy in front of one of them): it must still read what
	 * happened. The answer gives nobody more than the link already
	 * does. */
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Access-Control-Allow-Origin", "*");
	web_reply(req, code, reason, "application/json", body, strlen(body));
	free(body);
}

/* GET: what the link would do, and one button to do it. */
static void
link_confirm(struct link *l, struct evhttp_request *req,
    const struct link_token *t)
{
	char what[512] = "", text[768], title[128];
	int ack = t->action == ACT_ACK;
	const char *lang = NULL;

	if (l->describe != NULL)
		lang = l->describe(l->arg, t->incident, t->responder, what,
		    sizeof what);
	snprintf(title, sizeof title, ack ? T_(lang, "Acknowledge incident "
	    "%lld?") : T_(lang, "Decline incident %lld?"),
	    (long long)t->incident);
	snprintf(text, sizeof text, "%s%s", what, what[0] ? ". " : "");
	snprintf(text + strlen(text), sizeof text - strlen(text),
	    T_(lang, "This link is for %s."), t->responder);
	link_page(req, HTTP_OK, "OK", title, text, ack ? T_(lang,
	    "Acknowledge") : T_(lang, "Decline"), lang);
}

static void
link_post(struct link *l, struct evhttp_request *req,
    const struct link_token *t)
{
	char msg[DETAIL_MAX + 1], what[512];
	struct link_answer a = { t->incident, msg_action_name(t->action),
		t->responder, 0, msg };
	int rc = l->act(l->arg, t, msg, sizeof msg);
	const char *lang = l->describe != NULL ? l->describe(l->arg,
	    t->incident, t->responder, what, sizeof what) : NULL;

	a.repeat = rc == ENGINE_ACT_REPEAT;
	if (rc == ENGINE_ACT_REFUSED)
		link_answer(req, 409, "Conflict", 0, &a, lang);
	else
		link_answer(req, HTTP_OK, "OK", 1, &a, lang);
}

static void
link_request(struct evhttp_request *req, const char *rest, void *arg)
{
	struct link *l = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct link_answer a = { 0, NULL, NULL, 0, NULL };
	struct link_token t;

	if (link_limited(l, web_peer(req), clock_now())) {
		a.message = "Too many requests from this address: wait a "
		    "minute, or open the Beacon app.";
		link_answer(req, 429, "Too Many Requests", 0, &a, NULL);
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD &&
	    cmd != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD, POST");
		a.message = "A link is opened (GET) or used (POST).";
		link_answer(req, 405, "Method Not Allowed", 0, &a, NULL);
		return;
	}
	if (strlen(rest) > LINK_TOKEN_MAX ||
	    link_check(l, rest, clock_now(), &t, &a.message) != 0) {
		link_answer(req, 403, "Forbidden", 0, &a, NULL);
		return;
	}
	if (cmd == EVHTTP_REQ_POST)
		link_post(l, req, &t);
	else
		link_confirm(l, req, &t);
}

void
link_serve(struct link *l, struct web *w, link_act_fn act,
    link_describe_fn describe, void *arg)
{
	l->act = act;
	l->describe = describe;
	l->arg = arg;
	web_route(w, "/a/", link_request, l);
}
