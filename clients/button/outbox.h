/*
 * beacon-button's reports on their way: each is spooled, then delivered
 * (deliver.h: published, and published again with the same id, 1 s, 2 s,
 * 4 s... at most DELIVER_MAX_BUTTON apart with jitter) until a status for
 * it arrives, whatever the status says: beacond has then recorded or
 * refused it, and keeps it from being recorded twice.
 */
#ifndef BUTTON_OUTBOX_H
#define BUTTON_OUTBOX_H

#include <stddef.h>

struct event_base;
struct mqtt;
struct outbox;
struct report;
struct spool;

/* prefix and branch make the topics: {prefix}/report/{branch} and
 * {prefix}/status/{branch}/{id}. The spool is the caller's. */
struct outbox *outbox_new(struct event_base *, struct mqtt *, struct spool *,
    const char *prefix, const char *branch);
void outbox_free(struct outbox *);
/* The reports the spool holds from before a restart, with their ids. */
void outbox_restore(struct outbox *);
/* A new report: into the spool first, then out. */
void outbox_add(struct outbox *, const struct report *);
/* (Re)connected: subscribe to each report's status and send it now. */
void outbox_connected(struct outbox *);
/* A message on a status topic of the branch; 0 when it is not one. */
int outbox_message(struct outbox *, const char *topic, const void *payload,
    size_t len);
size_t outbox_count(const struct outbox *);

#endif
