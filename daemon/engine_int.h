/*
 * The engine's own header, shared by its files only (beacond.c and the
 * tests see engine.h). The engine is a set of rooms, one file each, all
 * handed the one struct engine.
 *
 * A room is a file that owns one concern and the part of struct engine
 * named for it (struct turn in turn.c, struct degraded in degraded.c...):
 * other rooms call its functions rather than touch its fields. Its
 * functions are named for the file and take struct engine * first. A room
 * that keeps deadlines registers its own kind of timer when the engine is
 * handed its scheduler (engine_set_sched calls the room's *_timers), with
 * the handler that runs when one falls due, keeps the kind in its part of
 * the state and schedules by id: timers_at(e->sched, kind, id, due). A
 * handler whose work writes first records the deadline in the turn
 * (turn_deadline), so that degraded mode can replay it. Nothing is
 * published directly: a room writes to the store in this turn's
 * transaction (turn_touch opens it) and queues what to announce with
 * turn_queue, or turn_notice for a notification through the outbox; the
 * turn hands it out after the commit (durable before announced). Per-call
 * facts are arguments, never fields. Helpers with no engine state (rules,
 * limit, backlog, query, the pure alarms_*) take plain data instead.
 */
#ifndef BEACON_ENGINE_INT_H
#define BEACON_ENGINE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "alarms.h"
#include "backlog.h"
#include "beacon.h"
#include "clock.h"
#include "conf.h"
#include "duty.h"
#include "engine.h"
#include "health.h"
#include "limit.h"
#include "log.h"
#include "msg.h"
#include "query.h"
#include "rules.h"
#include "store.h"
#include "timers.h"
#include "topic.h"
#include "xmalloc.h"

#define PURGE_FIRST_MS (5 * 60 * 1000)	/* after start-up */
#define PURGE_EVERY_MS (24 * 3600 * 1000) /* the daily retention job */
#define RETRY_MS 2000	/* degraded: try the database again this often */
#define LIMIT_KEYS 4096	/* senders counted in one window (limit.h) */
#define PROJECT_MS 10	/* the projection and outbox states wait this */
#define PROJECT_MAX 128	/* or until this many incidents wait */
#define MODE_MAX_MS (24 * 3600 * 1000LL) /* drill mode, pause: a day */

/* A publication waiting for the commit (turn.c). */
struct outmsg {
	char *topic;
	char *payload; /* NULL: an empty payload (clears a retained message) */
	int retain;
	void *corr;    /* a reply's correlation data, or NULL */
	size_t corrlen;
	int64_t outbox; /* a notification's outbox row, or 0 */
	int notice;	/* a notification: published first */
	/* A status or an incident snapshot is encoded only once the
	 * notifications are out (turn_publish): its payload is NULL until
	 * then, and one of these holds what it will say. */
	struct status *status;
	struct incident *inc;
};

/* Outbox rows whose new state waits for the next transaction. */
struct marks {
	int64_t *id;
	size_t n, cap;
};

/* turn.c: this loop turn's transaction, its inputs, and what it will
 * publish once committed. */
struct turn {
	engine_publish_fn publish;
	engine_wakeup_fn wakeup;
	void *arg;
	int woken;		/* a flush has been asked for this turn */
	engine_push_fn push;	/* notifications, after the commit */
	void *push_arg;
	struct outmsg *out;
	size_t nout, outcap;
	struct marks published, delivered;
	struct backlog inputs;	/* this turn's inputs */
	int in_txn;		/* a transaction was begun this turn */
	int project_timer;	/* the projection and the outbox states */
};

/* degraded.c: the database takes no writes. */
struct degraded {
	int on;
	int64_t since;
	char why[256];
	struct backlog backlog;	/* every input since the first failure */
	int replaying;		/* inputs are being replayed: no output */
	int replayed;		/* this turn's transaction holds the backlog */
	int retry_timer;	/* try the database again */
};

/* policy.c: an open incident whose policy a reload changed keeps the one
 * it started with: a copy, until the incident closes. Sorted by
 * incident. */
struct pin {
	int64_t incident;
	struct conf_policy *pol;
};

