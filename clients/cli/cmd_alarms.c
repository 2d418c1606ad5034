/*
 * Alarms that are not real (docs/protocol.md, "Cancel, drills, repeated
 * presses and pauses"):
 *   beacon cancel: the reporter cancels a report (a false alarm once
 *     anyone was notified);
 *   beacon drill start|stop, beacon branch pause|resume: supervisor
 *     requests that put a branch in drill mode or pause it for device
 *     testing until a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "i18n.h"
#include "clock.h"
#include "conn.h"
#include "log.h"
#include "msg.h"
#include "source.h"
#include "topic.h"
#include "xmalloc.h"

/* ---- beacon cancel ------------------------------------------------------ */

struct cancel_run {
	const struct cli_opts *o;
	char *topic;
	char *payload;
	int sent;
};

static void
cancel_ready(struct conn *c, void *arg)
{
	struct cancel_run *r = arg;

	if (r->sent)
		return;
	r->sent = 1;
	conn_publish(c, r->topic, r->payload);
}

/* beacond's answers to a cancel start with these; anything else on the
 * status topic is older news (the report's retained status). */
static int
cancel_answer(const struct status *st)
{
	return st->state == ST_REJECTED ||
	    strncmp(st->message, "cancelled", 9) == 0 ||
	    strncmp(st->message, "false alarm", 11) == 0 ||
	    strncmp(st->message, "already closed", 14) == 0;
}

static void
cancel_message(struct conn *c, void *arg, const char *topic,
    const char *payload, size_t len)
{
	struct cancel_run *r = arg;
	struct status st;
	char err[DETAIL_MAX + 1], *json;

	(void)topic;
	if (!r->sent || conn_pending(c) > 0 || len == 0 ||
	    msg_status_decode(payload, len, &st, err, sizeof err) != MSG_OK ||
	    strcmp(st.report, r->o->id) != 0 || !cancel_answer(&st))
		return;
	if (r->o->json) {
		json = msg_status_encode(&st);
		printf("%s\n", json);
		free(json);
	} else if (st.state == ST_REJECTED)
		fprintf(stderr, _("beacon: cancel refused: %s\n"), st.error);
	else
		printf("report %s: %s%s\n", st.report, st.drill ? "DRILL: " :
		    "", st.message);
	conn_exit(c, st.state == ST_REJECTED || strncmp(st.message,
	    "already", 7) == 0 ? EXIT_REFUSED : EXIT_OK);
}

static void
cancel_timeout(struct conn *c, void *arg)
{
	struct cancel_run *r = arg;

	fprintf(stderr, _("beacon: no answer to the cancel of report %s within "
	    "%g s%s\n"), r->o->id, (double)r->o->timeout / 1000,
	    conn_connected(c) ? _("; is beacond running?") :
	    _(": cannot reach the broker"));
	conn_exit(c, EXIT_TIMEOUT);
}

static int
cmd_cancel(const struct cmd *cmd, struct cli_opts *o)
{
	struct conn_cb cb = { cancel_ready, cancel_message, NULL, NULL };
	struct cancel_run r;
	struct conn *c;
	char *cause;
	int rc;

	(void)cmd;
	if (!id_valid(o->id)) {
		fprintf(stderr, _("beacon cancel: --id must be 1 to %d "
		    "characters of A-Za-z0-9._:-\n"), ID_MAX);
		return EXIT_LOCAL;
	}
	memset(&r, 0, sizeof r);
	r.o = o;
	cb.arg = &r;
	if ((c = conn_new(o->broker, o->prefix, &cb, &cause)) == NULL) {
		fprintf(stderr, "beacon cancel: %s\n", cause);
		free(cause);
		return EXIT_LOCAL;
	}
	r.topic = topic_make(o->prefix, TOPIC_REPORT, o->branch, NULL);
	r.payload = msg_cancel_encode(o->id, o->device ? o->device : "",
	    o->reporter ? o->reporter : "");
	conn_subscribe(c, topic_make(o->prefix, TOPIC_STATUS, o->branch, o->id,
	    NULL));
	conn_timer(c, o->timeout, 0, cancel_timeout);
	rc = conn_run(c);
	conn_free(c);
	free(r.topic);
	free(r.payload);
	return rc;
}

