/*
 * The MQTT client's test fixture, shared by the test_mqtt_*.c files: a
 * mosquitto broker of our own on a free port, started, crashed and stopped
 * at will, and peers that count what they see, with an event loop run until
 * a condition holds.
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

struct broker broker;

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
int
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
int
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
void
broker_start(void)
{
	int i;

	for (i = 0; i < 20; i++)
		if (broker_start_on(free_port()) == 0)
			return;
	fail_msg("cannot start mosquitto");
}

/* The broker dies with a message unacknowledged: stop it, then kill it. */
void
broker_crash(void)
{
	kill(broker.pid, SIGSTOP);
}

void
broker_kill(void)
{
	kill(broker.pid, SIGKILL);
	waitpid(broker.pid, NULL, 0);
	broker.pid = -1;
}

void
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

int
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

int
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

struct mqtt *
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

struct mqtt *
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
int
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

int
is_connected(void *arg)
{
	return mqtt_connected(((struct peer *)arg)->m);
}

int
got_message(void *arg)
{
	return ((struct peer *)arg)->nmsg > 0;
}

int
is_down(void *arg)
{
	return !mqtt_connected(((struct peer *)arg)->m);
}

int
client_up(void *arg)
{
	return mqtt_connected(arg);
}

int
got_burst(void *arg)
{
	struct peer *p = arg;

	return p->next_seq >= BURST || p->out_of_order;
}

int
nothing_pending(void *arg)
{
	return mqtt_pending(((struct peer *)arg)->m) == 0;
}

/* Publish to the subscriber's own topic and wait for it to come back:
 * then its subscription is certainly in place. */
void
sync_peer(struct event_base *base, struct peer *p, const char *topic)
{
	size_t before = p->nmsg;

	assert_int_equal(mqtt_publish(p->m, topic, "sync", 4, 0), 0);
	while (p->nmsg == before)
		assert_true(run_until(base, got_message, p, 5000));
	assert_string_equal(p->last_payload, "sync");
	p->nmsg = 0;
}
