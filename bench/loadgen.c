/*
 * beacon-loadgen: publishes reports on {prefix}/report/{branch} at a fixed
 * rate (or as one burst), subscribes to {prefix}/notify/+ as the notified
 * responders and matches each notification to its report by the "report"
 * id. Latency is from the publish call to the first notification of a
 * report, on the monotonic clock, every sample kept (no sampling).
 *
 * With --garbage RATE, a third client floods one branch's report topic
 * with malformed reports at RATE a second (QoS 1) for as long as the
 * valid reports are sent: the valid reports' latency is then measured
 * under the flood.
 *
 * With --no-warmup the reports are sent as soon as the subscription is
 * acknowledged, without waiting for the system under test to answer: a
 * system started just before is measured from its start. With --split S
 * the JSON also gives the latency of the reports sent within S seconds of
 * the first publish ("first{S}s") and of the others ("after{S}s").
 * --type, --severity, --branch and --unique shape the reports for a
 * configuration of beacond other than the benchmarks' own.
 *
 * A load generator is not beacond: it runs libmosquitto's own threads
 * (loop_start), one client to publish and one to subscribe.
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000LL

struct opts {
	const char *host;
	int port;
	const char *prefix;
	const char *system;	/* a label for the output: floor, beacond */
	const char *scenario;
	const char *json;	/* NULL: no JSON file */
	double rate;		/* reports/s; 0: burst */
	double duration;	/* seconds, with rate */
	long count;		/* reports, when no rate */
	int branches;
	int expect;		/* notifications per report */
	double drain;		/* seconds after the last publish */
	double garbage;		/* malformed reports/s during the run; 0: none */
	const char *garbage_branch;
	int warmup;		/* 0: --no-warmup */
	double split;		/* seconds; 0: no per-window figures */
	const char *type;	/* the reports' category */
	int severity;		/* 0: 2 to 4, varied */
	const char *branch;	/* NULL: b000 to b{branches - 1} */
	int unique;		/* a device and a location per report */
};

struct run {
	struct opts o;
	char runid[16];
	long n;
	int64_t *sent;		/* publish time, ns */
	int64_t *first;		/* first notification, ns */
	uint16_t *hits;		/* notifications seen */
	long done;		/* reports with >= expect (atomic) */
	long warm;		/* warm-up notifications seen (atomic) */
	long other;		/* notifications of no report of ours */
	int subscribed;		/* atomic */
	int pubconn;		/* atomic: the publisher is connected */
	struct mosquitto *pub;
	struct mosquitto *sub;
	int64_t t0, tlast;
	struct mosquitto *junk;	/* --garbage */
	pthread_t junk_thread;
	int junk_stop;		/* atomic */
	long junk_sent;
	long junk_acked;	/* atomic: PUBACKs of the garbage */
	double junk_rate;	/* achieved */
};

static const char *locations[] = {
	"2nd floor washroom", "children's area", "main entrance",
	"computer lab", "reading room", "parking lot", "stacks, aisle 14",
	"meeting room B"
};
static const char *reporters[] = {
	"adult desk", "youth desk", "circulation", "security desk"
};
#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

