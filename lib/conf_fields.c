/* The values, the field readers and the generic group and list readers
 * every table goes through. */
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

#define CONF_ZONEINFO "/usr/share/zoneinfo"
#define CONF_PREFIX_MAX 128

/* ---- values ------------------------------------------------------------ */

const char *
conf_valid_id(const char *s)
{
	if (id_valid(s))
		return NULL;
	return "is not valid: use 1 to 64 letters, digits, '.', '_', ':' or "
	    "'-' (no spaces)";
}

const char *
conf_valid_nonempty(const char *s)
{
	return *s == '\0' ? "must not be empty" : NULL;
}

/* A topic prefix is one or more topic levels, no wildcards. */
const char *
conf_valid_prefix(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONF_PREFIX_MAX)
		return "must be 1 to 128 characters";
	if (strpbrk(s, "+#") != NULL)
		return "must not contain the MQTT wildcards '+' or '#'";
	if (s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") != NULL)
		return "must not start or end with '/' or contain '//'";
	return NULL;
}

/* A shared subscription's group is one topic level: no '/', and no
 * wildcards (MQTT v5 4.8.2). */
const char *
conf_valid_share_group(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return "must be 1 to 64 characters";
	if (strpbrk(s, "/+#") != NULL)
		return "must not contain '/', '+' or '#'";
	return NULL;
}

/* The same test the C library makes when it loads a zone: a regular file
 * under the zoneinfo directory. "UTC" needs no file. */
/* http:// or https://, then a host: where the push service listens. */
const char *
conf_valid_http_url(const char *s)
{
	const char *host;

	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return "must start with http:// or https://";
	if (*host == '\0' || *host == '/' || *host == ':')
		return "has no host";
	if (strpbrk(s, " \t\r\n") != NULL)
		return "must not contain spaces";
	return NULL;
}

/* The address phones use for the listener: an http(s) URL with no path
 * past "/", no query and no fragment (links are made under it). */
const char *
conf_valid_base_url(const char *s)
{
	const char *why = conf_valid_http_url(s), *slash;

	if (why != NULL)
		return why;
	slash = strchr(strstr(s, "//") + 2, '/');
	if (strpbrk(s, "?#") != NULL || (slash != NULL && slash[1] != '\0'))
		return "must be scheme://host[:port] only, with no path or "
		    "query (\"https://beacon.example.org\")";
	return NULL;
}

/* RFC 8292's "sub": who the push services may contact. */
const char *
conf_valid_vapid_subject(const char *s)
{
	if (strncmp(s, "mailto:", 7) != 0 && strncmp(s, "https://", 8) != 0)
		return "must be a mailto: or https: address "
		    "(\"mailto:it@library.example.org\")";
	if (strpbrk(s, " \t\r\n\"") != NULL)
		return "must not contain spaces or quotes";
	return NULL;
}

/* host:port, a numeric IPv4 address or a name, then a port 1-65535:
 * where beacond's HTTP listener binds. */
const char *
conf_valid_listen(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (colon == NULL || colon == s)
		return "must be host:port, e.g. \"127.0.0.1:8080\"";
	if (memchr(s, ':', (size_t)(colon - s)) != NULL)
		return "must be host:port with an IPv4 address or a name";
	if (strpbrk(s, " \t\r\n/") != NULL)
		return "must not contain spaces or '/'";
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 1 ||
	    port > 65535)
		return "has no port 1-65535 after its ':'";
	return NULL;
}

const char *
conf_valid_timezone(const char *s)
{
	const char *dir = getenv("TZDIR");
	struct stat sb;
	char *path;
	int ok;

	if (strcmp(s, "UTC") == 0)
		return NULL;
	if (*s == '\0' || *s == '/' || strstr(s, "..") != NULL)
		return "is not a time zone name like \"America/Toronto\"";
	if (dir == NULL || *dir == '\0')
		dir = CONF_ZONEINFO;
	path = xasprintf("%s/%s", dir, s);
	ok = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	free(path);
	if (!ok)
		return "is not a known time zone (names are like "
		    "\"America/Toronto\"; see " CONF_ZONEINFO ")";
	return NULL;
}

/* host, host:port, [v6], [v6]:port. Returns NULL or why not. */
static const char *
conf_split_broker(const char *s, char **host, int *port)
{
	const char *end, *colon = NULL;
	char *ep;
	long p = 1883;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL || end == s + 1)
			return "is not host:port ('[' without ']')";
		if (end[1] != '\0' && end[1] != ':')
			return "is not host:port";
		colon = end[1] == ':' ? end + 1 : NULL;
		*host = xasprintf("%.*s", (int)(end - s - 1), s + 1);
	} else {
		/* One colon separates the port; more is a bare IPv6 address. */
		if ((colon = strchr(s, ':')) != NULL && strchr(colon + 1, ':'))
			colon = NULL;
		end = colon != NULL ? colon : s + strlen(s);
		if (end == s)
			return "has no host name";
		*host = xasprintf("%.*s", (int)(end - s), s);
	}
	if (strpbrk(*host, " \t") != NULL)
		return "has a space in the host name";
	if (colon != NULL) {
		errno = 0;
		p = strtol(colon + 1, &ep, 10);
		if (colon[1] == '\0' || *ep != '\0' || errno != 0 || p < 1 ||
		    p > 65535)
			return "has a bad port: use 1 to 65535, e.g. "
			    "\"127.0.0.1:1883\"";
	}
	*port = (int)p;
	return NULL;
}

