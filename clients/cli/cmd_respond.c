/*
 * beacon ack|decline|arrived|resolve|backup: a responder's answer to an
 * incident.
 *
 * Accepted means beacond published the incident with last.kind equal to
 * the action and last.by equal to the responder; refused means an error on
 * beacon/error/{responder} about this incident.
 *
 * The incident topic is retained, so subscribing also brings the incident
 * as it stood before this response, which may already show the same action
 * by the same responder (an ack sent twice). The broker handles one
 * client's packets in order: it queues that retained copy for us while
 * handling our SUBSCRIBE, and acknowledges our PUBLISH (PUBACK) before
 * beacond can even receive it. So whatever arrives while our response is
 * still unacknowledged is old news, and only what follows is an answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "conn.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "topic.h"
#include "xmalloc.h"

struct respond_run {
	const struct cli_opts *o;
	int action;
	char *topic;
	char *payload;
	int sent;
};

/* What the responder reads when it worked, by action. */
static const char *const respond_done[ACT_COUNT] = {
	[ACT_ACK] = N_("incident %lld: acknowledged by %s\n"),
	[ACT_DECLINE] = N_("incident %lld: declined by %s\n"),
	[ACT_ARRIVED] = N_("incident %lld: on scene: %s\n"),
	[ACT_RESOLVE] = N_("incident %lld: resolved by %s\n"),
	[ACT_BACKUP] = N_("incident %lld: backup requested by %s\n"),
};

static void
respond_ready(struct conn *c, void *arg)
{
	struct respond_run *r = arg;

	/* Once: after a reconnection the MQTT layer resends what the broker
	 * has not acknowledged. */
	if (r->sent)
		return;
	r->sent = 1;
	conn_publish(c, r->topic, r->payload);
}

/* An answer can only come once the response is out and acknowledged. */
static int
respond_stale(struct conn *c, struct respond_run *r)
{
	return !r->sent || conn_pending(c) > 0;
}

static void
respond_incident(struct conn *c, struct respond_run *r, const char *payload,
    size_t len)
{
	struct incident inc;
	char err[DETAIL_MAX + 1], *json;

	if (msg_incident_decode(payload, len, &inc, err, sizeof err) !=
	    MSG_OK) {
		log_warnx("unreadable incident message: %s", err);
		return;
	}
	if (inc.id != r->o->incident || respond_stale(c, r) ||
	    strcmp(inc.last_kind, msg_action_name(r->action)) != 0 ||
	    strcmp(inc.last_by, r->o->as) != 0)
		return;
	if (r->o->json) {
		json = msg_incident_encode(&inc);
		printf("%s\n", json);
		free(json);
	} else
		printf(_(respond_done[r->action]), (long long)inc.id,
		    r->o->as);
	conn_exit(c, EXIT_OK);
}

static void
respond_error(struct conn *c, struct respond_run *r, const char *payload,
    size_t len)
{
	char error[DETAIL_MAX + 1];
	int64_t incident = 0;

	if (msg_error_decode(payload, len, error, sizeof error, &incident) !=
	    MSG_OK || incident != r->o->incident || respond_stale(c, r))
		return;
	fprintf(stderr, _("beacon: %s refused: %s\n"),
	    msg_action_name(r->action), error);
	conn_exit(c, EXIT_REFUSED);
}

static void
respond_message(struct conn *c, void *arg, const char *topic,
    const char *payload, size_t len)
{
	struct respond_run *r = arg;

	if (conn_match(c, topic, TOPIC_INCIDENT) != NULL)
		respond_incident(c, r, payload, len);
	else if (conn_match(c, topic, TOPIC_ERROR) != NULL)
		respond_error(c, r, payload, len);
}

static void
respond_timeout(struct conn *c, void *arg)
{
	struct respond_run *r = arg;
	double secs = (double)r->o->timeout / 1000;

	if (!conn_connected(c))
		fprintf(stderr, _("beacon: no answer within %g s: cannot "
		    "reach the broker at %s\n"), secs, conn_broker(c));
	else
		fprintf(stderr, _("beacon: no answer from beacond within %g s "
		    "(incident %lld); is beacond running?\n"), secs,
		    (long long)r->o->incident);
	conn_exit(c, EXIT_TIMEOUT);
}

static char *
respond_payload(const struct respond_run *r)
{
	struct respond rs;

	memset(&rs, 0, sizeof rs);
	rs.incident = r->o->incident;
	rs.action = r->action;
	strlcpy_utf8(rs.note, r->o->note ? r->o->note : "", sizeof rs.note);
	strlcpy_utf8(rs.role, r->o->role ? r->o->role : "", sizeof rs.role);
	return msg_respond_encode(&rs);
}

static int
cmd_respond(const struct cmd *cmd, struct cli_opts *o)
{
	struct conn_cb cb = { respond_ready, respond_message, NULL, NULL };
	struct respond_run r;
	struct conn *c;
	char *cause, id[24];
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	if ((r.action = msg_action_from_name(cmd->name)) == -1)
		fatalx("%s: not an action", cmd->name);
	cb.arg = &r;
	if ((c = conn_new(o->broker, o->prefix, &cb, &cause)) == NULL) {
		fprintf(stderr, "beacon %s: %s\n", cmd->name, cause);
		free(cause);
		return EXIT_LOCAL;
	}
	r.payload = respond_payload(&r);
	r.topic = topic_make(o->prefix, TOPIC_RESPOND, o->as, NULL);
	snprintf(id, sizeof id, "%lld", (long long)o->incident);
	conn_subscribe(c, topic_make(o->prefix, TOPIC_INCIDENT, id, NULL));
	conn_subscribe(c, topic_make(o->prefix, TOPIC_ERROR, o->as, NULL));
	conn_timer(c, o->timeout, 0, respond_timeout);
	rc = conn_run(c);
	conn_free(c);
	free(r.topic);
	free(r.payload);
	return rc;
}

#define RESPOND_OPTIONS "as! note timeout json"

const struct cmd cmd_ack_entry = {
	"ack", "ack INCIDENT --as RESPONDER [--note TEXT] [--json] "
	"[--timeout SECONDS]",
	"acknowledge an incident (I am on it); stops the escalation",
	RESPOND_OPTIONS, 1, cmd_respond,
};

const struct cmd cmd_decline_entry = {
	"decline", "decline INCIDENT --as RESPONDER [--note TEXT] [--json] "
	"[--timeout SECONDS]",
	"decline an incident (I cannot); the next step fires at once",
	RESPOND_OPTIONS, 1, cmd_respond,
};

const struct cmd cmd_arrived_entry = {
	"arrived", "arrived INCIDENT --as RESPONDER [--note TEXT] [--json] "
	"[--timeout SECONDS]",
	"say you are on scene; stops the escalation",
	RESPOND_OPTIONS, 1, cmd_respond,
};

const struct cmd cmd_resolve_entry = {
	"resolve", "resolve INCIDENT --as RESPONDER [--note TEXT] [--json] "
	"[--timeout SECONDS]",
	"close an incident: it is over",
	RESPOND_OPTIONS, 1, cmd_respond,
};

const struct cmd cmd_backup_entry = {
	"backup", "backup INCIDENT --as RESPONDER [--role ROLE] [--note TEXT] "
	"[--json] [--timeout SECONDS]",
	"ask for backup: every responder of ROLE on the branch, or the next "
	"step when no role is named, is notified at once",
	"as! role note timeout json", 1, cmd_respond,
};