static __attribute__((noreturn)) void
die(const char *what)
{
	fprintf(stderr, "beacon-loadgen: %s\n", what);
	exit(1);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void
sleep_until(int64_t ns)
{
	struct timespec ts = { ns / NS, ns % NS };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

static void
usage(void)
{
	fprintf(stderr, "usage: beacon-loadgen --port PORT [--host HOST] "
	    "[--prefix P]\n"
	    "    (--rate N --duration S | --count N) [--branches N] "
	    "[--expect K]\n"
	    "    [--drain S] [--system NAME] [--scenario NAME] "
	    "[--json FILE]\n"
	    "    [--garbage RATE [--garbage-branch BRANCH]] [--no-warmup]\n"
	    "    [--split S] [--type T] [--severity N] [--branch B] "
	    "[--unique]\n");
	exit(2);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "system", required_argument, NULL, 's' },
		{ "scenario", required_argument, NULL, 'S' },
		{ "json", required_argument, NULL, 'j' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "branches", required_argument, NULL, 'b' },
		{ "expect", required_argument, NULL, 'e' },
		{ "drain", required_argument, NULL, 'D' },
		{ "garbage", required_argument, NULL, 'g' },
		{ "garbage-branch", required_argument, NULL, 'G' },
		{ "no-warmup", no_argument, NULL, 'W' },
		{ "split", required_argument, NULL, 'x' },
		{ "type", required_argument, NULL, 't' },
		{ "severity", required_argument, NULL, 'v' },
		{ "branch", required_argument, NULL, 'B' },
		{ "unique", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*o = (struct opts){ "127.0.0.1", 0, "beacon", "system", "run", NULL,
	    0, 0, 0, 100, 1, 30, 0, "b000", 1, 0, "welfare", 0, NULL, 0 };
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'h': o->host = optarg; break;
		case 'p': o->port = atoi(optarg); break;
		case 'P': o->prefix = optarg; break;
		case 's': o->system = optarg; break;
		case 'S': o->scenario = optarg; break;
		case 'j': o->json = optarg; break;
		case 'r': o->rate = atof(optarg); break;
		case 'd': o->duration = atof(optarg); break;
		case 'n': o->count = atol(optarg); break;
		case 'b': o->branches = atoi(optarg); break;
		case 'e': o->expect = atoi(optarg); break;
		case 'D': o->drain = atof(optarg); break;
		case 'g': o->garbage = atof(optarg); break;
		case 'G': o->garbage_branch = optarg; break;
		case 'W': o->warmup = 0; break;
		case 'x': o->split = atof(optarg); break;
		case 't': o->type = optarg; break;
		case 'v': o->severity = atoi(optarg); break;
		case 'B': o->branch = optarg; break;
		case 'u': o->unique = 1; break;
		default: usage();
		}
	}
	if (o->port <= 0 || o->branches <= 0 || o->expect <= 0 ||
	    o->garbage < 0 || o->split < 0 || o->severity < 0 ||
	    o->severity > 4 ||
	    (o->rate > 0 ? o->duration <= 0 : o->count <= 0))
		usage();
}

/* The report id of a notification, copied into id; -1 when none. */
static int
notify_report(const char *p, size_t len, char *id, size_t idlen)
{
	const char *k = "\"report\":", *s, *e, *end = p + len;
	size_t klen = strlen(k);

	for (s = p; s + klen < end && memcmp(s, k, klen) != 0; s++)
		;
	if (s + klen >= end)
		return -1;
	for (s += klen; s < end && *s == ' '; s++)
		;
	if (s >= end || *s++ != '"')
		return -1;
	for (e = s; e < end && *e != '"'; e++)
		;
	if (e >= end || (size_t)(e - s) >= idlen)
		return -1;
	memcpy(id, s, e - s);
	id[e - s] = '\0';
	return 0;
}

/* Count one notification of report seq (one subscriber thread only). */
static void
count_hit(struct run *r, long seq, int64_t t)
{
	if (r->hits[seq] == 0)
		r->first[seq] = t;
	if (r->hits[seq] < UINT16_MAX)
		r->hits[seq]++;
	if (r->hits[seq] == r->o.expect)
		__atomic_add_fetch(&r->done, 1, __ATOMIC_RELEASE);
}

static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct run *r = arg;
	int64_t t = now_ns();
	char id[80], want[32];
	size_t wl;
	char *end;
	long seq;

	(void)m;
	if (notify_report(msg->payload, msg->payloadlen, id, sizeof id) != 0)
		goto other;
	wl = (size_t)snprintf(want, sizeof want, "w-%s-", r->runid);
	if (strncmp(id, want, wl) == 0) {
		__atomic_add_fetch(&r->warm, 1, __ATOMIC_RELEASE);
		return;
	}
	wl = (size_t)snprintf(want, sizeof want, "r-%s-", r->runid);
	if (strncmp(id, want, wl) != 0)
		goto other;
	seq = strtol(id + wl, &end, 10);
	if (*end != '\0' || seq < 0 || seq >= r->n)
		goto other;
	count_hit(r, seq, t);
	return;
