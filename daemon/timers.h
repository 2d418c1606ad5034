/*
 * One scheduler of absolute deadlines (after OpenSMTPD's runq.c). A module
 * registers each kind of timer it keeps with the function that runs when
 * one falls due (timers_handler), then schedules entries of that kind by
 * id: an incident's escalation and its debrief reminder are two kinds, so
 * they never replace each other. Scheduling a kind and id again replaces
 * its entry. One libevent timer is armed for the earliest deadline.
 * Deadlines are wall-clock milliseconds from clock_now(), so after a
 * restart the same deadlines read from the database are simply scheduled
 * again; those already past fire at once.
 */
#ifndef BEACON_TIMERS_H
#define BEACON_TIMERS_H

#include <stddef.h>
#include <stdint.h>

#define TIMERS_KINDS 16	/* kinds one scheduler can hold: a power of two */
#define TIMERS_NAME 16	/* a kind's name and its NUL */

struct event_base;
struct timers;

/* Called with the entry's id, the deadline it was scheduled for, and the
 * arg given with the handler. */
typedef void (*timers_fn)(int64_t id, int64_t due, void *arg);

/* base may be NULL (unit tests): nothing is armed, call timers_run(). */
struct timers *timers_new(struct event_base *base);
void timers_free(struct timers *);
/* Register a kind of timer by name (unique, shorter than TIMERS_NAME) and
 * the function its entries run; returns the kind, for the calls below. */
int timers_handler(struct timers *, const char *name, timers_fn, void *arg);
/* The kind registered under name, or -1. */
int timers_kind(const struct timers *, const char *name);
/* Schedule (kind, id) at due (ms); replaces any entry with that key. */
void timers_at(struct timers *, int kind, int64_t id, int64_t due);
/* Remove the entry of (kind, id); returns 1 if there was one. */
int timers_cancel(struct timers *, int kind, int64_t id);
/* The deadline of (kind, id), or -1. */
int64_t timers_due(const struct timers *, int kind, int64_t id);
size_t timers_count(const struct timers *);
/* Fire, in deadline order, every entry due at or before now; each is
 * removed before its handler runs, so the handler may schedule again.
 * Returns how many fired. */
int timers_run(struct timers *, int64_t now);
/* Run the handler of kind for id and due at once, without touching the
 * entries (the engine replays deadlines so in degraded mode). */
void timers_fire(struct timers *, int kind, int64_t id, int64_t due);

#endif
