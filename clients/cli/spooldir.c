/* beacon report's spool directory (spooldir.h). */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "log.h"
#include "spool.h"
#include "spooldir.h"
#include "topic.h"
#include "xmalloc.h"

#define SPOOLDIR_HELD 64 /* spools one run holds, all topics together */
#define SPOOLDIR_SUFFIX ".spool"

struct spooldir_file {
	char branch[ID_MAX + 1];
	struct spool *s;
};

struct spooldir {
	char *dir;
	char *stem;	/* "{prefix}/report/" encoded: where our names start */
	struct spooldir_file f[SPOOLDIR_HELD];
	size_t n;
};

char *
spooldir_path(const char *dir)
{
	const char *v;

	if (dir != NULL)
		return xstrdup(dir);
	/* The XDG base directory specification ignores relative paths. */
	if ((v = getenv("XDG_STATE_HOME")) != NULL && v[0] == '/')
		return xasprintf("%s/beacon/spool", v);
	if ((v = getenv("HOME")) != NULL && v[0] == '/')
		return xasprintf("%s/.local/state/beacon/spool", v);
	return NULL;
}

/* s with every byte other than A-Za-z0-9._:- written %XX: a file name. */
static char *
spooldir_encode(const char *s)
{
	static const char keep[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._:-";
	char *out = xmalloc(3 * strlen(s) + 1), *p = out;

	for (; *s != '\0'; s++) {
		if (strchr(keep, *s) != NULL)
			*p++ = *s;
		else
			p += snprintf(p, 4, "%%%02X", (unsigned char)*s);
	}
	*p = '\0';
	return out;
}

/* mkdir -p, private to the user. */
static int
spooldir_mkdir(const char *dir)
{
	char *p = xstrdup(dir), *s = p;
	int rc = 0;

	if (*p == '\0') {
		free(p);
		errno = ENOENT;
		return -1;
	}
	while (rc == 0 && (s = strchr(s + 1, '/')) != NULL) {
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0700) == -1 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* The branch a file name is the spool of: the stem, the branch, "~N" or
 * nothing, ".spool". 0, or -1 when the file is not one of ours. */
static int
spooldir_parse(const struct spooldir *sd, const char *name, char *branch,
    size_t len)
{
	size_t stem = strlen(sd->stem), sfx = strlen(SPOOLDIR_SUFFIX);
	size_t n = strlen(name);
	const char *b = name + stem, *end = name + n - sfx, *tilde;

	if (n <= stem + sfx || strncmp(name, sd->stem, stem) != 0 ||
	    strcmp(end, SPOOLDIR_SUFFIX) != 0)
		return -1;
	if ((tilde = memchr(b, '~', (size_t)(end - b))) != NULL) {
		if (tilde + 1 == end ||
		    strspn(tilde + 1, "0123456789") != (size_t)(end - tilde - 1))
			return -1;
		end = tilde;
	}
	if (end == b || (size_t)(end - b) >= len)
		return -1;
	memcpy(branch, b, (size_t)(end - b));
	branch[end - b] = '\0';
	return id_valid(branch) ? 0 : -1;
}

/* Open and hold the spool named name. 0; 1 when another run holds it, or
 * -1 when it cannot be opened, both with *cause. */
static int
spooldir_take(struct spooldir *sd, const char *branch, const char *name,
    char **cause)
{
	struct spool *s;
	char *path;

	*cause = NULL;
	if (sd->n == SPOOLDIR_HELD) {
		*cause = xasprintf("spool %s/%s left for a later run: %d spools "
		    "are open", sd->dir, name, SPOOLDIR_HELD);
		return -1;
	}
	path = xasprintf("%s/%s", sd->dir, name);
	s = spool_open(path, cause);
	free(path);
	if (s == NULL)
		return errno == EWOULDBLOCK ? 1 : -1;
	strlcpy_utf8(sd->f[sd->n].branch, branch, sizeof sd->f[sd->n].branch);
	sd->f[sd->n++].s = s;
	return 0;
}

static int
spooldir_scan(struct spooldir *sd, char **cause)
{
	struct dirent **names;
	char branch[ID_MAX + 1], *why;
	int i, n;

	if ((n = scandir(sd->dir, &names, NULL, alphasort)) == -1) {
		*cause = xasprintf("cannot read the spool directory %s: %s",
		    sd->dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (spooldir_parse(sd, names[i]->d_name, branch,
		    sizeof branch) == 0) {
			if (spooldir_take(sd, branch, names[i]->d_name,
			    &why) == 1)
				log_debug("%s", why);
			else if (why != NULL)
				log_warnx("%s", why);
			free(why);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

struct spooldir *
spooldir_open(const char *dir, const char *prefix, char **cause)
{
	struct spooldir *sd;
	char *topic;

	*cause = NULL;
	if (spooldir_mkdir(dir) != 0) {
		*cause = xasprintf("cannot make the spool directory %s: %s",
		    dir, strerror(errno));
		return NULL;
	}
	sd = xcalloc(1, sizeof *sd);
	sd->dir = xstrdup(dir);
	/* {prefix}/report/: what every report topic starts with. */
	topic = topic_make(prefix, TOPIC_REPORT, "", NULL);
	sd->stem = spooldir_encode(topic);
	free(topic);
	if (spooldir_scan(sd, cause) != 0) {
		spooldir_close(sd);
		return NULL;
	}
	return sd;
}

void
spooldir_close(struct spooldir *sd)
{
	size_t i;

	if (sd == NULL)
		return;
	for (i = 0; i < sd->n; i++)
		spool_close(sd->f[i].s);
	free(sd->dir);
	free(sd->stem);
	free(sd);
}

size_t
spooldir_count(const struct spooldir *sd)
{
	size_t i, n = 0;

	for (i = 0; i < sd->n; i++)
		n += spool_count(sd->f[i].s);
	return n;
}

const struct report *
spooldir_get(const struct spooldir *sd, size_t i, const char **branch,
    struct spool **s)
{
	size_t k, n;

	for (k = 0; k < sd->n; k++) {
		if (i < (n = spool_count(sd->f[k].s))) {
			*branch = sd->f[k].branch;
			*s = sd->f[k].s;
			return spool_get(sd->f[k].s, i);
		}
		i -= n;
	}
	return NULL;
}

/* The first held spool of branch. */
static struct spooldir_file *
spooldir_find(struct spooldir *sd, const char *branch)
{
	size_t i;

	for (i = 0; i < sd->n; i++)
		if (strcmp(sd->f[i].branch, branch) == 0)
			return &sd->f[i];
	return NULL;
}

/* A spool of branch's topic that no other run holds, now held here. */
static struct spooldir_file *
spooldir_slot(struct spooldir *sd, const char *branch)
{
	char *name, *why = NULL;
	int slot, rc = 1;

	for (slot = 0; slot < SPOOLDIR_SLOTS && rc == 1; slot++) {
		if (slot == 0)
			name = xasprintf("%s%s%s", sd->stem, branch,
			    SPOOLDIR_SUFFIX);
		else
			name = xasprintf("%s%s~%d%s", sd->stem, branch, slot,
			    SPOOLDIR_SUFFIX);
		free(why);
		rc = spooldir_take(sd, branch, name, &why);
		free(name);
	}
	if (rc == 1)
		log_warnx("spool: the %d spools of branch %s in %s are all in "
		    "use by other runs", SPOOLDIR_SLOTS, branch, sd->dir);
	else if (rc == -1)
		log_warnx("spool: %s", why);
	free(why);
	return rc == 0 ? &sd->f[sd->n - 1] : NULL;
}

struct spool *
spooldir_spool(struct spooldir *sd, const char *branch)
{
	struct spooldir_file *f;

	if ((f = spooldir_find(sd, branch)) == NULL &&
	    (f = spooldir_slot(sd, branch)) == NULL)
		return NULL;
	return f->s;
}
