/* Readiness for systemd (Type=notify); no-ops without libsystemd. This is
 * the only module that uses libsystemd. */
#ifndef BEACON_SDNOTIFY_H
#define BEACON_SDNOTIFY_H

void sdnotify_ready(void);
void sdnotify_reloading(void);
void sdnotify_stopping(void);
void sdnotify_status(const char *);

#endif
