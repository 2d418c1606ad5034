/*
 * The MQTT client (mqtt.c): address parsing, then real round trips through
 * a real mosquitto broker started on a free loopback port: a burst in order,
 * mqtt_publish_first ahead of the queue, a broker that comes up later.
 * mosquitto is a dependency: without its binary the broker tests fail
 * (cmocka would count a skip as a pass).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "mqtt.h"

#include "mqtt_fixture.h"

static void
test_parse_addr(void **state)
{
	static const struct {
		const char *in;
		const char *host;
		int port;
	} good[] = {
		{ "localhost", "localhost", 1883 },
		{ "127.0.0.1:1884", "127.0.0.1", 1884 },
		{ "broker.example.org:8883", "broker.example.org", 8883 },
		{ "[::1]:1885", "::1", 1885 },
		{ "[::1]", "::1", 1883 },
		{ "::1", "::1", 1883 },
		{ "h:65535", "h", 65535 },
	};
	static const char *const bad[] = {
		"", ":1883", "host:", "host:0", "host:65536", "host:12x",
		"host:-1", "host: 1", "[::1", "[]:1883", "[::1]1883",
		"[::1]:", "[::1]:port",
	};
	char *host;
	size_t i;
	int port;

	(void)state;
	for (i = 0; i < sizeof good / sizeof *good; i++) {
		port = -1;
		assert_int_equal(mqtt_parse_addr(good[i].in, 1883, &host,
		    &port), 0);
		assert_string_equal(host, good[i].host);
		assert_int_equal(port, good[i].port);
		free(host);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		host = (char *)1;
		if (mqtt_parse_addr(bad[i], 1883, &host, &port) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_null(host);
	}
	assert_int_equal(mqtt_parse_addr(NULL, 1883, &host, &port), -1);
}

static void
test_bad_arguments(void **state)
{
	struct event_base *base = event_base_new();
	struct peer p;

	(void)state;
	peer_new(base, &p, "beacon-test-args", NULL);
	assert_int_equal(mqtt_connect(p.m, NULL, 1883), -1);
	assert_int_equal(mqtt_connect(p.m, "127.0.0.1", 0), -1);
	assert_int_equal(mqtt_publish(p.m, "a/+/b", "x", 1, 0), -1);
	assert_int_equal(mqtt_publish(p.m, "", "x", 1, 0), -1);
	assert_int_equal(mqtt_subscribe(p.m, "a/#", 1), -1);
	assert_int_equal(mqtt_pending(p.m), 0);
	assert_int_equal(mqtt_connected(p.m), 0);
	mqtt_free(p.m);
	event_base_free(base);
}

/*
 * Two clients on one base. The publisher publishes before it connects
 * (the queue), then a burst; the subscriber gets everything, in order.
 */
static void
test_round_trip(void **state)
{
	struct event_base *base = event_base_new();
	struct peer sub, pub;
	char buf[64];
	long i;

	(void)state;
	NEED_BROKER();
	broker_start();
	peer_new(base, &sub, "beacon-test-sub", "beacon-test/#");
	peer_new(base, &pub, "beacon-test-pub", NULL);
	assert_int_equal(mqtt_publish(pub.m, "beacon-test/early", "queued", 6,
	    0), 0);
	assert_int_equal(mqtt_pending(pub.m), 1);
	assert_int_equal(mqtt_connect(sub.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, is_connected, &sub, 5000));
	sync_peer(base, &sub, "beacon-test/sync");

	assert_int_equal(mqtt_connect(pub.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, got_message, &sub, 5000));
	assert_string_equal(sub.last_topic, "beacon-test/early");
	assert_string_equal(sub.last_payload, "queued");
	assert_int_equal(pub.connects, 1);
	assert_true(run_until(base, nothing_pending, &pub, 5000));

	/* Far more than the broker's receive maximum, in one go. */
	for (i = 0; i < BURST; i++) {
		snprintf(buf, sizeof buf, "burst %ld", i);
		assert_int_equal(mqtt_publish(pub.m, "beacon-test/burst", buf,
		    strlen(buf), 0), 0);
	}
	assert_true(mqtt_pending(pub.m) > 0);
	assert_true(run_until(base, got_burst, &sub, 20000));
	assert_true(run_until(base, nothing_pending, &pub, 5000));
	assert_int_equal(sub.next_seq, BURST);
	assert_false(sub.out_of_order);
	assert_int_equal(sub.disconnects, 0);

	/* Empty retained payloads clear; the client hands them on. */
	assert_int_equal(mqtt_publish(pub.m, "beacon-test/clear", NULL, 0, 1),
	    0);
	assert_true(run_until(base, nothing_pending, &pub, 5000));

	mqtt_free(pub.m);
	mqtt_free(sub.m);
	event_base_free(base);
	broker_stop();
}

