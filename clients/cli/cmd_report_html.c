/*
 * beacon report-html: the board report. Reads the database read-only (as
 * beacond keeps writing it) and writes one self-contained HTML page
 * (report_build.h, the same page beacond serves at /r/). The page
 * replaces the file only once it is complete, so a board member never
 * opens half a report.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "conf.h"
#include "i18n.h"
#include "report_build.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

struct report_run {
	struct store *s;
	struct config *cf;	/* names and labels; NULL: ids */
	struct stats st;
	struct report_ask ask;
};

/* ---- the file ------------------------------------------------------------ */

static int
report_write_fp(FILE *fp, const struct report_run *r)
{
	return report_build_write(fp, r->cf, &r->ask, &r->st);
}

/* Write next to path and rename over it: all or nothing. */
static int
report_write(const struct report_run *r, const struct cli_opts *o)
{
	char *tmp;
	FILE *fp;
	int fd, rc = -1;

	if (strcmp(o->out, "-") == 0)
		return report_write_fp(stdout, r);
	tmp = xasprintf("%s.XXXXXX", o->out);
	if ((fd = mkstemp(tmp)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "beacon report-html: %s: %s\n", o->out,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) == 0 && report_write_fp(fp, r) == 0)
		rc = 0;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, o->out) != 0)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, _("beacon report-html: cannot write %s: %s\n"),
		    o->out, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* What went into the file, for whoever ran the command. */
static void
report_said(const char *out, const struct stats *st)
{
	printf("%s: ", out);
	printf(TN_(i18n_env(), "%lld incident; ", "%lld incidents; ",
	    (unsigned long)st->total), (long long)st->total);
	printf(TN_(i18n_env(), "set apart: %lld drill, ",
	    "set apart: %lld drills, ", (unsigned long)st->drills),
	    (long long)st->drills);
	printf(TN_(i18n_env(), "%lld false alarm\n", "%lld false alarms\n",
	    (unsigned long)st->false_alarms), (long long)st->false_alarms);
	if (st->tests > 0) {
		printf("%s: ", out);
		printf(TN_(i18n_env(), "%lld device test left out (branch "
		    "paused)\n", "%lld device tests left out (branch "
		    "paused)\n", (unsigned long)st->tests),
		    (long long)st->tests);
	}
}

/* A language asked for that this machine cannot show: said once, and
 * the page is in English. */
static void
report_lang(const struct report_run *r)
{
	const char *want = r->ask.lang;
	char why[512];

	if (want == NULL && r->ask.branch != NULL && r->cf != NULL)
		want = conf_branch_lang(r->cf, r->ask.branch);
	if (want != NULL && i18n_check(want, why, sizeof why) != 0)
		fprintf(stderr, _("beacon report-html: %s: the report is in "
		    "English\n"), why);
}

/* The configuration is optional: without it the report shows ids. One
 * named on purpose (--config, BEACON_CONFIG) must load. */
static int
report_config(struct report_run *r, const struct cli_opts *o)
{
	int given = strcmp(o->config, CLI_CONFIG) != 0;
	char *cause = NULL;

	if (!given && access(o->config, F_OK) != 0)
		return 0;
	if (conf_load(o->config, &r->cf, &cause) == 0)
		return 0;
	fprintf(stderr, "beacon report-html: %s", cause ? cause :
	    _("cannot read the configuration\n"));
	free(cause);
	return given ? -1 : 0;
}

static int
cmd_report_html(const struct cmd *cmd, struct cli_opts *o)
{
	struct report_run r;
	char *cause = NULL;
	int rc = EXIT_OK;

	if (o->lang != NULL && !i18n_known(o->lang)) {
		fprintf(stderr, _("beacon %s: --lang: \"%s\" is not a language "
		    "Beacon speaks: use en (English) or fr (French)\n"),
		    cmd->name, o->lang);
		return EXIT_LOCAL;
	}
	memset(&r, 0, sizeof r);
	r.ask.lang = o->lang;
	r.ask.since = o->since;
	r.ask.until = o->until;
	r.ask.branch = o->branch;
	r.ask.now = clock_now();
	if (report_config(&r, o) != 0)
		return EXIT_LOCAL;
	report_lang(&r);
	if ((r.s = store_open(o->db, STORE_RDONLY, &cause)) == NULL) {
		fprintf(stderr, "beacon %s: %s\n", cmd->name, cause ? cause :
		    _("cannot open the database"));
		free(cause);
		return EXIT_LOCAL;
	}
	if (report_build_read(r.s, r.cf, &r.ask, &r.st) != 0) {
		fprintf(stderr, _("beacon %s: cannot read %s\n"), cmd->name,
		    o->db);
		rc = EXIT_LOCAL;
	} else if (report_write(&r, o) != 0)
		rc = EXIT_LOCAL;
	else if (strcmp(o->out, "-") != 0)
		report_said(o->out, &r.st);
	stats_free(&r.st);
	store_close(r.s);
	conf_free(r.cf);
	return rc;
}

const struct cmd cmd_report_html_entry = {
	"report-html",
	"report-html [--since TIME] [--until TIME] [--branch B] [--lang LANG] "
	"[--db PATH] [--config FILE] --out FILE",
	"write the board report: one self-contained HTML page with incidents, "
	"response times and debriefs for a range",
	"db config since until branch lang out!",
	0,
	cmd_report_html,
};
