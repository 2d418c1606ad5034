/*
 * Copies of the database: a backup, and a fresh copy for the standby.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"
#include "xmalloc.h"

static int
store_backup_copy(struct store *s, sqlite3 *dst)
{
	sqlite3_backup *b;
	int rc;

	if ((b = sqlite3_backup_init(dst, "main", s->db, "main")) == NULL)
		return sqlite3_errcode(dst);
	/* In one step: one read transaction, so one consistent state. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
store_backup(struct store *s, const char *path, char **cause)
{
	sqlite3 *dst = NULL;
	char *tmp;
	int rc;

	*cause = NULL;
	if (access(path, F_OK) == 0) {
		*cause = xasprintf("%s exists; a backup never replaces a file",
		    path);
		return -1;
	}
	tmp = xasprintf("%s.partial", path);
	unlink(tmp);
	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = store_backup_copy(s, dst);
	/* The copy keeps the source's WAL mode; FULL syncs its last write. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA synchronous = FULL; "
		    "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		*cause = xasprintf("%s: %s", path, dst != NULL ?
		    sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	if (sqlite3_close(dst) != SQLITE_OK && *cause == NULL)
		*cause = xasprintf("%s: cannot close the copy", path);
	if (*cause == NULL && rename(tmp, path) != 0)
		*cause = xasprintf("%s: %s", path, strerror(errno));
	if (*cause != NULL)
		unlink(tmp);
	free(tmp);
	return *cause != NULL ? -1 : 0;
}

/*
 * A standby that cannot place its partner's changes after what it holds
 * (it joined late, or changes were lost on the way) asks for a fresh copy
 * (docs/deployment.md). The active instance writes one with SQLite's
 * online backup, between two commits, so it holds exactly the changes up
 * to the (term, seq) it is tagged with; the standby replaces its own
 * database's content with it and applies what follows.
 *
 * A payload is a header line, "beacon-copy 1 SCHEMA SOURCE TERM SEQ\n",
 * then the database file; without it, only where SOURCE is.
 */
#define COPY_MAGIC "beacon-copy 1"

static char *
store_copy_header(struct store *s, const char *instance)
{
	return xasprintf(COPY_MAGIC " %d %s %lld %lld\n", s->version,
	    instance, (long long)s->rep->term, (long long)s->rep->seq);
}

