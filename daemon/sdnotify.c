/* Tell systemd where beacond stands, when it runs under systemd at all. */
#include "sdnotify.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

void
sdnotify_ready(void)
{
	sd_notify(0, "READY=1");
}

void
sdnotify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
sdnotify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
sdnotify_status(const char *s)
{
	sd_notifyf(0, "STATUS=%s", s);
}

int64_t
sdnotify_watchdog_ms(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return (int64_t)(usec / 1000);
}

void
sdnotify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}
#else
void
sdnotify_ready(void)
{
}

void
sdnotify_reloading(void)
{
}

void
sdnotify_stopping(void)
{
}

void
sdnotify_status(const char *s)
{
	(void)s;
}

int64_t
sdnotify_watchdog_ms(void)
{
	return 0;
}

void
sdnotify_watchdog(void)
{
}
#endif
