/*
 * The incident engine with a store in a temporary file: timers that fire
 * late after a restart, the outbox of notifications, a reload that keeps
 * the policy of open incidents, and turns that fail to commit.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "fixture.h"
#include "msg.h"
#include "timers.h"
#include "store.h"

#include "engine_fixture.h"

/* A database in a new temporary directory: its path in path. */
static void
temp_db(char *dir, char *path, size_t len)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, len, "%s/beacon.db", dir);
}

/* Remove what temp_db made: the database, its WAL files, the directory. */
static void
remove_db(const char *dir)
{
	const char *files[] = { "beacon.db", "beacon.db-wal", "beacon.db-shm" };
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* A restart rebuilds the timers from the database and fires what became
 * due while beacond was down, late. */
static void
test_restart_fires_late(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200];
	char *cause = NULL;

	(void)state;
	temp_db(dir, path, sizeof path);
	assert_int_equal(setup_path((void **)&f, path), 0);
	report(f, "central", "r1", "overdose");
	fixture_engine_free(f);
	store_close(f->st);

	clock_shift(300000);
	f->st = store_open(path, 0, &cause);
	assert_non_null(f->st);
	fixture_engine(f);
	assert_int_equal(engine_restore(f->e), 0);
	/* The escalation, and the daily retention job. */
	assert_int_equal(timers_count(f->sched), 2);
	assert_true(due_of(f, "purge", 0) > clock_now());
	advance(f, 0);
	assert_non_null(find(f, "beacon/notify/supervisor-1", NULL));
	/* reported, 3 notified; then, as no broker acknowledged them here,
	 * 3 renotified; then late, notified, escalated */
	assert_int_equal(event_count(f, 1), 10);
	assert_int_equal(has_event(f, 1, "renotified", "was pending"), 3);
	teardown((void **)&f);
	remove_db(dir);
}

/* The outbox rows not delivered, by state. */
/*
 * The record (docs/architecture.md): a report's commit holds its events and
 * their record, not the incident's row nor the outbox's. A crash after the
 * notifications went out and before the projection loses nothing: the
 * next start writes the rows from the records and publishes again what was
 * never acknowledged, each step's notification made again from its recipe.
 */
struct undelivered {
	int pending, published, attempts;
	int64_t ids[8];
	size_t n;
};

static int
undelivered_cb(const struct outbox_row *r, void *arg)
{
	struct undelivered *u = arg;

	if (strcmp(r->state, "pending") == 0)
		u->pending++;
	else if (strcmp(r->state, "published") == 0)
		u->published++;
	u->attempts += r->attempts;
	assert_true(strncmp(r->topic, "beacon/notify/", 14) == 0);
	assert_string_equal(r->topic + 14, r->responder);
	if (u->n < 8)
		u->ids[u->n++] = r->id;
	return 0;
}

static struct undelivered
undelivered(struct fixture *f)
{
	struct undelivered u;

	memset(&u, 0, sizeof u);
	assert_int_equal(store_outbox_undelivered(f->st, undelivered_cb, &u),
	    0);
	return u;
}

static void
test_crash_before_projection(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200];
	char *cause = NULL;
	const struct pub *p;
	struct undelivered u;
	pid_t pid;
	int status;

	(void)state;
	temp_db(dir, path, sizeof path);
	if ((pid = fork()) == 0) {
		/* Committed and published, then killed: no projection. */
		if (setup_path((void **)&f, path) != 0)
			_exit(2);
		report(f, "central", "r1", "overdose");
		_exit(find(f, "beacon/notify/dispatch", "\"role\":\"emergency\"")
		    != NULL ? 0 : 3);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	f = NULL;
	assert_int_equal(setup_path((void **)&f, path), 0);
	/* The commit held the record alone. */
	assert_int_equal(store_count_incidents(f->st), 0);
	assert_int_equal(store_count_events(f->st), 4);
	/* The start writes the rows from the records, and the three
	 * notifications go out again. */
	f->npubs = 0;
	assert_int_equal(engine_restore(f->e), 0);
	/* Each outbox row as the record kept it: its responder's topic. */
	u = undelivered(f);
	assert_int_equal(u.n, 3);
	assert_int_equal(u.pending, 3);
	assert_int_equal(engine_flush(f->e), 0);
	assert_int_equal(store_count_incidents(f->st), 1);
	assert_int_equal(incident_state(f, 1), ST_ROUTED);
	assert_int_equal(has_event(f, 1, "renotified", "was pending"), 3);
	p = find(f, "beacon/notify/crisis-1", "\"role\":\"crisis_worker\"");
	assert_non_null(p);
	assert_non_null(strstr(p->payload, "\"report\":\"r1\""));
	assert_non_null(strstr(p->payload, "\"label\":\"Suspected overdose\""));
	assert_null(strstr(p->payload, "derive"));
	assert_true(p->tag > 0);
	assert_non_null(find(f, "beacon/notify/security-1", "\"step\":0"));
	assert_non_null(find(f, "beacon/notify/dispatch", NULL));
	teardown((void **)&f);
	(void)cause;
	remove_db(dir);
}