other:
	r->other++;
}

static void
on_subscribe(struct mosquitto *m, void *arg, int mid, int n, const int *qos)
{
	struct run *r = arg;

	(void)m; (void)mid;
	if (n == 1 && qos[0] <= 1)
		__atomic_store_n(&r->subscribed, 1, __ATOMIC_RELEASE);
}

static void
on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct run *r = arg;
	char topic[256];

	if (rc == 0 && m == r->pub)
		__atomic_store_n(&r->pubconn, 1, __ATOMIC_RELEASE);
	if (rc != 0 || m != r->sub)
		return;
	snprintf(topic, sizeof topic, "%s/notify/+", r->o.prefix);
	mosquitto_subscribe(m, NULL, topic, 1);
}

/* Set *mp before connecting: on_connect runs in the client's thread. */
static void
client_new(struct run *r, const char *role, struct mosquitto **mp)
{
	struct mosquitto *m;
	char id[64];

	snprintf(id, sizeof id, "loadgen-%s-%s", role, r->runid);
	if ((m = *mp = mosquitto_new(id, true, r)) == NULL)
		die("mosquitto_new failed");
	mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	/* No client-side cap: the broker's limits are what is measured. */
	mosquitto_max_inflight_messages_set(m, 0);
	mosquitto_connect_callback_set(m, on_connect);
	mosquitto_message_callback_set(m, on_message);
	mosquitto_subscribe_callback_set(m, on_subscribe);
	if (mosquitto_connect(m, r->o.host, r->o.port, 30) != MOSQ_ERR_SUCCESS)
		die("cannot connect to the broker");
	if (mosquitto_loop_start(m) != MOSQ_ERR_SUCCESS)
		die("mosquitto_loop_start failed");
}

/* A realistic report, varied by seq; returns its length. With --unique
 * the device and the location are the report's own (named by its id), so
 * that no report is taken for a repeat of another. */
static int
report_payload(const struct opts *o, const char *id, long seq, char *buf,
    size_t len)
{
	long sev = o->severity > 0 ? o->severity : 2 + seq % 3;
	char where[80] = "", dev[80];

	if (o->unique) {
		snprintf(where, sizeof where, ", spot %s", id);
		snprintf(dev, sizeof dev, "%s", id);
	} else
		snprintf(dev, sizeof dev, "%ld", seq % 7);
	return snprintf(buf, len, "{\"id\":\"%s\",\"type\":\"%s\","
	    "\"severity\":%ld,\"location\":\"%s%s\",\"device\":\"desk-%s\","
	    "\"reporter\":\"%s\",\"note\":\"patron asked for help, report "
	    "%ld of the benchmark\",\"silent\":false,\"drill\":false}",
	    id, o->type, sev, locations[seq % NITEMS(locations)], where, dev,
	    reporters[seq % NITEMS(reporters)], seq);
}

static void
publish(struct run *r, const char *kind, long seq)
{
	char id[64], topic[256], buf[1024];
	int n;

	snprintf(id, sizeof id, "%s-%s-%ld", kind, r->runid, seq);
	if (r->o.branch != NULL)
		snprintf(topic, sizeof topic, "%s/report/%s", r->o.prefix,
		    r->o.branch);
	else
		snprintf(topic, sizeof topic, "%s/report/b%03ld", r->o.prefix,
		    seq % r->o.branches);
	n = report_payload(&r->o, id, seq, buf, sizeof buf);
	if (mosquitto_publish(r->pub, NULL, topic, n, buf, 1, false) !=
	    MOSQ_ERR_SUCCESS)
		die("mosquitto_publish failed");
}

/* Malformed reports of several kinds, some naming a device, some not. */
static int
garbage_payload(long seq, char *buf, size_t len)
{
	switch (seq % 4) {
	case 0:
		return snprintf(buf, len, "garbage %ld {{{", seq);
	case 1:
		return snprintf(buf, len, "{\"device\":\"flood-1\","
		    "\"type\":\"welfare\",\"seq\":%ld}", seq);
	case 2:
		return snprintf(buf, len, "{\"id\":\"bad id %ld\","
		    "\"type\":7}", seq);
	default:
		return snprintf(buf, len, "{\"id\":\"g-%ld\",\"type\":"
		    "\"no-such-type\",\"device\":\"flood-1\"}", seq);
	}
}

