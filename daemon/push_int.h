/*
 * The push notifier's state, shared by its files (push.c: the pushes and
 * their attempts; push_target.c: the configured service).
 */
#ifndef BEACON_PUSH_INT_H
#define BEACON_PUSH_INT_H

#include <sys/queue.h>

#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>

#include "beacon.h"
#include "push.h"

#define PUSH_PAUSE_MAX 60	  /* seconds between attempts, at most */
#define PUSH_ANSWER_MAX 65536 /* a longer answer is an error */
#define PUSH_HEADERS_MAX 16384
#define PUSH_OUTCOME_MS 250	/* outcomes go to the timeline together */

/* An outcome waiting for the timeline. */
struct push_outcome {
	STAILQ_ENTRY(push_outcome) entry;
	int64_t incident;
	char kind[16];
	char responder[ID_MAX + 1];
	int step;
	char detail[DETAIL_MAX + 1];
};

/* One configuration's settings, shared by the pushes made under it: a
 * reload changes new pushes, never those under way. */
struct push_target {
	int refs;
	int https;
	char *host;	/* to connect to and verify: no brackets */
	char *authority; /* host[:port], for Host and for people */
	char *path;	/* the request target: path[?query] */
	int port;
	char *auth;	/* "Bearer ...", or NULL */
	int timeout;
	int retries;
};

enum push_state {
	PS_SENDING,	/* an attempt under way; the timer is its deadline */
	PS_ANSWERED,	/* it ended; the timer runs the outcome */
	PS_PAUSED,	/* the timer starts the next attempt */
};

struct push_req {
	TAILQ_ENTRY(push_req) entry;
	struct push *p;
	struct push_target *t;
	int64_t incident;	/* 0: a notice about no incident */
	int step;
	char responder[ID_MAX + 1];
	const char *what;	/* "POST" (ntfy) or "Web Push", for people */
	char **hdrs;		/* name, value, ..., NULL */
	unsigned char *body;
	size_t len;
	char *endpoint;		/* a Web Push subscription's, or NULL */
	push_gone_fn gone;	/* told when the endpoint is gone */
	void *gone_arg;
	enum push_state state;
	int attempts;
	struct event *timer;
	struct evhttp_connection *conn;
	struct bufferevent *bev; /* conn's; TLS and DNS errors */
	int status;		/* the last HTTP status; 0: none */
	int final;		/* another attempt would fail the same way */
	char result[160];	/* the last attempt's outcome, for people */
};

struct push {
	struct event_base *base;
	struct evdns_base *dns;
	struct ssl_ctx_st *tls;	/* made when an https URL is first used */
	struct push_target *t;	/* NULL: pushing is off */
	const struct config *cf;
	push_record_fn record;
	void *arg;
	const struct link *links; /* ntfy's action links; NULL: none */
	TAILQ_HEAD(, push_req) reqs;
	size_t n;
	STAILQ_HEAD(, push_outcome) outcomes;
	struct event *outcome_ev; /* records them, PUSH_OUTCOME_MS later */
};

/* push.c: start a request made up by the caller (r->t, hdrs, body set). */
void push_start(struct push *, struct push_req *);


/* push_target.c */
void push_target_drop(struct push_target *);
/* A target for url with these limits; NULL with *why when it cannot be
 * used. */
struct push_target *push_target_url(struct push *, const char *url,
    int timeout, int retries, const char **why);

#endif
