/*
 * Command-line options. One catalogue describes every option any command
 * takes (as tmux's options-table.c does); each command names the ones it
 * accepts in its table entry, and one getopt_long loop parses them all.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beacon.h"
#include "cli.h"
#include "i18n.h"
#include "log.h"
#include "xmalloc.h"

enum arg_type {
	ARG_FLAG,   /* no value: sets an int to 1 */
	ARG_STR,    /* any string */
	ARG_ID,     /* an id, which is also a topic level */
	ARG_PREFIX, /* a topic prefix */
	ARG_INT,    /* an integer from min to max */
	ARG_SECS,   /* seconds, decimals allowed; kept in ms */
	ARG_INT64,  /* an int64_t from min to max */
	ARG_NUM,    /* a double from min to max */
	ARG_TIME,   /* a date or time (args_time); kept in ms */
	ARG_DATE,   /* a calendar date, YYYY-MM-DD */
	ARG_ENUM,   /* a name that fromname maps to an int from min to max */
	ARG_LIST,   /* repeatable: each value appended to a struct arg_list */
};

struct arg_def {
	const char *name;
	enum arg_type type;
	const char *metavar;
	size_t off; /* into struct cli_opts */
	long long min, max;
	const char *help;
};

/* The names of ARG_ENUM options: name to value (-1 when unknown) and
 * back. */
struct arg_enum {
	const char *option;
	int (*fromname)(const char *);
	const char *(*toname)(int);
};

static const struct arg_enum arg_enums[] = {
	{ "state", state_from_name, state_name },
	{ "wellbeing", wellbeing_from_name, wellbeing_name },
	{ "route", route_from_name, route_name },
	{ "outcome", outcome_from_name, outcome_name },
};

#define OFF(m) offsetof(struct cli_opts, m)

