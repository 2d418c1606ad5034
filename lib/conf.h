/*
 * beacon.conf, read with libconfig (lib/conf*.c are its only users).
 * All strings and arrays below are owned by the struct config and freed by
 * conf_free(). Pointers returned by the lookup functions borrow from it.
 */
#ifndef BEACON_CONF_H
#define BEACON_CONF_H

#include <stddef.h>

#include "i18n.h"

#define CONF_ID_MAX 64 /* longest id of a branch, role, responder... */

struct conf_role {
	char *id;    /* "crisis_worker" */
	char *label; /* "crisis worker" */
	char *labels[I18N_NLANGS]; /* by i18n_index: "intervenant·e"; [0]
				    * unused (label is English); NULL: none */
	char *reports_to; /* the role one up (overdue debriefs), or NULL */
	int drill;   /* a life_threat role is notified for drills only
		      * when set (default 0); other roles always are */
	int line;
	int repeat; /* re-notify this role every N s until acknowledged, when
		     * the step gives no repeat; 0 = never */
};

/* A weekly time window: a responder's shift or a branch's opening hours.
 * until <= from crosses midnight into the next day. */
struct conf_window {
	char *branch;	/* shifts: the branch; NULL: every one covered */
	char **days;	/* "mon".."sun", "daily", "weekdays", "weekends" */
	size_t ndays;
	char *from, *until; /* "HH:MM" */
	int dmask;	/* the days, bit 0 Sunday (struct tm's tm_wday) */
	int from_min, until_min;
	int line;
};

/* A closure: dates from..until inclusive ("YYYY-MM-DD"). */
struct conf_closure {
	char *from, *until;
	char *reason;	/* NULL: none */
	int from_ymd, until_ymd;
	int line;
	int repeat; /* re-notify this role every N s until acknowledged, when
		     * the step gives no repeat; 0 = never */
};

struct conf_branch {
	char *id;       /* "central": the {branch} topic segment */
	char *name;     /* "Central Library" */
	char *timezone; /* "America/Toronto" */
	char *language; /* "fr"; NULL: not set (beacond speaks English, the
			 * pages follow the browser) */
	char **buttons; /* categories on the staff report page, in order;
			 * NULL: every category, most severe first */
	size_t nbuttons;
	int line;
	/* Opening hours; none: open whenever not closed. */
	struct conf_window *hours;
	size_t nhours;
	struct conf_closure *closures;
	size_t nclosures;
	char **holidays;	/* "YYYY-MM-DD": closed all day */
	size_t nholidays;
	int *holiday_ymd;
};

struct conf_responder {
	char *id;    /* "crisis-1": the {responder} topic segment */
	char *name;  /* "Crisis worker on duty" */
	char *role;  /* a conf_role id */
	char *language; /* "fr"; NULL: the incident's branch's */
	char **branches; /* branch ids; "*" covers every branch */
	size_t nbranches;
	int line;
	/* Weekly shifts; none: always on duty. */
	struct conf_window *shifts;
	size_t nshifts;
};

struct conf_step {
	int after;  /* seconds after the previous step (step 0: the report) */
	int repeat; /* re-notify this step every N s until acked; 0 = never */
	char **roles; /* role ids: every responder of the role on the branch */
	size_t nroles;
	char **responders; /* responder ids named directly */
	size_t nresponders;
	int line;
};

struct conf_policy {
	char *id;
	struct conf_step *steps; /* nsteps >= 1 */
	size_t nsteps;
	int line;
};

struct conf_category {
	char *id;    /* "overdose": the report's "type" */
	char *label; /* "Suspected overdose" */
	char *labels[I18N_NLANGS]; /* as conf_role's */
	int severity; /* default severity 1..4 */
	char *policy; /* a conf_policy id */
	const struct conf_policy *pol; /* resolved by conf_load */
	int cancel;   /* -1: by alarms.cancel_severity; 0: never wait for a
		       * cancel; 1: wait (severity 3-4 reports only) */
	int line;
	/* The policy when the branch is closed; NULL: the same policy. */
	char *after_hours;
	const struct conf_policy *after_pol;
	/* Roles that must each acknowledge before the incident is taken
	 * ("security", "emergency" for a weapon); empty: one ack will do. */
	char **require;
	size_t nrequire;
};

struct config {
	char *path; /* the file it was read from, or the name given */
	/* What is valid but will surprise: "file:line: warning: ..." lines
	 * (a label with no translation for a language in use, a language
	 * this machine cannot show), or NULL. */
	char *warnings;

