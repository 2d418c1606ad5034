/* The self-test (probe.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "clock.h"
#include "log.h"
#include "mono.h"
#include "mqtt.h"
#include "msg.h"
#include "probe.h"
#include "topic.h"
#include "xmalloc.h"

struct probe {
	struct mqtt *mqtt;
	char *topic;
	char *result_topic;
	int interval;		/* ms; 0: off */
	int timeout;		/* ms */
	struct event *tick;
	struct event *expire;
	char id[ID_MAX + 1];	/* awaiting its answer, or "" */
	int64_t sent;		/* monotonic ms */
	int64_t last_rtt;	/* ms; -1 before the first answer */
	int missed;		/* unanswered in a row */
	int told;		/* the path's round trip logged since the
				 * connection or the last miss */
};

static void
probe_missed(struct probe *pr)
{
	if (pr->missed++ == 0)
		log_warnx("selftest=%s event=unanswered timeout_ms=%d: beacond "
		    "did not answer: the path to it is broken; presses are "
		    "spooled and sent again until it answers", pr->id,
		    pr->timeout);
	else
		log_debug("selftest=%s event=unanswered missed=%d", pr->id,
		    pr->missed);
	pr->id[0] = '\0';
	pr->told = 0;
}

static void
probe_send(struct probe *pr)
{
	struct timeval tv = { pr->timeout / 1000, pr->timeout % 1000 * 1000 };
	char *json;

	if (pr->id[0] != '\0')
		probe_missed(pr);
	id_random("st-", pr->id, sizeof pr->id);
	pr->sent = mono_now();
	json = msg_selftest_encode(pr->id, clock_now(), pr->last_rtt);
	if (mqtt_publish(pr->mqtt, pr->topic, json, strlen(json), 0) != 0)
		log_warnx("selftest: cannot publish to %s", pr->topic);
	free(json);
	evtimer_add(pr->expire, &tv);
	log_debug("selftest=%s event=sent", pr->id);
}

static void
probe_tick(evutil_socket_t fd, short what, void *arg)
{
	struct probe *pr = arg;

	(void)fd;
	(void)what;
	/* Without a broker there is nothing to test; mqtt.c has said so. */
	if (mqtt_connected(pr->mqtt))
		probe_send(pr);
}

static void
probe_expire(evutil_socket_t fd, short what, void *arg)
{
	struct probe *pr = arg;

	(void)fd;
	(void)what;
	if (pr->id[0] != '\0')
		probe_missed(pr);
}

struct probe *
probe_new(struct event_base *base, struct mqtt *mqtt, const char *prefix,
    const char *branch, const char *device, int interval)
{
	struct probe *pr = xcalloc(1, sizeof *pr);
	struct timeval tv = { interval, 0 };

	pr->mqtt = mqtt;
	pr->topic = topic_make(prefix, TOPIC_SELFTEST, branch, device, NULL);
	pr->result_topic = topic_make(prefix, TOPIC_SELFTEST, branch, device,
	    "result", NULL);
	pr->interval = interval * 1000;
	pr->timeout = pr->interval < PROBE_TIMEOUT ? pr->interval :
	    PROBE_TIMEOUT;
	pr->last_rtt = -1;
	pr->tick = event_new(base, -1, EV_PERSIST, probe_tick, pr);
	pr->expire = evtimer_new(base, probe_expire, pr);
	if (pr->tick == NULL || pr->expire == NULL)
		fatalx("selftest: cannot create timers");
	if (interval > 0 && event_add(pr->tick, &tv) != 0)
		fatalx("selftest: cannot start the timer");
	return pr;
}

void
probe_free(struct probe *pr)
{
	if (pr == NULL)
		return;
	event_free(pr->tick);
	event_free(pr->expire);
	free(pr->topic);
	free(pr->result_topic);
	free(pr);
}

void
probe_connected(struct probe *pr)
{
	if (pr->interval == 0)
		return;
	if (mqtt_subscribe(pr->mqtt, pr->result_topic, 1) != 0)
		log_warnx("selftest: cannot subscribe to %s", pr->result_topic);
	/* A probe lost with the old connection is no sign of a broken
	 * path: start afresh. */
	pr->id[0] = '\0';
	pr->told = 0;
	evtimer_del(pr->expire);
	probe_send(pr);
}

int
probe_message(struct probe *pr, const char *topic, const void *payload,
    size_t len)
{
	char id[ID_MAX + 1];
	int rc;

	if (strcmp(topic, pr->result_topic) != 0)
		return 0;
	rc = msg_selftest_result_decode(payload, len, id, sizeof id);
	if (rc == MSG_NOID || pr->id[0] == '\0' || strcmp(id, pr->id) != 0)
		return 1; /* not the probe awaited: late, or another's */
	if (rc != MSG_OK) {
		log_warnx("selftest=%s event=failed: beacond answered not ok",
		    id);
		return 1;
	}
	evtimer_del(pr->expire);
	pr->last_rtt = mono_now() - pr->sent;
	/* Once a minute a line would drown the journal: the first answer
	 * is logged, the rest only with -v. */
	if (pr->missed > 0)
		log_info("selftest=%s event=answered rtt_ms=%lld: the path "
		    "works again after %d unanswered", id,
		    (long long)pr->last_rtt, pr->missed);
	else if (!pr->told)
		log_info("selftest=%s event=answered rtt_ms=%lld", id,
		    (long long)pr->last_rtt);
	else
		log_debug("selftest=%s event=answered rtt_ms=%lld", id,
		    (long long)pr->last_rtt);
	pr->told = 1;
	pr->missed = 0;
	pr->id[0] = '\0';
	return 1;
}
