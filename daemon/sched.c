/*
 * One scheduler of absolute deadlines (after OpenSMTPD's runq.c).
 *
 * A binary min-heap ordered by (due, seq) holds the entries; seq is an
 * insertion counter, so entries with the same deadline fire in the order
 * they were scheduled. An open-addressing table maps each key to its place
 * in the heap, which keeps sched_at, sched_cancel and sched_due at
 * O(log n) or better for the hundred thousand entries a busy site could
 * hold after a long outage.
 *
 * sched_run first moves every due entry into a batch and then fires the
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

#include "clock.h"
#include "log.h"
#include "sched.h"
#include "xmalloc.h"

#define SCHED_MINSLOTS 64
/*
 * The timer runs on the monotonic clock while deadlines are wall-clock
 * times: waking at least this often bounds the lateness a wall-clock jump
 * (or clock_shift) can cause.
 */
#define SCHED_MAXWAIT 10000

struct sched_entry {
	int64_t key;
	int64_t due;
	uint64_t seq;
};

/*
 * A table slot. pos >= 0 is a heap index; pos < 0 is batch index -pos - 1
 * (the entry is due and waiting in a running sched_run).
 */
struct sched_slot {
	int64_t key;
	long pos;
	int used;
};

struct sched {
	struct event_base *base;
	struct event *timer;
	sched_fn fn;
	void *arg;

	struct sched_entry *heap;
	size_t nheap;
	size_t heapcap;

	struct sched_slot *slots;
	size_t nslots; /* a power of two */
	size_t nused;

	struct sched_entry *batch;
	size_t nbatch;
	size_t batchcap;
	size_t batchlive;

	uint64_t seq;
	int running;
};

static void sched_arm(struct sched *);

/* ---- key index ---------------------------------------------------------- */

static size_t
sched_hash(int64_t key)
{
	uint64_t x = (uint64_t)key;

	/* splitmix64's finaliser: incident ids are sequential. */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (size_t)(x ^ (x >> 31));
}

