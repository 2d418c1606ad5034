/*
 * Device health: presence, self-tests and the supervisor told when a
 * report device is missing. A report button that is off is a silent
 * failure: nobody notices until the day it is pressed. Also each
 * branch's retained configuration for the report pages, and the
 * daemon's heartbeat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* The kinds whose absence is reported. A responder app that is closed is
 * a phone in a pocket, not a fault. */
static const char *const report_kinds[] = { "button", "report_page" };

int
health_is_report_device(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof report_kinds / sizeof *report_kinds; i++)
		if (strcmp(kind, report_kinds[i]) == 0)
			return 1;
	return 0;
}

static void
health_arm(struct engine *e, const struct device *d)
{
	if (e->sched == NULL)
		return;
	if (d->due_at >= 0)
		timers_at(e->sched, e->device_timer, d->id, d->due_at);
	else
		timers_cancel(e->sched, e->device_timer, d->id);
}

/* Write the row and its timer; the turn's transaction commits both. */
static void
health_save(struct engine *e, struct device *d)
{
	if (store_device_put(e->st, d) != 0) {
		log_warnx("device=%s/%s: state not recorded", d->branch,
		    d->device);
		return;
	}
	health_arm(e, d);
}

static void
health_record(struct engine *e, const struct device *d,
    int64_t now, const char *kind, const char *detail)
{
	if (store_device_event(e->st, now, d, kind, detail) != 0)
		log_warnx("device=%s/%s: event %s not recorded", d->branch,
		    d->device, kind);
	log_info("device=%s/%s event=%s%s%s%s", d->branch, d->device, kind,
	    detail[0] ? " detail=\"" : "", detail, detail[0] ? "\"" : "");
}

static const char *health_branch_name(struct engine *, const char *);

/* What a device notice (device_back, device_offline) says, in lang. */
static void
health_text(struct engine *e, const struct device *d, const char *kind,
    const char *lang, char *buf, size_t len)
{
	char since[40];

	if (strcmp(kind, "device_back") == 0)
		snprintf(buf, len, T_(lang, "%s %s at %s is back online"),
		    d->kind, d->device, health_branch_name(e, d->branch));
	else
		snprintf(buf, len, T_(lang, "%s %s at %s has been offline since "
		    "%s: check its power and network"), d->kind, d->device,
		    health_branch_name(e, d->branch), clock_fmt(d->since, since,
		    sizeof since));
}

/* Tell the branch's supervisors (the debrief role), each in their
 * language; returns how many. */
static size_t
health_tell(struct engine *e, const struct device *d,
    const char *kind, int64_t now)
{
	char msg[DETAIL_MAX + 1];
	const char *lang;
	struct route rt;
	size_t i;

	if (e->cf->debrief_role == NULL)
		return 0;
	rules_role(e->cf, e->cf->debrief_role, d->branch, &rt);
	for (i = 0; i < rt.n; i++) {
		lang = conf_responder_lang(e->cf, rt.who[i]->id, d->branch);
		health_text(e, d, kind, lang, msg, sizeof msg);
		turn_queue(e, topic_make(e->cf->topic_prefix,
		    TOPIC_NOTIFY, rt.who[i]->id, NULL),
		    msg_device_notice_encode(d, kind, msg, lang, now), 0);
	}
	return rt.n;
}

static const char *
health_branch_name(struct engine *e, const char *branch)
{
	const struct conf_branch *b = conf_branch(e->cf, branch);

	return b != NULL ? b->name : branch;
}

/* Tell, and record who was told (or that nobody could be). */
static void
health_announce(struct engine *e, const struct device *d,
    const char *kind, int64_t now)
{
	char detail[DETAIL_MAX + 1], message[DETAIL_MAX + 1];
	size_t n = health_tell(e, d, kind, now);

	health_text(e, d, kind, "en", message, sizeof message);
	if (n == 0)
		snprintf(detail, sizeof detail, "%.450s; no one available to "
		    "tell", message);
	else
		snprintf(detail, sizeof detail, "%.450s; %zu told", message, n);
	health_record(e, d, now, kind, detail);
}

/* The device is reachable: online, and if its absence had been reported,
 * say it is back. */
static void
health_up(struct engine *e, struct device *d, int64_t now)
{
	if (!d->online) {
		d->online = 1;
		d->since = now;
		health_record(e, d, now, "online", "");
	}
	if (d->flagged) {
		health_announce(e, d, "device_back", now);
		d->flagged = 0;
	}
	d->due_at = -1;
}

static void
health_down(struct engine *e, struct device *d, int64_t now)
{
	if (!d->online && d->since != 0)
		return;	/* already known to be offline */
	d->online = 0;
	d->since = now;
	d->due_at = health_is_report_device(d->kind) ?
	    now + (int64_t)e->cf->device_offline * 1000 : -1;
	health_record(e, d, now, "offline", "");
}

