/*
 * Alarms that are not real (alarms.h): which reports wait for a cancel,
 * whom a drill may reach, what a repeated press changes; first as pure
 * decisions over the configuration, then (the end of this file) the
 * engine acting on them: cancels and false alarms, drills and drill mode,
 * branches paused for testing, related incidents. Repeated presses that
 * join an incident are in join.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarms.h"
#include "beacon.h"
#include "conf.h"
#include "engine_int.h"

int64_t
alarms_cancel_ms(const struct config *cf, const struct conf_category *cat,
    int severity)
{
	if (cf->cancel_window <= 0 || severity <= 2 || cat == NULL ||
	    cat->cancel == 0)
		return 0;
	if (cat->cancel < 0 && severity < cf->cancel_severity)
		return 0;
	return (int64_t)cf->cancel_window * 1000;
}

int
alarms_drill_skips(const struct config *cf, const char *role)
{
	const struct conf_role *r;

	if (!conf_has(cf->life_roles, cf->nlife_roles, role))
		return 0;
	r = conf_role(cf, role);
	return r == NULL || !r->drill;
}

/* s without leading and trailing white space: *len bytes from the
 * returned pointer. */
static const char *
alarms_trim(const char *s, size_t *len)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	*len = n;
	return s;
}

int
alarms_same_text(const char *a, const char *b)
{
	size_t na, nb, i;

	a = alarms_trim(a, &na);
	b = alarms_trim(b, &nb);
	if (na == 0 || na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	}
	return 1;
}

int
alarms_press_joins(const struct incident *inc, const struct report *r)
{
	int i;

	for (i = 0; r->device[0] != '\0' && i < inc->ndevices; i++)
		if (strcmp(r->device, inc->devices[i]) == 0)
			return 1;
	for (i = 0; i < inc->nlocations; i++)
		if (alarms_same_text(r->location, inc->locations[i]))
			return 1;
	return 0;
}

/* Add s to list (n entries of size each) unless it is empty, already
 * there (alarms_same_text, or equal when exact) or the list is full.
 * 1 when added. */
static int
alarms_list_add(char *list, int *n, size_t size, const char *s, int exact)
{
	size_t len;
	int i;

	alarms_trim(s, &len);
	if (len == 0 || *n >= JOINED_MAX)
		return 0;
	for (i = 0; i < *n; i++)
		if (exact ? strcmp(s, list + i * size) == 0 :
		    alarms_same_text(s, list + i * size))
			return 0;
	strlcpy_utf8(list + (size_t)*n * size, s, size);
	(*n)++;
	return 1;
}

int
alarms_press_add(struct incident *inc, const struct report *r,
    int *location_added, int *note_added)
{
	*location_added = alarms_list_add(inc->locations[0], &inc->nlocations,
	    sizeof inc->locations[0], r->location, 0);
	*note_added = alarms_list_add(inc->notes[0], &inc->nnotes,
	    sizeof inc->notes[0], r->note, 0);
	alarms_list_add(inc->devices[0], &inc->ndevices,
	    sizeof inc->devices[0], r->device, 1);
	/* The first given is the incident's own, never replaced. */
	if (inc->r.location[0] == '\0' && inc->nlocations > 0)
		strlcpy_utf8(inc->r.location, inc->locations[0],
		    sizeof inc->r.location);
	if (inc->r.note[0] == '\0' && inc->nnotes > 0)
		strlcpy_utf8(inc->r.note, inc->notes[0], sizeof inc->r.note);
	return *location_added || *note_added;
}

int
alarms_relate(struct incident *inc, int64_t other)
{
	int i;

	for (i = 0; i < inc->nrelated; i++)
		if (inc->related[i] == other)
			return 0;
	if (inc->nrelated >= RELATED_MAX || other == inc->id)
		return 0;
	inc->related[inc->nrelated++] = other;
	return 1;
}

/* labels are in lang already; English puts an article before each. */
void
alarms_called_text(const char *const *labels, size_t n, int routed,
    const char *lang, char *buf, size_t len)
{
	char list[DETAIL_MAX + 1];
	size_t i, off = 0;
	int en = i18n_index(lang) <= 0;

	buf[0] = '\0';
	if (n == 0) {
		snprintf(buf, len, "%s", routed ? T_(lang, "no one could be "
		    "called") : T_(lang, "nobody has been called yet"));
		return;
	}
	list[0] = '\0';
	for (i = 0; i < n && off < sizeof list; i++)
		off += snprintf(list + off, sizeof list - off, "%s%s%s",
		    i == 0 ? "" : i + 1 == n ? T_(lang, " and ") : ", ",
		    en ? role_article(labels[i]) : "", labels[i]);
	snprintf(buf, len, TN_(lang, "%s is already called",
	    "%s are already called", n), list);
}

