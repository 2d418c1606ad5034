/*
 * One key's presses, without I/O: key events and the time in, what to
 * report out. Times are milliseconds on a monotonic clock, given by the
 * caller, so tests drive it with made-up times.
 *
 * Without a long press a report goes out on key down, at once. With one,
 * a key held for long_ms is a long press, reported while still held (a
 * silent duress must not wait for the release); released earlier, it is an
 * ordinary press, reported on release. A key down less than PRESS_DEBOUNCE
 * after the previous press (its down or its release) is contact bounce or a
 * double tap, and reports nothing; key repeats (value 2) never do.
 */
#ifndef BUTTON_PRESS_H
#define BUTTON_PRESS_H

#include <stdint.h>

#define PRESS_DEBOUNCE 300 /* ms */

enum press_what {
	PRESS_NONE = 0,
	PRESS_SHORT,	/* report the key's category */
	PRESS_LONG,	/* report the long press's category, silent */
};

struct press {
	int64_t long_ms;	/* 0: no long press */
	int down;		/* held now */
	int done;		/* this hold has reported */
	int ignored;		/* this hold is a bounce: it never reports */
	int64_t down_at;
	int64_t last;		/* last edge of a press that counted */
	int seen;		/* last is set */
};

void press_init(struct press *, int64_t long_ms);
/* An EV_KEY value: 1 down, 0 up, 2 repeat. */
enum press_what press_key(struct press *, int value, int64_t now);
/* When press_tick has something to say: the long press's deadline, or -1. */
int64_t press_deadline(const struct press *);
enum press_what press_tick(struct press *, int64_t now);

#endif
