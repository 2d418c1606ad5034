/*
 * beacon-button: reports incidents from a USB panic button or foot pedal
 * (docs/button.md). main() parses the arguments, loads the configuration,
 * sets up the modules and runs one libevent loop.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "button.h"
#include "button_conf.h"
#include "input.h"
#include "log.h"
#include "mono.h"
#include "mqtt.h"
#include "outbox.h"
#include "probe.h"
#include "spool.h"
#include "topic.h"
#include "xmalloc.h"

#define DEFAULT_CONFIG "/etc/beacon/beacon-button.conf"
#define CLOSE_WAIT 1000	/* ms for the broker to take the last messages */
#define CLOSE_POLL 20	/* ms */

struct args {
	const char *config;
	const char *broker;
	int check;
	int verbose;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: beacon-button [-c FILE] [--broker HOST:PORT] "
	    "[--check-config] [-v]\n"
	    "       beacon-button --version | --help\n"
	    "\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  --broker HOST:PORT  MQTT broker (default: the configuration's)\n"
	    "  --check-config      check the configuration and exit: 0 valid, "
	    "1 not\n"
	    "  -v, --verbose       debug log\n"
	    "  --version           print the version and exit\n",
	    DEFAULT_CONFIG);
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	enum { O_BROKER = 256, O_CHECK, O_VERSION, O_HELP };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "broker", required_argument, NULL, O_BROKER },
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
		case O_CHECK: a->check = 1; break;
		case 'v': a->verbose = 1; break;
		case O_VERSION:
			printf("beacon-button %s\n", BEACON_VERSION);
			exit(0);
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(1);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(1);
	}
}

/* Load the configuration, or print every error and exit 1. */
static struct button_conf *
config_or_exit(const struct args *a)
{
	struct button_conf *cf;
	char *cause = NULL;

	if (button_conf_load(a->config, input_keycode, &cf, &cause) != 0) {
		fprintf(stderr, "%s", cause);
		if (cause[0] != '\0' && cause[strlen(cause) - 1] != '\n')
			fputc('\n', stderr);
		free(cause);
		exit(1);
	}
	return cf;
}

/* ---- signals ------------------------------------------------------------ */

static void
on_closing(evutil_socket_t fd, short what, void *arg)
{
	struct button *b = arg;

	(void)fd;
	(void)what;
	if (mqtt_pending(b->mqtt) > 0 && mono_now() < b->closing_until)
		return;
	mqtt_disconnect(b->mqtt);
	event_base_loopexit(b->base, NULL);
}

/*
 * Offline said, and acknowledged before the DISCONNECT: closing with the
 * answers unread would make the kernel reset the connection, and the broker
 * would lose the DISCONNECT and publish the will as well. What has no status
 * yet stays in the spool for the next start.
 */
static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct button *b = arg;
	struct timeval tv = { 0, CLOSE_POLL * 1000 };

	(void)what;
	if (b->closing_until > 0)
		return;
	log_info("event=stopping signal=%d pending=%zu", (int)sig,
	    outbox_count(b->outbox));
	if (mqtt_connected(b->mqtt))
		button_presence(b, 0);
	b->closing_until = mono_now() + CLOSE_WAIT;
	if ((b->close_ev = event_new(b->base, -1, EV_PERSIST, on_closing,
	    b)) == NULL || event_add(b->close_ev, &tv) != 0)
		fatalx("cannot create the closing timer");
}

