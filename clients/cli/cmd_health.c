/*
 * beacon health: one line and an exit status for a monitoring system, read
 * from the broker's retained beacon/daemon/status and
 * beacon/daemon/heartbeat. The exit statuses are the monitoring plugins'
 * (Nagios, Icinga, Zabbix's external checks):
 *
 *   0 OK        beacond online, its last heartbeat recent, no device
 *               reported offline
 *   1 WARNING   beacond is well but devices are reported offline, or it
 *               is one of a standby pair whose standby is not there, is
 *               still joining, or has a gap in its copy of the record
 *   2 CRITICAL  beacond offline, never seen, or stale: no heartbeat for
 *               three of its intervals (a hung loop, a stopped process)
 *   3 UNKNOWN   the broker cannot be reached within --timeout
 *
 * The line's first word (OK, WARNING...) is the plugins' and stays as it
 * is; the rest is in the reader's language (_()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"
#include "conn.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "topic.h"
#include "xmalloc.h"

#define HEALTH_OK 0
#define HEALTH_WARNING 1
#define HEALTH_CRITICAL 2
#define HEALTH_UNKNOWN 3
#define HEALTH_SETTLE 1000	/* ms after subscribing: retained ones came */
#define HEALTH_MISSED 3		/* heartbeats missed before "stale" */

#define HEALTH_PEERS 4		/* standby presences kept */

struct health_run {
	int have_lease;		/* a standby pair: the active one's lease */
	struct lease lease;
	size_t npeers;		/* beacon/daemon/standby/{instance} */
	struct {
		char instance[ID_MAX + 1];
		char state[16];
		int64_t ts;
		char note[DETAIL_MAX + 1];	/* a gap: which */
	} peers[HEALTH_PEERS];
	int have_status;
	char state[16];
	int64_t state_ts;
	int have_hb;
	struct heartbeat hb;
};

/* The pair's lease (instance NULL), or one instance's presence. */
static void
health_pair_message(struct health_run *h, const char *instance,
    const char *payload, size_t len)
{
	char err[DETAIL_MAX + 1];

	if (len == 0)
		return;
	if (instance == NULL) {
		h->have_lease = msg_lease_decode(payload, len, &h->lease, err,
		    sizeof err) == MSG_OK;
		return;
	}
	if (h->npeers == HEALTH_PEERS)
		return;
	if (msg_daemon_decode(payload, len, h->peers[h->npeers].state,
	    &h->peers[h->npeers].ts, err, sizeof err) != MSG_OK)
		return;
	strlcpy_utf8(h->peers[h->npeers].instance, instance,
	    sizeof h->peers[h->npeers].instance);
	(void)msg_standby_note(payload, len, h->peers[h->npeers].note,
	    sizeof h->peers[h->npeers].note);
	h->npeers++;
}

static void
health_message(struct conn *c, void *arg, const char *topic,
    const char *payload, size_t len)
{
	struct health_run *h = arg;
	const char *what = conn_match(c, topic, TOPIC_DAEMON), *instance;
	char err[DETAIL_MAX + 1], level[16];

	if (what == NULL)
		return;
	instance = topic_level(what, level, sizeof level);
	if (strcmp(what, "leader") == 0) {
		health_pair_message(h, NULL, payload, len);
		return;
	}
	if (strcmp(level, "standby") == 0 && topic_levels(what) > 1) {
		health_pair_message(h, instance, payload, len);
		return;
	}
	if (strcmp(what, "status") == 0) {
		if (msg_daemon_decode(payload, len, h->state, &h->state_ts,
		    err, sizeof err) == MSG_OK)
			h->have_status = 1;
		else
			log_warnx("unreadable daemon status: %s", err);
	} else if (strcmp(what, "heartbeat") == 0) {
		if (msg_heartbeat_decode(payload, len, &h->hb, err,
		    sizeof err) == MSG_OK)
			h->have_hb = 1;
		else
			log_warnx("unreadable heartbeat: %s", err);
	}
	if (h->have_status && h->have_hb)
		conn_exit(c, HEALTH_OK);
}

static void
health_settled(struct conn *c, void *arg)
{
	(void)arg;
	conn_exit(c, HEALTH_OK);
}

static void
health_ready(struct conn *c, void *arg)
{
	(void)arg;
	conn_timer(c, HEALTH_SETTLE, 0, health_settled);
}

static void
health_timeout(struct conn *c, void *arg)
{
	(void)arg;
	conn_exit(c, HEALTH_UNKNOWN);
}

/* "central/desk-3 (button) since 14:02:11, ..." */
static void
health_devices(const struct heartbeat *hb, char *buf, size_t len)
{
	size_t i, n = 0;
	char t[32];

	buf[0] = '\0';
	for (i = 0; i < hb->nlisted && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
		    _("%s%s/%s%s%s%s since %s"),
		    i ? ", " : "", hb->listed[i].branch, hb->listed[i].device,
		    hb->listed[i].kind[0] ? " (" : "", hb->listed[i].kind,
		    hb->listed[i].kind[0] ? ")" : "",
		    fmt_date(hb->listed[i].since, t, sizeof t));
	if ((size_t)hb->offline > hb->nlisted && n < len)
		snprintf(buf + n, len - n, _(" and %zu more"),
		    (size_t)hb->offline - hb->nlisted);
}

/*
 * A standby pair whose lease is in force (renewed within two leases: a
 * pair taken apart leaves its last lease retained) needs a standby: an
 * instance other than the active one whose presence says so. 1 and a
 * WARNING line when there is none (a standby still joining, or healing a
 * gap in its copy, does not cover a failure yet); 0 and *pair (the OK
 * line's words) otherwise.
 */