static const struct arg_def arg_table[] = {
	{ "broker", ARG_STR, "HOST:PORT", OFF(broker), 0, 0,
	    "the MQTT broker (BEACON_BROKER, default " CLI_BROKER ")" },
	{ "prefix", ARG_PREFIX, "P", OFF(prefix), 0, 0,
	    "the topic prefix (BEACON_PREFIX, default " CLI_PREFIX ")" },
	{ "username", ARG_STR, "NAME", OFF(username), 0, 0,
	    "the broker account (BEACON_USERNAME, default: --as, if "
	    "given); its password comes from BEACON_PASSWORD" },
	{ "cafile", ARG_STR, "FILE", OFF(cafile), 0, 0,
	    "connect with TLS, trusting the broker's certificate if this CA "
	    "signed it (BEACON_CAFILE)" },
	{ "cert", ARG_STR, "FILE", OFF(cert), 0, 0,
	    "a client certificate for TLS, with --key (BEACON_CERT)" },
	{ "key", ARG_STR, "FILE", OFF(key), 0, 0,
	    "the client certificate's private key (BEACON_KEY)" },
	{ "help", ARG_FLAG, NULL, OFF(help), 0, 0, "show this help" },
	{ "verbose", ARG_FLAG, NULL, OFF(verbose), 0, 0,
	    "log the connection's progress on stderr" },
	{ "db", ARG_STR, "PATH", OFF(db), 0, 0,
	    "the database, read only (BEACON_DB, default " CLI_DB ")" },
	{ "config", ARG_STR, "FILE", OFF(config), 0, 0,
	    "beacon.conf, for branch names and category labels (BEACON_CONFIG, "
	    "default " CLI_CONFIG ")" },
	{ "json", ARG_FLAG, NULL, OFF(json), 0, 0,
	    "print JSON for scripts instead of text" },
	{ "branch", ARG_ID, "B", OFF(branch), 0, 0, "the branch id" },
	{ "type", ARG_STR, "T", OFF(type), 0, 0,
	    "the incident category (overdose, medical, weapon...)" },
	{ "severity", ARG_INT, "N", OFF(severity), 1, 4,
	    "1 threat to life ... 4 record only (a report's default: the "
	    "category's)" },
	{ "location", ARG_STR, "L", OFF(location), 0, 0,
	    "where it is happening (up to 128 bytes)" },
	{ "note", ARG_STR, "TEXT", OFF(note), 0, 0,
	    "a short note (up to 512 bytes)" },
	{ "device", ARG_STR, "D", OFF(device), 0, 0,
	    "the reporting device (up to 64 bytes); enroll: the phone, an id" },
	{ "reporter", ARG_STR, "R", OFF(reporter), 0, 0,
	    "who reports (up to 64 bytes; the least that serves)" },
	{ "id", ARG_ID, "ID", OFF(id), 0, 0,
	    "the report id (default: cli- and 16 random hex digits); "
	    "the same id again is the same report" },
	{ "silent", ARG_FLAG, NULL, OFF(silent), 0, 0,
	    "a silent alarm: responders must not call the desk" },
	{ "drill", ARG_FLAG, NULL, OFF(drill), 0, 0,
	    "a report: a drill, labelled DRILL everywhere and kept out of "
	    "statistics; a listing: drills only" },
	{ "follow", ARG_FLAG, NULL, OFF(follow), 0, 0,
	    "keep printing until the incident is resolved" },
	{ "spool", ARG_STR, "DIR", OFF(spool), 0, 0,
	    "keep unanswered reports in DIR until they are answered "
	    "(BEACON_SPOOL, default $XDG_STATE_HOME/beacon/spool or "
	    "~/.local/state/beacon/spool)" },
	{ "flush", ARG_FLAG, NULL, OFF(flush), 0, 0,
	    "make no new report: send the spooled ones and wait for their "
	    "answers" },
	{ "timeout", ARG_SECS, "SECONDS", OFF(timeout), 1, 86400000,
	    "how long to wait for beacond's answer (default 10)" },
	{ "as", ARG_ID, "RESPONDER", OFF(as), 0, 0,
	    "your responder id: the account you answer, ask or record as" },
	{ "role", ARG_ID, "ROLE", OFF(role), 0, 0,
	    "the role to call (a role id of beacon.conf)" },
	{ "count", ARG_INT, "N", OFF(count), 1, INT_MAX,
	    "exit after N messages" },
	{ "open", ARG_FLAG, NULL, OFF(open), 0, 0, "only open incidents" },

	/* Listings, exports, reports. */
	{ "since", ARG_TIME, "TIME", OFF(since), 0, 0,
	    "from TIME: YYYY-MM-DD (local midnight), YYYY-MM-DDTHH:MM[:SS] "
	    "(local) or RFC 3339 with Z or an offset" },
	{ "until", ARG_TIME, "TIME", OFF(until), 0, 0,
	    "before TIME (excluded), in the same forms as --since" },
	{ "out", ARG_STR, "FILE", OFF(out), 0, 0,
	    "write to FILE instead of standard output" },
	{ "lang", ARG_STR, "LANG", OFF(lang), 0, 0,
	    "the report's language, en or fr (default: the branch's, with "
	    "--branch; else en)" },
	{ "format", ARG_STR, "FMT", OFF(format), 0, 0,
	    "the output format (see the usage line)" },
	{ "responder", ARG_ID, "ID", OFF(responder), 0, 0,
	    "only incidents this responder was notified for or acted on" },
	{ "state", ARG_ENUM, "NAME", OFF(state), ST_RECEIVED, ST_RESOLVED,
	    "only incidents in this state (received, routed, acknowledged, "
	    "on_scene, resolved)" },
	{ "no-drill", ARG_FLAG, NULL, OFF(no_drill), 0, 0,
	    "leave drills out (--drill: only drills)" },
	{ "outcome", ARG_ENUM, "NAME", OFF(outcome), OUTCOME_REAL,
	    OUTCOME_TEST, "only incidents with this outcome (real, cancelled, "
	    "false_alarm, drill, test)" },
	{ "redact", ARG_FLAG, NULL, OFF(redact), 0, 0,
	    "blank names, devices, notes and every free-text field" },
	{ "from", ARG_STR, "TIME", OFF(from_text), 0, 0,
	    "oncall set: from HH:MM (today at the branch), YYYY-MM-DDTHH:MM "
	    "(the branch's local time) or RFC 3339" },
	{ "at", ARG_STR, "TIME", OFF(at_text), 0, 0,
	    "oncall: at this time instead of now: HH:MM, YYYY-MM-DDTHH:MM "
	    "(the branch's local time) or RFC 3339" },
	{ "off", ARG_FLAG, NULL, OFF(off), 0, 0,
	    "oncall set: off duty in that window instead of on" },
	{ "all", ARG_FLAG, NULL, OFF(all), 0, 0,
	    "every revision, not only the latest" },

	/* Supervisor requests through beacond. */
	{ "remote", ARG_FLAG, NULL, OFF(remote), 0, 0,
	    "ask beacond over MQTT (with --as) instead of reading --db" },
	{ "dry-run", ARG_FLAG, NULL, OFF(dry_run), 0, 0,
	    "only count what would go; change nothing" },
	{ "release", ARG_FLAG, NULL, OFF(release), 0, 0,
	    "release the legal hold instead of setting it" },
	{ "event", ARG_INT64, "ID", OFF(event), 1, INT64_MAX,
	    "the timeline event (its id in timeline --json)" },
	{ "speed", ARG_NUM, "N", OFF(speed), 0, 1000000,
	    "play N times faster than it happened (default 1; 0: at once)" },

	/* Debrief fields. */
	{ "interactive", ARG_FLAG, NULL, OFF(interactive), 0, 0,
	    "ask each field in turn, the current value as the default" },
	{ "wellbeing", ARG_ENUM, "STATUS", OFF(wellbeing), WB_OFFERED,
	    WB_NOT_OFFERED, "the wellbeing debrief: offered, held, declined "
	    "or not_offered" },
	{ "held-at", ARG_TIME, "TIME", OFF(held_at), 0, 0,
	    "when the wellbeing debrief was held or offered" },
	{ "facilitator", ARG_ID, "ROLE", OFF(facilitator), 0, 0,
	    "the facilitator's role (eap_counsellor...)" },
	{ "participants", ARG_INT, "N", OFF(participants), 0, 10000,
	    "how many took part" },
	{ "follow-up", ARG_DATE, "DATE", OFF(follow_up), 0, 0,
	    "the date of the follow-up check, YYYY-MM-DD" },
	{ "support", ARG_ID, "ID", OFF(support), 0, 0,
	    "the support referred (employee_assistance...)" },
	{ "route", ARG_ENUM, "right|wrong", OFF(route), ROUTE_RIGHT,
	    ROUTE_WRONG, "was the route right" },
	{ "route-note", ARG_STR, "TEXT", OFF(route_note), 0, 0,
	    "why the route was right or wrong" },
	{ "went-well", ARG_STR, "TEXT", OFF(went_well), 0, 0,
	    "what went well" },
	{ "to-improve", ARG_STR, "TEXT", OFF(to_improve), 0, 0,
	    "what to improve" },
	{ "training", ARG_STR, "TEXT", OFF(training), 0, 0,
	    "training needs" },
	{ "notice", ARG_LIST, "ID", OFF(notices), 0, ARG_LIST_MAX,
	    "a suspension or trespass notice issued; repeatable" },
	{ "referral", ARG_LIST, "TYPE[:N]", OFF(referrals), 0, ARG_LIST_MAX,
	    "N referrals (default 1) to a partner of this type; repeatable" },
	{ "action", ARG_LIST, "SPEC", OFF(actions), 0, ARG_LIST_MAX,
	    "a corrective action, \"WHAT;OWNER;YYYY-MM-DD[;open|done|"
	    "dropped]\"; repeatable" },

	/* bridge-conf. */
	{ "central", ARG_STR, "HOST:PORT", OFF(central), 0, 0,
	    "the central broker as the branch reaches it (default: "
	    "beacon.conf's broker)" },

	/* acl-conf and enroll: the broker's files. */
	{ "passwd", ARG_STR, "FILE", OFF(passwd), 0, 0,
	    "the broker's password file, whose phones (beacon enroll) the "
	    "ACL names (enroll's default " CLI_PASSWD ")" },
	{ "acl", ARG_STR, "FILE", OFF(acl), 0, 0,
	    "the broker's ACL, made again from beacon.conf and the password "
	    "file (default " CLI_ACL ")" },
	{ "url", ARG_STR, "BASE", OFF(url), 0, 0,
	    "the address phones open the app at (default: beacon.conf's "
	    "http.url, else http://http.listen)" },
	{ "revoke", ARG_FLAG, NULL, OFF(revoke), 0, 0,
	    "remove the device's account instead of making one" },
	{ "list", ARG_FLAG, NULL, OFF(list), 0, 0,
	    "list the enrolled devices of the password file" },
};
#define ARG_COUNT (sizeof arg_table / sizeof arg_table[0])

