/*
 * beacon db: the database's own care, read only and safe while beacond
 * runs.
 *
 *   beacon db check          SQLite's integrity and foreign key checks,
 *                            the schema version, the row counts
 *   beacon db backup FILE    a consistent copy (SQLite's online backup)
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "i18n.h"
#include "store.h"

struct db_sub {
	const char *name;
	int nargs;	/* words after the subcommand */
	int (*fn)(struct store *, const struct cli_opts *);
};

static void
db_problem(const char *problem, void *arg)
{
	int *n = arg;

	if (++*n <= 20)
		printf("problem: %s\n", problem);
}

static int
db_check(struct store *s, const struct cli_opts *o)
{
	int n = 0, rc;

	rc = store_check(s, db_problem, &n);
	if (rc < 0) {
		fprintf(stderr, _("beacon db check: %s: the checks could not "
		    "run\n"), o->db);
		return EXIT_LOCAL;
	}
	if (rc > 0) {
		printf("%s: %d problem%s%s: restore the last good backup "
		    "(docs/reliability.md)\n", o->db, rc, rc == 1 ? "" : "s",
		    rc > 20 ? " (the first 20 above)" : "");
		return EXIT_LOCAL;
	}
	printf("%s: ok: schema %d, %lld incidents, %lld timeline rows\n",
	    o->db, store_schema_version(s),
	    (long long)store_count_incidents(s),
	    (long long)store_count_events(s));
	return EXIT_OK;
}

static int
db_backup(struct store *s, const struct cli_opts *o)
{
	char *cause = NULL;
	mode_t mask;
	int rc;

	/* A copy of the database is as private as the database: SQLite
	 * creates the file (and its journal) 0644 less the umask. */
	mask = umask(077);
	rc = store_backup(s, o->words[1], &cause);
	umask(mask);
	if (rc != 0) {
		fprintf(stderr, "beacon db backup: %s\n", cause);
		free(cause);
		return EXIT_LOCAL;
	}
	printf("%s: a copy of %s (schema %d, %lld incidents)\n", o->words[1],
	    o->db, store_schema_version(s),
	    (long long)store_count_incidents(s));
	return EXIT_OK;
}

static const struct db_sub db_subs[] = {
	{ "check", 0, db_check },
	{ "backup", 1, db_backup },
};

static int
cmd_db(const struct cmd *cmd, struct cli_opts *o)
{
	const struct db_sub *sub = NULL;
	struct store *s;
	char *cause = NULL;
	size_t i;
	int rc;

	for (i = 0; o->nwords > 0 && i < sizeof db_subs / sizeof db_subs[0];
	    i++)
		if (strcmp(o->words[0], db_subs[i].name) == 0)
			sub = &db_subs[i];
	if (sub == NULL || o->nwords != 1 + sub->nargs) {
		fprintf(stderr, _("beacon db: %s\nusage: beacon %s\n"),
		    sub != NULL ? "wrong number of arguments" : o->nwords ?
		    "unknown subcommand" : "check or backup?", cmd->usage);
		return EXIT_LOCAL;
	}
	/* Read only: opening checks the file and its schema version. */
	if ((s = store_open(o->db, STORE_RDONLY, &cause)) == NULL) {
		fprintf(stderr, "beacon db %s: %s\n", sub->name, cause ?
		    cause : "cannot open the database");
		free(cause);
		return EXIT_LOCAL;
	}
	rc = sub->fn(s, o);
	store_close(s);
	return rc;
}

const struct cmd cmd_db_entry = {
	"db", "db check | db backup FILE [--db PATH]",
	"check the database (integrity, foreign keys, schema version), or copy "
	"it consistently while beacond runs",
	"db",
	OPERAND_WORDS,
	cmd_db,
};
