/* Debrief records and their notices (docs/protocol.md, "Debriefs"). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

/* ---- debriefs ------------------------------------------------------------ */

/* A string field naming one of a fixed set (enum <-> name). */
static int
msg_enum(json_t *o, const char *key, int (*from)(const char *), int *out,
    const char *allowed, char *err, size_t errlen)
{
	char buf[32] = "";
	const struct field f = { key, F_STR, 0, 0, sizeof buf, 0, 0 };
	int v;

	if (msg_field_unpack(o, &f, buf, err, errlen) != 0)
		return -1;
	if (buf[0] == '\0')
		return 0;
	if ((v = from(buf)) < 0) {
		msg_err(err, errlen, "%s: must be %s", key, allowed);
		return -1;
	}
	*out = v;
	return 0;
}

static int
msg_date(json_t *o, const char *key, char *dst, char *err, size_t errlen)
{
	const struct field f = { key, F_STR, 0, 0, DATE_MAX + 2, 0, 0 };
	char buf[DATE_MAX + 2] = "";

	if (msg_field_unpack(o, &f, buf, err, errlen) != 0)
		return -1;
	if (buf[0] != '\0' && !date_valid(buf)) {
		msg_err(err, errlen, "%s: must be a date, YYYY-MM-DD", key);
		return -1;
	}
	memcpy(dst, buf, DATE_MAX + 1);
	dst[DATE_MAX] = '\0';
	return 0;
}


static const struct field wellbeing_fields[] = {
	FTIME("at", struct debrief, wb_at),
	FSTR("facilitator", 0, struct debrief, wb_facilitator),
	FINT("participants", 0, struct debrief, wb_participants, 0, 10000),
	FSTR("support", 0, struct debrief, wb_support),
};

static const struct field review_fields[] = {
	FSTR("route_note", 0, struct debrief, route_note),
	FSTR("went_well", 0, struct debrief, went_well),
	FSTR("to_improve", 0, struct debrief, to_improve),
	FSTR("training", 0, struct debrief, training),
};

static const struct field referral_fields[] = {
	FSTR("type", 1, struct debrief_referral, type),
	FINT("count", 0, struct debrief_referral, count, 1, 10000),
};

static const struct field action_fields[] = {
	FSTR("what", 1, struct debrief_action, what),
	FSTR("owner", 0, struct debrief_action, owner),
};

static int
msg_wellbeing(json_t *w, struct debrief *d, char *err, size_t errlen)
{
	if (msg_enum(w, "status", wellbeing_from_name, &d->wb,
	    "offered, held, declined or not_offered", err, errlen) != 0 ||
	    msg_fields_unpack(w, wellbeing_fields, NFIELDS(wellbeing_fields), d,
	    err, errlen) != 0 ||
	    msg_date(w, "follow_up", d->wb_follow_up, err, errlen) != 0)
		return -1;
	return 0;
}

static int
msg_notices(json_t *r, struct debrief *d, char *err, size_t errlen)
{
	json_t *a, *v;
	size_t i;

	if (msg_array(r, "notices", DEBRIEF_LIST_MAX, &a, err, errlen) != 0)
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || !id_valid(json_string_value(v))) {
			msg_err(err, errlen, "notices[%zu]: must be a notice "
			    "type id", i);
			return -1;
		}
		strlcpy_utf8(d->notices[i], json_string_value(v),
		    sizeof d->notices[i]);
		d->nnotices = i + 1;
	}
	return 0;
}

static int
msg_actions(json_t *r, struct debrief *d, char *err, size_t errlen)
{
	json_t *a = json_object_get(r, "actions");
	size_t i;

	if (msg_objects(r, "actions", action_fields, NFIELDS(action_fields),
	    d->actions, sizeof d->actions[0], &d->nactions, err, errlen) != 0)
		return -1;
	for (i = 0; i < d->nactions; i++) {
		json_t *v = json_array_get(a, i);
		char sub[DETAIL_MAX];

		d->actions[i].status = AS_OPEN;
		if (msg_date(v, "due", d->actions[i].due, sub,
		    sizeof sub) != 0 ||
		    msg_enum(v, "status", action_status_from_name,
		    &d->actions[i].status, "open, done or dropped", sub,
		    sizeof sub) != 0) {
			msg_err(err, errlen, "actions[%zu].%s", i, sub);
			return -1;
		}
	}
	return 0;
}

