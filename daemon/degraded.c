/*
 * Degraded mode. When a turn's transaction cannot be committed (a full
 * disk, an unwritable or failing database), safety comes first: the turn's
 * notifications and statuses go out all the same, from memory, and its
 * inputs join the backlog. Every later turn replays the backlog into its
 * transaction before its own input, at the times the inputs first came
 * in, with nothing published or logged again; so responses and deadlines
 * see every incident accepted since the failure, and the first commit
 * that succeeds writes them all. beacon/daemon/status says "degraded"
 * meanwhile, and the admin responders are told once when it starts and
 * once when it ends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void
degraded_replay(struct engine *e)
{
	struct clock_state cs;
	size_t i, nout = e->turn.nout;

	clock_save(&cs);
	e->degraded.replaying = 1;
	log_mute(1);
	for (i = 0; i < e->degraded.backlog.n; i++) {
		const struct backlog_input *in = &e->degraded.backlog.v[i];

		clock_set(in->ts);
		switch (in->kind) {
		case BACKLOG_REQUEST:
			engine_request(e, in->topic, in->payload, in->len,
			    in->reply_to, in->corr, in->corrlen);
			break;
		case BACKLOG_DEADLINE:
			timers_fire(e->sched, in->timer, in->a, in->b);
			break;
		case BACKLOG_APPEND:
			turn_append(e, in->a, in->topic, in->reply_to,
			    (int)in->b, in->payload);
			break;
		}
	}
	log_mute(0);
	e->degraded.replaying = 0;
	clock_restore(&cs);
	/* What the replay queued went out when the inputs first came in. */
	turn_discard(e, nout);
	e->degraded.replayed = 1;
}

char *
degraded_status(struct engine *e)
{
	if (e->degraded.on)
		return msg_daemon_degraded_encode(e->degraded.why,
		    e->degraded.since, e->degraded.backlog.n, clock_now());
	return msg_daemon_encode("online", clock_now());
}

/* Queue beacon/daemon/status and a notice to each admin responder. */
static void
degraded_tell_admins(struct engine *e, const char *kind, const char *message)
{
	size_t i;

	turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_DAEMON, "status",
	    NULL), degraded_status(e), 1);
	for (i = 0; i < e->cf->nadmins; i++)
		turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_NOTIFY,
		    e->cf->admins[i], NULL), msg_admin_notice_encode(kind,
		    message, clock_now()), 0);
}

void
degraded_enter(struct engine *e)
{
	char msg[DETAIL_MAX + 1];

	backlog_move(&e->degraded.backlog, &e->turn.inputs);
	if (e->sched != NULL)
		timers_at(e->sched, e->degraded.retry_timer, 0,
		    clock_now() + RETRY_MS);
	if (e->degraded.on)
		return;
	e->degraded.on = 1;
	e->degraded.since = clock_now();
	strlcpy_utf8(e->degraded.why, store_error(e->st),
	    sizeof e->degraded.why);
	log_warnx("event=degraded why=\"%s\": routing from memory; "
	    "retrying the database every %d s", e->degraded.why,
	    RETRY_MS / 1000);
	snprintf(msg, sizeof msg, "beacond cannot write its database (%s). "
	    "Alerts are still routed and notified, and kept in memory until "
	    "it can write again: free disk space or fix the database now.",
	    e->degraded.why);
	degraded_tell_admins(e, "daemon_degraded", msg);
}

void
degraded_leave(struct engine *e)
{
	char msg[DETAIL_MAX + 1];
	size_t n = e->degraded.backlog.n;

	backlog_clear(&e->degraded.backlog);
	e->degraded.on = 0;
	if (e->sched != NULL)
		timers_cancel(e->sched, e->degraded.retry_timer, 0);
	log_info("event=recovered backlog=%zu since=%lld", n,
	    (long long)e->degraded.since);
	snprintf(msg, sizeof msg, "beacond writes its database again: the "
	    "%zu inputs kept in memory since the failure are recorded.", n);
	degraded_tell_admins(e, "daemon_recovered", msg);
}

static void
degraded_retry(int64_t id, int64_t due, void *arg)
{
	(void)id;
	(void)due;
	turn_touch(arg);	/* the flush tries the database again */
}

void
degraded_timers(struct engine *e)
{
	e->degraded.retry_timer = timers_handler(e->sched, "retry",
	    degraded_retry, e);
}

void
degraded_free(struct degraded *d)
{
	backlog_free(&d->backlog);
}
