/*
 * beacon report: publish a report and print beacond's answers as they come.
 *
 * A PUBACK only says the broker has the report, not that beacond recorded
 * it, so the same report (same id) goes out again every 2 s until the first
 * status for the id arrives; beacond deduplicates by id
 * (docs/protocol.md, "Delivery, retries and idempotency").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "conn.h"
#include "log.h"
#include "msg.h"
#include "xmalloc.h"

#define REPORT_RETRY 2000 /* ms */

struct report_run {
	const struct cli_opts *o;
	char id[ID_MAX + 1];
	char *topic;
	char *payload;
	int answered;	/* a status for the id has arrived */
	int routed;	/* routed or later: the reporter has an answer */
	struct status last; /* the last one printed, to skip repeats */
	char branch_error[DETAIL_MAX + 1]; /* last seen on error/{branch} */
};

static void
report_send(struct conn *c, struct report_run *r)
{
	log_debug("report %s to %s", r->id, r->topic);
	conn_publish(c, r->topic, r->payload);
}

static void
report_ready(struct conn *c, void *arg)
{
	struct report_run *r = arg;

	if (!r->answered)
		report_send(c, r);
}

static void
report_retry(struct conn *c, void *arg)
{
	struct report_run *r = arg;

	if (!r->answered && conn_connected(c))
		report_send(c, r);
}

/* A status the same as the last printed (a retained copy seen again after
 * a reconnection) says nothing new. */
static int
report_repeat(struct report_run *r, const struct status *st)
{
	if (r->last.ts == st->ts && r->last.state == st->state &&
	    strcmp(r->last.message, st->message) == 0)
		return 1;
	r->last = *st;
	return 0;
}

static void
report_print(struct report_run *r, const struct status *st)
{
	char t[32], *json;

	if (report_repeat(r, st))
		return;
	if (r->o->json) {
		json = msg_status_encode(st);
		printf("%s\n", json);
		free(json);
	} else if (st->state != ST_REJECTED)
		printf("%s %s%s\n", fmt_hms(st->ts ? st->ts : clock_now(), t,
		    sizeof t), st->drill ? "DRILL: " : "", st->message[0] ?
		    st->message : state_name(st->state));
	fflush(stdout);
}

static void
report_status(struct conn *c, struct report_run *r, const char *payload,
    size_t len)
{
	struct status st;
	char err[DETAIL_MAX + 1];

	if (msg_status_decode(payload, len, &st, err, sizeof err) != MSG_OK) {
		log_warnx("unreadable status for report %s: %s", r->id, err);
		return;
	}
	if (strcmp(st.report, r->id) != 0)
		return;
	r->answered = 1;
	report_print(r, &st);
	if (st.state == ST_REJECTED) {
		fprintf(stderr, "beacon: report %s rejected: %s\n", r->id,
		    st.error[0] ? st.error : st.message);
		conn_exit(c, EXIT_REFUSED);
		return;
	}
	if (st.state == ST_RECEIVED)
		return;
	r->routed = 1;
	if (!r->o->follow || st.state == ST_RESOLVED)
		conn_exit(c, EXIT_OK);
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

	if (conn_match(c, topic, "status") != NULL)
		report_status(c, r, payload, len);
	else if (conn_match(c, topic, "error") != NULL)
		report_error(r, payload, len);
}

static void
report_timeout(struct conn *c, void *arg)
{
	struct report_run *r = arg;
	double secs = (double)r->o->timeout / 1000;

	if (r->routed)
		return; /* --follow waits for the resolution as long as it takes */
	if (!conn_connected(c))
		fprintf(stderr, "beacon: no answer within %g s: cannot reach "
		    "the broker at %s\n", secs, conn_broker(c));
	else if (r->answered)
		fprintf(stderr, "beacon: report %s was received but not routed "
		    "within %g s\n", r->id, secs);
	else
		fprintf(stderr, "beacon: no answer from beacond within %g s; "
		    "is beacond running?%s%s\n", secs, r->branch_error[0] ?
		    " It refused a report on this branch: " : "",
		    r->branch_error);
	/* The report may be waiting at the broker; the same id asks again
	 * without making a second incident. */
	fprintf(stderr, "beacon: report again with --id %s to learn where it "
	    "stands\n", r->id);
	conn_exit(c, EXIT_TIMEOUT);
}

static void
report_interrupt(struct conn *c, void *arg)
{
	struct report_run *r = arg;

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
}

static int
cmd_report(const struct cmd *cmd, struct cli_opts *o)
{
	struct conn_cb cb = { report_ready, report_message, report_interrupt,
		NULL };
	struct report_run r;
	struct report rep;
	struct conn *c;
	char *cause;
	int rc;

	(void)cmd;
	if (*o->type == '\0') {
		fprintf(stderr, "beacon report: --type must not be empty\n");
		return EXIT_LOCAL;
	}
	memset(&r, 0, sizeof r);
	r.o = o;
	if (o->id != NULL)
		strlcpy_utf8(r.id, o->id, sizeof r.id);
	else
		fmt_report_id(r.id, sizeof r.id);
	cb.arg = &r;
	if ((c = conn_new(o->broker, o->prefix, &cb, &cause)) == NULL) {
		fprintf(stderr, "beacon report: %s\n", cause);
		free(cause);
		return EXIT_LOCAL;
	}
	report_fill(o, r.id, &rep);
	r.payload = msg_report_encode(&rep);
	r.topic = conn_topic(c, "report/%s", o->branch);
	conn_subscribe(c, "status/%s/%s", o->branch, r.id);
	conn_subscribe(c, "error/%s", o->branch);
	conn_timer(c, o->timeout, 0, report_timeout);
	conn_timer(c, REPORT_RETRY, 1, report_retry);
	rc = conn_run(c);
	conn_free(c);
	free(r.topic);
	free(r.payload);
	return rc;
}

const struct cmd cmd_report_entry = {
	"report",
	"report --branch B --type T [--severity N] [--location L] [--note TEXT] "
	"[--silent] [--drill] [--id ID] [--follow] [--json]",
	"report an incident and print beacond's answers as they come",
	"branch! type! severity location note device reporter id silent drill "
	"timeout follow json",
	0,
	cmd_report,
};
