/* beacon/query: supervisor requests and their replies. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

/* ---- supervisor requests --------------------------------------------- */

static const char *const query_names[Q_COUNT] = {
	[Q_INCIDENTS] = "incidents",
	[Q_TIMELINE] = "timeline",
	[Q_DEBRIEF] = "debrief",
	[Q_RECORD] = "record",
	[Q_HOLD] = "hold",
	[Q_CORRECT] = "correct",
	[Q_PURGE] = "purge",
	[Q_MODE] = "branch_mode",
};

const char *
msg_query_method_name(int m)
{
	return m >= 0 && m < Q_COUNT ? query_names[m] : NULL;
}

static int
msg_query_method_from_name(const char *s)
{
	int i;

	for (i = 0; i < Q_COUNT; i++)
		if (strcmp(query_names[i], s) == 0)
			return i;
	return -1;
}

static const struct field query_fields[] = {
	FINT("incident", 0, struct query, incident, 1, 2147483647),
	FINT("event", 0, struct query, event, 1, 2147483647),
	FBOOL("all", struct query, all),
	FBOOL("hold", struct query, hold),
	FBOOL("dry_run", struct query, dry_run),
	FSTR("note", 0, struct query, note),
	FTIME("since", struct query, since),
	FTIME("until", struct query, until),
	FSTR("branch", 0, struct query, branch),
	FSTR("type", 0, struct query, type),
	FSTR("responder", 0, struct query, responder),
	FINT("severity", 0, struct query, severity, 1, 4),
	FBOOL("open", struct query, open),
	FINT("limit", 0, struct query, limit, 1, 1000000),
	FSTR("mode", 0, struct query, mode),
	FBOOL("stop", struct query, stop),
};

/* branch_mode: a branch, a mode, and an end (until) or stop. */
static int
msg_mode_check(const struct query *q, char *err, size_t errlen)
{
	if (q->branch[0] == '\0')
		msg_err(err, errlen, "branch: required");
	else if (strcmp(q->mode, "drill") != 0 && strcmp(q->mode, "pause") != 0)
		msg_err(err, errlen, "mode: must be drill or pause");
	else if (!q->stop && q->until <= 0)
		msg_err(err, errlen, "until: required (or stop: true)");
	else if (q->stop && q->until > 0)
		msg_err(err, errlen, "until: not with stop");
	else
		return 0;
	return -1;
}

/* The methods that need an incident. */
static int
query_needs_incident(int m)
{
	return m == Q_TIMELINE || m == Q_DEBRIEF || m == Q_RECORD ||
	    m == Q_HOLD || m == Q_CORRECT;
}

static int
msg_query_fields(json_t *root, struct query *q, char *err, size_t errlen)
{
	json_t *v;

	if (msg_fields_unpack(root, query_fields, NFIELDS(query_fields), q, err,
	    errlen) != 0)
		return -1;
	if ((v = json_object_get(root, "drill")) != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			msg_err(err, errlen, "drill: must be true or false");
			return -1;
		}
		q->drill = json_is_true(v);
	}
	if ((v = json_object_get(root, "state")) != NULL && !json_is_null(v) &&
	    msg_state(root, &q->state, err, errlen) != 0)
		return -1;
	v = json_object_get(root, "outcome");
	if (v != NULL && !json_is_null(v) && (!json_is_string(v) ||
	    (q->outcome = outcome_from_name(json_string_value(v))) < 0)) {
		q->outcome = OUTCOME_UNKNOWN;
		msg_err(err, errlen, "outcome: must be real, cancelled, "
		    "false_alarm, drill or test");
		return -1;
	}
	if (query_needs_incident(q->method) && q->incident == 0) {
		msg_err(err, errlen, "incident: required");
		return -1;
	}
	if (q->method == Q_MODE && msg_mode_check(q, err, errlen) != 0)
		return -1;
	if (q->method == Q_CORRECT && (q->event == 0 || q->note[0] == '\0')) {
		msg_err(err, errlen, "%s: required",
		    q->event == 0 ? "event" : "note");
		return -1;
	}
	return 0;
}

