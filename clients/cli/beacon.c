/*
 * beacon: report incidents, answer them, and follow or replay them, from a
 * shell. One table of commands (each entry lives with its code, as in
 * tmux's cmd-*.c), one option catalogue (args.c), one connection module
 * (conn.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "conn.h"
#include "i18n.h"
#include "log.h"

static const struct cmd *const cmd_table[] = {
	&cmd_report_entry,
	&cmd_watch_entry,
	&cmd_ack_entry,
	&cmd_decline_entry,
	&cmd_arrived_entry,
	&cmd_resolve_entry,
	&cmd_backup_entry,
	&cmd_incidents_entry,
	&cmd_timeline_entry,
	&cmd_debrief_entry,
	&cmd_replay_entry,
	&cmd_export_entry,
	&cmd_hold_entry,
	&cmd_correct_entry,
	&cmd_purge_entry,
	&cmd_report_html_entry,
	&cmd_devices_entry,
	&cmd_health_entry,
	&cmd_db_entry,
	&cmd_acl_entry,
	&cmd_oncall_entry,
	&cmd_cancel_entry,
	&cmd_drill_entry,
	&cmd_branch_entry,
	&cmd_bridge_entry,
	&cmd_enroll_entry,
};
#define CMD_COUNT (sizeof cmd_table / sizeof cmd_table[0])

static const struct cmd *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: beacon COMMAND [OPTIONS]\n"
	    "       beacon help COMMAND | --help | --version\n\ncommands:\n");
	for (i = 0; i < CMD_COUNT; i++) {
		fprintf(fp, "  %-11s ", cmd_table[i]->name);
		fmt_wrap(fp, cmd_table[i]->summary, 14, 14, 79);
	}
	fprintf(fp, "\nEvery command takes --broker HOST:PORT, --prefix P, "
	    "--username NAME,\n--cafile FILE, --cert FILE, --key FILE and "
	    "--help; beacon help COMMAND\ndescribes its options.\n\n"
	    "Environment:\n"
	    "  BEACON_BROKER    the broker (default " CLI_BROKER ")\n"
	    "  BEACON_PREFIX    the topic prefix (default " CLI_PREFIX ")\n"
	    "  BEACON_USERNAME  the broker account (default: none, or --as)\n"
	    "  BEACON_PASSWORD  its password\n"
	    "  BEACON_CAFILE    TLS: the CA of the broker's certificate\n"
	    "  BEACON_CERT      TLS: a client certificate\n"
	    "  BEACON_KEY       its private key\n"
	    "  BEACON_DB        the database (default " CLI_DB ")\n\n"
	    "Exit status: 0 done, 1 usage or local error, 2 refused or "
	    "rejected by beacond,\n3 no answer within --timeout.\n");
}

static void
cmd_help(const struct cmd *c, FILE *fp)
{
	fprintf(fp, "usage: beacon ");
	fmt_wrap(fp, c->usage, 14, 14, 79);
	fprintf(fp, "\n");
	fmt_wrap(fp, c->summary, 0, 0, 79);
	fprintf(fp, "\noptions:\n");
	args_help(c, fp);
}

static int
cmd_main(const struct cmd *c, int argc, char **argv)
{
	struct cli_opts o;
	char *cause;

	args_defaults(&o);
	if (args_parse(c, argc, argv, &o, &cause) != 0) {
		fprintf(stderr, "beacon %s: %s\n%s", c->name, cause,
		    _("usage: beacon "));
		fmt_wrap(stderr, c->usage, 14, 14, 79);
		free(cause);
		return EXIT_LOCAL;
	}
	if (o.help) {
		cmd_help(c, stdout);
		return EXIT_OK;
	}
	log_init("beacon", o.verbose);
	conn_login(o.username, o.password);
	conn_tls(o.cafile, o.cert, o.key);
	return c->exec(c, &o);
}

/* beacon help [COMMAND] */
static int
help_main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if ((c = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, _("beacon: unknown command \"%s\"\n"),
		    argv[1]);
		return EXIT_LOCAL;
	}
	cmd_help(c, stdout);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	const struct cmd *c;

	log_init("beacon", 0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_LOCAL;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)
		return help_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("beacon %s\n", BEACON_VERSION);
		return EXIT_OK;
	}
	if ((c = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, _("beacon: unknown command \"%s\"; beacon "
		    "--help lists them\n"), argv[1]);
		return EXIT_LOCAL;
	}
	return cmd_main(c, argc - 1, argv + 1);
}
