/*
 * Log lines to stderr, one per call, for journald or a terminal. The store's
 * checkpointer thread logs too, so the state below is atomic: log_mute()
 * from the loop and a warning from the thread may meet. log_init() runs
 * before any thread starts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static _Atomic(const char *) log_name = "beacon";
static atomic_int log_debug_on;
static atomic_int log_muted;
static atomic_int log_held;

void
log_init(const char *progname, int verbose)
{
	atomic_store(&log_name, progname);
	atomic_store(&log_debug_on, verbose);
}

void
log_mute(int on)
{
	atomic_store(&log_muted, on);
}

/* A loop that writes its lines once a pass (log_flush) rather than one
 * system call each: beacond logs every report and notification. */
void
log_hold(void)
{
	static char buf[1 << 16];

	setvbuf(stderr, buf, _IOFBF, sizeof buf);
	atomic_store(&log_held, 1);
}

void
log_flush(void)
{
	fflush(stderr);
}

static void
log_vwrite(const char *level, int err, const char *fmt, va_list ap)
{
	const char *name = atomic_load(&log_name);
	char buf[2048];
	char *c;

	if (atomic_load(&log_muted))
		return;
	vsnprintf(buf, sizeof buf, fmt, ap);
	/* Values come from the network: one call, one line, no terminal
	 * escapes. */
	for (c = buf; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (err != 0)
		fprintf(stderr, "%s: %s: %s: %s\n", name, level, buf,
		    strerror(err));
	else
		fprintf(stderr, "%s: %s: %s\n", name, level, buf);
	if (!atomic_load(&log_held))
		fflush(stderr);
}

#define LOG_BODY(level, err)                                                   \
	do {                                                                   \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vwrite(level, err, fmt, ap);                               \
		va_end(ap);                                                    \
	} while (0)

void
log_warn(const char *fmt, ...)
{
	int err = errno;

	LOG_BODY("warning", err);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY("warning", 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY("info", 0);
}

void
log_debug(const char *fmt, ...)
{
	if (!atomic_load(&log_debug_on))
		return;
	LOG_BODY("debug", 0);
}

void
fatal(const char *fmt, ...)
{
	int err = errno;

	atomic_store(&log_muted, 0);
	LOG_BODY("fatal", err);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	atomic_store(&log_muted, 0);
	LOG_BODY("fatal", 0);
	exit(1);
}
