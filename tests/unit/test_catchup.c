/*
 * A standby catching up with its partner (catchup.c), on two real SQLite
 * files: the active one's changes and answers are made by its store and
 * handed to the standby's catchup as the broker would, in order, some
 * left out; what the catchup asks and says (its presence, which `beacon
 * health` reads) is recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "beacon.h"
#include "catchup.h"
#include "log.h"
#include "store.h"

#define T0 INT64_C(1795341600000)
#define MAXMSG 16

struct msgs {
	char *buf[MAXMSG];
	size_t len[MAXMSG];
	int n;
};

struct fixture {
	char dir[64];
	struct event_base *base;
	struct store *a, *b;
	struct catchup *c;
	struct msgs changes;	/* a's, as published */
	char asked[8][64];	/* b's questions */
	int nasked;
	char state[16];		/* b's presence */
	char note[256];
	int npresence, commits;
};

static void
msgs_add(struct msgs *m, const void *buf, size_t len)
{
	assert_true(m->n < MAXMSG);
	m->buf[m->n] = malloc(len);
	assert_non_null(m->buf[m->n]);
	memcpy(m->buf[m->n], buf, len);
	m->len[m->n++] = len;
}

static void
on_changes(void *arg, const void *buf, size_t len)
{
	struct fixture *f = arg;

	msgs_add(&f->changes, buf, len);
}

static void
on_ask(void *arg, const char *q)
{
	struct fixture *f = arg;

	assert_true(f->nasked < 8);
	snprintf(f->asked[f->nasked++], sizeof f->asked[0], "%s", q);
}

static void
on_presence(void *arg, const char *state, const char *note)
{
	struct fixture *f = arg;

	snprintf(f->state, sizeof f->state, "%s", state);
	snprintf(f->note, sizeof f->note, "%s", note ? note : "");
	f->npresence++;
}

static void
on_commit(void *arg)
{
	struct fixture *f = arg;

	if (store_in_txn(f->b)) {
		assert_int_equal(store_commit(f->b), 0);
		f->commits++;
	}
}

