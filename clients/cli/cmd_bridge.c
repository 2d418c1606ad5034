/*
 * beacon bridge-conf: the mosquitto configuration of a branch's own broker,
 * bridged to the central broker (README.md, "Branch brokers"). The
 * branch's buttons and report pages talk to the broker in the building;
 * the bridge carries the branch's reports, presence and self-tests to the
 * centre and brings back what beacond says to the branch. While the link
 * is down the branch broker keeps the reports (persistence, a persistent
 * bridge session, a queue sized for an outage) and hands them over when
 * it is back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "topic.h"

/* The topics of one branch, after "prefix/": what its devices and report
 * pages publish (out) and what they read (in). They are the topics that
 * `beacon acl-conf` allows a branch account, so the bridge may sign in to
 * the central broker as the branch. */
struct bridge_topic {
	const char *kind;
	const char *level[ACL_LEVELS]; /* ACL_ID: the branch's id */
	const char *dir;  /* in, out */
	const char *why;
};

static const struct bridge_topic bridge_topics[] = {
	{ TOPIC_REPORT, { ACL_ID }, "out", "reports and cancellations" },
	{ TOPIC_DEVICE, { ACL_ID, "+" }, "out",
	    "device presence (and its MQTT will)" },
	{ TOPIC_SELFTEST, { ACL_ID, "+" }, "out", "button self-tests" },
	{ TOPIC_STATUS, { ACL_ID, "#" }, "in", "where each report stands" },
	{ TOPIC_ERROR, { ACL_ID }, "in", "reports that could not be read" },
	{ TOPIC_SELFTEST, { ACL_ID, "+", "result" }, "in",
	    "self-test answers" },
	{ TOPIC_CONFIG, { "+" }, "in",
	    "the branches' names and report buttons" },
	{ TOPIC_DAEMON, { "status" }, "in", "whether beacond is online" },
	{ TOPIC_DAEMON, { "heartbeat" }, "in", "beacond's heartbeat" },
};

#define BRIDGE_N(a) (sizeof (a) / sizeof (a)[0])

/* Room for a day of reports and presence changes while the link is down;
 * about 300 bytes each, so 30 MB at worst, bounded again in bytes. */
#define BRIDGE_QUEUE 100000
#define BRIDGE_QUEUE_BYTES 104857600

/* A value goes into the file verbatim: a line break would end the line
 * and mosquitto splits a line at spaces. */
