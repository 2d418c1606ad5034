/*
 * An incident's own record: its timeline events, its state and deadline,
 * and its retained incident topic.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void
incident_event(struct engine *e, struct incident *inc, int64_t now,
    const char *kind, const char *actor, int step, const char *fmt, ...)
{
	struct event ev;
	va_list ap;

	memset(&ev, 0, sizeof ev);
	ev.incident = inc->id;
	ev.ts = now;
	ev.step = step;
	strlcpy_utf8(ev.kind, kind, sizeof ev.kind);
	strlcpy_utf8(ev.actor, actor ? actor : "", sizeof ev.actor);
	va_start(ap, fmt);
	vsnprintf(ev.detail, sizeof ev.detail, fmt, ap);
	va_end(ap);
	turn_touch(e);
	if (store_event_append(e->st, &ev) != 0)
		log_warnx("incident=%lld event=%s: not recorded",
		    (long long)inc->id, kind);
	strlcpy_utf8(inc->last_kind, kind, sizeof inc->last_kind);
	strlcpy_utf8(inc->last_by, actor ? actor : "", sizeof inc->last_by);
	inc->last_ts = now;
}

void
incident_save(struct engine *e, struct incident *inc, int64_t now)
{
	inc->updated = now;
	turn_touch(e);
	if (store_incident_update(e->st, inc) != 0)
		log_warnx("incident=%lld: state not recorded",
		    (long long)inc->id);
	if (!state_open(inc->state))
		policy_unpin(e, inc->id);
	escalate_arm(e, inc);
}

/* Publish the incident topic: retained while open, cleared once closed. */
void
incident_publish(struct engine *e, const struct incident *inc)
{
	char id[24];
	int open = state_open(inc->state);

	snprintf(id, sizeof id, "%lld", (long long)inc->id);
	turn_queue_incident(e, topic_make(e->cf->topic_prefix, TOPIC_INCIDENT,
	    id, NULL), inc, open);
	if (!open)
		turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_INCIDENT,
		    id, NULL), NULL, 1);
}

int
incident_names_add(const char *name, void *arg)
{
	struct names *ns = arg;

	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 8;
		ns->v = xreallocarray(ns->v, ns->cap, sizeof *ns->v);
	}
	strlcpy_utf8(ns->v[ns->n++], name ? name : "", sizeof *ns->v);
	return 0;
}
