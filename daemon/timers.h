/*
 * One scheduler of absolute deadlines (after OpenSMTPD's runq.c). Each entry
 * has a key (an incident id); scheduling a key again replaces its entry. One
 * libevent timer is armed for the earliest deadline. Deadlines are wall-clock
 * milliseconds from clock_now(), so after a restart the same deadlines read
 * from the database are simply scheduled again; those already past fire at
 * once.
 */
#ifndef BEACON_TIMERS_H
#define BEACON_TIMERS_H

#include <stdint.h>

struct event_base;
struct timers;

/* Called with the key, the deadline it was scheduled for, and arg. */
typedef void (*timers_fn)(int64_t key, int64_t due, void *arg);

/* base may be NULL (unit tests): nothing is armed, call timers_run(). */
struct timers *timers_new(struct event_base *base, timers_fn fn, void *arg);
void timers_free(struct timers *);
/* Schedule key at due (ms); replaces any entry with the same key. */
void timers_at(struct timers *, int64_t key, int64_t due);
/* Remove the key's entry; returns 1 if it had one. */
int timers_cancel(struct timers *, int64_t key);
/* The key's deadline, or -1. */
int64_t timers_due(const struct timers *, int64_t key);
size_t timers_count(const struct timers *);
/* Fire, in deadline order, every entry due at or before now; each is
 * removed before its callback runs, so the callback may schedule again.
 * Returns how many fired. */
int timers_run(struct timers *, int64_t now);

#endif
