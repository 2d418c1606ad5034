/*
 * A standby catching up with its partner: joining, standing by, healing a
 * gap (catchup.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "catchup.h"
#include "clock.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* Beyond this, held changes are let go: the copy asked for covers them,
 * and a change that follows none applied asks for another. */
#define HELD_MAX_BYTES (256u << 20)

/* A change of the partner's, kept until the standby knows where it is. */
struct held {
	void *buf;
	size_t len;
};

struct catchup {
	struct store *st;
	char self[ID_MAX + 1];
	char partner[ID_MAX + 1];
	int64_t retry_ms;
	struct catchup_cb cb;
	int joined;		/* the broker acknowledged the subscription */
	int synced;		/* applying: each change follows the last */
	int stopped;		/* taken over: asks nothing more */
	int ask_whole;		/* the last question asked for a copy */
	int64_t lease_term;	/* the lease's term last seen */
	int64_t ask_term;	/* the lease's term when it was asked */
	char gap[160];		/* the gap being healed; "": none */
	struct event *timer;	/* the question again, until answered */
	struct held *held;	/* changes read before it knew where it was */
	size_t nheld, heldcap, heldbytes;
};

static void
cu_held_free(struct catchup *c)
{
	size_t i;

	for (i = 0; i < c->nheld; i++)
		free(c->held[i].buf);
	c->nheld = c->heldbytes = 0;
}

/* Ask the active one where it is (whole 0) or for a fresh copy (1).
 * Asked again every retry_ms until answered: the partner may not be
 * active yet, and a question nobody is subscribed to is lost. */
static void
cu_ask(struct catchup *c, int whole)
{
	char q[2 * ID_MAX + 32];
	struct timeval tv = { (time_t)(c->retry_ms / 1000),
	    (suseconds_t)(c->retry_ms % 1000) * 1000 };

	c->ask_whole = whole;
	c->ask_term = c->lease_term;
	snprintf(q, sizeof q, "beacon-sync 1 %s %s", c->self, whole ? "copy" :
	    "position");
	c->cb.ask(c->cb.arg, q);
	log_debug("catchup: asked %s for its %s", c->partner, whole ? "copy" :
	    "position");
	if (evtimer_add(c->timer, &tv) != 0)
		fatalx("catchup: cannot arm the timer");
}

static void
cu_timer(evutil_socket_t fd, short what, void *arg)
{
	struct catchup *c = arg;

	(void)fd;
	(void)what;
	if (c->joined && !c->synced && !c->stopped)
		cu_ask(c, c->ask_whole);
}

struct catchup *
catchup_new(struct event_base *base, struct store *st, const char *instance,
    const char *partner, int64_t retry_ms, const struct catchup_cb *cb)
{
	struct catchup *c = xcalloc(1, sizeof *c);

	c->st = st;
	strlcpy_utf8(c->self, instance, sizeof c->self);
	strlcpy_utf8(c->partner, partner, sizeof c->partner);
	c->retry_ms = retry_ms;
	c->cb = *cb;
	if ((c->timer = evtimer_new(base, cu_timer, c)) == NULL)
		fatalx("catchup: cannot create the timer");
	return c;
}

void
catchup_free(struct catchup *c)
{
	if (c == NULL)
		return;
	event_free(c->timer);
	cu_held_free(c);
	free(c->held);
	free(c);
}

void
catchup_connected(struct catchup *c)
{
	c->joined = c->synced = 0;
	if (c->gap[0] != '\0')
		c->cb.presence(c->cb.arg, "gap", c->gap);
	else
		c->cb.presence(c->cb.arg, "joining", NULL);
}

void
catchup_subscribed(struct catchup *c)
{
	c->joined = 1;
	cu_ask(c, c->gap[0] != '\0');
}

void
catchup_lease(struct catchup *c, int64_t term, const char *holder)
{
	c->lease_term = term;
	if (!c->joined || c->synced || c->stopped || term == c->ask_term ||
	    strcmp(holder, c->partner) != 0)
		return;
	cu_ask(c, c->ask_whole);
}

/* Keep a change until this instance knows where it is. */
static void
cu_hold(struct catchup *c, const void *payload, size_t len)
{
	if (c->heldbytes + len > HELD_MAX_BYTES) {
		log_warnx("event=replica_held_dropped source=%s count=%zu: "
		    "the copy asked for covers them", c->partner, c->nheld);
		cu_held_free(c);
	}
	if (c->nheld == c->heldcap) {
		c->heldcap = c->heldcap ? c->heldcap * 2 : 64;
		c->held = xreallocarray(c->held, c->heldcap, sizeof *c->held);
	}
	c->held[c->nheld].buf = xmalloc(len ? len : 1);
	memcpy(c->held[c->nheld].buf, payload, len);
	c->held[c->nheld].len = len;
	c->nheld++;
	c->heldbytes += len;
}

/* Apply a change: 0, or 2 when it does not follow the last one applied
 * (nothing done; *what, to free, says where it is). */
static int
cu_apply(struct catchup *c, const void *payload, size_t len, char **what)
{
	char *cause = NULL;
	int rc;

	*what = NULL;
	rc = store_replica_apply(c->st, c->partner, payload, len,
	    clock_now(), &cause);
	if (rc == 2) {
		*what = cause;
		return 2;
	}
	if (rc < 0) {
		log_warnx("event=replica_refused source=%s error=\"%s\"",
		    c->partner, cause ? cause : "?");
		free(cause);
	}
	if (store_in_txn(c->st))
		c->cb.applied(c->cb.arg);
	return 0;
}

