/*
 * One scheduler of absolute deadlines (after OpenSMTPD's runq.c).
 *
 * Each kind of timer has its handler (timers_handler). An entry's key
 * joins its kind and id into one number, here only: id * TIMERS_KINDS +
 * kind (so ids are within +-2^59), which keeps the index and the heap as
 * small and fast as with plain keys. A binary min-heap ordered by (due,
 * seq) holds the entries; seq is an insertion counter, so entries with the
 * same deadline fire in the order they were scheduled. An open-addressing
 * table maps each key to its place in the heap, which keeps timers_at,
 * timers_cancel and timers_due at O(log n) or better (one table lookup
 * each) for the hundred thousand entries a busy site could hold after a
 * long outage.
 *
 * timers_run first moves every due entry into a batch and then fires the
 * batch in order. While the batch runs, its keys stay visible: a callback
 * may cancel or reschedule a key that is still waiting in the batch, and
 * that entry then does not fire. An entry scheduled during the run waits
 * for a later run even when it is already due, so a callback that always
 * schedules itself "now" cannot keep the loop busy forever; with an event
 * base the timer is armed at zero and the later run is the next pass of
 * the loop.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "clock.h"
#include "log.h"
#include "timers.h"
#include "xmalloc.h"

#define SCHED_MINSLOTS 64
/*
 * The timer runs on the monotonic clock while deadlines are wall-clock
 * times: waking at least this often bounds the lateness a wall-clock jump
 * (or clock_shift) can cause.
 */
#define SCHED_MAXWAIT 10000

struct timers_entry {
	int64_t key;
	int64_t due;
	uint64_t seq;
};

/*
 * A table slot. pos >= 0 is a heap index; pos < 0 is batch index -pos - 1
 * (the entry is due and waiting in a running timers_run).
 */
struct timers_slot {
	int64_t key;
	long pos;
	int used;
};

/* A kind of timer: its name and what runs when one falls due. */
struct timers_kind {
	char name[TIMERS_NAME];
	timers_fn fn;
	void *arg;
};

struct timers {
	struct event_base *base;
	struct event *timer;
	struct timers_kind kinds[TIMERS_KINDS];
	int nkinds;

	struct timers_entry *heap;
	size_t nheap;
	size_t heapcap;

	struct timers_slot *slots;
	size_t nslots; /* a power of two */
	size_t nused;

	struct timers_entry *batch;
	size_t nbatch;
	size_t batchcap;
	size_t batchlive;

	uint64_t seq;
	int running;
};

static void timers_arm(struct timers *);

/* The key of (kind, id), and back. */
static int64_t
timers_key(int kind, int64_t id)
{
	return (int64_t)((uint64_t)id * TIMERS_KINDS + (uint64_t)kind);
}

static int
timers_key_kind(int64_t key)
{
	return (int)((uint64_t)key & (TIMERS_KINDS - 1));
}

static int64_t
timers_key_id(int64_t key)
{
	return (key - timers_key_kind(key)) / TIMERS_KINDS;
}

/* ---- key index ---------------------------------------------------------- */

static size_t
timers_hash(int64_t key)
{
	uint64_t x = (uint64_t)key;

	/* splitmix64's finaliser: incident ids are sequential. */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (size_t)(x ^ (x >> 31));
}

