/*
 * Alarms that are not real: the cancel window, drills and repeated
 * presses. Pure decisions over the configuration, no I/O, so they are
 * tested directly; the engine acts on them (docs/protocol.md, "Cancel,
 * drills, repeated presses and pauses"), in alarms.c and join.c, whose
 * functions on struct engine are declared in engine_int.h.
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
/* 1 when two places (or notes) are the same: equal after trimming white
 * space at both ends and folding ASCII case. An empty one is the same as
 * nothing. */
int alarms_same_text(const char *, const char *);
/* 1 when a report is plausibly the same event as the open incident of its
 * branch and category, and so joins it: the same device pressing again
 * (any device that reported it), or the same place (alarms_same_text
 * against any of its locations). Anything else opens its own incident. */
int alarms_press_joins(const struct incident *, const struct report *);
/* Add a report's location, note and device to the incident's lists, each
 * unless empty, already there or the list full; the incident's own
 * location and note are the first ones given, never replaced. Sets the
 * two flags; 1 when a location or note was added. */
int alarms_press_add(struct incident *, const struct report *,
    int *location_added, int *note_added);
/* Note that the incident may be related to incident other: 1 when added
 * (not there yet, room left). */
int alarms_relate(struct incident *, int64_t other);
/* Who is called, in words, from the role labels of the responders
 * notified: "the crisis worker is already called", "the crisis worker and
 * security are ...", or with none "nobody has been called yet" (before the
 * first step: the cancel window) or, once routed, "no one could be
 * called". */
void alarms_called_text(const char *const *labels, size_t n, int routed,
    const char *lang, char *buf, size_t len);
/* The sentence for report r, joined to inc: "joined to incident 9 at
 * Children's area, 1st floor: the crisis worker is already called", with
 * who acknowledged (or "") and the reporter's own location when it
 * differs. */
void alarms_press_text(const struct incident *, const struct report *r,
    const char *called, const char *acked, const char *lang, char *buf,
    size_t len);

#endif
