/*
 * beacond's own header, shared by the files of the beacond program:
 * beacond.c (main, start-up, the loop's callbacks, shutdown), args.c (its
 * command line), phone.c (Web Push and the action links) and testclock.c
 * (beacond-test's clock). The modules it
 * drives (engine, pair, push, ...) have their own headers and never see
 * struct daemon.
 */
#ifndef BEACON_BEACOND_H
#define BEACON_BEACOND_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct engine;
struct event;
struct event_base;
struct link;
struct mqtt;
struct pair;
struct push;
struct store;
struct timers;
struct web;
struct webpush;
struct phone_queue;

struct args {
	const char *config;
	const char *broker;
	const char *db;
	int check;
	int verbose;
};

struct daemon {
	struct args args;
	struct config *cf;
	struct event_base *base;
	struct store *st;
	struct timers *sched;
	struct engine *engine;
	struct mqtt *mqtt;
	struct push *push; /* NULL: no push service configured */
	struct web *web;   /* the pages' listener; NULL: no http: { } */
	struct webpush *wp;  /* Web Push; NULL: no listener */
	struct phone_queue *phoneq; /* notifications waiting for Web Push */
	struct link *links;  /* the action links; NULL: no listener */
	struct event *flush_ev;
	struct event *hb_ev;	/* the heartbeat, every cf->heartbeat s */
	struct event *wd_ev;	/* systemd's watchdog; NULL: none asked */
	int64_t started;
	struct event *sig_ev[3];
	char *prefix;		/* topic_prefix as started: the topics */
	char *status_topic;	/* {prefix}/daemon/status */
	char *clock_topic;	/* beacond-test: {prefix}/test/clock */
	char **argv;		/* to start again as the standby */
	/* A standby pair (standby: { } in the configuration): NULL
	 * pair, one beacond alone. While it stands by, engine is NULL. */
	struct pair *pair;
	int active;		/* 1: the active session, with an engine */
};

/* The command line into a; --help and --version print and exit 0, a bad
 * one prints the usage and exits 1 (args.c). */
void args_parse(int argc, char **argv, struct args *a);
/* Load the configuration and beacond's secrets (its broker password), or
 * print every error and exit 1. */
struct config *args_config(const struct args *a);

/* Web Push and the action links, when the listener is on (phone.c):
 * the keys, made at first start; the /a/ route. Fatal when a key file
 * cannot be read or made. */
/* beacond.c: commit the turn and send what it decided (engine_flush). */
int daemon_flush(struct daemon *d);
void phone_setup(struct daemon *d);
/* The engine learns the VAPID key (and the config topic carries it). */
void phone_engine(struct daemon *d, const struct config *cf);
/* A committed notification for responder: Web Push to its phones. */
void phone_notify(struct daemon *d, const char *responder,
    const char *payload);
/* Start the Web Pushes still queued, then free (before push_free). */
void phone_free(struct daemon *d);

/* A message on {prefix}/test/clock (beacond-test only; testclock.c). */
void testclock_message(struct daemon *d, const void *payload, size_t len);

#endif
