/*
 * English and French: the sentences people read. English is the source
 * text in the code; other languages come from GNU gettext catalogs
 * (po/<lang>.po, compiled to <localedir>/<lang>/LC_MESSAGES/beacon.mo).
 * The language is chosen per reader, not per process: beacond speaks to a
 * branch in the branch's language and to a responder in theirs, so every
 * lookup names its language ("en", "fr"; NULL is English).
 *
 * This is the only module that uses gettext and the C library's locales.
 * Mark a sentence with T_(lang, "...") where it is translated, N_("...")
 * where it is only named (a table), _("...") in the command line, whose
 * reader's language is the locale's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
 */
#ifndef BEACON_I18N_H
#define BEACON_I18N_H

#include <stddef.h>

#define I18N_DOMAIN "beacon"

/* The languages Beacon speaks, English first; NULL-terminated. */
extern const char *const i18n_languages[];

#define I18N_NLANGS 2

/* code's index in i18n_languages (English is 0), or -1. */
int i18n_index(const char *code);
/* 1 if code is one of i18n_languages ("en", "fr"). */
int i18n_known(const char *code);
/* The language's name in itself ("English", "français"), or NULL. */
const char *i18n_name(const char *code);

/* msgid in lang, or msgid itself (English, or nothing translated: a
 * missing catalog or locale falls back to English, reported once by
 * i18n_check). The result lives as long as the process. Thread-safe. */
const char *i18n_text(const char *lang, const char *msgid)
    __attribute__((format_arg(2)));
const char *i18n_ntext(const char *lang, const char *one, const char *many,
    unsigned long n) __attribute__((format_arg(2), format_arg(3)));

/* The command line's reader: "fr" when the locale asks for French
 * (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG), else "en". */
const char *i18n_env(void);

/* 0 when lang's texts can be shown; else -1 with why in err ("no
 * fr_CA.UTF-8 locale on this machine: ..."). English is always ready. */
int i18n_check(const char *lang, char *err, size_t errlen);

/* Where the catalogs were looked for (BEACON_LOCALEDIR, the build tree
 * beside the program, or the installed locale directory). */
const char *i18n_localedir(void);

#define T_(lang, s) i18n_text((lang), (s))
#define TN_(lang, one, many, n) i18n_ntext((lang), (one), (many), (n))
#define _(s) i18n_text(i18n_env(), (s))
#define N_(s) (s)

#endif