/* Every notification is an outbox row, committed before it is handed out
 * and tagged with the row's id: pending, then published, then delivered
 * on its PUBACK. What the broker never acknowledged is published again
 * after a restart, and the timeline shows the attempt. */
static void
test_outbox(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200];
	char *cause = NULL;
	struct undelivered u;
	const struct pub *crisis, *security;
	int wakeups;

	(void)state;
	temp_db(dir, path, sizeof path);
	assert_int_equal(setup_path((void **)&f, path), 0);
	report(f, "central", "r1", "welfare");
	report(f, "central", "r2", "overdose");
	crisis = find(f, "beacon/notify/crisis-1", NULL);
	security = find(f, "beacon/notify/security-1", NULL);
	assert_non_null(crisis);
	assert_non_null(security);
	assert_true(crisis->tag > 0 && security->tag > 0);
	assert_true(crisis->tag != security->tag);
	/* Statuses are not notifications: no tag. */
	assert_int_equal(find(f, "beacon/status/central/r2", NULL)->tag, 0);

	/* Handed out: the rows are there (a read writes the projection
	 * first), and their states wait for the projection's own
	 * transaction, PROJECT_MS after the turn. */
	u = undelivered(f);
	assert_int_equal(u.pending + u.published, 4);
	assert_int_equal(u.published, 0);
	/* A PUBACK costs no commit of its own, nor a turn: the projection's
	 * timer writes the states. */
	wakeups = f->wakeups;
	engine_acked(f->e, crisis->tag, 1, "success");
	engine_acked(f->e, security->tag, 0, "not authorized");
	clock_shift(9);
	timers_run(f->sched, clock_now());
	assert_int_equal(undelivered(f).published, 0);
	clock_shift(1);
	timers_run(f->sched, clock_now());
	assert_int_equal(f->wakeups, wakeups);
	u = undelivered(f);
	/* r1's crisis-1, r2's security-1 (refused) and dispatch. */
	assert_int_equal(u.published, 3);
	assert_int_equal(u.attempts, 3);

	/* A restart: the three go out again with their ids, each attempt
	 * on the incident's timeline. */
	fixture_engine_free(f);
	store_close(f->st);
	f->st = store_open(path, 0, &cause);
	assert_non_null(f->st);
	fixture_engine(f);
	f->npubs = 0;
	assert_int_equal(engine_restore(f->e), 0);
	assert_int_equal(engine_flush(f->e), 0);
	assert_int_equal(count_prefix(f, "beacon/notify/"), 3);
	security = find(f, "beacon/notify/security-1", NULL);
	assert_non_null(security);
	assert_true(security->tag > 0);
	assert_int_equal(has_event(f, 2, "renotified",
	    "had 1 attempt without a PUBACK"), 2);
	assert_int_equal(has_event(f, 1, "renotified", "had 1 attempt"), 1);
	engine_acked(f->e, security->tag, 1, "success");
	assert_int_equal(engine_flush(f->e), 0);
	clock_shift(10);
	timers_run(f->sched, clock_now());
	u = undelivered(f);
	assert_int_equal(u.published, 2);
	assert_int_equal(u.attempts, 4);
	teardown((void **)&f);
	remove_db(dir);
}

/* The test configuration with the welfare policy's second step sent to
 * the manager instead of the supervisor. */
