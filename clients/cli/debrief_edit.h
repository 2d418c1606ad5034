/*
 * A debrief revision for `beacon debrief`: the record as text, the
 * options that change it, and the questions of --interactive. Pure code on
 * struct debrief and stdio, so that it is unit tested. Recording is
 * beacond's: nothing here checks the configured referral or notice types.
 */
#ifndef BEACON_DEBRIEF_EDIT_H
#define BEACON_DEBRIEF_EDIT_H

#include <stdio.h>

#include "beacon.h"
#include "cli.h"

/* "TYPE" or "TYPE:COUNT" (COUNT 1 to 10000; default 1). 0, or -1 with
 * *cause (the caller frees it). */
int debrief_edit_referral(const char *s, struct debrief_referral *,
    char **cause);
/* "WHAT;OWNER;YYYY-MM-DD[;open|done|dropped]", read from the right so
 * that WHAT may hold semicolons. */
int debrief_edit_action(const char *s, struct debrief_action *, char **cause);
/* 1 if any option that changes a debrief was given. */
int debrief_edit_given(const struct cli_opts *);
/*
 * Change d by the options given, and only those. --notice adds a notice
 * type; --referral sets the count of its type (adding it); --action
 * replaces the action with the same WHAT, or adds one.
 */
int debrief_edit_apply(const struct cli_opts *, struct debrief *d,
    char **cause);
/*
 * Ask each field on out, reading answers from in: Enter keeps the current
 * value, "-" clears it, a bad answer is explained and asked again. echo:
 * repeat each answer on out (in is not a terminal). At the end of in the
 * remaining fields are kept; -1 with *cause when it ends on a bad answer.
 */
int debrief_edit_ask(FILE *in, FILE *out, int echo, struct debrief *d,
    char **cause);
/* Ask a yes/no question; Enter and the end of input say def. */
int debrief_edit_confirm(FILE *in, FILE *out, int echo, const char *question,
    int def);
/* The two parts, "Wellbeing debrief" and "Operational review". */
void debrief_edit_print(FILE *, const struct debrief *);

#endif
