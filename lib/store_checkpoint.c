/*
 * The checkpointer: a thread of the store's own that copies the WAL into
 * the database, off the loop that routes reports.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"
#include "xmalloc.h"

/*
 * SQLite copies the WAL into the database inside whichever commit leaves
 * 1,000 pages or more in it; at 1,000 reports a second that is a stall of
 * a few milliseconds a dozen times a second, in the loop that routes
 * reports. With STORE_LATE_CHECKPOINT a thread of the store's own, on a
 * connection of its own, does the bulk of the copy instead, as PASSIVE
 * checkpoints that never take the writer's lock. It cannot finish alone:
 * the loop commits while it copies. So when it is done it asks the loop
 * for the last step (store_checkpoint_due), a PASSIVE checkpoint of the
 * few pages written since, after which the next commit starts the WAL over.
 * A checkpoint that fails (a full disk) only leaves the WAL longer: every
 * commit is durable in the WAL already.
 */
#define CKPT_PAGES 1000 /* SQLite's own wal_autocheckpoint default */
#define CKPT_PASSES 2	/* the thread's passes: the second copies the few
			   pages committed during the first */

struct store_checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *db;
	int state;	/* CK_IDLE, CK_WANTED, CK_COPYING, CK_TAIL */
	int stop;
	long done;	/* completed checkpoints */
};

enum { CK_IDLE, CK_WANTED, CK_COPYING, CK_TAIL };

static void
store_ckpt_log(sqlite3 *db, int rc)
{
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(db));
}

static void *
store_ckpt_main(void *arg)
{
	struct store_checkpointer *c = arg;
	int i, rc = SQLITE_OK;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->state != CK_WANTED && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->state = CK_COPYING;
		pthread_mutex_unlock(&c->mu);
		for (i = 0; i < CKPT_PASSES; i++)
			rc = sqlite3_wal_checkpoint_v2(c->db, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		store_ckpt_log(c->db, rc);
		pthread_mutex_lock(&c->mu);
		c->state = CK_TAIL;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static int
store_ckpt_state(struct store_checkpointer *c)
{
	int st;

	pthread_mutex_lock(&c->mu);
	st = c->state;
	pthread_mutex_unlock(&c->mu);
	return st;
}

/* After each commit of the loop's connection, instead of SQLite's
 * automatic checkpoint (which is a WAL hook too). */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *s = arg;
	struct store_checkpointer *c = s->ckpt;

	(void)db;
	(void)name;
	if (pages < CKPT_PAGES)
		return SQLITE_OK;
	if (c == NULL) {
		s->ckpt_due = 1;
		return SQLITE_OK;
	}
	pthread_mutex_lock(&c->mu);
	if (c->state == CK_IDLE) {
		c->state = CK_WANTED;
		pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

int
store_checkpoint_due(struct store *s)
{
	return s->ckpt != NULL ? store_ckpt_state(s->ckpt) == CK_TAIL :
	    s->ckpt_due;
}

void
store_checkpoint(struct store *s)
{
	struct store_checkpointer *c = s->ckpt;

	s->ckpt_due = 0;
	store_ckpt_log(s->db, sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL));
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->state = CK_IDLE;
	c->done++;
	pthread_mutex_unlock(&c->mu);
}

long
store_checkpoints(struct store *s)
{
	long n;

	if (s->ckpt == NULL)
		return 0;
	pthread_mutex_lock(&s->ckpt->mu);
	n = s->ckpt->done;
	pthread_mutex_unlock(&s->ckpt->mu);
	return n;
}

static void
store_ckpt_free(struct store_checkpointer *c)
{
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void
store_ckpt_stop(struct store *s)
{
	struct store_checkpointer *c = s->ckpt;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	store_ckpt_free(c);
	s->ckpt = NULL;
}

/* Without its thread the checkpoints are the loop's own, after its
 * publications: slower under load, still correct. */
void
store_ckpt_start(struct store *s)
{
	struct store_checkpointer *c = xcalloc(1, sizeof *c);
	int rc;

	sqlite3_wal_hook(s->db, store_wal_hook, s);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK) {
		log_warnx("store: the checkpointer cannot open %s: %s",
		    s->path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
		store_ckpt_free(c);
		return;
	}
	sqlite3_exec(c->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if ((rc = pthread_create(&c->thread, NULL, store_ckpt_main, c)) != 0) {
		log_warnx("store: cannot start the checkpointer: %s",
		    strerror(rc));
		store_ckpt_free(c);
		return;
	}
	s->ckpt = c;
}
