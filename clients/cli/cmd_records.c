/*
 * beacon hold, beacon correct and beacon purge: the supervisor requests
 * that change the record. They always go through beacond (the only
 * writer of the database), which checks who asks and logs every change on
 * the incident's timeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "msg.h"
#include "source.h"
#include "xmalloc.h"

static struct query *
records_query(int method, const struct cli_opts *o)
{
	struct query *q = xcalloc(1, sizeof *q);

	q->method = method;
	q->incident = o->incident;
	q->state = q->drill = -1;
	strlcpy_utf8(q->note, o->note != NULL ? o->note : "", sizeof q->note);
	return q;
}

/* Ask, then print the answer: the reply itself with --json, else what
 * print() makes of it. */
static int
records_ask(const struct cmd *cmd, const struct cli_opts *o, struct query *q,
    void (*print)(const struct cli_opts *, const char *, size_t))
{
	char *reply;
	size_t len;
	int rc;

	rc = source_ask(cmd->name, o, q, &reply, &len);
	free(q);
	if (rc != EXIT_OK)
		return rc;
	if (o->json)
		printf("%s\n", reply);
	else
		print(o, reply, len);
	free(reply);
	return EXIT_OK;
}

/* ---- beacon hold --------------------------------------------------------- */

static void
hold_print(const struct cli_opts *o, const char *reply, size_t len)
{
	printf("incident %lld: %s\n", (long long)o->incident,
	    msg_reply_int(reply, len, "hold") == 1 ? "on legal hold" :
	    "legal hold released");
}

static int
cmd_hold(const struct cmd *cmd, struct cli_opts *o)
{
	struct query *q = records_query(Q_HOLD, o);

	q->hold = !o->release;
	return records_ask(cmd, o, q, hold_print);
}

const struct cmd cmd_hold_entry = {
	"hold", "hold INCIDENT --as R [--note TEXT] [--release] [--json] "
	"[--timeout SECONDS]",
	"put an incident on legal hold, so that it is never purged, or "
	"release it",
	"as! note release json timeout",
	1,
	cmd_hold,
};

/* ---- beacon correct ------------------------------------------------------ */

static void
correct_print(const struct cli_opts *o, const char *reply, size_t len)
{
	printf("incident %lld: event %lld corrected by event %lld\n",
	    (long long)o->incident, (long long)o->event,
	    (long long)msg_reply_int(reply, len, "event"));
}

static int
cmd_correct(const struct cmd *cmd, struct cli_opts *o)
{
	struct query *q;

	/* --note is required by the option list; --event is a number. */
	if (o->event == 0 || *o->note == '\0') {
		fprintf(stderr, "beacon correct: %s\n", o->event == 0 ?
		    "--event is required: the id of the event to correct "
		    "(timeline --json shows it)" : "--note must say what was "
		    "wrong");
		return EXIT_LOCAL;
	}
	q = records_query(Q_CORRECT, o);
	q->event = o->event;
	return records_ask(cmd, o, q, correct_print);
}

const struct cmd cmd_correct_entry = {
	"correct", "correct INCIDENT --event ID --note TEXT --as R [--json] "
	"[--timeout SECONDS]",
	"add a correction to an incident's timeline: the event it corrects "
	"stays, and both are shown",
	"as! event note! json timeout",
	1,
	cmd_correct,
};

/* ---- beacon purge -------------------------------------------------------- */

/* The counts of a purge or a dry run. */
static void
purge_totals(const char *reply, size_t len)
{
	printf("%s %lld incidents, %lld events, %lld debrief revisions; kept "
	    "%lld on legal hold and %lld with a corrective action open\n",
	    msg_reply_int(reply, len, "dry_run") == 1 ? "would purge" :
	    "purged", (long long)msg_reply_int(reply, len, "incidents"),
	    (long long)msg_reply_int(reply, len, "events"),
	    (long long)msg_reply_int(reply, len, "debriefs"),
	    (long long)msg_reply_int(reply, len, "kept_hold"),
	    (long long)msg_reply_int(reply, len, "kept_actions"));
}

/* One incident a dry run would remove. */
static int
purge_candidate(const char *json, size_t len, void *arg)
{
	struct incident inc;
	char err[256], created[32];

	(void)arg;
	if (msg_incident_decode(json, len, &inc, err, sizeof err) != MSG_OK)
		return 0;
	printf("  incident %lld: %s at %s, reported %s, %s\n",
	    (long long)inc.id, inc.r.type, inc.branch,
	    fmt_date(inc.created, created, sizeof created),
	    state_name(inc.state));
	return 0;
}

static void
purge_print(const struct cli_opts *o, const char *reply, size_t len)
{
	char err[256];

	purge_totals(reply, len);
	if (o->dry_run && msg_reply_decode(reply, len, "candidates",
	    purge_candidate, NULL, err, sizeof err) == MSG_OK &&
	    msg_reply_int(reply, len, "more") == 1)
		printf("  (and more: beacon purge --dry-run --json lists "
		    "the first 1000)\n");
}


static int
cmd_purge(const struct cmd *cmd, struct cli_opts *o)
{
	struct query *q = records_query(Q_PURGE, o);

	q->dry_run = o->dry_run;
	return records_ask(cmd, o, q, purge_print);
}

const struct cmd cmd_purge_entry = {
	"purge", "purge --as R [--dry-run] [--json] [--timeout SECONDS]",
	"remove the closed incidents past their retention now, except those "
	"on hold or with a corrective action open",
	"as! dry-run json timeout",
	0,
	cmd_purge,
};
