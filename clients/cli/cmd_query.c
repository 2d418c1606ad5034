/*
 * beacon incidents and beacon timeline: read the history, from the
 * database (read only, while beacond keeps writing it: WAL lets both run)
 * or, with --remote, from beacond over MQTT (source.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

/* ---- beacon incidents --------------------------------------------------- */

enum incidents_format { IF_TABLE, IF_JSON, IF_CSV };

static const char *const incidents_formats[] = {
	[IF_TABLE] = "table", [IF_JSON] = "json", [IF_CSV] = "csv",
};

struct incidents_run {
	const struct cli_opts *o;
	int format;
	struct table *t;
	int n;
};

typedef void (*incidents_fn)(struct incidents_run *,
    const struct incident *);

/* The OUTCOME column: blank for a real incident, so the others stand
 * out. */
static const char *const incidents_outcomes[OUTCOME_COUNT] = {
	[OUTCOME_CANCELLED] = "cancelled",
	[OUTCOME_FALSE_ALARM] = "false alarm",
	[OUTCOME_DRILL] = "drill",
	[OUTCOME_TEST] = "test",
};

static const char *
incidents_outcome(const struct incident *inc)
{
	const char *s = NULL;

	if (inc->outcome > OUTCOME_UNKNOWN && inc->outcome < OUTCOME_COUNT)
		s = incidents_outcomes[inc->outcome];
	return s != NULL ? s : "";
}

static void
incidents_table(struct incidents_run *q, const struct incident *inc)
{
	char id[24], sev[16], type[ID_MAX + 300], created[32], presses[24] = "";
	char rel[200], where[LOCATION_MAX + 40];

	snprintf(id, sizeof id, "%lld", (long long)inc->id);
	snprintf(sev, sizeof sev, "%d", inc->r.severity);
	if (inc->presses > 1)
		snprintf(presses, sizeof presses, " (%d presses)",
		    inc->presses);
	fmt_ids(inc->related, inc->nrelated, rel, sizeof rel);
	snprintf(type, sizeof type, "%s%s%s%s%s", inc->r.type,
	    inc->r.drill ? " DRILL" : "", presses, rel[0] ?
	    ", may be related to " : "", rel);
	/* The first location, and how many more joined presses gave. */
	if (inc->nlocations > 1)
		snprintf(where, sizeof where, "%s (+%d more)", inc->r.location,
		    inc->nlocations - 1);
	else
		snprintf(where, sizeof where, "%s", inc->r.location);
	table_add(q->t, id, inc->branch, type, sev, state_name(inc->state),
	    incidents_outcome(inc), fmt_date(inc->created, created,
	    sizeof created), inc->acked_by, where);
}

/* JSON arrays are the encoders' objects joined with commas. */
static void
incidents_json(struct incidents_run *q, const struct incident *inc)
{
	char *json = msg_incident_encode(inc);

	printf("%s\n%s", q->n > 0 ? "," : "", json);
	free(json);
}

static void
incidents_csv(struct incidents_run *q, const struct incident *inc)
{
	struct csv_cells c;
	const char *v[CSV_INCIDENT_COLS + 1];

	(void)q;
	csv_incident(inc, &c);
	memcpy(v, c.v, sizeof c.v);
	v[CSV_INCIDENT_COLS] = outcome_name(inc->outcome) ?
	    outcome_name(inc->outcome) : "";
	csv_row(stdout, v, CSV_INCIDENT_COLS + 1);
}

static const incidents_fn incidents_row_fns[] = {
	[IF_TABLE] = incidents_table,
	[IF_JSON] = incidents_json,
	[IF_CSV] = incidents_csv,
};

static int
incidents_row(const struct incident *inc, void *arg)
{
	struct incidents_run *q = arg;

	/* beacond filters too; this covers one that does not know how. */
	if (q->o->outcome != OUTCOME_UNKNOWN && inc->outcome != q->o->outcome)
		return 0;
	incidents_row_fns[q->format](q, inc);
	q->n++;
	return 0;
}