struct pins {
	struct pin *v;
	size_t n;
};

/* ratelimit.c: what each sender sent in the current window. */
struct ratelimit {
	struct limit *counts;
	int timer;		/* the window's end */
};

struct engine {
	const struct config *cf;
	struct store *st;
	struct timers *sched;	/* NULL: no timers (some unit tests) */
	char *topics[7];	/* engine.c: what beacond subscribes to */

	struct turn turn;
	struct degraded degraded;
	struct pins pins;	/* policy.c */
	struct ratelimit ratelimit;
	struct duty *duty;	/* oncall.c: the run-time overrides in force */
	char *webpush_key;	/* pushsub.c: the VAPID public key; NULL: off */

	/* The kinds of timer of the rooms that keep no other state. */
	int escalate_timer;	/* escalate.c: an incident's next step */
	int remind_timer;	/* remind.c: taken, nobody on scene yet */
	int debrief_timer;	/* debriefs.c: a debrief's reminders */
	int purge_timer;	/* purge.c: the daily retention job */
	int device_timer;	/* health.c: a device offline too long */
};

/* A message from the broker, as the dispatch hands it to a room: rest is
 * what follows the kind in the topic; recorded, whether it was kept in
 * this turn's inputs (a message set aside is taken out again). */
struct input {
	const char *topic;
	const char *rest;
	const void *payload;
	size_t len;
	int recorded;
};

/* Open incidents of the same branch and category, reported within
 * repeat_window, that a new report did not join (alarms_press_joins). */
struct related {
	int64_t id[RELATED_MAX];
	int n;
};

/* The responders notified for an incident, copied out of the walk
 * (incident_names_add). */
struct names {
	char (*v)[ID_MAX + 1];
	size_t n, cap;
};

/* request.c: where a request's answer goes: its response topic, else the
 * asker's error topic (an answer nobody asked to receive is still never
 * silent). */
struct request {
	const char *topic;
	const char *who;
	const void *p;
	size_t len;
	const char *reply_to;
	const void *corr;
	size_t corrlen;
	size_t chunk;		/* answer in parts of this size; 0: whole */
};

#define FB_MAX ROUTE_MAX

/* feedback.c: what an incident's timeline says of who was notified, who
 * acknowledged or declined, and whether it is taken (feedback_scan). */
struct feedback {
	char notified[FB_MAX][ID_MAX + 1]; /* distinct, in order */
	int notified_step[FB_MAX]; /* the step each was first called at */
	size_t nnotified;
	char decliners[STATUS_ACKS][ID_MAX + 1];
	size_t ndecliners;
	char ackers[STATUS_ACKS][ID_MAX + 1];
	size_t nackers;
	int64_t taken_at;	/* when it was taken (feedback_scan); 0 not */
	int64_t first_ack;	/* the first "ack" event */
	int acks;		/* "ack" events */
	int reminded;		/* a reminder since it was taken */
	int forgotten;		/* the next step notified since */
	char empty[DETAIL_MAX + 1]; /* role labels that had nobody */
};

/* engine.c */
const char *engine_role_label(const struct config *, const char *role);
/* The same in lang (a reader's language: conf_branch_lang for the
 * reporter, conf_responder_lang for a responder). */
const char *engine_role_label_in(const struct config *, const char *role,
    const char *lang);
/* "crisis worker, security" (English labels, as the timeline has them)
 * in lang, into buf. */
void engine_labels_in(const struct config *, const char *labels,
    const char *lang, char *buf, size_t len);
/* What a reader reads before a drill's text: "DRILL: " in lang, or "". */
const char *engine_drill(const struct incident *, const char *lang);
/* The language of the incident's reporters (its branch's). */
#define REPORTER_LANG(e, inc) conf_branch_lang((e)->cf, (inc)->branch)
const char *engine_responder_role(const struct config *, const char *id);

/* turn.c */
void turn_init(struct turn *, engine_publish_fn, engine_wakeup_fn,
    void *arg);
void turn_set_push(struct turn *, engine_push_fn, void *arg);
void turn_touch(struct engine *);
int turn_enter(struct engine *);
void turn_queue(struct engine *, char *topic, char *payload, int retain);
void turn_queue_status(struct engine *, char *topic, const struct status *,
    int retain);