/* Every command takes these. */
static const char args_common[] =
    "broker prefix username cafile cert key help verbose";

void
args_defaults(struct cli_opts *o)
{
	const char *v;

	memset(o, 0, sizeof *o);
	o->broker = (v = getenv("BEACON_BROKER")) != NULL && *v ? v :
	    CLI_BROKER;
	o->prefix = (v = getenv("BEACON_PREFIX")) != NULL && *v ? v :
	    CLI_PREFIX;
	o->username = (v = getenv("BEACON_USERNAME")) != NULL && *v ? v :
	    NULL;
	/* Not an option: a command line is readable by every user. */
	o->password = (v = getenv("BEACON_PASSWORD")) != NULL && *v ? v :
	    NULL;
	o->cafile = (v = getenv("BEACON_CAFILE")) != NULL && *v ? v : NULL;
	o->cert = (v = getenv("BEACON_CERT")) != NULL && *v ? v : NULL;
	o->key = (v = getenv("BEACON_KEY")) != NULL && *v ? v : NULL;
	o->db = (v = getenv("BEACON_DB")) != NULL && *v ? v : CLI_DB;
	o->spool = (v = getenv("BEACON_SPOOL")) != NULL && *v ? v : NULL;
	o->config = (v = getenv("BEACON_CONFIG")) != NULL && *v ? v :
	    CLI_CONFIG;
	o->timeout = CLI_TIMEOUT;
	o->state = -1;
	o->speed = 1;
	o->participants = -1;
}