static char *
db_path(const struct fixture *f, const char *name)
{
	static char path[128];

	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	return path;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct catchup_cb cb = { on_ask, on_presence, on_commit, on_commit,
		NULL };
	char *cause = NULL;

	if (f == NULL)
		return -1;
	log_init("test_catchup", 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/beacon-catchup-XXXXXX");
	if (mkdtemp(f->dir) == NULL || (f->base = event_base_new()) == NULL)
		return -1;
	f->a = store_open(db_path(f, "a.db"), 0, &cause);
	f->b = store_open(db_path(f, "b.db"), 0, &cause);
	if (f->a == NULL || f->b == NULL)
		return -1;
	if (store_replicate(f->a, "a", 1, T0, on_changes, f) != 0)
		return -1;
	cb.arg = f;
	f->c = catchup_new(f->base, f->b, "b", "a", 5000, &cb);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	const char *const files[] = { "a.db", "a.db-wal", "a.db-shm", "b.db",
		"b.db-wal", "b.db-shm", "b.db.replaced" };
	size_t i;

	catchup_free(f->c);
	store_close(f->a);
	store_close(f->b);
	event_base_free(f->base);
	while (f->changes.n > 0)
		free(f->changes.buf[--f->changes.n]);
	for (i = 0; i < sizeof files / sizeof *files; i++)
		unlink(db_path(f, files[i]));
	rmdir(f->dir);
	free(f);
	return 0;
}

/* One commit on a: an incident and its first event; returns its id. */
static int64_t
a_report(struct fixture *f, const char *report_id)
{
	struct incident inc;
	struct event ev;

	memset(&inc, 0, sizeof inc);
	strlcpy_utf8(inc.branch, "central", sizeof inc.branch);
	strlcpy_utf8(inc.r.id, report_id, sizeof inc.r.id);
	strlcpy_utf8(inc.r.type, "overdose", sizeof inc.r.type);
	strlcpy_utf8(inc.policy, "overdose", sizeof inc.policy);
	inc.state = ST_ROUTED;
	inc.created = inc.updated = T0;
	assert_int_equal(store_begin(f->a), 0);
	assert_int_equal(store_incident_insert(f->a, &inc), 0);
	memset(&ev, 0, sizeof ev);
	ev.incident = inc.id;
	ev.ts = T0;
	strlcpy_utf8(ev.kind, "received", sizeof ev.kind);
	strlcpy_utf8(ev.actor, "desk-1", sizeof ev.actor);
	assert_int_equal(store_event_append(f->a, &ev), 0);
	assert_int_equal(store_commit(f->a), 0);
	return inc.id;
}

/* a's answer to the last question, as it would publish it. */
static void
a_answers(struct fixture *f)
{
	const char *q = f->asked[f->nasked - 1];
	int what = catchup_question(q, strlen(q), "a", "b");
	char *cause = NULL, *p;
	size_t len;

	assert_true(what == 1 || what == 2);
	p = store_copy_make(f->a, what == 2, &len, &cause);
	assert_non_null(p);
	catchup_answer(f->c, p, len);
	free(p);
}

static int
has_incident(struct store *st, int64_t id)
{
	struct incident out;

	return store_incident_get(st, id, &out);
}

/*
 * b joins after a's first report: it is "joining" until the broker has
 * its subscription and a has said where it is; it holds nothing of a's,
 * so it asks for a copy, and stands by once it has rebuilt from it. Then
 * a change goes missing: the next one is a gap, said once (one log line,
 * one "gap" presence naming it, one question for a copy) however many
 * changes follow; the copy heals it and b holds every row.
 */
static void
test_join_and_gap(void **state)
{
	struct fixture *f = *state;
	int64_t i1, i2, i3, i4;

	i1 = a_report(f, "r1");
	catchup_connected(f->c);
	assert_string_equal(f->state, "joining");
	/* A change before the subscription is acknowledged is held. */
	i2 = a_report(f, "r2");
	catchup_change(f->c, f->changes.buf[1], f->changes.len[1]);
	assert_int_equal(f->nasked, 0);
	catchup_subscribed(f->c);
	assert_int_equal(f->nasked, 1);
	assert_string_equal(f->asked[0], "beacon-sync 1 b position");
	a_answers(f);
	assert_false(catchup_synced(f->c));
	assert_string_equal(f->state, "joining");
	assert_int_equal(f->nasked, 2);
	assert_string_equal(f->asked[1], "beacon-sync 1 b copy");
	a_answers(f);
	assert_true(catchup_synced(f->c));
	assert_string_equal(f->state, "standby");
	assert_int_equal(has_incident(f->b, i1), 1);
	assert_int_equal(has_incident(f->b, i2), 1);

	/* r3's change never reaches b; r4's is a gap. */
	i3 = a_report(f, "r3");
	i4 = a_report(f, "r4");
	catchup_change(f->c, f->changes.buf[3], f->changes.len[3]);
	assert_false(catchup_synced(f->c));
	assert_string_equal(f->state, "gap");
	assert_string_equal(f->note, "missed changes of a: term 1 seq 4 came "
	    "after term 1 seq 2");
	assert_string_equal(catchup_gap(f->c), f->note);
	assert_int_equal(f->nasked, 3);
	assert_string_equal(f->asked[2], "beacon-sync 1 b copy");
	assert_int_equal(has_incident(f->b, i4), 0);
	/* Said once: more changes are held, nothing more is said. */
	catchup_change(f->c, f->changes.buf[3], f->changes.len[3]);
	assert_int_equal(f->nasked, 3);
	assert_string_equal(f->state, "gap");
	/* A reconnection still says which gap. */
	catchup_connected(f->c);
	assert_string_equal(f->state, "gap");
	catchup_subscribed(f->c);
	assert_string_equal(f->asked[3], "beacon-sync 1 b copy");

	a_answers(f);
	assert_true(catchup_synced(f->c));
	assert_string_equal(f->state, "standby");
	assert_string_equal(catchup_gap(f->c), "");
	assert_int_equal(has_incident(f->b, i3), 1);
	assert_int_equal(has_incident(f->b, i4), 1);

	/* And the changes after the copy follow it. */
	i1 = a_report(f, "r5");
	catchup_change(f->c, f->changes.buf[4], f->changes.len[4]);
	on_commit(f);
	assert_true(catchup_synced(f->c));
	assert_int_equal(has_incident(f->b, i1), 1);
}

/*
 * A standby whose database already holds everything a has published (a
 * copy made by hand, then its session's changes) stands by without a
 * copy; a question from itself, or from a stranger, is not answered.
 */
static void
test_position(void **state)
{
	struct fixture *f = *state;
	const char *q;

	a_report(f, "r1");
	catchup_connected(f->c);
	catchup_subscribed(f->c);
	a_answers(f);
	a_answers(f);
	assert_true(catchup_synced(f->c));
	a_report(f, "r2");
	/* Joining again (a reconnection): the change arrives first. */
	catchup_connected(f->c);
	catchup_change(f->c, f->changes.buf[1], f->changes.len[1]);
	on_commit(f);
	catchup_subscribed(f->c);
	assert_string_equal(f->asked[f->nasked - 1],
	    "beacon-sync 1 b position");
	a_answers(f);
	assert_true(catchup_synced(f->c));
	assert_string_equal(f->asked[f->nasked - 1],
	    "beacon-sync 1 b position");

	q = "beacon-sync 1 a copy";
	assert_int_equal(catchup_question(q, strlen(q), "a", "b"), 0);
	q = "beacon-sync 1 z copy";
	assert_int_equal(catchup_question(q, strlen(q), "a", "b"), 0);
	q = "beacon-sync 1 b everything";
	assert_int_equal(catchup_question(q, strlen(q), "a", "b"), 0);
	q = "beacon-sync 1 b position";
	assert_int_equal(catchup_question(q, strlen(q), "a", "b"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_join_and_gap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_position, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
