/*
 * beacon replay: an incident's timeline played back in its own rhythm,
 * scaled by --speed, for a debrief: the minute nobody answered feels like
 * one. Then the gaps that mattered: how long until someone was notified,
 * acknowledged, was there, and it was over.
 *
 * The timeline is read whole first (database or beacond), then each line
 * waits for its moment on the monotonic clock, as an absolute deadline so
 * that printing never makes the replay drift.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beacon.h"
#include "cli.h"
#include "msg.h"
#include "source.h"
#include "xmalloc.h"

/* A pause longer than this (after scaling) is cut to it: the debrief's
 * reminders come a day after the incident, and nobody waits a day. */
#define REPLAY_PAUSE_MAX 60000 /* ms */

/*
 * What each kind of event says, with $a the actor, $A the actor and a
 * space (nothing when none), $d the detail, $n ": " and the detail (nothing
 * when none), $S ", step N" (nothing when none), $c the corrected event,
 * $k the kind.
 */
static const struct {
	const char *kind;
	const char *sentence;
} replay_sentences[] = {
	{ "reported", "$Areported: $d" },
	{ "notified", "$a notified$S ($d)" },
	{ "after_hours", "after hours: $d" },
	{ "off_duty", "$d$S" },
	{ "no_one_available", "$d" },
	{ "escalated", "$d" },
	{ "repeated", "$d" },
	{ "late", "late: $d" },
	{ "duplicate", "$Areported again ($d)" },
	{ "ack", "$a acknowledged$n" },
	{ "decline", "$a declined$n" },
	{ "arrived", "$a arrived on scene$n" },
	{ "resolve", "$a resolved it$n" },
	{ "debrief_due", "debrief $d" },
	{ "debrief_reminder", "debrief reminder: $d" },
	{ "debrief_overdue", "debrief overdue: $d" },
	{ "debrief", "$a recorded the debrief: $d" },
	{ "hold", "$a put it on legal hold$n" },
	{ "hold_released", "$a released the legal hold$n" },
	{ "correction", "$a corrected event $c$n" },
	{ "pushed", "pushed to $a's phone$S: $d" },
	{ "push_failed", "push to $a's phone failed$S: $d" },
};

static const char *
replay_template(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof replay_sentences / sizeof *replay_sentences;
	    i++)
		if (strcmp(replay_sentences[i].kind, kind) == 0)
			return replay_sentences[i].sentence;
	return "$A$k$n";
}

/* The text of one $ token into buf. */
static void
replay_token(const struct event *ev, char t, char *buf, size_t len)
{
	buf[0] = '\0';
	switch (t) {
	case 'a':
		snprintf(buf, len, "%s", fmt_dash(ev->actor));
		break;
	case 'A':
		if (ev->actor[0] != '\0')
			snprintf(buf, len, "%s ", ev->actor);
		break;
	case 'd':
		snprintf(buf, len, "%s", ev->detail);
		break;
	case 'n':
		if (ev->detail[0] != '\0')
			snprintf(buf, len, ": %s", ev->detail);
		break;
	case 'S':
		if (ev->step >= 0)
			snprintf(buf, len, ", step %lld", (long long)ev->step + 1);
		break;
	case 'c':
		snprintf(buf, len, "%lld", (long long)ev->corrects);
		break;
	case 'k':
		snprintf(buf, len, "%s", ev->kind);
		break;
	}
}

char *
cmd_replay_sentence(const struct event *ev, char *buf, size_t len)
{
	const char *t = replay_template(ev->kind);
	char tok[DETAIL_MAX + 3];
	size_t n = 0, k;

	for (buf[0] = '\0'; *t != '\0' && n + 1 < len; t++) {
		if (*t == '$' && t[1] != '\0')
			replay_token(ev, *++t, tok, sizeof tok);
		else
			snprintf(tok, sizeof tok, "%c", *t);
		k = strlen(tok);
		if (k > len - n - 1)
			k = len - n - 1;
		memcpy(buf + n, tok, k);
		buf[n += k] = '\0';
	}
	return buf;
}

/* ---- the gaps that mattered --------------------------------------------- */

struct replay_summary {
	int64_t notified, ack, arrived, resolved; /* ms after; -1 never */
	char ack_by[ID_MAX + 1];
	int escalations, declines, no_one;
};

static void
replay_first(int64_t *at, int64_t elapsed)
{
	if (*at < 0)
		*at = elapsed;
}

static void
replay_count(struct replay_summary *s, const struct event *ev,
    int64_t elapsed)
{
	/* A debrief notice is a notification too, but not of responders. */
	if (strcmp(ev->kind, "notified") == 0 &&
	    strncmp(ev->detail, "debrief_", 8) != 0)
		replay_first(&s->notified, elapsed);
	else if (strcmp(ev->kind, "ack") == 0 && s->ack < 0) {
		s->ack = elapsed;
		strlcpy_utf8(s->ack_by, ev->actor, sizeof s->ack_by);
	} else if (strcmp(ev->kind, "arrived") == 0)
		replay_first(&s->arrived, elapsed);
	else if (strcmp(ev->kind, "resolve") == 0)
		replay_first(&s->resolved, elapsed);
	s->escalations += strcmp(ev->kind, "escalated") == 0;
	s->declines += strcmp(ev->kind, "decline") == 0;
	s->no_one += strcmp(ev->kind, "no_one_available") == 0;
}

static const char *
replay_when(int64_t ms, char *buf, size_t len)
{
	return ms < 0 ? "never" : fmt_elapsed(ms, buf, len);
}

