/*
 * The spool: reports that have no status yet, kept in a small file so that
 * a report survives a broker outage and a restart of its client
 * (beacon-button, `beacon report`). One line per report, the JSON that is
 * published. A report is appended and synced before it is first published,
 * and taken out once a status for it arrives; taking out rewrites the file
 * beside it and renames it over, so that a crash leaves the old file or
 * the new one, never half of one.
 */
#ifndef BEACON_SPOOL_H
#define BEACON_SPOOL_H

#include <stddef.h>

#define SPOOL_MAX 100 /* reports: more means something else is wrong */

struct report;
struct spool;

/*
 * Open the spool at path (created on the first report) and load it; a
 * line that cannot be read is logged and dropped. A lock on path ".lock"
 * keeps a second process off the same spool. NULL with *cause (the caller
 * frees it) when the file cannot be read or is locked; errno is then
 * EWOULDBLOCK if another process holds the lock, 0 otherwise.
 */
struct spool *spool_open(const char *path, char **cause);
void spool_close(struct spool *);
size_t spool_count(const struct spool *);
/* The i-th report, oldest first; valid until the spool changes. */
const struct report *spool_get(const struct spool *, size_t i);
int spool_has(const struct spool *, const char *id);
/* 0 once the report is on disk; -1 (logged) when it could not be written
 * or the spool is full: it is then kept in memory only. */
int spool_add(struct spool *, const struct report *);
/* 0; -1 when the id is not there, or (logged) the file could not be
 * rewritten, in which case the report is sent again after a restart and
 * beacond recognises it. */
int spool_remove(struct spool *, const char *id);

#endif
