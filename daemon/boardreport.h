/*
 * The board report on beacond's listener (docs/protocol.md, "The board
 * report"): a supervisor asks for a link (report_link, a supervisor
 * request: boardreport.c), GET /r/{token} answers with the page
 * `beacon report-html` makes for the same range and branch
 * (boardreport_http.c). The token names who asked, the range, the branch
 * and when it stops working, signed with HMAC-SHA256 under the action
 * links' secret (boardreport_token.c); its payload starts "r1|", which
 * no action link's does, so neither kind can pass for the other.
 */
#ifndef BEACON_BOARDREPORT_H
#define BEACON_BOARDREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"

#define BOARDREPORT_LIFETIME (15 * 60 * 1000)	/* ms a link works */
#define BOARDREPORT_DAYS 30	/* the range when none is asked for */

struct event_base;
struct web;

/* What a report link grants. */
struct boardreport_grant {
	char supervisor[ID_MAX + 1];	/* who asked for it */
	int64_t since, until;		/* ms, until excluded */
	char branch[ID_MAX + 1];	/* "": every branch */
	int64_t expiry;			/* ms since the epoch */
};

/* The token for g under secret (CRYPTO_KEY_LEN bytes); the caller frees.
 * NULL when g does not fit a token. */
char *boardreport_token(const unsigned char *secret,
    const struct boardreport_grant *g);
/* 0 and *g filled when token is one of ours and has not expired at now;
 * -1 with *why for a person otherwise. */
int boardreport_check(const unsigned char *secret, const char *token,
    int64_t now, struct boardreport_grant *g, const char **why);

/* Serve GET /r/ on w, signing with secret: the report is made by a
 * thread of its own from the configuration file config (read again for
 * each report, so that a reload frees nothing it reads) and the database
 * db, opened read-only. */
void boardreport_serve(struct web *w, struct event_base *base,
    const unsigned char *secret, const char *config, const char *db);
/* Stop serving: wait for a report being made, and forget it (before the
 * listener is freed). */
void boardreport_free(void);
/* 1 when /r/ is served: report_link can be answered. */
int boardreport_on(void);
/* A token for g under the served secret, or NULL when /r/ is not
 * served; the caller frees. */
char *boardreport_issue(const struct boardreport_grant *g);

#endif