static void
loop_setup(struct button *b, struct event *sig_ev[2])
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	if ((b->base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	for (i = 0; i < 2; i++) {
		sig_ev[i] = evsignal_new(b->base, sigs[i], on_signal, b);
		if (sig_ev[i] == NULL || evsignal_add(sig_ev[i], NULL) != 0)
			fatalx("cannot handle signal %d", sigs[i]);
	}
}

/* ---- setup -------------------------------------------------------------- */

static void
spool_setup(struct button *b)
{
	char *cause = NULL;

	if ((b->spool = spool_open(b->cf->spool, &cause)) == NULL)
		fatalx("%s", cause);
	log_info("event=spool_open spool=%s reports=%zu", b->cf->spool,
	    spool_count(b->spool));
}

static void
mqtt_setup(struct button *b)
{
	const struct button_conf *cf = b->cf;
	struct mqtt_cb cb = { button_connected, button_disconnected,
		button_message, b, NULL };
	struct mqtt_opts o;
	char *will = button_will();

	b->presence_topic = topic_make(cf->topic_prefix, TOPIC_DEVICE,
	    cf->branch, cf->device, NULL);
	memset(&o, 0, sizeof o);
	o.clean_start = 1; /* the reports' own retries make up for it */
	o.keepalive = cf->keepalive;
	o.username = cf->username;
	o.password = cf->password;
	o.cafile = cf->cafile;
	o.certfile = cf->certfile;
	o.keyfile = cf->keyfile;
	o.will_topic = b->presence_topic;
	o.will_payload = will;
	o.will_retain = 1;
	if ((b->mqtt = mqtt_new(b->base, &o, &cb)) == NULL)
		fatalx("cannot set up the MQTT client");
	free(will);
}

static void
mqtt_start(struct button *b, const struct args *a)
{
	char *host = NULL;
	int port = b->cf->broker_port;

	if (a->broker != NULL) {
		if (mqtt_parse_addr(a->broker, 1883, &host, &port) != 0)
			fatalx("--broker %s: expected HOST:PORT", a->broker);
	} else
		host = xstrdup(b->cf->broker_host);
	if (mqtt_connect(b->mqtt, host, port) != 0)
		fatalx("cannot connect to %s:%d", host, port);
	log_info("event=connecting broker=%s:%d", host, port);
	free(host);
}

static void
modules_setup(struct button *b)
{
	const struct button_conf *cf = b->cf;
	struct input_cb icb = { button_key, button_input_state, b };

	b->outbox = outbox_new(b->base, b->mqtt, b->spool, cf->topic_prefix,
	    cf->branch);
	outbox_restore(b->outbox);
	b->probe = probe_new(b->base, b->mqtt, cf->topic_prefix, cf->branch,
	    cf->device, cf->selftest);
	button_press_setup(b);
	b->input = input_new(b->base, cf->input, cf->grab, &icb);
}

static void
teardown(struct button *b, struct event *sig_ev[2])
{
	size_t left = outbox_count(b->outbox);

	if (left > 0)
		log_warnx("event=stopped_unsent reports=%zu: kept in %s, sent at "
		    "the next start", left, b->cf->spool);
	if (b->close_ev != NULL)
		event_free(b->close_ev);
	input_free(b->input);
	button_press_free(b);
	probe_free(b->probe);
	outbox_free(b->outbox);
	mqtt_free(b->mqtt);
	spool_close(b->spool);
	event_free(sig_ev[0]);
	event_free(sig_ev[1]);
	event_base_free(b->base);
	free(b->presence_topic);
	button_conf_free(b->cf);
}

int
main(int argc, char **argv)
{
	struct button b;
	struct event *sig_ev[2];
	struct args a;

	memset(&b, 0, sizeof b);
	parse_args(argc, argv, &a);
	log_init("beacon-button", a.verbose);
	b.cf = config_or_exit(&a);
	if (a.check) {
		char *sum = button_conf_summary(b.cf);

		printf("%s\n", sum);
		free(sum);
		button_conf_free(b.cf);
		return 0;
	}
	spool_setup(&b);
	loop_setup(&b, sig_ev);
	mqtt_setup(&b);
	modules_setup(&b);
	mqtt_start(&b, &a);
	log_info("ready version=%s device=%s branch=%s", BEACON_VERSION,
	    b.cf->device, b.cf->branch);
	event_base_dispatch(b.base);
	teardown(&b, sig_ev);
	log_info("event=stopped");
	return 0;
}
