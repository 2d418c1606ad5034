/*
 * beacon.conf: read with libconfig (the only module that uses it), then
 * checked. libconfig gives the structure and the syntax errors; the tables
 * below say which settings each group holds, with their types, defaults
 * and limits; a second pass checks what refers to what (roles, branches,
 * responders, policies). Every error is kept, not only the first, so a
 * site administrator fixes the whole file in one go.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "beacon.h"
#include "conf.h"
#include "duty.h"
#include "xmalloc.h"

#define CONF_ZONEINFO "/usr/share/zoneinfo"
#define CONF_PREFIX_MAX 128

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

/* ---- errors ------------------------------------------------------------ */

static void check_vadd(struct check *, const char *, int, const char *,
    va_list) __attribute__((format(printf, 4, 0)));
static void check_at(struct check *, const char *, int, const char *, ...)
    __attribute__((format(printf, 4, 5)));
static void check_err(struct check *, const config_setting_t *, const char *,
    ...) __attribute__((format(printf, 3, 4)));

/* The name of file for errors; the caller frees it. libconfig names an
 * included file as @include wrote it. */
static char *
check_file(const struct check *ck, const char *file)
{
	if (file == NULL)
		return xstrdup(ck->name);
	if (*file != '/' && ck->dir != NULL)
		return xasprintf("%s/%s", ck->dir, file);
	return xstrdup(file);
}

static void
check_vadd(struct check *ck, const char *file, int line, const char *fmt,
    va_list ap)
{
	struct conf_err *e;
	char *msg;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = xstrdup("out of memory");
	ck->errs = xreallocarray(ck->errs, ck->nerrs + 1, sizeof *ck->errs);
	e = &ck->errs[ck->nerrs];
	e->file = check_file(ck, file);
	e->line = line > 0 ? line : 1; /* a file-wide error: point at the top */
	e->seq = ck->nerrs++;
	e->msg = msg;
}

static void
check_at(struct check *ck, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vadd(ck, file, line, fmt, ap);
	va_end(ap);
}

/* An error about setting s (NULL: the whole file). */
static void
check_err(struct check *ck, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;
	const char *file = NULL;
	int line = 0;

	if (s != NULL) {
		file = config_setting_source_file(s);
		line = (int)config_setting_source_line(s);
	}
	va_start(ap, fmt);
	check_vadd(ck, file, line, fmt, ap);
	va_end(ap);
}

static int
check_cmp(const void *a, const void *b)
{
	const struct conf_err *x = a, *y = b;
	int c;

	if ((c = strcmp(x->file, y->file)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* All errors in file and line order, one "file:line: message" a line. */
static char *
check_cause(struct check *ck)
{
	char *cause = xstrdup(""), *next;
	size_t i;

	qsort(ck->errs, ck->nerrs, sizeof *ck->errs, check_cmp);
	for (i = 0; i < ck->nerrs; i++) {
		next = xasprintf("%s%s:%d: %s\n", cause, ck->errs[i].file,
		    ck->errs[i].line, ck->errs[i].msg);
		free(cause);
		cause = next;
	}
	return cause;
}

static void
check_clear(struct check *ck)
{
	size_t i;

	for (i = 0; i < ck->nerrs; i++) {
		free(ck->errs[i].file);
		free(ck->errs[i].msg);
	}
	free(ck->errs);
	ck->errs = NULL;
	ck->nerrs = 0;
}

/* ---- values ------------------------------------------------------------ */

static const char *
valid_id(const char *s)
{
	if (id_valid(s))
		return NULL;
	return "is not valid: use 1 to 64 letters, digits, '.', '_', ':' or "
	    "'-' (no spaces)";
}

static const char *
valid_nonempty(const char *s)
{
	return *s == '\0' ? "must not be empty" : NULL;
}

/* A topic prefix is one or more topic levels, no wildcards. */
static const char *
valid_prefix(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONF_PREFIX_MAX)
		return "must be 1 to 128 characters";
	if (strpbrk(s, "+#") != NULL)
		return "must not contain the MQTT wildcards '+' or '#'";
	if (s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") != NULL)
		return "must not start or end with '/' or contain '//'";
	return NULL;
}

/* A shared subscription's group is one topic level: no '/', and no
 * wildcards (MQTT v5 4.8.2). */
static const char *
valid_share_group(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return "must be 1 to 64 characters";
	if (strpbrk(s, "/+#") != NULL)
		return "must not contain '/', '+' or '#'";
	return NULL;
}

/* The same test the C library makes when it loads a zone: a regular file
 * under the zoneinfo directory. "UTC" needs no file. */
/* http:// or https://, then a host: where the push service listens. */
static const char *
valid_http_url(const char *s)
{
	const char *host;

	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return "must start with http:// or https://";
	if (*host == '\0' || *host == '/' || *host == ':')
		return "has no host";
	if (strpbrk(s, " \t\r\n") != NULL)
		return "must not contain spaces";
	return NULL;
}

static const char *
valid_timezone(const char *s)
{
	const char *dir = getenv("TZDIR");
	struct stat sb;
	char *path;
	int ok;

	if (strcmp(s, "UTC") == 0)
		return NULL;
	if (*s == '\0' || *s == '/' || strstr(s, "..") != NULL)
		return "is not a time zone name like \"America/Toronto\"";
	if (dir == NULL || *dir == '\0')
		dir = CONF_ZONEINFO;
	path = xasprintf("%s/%s", dir, s);
	ok = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	free(path);
	if (!ok)
		return "is not a known time zone (names are like "
		    "\"America/Toronto\"; see " CONF_ZONEINFO ")";
	return NULL;
}

/* host, host:port, [v6], [v6]:port. Returns NULL or why not. */
static const char *
conf_split_broker(const char *s, char **host, int *port)
{
	const char *end, *colon = NULL;
	char *ep;
	long p = 1883;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL || end == s + 1)
			return "is not host:port ('[' without ']')";
		if (end[1] != '\0' && end[1] != ':')
			return "is not host:port";
		colon = end[1] == ':' ? end + 1 : NULL;
		*host = xasprintf("%.*s", (int)(end - s - 1), s + 1);
	} else {
		/* One colon separates the port; more is a bare IPv6 address. */
		if ((colon = strchr(s, ':')) != NULL && strchr(colon + 1, ':'))
			colon = NULL;
		end = colon != NULL ? colon : s + strlen(s);
		if (end == s)
			return "has no host name";
		*host = xasprintf("%.*s", (int)(end - s), s);
	}
	if (strpbrk(*host, " \t") != NULL)
		return "has a space in the host name";
	if (colon != NULL) {
		errno = 0;
		p = strtol(colon + 1, &ep, 10);
		if (colon[1] == '\0' || *ep != '\0' || errno != 0 || p < 1 ||
		    p > 65535)
			return "has a bad port: use 1 to 65535, e.g. "
			    "\"127.0.0.1:1883\"";
	}
	*port = (int)p;
	return NULL;
}

/* ---- field readers: s == NULL means "absent, use the default" ---------- */

#define FIELD(base, f, type) ((type *)(void *)((char *)(base) + (f)->off))

static void
field_str(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	char **dst = FIELD(base, f, char *);
	const char *v, *why;

	if (s == NULL) {
		*dst = xstrdup_null(f->sdef);
		return;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		check_err(ck, s, "%s: %s must be a string in double quotes",
		    ctx, f->name);
		return;
	}
	v = config_setting_get_string(s);
	if (f->valid != NULL && (why = f->valid(v)) != NULL)
		check_err(ck, s, "%s: %s \"%s\" %s", ctx, f->name, v, why);
	*dst = xstrdup(v);
}

/* A string that may be a secret (a token, a URL whose path or query is
 * one): its errors name the setting, never the value, because a reload's
 * errors go to the log. */
static void
field_secret(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	char **dst = FIELD(base, f, char *);
	const char *why;

	if (s == NULL || config_setting_type(s) != CONFIG_TYPE_STRING) {
		field_str(ck, s, ctx, f, base);
		return;
	}
	*dst = xstrdup(config_setting_get_string(s));
	if (f->valid != NULL && (why = f->valid(*dst)) != NULL)
		check_err(ck, s, "%s: %s %s", ctx, f->name, why);
}

static void
field_int(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	int *dst = FIELD(base, f, int);
	long long v;
	int t;

	*dst = f->idef;
	if (s == NULL)
		return;
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
		check_err(ck, s, "%s: %s must be a whole number (no quotes, "
		    "no decimal point)", ctx, f->name);
		return;
	}
	v = config_setting_get_int64(s);
	if (v < f->min || v > f->max) {
		check_err(ck, s, "%s: %s must be %lld to %lld, not %lld", ctx,
		    f->name, f->min, f->max, v);
		return;
	}
	*dst = (int)v;
}

