/*
 * A notification as a push service's JSON publish request, in ntfy's
 * format (docs/configuration.md, "push"): the push is read by a person
 * on a phone, so its title and message are sentences, not fields.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

static const struct field push_fields[] = {
	FINT("incident", 0, struct push_note, incident, 0, 0),
	FSTR("kind", 0, struct push_note, kind),
	FSTR("branch", 0, struct push_note, branch),
	FSTR("type", 0, struct push_note, type),
	FSTR("label", 0, struct push_note, label),
	FSTR("device", 0, struct push_note, device),
	FINT("severity", 0, struct push_note, severity, 0, 0),
	FSTR("location", 0, struct push_note, location),
	FSTR("note", 0, struct push_note, note),
	FSTR("message", 0, struct push_note, message),
	FINT("step", 0, struct push_note, step, 0, 0),
	FINT("repeat", 0, struct push_note, repeat, 0, 0),
	FBOOL("drill", struct push_note, drill),
	FBOOL("silent", struct push_note, silent),
	FBOOL("call_911", struct push_note, call_911),
	FBOOL("would_call_911", struct push_note, would_call_911),
	FSTR("lang", 0, struct push_note, lang),
};

int
msg_push_decode(const void *payload, size_t len, struct push_note *pn,
    char *err, size_t errlen)
{
	json_t *root;
	int rc = MSG_BAD;

	memset(pn, 0, sizeof *pn);
	pn->step = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (msg_fields_unpack(root, push_fields, NFIELDS(push_fields), pn, err,
	    errlen) == 0)
		rc = MSG_OK;
	pn->nlocations = msg_list_unpack(json_object_get(root, "locations"),
	    pn->locations[0], sizeof pn->locations[0]);
	pn->nnotes = msg_list_unpack(json_object_get(root, "notes"),
	    pn->notes[0], sizeof pn->notes[0]);
	pn->nrelated = msg_ids_unpack(json_object_get(root, "related"),
	    pn->related);
	json_decref(root);
	if (pn->kind[0] == '\0')
		strlcpy_utf8(pn->kind, "incident", sizeof pn->kind);
	return rc;
}

/* What each kind of notice is called and how urgent it is; a priority
 * of 0 follows the severity. Unknown kinds are pushed as plain notices. */
static const struct {
	const char *kind;
	const char *title;
	int priority;
	const char *tag;
} push_kinds[] = {
	{ "incident", NULL, 0, NULL },
	{ "debrief_due", N_("Debrief due"), 3, "clipboard" },
	{ "debrief_reminder", N_("Debrief reminder"), 3, "clipboard" },
	{ "debrief_overdue", N_("Debrief overdue"), 4, "clipboard" },
	{ "device_offline", N_("Device offline"), 4, "electric_plug" },
	{ "device_back", N_("Device back online"), 2, "white_check_mark" },
	{ "stand_down", N_("Stand down"), 3, "white_check_mark" },
};

/* ntfy tags that are emoji short codes, by severity. */
static const char *const push_severity_tags[] = { "bell", "rotating_light",
	"warning", "bell", "memo" };

