/*
 * beacon-button.conf, read through the conf module's reader (conf.h): the
 * same field tables, readers and file:line errors as beacon.conf, over the
 * button's own struct. The key names are checked through the caller's
 * button_conf_keycode_fn, so that libevdev stays with input.c.
 */
#include <sys/stat.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "button_conf.h"
#include "conf.h"
#include "xmalloc.h"

#define BUTTON_SPOOL_DIR "/var/lib/beacon-button"
#define BUTTON_LONG_MIN 500	/* ms: shorter is an ordinary press */
#define BUTTON_LONG_MAX 30000	/* ms: nobody holds a button longer */

static const char *
button_conf_location(const char *s)
{
	if (strlen(s) > LOCATION_MAX)
		return "is longer than 128 bytes";
	return conf_valid_nonempty(s);
}

static const struct conf_field button_key_fields[] = {
	CONF_STR(struct button_conf_key, key, 1, conf_valid_nonempty),
	CONF_STR(struct button_conf_key, type, 1, conf_valid_id),
	{ "silent", conf_field_bool, offsetof(struct button_conf_key, silent),
	    0, 0, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* "device: key \"KEY_F1\"", or "device: keys[2]"; the caller frees. */
static char *
button_conf_key_ctx(const conf_setting *el, const char *ctx, int i)
{
	const char *k;

	(void)ctx;
	if ((k = conf_setting_string(el, "key")) != NULL)
		return xasprintf("device: key \"%s\"", k);
	return xasprintf("device: keys[%d]", i);
}

static const struct conf_nested key_nested = {
	sizeof(struct button_conf_key), offsetof(struct button_conf_key, line),
	button_key_fields, button_conf_key_ctx,
	"{ key = \"KEY_F1\"; type = \"medical\"; }" };

static void
button_conf_keys(struct conf_check *ck, const conf_setting *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	conf_field_nested(ck, s, ctx, f, base, &key_nested);
}

static const struct conf_field button_device_fields[] = {
	{ "path", conf_field_str, offsetof(struct button_conf, input), 0, 1, 0,
	    0, 0, NULL, conf_valid_nonempty },
	{ "id", conf_field_str, offsetof(struct button_conf, device), 0, 1, 0,
	    0, 0, NULL, conf_valid_id },
	CONF_STR(struct button_conf, branch, 1, conf_valid_id),
	CONF_STR(struct button_conf, location, 0, button_conf_location),
	{ "long_press", conf_field_seconds, offsetof(struct button_conf,
	    long_press), 0, 0, BUTTON_LONG_MIN, BUTTON_LONG_MAX, 0, NULL,
	    NULL },
	CONF_STRD(struct button_conf, long_press_type, "duress", conf_valid_id),
	{ "grab", conf_field_bool, offsetof(struct button_conf, grab), 0, 0, 0,
	    0, 1, NULL, NULL },
	{ "keys", button_conf_keys, offsetof(struct button_conf, keys),
	    offsetof(struct button_conf, nkeys), 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* device: { ... }. When it is missing the top level has said so. */
static void
button_conf_device(struct conf_check *ck, const conf_setting *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	(void)ctx;
	if (s == NULL)
		return;
	if (!conf_setting_is_group(s)) {
		conf_check_err(ck, s, "%s must be a group: %s: { path = ...; "
		    "id = ...; branch = ...; keys = ( ... ); };", f->name,
		    f->name);
		return;
	}
	conf_group_read(ck, s, f->name, button_device_fields, base);
}

static const struct conf_field button_fields[] = {
	{ "broker", conf_field_hostport, offsetof(struct button_conf,
	    broker_host), offsetof(struct button_conf, broker_port), 0, 0, 0,
	    0, "127.0.0.1:1883", NULL },
	CONF_STRD(struct button_conf, topic_prefix, "beacon",
	    conf_valid_prefix),
	CONF_STR(struct button_conf, username, 0, conf_valid_nonempty),
	CONF_STR(struct button_conf, password, 0, NULL),
	CONF_STR(struct button_conf, cafile, 0, conf_valid_nonempty),
	CONF_STR(struct button_conf, certfile, 0, conf_valid_nonempty),
	CONF_STR(struct button_conf, keyfile, 0, conf_valid_nonempty),
	CONF_STR(struct button_conf, spool, 0, conf_valid_nonempty),
	CONF_INT(struct button_conf, selftest, 0, 0, 86400, 60),
	CONF_INT(struct button_conf, keepalive, 0, 5, 3600, 30),
	{ "device", button_conf_device, 0, 0, 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* Each key known, and mapped once. */
static void
button_conf_check_keys(struct conf_file *cf, struct button_conf *bc,
    button_conf_keycode_fn keycode)
{
	struct conf_check *ck = conf_file_check(cf);
	const conf_setting *ks = conf_file_lookup(cf, "device.keys");
	struct button_conf_key *k;
	size_t i, j;

	if (ks != NULL && conf_is_list(ks) && bc->nkeys == 0)
		conf_check_err(ck, ks, "device: keys is empty: map at least "
		    "one, e.g. ( { key = \"KEY_F1\"; type = \"medical\"; } )");
	for (i = 0; i < bc->nkeys; i++) {
		k = &bc->keys[i];
		k->code = -1;
		if (k->key == NULL || keycode == NULL)
			continue;
		if ((k->code = keycode(k->key)) < 0) {
			conf_check_err(ck, conf_member_or(conf_setting_elem(ks,
			    (int)i), "key"), "device: unknown key \"%s\": use "
			    "an evdev name such as KEY_F1 or BTN_0 (evtest "
			    "lists a device's keys)", k->key);
			continue;
		}
		for (j = 0; j < i; j++)
			if (bc->keys[j].code == k->code) {
				conf_check_err(ck, conf_member_or(
				    conf_setting_elem(ks, (int)i), "key"),
				    "device: key \"%s\" is already mapped on "
				    "line %d", k->key, bc->keys[j].line);
				break;
			}
	}
}

/* The same rules as beacon.conf's: each file readable (beacon-button
 * reads them as itself), a certificate with its key, and only with TLS. */
static void
button_conf_check_tls(struct conf_file *cf, const struct button_conf *bc)
{
	struct conf_check *ck = conf_file_check(cf);
	const char *names[] = { "cafile", "certfile", "keyfile" };
	const char *paths[] = { bc->cafile, bc->certfile, bc->keyfile };
	const char *why;
	struct stat sb;
	size_t i;

	for (i = 0; i < 3; i++)
		if (paths[i] != NULL && (why = conf_file_problem(paths[i], 0,
		    1, &sb)) != NULL)
			conf_check_err(ck, conf_file_lookup(cf, names[i]),
			    "beacon-button: %s \"%s\": %s", names[i],
			    paths[i], why);
	if ((bc->certfile != NULL) != (bc->keyfile != NULL))
		conf_check_err(ck, conf_file_lookup(cf, bc->certfile != NULL ?
		    "certfile" : "keyfile"), "beacon-button: certfile and "
		    "keyfile go together: a client certificate needs its key");
	if (bc->certfile != NULL && bc->cafile == NULL)
		conf_check_err(ck, conf_file_lookup(cf, "certfile"),
		    "beacon-button: a client certificate needs TLS: set cafile "
		    "to the CA of the broker's certificate");
}

static void
button_conf_check(struct conf_file *cf, struct button_conf *bc,
    button_conf_keycode_fn keycode)
{
	button_conf_check_keys(cf, bc, keycode);
	if (bc->password != NULL && bc->username == NULL)
		conf_check_err(conf_file_check(cf), conf_file_lookup(cf,
		    "password"), "beacon-button: password without a username");
	button_conf_check_tls(cf, bc);
	/* One spool per device, so that buttons may share a machine. */
	if (bc->spool == NULL && bc->device != NULL)
		bc->spool = xasprintf("%s/%s.spool", BUTTON_SPOOL_DIR,
		    bc->device);
}

static int
button_conf_finish(struct conf_file *cf, const char *name,
    button_conf_keycode_fn keycode, struct button_conf **out, char **cause)
{
	struct button_conf *bc = xcalloc(1, sizeof *bc);
	const conf_setting *root = conf_file_root(cf);

	bc->path = xstrdup(name);
	if (root != NULL) {
		conf_group_read(conf_file_check(cf), root, "beacon-button",
		    button_fields, bc);
		button_conf_check(cf, bc, keycode);
	}
	*out = NULL;
	if (conf_file_close(cf, cause) != 0) {
		button_conf_free(bc);
		return -1;
	}
	*out = bc;
	return 0;
}

int
button_conf_load(const char *path, button_conf_keycode_fn keycode,
    struct button_conf **out, char **cause)
{
	struct conf_file *cf;

	*out = NULL;
	if ((cf = conf_file_open(path, cause)) == NULL)
		return -1;
	return button_conf_finish(cf, path, keycode, out, cause);
}

int
button_conf_load_string(const char *text, const char *name,
    button_conf_keycode_fn keycode, struct button_conf **out, char **cause)
{
	return button_conf_finish(conf_file_string(text, name), name, keycode,
	    out, cause);
}

void
button_conf_free(struct button_conf *bc)
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
button_conf_summary(const struct button_conf *bc)
{
	char lp[64] = "no long press";

	if (bc->long_press > 0)
		snprintf(lp, sizeof lp, "long press %.1f s: %s",
		    bc->long_press / 1000.0, bc->long_press_type);
	return xasprintf("%s: ok: device %s at branch %s, %zu %s, %s, "
	    "broker %s:%d, spool %s", bc->path, bc->device, bc->branch,
	    bc->nkeys, bc->nkeys == 1 ? "key" : "keys", lp, bc->broker_host,
	    bc->broker_port, bc->spool);
}
