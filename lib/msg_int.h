/*
 * What the msg_*.c files share: the field tables, and the plumbing in
 * msg.c. Only the msg files include it (and with it jansson).
 */
#ifndef BEACON_MSG_INT_H
#define BEACON_MSG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "msg.h"

/*
 * Table-driven field decoding: each field is unpacked on its own with
 * json_unpack_ex, so an error always names the field it is about.
 */
enum ftype { F_STR, F_INT, F_BOOL, F_TIME };

struct field {
	const char *key;
	enum ftype type;
	int required;
	size_t off;  /* offset into the destination struct */
	size_t size; /* F_STR: buffer size */
	int min, max; /* F_INT: range, when max > min */
};

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define FSTR(k, req, st, m)                                                    \
	{ k, F_STR, req, offsetof(st, m), sizeof(((st *)0)->m), 0, 0 }
#define FINT(k, req, st, m, lo, hi)                                            \
	{ k, F_INT, req, offsetof(st, m), sizeof(((st *)0)->m), lo, hi }
#define FBOOL(k, st, m) { k, F_BOOL, 0, offsetof(st, m), sizeof(int), 0, 0 }
#define FTIME(k, st, m) { k, F_TIME, 0, offsetof(st, m), sizeof(int64_t), 0, 0 }

/* msg.c: the plumbing. */
void msg_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
json_t *msg_load(const void *payload, size_t len, char *err, size_t errlen);
char *msg_dump(json_t *root);
int msg_field_unpack(json_t *root, const struct field *, void *dst, char *err,
    size_t errlen);
int msg_fields_unpack(json_t *root, const struct field *, size_t n, void *dst,
    char *err, size_t errlen);
void msg_set_time(json_t *o, const char *key, int64_t ms);
void msg_set_str(json_t *o, const char *key, const char *s);
void msg_set_lang(json_t *o, const char *lang);
json_t *msg_ids(const int64_t *ids, int n);
int msg_ids_unpack(json_t *a, int64_t *ids);
int msg_array(json_t *o, const char *key, size_t max, json_t **out,
    char *err, size_t errlen);
int msg_objects(json_t *r, const char *key, const struct field *,
    size_t nfields, void *base, size_t size, size_t *n, char *err,
    size_t errlen);

/* A request named by its "method", one of names (n of them): the index
 * into *method and fields into dst. MSG_NOID when payload is not JSON
 * or has another method (*method -1), MSG_BAD when a field is wrong. */
struct msg_methods {
	const char *const *names;
	int n;
	const struct field *fields;
	size_t nfields;
};
int msg_method_unpack(const void *payload, size_t len,
    const struct msg_methods *, void *dst, int *method, char *err,
    size_t errlen);

/* A struct msg_doc is an object being built (msg.c). */
struct msg_doc {
	json_t *o;
};

/* msg_report.c: a report's "shortened" list (REPORT_CUT_* bits). */
void msg_set_shortened(json_t *o, unsigned bits);
unsigned msg_get_shortened(json_t *root);

/* msg_status.c: a "state" field into an enum state. */
int msg_state(json_t *root, int *state, char *err, size_t errlen);

/* msg_incident.c: up to JOINED_MAX strings of size bytes; how many. */
int msg_list_unpack(json_t *a, char *list, size_t size);

/* msg_debrief.c: a debrief as an object (taken by the caller), and an
 * object's members into a debrief. */
json_t *msg_debrief_object(const struct debrief *);
int msg_debrief_json(json_t *o, struct debrief *d, char *err, size_t errlen);

/* msg_push.c: a notice's title and body, as people read them. */
void msg_push_title(const struct push_note *, const char *place, char *buf,
    size_t len);
void msg_push_body(const struct push_note *, char *buf, size_t len);

/* msg_device.c: the fields every device payload has. */
json_t *msg_device_base(const struct device *);

#endif