int
msg_query_decode(const void *payload, size_t len, struct query *q,
    char *err, size_t errlen)
{
	char method[16] = "";
	const struct field mf = { "method", F_STR, 1, 0, sizeof method, 0, 0 };
	json_t *root, *d;
	int rc = MSG_BAD;

	memset(q, 0, sizeof *q);
	q->state = q->drill = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (msg_field_unpack(root, &mf, method, err, errlen) != 0)
		goto out;
	if ((q->method = msg_query_method_from_name(method)) < 0) {
		msg_err(err, errlen, "method: must be incidents, timeline, "
		    "debrief, record, hold, correct, purge or branch_mode");
		goto out;
	}
	if (msg_query_fields(root, q, err, errlen) != 0)
		goto out;
	if (q->method == Q_RECORD) {
		char sub[DETAIL_MAX];

		if ((d = json_object_get(root, "debrief")) == NULL) {
			msg_err(err, errlen, "debrief: required");
			goto out;
		}
		if (msg_debrief_json(d, &q->debrief, sub, sizeof sub) != 0) {
			msg_err(err, errlen, "debrief.%s", sub);
			goto out;
		}
		q->debrief.incident = q->incident;
	}
	rc = MSG_OK;
out:
	json_decref(root);
	return rc;
}

char *
msg_query_encode(const struct query *q)
{
	json_t *o = json_pack("{s:s}", "method",
	    msg_query_method_name(q->method));

	if (o == NULL)
		fatalx("msg: cannot build query");
	if (q->incident > 0)
		json_object_set_new(o, "incident", json_integer(q->incident));
	if (q->event > 0)
		json_object_set_new(o, "event", json_integer(q->event));
	if (q->all)
		json_object_set_new(o, "all", json_true());
	if (q->method == Q_HOLD)
		json_object_set_new(o, "hold", json_boolean(q->hold));
	if (q->dry_run)
		json_object_set_new(o, "dry_run", json_true());
	msg_set_str(o, "note", q->note);
	if (q->since > 0)
		msg_set_time(o, "since", q->since);
	if (q->until > 0)
		msg_set_time(o, "until", q->until);
	msg_set_str(o, "branch", q->branch);
	msg_set_str(o, "type", q->type);
	msg_set_str(o, "responder", q->responder);
	if (q->severity > 0)
		json_object_set_new(o, "severity", json_integer(q->severity));
	if (q->state >= 0)
		msg_set_str(o, "state", state_name(q->state));
	if (q->open)
		json_object_set_new(o, "open", json_true());
	if (q->drill >= 0)
		json_object_set_new(o, "drill", json_boolean(q->drill));
	if (outcome_name(q->outcome) != NULL)
		msg_set_str(o, "outcome", outcome_name(q->outcome));
	if (q->limit > 0)
		json_object_set_new(o, "limit", json_integer(q->limit));
	msg_set_str(o, "mode", q->mode);
	if (q->stop)
		json_object_set_new(o, "stop", json_true());
	if (q->method == Q_RECORD)
		json_object_set_new(o, "debrief",
		    msg_debrief_object(&q->debrief));
	return msg_dump(o);
}

/* ---- replies ----------------------------------------------------------- */

struct msg_reply {
	json_t *root;
};

struct msg_reply *
msg_reply_new(int method)
{
	struct msg_reply *r = xcalloc(1, sizeof *r);

	r->root = json_pack("{s:b, s:s}", "ok", 1, "method",
	    msg_query_method_name(method) ? msg_query_method_name(method) : "");
	if (r->root == NULL)
		fatalx("msg: cannot build reply");
	return r;
}

static json_t *
msg_item(char *item)
{
	json_error_t jerr;
	json_t *v;

	if ((v = json_loads(item, 0, &jerr)) == NULL)
		fatalx("msg: reply item is not JSON: %s", jerr.text);
	free(item);
	return v;
}

