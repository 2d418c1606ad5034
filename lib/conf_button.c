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

/* ---- beacon-button --------------------------------------------------------
 * beacon-button.conf: the same field tables, readers and file:line errors
 * as beacon.conf, over the button's own struct. The key names are checked
 * through the caller's conf_keycode_fn, so that libevdev stays with the
 * program that reads the device.
 */

#define BUTTON_SPOOL_DIR "/var/lib/beacon-button"
#define BUTTON_LONG_MIN 500	/* ms: shorter is an ordinary press */
#define BUTTON_LONG_MAX 30000	/* ms: nobody holds a button longer */

/* Seconds, whole or not ("2" or "1.5"), kept as milliseconds; 0: none.
 * A large number is most likely milliseconds, and is refused as such. */
static void
field_seconds(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	int *dst = FIELD(base, f, int);
	double v;
	int t;

	*dst = f->idef;
	if (s == NULL)
		return;
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64 &&
	    t != CONFIG_TYPE_FLOAT) {
		conf_check_err(ck, s, "%s: %s must be a number of seconds, e.g. 2.0",
		    ctx, f->name);
		return;
	}
	v = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) :
	    (double)config_setting_get_int64(s);
	if (v != 0 && !(v * 1000 >= f->min && v * 1000 <= f->max)) {
		conf_check_err(ck, s, "%s: %s is in seconds: %g to %g, or 0 for none, "
		    "not %g", ctx, f->name, f->min / 1000.0, f->max / 1000.0, v);
		return;
	}
	*dst = (int)(v * 1000 + 0.5);
}

