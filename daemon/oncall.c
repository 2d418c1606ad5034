/*
 * beacon oncall, beacond's side: who is on duty at a branch now or at a
 * given time (per role, and each category's route with the steps that
 * would be skipped as empty), and the run-time overrides supervisors set
 * and clear, recorded on a timeline of their own (store.h) and applied at
 * once. This room owns the overrides in force (e->duty), which routing
 * reads. Everything is computed from the configuration, the overrides and
 * beacond's clock, with the same functions that route a report
 * (rules_route_at), so the answer is what a report would get at that
 * time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "engine_int.h"

/* One request being answered: who asks, what, when, the reply being
 * built and, when it is refused, why. */
struct oncall_ask {
	const char *who;
	const struct oncall_req *q;
	int64_t now;
	struct msg_reply *r;
	char err[DETAIL_MAX + 1];
};

/* The answer's text for people, a line at a time. */
struct text {
	FILE *fp;
	char *buf;
	size_t len;
};

static void
text_open(struct text *t)
{
	if ((t->fp = open_memstream(&t->buf, &t->len)) == NULL)
		fatal("open_memstream");
}

static char *
text_close(struct text *t)
{
	fclose(t->fp);
	return t->buf;
}

/* "2026-03-08 01:59" in the zone. */
static char *
oncall_local(const char *tz, int64_t ms, char *buf, size_t len)
{
	struct duty_local lt;

	if (duty_local(tz, ms, &lt) != 0)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", lt.y, lt.m, lt.d,
		    lt.min / 60, lt.min % 60);
	return buf;
}

static int
oncall_add(const struct duty_override *ov, void *arg)
{
	duty_add(arg, ov);
	return 0;
}

int
oncall_restore(struct engine *e, int64_t now)
{
	e->duty->n = 0;
	if (store_oncall_active(e->st, now, oncall_add, e->duty) != 0)
		return -1;
	if (e->duty->n > 0)
		log_info("event=oncall_restored overrides=%zu", e->duty->n);
	return 0;
}

/* 1 if the method writes (set, clear). */
static int
oncall_writes(int method)
{
	return method == ONCALL_SET || method == ONCALL_CLEAR;
}

/* ---- who is on duty ---------------------------------------------------- */

/* Why the branch is closed at `at`, or NULL when it is open. */
static const char *
oncall_closed(const struct conf_branch *b, int64_t at)
{
	struct duty_local lt;

	if (duty_open(b, at))
		return NULL;
	if (duty_local(b->timezone, at, &lt) == 0 &&
	    duty_closed_day(b, lt.ymd))
		return "closed today (holiday or closure)";
	return "outside opening hours";
}

static void
oncall_roles(struct engine *e, const struct conf_branch *b, int64_t at,
    struct msg_doc *doc, struct text *t)
{
	const struct config *cf = e->cf;
	const struct conf_responder *rp;
	struct msg_doc *r;
	size_t i, j, non, noff;
	char on[512], off[512];

	fprintf(t->fp, "  on duty:\n");
	for (i = 0; i < cf->nroles; i++) {
		r = msg_doc_new();
		msg_doc_str(r, "role", cf->roles[i].id);
		msg_doc_str(r, "label", cf->roles[i].label);
		msg_doc_push_str(r, "on_duty", NULL);
		msg_doc_push_str(r, "off_duty", NULL);
		on[0] = off[0] = '\0';
		for (j = non = noff = 0; j < cf->nresponders; j++) {
			rp = &cf->responders[j];
			if (strcmp(rp->role, cf->roles[i].id) != 0 ||
			    !conf_covers(rp, b->id))
				continue;
			if (duty_on(cf, e->duty, rp, b->id, at)) {
				msg_doc_push_str(r, "on_duty", rp->id);
				snprintf(on + strlen(on), sizeof on - strlen(on),
				    "%s%s", non++ ? ", " : "", rp->id);
			} else {
				msg_doc_push_str(r, "off_duty", rp->id);
				snprintf(off + strlen(off), sizeof off -
				    strlen(off), "%s%s", noff++ ? ", " : "",
				    rp->id);
			}
		}
		msg_doc_push(doc, "roles", r);
		if (non + noff == 0)
			fprintf(t->fp, "    %-20s nobody covers this branch\n",
			    cf->roles[i].label);
		else
			fprintf(t->fp, "    %-20s %s%s%s%s\n", cf->roles[i].label,
			    non ? on : "no one", noff ? " (off duty: " : "",
			    off, noff ? ")" : "");
	}
}

