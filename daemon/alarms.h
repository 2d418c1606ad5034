/*
 * Alarms that are not real: the cancel window, drills and repeated
 * presses. Pure decisions over the configuration, no I/O, so they are
 * tested directly; the engine acts on them (docs/protocol.md, "Cancel,
 * drills, repeated presses and pauses").
 */
#ifndef BEACON_ALARMS_H
#define BEACON_ALARMS_H

#include <stdint.h>

#include "beacon.h"
#include "conf.h"

/* How long (ms) a report of this category at this effective severity
 * waits for a cancel before anyone is notified; 0: it does not wait.
 * Severity 1-2 never waits. */
int64_t alarms_cancel_ms(const struct config *, const struct conf_category *,
    int severity);
/* 1 when a drill must not notify a responder of this role: the
 * life_threat roles (emergency dispatch) unless the role says drill. */
int alarms_drill_skips(const struct config *, const char *role);
/* What a repeated press changes in the open incident it joins: the
 * reported location (when given and different) and a higher (more
 * serious, smaller) severity. Sets the two flags; 1 when any is set. */
int alarms_press_changes(const struct incident *, const char *location,
    int severity, int *location_changed, int *severity_raised);
/* The reporter's sentence for a press joined to an incident. */
void alarms_press_text(const struct incident *, char *buf, size_t len);

#endif
