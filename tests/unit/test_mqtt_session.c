/*
 * The MQTT client (mqtt.c) across a broker's restarts, through a real
 * mosquitto broker on a free loopback port: reconnection, the will, order
 * across a reconnect, a kept session, and a disconnect from the message
 * callback. mosquitto is a dependency: without its binary these tests fail
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

/* The broker goes away and comes back on the same port. */
static void
test_reconnect(void **state)
{
	struct event_base *base = event_base_new();
	struct peer p;
	int port;

	(void)state;
	NEED_BROKER();
	broker_start();
	port = broker.port;
	peer_new(base, &p, "beacon-test-again", "beacon-test/again");
	assert_int_equal(mqtt_connect(p.m, "127.0.0.1", port), 0);
	assert_true(run_until(base, is_connected, &p, 5000));
	broker_stop();
	assert_true(run_until(base, is_down, &p, 5000));
	assert_int_equal(p.disconnects, 1);
	assert_int_equal(mqtt_publish(p.m, "beacon-test/again", "back", 4, 0),
	    0);
	if (broker_start_on(port) != 0)
		fail_msg("port %d was taken meanwhile", port);
	assert_true(run_until(base, got_message, &p, 5000));
	assert_int_equal(p.connects, 2);
	assert_string_equal(p.last_payload, "back");
	mqtt_free(p.m);
	event_base_free(base);
	broker_stop();
}

static int
got_two(void *arg)
{
	return ((struct peer *)arg)->nmsg >= 2;
}

/*
 * A clean disconnect still delivers what was just published; a client
 * that vanishes gets its will published.
 */
static void
test_disconnect_and_will(void **state)
{
	struct event_base *base = event_base_new();
	struct mqtt_cb cb = { NULL, NULL, NULL, NULL, NULL };
	struct mqtt_opts o;
	struct peer w;
	struct mqtt *a;

	(void)state;
	NEED_BROKER();
	broker_start();
	peer_new(base, &w, "beacon-test-watch", "beacon-test/w/#");
	assert_int_equal(mqtt_connect(w.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, is_connected, &w, 5000));
	sync_peer(base, &w, "beacon-test/w/sync");

	memset(&o, 0, sizeof o);
	o.client_id = "beacon-test-will";
	o.keepalive = 30;
	o.will_topic = "beacon-test/w/status";
	o.will_payload = "{\"state\":\"offline\"}";
	a = mqtt_new(base, &o, &cb);
	assert_non_null(a);
	assert_int_equal(mqtt_connect(a, "127.0.0.1", broker.port), 0);
	assert_int_equal(mqtt_publish(a, "beacon-test/w/last", "bye", 3, 0),
	    0);
	mqtt_disconnect(a); /* before it has even connected: stays queued */
	assert_int_equal(mqtt_pending(a), 1);
	mqtt_free(a);

	/* Again, connected this time. */
	o.client_id = "beacon-test-will2";
	a = mqtt_new(base, &o, &cb);
	assert_int_equal(mqtt_connect(a, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, client_up, a, 5000));
	assert_int_equal(mqtt_publish(a, "beacon-test/w/last", "bye", 3, 0),
	    0);
	mqtt_disconnect(a);
	assert_true(run_until(base, got_message, &w, 5000));
	assert_string_equal(w.last_topic, "beacon-test/w/last");
	assert_string_equal(w.last_payload, "bye");
	mqtt_free(a);

	/* A third one that just goes away: the broker sends its will. */
	o.client_id = "beacon-test-will3";
	a = mqtt_new(base, &o, &cb);
	assert_int_equal(mqtt_connect(a, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, client_up, a, 5000));
	mqtt_free(a);
	assert_true(run_until(base, got_two, &w, 5000));
	assert_string_equal(w.last_topic, "beacon-test/w/status");
	assert_string_equal(w.last_payload, "{\"state\":\"offline\"}");

	mqtt_free(w.m);
	event_base_free(base);
	broker_stop();
}

/*
 * Order across a reconnect, seen through one retained topic: a message in
 * flight when the broker died (libmosquitto resends it), then one
 * published from the connected callback. The later one must win, as a
 * client's latest status must.
 */