static struct sched_slot *
sched_slot(const struct sched *s, int64_t key)
{
	size_t mask = s->nslots - 1, i = sched_hash(key) & mask;

	while (s->slots[i].used) {
		if (s->slots[i].key == key)
			return &s->slots[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

static void
sched_slot_put(struct sched *s, int64_t key, long pos)
{
	size_t mask = s->nslots - 1, i = sched_hash(key) & mask;

	while (s->slots[i].used && s->slots[i].key != key)
		i = (i + 1) & mask;
	if (!s->slots[i].used)
		s->nused++;
	s->slots[i].key = key;
	s->slots[i].pos = pos;
	s->slots[i].used = 1;
}

static void
sched_grow(struct sched *s)
{
	struct sched_slot *old = s->slots;
	size_t i, n = s->nslots;

	s->nslots = n * 2;
	s->slots = xcalloc(s->nslots, sizeof *s->slots);
	s->nused = 0;
	for (i = 0; i < n; i++)
		if (old[i].used)
			sched_slot_put(s, old[i].key, old[i].pos);
	free(old);
}

/* Linear probing with backward-shift deletion, so no tombstones pile up. */
static void
sched_slot_del(struct sched *s, struct sched_slot *sl)
{
	size_t mask = s->nslots - 1, i = (size_t)(sl - s->slots), j, home;

	s->slots[i].used = 0;
	s->nused--;
	for (j = (i + 1) & mask; s->slots[j].used; j = (j + 1) & mask) {
		home = sched_hash(s->slots[j].key) & mask;
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
sched_before(const struct sched_entry *a, const struct sched_entry *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	return a->seq < b->seq;
}

static void
sched_place(struct sched *s, size_t i, const struct sched_entry *e)
{
	s->heap[i] = *e;
	sched_slot(s, e->key)->pos = (long)i;
}

static void
sched_up(struct sched *s, size_t i)
{
	struct sched_entry e = s->heap[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!sched_before(&e, &s->heap[parent]))
			break;
		sched_place(s, i, &s->heap[parent]);
		i = parent;
	}
	sched_place(s, i, &e);
}

static void
sched_down(struct sched *s, size_t i)
{
	struct sched_entry e = s->heap[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= s->nheap)
			break;
		if (child + 1 < s->nheap &&
		    sched_before(&s->heap[child + 1], &s->heap[child]))
			child++;
		if (!sched_before(&s->heap[child], &e))
			break;
		sched_place(s, i, &s->heap[child]);
		i = child;
	}
	sched_place(s, i, &e);
}

/* Take heap entry i out; its key must be dropped from the index after. */
static void
sched_heap_remove(struct sched *s, size_t i)
{
	struct sched_entry last;

	last = s->heap[--s->nheap];
	if (i == s->nheap)
		return;
	sched_place(s, i, &last);
	if (i > 0 && sched_before(&last, &s->heap[(i - 1) / 2]))
		sched_up(s, i);
	else
		sched_down(s, i);
}

static void
sched_heap_add(struct sched *s, int64_t key, int64_t due)
{
	struct sched_entry e = { key, due, s->seq++ };

	if (s->nheap == s->heapcap) {
		s->heapcap = s->heapcap == 0 ? 64 : s->heapcap * 2;
		s->heap = xreallocarray(s->heap, s->heapcap, sizeof *s->heap);
	}
	if ((s->nused + 1) * 2 > s->nslots)
		sched_grow(s);
	sched_slot_put(s, key, (long)s->nheap);
	s->heap[s->nheap++] = e;
	sched_up(s, s->nheap - 1);
}

/* Drop whatever the slot points at: a heap entry or a batch entry. */
static void
sched_drop(struct sched *s, struct sched_slot *sl)
{
	long pos = sl->pos;

	if (pos < 0)
		s->batchlive--;
	sched_slot_del(s, sl);
	if (pos >= 0)
		sched_heap_remove(s, (size_t)pos);
}

/* ---- timer -------------------------------------------------------------- */

static void
sched_timer(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;

	(void)fd;
	(void)what;
	sched_run(s, clock_now()); /* which arms the timer again */
}

/* Arm the one timer for the earliest deadline (none while running). */
static void
sched_arm(struct sched *s)
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

struct sched *
sched_new(struct event_base *base, sched_fn fn, void *arg)
{
	struct sched *s = xcalloc(1, sizeof *s);

	s->base = base;
	s->fn = fn;
	s->arg = arg;
	s->nslots = SCHED_MINSLOTS;
	s->slots = xcalloc(s->nslots, sizeof *s->slots);
	if (base != NULL && (s->timer = evtimer_new(base, sched_timer, s)) ==
	    NULL)
		fatalx("sched: cannot create the timer");
	return s;
}

void
sched_free(struct sched *s)
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

void
sched_at(struct sched *s, int64_t key, int64_t due)
{
	struct sched_slot *sl;

	if ((sl = sched_slot(s, key)) != NULL)
		sched_drop(s, sl);
	sched_heap_add(s, key, due);
	sched_arm(s);
}

int
sched_cancel(struct sched *s, int64_t key)
{
	struct sched_slot *sl;

	if ((sl = sched_slot(s, key)) == NULL)
		return 0;
	sched_drop(s, sl);
	sched_arm(s);
	return 1;
}

int64_t
sched_due(const struct sched *s, int64_t key)
{
	const struct sched_slot *sl;

	if ((sl = sched_slot(s, key)) == NULL)
		return -1;
	if (sl->pos < 0)
		return s->batch[-sl->pos - 1].due;
	return s->heap[sl->pos].due;
}

size_t
sched_count(const struct sched *s)
{
	return s->nheap + s->batchlive;
}

/* Move every entry due at now into the batch, in firing order. */
static void
sched_collect(struct sched *s, int64_t now)
{
	struct sched_entry e;

	s->nbatch = 0;
	while (s->nheap > 0 && s->heap[0].due <= now) {
		e = s->heap[0];
		if (s->nbatch == s->batchcap) {
			s->batchcap = s->batchcap == 0 ? 64 : s->batchcap * 2;
			s->batch = xreallocarray(s->batch, s->batchcap,
			    sizeof *s->batch);
		}
		s->batch[s->nbatch] = e;
		sched_heap_remove(s, 0);
		sched_slot(s, e.key)->pos = -(long)++s->nbatch;
	}
	s->batchlive = s->nbatch;
}

int
sched_run(struct sched *s, int64_t now)
{
	struct sched_slot *sl;
	struct sched_entry e;
	size_t i;
	int fired = 0;

	/* Called from a callback: the outer run fires what is due. */
	if (s->running)
		return 0;
	s->running = 1;
	sched_collect(s, now);
	for (i = 0; i < s->nbatch; i++) {
		e = s->batch[i];
		sl = sched_slot(s, e.key);
		/* Cancelled or rescheduled by an earlier callback. */
		if (sl == NULL || sl->pos != -(long)(i + 1))
			continue;
		sched_drop(s, sl);
		fired++;
		s->fn(e.key, e.due, s->arg);
	}
	s->nbatch = s->batchlive = 0;
	s->running = 0;
	sched_arm(s);
	return fired;
}
