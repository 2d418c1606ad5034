/*
 * Debriefs: due when an incident is resolved, with reminders and an
 * overdue notice until one is recorded (docs/protocol.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static void
debriefs_arm(struct engine *e, const struct debrief_due *d)
{
	if (e->sched == NULL)
		return;
	if (d->next_at >= 0)
		timers_at(e->sched, e->debrief_timer, d->incident,
		    d->next_at);
	else
		timers_cancel(e->sched, e->debrief_timer, d->incident);
}

/* Tell every responder of `role` on the incident's branch; falls back to
 * the debrief role when `role` has nobody there. Returns how many. */
/* What a debrief notice says, in lang. */
static void
debriefs_text(const struct incident *inc, const char *kind, int64_t due,
    const char *lang, char *buf, size_t len)
{
	char when[40];
	int off = snprintf(buf, len, "%s", engine_drill(inc, lang));

	clock_fmt(due, when, sizeof when);
	if (off < 0 || (size_t)off >= len)
		return;
	buf += off;
	len -= (size_t)off;
	if (strcmp(kind, "debrief_due") == 0)
		snprintf(buf, len, T_(lang, "debrief due for incident %lld by "
		    "%s"), (long long)inc->id, when);
	else if (strcmp(kind, "debrief_overdue") == 0)
		snprintf(buf, len, T_(lang, "debrief overdue for incident %lld: "
		    "due by %s"), (long long)inc->id, when);
	else
		snprintf(buf, len, T_(lang, "reminder: debrief for incident "
		    "%lld: due by %s"), (long long)inc->id, when);
}

static size_t
debriefs_tell(struct engine *e, struct incident *inc,
    const char *role, const char *kind, int64_t due, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	char msg[DETAIL_MAX + 1];
	const char *lang;
	struct route rt;
	size_t i;

	if (role == NULL)
		return 0;
	rules_role(e->cf, role, inc->branch, &rt);
	if (rt.n == 0 && e->cf->debrief_role != NULL &&
	    strcmp(role, e->cf->debrief_role) != 0)
		rules_role(e->cf, e->cf->debrief_role, inc->branch, &rt);
	for (i = 0; i < rt.n; i++) {
		incident_event(e, inc, now, "notified", rt.who[i]->id, -1,
		    "%s", kind);
		lang = conf_responder_lang(e->cf, rt.who[i]->id, inc->branch);
		debriefs_text(inc, kind, due, lang, msg, sizeof msg);
		turn_notice(e, inc->id, rt.who[i]->id,
		    msg_debrief_notice_encode(inc, kind, cat ?
		    conf_category_label(cat, lang) : NULL, due, msg, lang,
		    now), now);
	}
	if (rt.n == 0)
		incident_event(e, inc, now, "no_one_available", NULL, -1,
		    "nobody with role %s to tell: %s", role, kind);
	return rt.n;
}

/* A resolved incident: its debrief is due (docs/protocol.md). */
void
debriefs_open(struct engine *e, struct incident *inc, int64_t now)
{
	struct debrief_due d;
	char when[40];

	memset(&d, 0, sizeof d);
	d.incident = inc->id;
	rules_debrief_open(e->cf, now, &d);
	if (store_debrief_open(e->st, &d) != 0)
		log_warnx("incident=%lld: debrief not recorded",
		    (long long)inc->id);
	clock_fmt(d.due_at, when, sizeof when);
	incident_event(e, inc, now, "debrief_due", NULL, -1, "due by %s", when);
	debriefs_tell(e, inc, e->cf->debrief_role, "debrief_due",
	    d.due_at, now);
	log_info("incident=%lld event=debrief_due due=%s", (long long)inc->id,
	    when);
	debriefs_arm(e, &d);
}

/* The debrief's reminder or overdue timer. */
static void
debriefs_fire(struct engine *e, int64_t id, int64_t now)
{
	struct debrief_due d;
	struct incident inc;
	const char *kind, *role;
	char msg[DETAIL_MAX + 1];

	memset(&inc, 0, sizeof inc);
	if (store_debrief_due_get(e->st, id, &d) != 1 ||
	    store_incident_get(e->st, id, &inc) != 1 ||
	    (kind = rules_debrief_fire(e->cf, &d, &role)) == NULL)
		return;
	turn_touch(e);
	if (store_debrief_due_update(e->st, &d) != 0)
		log_warnx("incident=%lld: debrief state not recorded",
		    (long long)id);
	debriefs_text(&inc, d.stage == DEBRIEF_OVERDUE ? "debrief_overdue" :
	    "debrief_reminder", d.due_at, "en", msg, sizeof msg);
	incident_event(e, &inc, now, kind, NULL, -1, "%s", msg);
	debriefs_tell(e, &inc, role, kind, d.due_at, now);
	log_info("incident=%lld event=%s", (long long)id, kind);
	debriefs_arm(e, &d);
}