static int
health_pair(const struct health_run *h, int64_t now, char *pair, size_t len)
{
	const char *active = h->lease.instance, *who = NULL;
	const char *state = NULL, *note = "";
	size_t i;

	pair[0] = '\0';
	if (!h->have_lease || h->lease.expires + (int64_t)h->lease.lease *
	    1000 < now)
		return 0;
	for (i = 0; i < h->npeers; i++) {
		if (strcmp(h->peers[i].instance, active) == 0)
			continue;
		if (strcmp(h->peers[i].state, "standby") == 0) {
			snprintf(pair, len, _(", %s standing by for %s"),
			    h->peers[i].instance, active);
			return 0;
		}
		if (who == NULL || strcmp(h->peers[i].state, "offline") != 0) {
			who = h->peers[i].instance;
			state = h->peers[i].state;
			note = h->peers[i].note;
		}
	}
	if (who != NULL && strcmp(state, "gap") == 0)
		printf(_("WARNING: %s's copy of %s has a gap (%s); it is "
		    "rebuilding from a fresh copy, and until it has, a failure "
		    "of %s would lose part of the record\n"), who, active,
		    note[0] ? note : _("changes missed"), active);
	else if (who != NULL && strcmp(state, "joining") == 0)
		printf(_("WARNING: %s is joining %s: it does not yet know "
		    "where it is in %s's changes; a failure of %s would not be "
		    "covered\n"), who, active, active, active);
	else if (who != NULL)
		printf(_("WARNING: no standby for %s: %s is offline; a failure "
		    "of %s would not be covered\n"), active, who, active);
	else
		printf(_("WARNING: no standby for %s: none has stood by on "
		    "this broker; a failure of %s would not be covered\n"),
		    active, active);
	return 1;
}

/* The verdict on what was read; prints its line. */
static int
health_judge(const struct health_run *h, int64_t now)
{
	char t[32], devs[1024], pair[2 * ID_MAX + 32];
	int64_t age;

	if (!h->have_status && !h->have_hb) {
		printf(_("CRITICAL: beacond has published no status on this "
		    "broker\n"));
		return HEALTH_CRITICAL;
	}
	if (h->have_status && strcmp(h->state, "online") != 0) {
		printf(_("CRITICAL: beacond is %s since %s\n"), h->state,
		    fmt_date(h->state_ts, t, sizeof t));
		return HEALTH_CRITICAL;
	}
	if (!h->have_hb) {
		printf(_("CRITICAL: beacond is online but publishes no "
		    "heartbeat\n"));
		return HEALTH_CRITICAL;
	}
	age = now - h->hb.ts;
	if (age > (int64_t)h->hb.interval * 1000 * HEALTH_MISSED) {
		printf(_("CRITICAL: beacond is stale: its last heartbeat was "
		    "%lld s ago (at %s; one is due every %d s)\n"),
		    (long long)(age / 1000), fmt_date(h->hb.ts, t, sizeof t),
		    h->hb.interval);
		return HEALTH_CRITICAL;
	}
	if (h->hb.offline > 0) {
		health_devices(&h->hb, devs, sizeof devs);
		printf(TN_(i18n_env(), "WARNING: %d device offline: %s\n",
		    "WARNING: %d devices offline: %s\n",
		    (unsigned long)h->hb.offline), h->hb.offline, devs);
		return HEALTH_WARNING;
	}
	if (health_pair(h, now, pair, sizeof pair) != 0)
		return HEALTH_WARNING;
	printf(TN_(i18n_env(), "OK: beacond online, heartbeat %lld s ago, "
	    "%lld open incident, no device offline%s\n", "OK: beacond "
	    "online, heartbeat %lld s ago, %lld open incidents, no device "
	    "offline%s\n", (unsigned long)h->hb.open), (long long)(age > 0 ?
	    age / 1000 : 0), (long long)h->hb.open, pair);
	return HEALTH_OK;
}

static int
cmd_health(const struct cmd *cmd, struct cli_opts *o)
{
	struct conn_cb cb = { health_ready, health_message, NULL, NULL };
	struct health_run *h = xcalloc(1, sizeof *h);
	struct conn *c;
	char *cause;
	int rc;

	(void)cmd;
	cb.arg = h;
	if ((c = conn_new(o->broker, o->prefix, &cb, &cause)) == NULL) {
		printf("UNKNOWN: %s\n", cause);
		free(cause);
		free(h);
		return HEALTH_UNKNOWN;
	}
	/* The pair's first: the broker sends each subscription's retained
	 * messages in order, so they are in before the two that end the
	 * wait. */
	conn_subscribe(c, topic_make(conn_prefix(c), TOPIC_DAEMON, "leader",
	    NULL));
	conn_subscribe(c, topic_make(conn_prefix(c), TOPIC_DAEMON, "standby",
	    "+", NULL));
	conn_subscribe(c, topic_make(conn_prefix(c), TOPIC_DAEMON, "status",
	    NULL));
	conn_subscribe(c, topic_make(conn_prefix(c), TOPIC_DAEMON,
	    "heartbeat", NULL));
	conn_timer(c, o->timeout, 0, health_timeout);
	rc = conn_run(c);
	if (rc == HEALTH_UNKNOWN)
		printf(_("UNKNOWN: no answer from the broker at %s within "
		    "%lld s\n"), conn_broker(c), (long long)(o->timeout /
		    1000));
	else if (rc == HEALTH_OK)
		rc = health_judge(h, clock_now());
	conn_free(c);
	free(h);
	return rc;
}

const struct cmd cmd_health_entry = {
	"health", "health [--timeout S]",
	"check beacond and the devices for a monitoring system: one line, "
	"exit 0 OK, 1 devices offline or a pair without its standby (or "
	"one still joining or healing a gap), 2 "
	"beacond offline or stale, 3 broker unreachable",
	"timeout",
	0,
	cmd_health,
};