const struct cmd cmd_cancel_entry = {
	"cancel",
	"cancel --branch B --id ID [--device D] [--reporter R] [--json] "
	"[--timeout SECONDS]",
	"cancel a report: before anyone is notified nothing is sent; after, "
	"it is a false alarm and responders are told to stand down",
	"branch! id! device reporter timeout json",
	0,
	cmd_cancel,
};

/* ---- beacon drill / beacon branch --------------------------------------- */

/* One branch_mode request; prints what beacond recorded. */
static int
mode_ask(const char *cmd, struct cli_opts *o, const char *branch,
    const char *mode, int stop)
{
	struct query q;
	char *reply = NULL, until[40];
	size_t len;
	int rc;

	if (stop && o->until != 0) {
		fprintf(stderr, _("beacon %s: --until is for a start, not a "
		    "stop\n"), cmd);
		return EXIT_LOCAL;
	}
	if (!stop && o->until == 0) {
		fprintf(stderr, _("beacon %s: --until TIME is required\n"),
		    cmd);
		return EXIT_LOCAL;
	}
	memset(&q, 0, sizeof q);
	q.method = Q_MODE;
	q.state = q.drill = -1;
	strlcpy_utf8(q.branch, branch, sizeof q.branch);
	strlcpy_utf8(q.mode, mode, sizeof q.mode);
	q.stop = stop;
	q.until = o->until;
	if ((rc = source_ask(cmd, o, &q, &reply, &len)) != EXIT_OK)
		return rc;
	if (o->json)
		printf("%s\n", reply);
	else if (stop)
		printf("%s: %s ended\n", branch, strcmp(mode, "drill") == 0 ?
		    "drill mode" : "pause");
	else
		printf("%s: %s until %s\n", branch, strcmp(mode, "drill") == 0 ?
		    "drill mode: every report is a DRILL" :
		    "paused for device testing: reports are recorded as tests, "
		    "nobody is paged",
		    clock_fmt(o->until, until, sizeof until));
	free(reply);
	return EXIT_OK;
}

static int
cmd_drill(const struct cmd *cmd, struct cli_opts *o)
{
	(void)cmd;
	if (o->nwords != 1 || (strcmp(o->words[0], "start") != 0 &&
	    strcmp(o->words[0], "stop") != 0)) {
		fprintf(stderr, _("beacon drill: say start or stop\n"));
		return EXIT_LOCAL;
	}
	if (o->branch == NULL) {
		fprintf(stderr, _("beacon drill: --branch is required\n"));
		return EXIT_LOCAL;
	}
	return mode_ask("drill", o, o->branch, "drill",
	    strcmp(o->words[0], "stop") == 0);
}

static int
cmd_branch(const struct cmd *cmd, struct cli_opts *o)
{
	(void)cmd;
	if (o->nwords != 2 || (strcmp(o->words[0], "pause") != 0 &&
	    strcmp(o->words[0], "resume") != 0)) {
		fprintf(stderr, _("beacon branch: say pause BRANCH or resume "
		    "BRANCH\n"));
		return EXIT_LOCAL;
	}
	return mode_ask("branch", o, o->words[1], "pause",
	    strcmp(o->words[0], "resume") == 0);
}

const struct cmd cmd_drill_entry = {
	"drill",
	"drill start --branch B --until TIME --as SUPERVISOR | "
	"drill stop --branch B --as SUPERVISOR [--json] [--timeout SECONDS]",
	"put a branch in drill mode until a time: its reports are drills, "
	"labelled DRILL and kept out of statistics",
	"branch until as! timeout json",
	OPERAND_WORDS,
	cmd_drill,
};

const struct cmd cmd_branch_entry = {
	"branch",
	"branch pause B --until TIME --as SUPERVISOR | "
	"branch resume B --as SUPERVISOR [--json] [--timeout SECONDS]",
	"pause a branch for device testing: its reports are answered and "
	"recorded as tests, nobody is paged",
	"until as! timeout json",
	OPERAND_WORDS,
	cmd_branch,
};
