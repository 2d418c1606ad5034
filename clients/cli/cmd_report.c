/*
 * beacon report: publish a report and print beacond's answers as they come.
 *
 * A PUBACK only says the broker has the report, not that beacond recorded
 * it. So the report is written to the spool (spooldir.h) before it is first
 * published, published again with the same id 1 s, 2 s, 4 s... later (at
 * most DELIVER_MAX_REPORT apart, with jitter: deliver.h) until the first
 * status for the id arrives, and taken out of the spool then; beacond
 * deduplicates by id (docs/protocol.md, "Delivery, retries and
 * idempotency"). What a run
 * leaves in the spool (no answer in time, interrupted, killed) the next run
 * sends first, with the same ids, and waits for too; --flush sends only
 * that. What it prints for people is in their language (_()); beacond's
 * messages come in the branch's; --json is the same in every language.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "conn.h"
#include "deliver.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "spooldir.h"
#include "topic.h"
#include "xmalloc.h"

#define REPORT_TICK 100 /* ms: how often the retry deadlines are checked */

/* A report on its way: this run's own, or one a run left in the spool. */
struct pending {
	struct deliver d;
	int own;
	int answered;	/* a status for it has arrived */
	int64_t next;	/* ms: the next try */
	struct status last; /* the last one printed, to skip repeats */
	int printed;	/* a line of it was printed */
};

struct report_run {
	const struct cli_opts *o;
	struct spooldir *sd;	/* NULL: no spool to be had */
	char *spool;		/* its directory, for messages */
	struct pending *p;
	size_t n;
	struct pending *own;	/* NULL with --flush */
	size_t unanswered;
	int routed;	/* own: routed or later, the reporter has an answer */
	int resolved;
	int rejected;	/* own rejected */
	int refused;	/* one from the spool rejected */
	int related;	/* own: the related incidents were shown */
	char branch_error[DETAIL_MAX + 1]; /* last seen on error/{branch} */
};

static void
report_send(struct conn *c, struct pending *p)
{
	log_debug("report %s to %s, try %d", p->d.r.id, p->d.topic,
	    p->d.round + 1);
	if (deliver_publish(&p->d, conn_mqtt(c)) != 0)
		log_warnx("cannot publish to %s", p->d.topic);
	p->next = clock_now() + deliver_wait(&p->d);
}

/* (Re)connected: everything unanswered goes out now, and the waits
 * start again from the shortest. */
static void
report_ready(struct conn *c, void *arg)
{
	struct report_run *r = arg;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->p[i].answered)
			continue;
		deliver_reset(&r->p[i].d);
		report_send(c, &r->p[i]);
	}
}

/* While the broker is away nothing is handed to the MQTT layer, whose
 * queue would fill with copies: the reconnection sends each once. */
static void
report_tick(struct conn *c, void *arg)
{
	struct report_run *r = arg;
	int64_t now = clock_now();
	size_t i;

	if (!conn_connected(c))
		return;
	for (i = 0; i < r->n; i++)
		if (!r->p[i].answered && r->p[i].next <= now)
			report_send(c, &r->p[i]);
}

/* A status the same as the last printed (a retained copy seen again after
 * a reconnection) says nothing new. */
static int
report_repeat(struct pending *p, const struct status *st)
{
	if (p->last.ts == st->ts && p->last.state == st->state &&
	    strcmp(p->last.message, st->message) == 0)
		return 1;
	p->last = *st;
	return 0;
}

/* A state in words, when beacond gave none: by state, in the catalog. */
static const char *const report_states[] = {
	[ST_RECEIVED] = N_("received"),
	[ST_ROUTED] = N_("routed"),
	[ST_ACKNOWLEDGED] = N_("acknowledged"),
	[ST_ON_SCENE] = N_("on scene"),
	[ST_RESOLVED] = N_("resolved"),
	[ST_REJECTED] = N_("rejected"),
};

static const char *
report_state_text(int state)
{
	if (state < 0 || (size_t)state >= sizeof report_states /
	    sizeof report_states[0] || report_states[state] == NULL)
		return state_name(state);
	return _(report_states[state]);
}

/* beacond's sentence, or, for an escalation, who was called in words. */
static const char *
report_text(const struct status *st, char *buf, size_t len)
{
	const char *s = fmt_escalation(st, buf, len);

	if (s != NULL)
		return s;
	return st->message[0] ? st->message : report_state_text(st->state);
}

