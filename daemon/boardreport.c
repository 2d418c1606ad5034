/*
 * report_link, a supervisor request: a link to the board report for a
 * range and a branch, served by GET /r/{token} on the http listener
 * (boardreport.h). Nothing is written but beacond's log: the link only
 * reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boardreport.h"
#include "engine_int.h"

#define BOARDREPORT_NO_HTTP "the board report needs beacond's http " \
	"listener (http in beacon.conf)"

/* The range asked for, with the defaults: the last BOARDREPORT_DAYS days
 * up to until, which is now unless given. */
static const char *
boardreport_range(const struct report_link_req *q, int64_t now,
    struct boardreport_grant *g)
{
	g->until = q->until > 0 ? q->until : now;
	g->since = q->since > 0 ? q->since : g->until -
	    (int64_t)BOARDREPORT_DAYS * 24 * 3600 * 1000;
	if (g->since < 0)
		g->since = 0;
	if (q->until == 0 && g->since >= now)
		return "since: must be before now";
	if (g->until <= g->since)
		return "until: must be after since";
	return NULL;
}

/* 1 when who covers every branch of beacon.conf. */
static int
boardreport_covers_all(const struct config *cf,
    const struct conf_responder *rp)
{
	size_t i;

	for (i = 0; rp != NULL && i < cf->nbranches; i++)
		if (!conf_covers(rp, cf->branches[i].id))
			return 0;
	return rp != NULL;
}

/* The branch asked for: one of beacon.conf's that who covers; none (the
 * whole library) only for one who covers them all. */
static const char *
boardreport_branch(struct engine *e, const char *who,
    const struct report_link_req *q, char *err, size_t len)
{
	const struct conf_responder *rp = conf_responder(e->cf, who);

	if (q->branch[0] == '\0' && boardreport_covers_all(e->cf, rp))
		return NULL;
	if (q->branch[0] == '\0')
		snprintf(err, len, "branch: required: %s does not cover every "
		    "branch, so its report is of one branch", who);
	else if (conf_branch(e->cf, q->branch) == NULL)
		snprintf(err, len, "branch: \"%s\" is no branch of beacon.conf",
		    q->branch);
	else if (rp == NULL || !conf_covers(rp, q->branch))
		snprintf(err, len, "branch: %s does not cover %s", who,
		    q->branch);
	else
		return NULL;
	return err;
}

static char *
boardreport_reply(struct engine *e, const struct boardreport_grant *g,
    const char *token)
{
	struct msg_reply *r = msg_reply_new(-1);
	char at[40], *s;

	msg_reply_set_str(r, "method", "report_link");
	s = xasprintf("r/%s", token);
	msg_reply_set_str(r, "path", s);
	free(s);
	if (e->cf->http_url != NULL) {
		s = xasprintf("%s/r/%s", e->cf->http_url, token);
		msg_reply_set_str(r, "url", s);
		free(s);
	}
	msg_reply_set_str(r, "expires", clock_fmt(g->expiry, at, sizeof at));
	msg_reply_set_str(r, "since", clock_fmt(g->since, at, sizeof at));
	msg_reply_set_str(r, "until", clock_fmt(g->until, at, sizeof at));
	if (g->branch[0] != '\0')
		msg_reply_set_str(r, "branch", g->branch);
	return msg_reply_finish(r, NULL);
}

/* Why not, or NULL with the answer in *out. */
static const char *
boardreport_answer(struct engine *e, const char *who,
    const struct report_link_req *q, char *err, size_t len, char **out)
{
	struct boardreport_grant g;
	int64_t now = clock_now();
	const char *why;
	char *token;

	memset(&g, 0, sizeof g);
	if (!boardreport_on())
		return BOARDREPORT_NO_HTTP;
	if ((why = boardreport_range(q, now, &g)) != NULL ||
	    (why = boardreport_branch(e, who, q, err, len)) != NULL)
		return why;
	snprintf(g.supervisor, sizeof g.supervisor, "%s", who);
	snprintf(g.branch, sizeof g.branch, "%s", q->branch);
	g.expiry = now + BOARDREPORT_LIFETIME;
	if ((token = boardreport_issue(&g)) == NULL)
		return "no link could be made for this range";
	*out = boardreport_reply(e, &g, token);
	free(token);
	log_info("event=report_link by=%s since=%lld until=%lld branch=%s",
	    who, (long long)g.since, (long long)g.until,
	    g.branch[0] != '\0' ? g.branch : "*");
	return NULL;
}

int
boardreport_request(struct engine *e, const struct request *rq)
{
	struct report_link_req q;
	char err[DETAIL_MAX + 1], *reply = NULL;
	const char *why;
	int rc;

	if ((rc = msg_report_link_decode(rq->p, rq->len, &q, err,
	    sizeof err)) == MSG_NOID)
		return 0;
	if ((why = request_unanswerable(rq, rc, err)) == NULL &&
	    (why = request_may_query(e, rq->who, err, sizeof err)) == NULL)
		why = boardreport_answer(e, rq->who, &q, err, sizeof err,
		    &reply);
	if (why == NULL)
		request_answer(e, rq, reply);
	else
		request_refuse(e, rq, -1, why);
	return 1;
}