/* A change that does not follow the last one applied: said once, in the
 * log and in the presence (beacon health), until a fresh copy heals it;
 * the changes after it are held without a word. */
static void
cu_gap(struct catchup *c, const char *what)
{
	snprintf(c->gap, sizeof c->gap, "missed changes of %s: %s",
	    c->partner, what);
	log_warnx("event=replica_gap source=%s detail=\"%s\": changes were "
	    "lost on the way; asking %s for a fresh copy", c->partner, what,
	    c->partner);
	c->synced = 0;
	c->cb.commit(c->cb.arg);
	c->cb.presence(c->cb.arg, "gap", c->gap);
	cu_ask(c, 1);
}

void
catchup_change(struct catchup *c, const void *payload, size_t len)
{
	char *what;

	/* Joining, a change that follows what this database holds is
	 * applied all the same: the answer then finds it there. */
	if (cu_apply(c, payload, len, &what) != 2)
		return;
	if (!c->stopped)
		cu_hold(c, payload, len);
	if (c->synced)
		cu_gap(c, what);
	free(what);
}

/* Placed at the partner's (term, seq): from here each of its changes
 * follows the last. The held ones after it are applied; any that does
 * not follow is let go (the next live change shows whether one is
 * missing). */
static void
cu_synced(struct catchup *c, int64_t term, int64_t seq, const char *how)
{
	size_t i, dropped = 0;
	char *what = NULL;

	c->synced = 1;
	for (i = 0; i < c->nheld; i++) {
		if (dropped > 0)
			dropped++;
		else if (cu_apply(c, c->held[i].buf, c->held[i].len,
		    &what) == 2) {
			free(what);
			dropped++;
		}
	}
	cu_held_free(c);
	if (dropped > 0)
		log_warnx("event=replica_held_dropped source=%s count=%zu: "
		    "they do not follow term %lld seq %lld", c->partner,
		    dropped, (long long)term, (long long)seq);
	evtimer_del(c->timer);
	if (c->gap[0] != '\0')
		log_info("event=replica_healed source=%s term=%lld seq=%lld: "
		    "rebuilt from a fresh copy (%s)", c->partner,
		    (long long)term, (long long)seq, c->gap);
	c->gap[0] = '\0';
	log_info("event=replica_synced source=%s term=%lld seq=%lld by=%s",
	    c->partner, (long long)term, (long long)seq, how);
	c->cb.presence(c->cb.arg, "standby", NULL);
}

/* Where the partner is: here too, or a copy is needed. */
static void
cu_position(struct catchup *c, int64_t term, int64_t seq)
{
	int64_t t = 0, s = 0;

	if (store_replica_position(c->st, c->partner, &t, &s) == 0 &&
	    t == term && s == seq) {
		cu_synced(c, term, seq, "position");
		return;
	}
	/* An answer to an earlier question, once a copy is asked for. */
	if (c->ask_whole)
		return;
	log_info("event=replica_behind source=%s term=%lld seq=%lld "
	    "here_term=%lld here_seq=%lld: asking for a fresh copy",
	    c->partner, (long long)term, (long long)seq, (long long)t,
	    (long long)s);
	cu_ask(c, 1);
}

void
catchup_answer(struct catchup *c, const void *payload, size_t len)
{
	char src[ID_MAX + 1], *cause = NULL;
	int64_t term, seq;
	size_t hlen;
	int schema;

	/* An answer queued in the session from before this connection's
	 * question is not about now. */
	if (c->synced || !c->joined || c->stopped)
		return;
	if (store_copy_header_parse(payload, len, &schema, src, sizeof src,
	    &term, &seq, &hlen, &cause) != 0 ||
	    strcmp(src, c->partner) != 0) {
		log_warnx("event=replica_refused source=%s error=\"answer: "
		    "%s\"", c->partner, cause ? cause : "not the partner's");
		free(cause);
		return;
	}
	c->cb.commit(c->cb.arg);
	if (hlen == len) {
		cu_position(c, term, seq);
		return;
	}
	if (store_copy_install(c->st, c->partner, payload, len, &cause) !=
	    0) {
		log_warnx("event=replica_refused source=%s error=\"copy: %s\"",
		    c->partner, cause);
		free(cause);
		return;
	}
	log_info("event=replica_copied source=%s term=%lld seq=%lld "
	    "bytes=%zu", c->partner, (long long)term, (long long)seq,
	    len - hlen);
	cu_synced(c, term, seq, "copy");
}

void
catchup_stop(struct catchup *c)
{
	c->stopped = 1;
	evtimer_del(c->timer);
	cu_held_free(c);
}

int
catchup_synced(const struct catchup *c)
{
	return c->synced;
}

const char *
catchup_gap(const struct catchup *c)
{
	return c->gap;
}

int
catchup_question(const void *payload, size_t len, const char *instance,
    const char *partner)
{
	char buf[128], who[ID_MAX + 1], what[16];
	int used = 0;

	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, payload, len);
	buf[len] = '\0';
	if (sscanf(buf, "beacon-sync 1 %64s %15s%n", who, what, &used) != 2 ||
	    buf[used] != '\0' || (strcmp(what, "copy") != 0 &&
	    strcmp(what, "position") != 0)) {
		log_warnx("event=bad_sync error=\"not a question: %.60s\"",
		    buf);
		return 0;
	}
	/* Its own, asked while it stood by and kept by the session:
	 * nobody waits for it. */
	if (strcmp(who, instance) == 0)
		return 0;
	if (strcmp(who, partner) != 0) {
		log_warnx("event=bad_sync from=%s error=\"not the partner\"",
		    who);
		return 0;
	}
	return strcmp(what, "copy") == 0 ? 2 : 1;
}
