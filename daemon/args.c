/*
 * beacond's command line (beacond.h), and the configuration it names.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "beacond.h"
#include "conf.h"

#define DEFAULT_CONFIG "/etc/beacon/beacon.conf"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: beacond [-c FILE] [--broker HOST:PORT] [--db PATH] "
	    "[--check-config] [-v]\n"
	    "       beacond --version | --help\n"
	    "\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  --broker HOST:PORT  MQTT broker (default: the configuration's)\n"
	    "  --db PATH           SQLite database (default: the "
	    "configuration's)\n"
	    "  --check-config      check the configuration and exit: 0 valid, "
	    "1 not\n"
	    "  -v, --verbose       debug log\n"
	    "  --version           print the version and exit\n",
	    DEFAULT_CONFIG);
}

void
args_parse(int argc, char **argv, struct args *a)
{
	enum { O_BROKER = 256, O_DB, O_CHECK, O_VERSION, O_HELP };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "broker", required_argument, NULL, O_BROKER },
		{ "db", required_argument, NULL, O_DB },
		{ "check-config", no_argument, NULL, O_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, O_VERSION },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(a, 0, sizeof *a);
	a->config = DEFAULT_CONFIG;
	while ((ch = getopt_long(argc, argv, "c:v", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->config = optarg; break;
		case O_BROKER: a->broker = optarg; break;
		case O_DB: a->db = optarg; break;
		case O_CHECK: a->check = 1; break;
		case 'v': a->verbose = 1; break;
		case O_VERSION: printf("beacond %s\n", BEACON_VERSION); exit(0);
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(1);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(1);
	}
}

struct config *
args_config(const struct args *a)
{
	struct config *cf = NULL;
	char *cause = NULL;

	if (conf_load(a->config, &cf, &cause) != 0 ||
	    conf_read_secrets(cf, &cause) != 0) {
		conf_free(cf);
		fprintf(stderr, "%s", cause);
		if (cause[0] != '\0' && cause[strlen(cause) - 1] != '\n')
			fputc('\n', stderr);
		free(cause);
		exit(1);
	}
	/* Before anything else is written: --check-config's readers see
	 * them above its summary, the journal at the start. */
	if (cf->warnings != NULL)
		fputs(cf->warnings, stderr);
	return cf;
}
