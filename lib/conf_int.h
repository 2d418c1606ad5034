/*
 * What the conf*.c files share, and only they (it brings libconfig):
 * conf.c the errors and lookups, conf_fields.c the readers, conf_load.c
 * the file and its top-level groups, conf_lists.c the lists and their
 * references, conf_duty.c shifts, hours and closures, conf_records.c the
 * debrief and records groups, conf_free.c freeing and copying,
 * conf_button.c beacon-button.conf.
 */
#ifndef BEACON_CONF_INT_H
#define BEACON_CONF_INT_H

#include <stdarg.h>
#include <stddef.h>

#include <sys/stat.h>

#include <libconfig.h>

#include "beacon.h"
#include "conf.h"

/* One error, kept until the end so they can be sorted by line. */
struct conf_err {
	char *file;
	int line;
	size_t seq;
	char *msg;
};

/* The errors of one load. */
struct check {
	const char *name; /* the file name used when libconfig has none */
	const char *dir;  /* where @include finds its files, or NULL */
	struct conf_err *errs;
	size_t nerrs;
};

struct field;
typedef void (*field_read_fn)(struct check *, const config_setting_t *,
    const char *, const struct field *, void *);
/* Returns NULL when the value is fine, else why it is not. */
typedef const char *(*field_valid_fn)(const char *);

/* One setting of a group: how to read it, where it goes, its default. */
struct field {
	const char *name;
	field_read_fn read;
	size_t off;  /* of the value in the struct */
	size_t noff; /* of the count, for lists */
	int required;
	long long min, max;  /* integers */
	int idef;            /* integer default */
	const char *sdef;    /* string default */
	field_valid_fn valid;
};

/* One top-level list of groups: roles, branches, responders... */
struct list_desc {
	const char *name; /* "roles" */
	const char *kind; /* "role" */
	size_t size;
	const struct field *fields;
	size_t arr_off, n_off; /* in struct config */
	size_t line_off;
	void (*check)(struct check *, struct config *, void *,
	    const config_setting_t *, const char *);
	const char *empty; /* the error when there are none, or NULL */
};

#define FIELD(base, f, type) ((type *)(void *)((char *)(base) + (f)->off))

/* The setting is named like the member it fills. */
#define STR(st, m, req, valid) \
	{ #m, conf_field_str, offsetof(st, m), 0, req, 0, 0, 0, NULL, valid }
#define STRD(st, m, def, valid) \
	{ #m, conf_field_str, offsetof(st, m), 0, 0, 0, 0, 0, def, valid }
#define INT(st, m, req, lo, hi, def) \
	{ #m, conf_field_int, offsetof(st, m), 0, req, lo, hi, def, NULL, NULL }
#define STRS(st, m, req) { #m, conf_field_strs, offsetof(st, m), \
	offsetof(st, n##m), req, 0, 0, 0, NULL, NULL }

/* A list of groups inside a group: a policy's steps, a button's keys. */
struct nested {
	size_t size;		/* of one element */
	size_t line_off;	/* of its int line */
	const struct field *fields;
	char *(*ctx)(const config_setting_t *el, const char *ctx, int i);
	const char *example;	/* what one element looks like */
};


/* conf.c: the errors, as file:line, kept until the end. */
void conf_check_at(struct check *, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void conf_check_err(struct check *, const config_setting_t *,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *conf_check_file(const struct check *ck, const char *file);
char *conf_check_cause(struct check *ck);
void conf_check_clear(struct check *ck);
const char *conf_plural(size_t n, const char *one, const char *many);

/* conf_fields.c */
const char *conf_valid_id(const char *s);
const char *conf_valid_nonempty(const char *s);
const char *conf_valid_prefix(const char *s);
const char *conf_valid_share_group(const char *s);
const char *conf_valid_http_url(const char *s);
const char *conf_valid_timezone(const char *s);
const char *conf_split_broker(const char *s, char **host, int *port);
void conf_field_str(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_field_secret(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_field_int(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_field_strs(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_field_broker(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_field_bool(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_group_read(struct check *ck, const config_setting_t *g,
    const char *ctx, const struct field *fields, void *base);
char *conf_elem_ctx(const config_setting_t *el, const char *list,
    const char *kind, int i);
int conf_is_list(const config_setting_t *s);
void conf_field_nested(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base,
    const struct nested *nd);
void conf_list_read(struct check *ck, const config_setting_t *ls,
    const struct list_desc *d, struct config *cf);

/* conf_lists.c */
const config_setting_t *conf_member_or(const config_setting_t *el,
    const char *name);
void conf_check_roles(struct check *ck, const struct config *cf, char **roles,
    size_t n, const config_setting_t *s, const char *ctx);
void conf_list_check(struct check *ck, const config_setting_t *root,
    const struct list_desc *d, struct config *cf);

/* conf_duty.c */
void conf_field_shifts(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_field_hours(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_field_closures(struct check *ck, const config_setting_t *s,
    const char *ctx, const struct field *f, void *base);
void conf_check_shifts(struct check *ck, struct config *cf,
    struct conf_responder *rp, const config_setting_t *el, const char *ctx);
void conf_check_hours(struct check *ck, struct conf_branch *b,
    const config_setting_t *el, const char *ctx);

/* conf_records.c */
void conf_check_records(struct check *ck, const config_t *lc,
    struct config *cf);

/* conf_load.c */
const char *conf_file_problem(const char *path, int dir, int readable,
    struct stat *sb);
int conf_parse_file(const char *path, config_t *lc, char **cause);

/* conf_lists.c: the lists of beacon.conf, in the order they are read. */
extern const struct list_desc conf_lists[];
extern const size_t conf_nlists;

#endif