static int
got_four(void *arg)
{
	struct peer *p = arg;

	return p->next_seq >= 4 || p->out_of_order;
}

/* mqtt_publish_first goes ahead of what is queued: beacond's status after
 * a reconnection does not wait behind the backlog. */
static void
test_publish_first(void **state)
{
	struct event_base *base = event_base_new();
	struct peer sub, pub;
	char buf[32];
	int i;

	(void)state;
	NEED_BROKER();
	broker_start();
	peer_new(base, &sub, "beacon-test-sub", "beacon-test/#");
	peer_new(base, &pub, "beacon-test-pub", NULL);
	assert_int_equal(mqtt_connect(sub.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, is_connected, &sub, 5000));
	sync_peer(base, &sub, "beacon-test/sync");
	for (i = 1; i <= 3; i++) {
		snprintf(buf, sizeof buf, "burst %d", i);
		assert_int_equal(mqtt_publish(pub.m, "beacon-test/q", buf,
		    strlen(buf), 0), 0);
	}
	assert_int_equal(mqtt_publish_first(pub.m, "beacon-test/q",
	    "burst 0", 7, 0), 0);
	assert_int_equal(mqtt_pending(pub.m), 4);
	assert_int_equal(mqtt_connect(pub.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, got_four, &sub, 5000));
	assert_false(sub.out_of_order);
	assert_int_equal(sub.next_seq, 4);
	mqtt_free(pub.m);
	mqtt_free(sub.m);
	event_base_free(base);
	broker_stop();
}

/* The client comes up first and keeps trying until the broker does. */
static void
test_broker_later(void **state)
{
	struct event_base *base = event_base_new();
	struct peer p;
	int port;

	(void)state;
	NEED_BROKER();
	port = free_port();
	peer_new(base, &p, "beacon-test-later", "beacon-test/later");
	assert_int_equal(mqtt_connect(p.m, "127.0.0.1", port), 0);
	/* Queued while down; sent after the subscription is made, so the
	 * client receives its own message. */
	assert_int_equal(mqtt_publish(p.m, "beacon-test/later", "hello", 5,
	    0), 0);
	assert_false(run_until(base, is_connected, &p, 800));
	assert_int_equal(mqtt_pending(p.m), 1);
	if (broker_start_on(port) != 0)
		fail_msg("port %d was taken meanwhile", port);
	assert_true(run_until(base, got_message, &p, 5000));
	assert_int_equal(p.connects, 1);
	assert_string_equal(p.last_payload, "hello");
	assert_true(run_until(base, nothing_pending, &p, 5000));
	mqtt_free(p.m);
	event_base_free(base);
	broker_stop();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test_setup_teardown(test_round_trip, setup_broker,
		    teardown_broker),
		cmocka_unit_test_setup_teardown(test_publish_first,
		    setup_broker, teardown_broker),
		cmocka_unit_test_setup_teardown(test_broker_later,
		    setup_broker, teardown_broker),
	};

	signal(SIGPIPE, SIG_IGN);
	log_init("test_mqtt_connect", getenv("BEACON_DEBUG") != NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
