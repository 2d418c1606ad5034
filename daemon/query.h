/*
 * Answers to supervisors' read requests on beacon/query/{responder}
 * (incidents, timeline, debrief), straight from the store. Who may ask,
 * and the requests that write, are the engine's.
 */
#ifndef BEACON_QUERY_H
#define BEACON_QUERY_H

struct store;
struct query;

#define QUERY_LIMIT 1000 /* incidents in one reply unless asked for fewer */

/* 1 if the method only reads. */
int query_is_read(int method);
/* The reply (ok, or an error naming the problem); the caller frees it. */
char *query_read(struct store *, const struct query *);

#endif