/* n digits at *p into *v; advances *p. */
static int
args_digits(const char **p, int n, int *v)
{
	int i;

	for (*v = 0, i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* "HH:MM[:SS[.fraction]]" into tm and *msec. */
static int
args_clock(const char **p, struct tm *tm, int *msec)
{
	int scale = 100;

	if (args_digits(p, 2, &tm->tm_hour) != 0 || *(*p)++ != ':' ||
	    args_digits(p, 2, &tm->tm_min) != 0 || tm->tm_hour > 23 ||
	    tm->tm_min > 59)
		return -1;
	if (**p != ':')
		return 0;
	(*p)++;
	if (args_digits(p, 2, &tm->tm_sec) != 0 || tm->tm_sec > 60)
		return -1;
	if (**p != '.')
		return 0;
	if (*++(*p) < '0' || **p > '9')
		return -1;
	/* Milliseconds are kept; finer digits are read and dropped. */
	for (; **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
		*msec += (**p - '0') * scale;
	return 0;
}

/* "" (local time), "Z" or "+HH:MM"/"-HH:MM": *utc and *offset (minutes
 * east of UTC). */
static int
args_zone(const char *p, int *utc, int *offset)
{
	int hh, mm, sign;

	*utc = 1;
	*offset = 0;
	if (*p == '\0') {
		*utc = 0;
		return 0;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (args_digits(&p, 2, &hh) != 0 || *p++ != ':' ||
	    args_digits(&p, 2, &mm) != 0 || *p != '\0' || hh > 23 || mm > 59)
		return -1;
	*offset = sign * (hh * 60 + mm);
	return 0;
}

/* "HH:MM": today at that local time. 0, or -1 when s is not one. */
static int
args_today(const char *s, int64_t *ms)
{
	struct tm tm;
	time_t t = time(NULL);
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || sscanf(s, "%2d:%2d", &h, &m) != 2
	    || h < 0 || h > 23 || m < 0 || m > 59 ||
	    localtime_r(&t, &tm) == NULL)
		return -1;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) <= 0)
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
}

int
args_time(const char *s, int64_t *ms)
{
	char date[DATE_MAX + 1];
	const char *p = s + DATE_MAX;
	struct tm tm;
	int msec = 0, utc = 0, offset = 0;
	time_t t;

	if (args_today(s, ms) == 0)
		return 0;
	if (strlen(s) < DATE_MAX)
		return -1;
	memcpy(date, s, DATE_MAX);
	date[DATE_MAX] = '\0';
	memset(&tm, 0, sizeof tm);
	if (!date_valid(date) || sscanf(date, "%d-%d-%d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if (args_clock(&p, &tm, &msec) != 0 ||
		    args_zone(p, &utc, &offset) != 0)
			return -1;
	}
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) - (time_t)offset * 60 : mktime(&tm);
	/* 0 means "unset" in struct cli_opts. */
	if (t <= 0)
		return -1;
	*ms = (int64_t)t * 1000 + msec;
	return 0;
}