/* ---- field readers: s == NULL means "absent, use the default" ---------- */


void
conf_field_str(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	char **dst = CONF_FIELD(base, f, char *);
	const char *v, *why;

	if (s == NULL) {
		*dst = xstrdup_null(f->sdef);
		return;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_check_err(ck, s, "%s: %s must be a string in double "
		    "quotes", ctx, f->name);
		return;
	}
	v = config_setting_get_string(s);
	if (f->valid != NULL && (why = f->valid(v)) != NULL)
		conf_check_err(ck, s, "%s: %s \"%s\" %s", ctx, f->name, v, why);
	*dst = xstrdup(v);
}

/* A string that may be a secret (a token, a URL whose path or query is
 * one): its errors name the setting, never the value, because a reload's
 * errors go to the log. */
void
conf_field_secret(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	char **dst = CONF_FIELD(base, f, char *);
	const char *why;

	if (s == NULL || config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_field_str(ck, s, ctx, f, base);
		return;
	}
	*dst = xstrdup(config_setting_get_string(s));
	if (f->valid != NULL && (why = f->valid(*dst)) != NULL)
		conf_check_err(ck, s, "%s: %s %s", ctx, f->name, why);
}

void
conf_field_int(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	int *dst = CONF_FIELD(base, f, int);
	long long v;
	int t;

	*dst = f->idef;
	if (s == NULL)
		return;
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
		conf_check_err(ck, s, "%s: %s must be a whole number (no "
		    "quotes, no decimal point)", ctx, f->name);
		return;
	}
	v = config_setting_get_int64(s);
	if (v < f->min || v > f->max) {
		conf_check_err(ck, s, "%s: %s must be %lld to %lld, not %lld",
		    ctx, f->name, f->min, f->max, v);
		return;
	}
	*dst = (int)v;
}

/* A list of strings: [ "a", "b" ] or ( "a", "b" ). */
void
conf_field_strs(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	char ***dst = CONF_FIELD(base, f, char **);
	size_t *n = (size_t *)(void *)((char *)base + f->noff);
	const config_setting_t *el;
	int i, len, t;

	*dst = NULL;
	*n = 0;
	if (s == NULL)
		return;
	t = config_setting_type(s);
	len = config_setting_length(s);
	for (i = 0; (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST) &&
	    i < len; i++) {
		el = config_setting_get_elem(s, i);
		if (config_setting_type(el) != CONFIG_TYPE_STRING)
			break;
	}
	if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) || i < len) {
		conf_check_err(ck, s, "%s: %s must be a list of strings in "
		    "square brackets, e.g. [ \"a\", \"b\" ]", ctx, f->name);
		return;
	}
	*dst = xcalloc(len, sizeof **dst);
	for (i = 0; i < len; i++)
		(*dst)[i] = xstrdup(config_setting_get_string_elem(s, i));
	*n = len;
}

void
conf_field_broker(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	struct config *cf = base;
	const char *v = "127.0.0.1:1883", *why;

	if (s != NULL && config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_check_err(ck, s, "%s: %s must be a string like "
		    "\"127.0.0.1:1883\"", ctx, f->name);
		return;
	}
	if (s != NULL)
		v = config_setting_get_string(s);
	if ((why = conf_split_broker(v, &cf->broker_host,
	    &cf->broker_port)) != NULL)
		conf_check_err(ck, s, "%s: %s \"%s\" %s", ctx, f->name, v, why);
}

void
conf_field_bool(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	int *dst = CONF_FIELD(base, f, int);

	*dst = f->idef;
	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		conf_check_err(ck, s, "%s: %s must be true or false (no "
		    "quotes)", ctx, f->name);
		return;
	}
	*dst = config_setting_get_bool(s);
}

/* Seconds, whole or not ("2" or "1.5"), kept as milliseconds; 0: none.
 * A large number is most likely milliseconds, and is refused as such. */
void
conf_field_seconds(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	int *dst = CONF_FIELD(base, f, int);
	double v;
	int t;

	*dst = f->idef;
	if (s == NULL)
		return;
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64 &&
	    t != CONFIG_TYPE_FLOAT) {
		conf_check_err(ck, s, "%s: %s must be a number of seconds, "
		    "e.g. 2.0", ctx, f->name);
		return;
	}
	v = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) :
	    (double)config_setting_get_int64(s);
	if (v != 0 && !(v * 1000 >= f->min && v * 1000 <= f->max)) {
		conf_check_err(ck, s, "%s: %s is in seconds: %g to %g, or 0 "
		    "for none, not %g", ctx, f->name, f->min / 1000.0, f->max /
		    1000.0, v);
		return;
	}
	*dst = (int)(v * 1000 + 0.5);
}