void
alarms_press_text(const struct incident *inc, const struct report *r,
    const char *called, const char *acked, const char *lang, char *buf,
    size_t len)
{
	size_t off;

	/* A drill's status says drill: its clients put DRILL first. */
	if (inc->r.location[0] != '\0')
		off = (size_t)snprintf(buf, len, T_(lang, "joined to incident "
		    "%lld at %s"), (long long)inc->id, inc->r.location);
	else
		off = (size_t)snprintf(buf, len, T_(lang, "joined to incident "
		    "%lld"), (long long)inc->id);
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off, ": %s", called);
	if (off < len && acked != NULL && acked[0] != '\0')
		off += (size_t)snprintf(buf + off, len - off, T_(lang, "; %s "
		    "acknowledged"), acked);
	if (off < len && r->location[0] != '\0' &&
	    !alarms_same_text(r->location, inc->r.location))
		snprintf(buf + off, len - off, T_(lang, "; your location, %s, "
		    "is added to it"), r->location);
}

/* ---- the engine acting on them ------------------------------------------ */

/* A drill never reaches emergency dispatch unless its role takes part in
 * drills: recorded, not sent. */
int
alarms_drill_skipped(struct engine *e, struct incident *inc, const char *who,
    const char *role, int step, int64_t now)
{
	if (!inc->r.drill || !alarms_drill_skips(e->cf, role))
		return 0;
	incident_event(e, inc, now, "drill_skipped", who, step, "DRILL: %s "
	    "does not take part in drills: not notified",
	    engine_role_label(e->cf, role));
	log_info("incident=%lld event=drill_skipped step=%d responder=%s",
	    (long long)inc->id, step + 1, who);
	return 1;
}

/* A report made a drill by its branch's drill mode says so. */
void
alarms_drill_mode_event(struct engine *e, struct incident *inc,
    const struct branch_mode *drill, int64_t now)
{
	char until[40];

	if (drill->mode[0] == '\0')
		return;
	incident_event(e, inc, now, "drill_mode", drill->actor, -1,
	    "DRILL: the branch is in drill mode until %s",
	    clock_fmt(drill->until, until, sizeof until));
}

/* A new incident and the open ones it may be related to say so, each on
 * its own timeline and incident topic. */
void
alarms_related(struct engine *e, struct incident *inc,
    const struct related *rel, int64_t now)
{
	struct incident other;
	int i;

	for (i = 0; i < rel->n; i++) {
		memset(&other, 0, sizeof other);
		if (store_incident_get(e->st, rel->id[i], &other) != 1 ||
		    !alarms_relate(inc, other.id))
			continue;
		incident_event(e, inc, now, "related", NULL, -1, "may be "
		    "related to incident %lld%s%s: another report of the same "
		    "category within repeat_window, from another device at "
		    "another place", (long long)other.id, other.r.location[0] ?
		    " at " : "", other.r.location);
		if (!alarms_relate(&other, inc->id))
			continue;
		turn_touch(e);
		if (store_incident_related(e->st, &other) != 0)
			log_warnx("incident=%lld: related not recorded",
			    (long long)other.id);
		incident_event(e, &other, now, "related", NULL, -1, "may be "
		    "related to incident %lld%s%s: another report of the same "
		    "category within repeat_window, from another device at "
		    "another place", (long long)inc->id, inc->r.location[0] ?
		    " at " : "", inc->r.location);
		incident_publish(e, &other);
		log_info("incident=%lld event=related related=%lld",
		    (long long)other.id, (long long)inc->id);
	}
	turn_touch(e);
	if (inc->nrelated > 0 && store_incident_related(e->st, inc) != 0)
		log_warnx("incident=%lld: related not recorded",
		    (long long)inc->id);
}

/*
 * Tell everyone notified for the incident, except `except` (NULL: none),
 * that they are no longer needed: a "stand_down" notification with the
 * reason ("false_alarm", ...) and who caused it, each on the timeline.
 * Returns how many were told.
 */