static int
bridge_word_ok(const char *p)
{
	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* HOST:PORT with a port of 1 to 65535. */
static int
bridge_address_ok(const char *a)
{
	const char *colon = strrchr(a, ':');
	char *end;
	long port;

	if (!bridge_word_ok(a) || colon == NULL || colon == a)
		return 0;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	return errno == 0 && end != colon + 1 && *end == '\0' && port >= 1 &&
	    port <= 65535;
}

static void
bridge_print(FILE *fp, const struct config *cf, const struct conf_branch *b,
    const char *central, const struct cli_opts *o, const char *cafile)
{
	const char *p = cf->topic_prefix;
	const struct bridge_topic *t;
	char *topic;
	size_t i;

	fprintf(fp, "# The mosquitto of branch %s (%s),\n"
	    "# bridged to the central broker at %s.\n"
	    "# Made by `beacon bridge-conf --branch %s` (docs/cli.md): make "
	    "it again\n# when beacon.conf's topic prefix or the central "
	    "broker change. Install\n# it as "
	    "/etc/mosquitto/conf.d/beacon-branch.conf on the branch's broker"
	    "\n# and `systemctl restart mosquitto`.\n", b->id, b->name,
	    central, b->id);

	fprintf(fp, "\n# The branch's report buttons and desk clients (MQTT) "
	    "and its report pages\n# (MQTT over WebSockets, docs/web.md) "
	    "connect here, in the building. The\n# accounts and the ACL are "
	    "those of the central broker (beacon acl-conf,\n# docs/security.md): "
	    "the branch's account is enough here.\n"
	    "per_listener_settings false\nallow_anonymous false\n"
	    "password_file /etc/mosquitto/beacon.passwd\n"
	    "acl_file /etc/mosquitto/beacon.acl\nset_tcp_nodelay true\n"
	    "listener 1883\nlistener 9001\nprotocol websockets\n");

	fprintf(fp, "\n# While the link to the centre is down, reports wait "
	    "here: kept on disk\n# after every change, up to %d messages "
	    "(%d bytes) for the bridge.\n# mosquitto drops QoS 1 messages "
	    "beyond max_queued_messages.\npersistence true\n"
	    "persistence_location /var/lib/mosquitto/\nautosave_interval 1\n"
	    "autosave_on_changes true\nmax_queued_messages %d\n"
	    "max_queued_bytes %d\nmax_inflight_messages 100\n", BRIDGE_QUEUE,
	    BRIDGE_QUEUE_BYTES, BRIDGE_QUEUE, BRIDGE_QUEUE_BYTES);

	fprintf(fp, "\n# The bridge: a persistent session on both brokers "
	    "(cleansession false),\n# so that neither side forgets what the "
	    "other has not acknowledged.\n"
	    "connection beacon-%s\naddress %s\nremote_clientid "
	    "beacon-bridge-%s\ncleansession false\n"
	    "bridge_protocol_version mqttv311\ntry_private true\n"
	    "keepalive_interval 30\nrestart_timeout 1 15\n"
	    "notifications_local_only true\n", b->id, central, b->id);

	fprintf(fp, "\n# The central broker's account for this branch "
	    "(mosquitto_passwd there);\n# put its password here and make "
	    "this file readable by mosquitto only.\n");
	if (o->username != NULL)
		fprintf(fp, "remote_username %s\n", o->username);
	else if (cf->username != NULL)
		fprintf(fp, "remote_username %s\n", b->id);
	else
		fprintf(fp, "#remote_username %s\n", b->id);
	fprintf(fp, "#remote_password PASSWORD\n");

	fprintf(fp, "\n# TLS to the central broker (docs/security.md): the CA "
	    "of its certificate,\n# and the branch broker's own certificate "
	    "where the centre asks for one.\n");
	fprintf(fp, "%sbridge_cafile %s\n", cafile ? "" : "#",
	    cafile ? cafile : "/etc/mosquitto/certs/ca.crt");
	fprintf(fp, "%sbridge_certfile %s\n", o->cert ? "" : "#",
	    o->cert ? o->cert : "/etc/mosquitto/certs/branch.crt");
	fprintf(fp, "%sbridge_keyfile %s\n", o->key ? "" : "#",
	    o->key ? o->key : "/etc/mosquitto/certs/branch.key");

	fprintf(fp, "\n# The branch's topics, QoS 1 both ways: out to "
	    "beacond, in from beacond.\n");
	for (i = 0; i < BRIDGE_N(bridge_topics); i++) {
		t = &bridge_topics[i];
		topic = cmd_acl_topic(p, b->id, t->kind, t->level);
		fprintf(fp, "# %s\ntopic %s %s 1\n", t->why, topic, t->dir);
		free(topic);
	}
}

static int
bridge_write(const char *out, const struct config *cf,
    const struct conf_branch *b, const char *central,
    const struct cli_opts *o, const char *cafile)
{
	FILE *fp = stdout;
	int bad;

	if (out != NULL && (fp = fopen(out, "w")) == NULL) {
		fprintf(stderr, "beacon bridge-conf: %s: %s\n", out,
		    strerror(errno));
		return -1;
	}
	bridge_print(fp, cf, b, central, o, cafile);
	bad = fflush(fp) != 0 || ferror(fp);
	if (fp != stdout && fclose(fp) != 0)
		bad = 1;
	if (bad) {
		fprintf(stderr, "beacon bridge-conf: %s: %s\n",
		    out != NULL ? out : "standard output", strerror(errno));
		return -1;
	}
	return 0;
}

static int
cmd_bridge(const struct cmd *cmd, struct cli_opts *o)
{
	const struct conf_branch *b;
	struct config *cf;
	char *cause = NULL, central[300];
	const char *cafile;
	int rc = EXIT_LOCAL;
	size_t i;

	if (conf_load(o->config, &cf, &cause) != 0) {
		fprintf(stderr, "beacon %s: %s", cmd->name, cause ? cause :
		    "cannot read the configuration\n");
		free(cause);
		return EXIT_LOCAL;
	}
	if (o->central != NULL)
		snprintf(central, sizeof central, "%s", o->central);
	else
		snprintf(central, sizeof central, "%s:%d", cf->broker_host,
		    cf->broker_port);
	cafile = o->cafile != NULL ? o->cafile : cf->cafile;
	if ((b = conf_branch(cf, o->branch)) == NULL) {
		fprintf(stderr, "beacon %s: unknown branch \"%s\": %s has",
		    cmd->name, o->branch, cf->path);
		for (i = 0; i < cf->nbranches; i++)
			fprintf(stderr, "%s %s", i ? "," : "",
			    cf->branches[i].id);
		fprintf(stderr, "%s\n", cf->nbranches ? "" : " none");
	} else if (!bridge_word_ok(cf->topic_prefix))
		fprintf(stderr, "beacon %s: topic_prefix \"%s\" cannot be "
		    "written in a mosquitto configuration: no spaces or control "
		    "characters\n", cmd->name, cf->topic_prefix);
	else if (!bridge_address_ok(central))
		fprintf(stderr, "beacon %s: central broker \"%s\": expected "
		    "HOST:PORT, without spaces\n", cmd->name, central);
	else if ((o->username != NULL && !bridge_word_ok(o->username)) ||
	    (cafile != NULL && !bridge_word_ok(cafile)) ||
	    (o->cert != NULL && !bridge_word_ok(o->cert)) ||
	    (o->key != NULL && !bridge_word_ok(o->key)))
		fprintf(stderr, "beacon %s: a user name or file name with a "
		    "space cannot be written in a mosquitto configuration\n",
		    cmd->name);
	else if ((o->cert == NULL) != (o->key == NULL))
		fprintf(stderr, "beacon %s: --cert and --key go together\n",
		    cmd->name);
	else if (bridge_write(o->out, cf, b, central, o, cafile) == 0)
		rc = EXIT_OK;
	conf_free(cf);
	return rc;
}

const struct cmd cmd_bridge_entry = {
	"bridge-conf",
	"bridge-conf --branch B [--config FILE] [--central HOST:PORT] "
	"[--out FILE]",
	"print the mosquitto configuration of a branch's own broker, bridged "
	"to the central broker: the branch's buttons and report pages talk to "
	"a broker in the building, and reports wait there while the link is "
	"down",
	"branch! config central out",
	0,
	cmd_bridge,
};
