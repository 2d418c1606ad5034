/*
 * The test clock (beacond.h), in beacond-test only: the build of beacond.c
 * for the integration tests calls it (BEACON_TEST_CLOCK); beacond does not,
 * so it links none of it. A message on {prefix}/test/clock moves beacond's
 * clock: "N" by N milliseconds (N may be negative),
 * "@2026-03-08T06:59:00.000Z" to that instant. The timers
 * due by then fire at once, in deadline order, and the new time is
 * answered on {prefix}/test/clock/now after what they published. An
 * hour-long shift or a 72-hour rule is then tested in milliseconds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "beacond.h"
#include "clock.h"
#include "engine.h"
#include "log.h"
#include "mqtt.h"
#include "timers.h"
#include "topic.h"

void
testclock_message(struct daemon *d, const void *payload, size_t len)
{
	char buf[64], now[32], *end, *topic;
	int64_t ms, to;

	if (len == 0 || len >= sizeof buf)
		return;
	memcpy(buf, payload, len);
	buf[len] = '\0';
	if (buf[0] == '@') {
		if ((to = clock_parse(buf + 1)) < 0) {
			log_warnx("test clock: bad time \"%s\"", buf + 1);
			return;
		}
		ms = to - clock_now();
	} else {
		errno = 0;
		ms = strtoll(buf, &end, 10);
		if (errno != 0 || end == buf || *end != '\0') {
			log_warnx("test clock: bad shift \"%s\"", buf);
			return;
		}
	}
	clock_shift(ms);
	clock_fmt(clock_now(), now, sizeof now);
	log_info("event=test_clock shift_ms=%lld now=%s", (long long)ms, now);
	timers_run(d->sched, clock_now());
	engine_flush(d->engine);
	topic = topic_make(d->prefix, TOPIC_TEST, "clock", "now", NULL);
	mqtt_publish(d->mqtt, topic, now, strlen(now), 0);
	free(topic);
}
