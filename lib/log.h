/*
 * A small logging API in the manner of OpenSMTPD's log.c. Lines go to
 * stderr as "beacond: level: message"; state changes are written as
 * key=value pairs so they are easy to grep in the journal.
 */
#ifndef BEACON_LOG_H
#define BEACON_LOG_H

#define LOGF(a, b) __attribute__((format(printf, a, b)))

void log_init(const char *progname, int verbose);
/* While on, nothing is written (beacond replaying what it has logged
 * already; fatal still is). */
void log_mute(int on);
/* Lines wait in stderr's buffer until log_flush() (beacond: after each
 * pass of its loop; exit flushes too). Call before any thread starts. */
void log_hold(void);
void log_flush(void);
void log_warn(const char *, ...) LOGF(1, 2);  /* appends strerror(errno) */
void log_warnx(const char *, ...) LOGF(1, 2);
void log_info(const char *, ...) LOGF(1, 2);
void log_debug(const char *, ...) LOGF(1, 2);
void fatal(const char *, ...) LOGF(1, 2) __attribute__((noreturn));
void fatalx(const char *, ...) LOGF(1, 2) __attribute__((noreturn));

#endif