/* The flood: batches of 1 ms at the given rate until told to stop. */
static void *
junk_main(void *arg)
{
	struct run *r = arg;
	char topic[256], buf[256];
	int64_t t0 = now_ns(), next;
	long per_ms = (long)(r->o.garbage / 1000), batch = 0, i;
	double carry = r->o.garbage / 1000 - (double)per_ms, acc = 0;
	int n;

	snprintf(topic, sizeof topic, "%s/report/%s", r->o.prefix,
	    r->o.garbage_branch);
	while (!__atomic_load_n(&r->junk_stop, __ATOMIC_ACQUIRE)) {
		acc += carry;
		n = (int)per_ms + (acc >= 1);
		if (acc >= 1)
			acc -= 1;
		for (i = 0; i < n; i++) {
			int len = garbage_payload(r->junk_sent, buf,
			    sizeof buf);

			if (mosquitto_publish(r->junk, NULL, topic, len, buf, 1,
			    false) != MOSQ_ERR_SUCCESS)
				die("mosquitto_publish (garbage) failed");
			r->junk_sent++;
		}
		next = t0 + ++batch * (NS / 1000);
		sleep_until(next);
	}
	r->junk_rate = r->junk_sent / ((now_ns() - t0) / 1e9);
	return NULL;
}

/* The broker has the garbage message: only those count as sent. */
static void
on_junk_publish(struct mosquitto *m, void *arg, int mid)
{
	struct run *r = arg;

	(void)m;
	(void)mid;
	__atomic_add_fetch(&r->junk_acked, 1, __ATOMIC_RELEASE);
}

static void
junk_start(struct run *r)
{
	if (r->o.garbage <= 0)
		return;
	client_new(r, "junk", &r->junk);
	mosquitto_publish_callback_set(r->junk, on_junk_publish);
	if (pthread_create(&r->junk_thread, NULL, junk_main, r) != 0)
		die("cannot start the garbage thread");
}

static void
junk_stop(struct run *r)
{
	int64_t deadline;

	if (r->o.garbage <= 0)
		return;
	__atomic_store_n(&r->junk_stop, 1, __ATOMIC_RELEASE);
	pthread_join(r->junk_thread, NULL);
	/* A disconnect drops what the client has not written yet: wait
	 * (at most 30 s) for the broker to acknowledge every message, and
	 * count only what it acknowledged. */
	deadline = now_ns() + 30 * NS;
	while (__atomic_load_n(&r->junk_acked, __ATOMIC_ACQUIRE) <
	    r->junk_sent && now_ns() < deadline)
		sleep_until(now_ns() + NS / 100);
	r->junk_sent = __atomic_load_n(&r->junk_acked, __ATOMIC_ACQUIRE);
	printf("  garbage: %ld malformed reports on %s/report/%s at %.0f/s\n",
	    r->junk_sent, r->o.prefix, r->o.garbage_branch, r->junk_rate);
	mosquitto_disconnect(r->junk);
	mosquitto_loop_stop(r->junk, false);
	mosquitto_destroy(r->junk);
}

/* Wait for the subscription, then (unless --no-warmup) until the system
 * under test answers a warm-up report, so that start-up is not measured. */
static void
warm_up(struct run *r)
{
	int64_t deadline = now_ns() + 20 * NS, next = 0;
	long k = 0;

	while (!__atomic_load_n(&r->subscribed, __ATOMIC_ACQUIRE)) {
		if (now_ns() > deadline)
			die("no SUBACK from the broker");
		usleep(10000);
	}
	if (!r->o.warmup) {
		while (!__atomic_load_n(&r->pubconn, __ATOMIC_ACQUIRE)) {
			if (now_ns() > deadline)
				die("no CONNACK from the broker");
			usleep(1000);
		}
		return;
	}
	while (__atomic_load_n(&r->warm, __ATOMIC_ACQUIRE) == 0) {
		if (now_ns() > deadline)
			die("the system under test does not answer");
		if (now_ns() >= next) {
			publish(r, "w", k++);
			next = now_ns() + NS / 5;
		}
		usleep(5000);
	}
	usleep(200000); /* the warm-up's other notifications */
}