static const struct arg_def *
args_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARG_COUNT; i++)
		if (strlen(arg_table[i].name) == len &&
		    strncmp(arg_table[i].name, name, len) == 0)
			return &arg_table[i];
	return NULL;
}

/*
 * The options a command takes: the common ones, then its own list. Fills
 * defs and required (both ARG_COUNT long); returns how many. A name the
 * catalogue lacks is a bug in the command table.
 */
static size_t
args_select(const struct cmd *c, const struct arg_def **defs, int *required)
{
	const char *lists[] = { args_common, c->options }, *p, *end;
	size_t i, n = 0, len;

	for (i = 0; i < 2; i++) {
		for (p = lists[i]; p != NULL && *p != '\0'; p = end) {
			p += strspn(p, " ");
			end = p + strcspn(p, " ");
			if ((len = (size_t)(end - p)) == 0)
				continue;
			required[n] = p[len - 1] == '!';
			len -= (size_t)required[n];
			if (n == ARG_COUNT || (defs[n] = args_find(p, len)) == NULL)
				fatalx("command %s: bad option list", c->name);
			n++;
		}
	}
	return n;
}

static int
args_prefix_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 128 && strpbrk(s, "+#") == NULL && s[0] != '/' &&
	    s[n - 1] != '/' && strstr(s, "//") == NULL;
}

/* A whole number within the option's limits; 0, or -1 with *cause. */
static int
args_ll(const struct arg_def *d, const char *v, long long *n, char **cause)
{
	char *ep;

	errno = 0;
	*n = strtoll(v, &ep, 10);
	if (*v == '\0' || *ep != '\0' || errno != 0 || *n < d->min ||
	    *n > d->max) {
		/* Ids and the like have no upper bound worth saying. */
		*cause = d->max > INT_MAX ? xasprintf(_("--%s: must be a "
		    "number from %lld"), d->name, d->min) : xasprintf(_("--%s: "
		    "must be %lld to %lld"), d->name, d->min, d->max);
		return -1;
	}
	return 0;
}

/* A decimal number from lo to hi; 0, or -1 (the caller says why). The
 * negated test also refuses NaN. */
static int
args_real(const char *v, double lo, double hi, double *n)
{
	char *ep;

	errno = 0;
	*n = strtod(v, &ep);
	return *v == '\0' || *ep != '\0' || errno != 0 ||
	    !(*n >= lo && *n <= hi) ? -1 : 0;
}

static int
args_int(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	long long n;

	if (args_ll(d, v, &n, cause) != 0)
		return -1;
	*(int *)((char *)o + d->off) = (int)n;
	return 0;
}

static int
args_int64(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	long long n;

	if (args_ll(d, v, &n, cause) != 0)
		return -1;
	*(int64_t *)((char *)o + d->off) = n;
	return 0;
}

static int
args_secs(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	double s;

	if (args_real(v, (double)d->min / 1000, (double)d->max / 1000,
	    &s) != 0) {
		*cause = xasprintf(_("--%s: must be a number of seconds from "
		    "0.001 to %lld"), d->name, d->max / 1000);
		return -1;
	}
	*(int64_t *)((char *)o + d->off) = (int64_t)(s * 1000 + 0.5);
	return 0;
}