/* The first line names the incident: "received: incident 12", unless
 * beacond's sentence does ("joined to incident 12 at ..."). */
static const char *
report_first(const struct status *st, const char *text, char *buf,
    size_t len)
{
	long long id = (long long)st->incident;
	char named[40];
	const char *p;

	if (id <= 0)
		return text;
	snprintf(named, sizeof named, "incident %lld", id);
	if ((p = strstr(text, named)) != NULL &&
	    !isdigit((unsigned char)p[strlen(named)]))
		return text;
	if (st->state == ST_RECEIVED && (st->message[0] == '\0' ||
	    strcmp(st->message, "received") == 0))
		snprintf(buf, len, _("received: incident %lld"), id);
	else if (strncmp(text, "received: ", 10) == 0)
		snprintf(buf, len, _("received: incident %lld; %s"), id,
		    text + 10);
	else
		snprintf(buf, len, _("incident %lld: %s"), id, text);
	return buf;
}

static void
report_print_json(const struct status *st)
{
	char *json = msg_status_encode(st);

	printf("%s\n", json);
	free(json);
}

/* This run's report: its statuses are the command's output. */
static void
report_own(struct report_run *r, struct pending *p, const struct status *st)
{
	char t[32], buf[DETAIL_MAX + 1], first[DETAIL_MAX + 64];
	const char *text;

	if (!report_repeat(p, st)) {
		text = report_text(st, buf, sizeof buf);
		if (!p->printed)
			text = report_first(st, text, first, sizeof first);
		if (r->o->json)
			report_print_json(st);
		else if (st->state != ST_REJECTED) {
			printf("%s %s%s\n", fmt_hms(st->ts ? st->ts :
			    clock_now(), t, sizeof t), st->drill ?
			    _("DRILL: ") : "", text);
			p->printed = 1;
		}
		if (!r->o->json && st->nrelated > 0 && !r->related) {
			char rel[200];

			printf(_("  may be related to incident %s: the same "
			    "category, from another device at another place; "
			    "each is handled on its own\n"),
			    fmt_ids(st->related, st->nrelated, rel,
			    sizeof rel));
			r->related = 1;
		}
		if (!r->o->json && st->cancel_until > 0 &&
		    st->state == ST_RECEIVED)
			printf(_("  pressed by mistake? until %s: beacon "
			    "cancel --branch %s --id %s\n"),
			    fmt_hms(st->cancel_until,
			    t, sizeof t), p->d.branch, p->d.r.id);
		fflush(stdout);
	}
	if (st->state == ST_REJECTED) {
		if (!r->rejected)
			fprintf(stderr, _("beacon: report %s rejected: %s\n"),
			    p->d.r.id, st->error[0] ? st->error : st->message);
		r->rejected = 1;
	} else if (st->state != ST_RECEIVED) {
		r->routed = 1;
		r->resolved = st->state == ST_RESOLVED;
	}
}

/* One from the spool: with --flush its statuses are the output; otherwise
 * they go to stderr, so that stdout stays this run's report's. */
static void
report_old(struct report_run *r, struct pending *p, const struct status *st)
{
	char t[32], buf[DETAIL_MAX + 1];

	if (report_repeat(p, st))
		return;
	if (st->state == ST_REJECTED) {
		fprintf(stderr, _("beacon: spooled report %s rejected: %s; "
		    "taken out of the spool\n"), p->d.r.id, st->error[0] ?
		    st->error : st->message);
		r->refused = 1;
	}
	if (r->o->flush && r->o->json)
		report_print_json(st);
	else if (r->o->flush && st->state != ST_REJECTED)
		printf("%s %s: %s%s\n", fmt_hms(st->ts ? st->ts : clock_now(),
		    t, sizeof t), p->d.r.id, st->drill ? _("DRILL: ") : "",
		    report_text(st, buf, sizeof buf));
	else if (st->state != ST_REJECTED)
		fprintf(stderr, _("beacon: spooled report %s: %s\n"), p->d.r.id,
		    report_text(st, buf, sizeof buf));
	fflush(stdout);
}

