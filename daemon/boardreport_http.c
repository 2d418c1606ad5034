/*
 * GET /r/{token}: the board report on the http listener (boardreport.h).
 * Counting a month of incidents reads every timeline: far too long for
 * the loop that routes reports. So a thread of this module's own makes
 * the page, with a read-only connection to the database and a copy of
 * the configuration of its own (a reload frees the loop's), into memory;
 * it hands the page back through a pipe, and the loop answers. One
 * report at a time: a second one asked for meanwhile gets 503.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "boardreport.h"
#include "clock.h"
#include "conf.h"
#include "crypto.h"
#include "html.h"
#include "i18n.h"
#include "log.h"
#include "report_build.h"
#include "store.h"
#include "web.h"
#include "xmalloc.h"

#define BR_TOKEN_MAX 600

/* No scripts, nothing loaded: only the page's own stylesheet. */
#define BR_CSP "default-src 'none'; style-src %s; frame-ancestors 'none'; " \
	"base-uri 'none'; form-action 'none'"

/* One report being made. The thread owns page, len, ok and ms until it
 * writes to the pipe; the loop owns the rest. */
struct br_job {
	struct evhttp_request *req;
	struct boardreport_grant g;
	int64_t now;
	char lang[8];		/* ?lang=; "": the branch's */
	pthread_t thread;
	char *page;
	size_t len;
	int ok;
	int64_t ms;		/* how long it took */
};

struct br_state {
	unsigned char secret[CRYPTO_KEY_LEN];
	char *config;
	char *db;
	char *csp;
	int fds[2];		/* the thread's "done", to the loop */
	struct event *done_ev;
	struct br_job *job;	/* being made; NULL: none */
};

static struct br_state *br;

/* ---- the thread --------------------------------------------------------- */

/* A monotonic clock for how long a report took (clock_now is the
 * loop's, and the test clock moves it). */
static int64_t
br_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
br_make(struct br_job *j, struct store *s, const struct config *cf)
{
	struct report_ask a = { j->g.since, j->g.until,
		j->g.branch[0] != '\0' ? j->g.branch : NULL, j->now,
		j->lang[0] != '\0' ? j->lang : NULL };
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&j->page, &j->len)) == NULL) {
		log_warn("board report: open_memstream");
		return -1;
	}
	rc = report_build(s, cf, &a, fp);
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

static void *
br_main(void *arg)
{
	struct br_job *j = arg;
	struct config *cf = NULL;
	struct store *s = NULL;
	char *cause = NULL;
	int64_t t0 = br_ms();

	if (conf_load(br->config, &cf, &cause) != 0)
		log_warnx("board report: %s", cause ? cause : br->config);
	else if ((s = store_open(br->db, STORE_RDONLY, &cause)) == NULL)
		log_warnx("board report: %s", cause ? cause : br->db);
	else
		j->ok = br_make(j, s, cf) == 0;
	free(cause);
	store_close(s);
	conf_free(cf);
	j->ms = br_ms() - t0;
	log_debug("event=board_report_made by=%s ok=%d ms=%lld",
	    j->g.supervisor, j->ok, (long long)j->ms);
	if (write(br->fds[1], "", 1) != 1)
		fatal("board report: cannot wake the loop");
	return NULL;
}

/* ---- answers ------------------------------------------------------------ */

/* The loop: the thread is done; answer, unless the asker has gone. */
static void
br_done(evutil_socket_t fd, short what, void *arg)
{
	struct br_job *j = br->job;
	char c[16];

	(void)what;
	(void)arg;
	if (read(fd, c, sizeof c) <= 0 || j == NULL)
		return;
	pthread_join(j->thread, NULL);
	br->job = NULL;
	log_info("event=board_report by=%s branch=%s lang=%s ok=%d bytes=%zu "
	    "ms=%lld connected=%d", j->g.supervisor, j->g.branch[0] ?
	    j->g.branch : "*", j->lang[0] ? j->lang : "-", j->ok, j->len,
	    (long long)j->ms, evhttp_request_get_connection(j->req) != NULL);
	/* A connection libevent saw closed meanwhile left the request to us
	 * (it detaches it): free it, there is nobody to answer. Otherwise
	 * the answer goes out, and a connection closed unseen is freed with
	 * the request when writing to it fails. */
	if (evhttp_request_get_connection(j->req) == NULL)
		evhttp_request_free(j->req);
	else if (j->ok)
		web_reply_csp(j->req, HTTP_OK, "OK", "text/html; charset=utf-8",
		    j->page, j->len, br->csp);
	else
		web_page_lang(j->req, j->lang, 500, "Internal Server Error",
		    T_(j->lang, "No report"), T_(j->lang, "The board report "
		    "could not be made: beacond's log says why. Try again in a "
		    "minute."), NULL, NULL);
	free(j->page);
	free(j);
}