/* One step of a route: whom it notifies, or skipped as empty. */
static void
oncall_step(const struct config *cf, const struct route *rt, int step,
    struct msg_doc *c, struct text *t)
{
	struct msg_doc *s = msg_doc_new();
	size_t i;

	msg_doc_int(s, "step", step + 1);
	msg_doc_bool(s, "skipped", rt->n == 0);
	msg_doc_push_str(s, "notify", NULL);
	msg_doc_push_str(s, "empty", NULL);
	fprintf(t->fp, "%sstep %d%s", step ? "; " : "", step + 1,
	    rt->n ? ": " : " skipped");
	for (i = 0; i < rt->n; i++) {
		msg_doc_push_str(s, "notify", rt->who[i]->id);
		fprintf(t->fp, "%s%s", i ? ", " : "", rt->who[i]->id);
	}
	for (i = 0; i < rt->nempty; i++) {
		const struct conf_role *r = conf_role(cf, rt->empty[i]);

		msg_doc_push_str(s, "empty", rt->empty[i]);
		fprintf(t->fp, "%s%s", i ? ", " : " (no one available: ",
		    r ? r->label : rt->empty[i]);
	}
	if (rt->nempty > 0)
		fprintf(t->fp, ")");
	msg_doc_push(c, "steps", s);
}

static void
oncall_routes(struct engine *e, const struct conf_branch *b, int64_t at,
    struct msg_doc *doc, struct text *t)
{
	const struct config *cf = e->cf;
	const struct conf_category *cat;
	const struct conf_policy *pol;
	struct msg_doc *c;
	struct route rt;
	size_t i, k;
	int after;

	fprintf(t->fp, "  routes:\n");
	for (i = 0; i < cf->ncategories; i++) {
		cat = &cf->categories[i];
		if ((pol = duty_policy(cf, cat, b->id, at, &after)) == NULL)
			continue;
		c = msg_doc_new();
		msg_doc_str(c, "category", cat->id);
		msg_doc_str(c, "policy", pol->id);
		msg_doc_bool(c, "after_hours", after);
		msg_doc_push_str(c, "steps", NULL);
		fprintf(t->fp, "    %-20s %spolicy %s: ", cat->id,
		    after ? "after hours, " : "", pol->id);
		for (k = 0; k < pol->nsteps; k++) {
			rules_route_at(cf, pol, b->id, cat->severity, (int)k,
			    e->duty, at, &rt);
			oncall_step(cf, &rt, (int)k, c, t);
		}
		fprintf(t->fp, "\n");
		msg_doc_push(doc, "routes", c);
	}
}

static void
oncall_overrides(const struct duty *d, const struct conf_branch *b,
    int64_t at, struct msg_doc *doc, struct text *t)
{
	const struct duty_override *ov;
	struct msg_doc *o;
	char from[32], until[32];
	size_t i;
	int n = 0;

	msg_doc_push_str(doc, "overrides", NULL);
	for (i = 0; i < d->n; i++) {
		ov = &d->v[i];
		if (strcmp(ov->branch, b->id) != 0 || ov->until <= at)
			continue;
		o = msg_doc_new();
		msg_doc_int(o, "id", ov->id);
		msg_doc_str(o, "responder", ov->responder);
		msg_doc_bool(o, "on_duty", ov->on);
		msg_doc_time(o, "from", ov->from);
		msg_doc_time(o, "until", ov->until);
		msg_doc_str(o, "by", ov->by);
		msg_doc_str(o, "note", ov->note);
		msg_doc_push(doc, "overrides", o);
		fprintf(t->fp, "%s    %s %s from %s until %s, set by %s%s%s\n",
		    n++ ? "" : "  overrides:\n", ov->responder, ov->on ?
		    "on duty" : "off duty", oncall_local(b->timezone, ov->from,
		    from, sizeof from), oncall_local(b->timezone, ov->until,
		    until, sizeof until), ov->by, ov->note[0] ? ": " : "",
		    ov->note);
	}
}

