/*
 * beacon incidents and beacon timeline: read the database, read only, while
 * beacond keeps writing it (WAL lets both run). Nothing here touches the
 * broker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "msg.h"
#include "store.h"
#include "xmalloc.h"

static struct store *
query_open(const char *name, const struct cli_opts *o)
{
	struct store *s;
	char *cause = NULL;

	if ((s = store_open(o->db, STORE_RDONLY, &cause)) == NULL) {
		fprintf(stderr, "beacon %s: %s\n", name, cause ? cause :
		    "cannot open the database");
		free(cause);
	}
	return s;
}

/* JSON arrays are the encoders' objects joined with commas. */
static void
query_json(const char *json, int *n)
{
	printf("%s\n%s", *n > 0 ? "," : "", json);
	(*n)++;
}

/* ---- beacon incidents --------------------------------------------------- */

struct incidents_run {
	const struct cli_opts *o;
	struct table *t;
	int n;
};

static int
incidents_row(const struct incident *inc, void *arg)
{
	struct incidents_run *q = arg;
	char id[24], sev[16], type[ID_MAX + 16], created[32], *json;

	if (q->o->json) {
		json = msg_incident_encode(inc);
		query_json(json, &q->n);
		free(json);
		return 0;
	}
	snprintf(id, sizeof id, "%lld", (long long)inc->id);
	snprintf(sev, sizeof sev, "%d", inc->r.severity);
	snprintf(type, sizeof type, "%s%s", inc->r.type,
	    inc->r.drill ? " DRILL" : "");
	table_add(q->t, id, inc->branch, type, sev, state_name(inc->state),
	    fmt_date(inc->created, created, sizeof created), inc->acked_by,
	    inc->r.location);
	q->n++;
	return 0;
}

static int
cmd_incidents(const struct cmd *cmd, struct cli_opts *o)
{
	struct incidents_run q = { o, NULL, 0 };
	struct store *s;
	int rc;

	if ((s = query_open(cmd->name, o)) == NULL)
		return EXIT_LOCAL;
	q.t = table_new(8);
	table_add(q.t, "ID", "BRANCH", "TYPE", "SEV", "STATE", "CREATED",
	    "ACKED_BY", "LOCATION");
	if (o->json)
		printf("[");
	rc = store_incidents(s, o->open ? STORE_OPEN_ONLY : 0, o->branch,
	    incidents_row, &q);
	if (o->json)
		printf("%s]\n", q.n > 0 ? "\n" : "");
	else if (q.n > 0)
		table_print(q.t, stdout);
	else
		printf("no %sincidents%s%s\n", o->open ? "open " : "",
		    o->branch ? " at " : "", o->branch ? o->branch : "");
	table_free(q.t);
	store_close(s);
	if (rc != 0) {
		fprintf(stderr, "beacon incidents: cannot read %s\n", o->db);
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

const struct cmd cmd_incidents_entry = {
	"incidents", "incidents [--open] [--branch B] [--db PATH] [--json]",
	"list the incidents in the database",
	"open branch db json",
	0,
	cmd_incidents,
};

/* ---- beacon timeline ---------------------------------------------------- */

struct timeline_run {
	const struct cli_opts *o;
	const struct incident *inc;
	struct table *t;
	int n;
};

static int
timeline_row(const struct event *ev, void *arg)
{
	struct timeline_run *q = arg;
	char ts[40], el[32], step[16] = "", *json;

	if (q->o->json) {
		json = msg_event_encode(ev);
		query_json(json, &q->n);
		free(json);
		return 0;
	}
	/* Steps count from 1 for people, as beacond's messages do. */
	if (ev->step >= 0)
		snprintf(step, sizeof step, "%d", ev->step + 1);
	table_add(q->t, clock_fmt(ev->ts, ts, sizeof ts),
	    fmt_elapsed(ev->ts - q->inc->created, el, sizeof el), ev->kind,
	    ev->actor, step, ev->detail);
	q->n++;
	return 0;
}

static void
timeline_header(const struct incident *inc)
{
	printf("incident %lld: %s, severity %d, %s%s%s\n", (long long)inc->id,
	    inc->r.type, inc->r.severity, state_name(inc->state),
	    inc->call_911 ? ", CALL 911" : "", inc->r.drill ? ", DRILL" : "");
	printf("branch %s, report %s%s%s\n\n", inc->branch, inc->r.id,
	    inc->r.location[0] ? ", location " : "", inc->r.location);
}

static int
timeline_print(struct store *s, const struct cli_opts *o,
    const struct incident *inc)
{
	struct timeline_run q = { o, inc, NULL, 0 };
	char *json;
	int rc;

	if (o->json) {
		json = msg_incident_encode(inc);
		printf("{\"incident\": %s,\n\"events\": [", json);
		free(json);
		rc = store_timeline(s, inc->id, timeline_row, &q);
		printf("%s]}\n", q.n > 0 ? "\n" : "");
		return rc;
	}
	timeline_header(inc);
	q.t = table_new(6);
	table_add(q.t, "TIME", "ELAPSED", "EVENT", "BY", "STEP", "DETAIL");
	rc = store_timeline(s, inc->id, timeline_row, &q);
	table_print(q.t, stdout);
	table_free(q.t);
	return rc;
}

static int
cmd_timeline(const struct cmd *cmd, struct cli_opts *o)
{
	struct incident inc;
	struct store *s;
	int found, rc = EXIT_OK;

	if ((s = query_open(cmd->name, o)) == NULL)
		return EXIT_LOCAL;
	if ((found = store_incident_get(s, o->incident, &inc)) != 1) {
		if (found == 0)
			fprintf(stderr, "beacon timeline: no incident %lld in "
			    "%s\n", (long long)o->incident, o->db);
		else
			fprintf(stderr, "beacon timeline: cannot read %s\n",
			    o->db);
		rc = EXIT_LOCAL;
	} else if (timeline_print(s, o, &inc) != 0) {
		fprintf(stderr, "beacon timeline: cannot read the timeline "
		    "from %s\n", o->db);
		rc = EXIT_LOCAL;
	}
	store_close(s);
	return rc;
}

const struct cmd cmd_timeline_entry = {
	"timeline", "timeline INCIDENT [--db PATH] [--json]",
	"show an incident's timeline: every event, with the time since the "
	"report",
	"db json",
	1,
	cmd_timeline,
};
