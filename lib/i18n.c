/*
 * Translations through gettext, one language per lookup: each language
 * has a locale object (uselocale() for the lookup only, so the process
 * keeps the C locale for its numbers and JSON), made once, on first use.
 */
#include <errno.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

#ifndef BEACON_LOCALEDIR
#define BEACON_LOCALEDIR "/usr/local/share/locale"
#endif

const char *const i18n_languages[] = { "en", "fr", NULL };

/* The C library locales a language's lookups may use, best first: the
 * texts are Canadian French, any French locale reads them. */
static const struct lang_def {
	const char *code;
	const char *name;
	const char *locales[6];
} langs[] = {
	{ "en", "English", { NULL } },
	{ "fr", "français", { "fr_CA.UTF-8", "fr_CA.utf8", "fr_FR.UTF-8",
	    "fr_FR.utf8", "fr_BE.UTF-8", "fr_CH.UTF-8" } },
};
#define NLANGS (sizeof langs / sizeof langs[0])

static struct {
	locale_t loc[NLANGS];	/* (locale_t)0: English (the msgid) */
	char why[NLANGS][PATH_MAX + 128];	/* why a language falls back to English */
	char dir[PATH_MAX];
} i18n;
static pthread_once_t i18n_once = PTHREAD_ONCE_INIT;

static const struct lang_def *
lang_def(const char *code, size_t *ix)
{
	size_t i;

	for (i = 0; code != NULL && i < NLANGS; i++)
		if (strcmp(langs[i].code, code) == 0) {
			if (ix != NULL)
				*ix = i;
			return &langs[i];
		}
	return NULL;
}

_Static_assert(NLANGS == I18N_NLANGS, "one lang_def per language");

int
i18n_index(const char *code)
{
	size_t i;

	return lang_def(code, &i) != NULL ? (int)i : -1;
}

int
i18n_known(const char *code)
{
	return lang_def(code, NULL) != NULL;
}

const char *
i18n_name(const char *code)
{
	const struct lang_def *d = lang_def(code, NULL);

	return d != NULL ? d->name : NULL;
}

static int
has_catalog(const char *dir, const char *code)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/%s.mo", dir, code,
	    I18N_DOMAIN) >= (int)sizeof path)
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* BEACON_LOCALEDIR, else locale/ beside the program or one directory up
 * (the build tree), else the installed directory. */
static void
find_dir(void)
{
	const char *env = getenv("BEACON_LOCALEDIR");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env != NULL && *env != '\0') {
		snprintf(i18n.dir, sizeof i18n.dir, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(i18n.dir, sizeof i18n.dir, "%.*s/locale",
			    (int)(sizeof i18n.dir - 8), exe);
			if (has_catalog(i18n.dir, "fr"))
				return;
			/* build/bench/, build/tests/: the build tree's */
			snprintf(i18n.dir, sizeof i18n.dir, "%.*s/../locale",
			    (int)(sizeof i18n.dir - 11), exe);
			if (has_catalog(i18n.dir, "fr"))
				return;
		}
	}
	snprintf(i18n.dir, sizeof i18n.dir, "%s", BEACON_LOCALEDIR);
}

static void
open_lang(size_t i)
{
	const struct lang_def *d = &langs[i];
	const char *want = getenv("LC_ALL");
	size_t k;

	if (!has_catalog(i18n.dir, d->code)) {
		snprintf(i18n.why[i], sizeof i18n.why[i], "no catalog "
		    "%s/%s/LC_MESSAGES/%s.mo", i18n.dir, d->code, I18N_DOMAIN);
		return;
	}
	/* The reader's own locale first, when it is this language's. */
	if (want == NULL || *want == '\0')
		want = getenv("LC_MESSAGES");
	if (want == NULL || *want == '\0')
		want = getenv("LANG");
	if (want != NULL && strncmp(want, d->code, 2) == 0)
		i18n.loc[i] = newlocale(LC_MESSAGES_MASK | LC_CTYPE_MASK, want,
		    (locale_t)0);
	for (k = 0; i18n.loc[i] == (locale_t)0 && k < 6 &&
	    d->locales[k] != NULL; k++)
		i18n.loc[i] = newlocale(LC_MESSAGES_MASK | LC_CTYPE_MASK,
		    d->locales[k], (locale_t)0);
	if (i18n.loc[i] == (locale_t)0)
		snprintf(i18n.why[i], sizeof i18n.why[i], "no %s locale on "
		    "this machine (as root: localedef -i %.5s -f UTF-8 %s)",
		    d->locales[0], d->locales[0], d->locales[0]);
}

static void
i18n_init(void)
{
	size_t i;

	find_dir();
	bindtextdomain(I18N_DOMAIN, i18n.dir);
	/* Beacon's messages are UTF-8 JSON; a terminal in another charset
	 * is not a reader Beacon has. */
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	for (i = 1; i < NLANGS; i++)
		open_lang(i);
}

const char *
i18n_localedir(void)
{
	pthread_once(&i18n_once, i18n_init);
	return i18n.dir;
}

int
i18n_check(const char *lang, char *err, size_t errlen)
{
	size_t i;

	if (lang_def(lang, &i) == NULL) {
		snprintf(err, errlen, "unknown language \"%s\"", lang ? lang :
		    "");
		return -1;
	}
	if (i == 0)
		return 0;
	pthread_once(&i18n_once, i18n_init);
	if (i18n.loc[i] != (locale_t)0)
		return 0;
	snprintf(err, errlen, "%s", i18n.why[i]);
	return -1;
}

static locale_t
lang_locale(const char *lang)
{
	size_t i;

	if (lang == NULL || lang[0] == 'e' || lang_def(lang, &i) == NULL ||
	    i == 0)
		return (locale_t)0;
	pthread_once(&i18n_once, i18n_init);
	return i18n.loc[i];
}

const char *
i18n_text(const char *lang, const char *msgid)
{
	locale_t loc = lang_locale(lang), old;
	const char *s;

	if (loc == (locale_t)0)
		return msgid;
	old = uselocale(loc);
	s = dgettext(I18N_DOMAIN, msgid);
	uselocale(old);
	return s;
}

const char *
i18n_ntext(const char *lang, const char *one, const char *many,
    unsigned long n)
{
	locale_t loc = lang_locale(lang), old;
	const char *s;

	if (loc == (locale_t)0)
		return n == 1 ? one : many;
	old = uselocale(loc);
	s = dngettext(I18N_DOMAIN, one, many, n);
	uselocale(old);
	return s;
}

/* "fr_CA.UTF-8" -> "fr"; another language -> NULL. */
static const char *
env_code(const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < NLANGS; i++)
		if (strncmp(v, langs[i].code, 2) == 0 && (v[2] == '\0' ||
		    v[2] == '_' || v[2] == '.' || v[2] == ':' || v[2] == '@'))
			return langs[i].code;
	return NULL;
}

const char *
i18n_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v = NULL, *list, *c = NULL;
	size_t i;

	for (i = 0; i < 3 && (v == NULL || *v == '\0'); i++)
		v = getenv(vars[i]);
	if (v == NULL || *v == '\0' || strcmp(v, "C") == 0 ||
	    strcmp(v, "POSIX") == 0)
		return "en";
	/* gettext's LANGUAGE, a list ("fr:en"), counts unless the locale
	 * is C: gettext's own rule. Its first language Beacon speaks. */
	list = getenv("LANGUAGE");
	while (list != NULL && *list != '\0' && c == NULL) {
		c = env_code(list);
		list = strchr(list, ':');
		if (list != NULL)
			list++;
	}
	if (c == NULL)
		c = env_code(v);
	return c != NULL ? c : "en";
}
