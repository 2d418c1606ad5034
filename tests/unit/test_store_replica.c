/*
 * The SQLite store's replication (lib/store*.c): what the active hands
 * over at each commit, applied to a standby's copy, and the copy of a
 * whole database.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "beacon.h"
#include "log.h"
#include "store.h"

#include "store_fixture.h"

/* ---- replication ---------------------------------------------------------- */

/* What the active handed over: each commit's payload, copied. */
struct sent {
	char *buf[8];
	size_t len[8];
	int n;
};

static void
sent_add(void *arg, const void *buf, size_t len)
{
	struct sent *s = arg;

	assert_true(s->n < 8);
	s->buf[s->n] = malloc(len);
	assert_non_null(s->buf[s->n]);
	memcpy(s->buf[s->n], buf, len);
	s->len[s->n++] = len;
}

static void
sent_free(struct sent *s)
{
	while (s->n > 0)
		free(s->buf[--s->n]);
}

static int
apply(struct store *st, const struct sent *s, int i)
{
	char *cause = NULL;
	int rc = store_replica_apply(st, "a", s->buf[i], s->len[i], T0,
	    &cause);

	if (rc < 0)
		fprintf(stderr, "apply: %s\n", cause);
	free(cause);
	if (store_in_txn(st))
		assert_int_equal(store_commit(st), 0);
	return rc;
}

/*
 * Each committed transaction reaches the standby once, with its row ids;
 * a rolled-back one never does; a payload applied again changes nothing;
 * an update carries over; a damaged header is refused by name.
 */