static void
oncall_branch(struct engine *e, const struct conf_branch *b, int64_t at,
    struct msg_reply *r, struct text *t)
{
	struct msg_doc *doc = msg_doc_new();
	const char *closed = oncall_closed(b, at);
	char local[32];

	msg_doc_str(doc, "branch", b->id);
	msg_doc_str(doc, "name", b->name);
	msg_doc_str(doc, "timezone", b->timezone);
	msg_doc_time(doc, "at", at);
	msg_doc_str(doc, "local", oncall_local(b->timezone, at, local,
	    sizeof local));
	msg_doc_bool(doc, "open", closed == NULL);
	if (closed != NULL)
		msg_doc_str(doc, "closed", closed);
	fprintf(t->fp, "%s (%s) at %s %s: %s%s\n", b->id, b->name, local,
	    b->timezone, closed ? "closed, " : "open", closed ? closed : "");
	msg_doc_push_str(doc, "roles", NULL);
	msg_doc_push_str(doc, "routes", NULL);
	oncall_roles(e, b, at, doc, t);
	oncall_routes(e, b, at, doc, t);
	oncall_overrides(e->duty, b, at, doc, t);
	msg_reply_add(r, "branches", msg_doc_finish(doc));
}

static const char *
oncall_show(struct engine *e, struct oncall_ask *a)
{
	const struct oncall_req *q = a->q;
	const struct conf_branch *b;
	struct text t;
	int64_t at;
	size_t i;

	if (q->branch[0] != '\0' && conf_branch(e->cf, q->branch) == NULL) {
		snprintf(a->err, sizeof a->err, "branch: unknown branch \"%s\"",
		    q->branch);
		return a->err;
	}
	text_open(&t);
	msg_reply_add(a->r, "branches", NULL);
	for (i = 0; i < e->cf->nbranches; i++) {
		b = &e->cf->branches[i];
		if (q->branch[0] != '\0' && strcmp(b->id, q->branch) != 0)
			continue;
		at = a->now;
		if (q->at[0] != '\0' && duty_resolve(b->timezone, a->now,
		    q->at, &at) != 0) {
			free(text_close(&t));
			snprintf(a->err, sizeof a->err, "at: \"%s\" is not a "
			    "time: use HH:MM (today at the branch), "
			    "YYYY-MM-DDTHH:MM (the branch's local time) or RFC "
			    "3339", q->at);
			return a->err;
		}
		oncall_branch(e, b, at, a->r, &t);
	}
	msg_reply_set_str(a->r, "text", text_close(&t));
	free(t.buf);
	return NULL;
}

/* ---- overrides --------------------------------------------------------- */

/* from and until of a set request, in the branch's zone; an "HH:MM"
 * until at or before from is on the next day. */
static const char *
oncall_window(const struct conf_branch *b, struct oncall_ask *a,
    int64_t *from, int64_t *until)
{
	const struct oncall_req *q = a->q;
	int64_t now = a->now;
	char *err = a->err;
	size_t errlen = sizeof a->err;
	struct duty_local lt;
	int min;

	if (duty_resolve(b->timezone, now, q->from, from) != 0 ||
	    duty_resolve(b->timezone, now, q->until, until) != 0) {
		snprintf(err, errlen, "%s: \"%s\" is not a time: use HH:MM "
		    "(today at the branch), YYYY-MM-DDTHH:MM (the branch's "
		    "local time) or RFC 3339", duty_resolve(b->timezone, now,
		    q->from, from) != 0 ? "from" : "until",
		    duty_resolve(b->timezone, now, q->from, from) != 0 ?
		    q->from : q->until);
		return err;
	}
	if (*until <= *from && calendar_parse_hhmm(q->until, &min) == 0 &&
	    duty_local(b->timezone, *from, &lt) == 0)
		*until = duty_instant(b->timezone, lt.y, lt.m, lt.d + 1,
		    min / 60, min % 60);
	if (*until <= *from) {
		snprintf(err, errlen, "until must come after from");
		return err;
	}
	if (*until <= now) {
		snprintf(err, errlen, "the override would end before now: "
		    "nothing was changed");
		return err;
	}
	return NULL;
}