/* --format, with --json as another way to say json. */
static int
incidents_format(const struct cli_opts *o, int *format)
{
	size_t i;

	*format = o->json ? IF_JSON : IF_TABLE;
	if (o->format == NULL)
		return 0;
	for (i = 0; i < sizeof incidents_formats / sizeof *incidents_formats;
	    i++)
		if (strcmp(o->format, incidents_formats[i]) == 0 &&
		    (!o->json || i == IF_JSON)) {
			*format = (int)i;
			return 0;
		}
	fprintf(stderr, _("beacon incidents: --format %s: use table, json or "
	    "csv (--json is --format json)\n"), o->format);
	return -1;
}

/* Filters other than --open and --branch, which the empty message names. */
static int
incidents_filtered(const struct cli_opts *o)
{
	return o->since || o->until || o->type || o->severity ||
	    o->state >= 0 || o->responder || o->drill || o->no_drill ||
	    o->outcome != OUTCOME_UNKNOWN;
}

static void
incidents_start(struct incidents_run *q)
{
	if (q->format == IF_JSON)
		printf("[");
	else if (q->format == IF_CSV) {
		const char *h[CSV_INCIDENT_COLS + 1];

		memcpy(h, csv_incident_header, sizeof csv_incident_header);
		h[CSV_INCIDENT_COLS] = "outcome";
		csv_row(stdout, h, CSV_INCIDENT_COLS + 1);
	} else {
		q->t = table_new(9);
		table_add(q->t, "ID", "BRANCH", "TYPE", "SEV", "STATE",
		    "OUTCOME", "CREATED", "ACKED_BY", "LOCATION");
	}
}

static void
incidents_end(struct incidents_run *q)
{
	const struct cli_opts *o = q->o;

	if (q->format == IF_JSON)
		printf("%s]\n", q->n > 0 ? "\n" : "");
	else if (q->format == IF_CSV)
		return;
	else if (q->n > 0)
		table_print(q->t, stdout);
	else if (incidents_filtered(o))
		printf("no incidents match\n");
	else
		printf("no %sincidents%s%s\n", o->open ? "open " : "",
		    o->branch ? " at " : "", o->branch ? o->branch : "");
	table_free(q->t);
}

static int
cmd_incidents(const struct cmd *cmd, struct cli_opts *o)
{
	struct incidents_run q = { o, IF_TABLE, NULL, 0 };
	struct incident_filter f;
	struct source *s;
	int rc;

	if (o->drill && o->no_drill) {
		fprintf(stderr, _("beacon incidents: --drill and --no-drill "
		    "exclude each other\n"));
		return EXIT_LOCAL;
	}
	if (incidents_format(o, &q.format) != 0)
		return EXIT_LOCAL;
	if ((s = source_open(cmd->name, o, &rc)) == NULL)
		return rc;
	source_filter(o, &f);
	incidents_start(&q);
	rc = source_incidents(s, &f, incidents_row, &q);
	if (rc == EXIT_OK)
		incidents_end(&q);
	else
		table_free(q.t);
	source_close(s);
	return rc;
}

const struct cmd cmd_incidents_entry = {
	"incidents", "incidents [--open] [--branch B] [--since TIME] "
	"[--until TIME] [--type T] [--severity N] [--state NAME] "
	"[--responder ID] [--drill | --no-drill] [--outcome NAME] "
	"[--format table|json|csv] [--json] [--db PATH | --remote --as R] "
	"[--timeout SECONDS]",
	"list incidents, filtered, as a table, JSON or CSV, each with its "
	"outcome (cancelled, false alarm, drill, test)",
	"open branch since until type severity state responder drill no-drill "
	"outcome format json db remote as timeout",
	0,
	cmd_incidents,
};

/* ---- beacon timeline ---------------------------------------------------- */

struct timeline_run {
	const struct cli_opts *o;
	const struct incident *inc;
	struct table *t;
	char *json;	/* --json: the events, joined */
	size_t jsonlen;
	FILE *jfp;
	int n;
};

