/*
 * beacon export --redact (cli.h): blanks what may name or describe
 * people in incidents, events and debriefs.
 */
#include <string.h>

#include "beacon.h"
#include "cli.h"

/* Events whose detail is, or repeats, text someone typed (a note, or the
 * location in the "reported" summary), and those whose actor is the
 * reporting device rather than a responder account. */
static const char *const redact_note_kinds[] = {
	"reported", "ack", "decline", "arrived", "resolve", "correction",
	"hold", "hold_released", "pressed", "related",
};
static const char *const redact_device_kinds[] = { "reported", "duplicate",
	"pressed" };

static int
redact_kind(const char *kind, const char *const *kinds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(kinds[i], kind) == 0)
			return 1;
	return 0;
}

void
redact_incident(struct incident *inc)
{
	inc->r.reporter[0] = '\0';
	inc->r.device[0] = '\0';
	inc->r.note[0] = '\0';
	inc->r.location[0] = '\0';
	inc->nlocations = inc->nnotes = inc->ndevices = 0;
}

void
redact_event(struct event *ev)
{
	if (redact_kind(ev->kind, redact_note_kinds,
	    sizeof redact_note_kinds / sizeof *redact_note_kinds))
		ev->detail[0] = '\0';
	if (redact_kind(ev->kind, redact_device_kinds,
	    sizeof redact_device_kinds / sizeof *redact_device_kinds))
		ev->actor[0] = '\0';
}

void
redact_debrief(struct debrief *d)
{
	size_t i;

	d->route_note[0] = '\0';
	d->went_well[0] = '\0';
	d->to_improve[0] = '\0';
	d->training[0] = '\0';
	for (i = 0; i < d->nactions; i++)
		d->actions[i].what[0] = '\0';
}
