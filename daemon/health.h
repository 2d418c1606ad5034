/*
 * Device health (docs/protocol.md, "Devices"): the presence of each
 * branch's report buttons, desk pages and responder apps, their
 * self-tests, and the supervisor told when a report device has been
 * offline too long, and again when it is back. Also each branch's
 * retained configuration for the report pages. health.c is one of the
 * engine's rooms (its functions on struct engine are in engine_int.h);
 * this header holds what others may use without an engine.
 */
#ifndef BEACON_HEALTH_H
#define BEACON_HEALTH_H

/* The branch of responder apps, which serve no one branch. */
#define HEALTH_RESPONDERS "_responders"
/* beacon/config/{this}: the whole library's ids and labels. */
#define HEALTH_LIBRARY "_library"

/* 1 for the kinds whose absence is reported: buttons and report pages. */
int health_is_report_device(const char *kind);

#endif
