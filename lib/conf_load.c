/* The file: its top-level groups, beacond's broker account, TLS and
 * secrets, and the load itself. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "xmalloc.h"

static const struct conf_field beacon_fields[] = {
	CONF_STRD(struct config, topic_prefix, "beacon", conf_valid_prefix),
	{ "broker", conf_field_broker, 0, 0, 0, 0, 0, 0, NULL, NULL },
	CONF_STRD(struct config, client_id, "beacond", conf_valid_id),
	CONF_STRD(struct config, database, "/var/lib/beacon/beacon.db",
	    conf_valid_nonempty),
	CONF_INT(struct config, session_expiry, 0, 0, INT_MAX, 86400),
	CONF_INT(struct config, keepalive, 0, 5, 3600, 30),
	CONF_INT(struct config, heartbeat, 0, 1, 3600, 10),
	CONF_STRS(struct config, admins, 0),
	CONF_STR(struct config, username, 0, conf_valid_nonempty),
	CONF_STR(struct config, password_file, 0, conf_valid_nonempty),
	CONF_STR(struct config, cafile, 0, conf_valid_nonempty),
	CONF_STR(struct config, capath, 0, conf_valid_nonempty),
	CONF_STR(struct config, certfile, 0, conf_valid_nonempty),
	CONF_STR(struct config, keyfile, 0, conf_valid_nonempty),
	CONF_STR(struct config, share_group, 0, conf_valid_share_group),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct conf_field life_fields[] = {
	{ "severity", conf_field_int, offsetof(struct config, life_severity), 0,
	    0, 1, 4, 1, NULL, NULL },
	{ "roles", conf_field_strs, offsetof(struct config, life_roles),
	    offsetof(struct config, nlife_roles), 0, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* debrief: { ... }: after an incident is resolved. A week is the longest
 * sensible reminder; a quarter the longest due time. */