void
msg_reply_add(struct msg_reply *r, const char *key, char *item)
{
	json_t *a = json_object_get(r->root, key);

	if (a == NULL) {
		a = json_array();
		json_object_set_new(r->root, key, a);
	}
	if (item != NULL)
		json_array_append_new(a, msg_item(item));
}

void
msg_reply_set_json(struct msg_reply *r, const char *key, char *item)
{
	json_object_set_new(r->root, key, msg_item(item));
}

void
msg_reply_set_int(struct msg_reply *r, const char *key, int64_t v)
{
	json_object_set_new(r->root, key, json_integer(v));
}

void
msg_reply_set_str(struct msg_reply *r, const char *key, const char *v)
{
	json_object_set_new(r->root, key, json_string(v));
}

void
msg_reply_set_bool(struct msg_reply *r, const char *key, int v)
{
	json_object_set_new(r->root, key, json_boolean(v));
}

void
msg_reply_set_time(struct msg_reply *r, const char *key, int64_t ms)
{
	msg_set_time(r->root, key, ms);
}

char *
msg_reply_finish(struct msg_reply *r, const char *error)
{
	json_t *root = r->root;

	if (error != NULL) {
		json_t *m = json_incref(json_object_get(root, "method"));

		json_decref(root);
		root = json_pack("{s:b, s:o, s:s}", "ok", 0, "method", m,
		    "error", error);
	}
	free(r);
	return msg_dump(root);
}

/* Replies may be far larger than a report: no PAYLOAD_MAX here. */
static json_t *
msg_load_reply(const void *payload, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(payload, len, 0, &jerr);

	if (root == NULL || !json_is_object(root) ||
	    !json_is_boolean(json_object_get(root, "ok"))) {
		msg_err(err, errlen, "not a reply from beacond");
		json_decref(root);
		return NULL;
	}
	return root;
}

