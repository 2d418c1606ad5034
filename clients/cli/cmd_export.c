/*
 * beacon export: the incidents of a time range with their timelines and
 * every debrief revision, for a records request, as JSON Lines or as one
 * CSV table (docs/cli.md lists the columns). Read from the database, read
 * only; --redact blanks what may name or describe people.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "i18n.h"
#include "msg.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

/* ---- the formats --------------------------------------------------------- */

struct export_run {
	const struct cli_opts *o;
	FILE *fp;
	const struct incident *inc;
	struct csv_cells cells;	/* the incident's, for CSV rows */
	int64_t incidents, events, debriefs;
};

/* JSON Lines: an object per line, "record" saying which. */
static void
export_jsonl(struct export_run *x, const char *record, char *json,
    const struct incident *inc)
{
	struct msg_doc *o = msg_doc_record(record, json);

	free(json);
	if (inc != NULL) {
		msg_doc_str(o, "reporter", inc->r.reporter);
		msg_doc_str(o, "device", inc->r.device);
	}
	json = msg_doc_finish(o);
	fprintf(x->fp, "%s\n", json);
	free(json);
}

static void
jsonl_incident(struct export_run *x, const struct incident *inc)
{
	export_jsonl(x, "incident", msg_incident_encode(inc), inc);
}

static void
jsonl_event(struct export_run *x, const struct event *ev)
{
	export_jsonl(x, "event", msg_event_encode(ev), NULL);
}

static void
jsonl_debrief(struct export_run *x, const struct debrief *d)
{
	export_jsonl(x, "debrief", msg_debrief_encode(d), NULL);
}

/*
 * CSV: one table. Every row starts with "record" and the incident's
 * columns; then the event's, the debrief revision's or one corrective
 * action's columns are filled in, and the others left empty.
 */
enum {
	CX_RECORD = 0,
	CX_INCIDENT = 1,	/* CSV_INCIDENT_COLS of them */
	CX_REPORTER = CX_INCIDENT + CSV_INCIDENT_COLS,
	CX_DEVICE,
	CX_EVENT, CX_TS, CX_ELAPSED, CX_KIND, CX_ACTOR, CX_STEP, CX_DETAIL,
	CX_CORRECTS,
	CX_REVISION, CX_AUTHOR, CX_RECORDED, CX_WELLBEING, CX_WB_AT,
	CX_FACILITATOR, CX_PARTICIPANTS, CX_FOLLOW_UP, CX_SUPPORT, CX_ROUTE,
	CX_ROUTE_NOTE, CX_WENT_WELL, CX_TO_IMPROVE, CX_TRAINING, CX_NOTICES,
	CX_REFERRALS,
	CX_ACTION, CX_WHAT, CX_OWNER, CX_DUE, CX_STATUS,
	CX_COUNT
};

static const char *const csv_header_rest[CX_COUNT - CX_REPORTER] = {
	"reporter", "device",
	"event", "ts", "elapsed_ms", "kind", "actor", "step", "detail",
	"corrects",
	"revision", "author", "recorded", "wellbeing", "wellbeing_at",
	"facilitator", "participants", "follow_up", "support", "route",
	"route_note", "went_well", "to_improve", "training", "notices",
	"referrals",
	"action", "what", "owner", "due", "status",
};

/* A row with the incident's columns filled in. */
static void
csv_start(struct export_run *x, const char **v, const char *record)
{
	size_t i;

	for (i = 0; i < CX_COUNT; i++)
		v[i] = "";
	v[CX_RECORD] = record;
	for (i = 0; i < CSV_INCIDENT_COLS; i++)
		v[CX_INCIDENT + i] = x->cells.v[i];
	v[CX_REPORTER] = x->inc->r.reporter;
	v[CX_DEVICE] = x->inc->r.device;
}

static void
csv_incident_row(struct export_run *x, const struct incident *inc)
{
	csv_incident(inc, &x->cells);
}

static void
csv_event_row(struct export_run *x, const struct event *ev)
{
	const char *v[CX_COUNT];
	char id[24], ts[40], el[24], step[16], corr[24] = "";

	csv_start(x, v, "event");
	snprintf(id, sizeof id, "%lld", (long long)ev->id);
	snprintf(el, sizeof el, "%lld", (long long)(ev->ts - x->inc->created));
	snprintf(step, sizeof step, "%d", ev->step);
	if (ev->corrects > 0)
		snprintf(corr, sizeof corr, "%lld", (long long)ev->corrects);
	v[CX_EVENT] = id;
	v[CX_TS] = clock_fmt(ev->ts, ts, sizeof ts);
	v[CX_ELAPSED] = el;
	v[CX_KIND] = ev->kind;
	v[CX_ACTOR] = ev->actor;
	v[CX_STEP] = step;
	v[CX_DETAIL] = ev->detail;
	v[CX_CORRECTS] = corr;
	csv_row(x->fp, v, CX_COUNT);
}