	/* beacon: { ... } */
	char *topic_prefix;   /* "beacon" */
	char *broker_host;    /* "127.0.0.1" */
	int broker_port;      /* 1883 */
	char *client_id;      /* "beacond" */
	char *database;       /* "/var/lib/beacon/beacon.db" */
	int session_expiry;   /* seconds, MQTT v5 session expiry (86400) */
	int keepalive;        /* seconds (30) */
	int heartbeat;        /* seconds between heartbeats (10) */
	char **admins;        /* responders told when the database fails */
	size_t nadmins;
	/* beacond's broker account and TLS (NULL: none). The password is
	 * not read by conf_load but by conf_read_secrets: the commands
	 * load beacon.conf too, as users who may not read beacond's
	 * secrets. TLS is on when cafile or capath is set. */
	char *username;
	char *password_file;  /* holds the password, on its first line */
	char *password;       /* set by conf_read_secrets */
	char *cafile;         /* the CA that signed the broker's certificate */
	char *capath;         /* or a directory of CA certificates */
	char *certfile;       /* beacond's client certificate, with keyfile */
	char *keyfile;
	char *password_file_at; /* "file:line" of these two settings, for */
	char *keyfile_at;	/* the errors of conf_read_secrets */
	char *share_group;	/* MQTT v5 shared subscriptions: beacond
				 * subscribes as $share/{group}/...;
				 * NULL: off */

	/* life_threat: { severity = 1; roles = ["emergency"]; } A report at
	 * this severity or lower (more serious) sets call_911 and adds these
	 * roles to its first step. */
	int life_severity;
	char **life_roles;
	size_t nlife_roles;

	/* debrief: { ... } After an incident is resolved its debrief is due;
	 * responders of debrief_role on the branch are told at once, reminded
	 * at debrief_reminder, and at debrief_due the role it reports_to is
	 * told it is overdue. Times in seconds after resolution. */
	char *debrief_role;	/* "supervisor"; NULL: nobody is told */
	int debrief_due;	/* 259200 (72 h) */
	int debrief_reminder;	/* 86400 (24 h); 0: no reminder */
	char **referral_types;	/* community-partner referral types */
	size_t nreferral_types;
	char **notice_types;	/* "trespass", "suspension", ... */
	size_t nnotice_types;

	/* devices: { ... } Report devices (buttons, report pages) that are
	 * offline longer than this are reported to the branch's debrief role
	 * (the supervisor). */
	int device_offline;	/* seconds (300) */
	/* A report page that has had no answer from beacond for this long
	 * says "Offline: call directly" (beacon/config/{branch}). */
	int page_no_answer;	/* seconds (10) */

	/* limits: { ... } Messages handled per sender in each interval; the
	 * excess is set aside, answered once and recorded once per interval
	 * (0: no limit). */
	int limit_interval;	/* seconds (10) */
	int limit_device;	/* reports from one branch's device (30) */
	int limit_source;	/* messages on one branch's or responder's
				 * topics (300) */

	/* push: { ... } An HTTP push service (ntfy's JSON publish format) that
	 * every notification is also POSTed to; off when url is NULL. */
	char *push_url;		/* "http://ntfy.example.org/" */
	char *push_token;	/* Authorization: Bearer ...; NULL: none */
	int push_timeout;	/* seconds for one attempt (5) */
	int push_retries;	/* attempts after the first (3) */

	/* http: { ... } beacond's own HTTP listener for the web pages
	 * (daemon/web.c); off when http_listen is NULL. Read at start-up
	 * only: a reload keeps the listener as started. */
	char *http_listen;	/* "127.0.0.1:8080" */
	char *http_root;	/* "/usr/share/beacon/web": the built pages */
	char *http_url;		/* "https://beacon.example.org": how phones
				 * reach it, for the links in pushes; NULL:
				 * http(s)://listen */
	char *http_tls_cert;	/* PEM chain: serve HTTPS; NULL: plain HTTP */
	char *http_tls_key;	/* PEM private key, with tls_cert */

	/* webpush: { ... } Web Push to the responder app's subscriptions
	 * (daemon/webpush.c); on when the http listener is. */
	char *webpush_subject;	/* VAPID "sub": mailto: or https: */
	char *webpush_key_file;	/* the VAPID key pair (PEM, 0600); NULL:
				 * vapid.pem beside the database */
	int webpush_ttl;	/* seconds a push service keeps one (3600) */
	int webpush_timeout;	/* seconds for one attempt (10) */
	int webpush_retries;	/* attempts after the first (2) */

