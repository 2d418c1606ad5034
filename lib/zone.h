/*
 * Time zones by name ("America/Toronto"), read from the system's zone
 * files by this module itself, so that a conversion never sets TZ (see
 * zone.c). Times are seconds
 * since the epoch; offsets are seconds east of UTC.
 */
#ifndef BEACON_ZONE_H
#define BEACON_ZONE_H

#include <stdint.h>

/* The offset from UTC in zone name at instant t. A name with no zone file
 * is read as a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"), else as UTC,
 * as the C library does. */
long zone_offset(const char *name, int64_t t);
/* The instant at which zone name's clocks show local (seconds since the
 * epoch of a local date and time): the later one of a repeated hour, the
 * one after a skipped hour. */
int64_t zone_instant(const char *name, int64_t local);

#endif