/* A list of strings: [ "a", "b" ] or ( "a", "b" ). */
static void
field_strs(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	char ***dst = FIELD(base, f, char **);
	size_t *n = (size_t *)(void *)((char *)base + f->noff);
	const config_setting_t *el;
	int i, len, t;

	*dst = NULL;
	*n = 0;
	if (s == NULL)
		return;
	t = config_setting_type(s);
	len = config_setting_length(s);
	for (i = 0; (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST) &&
	    i < len; i++) {
		el = config_setting_get_elem(s, i);
		if (config_setting_type(el) != CONFIG_TYPE_STRING)
			break;
	}
	if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) || i < len) {
		check_err(ck, s, "%s: %s must be a list of strings in square "
		    "brackets, e.g. [ \"a\", \"b\" ]", ctx, f->name);
		return;
	}
	*dst = xcalloc(len, sizeof **dst);
	for (i = 0; i < len; i++)
		(*dst)[i] = xstrdup(config_setting_get_string_elem(s, i));
	*n = len;
}

static void
field_broker(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	struct config *cf = base;
	const char *v = "127.0.0.1:1883", *why;

	if (s != NULL && config_setting_type(s) != CONFIG_TYPE_STRING) {
		check_err(ck, s, "%s: %s must be a string like "
		    "\"127.0.0.1:1883\"", ctx, f->name);
		return;
	}
	if (s != NULL)
		v = config_setting_get_string(s);
	if ((why = conf_split_broker(v, &cf->broker_host,
	    &cf->broker_port)) != NULL)
		check_err(ck, s, "%s: %s \"%s\" %s", ctx, f->name, v, why);
}

static void field_steps(struct check *, const config_setting_t *,
    const char *, const struct field *, void *);
static void field_shifts(struct check *, const config_setting_t *,
    const char *, const struct field *, void *);
static void field_hours(struct check *, const config_setting_t *,
    const char *, const struct field *, void *);
static void field_closures(struct check *, const config_setting_t *,
    const char *, const struct field *, void *);
static void field_bool(struct check *, const config_setting_t *,
    const char *, const struct field *, void *);

/* ---- the tables -------------------------------------------------------- */