	/* links: { ... } The signed action links in pushes (daemon/link.c). */
	char *links_secret_file; /* HMAC key (0600); NULL: links.key beside
				  * the database */
	int links_lifetime;	/* seconds a link acts (14400) */

	/* reminders: { ... } Acknowledged but not on scene: the responder
	 * is reminded at on_scene, and the next step notified at escalate
	 * (seconds after the acknowledgment; 0: off). */
	int remind_on_scene;
	int remind_escalate;

	/* records: { ... } */
	int retention_days;	/* 400; 0: keep for ever */
	char **query_roles;	/* roles whose accounts may use
				 * beacon/query: ["supervisor"] */
	size_t nquery_roles;

	/* alarms: { ... } Alarms that are not real. A report of a category
	 * that allows it (severity cancel_severity or less serious, never
	 * 1-2) waits cancel_window seconds before anyone is notified, so the
	 * reporter can cancel it; a report of the same branch and category
	 * within repeat_window seconds of an open incident joins it. */
	int cancel_window;	/* seconds (5); 0: no report waits */
	int cancel_severity;	/* 3: severity 3 and 4 wait */
	int repeat_window;	/* seconds (120); 0: never joined */

	/* standby: { instance = "central-a"; partner = "central-b";
	 * lease = 5; } A standby pair (docs/deployment.md): NULL instance,
	 * no group, one beacond alone. */
	char *standby_instance;
	char *standby_partner;
	int standby_lease;	/* seconds (5) */

	struct conf_role *roles;
	size_t nroles;
	struct conf_branch *branches;
	size_t nbranches;
	struct conf_responder *responders;
	size_t nresponders;
	struct conf_policy *policies;
	size_t npolicies;
	struct conf_category *categories;
	size_t ncategories;
};

/*
 * Read and check a configuration file. On success returns 0 and sets *out.
 * On failure returns -1 and sets *cause to every error found, one per line,
 * each "file:line: message" (libconfig's syntax errors and the semantic
 * checks alike); the caller frees *cause.
 */
int conf_load(const char *path, struct config **out, char **cause);
/* The same from a string; name stands in for the file name in errors. */
int conf_load_string(const char *text, const char *name,
    struct config **out, char **cause);
void conf_free(struct config *);
/* beacond's own secrets, which conf_load only looks at: read the
 * password from password_file into cf->password, and check that keyfile
 * can be read. 0, or -1 with *cause ("file:line: message" lines; the
 * caller frees it). Nothing to do without them. */
int conf_read_secrets(struct config *cf, char **cause);
/* One line: "conf/beacon.conf: 2 branches, 5 roles, ..."; caller frees. */
char *conf_summary(const struct config *);

const struct conf_role *conf_role(const struct config *, const char *id);
const struct conf_branch *conf_branch(const struct config *, const char *id);
const struct conf_responder *conf_responder(const struct config *,
    const char *id);
const struct conf_category *conf_category(const struct config *,
    const char *id);
const struct conf_policy *conf_policy(const struct config *, const char *id);
/* A policy that outlives its configuration: an open incident keeps the
 * policy it started with across a reload (engine.c). */
struct conf_policy *conf_policy_dup(const struct conf_policy *);
void conf_policy_free(struct conf_policy *);
/* 1 if the two have the same steps (timing, repeats, roles, responders). */
int conf_policy_equal(const struct conf_policy *,
    const struct conf_policy *);
/* The label in lang (a branch's or a responder's language), else the
 * English one. */
const char *conf_role_label(const struct conf_role *, const char *lang);
const char *conf_category_label(const struct conf_category *,
    const char *lang);
/* The language beacond speaks to a branch ("en" when not set), and to a
 * responder about an incident at branch (their own, else the branch's). */
const char *conf_branch_lang(const struct config *, const char *branch);
const char *conf_responder_lang(const struct config *,
    const char *responder, const char *branch);
/* 1 if the list holds s. */
int conf_has(char *const *list, size_t n, const char *s);
/* 1 if the responder covers the branch. */
int conf_covers(const struct conf_responder *, const char *branch);

/* ---- reading another program's file --------------------------------------
 * beacon-button.conf is read with the same tables, readers and file:line
 * errors as beacon.conf: its program describes each group with a table of
 * struct conf_field (ending with a NULL name) and reads the file through
 * conf_file_*. A conf_setting is one setting of the file, libconfig's, and
 * only lib/conf*.c looks inside it.
 */
typedef struct config_setting_t conf_setting;
struct conf_check;	/* the errors of one file */
struct conf_file;	/* a file being read */
struct stat;