static int
push_kind(const char *kind)
{
	size_t i;

	for (i = 0; i < NFIELDS(push_kinds); i++)
		if (strcmp(push_kinds[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

int
msg_push_priority(const struct push_note *pn)
{
	int k = push_kind(pn->kind);

	if (k >= 0 && push_kinds[k].priority > 0)
		return push_kinds[k].priority;
	if (pn->severity >= 1 && pn->severity <= 4)
		return 6 - pn->severity;
	return 3;
}

/* The push's language: the notification's "lang" (NULL: English). */
const char *
msg_push_lang(const struct push_note *pn)
{
	return pn->lang[0] != '\0' ? pn->lang : NULL;
}

void
msg_push_title(const struct push_note *pn, const char *place, char *buf,
    size_t len)
{
	const char *lang = msg_push_lang(pn);
	int k = push_kind(pn->kind), off;
	const char *prefix = k >= 0 ? push_kinds[k].title : NULL;
	const char *what = pn->label[0] ? pn->label : pn->device[0] ?
	    pn->device : pn->type[0] ? pn->type : pn->kind;

	off = snprintf(buf, len, "%s%s%s", pn->drill ? T_(lang, "DRILL: ") :
	    "", prefix ? T_(lang, prefix) : "", prefix ? ": " : "");
	if (off < 0 || (size_t)off >= len)
		return;
	if (place[0] != '\0')
		snprintf(buf + off, len - (size_t)off, T_(lang, "%s at %s"),
		    what, place);
	else
		snprintf(buf + off, len - (size_t)off, "%s", what);
}

/* Append one line to buf (of size len, used up to *off). */
static void
push_line(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
push_line(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	if (*off > 0)
		buf[(*off)++] = '\n';
	buf[*off] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

/* After the first location and note: those that presses joined to the
 * incident added, and the incidents it may be related to. */
static void
push_more(const struct push_note *pn, char *buf, size_t len, size_t *off)
{
	const char *lang = msg_push_lang(pn);
	int i;

	for (i = 1; i < pn->nlocations; i++)
		push_line(buf, len, off, T_(lang, "Also at: %s"),
		    pn->locations[i]);
	for (i = 1; i < pn->nnotes; i++)
		push_line(buf, len, off, T_(lang, "Note: %s"), pn->notes[i]);
	for (i = 0; i < pn->nrelated; i++)
		push_line(buf, len, off, T_(lang, "May be related to incident "
		    "%lld: the same category, reported from another place."),
		    (long long)pn->related[i]);
}

/* The body: what the responder must know first comes first. */
void
msg_push_body(const struct push_note *pn, char *buf, size_t len)
{
	const char *lang = msg_push_lang(pn);
	size_t off = 0;

	buf[0] = '\0';
	if (pn->drill)
		push_line(buf, len, &off, "%s", T_(lang, "DRILL: this is an "
		    "exercise."));
	if (pn->call_911 && !pn->drill)
		push_line(buf, len, &off, "%s", T_(lang, "Threat to life: "
		    "branch staff have been told to CALL 911."));
	else if (pn->call_911 || pn->would_call_911)
		push_line(buf, len, &off, "%s", T_(lang, "DRILL: in a real "
		    "event branch staff would be told to call 911 now."));
	if (pn->silent)
		push_line(buf, len, &off, "%s", T_(lang, MSG_SILENT_ADVICE));
	if (pn->message[0])
		push_line(buf, len, &off, "%s", pn->message);
	if (pn->location[0])
		push_line(buf, len, &off, T_(lang, "Where: %s"), pn->location);
	if (pn->note[0])
		push_line(buf, len, &off, T_(lang, "Note: %s"), pn->note);
	push_more(pn, buf, len, &off);
	if (pn->repeat > 0)
		push_line(buf, len, &off, T_(lang, "Reminder %d: nobody has "
		    "acknowledged yet."), pn->repeat);
	else if (pn->step > 0)
		push_line(buf, len, &off, T_(lang, "Escalated to step %lld: "
		    "nobody acknowledged in time."), (long long)pn->step + 1);
	if (pn->incident > 0 && pn->severity > 0)
		push_line(buf, len, &off, T_(lang, "Incident %lld, severity "
		    "%d."), (long long)pn->incident, pn->severity);
	else if (pn->incident > 0)
		push_line(buf, len, &off, T_(lang, "Incident %lld."),
		    (long long)pn->incident);
}

static json_t *
push_tags(const struct push_note *pn)
{
	json_t *tags = json_array();
	int k = push_kind(pn->kind);
	const char *tag = k >= 0 && push_kinds[k].tag ? push_kinds[k].tag :
	    push_severity_tags[pn->severity >= 1 && pn->severity <= 4 ?
	    pn->severity : 0];

	json_array_append_new(tags, json_string(tag));
	if (pn->drill)
		json_array_append_new(tags, json_string("drill"));
	if (pn->silent)
		json_array_append_new(tags, json_string("silent"));
	return tags;
}

int
msg_push_asks(const struct push_note *pn)
{
	return pn->incident > 0 && strcmp(pn->kind, "incident") == 0;
}

/* ntfy's actions: open the app, and the two answers as POSTs that clear
 * the notification. */
static json_t *
push_actions(const struct push_note *pn, const struct push_links *l)
{
	json_t *a = json_array();

	if (l->ack != NULL && msg_push_asks(pn))
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:b}",
		    "action", "http", "label", T_(msg_push_lang(pn),
		    "Acknowledge"), "url", l->ack,
		    "method", "POST", "clear", 1));
	if (l->decline != NULL && msg_push_asks(pn))
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:b}",
		    "action", "http", "label", T_(msg_push_lang(pn), "Decline"),
		    "url", l->decline,
		    "method", "POST", "clear", 1));
	if (l->click != NULL)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "action",
		    "view", "label", T_(msg_push_lang(pn), "Open"), "url",
		    l->click));
	return a;
}

char *
msg_push_encode(const struct push_note *pn, const char *topic,
    const char *place, const struct push_links *l)
{
	char title[DETAIL_MAX + 1], body[2048];
	json_t *o;

	msg_push_title(pn, place ? place : pn->branch, title, sizeof title);
	msg_push_body(pn, body, sizeof body);
	o = json_pack("{s:s, s:s, s:s, s:i, s:o}", "topic", topic, "title",
	    title, "message", body[0] ? body : title, "priority",
	    msg_push_priority(pn), "tags", push_tags(pn));
	if (o == NULL)
		fatalx("msg: cannot build push");
	if (l != NULL && l->click != NULL)
		json_object_set_new(o, "click", json_string(l->click));
	if (l != NULL && (l->click != NULL || l->ack != NULL))
		json_object_set_new(o, "actions", push_actions(pn, l));
	return msg_dump(o);
}
