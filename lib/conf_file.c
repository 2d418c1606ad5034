/*
 * A configuration file, parsed, with its errors: beacon.conf's load and
 * another program's (beacon-button.conf) go through it, the latter with
 * the few looks at its settings that its own checks need, so that
 * libconfig stays in lib/conf*.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "xmalloc.h"

struct conf_file {
	config_t lc;
	int parsed;
	struct conf_check ck;
};

/* libconfig's scanner exits the process when it reads a directory. */
static FILE *
conf_open(const char *path, char **cause)
{
	struct stat sb;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: cannot open: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("%s: cannot open: %s\n", path,
		    strerror(EISDIR));
		fclose(fp);
		return NULL;
	}
	return fp;
}

/* Parse the file into *lc (initialised here; the caller destroys it):
 * 1 parsed, 0 a syntax error for the checks to report, -1 when it cannot
 * be opened (*cause set, *lc untouched). */
static int
conf_parse_file(const char *path, config_t *lc, char **cause)
{
	FILE *fp;
	char *dir, *slash;
	int parsed;

	if ((fp = conf_open(path, cause)) == NULL)
		return -1;
	config_init(lc);
	/* @include "file" is found next to the configuration file. */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		config_set_include_dir(lc, *dir != '\0' ? dir : "/");
	}
	free(dir);
	parsed = config_read(lc, fp) == CONFIG_TRUE;
	fclose(fp);
	return parsed;
}

/* After the parse: a syntax error is the file's first error. */
static struct conf_file *
conf_file_start(struct conf_file *f, const char *name)
{
	f->ck.name = name;
	f->ck.dir = config_get_include_dir(&f->lc);
	if (!f->parsed)
		conf_check_at(&f->ck, config_error_file(&f->lc),
		    config_error_line(&f->lc), "%s", config_error_text(&f->lc));
	return f;
}

struct conf_file *
conf_file_open(const char *path, char **cause)
{
	struct conf_file *f = xcalloc(1, sizeof *f);

	if ((f->parsed = conf_parse_file(path, &f->lc, cause)) < 0) {
		free(f);
		return NULL;
	}
	return conf_file_start(f, path);
}

struct conf_file *
conf_file_string(const char *text, const char *name)
{
	struct conf_file *f = xcalloc(1, sizeof *f);

	config_init(&f->lc);
	f->parsed = config_read_string(&f->lc, text) == CONFIG_TRUE;
	return conf_file_start(f, name);
}

const conf_setting *
conf_file_root(struct conf_file *f)
{
	return f->parsed ? config_root_setting(&f->lc) : NULL;
}

const config_t *
conf_file_config(struct conf_file *f)
{
	return &f->lc;
}

const conf_setting *
conf_file_lookup(struct conf_file *f, const char *path)
{
	return config_lookup(&f->lc, path);
}

struct conf_check *
conf_file_check(struct conf_file *f)
{
	return &f->ck;
}

int
conf_file_close(struct conf_file *f, char **cause)
{
	int rc = 0;

	if (f->ck.nerrs != 0) {
		*cause = conf_check_cause(&f->ck);
		rc = -1;
	}
	conf_check_clear(&f->ck);
	config_destroy(&f->lc);
	free(f);
	return rc;
}

int
conf_setting_is_group(const conf_setting *s)
{
	return config_setting_type(s) == CONFIG_TYPE_GROUP;
}

const conf_setting *
conf_setting_elem(const conf_setting *s, int i)
{
	return config_setting_get_elem(s, (unsigned)i);
}

const char *
conf_setting_string(const conf_setting *el, const char *name)
{
	const char *v;

	if (config_setting_lookup_string(el, name, &v) != CONFIG_TRUE)
		return NULL;
	return v;
}