static void
send_all(struct run *r)
{
	int64_t step = r->o.rate > 0 ? (int64_t)(NS / r->o.rate) : 0;
	long i;

	r->t0 = now_ns();
	for (i = 0; i < r->n; i++) {
		if (step > 0)
			sleep_until(r->t0 + i * step);
		r->sent[i] = now_ns();
		publish(r, "r", i);
	}
	r->tlast = now_ns();
}

/* Until every report has its notifications or the drain deadline; then a
 * short grace so that late duplicates are counted too. */
static void
drain(struct run *r)
{
	int64_t deadline = r->tlast + (int64_t)(r->o.drain * NS);

	while (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE) < r->n &&
	    now_ns() < deadline)
		usleep(2000);
	usleep(300000);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array, in ms. */
static double
pct(const int64_t *v, long n, double p)
{
	long i;

	if (n == 0)
		return 0;
	i = (long)((p / 100.0) * n + 0.999999) - 1;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i] / 1e6;
}

struct result {
	long sent, received, lost, dups, notes;
	double elapsed, throughput, pubrate;
	int64_t *lat;
	long nlat;
};

static void
tally(const struct run *r, struct result *res)
{
	int64_t last = r->t0;
	long i;

	memset(res, 0, sizeof *res);
	res->lat = calloc(r->n ? r->n : 1, sizeof *res->lat);
	if (res->lat == NULL)
		die("out of memory");
	res->sent = r->n;
	for (i = 0; i < r->n; i++) {
		res->notes += r->hits[i];
		res->lost += r->hits[i] < r->o.expect;
		res->dups += r->hits[i] > r->o.expect;
		if (r->hits[i] == 0)
			continue;
		res->received++;
		res->lat[res->nlat++] = r->first[i] - r->sent[i];
		if (r->first[i] > last)
			last = r->first[i];
	}
	qsort(res->lat, res->nlat, sizeof *res->lat, cmp64);
	res->elapsed = (last - r->t0) / 1e9;
	res->throughput = res->elapsed > 0 ? res->received / res->elapsed : 0;
	res->pubrate = r->tlast > r->t0 ? r->n / ((r->tlast - r->t0) / 1e9) :
	    0;
}

static const double chart_ps[] = {
	0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.8,
	99.9, 99.95, 99.99, 100
};

/* The latency of the reports sent before (first) or from (!first) split
 * seconds after the first publish: "first{S}s" or "after{S}s". */
static void
write_window(FILE *f, const struct run *r, int first)
{
	int64_t cut = r->t0 + (int64_t)(r->o.split * NS), *v;
	long i, n = 0, sent = 0, lost = 0;

	if ((v = calloc(r->n ? r->n : 1, sizeof *v)) == NULL)
		die("out of memory");
	for (i = 0; i < r->n; i++) {
		if ((r->sent[i] < cut) != first)
			continue;
		sent++;
		lost += r->hits[i] < r->o.expect;
		if (r->hits[i] > 0)
			v[n++] = r->first[i] - r->sent[i];
	}
	qsort(v, n, sizeof *v, cmp64);
	fprintf(f, "\"%s%gs\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
	    "\"max\":%.3f,\"n\":%ld,\"sent\":%ld,\"lost\":%ld},",
	    first ? "first" : "after", r->o.split, pct(v, n, 50),
	    pct(v, n, 90), pct(v, n, 99), pct(v, n, 100), n, sent, lost);
	free(v);
}