/* The whole of a file, read into memory; NULL with *cause. */
static char *
store_slurp(const char *path, size_t skip, size_t *len, char **cause)
{
	FILE *f;
	char *buf = NULL;
	long n;

	if ((f = fopen(path, "rb")) == NULL ||
	    fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	buf = xmalloc(skip + (size_t)n + 1);
	if (fread(buf + skip, 1, (size_t)n, f) != (size_t)n) {
		*cause = xasprintf("%s: short read", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = skip + (size_t)n;
	return buf;
}

char *
store_copy_make(struct store *s, int whole, size_t *len, char **cause)
{
	char *hdr, *tmp, *buf;
	size_t h;

	*cause = NULL;
	if (s->rep == NULL || store_in_txn(s)) {
		*cause = xstrdup(s->rep == NULL ? "not replicating" :
		    "inside a transaction");
		return NULL;
	}
	hdr = store_copy_header(s, s->rep->instance);
	h = strlen(hdr);
	if (!whole) {
		*len = h;
		return hdr;
	}
	tmp = xasprintf("%s.copy-out", s->path);
	unlink(tmp);
	buf = NULL;
	if (store_backup(s, tmp, cause) == 0 &&
	    (buf = store_slurp(tmp, h, len, cause)) != NULL)
		memcpy(buf, hdr, h);
	unlink(tmp);
	free(tmp);
	free(hdr);
	return buf;
}

int
store_copy_header_parse(const void *buf, size_t len, int *schema,
    char *source, size_t sourcelen, int64_t *term, int64_t *seq,
    size_t *hlen, char **cause)
{
	char line[160], src[ID_MAX + 1];
	long long t, q;
	int v, used = 0;

	if (store_header_line(buf, len, line, sizeof line, hlen, cause) != 0)
		return -1;
	if (sscanf(line, COPY_MAGIC " %d %64s %lld %lld%n", &v, src, &t, &q,
	    &used) != 4 || line[used] != '\0' || t < 0 || q < 0) {
		*cause = xasprintf("bad header \"%.60s\"", line);
		return -1;
	}
	*schema = v;
	strlcpy_utf8(source, src, sourcelen);
	*term = t;
	*seq = q;
	return 0;
}

static int
store_write_file(const char *path, const void *buf, size_t len,
    char **cause)
{
	FILE *f;
	int ok;

	unlink(path);
	if ((f = fopen(path, "wbx")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	ok = fwrite(buf, 1, len, f) == len;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok)
		*cause = xasprintf("%s: cannot write the copy", path);
	return ok ? 0 : -1;
}

/* The copy says it is SOURCE at (term, seq), and is a sound database of
 * this schema. */
static int
store_copy_check(sqlite3 *db, int version, const char *source, int64_t term,
    int64_t seq, char **cause)
{
	sqlite3_stmt *st = NULL;
	int ok = 0, v = -1;
	const char *ic = NULL;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v != version) {
		*cause = xasprintf("the copy has schema %d, this database %d",
		    v, version);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ic = (const char *)sqlite3_column_text(st, 0);
	ok = ic != NULL && strcmp(ic, "ok") == 0;
	if (!ok)
		*cause = xasprintf("the copy is damaged: %s", ic ? ic : "?");
	sqlite3_finalize(st);
	if (!ok)
		return -1;
	ok = 0;
	if (sqlite3_prepare_v2(db, "SELECT term, seq FROM replication WHERE"
	    " instance = ?", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int64(st, 0) == term &&
		    sqlite3_column_int64(st, 1) == seq;
	sqlite3_finalize(st);
	if (!ok)
		*cause = xasprintf("the copy is not %s's at term %lld seq %lld",
		    source, (long long)term, (long long)seq);
	return ok ? 0 : -1;
}

int
store_copy_install(struct store *s, const char *source, const void *buf,
    size_t len, char **cause)
{
	char src[ID_MAX + 1], *tmp, *old;
	sqlite3 *db = NULL;
	sqlite3_backup *b;
	int64_t term, seq;
	size_t hlen;
	int schema, rc;

	*cause = NULL;
	if (store_copy_header_parse(buf, len, &schema, src, sizeof src, &term,
	    &seq, &hlen, cause) != 0)
		return -1;
	if (strcmp(src, source) != 0 || hlen == len || store_in_txn(s)) {
		*cause = xasprintf(strcmp(src, source) != 0 ? "a copy of %s, "
		    "not of %s" : hlen == len ? "no database in the copy" :
		    "inside a transaction", src, source);
		return -1;
	}
	tmp = xasprintf("%s.copy-in", s->path);
	old = xasprintf("%s.replaced", s->path);
	if (store_write_file(tmp, (const char *)buf + hlen, len - hlen,
	    cause) != 0)
		goto out;
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		*cause = xasprintf("%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	if (store_copy_check(db, s->version, source, term, seq, cause) != 0)
		goto out;
	/* What this database held, kept aside: rows written while cut off
	 * from the pair are evidence too. */
	unlink(old);
	if (store_backup(s, old, cause) != 0)
		goto out;
	if ((b = sqlite3_backup_init(s->db, "main", db, "main")) == NULL) {
		*cause = xasprintf("cannot replace: %s", sqlite3_errmsg(s->db));
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		*cause = xasprintf("cannot replace: %s", sqlite3_errstr(rc));
	else {
		/* The copy's records its rows do not hold yet, written. */
		long ni, no;

		store_proj_reset(s);
		if (store_rebuild(s, &ni, &no) != 0)
			*cause = xasprintf("cannot write the copy's rows: %s",
			    store_error(s));
	}
out:
	sqlite3_close(db);
	unlink(tmp);
	free(tmp);
	free(old);
	return *cause != NULL ? -1 : 0;
}
