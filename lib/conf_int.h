/*
 * What the conf*.c files share, and only they (it brings libconfig):
 * conf.c the errors and lookups, conf_fields.c the readers, conf_load.c
 * the file and its top-level groups, conf_lists.c the lists and their
 * references, conf_duty.c shifts, hours and closures, conf_records.c the
 * debrief and records groups, conf_free.c freeing and copying,
 * conf_file.c a file being read, for beacon.conf and another program.
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
struct conf_check {
	const char *name; /* the file name used when libconfig has none */
	const char *dir;  /* where @include finds its files, or NULL */
	struct conf_err *errs;
	size_t nerrs;
	struct conf_err *warns;	/* the same, for warnings */
	size_t nwarns;
};

/* One top-level list of groups: roles, branches, responders... */
struct list_desc {
	const char *name; /* "roles" */
	const char *kind; /* "role" */
	size_t size;
	const struct conf_field *fields;
	size_t arr_off, n_off; /* in struct config */
	size_t line_off;
	void (*check)(struct conf_check *, struct config *, void *,
	    const config_setting_t *, const char *);
	const char *empty; /* the error when there are none, or NULL */
};

#define CONF_FIELD(base, f, type) ((type *)(void *)((char *)(base) + (f)->off))

/* A list of strings, with its count in n<member>. */
#define CONF_STRS(st, m, req) { #m, conf_field_strs, offsetof(st, m), \
	offsetof(st, n##m), req, 0, 0, 0, NULL, NULL }

/* conf.c: the errors, as file:line, kept until the end. */
void conf_check_at(struct conf_check *, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
char *conf_check_file(const struct conf_check *ck, const char *file);
void conf_check_warn(struct conf_check *ck, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The warnings as "file:line: warning: message" lines, or NULL. */
char *conf_check_warnings(struct conf_check *ck);
char *conf_check_cause(struct conf_check *ck);
void conf_check_clear(struct conf_check *ck);

/* conf_fields.c */
const char *conf_valid_share_group(const char *s);
const char *conf_valid_http_url(const char *s);
const char *conf_valid_base_url(const char *s);
const char *conf_valid_vapid_subject(const char *s);
const char *conf_valid_listen(const char *s);
const char *conf_valid_timezone(const char *s);
const char *conf_valid_language(const char *s);
void conf_field_labels(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base);
/* conf_lang.c: labels of languages in use, languages this machine
 * cannot show. */
void conf_check_languages(struct conf_check *ck, const config_t *lc,
    const struct config *cf);
void conf_field_secret(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base);
void conf_field_strs(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base);
void conf_field_broker(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base);
char *conf_elem_ctx(const config_setting_t *el, const char *list,
    const char *kind, int i);
void conf_list_read(struct conf_check *ck, const config_setting_t *ls,
    const struct list_desc *d, struct config *cf);

/* conf_lists.c */
void conf_check_roles(struct conf_check *ck, const struct config *cf,
    char **roles, size_t n, const config_setting_t *s, const char *ctx);
void conf_list_check(struct conf_check *ck, const config_setting_t *root,
    const struct list_desc *d, struct config *cf);

/* conf_duty.c */
void conf_field_shifts(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base);
void conf_field_hours(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base);
void conf_field_closures(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base);
void conf_check_shifts(struct conf_check *ck, struct config *cf,
    struct conf_responder *rp, const config_setting_t *el, const char *ctx);
void conf_check_hours(struct conf_check *ck, struct conf_branch *b,
    const config_setting_t *el, const char *ctx);

/* conf_records.c */
void conf_check_records(struct conf_check *ck, const config_t *lc,
    struct config *cf);

/* conf_load.c */

/* conf_file.c: the libconfig tree of a file being read. */
const config_t *conf_file_config(struct conf_file *);

/* conf_lists.c: the lists of beacon.conf, in the order they are read. */
extern const struct list_desc conf_lists[];
extern const size_t conf_nlists;

#endif
