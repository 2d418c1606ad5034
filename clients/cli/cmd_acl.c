/*
 * beacon acl-conf: mosquitto's acl_file for a beacon.conf, so that each
 * broker account reads and publishes only its own topics
 * (docs/security.md). beacond takes the sender of a report or a response
 * from the topic, so an ACL that ties that topic level to the account's
 * user name is what makes the sender unforgeable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "topic.h"
#include "xmalloc.h"

/* Whose user name an id is, to find two accounts that would share one. */
struct acl_account {
	const char *id;
	const char *what; /* "branch", "responder", "beacond's user name" */
	int line;
};

/* One line per topic an account may use (cmd_acl_topic). */
struct acl_rule {
	const char *access; /* read, write, readwrite */
	const char *kind;
	const char *level[ACL_LEVELS];
};

/* Every account: whether beacond is up and its loop runs, and the
 * branches' names and report buttons (the report page lists them, the
 * responder app names them). Nothing in them is private. They are
 * repeated in each account's section: mosquitto warns of a "pattern"
 * without %u or %c, and "topic" lines before the first "user" are for
 * anonymous clients only. */
static const struct acl_rule acl_everyone[] = {
	{ "read", TOPIC_DAEMON, { "status" } },
	{ "read", TOPIC_DAEMON, { "heartbeat" } },
	{ "read", TOPIC_CONFIG, { "+" } },
};

/* A branch's report buttons, desk pages and desk clients. A device's
 * presence is also its MQTT will, and a button reads its own back. */
static const struct acl_rule acl_branch[] = {
	{ "write", TOPIC_REPORT, { ACL_ID } },
	{ "read", TOPIC_STATUS, { ACL_ID, "#" } },
	{ "read", TOPIC_ERROR, { ACL_ID } },
	{ "readwrite", TOPIC_DEVICE, { ACL_ID, "+" } },
	{ "write", TOPIC_SELFTEST, { ACL_ID, "+" } },
	{ "read", TOPIC_SELFTEST, { ACL_ID, "+", "result" } },
};

/* A responder. Every responder may make requests: beacond answers only
 * the roles of records.query_roles and tells the others so. The reply
 * topic is the one beacon's requests subscribe to (conn_request). */
static const struct acl_rule acl_responder[] = {
	{ "read", TOPIC_NOTIFY, { ACL_ID } },
	{ "write", TOPIC_RESPOND, { ACL_ID } },
	{ "read", TOPIC_ERROR, { ACL_ID } },
	{ "read", TOPIC_INCIDENT, { "+" } },
	{ "readwrite", TOPIC_DEVICE, { "_responders", ACL_ID } },
	{ "write", TOPIC_QUERY, { ACL_ID } },
	{ "read", TOPIC_REPLY, { ACL_ID, "+" } },
	{ "write", TOPIC_PUSH, { ACL_ID } },
};

/* A responder whose role may make supervisor requests also follows every
 * report's status (beacon watch). */
static const struct acl_rule acl_supervisor[] = {
	{ "read", TOPIC_STATUS, { "+", "+" } },
};

#define ACL_N(a) (sizeof (a) / sizeof (a)[0])

/* The prefix goes into the file verbatim: a line break would end the
 * line, and mosquitto splits a line at spaces. */
static int
acl_prefix_ok(const char *p)
{
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

static int
acl_account_cmp(const void *a, const void *b)
{
	const struct acl_account *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c != 0 ? c : x->line - y->line;
}

/* beacond's user name: beacon.username, or else its client_id. */
static const char *
acl_beacond(const struct config *cf)
{
	return cf->username != NULL ? cf->username : cf->client_id;
}

/* Two accounts with one user name would share their rights. */
static int
acl_check_accounts(const struct config *cf)
{
	struct acl_account *a;
	size_t i, n = 0;
	int bad = 0;

	a = xcalloc(cf->nbranches + cf->nresponders + 1, sizeof *a);
	a[n++] = (struct acl_account){ acl_beacond(cf), "beacond's user name",
		0 };
	for (i = 0; i < cf->nbranches; i++)
		a[n++] = (struct acl_account){ cf->branches[i].id, "branch",
			cf->branches[i].line };
	for (i = 0; i < cf->nresponders; i++)
		a[n++] = (struct acl_account){ cf->responders[i].id,
			"responder", cf->responders[i].line };
	qsort(a, n, sizeof *a, acl_account_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(a[i - 1].id, a[i].id) != 0)
			continue;
		fprintf(stderr, "%s:%d: %s \"%s\" has the broker user name of "
		    "%s \"%s\": give one of them another id\n", cf->path,
		    a[i].line, a[i].what, a[i].id, a[i - 1].what,
		    a[i - 1].id);
		bad = 1;
	}
	free(a);
	return bad ? -1 : 0;
}