struct conf_field;
typedef void (*conf_read_fn)(struct conf_check *, const conf_setting *,
    const char *, const struct conf_field *, void *);
/* Returns NULL when the value is fine, else why it is not. */
typedef const char *(*conf_valid_fn)(const char *);

/* One setting of a group: how to read it, where it goes, its default. */
struct conf_field {
	const char *name;
	conf_read_fn read;
	size_t off;  /* of the value in the struct */
	size_t noff; /* of the count, for lists */
	int required;
	long long min, max;  /* integers */
	int idef;            /* integer default */
	const char *sdef;    /* string default */
	conf_valid_fn valid;
};

/* The setting is named like the member it fills. */
#define CONF_STR(st, m, req, valid) \
	{ #m, conf_field_str, offsetof(st, m), 0, req, 0, 0, 0, NULL, valid }
#define CONF_STRD(st, m, def, valid) \
	{ #m, conf_field_str, offsetof(st, m), 0, 0, 0, 0, 0, def, valid }
#define CONF_INT(st, m, req, lo, hi, def) \
	{ #m, conf_field_int, offsetof(st, m), 0, req, lo, hi, def, NULL, NULL }

/* A list of groups inside a group: a policy's steps, a button's keys. */
struct conf_nested {
	size_t size;		/* of one element */
	size_t line_off;	/* of its int line */
	const struct conf_field *fields;
	char *(*ctx)(const conf_setting *el, const char *ctx, int i);
	const char *example;	/* what one element looks like */
};

/* A file, parsed; NULL with *cause when it cannot be opened (a syntax
 * error is kept as an error of the file). */
struct conf_file *conf_file_open(const char *path, char **cause);
/* The same from a string; name stands in for the file name in errors. */
struct conf_file *conf_file_string(const char *text, const char *name);
/* Its top-level group; NULL after a syntax error. */
const conf_setting *conf_file_root(struct conf_file *);
/* The setting at path ("device.keys"), or NULL. */
const conf_setting *conf_file_lookup(struct conf_file *, const char *path);
/* Where its errors go. */
struct conf_check *conf_file_check(struct conf_file *);
/* Free it: 0 when it had no error, else -1 and *cause, every error as
 * "file:line: message" on a line of its own (the caller frees it). */
int conf_file_close(struct conf_file *, char **cause);

/* An error about setting s (NULL: the file), as printf. */
void conf_check_err(struct conf_check *, const conf_setting *s,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Readers for struct conf_field: s NULL means "absent, use the default". */
void conf_field_str(struct conf_check *, const conf_setting *s,
    const char *ctx, const struct conf_field *, void *base);
void conf_field_int(struct conf_check *, const conf_setting *s,
    const char *ctx, const struct conf_field *, void *base);
void conf_field_bool(struct conf_check *, const conf_setting *s,
    const char *ctx, const struct conf_field *, void *base);
/* Seconds, whole or not ("2" or "1.5"), kept as milliseconds (min and
 * max in ms); 0: none. */
void conf_field_seconds(struct conf_check *, const conf_setting *s,
    const char *ctx, const struct conf_field *, void *base);
/* "host:port" into the char * at off and the int at noff. */
void conf_field_hostport(struct conf_check *, const conf_setting *s,
    const char *ctx, const struct conf_field *, void *base);
/* The list s of groups, each read with nd's table. */
void conf_field_nested(struct conf_check *, const conf_setting *s,
    const char *ctx, const struct conf_field *, void *base,
    const struct conf_nested *nd);
/* Every field of group g (NULL: none given) into base; what is missing
 * and what nobody reads are errors. */
void conf_group_read(struct conf_check *, const conf_setting *g,
    const char *ctx, const struct conf_field *fields, void *base);

/* Checks for a string field: NULL when fine, else why not. */
const char *conf_valid_id(const char *);
const char *conf_valid_nonempty(const char *);
const char *conf_valid_prefix(const char *);

/* Settings: 1 if s is a list (or an empty array), 1 if a group; element i
 * of a list, or NULL; the string member name of group el, or NULL; the
 * member name of el when it has one, else el (where an error points). */
int conf_is_list(const conf_setting *s);
int conf_setting_is_group(const conf_setting *s);
const conf_setting *conf_setting_elem(const conf_setting *s, int i);
const char *conf_setting_string(const conf_setting *el, const char *name);
const conf_setting *conf_member_or(const conf_setting *el,
    const char *name);
/* Why the file at path is not usable (dir: it must be a directory,
 * readable: by this process), or NULL; sb gets its status. */
const char *conf_file_problem(const char *path, int dir, int readable,
    struct stat *sb);

#endif
