/*
 * Command-line options. One catalogue describes every option any command
 * takes (as tmux's options-table.c does); each command names the ones it
 * accepts in its table entry, and one getopt_long loop parses them all.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "log.h"
#include "xmalloc.h"

enum arg_type {
	ARG_FLAG,   /* no value: sets an int to 1 */
	ARG_STR,    /* any string */
	ARG_ID,     /* an id, which is also a topic level */
	ARG_PREFIX, /* a topic prefix */
	ARG_INT,    /* an integer from min to max */
	ARG_SECS,   /* seconds, decimals allowed; kept in ms */
};

struct arg_def {
	const char *name;
	enum arg_type type;
	const char *metavar;
	size_t off; /* into struct cli_opts */
	long long min, max;
	const char *help;
};

#define OFF(m) offsetof(struct cli_opts, m)

static const struct arg_def arg_table[] = {
	{ "broker", ARG_STR, "HOST:PORT", OFF(broker), 0, 0,
	    "the MQTT broker (BEACON_BROKER, default " CLI_BROKER ")" },
	{ "prefix", ARG_PREFIX, "P", OFF(prefix), 0, 0,
	    "the topic prefix (BEACON_PREFIX, default " CLI_PREFIX ")" },
	{ "help", ARG_FLAG, NULL, OFF(help), 0, 0, "show this help" },
	{ "verbose", ARG_FLAG, NULL, OFF(verbose), 0, 0,
	    "log the connection's progress on stderr" },
	{ "db", ARG_STR, "PATH", OFF(db), 0, 0,
	    "the database, read only (BEACON_DB, default " CLI_DB ")" },
	{ "json", ARG_FLAG, NULL, OFF(json), 0, 0,
	    "print JSON for scripts instead of text" },
	{ "branch", ARG_ID, "B", OFF(branch), 0, 0, "the branch id" },
	{ "type", ARG_STR, "T", OFF(type), 0, 0,
	    "the incident category (overdose, medical, weapon...)" },
	{ "severity", ARG_INT, "N", OFF(severity), 1, 4,
	    "1 threat to life ... 4 record only (default: the category's)" },
	{ "location", ARG_STR, "L", OFF(location), 0, 0,
	    "where it is happening (up to 128 bytes)" },
	{ "note", ARG_STR, "TEXT", OFF(note), 0, 0,
	    "a short note (up to 512 bytes)" },
	{ "device", ARG_STR, "D", OFF(device), 0, 0,
	    "the reporting device (up to 64 bytes)" },
	{ "reporter", ARG_STR, "R", OFF(reporter), 0, 0,
	    "who reports (up to 64 bytes; the least that serves)" },
	{ "id", ARG_ID, "ID", OFF(id), 0, 0,
	    "the report id (default: cli- and 16 random hex digits); "
	    "the same id again is the same report" },
	{ "silent", ARG_FLAG, NULL, OFF(silent), 0, 0,
	    "a silent alarm: responders must not call the desk" },
	{ "drill", ARG_FLAG, NULL, OFF(drill), 0, 0,
	    "a drill: labelled DRILL everywhere, kept out of statistics" },
	{ "follow", ARG_FLAG, NULL, OFF(follow), 0, 0,
	    "keep printing until the incident is resolved" },
	{ "timeout", ARG_SECS, "SECONDS", OFF(timeout), 1, 86400000,
	    "how long to wait for beacond's answer (default 10)" },
	{ "as", ARG_ID, "RESPONDER", OFF(as), 0, 0,
	    "the responder id you answer as" },
	{ "count", ARG_INT, "N", OFF(count), 1, INT_MAX,
	    "exit after N messages" },
	{ "open", ARG_FLAG, NULL, OFF(open), 0, 0, "only open incidents" },
};
#define ARG_COUNT (sizeof arg_table / sizeof arg_table[0])

/* Every command takes these. */
static const char args_common[] = "broker prefix help verbose";

void
args_defaults(struct cli_opts *o)
{
	const char *v;

	memset(o, 0, sizeof *o);
	o->broker = (v = getenv("BEACON_BROKER")) != NULL && *v ? v :
	    CLI_BROKER;
	o->prefix = (v = getenv("BEACON_PREFIX")) != NULL && *v ? v :
	    CLI_PREFIX;
	o->db = (v = getenv("BEACON_DB")) != NULL && *v ? v : CLI_DB;
	o->timeout = CLI_TIMEOUT;
}

static const struct arg_def *
args_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARG_COUNT; i++)
		if (strlen(arg_table[i].name) == len &&
		    strncmp(arg_table[i].name, name, len) == 0)
			return &arg_table[i];
	return NULL;
}

/*
 * The options a command takes: the common ones, then its own list. Fills
 * defs and required (both ARG_COUNT long); returns how many. A name the
 * catalogue lacks is a bug in the command table.
 */
static size_t
args_select(const struct cmd *c, const struct arg_def **defs, int *required)
{
	const char *lists[] = { args_common, c->options }, *p, *end;
	size_t i, n = 0, len;

	for (i = 0; i < 2; i++) {
		for (p = lists[i]; p != NULL && *p != '\0'; p = end) {
			p += strspn(p, " ");
			end = p + strcspn(p, " ");
			if ((len = (size_t)(end - p)) == 0)
				continue;
			required[n] = p[len - 1] == '!';
			len -= (size_t)required[n];
			if (n == ARG_COUNT || (defs[n] = args_find(p, len)) == NULL)
				fatalx("command %s: bad option list", c->name);
			n++;
		}
	}
	return n;
}

static int
args_prefix_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 128 && strpbrk(s, "+#") == NULL && s[0] != '/' &&
	    s[n - 1] != '/' && strstr(s, "//") == NULL;
}

