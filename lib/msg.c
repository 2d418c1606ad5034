/*
 * The protocol's JSON payloads (docs/protocol.md): the plumbing every
 * msg_*.c file shares (loading, dumping, field tables, a member-at-a-time
 * builder). The msg files are the only ones that use jansson.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

void
msg_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Parse a payload into an object; NULL with err set when it is not one. */
json_t *
msg_load(const void *payload, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;

	if (len > PAYLOAD_MAX) {
		msg_err(err, errlen, "payload too large: %zu bytes (limit %d)",
		    len, PAYLOAD_MAX);
		return NULL;
	}
	if (len == 0) {
		msg_err(err, errlen, "empty payload");
		return NULL;
	}
	root = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		msg_err(err, errlen, "not valid JSON: %s (line %d, column %d)",
		    jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		msg_err(err, errlen, "payload must be a JSON object");
		return NULL;
	}
	return root;
}

char *
msg_dump(json_t *root)
{
	char *s, *out;

	if (root == NULL)
		fatalx("msg: cannot build JSON");
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (s == NULL)
		fatalx("msg: cannot encode JSON");
	out = xstrdup(s);
	free(s);
	return out;
}

static const char *
ftype_name(enum ftype t)
{
	static const char *const names[] = { "a string", "an integer",
		"true or false", "an RFC 3339 time" };
	return names[t];
}

int
msg_field_unpack(json_t *root, const struct field *f, void *dst, char *err,
    size_t errlen)
{
	static const char *const fmts[] = { "{s:s}", "{s:I}", "{s:b}",
	    "{s:s}" };
	json_error_t jerr;
	const char *s = NULL;
	json_int_t i = 0;
	int b = 0;
	char *p = (char *)dst + f->off;
	void *out = f->type == F_INT ? (void *)&i
	    : f->type == F_BOOL ? (void *)&b : (void *)&s;

	if (json_object_get(root, f->key) == NULL ||
	    json_is_null(json_object_get(root, f->key))) {
		if (!f->required)
			return 0;
		msg_err(err, errlen, "%s: required", f->key);
		return -1;
	}
	if (json_unpack_ex(root, &jerr, 0, fmts[f->type], f->key, out) != 0) {
		msg_err(err, errlen, "%s: must be %s", f->key,
		    ftype_name(f->type));
		return -1;
	}
	switch (f->type) {
	case F_STR:
		strlcpy_utf8(p, s, f->size);
		break;
	case F_INT:
		if (f->max > f->min && (i < f->min || i > f->max)) {
			msg_err(err, errlen, "%s: must be %d to %d", f->key,
			    f->min, f->max);
			return -1;
		}
		if (f->size == sizeof(int64_t))
			*(int64_t *)p = i;
		else
			*(int *)p = (int)i;
		break;
	case F_BOOL:
		*(int *)p = b;
		break;
	case F_TIME:
		if ((*(int64_t *)p = clock_parse(s)) < 0) {
			msg_err(err, errlen, "%s: must be %s", f->key,
			    ftype_name(f->type));
			return -1;
		}
		break;
	}
	return 0;
}

int
msg_fields_unpack(json_t *root, const struct field *fields, size_t n, void *dst,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (msg_field_unpack(root, &fields[i], dst, err, errlen) != 0)
			return -1;
	return 0;
}

void
msg_set_time(json_t *o, const char *key, int64_t ms)
{
	char buf[40];

	json_object_set_new(o, key,
	    json_string(clock_fmt(ms, buf, sizeof buf)));
}

void
msg_set_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL && s[0] != '\0')
		json_object_set_new(o, key, json_string(s));
}

/* "lang": the language of the message's texts, for its reader's
 * clients (machine fields never change with it). */
void
msg_set_lang(json_t *o, const char *lang)
{
	if (lang != NULL && i18n_known(lang))
		json_object_set_new(o, "lang", json_string(lang));
}