/* The first status: beacond has recorded the report, or refused it. */
static void
report_answered(struct report_run *r, struct pending *p)
{
	p->answered = 1;
	r->unanswered--;
	if (p->d.spool == NULL)
		return;
	if (deliver_unspool(&p->d) != 0)
		log_warnx("report %s is still in the spool %s: the next run "
		    "sends it again, and beacond knows it", p->d.r.id,
		    r->spool);
}

/* Done once every report has its first status and this run's has its
 * answer (with --follow, its resolution). */
static void
report_done(struct conn *c, struct report_run *r)
{
	if (r->unanswered > 0)
		return;
	if (r->own != NULL && !r->rejected &&
	    (!r->routed || (r->o->follow && !r->resolved)))
		return;
	if (r->own != NULL)
		conn_exit(c, r->rejected ? EXIT_REFUSED : EXIT_OK);
	else
		conn_exit(c, r->refused ? EXIT_REFUSED : EXIT_OK);
}

/* The report a status topic, {prefix}/status/{branch}/{id}, is about. */
static struct pending *
report_find(struct report_run *r, const char *topic)
{
	char branch[ID_MAX + 1];
	const char *id = deliver_status_id(topic, r->o->prefix, branch,
	    sizeof branch);
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->p[i].d.branch, branch) == 0 &&
		    strcmp(r->p[i].d.r.id, id) == 0)
			return &r->p[i];
	return NULL;
}

static void
report_status(struct conn *c, struct report_run *r, const char *topic,
    const char *payload, size_t len)
{
	struct pending *p;
	struct status st;
	char err[DETAIL_MAX + 1];

	if ((p = report_find(r, topic)) == NULL)
		return;
	if (msg_status_decode(payload, len, &st, err, sizeof err) != MSG_OK) {
		log_warnx("unreadable status for report %s: %s", p->d.r.id,
		    err);
		return;
	}
	if (strcmp(st.report, p->d.r.id) != 0)
		return;
	if (!p->answered)
		report_answered(r, p);
	if (p->own)
		report_own(r, p, &st);
	else
		report_old(r, p, &st);
	report_done(c, r);
}

/*
 * beacon/error/{branch} carries refusals of any report on the branch, and
 * does not say whose (msg_error_decode gives no report id), so it cannot
 * fail this report; it is kept to explain a timeout.
 */
static void
report_error(struct report_run *r, const char *payload, size_t len)
{
	int64_t incident;

	if (msg_error_decode(payload, len, r->branch_error,
	    sizeof r->branch_error, &incident) != MSG_OK)
		return;
	log_debug("beacond refused a report on branch %s: %s", r->o->branch,
	    r->branch_error);
}

static void
report_message(struct conn *c, void *arg, const char *topic,
    const char *payload, size_t len)
{
	struct report_run *r = arg;

	if (conn_match(c, topic, TOPIC_STATUS) != NULL)
		report_status(c, r, topic, payload, len);
	else if (conn_match(c, topic, TOPIC_ERROR) != NULL)
		report_error(r, payload, len);
}

/* Say what becomes of each report without a status. */
static void
report_kept(struct report_run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->p[i].answered)
			continue;
		if (r->p[i].d.spool != NULL)
			fprintf(stderr, _("beacon: report %s is kept in the "
			    "spool %s: the next beacon report sends it again "
			    "(same id); beacon report --flush sends it now\n"),
			    r->p[i].d.r.id, r->spool);
		else
			fprintf(stderr, _("beacon: report %s is not in the "
			    "spool: report again with --id %s to learn where "
			    "it stands\n"), r->p[i].d.r.id, r->p[i].d.r.id);
	}
}

/* Why no status came. */
static void
report_silence(struct conn *c, struct report_run *r, double secs)
{
	if (!conn_connected(c))
		fprintf(stderr, _("beacon: no answer within %g s: cannot "
		    "reach the broker at %s\n"), secs, conn_broker(c));
	else
		fprintf(stderr, _("beacon: no answer from beacond within %g "
		    "s; is beacond running?%s%s\n"), secs, r->branch_error[0] ?
		    _(" It refused a report on this branch: ") : "",
		    r->branch_error);
}

