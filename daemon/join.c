/*
 * Repeated presses: a report of the same branch and category within
 * repeat_window that is the same event (alarms_press_joins) joins the open
 * incident instead of opening one; the incident is sent again when the
 * press says more.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* The reporter's answer to a press joined to inc, on its own report's
 * status topic, retained as a first report's is; what happens to the
 * incident next follows there (reporter_tell_joined). */
static void
join_tell(struct engine *e, const struct incident *inc,
    const struct report *r)
{
	struct status s;
	char called[DETAIL_MAX + 1], acked[DETAIL_MAX + 1];
	char text[DETAIL_MAX + 1];
	const char *lang = REPORTER_LANG(e, inc);

	alarms_who_called(e, inc, lang, called, sizeof called);
	acked[0] = '\0';
	if (inc->acked_by[0] != '\0') {
		const char *role = engine_responder_role(e->cf, inc->acked_by);

		snprintf(acked, sizeof acked, "%s%s%s%s", inc->acked_by,
		    role[0] ? " (" : "", role[0] ? engine_role_label_in(e->cf,
		    role, lang) : "", role[0] ? ")" : "");
	}
	alarms_press_text(inc, r, called, acked, lang, text, sizeof text);
	reporter_status(e, inc, NULL, text, r->shortened, &s);
	strlcpy_utf8(s.report, r->id, sizeof s.report);
	s.cancel_until = 0;
	reporter_publish(e, inc, &s);
}

/* A press retried with the same id: it was joined already. */
void
join_again(struct engine *e, struct incident *inc,
    const struct report *r)
{
	incident_event(e, inc, clock_now(), "duplicate", r->device, -1,
	    "report %s received again", r->id);
	join_tell(e, inc, r);
}

/* Send the incident again to everyone notified, saying what changed. */
static void
join_resend(struct engine *e, struct incident *inc,
    const char *update, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	struct names ns = { NULL, 0, 0 };
	size_t i;

	if (store_notified(e->st, inc->id, incident_names_add, &ns) != 0)
		log_warnx("incident=%lld: who was notified is unknown",
		    (long long)inc->id);
	for (i = 0; i < ns.n; i++) {
		const char *role = engine_responder_role(e->cf, ns.v[i]);
		const char *lang = conf_responder_lang(e->cf, ns.v[i],
		    inc->branch);
		struct notify n = { inc, cat ? conf_category_label(cat, lang) :
			inc->r.type, role, inc->step, 0, now, NULL, NULL,
			lang };

		incident_event(e, inc, now, "updated", ns.v[i], inc->step,
		    "sent again: %s changed", update);
		turn_notice(e, inc->id, ns.v[i],
		    msg_notify_update_encode(&n, update), now);
	}
	free(ns.v);
}

/* A press that makes a routed incident a threat to life brings in at once
 * what a first report of that severity would have had: the life_threat
 * roles (emergency dispatch), unless a drill keeps them out. */
static void
join_life(struct engine *e, struct incident *inc, int64_t now)
{
	struct route rt;
	size_t i, j;

	for (i = 0; i < e->cf->nlife_roles; i++) {
		rules_role(e->cf, e->cf->life_roles[i], inc->branch, &rt);
		for (j = 0; j < rt.n; j++) {
			if (store_was_notified(e->st, inc->id,
			    rt.who[j]->id) != 0 || alarms_drill_skipped(e, inc,
			    rt.who[j]->id, rt.role[j], inc->step, now))
				continue;
			inc->notified++;
			incident_event(e, inc, now, "notified", rt.who[j]->id,
			    inc->step, "role=%s; severity raised to %d",
			    rt.role[j], inc->r.severity);
			escalate_notify_one(e, inc, rt.who[j], rt.role[j],
			    inc->step, 0, now);
			log_info("incident=%lld event=notified step=%d "
			    "responder=%s", (long long)inc->id, inc->step + 1,
			    rt.who[j]->id);
		}
	}
}

/* Walking the open incidents a report may join: the first that is the
 * same event (alarms_press_joins), or else the others, related. */
struct join_walk {
	const struct report *r;
	struct incident *match;
	int found;
	struct related *rel;
};

static int
join_walk(const struct incident *inc, void *arg)
{
	struct join_walk *w = arg;

	if (alarms_press_joins(inc, w->r)) {
		*w->match = *inc;
		w->found = 1;
		return 1;
	}
	if (w->rel->n < RELATED_MAX)
		w->rel->id[w->rel->n++] = inc->id;
	return 0;
}

/* A report of the same branch and category within repeat_window joins an
 * open incident when it is the same event: the same device again, or the
 * same place. It adds its location and note (never replacing), is
 * counted, and the incident is re-sent when it says more. The open
 * incidents it does not join go into rel. */
int
join_report(struct engine *e, const char *branch, const struct report *r,
    const struct conf_category *cat, int64_t now, struct related *rel)
{
	struct incident inc;
	struct join_walk w = { r, &inc, 0, rel };
	int sev = rules_severity(cat, r->severity), loc, note, higher, was_911;
	char update[32];

	if (e->cf->repeat_window <= 0)
		return 0;
	memset(&inc, 0, sizeof inc);
	if (store_incident_joinable(e->st, branch, r->type, r->drill, now -
	    (int64_t)e->cf->repeat_window * 1000, join_walk, &w) != 0 ||
	    !w.found)
		return 0;
	rel->n = 0;
	alarms_press_add(&inc, r, &loc, &note);
	higher = sev >= 1 && sev < inc.r.severity;
	was_911 = inc.call_911;
	if (higher) {
		inc.r.severity = sev;
		inc.call_911 |= rules_call_911(e->cf, sev);
	}
	inc.updated = now;
	turn_touch(e);
	if (store_incident_press(e->st, &inc) != 0 ||
	    store_press_add(e->st, branch, r->id, inc.id, now) != 0)
		log_warnx("incident=%lld report=%s: press not recorded",
		    (long long)inc.id, r->id);
	incident_event(e, &inc, now, "pressed", r->device, -1, "%spress %d: "
	    "report %s%s%s%s%s%s", r->drill ? "DRILL: " : "", inc.presses,
	    r->id, r->location[0] ? ", at " : "", r->location,
	    higher ? ", severity raised" : "", r->note[0] ? ", note: " : "",
	    r->note);
	log_info("incident=%lld event=pressed presses=%d report=%s",
	    (long long)inc.id, inc.presses, r->id);
	snprintf(update, sizeof update, "%s%s%s%s%s", loc ? "location" : "",
	    loc && (note || higher) ? ", " : "", note ? "note" : "",
	    note && higher ? ", " : "", higher ? "severity" : "");
	if (inc.step >= 0 && update[0])
		join_resend(e, &inc, update, now);
	if (inc.step >= 0 && inc.call_911 && !was_911)
		join_life(e, &inc, now);
	join_tell(e, &inc, r);
	/* Severity 1-2 never waits for a cancel. */
	if (inc.step < 0 && higher && alarms_cancel_ms(e->cf, cat, sev) == 0)
		escalate_step(e, &inc, 0, now);
	else
		incident_save(e, &inc, now);
	/* The first report hears of it; the joined one had its own answer. */
	reporter_tell(e, &inc, NULL, update[0] ? T_(REPORTER_LANG(e, &inc),
	    "pressed again: incident updated and sent again") :
	    T_(REPORTER_LANG(e, &inc), "pressed again"));
	incident_publish(e, &inc);
	return 1;
}
