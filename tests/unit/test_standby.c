/*
 * The lease of a standby pair (standby.c) on a real libevent loop with a
 * 300 ms lease. What it publishes is recorded and, as the broker would,
 * handed back to it in order on request: a test decides what else reaches
 * the leader topic first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <cmocka.h>
#include <event2/event.h>

#include "beacon.h"
#include "log.h"
#include "msg.h"
#include "standby.h"

#define LEASE_MS 300

struct fixture {
	struct event_base *base;
	struct standby *sb;
	struct lease pub[32];	/* published, in order */
	int npub;
	int promoted;		/* the term promoted to; 0: none */
	int demoted;
};

static void
on_publish(void *arg, const struct lease *l)
{
	struct fixture *f = arg;

	assert_true(f->npub < 32);
	f->pub[f->npub++] = *l;
}

static void
on_promote(void *arg, int64_t term)
{
	struct fixture *f = arg;

	f->promoted = (int)term;
}

static void
on_demote(void *arg, const struct lease *l)
{
	struct fixture *f = arg;

	(void)l;
	f->demoted++;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct standby_cb cb = { on_publish, on_promote, on_demote, f };

	if (f == NULL || (f->base = event_base_new()) == NULL)
		return -1;
	log_init("test_standby", 0);
	f->sb = standby_new(f->base, "a", LEASE_MS, 0, &cb);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	standby_free(f->sb);
	event_base_free(f->base);
	free(f);
	return 0;
}

/* Run the loop for ms milliseconds. */
static void
run_for(struct fixture *f, int ms)
{
	struct timeval tv = { 0, ms * 1000 };

	event_base_loopexit(f->base, &tv);
	event_base_dispatch(f->base);
}

static struct lease
lease(const char *instance, int64_t term)
{
	struct lease l;

	memset(&l, 0, sizeof l);
	strlcpy_utf8(l.instance, instance, sizeof l.instance);
	l.term = term;
	l.lease = 1;
	return l;
}

static void
deliver(struct fixture *f, const char *instance, int64_t term)
{
	struct lease l = lease(instance, term);

	standby_lease(f->sb, &l);
}

/* The broker hands back our last publication. */
static void
echo(struct fixture *f)
{
	assert_true(f->npub > 0);
	standby_lease(f->sb, &f->pub[f->npub - 1]);
}

/* Nobody holds it: one lease later a claim of term 1 goes out, and its
 * echo makes this instance active; then it renews three times a lease. */
static void
test_first_claim(void **state)
{
	struct fixture *f = *state;

	standby_start(f->sb);
	run_for(f, LEASE_MS / 2);
	assert_int_equal(f->npub, 0);
	run_for(f, LEASE_MS);
	assert_int_equal(f->npub, 1);
	assert_string_equal(f->pub[0].instance, "a");
	assert_int_equal(f->pub[0].term, 1);
	assert_int_equal(f->pub[0].lease, 1);
	assert_false(standby_is_active(f->sb));
	echo(f);
	assert_true(standby_is_active(f->sb));
	assert_int_equal(f->promoted, 1);
	run_for(f, LEASE_MS + LEASE_MS / 6);
	assert_in_range(f->npub, 3, 5);
	assert_int_equal(f->pub[f->npub - 1].term, 1);
	assert_int_equal(f->demoted, 0);
}

/* The other instance renews: no claim. It stops: the next term. */
static void
test_waits_for_renewals(void **state)
{
	struct fixture *f = *state;
	int i;

	standby_start(f->sb);
	for (i = 0; i < 6; i++) {
		deliver(f, "b", 4);
		run_for(f, LEASE_MS / 3);
	}
	assert_int_equal(f->npub, 0);
	assert_string_equal(standby_holder(f->sb), "b");
	run_for(f, LEASE_MS + 100);
	assert_int_equal(f->npub, 1);
	assert_int_equal(f->pub[0].term, 5);
	echo(f);
	assert_int_equal(f->promoted, 5);
}