static void
report_timeout(struct conn *c, void *arg)
{
	struct report_run *r = arg;
	struct pending *own = r->own;
	double secs = (double)r->o->timeout / 1000;

	if (own != NULL && own->answered && !r->routed && !r->rejected) {
		/* The report may yet be routed: the same id asks again
		 * without making a second incident. */
		fprintf(stderr, _("beacon: report %s was received but not "
		    "routed within %g s\n"), own->d.r.id, secs);
		fprintf(stderr, _("beacon: report again with --id %s to learn "
		    "where it stands\n"), own->d.r.id);
	} else if (own == NULL ? r->unanswered > 0 : !own->answered)
		report_silence(c, r, secs);
	report_kept(r);
	if (own == NULL)
		conn_exit(c, r->unanswered > 0 ? EXIT_TIMEOUT : r->refused ?
		    EXIT_REFUSED : EXIT_OK);
	else if (r->rejected)
		conn_exit(c, EXIT_REFUSED);
	else if (!r->routed)
		conn_exit(c, EXIT_TIMEOUT);
	else if (!r->o->follow)
		conn_exit(c, EXIT_OK);
	/* --follow waits for the resolution as long as it takes. */
}

static void
report_interrupt(struct conn *c, void *arg)
{
	struct report_run *r = arg;

	report_kept(r);
	conn_exit(c, r->routed ? EXIT_OK : EXIT_INTERRUPT);
}

static void
report_fill(const struct cli_opts *o, const char *id, struct report *rep)
{
	memset(rep, 0, sizeof *rep);
	strlcpy_utf8(rep->id, id, sizeof rep->id);
	strlcpy_utf8(rep->type, o->type, sizeof rep->type);
	rep->severity = o->severity;
	/* Too long is cut on a character boundary, as beacond would. */
	strlcpy_utf8(rep->location, o->location ? o->location : "",
	    sizeof rep->location);
	strlcpy_utf8(rep->note, o->note ? o->note : "", sizeof rep->note);
	strlcpy_utf8(rep->device, o->device ? o->device : "",
	    sizeof rep->device);
	strlcpy_utf8(rep->reporter, o->reporter ? o->reporter : "",
	    sizeof rep->reporter);
	rep->silent = o->silent;
	rep->drill = o->drill;
	rep->shortened = (o->location && strlen(o->location) > LOCATION_MAX ?
	    REPORT_CUT_LOCATION : 0) | (o->note && strlen(o->note) > NOTE_MAX ?
	    REPORT_CUT_NOTE : 0) | (o->device && strlen(o->device) > DEVICE_MAX ?
	    REPORT_CUT_DEVICE : 0) | (o->reporter && strlen(o->reporter) >
	    REPORTER_MAX ? REPORT_CUT_REPORTER : 0);
}

static struct pending *
report_add(struct conn *c, struct report_run *r, const char *branch,
    const struct report *rep)
{
	struct pending *p = &r->p[r->n++];

	deliver_init(&p->d, r->o->prefix, branch, rep, DELIVER_MAX_REPORT);
	conn_subscribe(c, xstrdup(p->d.status_topic));
	r->unanswered++;
	return p;
}

/* The spool; without one a new report still goes out, unkept. */
static int
report_spool_open(struct report_run *r)
{
	const struct cli_opts *o = r->o;
	char *cause = NULL;

	if ((r->spool = spooldir_path(o->spool)) == NULL)
		cause = xstrdup(_("no home directory for the spool: use "
		    "--spool or BEACON_SPOOL"));
	else if ((r->sd = spooldir_open(r->spool, o->prefix, &cause)) != NULL)
		return 0;
	if (o->flush)
		fprintf(stderr, "beacon: %s\n", cause);
	else
		log_warnx(_("%s: the report goes out, but is not kept if no "
		    "answer comes"), cause);
	free(cause);
	return o->flush ? -1 : 0;
}

/* What earlier runs left in the spool, then this run's report, spooled
 * before it is first published. */
