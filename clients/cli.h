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
#define CLI_TIMEOUT 10000 /* ms */

/*
 * Every option of every command, filled in by args_parse. Strings point
 * into argv or the environment. Which command takes which option is said
 * by the command's option list (struct cmd).
 */
struct cli_opts {
	const char *broker;
	const char *prefix;
	const char *db;
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
	int64_t timeout; /* ms */
	const char *as;
	int count;	/* 0: no limit */
	int open;
	int64_t incident; /* the INCIDENT operand */
};

struct cmd;
typedef int (*cmd_fn)(const struct cmd *, struct cli_opts *);

struct cmd {
	const char *name;
	const char *usage;   /* after "beacon " */
	const char *summary; /* one sentence for help */
	/* Accepted options, space-separated; "!" marks a required one. */
	const char *options;
	int operand;	     /* 1: takes the INCIDENT operand */
	cmd_fn exec;
};

extern const struct cmd cmd_report_entry;
extern const struct cmd cmd_watch_entry;
extern const struct cmd cmd_ack_entry;
extern const struct cmd cmd_decline_entry;
extern const struct cmd cmd_arrived_entry;
extern const struct cmd cmd_resolve_entry;
extern const struct cmd cmd_incidents_entry;
extern const struct cmd cmd_timeline_entry;

/* args.c */
/* Defaults from the environment (BEACON_BROKER, ...) and the built-ins. */
void args_defaults(struct cli_opts *);
/* Parse argv (argv[0] is the command name) into o. 0, or -1 with *cause
 * set to a sentence the caller frees. --help stops checking. */
int args_parse(const struct cmd *, int argc, char **argv,
    struct cli_opts *o, char **cause);
/* The option lines of the command's help. */
void args_help(const struct cmd *, FILE *);

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

/* A text table with columns as wide as their widest cell; the last column
 * is not padded. Cells are copied. */
struct table;
struct table *table_new(size_t ncols);
void table_add(struct table *, ...); /* ncols strings */
void table_print(const struct table *, FILE *);
void table_free(struct table *);

#endif
