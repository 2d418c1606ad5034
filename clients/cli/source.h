/*
 * Where the history comes from: beacond's database, opened read only
 * (--db), or beacond itself over MQTT v5 request/response (--remote --as
 * R), which answers supervisors from the same rows. The commands that read
 * go through here and do not care which.
 *
 * Every function returns an exit status (cli.h) and has printed the reason
 * of a failure on stderr: EXIT_LOCAL (no database, no such incident in
 * it), EXIT_REFUSED (beacond said no), EXIT_TIMEOUT (no answer).
 */
#ifndef BEACON_SOURCE_H
#define BEACON_SOURCE_H

#include "beacon.h"
#include "cli.h"
#include "msg.h"
#include "store.h"

struct source;

/* NULL, with *rc set, when the database cannot be opened or the options
 * do not make a source (--remote without --as). */
struct source *source_open(const char *cmd, const struct cli_opts *,
    int *rc);
void source_close(struct source *);

int source_incidents(struct source *, const struct incident_filter *,
    store_incident_cb, void *arg);
/* The incident into *inc, then its events in order. */
int source_timeline(struct source *, int64_t incident, struct incident *inc,
    store_event_cb, void *arg);
typedef int (*source_debrief_cb)(const struct debrief *, void *arg);
/* The latest revision, or every one (all), oldest first. */
int source_debriefs(struct source *, int64_t incident, int all,
    source_debrief_cb, void *arg);

/*
 * One request to beacond as o->as. On EXIT_OK, *reply is the answer (ok
 * true), which the caller frees; a refusal is printed as "beacon: CMD
 * refused: why" and gives EXIT_REFUSED.
 */
int source_ask(const char *cmd, const struct cli_opts *,
    const struct query *, char **reply, size_t *len);
/* The same for a request already encoded (req is freed): the on-call
 * requests, which are not queries. */
int source_send(const char *cmd, const struct cli_opts *, char *req,
    char **reply, size_t *len);

/* The filter the options give (--since ... --open). */
void source_filter(const struct cli_opts *, struct incident_filter *);

#endif
