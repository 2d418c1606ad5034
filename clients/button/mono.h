/*
 * Milliseconds on the monotonic clock, for beacon-button's presses, the
 * self-test's round trips and the wait when stopping: intervals, never
 * dates (those come from clock.h).
 */
#ifndef BUTTON_MONO_H
#define BUTTON_MONO_H

#include <stdint.h>

int64_t mono_now(void);

#endif