static int
args_num(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	double n;

	if (args_real(v, (double)d->min, (double)d->max, &n) != 0) {
		*cause = xasprintf(_("--%s: must be a number from %lld to "
		    "%lld"), d->name, d->min, d->max);
		return -1;
	}
	*(double *)((char *)o + d->off) = n;
	return 0;
}

static int
args_enum(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	const struct arg_enum *e = arg_enums;
	char choices[256];
	size_t len = 0;
	long long i;
	int n;

	while (strcmp(e->option, d->name) != 0)
		e++; /* every ARG_ENUM option is in arg_enums */
	n = e->fromname(v);

	if (n >= d->min && n <= d->max) {
		*(int *)((char *)o + d->off) = n;
		return 0;
	}
	for (i = d->min; i <= d->max && len < sizeof choices; i++)
		len += (size_t)snprintf(choices + len, sizeof choices - len,
		    "%s%s", i == d->min ? "" : i < d->max ? ", " : " or ",
		    e->toname((int)i));
	*cause = xasprintf(_("--%s: \"%s\" is not valid: use %s"), d->name,
	    v, choices);
	return -1;
}

static int
args_list(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	struct arg_list *l = (struct arg_list *)((char *)o + d->off);

	if (l->n == ARG_LIST_MAX) {
		*cause = xasprintf(_("--%s: at most %d"), d->name,
		    ARG_LIST_MAX);
		return -1;
	}
	l->v[l->n++] = v;
	return 0;
}

static int
args_when(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	if (args_time(v, (int64_t *)((char *)o + d->off)) != 0) {
		*cause = xasprintf(_("--%s: \"%s\" is not a time: use "
		    "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (local time), HH:MM "
		    "(today) or RFC 3339 (2026-11-22T10:00:00Z)"), d->name, v);
		return -1;
	}
	/* beacon oncall sends the time as written: beacond reads it in the
	 * branch's time zone, with its own clock. */
	if (d->off == OFF(until))
		o->until_text = v;
	return 0;
}

/* Check one value and store it. */
static int
args_set(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	void *p = (char *)o + d->off;

	switch (d->type) {
	case ARG_FLAG:
		*(int *)p = 1;
		return 0;
	case ARG_INT:
		return args_int(d, v, o, cause);
	case ARG_SECS:
		return args_secs(d, v, o, cause);
	case ARG_INT64:
		return args_int64(d, v, o, cause);
	case ARG_NUM:
		return args_num(d, v, o, cause);
	case ARG_TIME:
		return args_when(d, v, o, cause);
	case ARG_ENUM:
		return args_enum(d, v, o, cause);
	case ARG_LIST:
		return args_list(d, v, o, cause);
	case ARG_DATE:
		if (!date_valid(v)) {
			*cause = xasprintf(_("--%s: \"%s\" is not a date: use "
			    "YYYY-MM-DD"), d->name, v);
			return -1;
		}
		break;
	case ARG_ID:
		if (!id_valid(v)) {
			*cause = xasprintf(_("--%s: \"%s\" is not valid: use 1 "
			    "to %d letters, digits, '.', '_', ':' or '-'"),
			    d->name, v, ID_MAX);
			return -1;
		}
		break;
	case ARG_PREFIX:
	case ARG_STR:
		break;
	}
	*(const char **)p = v;
	return 0;
}

static void
args_longopts(const struct arg_def **defs, size_t n, struct option *lo)
{
	size_t i;

	for (i = 0; i < n; i++) {
		lo[i].name = defs[i]->name;
		lo[i].has_arg = defs[i]->type == ARG_FLAG ? no_argument :
		    required_argument;
		lo[i].flag = NULL;
		lo[i].val = 256 + (int)i;
	}
	memset(&lo[n], 0, sizeof lo[n]);
}

/* getopt_long's complaint, as a sentence. */
static char *
args_bad_option(int ch, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] :
	    "?";

	if (ch == ':')
		return xasprintf(_("%s needs a value"), arg);
	if (optopt > 0 && optopt < 256)
		return xasprintf(_("unknown option -%c"), optopt);
	return xasprintf(_("unknown or ambiguous option %s"), arg);
}