static size_t
alarms_stand_down_all(struct engine *e, struct incident *inc,
    const char *reason, const char *by, const char *except,
    const char *message, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	struct names ns = { NULL, 0, 0 };
	size_t i, told = 0;
	const char *lang;

	if (store_notified(e->st, inc->id, incident_names_add, &ns) != 0)
		log_warnx("incident=%lld: who was notified is unknown",
		    (long long)inc->id);
	for (i = 0; i < ns.n; i++) {
		/* The same notice as a stand-down on acknowledgment
		 * (feedback_stand_down); `by` is the reporter's device here. */
		struct notice nt = { inc, "stand_down", inc->r.type, reason, by,
			NULL, NULL, message, now, NULL };

		if (except != NULL && strcmp(ns.v[i], except) == 0)
			continue;
		lang = conf_responder_lang(e->cf, ns.v[i], inc->branch);
		nt.lang = lang;
		nt.message = T_(lang, message);
		if (cat != NULL)
			nt.label = conf_category_label(cat, lang);
		incident_event(e, inc, now, "stand_down", ns.v[i], -1,
		    "%sreason=%s by=%s", inc->r.drill ? "DRILL: " : "", reason,
		    by);
		turn_notice(e, inc->id, ns.v[i],
		    msg_notice_encode(&nt), now);
		log_info("incident=%lld event=stand_down responder=%s "
		    "reason=%s", (long long)inc->id, ns.v[i], reason);
		told++;
	}
	free(ns.v);
	return told;
}

/* The reporter cancels a report ({"id", "cancel": true}). Before anyone
 * was notified it is cancelled; after, it is a false alarm and everyone
 * notified is told to stand down. Either way it is closed, never
 * deleted. */
void
alarms_cancel(struct engine *e, const char *topic, const char *branch,
    const struct report *r, const void *p, size_t len)
{
	struct incident inc;
	char err[DETAIL_MAX + 1], text[DETAIL_MAX + 1];
	const char *by;
	int64_t now = clock_now();
	size_t n;

	memset(&inc, 0, sizeof inc);
	if (store_incident_by_report(e->st, branch, r->id, &inc) != 1) {
		snprintf(err, sizeof err, "cancel: no report \"%s\" from "
		    "branch \"%s\"", r->id, branch);
		intake_reject(e, topic, branch, r->id, err, p, len);
		return;
	}
	by = r->reporter[0] ? r->reporter : r->device[0] ? r->device :
	    inc.r.device[0] ? inc.r.device : "reporter";
	if (!state_open(inc.state)) {
		incident_event(e, &inc, now, "cancel_refused", by, -1,
		    "cancel received after the incident was closed");
		reporter_tell(e, &inc, NULL, T_(REPORTER_LANG(e, &inc),
		    "already closed: nothing to cancel"));
		return;
	}
	inc.due_at = -1;
	inc.state = ST_RESOLVED;
	if (inc.step < 0) {
		incident_event(e, &inc, now, "cancelled", by, -1, "%scancelled "
		    "by the reporter before anyone was notified",
		    inc.r.drill ? "DRILL: " : "");
		log_info("incident=%lld event=cancelled", (long long)inc.id);
		incident_save(e, &inc, now);
		reporter_announce(e, &inc, by, T_(REPORTER_LANG(e, &inc),
		    "cancelled: nobody was notified"));
		return;
	}
	incident_event(e, &inc, now, "false_alarm", by, inc.step, "%sfalse "
	    "alarm: cancelled by the reporter", inc.r.drill ? "DRILL: " : "");
	log_info("incident=%lld event=false_alarm", (long long)inc.id);
	n = alarms_stand_down_all(e, &inc, "false_alarm", by, NULL,
	    N_("false alarm: cancelled by the reporter; stand down"), now);
	incident_save(e, &inc, now);
	snprintf(text, sizeof text, TN_(REPORTER_LANG(e, &inc), "false alarm: "
	    "%zu responder told to stand down", "false alarm: %zu responders "
	    "told to stand down", n), n);
	reporter_announce(e, &inc, by, text);
}

/* Who was called for inc, in words (alarms_called_text): the labels of
 * the roles of everyone notified, each once. */
void
alarms_who_called(struct engine *e, const struct incident *inc,
    const char *lang, char *buf, size_t len)
{
	struct names ns = { NULL, 0, 0 };
	const char **labels;
	size_t i, j, n = 0;

	if (inc->step >= 0 && store_notified(e->st, inc->id,
	    incident_names_add, &ns) != 0)
		log_warnx("incident=%lld: who was notified is unknown",
		    (long long)inc->id);
	labels = xcalloc(ns.n + 1, sizeof *labels);
	for (i = 0; i < ns.n; i++) {
		const char *role = engine_responder_role(e->cf, ns.v[i]);
		const char *l = role[0] ? engine_role_label_in(e->cf, role,
		    lang) : ns.v[i];

		for (j = 0; j < n && strcmp(labels[j], l) != 0; j++)
			;
		if (j == n)
			labels[n++] = l;
	}
	alarms_called_text(labels, n, inc->step >= 0, lang, buf, len);
	free(labels);
	free(ns.v);
}