/* ?lang=fr: a language Beacon speaks, into lang; anything else is the
 * branch's language (a link is often forwarded: it still opens). */
static void
br_lang(struct evhttp_request *req, char *lang, size_t len)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *q = uri != NULL ? evhttp_uri_get_query(uri) : NULL, *v;
	struct evkeyvalq params;

	lang[0] = '\0';
	if (q == NULL || evhttp_parse_query_str(q, &params) != 0)
		return;
	if ((v = evhttp_find_header(&params, "lang")) != NULL &&
	    i18n_known(v))
		snprintf(lang, len, "%s", v);
	evhttp_clear_headers(&params);
}

/* Start the thread for g; -1 when it cannot be started. */
static int
br_start(struct evhttp_request *req, const struct boardreport_grant *g)
{
	struct br_job *j = xcalloc(1, sizeof *j);
	sigset_t all, old;
	int rc;

	j->req = req;
	j->g = *g;
	br_lang(req, j->lang, sizeof j->lang);
	j->now = clock_now();
	br->job = j;
	log_debug("event=board_report_started by=%s", g->supervisor);
	/* Signals are the loop's (evsignal): the thread takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&j->thread, NULL, br_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_warnx("board report: pthread_create: %s", strerror(rc));
		br->job = NULL;
		free(j);
		return -1;
	}
	return 0;
}

static void
br_busy(struct evhttp_request *req, const char *lang, const char *text)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", "5");
	web_page_lang(req, lang, 503, "Service Unavailable", T_(lang,
	    "Please wait"), text, NULL, NULL);
}

static void
br_request(struct evhttp_request *req, const char *rest, void *arg)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct boardreport_grant g;
	const char *why;
	char lang[8];

	(void)arg;
	br_lang(req, lang, sizeof lang);
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		web_page_lang(req, lang, 405, "Method Not Allowed", T_(lang,
		    "Not allowed"), T_(lang, "A report link is opened (GET)."),
		    NULL, NULL);
		return;
	}
	if (strlen(rest) > BR_TOKEN_MAX || boardreport_check(br->secret, rest,
	    clock_now(), &g, &why) != 0) {
		web_page_lang(req, lang, 403, "Forbidden", T_(lang, "No report"),
		    strlen(rest) > BR_TOKEN_MAX ? T_(lang, "This link is not "
		    "valid.") : why, NULL, NULL);
		return;
	}
	if (br->job != NULL)
		br_busy(req, lang, T_(lang, "Another board report is being "
		    "made just now. Try again in a few seconds."));
	else if (br_start(req, &g) != 0)
		br_busy(req, lang, T_(lang, "beacond cannot start a report just "
		    "now. Try again in a few seconds."));
}

/* ---- the module --------------------------------------------------------- */

static void
br_pipe(struct br_state *s)
{
	if (pipe2(s->fds, O_CLOEXEC | O_NONBLOCK) != 0)
		fatal("board report: pipe");
}

void
boardreport_serve(struct web *w, struct event_base *base,
    const unsigned char *secret, const char *config, const char *db)
{
	const char *style = html_style();
	char *hash;

	if (br != NULL)
		return;
	br = xcalloc(1, sizeof *br);
	memcpy(br->secret, secret, sizeof br->secret);
	br->config = xstrdup(config);
	br->db = xstrdup(db);
	hash = crypto_csp_hash(style, strlen(style));
	br->csp = xasprintf(BR_CSP, hash);
	free(hash);
	br_pipe(br);
	br->done_ev = event_new(base, br->fds[0], EV_READ | EV_PERSIST,
	    br_done, NULL);
	if (br->done_ev == NULL || event_add(br->done_ev, NULL) != 0)
		fatalx("board report: cannot watch the pipe");
	web_route(w, "/r/", br_request, NULL);
}

void
boardreport_free(void)
{
	if (br == NULL)
		return;
	if (br->job != NULL) {
		pthread_join(br->job->thread, NULL);
		/* Nobody will answer it; a request still on its connection
		 * is freed with the listener. */
		if (evhttp_request_get_connection(br->job->req) == NULL)
			evhttp_request_free(br->job->req);
		free(br->job->page);
		free(br->job);
	}
	event_free(br->done_ev);
	close(br->fds[0]);
	close(br->fds[1]);
	explicit_bzero(br->secret, sizeof br->secret);
	free(br->config);
	free(br->db);
	free(br->csp);
	free(br);
	br = NULL;
}

int
boardreport_on(void)
{
	return br != NULL;
}

char *
boardreport_issue(const struct boardreport_grant *g)
{
	return br != NULL ? boardreport_token(br->secret, g) : NULL;
}
