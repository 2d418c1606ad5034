/*
 * Per-sender message limits in fixed windows (limit.h): an open-addressed
 * hash table of the window's senders, emptied when the window ends.
 */
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "xmalloc.h"

struct limit {
	struct limit_entry *v;	/* the window's senders, in arrival order */
	size_t n, cap, max;
	uint32_t *slot;		/* index + 1 into v; 0: empty */
	size_t nslots;		/* a power of 2, at least twice max */
	struct limit_entry full; /* every new source once the table is full */
	int64_t end;		/* the window's end; -1: none open */
};

struct limit *
limit_new(size_t maxkeys)
{
	struct limit *l = xcalloc(1, sizeof *l);

	l->max = maxkeys < 2 ? 2 : maxkeys;
	for (l->nslots = 16; l->nslots < 2 * l->max; l->nslots *= 2)
		;
	l->slot = xcalloc(l->nslots, sizeof *l->slot);
	l->end = -1;
	return l;
}

void
limit_free(struct limit *l)
{
	if (l == NULL)
		return;
	free(l->v);
	free(l->slot);
	free(l);
}

int64_t
limit_window_end(const struct limit *l)
{
	return l->end;
}

static uint32_t
limit_hash(const char *kind, const char *source, const char *device,
    int is_dev)
{
	const char *parts[3] = { kind, source, device };
	uint32_t h = 2166136261u ^ (uint32_t)is_dev;
	size_t i;
	const unsigned char *p;

	for (i = 0; i < 3; i++) {
		for (p = (const unsigned char *)parts[i]; *p != '\0'; p++)
			h = (h ^ *p) * 16777619u;
		h = (h ^ 0xff) * 16777619u;	/* a separator */
	}
	return h;
}

static void
limit_copy(char *dst, const char *src, size_t len)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
limit_same(const struct limit_entry *en, const char *kind, const char *source,
    const char *device, int is_dev)
{
	return en->device_entry == is_dev &&
	    strncmp(en->kind, kind, sizeof en->kind - 1) == 0 &&
	    strncmp(en->source, source, LIMIT_NAME - 1) == 0 &&
	    strncmp(en->device, device, LIMIT_NAME - 1) == 0;
}

/* The sender's entry, made if there is room; NULL when the table is full.
 * is_dev: one device of the source (device "" is the one without a name). */
static struct limit_entry *
limit_find(struct limit *l, const char *kind, const char *source,
    const char *device, int is_dev)
{
	size_t i = limit_hash(kind, source, device, is_dev) & (l->nslots - 1);
	struct limit_entry *en;

	for (; l->slot[i] != 0; i = (i + 1) & (l->nslots - 1)) {
		en = &l->v[l->slot[i] - 1];
		if (limit_same(en, kind, source, device, is_dev))
			return en;
	}
	if (l->n == l->max)
		return NULL;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		if (l->cap > l->max)
			l->cap = l->max;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	en = &l->v[l->n++];
	memset(en, 0, sizeof *en);
	limit_copy(en->kind, kind, sizeof en->kind);
	limit_copy(en->source, source, sizeof en->source);
	limit_copy(en->device, device, sizeof en->device);
	en->device_entry = is_dev;
	l->slot[i] = (uint32_t)l->n;
	return en;
}

/* Count one message on en; the verdict for that sender. */
static enum limit_verdict
limit_one(struct limit_entry *en, int64_t now, int max)
{
	en->count++;
	if (max <= 0 || en->count <= max)
		return LIMIT_OK;
	en->max = max;
	en->last_excess = now;
	if (en->excess++ > 0)
		return LIMIT_MORE;
	en->first_excess = now;
	return LIMIT_FIRST;
}

enum limit_verdict
limit_count(struct limit *l, int64_t now, int interval_ms, const char *kind,
    const char *source, int max_source, const char *device, int max_device,
    struct limit_entry **over)
{
	struct limit_entry *en;
	enum limit_verdict v;

	*over = NULL;
	if (max_source <= 0 && (device == NULL || max_device <= 0))
		return LIMIT_OK;
	if (l->end < 0)
		l->end = now + (interval_ms > 0 ? interval_ms : 1);
	/* The device first: what one device sends over its own limit does
	 * not count against the other devices of its branch. A device only
	 * counts while the table has room for it. */
	if (device != NULL && max_device > 0 &&
	    (en = limit_find(l, kind, source, device, 1)) != NULL &&
	    (v = limit_one(en, now, max_device)) != LIMIT_OK) {
		*over = en;
		return v;
	}
	if ((en = limit_find(l, kind, source, "", 0)) == NULL) {
		en = &l->full;
		if (en->kind[0] == '\0')
			limit_copy(en->kind, "*", sizeof en->kind);
	}
	if ((v = limit_one(en, now, max_source)) != LIMIT_OK)
		*over = en;
	return v;
}

void
limit_roll(struct limit *l, void (*fn)(void *, const struct limit_entry *),
    void *arg)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].excess > 0)
			fn(arg, &l->v[i]);
	if (l->full.excess > 0)
		fn(arg, &l->full);
	memset(&l->full, 0, sizeof l->full);
	memset(l->slot, 0, l->nslots * sizeof *l->slot);
	l->n = 0;
	l->end = -1;
}
