/*
 * beacon debrief: read an incident's debrief, or record a new revision.
 *
 * Reading comes from the database or from beacond (source.h). Recording
 * always goes through beacond's `record` request, since this program only
 * ever opens the database read only, and beacond checks the record
 * against its configuration and keeps every revision. An edit starts from
 * the latest revision, fetched from beacond just before, and changes only
 * what was given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beacon.h"
#include "cli.h"
#include "i18n.h"
#include "debrief_edit.h"
#include "log.h"
#include "msg.h"
#include "source.h"
#include "xmalloc.h"

/* ---- reading ------------------------------------------------------------- */

struct debrief_read {
	const struct cli_opts *o;
	int n;
};

static void
debrief_header(const struct debrief *d)
{
	char when[32];

	printf("incident %lld: debrief revision %d, by %s at %s\n\n",
	    (long long)d->incident, d->revision, fmt_dash(d->author),
	    d->ts > 0 ? fmt_date(d->ts, when, sizeof when) : "-");
}

static int
debrief_show(const struct debrief *d, void *arg)
{
	struct debrief_read *r = arg;
	char *json;

	if (r->o->json) {
		json = msg_debrief_encode(d);
		/* --all: a JSON array; else the record alone. */
		printf("%s%s", r->o->all ? (r->n > 0 ? ",\n" : "\n") : "",
		    json);
		if (!r->o->all)
			printf("\n");
		free(json);
	} else {
		printf("%s", r->n > 0 ? "\n" : "");
		debrief_header(d);
		debrief_edit_print(stdout, d);
	}
	r->n++;
	return 0;
}

static int
debrief_read(const struct cmd *cmd, const struct cli_opts *o)
{
	struct debrief_read r = { o, 0 };
	struct source *s;
	int rc;

	if ((s = source_open(cmd->name, o, &rc)) == NULL)
		return rc;
	if (o->json && o->all)
		printf("[");
	rc = source_debriefs(s, o->incident, o->all, debrief_show, &r);
	source_close(s);
	if (rc != EXIT_OK)
		return rc;
	if (o->json && o->all)
		printf("%s]\n", r.n > 0 ? "\n" : "");
	else if (o->json && r.n == 0)
		printf("null\n");
	else if (r.n == 0)
		printf("incident %lld: no debrief recorded yet\n",
		    (long long)o->incident);
	return EXIT_OK;
}

/* ---- recording ----------------------------------------------------------- */

static int
debrief_keep(const struct debrief *d, void *arg)
{
	*(struct debrief *)arg = *d;
	return 0;
}

/* The latest revision from beacond, or an empty record. */
static int
debrief_latest(const struct cli_opts *o, struct debrief *d)
{
	struct cli_opts remote = *o;
	struct source *s;
	int rc;

	memset(d, 0, sizeof *d);
	remote.remote = 1;
	if ((s = source_open("debrief", &remote, &rc)) == NULL)
		return rc;
	rc = source_debriefs(s, o->incident, 0, debrief_keep, d);
	source_close(s);
	return rc;
}

