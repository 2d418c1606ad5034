/*
 * beacon-button.conf (docs/button.md): the broker, the spool and one input
 * device per file. One device per process, because a device's presence
 * rests on the MQTT will of its own connection. Read with the conf
 * module's reader (conf.h), so that the file has beacon.conf's syntax and
 * file:line errors. Everything is owned by the struct button_conf and
 * freed by button_conf_free().
 */
#ifndef BEACON_BUTTON_CONF_H
#define BEACON_BUTTON_CONF_H

#include <stddef.h>

struct button_conf_key {
	char *key;	/* "KEY_F1": an evdev code name */
	int code;	/* its code, from the loader's button_conf_keycode_fn */
	char *type;	/* the category it reports */
	int silent;	/* report it as a silent alarm */
	int line;
};

struct button_conf {
	char *path;		/* the file it was read from */
	char *topic_prefix;	/* "beacon" */
	char *broker_host;	/* "127.0.0.1" */
	int broker_port;	/* 1883 */
	char *username;		/* NULL: none */
	char *password;		/* NULL: none */
	char *cafile;		/* TLS: the broker's CA; NULL: plain MQTT */
	char *certfile;		/* a client certificate, with keyfile */
	char *keyfile;
	char *spool;		/* unsent reports, one JSON line each */
	int selftest;		/* seconds between self-tests; 0: none */
	int keepalive;		/* seconds (30) */

	/* device: { ... } */
	char *input;		/* "path": /dev/input/by-id/..., or a FIFO */
	char *device;		/* "id": the {device} topic level */
	char *branch;		/* the {branch} topic level */
	char *location;		/* NULL: none */
	int long_press;		/* ms held for a long press; 0: none */
	char *long_press_type;	/* the category a long press reports */
	int grab;		/* 1: keep its presses from other programs */
	struct button_conf_key *keys;
	size_t nkeys;
};

/* The code of an evdev key name such as "KEY_F1" or "BTN_0", or -1: the
 * caller knows them (libevdev, input.c), this file does not. */
typedef int (*button_conf_keycode_fn)(const char *name);

/* As conf_load: 0 and *out, or -1 and *cause, every error as
 * "file:line: message" on a line of its own; the caller frees *cause. */
int button_conf_load(const char *path, button_conf_keycode_fn,
    struct button_conf **out, char **cause);
int button_conf_load_string(const char *text, const char *name,
    button_conf_keycode_fn, struct button_conf **out, char **cause);
void button_conf_free(struct button_conf *);
/* One line for --check-config; the caller frees it. */
char *button_conf_summary(const struct button_conf *);

#endif