char *
cmd_acl_topic(const char *prefix, const char *id, const char *kind,
    const char *const level[ACL_LEVELS])
{
	const char *l[ACL_LEVELS];
	size_t i;

	for (i = 0; i < ACL_LEVELS; i++)
		l[i] = level[i] != NULL && strcmp(level[i], ACL_ID) == 0 ? id :
		    level[i];
	return topic_make(prefix, kind, l[0], l[1], l[2], NULL);
}

static void
acl_rules(FILE *fp, const char *prefix, const char *id,
    const struct acl_rule *r, size_t n)
{
	char *t;
	size_t i;

	for (i = 0; i < n; i++) {
		t = cmd_acl_topic(prefix, id, r[i].kind, r[i].level);
		fprintf(fp, "topic %s %s\n", r[i].access, t);
		free(t);
	}
}

static int
acl_may_query(const struct config *cf, const struct conf_responder *r)
{
	return conf_has(cf->query_roles, cf->nquery_roles, r->role);
}

static void
acl_print(FILE *fp, const struct config *cf)
{
	const char *p = cf->topic_prefix;
	const struct conf_responder *r;
	size_t i;

	fprintf(fp, "# mosquitto acl_file made by `beacon acl-conf` "
	    "(docs/security.md).\n"
	    "# Each account reads and publishes only its own topics; the user "
	    "name is\n# the branch or responder id. Make it again whenever "
	    "branches or\n# responders change. No anonymous access.\n");
	fprintf(fp, "\n# beacond: everything under the prefix.\nuser %s\n"
	    "topic readwrite %s/#\n", acl_beacond(cf), p);
	for (i = 0; i < cf->nbranches; i++) {
		fprintf(fp, "\n# Branch: its report buttons and desk pages.\n"
		    "user %s\n", cf->branches[i].id);
		acl_rules(fp, p, "", acl_everyone, ACL_N(acl_everyone));
		acl_rules(fp, p, cf->branches[i].id, acl_branch,
		    ACL_N(acl_branch));
	}
	for (i = 0; i < cf->nresponders; i++) {
		r = &cf->responders[i];
		fprintf(fp, "\n# Responder, role %s%s.\nuser %s\n", r->role,
		    acl_may_query(cf, r) ? " (records.query_roles)" : "",
		    r->id);
		acl_rules(fp, p, "", acl_everyone, ACL_N(acl_everyone));
		acl_rules(fp, p, r->id, acl_responder,
		    ACL_N(acl_responder));
		if (acl_may_query(cf, r))
			acl_rules(fp, p, r->id, acl_supervisor,
			    ACL_N(acl_supervisor));
	}
}

static int
cmd_acl(const struct cmd *cmd, struct cli_opts *o)
{
	struct config *cf;
	char *cause = NULL;
	int rc = EXIT_OK;

	if (conf_load(o->config, &cf, &cause) != 0) {
		fprintf(stderr, "beacon %s: %s", cmd->name, cause ? cause :
		    "cannot read the configuration\n");
		free(cause);
		return EXIT_LOCAL;
	}
	if (!acl_prefix_ok(cf->topic_prefix)) {
		fprintf(stderr, "beacon %s: topic_prefix \"%s\" cannot be "
		    "written in a mosquitto ACL: no spaces or control "
		    "characters\n", cmd->name, cf->topic_prefix);
		rc = EXIT_LOCAL;
	} else if (acl_check_accounts(cf) != 0)
		rc = EXIT_LOCAL;
	else {
		acl_print(stdout, cf);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			perror("beacon acl-conf: standard output");
			rc = EXIT_LOCAL;
		}
	}
	conf_free(cf);
	return rc;
}

const struct cmd cmd_acl_entry = {
	"acl-conf", "acl-conf [--config FILE]",
	"print the broker's access control list (mosquitto's acl_file) for "
	"beacon.conf: each branch and responder account may read and publish "
	"only its own topics",
	"config",
	0,
	cmd_acl,
};