/* The device's row, or a new one (since 0: never seen). */
static int
health_find(struct engine *e, const char *branch,
    const char *device, struct device *d)
{
	int found = store_device_get(e->st, branch, device, d);

	if (found < 0)
		return -1;
	if (found == 0) {
		memset(d, 0, sizeof *d);
		strlcpy_utf8(d->branch, branch, sizeof d->branch);
		strlcpy_utf8(d->device, device, sizeof d->device);
		strlcpy_utf8(d->kind, "device", sizeof d->kind);
		d->due_at = -1;
		d->rtt_ms = -1;
	}
	return 0;
}

/* Why a device topic cannot be taken, or NULL. */
static const char *
health_check(struct engine *e, const char *branch,
    const char *device, char *buf, size_t len)
{
	if (conf_branch(e->cf, branch) == NULL &&
	    strcmp(branch, HEALTH_RESPONDERS) != 0) {
		snprintf(buf, len, "unknown branch \"%.64s\"", branch);
		return buf;
	}
	if (!id_valid(device)) {
		snprintf(buf, len, "device: must be 1 to %d characters of "
		    "A-Za-z0-9._:-", ID_MAX);
		return buf;
	}
	return NULL;
}

static void
health_present(struct engine *e, const char *topic,
    const char *branch, const char *device, const void *payload, size_t len,
    int64_t now)
{
	struct presence p;
	struct device d;
	char err[DETAIL_MAX + 1];

	if (len == 0)	/* a retained presence cleared: nothing said */
		return;
	turn_touch(e);
	if (health_check(e, branch, device, err, sizeof err) != NULL ||
	    msg_presence_decode(payload, len, &p, err, sizeof err) != MSG_OK) {
		intake_reply_error(e, topic, branch, NULL, 0, err,
		    payload, len);
		return;
	}
	if (health_find(e, branch, device, &d) != 0)
		return;
	if (p.kind[0] != '\0')
		strlcpy_utf8(d.kind, p.kind, sizeof d.kind);
	d.last_seen = now;
	if (p.online)
		health_up(e, &d, now);
	else
		health_down(e, &d, now);
	health_save(e, &d);
}

static void
health_test(struct engine *e, const char *topic,
    const char *branch, const char *device, const void *payload, size_t len,
    int64_t now)
{
	struct selftest t;
	struct device d;
	char err[DETAIL_MAX + 1];

	turn_touch(e);
	if (health_check(e, branch, device, err, sizeof err) != NULL ||
	    msg_selftest_decode(payload, len, &t, err, sizeof err) != MSG_OK) {
		intake_reply_error(e, topic, branch, NULL, 0, err,
		    payload, len);
		return;
	}
	if (health_find(e, branch, device, &d) != 0)
		return;
	d.last_seen = d.selftest_at = now;
	if (t.last_rtt_ms >= 0)
		d.rtt_ms = t.last_rtt_ms;
	health_up(e, &d, now);
	health_save(e, &d);
	log_debug("device=%s/%s event=selftest id=%s rtt_ms=%lld", branch,
	    device, t.id, (long long)t.last_rtt_ms);
	turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_SELFTEST,
	    branch, device, "result", NULL),
	    msg_selftest_result_encode(t.id, now), 0);
}

static void
health_offline(struct engine *e, int64_t id, int64_t now)
{
	struct device d;

	if (store_device_by_id(e->st, id, &d) != 1 || d.online || d.flagged ||
	    d.due_at < 0)
		return;
	turn_touch(e);
	if (d.due_at > now) {	/* moved: a new configuration */
		health_arm(e, &d);
		return;
	}
	health_announce(e, &d, "device_offline", now);
	d.flagged = 1;
	d.due_at = -1;
	health_save(e, &d);
}

static int
health_restore_one(const struct device *d, void *arg)
{
	health_arm(arg, d);
	return 0;
}

int
health_restore(struct engine *e)
{
	return store_devices_pending(e->st, health_restore_one, e);
}

/* A label in every language it has, English first. */
static void
health_labels(const char **out, const char *label, char *const *labels)
{
	size_t i;

	out[0] = label;
	for (i = 1; i < I18N_NLANGS; i++)
		out[i] = labels[i];
}

static void
health_button(struct msg_doc *o, const struct conf_category *c,
    const struct conf_branch *b)
{
	const char *l[I18N_NLANGS];

	health_labels(l, c->label, c->labels);
	msg_config_button(o, c->id, conf_category_label(c, b->language), l,
	    c->severity);
}

/* The branch's buttons: its own list, else every category, most severe
 * first (in the order of the file within a severity). */