static void
report_load(struct conn *c, struct report_run *r)
{
	const struct cli_opts *o = r->o;
	const struct report *rep;
	const char *branch;
	struct pending *p;
	struct spool *s;
	struct report own;
	char id[ID_MAX + 1];
	size_t i, n = r->sd != NULL ? spooldir_count(r->sd) : 0;

	r->p = xcalloc(n + 1, sizeof *r->p);
	for (i = 0; i < n; i++) {
		rep = spooldir_get(r->sd, i, &branch, &s);
		(void)deliver_spool(&report_add(c, r, branch, rep)->d, s);
	}
	if (o->flush)
		return;
	if (o->id != NULL)
		strlcpy_utf8(id, o->id, sizeof id);
	else
		fmt_report_id(id, sizeof id);
	/* --id of a spooled report: the same report again. */
	for (i = 0; i < r->n && r->own == NULL; i++)
		if (strcmp(r->p[i].d.branch, o->branch) == 0 &&
		    strcmp(r->p[i].d.r.id, id) == 0)
			r->own = &r->p[i];
	if (r->own == NULL) {
		report_fill(o, id, &own);
		if (own.shortened != 0) {
			char cut[DETAIL_MAX + 1];

			msg_shortened_text(own.shortened, cut, sizeof cut);
			fprintf(stderr, _("beacon: %s; the report is sent\n"),
			    cut);
		}
		p = report_add(c, r, o->branch, &own);
		if (r->sd != NULL &&
		    (s = spooldir_spool(r->sd, o->branch)) != NULL)
			(void)deliver_spool(&p->d, s);
		r->own = p;
	}
	r->own->own = 1;
}

static void
report_free(struct report_run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		deliver_clear(&r->p[i].d);
	free(r->p);
	spooldir_close(r->sd);
	free(r->spool);
}

/* --flush makes no report, so it takes none of a report's options. */
static int
report_check(const struct cli_opts *o)
{
	const char *why = NULL;

	if (o->flush && (o->branch != NULL || o->type != NULL ||
	    o->id != NULL || o->severity != 0 || o->location != NULL ||
	    o->note != NULL || o->device != NULL || o->reporter != NULL ||
	    o->silent || o->drill || o->follow))
		why = _("--flush sends the spooled reports only: it takes no "
		    "--branch, --type or other option of a new report");
	else if (!o->flush && *o->type == '\0')
		why = _("--type must not be empty");
	if (why == NULL)
		return 0;
	fprintf(stderr, "beacon report: %s\n", why);
	return -1;
}

static int
report_run(struct conn *c, struct report_run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!r->p[i].own)
			fprintf(stderr, _("beacon: sending report %s (%s at "
			    "%s) again from the spool\n"), r->p[i].d.r.id,
			    r->p[i].d.r.type, r->p[i].d.branch);
	if (r->own != NULL)
		conn_subscribe(c, topic_make(r->o->prefix, TOPIC_ERROR,
		    r->o->branch, NULL));
	conn_timer(c, r->o->timeout, 0, report_timeout);
	conn_timer(c, REPORT_TICK, 1, report_tick);
	return conn_run(c);
}

static int
cmd_report(const struct cmd *cmd, struct cli_opts *o)
{
	struct conn_cb cb = { report_ready, report_message, report_interrupt,
		NULL };
	struct report_run r;
	struct conn *c;
	char *cause;
	int rc = EXIT_LOCAL;

	(void)cmd;
	if (report_check(o) != 0)
		return EXIT_LOCAL;
	memset(&r, 0, sizeof r);
	r.o = o;
	cb.arg = &r;
	if ((c = conn_new(o->broker, o->prefix, &cb, &cause)) == NULL) {
		fprintf(stderr, "beacon report: %s\n", cause);
		free(cause);
		return EXIT_LOCAL;
	}
	if (report_spool_open(&r) == 0) {
		report_load(c, &r);
		if (r.n > 0)
			rc = report_run(c, &r);
		else {
			if (!o->json)
				printf(_("no reports in the spool %s\n"),
				    r.spool);
			rc = EXIT_OK;
		}
	}
	conn_free(c);
	report_free(&r);
	return rc;
}

const struct cmd cmd_report_entry = {
	"report",
	"report --branch B --type T [--severity N] [--location L] [--note TEXT] "
	"[--device D] [--reporter R] [--silent] [--drill] [--id ID] [--follow] "
	"[--json] [--timeout SECONDS] [--spool DIR] | "
	"report --flush [--timeout SECONDS] [--json] [--spool DIR]",
	"report an incident and print beacond's answers as they come; a "
	"report left unanswered waits in a spool for the next run",
	"branch! type! severity location note device reporter id silent drill "
	"timeout follow json spool flush",
	0,
	cmd_report,
};