static int
msg_review(json_t *r, struct debrief *d, char *err, size_t errlen)
{
	size_t i;

	if (msg_enum(r, "route", route_from_name, &d->route,
	    "right or wrong", err, errlen) != 0 ||
	    msg_fields_unpack(r, review_fields, NFIELDS(review_fields), d, err,
	    errlen) != 0 || msg_notices(r, d, err, errlen) != 0 ||
	    msg_objects(r, "referrals", referral_fields,
	    NFIELDS(referral_fields), d->referrals, sizeof d->referrals[0],
	    &d->nreferrals, err, errlen) != 0 ||
	    msg_actions(r, d, err, errlen) != 0)
		return -1;
	for (i = 0; i < d->nreferrals; i++) {
		if (d->referrals[i].count == 0)
			d->referrals[i].count = 1;
		if (!id_valid(d->referrals[i].type)) {
			msg_err(err, errlen, "referrals[%zu].type: must be "
			    "a referral type id", i);
			return -1;
		}
	}
	return 0;
}

static const struct field debrief_meta[] = {
	FINT("incident", 0, struct debrief, incident, 0, 0),
	FINT("revision", 0, struct debrief, revision, 0, 0),
	FSTR("author", 0, struct debrief, author),
	FTIME("ts", struct debrief, ts),
};

/* One part of the record: an error inside it names the part, as in
 * "wellbeing.status: must be ...". */
static int
msg_debrief_part(json_t *o, const char *key,
    int (*fn)(json_t *, struct debrief *, char *, size_t), struct debrief *d,
    char *err, size_t errlen)
{
	json_t *p = json_object_get(o, key);
	char sub[DETAIL_MAX];

	if (p == NULL || json_is_null(p))
		return 0;
	if (!json_is_object(p)) {
		msg_err(err, errlen, "%s: must be an object", key);
		return -1;
	}
	if (fn(p, d, sub, sizeof sub) != 0) {
		msg_err(err, errlen, "%s.%s", key, sub);
		return -1;
	}
	return 0;
}

int
msg_debrief_json(json_t *o, struct debrief *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	if (!json_is_object(o)) {
		msg_err(err, errlen, "debrief: must be an object");
		return -1;
	}
	if (msg_fields_unpack(o, debrief_meta, NFIELDS(debrief_meta), d, err,
	    errlen) != 0 ||
	    msg_debrief_part(o, "wellbeing", msg_wellbeing, d, err,
	    errlen) != 0 ||
	    msg_debrief_part(o, "review", msg_review, d, err, errlen) != 0)
		return -1;
	return 0;
}

int
msg_debrief_decode(const void *payload, size_t len, struct debrief *d,
    char *err, size_t errlen)
{
	json_t *root;
	int rc;

	memset(d, 0, sizeof *d);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	rc = msg_debrief_json(root, d, err, errlen) == 0 ? MSG_OK : MSG_BAD;
	json_decref(root);
	return rc;
}

static json_t *
msg_debrief_wellbeing(const struct debrief *d)
{
	json_t *w = json_object();

	msg_set_str(w, "status", wellbeing_name(d->wb));
	if (d->wb_at > 0)
		msg_set_time(w, "at", d->wb_at);
	msg_set_str(w, "facilitator", d->wb_facilitator);
	if (d->wb_participants > 0)
		json_object_set_new(w, "participants",
		    json_integer(d->wb_participants));
	msg_set_str(w, "follow_up", d->wb_follow_up);
	msg_set_str(w, "support", d->wb_support);
	return w;
}

