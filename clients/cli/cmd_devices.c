/*
 * beacon devices: the branches' report buttons, desk pages and responder
 * apps as beacond last heard of them, from the database (read only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "i18n.h"
#include "msg.h"
#include "store.h"

struct devices_run {
	const struct cli_opts *o;
	struct table *t;
	int64_t now;
	int n;
};

/* "online", "offline 7m", "OFFLINE 2h (reported)". */
static void
devices_state(const struct device *d, int64_t now, char *buf, size_t len)
{
	char el[32];

	if (d->online) {
		snprintf(buf, len, "online");
		return;
	}
	fmt_elapsed(now - d->since, el, sizeof el);
	snprintf(buf, len, "%s %s%s", d->flagged ? "OFFLINE" : "offline",
	    el + 1, d->flagged ? " (reported)" : "");
}

static int
devices_row(const struct device *d, void *arg)
{
	struct devices_run *r = arg;
	char state[64], seen[32], rtt[24] = "-", *json;

	if (r->o->json) {
		json = msg_device_encode(d);
		printf("%s\n%s", r->n > 0 ? "," : "", json);
		free(json);
		r->n++;
		return 0;
	}
	devices_state(d, r->now, state, sizeof state);
	if (d->rtt_ms >= 0)
		snprintf(rtt, sizeof rtt, "%lld ms", (long long)d->rtt_ms);
	table_add(r->t, d->branch, d->device, d->kind, state,
	    fmt_date(d->last_seen, seen, sizeof seen), rtt);
	r->n++;
	return 0;
}

static int
cmd_devices(const struct cmd *cmd, struct cli_opts *o)
{
	struct devices_run r = { o, NULL, clock_now(), 0 };
	struct store *s;
	char *cause = NULL;
	int rc;

	if ((s = store_open(o->db, STORE_RDONLY, &cause)) == NULL) {
		fprintf(stderr, "beacon %s: %s\n", cmd->name, cause ? cause :
		    "cannot open the database");
		free(cause);
		return EXIT_LOCAL;
	}
	r.t = table_new(6);
	table_add(r.t, "BRANCH", "DEVICE", "KIND", "STATE", "LAST SEEN",
	    "SELF-TEST");
	if (o->json)
		printf("[");
	rc = store_devices(s, o->branch, devices_row, &r);
	if (o->json)
		printf("%s]\n", r.n > 0 ? "\n" : "");
	else if (r.n > 0)
		table_print(r.t, stdout);
	else
		printf("no devices have reported%s%s\n", o->branch ? " at " :
		    "", o->branch ? o->branch : "");
	table_free(r.t);
	store_close(s);
	if (rc != 0) {
		fprintf(stderr, _("beacon %s: cannot read %s\n"), cmd->name,
		    o->db);
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

const struct cmd cmd_devices_entry = {
	"devices", "devices [--branch B] [--db PATH] [--json]",
	"list the branches' report buttons, desk pages and responder apps: "
	"online or offline since when, last seen, last self-test round trip",
	"branch db json",
	0,
	cmd_devices,
};
