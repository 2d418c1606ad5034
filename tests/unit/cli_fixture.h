/*
 * The beacon command line's test helpers, shared by the test_cli_*.c
 * files: an argument list parsed against a command, and what a printer
 * writes, captured in a string.
 */
#ifndef BEACON_TEST_CLI_FIXTURE_H
#define BEACON_TEST_CLI_FIXTURE_H

#include <stdio.h>

struct cli_opts;
struct cmd;

/* Parse a NULL-terminated argument list for c; returns args_parse's
 * result and leaves the cause (or NULL) in *cause. */
int
parse(const struct cmd *c, struct cli_opts *o, char **cause, ...);

char *
capture(void (*fn)(FILE *, const void *), const void *arg);

#endif
