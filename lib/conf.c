/*
 * beacon.conf: read with libconfig (the conf*.c files are the only ones
 * that use it), then checked. libconfig gives the structure and the
 * syntax errors; the tables say which settings each group holds, with
 * their types, defaults and limits; a second pass checks what refers to
 * what (roles, branches, responders, policies). Every error is kept, not
 * only the first, so a site administrator fixes the whole file in one go.
 * This file keeps the errors, the lookups and the summary; conf_int.h
 * says which file holds the rest.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "xmalloc.h"

/* ---- errors ------------------------------------------------------------ */

static void check_vadd(struct conf_err **, size_t *, struct conf_check *,
    const char *, int, const char *, va_list)
    __attribute__((format(printf, 6, 0)));

/* The name of file for errors; the caller frees it. libconfig names an
 * included file as @include wrote it. */
char *
conf_check_file(const struct conf_check *ck, const char *file)
{
	if (file == NULL)
		return xstrdup(ck->name);
	if (*file != '/' && ck->dir != NULL)
		return xasprintf("%s/%s", ck->dir, file);
	return xstrdup(file);
}

static void
check_vadd(struct conf_err **errs, size_t *n, struct conf_check *ck,
    const char *file, int line, const char *fmt, va_list ap)
{
	struct conf_err *e;
	char *msg;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = xstrdup("out of memory");
	*errs = xreallocarray(*errs, *n + 1, sizeof **errs);
	e = &(*errs)[*n];
	e->file = conf_check_file(ck, file);
	e->line = line > 0 ? line : 1; /* a file-wide error: point at the top */
	e->seq = (*n)++;
	e->msg = msg;
}

void
conf_check_at(struct conf_check *ck, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vadd(&ck->errs, &ck->nerrs, ck, file, line, fmt, ap);
	va_end(ap);
}

/* An error about setting s (NULL: the whole file). */
void
conf_check_err(struct conf_check *ck, const config_setting_t *s,
    const char *fmt, ...)
{
	va_list ap;
	const char *file = NULL;
	int line = 0;

	if (s != NULL) {
		file = config_setting_source_file(s);
		line = (int)config_setting_source_line(s);
	}
	va_start(ap, fmt);
	check_vadd(&ck->errs, &ck->nerrs, ck, file, line, fmt, ap);
	va_end(ap);
}

/* A warning about setting s: the file loads, the warning is printed. */
void
conf_check_warn(struct conf_check *ck, const config_setting_t *s,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vadd(&ck->warns, &ck->nwarns, ck, s ?
	    config_setting_source_file(s) : NULL, s ?
	    (int)config_setting_source_line(s) : 0, fmt, ap);
	va_end(ap);
}

static int
check_cmp(const void *a, const void *b)
{
	const struct conf_err *x = a, *y = b;
	int c;

	if ((c = strcmp(x->file, y->file)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* In file and line order, one "file:line: <what>message" a line. */
static char *
check_lines(struct conf_err *errs, size_t n, const char *what)
{
	char *all = xstrdup(""), *next;
	size_t i;

	if (n > 1)
		qsort(errs, n, sizeof *errs, check_cmp);
	for (i = 0; i < n; i++) {
		next = xasprintf("%s%s:%d: %s%s\n", all, errs[i].file,
		    errs[i].line, what, errs[i].msg);
		free(all);
		all = next;
	}
	return all;
}

/* All errors in file and line order, one "file:line: message" a line. */
char *
conf_check_cause(struct conf_check *ck)
{
	return check_lines(ck->errs, ck->nerrs, "");
}

char *
conf_check_warnings(struct conf_check *ck)
{
	return ck->nwarns > 0 ? check_lines(ck->warns, ck->nwarns,
	    "warning: ") : NULL;
}

static void
errs_clear(struct conf_err **errs, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		free((*errs)[i].file);
		free((*errs)[i].msg);
	}
	free(*errs);
	*errs = NULL;
	*n = 0;
}

void
conf_check_clear(struct conf_check *ck)
{
	errs_clear(&ck->errs, &ck->nerrs);
	errs_clear(&ck->warns, &ck->nwarns);
}

/* ---- lookups ----------------------------------------------------------- */

/* Every list element struct starts with its id. */
_Static_assert(offsetof(struct conf_role, id) == 0, "id first");
_Static_assert(offsetof(struct conf_branch, id) == 0, "id first");
_Static_assert(offsetof(struct conf_responder, id) == 0, "id first");
_Static_assert(offsetof(struct conf_policy, id) == 0, "id first");
_Static_assert(offsetof(struct conf_category, id) == 0, "id first");

static const void *
find_id(const void *arr, size_t n, size_t size, const char *id)
{
	const char *p = arr, *eid;
	size_t i;

	for (i = 0; id != NULL && i < n; i++, p += size) {
		memcpy(&eid, p, sizeof eid);
		if (eid != NULL && strcmp(eid, id) == 0)
			return p;
	}
	return NULL;
}

const struct conf_role *
conf_role(const struct config *cf, const char *id)
{
	return find_id(cf->roles, cf->nroles, sizeof *cf->roles, id);
}

const struct conf_branch *
conf_branch(const struct config *cf, const char *id)
{
	return find_id(cf->branches, cf->nbranches, sizeof *cf->branches, id);
}

const struct conf_responder *
conf_responder(const struct config *cf, const char *id)
{
	return find_id(cf->responders, cf->nresponders,
	    sizeof *cf->responders, id);
}

const struct conf_category *
conf_category(const struct config *cf, const char *id)
{
	return find_id(cf->categories, cf->ncategories,
	    sizeof *cf->categories, id);
}

const struct conf_policy *
conf_policy(const struct config *cf, const char *id)
{
	return find_id(cf->policies, cf->npolicies, sizeof *cf->policies, id);
}

int
conf_has(char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

int
conf_covers(const struct conf_responder *rp, const char *branch)
{
	size_t i;

	for (i = 0; i < rp->nbranches; i++)
		if (strcmp(rp->branches[i], "*") == 0 ||
		    strcmp(rp->branches[i], branch) == 0)
			return 1;
	return 0;
}

static const char *
conf_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

char *
conf_summary(const struct config *cf)
{
	return xasprintf("%s: ok: %zu %s, %zu %s, %zu %s, %zu %s, %zu %s%s%s",
	    cf->path,
	    cf->nbranches, conf_plural(cf->nbranches, "branch", "branches"),
	    cf->nroles, conf_plural(cf->nroles, "role", "roles"),
	    cf->nresponders, conf_plural(cf->nresponders, "responder",
	    "responders"),
	    cf->ncategories, conf_plural(cf->ncategories, "category",
	    "categories"),
	    cf->npolicies, conf_plural(cf->npolicies, "policy", "policies"),
	    cf->http_listen == NULL ? "" : cf->http_tls_cert != NULL ?
	    ", pages on https://" : ", pages on http://",
	    cf->http_listen != NULL ? cf->http_listen : "");
}