/* The branch is in this mode now (drill, pause): 1, with *m filled. */
static int
alarms_in_mode(struct engine *e, const char *branch, const char *mode,
    int64_t now, struct branch_mode *m)
{
	return store_mode_get(e->st, branch, mode, m) == 1 && now < m->until;
}

/* A branch paused for device testing: the report is recorded as a test,
 * answered, and nobody is paged. */
static void
alarms_test_report(struct engine *e, const char *branch,
    const struct report *r, const struct conf_category *cat,
    const struct branch_mode *m, int64_t now)
{
	struct incident inc;
	char until[40];
	int loc, note;

	memset(&inc, 0, sizeof inc);
	strlcpy_utf8(inc.branch, branch, sizeof inc.branch);
	inc.r = *r;
	inc.r.severity = rules_severity(cat, r->severity);
	strlcpy_utf8(inc.policy, cat->policy, sizeof inc.policy);
	inc.state = ST_RESOLVED;
	inc.created = inc.updated = inc.step_at = now;
	inc.nsteps = (int)cat->pol->nsteps;
	inc.step = -1;
	inc.due_at = -1;
	inc.presses = 1;
	alarms_press_add(&inc, r, &loc, &note);
	turn_touch(e);
	if (store_incident_insert(e->st, &inc) != 0) {
		log_warnx("branch=%s report=%s: test not recorded", branch,
		    r->id);
		return;
	}
	incident_event(e, &inc, now, "reported", r->device, -1, "TEST: %s, "
	    "severity %d%s%s", cat->label, inc.r.severity,
	    r->location[0] ? ", at " : "", r->location);
	incident_event(e, &inc, now, "test", m->actor, -1, "branch paused for "
	    "device testing until %s: recorded as a test, nobody was paged",
	    clock_fmt(m->until, until, sizeof until));
	log_info("incident=%lld event=test branch=%s report=%s",
	    (long long)inc.id, branch, r->id);
	reporter_announce(e, &inc, NULL, T_(REPORTER_LANG(e, &inc),
	    "test recorded: nobody was paged"));
}

/* Before a valid report opens an incident: a paused branch records it
 * as a test, a branch in drill mode makes it a drill (said in *drill, to
 * go on its timeline; mode "" when not), a repeated press joins the open
 * incident. 1 when it was handled here. */
int
alarms_divert(struct engine *e, const char *branch, struct report *r,
    const struct conf_category *cat, struct related *rel,
    struct branch_mode *drill)
{
	struct branch_mode m;
	int64_t now = clock_now();

	memset(drill, 0, sizeof *drill);
	if (alarms_in_mode(e, branch, "pause", now, &m)) {
		alarms_test_report(e, branch, r, cat, &m, now);
		return 1;
	}
	if (!r->drill && alarms_in_mode(e, branch, "drill", now, &m)) {
		*drill = m;
		r->drill = 1;
	}
	return join_report(e, branch, r, cat, now, rel);
}

/* branch_mode: a supervisor puts a branch in drill mode or pauses it for
 * device testing until a time, or stops it. */
const char *
alarms_mode(struct engine *e, const char *who, const struct query *q,
    struct msg_reply *r)
{
	static char err[128];
	struct branch_mode m;
	char until[40];
	int64_t now = clock_now();

	if (conf_branch(e->cf, q->branch) == NULL) {
		snprintf(err, sizeof err, "unknown branch \"%s\"", q->branch);
		return err;
	}
	if (!q->stop && q->until <= now)
		return "until: must be in the future";
	/* A forgotten pause would keep a branch from paging anyone. */
	if (!q->stop && q->until > now + MODE_MAX_MS)
		return "until: at most 24 hours ahead; start it again then";
	memset(&m, 0, sizeof m);
	strlcpy_utf8(m.branch, q->branch, sizeof m.branch);
	strlcpy_utf8(m.mode, q->mode, sizeof m.mode);
	strlcpy_utf8(m.actor, who, sizeof m.actor);
	m.ts = now;
	m.until = q->stop ? now : q->until;
	turn_touch(e);
	if (store_mode_set(e->st, &m) != 0)
		return "the database could not record it";
	log_info("event=branch_mode branch=%s mode=%s until=%s by=%s",
	    m.branch, m.mode, clock_fmt(m.until, until, sizeof until), who);
	msg_reply_set_str(r, "branch", m.branch);
	msg_reply_set_str(r, "mode", m.mode);
	msg_reply_set_int(r, "active", !q->stop);
	if (!q->stop)
		msg_reply_set_str(r, "until", until);
	return NULL;
}
