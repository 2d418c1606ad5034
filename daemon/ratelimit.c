/*
 * Per-sender limits: what a sender sends over them in a window is set
 * aside, recorded once with its count, and the sender is told.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* Topic kinds whose first level names a responder; the others name a
 * branch. */
static int
kind_is_responder(const char *kind)
{
	return strcmp(kind, "respond") == 0 || strcmp(kind, "query") == 0;
}

/* What a limit entry counts and whose, for people: "reports" from
 * 'device "desk-3" of branch "central"'. */
static void
ratelimit_who(const struct limit_entry *en, char *what, size_t wlen,
    char *who, size_t len)
{
	const char *of = kind_is_responder(en->kind) ? "responder" : "branch";
	char src[LIMIT_NAME + 16];

	if (en->source[0] != '\0')
		snprintf(src, sizeof src, "%s \"%s\"", of, en->source);
	else
		snprintf(src, sizeof src, "unknown %ses", of);
	snprintf(what, wlen, "%s", !en->device_entry ? "messages" :
	    en->device[0] != '\0' ? "reports" : "reports naming no device");
	if (en->device_entry && en->device[0] != '\0')
		snprintf(who, len, "device \"%s\" of %s", en->device, src);
	else
		snprintf(who, len, "%s", src);
}

/* The topic a limit record is filed under: {prefix}/{kind}/{source}, or
 * {prefix}/{kind}/+ for the senders the configuration does not know. */
static char *
ratelimit_topic(struct engine *e, const struct limit_entry *en)
{
	return topic_make(e->cf->topic_prefix,
	    en->kind[0] == '*' ? "+" : en->kind,
	    en->source[0] != '\0' ? en->source : "+", NULL);
}

static void
ratelimit_text(struct engine *e, const struct limit_entry *en, int final,
    char *buf, size_t len)
{
	char what[32], who[3 * LIMIT_NAME + 64];

	ratelimit_who(en, what, sizeof what, who, sizeof who);
	if (!final)
		snprintf(buf, len, "rate limit: %s sent more than %d %s in "
		    "%d s; the rest of them are set aside until the interval "
		    "ends: send again then", who, en->max, what,
		    e->cf->limit_interval);
	else
		snprintf(buf, len, "rate limit: %lld %s from %s over the "
		    "limit of %d in %d s set aside, over %.1f s", (long long)
		    en->excess, what, who, en->max, e->cf->limit_interval,
		    (double)(en->last_excess - en->first_excess) / 1000);
}

/* The first message set aside in a window: record it, tell the sender
 * (after the commit), and make sure the window's end is recorded too. */
static void
ratelimit_first(struct engine *e, struct limit_entry *en, const void *p,
    size_t len)
{
	char text[DETAIL_MAX + 1], *topic = ratelimit_topic(e, en);

	ratelimit_text(e, en, 0, text, sizeof text);
	turn_touch(e);
	en->record = store_reject_excess(e->st, en->first_excess, topic, text,
	    p, len, 1);
	log_warnx("event=rate_limited kind=%s source=%s%s%s limit=%d "
	    "interval=%d", en->kind, en->source[0] ? en->source : "+",
	    en->device_entry ? " device=" : "", !en->device_entry ? "" :
	    en->device[0] ? en->device : "(none)", en->max,
	    e->cf->limit_interval);
	if (en->source[0] != '\0' && en->kind[0] != '*')
		turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_ERROR,
		    en->source, NULL), msg_error_encode(text, topic, NULL, 0,
		    clock_now()), 0);
	free(topic);
	if (e->sched != NULL)
		timers_at(e->sched, e->ratelimit.timer, 0,
		    limit_window_end(e->ratelimit.counts));
}

/* The window ended: the record of each sender's excess gets its count. */
static void
ratelimit_record(void *arg, const struct limit_entry *en)
{
	struct engine *e = arg;
	char text[DETAIL_MAX + 1], *topic = ratelimit_topic(e, en);

	ratelimit_text(e, en, 1, text, sizeof text);
	turn_touch(e);
	if (en->record <= 0 || store_reject_recount(e->st, en->record,
	    en->first_excess, topic, text, en->excess) == 0)
		store_reject_excess(e->st, en->first_excess, topic, text, NULL,
		    0, en->excess);
	free(topic);
	log_info("event=set_aside kind=%s source=%s%s%s count=%lld limit=%d",
	    en->kind, en->source[0] ? en->source : "+", en->device_entry ?
	    " device=" : "", !en->device_entry ? "" : en->device[0] ?
	    en->device : "(none)", (long long)en->excess, en->max);
}

void
ratelimit_roll(struct engine *e)
{
	if (limit_window_end(e->ratelimit.counts) < 0)
		return;
	limit_roll(e->ratelimit.counts, ratelimit_record, e);
	if (e->sched != NULL)
		timers_cancel(e->sched, e->ratelimit.timer, 0);
}

/*
 * Count a message against its sender's limits (device NULL: the source's
 * only). 1 if it is to be set aside: then, when it was recorded in this
 * turn's inputs, it is taken out of them, so a flood in degraded mode does
 * not grow memory either.
 */
int
ratelimit_check(struct engine *e, const char *kind, const char *source,
    const char *device, const void *p, size_t len, int recorded)
{
	struct limit_entry *en;
	enum limit_verdict v;
	int64_t now = clock_now(), end = limit_window_end(e->ratelimit.counts);

	/* No limits (a load test): no lookups on the path of a report. */
	if (e->degraded.replaying || (e->cf->limit_source <= 0 &&
	    (device == NULL || e->cf->limit_device <= 0)))
		return 0;
	if (end >= 0 && now >= end)
		ratelimit_roll(e);
	if (kind_is_responder(kind) ? conf_responder(e->cf, source) == NULL :
	    conf_branch(e->cf, source) == NULL &&
	    strcmp(source, HEALTH_RESPONDERS) != 0)
		source = "";
	v = limit_count(e->ratelimit.counts, now, e->cf->limit_interval * 1000,
	    kind, source, e->cf->limit_source, device, e->cf->limit_device,
	    &en);
	if (v == LIMIT_OK)
		return 0;
	if (recorded)
		backlog_pop(&e->turn.inputs);
	if (v == LIMIT_FIRST)
		ratelimit_first(e, en, p, len);
	return 1;
}

static void
ratelimit_timer(int64_t id, int64_t due, void *arg)
{
	(void)id;
	(void)due;
	ratelimit_roll(arg);
}

void
ratelimit_timers(struct engine *e)
{
	e->ratelimit.timer = timers_handler(e->sched, "limit",
	    ratelimit_timer, e);
}
