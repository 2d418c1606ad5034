/* A key's presses: debounce and long press (press.h). */
#include <string.h>

#include "press.h"

void
press_init(struct press *p, int64_t long_ms)
{
	memset(p, 0, sizeof *p);
	p->long_ms = long_ms > 0 ? long_ms : 0;
}

static int
press_bounce(const struct press *p, int64_t now)
{
	return p->seen && now - p->last < PRESS_DEBOUNCE;
}

static enum press_what
press_down(struct press *p, int64_t now)
{
	if (p->down)
		return PRESS_NONE; /* a down we saw already (SYN_DROPPED) */
	p->down = 1;
	p->down_at = now;
	p->done = 0;
	if ((p->ignored = press_bounce(p, now)))
		return PRESS_NONE;
	p->last = now;
	p->seen = 1;
	if (p->long_ms > 0)
		return PRESS_NONE; /* short or long: the release or time says */
	p->done = 1;
	return PRESS_SHORT;
}

/* A bounce's release leaves the window where the press put it. */
static enum press_what
press_up(struct press *p, int64_t now)
{
	if (!p->down)
		return PRESS_NONE;
	p->down = 0;
	if (p->ignored)
		return PRESS_NONE;
	p->last = now;
	return p->done ? PRESS_NONE : PRESS_SHORT;
}

enum press_what
press_key(struct press *p, int value, int64_t now)
{
	if (value == 1)
		return press_down(p, now);
	if (value == 0)
		return press_up(p, now);
	return PRESS_NONE;
}

int64_t
press_deadline(const struct press *p)
{
	if (!p->down || p->done || p->ignored || p->long_ms == 0)
		return -1;
	return p->down_at + p->long_ms;
}

enum press_what
press_tick(struct press *p, int64_t now)
{
	int64_t d = press_deadline(p);

	if (d < 0 || now < d)
		return PRESS_NONE;
	p->done = 1;
	return PRESS_LONG;
}