/* Incident ids as a JSON array. */
json_t *
msg_ids(const int64_t *ids, int n)
{
	json_t *a = json_array();
	int i;

	if (a == NULL)
		fatalx("msg: cannot build a list of incidents");
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

/* Up to RELATED_MAX positive incident ids from a JSON array; how many. */
int
msg_ids_unpack(json_t *a, int64_t *ids)
{
	size_t i;
	int n = 0;

	for (i = 0; json_is_array(a) && i < json_array_size(a) &&
	    n < RELATED_MAX; i++)
		if (json_integer_value(json_array_get(a, i)) > 0)
			ids[n++] = json_integer_value(json_array_get(a, i));
	return n;
}

/* The array under key: NULL when absent, -1 (err set) when not an array
 * or longer than max. */
int
msg_array(json_t *o, const char *key, size_t max, json_t **out, char *err,
    size_t errlen)
{
	json_t *a = json_object_get(o, key);

	*out = NULL;
	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a)) {
		msg_err(err, errlen, "%s: must be an array", key);
		return -1;
	}
	if (json_array_size(a) > max) {
		msg_err(err, errlen, "%s: at most %zu entries", key, max);
		return -1;
	}
	*out = a;
	return 0;
}

/* Each element of an array of objects through a field table. */
int
msg_objects(json_t *r, const char *key, const struct field *fields,
    size_t nfields, void *base, size_t size, size_t *n, char *err,
    size_t errlen)
{
	json_t *a, *v;
	size_t i;
	char sub[DETAIL_MAX];

	if (msg_array(r, key, DEBRIEF_LIST_MAX, &a, err, errlen) != 0)
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_object(v)) {
			msg_err(err, errlen, "%s[%zu]: must be an object", key,
			    i);
			return -1;
		}
		if (msg_fields_unpack(v, fields, nfields,
		    (char *)base + i * size, sub, sizeof sub) != 0) {
			msg_err(err, errlen, "%s[%zu].%s", key, i, sub);
			return -1;
		}
		*n = i + 1;
	}
	return 0;
}

/* ---- a JSON object built a member at a time --------------------------- */

struct msg_doc *
msg_doc_new(void)
{
	struct msg_doc *m = xcalloc(1, sizeof *m);

	if ((m->o = json_object()) == NULL)
		fatalx("msg: cannot build object");
	return m;
}

void
msg_doc_str(struct msg_doc *m, const char *key, const char *v)
{
	json_object_set_new(m->o, key, json_string(v != NULL ? v : ""));
}

void
msg_doc_int(struct msg_doc *m, const char *key, int64_t v)
{
	json_object_set_new(m->o, key, json_integer(v));
}

void
msg_doc_bool(struct msg_doc *m, const char *key, int v)
{
	json_object_set_new(m->o, key, json_boolean(v));
}

void
msg_doc_null(struct msg_doc *m, const char *key)
{
	json_object_set_new(m->o, key, json_null());
}

void
msg_doc_time(struct msg_doc *m, const char *key, int64_t ms)
{
	msg_set_time(m->o, key, ms);
}

static json_t *
msg_doc_array(struct msg_doc *m, const char *key)
{
	json_t *a = json_object_get(m->o, key);

	if (a == NULL) {
		a = json_array();
		json_object_set_new(m->o, key, a);
	}
	return a;
}

void
msg_doc_push_str(struct msg_doc *m, const char *key, const char *v)
{
	json_t *a = msg_doc_array(m, key);

	if (v != NULL)
		json_array_append_new(a, json_string(v));
}

void
msg_doc_push(struct msg_doc *m, const char *key, struct msg_doc *child)
{
	json_array_append_new(msg_doc_array(m, key), child->o);
	free(child);
}

char *
msg_doc_finish(struct msg_doc *m)
{
	json_t *o = m->o;

	free(m);
	return msg_dump(o);
}

static int
msg_method(json_t *root, const char *const *names, int n)
{
	json_t *m = json_object_get(root, "method");
	int i;

	for (i = 0; json_is_string(m) && i < n; i++)
		if (names[i] != NULL &&
		    strcmp(json_string_value(m), names[i]) == 0)
			return i;
	return -1;
}

int
msg_method_unpack(const void *payload, size_t len,
    const struct msg_methods *ms, void *dst, int *method, char *err,
    size_t errlen)
{
	json_t *root;
	int rc = MSG_NOID;

	*method = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if ((*method = msg_method(root, ms->names, ms->n)) >= 0)
		rc = msg_fields_unpack(root, ms->fields, ms->nfields, dst, err,
		    errlen) == 0 ? MSG_OK : MSG_BAD;
	json_decref(root);
	return rc;
}