static const char *
oncall_who(struct engine *e, struct oncall_ask *a,
    const struct conf_branch **b)
{
	const struct oncall_req *q = a->q;
	const struct config *cf = e->cf;
	const struct conf_responder *rp = conf_responder(cf, q->responder);
	char *err = a->err;
	size_t errlen = sizeof a->err;

	*b = NULL;
	if (rp == NULL)
		snprintf(err, errlen, "responder: unknown responder \"%s\"",
		    q->responder);
	else if (q->branch[0] != '\0' && (*b = conf_branch(cf,
	    q->branch)) == NULL)
		snprintf(err, errlen, "branch: unknown branch \"%s\"",
		    q->branch);
	else if (*b != NULL && !conf_covers(rp, q->branch))
		snprintf(err, errlen, "%s does not cover branch %s (its "
		    "branches in beacon.conf): nothing was changed",
		    q->responder, q->branch);
	else
		return NULL;
	return err;
}

static const char *
oncall_set(struct engine *e, struct oncall_ask *a)
{
	const struct oncall_req *q = a->q;
	const char *who = a->who;
	const struct conf_branch *b;
	struct duty_override ov;
	char from[32], until[32], detail[DETAIL_MAX + 1], *text;

	if (oncall_who(e, a, &b) != NULL)
		return a->err;
	memset(&ov, 0, sizeof ov);
	if (oncall_window(b, a, &ov.from, &ov.until) != NULL)
		return a->err;
	strlcpy_utf8(ov.responder, q->responder, sizeof ov.responder);
	strlcpy_utf8(ov.branch, q->branch, sizeof ov.branch);
	strlcpy_utf8(ov.by, who, sizeof ov.by);
	strlcpy_utf8(ov.note, q->note, sizeof ov.note);
	ov.on = !q->off;
	ov.set_at = a->now;
	snprintf(detail, sizeof detail, "%s from %s until %s (%s)%s%.300s",
	    ov.on ? "on duty" : "off duty", oncall_local(b->timezone, ov.from,
	    from, sizeof from), oncall_local(b->timezone, ov.until, until,
	    sizeof until), b->timezone, ov.note[0] ? ": " : "", ov.note);
	if ((ov.id = store_oncall_set(e->st, &ov, detail)) < 0) {
		snprintf(a->err, sizeof a->err, "the override was not recorded "
		    "(database error): nothing was changed");
		return a->err;
	}
	duty_add(e->duty, &ov);
	log_info("event=oncall_set override=%lld responder=%s branch=%s on=%d "
	    "by=%s", (long long)ov.id, ov.responder, ov.branch, ov.on, who);
	msg_reply_set_int(a->r, "override", ov.id);
	text = xasprintf("%s is %s at %s %s\n", ov.responder, ov.on ?
	    "on duty" : "off duty", ov.branch, detail + (ov.on ? 8 : 9));
	msg_reply_set_str(a->r, "text", text);
	free(text);
	return NULL;
}

static const char *
oncall_clear(struct engine *e, struct oncall_ask *a)
{
	const struct oncall_req *q = a->q;
	const char *who = a->who;
	const struct conf_branch *b;
	const char *branch = q->branch[0] ? q->branch : NULL;
	char *text;
	int n;

	if (oncall_who(e, a, &b) != NULL)
		return a->err;
	if ((n = store_oncall_clear(e->st, q->responder, branch, who,
	    a->now)) < 0) {
		snprintf(a->err, sizeof a->err, "the clearing was not recorded "
		    "(database error): nothing was changed");
		return a->err;
	}
	if (n == 0) {
		snprintf(a->err, sizeof a->err, "no override of %s%s%s in "
		    "force or to come: nothing to clear", q->responder,
		    branch ? " at " : "", branch ? branch : "");
		return a->err;
	}
	duty_remove(e->duty, q->responder, branch);
	log_info("event=oncall_cleared responder=%s branch=%s overrides=%d "
	    "by=%s", q->responder, branch ? branch : "*", n, who);
	msg_reply_set_int(a->r, "cleared", n);
	text = xasprintf("%d override%s of %s cleared: %s follows the shifts "
	    "in beacon.conf again\n", n, n == 1 ? "" : "s", q->responder,
	    q->responder);
	msg_reply_set_str(a->r, "text", text);
	free(text);
	return NULL;
}

