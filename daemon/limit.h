/*
 * Limits on how many messages one sender may have handled in each interval
 * (docs/reliability.md, "A flood"). A sender is a source (the branch or
 * responder its topic names) or one device of a branch (the "device" of
 * its reports). Windows are fixed: the first message after a window ends
 * opens the next. Past its limit a sender's messages are set aside until
 * the window ends; the caller answers and records the excess once per
 * window, not once per message.
 *
 * The table is bounded, so a flood of invented names cannot grow it: when
 * it is full, a new device is counted only under its source, and a new
 * source under one shared entry.
 */
#ifndef BEACON_LIMIT_H
#define BEACON_LIMIT_H

#include <stddef.h>
#include <stdint.h>

#define LIMIT_NAME 65	/* an id (64) and its NUL */

struct limit;

/* One sender in the current window. */
struct limit_entry {
	char kind[16];		/* the topic's kind: "report", "respond" */
	char source[LIMIT_NAME]; /* "" for the shared entry */
	char device[LIMIT_NAME]; /* device_entry: its name ("": none) */
	int device_entry;	/* counts one device of the source */
	int max;		/* the limit it went over */
	int64_t count;		/* messages in this window, set aside or not */
	int64_t excess;		/* set aside */
	int64_t first_excess;	/* when the first was set aside */
	int64_t last_excess;
	int64_t record;		/* the caller's record of the excess, or 0 */
};

enum limit_verdict {
	LIMIT_OK,	/* handle it */
	LIMIT_FIRST,	/* the first set aside in this window: tell them */
	LIMIT_MORE,	/* set aside, already told */
};

/* maxkeys: entries in a window (at least 2). */
struct limit *limit_new(size_t maxkeys);
void limit_free(struct limit *);
/* The end of the current window, or -1 when none is open. */
int64_t limit_window_end(const struct limit *);
/*
 * Count one message at now (ms): against its device's limit, and if it
 * is within that, against its source's. device NULL: the source's limit
 * only; "": the source's messages that name no device, as one device.
 * max 0: no limit. If now is past the current window, the caller must
 * have rolled it (limit_roll) first; interval_ms sizes a new window.
 * *over is the entry whose limit was reached (LIMIT_FIRST, LIMIT_MORE).
 */
enum limit_verdict limit_count(struct limit *, int64_t now, int interval_ms,
    const char *kind, const char *source, int max_source, const char *device,
    int max_device, struct limit_entry **over);
/* Close the window: fn sees every entry with an excess, then the table
 * is emptied. */
void limit_roll(struct limit *, void (*fn)(void *, const struct limit_entry *),
    void *arg);

#endif
