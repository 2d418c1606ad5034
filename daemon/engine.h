/*
 * The incident engine: reports in, notifications and statuses out. It owns
 * the rules of the protocol (docs/protocol.md) but no sockets: everything it
 * wants to publish goes through a queue that is handed out only after the
 * store has committed the transaction that justified it (durable before
 * announced). beacond calls engine_flush() once at the end of each loop turn;
 * unit tests call it directly.
 */
#ifndef BEACON_ENGINE_H
#define BEACON_ENGINE_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;
struct timers;
struct engine;

/* Where committed publications go (mqtt_publish_props in beacond); corr
 * is the correlation data of a reply, or NULL. A notification has its
 * outbox row's id as tag (0 for anything else): its PUBACK must come back
 * through engine_acked(). */
typedef void (*engine_publish_fn)(void *arg, const char *topic,
    const char *payload, size_t len, int retain, const void *corr,
    size_t corrlen, int64_t tag);
/* Called when the engine has written something and wants a flush at the
 * end of this loop turn (beacond activates an event whose callback calls
 * engine_flush). */
typedef void (*engine_wakeup_fn)(void *arg);
/* Also called, after the commit, for each notification on
 * beacon/notify/{responder}: the responder and the payload (borrowed for
 * the call). beacond hands it to the push notifier. */
typedef void (*engine_push_fn)(void *arg, const char *responder,
    const char *payload);

struct engine *engine_new(const struct config *, struct store *,
    engine_publish_fn, engine_wakeup_fn, void *arg);
void engine_free(struct engine *);
/* Shutting down: record what the senders over their limits sent in the
 * current window (then engine_flush). */
void engine_stop(struct engine *);
/* After the last flush: the projection and the outbox states written now
 * (lib/store_project.c), as the projection's timer would have. */
void engine_settle(struct engine *);
/* Hand the engine its scheduler: each of its rooms registers there the
 * kinds of timer it keeps, with what runs when one falls due. */
void engine_set_sched(struct engine *, struct timers *);
/* Swap in a new configuration (SIGHUP). */
void engine_set_config(struct engine *, const struct config *);
/* Set (or, with NULL, clear) the push hook. */
void engine_set_push(struct engine *, engine_push_fn, void *arg);
/* Append an event to an incident's timeline from outside the engine (the
 * outcome of a push), in this turn's transaction: it is committed by the
 * next engine_flush(). step is -1 when none. 0, or -1 if not recorded. */
int engine_append(struct engine *, int64_t incident, const char *kind,
    const char *actor, int step, const char *detail);

/* Start-up: rebuild each room's timers from the store (escalations,
 * reminders, debriefs, devices, the retention job) and the on-call
 * overrides in force, and queue again the notifications the broker never
 * acknowledged. Needs the scheduler (engine_set_sched). */
int engine_restore(struct engine *);
/* Web Push is on with this VAPID public key (base64url), published in
 * beacon/config/_library for the app; NULL: off. */
void engine_set_webpush(struct engine *, const char *public_key);
/* A push service said the subscription at endpoint is gone (404, 410):
 * forget it, in this turn's transaction. */
void engine_pushsub_gone(struct engine *, const char *responder,
    const char *endpoint, const char *why);
/* An action link (daemon/link.c) used: responder who answers incident
 * with action (ACT_ACK, ACT_DECLINE), as on beacon/respond/{who}, marked
 * via push. key identifies the link: a second use does nothing. msg gets
 * a sentence for the person. ENGINE_ACT_DONE, ENGINE_ACT_REPEAT, or
 * ENGINE_ACT_REFUSED (msg says why: the same refusals as
 * beacon/respond). The caller flushes. */
#define ENGINE_ACT_DONE 0
#define ENGINE_ACT_REPEAT 1
#define ENGINE_ACT_REFUSED (-1)
int engine_act(struct engine *, const char *who, int64_t incident,
    int action, const char *key, char *msg, size_t len);

/* The broker acknowledged (ok 1) or refused (ok 0, why) the notification
 * published with this tag; recorded in the next transaction. */
void engine_acked(struct engine *, int64_t tag, int ok, const char *why);
/* A message from the broker; dispatched by topic. */
void engine_message(struct engine *, const char *topic, const void *payload,
    size_t len);
/* The same with the MQTT v5 response topic and correlation data of a
 * request (beacon/query/{responder}); reply_to may be NULL. */
void engine_request(struct engine *, const char *topic, const void *payload,
    size_t len, const char *reply_to, const void *corr, size_t corrlen);
/* Queue every branch's retained beacon/config/{branch} (at start-up and
 * after a new configuration); they go out with the next flush. */
void engine_publish_config(struct engine *);
/* beacon/daemon/heartbeat (retained): the loop runs; open incidents and
 * the devices reported offline. started: when beacond started (ms). */
void engine_heartbeat(struct engine *, int64_t started);
/* Commit what this turn wrote and hand its publications out. 0, or -1
 * when the database took no writes: then beacond is degraded (its
 * publications go out all the same, its inputs are kept in memory and
 * written by the first commit that succeeds; docs/reliability.md). */
int engine_flush(struct engine *);
/* Publications this turn has queued so far. */
size_t engine_queued(const struct engine *);
/* beacon/daemon/status as it stands: online, or degraded with the reason
 * (retained; beacond publishes it when it connects). The caller frees. */
char *engine_status(struct engine *);
/* Topics beacond subscribes to; NULL-terminated, owned by the engine. */
const char *const *engine_topics(struct engine *);

/* The phones' one-time enrollment claims, POST /e/{code} on the listener
 * w (enroll.c): *engine is the daemon's engine (NULL while it stands by),
 * *active whether it is the active one; both outlive w. */
struct web;
void enroll_serve(struct web *w, struct engine *const *engine,
    const int *active);

#endif