static json_t *
msg_debrief_review(const struct debrief *d)
{
	json_t *r = json_object(), *a;
	size_t i;

	msg_set_str(r, "route", route_name(d->route));
	msg_set_str(r, "route_note", d->route_note);
	msg_set_str(r, "went_well", d->went_well);
	msg_set_str(r, "to_improve", d->to_improve);
	msg_set_str(r, "training", d->training);
	a = json_array();
	for (i = 0; i < d->nnotices; i++)
		json_array_append_new(a, json_string(d->notices[i]));
	json_object_set_new(r, "notices", a);
	a = json_array();
	for (i = 0; i < d->nreferrals; i++)
		json_array_append_new(a, json_pack("{s:s, s:i}", "type",
		    d->referrals[i].type, "count", d->referrals[i].count));
	json_object_set_new(r, "referrals", a);
	a = json_array();
	for (i = 0; i < d->nactions; i++) {
		const struct debrief_action *x = &d->actions[i];
		json_t *o = json_pack("{s:s, s:s}", "what", x->what, "status",
		    action_status_name(x->status));

		msg_set_str(o, "owner", x->owner);
		msg_set_str(o, "due", x->due);
		json_array_append_new(a, o);
	}
	json_object_set_new(r, "actions", a);
	return r;
}

json_t *
msg_debrief_object(const struct debrief *d)
{
	json_t *o = json_pack("{s:I}", "incident", (json_int_t)d->incident);

	if (o == NULL)
		fatalx("msg: cannot build debrief");
	if (d->revision > 0)
		json_object_set_new(o, "revision", json_integer(d->revision));
	msg_set_str(o, "author", d->author);
	if (d->ts > 0)
		msg_set_time(o, "ts", d->ts);
	json_object_set_new(o, "wellbeing", msg_debrief_wellbeing(d));
	json_object_set_new(o, "review", msg_debrief_review(d));
	return o;
}

char *
msg_debrief_encode(const struct debrief *d)
{
	return msg_dump(msg_debrief_object(d));
}

/* Append name to buf (", "-separated) when the parts differ. */
static void
msg_diff_one(char *buf, size_t len, const char *name, int differs)
{
	size_t n = strlen(buf);

	if (!differs || n + 1 >= len)
		return;
	snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", name);
}

#define DIFF_FIELD(buf, len, a, b, name, m)                                    \
	msg_diff_one(buf, len, name, memcmp(&(a)->m, &(b)->m, sizeof (a)->m))
#define DIFF_STR(buf, len, a, b, name, m)                                      \
	msg_diff_one(buf, len, name, strcmp((a)->m, (b)->m) != 0)

void
msg_debrief_diff(const struct debrief *a, const struct debrief *b, char *buf,
    size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	DIFF_FIELD(buf, len, a, b, "wellbeing.status", wb);
	DIFF_FIELD(buf, len, a, b, "wellbeing.at", wb_at);
	DIFF_STR(buf, len, a, b, "wellbeing.facilitator", wb_facilitator);
	DIFF_FIELD(buf, len, a, b, "wellbeing.participants", wb_participants);
	DIFF_STR(buf, len, a, b, "wellbeing.follow_up", wb_follow_up);
	DIFF_STR(buf, len, a, b, "wellbeing.support", wb_support);
	DIFF_FIELD(buf, len, a, b, "review.route", route);
	DIFF_STR(buf, len, a, b, "review.route_note", route_note);
	DIFF_STR(buf, len, a, b, "review.went_well", went_well);
	DIFF_STR(buf, len, a, b, "review.to_improve", to_improve);
	DIFF_STR(buf, len, a, b, "review.training", training);
	msg_diff_one(buf, len, "review.notices", a->nnotices != b->nnotices ||
	    memcmp(a->notices, b->notices, sizeof a->notices) != 0);
	msg_diff_one(buf, len, "review.referrals",
	    a->nreferrals != b->nreferrals ||
	    memcmp(a->referrals, b->referrals, sizeof a->referrals) != 0);
	msg_diff_one(buf, len, "review.actions", a->nactions != b->nactions ||
	    memcmp(a->actions, b->actions, sizeof a->actions) != 0);
}

/* ---- debrief notices ------------------------------------------------- */

char *
msg_debrief_notice_encode(const struct incident *inc, const char *kind,
    const char *label, int64_t due, const char *message, const char *lang,
    int64_t ts)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:b, s:s}", "kind",
	    kind, "incident", (json_int_t)inc->id, "report", inc->r.id,
	    "branch", inc->branch, "type", inc->r.type, "drill", inc->r.drill,
	    "message", message);

	if (o == NULL)
		fatalx("msg: cannot build debrief notice");
	msg_set_str(o, "label", label);
	msg_set_lang(o, lang);
	msg_set_time(o, "due", due);
	msg_set_time(o, "ts", ts);
	return msg_dump(o);
}
