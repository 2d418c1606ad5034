/* Readiness for systemd (Type=notify); no-ops without libsystemd. This is
 * the only module that uses libsystemd. */
#ifndef BEACON_SDNOTIFY_H
#define BEACON_SDNOTIFY_H

#include <stdint.h>

void sdnotify_ready(void);
void sdnotify_reloading(void);
void sdnotify_stopping(void);
void sdnotify_status(const char *);
/* The watchdog interval systemd asks for (WatchdogSec=), 0 if none; then
 * WATCHDOG=1, which beacond sends from its loop at half that interval. */
int64_t sdnotify_watchdog_ms(void);
void sdnotify_watchdog(void);

#endif
