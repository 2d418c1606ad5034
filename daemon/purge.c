/*
 * Retention: the daily job and the supervisor's purge remove what is
 * older than records.retention_days (held incidents and open actions
 * stay).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* The retention cutoff, or -1 when retention is off. */
#define PURGE_LINKS_MS (24 * 3600 * 1000LL)

static int64_t
purge_cutoff(struct engine *e, int64_t now)
{
	if (e->cf->retention_days <= 0)
		return -1;
	return now - (int64_t)e->cf->retention_days * 24 * 3600 * 1000;
}

/* A dry run lists what would go (the first QUERY_LIMIT), so a supervisor
 * can check it first. */
struct candidates {
	struct msg_reply *r;
	int n;
};

static int
purge_candidate(const struct incident *inc, void *arg)
{
	struct candidates *c = arg;

	if (c->n++ == QUERY_LIMIT) {
		msg_reply_set_int(c->r, "more", 1);
		return 1;
	}
	msg_reply_add(c->r, "candidates", msg_incident_encode(inc));
	return 0;
}

const char *
purge_run(struct engine *e, int dry_run, struct msg_reply *r)
{
	struct purge_counts c;
	int64_t now = clock_now(), cutoff = purge_cutoff(e, now);

	if (cutoff < 0)
		return "retention is off (records.retention_days = 0)";
	if (!dry_run)
		turn_touch(e);
	if (store_purge(e->st, cutoff, now, dry_run, &c) != 0)
		return "the purge failed; nothing was removed";
	if (r == NULL)
		return NULL;
	msg_reply_set_int(r, "incidents", c.incidents);
	msg_reply_set_int(r, "events", c.events);
	msg_reply_set_int(r, "debriefs", c.debriefs);
	msg_reply_set_int(r, "kept_hold", c.kept_hold);
	msg_reply_set_int(r, "kept_actions", c.kept_actions);
	msg_reply_set_int(r, "dry_run", dry_run);
	if (dry_run) {
		struct candidates c = { r, 0 };

		msg_reply_add(r, "candidates", NULL);
		if (store_purge_candidates(e->st, cutoff,
		    purge_candidate, &c) != 0)
			return "the database could not be read";
	}
	return NULL;
}

/* The daily retention job (records.retention_days). */
static void
purge_job(struct engine *e, int64_t now)
{
	const char *err;

	if (e->cf->retention_days > 0 &&
	    (err = purge_run(e, 0, NULL)) != NULL)
		log_warnx("event=purge error=\"%s\"", err);
	/* A link acts for at most 12 hours: a day after its use, the record
	 * that it was used has nothing left to stop. The use itself stays
	 * on the incident's timeline. */
	turn_touch(e);
	store_link_forget(e->st, now - PURGE_LINKS_MS);
	if (e->sched != NULL)
		timers_at(e->sched, e->purge_timer, 0, now + PURGE_EVERY_MS);
}

/* Start-up: the first run, a few minutes from now. */
void
purge_start(struct engine *e)
{
	timers_at(e->sched, e->purge_timer, 0, clock_now() + PURGE_FIRST_MS);
}

static void
purge_timer(int64_t id, int64_t due, void *arg)
{
	struct engine *e = arg;

	turn_deadline(e, e->purge_timer, id, due);
	purge_job(e, clock_now());
}

void
purge_timers(struct engine *e)
{
	e->purge_timer = timers_handler(e->sched, "purge", purge_timer, e);
}
