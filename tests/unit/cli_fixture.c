/*
 * The beacon command line's test helpers, shared by the test_cli_*.c
 * files: an argument list parsed against a command, and what a printer
 * writes, captured in a string.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "beacon.h"
#include "cli.h"
#include "debrief_edit.h"
#include "msg.h"

#include "clock.h"

#include "cli_fixture.h"

/* Parse a NULL-terminated argument list for c; returns args_parse's
 * result and leaves the cause (or NULL) in *cause. */
int
parse(const struct cmd *c, struct cli_opts *o, char **cause, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)c->name;
	va_start(ap, cause);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	unsetenv("BEACON_BROKER");
	unsetenv("BEACON_PREFIX");
	unsetenv("BEACON_DB");
	args_defaults(o);
	return args_parse(c, argc, argv, o, cause);
}

char *
capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(fp, arg);
	fclose(fp);
	return buf;
}
