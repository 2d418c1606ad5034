/* Tell systemd where beacond stands, when it runs under systemd at all. */
#include "sdnotify.h"

#ifdef HAVE_LIBSYSTEMD
#include <stdio.h>

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
#endif