static void
health_buttons(const struct config *cf, const struct conf_branch *b,
    struct msg_doc *o)
{
	const struct conf_category *c;
	size_t i;
	int sev;

	for (i = 0; i < b->nbuttons; i++)
		if ((c = conf_category(cf, b->buttons[i])) != NULL)
			health_button(o, c, b);
	for (sev = 1; b->buttons == NULL && sev <= 4; sev++)
		for (i = 0; i < cf->ncategories; i++)
			if (cf->categories[i].severity == sev)
				health_button(o, &cf->categories[i], b);
}

/* The library's ids and labels, for the pages to check a responder or a
 * branch against and to name them. */
static char *
health_library(const struct config *cf, const char *webpush_key, int64_t now)
{
	struct msg_doc *o = msg_library_new();
	const struct conf_responder *rp;
	const struct conf_role *r;
	const char *l[I18N_NLANGS];
	size_t i;

	for (i = 0; i < cf->nbranches; i++)
		msg_library_branch(o, cf->branches[i].id, cf->branches[i].name,
		    cf->branches[i].timezone, cf->branches[i].language);
	for (i = 0; i < cf->ncategories; i++) {
		health_labels(l, cf->categories[i].label,
		    cf->categories[i].labels);
		msg_library_category(o, cf->categories[i].id,
		    cf->categories[i].label, l, cf->categories[i].severity);
	}
	for (i = 0; i < cf->nresponders; i++) {
		rp = &cf->responders[i];
		if ((r = conf_role(cf, rp->role)) != NULL)
			health_labels(l, r->label, r->labels);
		else
			health_labels(l, rp->role, (char *[I18N_NLANGS]){ 0 });
		msg_library_responder(o, rp->id, rp->role, l[0], l,
		    rp->language);
	}
	if (webpush_key != NULL)
		msg_library_webpush(o, webpush_key);
	return msg_config_finish(o, now);
}

void
health_config(struct engine *e, int64_t now)
{
	const struct conf_branch *b;
	struct msg_doc *o;
	size_t i;

	for (i = 0; i < e->cf->nbranches; i++) {
		b = &e->cf->branches[i];
		o = msg_config_new(b->id, b->name, b->timezone, b->language);
		health_buttons(e->cf, b, o);
		msg_doc_int(o, "offline_after", e->cf->page_no_answer);
		turn_queue(e, topic_make(e->cf->topic_prefix,
		    TOPIC_CONFIG, b->id, NULL), msg_config_finish(o, now), 1);
	}
	turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_CONFIG,
	    HEALTH_LIBRARY, NULL), health_library(e->cf, e->webpush_key, now),
	    1);
}

/* in->rest is "{branch}/{device}". */
static void
health_device(struct engine *e, const struct input *in, int selftest)
{
	char branch[ID_MAX + 3];
	const char *rest = topic_level(in->rest, branch, sizeof branch);

	/* A branch id too long for ID_MAX + 1 bytes is never one. */
	if (branch[0] == '\0' || strlen(branch) >= ID_MAX + 2 ||
	    rest[0] == '\0')
		return;
	if (selftest)
		health_test(e, in->topic, branch, rest, in->payload, in->len,
		    clock_now());
	else
		health_present(e, in->topic, branch, rest, in->payload,
		    in->len, clock_now());
}

void
health_presence(struct engine *e, const struct input *in)
{
	health_device(e, in, 0);
}

void
health_selftest(struct engine *e, const struct input *in)
{
	health_device(e, in, 1);
}

static int
health_hb_device(const struct device *d, void *arg)
{
	struct heartbeat *hb = arg;

	if (d->online || !d->flagged)
		return 0;
	if (hb->nlisted < HEARTBEAT_LISTED)
		hb->listed[hb->nlisted++] = *d;
	hb->offline++;
	return 0;
}

void
health_heartbeat(struct engine *e, int64_t started)
{
	struct heartbeat *hb = xcalloc(1, sizeof *hb);

	hb->ts = clock_now();
	hb->started = started;
	hb->interval = e->cf->heartbeat;
	hb->open = store_open_count(e->st);
	if (hb->open < 0 ||
	    store_devices(e->st, NULL, health_hb_device, hb) != 0)
		log_warnx("heartbeat: cannot read the database");
	turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_DAEMON,
	    "heartbeat", NULL), msg_heartbeat_encode(hb), 1);
	free(hb);
}

static void
health_timer(int64_t id, int64_t due, void *arg)
{
	struct engine *e = arg;

	turn_deadline(e, e->device_timer, id, due);
	health_offline(e, id, clock_now());
}

void
health_timers(struct engine *e)
{
	e->device_timer = timers_handler(e->sched, "device", health_timer, e);
}