static void
write_json(FILE *f, const struct run *r, const struct result *res)
{
	size_t i;

	fprintf(f, "{\"system\":\"%s\",\"scenario\":\"%s\",\"mode\":\"%s\","
	    "\"rate\":%.0f,\"duration_s\":%.1f,\"branches\":%d,"
	    "\"expect\":%d,\"sent\":%ld,\"received\":%ld,"
	    "\"notifications\":%ld,\"lost\":%ld,\"duplicates\":%ld,"
	    "\"foreign\":%ld,\"elapsed_s\":%.3f,\"throughput_rps\":%.1f,"
	    "\"publish_rps\":%.1f,\"garbage_sent\":%ld,"
	    "\"garbage_rps\":%.0f,", r->o.system, r->o.scenario,
	    r->o.rate > 0 ? "steady" : "burst", r->o.rate, r->o.duration,
	    r->o.branches, r->o.expect, res->sent, res->received, res->notes,
	    res->lost, res->dups, r->other, res->elapsed, res->throughput,
	    res->pubrate, r->junk_sent, r->junk_rate);
	if (r->o.split > 0) {
		fprintf(f, "\"warmup\":%s,", r->o.warmup ? "true" : "false");
		write_window(f, r, 1);
		write_window(f, r, 0);
	}
	fprintf(f, "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
	    "\"p99.9\":%.3f,\"max\":%.3f},\"percentiles\":[",
	    pct(res->lat, res->nlat, 50), pct(res->lat, res->nlat, 90),
	    pct(res->lat, res->nlat, 99), pct(res->lat, res->nlat, 99.9),
	    pct(res->lat, res->nlat, 100));
	for (i = 0; i < NITEMS(chart_ps); i++)
		fprintf(f, "%s[%g,%.3f]", i ? "," : "", chart_ps[i],
		    pct(res->lat, res->nlat, chart_ps[i]));
	fprintf(f, "]}\n");
}

static void
print_text(const struct run *r, const struct result *res)
{
	printf("%s %s: sent %ld received %ld lost %ld duplicates %ld "
	    "throughput %.0f/s\n", r->o.scenario, r->o.system, res->sent,
	    res->received, res->lost, res->dups, res->throughput);
	printf("  latency ms: p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f "
	    "max %.2f\n", pct(res->lat, res->nlat, 50),
	    pct(res->lat, res->nlat, 90), pct(res->lat, res->nlat, 99),
	    pct(res->lat, res->nlat, 99.9), pct(res->lat, res->nlat, 100));
}

static void
report(const struct run *r)
{
	struct result res;
	FILE *f;

	tally(r, &res);
	print_text(r, &res);
	if (r->o.json != NULL) {
		if ((f = fopen(r->o.json, "w")) == NULL)
			die("cannot write the JSON file");
		write_json(f, r, &res);
		if (fclose(f) != 0)
			die("cannot write the JSON file");
	}
	free(res.lat);
}

static void
run_setup(struct run *r)
{
	r->n = r->o.rate > 0 ? (long)(r->o.rate * r->o.duration) : r->o.count;
	r->sent = calloc(r->n, sizeof *r->sent);
	r->first = calloc(r->n, sizeof *r->first);
	r->hits = calloc(r->n, sizeof *r->hits);
	if (r->sent == NULL || r->first == NULL || r->hits == NULL)
		die("out of memory");
	snprintf(r->runid, sizeof r->runid, "%lx%04x", (long)time(NULL),
	    (unsigned)getpid() & 0xffff);
}

int
main(int argc, char **argv)
{
	static struct run r;

	parse_args(argc, argv, &r.o);
	run_setup(&r);
	mosquitto_lib_init();
	client_new(&r, "sub", &r.sub);
	client_new(&r, "pub", &r.pub);
	warm_up(&r);
	junk_start(&r);
	send_all(&r);
	junk_stop(&r);
	drain(&r);
	mosquitto_disconnect(r.pub);
	mosquitto_disconnect(r.sub);
	mosquitto_loop_stop(r.pub, false);
	mosquitto_loop_stop(r.sub, false);
	report(&r);
	mosquitto_destroy(r.pub);
	mosquitto_destroy(r.sub);
	mosquitto_lib_cleanup();
	return 0;
}