static struct config *
changed_config(void)
{
	char path[4096], *text, *at, *cause = NULL;
	const char *from = "{ after = 120; roles = [ \"supervisor\" ]; }";
	const char *to = "{ after = 120; roles = [ \"manager\"    ]; }";
	struct config *cf = NULL;
	FILE *fp;
	long n;

	assert_non_null(fp = fopen(fixture_path("engine.conf", path,
	    sizeof path), "r"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	assert_non_null(at = strstr(text, from));
	assert_int_equal(strlen(from), strlen(to));
	memcpy(at, to, strlen(to));
	if (conf_load_string(text, "changed.conf", &cf, &cause) != 0)
		fail_msg("%s", cause);
	free(text);
	return cf;
}

/* A reload that changes a policy: the incident open before it keeps the
 * policy it started with, the one opened after follows the new one, and
 * the pin goes when the incident closes. */
static void
test_reload_keeps_policy(void **state)
{
	struct fixture *f = *state;
	struct config *next = changed_config();

	report(f, "central", "w1", "welfare");
	engine_set_config(f->e, next);
	report(f, "central", "w2", "welfare");
	advance(f, 120000);
	assert_non_null(find(f, "beacon/notify/supervisor-1",
	    "\"incident\":1,"));
	assert_null(find(f, "beacon/notify/manager-1", "\"incident\":1,"));
	assert_non_null(find(f, "beacon/notify/manager-1", "\"incident\":2,"));
	assert_null(find(f, "beacon/notify/supervisor-1",
	    "\"incident\":2,"));
	/* Back to the original: incident 2 keeps the changed policy. */
	respond(f, "supervisor-1", 1, "ack");
	respond(f, "supervisor-1", 1, "resolve");
	engine_set_config(f->e, f->cf);
	conf_free(next);
	advance(f, 120000);
	respond(f, "manager-1", 2, "ack");
	assert_int_equal(incident_state(f, 2), ST_ACKNOWLEDGED);
}

/* A report or a response whose turn may fail to commit: the flush's
 * result. */
static int
deliver_rc(struct fixture *f, const char *topic, const char *payload)
{
	f->npubs = 0;
	engine_message(f->e, topic, payload, strlen(payload));
	return engine_flush(f->e);
}

static int64_t
incident_of(struct fixture *f, const char *branch, const char *report)
{
	struct incident inc;

	memset(&inc, 0, sizeof inc);
	if (store_incident_by_report(f->st, branch, report, &inc) != 1)
		return -1;
	return inc.id;
}

/* The files may not grow past their size now (a full disk for SQLite:
 * the WAL cannot take the next commit), or again without limit. */
static void
disk_full(int on)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = on ? 64 * 1024 : rl.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* The disk fills (the transaction is built, its commit fails): reports
 * are still routed and notified from memory, the status says degraded and
 * the admin is told once; a response to an incident opened meanwhile is
 * accepted; when the disk has room again the retry timer writes
 * everything once, the admin is told, and the notifications of the
 * outage go out again from the outbox (a repeat, never a gap). */
static void
test_degraded(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200], payload[256];
	int64_t inc;
	int i;

	(void)state;
	temp_db(dir, path, sizeof path);
	assert_int_equal(setup_path((void **)&f, path), 0);
	signal(SIGXFSZ, SIG_IGN);
	report(f, "central", "ok-1", "welfare");
	/* Past 64 KiB, with the WAL's first commits in it. */
	for (i = 0; i < 40; i++) {
		snprintf(payload, sizeof payload, "{\"id\":\"fill-%d\","
		    "\"type\":\"welfare\",\"note\":\"%0100d\"}", i, 0);
		assert_int_equal(deliver_rc(f, "beacon/report/central",
		    payload), 0);
	}
	disk_full(1);
	assert_int_equal(deliver_rc(f, "beacon/report/central",
	    "{\"id\":\"d-1\",\"type\":\"welfare\"}"), -1);
	/* Routed from memory, and said so. */
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"d-1\""));
	assert_non_null(find(f, "beacon/status/central/d-1",
	    "\"state\":\"routed\""));
	assert_non_null(find(f, "beacon/daemon/status",
	    "\"state\":\"degraded\""));
	assert_non_null(find(f, "beacon/notify/manager-1",
	    "\"kind\":\"daemon_degraded\""));
	assert_int_equal(incident_of(f, "central", "d-1"), -1);

	/* Another report and a response to the first: the replay lets the
	 * response find it; the admin is not told again. */
	assert_int_equal(deliver_rc(f, "beacon/report/central",
	    "{\"id\":\"d-2\",\"type\":\"welfare\"}"), -1);
	assert_null(find(f, "beacon/notify/manager-1", NULL));
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"d-2\""));
	assert_int_equal(deliver_rc(f, "beacon/respond/crisis-1",
	    "{\"incident\":42,\"action\":\"ack\"}"), -1);
	assert_non_null(find(f, "beacon/status/central/d-1",
	    "\"state\":\"acknowledged\""));

	/* Room again: the retry timer writes the backlog. */
	disk_full(0);
	advance(f, 2000);
	assert_non_null(find(f, "beacon/daemon/status",
	    "\"state\":\"online\""));
	assert_non_null(find(f, "beacon/notify/manager-1",
	    "\"kind\":\"daemon_recovered\""));
	/* The replay published nothing itself. */
	assert_null(find(f, "beacon/status/central/d-1", NULL));
	inc = incident_of(f, "central", "d-1");
	assert_int_equal(inc, 42);
	assert_int_equal(incident_of(f, "central", "d-2"), 43);
	assert_int_equal(incident_state(f, 42), ST_ACKNOWLEDGED);
	assert_int_equal(has_event(f, 42, "notified", NULL), 1);
	assert_int_equal(has_event(f, 42, "ack", NULL), 1);
	/* The next turn sends the outage's notifications from the outbox. */
	f->npubs = 0;
	assert_int_equal(engine_flush(f->e), 0);
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"d-2\""));
	assert_int_equal(has_event(f, 43, "renotified", "database outage"),
	    1);
	/* And it carries on as before. */
	report(f, "central", "ok-2", "welfare");
	assert_int_equal(incident_of(f, "central", "ok-2"), 44);
	teardown((void **)&f);
	remove_db(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_fires_late),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_crash_before_projection),
		cmocka_unit_test_setup_teardown(test_reload_keeps_policy, setup,
		    teardown),
		cmocka_unit_test(test_degraded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
