/*
 * The lease of a standby pair: waiting, claiming, active (standby.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "clock.h"
#include "log.h"
#include "msg.h"
#include "standby.h"
#include "xmalloc.h"

enum sb_state { SB_WAITING, SB_CLAIMING, SB_ACTIVE };

static const char *const sb_names[] = { "waiting", "claiming", "active" };

struct standby {
	char self[ID_MAX + 1];
	int64_t lease_ms;
	int64_t min_term;
	struct standby_cb cb;
	enum sb_state state;
	struct lease cur;	/* the lease last accepted; term 0: none */
	int64_t claimed;	/* claiming: the term claimed */
	struct event *timer;	/* waiting: expiry; claiming: retry;
				 * active: renewal */
};

static void
sb_arm(struct standby *s, int64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	evtimer_del(s->timer);
	if (evtimer_add(s->timer, &tv) != 0)
		fatalx("standby: cannot arm the lease timer");
}

static void
sb_set(struct standby *s, enum sb_state st)
{
	if (s->state != st)
		log_info("event=lease_%s instance=%s term=%lld holder=%s",
		    sb_names[st], s->self, (long long)s->cur.term,
		    s->cur.instance[0] ? s->cur.instance : "-");
	s->state = st;
}

static void
sb_publish(struct standby *s, int64_t term)
{
	struct lease l;

	memset(&l, 0, sizeof l);
	strlcpy_utf8(l.instance, s->self, sizeof l.instance);
	l.term = term;
	l.lease = (int)((s->lease_ms + 999) / 1000);
	l.ts = clock_now();
	l.expires = l.ts + s->lease_ms;
	s->cb.publish(s->cb.arg, &l);
}

/* The next term, above every one seen. */
static void
sb_claim(struct standby *s)
{
	int64_t term = s->cur.term > s->min_term ? s->cur.term : s->min_term;

	s->claimed = term + 1;
	sb_set(s, SB_CLAIMING);
	log_info("event=lease_claim instance=%s term=%lld after=%s",
	    s->self, (long long)s->claimed, s->cur.instance[0] ?
	    s->cur.instance : "-");
	sb_publish(s, s->claimed);
	/* No answer within a lease (a broker that lost it): claim again. */
	sb_arm(s, s->lease_ms);
}

static void
sb_timer(evutil_socket_t fd, short what, void *arg)
{
	struct standby *s = arg;

	(void)fd;
	(void)what;
	switch (s->state) {
	case SB_WAITING:
		log_info("event=lease_expired holder=%s term=%lld",
		    s->cur.instance[0] ? s->cur.instance : "-",
		    (long long)s->cur.term);
		/* FALLTHROUGH */
	case SB_CLAIMING:
		sb_claim(s);
		break;
	case SB_ACTIVE:
		sb_publish(s, s->cur.term);
		sb_arm(s, s->lease_ms / 3);
		break;
	}
}

struct standby *
standby_new(struct event_base *base, const char *instance, int64_t lease_ms,
    int64_t min_term, const struct standby_cb *cb)
{
	struct standby *s = xcalloc(1, sizeof *s);

	strlcpy_utf8(s->self, instance, sizeof s->self);
	s->lease_ms = lease_ms;
	s->min_term = min_term;
	s->cb = *cb;
	if ((s->timer = evtimer_new(base, sb_timer, s)) == NULL)
		fatalx("standby: cannot create the lease timer");
	return s;
}

void
standby_free(struct standby *s)
{
	if (s == NULL)
		return;
	event_free(s->timer);
	free(s);
}

void
standby_start(struct standby *s)
{
	sb_set(s, SB_WAITING);
	sb_arm(s, s->lease_ms);
}

/* A lease that is not news: an earlier term, or a later claim of the
 * term already won. */
static int
sb_stale(const struct standby *s, const struct lease *l)
{
	if (l->term < s->cur.term)
		return 1;
	return l->term == s->cur.term && s->cur.instance[0] != '\0' &&
	    strcmp(l->instance, s->cur.instance) != 0;
}

void
standby_lease(struct standby *s, const struct lease *l)
{
	int mine = strcmp(l->instance, s->self) == 0;

	if (sb_stale(s, l)) {
		log_debug("standby: ignored lease %s term %lld (holder %s "
		    "term %lld)", l->instance, (long long)l->term,
		    s->cur.instance, (long long)s->cur.term);
		return;
	}
	s->cur = *l;
	switch (s->state) {
	case SB_ACTIVE:
		if (!mine) {
			sb_set(s, SB_WAITING);
			evtimer_del(s->timer);
			s->cb.demote(s->cb.arg, l);
		}
		break;
	case SB_CLAIMING:
		/* Only the claim itself wins; news of an older term changes
		 * nothing until it comes. */
		if (l->term < s->claimed)
			break;
		if (mine && l->term == s->claimed) {
			sb_set(s, SB_ACTIVE);
			sb_arm(s, s->lease_ms / 3);
			s->cb.promote(s->cb.arg, l->term);
		} else {
			sb_set(s, SB_WAITING);
			sb_arm(s, s->lease_ms);
		}
		break;
	case SB_WAITING:
		/* Ours, from before a restart: nobody took it since. */
		if (mine)
			sb_claim(s);
		else
			sb_arm(s, s->lease_ms);
		break;
	}
}

void
standby_released(struct standby *s)
{
	if (s->state != SB_WAITING)
		return;
	log_info("event=lease_released holder=%s term=%lld",
	    s->cur.instance[0] ? s->cur.instance : "-",
	    (long long)s->cur.term);
	sb_claim(s);
}

int
standby_is_active(const struct standby *s)
{
	return s->state == SB_ACTIVE;
}

int64_t
standby_term(const struct standby *s)
{
	return s->cur.term;
}

const char *
standby_holder(const struct standby *s)
{
	return s->cur.instance;
}