int
msg_reply_decode(const void *payload, size_t len, const char *key,
    msg_item_cb cb, void *arg, char *err, size_t errlen)
{
	json_t *root, *a, *v;
	size_t i;
	char *s;
	int rc = MSG_OK;

	if ((root = msg_load_reply(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (!json_is_true(json_object_get(root, "ok"))) {
		v = json_object_get(root, "error");
		msg_err(err, errlen, "%s", json_is_string(v) ?
		    json_string_value(v) : "refused");
		json_decref(root);
		return MSG_BAD;
	}
	a = key != NULL ? json_object_get(root, key) : NULL;
	if (json_is_object(a) && cb != NULL) {
		s = msg_dump(json_incref(a));
		rc = cb(s, strlen(s), arg) != 0 ? MSG_BAD : MSG_OK;
		free(s);
	}
	json_array_foreach(json_is_array(a) ? a : NULL, i, v) {
		if (cb == NULL)
			break;
		/* Every item is an object; json_dumps cannot encode the
		 * rest, and a bad reply must not be fatal. */
		if (!json_is_object(v)) {
			msg_err(err, errlen, "%s[%zu]: must be an object", key,
			    i);
			rc = MSG_BAD;
			break;
		}
		s = msg_dump(json_incref(v));
		if (cb(s, strlen(s), arg) != 0)
			rc = MSG_BAD;
		free(s);
		if (rc != MSG_OK)
			break;
	}
	json_decref(root);
	return rc;
}

int64_t
msg_reply_int(const void *payload, size_t len, const char *key)
{
	json_t *root = msg_load_reply(payload, len, NULL, 0), *v;
	int64_t n = -1;

	if (root == NULL)
		return -1;
	if (json_is_integer(v = json_object_get(root, key)))
		n = json_integer_value(v);
	json_decref(root);
	return n;
}

char *
msg_reply_str(const void *payload, size_t len, const char *key)
{
	json_t *root = msg_load_reply(payload, len, NULL, 0), *v;
	char *s = NULL;

	if (root == NULL)
		return NULL;
	if (json_is_string(v = json_object_get(root, key)))
		s = xstrdup(json_string_value(v));
	json_decref(root);
	return s;
}

/* ---- answers in parts ---------------------------------------------------- */

int
msg_request_chunk(const void *payload, size_t len, size_t *chunk, char *err,
    size_t errlen)
{
	json_t *root = json_loadb(payload, len, 0, NULL), *v;
	int rc = 0;

	*chunk = 0;
	if (root == NULL || !json_is_object(root) ||
	    (v = json_object_get(root, "chunk")) == NULL || json_is_null(v))
		goto out;
	if (!json_is_integer(v) || json_integer_value(v) < MSG_CHUNK_MIN ||
	    json_integer_value(v) > MSG_CHUNK_MAX) {
		msg_err(err, errlen, "chunk: must be a number of bytes from "
		    "%d to %d", MSG_CHUNK_MIN, MSG_CHUNK_MAX);
		rc = -1;
	} else
		*chunk = (size_t)json_integer_value(v);
out:
	json_decref(root);
	return rc;
}

/* The answer's longest array: the one shared out among the parts. */
static const char *
msg_split_key(json_t *root)
{
	const char *key, *best = NULL;
	size_t most = 0;
	json_t *v;

	json_object_foreach(root, key, v)
		if (json_is_array(v) && json_array_size(v) > most) {
			most = json_array_size(v);
			best = key;
		}
	return best;
}

static size_t
msg_json_size(json_t *v)
{
	return json_dumpb(v, NULL, 0, JSON_COMPACT);
}

struct msg_split {
	json_t *base;		/* the answer without its array */
	char *key;
	json_t *items;
	json_t **parts;		/* dumped once they are all counted */
	size_t nparts;
};

/* Part n of the answer: base, items [from, to), "part" and "split". */
static void
msg_split_part(struct msg_split *s, size_t from, size_t to)
{
	json_t *o = json_copy(s->base), *a = json_array();
	size_t i;

	if (o == NULL || a == NULL)
		fatalx("msg: cannot split an answer");
	for (i = from; i < to; i++)
		json_array_append(a, json_array_get(s->items, i));
	json_object_set_new(o, s->key, a);
	json_object_set_new(o, "part", json_integer((json_int_t)s->nparts + 1));
	json_object_set_new(o, "split", json_string(s->key));
	s->parts = xreallocarray(s->parts, s->nparts + 1, sizeof *s->parts);
	s->parts[s->nparts++] = o;
}

/* Each part with "parts", as text. */
static char **
msg_split_dump(struct msg_split *s)
{
	char **out = xcalloc(s->nparts, sizeof *out);
	size_t i;

	for (i = 0; i < s->nparts; i++) {
		json_object_set_new(s->parts[i], "parts",
		    json_integer((json_int_t)s->nparts));
		out[i] = msg_dump(s->parts[i]);
	}
	free(s->parts);
	return out;
}

size_t
msg_reply_split(char *answer, size_t chunk, char ***parts)
{
	struct msg_split s = { NULL, NULL, NULL, NULL, 0 };
	const char *key;
	json_t *root;
	size_t i, from = 0, used, room, size;

	root = strlen(answer) > chunk ? json_loads(answer, 0, NULL) : NULL;
	if ((key = root != NULL ? msg_split_key(root) : NULL) == NULL) {
		json_decref(root);
		*parts = xcalloc(1, sizeof **parts);
		(*parts)[0] = answer;
		return 1;
	}
	free(answer);
	s.key = xstrdup(key);
	s.items = json_incref(json_object_get(root, s.key));
	json_object_del(root, s.key);
	s.base = root;
	/* Room for the items in each part, past the rest and "part"s. */
	size = msg_json_size(root) + 2 * strlen(s.key) + 64;
	room = chunk > size ? chunk - size : 1;
	for (i = 0, used = 0; i < json_array_size(s.items); i++) {
		size = msg_json_size(json_array_get(s.items, i)) + 1;
		if (i > from && used + size > room) {
			msg_split_part(&s, from, i);
			from = i;
			used = 0;
		}
		used += size;
	}
	msg_split_part(&s, from, i);
	*parts = msg_split_dump(&s);
	json_decref(s.items);
	json_decref(root);
	free(s.key);
	return s.nparts;
}