static void
test_replication(void **state)
{
	struct fixture *f = *state;
	struct store *b;
	struct sent s = { .n = 0 };
	struct incident inc, out;
	struct event evo;
	struct seen w;
	char *cause = NULL;
	int64_t ev, ack;

	b = store_open(":memory:", 0, &cause);
	assert_non_null(b);
	assert_int_equal(store_replica_term(f->st), 0);
	assert_int_equal(store_replicate(f->st, "a", 3, T0, sent_add, &s), 0);
	assert_int_equal(store_replica_term(f->st), 3);

	assert_int_equal(store_begin(f->st), 0);
	fill(&inc, "central", "r1");
	assert_int_equal(store_incident_insert(f->st, &inc), 0);
	ev = add_event(f->st, inc.id, T0, "reported", "desk-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.buf[0], "beacon-replica 1 12 3 1\n", 24);

	/* Rolled back: nothing to send, and the next commit carries only
	 * its own rows. */
	assert_int_equal(store_begin(f->st), 0);
	add_event(f->st, inc.id, T0 + 1, "rolled_back", "x");
	store_rollback(f->st);
	assert_int_equal(store_begin(f->st), 0);
	inc.state = ST_ACKNOWLEDGED;
	strlcpy_utf8(inc.acked_by, "crisis-1", sizeof inc.acked_by);
	assert_int_equal(store_incident_update(f->st, &inc), 0);
	ack = add_event(f->st, inc.id, T0 + 2, "ack", "crisis-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 2);

	/* A standby that has applied nothing cannot place even the first
	 * change of a term: it needs a copy (store_copy_install) first. */
	assert_int_equal(apply(b, &s, 0), 2);
	assert_int_equal(store_incident_get(b, inc.id, &out), 0);
	/* As started from a copy taken when the term began. */
	assert_int_equal(store_exec(b, "INSERT INTO replication VALUES"
	    " ('a', 3, 0, 0)"), 0);
	/* One that skips a change is a gap: nothing is applied. */
	assert_int_equal(apply(b, &s, 1), 2);
	assert_int_equal(store_incident_get(b, inc.id, &out), 0);

	/* The standby: in order, then a repeat that is skipped. */
	assert_int_equal(apply(b, &s, 0), 1);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_string_equal(out.r.id, "r1");
	assert_int_equal(out.state, ST_ROUTED);
	w = walk_timeline(b, inc.id);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.ids[0], ev);
	assert_int_equal(apply(b, &s, 1), 1);
	assert_int_equal(apply(b, &s, 0), 0);
	assert_int_equal(apply(b, &s, 1), 0);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_incident_equal(&inc, &out);
	w = walk_timeline(b, inc.id);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.ids[1], ack);
	assert_int_equal(store_replica_term(b), 3);

	/* A row the standby wrote itself while it wrongly thought itself
	 * active (it was cut off: nobody saw it) gives way to the active
	 * one's row of the same id, timeline included. */
	assert_int_equal(store_begin(f->st), 0);
	fill(&inc, "central", "r2");
	assert_int_equal(store_incident_insert(f->st, &inc), 0);
	ev = add_event(f->st, inc.id, T0 + 3, "reported", "desk-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 3);
	fill(&out, "eastside", "zombie");
	assert_int_equal(store_incident_insert(b, &out), 0);
	assert_int_equal(out.id, inc.id);
	assert_int_equal(add_event(b, out.id, T0 + 3, "reported", "x"), ev);
	assert_int_equal(apply(b, &s, 2), 1);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_string_equal(out.r.id, "r2");
	assert_string_equal(out.branch, "central");
	w = walk_timeline(b, inc.id);
	assert_int_equal(w.n, 1);
	assert_int_equal(store_event_get(b, ev, &evo), 1);
	assert_string_equal(evo.actor, "desk-1");
	/* The timeline is append-only again once applied. */
	assert_int_equal(store_exec(b, "UPDATE events SET actor = 'x'"), -1);

	/* A damaged payload is refused and changes nothing. */
	sent_free(&s);
	s.buf[0] = strdup("Xeacon-replica 1 8 3 9\n");
	s.len[0] = strlen(s.buf[0]);
	s.n = 1;
	assert_int_equal(store_replica_apply(b, "a", s.buf[0], s.len[0], T0,
	    &cause), -1);
	assert_non_null(strstr(cause, "bad header"));
	free(cause);

	/* The projection of the rows, sent while s is still there. */
	assert_int_equal(store_project(f->st), 0);
	sent_free(&s);
	store_close(b);
}

/*
 * A fresh copy: the active one's database as of its last commit, tagged
 * with that commit's (term, seq); the standby rebuilds from it, keeps what
 * it held aside, and applies the changes that follow. A copy of another
 * instance, or a damaged one, changes nothing.
 */
static void
test_replication_copy(void **state)
{
	struct fixture *f = *state;
	struct store *b;
	struct sent s = { .n = 0 };
	struct incident inc, out;
	char path[160], src[ID_MAX + 1], *cause = NULL, *copy, *pos;
	int64_t term, seq;
	size_t len, plen, hlen;
	int schema;

	use_file(f, 0);
	snprintf(path, sizeof path, "%s/other", f->dir);
	b = store_open(path, 0, &cause);
	assert_non_null(b);
	assert_null(store_copy_make(f->st, 1, &len, &cause));
	free(cause);
	assert_int_equal(store_replicate(f->st, "a", 2, T0, sent_add, &s), 0);
	assert_int_equal(store_begin(f->st), 0);
	fill(&inc, "central", "r1");
	assert_int_equal(store_incident_insert(f->st, &inc), 0);
	add_event(f->st, inc.id, T0, "reported", "desk-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 1);
	/* b missed that one: it cannot place the next. */
	assert_int_equal(store_begin(f->st), 0);
	add_event(f->st, inc.id, T0 + 1, "notified", "crisis-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(apply(b, &s, 1), 2);

	copy = store_copy_make(f->st, 1, &len, &cause);
	assert_non_null(copy);
	pos = store_copy_make(f->st, 0, &plen, &cause);
	assert_non_null(pos);
	assert_int_equal(store_copy_header_parse(pos, plen, &schema, src,
	    sizeof src, &term, &seq, &hlen, &cause), 0);
	assert_string_equal(src, "a");
	assert_int_equal(term, 2);
	assert_int_equal(seq, 2);
	assert_int_equal(hlen, plen);
	assert_true(len > plen);
	assert_memory_equal(copy, pos, plen);

	/* Not a copy of b's partner; a damaged one. */
	assert_int_equal(store_copy_install(b, "z", copy, len, &cause), -1);
	assert_non_null(strstr(cause, "not of z"));
	free(cause);
	copy[plen] ^= 0x55;
	assert_int_equal(store_copy_install(b, "a", copy, len, &cause), -1);
	free(cause);
	copy[plen] ^= 0x55;
	assert_int_equal(store_incident_get(b, inc.id, &out), 0);

	fill(&out, "eastside", "cut-off");
	assert_int_equal(store_incident_insert(b, &out), 0);
	if (store_copy_install(b, "a", copy, len, &cause) != 0)
		fail_msg("install: %s", cause);
	assert_int_equal(store_replica_position(b, "a", &term, &seq), 0);
	assert_int_equal(term, 2);
	assert_int_equal(seq, 2);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_string_equal(out.r.id, "r1");
	assert_int_equal(walk_timeline(b, inc.id).n, 2);
	/* What b held is kept aside. */
	snprintf(path, sizeof path, "%s/other.replaced", f->dir);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);

	/* The next change follows the copy. */
	assert_int_equal(store_begin(f->st), 0);
	add_event(f->st, inc.id, T0 + 2, "ack", "crisis-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(apply(b, &s, 2), 1);
	assert_int_equal(walk_timeline(b, inc.id).n, 3);

	free(copy);
	free(pos);
	assert_int_equal(store_project(f->st), 0);
	sent_free(&s);
	store_close(b);
	snprintf(path, sizeof path, "%s/other-wal", f->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/other-shm", f->dir);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_replication),
		T(test_replication_copy),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