static void
test_order_across_reconnect(void **state)
{
	struct event_base *base = event_base_new();
	struct peer p, w;
	int port;

	(void)state;
	NEED_BROKER();
	broker_start();
	port = broker.port;
	peer_new(base, &p, "beacon-test-order", NULL);
	assert_int_equal(mqtt_connect(p.m, "127.0.0.1", port), 0);
	assert_true(run_until(base, is_connected, &p, 5000));

	broker_crash();
	assert_int_equal(mqtt_publish(p.m, "beacon-test/o/status", "A", 1, 1),
	    0);
	assert_false(run_until(base, nothing_pending, &p, 100));
	broker_kill();
	assert_true(run_until(base, is_down, &p, 5000));
	assert_int_equal(mqtt_pending(p.m), 1);
	p.hello_topic = "beacon-test/o/status";
	p.hello = "C";
	if (broker_start_on(port) != 0)
		fail_msg("port %d was taken meanwhile", port);
	assert_true(run_until(base, nothing_pending, &p, 5000));
	assert_int_equal(p.connects, 2);

	peer_new(base, &w, "beacon-test-order-watch", "beacon-test/o/status");
	assert_int_equal(mqtt_connect(w.m, "127.0.0.1", port), 0);
	assert_true(run_until(base, got_message, &w, 5000));
	assert_string_equal(w.last_payload, "C");
	mqtt_free(w.m);
	mqtt_free(p.m);
	event_base_free(base);
	broker_stop();
}

/*
 * clean_start 0 with a session expiry: what was published while the client
 * was away is waiting for it when it comes back. Without the expiry
 * property in CONNECT the broker would drop the session at once.
 */
static void
test_session_kept(void **state)
{
	struct event_base *base = event_base_new();
	struct mqtt_opts o;
	struct peer s, p;

	(void)state;
	NEED_BROKER();
	broker_start();
	memset(&o, 0, sizeof o);
	o.client_id = "beacon-test-session";
	o.clean_start = 0;
	o.session_expiry = 300;
	o.keepalive = 30;
	peer_new_opts(base, &s, &o, "beacon-test/s/#");
	assert_int_equal(mqtt_connect(s.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, is_connected, &s, 5000));
	sync_peer(base, &s, "beacon-test/s/sync");
	mqtt_disconnect(s.m);
	assert_int_equal(s.disconnects, 0); /* asked for: not "lost" */
	mqtt_free(s.m);

	peer_new(base, &p, "beacon-test-session-pub", NULL);
	assert_int_equal(mqtt_connect(p.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, is_connected, &p, 5000));
	assert_int_equal(mqtt_publish(p.m, "beacon-test/s/x", "while away",
	    10, 0), 0);
	assert_true(run_until(base, nothing_pending, &p, 5000));

	peer_new_opts(base, &s, &o, "beacon-test/s/#");
	assert_int_equal(mqtt_connect(s.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, got_message, &s, 5000));
	assert_string_equal(s.last_topic, "beacon-test/s/x");
	assert_string_equal(s.last_payload, "while away");
	mqtt_free(s.m);
	mqtt_free(p.m);
	event_base_free(base);
	broker_stop();
}

/* mqtt_disconnect from inside the message callback: the client stays
 * down, with no reconnect behind the caller's back. */
static void
test_disconnect_in_callback(void **state)
{
	struct event_base *base = event_base_new();
	struct peer p;

	(void)state;
	NEED_BROKER();
	broker_start();
	peer_new(base, &p, "beacon-test-stop", "beacon-test/stop");
	p.stop_on = "stop";
	assert_int_equal(mqtt_connect(p.m, "127.0.0.1", broker.port), 0);
	assert_true(run_until(base, is_connected, &p, 5000));
	assert_int_equal(mqtt_publish(p.m, "beacon-test/stop", "stop", 4, 0),
	    0);
	assert_true(run_until(base, got_message, &p, 5000));
	assert_false(mqtt_connected(p.m));
	/* Longer than the first retry would wait. */
	assert_false(run_until(base, is_connected, &p, 1200));
	assert_int_equal(p.connects, 1);
	assert_int_equal(p.disconnects, 0);
	mqtt_free(p.m);
	event_base_free(base);
	broker_stop();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reconnect, setup_broker,
		    teardown_broker),
		cmocka_unit_test_setup_teardown(test_disconnect_and_will,
		    setup_broker, teardown_broker),
		cmocka_unit_test_setup_teardown(test_order_across_reconnect,
		    setup_broker, teardown_broker),
		cmocka_unit_test_setup_teardown(test_session_kept,
		    setup_broker, teardown_broker),
		cmocka_unit_test_setup_teardown(test_disconnect_in_callback,
		    setup_broker, teardown_broker),
	};

	signal(SIGPIPE, SIG_IGN);
	log_init("test_mqtt_session", getenv("BEACON_DEBUG") != NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