void turn_queue_incident(struct engine *, char *topic,
    const struct incident *, int retain);
void turn_reply(struct engine *, const char *reply_to, const void *corr,
    size_t corrlen, char *payload);
void turn_notice(struct engine *, int64_t incident, const char *who,
    char *payload, int64_t now);
void turn_notice_recipe(struct engine *, int64_t incident, const char *who,
    char *payload, char *recipe, int64_t now);
int turn_append(struct engine *, int64_t incident, const char *kind,
    const char *actor, int step, const char *detail);
void turn_acked(struct engine *, int64_t tag, int ok, const char *why);
int turn_flush(struct engine *);
int turn_resend(struct engine *);
void turn_discard(struct engine *, size_t from);
void turn_deadline(struct engine *, int timer, int64_t id, int64_t due);
void turn_timers(struct engine *);
int turn_rebuild(struct engine *);
void turn_stop(struct engine *);
void turn_free(struct turn *);

/* degraded.c */
void degraded_replay(struct engine *);
void degraded_enter(struct engine *);
void degraded_leave(struct engine *);
char *degraded_status(struct engine *);
void degraded_timers(struct engine *);
void degraded_free(struct degraded *);

/* incident.c */
void incident_event(struct engine *, struct incident *, int64_t now,
    const char *kind, const char *actor, int step, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void incident_save(struct engine *, struct incident *, int64_t now);
void incident_publish(struct engine *, const struct incident *);
int incident_names_add(const char *name, void *arg);

/* reporter.c */
const char *reporter_call_911(const struct incident *, const char *lang);
void reporter_status(struct engine *, const struct incident *,
    const char *by, const char *message, int shortened, struct status *);
void reporter_publish(struct engine *, const struct incident *,
    const struct status *);
void reporter_tell(struct engine *, const struct incident *, const char *by,
    const char *message);
void reporter_tell_joined(struct engine *, const struct incident *,
    const char *by, const char *message);
void reporter_announce(struct engine *, const struct incident *,
    const char *by, const char *message);

/* policy.c */
const struct conf_policy *policy_get(struct engine *,
    const struct incident *);
void policy_unpin(struct engine *, int64_t incident);
void policy_repin(struct engine *, const struct config *next);
void policy_free(struct pins *);

/* escalate.c */
void escalate_notify_one(struct engine *, struct incident *,
    const struct conf_responder *, const char *role, int step, int repeat,
    int64_t now);
size_t escalate_fire(struct engine *, struct incident *, int step,
    int64_t now, char *empty, size_t emptylen);
size_t escalate_route(struct engine *, struct incident *, int step,
    int64_t now, char *empty, size_t emptylen);
void escalate_step(struct engine *, struct incident *, int step,
    int64_t now);
void escalate_arm(struct engine *, const struct incident *);
int escalate_restore(struct engine *);
void escalate_timers(struct engine *);

/* feedback.c */
int feedback_scan(struct engine *, const struct incident *,
    struct feedback *);
void feedback_who_in(struct engine *, char (*ids)[ID_MAX + 1], size_t n,
    const char *lang, char *buf, size_t len);
void feedback_who(struct engine *, char (*ids)[ID_MAX + 1], size_t n,
    char *buf, size_t len);
int feedback_awaiting(struct engine *, const struct incident *);
void feedback_status(struct engine *, const struct incident *,
    struct status *);
void feedback_next(struct engine *, struct incident *,
    const struct conf_policy *, int64_t now);
int feedback_repeat(struct engine *, const struct incident *,
    const struct route *, size_t i, int *n);
size_t feedback_stand_down(struct engine *, struct incident *,
    const char *reason, const char *by, int64_t now);
const char *feedback_ack(struct engine *, struct incident *,
    const char *who, int64_t now, char *tail, size_t len);

/* remind.c */
void remind_arm(struct engine *, int64_t incident, const struct feedback *);
void remind_cancel(struct engine *, const struct incident *);
int remind_restore(struct engine *);
void remind_timers(struct engine *);

/* intake.c */
void intake_report(struct engine *, const struct input *);
void intake_reply_error(struct engine *, const char *topic,
    const char *segment, const char *report, int64_t incident,
    const char *error, const void *p, size_t len);
void intake_reject(struct engine *, const char *topic, const char *branch,
    const char *id, const char *error, const void *p, size_t len);

/* pushsub.c: the responders' Web Push subscriptions. */
void pushsub_handle(struct engine *, const struct input *);
void pushsub_gone(struct engine *, const char *responder,
    const char *endpoint, const char *why);

/* response.c: an action link's answer (engine_act). */
int response_act(struct engine *, const char *who, const struct respond *,
    const char *key, char *msg, size_t len);

/* alarms.c: the engine's side (the pure helpers are in alarms.h) */
int alarms_drill_skipped(struct engine *, struct incident *,
    const char *who, const char *role, int step, int64_t now);
void alarms_drill_mode_event(struct engine *, struct incident *,
    const struct branch_mode *drill, int64_t now);
void alarms_related(struct engine *, struct incident *,
    const struct related *, int64_t now);
void alarms_cancel(struct engine *, const char *topic, const char *branch,
    const struct report *, const void *p, size_t len);
void alarms_who_called(struct engine *, const struct incident *,
    const char *lang, char *buf,
    size_t len);
int alarms_divert(struct engine *, const char *branch, struct report *,
    const struct conf_category *, struct related *,
    struct branch_mode *drill);
const char *alarms_mode(struct engine *, const char *who,
    const struct query *, struct msg_reply *);

/* join.c */
int join_report(struct engine *, const char *branch, const struct report *,
    const struct conf_category *, int64_t now, struct related *);
void join_again(struct engine *, struct incident *, const struct report *);

/* debriefs.c */
void debriefs_open(struct engine *, struct incident *, int64_t now);
int debriefs_restore(struct engine *);
void debriefs_timers(struct engine *);
const char *debriefs_record(struct engine *, const char *who,
    const struct query *, struct incident *, struct msg_reply *);

/* response.c */
void response_handle(struct engine *, const struct input *);

/* request.c */
void request_handle(struct engine *, const struct request *);
void request_answer(struct engine *, const struct request *, char *reply);
void request_refuse(struct engine *, const struct request *, int method,
    const char *error);
/* The refusal of a request that names no response topic. */
#define REQUEST_NO_REPLY_TO "no MQTT v5 response topic: the answer " \
	"would have nowhere to go; nothing was done"
/* Why a request decoded with rc (err its error) cannot be answered: the
 * decoding's error, or no response topic; NULL when it can. */
const char *request_unanswerable(const struct request *, int rc,
    const char *err);
const char *request_may_query(struct engine *, const char *who, char *buf,
    size_t len);

/* oncall.c: who is on duty, and the overrides (e->duty) */
int oncall_request(struct engine *, const struct request *);
/* enroll.c: a phone's credential for a one-time claim ("enroll",
 * "enroll_revoke"): 1 when the request was one, answered or refused. */
int enroll_request(struct engine *, const struct request *);

/* console.c: the console's reads (console, board, debriefs_due, devices,
 * modes); 1 when the request was one of them (answered or refused). */
int console_request(struct engine *, const struct request *);

/* boardreport.c: a link to the board report ("report_link"): 1 when the
 * request was one, answered or refused. */
int boardreport_request(struct engine *, const struct request *);
int oncall_restore(struct engine *, int64_t now);

/* purge.c */
const char *purge_run(struct engine *, int dry_run, struct msg_reply *);
void purge_start(struct engine *);
void purge_timers(struct engine *);

/* ratelimit.c */
int ratelimit_check(struct engine *, const char *kind, const char *source,
    const char *device, const void *p, size_t len, int recorded);
void ratelimit_roll(struct engine *);
void ratelimit_timers(struct engine *);

/* health.c: devices */
void health_presence(struct engine *, const struct input *);
void health_selftest(struct engine *, const struct input *);
void health_timers(struct engine *);
int health_restore(struct engine *);
void health_config(struct engine *, int64_t now);
void health_heartbeat(struct engine *, int64_t started);

#endif
