/*
 * The MQTT client (mqtt.c): address parsing, then real round trips through
 * a real mosquitto broker started on a free loopback port. mosquitto is a
 * dependency: without its binary the broker tests fail (cmocka would count
 * a skip as a pass).
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

#define BURST 5000

/* ---- a broker of our own ------------------------------------------------- */

struct broker {
	char bin[4096];
	char dir[4096];
	int port;
	pid_t pid;
};

static struct broker broker;

/* mosquitto lives in sbin, which is not always on PATH. */
static int
broker_find(char *out, size_t len)
{
	const char *path = getenv("PATH");
	char buf[8192], *dir, *save = NULL;

	snprintf(buf, sizeof buf, "%s:/usr/sbin:/usr/local/sbin",
	    path != NULL ? path : "/usr/bin");
	for (dir = strtok_r(buf, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/mosquitto", dir);
		if (access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return -1;
}

/* A port nobody listens on right now. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int s, port;

	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s != -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(s);
	return port;
}

static int
port_open(int port)
{
	struct sockaddr_in sin;
	int s, ok;

	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(s, (struct sockaddr *)&sin, sizeof sin) == 0;
	close(s);
	return ok;
}

static void
broker_write_conf(int port)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof path, "%s/mosquitto.conf", broker.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	/* No queue limit: the burst test must not lose to the broker. */
	fprintf(f, "listener %d 127.0.0.1\nallow_anonymous true\n"
	    "max_queued_messages 0\n", port);
	fclose(f);
}

static pid_t
broker_spawn(void)
{
	char conf[4200], log[4200];
	pid_t pid;
	int fd;

	snprintf(conf, sizeof conf, "%s/mosquitto.conf", broker.dir);
	snprintf(log, sizeof log, "%s/mosquitto.log", broker.dir);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(broker.bin, "mosquitto", "-c", conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Start on port; 0 once it accepts connections, -1 if it exited. */
static int
broker_start_on(int port)
{
	int64_t deadline = clock_now() + 5000;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status;

	broker_write_conf(port);
	broker.pid = broker_spawn();
	broker.port = port;
	while (clock_now() < deadline) {
		if (waitpid(broker.pid, &status, WNOHANG) == broker.pid) {
			broker.pid = -1;
			return -1;
		}
		if (port_open(port))
			return 0;
		nanosleep(&ts, NULL); /* between polls of the condition */
	}
	fail_msg("mosquitto did not open port %d", port);
	return -1;
}

/* Some other process may take a free port first: try a few. */
static void
broker_start(void)
{
	int i;

	for (i = 0; i < 20; i++)
		if (broker_start_on(free_port()) == 0)
			return;
	fail_msg("cannot start mosquitto");
}

/* The broker dies with a message unacknowledged: stop it, then kill it. */
static void
broker_crash(void)
{
	kill(broker.pid, SIGSTOP);
}

static void
broker_kill(void)
{
	kill(broker.pid, SIGKILL);
	waitpid(broker.pid, NULL, 0);
	broker.pid = -1;
}

static void
broker_stop(void)
{
	int64_t deadline = clock_now() + 5000;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	if (broker.pid <= 0)
		return;
	kill(broker.pid, SIGTERM);
	while (waitpid(broker.pid, NULL, WNOHANG) == 0) {
		if (clock_now() > deadline) {
			kill(broker.pid, SIGKILL);
			waitpid(broker.pid, NULL, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	broker.pid = -1;
}

static int
setup_broker(void **state)
{
	(void)state;
	memset(&broker, 0, sizeof broker);
	broker.pid = -1;
	if (broker_find(broker.bin, sizeof broker.bin) != 0)
		return 0;
	snprintf(broker.dir, sizeof broker.dir, "%s/beacon-mqtt-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(broker.dir) == NULL)
		return -1;
	return 0;
}

static int
teardown_broker(void **state)
{
	char path[4200];

	(void)state;
	broker_stop();
	if (broker.dir[0] == '\0')
		return 0;
	snprintf(path, sizeof path, "%s/mosquitto.conf", broker.dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/mosquitto.log", broker.dir);
	unlink(path);
	rmdir(broker.dir);
	broker.dir[0] = '\0';
	return 0;
}

#define NEED_BROKER()                                                          \
	do {                                                                   \
		if (broker.bin[0] == '\0')                                     \
			fail_msg("no mosquitto on the PATH, in /usr/sbin or "  \
			    "/usr/local/sbin (make deps installs it)");        \
	} while (0)

/* ---- clients ------------------------------------------------------------- */

struct peer {
	struct mqtt *m;
	const char *sub; /* subscribed on every connect */
	int connects;
	int disconnects;
	size_t nmsg;
	char last_topic[256];
	char last_payload[256];
	/* The burst: messages "burst <n>" must come as 0, 1, 2... */
	long next_seq;
	int out_of_order;
	/* Disconnect from inside the message callback on this payload. */
	const char *stop_on;
	/* Published (retained) from the connected callback, if set. */
	const char *hello_topic;
	const char *hello;
};

static void
peer_connected(void *arg)
{
	struct peer *p = arg;

	p->connects++;
	if (p->sub != NULL)
		assert_int_equal(mqtt_subscribe(p->m, p->sub, 1), 0);
	if (p->hello != NULL)
		assert_int_equal(mqtt_publish(p->m, p->hello_topic, p->hello,
		    strlen(p->hello), 1), 0);
}

static void
peer_disconnected(void *arg, const char *why)
{
	struct peer *p = arg;

	assert_non_null(why);
	p->disconnects++;
}

static void
peer_message(void *arg, const char *topic, const void *payload, size_t len,
    const struct mqtt_props *props)
{
	struct peer *p = arg;
	long seq;

	assert_non_null(props);
	p->nmsg++;
	snprintf(p->last_topic, sizeof p->last_topic, "%s", topic);
	snprintf(p->last_payload, sizeof p->last_payload, "%.*s", (int)len,
	    (const char *)payload);
	if (sscanf(p->last_payload, "burst %ld", &seq) == 1) {
		if (seq != p->next_seq)
			p->out_of_order = 1;
		p->next_seq = seq + 1;
	}
	if (p->stop_on != NULL && strcmp(p->last_payload, p->stop_on) == 0)
		mqtt_disconnect(p->m);
}

static struct mqtt *
peer_new_opts(struct event_base *base, struct peer *p,
    const struct mqtt_opts *o, const char *sub)
{
	struct mqtt_cb cb = { peer_connected, peer_disconnected, peer_message,
		p, NULL };

	memset(p, 0, sizeof *p);
	p->sub = sub;
	p->m = mqtt_new(base, o, &cb);
	assert_non_null(p->m);
	return p->m;
}

static struct mqtt *
peer_new(struct event_base *base, struct peer *p, const char *id,
    const char *sub)
{
	struct mqtt_opts o;

	memset(&o, 0, sizeof o);
	o.client_id = id;
	o.clean_start = 1;
	o.keepalive = 30;
	return peer_new_opts(base, p, &o, sub);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

/* Run the loop until cond holds or ms pass; returns whether it held. */
static int
run_until(struct event_base *base, int (*cond)(void *), void *arg, int ms)
{
	int64_t deadline = clock_now() + ms;
	struct timeval tick = { 0, 20000 };
	struct event *ev;

	/* A short tick bounds each pass, so the deadline is kept. */
	ev = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	event_add(ev, &tick);
	while (!cond(arg) && clock_now() < deadline)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	return cond(arg);
}

static int
is_connected(void *arg)
{
	return mqtt_connected(((struct peer *)arg)->m);
}

static int
got_message(void *arg)
{
	return ((struct peer *)arg)->nmsg > 0;
}

static int
is_down(void *arg)
{
	return !mqtt_connected(((struct peer *)arg)->m);
}

static int
client_up(void *arg)
{
	return mqtt_connected(arg);
}

static int
got_burst(void *arg)
{
	struct peer *p = arg;

	return p->next_seq >= BURST || p->out_of_order;
}

static int
nothing_pending(void *arg)
{
	return mqtt_pending(((struct peer *)arg)->m) == 0;
}

/* Publish to the subscriber's own topic and wait for it to come back:
 * then its subscription is certainly in place. */
static void
sync_peer(struct event_base *base, struct peer *p, const char *topic)
{
	size_t before = p->nmsg;

	assert_int_equal(mqtt_publish(p->m, topic, "sync", 4, 0), 0);
	while (p->nmsg == before)
		assert_true(run_until(base, got_message, p, 5000));
	assert_string_equal(p->last_payload, "sync");
	p->nmsg = 0;
}

/* ---- tests --------------------------------------------------------------- */

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
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test_setup_teardown(test_round_trip, setup_broker,
		    teardown_broker),
		cmocka_unit_test_setup_teardown(test_publish_first,
		    setup_broker, teardown_broker),
		cmocka_unit_test_setup_teardown(test_broker_later,
		    setup_broker, teardown_broker),
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
	log_init("test_mqtt", getenv("BEACON_DEBUG") != NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