static int
timeline_row(const struct event *ev, void *arg)
{
	struct timeline_run *q = arg;
	char id[24], ts[40], el[32], step[16] = "", *json, *detail = NULL;

	if (q->o->json) {
		json = msg_event_encode(ev);
		fprintf(q->jfp, "%s\n%s", q->n++ > 0 ? "," : "", json);
		free(json);
		return 0;
	}
	snprintf(id, sizeof id, "%lld", (long long)ev->id);
	/* Steps count from 1 for people, as beacond's messages do. */
	if (ev->step >= 0)
		snprintf(step, sizeof step, "%lld", (long long)ev->step + 1);
	if (ev->corrects > 0)
		detail = xasprintf("corrects %lld: %s", (long long)ev->corrects,
		    ev->detail);
	table_add(q->t, id, clock_fmt(ev->ts, ts, sizeof ts),
	    fmt_elapsed(ev->ts - q->inc->created, el, sizeof el), ev->kind,
	    ev->actor, step, detail != NULL ? detail : ev->detail);
	free(detail);
	q->n++;
	return 0;
}

/* What joined presses added, and the incidents it may be related to. */
static void
timeline_lists(const struct incident *inc)
{
	char rel[200];
	int i;

	if (inc->nlocations > 1)
		for (i = 0; i < inc->nlocations; i++)
			printf("location %d: %s\n", i + 1, inc->locations[i]);
	if (inc->nnotes > 1 || (inc->nnotes == 1 && inc->presses > 1))
		for (i = 0; i < inc->nnotes; i++)
			printf("note %d: %s\n", i + 1, inc->notes[i]);
	else if (inc->nnotes == 1)
		printf("note: %s\n", inc->notes[0]);
	if (inc->nrelated > 0)
		printf("may be related to incident %s (the same category, "
		    "another device at another place)\n", fmt_ids(inc->related,
		    inc->nrelated, rel, sizeof rel));
}

static void
timeline_header(const struct incident *inc)
{
	printf("incident %lld: %s, severity %d, %s%s%s%s\n",
	    (long long)inc->id, inc->r.type, inc->r.severity,
	    state_name(inc->state), inc->call_911 && !inc->r.drill ?
	    ", CALL 911" : "", !inc->r.drill ? "" : inc->call_911 ?
	    ", DRILL (in a real event: call 911)" : ", DRILL",
	    inc->hold ? ", on legal hold" : "");
	printf("branch %s, report %s%s%s\n", inc->branch, inc->r.id,
	    inc->r.location[0] ? ", location " : "", inc->r.location);
	timeline_lists(inc);
	printf("\n");
}

/* The incident comes with the events, so everything is printed after. */
static void
timeline_print(struct timeline_run *q)
{
	char *json;

	if (q->o->json) {
		json = msg_incident_encode(q->inc);
		printf("{\"incident\": %s,\n\"events\": [%s%s]}\n", json,
		    q->json, q->n > 0 ? "\n" : "");
		free(json);
		return;
	}
	timeline_header(q->inc);
	table_print(q->t, stdout);
}

static int
cmd_timeline(const struct cmd *cmd, struct cli_opts *o)
{
	struct incident inc;
	struct timeline_run q = { o, &inc, NULL, NULL, 0, NULL, 0 };
	struct source *s;
	int rc;

	if ((s = source_open(cmd->name, o, &rc)) == NULL)
		return rc;
	memset(&inc, 0, sizeof inc);
	q.t = table_new(7);
	table_add(q.t, "ID", "TIME", "ELAPSED", "EVENT", "BY", "STEP",
	    "DETAIL");
	if ((q.jfp = open_memstream(&q.json, &q.jsonlen)) == NULL)
		fatal("open_memstream");
	rc = source_timeline(s, o->incident, &inc, timeline_row, &q);
	fclose(q.jfp);
	if (rc == EXIT_OK)
		timeline_print(&q);
	free(q.json);
	table_free(q.t);
	source_close(s);
	return rc;
}

const struct cmd cmd_timeline_entry = {
	"timeline", "timeline INCIDENT [--json] [--db PATH | --remote --as R] "
	"[--timeout SECONDS]",
	"show an incident's timeline: every event, with the time since the "
	"report",
	"db json remote as timeout",
	1,
	cmd_timeline,
};
