/*
 * The beacon command line: the command table, the options every command
 * may take, and the small text helpers the commands share. The MQTT side
 * is in conn.h.
 */
#ifndef BEACON_CLI_H
#define BEACON_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses (docs/cli.md). */
#define EXIT_OK 0
#define EXIT_LOCAL 1     /* usage, bad arguments, no database */
#define EXIT_REFUSED 2   /* rejected or refused by beacond */
#define EXIT_TIMEOUT 3   /* no answer within --timeout */
#define EXIT_INTERRUPT 130 /* SIGINT before the answer */

#define CLI_BROKER "127.0.0.1:1883"
#define CLI_PREFIX "beacon"
#define CLI_DB "/var/lib/beacon/beacon.db"
#define CLI_CONFIG "/etc/beacon/beacon.conf"
#define CLI_TIMEOUT 10000 /* ms */
#define CLI_PASSWD "/etc/mosquitto/beacon.passwd"
#define CLI_ACL "/etc/mosquitto/beacon.acl"

/* A repeatable option (--notice, --referral, --action): its values in
 * the order given. As many as a debrief list may hold. */
#define ARG_LIST_MAX 16
struct arg_list {
	const char *v[ARG_LIST_MAX];
	size_t n;
};

/*
 * Every option of every command, filled in by args_parse. Strings point
 * into argv or the environment. Which command takes which option is said
 * by the command's option list (struct cmd).
 */
struct cli_opts {
	const char *broker;
	const char *prefix;
	const char *username;	/* the broker account; NULL: none */
	const char *password;	/* BEACON_PASSWORD only; NULL: none */
	const char *cafile;	/* TLS: the broker's CA; NULL: plain MQTT */
	const char *cert;	/* a client certificate, with key */
	const char *key;
	const char *db;
	const char *config;
	int help;
	int verbose;
	int json;
	const char *branch;
	const char *type;
	int severity;	/* 0: the category's default */
	const char *location;
	const char *note;
	const char *device;
	const char *reporter;
	const char *id;
	int silent;
	int drill;
	int follow;
	const char *spool;	/* report: the spool directory; NULL: default */
	int flush;	/* report: send only what the spool holds */
	int64_t timeout; /* ms */
	const char *as;
	const char *role;	/* backup: the role asked for */
	int count;	/* 0: no limit */
	int open;
	int64_t incident; /* the INCIDENT operand */
	const char *words[2]; /* OPERAND_WORDS: a subcommand and its argument */
	int nwords;

	/* Listings, exports and reports. */
	int64_t since;	/* ms since the epoch; 0: unset */
	int64_t until;	/* exclusive: before this time; 0: unset */
	const char *out;	/* output file; NULL: stdout */
	const char *format;	/* table, json, csv, jsonl...; NULL: default */
	const char *responder;
	int state;	/* enum state; -1: any */
	int no_drill;	/* real incidents only (--drill: drills only) */
	int outcome;	/* enum outcome; OUTCOME_UNKNOWN (0): any */
	int redact;
	int all;
	const char *lang;	/* report-html: its language; NULL: default */

	/* beacon oncall: times as written, read by beacond in the branch's
	 * time zone. */
	const char *from_text;
	const char *until_text;
	const char *at_text;
	int off;

	/* Supervisor requests through beacond. */
	int remote;
	int dry_run;
	int release;
	int64_t event;	/* --event: the event a correction is about */
	double speed;	/* replay: 1 real time, 0 at once */

	/* Debrief fields; unset ones keep the latest revision's value. */
	int interactive;
	int wellbeing;	/* enum wellbeing; WB_UNSET: not given */
	int64_t held_at;	/* ms; 0: not given */
	const char *facilitator;
	int participants;	/* -1: not given */
	const char *follow_up;	/* YYYY-MM-DD */
	const char *support;
	int route;	/* enum route_ok; ROUTE_UNSET: not given */
	const char *route_note;
	const char *went_well;
	const char *to_improve;
	const char *training;
	struct arg_list notices;	/* notice type ids */
	struct arg_list referrals;	/* TYPE[:COUNT] */
	struct arg_list actions;	/* WHAT;OWNER;DATE[;STATUS] */

	/* bridge-conf: the central broker; NULL: beacon.conf's. */
	const char *central;

	/* acl-conf and enroll: the broker's files; enroll's link. */
	const char *passwd;
	const char *acl;
	const char *url;
	int revoke;
	int list;
};

struct cmd;
typedef int (*cmd_fn)(const struct cmd *, struct cli_opts *);

#define OPERAND_WORDS 2 /* up to two words: a subcommand and its argument */

struct cmd {
	const char *name;
	const char *usage;   /* after "beacon " */
	const char *summary; /* one sentence for help */
	/* Accepted options, space-separated; "!" marks a required one. */
	const char *options;
	int operand;	     /* 1: takes the INCIDENT operand; OPERAND_WORDS */
	cmd_fn exec;
};

extern const struct cmd cmd_report_entry;
extern const struct cmd cmd_watch_entry;
extern const struct cmd cmd_ack_entry;
extern const struct cmd cmd_decline_entry;
extern const struct cmd cmd_arrived_entry;
extern const struct cmd cmd_resolve_entry;
extern const struct cmd cmd_backup_entry;
extern const struct cmd cmd_incidents_entry;
extern const struct cmd cmd_timeline_entry;
extern const struct cmd cmd_debrief_entry;
extern const struct cmd cmd_replay_entry;
extern const struct cmd cmd_export_entry;
extern const struct cmd cmd_hold_entry;
extern const struct cmd cmd_purge_entry;
extern const struct cmd cmd_correct_entry;
extern const struct cmd cmd_report_html_entry;
extern const struct cmd cmd_devices_entry;
extern const struct cmd cmd_health_entry;
extern const struct cmd cmd_cancel_entry;
extern const struct cmd cmd_drill_entry;
extern const struct cmd cmd_branch_entry;
extern const struct cmd cmd_db_entry;
extern const struct cmd cmd_acl_entry;
extern const struct cmd cmd_oncall_entry;
extern const struct cmd cmd_bridge_entry;
extern const struct cmd cmd_enroll_entry;