/* Lists in one cell: "trespass;warning", "housing:1;food:2". */
#define CSV_LIST_MAX (DEBRIEF_LIST_MAX * (ID_MAX + 8) + 1)

static void
csv_lists(const struct debrief *d, char *notices, char *referrals,
    size_t len)
{
	size_t i, n = 0, m = 0;

	notices[0] = referrals[0] = '\0';
	for (i = 0; i < d->nnotices && n < len; i++)
		n += (size_t)snprintf(notices + n, len - n, "%s%s",
		    i > 0 ? ";" : "", d->notices[i]);
	for (i = 0; i < d->nreferrals && m < len; i++)
		m += (size_t)snprintf(referrals + m, len - m, "%s%s:%d",
		    i > 0 ? ";" : "", d->referrals[i].type,
		    d->referrals[i].count);
}

/* The revision's own columns (action rows repeat them), pointing into
 * buf. */
struct csv_rev {
	char revision[16];
	char recorded[40];
};

static void
csv_revision(const struct debrief *d, const char **v, struct csv_rev *buf)
{
	snprintf(buf->revision, sizeof buf->revision, "%d", d->revision);
	buf->recorded[0] = '\0';
	if (d->ts > 0)
		clock_fmt(d->ts, buf->recorded, sizeof buf->recorded);
	v[CX_REVISION] = buf->revision;
	v[CX_AUTHOR] = d->author;
	v[CX_RECORDED] = buf->recorded;
}

static void
csv_actions(struct export_run *x, const struct debrief *d)
{
	const char *v[CX_COUNT];
	struct csv_rev rev;
	char n[24];
	size_t i;

	for (i = 0; i < d->nactions; i++) {
		csv_start(x, v, "action");
		csv_revision(d, v, &rev);
		snprintf(n, sizeof n, "%zu", i + 1);
		v[CX_ACTION] = n;
		v[CX_WHAT] = d->actions[i].what;
		v[CX_OWNER] = d->actions[i].owner;
		v[CX_DUE] = d->actions[i].due;
		v[CX_STATUS] = action_status_name(d->actions[i].status);
		csv_row(x->fp, v, CX_COUNT);
	}
}

static void
csv_debrief_row(struct export_run *x, const struct debrief *d)
{
	const char *v[CX_COUNT];
	struct csv_rev rev;
	char at[40] = "", part[16] = "";
	char notices[CSV_LIST_MAX], referrals[CSV_LIST_MAX];

	csv_start(x, v, "debrief");
	csv_revision(d, v, &rev);
	if (d->wb_at > 0)
		clock_fmt(d->wb_at, at, sizeof at);
	if (d->wb_participants > 0)
		snprintf(part, sizeof part, "%d", d->wb_participants);
	csv_lists(d, notices, referrals, CSV_LIST_MAX);
	v[CX_WELLBEING] = wellbeing_name(d->wb);
	v[CX_WB_AT] = at;
	v[CX_FACILITATOR] = d->wb_facilitator;
	v[CX_PARTICIPANTS] = part;
	v[CX_FOLLOW_UP] = d->wb_follow_up;
	v[CX_SUPPORT] = d->wb_support;
	v[CX_ROUTE] = route_name(d->route);
	v[CX_ROUTE_NOTE] = d->route_note;
	v[CX_WENT_WELL] = d->went_well;
	v[CX_TO_IMPROVE] = d->to_improve;
	v[CX_TRAINING] = d->training;
	v[CX_NOTICES] = notices;
	v[CX_REFERRALS] = referrals;
	csv_row(x->fp, v, CX_COUNT);
	csv_actions(x, d);
}

static void
csv_begin(struct export_run *x)
{
	const char *v[CX_COUNT];
	size_t i;

	v[CX_RECORD] = "record";
	for (i = 0; i < CSV_INCIDENT_COLS; i++)
		v[CX_INCIDENT + i] = csv_incident_header[i];
	for (i = CX_REPORTER; i < CX_COUNT; i++)
		v[i] = csv_header_rest[i - CX_REPORTER];
	csv_row(x->fp, v, CX_COUNT);
}

struct export_format {
	const char *name;
	void (*begin)(struct export_run *);
	void (*incident)(struct export_run *, const struct incident *);
	void (*event)(struct export_run *, const struct event *);
	void (*debrief)(struct export_run *, const struct debrief *);
};

static const struct export_format export_formats[] = {
	{ "jsonl", NULL, jsonl_incident, jsonl_event, jsonl_debrief },
	{ "csv", csv_begin, csv_incident_row, csv_event_row,
	    csv_debrief_row },
};

/* ---- the walk ------------------------------------------------------------ */

struct export_list {
	struct incident *v;
	size_t n;
};

