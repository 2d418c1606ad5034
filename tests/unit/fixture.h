/*
 * The unit tests' configuration fixtures, tests/unit/fixtures/NAME, found
 * through BEACON_SRC (ctest sets it; "." otherwise).
 */
#ifndef BEACON_TEST_FIXTURE_H
#define BEACON_TEST_FIXTURE_H

#include <stddef.h>

struct config;

/* The fixture's path in buf. */
const char *fixture_path(const char *name, char *buf, size_t len);
/* The fixture loaded, or NULL with the errors printed. */
struct config *fixture_config(const char *name);
/* What the code under test writes to stderr (the log) between the two
 * calls; the text is kept until the next capture. A capture that cannot
 * be set up aborts the test. */
void fixture_capture_start(void);
char *fixture_capture_stop(void);

#endif