static void
replay_summary_text(const struct replay_summary *s)
{
	char b[32];

	printf("\nthe gaps that mattered\n");
	printf("  %-22s %s\n", "first notification",
	    replay_when(s->notified, b, sizeof b));
	printf("  %-22s %s%s%s\n", "first acknowledgment",
	    replay_when(s->ack, b, sizeof b), s->ack_by[0] ? " by " : "",
	    s->ack_by);
	printf("  %-22s %s\n", "on scene",
	    replay_when(s->arrived, b, sizeof b));
	printf("  %-22s %s\n", "resolved",
	    replay_when(s->resolved, b, sizeof b));
	printf("  %d escalation%s, %d decline%s, %d time%s no one available\n",
	    s->escalations, s->escalations == 1 ? "" : "s", s->declines,
	    s->declines == 1 ? "" : "s", s->no_one, s->no_one == 1 ? "" : "s");
}

static void
replay_set_ms(struct msg_doc *o, const char *key, int64_t ms)
{
	if (ms < 0)
		msg_doc_null(o, key);
	else
		msg_doc_int(o, key, ms);
}

static void
replay_summary_json(const struct incident *inc,
    const struct replay_summary *s)
{
	struct msg_doc *o = msg_doc_record("summary", NULL);
	char *json;

	msg_doc_int(o, "incident", inc->id);
	replay_set_ms(o, "first_notified_ms", s->notified);
	replay_set_ms(o, "first_ack_ms", s->ack);
	msg_doc_str(o, "first_ack_by", s->ack_by);
	replay_set_ms(o, "on_scene_ms", s->arrived);
	replay_set_ms(o, "resolved_ms", s->resolved);
	msg_doc_int(o, "escalations", s->escalations);
	msg_doc_int(o, "declines", s->declines);
	msg_doc_int(o, "no_one_available", s->no_one);
	json = msg_doc_finish(o);
	printf("%s\n", json);
	free(json);
}

/* ---- playing ------------------------------------------------------------- */

struct replay_run {
	const struct cli_opts *o;
	struct incident inc;
	struct event *ev;
	size_t nev;
};

static int
replay_collect(const struct event *ev, void *arg)
{
	struct replay_run *r = arg;

	r->ev = xreallocarray(r->ev, r->nev + 1, sizeof *r->ev);
	r->ev[r->nev++] = *ev;
	return 0;
}

/* Sleep until ms after start on the monotonic clock. */
static void
replay_wait(const struct timespec *start, int64_t ms)
{
	struct timespec at = *start;

	at.tv_sec += (time_t)(ms / 1000);
	at.tv_nsec += (long)(ms % 1000) * 1000000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) ==
	    EINTR)
		continue;
}

static void
replay_line(const struct replay_run *r, const struct event *ev,
    int64_t elapsed)
{
	struct msg_doc *o;
	char el[32], text[DETAIL_MAX * 2], *json, *evjson;

	cmd_replay_sentence(ev, text, sizeof text);
	if (!r->o->json) {
		printf("%-10s %-17s %s\n", fmt_elapsed(elapsed, el, sizeof el),
		    ev->kind, text);
		return;
	}
	evjson = msg_event_encode(ev);
	o = msg_doc_record("event", evjson);
	free(evjson);
	msg_doc_int(o, "elapsed_ms", elapsed);
	msg_doc_str(o, "sentence", text);
	json = msg_doc_finish(o);
	printf("%s\n", json);
	free(json);
}

static void
replay_play(const struct replay_run *r)
{
	struct replay_summary s = { -1, -1, -1, -1, "", 0, 0, 0 };
	struct timespec start;
	int64_t elapsed, prev = 0, at = 0, pause;
	size_t i;

	if (!r->o->json && r->o->speed > 0)
		printf("incident %lld: %s at %s, severity %d%s; played %g "
		    "times as fast\n\n", (long long)r->inc.id, r->inc.r.type,
		    r->inc.branch, r->inc.r.severity,
		    r->inc.r.drill ? ", DRILL" : "", r->o->speed);
	else if (!r->o->json)
		printf("incident %lld: %s at %s, severity %d%s\n\n",
		    (long long)r->inc.id, r->inc.r.type, r->inc.branch,
		    r->inc.r.severity, r->inc.r.drill ? ", DRILL" : "");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < r->nev; i++) {
		elapsed = r->ev[i].ts - r->inc.created;
		if (r->o->speed > 0) {
			pause = (int64_t)((double)(elapsed - prev) /
			    r->o->speed);
			at += pause < 0 ? 0 : pause > REPLAY_PAUSE_MAX ?
			    REPLAY_PAUSE_MAX : pause;
			replay_wait(&start, at);
		}
		prev = elapsed;
		replay_line(r, &r->ev[i], elapsed);
		replay_count(&s, &r->ev[i], elapsed);
		fflush(stdout);
	}
	if (r->o->json)
		replay_summary_json(&r->inc, &s);
	else
		replay_summary_text(&s);
}

static int
cmd_replay(const struct cmd *cmd, struct cli_opts *o)
{
	struct replay_run r;
	struct source *s;
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	if ((s = source_open(cmd->name, o, &rc)) == NULL)
		return rc;
	rc = source_timeline(s, o->incident, &r.inc, replay_collect, &r);
	source_close(s);
	if (rc == EXIT_OK)
		replay_play(&r);
	free(r.ev);
	return rc;
}

const struct cmd cmd_replay_entry = {
	"replay", "replay INCIDENT [--speed N] [--json] "
	"[--db PATH | --remote --as R] [--timeout SECONDS]",
	"play an incident's timeline back in its own rhythm, then the gaps "
	"that mattered",
	"speed json db remote as timeout",
	1,
	cmd_replay,
};