static const struct conf_field debrief_fields[] = {
	{ "role", conf_field_str, offsetof(struct config, debrief_role), 0, 0,
	    0, 0, 0, NULL, conf_valid_id },
	{ "due", conf_field_int, offsetof(struct config, debrief_due), 0, 0, 1,
	    90 * 86400, 72 * 3600, NULL, NULL },
	{ "reminder", conf_field_int, offsetof(struct config, debrief_reminder),
	    0, 0, 0, 90 * 86400, 24 * 3600, NULL, NULL },
	{ "referral_types", conf_field_strs, offsetof(struct config,
	    referral_types), offsetof(struct config, nreferral_types), 0, 0,
	    0, 0, NULL, NULL },
	{ "notice_types", conf_field_strs, offsetof(struct config,
	    notice_types), offsetof(struct config, nnotice_types), 0, 0, 0, 0,
	    NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* devices: { ... }: report devices' health. */
static const struct conf_field devices_fields[] = {
	{ "offline", conf_field_int, offsetof(struct config, device_offline), 0,
	    0, 1, 86400, 300, NULL, NULL },
	{ "no_answer", conf_field_int, offsetof(struct config, page_no_answer),
	    0, 0, 1, 3600, 10, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* limits: { ... }: how many messages one sender may have handled in each
 * interval; 0 turns a limit off. */
static const struct conf_field limits_fields[] = {
	{ "interval", conf_field_int, offsetof(struct config, limit_interval),
	    0, 0, 1, 3600, 10, NULL, NULL },
	{ "per_device", conf_field_int, offsetof(struct config, limit_device),
	    0, 0, 0, 1000000, 30, NULL, NULL },
	{ "per_source", conf_field_int, offsetof(struct config, limit_source),
	    0, 0, 0, 1000000, 300, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* push: { ... }: an HTTP push service. */
static const struct conf_field push_fields[] = {
	{ "url", conf_field_secret, offsetof(struct config, push_url), 0, 0, 0,
	    0, 0, NULL, conf_valid_http_url },
	{ "token", conf_field_secret, offsetof(struct config, push_token), 0, 0,
	    0, 0, 0, NULL, conf_valid_nonempty },
	{ "timeout", conf_field_int, offsetof(struct config, push_timeout), 0,
	    0, 1, 60, 5, NULL, NULL },
	{ "retries", conf_field_int, offsetof(struct config, push_retries), 0,
	    0, 0, 10, 3, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* http: { ... }: beacond's listener for the web pages. Both fields are
 * needed once the group is there. */
static const struct conf_field http_fields[] = {
	{ "listen", conf_field_str, offsetof(struct config, http_listen), 0, 1,
	    0, 0, 0, NULL, conf_valid_listen },
	{ "root", conf_field_str, offsetof(struct config, http_root), 0, 1, 0,
	    0, 0, NULL, conf_valid_nonempty },
	{ "url", conf_field_str, offsetof(struct config, http_url), 0, 0, 0,
	    0, 0, NULL, conf_valid_base_url },
	{ "tls_cert", conf_field_str, offsetof(struct config, http_tls_cert),
	    0, 0, 0, 0, 0, NULL, conf_valid_nonempty },
	{ "tls_key", conf_field_str, offsetof(struct config, http_tls_key),
	    0, 0, 0, 0, 0, NULL, conf_valid_nonempty },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* webpush: { ... }: Web Push to the responder app. */
static const struct conf_field webpush_fields[] = {
	{ "subject", conf_field_str, offsetof(struct config, webpush_subject),
	    0, 0, 0, 0, 0, NULL, conf_valid_vapid_subject },
	{ "key_file", conf_field_str, offsetof(struct config,
	    webpush_key_file), 0, 0, 0, 0, 0, NULL, conf_valid_nonempty },
	{ "ttl", conf_field_int, offsetof(struct config, webpush_ttl), 0, 0,
	    0, 2419200, 3600, NULL, NULL },
	{ "timeout", conf_field_int, offsetof(struct config, webpush_timeout),
	    0, 0, 1, 60, 10, NULL, NULL },
	{ "retries", conf_field_int, offsetof(struct config, webpush_retries),
	    0, 0, 0, 10, 2, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* links: { ... }: the signed action links. A link outliving a shift is
 * a link a lost phone can still use. */
static const struct conf_field links_fields[] = {
	{ "secret_file", conf_field_str, offsetof(struct config,
	    links_secret_file), 0, 0, 0, 0, 0, NULL, conf_valid_nonempty },
	{ "lifetime", conf_field_int, offsetof(struct config, links_lifetime),
	    0, 0, 60, 43200, 14400, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* alarms: { ... }: the cancel window and repeated presses. A report of
 * severity 1-2 never waits; a minute is the longest sensible window. */
static const struct conf_field alarms_fields[] = {
	{ "cancel_window", conf_field_int, offsetof(struct config,
	    cancel_window), 0, 0, 0, 60, 5, NULL, NULL },
	{ "cancel_severity", conf_field_int, offsetof(struct config,
	    cancel_severity), 0, 0, 3, 4, 3, NULL, NULL },
	{ "repeat_window", conf_field_int, offsetof(struct config,
	    repeat_window), 0, 0, 0, 3600, 120, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* standby: { ... }: a standby pair (docs/deployment.md). A lease under 2 s
 * would be renewed faster than a loaded broker answers; over a minute
 * leaves reports waiting too long after a failure. */
static const struct conf_field standby_fields[] = {
	{ "instance", conf_field_str, offsetof(struct config, standby_instance),
	    0, 1, 0, 0, 0, NULL, conf_valid_id },
	{ "partner", conf_field_str, offsetof(struct config, standby_partner),
	    0, 1, 0, 0, 0, NULL, conf_valid_id },
	{ "lease", conf_field_int, offsetof(struct config, standby_lease), 0, 0,
	    2, 60, 5, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* reminders: { ... }: acknowledged but not on scene. */
static const struct conf_field reminders_fields[] = {
	{ "on_scene", conf_field_int, offsetof(struct config, remind_on_scene),
	    0, 0, 0, 86400, 0, NULL, NULL },
	{ "escalate", conf_field_int, offsetof(struct config, remind_escalate),
	    0, 0, 0, 86400, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* records: { ... }: retention and who may ask for records. */
static const struct conf_field records_fields[] = {
	CONF_INT(struct config, retention_days, 0, 0, 100 * 366, 400),
	CONF_STRS(struct config, query_roles, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* ---- beacond's broker account and TLS ---------------------------------- */

/* "file:line" of setting s; the caller frees it. */
static char *
check_where(const struct conf_check *ck, const config_setting_t *s)
{
	char *file = conf_check_file(ck, config_setting_source_file(s)), *at;

	at = xasprintf("%s:%d", file, (int)config_setting_source_line(s));
	free(file);
	return at;
}

/* A file (or, with dir, a directory) that beacond reads: why it cannot
 * be, or NULL. */
const char *
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
check_broker_file(struct conf_check *ck, const config_t *lc, const char *name,
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
		conf_check_err(ck, s, "beacon: %s \"%s\": %s", name, path, why);
}

/* password_file, keyfile: beacond's secrets, which only its own user may
 * read; whether it can is conf_read_secrets' to say. Returns where the
 * setting is, for its errors. */
static char *
check_secret(struct conf_check *ck, const config_t *lc, const char *name,
    const char *path)
{
	const config_setting_t *s;
	struct stat sb;
	const char *why;
	char key[32];

	snprintf(key, sizeof key, "beacon.%s", name);
	s = config_lookup(lc, key);
	if ((why = conf_file_problem(path, 0, 0, &sb)) != NULL)
		conf_check_err(ck, s, "beacon: %s \"%s\": %s", name, path, why);
	else if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		conf_check_err(ck, s, "beacon: %s \"%s\" is open to group or "
		    "others (mode %04o): make it readable by beacond's user "
		    "only (chmod 600)", name, path, (unsigned)(sb.st_mode &
		    07777));
	return check_where(ck, s);
}

static void
check_broker(struct conf_check *ck, const config_t *lc, struct config *cf)
{
	if (cf->password_file != NULL) {
		if (cf->username == NULL)
			conf_check_err(ck, config_lookup(lc,
			    "beacon.password_file"), "beacon: password_file "
			    "without a username");
		cf->password_file_at = check_secret(ck, lc, "password_file",
		    cf->password_file);
	}
	check_broker_file(ck, lc, "cafile", cf->cafile, 0);
	check_broker_file(ck, lc, "capath", cf->capath, 1);
	check_broker_file(ck, lc, "certfile", cf->certfile, 0);
	if (cf->keyfile != NULL)
		cf->keyfile_at = check_secret(ck, lc, "keyfile", cf->keyfile);
	if (cf->certfile != NULL && cf->keyfile == NULL)
		conf_check_err(ck, config_lookup(lc, "beacon.certfile"),
		    "beacon: certfile without keyfile: a client certificate "
		    "needs its key");
	if (cf->keyfile != NULL && cf->certfile == NULL)
		conf_check_err(ck, config_lookup(lc, "beacon.keyfile"),
		    "beacon: keyfile without certfile: a key needs its "
		    "certificate");
	if (cf->certfile != NULL && cf->cafile == NULL && cf->capath == NULL)
		conf_check_err(ck, config_lookup(lc, "beacon.certfile"),
		    "beacon: a client certificate needs TLS: set cafile (or "
		    "capath) to the CA of the broker's certificate");
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
	"reminders", "standby", "http", "webpush", "links" };

static int
top_known(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof top_groups / sizeof *top_groups; i++)
		if (strcmp(name, top_groups[i]) == 0)
			return 1;
	for (i = 0; i < conf_nlists; i++)
		if (strcmp(name, conf_lists[i].name) == 0)
			return 1;
	return 0;
}

static void top_group(struct conf_check *, const config_setting_t *,
    const char *, const struct conf_field *, struct config *);

/* standby: { } is optional; given, it names two different instances. */
static void
check_standby(struct conf_check *ck, const config_setting_t *root,
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
		conf_check_err(ck, g, "standby: partner must name the other "
		    "instance, not this one (\"%s\")", cf->standby_instance);
	if (cf->share_group != NULL)
		conf_check_err(ck, g, "standby: a pair takes over one session; "
		    "share_group spreads reports over several: use one or "
		    "the other");
}

/* http: { } is optional; given, its root is a directory beacond can
 * read. */
static void
check_http(struct conf_check *ck, const config_t *lc, struct config *cf)
{
	const config_setting_t *root = config_root_setting(lc);
	struct stat sb;
	const char *why;

	if (config_setting_get_member(root, "http") == NULL)
		return;
	top_group(ck, root, "http", http_fields, cf);
	if (cf->http_root != NULL && (why = conf_file_problem(cf->http_root,
	    1, 1, &sb)) != NULL)
		conf_check_err(ck, config_lookup(lc, "http.root"), "http: "
		    "root \"%s\": %s: point it at the built pages "
		    "(build/web)", cf->http_root, why);
	if ((cf->http_tls_cert == NULL) != (cf->http_tls_key == NULL))
		conf_check_err(ck, config_lookup(lc, cf->http_tls_cert ?
		    "http.tls_cert" : "http.tls_key"), "http: tls_cert and "
		    "tls_key go together: give both to serve HTTPS, or "
		    "neither");
}

/* beacon: { ... } and life_threat: { ... }: optional groups. */
static void
top_group(struct conf_check *ck, const config_setting_t *root, const char *name,
    const struct conf_field *fields, struct config *cf)
{
	const config_setting_t *g = config_setting_get_member(root, name);

	if (g != NULL && config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_check_err(ck, g, "%s must be a group: %s: { ... };", name,
		    name);
		g = NULL;
	}
	conf_group_read(ck, g, name, fields, cf);
}

static void
conf_read(struct conf_check *ck, const config_t *lc, struct config *cf)
{
	const config_setting_t *root = config_root_setting(lc), *s;
	size_t i;
	int j;

	for (j = 0; j < config_setting_length(root); j++) {
		s = config_setting_get_elem(root, j);
		if (!top_known(config_setting_name(s)))
			conf_check_err(ck, s, "unknown setting \"%s\"",
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
	check_http(ck, lc, cf);
	top_group(ck, root, "webpush", webpush_fields, cf);
	top_group(ck, root, "links", links_fields, cf);
	for (i = 0; i < conf_nlists; i++)
		conf_list_read(ck, config_setting_get_member(root,
		    conf_lists[i].name), &conf_lists[i], cf);
	conf_check_roles(ck, cf, cf->life_roles, cf->nlife_roles,
	    config_lookup(lc, "life_threat.roles"), "life_threat");
	for (i = 0; i < conf_nlists; i++)
		conf_list_check(ck, root, &conf_lists[i], cf);
	conf_check_records(ck, lc, cf);
	if (ck->nerrs == 0)
		conf_check_languages(ck, lc, cf);
}

/* Check a parsed file; on success *out owns the result. */
static int
conf_finish(struct conf_file *f, const char *name, struct config **out,
    char **cause)
{
	struct config *cf = xcalloc(1, sizeof *cf);

	cf->path = xstrdup(name);
	if (conf_file_root(f) != NULL) {
		conf_read(conf_file_check(f), conf_file_config(f), cf);
		cf->warnings = conf_check_warnings(conf_file_check(f));
	}
	*out = NULL;
	if (conf_file_close(f, cause) != 0) {
		conf_free(cf);
		return -1;
	}
	*out = cf;
	return 0;
}

int
conf_load(const char *path, struct config **out, char **cause)
{
	struct conf_file *f;

	*out = NULL;
	if ((f = conf_file_open(path, cause)) == NULL)
		return -1;
	return conf_finish(f, path, out, cause);
}

int
conf_load_string(const char *text, const char *name, struct config **out,
    char **cause)
{
	return conf_finish(conf_file_string(text, name), name, out, cause);
}
