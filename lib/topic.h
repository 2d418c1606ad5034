/*
 * Every MQTT topic Beacon uses is built and parsed here (docs/protocol.md,
 * "Topics"). A topic is the configured prefix, a kind ("report", "status",
 * "daemon", ...) and the kind's own levels: {prefix}/{kind}/{level}/...
 */
#ifndef BEACON_TOPIC_H
#define BEACON_TOPIC_H

#include <stddef.h>

/* The kinds, as they appear in the second level. */
#define TOPIC_REPORT	"report"
#define TOPIC_STATUS	"status"
#define TOPIC_RESPOND	"respond"
#define TOPIC_NOTIFY	"notify"
#define TOPIC_INCIDENT	"incident"
#define TOPIC_QUERY	"query"
#define TOPIC_REPLY	"reply"
#define TOPIC_DEVICE	"device"
#define TOPIC_SELFTEST	"selftest"
#define TOPIC_CONFIG	"config"
#define TOPIC_DAEMON	"daemon"
#define TOPIC_TEST	"test"
#define TOPIC_ERROR	"error"
#define TOPIC_PUSH	"push"

/* prefix/kind/level/...: the levels up to a NULL, each joined with '/'
 * (a level may itself hold '/' or be "+" or "#"). Never NULL. */
char *topic_make(const char *prefix, const char *kind, ...)
    __attribute__((sentinel));

/* When topic is prefix/kind/REST with REST not empty, REST; else NULL. */
const char *topic_match(const char *topic, const char *prefix,
    const char *kind);

/* The kind of prefix/KIND/REST (at most size - 1 bytes) into buf and REST
 * returned; NULL when topic is not under prefix, has no level after the
 * kind, or the kind does not fit. */
const char *topic_kind(const char *topic, const char *prefix, char *buf,
    size_t size);

/* The first level of rest into buf (at most size - 1 bytes, cut there);
 * returns what follows it after its '/', or "" when it was the last. */
const char *topic_level(const char *rest, char *buf, size_t size);

/* How many levels rest has ("a" 1, "a/b" 2; "" 0). */
int topic_levels(const char *rest);

#endif
