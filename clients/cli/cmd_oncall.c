/*
 * beacon oncall: who is on duty, and the run-time overrides. Every form
 * is a supervisor request answered by beacond, so that the answer uses
 * beacond's clock, its configuration and the overrides in force: what a
 * report would get at that time.
 *
 *   beacon oncall [--branch B] [--at TIME] --as R
 *   beacon oncall set RESPONDER --branch B --from T --until T [--off] --as R
 *   beacon oncall clear RESPONDER [--branch B] --as R
 *   beacon oncall log [--branch B] [--since TIME] --as R
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "i18n.h"
#include "source.h"
#include "conn.h"
#include "msg.h"
#include "xmalloc.h"

static const char *const oncall_subs[] = {
	[ONCALL_SHOW] = "show",
	[ONCALL_SET] = "set",
	[ONCALL_CLEAR] = "clear",
	[ONCALL_LOG] = "log",
};

/* The method the words name, or -1 with the reason printed. */
static int
oncall_method(const struct cli_opts *o)
{
	int i;

	if (o->nwords == 0)
		return ONCALL_SHOW;
	for (i = 0; i < ONCALL_COUNT; i++)
		if (strcmp(o->words[0], oncall_subs[i]) == 0)
			break;
	if (i == ONCALL_COUNT) {
		fprintf(stderr, _("beacon oncall: \"%s\": use show, set, clear "
		    "or log\n"), o->words[0]);
		return -1;
	}
	if ((i == ONCALL_SET || i == ONCALL_CLEAR) != (o->nwords == 2)) {
		fprintf(stderr, "beacon oncall %s: %s\n", oncall_subs[i],
		    o->nwords == 2 ? "takes no responder" :
		    "RESPONDER is missing");
		return -1;
	}
	return i;
}

/* The request the options make, or -1 with the reason printed. */
static int
oncall_request(const struct cli_opts *o, struct oncall_req *q)
{
	const char *missing = NULL;

	memset(q, 0, sizeof *q);
	if ((q->method = oncall_method(o)) < 0)
		return -1;
	if (q->method == ONCALL_SET)
		missing = o->branch == NULL ? "--branch" : o->from_text == NULL ?
		    "--from" : o->until_text == NULL ? "--until" : NULL;
	if (missing != NULL) {
		fprintf(stderr, _("beacon oncall set: %s is required\n"),
		    missing);
		return -1;
	}
	if (o->nwords == 2)
		strlcpy_utf8(q->responder, o->words[1], sizeof q->responder);
	strlcpy_utf8(q->branch, o->branch ? o->branch : "", sizeof q->branch);
	strlcpy_utf8(q->at, o->at_text ? o->at_text : "", sizeof q->at);
	strlcpy_utf8(q->from, o->from_text ? o->from_text : "",
	    sizeof q->from);
	strlcpy_utf8(q->until, o->until_text ? o->until_text : "",
	    sizeof q->until);
	strlcpy_utf8(q->note, o->note ? o->note : "", sizeof q->note);
	q->off = o->off;
	q->since = o->since;
	return 0;
}

static int
cmd_oncall(const struct cmd *cmd, struct cli_opts *o)
{
	struct oncall_req q;
	char *reply = NULL, *text;
	size_t len;
	int rc;

	(void)cmd;
	if (oncall_request(o, &q) != 0)
		return EXIT_LOCAL;
	rc = source_send("oncall", o, msg_oncall_encode(&q), &reply, &len);
	if (rc != EXIT_OK)
		return rc;
	if (o->json)
		printf("%s\n", reply);
	else if ((text = msg_reply_str(reply, len, "text")) != NULL) {
		fputs(text, stdout);
		free(text);
	}
	free(reply);
	return EXIT_OK;
}

const struct cmd cmd_oncall_entry = {
	"oncall", "oncall [show|set R|clear R|log] [--branch B] [--at TIME] "
	"[--from TIME --until TIME] [--off] [--note TEXT] [--since TIME] "
	"--as R [--json] [--timeout SECONDS]",
	"who would be notified now or at a given time, per role and per "
	"category, and the steps skipped as empty; set and clear run-time "
	"overrides of who is on duty",
	"as! branch at from until off note since json timeout",
	OPERAND_WORDS,
	cmd_oncall,
};