/* A whole record on stdin (--json), as `beacon debrief --json` prints. */
static int
debrief_stdin(struct debrief *d)
{
	char *buf = xmalloc(PAYLOAD_MAX + 1), err[DETAIL_MAX + 1];
	size_t len = fread(buf, 1, PAYLOAD_MAX + 1, stdin);
	int rc;

	rc = msg_debrief_decode(buf, len, d, err, sizeof err);
	free(buf);
	if (rc != MSG_OK) {
		fprintf(stderr, _("beacon debrief: the record on standard "
		    "input cannot be read: %s\n"), err);
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

/* The questions on the terminal (or the answers piped in). */
static int
debrief_interactive(struct debrief *d)
{
	int echo = !isatty(STDIN_FILENO);
	char *cause = NULL;

	if (debrief_edit_ask(stdin, stderr, echo, d, &cause) != 0) {
		fprintf(stderr, _("beacon debrief: %s; nothing recorded\n"),
		    cause);
		free(cause);
		return EXIT_LOCAL;
	}
	fprintf(stderr, "\n");
	debrief_edit_print(stderr, d);
	fprintf(stderr, "\n");
	if (!debrief_edit_confirm(stdin, stderr, echo, "Record this revision?",
	    1)) {
		fprintf(stderr, _("beacon debrief: nothing recorded\n"));
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

/* The revision to record: from stdin, or the latest one edited. */
static int
debrief_compose(const struct cli_opts *o, int ask, struct debrief *d)
{
	char *cause = NULL;
	int rc;

	if (o->json)
		return debrief_stdin(d);
	if ((rc = debrief_latest(o, d)) != EXIT_OK)
		return rc;
	if (debrief_edit_apply(o, d, &cause) != 0) {
		fprintf(stderr, "beacon debrief: %s\n", cause);
		free(cause);
		return EXIT_LOCAL;
	}
	return ask ? debrief_interactive(d) : EXIT_OK;
}

static int
debrief_record(const struct cli_opts *o, int ask)
{
	struct query *q = xcalloc(1, sizeof *q);
	char *reply;
	size_t len;
	int rc;

	q->method = Q_RECORD;
	q->incident = o->incident;
	q->state = q->drill = -1;
	if ((rc = debrief_compose(o, ask, &q->debrief)) == EXIT_OK &&
	    (rc = source_ask("debrief", o, q, &reply, &len)) == EXIT_OK) {
		printf("incident %lld: debrief revision %lld recorded\n",
		    (long long)o->incident,
		    (long long)msg_reply_int(reply, len, "revision"));
		free(reply);
	}
	free(q);
	return rc;
}

/*
 * Which it is. Any field option, --interactive, or --json without
 * --remote (a record on stdin) records, and needs --as. --as alone asks
 * the questions when a person is at the terminal.
 */
static int
cmd_debrief(const struct cmd *cmd, struct cli_opts *o)
{
	int fields = debrief_edit_given(o);
	int record = fields || o->interactive || (o->json && o->as != NULL &&
	    !o->remote);
	int ask = o->interactive || (!record && o->as != NULL && !o->remote &&
	    isatty(STDIN_FILENO));

	if ((record || ask) && o->as == NULL) {
		fprintf(stderr, _("beacon debrief: recording needs --as "
		    "RESPONDER: beacond records it in your name\n"));
		return EXIT_LOCAL;
	}
	if (o->json && (fields || o->interactive)) {
		fprintf(stderr, _("beacon debrief: --json records the record "
		    "on standard input: no field options with it\n"));
		return EXIT_LOCAL;
	}
	if (record || ask)
		return debrief_record(o, ask);
	if (o->as != NULL && !o->remote) {
		fprintf(stderr, _("beacon debrief: nothing to record: give "
		    "field options, --interactive, or --json with the record "
		    "on standard input (--remote reads)\n"));
		return EXIT_LOCAL;
	}
	return debrief_read(cmd, o);
}

const struct cmd cmd_debrief_entry = {
	"debrief",
	"debrief INCIDENT [--all] [--json] [--db PATH | --remote --as R] "
	"[--timeout SECONDS] | "
	"debrief INCIDENT --as R [--interactive | --json | field options: "
	"[--wellbeing STATUS] [--held-at TIME] [--facilitator ROLE] "
	"[--participants N] [--follow-up DATE] [--support ID] "
	"[--route right|wrong] [--route-note TEXT] [--went-well TEXT] "
	"[--to-improve TEXT] [--training TEXT] [--notice ID]... "
	"[--referral TYPE[:N]]... [--action SPEC]...] [--timeout SECONDS]",
	"read an incident's debrief, or record a new revision of it through "
	"beacond",
	"db json all remote as timeout interactive wellbeing held-at "
	"facilitator participants follow-up support route route-note "
	"went-well to-improve training notice referral action",
	1,
	cmd_debrief,
};
