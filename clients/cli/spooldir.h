/*
 * beacon report's spool directory: the reports a run has published and
 * not yet seen a status for, kept across runs of the command. One spool
 * (spool.h) per report topic, named after the topic with every byte other
 * than A-Za-z0-9._:- written %XX ("beacon%2Freport%2Fcentral.spool").
 * Each run holds the spools it opened until it closes them; a run that
 * finds its topic's spool held by another run takes the next free one
 * ("beacon%2Freport%2Fcentral~1.spool"), so runs never wait for each
 * other and every report is in exactly one spool.
 */
#ifndef BEACON_SPOOLDIR_H
#define BEACON_SPOOLDIR_H

#include <stddef.h>

#define SPOOLDIR_SLOTS 16 /* spools per topic: runs at once */

struct report;
struct spool;
struct spooldir;

/* The directory to use: dir if not NULL (--spool, BEACON_SPOOL), else
 * $XDG_STATE_HOME/beacon/spool, else ~/.local/state/beacon/spool. The
 * caller frees it; NULL when there is no home directory to put it in. */
char *spooldir_path(const char *dir);
/*
 * Make the directory if need be (mode 0700) and open every spool in it
 * for prefix's report topics that no other run holds. NULL with *cause
 * (the caller frees it) when the directory cannot be made or read.
 */
struct spooldir *spooldir_open(const char *dir, const char *prefix,
    char **cause);
void spooldir_close(struct spooldir *);
/* The reports held, spool by spool, oldest first. */
size_t spooldir_count(const struct spooldir *);
/* The i-th report, its branch and the spool that holds it; valid until
 * the spool directory changes. NULL past the end. */
const struct report *spooldir_get(const struct spooldir *, size_t i,
    const char **branch, struct spool **);
/* A spool of the branch's topic for a new report: one held here, or the
 * first free one, now held. NULL (logged) when none can be had. */
struct spool *spooldir_spool(struct spooldir *, const char *branch);

#endif
