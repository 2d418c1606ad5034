/*
 * One scheduler of absolute deadlines (after OpenSMTPD's runq.c). Each entry
 * has a key (an incident id); scheduling a key again replaces its entry. One
 * libevent timer is armed for the earliest deadline. Deadlines are wall-clock
 * milliseconds from clock_now(), so after a restart the same deadlines read
 * from the database are simply scheduled again; those already past fire at
 * once.
 */
#ifndef BEACON_SCHED_H
#define BEACON_SCHED_H

#include <stdint.h>

struct event_base;
struct sched;

/* Called with the key, the deadline it was scheduled for, and arg. */
typedef void (*sched_fn)(int64_t key, int64_t due, void *arg);

/* base may be NULL (unit tests): nothing is armed, call sched_run(). */
struct sched *sched_new(struct event_base *base, sched_fn fn, void *arg);
void sched_free(struct sched *);
/* Schedule key at due (ms); replaces any entry with the same key. */
void sched_at(struct sched *, int64_t key, int64_t due);
/* Remove the key's entry; returns 1 if it had one. */
int sched_cancel(struct sched *, int64_t key);
/* The key's deadline, or -1. */
int64_t sched_due(const struct sched *, int64_t key);
size_t sched_count(const struct sched *);
/* Fire, in deadline order, every entry due at or before now; each is
 * removed before its callback runs, so the callback may schedule again.
 * Returns how many fired. */
int sched_run(struct sched *, int64_t now);

#endif
