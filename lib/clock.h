/*
 * The one source of "now" for beacond: wall-clock milliseconds since the
 * Unix epoch. Tests fix it with clock_set(); clock_shift() moves it (debug
 * builds and tests only) so a long escalation rule runs in milliseconds.
 */
#ifndef BEACON_CLOCK_H
#define BEACON_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t clock_now(void);
/* Fix the clock at ms (tests); clock_set(-1) returns to the real clock. */
void clock_set(int64_t ms);
/* Add ms to every later reading. */
void clock_shift(int64_t ms);
/* Save the clock's setting and put it back (around a replay of inputs
 * at the times they first came in). */
struct clock_state {
	int64_t fixed, offset;
};
void clock_save(struct clock_state *);
void clock_restore(const struct clock_state *);
/* RFC 3339 UTC with milliseconds, "2026-11-22T10:00:00.123Z"; buf >= 32. */
char *clock_fmt(int64_t ms, char *buf, size_t len);
/* Parse the form clock_fmt writes; returns -1 on error. */
int64_t clock_parse(const char *);

#endif