/* args.c */
/* Defaults from the environment (BEACON_BROKER, ...) and the built-ins. */
void args_defaults(struct cli_opts *);
/* Parse argv (argv[0] is the command name) into o. 0, or -1 with *cause
 * set to a sentence the caller frees. --help stops checking. */
int args_parse(const struct cmd *, int argc, char **argv,
    struct cli_opts *o, char **cause);
/* The option lines of the command's help. */
void args_help(const struct cmd *, FILE *);
/* A time for --since, --until, --held-at: "YYYY-MM-DD" (local midnight),
 * "YYYY-MM-DDTHH:MM[:SS]" (local; a space may replace the T) or RFC 3339
 * with Z or an offset. Sets *ms; -1 when s is none of these. */
int args_time(const char *s, int64_t *ms);

/* fmt.c */
/* "+0.004s", "+61.2s", "+1h02m03s"; buf >= 24. */
char *fmt_elapsed(int64_t ms, char *buf, size_t len);
/* Local time: "10:00:00" (hms) and "2026-11-22 10:00:00" (date). */
char *fmt_hms(int64_t ms, char *buf, size_t len);
char *fmt_date(int64_t ms, char *buf, size_t len);
/* A new report id, "cli-" and 16 random hex digits; buf >= 21. */
char *fmt_report_id(char *buf, size_t len);
/* Print s from column col, wrapped before width, further lines indented
 * to column indent. */
void fmt_wrap(FILE *, const char *s, size_t col, size_t indent,
    size_t width);
/* Print s, or "-" when it is empty. */
const char *fmt_dash(const char *s);
/* Incident ids as "9", "9 and 12", "9, 12 and 14"; "" for none. */
char *fmt_ids(const int64_t *ids, int n, char *buf, size_t len);
/* The status an escalation published, in words from its role labels
 * ("the crisis worker did not answer: security is now called"); NULL for
 * any other status. buf >= DETAIL_MAX + 1. */
struct status;
char *fmt_escalation(const struct status *, char *buf, size_t len);

/* csv.c: RFC 4180. */
/* One field, quoted when it holds a comma, a quote, CR or LF. */
void csv_field(FILE *, const char *s);
/* n fields and CRLF. */
void csv_row(FILE *, const char *const *fields, size_t n);
/* An incident's columns, as `beacon incidents --format csv` prints them
 * and `beacon export` begins its rows with. */
#define CSV_INCIDENT_COLS 16
extern const char *const csv_incident_header[CSV_INCIDENT_COLS];
struct incident;
struct csv_cells {
	/* Into the buffers below and into the incident. */
	const char *v[CSV_INCIDENT_COLS];
	char id[24], severity[16], notified[16], created[40], updated[40];
};
void csv_incident(const struct incident *, struct csv_cells *);

/* cmd_acl.c: the topic prefix/kind/level... (the levels up to the first
 * NULL), with ACL_ID standing for an account's id: the ACL's patterns,
 * and the bridge's topics, which are a branch account's. The caller
 * frees it. */
#define ACL_ID "{id}"
#define ACL_LEVELS 3
char *cmd_acl_topic(const char *prefix, const char *id, const char *kind,
    const char *const level[ACL_LEVELS]);

/* phones.c: the phones of the broker's password file, the accounts
 * {responder}@{device} of beacon enroll. */
#define PHONE_ID 65	/* an id and its NUL */
struct phone {
	char responder[PHONE_ID];
	char device[PHONE_ID];
};
/* The phones of the password file at path, in its order, *n of them
 * (the caller frees the array); NULL with *cause (to free) when it cannot
 * be read. */
struct phone *phones_read(const char *path, size_t *n, char **cause);
int phones_has(const struct phone *, size_t n, const char *responder,
    const char *device);

/* cmd_acl.c: the ACL for beacon.conf, with a section for each phone of
 * the password file passwd whose responder is in it (NULL: no phones).
 * 0, or -1 with the reason printed. */
struct config;
int cmd_acl_write(FILE *, const struct config *, const char *passwd);

/* qr.c: text as a QR code of libqrencode, drawn in Unicode half blocks
 * (two rows of modules a line, light modules as blocks) with a quiet
 * zone of 4 modules; color: set a white-on-black terminal's colours.
 * 0, or -1 with the reason printed. */
int qr_print(FILE *, const char *text, int color);

/* cmd_replay.c: one event as a sentence for people ("crisis-1
 * acknowledged: on my way"). Returns buf. */
struct event;
char *cmd_replay_sentence(const struct event *, char *buf, size_t len);

/* redact.c: beacon export --redact. Blanks ("") what may name or
 * describe people: the reporter, the device, the note; event details that
 * carry a note (responses, corrections, holds) and the actor of report
 * events (a device); a debrief's free text (route note, went well, to
 * improve, training, each action's what). Nothing else changes. */
struct debrief;
void redact_incident(struct incident *);
void redact_event(struct event *);
void redact_debrief(struct debrief *);

/* table.c: a text table with columns as wide as their widest cell; the
 * last column is not padded. Cells are copied; an empty one prints "-". */
struct table;
struct table *table_new(size_t ncols);
void table_add(struct table *, ...); /* ncols strings */
void table_print(const struct table *, FILE *);
void table_free(struct table *);

#endif