static int
debriefs_restore_one(const struct debrief_due *d, void *arg)
{
	debriefs_arm(arg, d);
	return 0;
}

/* Why the debrief names a type the configuration does not, or NULL. */
static const char *
debriefs_check_types(struct engine *e, const struct debrief *d, char *buf,
    size_t len)
{
	size_t i;

	for (i = 0; i < d->nreferrals; i++)
		if (!conf_has(e->cf->referral_types, e->cf->nreferral_types,
		    d->referrals[i].type)) {
			snprintf(buf, len, "referrals: unknown referral type "
			    "\"%s\" (see debrief.referral_types)",
			    d->referrals[i].type);
			return buf;
		}
	for (i = 0; i < d->nnotices; i++)
		if (!conf_has(e->cf->notice_types, e->cf->nnotice_types,
		    d->notices[i])) {
			snprintf(buf, len, "notices: unknown notice type "
			    "\"%s\" (see debrief.notice_types)", d->notices[i]);
			return buf;
		}
	return NULL;
}

static int
debriefs_latest(const struct debrief_row *row, void *arg)
{
	struct debrief *d = arg;

	if (msg_debrief_decode(row->json, strlen(row->json), d, NULL, 0) !=
	    MSG_OK)
		log_warnx("incident=%lld: debrief revision %d unreadable",
		    (long long)row->incident, row->revision);
	return 0;
}

/* The debrief is recorded: no more reminders. */
static void
debriefs_done(struct engine *e, const struct incident *inc,
    int64_t now)
{
	struct debrief_due d;

	if (store_debrief_due_get(e->st, inc->id, &d) != 1) {
		memset(&d, 0, sizeof d);
		d.incident = inc->id;
		rules_debrief_open(e->cf, now, &d);
		store_debrief_open(e->st, &d);
	}
	if (d.stage == DEBRIEF_RECORDED)
		return;
	d.stage = DEBRIEF_RECORDED;
	d.next_at = -1;
	if (store_debrief_due_update(e->st, &d) != 0)
		log_warnx("incident=%lld: debrief state not recorded",
		    (long long)inc->id);
	debriefs_arm(e, &d);
}

const char *
debriefs_record(struct engine *e, const char *who, const struct query *q,
    struct incident *inc, struct msg_reply *r)
{
	static char err[DETAIL_MAX + 1];
	struct debrief old, d = q->debrief;
	char changed[DETAIL_MAX + 1];
	char *json;
	int64_t now = clock_now();
	int rev = 0;

	if (state_open(inc->state))
		return "the incident is still open: debrief it once resolved";
	if (debriefs_check_types(e, &d, err, sizeof err) != NULL)
		return err;
	memset(&old, 0, sizeof old);
	old.incident = inc->id;
	if (store_debriefs(e->st, inc->id, 1, debriefs_latest,
	    &old) != 0)
		return "the database could not be read";
	d.incident = inc->id;
	d.revision = old.revision + 1;
	d.ts = now;
	strlcpy_utf8(d.author, who, sizeof d.author);
	msg_debrief_diff(&old, &d, changed, sizeof changed);
	if (old.revision > 0 && changed[0] == '\0') {
		snprintf(err, sizeof err, "nothing changed since revision %d",
		    old.revision);
		return err;
	}
	turn_touch(e);
	json = msg_debrief_encode(&d);
	if (store_debrief_add(e->st, inc->id, now, who,
	    debrief_open_actions(&d), json, &rev) != 0) {
		free(json);
		return "the debrief could not be recorded";
	}
	free(json);
	incident_event(e, inc, now, "debrief", who, -1, "revision %d%s%s", rev,
	    rev == 1 ? " recorded" : ": changed ", rev == 1 ? "" : changed);
	log_info("incident=%lld event=debrief revision=%d by=%s",
	    (long long)inc->id, rev, who);
	debriefs_done(e, inc, now);
	msg_reply_set_int(r, "revision", rev);
	return NULL;
}

/* Start-up: the reminders of the debriefs still due. */
int
debriefs_restore(struct engine *e)
{
	return store_debrief_pending(e->st, debriefs_restore_one, e);
}

static void
debriefs_timer(int64_t id, int64_t due, void *arg)
{
	struct engine *e = arg;

	turn_deadline(e, e->debrief_timer, id, due);
	debriefs_fire(e, id, clock_now());
}

void
debriefs_timers(struct engine *e)
{
	e->debrief_timer = timers_handler(e->sched, "debrief", debriefs_timer,
	    e);
}