/* The INCIDENT operand, words, or none. */
static int
args_operands(const struct cmd *c, int argc, char **argv, struct cli_opts *o,
    char **cause)
{
	long long n;
	char *ep;

	if (c->operand == OPERAND_WORDS) {
		for (; optind < argc; optind++) {
			if (o->nwords == (int)(sizeof o->words /
			    sizeof o->words[0])) {
				*cause = xasprintf(_("unexpected argument "
				    "\"%s\""),
				    argv[optind]);
				return -1;
			}
			o->words[o->nwords++] = argv[optind];
		}
		return 0;
	}
	if (!c->operand) {
		if (optind < argc) {
			*cause = xasprintf(_("unexpected argument \"%s\""),
			    argv[optind]);
			return -1;
		}
		return 0;
	}
	if (optind >= argc) {
		*cause = xstrdup(_("INCIDENT is missing"));
		return -1;
	}
	if (optind + 1 < argc) {
		*cause = xasprintf(_("unexpected argument \"%s\""),
		    argv[optind + 1]);
		return -1;
	}
	errno = 0;
	n = strtoll(argv[optind], &ep, 10);
	if (*argv[optind] == '\0' || *ep != '\0' || errno != 0 || n < 1 ||
	    n > INT32_MAX) {
		*cause = xasprintf(_("INCIDENT must be an incident number, "
		    "not \"%s\""), argv[optind]);
		return -1;
	}
	o->incident = n;
	return 0;
}

static int
args_check(const struct arg_def **defs, const int *required, size_t n,
    struct cli_opts *o, char **cause)
{
	size_t i;

	/* --flush sends what the spool holds: no new report, so none of
	 * its required options. */
	for (i = 0; i < n && !o->flush; i++) {
		if (required[i] &&
		    *(const char **)((char *)o + defs[i]->off) == NULL) {
			*cause = xasprintf(_("--%s is required"),
			    defs[i]->name);
			return -1;
		}
	}
	if ((o->cert != NULL) != (o->key != NULL)) {
		*cause = xstrdup(_("--cert and --key go together: a client "
		    "certificate needs its key"));
		return -1;
	}
	if (o->cert != NULL && o->cafile == NULL) {
		*cause = xstrdup(_("--cert needs --cafile: a client "
		    "certificate is for TLS"));
		return -1;
	}
	/* A responder's broker account is normally its id (beacon
	 * acl-conf). */
	if (o->username == NULL)
		o->username = o->as;
	/* Checked here, not in args_set: it may come from BEACON_PREFIX. */
	if (!args_prefix_ok(o->prefix)) {
		*cause = xasprintf(_("prefix \"%s\" is not valid: 1 to 128 "
		    "characters, no '+' or '#', no empty level"), o->prefix);
		return -1;
	}
	return 0;
}

int
args_parse(const struct cmd *c, int argc, char **argv, struct cli_opts *o,
    char **cause)
{
	const struct arg_def *defs[ARG_COUNT];
	int required[ARG_COUNT], ch;
	struct option lo[ARG_COUNT + 1];
	size_t n;

	*cause = NULL;
	n = args_select(c, defs, required);
	args_longopts(defs, n, lo);
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (ch == 'h')
			o->help = 1;
		else if (ch == '?' || ch == ':') {
			*cause = args_bad_option(ch, argc, argv);
			return -1;
		} else if (args_set(defs[ch - 256], optarg, o, cause) != 0)
			return -1;
	}
	if (o->help)
		return 0;
	if (args_operands(c, argc, argv, o, cause) != 0)
		return -1;
	return args_check(defs, required, n, o, cause);
}

void
args_help(const struct cmd *c, FILE *fp)
{
	const struct arg_def *defs[ARG_COUNT];
	int required[ARG_COUNT];
	size_t i, n;
	char left[64], *text;

	n = args_select(c, defs, required);
	for (i = 0; i < n; i++) {
		snprintf(left, sizeof left, "--%s%s%s", defs[i]->name,
		    defs[i]->metavar ? " " : "",
		    defs[i]->metavar ? defs[i]->metavar : "");
		fprintf(fp, "  %-20s ", left);
		text = xasprintf("%s%s", required[i] ? "required: " : "",
		    defs[i]->help);
		fmt_wrap(fp, text, 23, 23, 79);
		free(text);
	}
}