/* "host:port" into the char * at off and the int at noff. */
static void
field_hostport(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	char **host = FIELD(base, f, char *);
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

static const char *
valid_location(const char *s)
{
	if (strlen(s) > LOCATION_MAX)
		return "is longer than 128 bytes";
	return conf_valid_nonempty(s);
}

static const struct field button_key_fields[] = {
	STR(struct conf_button_key, key, 1, conf_valid_nonempty),
	STR(struct conf_button_key, type, 1, conf_valid_id),
	{ "silent", conf_field_bool, offsetof(struct conf_button_key, silent), 0, 0,
	    0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* "device: key \"KEY_F1\"", or "device: keys[2]"; the caller frees. */
static char *
button_key_ctx(const config_setting_t *el, const char *ctx, int i)
{
	const char *k;

	(void)ctx;
	if (config_setting_lookup_string(el, "key", &k) == CONFIG_TRUE)
		return xasprintf("device: key \"%s\"", k);
	return xasprintf("device: keys[%d]", i);
}

static const struct nested key_nested = { sizeof(struct conf_button_key),
	offsetof(struct conf_button_key, line), button_key_fields,
	button_key_ctx, "{ key = \"KEY_F1\"; type = \"medical\"; }" };

static void
field_keys(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	conf_field_nested(ck, s, ctx, f, base, &key_nested);
}

static const struct field button_device_fields[] = {
	{ "path", conf_field_str, offsetof(struct conf_button, input), 0, 1, 0, 0,
	    0, NULL, conf_valid_nonempty },
	{ "id", conf_field_str, offsetof(struct conf_button, device), 0, 1, 0, 0, 0,
	    NULL, conf_valid_id },
	STR(struct conf_button, branch, 1, conf_valid_id),
	STR(struct conf_button, location, 0, valid_location),
	{ "long_press", field_seconds, offsetof(struct conf_button,
	    long_press), 0, 0, BUTTON_LONG_MIN, BUTTON_LONG_MAX, 0, NULL,
	    NULL },
	STRD(struct conf_button, long_press_type, "duress", conf_valid_id),
	{ "grab", conf_field_bool, offsetof(struct conf_button, grab), 0, 0, 0, 0,
	    1, NULL, NULL },
	{ "keys", field_keys, offsetof(struct conf_button, keys),
	    offsetof(struct conf_button, nkeys), 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* device: { ... }. When it is missing the top level has said so. */
static void
field_device(struct check *ck, const config_setting_t *s, const char *ctx,
    const struct field *f, void *base)
{
	(void)ctx;
	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		conf_check_err(ck, s, "%s must be a group: %s: { path = ...; id = "
		    "...; branch = ...; keys = ( ... ); };", f->name, f->name);
		return;
	}
	conf_group_read(ck, s, f->name, button_device_fields, base);
}

static const struct field button_fields[] = {
	{ "broker", field_hostport, offsetof(struct conf_button, broker_host),
	    offsetof(struct conf_button, broker_port), 0, 0, 0, 0,
	    "127.0.0.1:1883", NULL },
	STRD(struct conf_button, topic_prefix, "beacon", conf_valid_prefix),
	STR(struct conf_button, username, 0, conf_valid_nonempty),
	STR(struct conf_button, password, 0, NULL),
	STR(struct conf_button, cafile, 0, conf_valid_nonempty),
	STR(struct conf_button, certfile, 0, conf_valid_nonempty),
	STR(struct conf_button, keyfile, 0, conf_valid_nonempty),
	STR(struct conf_button, spool, 0, conf_valid_nonempty),
	INT(struct conf_button, selftest, 0, 0, 86400, 60),
	INT(struct conf_button, keepalive, 0, 5, 3600, 30),
	{ "device", field_device, 0, 0, 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* Each key known, and mapped once. */
static void
button_check_keys(struct check *ck, const config_t *lc,
    struct conf_button *bc, conf_keycode_fn keycode)
{
	const config_setting_t *ks = config_lookup(lc, "device.keys");
	struct conf_button_key *k;
	size_t i, j;

	if (ks != NULL && conf_is_list(ks) && bc->nkeys == 0)
		conf_check_err(ck, ks, "device: keys is empty: map at least one, e.g. "
		    "( { key = \"KEY_F1\"; type = \"medical\"; } )");
	for (i = 0; i < bc->nkeys; i++) {
		k = &bc->keys[i];
		k->code = -1;
		if (k->key == NULL || keycode == NULL)
			continue;
		if ((k->code = keycode(k->key)) < 0) {
			conf_check_err(ck, conf_member_or(config_setting_get_elem(ks, i),
			    "key"), "device: unknown key \"%s\": use an evdev "
			    "name such as KEY_F1 or BTN_0 (evtest lists a "
			    "device's keys)", k->key);
			continue;
		}
		for (j = 0; j < i; j++)
			if (bc->keys[j].code == k->code) {
				conf_check_err(ck, conf_member_or(config_setting_get_elem(
				    ks, i), "key"), "device: key \"%s\" is "
				    "already mapped on line %d", k->key,
				    bc->keys[j].line);
				break;
			}
	}
}

/* The same rules as beacon.conf's: each file readable (beacon-button
 * reads them as itself), a certificate with its key, and only with TLS. */
static void
button_check_tls(struct check *ck, const config_t *lc,
    const struct conf_button *bc)
{
	const char *names[] = { "cafile", "certfile", "keyfile" };
	const char *paths[] = { bc->cafile, bc->certfile, bc->keyfile };
	const char *why;
	struct stat sb;
	size_t i;

	for (i = 0; i < 3; i++)
		if (paths[i] != NULL && (why = conf_file_problem(paths[i], 0,
		    1, &sb)) != NULL)
			conf_check_err(ck, config_lookup(lc, names[i]),
			    "beacon-button: %s \"%s\": %s", names[i],
			    paths[i], why);
	if ((bc->certfile != NULL) != (bc->keyfile != NULL))
		conf_check_err(ck, config_lookup(lc, bc->certfile != NULL ?
		    "certfile" : "keyfile"), "beacon-button: certfile and "
		    "keyfile go together: a client certificate needs its key");
	if (bc->certfile != NULL && bc->cafile == NULL)
		conf_check_err(ck, config_lookup(lc, "certfile"), "beacon-button: "
		    "a client certificate needs TLS: set cafile to the CA of "
		    "the broker's certificate");
}

static void
button_check(struct check *ck, const config_t *lc, struct conf_button *bc,
    conf_keycode_fn keycode)
{
	button_check_keys(ck, lc, bc, keycode);
	if (bc->password != NULL && bc->username == NULL)
		conf_check_err(ck, config_lookup(lc, "password"), "beacon-button: "
		    "password without a username");
	button_check_tls(ck, lc, bc);
	/* One spool per device, so that buttons may share a machine. */
	if (bc->spool == NULL && bc->device != NULL)
		bc->spool = xasprintf("%s/%s.spool", BUTTON_SPOOL_DIR,
		    bc->device);
}

static int
button_finish(config_t *lc, int parsed, const char *name,
    conf_keycode_fn keycode, struct conf_button **out, char **cause)
{
	struct check ck = { name, config_get_include_dir(lc), NULL, 0 };
	struct conf_button *bc = xcalloc(1, sizeof *bc);

	bc->path = xstrdup(name);
	if (!parsed)
		conf_check_at(&ck, config_error_file(lc), config_error_line(lc), "%s",
		    config_error_text(lc));
	else {
		conf_group_read(&ck, config_root_setting(lc), "beacon-button",
		    button_fields, bc);
		button_check(&ck, lc, bc, keycode);
	}
	*out = NULL;
	if (ck.nerrs != 0) {
		*cause = conf_check_cause(&ck);
		conf_check_clear(&ck);
		conf_button_free(bc);
		return -1;
	}
	*out = bc;
	return 0;
}

int
conf_button_load(const char *path, conf_keycode_fn keycode,
    struct conf_button **out, char **cause)
{
	config_t lc;
	int rc, parsed;

	*out = NULL;
	if ((parsed = conf_parse_file(path, &lc, cause)) < 0)
		return -1;
	rc = button_finish(&lc, parsed, path, keycode, out, cause);
	config_destroy(&lc);
	return rc;
}

int
conf_button_load_string(const char *text, const char *name,
    conf_keycode_fn keycode, struct conf_button **out, char **cause)
{
	config_t lc;
	int rc, parsed;

	config_init(&lc);
	parsed = config_read_string(&lc, text) == CONFIG_TRUE;
	rc = button_finish(&lc, parsed, name, keycode, out, cause);
	config_destroy(&lc);
	return rc;
}

void
conf_button_free(struct conf_button *bc)
{
	size_t i;

	if (bc == NULL)
		return;
	for (i = 0; i < bc->nkeys; i++) {
		free(bc->keys[i].key);
		free(bc->keys[i].type);
	}
	free(bc->keys);
	free(bc->path);
	free(bc->topic_prefix);
	free(bc->broker_host);
	free(bc->username);
	free(bc->password);
	free(bc->cafile);
	free(bc->certfile);
	free(bc->keyfile);
	free(bc->spool);
	free(bc->input);
	free(bc->device);
	free(bc->branch);
	free(bc->location);
	free(bc->long_press_type);
	free(bc);
}

char *
conf_button_summary(const struct conf_button *bc)
{
	char lp[64] = "no long press";

	if (bc->long_press > 0)
		snprintf(lp, sizeof lp, "long press %.1f s: %s",
		    bc->long_press / 1000.0, bc->long_press_type);
	return xasprintf("%s: ok: device %s at branch %s, %zu %s, %s, "
	    "broker %s:%d, spool %s", bc->path, bc->device, bc->branch,
	    bc->nkeys, conf_plural(bc->nkeys, "key", "keys"), lp, bc->broker_host,
	    bc->broker_port, bc->spool);
}
