/* The spool of unanswered reports (spool.h). */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beacon.h"
#include "log.h"
#include "msg.h"
#include "spool.h"
#include "xmalloc.h"

struct spool {
	char *path;
	char *tmp;	/* path ".tmp": the rewrite */
	int lock;	/* fd holding the lock on path ".lock" */
	struct report r[SPOOL_MAX];
	size_t n;
};

/* A new directory entry (a created or renamed file) lasts only once the
 * directory is synced too. */
static int
spool_sync_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1)
		rc = -1;
	if (fd != -1)
		close(fd);
	free(dir);
	return rc;
}

static int
spool_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write the reports as lines to fd. */
static int
spool_write_lines(int fd, const struct report *r, size_t n)
{
	char *json, *line;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		json = msg_report_encode(&r[i]);
		line = xasprintf("%s\n", json);
		rc = spool_write_all(fd, line, strlen(line));
		free(line);
		free(json);
	}
	return rc;
}

/* The whole spool, written beside it, synced, and renamed over it. */
static int
spool_rewrite(struct spool *s)
{
	int fd, rc;

	fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		log_warn("spool: cannot write %s", s->tmp);
		return -1;
	}
	rc = spool_write_lines(fd, s->r, s->n);
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) == -1)
		rc = -1;
	if (rc == 0)
		rc = rename(s->tmp, s->path);
	if (rc == 0)
		rc = spool_sync_dir(s->path);
	if (rc != 0) {
		log_warn("spool: cannot rewrite %s", s->path);
		unlink(s->tmp);
	}
	return rc;
}

static int
spool_find(const struct spool *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->r[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* One line of the file; 0 when kept, -1 when dropped (logged). */
static int
spool_line(struct spool *s, char *line, size_t len, int lineno)
{
	struct report r;
	char err[DETAIL_MAX + 1] = "";

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len == 0)
		return -1;
	if (msg_report_decode(line, len, &r, err, sizeof err) != MSG_OK)
		log_warnx("spool %s:%d: unreadable report dropped: %s", s->path,
		    lineno, err[0] ? err : "no usable id");
	else if (spool_find(s, r.id) >= 0)
		log_warnx("spool %s:%d: report %s twice: the copy dropped",
		    s->path, lineno, r.id);
	else if (s->n == SPOOL_MAX)
		log_warnx("spool %s:%d: more than %d reports: report %s "
		    "dropped", s->path, lineno, SPOOL_MAX, r.id);
	else {
		s->r[s->n++] = r;
		return 0;
	}
	return -1;
}

/* Read the file; 1 when it needs rewriting (a line dropped, or the last
 * one cut short by a crash), 0 when not, -1 on error. */
static int
spool_load(struct spool *s, char **cause)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, dirty = 0;

	if ((fp = fopen(s->path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot read spool %s: %s", s->path,
		    strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (line[len - 1] != '\n')
			dirty = 1;
		if (spool_line(s, line, (size_t)len, lineno) != 0)
			dirty = 1;
	}
	free(line);
	fclose(fp);
	return dirty;
}

/* 0; -1 with *cause, and *busy set when another process holds it. */
static int
spool_lock(struct spool *s, int *busy, char **cause)
{
	char *path = xasprintf("%s.lock", s->path);

	s->lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock == -1)
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
	else if (flock(s->lock, LOCK_EX | LOCK_NB) == -1) {
		*busy = errno == EWOULDBLOCK;
		*cause = xasprintf("spool %s is in use by another process (the "
		    "same device in two configurations?)", s->path);
	}
	free(path);
	return *cause == NULL ? 0 : -1;
}

struct spool *
spool_open(const char *path, char **cause)
{
	struct spool *s = xcalloc(1, sizeof *s);
	int dirty, busy = 0;

	*cause = NULL;
	s->lock = -1;
	s->path = xstrdup(path);
	s->tmp = xasprintf("%s.tmp", path);
	if (spool_lock(s, &busy, cause) != 0 ||
	    (dirty = spool_load(s, cause)) < 0) {
		spool_close(s);
		errno = busy ? EWOULDBLOCK : 0;
		return NULL;
	}
	if (dirty && spool_rewrite(s) == 0)
		log_info("spool %s: rewritten without the lines dropped", path);
	return s;
}

void
spool_close(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->lock != -1)
		close(s->lock);
	free(s->path);
	free(s->tmp);
	free(s);
}

size_t
spool_count(const struct spool *s)
{
	return s->n;
}

const struct report *
spool_get(const struct spool *s, size_t i)
{
	return i < s->n ? &s->r[i] : NULL;
}

int
spool_has(const struct spool *s, const char *id)
{
	return spool_find(s, id) >= 0;
}

/* Append one line and sync it; a new file's directory entry too. */
static int
spool_append(struct spool *s, const struct report *r)
{
	int fd, rc, created = access(s->path, F_OK) != 0;

	fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	rc = spool_write_lines(fd, r, 1);
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) == -1)
		rc = -1;
	if (rc == 0 && created)
		rc = spool_sync_dir(s->path);
	return rc;
}

int
spool_add(struct spool *s, const struct report *r)
{
	if (s->n == SPOOL_MAX) {
		log_warnx("spool %s is full (%d reports): report %s is not "
		    "kept across a restart", s->path, SPOOL_MAX, r->id);
		return -1;
	}
	if (spool_append(s, r) != 0) {
		log_warn("spool: cannot write report %s to %s; it is not kept "
		    "across a restart", r->id, s->path);
		return -1;
	}
	s->r[s->n++] = *r;
	return 0;
}

int
spool_remove(struct spool *s, const char *id)
{
	int i = spool_find(s, id);

	if (i < 0)
		return -1;
	memmove(&s->r[i], &s->r[i + 1], (s->n - (size_t)i - 1) * sizeof *s->r);
	s->n--;
	return spool_rewrite(s);
}