/* "host:port" into the char * at off and the int at noff. */
void
conf_field_hostport(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	char **host = CONF_FIELD(base, f, char *);
	int *port = (int *)(void *)((char *)base + f->noff);
	const char *v = f->sdef, *why;

	if (s != NULL && config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_check_err(ck, s, "%s: %s must be a string like "
		    "\"127.0.0.1:1883\"", ctx, f->name);
		return;
	}
	if (s != NULL)
		v = config_setting_get_string(s);
	if ((why = conf_split_broker(v, host, port)) != NULL)
		conf_check_err(ck, s, "%s: %s \"%s\" %s", ctx, f->name, v, why);
}

/* ---- groups and lists -------------------------------------------------- */

static const struct conf_field *
field_find(const struct conf_field *fields, const char *name)
{
	for (; fields->name != NULL; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

/* Read every field of group g into base; complain about what is missing
 * and about settings nobody reads (most likely a misspelling). */
void
conf_group_read(struct conf_check *ck, const config_setting_t *g,
    const char *ctx, const struct conf_field *fields, void *base)
{
	const struct conf_field *f;
	const config_setting_t *s;
	int i;

	for (f = fields; f->name != NULL; f++) {
		s = g != NULL ? config_setting_get_member(g, f->name) : NULL;
		if (s == NULL && f->required)
			conf_check_err(ck, g, "%s: missing \"%s\"", ctx,
			    f->name);
		f->read(ck, s, ctx, f, base);
	}
	for (i = 0; g != NULL && i < config_setting_length(g); i++) {
		s = config_setting_get_elem(g, i);
		if (field_find(fields, config_setting_name(s)) == NULL)
			conf_check_err(ck, s, "%s: unknown setting \"%s\"", ctx,
			    config_setting_name(s));
	}
}

/* "role \"security\"" when the element has a readable id, else
 * "roles[2]"; the caller frees. */
char *
conf_elem_ctx(const config_setting_t *el, const char *list, const char *kind,
    int i)
{
	const char *id;

	if (config_setting_lookup_string(el, "id", &id) == CONFIG_TRUE)
		return xasprintf("%s \"%s\"", kind, id);
	return xasprintf("%s[%d]", list, i);
}

/* A list of groups: ( { ... }, { ... } ). An empty [] is an empty list. */
int
conf_is_list(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_LIST ||
	    (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0);
}

static int
list_ok(struct conf_check *ck, const config_setting_t *s, const char *ctx,
    const char *name)
{
	if (conf_is_list(s))
		return 1;
	conf_check_err(ck, s, "%s%s%s must be a list of groups in parentheses: "
	    "( { ... }, { ... } )", ctx, *ctx ? ": " : "", name);
	return 0;
}

void
conf_field_nested(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base,
    const struct conf_nested *nd)
{
	char **dst = CONF_FIELD(base, f, char *), *elem, *ectx;
	size_t *n = (size_t *)(void *)((char *)base + f->noff);
	const config_setting_t *el;
	int i, len;

	*dst = NULL;
	*n = 0;
	if (s == NULL || !list_ok(ck, s, ctx, f->name))
		return;
	len = config_setting_length(s);
	*dst = xcalloc(len, nd->size);
	*n = len;
	for (i = 0; i < len; i++) {
		el = config_setting_get_elem(s, i);
		elem = *dst + (size_t)i * nd->size;
		*(int *)(void *)(elem + nd->line_off) =
		    (int)config_setting_source_line(el);
		ectx = nd->ctx(el, ctx, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			conf_check_err(ck, el, "%s must be a group: %s", ectx,
			    nd->example);
		else
			conf_group_read(ck, el, ectx, nd->fields, elem);
		free(ectx);
	}
}

void
conf_list_read(struct conf_check *ck, const config_setting_t *ls,
    const struct list_desc *d, struct config *cf)
{
	const config_setting_t *el;
	char *arr, *ctx;
	int i, len;

	if (ls == NULL || !list_ok(ck, ls, "", d->name))
		return;
	len = config_setting_length(ls);
	arr = xcalloc(len, d->size);
	memcpy((char *)cf + d->arr_off, &arr, sizeof arr);
	*(size_t *)(void *)((char *)cf + d->n_off) = len;
	for (i = 0; i < len; i++) {
		el = config_setting_get_elem(ls, i);
		*(int *)(void *)(arr + i * d->size + d->line_off) =
		    (int)config_setting_source_line(el);
		ctx = conf_elem_ctx(el, d->name, d->kind, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			conf_check_err(ck, el, "%s must be a group: { id = "
			    "...; }", ctx);
		else
			conf_group_read(ck, el, ctx, d->fields, arr + i *
			    d->size);
		free(ctx);
	}
}