/* ---- the on-call timeline ---------------------------------------------- */

struct oncall_log {
	struct msg_reply *r;
	struct text t;
};

static int
oncall_log_one(const struct oncall_event *ev, void *arg)
{
	struct oncall_log *lg = arg;
	struct msg_doc *o = msg_doc_new();
	char ts[40];

	msg_doc_time(o, "ts", ev->ts);
	msg_doc_str(o, "kind", ev->kind);
	msg_doc_int(o, "override", ev->override);
	msg_doc_str(o, "responder", ev->responder);
	msg_doc_str(o, "branch", ev->branch);
	msg_doc_str(o, "actor", ev->actor);
	msg_doc_str(o, "detail", ev->detail);
	msg_reply_add(lg->r, "events", msg_doc_finish(o));
	fprintf(lg->t.fp, "%s  override %lld  %-8s %s at %s by %s%s%s\n",
	    clock_fmt(ev->ts, ts, sizeof ts), (long long)ev->override,
	    ev->kind, ev->responder, ev->branch, ev->actor,
	    ev->detail[0] ? ": " : "", ev->detail);
	return 0;
}

static const char *
oncall_log(struct engine *e, struct oncall_ask *a)
{
	const struct oncall_req *q = a->q;
	struct oncall_log lg = { a->r, { NULL, NULL, 0 } };
	int rc;

	text_open(&lg.t);
	msg_reply_add(a->r, "events", NULL);
	rc = store_oncall_events(e->st, q->since, q->branch[0] ? q->branch :
	    NULL, oncall_log_one, &lg);
	msg_reply_set_str(a->r, "text", text_close(&lg.t));
	free(lg.t.buf);
	if (rc != 0) {
		snprintf(a->err, sizeof a->err, "cannot read the on-call "
		    "timeline");
		return a->err;
	}
	return NULL;
}

/* Answer a into a->r: NULL when done; else why not (in a->err), and
 * nothing was changed. A write is in this turn's transaction, committed
 * before the reply goes out. */
static const char *
oncall_answer(struct engine *e, struct oncall_ask *a)
{
	duty_expire(e->duty, a->now);
	msg_reply_set_str(a->r, "method", msg_oncall_method_name(a->q->method));
	switch (a->q->method) {
	case ONCALL_SET:
		return oncall_set(e, a);
	case ONCALL_CLEAR:
		return oncall_clear(e, a);
	case ONCALL_LOG:
		return oncall_log(e, a);
	default:
		return oncall_show(e, a);
	}
}

/* An on-call request: 1 when it was one, answered or refused; 0 when it
 * is some other request. The request room checks who asks; this one
 * answers. */
int
oncall_request(struct engine *e, const struct request *rq)
{
	struct oncall_req q;
	struct oncall_ask a;
	struct msg_reply *r;
	char err[DETAIL_MAX + 1];
	const char *why;
	int rc;

	if ((rc = msg_oncall_decode(rq->p, rq->len, &q, err, sizeof err)) ==
	    MSG_NOID)
		return 0;
	if ((why = request_unanswerable(rq, rc, err)) == NULL)
		why = request_may_query(e, rq->who, err, sizeof err);
	if (why == NULL) {
		if (oncall_writes(q.method))
			turn_touch(e);
		r = msg_reply_new(-1);
		a.who = rq->who;
		a.q = &q;
		a.now = clock_now();
		a.r = r;
		why = oncall_answer(e, &a);
		if (why == NULL) {
			request_answer(e, rq, msg_reply_finish(r, NULL));
			return 1;
		}
		free(msg_reply_finish(r, why));
	}
	request_refuse(e, rq, -1, why);
	return 1;
}
