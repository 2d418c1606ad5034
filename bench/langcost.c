/*
 * bench/langcost.c: what choosing a reader's language costs per report
 * (docs/benchmarks.md, "Languages"). For one overdose at a branch, the
 * texts beacond writes in a reader's language: the reporter's two
 * statuses, and for each of three responders the notification (its label
 * and language) and the push made from it (title and body), with the JSON
 * around them as beacond makes it. Timed in
 * English (the source text: no lookup) and in French (a gettext lookup
 * per sentence), CPU time per report.
 *
 *   beacon-langcost CONF [REPORTS]
 *
 * CONF: a beacon.conf with an overdose category, whose first branch and
 * first three responders are used (the shipped conf/beacon.conf, which
 * has French labels).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beacon.h"
#include "conf.h"
#include "i18n.h"
#include "msg.h"

static volatile size_t sink;

static double
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The texts of one report read in lang. */
static void
one_report(const struct config *cf, const struct conf_category *cat,
    struct incident *inc, const char *lang)
{
	struct notify n = { inc, NULL, "crisis_worker", 0, 0, 1, NULL, NULL,
		NULL };
	struct push_note pn;
	char buf[2048], err[128], *p;
	int i;

	snprintf(buf, sizeof buf, "%s", T_(lang, "received"));
	sink += strlen(buf);
	snprintf(buf, sizeof buf, TN_(lang, "routed: %d responder notified",
	    "routed: %d responders notified", 3), 3);
	sink += strlen(buf) + strlen(T_(lang, ", CALL 911"));
	for (i = 0; i < 3; i++) {
		n.lang = conf_responder_lang(cf, cf->responders[i].id,
		    inc->branch);
		n.label = conf_category_label(cat, n.lang);
		p = msg_notify_encode(&n);
		if (msg_push_decode(p, strlen(p), &pn, err, sizeof err) !=
		    MSG_OK) {
			fprintf(stderr, "langcost: %s\n", err);
			exit(1);
		}
		free(p);
		p = msg_push_encode(&pn, cf->responders[i].id,
		    "Central Library", NULL);
		sink += strlen(p);
		free(p);
	}
}

static double
run(const struct config *cf, const struct conf_category *cat,
    struct incident *inc, const char *lang, long reports)
{
	double t0;
	long i;

	one_report(cf, cat, inc, lang);	/* the catalog opened, cached */
	t0 = cpu_ns();
	for (i = 0; i < reports; i++)
		one_report(cf, cat, inc, lang);
	return (cpu_ns() - t0) / (double)reports;
}

/* One lookup alone: ns per T_(). */
static double
lookup(const char *lang, long n)
{
	double t0 = cpu_ns();
	long i;

	for (i = 0; i < n; i++)
		sink += (size_t)T_(lang, "Threat to life: branch staff have "
		    "been told to CALL 911.")[0];
	return (cpu_ns() - t0) / (double)n;
}

int
main(int argc, char **argv)
{
	struct config *cf;
	struct incident inc;
	const struct conf_category *cat;
	char *cause = NULL, why[512];
	long reports = argc > 2 ? atol(argv[2]) : 100000;
	double en[3], fr[3];
	int r;

	if (argc < 2 || conf_load(argv[1], &cf, &cause) != 0) {
		fprintf(stderr, "usage: beacon-langcost CONF [REPORTS]\n%s",
		    cause ? cause : "");
		return 2;
	}
	if (cf->nresponders < 3 || (cat = conf_category(cf, "overdose")) ==
	    NULL) {
		fprintf(stderr, "langcost: CONF needs 3 responders and the "
		    "overdose category\n");
		return 2;
	}
	if (i18n_check("fr", why, sizeof why) != 0) {
		fprintf(stderr, "langcost: French cannot be shown: %s\n", why);
		return 1;
	}
	memset(&inc, 0, sizeof inc);
	inc.id = 1;
	snprintf(inc.branch, sizeof inc.branch, "%s", cf->branches[0].id);
	snprintf(inc.r.type, sizeof inc.r.type, "overdose");
	snprintf(inc.r.location, sizeof inc.r.location, "Main floor");
	inc.r.severity = 1;
	inc.call_911 = 1;
	/* English and French interleaved, three rounds each. */
	for (r = 0; r < 3; r++) {
		free(cf->branches[0].language);
		cf->branches[0].language = NULL;
		en[r] = run(cf, cat, &inc, "en", reports);
		cf->branches[0].language = strdup("fr");
		fr[r] = run(cf, cat, &inc, "fr", reports);
	}
	for (r = 0; r < 3; r++)
		printf("round %d: en %.0f ns/report, fr %.0f ns/report, "
		    "fr - en %.0f ns\n", r + 1, en[r], fr[r], fr[r] - en[r]);
	for (r = 0; r < 3; r++) {
		en[r] = lookup("en", reports * 10);
		fr[r] = lookup("fr", reports * 10);
	}
	for (r = 0; r < 3; r++)
		printf("lookup %d: en %.1f ns, fr %.1f ns\n", r + 1, en[r],
		    fr[r]);
	conf_free(cf);
	return sink == 0;
}
