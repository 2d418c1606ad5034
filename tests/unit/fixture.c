/* The unit tests' configuration fixtures (fixture.h). */
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "fixture.h"

const char *
fixture_path(const char *name, char *buf, size_t len)
{
	const char *src = getenv("BEACON_SRC");

	snprintf(buf, len, "%s/tests/unit/fixtures/%s", src ? src : ".",
	    name);
	return buf;
}

struct config *
fixture_config(const char *name)
{
	struct config *cf = NULL;
	char path[4096], *cause = NULL;

	if (conf_load(fixture_path(name, path, sizeof path), &cf,
	    &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return NULL;
	}
	return cf;
}