static int
export_collect(const struct incident *inc, void *arg)
{
	struct export_list *l = arg;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = *inc;
	return 0;
}

struct export_walk {
	struct export_run *x;
	const struct export_format *f;
};

static int
export_event(const struct event *ev, void *arg)
{
	struct export_walk *w = arg;
	struct event e = *ev;

	if (w->x->o->redact)
		redact_event(&e);
	w->f->event(w->x, &e);
	w->x->events++;
	return 0;
}

static int
export_debrief(const struct debrief *d, void *arg)
{
	struct export_walk *w = arg;
	struct debrief *copy = xmalloc(sizeof *copy);

	*copy = *d;
	if (w->x->o->redact)
		redact_debrief(copy);
	w->f->debrief(w->x, copy);
	w->x->debriefs++;
	free(copy);
	return 0;
}

/* One incident, its timeline, then every debrief revision. */
static int
export_one(struct source *s, struct export_walk *w, struct incident *inc)
{
	struct incident again;
	int rc;

	if (w->x->o->redact)
		redact_incident(inc);
	w->x->inc = inc;
	w->f->incident(w->x, inc);
	w->x->incidents++;
	if ((rc = source_timeline(s, inc->id, &again, export_event, w)) !=
	    EXIT_OK)
		return rc;
	return source_debriefs(s, inc->id, 1, export_debrief, w);
}

static const struct export_format *
export_format(const struct cli_opts *o)
{
	const char *name = o->format != NULL ? o->format : "jsonl";
	size_t i;

	for (i = 0; i < sizeof export_formats / sizeof *export_formats; i++)
		if (strcmp(export_formats[i].name, name) == 0)
			return &export_formats[i];
	fprintf(stderr, _("beacon export: --format %s: use jsonl or csv\n"),
	    name);
	return NULL;
}

static int
export_run(struct source *s, struct export_run *x,
    const struct export_format *f)
{
	struct export_walk w = { x, f };
	struct export_list l = { NULL, 0 };
	struct incident_filter flt;
	size_t i;
	int rc;

	store_filter_init(&flt);
	flt.since = x->o->since;
	flt.until = x->o->until;
	flt.branch = x->o->branch;
	if ((rc = source_incidents(s, &flt, export_collect, &l)) != EXIT_OK)
		return rc;
	if (f->begin != NULL)
		f->begin(x);
	/* Collected first: the store walks one statement at a time. */
	for (i = 0; i < l.n && rc == EXIT_OK; i++)
		rc = export_one(s, &w, &l.v[i]);
	free(l.v);
	return rc;
}

/* --out FILE: a records request names and describes people, so the file
 * is its owner's only, whatever the umask, and one that was not is made
 * so. NULL with errno set on error. */
static FILE *
export_open(const char *path)
{
	struct stat sb;
	FILE *fp;
	int fd, e;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || (S_ISREG(sb.st_mode) &&
	    (sb.st_mode & 077) != 0 && fchmod(fd, sb.st_mode & 0700) == -1) ||
	    (fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	return fp;
}

static int
cmd_export(const struct cmd *cmd, struct cli_opts *o)
{
	const struct export_format *f;
	struct export_run x;
	struct source *s;
	int rc;

	memset(&x, 0, sizeof x);
	x.o = o;
	if (o->since == 0) {
		fprintf(stderr, _("beacon export: --since is required: a "
		    "records request covers a time range\n"));
		return EXIT_LOCAL;
	}
	if ((f = export_format(o)) == NULL)
		return EXIT_LOCAL;
	if ((s = source_open(cmd->name, o, &rc)) == NULL)
		return rc;
	x.fp = stdout;
	if (o->out != NULL && (x.fp = export_open(o->out)) == NULL) {
		fprintf(stderr, _("beacon export: cannot write %s: %s\n"),
		    o->out, strerror(errno));
		source_close(s);
		return EXIT_LOCAL;
	}
	rc = export_run(s, &x, f);
	source_close(s);
	if ((x.fp != stdout ? fclose(x.fp) : fflush(x.fp)) != 0 &&
	    rc == EXIT_OK) {
		fprintf(stderr, _("beacon export: cannot write %s\n"),
		    o->out != NULL ? o->out : "standard output");
		rc = EXIT_LOCAL;
	}
	if (rc == EXIT_OK && o->out != NULL)
		fprintf(stderr, _("beacon export: %lld incidents, %lld events, "
		    "%lld debrief revisions to %s\n"), (long long)x.incidents,
		    (long long)x.events, (long long)x.debriefs, o->out);
	return rc;
}

const struct cmd cmd_export_entry = {
	"export", "export --since TIME [--until TIME] [--branch B] "
	"[--format jsonl|csv] [--redact] [--out FILE] [--db PATH]",
	"write the incidents of a time range, with their timelines and "
	"debriefs, for a records request",
	"since until branch format redact out db",
	0,
	cmd_export,
};