/* Both claim term 2; b's reaches the topic first: a waits, and a's own
 * claim, arriving second, does not count. */
static void
test_claim_race(void **state)
{
	struct fixture *f = *state;

	standby_start(f->sb);
	deliver(f, "b", 1);
	run_for(f, LEASE_MS + 100);
	assert_int_equal(f->npub, 1);
	assert_int_equal(f->pub[0].term, 2);
	deliver(f, "b", 2);
	echo(f);
	assert_false(standby_is_active(f->sb));
	assert_int_equal(f->promoted, 0);
	assert_string_equal(standby_holder(f->sb), "b");
	/* b renews; a stays waiting. */
	deliver(f, "b", 2);
	run_for(f, LEASE_MS / 2);
	assert_int_equal(f->npub, 1);
}

/* Active, it sees a later term of another instance: it steps down. An
 * earlier term of another does not move it. */
static void
test_demoted(void **state)
{
	struct fixture *f = *state;

	standby_start(f->sb);
	deliver(f, "a", 3);	/* ours, retained: claimed again at once */
	assert_int_equal(f->npub, 1);
	assert_int_equal(f->pub[0].term, 4);
	echo(f);
	assert_true(standby_is_active(f->sb));
	deliver(f, "b", 2);
	assert_true(standby_is_active(f->sb));
	assert_int_equal(f->demoted, 0);
	deliver(f, "b", 5);
	assert_false(standby_is_active(f->sb));
	assert_int_equal(f->demoted, 1);
	assert_int_equal(standby_term(f->sb), 5);
}

/* The active instance's will: claimed at once, not a lease later. */
static void
test_released(void **state)
{
	struct fixture *f = *state;

	standby_start(f->sb);
	deliver(f, "b", 7);
	standby_released(f->sb);
	assert_int_equal(f->npub, 1);
	assert_int_equal(f->pub[0].term, 8);
	echo(f);
	assert_int_equal(f->promoted, 8);
	/* Active, a release means nothing. */
	standby_released(f->sb);
	assert_int_equal(f->npub, 1);
}

/* A claim is above every term the database has recorded, even when the
 * broker has forgotten the leader topic. */
static void
test_min_term(void **state)
{
	struct fixture *f = *state;
	struct standby_cb cb = { on_publish, on_promote, on_demote, f };

	standby_free(f->sb);
	f->sb = standby_new(f->base, "a", LEASE_MS, 41, &cb);
	standby_start(f->sb);
	run_for(f, LEASE_MS + 100);
	assert_int_equal(f->npub, 1);
	assert_int_equal(f->pub[0].term, 42);
}

/* The lease message round trip and its refusals. */
static void
test_lease_msg(void **state)
{
	struct lease in = lease("central-a", 12), out;
	char err[128], *p;

	(void)state;
	in.lease = 5;
	in.ts = INT64_C(1795341600000);
	in.expires = in.ts + 5000;
	p = msg_lease_encode(&in);
	assert_int_equal(msg_lease_decode(p, strlen(p), &out, err,
	    sizeof err), MSG_OK);
	assert_string_equal(out.instance, "central-a");
	assert_int_equal(out.term, 12);
	assert_int_equal(out.lease, 5);
	assert_int_equal(out.expires, in.expires);
	free(p);
	p = "{\"instance\":\"a\",\"term\":0,\"lease\":5}";
	assert_int_equal(msg_lease_decode(p, strlen(p), &out, err,
	    sizeof err), MSG_BAD);
	assert_string_equal(err, "term: must be 1 to 2147483647");
	p = "{\"term\":3,\"lease\":5}";
	assert_int_equal(msg_lease_decode(p, strlen(p), &out, err,
	    sizeof err), MSG_BAD);
	assert_string_equal(err, "instance: required");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_first_claim),
		T(test_waits_for_renewals),
		T(test_claim_race),
		T(test_demoted),
		T(test_released),
		T(test_min_term),
		T(test_lease_msg),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