/* The setting is named like the member it fills. */
#define STR(st, m, req, valid) \
	{ #m, field_str, offsetof(st, m), 0, req, 0, 0, 0, NULL, valid }
#define STRD(st, m, def, valid) \
	{ #m, field_str, offsetof(st, m), 0, 0, 0, 0, 0, def, valid }
#define INT(st, m, req, lo, hi, def) \
	{ #m, field_int, offsetof(st, m), 0, req, lo, hi, def, NULL, NULL }
#define STRS(st, m, req) { #m, field_strs, offsetof(st, m), \
	offsetof(st, n##m), req, 0, 0, 0, NULL, NULL }

static const struct field beacon_fields[] = {
	STRD(struct config, topic_prefix, "beacon", valid_prefix),
	{ "broker", field_broker, 0, 0, 0, 0, 0, 0, NULL, NULL },
	STRD(struct config, client_id, "beacond", valid_id),
	STRD(struct config, database, "/var/lib/beacon/beacon.db",
	    valid_nonempty),
	INT(struct config, session_expiry, 0, 0, INT_MAX, 86400),
	INT(struct config, keepalive, 0, 5, 3600, 30),
	INT(struct config, heartbeat, 0, 1, 3600, 10),
	STRS(struct config, admins, 0),
	STR(struct config, username, 0, valid_nonempty),
	STR(struct config, password_file, 0, valid_nonempty),
	STR(struct config, cafile, 0, valid_nonempty),
	STR(struct config, capath, 0, valid_nonempty),
	STR(struct config, certfile, 0, valid_nonempty),
	STR(struct config, keyfile, 0, valid_nonempty),
	STR(struct config, share_group, 0, valid_share_group),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field life_fields[] = {
	{ "severity", field_int, offsetof(struct config, life_severity), 0,
	    0, 1, 4, 1, NULL, NULL },
	{ "roles", field_strs, offsetof(struct config, life_roles),
	    offsetof(struct config, nlife_roles), 0, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* debrief: { ... }: after an incident is resolved. A week is the longest
 * sensible reminder; a quarter the longest due time. */
static const struct field debrief_fields[] = {
	{ "role", field_str, offsetof(struct config, debrief_role), 0, 0, 0,
	    0, 0, NULL, valid_id },
	{ "due", field_int, offsetof(struct config, debrief_due), 0, 0, 1,
	    90 * 86400, 72 * 3600, NULL, NULL },
	{ "reminder", field_int, offsetof(struct config, debrief_reminder), 0,
	    0, 0, 90 * 86400, 24 * 3600, NULL, NULL },
	{ "referral_types", field_strs, offsetof(struct config,
	    referral_types), offsetof(struct config, nreferral_types), 0, 0,
	    0, 0, NULL, NULL },
	{ "notice_types", field_strs, offsetof(struct config, notice_types),
	    offsetof(struct config, nnotice_types), 0, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* devices: { ... }: report devices' health. */
static const struct field devices_fields[] = {
	{ "offline", field_int, offsetof(struct config, device_offline), 0, 0,
	    1, 86400, 300, NULL, NULL },
	{ "no_answer", field_int, offsetof(struct config, page_no_answer), 0,
	    0, 1, 3600, 10, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* limits: { ... }: how many messages one sender may have handled in each
 * interval; 0 turns a limit off. */
static const struct field limits_fields[] = {
	{ "interval", field_int, offsetof(struct config, limit_interval), 0,
	    0, 1, 3600, 10, NULL, NULL },
	{ "per_device", field_int, offsetof(struct config, limit_device), 0,
	    0, 0, 1000000, 30, NULL, NULL },
	{ "per_source", field_int, offsetof(struct config, limit_source), 0,
	    0, 0, 1000000, 300, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* push: { ... }: an HTTP push service. */
static const struct field push_fields[] = {
	{ "url", field_secret, offsetof(struct config, push_url), 0, 0, 0, 0,
	    0, NULL, valid_http_url },
	{ "token", field_secret, offsetof(struct config, push_token), 0, 0, 0,
	    0, 0, NULL, valid_nonempty },
	{ "timeout", field_int, offsetof(struct config, push_timeout), 0, 0, 1,
	    60, 5, NULL, NULL },
	{ "retries", field_int, offsetof(struct config, push_retries), 0, 0, 0,
	    10, 3, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* alarms: { ... }: the cancel window and repeated presses. A report of
 * severity 1-2 never waits; a minute is the longest sensible window. */
static const struct field alarms_fields[] = {
	{ "cancel_window", field_int, offsetof(struct config, cancel_window),
	    0, 0, 0, 60, 5, NULL, NULL },
	{ "cancel_severity", field_int, offsetof(struct config,
	    cancel_severity), 0, 0, 3, 4, 3, NULL, NULL },
	{ "repeat_window", field_int, offsetof(struct config, repeat_window),
	    0, 0, 0, 3600, 120, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* standby: { ... }: a standby pair (docs/deployment.md). A lease under 2 s
 * would be renewed faster than a loaded broker answers; over a minute
 * leaves reports waiting too long after a failure. */
static const struct field standby_fields[] = {
	{ "instance", field_str, offsetof(struct config, standby_instance), 0,
	    1, 0, 0, 0, NULL, valid_id },
	{ "partner", field_str, offsetof(struct config, standby_partner), 0,
	    1, 0, 0, 0, NULL, valid_id },
	{ "lease", field_int, offsetof(struct config, standby_lease), 0, 0, 2,
	    60, 5, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* reminders: { ... }: acknowledged but not on scene. */
static const struct field reminders_fields[] = {
	{ "on_scene", field_int, offsetof(struct config, remind_on_scene), 0,
	    0, 0, 86400, 0, NULL, NULL },
	{ "escalate", field_int, offsetof(struct config, remind_escalate), 0,
	    0, 0, 86400, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* records: { ... }: retention and who may ask for records. */
static const struct field records_fields[] = {
	INT(struct config, retention_days, 0, 0, 100 * 366, 400),
	STRS(struct config, query_roles, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field role_fields[] = {
	STR(struct conf_role, id, 1, valid_id),
	STR(struct conf_role, label, 1, valid_nonempty),
	STR(struct conf_role, reports_to, 0, valid_id),
	{ "drill", field_bool, offsetof(struct conf_role, drill), 0, 0, 0, 0,
	    0, NULL, NULL },
	INT(struct conf_role, repeat, 0, 0, 86400, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field branch_fields[] = {
	STR(struct conf_branch, id, 1, valid_id),
	STR(struct conf_branch, name, 1, valid_nonempty),
	STR(struct conf_branch, timezone, 1, valid_timezone),
	STRS(struct conf_branch, buttons, 0),
	{ "hours", field_hours, offsetof(struct conf_branch, hours),
	    offsetof(struct conf_branch, nhours), 0, 0, 0, 0, NULL, NULL },
	{ "closures", field_closures, offsetof(struct conf_branch, closures),
	    offsetof(struct conf_branch, nclosures), 0, 0, 0, 0, NULL, NULL },
	STRS(struct conf_branch, holidays, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field responder_fields[] = {
	STR(struct conf_responder, id, 1, valid_id),
	STR(struct conf_responder, name, 1, valid_nonempty),
	STR(struct conf_responder, role, 1, NULL),
	STRS(struct conf_responder, branches, 1),
	{ "shifts", field_shifts, offsetof(struct conf_responder, shifts),
	    offsetof(struct conf_responder, nshifts), 0, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* A day is the longest sensible delay: a larger number is a typo. */
static const struct field step_fields[] = {
	INT(struct conf_step, after, 0, 0, 86400, 0),
	INT(struct conf_step, repeat, 0, 0, 86400, 0),
	STRS(struct conf_step, roles, 0),
	STRS(struct conf_step, responders, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field policy_fields[] = {
	STR(struct conf_policy, id, 1, valid_id),
	{ "steps", field_steps, offsetof(struct conf_policy, steps),
	    offsetof(struct conf_policy, nsteps), 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field category_fields[] = {
	STR(struct conf_category, id, 1, valid_id),
	STR(struct conf_category, label, 1, valid_nonempty),
	INT(struct conf_category, severity, 1, 1, 4, 0),
	STR(struct conf_category, policy, 1, NULL),
	STR(struct conf_category, after_hours, 0, NULL),
	{ "cancel", field_bool, offsetof(struct conf_category, cancel), 0, 0,
	    0, 0, -1, NULL, NULL },
	STRS(struct conf_category, require, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* ---- groups and lists -------------------------------------------------- */

static const struct field *
field_find(const struct field *fields, const char *name)
{
	for (; fields->name != NULL; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

/* Read every field of group g into base; complain about what is missing
 * and about settings nobody reads (most likely a misspelling). */
static void
group_read(struct check *ck, const config_setting_t *g, const char *ctx,
    const struct field *fields, void *base)
{
	const struct field *f;
	const config_setting_t *s;
	int i;

	for (f = fields; f->name != NULL; f++) {
		s = g != NULL ? config_setting_get_member(g, f->name) : NULL;
		if (s == NULL && f->required)
			check_err(ck, g, "%s: missing \"%s\"", ctx, f->name);
		f->read(ck, s, ctx, f, base);
	}
	for (i = 0; g != NULL && i < config_setting_length(g); i++) {
		s = config_setting_get_elem(g, i);
		if (field_find(fields, config_setting_name(s)) == NULL)
			check_err(ck, s, "%s: unknown setting \"%s\"", ctx,
			    config_setting_name(s));
	}
}

/* "role \"security\"" when the element has a readable id, else
 * "roles[2]"; the caller frees. */
static char *
elem_ctx(const config_setting_t *el, const char *list, const char *kind,
    int i)
{
	const char *id;

	if (config_setting_lookup_string(el, "id", &id) == CONFIG_TRUE)
		return xasprintf("%s \"%s\"", kind, id);
	return xasprintf("%s[%d]", list, i);
}

/* A list of groups: ( { ... }, { ... } ). An empty [] is an empty list. */
static int
is_list(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_LIST ||
	    (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0);
}

static int
list_ok(struct check *ck, const config_setting_t *s, const char *ctx,
    const char *name)
{
	if (is_list(s))
		return 1;
	check_err(ck, s, "%s%s%s must be a list of groups in parentheses: "
	    "( { ... }, { ... } )", ctx, *ctx ? ": " : "", name);
	return 0;
}

/* A list of groups inside a group: a policy's steps, a button's keys. */
struct nested {
	size_t size;		/* of one element */
	size_t line_off;	/* of its int line */
	const struct field *fields;
	char *(*ctx)(const config_setting_t *el, const char *ctx, int i);
	const char *example;	/* what one element looks like */
};

static void
field_nested(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base, const struct nested *nd)
{
	char **dst = FIELD(base, f, char *), *elem, *ectx;
	size_t *n = (size_t *)(void *)((char *)base + f->noff);
	const config_setting_t *el;
	int i, len;

	*dst = NULL;
	*n = 0;
	if (s == NULL || !list_ok(ck, s, ctx, f->name))
		return;
	len = config_setting_length(s);
	*dst = xcalloc(len, nd->size);
	*n = len;
	for (i = 0; i < len; i++) {
		el = config_setting_get_elem(s, i);
		elem = *dst + (size_t)i * nd->size;
		*(int *)(void *)(elem + nd->line_off) =
		    (int)config_setting_source_line(el);
		ectx = nd->ctx(el, ctx, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			check_err(ck, el, "%s must be a group: %s", ectx,
			    nd->example);
		else
			group_read(ck, el, ectx, nd->fields, elem);
		free(ectx);
	}
}

static char *
step_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s step %d", ctx, i + 1);
}

static const struct nested step_nested = { sizeof(struct conf_step),
	offsetof(struct conf_step, line), step_fields, step_ctx,
	"{ after = 0; roles = [ ... ]; }" };

static void
field_steps(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	field_nested(ck, s, ctx, f, base, &step_nested);
}

/* Shifts and opening hours: weekly windows; closures: date ranges. */
static const struct field shift_fields[] = {
	STR(struct conf_window, branch, 0, valid_id),
	STRS(struct conf_window, days, 1),
	STR(struct conf_window, from, 1, NULL),
	STR(struct conf_window, until, 1, NULL),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field hours_fields[] = {
	STRS(struct conf_window, days, 1),
	STR(struct conf_window, from, 1, NULL),
	STR(struct conf_window, until, 1, NULL),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct field closure_fields[] = {
	STR(struct conf_closure, from, 1, NULL),
	STR(struct conf_closure, until, 1, NULL),
	STR(struct conf_closure, reason, 0, valid_nonempty),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static char *
shift_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s shift %d", ctx, i + 1);
}

static char *
hours_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s hours %d", ctx, i + 1);
}

static char *
closure_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s closure %d", ctx, i + 1);
}

static const struct nested shift_nested = { sizeof(struct conf_window),
	offsetof(struct conf_window, line), shift_fields, shift_ctx,
	"{ days = [ \"mon\", ... ]; from = \"09:00\"; until = \"17:00\"; }" };
static const struct nested hours_nested = { sizeof(struct conf_window),
	offsetof(struct conf_window, line), hours_fields, hours_ctx,
	"{ days = [ \"mon\", ... ]; from = \"09:00\"; until = \"21:00\"; }" };
static const struct nested closure_nested = { sizeof(struct conf_closure),
	offsetof(struct conf_closure, line), closure_fields, closure_ctx,
	"{ from = \"2026-07-01\"; until = \"2026-07-14\"; }" };

static void
field_shifts(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	field_nested(ck, s, ctx, f, base, &shift_nested);
}

static void
field_hours(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	field_nested(ck, s, ctx, f, base, &hours_nested);
}

static void
field_closures(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	field_nested(ck, s, ctx, f, base, &closure_nested);
}

static void
list_read(struct check *ck, const config_setting_t *ls,
    const struct list_desc *d, struct config *cf)
{
	const config_setting_t *el;
	char *arr, *ctx;
	int i, len;

	if (ls == NULL || !list_ok(ck, ls, "", d->name))
		return;
	len = config_setting_length(ls);
	arr = xcalloc(len, d->size);
	memcpy((char *)cf + d->arr_off, &arr, sizeof arr);
	*(size_t *)(void *)((char *)cf + d->n_off) = len;
	for (i = 0; i < len; i++) {
		el = config_setting_get_elem(ls, i);
		*(int *)(void *)(arr + i * d->size + d->line_off) =
		    (int)config_setting_source_line(el);
		ctx = elem_ctx(el, d->name, d->kind, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			check_err(ck, el, "%s must be a group: { id = ...; }",
			    ctx);
		else
			group_read(ck, el, ctx, d->fields, arr + i * d->size);
		free(ctx);
	}
}

/* ---- lookups ----------------------------------------------------------- */

/* Every list element struct starts with its id. */
_Static_assert(offsetof(struct conf_role, id) == 0, "id first");
_Static_assert(offsetof(struct conf_branch, id) == 0, "id first");
_Static_assert(offsetof(struct conf_responder, id) == 0, "id first");
_Static_assert(offsetof(struct conf_policy, id) == 0, "id first");
_Static_assert(offsetof(struct conf_category, id) == 0, "id first");

static const void *
find_id(const void *arr, size_t n, size_t size, const char *id)
{
	const char *p = arr, *eid;
	size_t i;

	for (i = 0; id != NULL && i < n; i++, p += size) {
		memcpy(&eid, p, sizeof eid);
		if (eid != NULL && strcmp(eid, id) == 0)
			return p;
	}
	return NULL;
}

const struct conf_role *
conf_role(const struct config *cf, const char *id)
{
	return find_id(cf->roles, cf->nroles, sizeof *cf->roles, id);
}

const struct conf_branch *
conf_branch(const struct config *cf, const char *id)
{
	return find_id(cf->branches, cf->nbranches, sizeof *cf->branches, id);
}

const struct conf_responder *
conf_responder(const struct config *cf, const char *id)
{
	return find_id(cf->responders, cf->nresponders,
	    sizeof *cf->responders, id);
}

const struct conf_category *
conf_category(const struct config *cf, const char *id)
{
	return find_id(cf->categories, cf->ncategories,
	    sizeof *cf->categories, id);
}

const struct conf_policy *
conf_policy(const struct config *cf, const char *id)
{
	return find_id(cf->policies, cf->npolicies, sizeof *cf->policies, id);
}

int
conf_has(char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

int
conf_covers(const struct conf_responder *rp, const char *branch)
{
	size_t i;

	for (i = 0; i < rp->nbranches; i++)
		if (strcmp(rp->branches[i], "*") == 0 ||
		    strcmp(rp->branches[i], branch) == 0)
			return 1;
	return 0;
}

/* ---- references -------------------------------------------------------- */

static const config_setting_t *
member_or(const config_setting_t *el, const char *name)
{
	const config_setting_t *s = config_setting_get_member(el, name);

	return s != NULL ? s : el;
}

/* Each name of a list must be a known role. */
static void
check_roles(struct check *ck, const struct config *cf, char **roles,
    size_t n, const config_setting_t *s, const char *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (conf_role(cf, roles[i]) == NULL)
			check_err(ck, s, "%s: unknown role \"%s\" (not in "
			    "roles)", ctx, roles[i]);
}

/* ---- duty: shifts, opening hours, closures, holidays -------------------- */

/* The days and times of a weekly window. */
static void
check_window(struct check *ck, struct conf_window *w,
    const config_setting_t *el, const char *ctx)
{
	const char *bad = NULL;

	if (w->days != NULL && w->ndays == 0)
		check_err(ck, member_or(el, "days"), "%s: days is empty: list "
		    "them, e.g. [ \"mon\", \"tue\" ] or [ \"daily\" ]", ctx);
	if (duty_parse_days(w->days, w->ndays, &w->dmask, &bad) != 0)
		check_err(ck, member_or(el, "days"), "%s: days: \"%s\" is not "
		    "a day: use mon, tue, wed, thu, fri, sat, sun, daily, "
		    "weekdays or weekends", ctx, bad);
	if (w->from != NULL && duty_parse_hhmm(w->from, &w->from_min) != 0)
		check_err(ck, member_or(el, "from"), "%s: from \"%s\" is not "
		    "a time of day: use \"HH:MM\", 00:00 to 24:00", ctx,
		    w->from);
	if (w->until != NULL && duty_parse_hhmm(w->until, &w->until_min) != 0)
		check_err(ck, member_or(el, "until"), "%s: until \"%s\" is not "
		    "a time of day: use \"HH:MM\", 00:00 to 24:00", ctx,
		    w->until);
	else if (w->from != NULL && w->until != NULL &&
	    w->from_min == w->until_min)
		check_err(ck, member_or(el, "until"), "%s: from and until are "
		    "the same time: use \"00:00\" to \"24:00\" for a whole day",
		    ctx);
	if (w->from != NULL && w->from_min == DUTY_DAY_MIN)
		check_err(ck, member_or(el, "from"), "%s: from \"24:00\" is the "
		    "end of the day: use \"00:00\"", ctx);
}

/* Each element of the nested list `name` of el, with its context. */
static const config_setting_t *
check_elem(const config_setting_t *el, const char *name, size_t i)
{
	const config_setting_t *ls = config_setting_get_member(el, name);
	const config_setting_t *e = ls != NULL ?
	    config_setting_get_elem(ls, (unsigned)i) : NULL;

	return e != NULL ? e : el;
}

static void
check_shifts(struct check *ck, struct config *cf, struct conf_responder *rp,
    const config_setting_t *el, const char *ctx)
{
	const config_setting_t *sel;
	struct conf_window *w;
	char *sctx;
	size_t i;

	for (i = 0; i < rp->nshifts; i++) {
		w = &rp->shifts[i];
		sel = check_elem(el, "shifts", i);
		sctx = xasprintf("%s shift %zu", ctx, i + 1);
		check_window(ck, w, sel, sctx);
		if (w->branch != NULL && conf_branch(cf, w->branch) == NULL)
			check_err(ck, member_or(sel, "branch"), "%s: unknown "
			    "branch \"%s\" (not in branches)", sctx, w->branch);
		else if (w->branch != NULL && !conf_covers(rp, w->branch))
			check_err(ck, member_or(sel, "branch"), "%s: branch "
			    "\"%s\" is not one of the responder's branches",
			    sctx, w->branch);
		free(sctx);
	}
}

static void
check_dates(struct check *ck, struct conf_branch *b,
    const config_setting_t *el, const char *ctx)
{
	const config_setting_t *sel;
	struct conf_closure *c;
	char *sctx;
	size_t i;

	b->holiday_ymd = b->nholidays ? xcalloc(b->nholidays, sizeof(int)) :
	    NULL;
	for (i = 0; i < b->nholidays; i++)
		if (duty_parse_date(b->holidays[i], &b->holiday_ymd[i]) != 0)
			check_err(ck, member_or(el, "holidays"), "%s: holidays: "
			    "\"%s\" is not a date: use \"YYYY-MM-DD\"", ctx,
			    b->holidays[i]);
	for (i = 0; i < b->nclosures; i++) {
		c = &b->closures[i];
		sel = check_elem(el, "closures", i);
		sctx = xasprintf("%s closure %zu", ctx, i + 1);
		if (c->from != NULL && duty_parse_date(c->from, &c->from_ymd) !=
		    0)
			check_err(ck, member_or(sel, "from"), "%s: from \"%s\" "
			    "is not a date: use \"YYYY-MM-DD\"", sctx, c->from);
		else if (c->until != NULL && duty_parse_date(c->until,
		    &c->until_ymd) != 0)
			check_err(ck, member_or(sel, "until"), "%s: until \"%s\" "
			    "is not a date: use \"YYYY-MM-DD\"", sctx, c->until);
		else if (c->from != NULL && c->until != NULL &&
		    c->until_ymd < c->from_ymd)
			check_err(ck, member_or(sel, "until"), "%s: until (%s) "
			    "comes before from (%s)", sctx, c->until, c->from);
		free(sctx);
	}
}

static void
check_hours(struct check *ck, struct conf_branch *b,
    const config_setting_t *el, const char *ctx)
{
	char *sctx;
	size_t i;

	for (i = 0; i < b->nhours; i++) {
		sctx = xasprintf("%s hours %zu", ctx, i + 1);
		check_window(ck, &b->hours[i], check_elem(el, "hours", i),
		    sctx);
		free(sctx);
	}
	check_dates(ck, b, el, ctx);
}

/* The staff page's buttons are categories. */
static void
check_branch(struct check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_branch *b = p;
	size_t i;

	/* These name topics of their own (docs/protocol.md). */
	if (b->id != NULL && (strcmp(b->id, "_library") == 0 ||
	    strcmp(b->id, "_responders") == 0))
		check_err(ck, member_or(el, "id"), "%s: the id \"%s\" is "
		    "reserved: choose another", ctx, b->id);
	for (i = 0; i < b->nbuttons; i++)
		if (conf_category(cf, b->buttons[i]) == NULL)
			check_err(ck, member_or(el, "buttons"), "%s: buttons: "
			    "unknown category \"%s\" (not in categories)", ctx,
			    b->buttons[i]);
	check_hours(ck, b, el, ctx);
}

static void
check_responder(struct check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_responder *rp = p;
	const config_setting_t *bs = member_or(el, "branches");
	size_t i;

	if (rp->role != NULL)
		check_roles(ck, cf, &rp->role, 1, member_or(el, "role"), ctx);
	if (rp->branches != NULL && rp->nbranches == 0)
		check_err(ck, bs, "%s: branches is empty: list the branches "
		    "covered, or [ \"*\" ] for all", ctx);
	for (i = 0; i < rp->nbranches; i++)
		if (strcmp(rp->branches[i], "*") != 0 &&
		    conf_branch(cf, rp->branches[i]) == NULL)
			check_err(ck, bs, "%s: unknown branch \"%s\" (not in "
			    "branches)", ctx, rp->branches[i]);
	check_shifts(ck, cf, rp, el, ctx);
}

static void
check_step(struct check *ck, const struct config *cf,
    const struct conf_step *st, const config_setting_t *el, const char *ctx)
{
	const config_setting_t *rs = member_or(el, "responders");
	size_t i;

	check_roles(ck, cf, st->roles, st->nroles, member_or(el, "roles"),
	    ctx);
	for (i = 0; i < st->nresponders; i++)
		if (conf_responder(cf, st->responders[i]) == NULL)
			check_err(ck, rs, "%s: unknown responder \"%s\" (not "
			    "in responders)", ctx, st->responders[i]);
	if (st->nroles == 0 && st->nresponders == 0)
		check_err(ck, el, "%s: nobody to notify: give it roles or "
		    "responders", ctx);
}

static void
check_policy(struct check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_policy *pol = p;
	const config_setting_t *ss = config_setting_get_member(el, "steps");
	const config_setting_t *sel;
	char *sctx;
	size_t i;

	if (ss != NULL && is_list(ss) && pol->nsteps == 0)
		check_err(ck, ss, "%s: has no steps: give it at least one "
		    "{ after = 0; roles = [ ... ]; }", ctx);
	for (i = 0; i < pol->nsteps; i++) {
		sel = config_setting_get_elem(ss, i);
		if (config_setting_type(sel) != CONFIG_TYPE_GROUP)
			continue;
		sctx = xasprintf("%s step %zu", ctx, i + 1);
		check_step(ck, cf, &pol->steps[i], sel, sctx);
		free(sctx);
	}
}

/* Each required role must be known, and reached by the policy. */
static void
check_require(struct check *ck, const struct config *cf,
    const struct conf_category *cat, const config_setting_t *el,
    const char *ctx)
{
	const config_setting_t *rs = member_or(el, "require");
	size_t i, j, k;
	int found;

	check_roles(ck, cf, cat->require, cat->nrequire, rs, ctx);
	for (i = 0; cat->pol != NULL && i < cat->nrequire; i++) {
		found = conf_has(cf->life_roles, cf->nlife_roles,
		    cat->require[i]);
		for (j = 0; j < cat->pol->nsteps && !found; j++)
			for (k = 0; k < cat->pol->steps[j].nroles; k++)
				if (strcmp(cat->pol->steps[j].roles[k],
				    cat->require[i]) == 0)
					found = 1;
		if (!found && conf_role(cf, cat->require[i]) != NULL)
			check_err(ck, rs, "%s: requires role \"%s\" but "
			    "policy \"%s\" never notifies it", ctx,
			    cat->require[i], cat->policy);
	}
}

static void
check_category(struct check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_category *cat = p;

	if (cat->cancel == 1 && cat->severity >= 1 && cat->severity <= 2)
		check_err(ck, member_or(el, "cancel"), "%s: cancel: a category "
		    "of severity %d never waits for a cancel (only 3-4 may)",
		    ctx, cat->severity);
	if (cat->policy == NULL)
		return;
	if ((cat->pol = conf_policy(cf, cat->policy)) == NULL)
		check_err(ck, member_or(el, "policy"), "%s: unknown policy "
		    "\"%s\" (not in policies)", ctx, cat->policy);
	if (cat->after_hours != NULL && (cat->after_pol = conf_policy(cf,
	    cat->after_hours)) == NULL)
		check_err(ck, member_or(el, "after_hours"), "%s: after_hours: "
		    "unknown policy \"%s\" (not in policies)", ctx,
		    cat->after_hours);
	check_require(ck, cf, cat, el, ctx);
}

static void
check_role(struct check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_role *r = p;

	if (r->reports_to == NULL)
		return;
	check_roles(ck, cf, &r->reports_to, 1, member_or(el, "reports_to"),
	    ctx);
	if (r->id != NULL && strcmp(r->id, r->reports_to) == 0)
		check_err(ck, member_or(el, "reports_to"), "%s: reports_to "
		    "names the role itself", ctx);
}

static const struct list_desc lists[] = {
	{ "roles", "role", sizeof(struct conf_role), role_fields,
	    offsetof(struct config, roles), offsetof(struct config, nroles),
	    offsetof(struct conf_role, line), check_role,
	    "no roles defined: add roles = ( { id = ...; label = ...; } )" },
	{ "branches", "branch", sizeof(struct conf_branch), branch_fields,
	    offsetof(struct config, branches),
	    offsetof(struct config, nbranches),
	    offsetof(struct conf_branch, line), check_branch,
	    "no branches defined: add branches = ( { id = ...; ... } )" },
	{ "responders", "responder", sizeof(struct conf_responder),
	    responder_fields, offsetof(struct config, responders),
	    offsetof(struct config, nresponders),
	    offsetof(struct conf_responder, line), check_responder,
	    "no responders defined: nobody would ever be notified" },
	{ "policies", "policy", sizeof(struct conf_policy), policy_fields,
	    offsetof(struct config, policies),
	    offsetof(struct config, npolicies),
	    offsetof(struct conf_policy, line), check_policy, NULL },
	{ "categories", "category", sizeof(struct conf_category),
	    category_fields, offsetof(struct config, categories),
	    offsetof(struct config, ncategories),
	    offsetof(struct conf_category, line), check_category,
	    "no categories defined: add categories = ( { id = ...; ... } )" },
};
#define NLISTS (sizeof lists / sizeof *lists)

/* Two elements of one list with the same id: the second is the error. */
static void
check_dups(struct check *ck, const config_setting_t *ls,
    const struct list_desc *d, const struct config *cf)
{
	const char *arr, *a, *b;
	size_t n, i, j;

	memcpy(&arr, (const char *)cf + d->arr_off, sizeof arr);
	n = *(const size_t *)(const void *)((const char *)cf + d->n_off);
	for (i = 1; i < n; i++) {
		memcpy(&a, arr + i * d->size, sizeof a);
		for (j = 0; a != NULL && j < i; j++) {
			memcpy(&b, arr + j * d->size, sizeof b);
			if (b == NULL || strcmp(a, b) != 0)
				continue;
			check_err(ck, member_or(config_setting_get_elem(ls,
			    i), "id"), "duplicate %s \"%s\" (first defined on "
			    "line %d)", d->kind, a, *(const int *)(const void *)
			    (arr + j * d->size + d->line_off));
			break;
		}
	}
}

/* The second pass: duplicates, references, empty lists. */
static void
list_check(struct check *ck, const config_setting_t *root,
    const struct list_desc *d, struct config *cf)
{
	const config_setting_t *ls = config_setting_get_member(root, d->name);
	const config_setting_t *el;
	char *arr, *ctx;
	size_t n, i;

	memcpy(&arr, (char *)cf + d->arr_off, sizeof arr);
	n = *(size_t *)(void *)((char *)cf + d->n_off);
	if (n == 0 && d->empty != NULL && (ls == NULL || is_list(ls)))
		check_err(ck, ls, "%s", d->empty);
	if (n == 0)
		return;
	check_dups(ck, ls, d, cf);
	for (i = 0; d->check != NULL && i < n; i++) {
		el = config_setting_get_elem(ls, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			continue;
		ctx = elem_ctx(el, d->name, d->kind, i);
		d->check(ck, cf, arr + i * d->size, el, ctx);
		free(ctx);
	}
}

/* ---- debrief and records ---------------------------------------------- */

/* Sites may list their own; these are the usual community partners. */
static const char *const default_referrals[] = { "mental_health",
	"housing", "addiction", "food", "legal", "newcomer", "other" };
static const char *const default_notices[] = { "warning", "suspension",
	"trespass" };

static void
strs_default(char ***dst, size_t *n, const char *const *def, size_t ndef)
{
	size_t i;

	if (*dst != NULL)
		return;
	*dst = xcalloc(ndef, sizeof **dst);
	for (i = 0; i < ndef; i++)
		(*dst)[i] = xstrdup(def[i]);
	*n = ndef;
}

static void
check_ids(struct check *ck, char **v, size_t n, const config_setting_t *s,
    const char *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (valid_id(v[i]) != NULL)
			check_err(ck, s, "%s: \"%s\" %s", ctx, v[i],
			    valid_id(v[i]));
}

/* The supervisor role, when the file defines one, is the default for the
 * debrief and for who may ask for records. */
static void
check_records(struct check *ck, const config_t *lc, struct config *cf)
{
	const config_setting_t *dg = config_lookup(lc, "debrief");
	const char *sup = conf_role(cf, "supervisor") ? "supervisor" : NULL;
	size_t i;

	if (cf->debrief_role == NULL && config_lookup(lc, "debrief.role") ==
	    NULL)
		cf->debrief_role = xstrdup_null(sup);
	else if (cf->debrief_role != NULL)
		check_roles(ck, cf, &cf->debrief_role, 1,
		    config_lookup(lc, "debrief.role"), "debrief");
	if (cf->debrief_reminder >= cf->debrief_due)
		check_err(ck, dg ? dg : config_root_setting(lc), "debrief: "
		    "reminder (%d s) must come before due (%d s); 0 for none",
		    cf->debrief_reminder, cf->debrief_due);
	strs_default(&cf->referral_types, &cf->nreferral_types,
	    default_referrals, sizeof default_referrals / sizeof
	    *default_referrals);
	strs_default(&cf->notice_types, &cf->nnotice_types, default_notices,
	    sizeof default_notices / sizeof *default_notices);
	check_ids(ck, cf->referral_types, cf->nreferral_types,
	    config_lookup(lc, "debrief.referral_types"), "debrief");
	check_ids(ck, cf->notice_types, cf->nnotice_types,
	    config_lookup(lc, "debrief.notice_types"), "debrief");
	if (cf->query_roles == NULL && sup != NULL)
		strs_default(&cf->query_roles, &cf->nquery_roles, &sup, 1);
	check_roles(ck, cf, cf->query_roles, cf->nquery_roles,
	    config_lookup(lc, "records.query_roles"), "records");
	for (i = 0; i < cf->nadmins; i++)
		if (conf_responder(cf, cf->admins[i]) == NULL)
			check_err(ck, config_lookup(lc, "beacon.admins"),
			    "beacon: admins: unknown responder \"%s\" (not in "
			    "responders)", cf->admins[i]);
}

/* ---- beacond's broker account and TLS ---------------------------------- */

/* "file:line" of setting s; the caller frees it. */
static char *
check_where(const struct check *ck, const config_setting_t *s)
{
	char *file = check_file(ck, config_setting_source_file(s)), *at;

	at = xasprintf("%s:%d", file, (int)config_setting_source_line(s));
	free(file);
	return at;
}

/* A file (or, with dir, a directory) that beacond reads: why it cannot
 * be, or NULL. */
static const char *
conf_file_problem(const char *path, int dir, int readable, struct stat *sb)
{
	if (stat(path, sb) != 0)
		return strerror(errno);
	if (dir && !S_ISDIR(sb->st_mode))
		return "is not a directory";
	if (!dir && !S_ISREG(sb->st_mode))
		return "is not a file";
	if (readable && access(path, dir ? R_OK | X_OK : R_OK) != 0)
		return strerror(errno);
	return NULL;
}

/* cafile, capath, certfile: public, so the commands read them too. */
static void
check_broker_file(struct check *ck, const config_t *lc, const char *name,
    const char *path, int dir)
{
	const config_setting_t *s;
	struct stat sb;
	const char *why;
	char key[32];

	if (path == NULL)
		return;
	snprintf(key, sizeof key, "beacon.%s", name);
	s = config_lookup(lc, key);
	if ((why = conf_file_problem(path, dir, 1, &sb)) != NULL)
		check_err(ck, s, "beacon: %s \"%s\": %s", name, path, why);
}

/* password_file, keyfile: beacond's secrets, which only its own user may
 * read; whether it can is conf_read_secrets' to say. Returns where the
 * setting is, for its errors. */
static char *
check_secret(struct check *ck, const config_t *lc, const char *name,
    const char *path)
{
	const config_setting_t *s;
	struct stat sb;
	const char *why;
	char key[32];

	snprintf(key, sizeof key, "beacon.%s", name);
	s = config_lookup(lc, key);
	if ((why = conf_file_problem(path, 0, 0, &sb)) != NULL)
		check_err(ck, s, "beacon: %s \"%s\": %s", name, path, why);
	else if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		check_err(ck, s, "beacon: %s \"%s\" is open to group or others "
		    "(mode %04o): make it readable by beacond's user only "
		    "(chmod 600)", name, path, (unsigned)(sb.st_mode & 07777));
	return check_where(ck, s);
}

static void
check_broker(struct check *ck, const config_t *lc, struct config *cf)
{
	if (cf->password_file != NULL) {
		if (cf->username == NULL)
			check_err(ck, config_lookup(lc, "beacon.password_file"),
			    "beacon: password_file without a username");
		cf->password_file_at = check_secret(ck, lc, "password_file",
		    cf->password_file);
	}
	check_broker_file(ck, lc, "cafile", cf->cafile, 0);
	check_broker_file(ck, lc, "capath", cf->capath, 1);
	check_broker_file(ck, lc, "certfile", cf->certfile, 0);
	if (cf->keyfile != NULL)
		cf->keyfile_at = check_secret(ck, lc, "keyfile", cf->keyfile);
	if (cf->certfile != NULL && cf->keyfile == NULL)
		check_err(ck, config_lookup(lc, "beacon.certfile"), "beacon: "
		    "certfile without keyfile: a client certificate needs its "
		    "key");
	if (cf->keyfile != NULL && cf->certfile == NULL)
		check_err(ck, config_lookup(lc, "beacon.keyfile"), "beacon: "
		    "keyfile without certfile: a key needs its certificate");
	if (cf->certfile != NULL && cf->cafile == NULL && cf->capath == NULL)
		check_err(ck, config_lookup(lc, "beacon.certfile"), "beacon: "
		    "a client certificate needs TLS: set cafile (or capath) to "
		    "the CA of the broker's certificate");
}

/* The first line of password_file, without its line break. */
static int
conf_read_password(struct config *cf, char **cause)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if ((fp = fopen(cf->password_file, "r")) == NULL) {
		*cause = xasprintf("%s: beacon: password_file \"%s\": cannot "
		    "read: %s\n", cf->password_file_at, cf->password_file,
		    strerror(errno));
		return -1;
	}
	n = getline(&line, &cap, fp);
	fclose(fp);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n <= 0) {
		free(line);
		*cause = xasprintf("%s: beacon: password_file \"%s\" is empty: "
		    "write the password on its first line\n",
		    cf->password_file_at, cf->password_file);
		return -1;
	}
	free(cf->password);
	cf->password = line;
	return 0;
}

int
conf_read_secrets(struct config *cf, char **cause)
{
	*cause = NULL;
	if (cf->keyfile != NULL && access(cf->keyfile, R_OK) != 0) {
		*cause = xasprintf("%s: beacon: keyfile \"%s\": cannot read: "
		    "%s\n", cf->keyfile_at, cf->keyfile, strerror(errno));
		return -1;
	}
	if (cf->password_file == NULL)
		return 0;
	return conf_read_password(cf, cause);
}

/* ---- the whole file ---------------------------------------------------- */

static const char *const top_groups[] = { "beacon", "life_threat",
	"debrief", "records", "devices", "limits", "push", "alarms",
	"reminders", "standby" };

static int
top_known(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof top_groups / sizeof *top_groups; i++)
		if (strcmp(name, top_groups[i]) == 0)
			return 1;
	for (i = 0; i < NLISTS; i++)
		if (strcmp(name, lists[i].name) == 0)
			return 1;
	return 0;
}

static void top_group(struct check *, const config_setting_t *,
    const char *, const struct field *, struct config *);

/* standby: { } is optional; given, it names two different instances. */
static void
check_standby(struct check *ck, const config_setting_t *root,
    struct config *cf)
{
	const config_setting_t *g = config_setting_get_member(root, "standby");

	cf->standby_lease = 5;
	if (g == NULL)
		return;
	top_group(ck, root, "standby", standby_fields, cf);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return;
	if (cf->standby_instance != NULL && cf->standby_partner != NULL &&
	    strcmp(cf->standby_instance, cf->standby_partner) == 0)
		check_err(ck, g, "standby: partner must name the other "
		    "instance, not this one (\"%s\")", cf->standby_instance);
	if (cf->share_group != NULL)
		check_err(ck, g, "standby: a pair takes over one session; "
		    "share_group spreads reports over several: use one or "
		    "the other");
}

/* beacon: { ... } and life_threat: { ... }: optional groups. */
static void
top_group(struct check *ck, const config_setting_t *root, const char *name,
    const struct field *fields, struct config *cf)
{
	const config_setting_t *g = config_setting_get_member(root, name);

	if (g != NULL && config_setting_type(g) != CONFIG_TYPE_GROUP) {
		check_err(ck, g, "%s must be a group: %s: { ... };", name,
		    name);
		g = NULL;
	}
	group_read(ck, g, name, fields, cf);
}

static void
conf_read(struct check *ck, const config_t *lc, struct config *cf)
{
	const config_setting_t *root = config_root_setting(lc), *s;
	size_t i;
	int j;

	for (j = 0; j < config_setting_length(root); j++) {
		s = config_setting_get_elem(root, j);
		if (!top_known(config_setting_name(s)))
			check_err(ck, s, "unknown setting \"%s\"",
			    config_setting_name(s));
	}
	top_group(ck, root, "beacon", beacon_fields, cf);
	check_broker(ck, lc, cf);
	top_group(ck, root, "life_threat", life_fields, cf);
	top_group(ck, root, "debrief", debrief_fields, cf);
	top_group(ck, root, "records", records_fields, cf);
	top_group(ck, root, "devices", devices_fields, cf);
	top_group(ck, root, "limits", limits_fields, cf);
	top_group(ck, root, "push", push_fields, cf);
	top_group(ck, root, "alarms", alarms_fields, cf);
	top_group(ck, root, "reminders", reminders_fields, cf);
	check_standby(ck, root, cf);
	for (i = 0; i < NLISTS; i++)
		list_read(ck, config_setting_get_member(root, lists[i].name),
		    &lists[i], cf);
	check_roles(ck, cf, cf->life_roles, cf->nlife_roles,
	    config_lookup(lc, "life_threat.roles"), "life_threat");
	for (i = 0; i < NLISTS; i++)
		list_check(ck, root, &lists[i], cf);
	check_records(ck, lc, cf);
}

/* Check a parsed libconfig tree; on success *out owns the result. */
static int
conf_finish(config_t *lc, int parsed, const char *name, struct config **out,
    char **cause)
{
	struct check ck = { name, config_get_include_dir(lc), NULL, 0 };
	struct config *cf = xcalloc(1, sizeof *cf);
	const char *file;

	cf->path = xstrdup(name);
	if (!parsed) {
		file = config_error_file(lc);
		check_at(&ck, file, config_error_line(lc), "%s",
		    config_error_text(lc));
	} else
		conf_read(&ck, lc, cf);
	*out = NULL;
	if (ck.nerrs != 0) {
		*cause = check_cause(&ck);
		check_clear(&ck);
		conf_free(cf);
		return -1;
	}
	*out = cf;
	return 0;
}

/* libconfig's scanner exits the process when it reads a directory. */
static FILE *
conf_open(const char *path, char **cause)
{
	struct stat sb;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: cannot open: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("%s: cannot open: %s\n", path,
		    strerror(EISDIR));
		fclose(fp);
		return NULL;
	}
	return fp;
}

/* Parse the file into *lc (initialised here; the caller destroys it):
 * 1 parsed, 0 a syntax error for the checks to report, -1 when it cannot
 * be opened (*cause set, *lc untouched). */
static int
conf_parse_file(const char *path, config_t *lc, char **cause)
{
	FILE *fp;
	char *dir, *slash;
	int parsed;

	if ((fp = conf_open(path, cause)) == NULL)
		return -1;
	config_init(lc);
	/* @include "file" is found next to the configuration file. */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		config_set_include_dir(lc, *dir != '\0' ? dir : "/");
	}
	free(dir);
	parsed = config_read(lc, fp) == CONFIG_TRUE;
	fclose(fp);
	return parsed;
}

int
conf_load(const char *path, struct config **out, char **cause)
{
	config_t lc;
	int rc, parsed;

	*out = NULL;
	if ((parsed = conf_parse_file(path, &lc, cause)) < 0)
		return -1;
	rc = conf_finish(&lc, parsed, path, out, cause);
	config_destroy(&lc);
	return rc;
}

int
conf_load_string(const char *text, const char *name, struct config **out,
    char **cause)
{
	config_t lc;
	int rc, parsed;

	config_init(&lc);
	parsed = config_read_string(&lc, text) == CONFIG_TRUE;
	rc = conf_finish(&lc, parsed, name, out, cause);
	config_destroy(&lc);
	return rc;
}

static void
strs_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
policy_free(struct conf_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->nsteps; i++) {
		strs_free(pol->steps[i].roles, pol->steps[i].nroles);
		strs_free(pol->steps[i].responders, pol->steps[i].nresponders);
	}
	free(pol->steps);
	free(pol->id);
}

static char **
strs_dup(char *const *v, size_t n)
{
	char **d = n ? xcalloc(n, sizeof *d) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return d;
}

static int
strs_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

struct conf_policy *
conf_policy_dup(const struct conf_policy *pol)
{
	struct conf_policy *d = xcalloc(1, sizeof *d);
	size_t i;

	d->id = xstrdup(pol->id);
	d->line = pol->line;
	d->nsteps = pol->nsteps;
	d->steps = xcalloc(pol->nsteps, sizeof *d->steps);
	for (i = 0; i < pol->nsteps; i++) {
		const struct conf_step *a = &pol->steps[i];
		struct conf_step *b = &d->steps[i];

		*b = *a;
		b->roles = strs_dup(a->roles, a->nroles);
		b->responders = strs_dup(a->responders, a->nresponders);
	}
	return d;
}

void
conf_policy_free(struct conf_policy *pol)
{
	if (pol == NULL)
		return;
	policy_free(pol);
	free(pol);
}

int
conf_policy_equal(const struct conf_policy *a, const struct conf_policy *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->nsteps != b->nsteps)
		return 0;
	for (i = 0; i < a->nsteps; i++) {
		const struct conf_step *x = &a->steps[i], *y = &b->steps[i];

		if (x->after != y->after || x->repeat != y->repeat ||
		    !strs_equal(x->roles, x->nroles, y->roles, y->nroles) ||
		    !strs_equal(x->responders, x->nresponders, y->responders,
		    y->nresponders))
			return 0;
	}
	return 1;
}

static void
windows_free(struct conf_window *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(w[i].branch);
		strs_free(w[i].days, w[i].ndays);
		free(w[i].from);
		free(w[i].until);
	}
	free(w);
}

/* What the duty settings hold (duty.h). */
static void
conf_free_duty(struct config *cf)
{
	struct conf_branch *b;
	size_t i, j;

	for (i = 0; i < cf->nbranches; i++) {
		b = &cf->branches[i];
		windows_free(b->hours, b->nhours);
		for (j = 0; j < b->nclosures; j++) {
			free(b->closures[j].from);
			free(b->closures[j].until);
			free(b->closures[j].reason);
		}
		free(b->closures);
		strs_free(b->holidays, b->nholidays);
		free(b->holiday_ymd);
	}
	for (i = 0; i < cf->nresponders; i++)
		windows_free(cf->responders[i].shifts,
		    cf->responders[i].nshifts);
	for (i = 0; i < cf->ncategories; i++)
		free(cf->categories[i].after_hours);
}

static void
conf_free_lists(struct config *cf)
{
	size_t i;

	for (i = 0; i < cf->nroles; i++) {
		free(cf->roles[i].id);
		free(cf->roles[i].label);
		free(cf->roles[i].reports_to);
	}
	for (i = 0; i < cf->nbranches; i++) {
		free(cf->branches[i].id);
		free(cf->branches[i].name);
		free(cf->branches[i].timezone);
		strs_free(cf->branches[i].buttons, cf->branches[i].nbuttons);
	}
	for (i = 0; i < cf->nresponders; i++) {
		free(cf->responders[i].id);
		free(cf->responders[i].name);
		free(cf->responders[i].role);
		strs_free(cf->responders[i].branches,
		    cf->responders[i].nbranches);
	}
	for (i = 0; i < cf->npolicies; i++)
		policy_free(&cf->policies[i]);
	for (i = 0; i < cf->ncategories; i++) {
		free(cf->categories[i].id);
		free(cf->categories[i].label);
		free(cf->categories[i].policy);
		strs_free(cf->categories[i].require,
		    cf->categories[i].nrequire);
	}
}

void
conf_free(struct config *cf)
{
	if (cf == NULL)
		return;
	conf_free_duty(cf);
	conf_free_lists(cf);
	free(cf->roles);
	free(cf->branches);
	free(cf->responders);
	free(cf->policies);
	free(cf->categories);
	strs_free(cf->life_roles, cf->nlife_roles);
	free(cf->debrief_role);
	free(cf->push_url);
	free(cf->push_token);
	strs_free(cf->referral_types, cf->nreferral_types);
	strs_free(cf->notice_types, cf->nnotice_types);
	strs_free(cf->query_roles, cf->nquery_roles);
	strs_free(cf->admins, cf->nadmins);
	free(cf->path);
	free(cf->topic_prefix);
	free(cf->broker_host);
	free(cf->client_id);
	free(cf->database);
	free(cf->username);
	free(cf->password_file);
	if (cf->password != NULL)
		explicit_bzero(cf->password, strlen(cf->password));
	free(cf->password);
	free(cf->cafile);
	free(cf->capath);
	free(cf->certfile);
	free(cf->keyfile);
	free(cf->password_file_at);
	free(cf->keyfile_at);
	free(cf->share_group);
	free(cf->standby_instance);
	free(cf->standby_partner);
	free(cf);
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

char *
conf_summary(const struct config *cf)
{
	return xasprintf("%s: ok: %zu %s, %zu %s, %zu %s, %zu %s, %zu %s",
	    cf->path, cf->nbranches, plural(cf->nbranches, "branch", "branches"),
	    cf->nroles, plural(cf->nroles, "role", "roles"), cf->nresponders,
	    plural(cf->nresponders, "responder", "responders"),
	    cf->ncategories, plural(cf->ncategories, "category", "categories"),
	    cf->npolicies, plural(cf->npolicies, "policy", "policies"));
}

/* ---- beacon-button --------------------------------------------------------
 * beacon-button.conf: the same field tables, readers and file:line errors
 * as beacon.conf, over the button's own struct. The key names are checked
 * through the caller's conf_keycode_fn, so that libevdev stays with the
 * program that reads the device.
 */

#define BUTTON_SPOOL_DIR "/var/lib/beacon-button"
#define BUTTON_LONG_MIN 500	/* ms: shorter is an ordinary press */
#define BUTTON_LONG_MAX 30000	/* ms: nobody holds a button longer */

static void
field_bool(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	int *dst = FIELD(base, f, int);

	*dst = f->idef;
	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		check_err(ck, s, "%s: %s must be true or false (no quotes)",
		    ctx, f->name);
		return;
	}
	*dst = config_setting_get_bool(s);
}

/* Seconds, whole or not ("2" or "1.5"), kept as milliseconds; 0: none.
 * A large number is most likely milliseconds, and is refused as such. */
static void
field_seconds(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	int *dst = FIELD(base, f, int);
	double v;
	int t;

	*dst = f->idef;
	if (s == NULL)
		return;
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64 &&
	    t != CONFIG_TYPE_FLOAT) {
		check_err(ck, s, "%s: %s must be a number of seconds, e.g. 2.0",
		    ctx, f->name);
		return;
	}
	v = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) :
	    (double)config_setting_get_int64(s);
	if (v != 0 && !(v * 1000 >= f->min && v * 1000 <= f->max)) {
		check_err(ck, s, "%s: %s is in seconds: %g to %g, or 0 for none, "
		    "not %g", ctx, f->name, f->min / 1000.0, f->max / 1000.0, v);
		return;
	}
	*dst = (int)(v * 1000 + 0.5);
}

/* "host:port" into the char * at off and the int at noff. */
static void
field_hostport(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	char **host = FIELD(base, f, char *);
	int *port = (int *)(void *)((char *)base + f->noff);
	const char *v = f->sdef, *why;

	if (s != NULL && config_setting_type(s) != CONFIG_TYPE_STRING) {
		check_err(ck, s, "%s: %s must be a string like "
		    "\"127.0.0.1:1883\"", ctx, f->name);
		return;
	}
	if (s != NULL)
		v = config_setting_get_string(s);
	if ((why = conf_split_broker(v, host, port)) != NULL)
		check_err(ck, s, "%s: %s \"%s\" %s", ctx, f->name, v, why);
}

static const char *
valid_location(const char *s)
{
	if (strlen(s) > LOCATION_MAX)
		return "is longer than 128 bytes";
	return valid_nonempty(s);
}

static const struct field button_key_fields[] = {
	STR(struct conf_button_key, key, 1, valid_nonempty),
	STR(struct conf_button_key, type, 1, valid_id),
	{ "silent", field_bool, offsetof(struct conf_button_key, silent), 0, 0,
	    0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* "device: key \"KEY_F1\"", or "device: keys[2]"; the caller frees. */
static char *
button_key_ctx(const config_setting_t *el, const char *ctx, int i)
{
	const char *k;

	(void)ctx;
	if (config_setting_lookup_string(el, "key", &k) == CONFIG_TRUE)
		return xasprintf("device: key \"%s\"", k);
	return xasprintf("device: keys[%d]", i);
}

static const struct nested key_nested = { sizeof(struct conf_button_key),
	offsetof(struct conf_button_key, line), button_key_fields,
	button_key_ctx, "{ key = \"KEY_F1\"; type = \"medical\"; }" };

static void
field_keys(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	field_nested(ck, s, ctx, f, base, &key_nested);
}

static const struct field button_device_fields[] = {
	{ "path", field_str, offsetof(struct conf_button, input), 0, 1, 0, 0,
	    0, NULL, valid_nonempty },
	{ "id", field_str, offsetof(struct conf_button, device), 0, 1, 0, 0, 0,
	    NULL, valid_id },
	STR(struct conf_button, branch, 1, valid_id),
	STR(struct conf_button, location, 0, valid_location),
	{ "long_press", field_seconds, offsetof(struct conf_button,
	    long_press), 0, 0, BUTTON_LONG_MIN, BUTTON_LONG_MAX, 0, NULL,
	    NULL },
	STRD(struct conf_button, long_press_type, "duress", valid_id),
	{ "grab", field_bool, offsetof(struct conf_button, grab), 0, 0, 0, 0,
	    1, NULL, NULL },
	{ "keys", field_keys, offsetof(struct conf_button, keys),
	    offsetof(struct conf_button, nkeys), 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* device: { ... }. When it is missing the top level has said so. */
static void
field_device(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	(void)ctx;
	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		check_err(ck, s, "%s must be a group: %s: { path = ...; id = "
		    "...; branch = ...; keys = ( ... ); };", f->name, f->name);
		return;
	}
	group_read(ck, s, f->name, button_device_fields, base);
}

static const struct field button_fields[] = {
	{ "broker", field_hostport, offsetof(struct conf_button, broker_host),
	    offsetof(struct conf_button, broker_port), 0, 0, 0, 0,
	    "127.0.0.1:1883", NULL },
	STRD(struct conf_button, topic_prefix, "beacon", valid_prefix),
	STR(struct conf_button, username, 0, valid_nonempty),
	STR(struct conf_button, password, 0, NULL),
	STR(struct conf_button, cafile, 0, valid_nonempty),
	STR(struct conf_button, certfile, 0, valid_nonempty),
	STR(struct conf_button, keyfile, 0, valid_nonempty),
	STR(struct conf_button, spool, 0, valid_nonempty),
	INT(struct conf_button, selftest, 0, 0, 86400, 60),
	INT(struct conf_button, keepalive, 0, 5, 3600, 30),
	{ "device", field_device, 0, 0, 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* Each key known, and mapped once. */
static void
button_check_keys(struct check *ck, const config_t *lc,
    struct conf_button *bc, conf_keycode_fn keycode)
{
	const config_setting_t *ks = config_lookup(lc, "device.keys");
	struct conf_button_key *k;
	size_t i, j;

	if (ks != NULL && is_list(ks) && bc->nkeys == 0)
		check_err(ck, ks, "device: keys is empty: map at least one, e.g. "
		    "( { key = \"KEY_F1\"; type = \"medical\"; } )");
	for (i = 0; i < bc->nkeys; i++) {
		k = &bc->keys[i];
		k->code = -1;
		if (k->key == NULL || keycode == NULL)
			continue;
		if ((k->code = keycode(k->key)) < 0) {
			check_err(ck, member_or(config_setting_get_elem(ks, i),
			    "key"), "device: unknown key \"%s\": use an evdev "
			    "name such as KEY_F1 or BTN_0 (evtest lists a "
			    "device's keys)", k->key);
			continue;
		}
		for (j = 0; j < i; j++)
			if (bc->keys[j].code == k->code) {
				check_err(ck, member_or(config_setting_get_elem(
				    ks, i), "key"), "device: key \"%s\" is "
				    "already mapped on line %d", k->key,
				    bc->keys[j].line);
				break;
			}
	}
}

/* The same rules as beacon.conf's: each file readable (beacon-button
 * reads them as itself), a certificate with its key, and only with TLS. */
static void
button_check_tls(struct check *ck, const config_t *lc,
    const struct conf_button *bc)
{
	const char *names[] = { "cafile", "certfile", "keyfile" };
	const char *paths[] = { bc->cafile, bc->certfile, bc->keyfile };
	const char *why;
	struct stat sb;
	size_t i;

	for (i = 0; i < 3; i++)
		if (paths[i] != NULL && (why = conf_file_problem(paths[i], 0,
		    1, &sb)) != NULL)
			check_err(ck, config_lookup(lc, names[i]),
			    "beacon-button: %s \"%s\": %s", names[i],
			    paths[i], why);
	if ((bc->certfile != NULL) != (bc->keyfile != NULL))
		check_err(ck, config_lookup(lc, bc->certfile != NULL ?
		    "certfile" : "keyfile"), "beacon-button: certfile and "
		    "keyfile go together: a client certificate needs its key");
	if (bc->certfile != NULL && bc->cafile == NULL)
		check_err(ck, config_lookup(lc, "certfile"), "beacon-button: "
		    "a client certificate needs TLS: set cafile to the CA of "
		    "the broker's certificate");
}

static void
button_check(struct check *ck, const config_t *lc, struct conf_button *bc,
    conf_keycode_fn keycode)
{
	button_check_keys(ck, lc, bc, keycode);
	if (bc->password != NULL && bc->username == NULL)
		check_err(ck, config_lookup(lc, "password"), "beacon-button: "
		    "password without a username");
	button_check_tls(ck, lc, bc);
	/* One spool per device, so that buttons may share a machine. */
	if (bc->spool == NULL && bc->device != NULL)
		bc->spool = xasprintf("%s/%s.spool", BUTTON_SPOOL_DIR,
		    bc->device);
}

static int
button_finish(config_t *lc, int parsed, const char *name,
    conf_keycode_fn keycode, struct conf_button **out, char **cause)
{
	struct check ck = { name, config_get_include_dir(lc), NULL, 0 };
	struct conf_button *bc = xcalloc(1, sizeof *bc);

	bc->path = xstrdup(name);
	if (!parsed)
		check_at(&ck, config_error_file(lc), config_error_line(lc), "%s",
		    config_error_text(lc));
	else {
		group_read(&ck, config_root_setting(lc), "beacon-button",
		    button_fields, bc);
		button_check(&ck, lc, bc, keycode);
	}
	*out = NULL;
	if (ck.nerrs != 0) {
		*cause = check_cause(&ck);
		check_clear(&ck);
		conf_button_free(bc);
		return -1;
	}
	*out = bc;
	return 0;
}

int
conf_button_load(const char *path, conf_keycode_fn keycode,
    struct conf_button **out, char **cause)
{
	config_t lc;
	int rc, parsed;

	*out = NULL;
	if ((parsed = conf_parse_file(path, &lc, cause)) < 0)
		return -1;
	rc = button_finish(&lc, parsed, path, keycode, out, cause);
	config_destroy(&lc);
	return rc;
}

int
conf_button_load_string(const char *text, const char *name,
    conf_keycode_fn keycode, struct conf_button **out, char **cause)
{
	config_t lc;
	int rc, parsed;

	config_init(&lc);
	parsed = config_read_string(&lc, text) == CONFIG_TRUE;
	rc = button_finish(&lc, parsed, name, keycode, out, cause);
	config_destroy(&lc);
	return rc;
}

void
conf_button_free(struct conf_button *bc)
{
	size_t i;

	if (bc == NULL)
		return;
	for (i = 0; i < bc->nkeys; i++) {
		free(bc->keys[i].key);
		free(bc->keys[i].type);
	}
	free(bc->keys);
	free(bc->path);
	free(bc->topic_prefix);
	free(bc->broker_host);
	free(bc->username);
	free(bc->password);
	free(bc->cafile);
	free(bc->certfile);
	free(bc->keyfile);
	free(bc->spool);
	free(bc->input);
	free(bc->device);
	free(bc->branch);
	free(bc->location);
	free(bc->long_press_type);
	free(bc);
}

char *
conf_button_summary(const struct conf_button *bc)
{
	char lp[64] = "no long press";

	if (bc->long_press > 0)
		snprintf(lp, sizeof lp, "long press %.1f s: %s",
		    bc->long_press / 1000.0, bc->long_press_type);
	return xasprintf("%s: ok: device %s at branch %s, %zu %s, %s, "
	    "broker %s:%d, spool %s", bc->path, bc->device, bc->branch,
	    bc->nkeys, plural(bc->nkeys, "key", "keys"), lp, bc->broker_host,
	    bc->broker_port, bc->spool);
}
