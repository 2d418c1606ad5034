/*
 * beacon watch: one line per status and incident message, for a screen at
 * the desk of whoever coordinates, or a log. The retained messages come
 * first: every open incident as it stands.
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
#include "topic.h"
#include "xmalloc.h"

/* Status messages do not carry the type; incident messages do. A small
 * direct-mapped cache of incident -> type fills the column for statuses. */
#define WATCH_TYPES 256

struct watch_run {
	const struct cli_opts *o;
	int seen;
	struct {
		int64_t id;
		char type[ID_MAX + 1];
	} types[WATCH_TYPES];
};

static void
watch_type_set(struct watch_run *w, const struct incident *inc)
{
	size_t i = (size_t)inc->id % WATCH_TYPES;

	w->types[i].id = inc->id;
	strlcpy_utf8(w->types[i].type, inc->r.type, sizeof w->types[i].type);
}

static const char *
watch_type(struct watch_run *w, int64_t id)
{
	size_t i = (size_t)id % WATCH_TYPES;

	return id > 0 && w->types[i].id == id ? w->types[i].type : "-";
}

static void
watch_line(int64_t ts, int64_t incident, const char *branch,
    const char *type, int state, int drill, const char *text)
{
	char t[32], id[24] = "-";

	if (incident > 0)
		snprintf(id, sizeof id, "%lld", (long long)incident);
	printf("%s %-5s %-12s %-14s %-12s %s%s\n", fmt_hms(ts ? ts :
	    clock_now(), t, sizeof t), id, branch, type, state_name(state) ?
	    state_name(state) : "?", drill ? "DRILL: " : "", text);
}

/* Every message counts towards --count, whatever the output. */
static void
watch_done(struct conn *c, struct watch_run *w)
{
	fflush(stdout);
	if (w->o->count > 0 && ++w->seen >= w->o->count)
		conn_exit(c, EXIT_OK);
}

static void
watch_incident(struct conn *c, struct watch_run *w, const char *payload,
    size_t len)
{
	struct incident inc;
	char err[DETAIL_MAX + 1], text[ID_MAX + 300], rel[200], *json;

	if (msg_incident_decode(payload, len, &inc, err, sizeof err) !=
	    MSG_OK) {
		log_warnx("unreadable incident message: %s", err);
		return;
	}
	if (w->o->branch != NULL && strcmp(inc.branch, w->o->branch) != 0)
		return;
	watch_type_set(w, &inc);
	if (w->o->json) {
		json = msg_incident_encode(&inc);
		printf("%s\n", json);
		free(json);
	} else {
		/* "by" is whoever the event is about: the responder who
		 * acked, or the one notified. */
		fmt_ids(inc.related, inc.nrelated, rel, sizeof rel);
		snprintf(text, sizeof text, "last: %s%s%s%s%s%s",
		    inc.last_kind[0] ? inc.last_kind : "?",
		    inc.last_by[0] ? " (" : "", inc.last_by,
		    inc.last_by[0] ? ")" : "", rel[0] ? "; may be related to "
		    "incident " : "", rel);
		watch_line(inc.last_ts ? inc.last_ts : inc.updated, inc.id,
		    inc.branch, inc.r.type, inc.state, inc.r.drill, text);
	}
	watch_done(c, w);
}

/* rest is "{branch}/{report id}". */
static void
watch_status(struct conn *c, struct watch_run *w, const char *rest,
    const char *payload, size_t len)
{
	struct status st;
	char err[DETAIL_MAX + 1], branch[ID_MAX + 1], *json;
	char buf[DETAIL_MAX + 1];
	const char *text;

	if (msg_status_decode(payload, len, &st, err, sizeof err) != MSG_OK) {
		log_warnx("unreadable status message: %s", err);
		return;
	}
	topic_level(rest, branch, sizeof branch);
	if (w->o->json) {
		json = msg_status_encode(&st);
		printf("%s\n", json);
		free(json);
	} else {
		text = fmt_escalation(&st, buf, sizeof buf);
		watch_line(st.ts, st.incident, branch, watch_type(w,
		    st.incident), st.state, st.drill, text ? text : st.message);
	}
	watch_done(c, w);
}

static void
watch_message(struct conn *c, void *arg, const char *topic,
    const char *payload, size_t len)
{
	struct watch_run *w = arg;
	const char *rest;

	if (conn_match(c, topic, TOPIC_INCIDENT) != NULL)
		watch_incident(c, w, payload, len);
	else if ((rest = conn_match(c, topic, TOPIC_STATUS)) != NULL)
		watch_status(c, w, rest, payload, len);
}

/* Interrupting is how watch normally ends. */
static void
watch_interrupt(struct conn *c, void *arg)
{
	(void)arg;
	conn_exit(c, EXIT_OK);
}

static int
cmd_watch(const struct cmd *cmd, struct cli_opts *o)
{
	struct conn_cb cb = { NULL, watch_message, watch_interrupt, NULL };
	struct watch_run *w = xcalloc(1, sizeof *w);
	struct conn *c;
	char *cause;
	int rc;

	(void)cmd;
	w->o = o;
	cb.arg = w;
	if ((c = conn_new(o->broker, o->prefix, &cb, &cause)) == NULL) {
		fprintf(stderr, "beacon watch: %s\n", cause);
		free(cause);
		free(w);
		return EXIT_LOCAL;
	}
	conn_subscribe(c, topic_make(o->prefix, TOPIC_INCIDENT, "+", NULL));
	conn_subscribe(c, topic_make(o->prefix, TOPIC_STATUS, o->branch ?
	    o->branch : "+", "+", NULL));
	rc = conn_run(c);
	conn_free(c);
	free(w);
	return rc;
}

const struct cmd cmd_watch_entry = {
	"watch", "watch [--branch B] [--json] [--count N]",
	"print every status and incident change as it happens, until "
	"interrupted",
	"branch json count",
	0,
	cmd_watch,
};
