/* The unit tests' configuration fixtures (fixture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

static FILE *capture_file;
static int capture_saved = -1;

void
fixture_capture_start(void)
{
	fflush(stderr);
	if ((capture_file = tmpfile()) == NULL ||
	    (capture_saved = dup(STDERR_FILENO)) < 0 ||
	    dup2(fileno(capture_file), STDERR_FILENO) < 0) {
		perror("fixture: cannot capture stderr");
		abort();
	}
}

char *
fixture_capture_stop(void)
{
	static char buf[4096];
	size_t n;

	fflush(stderr);
	dup2(capture_saved, STDERR_FILENO);
	close(capture_saved);
	rewind(capture_file);
	n = fread(buf, 1, sizeof buf - 1, capture_file);
	buf[n] = '\0';
	fclose(capture_file);
	return buf;
}
