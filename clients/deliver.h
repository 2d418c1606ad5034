/*
 * Delivery of one report until beacond answers it, for `beacon report` and
 * beacon-button alike (docs/protocol.md, "Delivery, retries and
 * idempotency"). A PUBACK only says the broker has the report, so the
 * report is kept in its client's spool (spool.h) before it is first
 * published, taken out at its first status, and meanwhile published on
 * {prefix}/report/{branch} and published again with the same id after
 * 1 s, 2 s, 4 s... at most the client's cap apart, each wait up to a tenth
 * longer at random so that clients cut off together do not come back
 * together, until a status for it arrives on
 * {prefix}/status/{branch}/{id}. beacond records a report once however
 * often it comes. The caller owns the timer: it waits what deliver_wait()
 * says between tries.
 */
#ifndef BEACON_DELIVER_H
#define BEACON_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"

#define DELIVER_RETRY_MIN	1000	/* ms: the first wait */
#define DELIVER_MAX_REPORT	15000	/* ms: beacon report's cap (cli.md) */
#define DELIVER_MAX_BUTTON	30000	/* ms: beacon-button's (button.md) */

struct mqtt;
struct spool;

struct deliver {
	char branch[ID_MAX + 1];
	struct report r;
	char *topic;		/* {prefix}/report/{branch} */
	char *status_topic;	/* {prefix}/status/{branch}/{id} */
	char *payload;		/* the report as published */
	struct spool *spool;	/* holds it until its first status; NULL:
				 * not kept */
	int64_t max;		/* ms: the longest wait */
	int tries;		/* publications */
	int round;		/* waits since the last deliver_reset */
};

/* The wait after the n-th wait of a round (n >= 1): DELIVER_RETRY_MIN,
 * doubled each time up to max, plus up to a tenth more drawn from jitter
 * (any number). */
int64_t deliver_backoff(int n, int64_t max, uint32_t jitter);

void deliver_init(struct deliver *, const char *prefix, const char *branch,
    const struct report *, int64_t max);
void deliver_clear(struct deliver *);
/* Keep the report in spool: appended and synced unless the spool holds
 * it already (sent again after a restart). 0, or -1 (logged by spool.c)
 * when it is not kept. */
int deliver_spool(struct deliver *, struct spool *);
/* The first status came: the report leaves its spool. 0, also when it
 * was in none; -1 (logged) when the spool could not be rewritten. */
int deliver_unspool(struct deliver *);
/* Publish the report (QoS 1) and count the try; 0, or -1 when the MQTT
 * layer refused it. */
int deliver_publish(struct deliver *, struct mqtt *);
/* The wait before the next try, the jitter drawn at random. */
int64_t deliver_wait(struct deliver *);
/* (Re)connected: the waits start again from the shortest. */
void deliver_reset(struct deliver *);
/*
 * A topic {prefix}/status/{branch}/{id}: the id, with the branch into
 * branch (at most size - 1 bytes); NULL when the topic is not a status.
 */
const char *deliver_status_id(const char *topic, const char *prefix,
    char *branch, size_t size);

#endif