static struct timers_slot *
timers_slot(const struct timers *s, int64_t key)
{
	size_t mask = s->nslots - 1, i = timers_hash(key) & mask;

	while (s->slots[i].used) {
		if (s->slots[i].key == key)
			return &s->slots[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

static void
timers_slot_put(struct timers *s, int64_t key, long pos)
{
	size_t mask = s->nslots - 1, i = timers_hash(key) & mask;

	while (s->slots[i].used && s->slots[i].key != key)
		i = (i + 1) & mask;
	if (!s->slots[i].used)
		s->nused++;
	s->slots[i].key = key;
	s->slots[i].pos = pos;
	s->slots[i].used = 1;
}

static void
timers_grow(struct timers *s)
{
	struct timers_slot *old = s->slots;
	size_t i, n = s->nslots;

	s->nslots = n * 2;
	s->slots = xcalloc(s->nslots, sizeof *s->slots);
	s->nused = 0;
	for (i = 0; i < n; i++)
		if (old[i].used)
			timers_slot_put(s, old[i].key, old[i].pos);
	free(old);
}

/* Linear probing with backward-shift deletion, so no tombstones pile up. */
static void
timers_slot_del(struct timers *s, struct timers_slot *sl)
{
	size_t mask = s->nslots - 1, i = (size_t)(sl - s->slots), j, home;

	s->slots[i].used = 0;
	s->nused--;
	for (j = (i + 1) & mask; s->slots[j].used; j = (j + 1) & mask) {
		home = timers_hash(s->slots[j].key) & mask;
		/* Move j into the hole unless its home lies in (i, j]. */
		if (((j - home) & mask) < ((j - i) & mask))
			continue;
		s->slots[i] = s->slots[j];
		s->slots[j].used = 0;
		i = j;
	}
}

/* ---- heap --------------------------------------------------------------- */

static int
timers_before(const struct timers_entry *a, const struct timers_entry *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	return a->seq < b->seq;
}

static void
timers_place(struct timers *s, size_t i, const struct timers_entry *e)
{
	s->heap[i] = *e;
	timers_slot(s, e->key)->pos = (long)i;
}

static void
timers_up(struct timers *s, size_t i)
{
	struct timers_entry e = s->heap[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!timers_before(&e, &s->heap[parent]))
			break;
		timers_place(s, i, &s->heap[parent]);
		i = parent;
	}
	timers_place(s, i, &e);
}

static void
timers_down(struct timers *s, size_t i)
{
	struct timers_entry e = s->heap[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= s->nheap)
			break;
		if (child + 1 < s->nheap &&
		    timers_before(&s->heap[child + 1], &s->heap[child]))
			child++;
		if (!timers_before(&s->heap[child], &e))
			break;
		timers_place(s, i, &s->heap[child]);
		i = child;
	}
	timers_place(s, i, &e);
}

/* Take heap entry i out; its key must be dropped from the index after. */
static void
timers_heap_remove(struct timers *s, size_t i)
{
	struct timers_entry last;

	last = s->heap[--s->nheap];
	if (i == s->nheap)
		return;
	timers_place(s, i, &last);
	if (i > 0 && timers_before(&last, &s->heap[(i - 1) / 2]))
		timers_up(s, i);
	else
		timers_down(s, i);
}

static void
timers_heap_add(struct timers *s, int64_t key, int64_t due)
{
	struct timers_entry e = { key, due, s->seq++ };

	if (s->nheap == s->heapcap) {
		s->heapcap = s->heapcap == 0 ? 64 : s->heapcap * 2;
		s->heap = xreallocarray(s->heap, s->heapcap, sizeof *s->heap);
	}
	if ((s->nused + 1) * 2 > s->nslots)
		timers_grow(s);
	timers_slot_put(s, key, (long)s->nheap);
	s->heap[s->nheap++] = e;
	timers_up(s, s->nheap - 1);
}

/* Drop whatever the slot points at: a heap entry or a batch entry. */
static void
timers_drop(struct timers *s, struct timers_slot *sl)
{
	long pos = sl->pos;

	if (pos < 0)
		s->batchlive--;
	timers_slot_del(s, sl);
	if (pos >= 0)
		timers_heap_remove(s, (size_t)pos);
}

/* ---- timer -------------------------------------------------------------- */

static void
timers_timer(evutil_socket_t fd, short what, void *arg)
{
	struct timers *s = arg;

	(void)fd;
	(void)what;
	timers_run(s, clock_now()); /* which arms the timer again */
}

/* Arm the one timer for the earliest deadline (none while running). */
static void
timers_arm(struct timers *s)
{
	struct timeval tv;
	int64_t wait;

	if (s->timer == NULL || s->running)
		return;
	if (s->nheap == 0) {
		evtimer_del(s->timer);
		return;
	}
	wait = s->heap[0].due - clock_now();
	if (wait < 0)
		wait = 0;
	if (wait > SCHED_MAXWAIT)
		wait = SCHED_MAXWAIT;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

/* ---- interface ---------------------------------------------------------- */

struct timers *
timers_new(struct event_base *base)
{
	struct timers *s = xcalloc(1, sizeof *s);

	s->base = base;
	s->nslots = SCHED_MINSLOTS;
	s->slots = xcalloc(s->nslots, sizeof *s->slots);
	if (base != NULL && (s->timer = evtimer_new(base, timers_timer, s)) ==
	    NULL)
		fatalx("sched: cannot create the timer");
	return s;
}

void
timers_free(struct timers *s)
{
	if (s == NULL)
		return;
	if (s->timer != NULL)
		event_free(s->timer);
	free(s->heap);
	free(s->slots);
	free(s->batch);
	free(s);
}

int
timers_handler(struct timers *s, const char *name, timers_fn fn, void *arg)
{
	struct timers_kind *k;

	if (s->nkinds == TIMERS_KINDS || timers_kind(s, name) >= 0)
		fatalx("timers: cannot register the kind \"%s\"", name);
	k = &s->kinds[s->nkinds];
	strlcpy_utf8(k->name, name, sizeof k->name);
	k->fn = fn;
	k->arg = arg;
	return s->nkinds++;
}

int
timers_kind(const struct timers *s, const char *name)
{
	int i;

	for (i = 0; i < s->nkinds; i++)
		if (strcmp(s->kinds[i].name, name) == 0)
			return i;
	return -1;
}

void
timers_at(struct timers *s, int kind, int64_t id, int64_t due)
{
	struct timers_slot *sl;
	int64_t key = timers_key(kind, id);

	if (kind < 0 || kind >= s->nkinds)
		fatalx("timers: no handler for kind %d", kind);
	if ((sl = timers_slot(s, key)) != NULL)
		timers_drop(s, sl);
	timers_heap_add(s, key, due);
	timers_arm(s);
}

int
timers_cancel(struct timers *s, int kind, int64_t id)
{
	struct timers_slot *sl;

	if ((sl = timers_slot(s, timers_key(kind, id))) == NULL)
		return 0;
	timers_drop(s, sl);
	timers_arm(s);
	return 1;
}

int64_t
timers_due(const struct timers *s, int kind, int64_t id)
{
	const struct timers_slot *sl;

	if ((sl = timers_slot(s, timers_key(kind, id))) == NULL)
		return -1;
	if (sl->pos < 0)
		return s->batch[-sl->pos - 1].due;
	return s->heap[sl->pos].due;
}

size_t
timers_count(const struct timers *s)
{
	return s->nheap + s->batchlive;
}

void
timers_fire(struct timers *s, int kind, int64_t id, int64_t due)
{
	struct timers_kind *k = &s->kinds[kind];

	k->fn(id, due, k->arg);
}

/* Move every entry due at now into the batch, in firing order. */
static void
timers_collect(struct timers *s, int64_t now)
{
	struct timers_entry e;

	s->nbatch = 0;
	while (s->nheap > 0 && s->heap[0].due <= now) {
		e = s->heap[0];
		if (s->nbatch == s->batchcap) {
			s->batchcap = s->batchcap == 0 ? 64 : s->batchcap * 2;
			s->batch = xreallocarray(s->batch, s->batchcap,
			    sizeof *s->batch);
		}
		s->batch[s->nbatch] = e;
		timers_heap_remove(s, 0);
		timers_slot(s, e.key)->pos = -(long)++s->nbatch;
	}
	s->batchlive = s->nbatch;
}

int
timers_run(struct timers *s, int64_t now)
{
	struct timers_slot *sl;
	struct timers_entry e;
	size_t i;
	int fired = 0;

	/* Called from a callback: the outer run fires what is due. */
	if (s->running)
		return 0;
	s->running = 1;
	timers_collect(s, now);
	for (i = 0; i < s->nbatch; i++) {
		e = s->batch[i];
		sl = timers_slot(s, e.key);
		/* Cancelled or rescheduled by an earlier callback. */
		if (sl == NULL || sl->pos != -(long)(i + 1))
			continue;
		timers_drop(s, sl);
		fired++;
		timers_fire(s, timers_key_kind(e.key), timers_key_id(e.key),
		    e.due);
	}
	s->nbatch = s->batchlive = 0;
	s->running = 0;
	timers_arm(s);
	return fired;
}