static int
args_int(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	long long n;
	char *ep;

	errno = 0;
	n = strtoll(v, &ep, 10);
	if (*v == '\0' || *ep != '\0' || errno != 0 || n < d->min ||
	    n > d->max) {
		*cause = xasprintf("--%s: must be %lld to %lld", d->name,
		    d->min, d->max);
		return -1;
	}
	*(int *)((char *)o + d->off) = (int)n;
	return 0;
}

static int
args_secs(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	double s;
	char *ep;

	errno = 0;
	s = strtod(v, &ep);
	/* The negated test also refuses NaN. */
	if (*v == '\0' || *ep != '\0' || errno != 0 ||
	    !(s * 1000 >= (double)d->min && s * 1000 <= (double)d->max)) {
		*cause = xasprintf("--%s: must be a number of seconds from "
		    "0.001 to %lld", d->name, d->max / 1000);
		return -1;
	}
	*(int64_t *)((char *)o + d->off) = (int64_t)(s * 1000 + 0.5);
	return 0;
}

/* Check one value and store it. */
static int
args_set(const struct arg_def *d, const char *v, struct cli_opts *o,
    char **cause)
{
	void *p = (char *)o + d->off;

	switch (d->type) {
	case ARG_FLAG:
		*(int *)p = 1;
		return 0;
	case ARG_INT:
		return args_int(d, v, o, cause);
	case ARG_SECS:
		return args_secs(d, v, o, cause);
	case ARG_ID:
		if (!id_valid(v)) {
			*cause = xasprintf("--%s: \"%s\" is not valid: use 1 "
			    "to %d letters, digits, '.', '_', ':' or '-'",
			    d->name, v, ID_MAX);
			return -1;
		}
		break;
	case ARG_PREFIX:
	case ARG_STR:
		break;
	}
	*(const char **)p = v;
	return 0;
}

static void
args_longopts(const struct arg_def **defs, size_t n, struct option *lo)
{
	size_t i;

	for (i = 0; i < n; i++) {
		lo[i].name = defs[i]->name;
		lo[i].has_arg = defs[i]->type == ARG_FLAG ? no_argument :
		    required_argument;
		lo[i].flag = NULL;
		lo[i].val = 256 + (int)i;
	}
	memset(&lo[n], 0, sizeof lo[n]);
}

/* getopt_long's complaint, as a sentence. */
static char *
args_bad_option(int ch, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] :
	    "?";

	if (ch == ':')
		return xasprintf("%s needs a value", arg);
	if (optopt > 0 && optopt < 256)
		return xasprintf("unknown option -%c", optopt);
	return xasprintf("unknown or ambiguous option %s", arg);
}

/* The INCIDENT operand, or none. */
static int
args_operands(const struct cmd *c, int argc, char **argv, struct cli_opts *o,
    char **cause)
{
	long long n;
	char *ep;

	if (!c->operand) {
		if (optind < argc) {
			*cause = xasprintf("unexpected argument \"%s\"",
			    argv[optind]);
			return -1;
		}
		return 0;
	}
	if (optind >= argc) {
		*cause = xstrdup("INCIDENT is missing");
		return -1;
	}
	if (optind + 1 < argc) {
		*cause = xasprintf("unexpected argument \"%s\"",
		    argv[optind + 1]);
		return -1;
	}
	errno = 0;
	n = strtoll(argv[optind], &ep, 10);
	if (*argv[optind] == '\0' || *ep != '\0' || errno != 0 || n < 1 ||
	    n > INT32_MAX) {
		*cause = xasprintf("INCIDENT must be an incident number, not "
		    "\"%s\"", argv[optind]);
		return -1;
	}
	o->incident = n;
	return 0;
}

static int
args_check(const struct arg_def **defs, const int *required, size_t n,
    struct cli_opts *o, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (required[i] &&
		    *(const char **)((char *)o + defs[i]->off) == NULL) {
			*cause = xasprintf("--%s is required", defs[i]->name);
			return -1;
		}
	}
	/* Checked here, not in args_set: it may come from BEACON_PREFIX. */
	if (!args_prefix_ok(o->prefix)) {
		*cause = xasprintf("prefix \"%s\" is not valid: 1 to 128 "
		    "characters, no '+' or '#', no empty level", o->prefix);
		return -1;
	}
	return 0;
}

int
args_parse(const struct cmd *c, int argc, char **argv, struct cli_opts *o,
    char **cause)
{
	const struct arg_def *defs[ARG_COUNT];
	int required[ARG_COUNT], ch;
	struct option lo[ARG_COUNT + 1];
	size_t n;

	*cause = NULL;
	n = args_select(c, defs, required);
	args_longopts(defs, n, lo);
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (ch == 'h')
			o->help = 1;
		else if (ch == '?' || ch == ':') {
			*cause = args_bad_option(ch, argc, argv);
			return -1;
		} else if (args_set(defs[ch - 256], optarg, o, cause) != 0)
			return -1;
	}
	if (o->help)
		return 0;
	if (args_operands(c, argc, argv, o, cause) != 0)
		return -1;
	return args_check(defs, required, n, o, cause);
}

void
args_help(const struct cmd *c, FILE *fp)
{
	const struct arg_def *defs[ARG_COUNT];
	int required[ARG_COUNT];
	size_t i, n;
	char left[64], *text;

	n = args_select(c, defs, required);
	for (i = 0; i < n; i++) {
		snprintf(left, sizeof left, "--%s%s%s", defs[i]->name,
		    defs[i]->metavar ? " " : "",
		    defs[i]->metavar ? defs[i]->metavar : "");
		fprintf(fp, "  %-20s ", left);
		text = xasprintf("%s%s", required[i] ? "required: " : "",
		    defs[i]->help);
		fmt_wrap(fp, text, 23, 23, 79);
		free(text);
	}
}
