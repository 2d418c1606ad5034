/*
 * test-reporter: the steady load of the fault tests (t_kill9_load,
 * t_broker_restart, t_broker_outage), acting as the reporters and as the
 * responders at once.
 *
 * As the reporters it publishes reports at a steady rate, round robin over
 * the given branches and types, each with an id of its own, and publishes
 * each again (same id) with backoff until its first status arrives on
 * {prefix}/status/{branch}/{id}: a PUBACK only says that the broker has
 * the report, a status says that beacond committed it (docs/protocol.md,
 * "Delivery, retries and idempotency"). While the connection is down a
 * retry waits: libmosquitto holds what was published and resends it.
 *
 * As the responders it keeps a persistent session (a fixed client id,
 * clean session off, QoS 1) subscribed to {prefix}/notify/# and counts
 * every notification by (responder, incident, step, repeat); crisis-1
 * acknowledges the incidents of every --ack-every'th report.
 *
 * Control: --duration, or SIGUSR1, ends the sending; retries go on until
 * every report is answered or --drain seconds have passed. SIGUSR2 (or
 * --linger seconds) ends the run: a barrier message on {prefix}/notify/
 * comes back once everything the broker took before it has been
 * delivered, then the results are written. SIGTERM stops at once.
 *
 * Output: progress lines on stdout; with --out P, P.json (the counts and
 * the notifications per report id), P.reports.tsv and P.notes.tsv, tab
 * separated for sqlite3's .import:
 *   reports: id branch type first_ms attempts pubacks answered_ms
 *            incident state statuses
 *   notes:   responder incident report step repeat count
 *
 * A test tool, not beacond: libmosquitto runs its own threads (loop_start)
 * and one mutex guards the tables.
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <mosquitto.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000LL
#define MS 1000000LL
#define MAXLIST 16
#define MAXRESP 32

struct opts {
	const char *host;
	int port;
	const char *prefix;
	const char *id;		/* client id base */
	const char *out;	/* output prefix, or NULL */
	double rate;		/* reports/s */
	double duration;	/* s; 0: until SIGUSR1 */
	const char *branch[MAXLIST];
	int nbranch;
	const char *type[MAXLIST];
	int ntype;
	int ack_every;		/* 0: never */
	int retry_ms;		/* the first retry */
	int retry_max_ms;
	double drain;		/* s after the last new report */
	double linger;		/* s to wait for SIGUSR2 */
};

struct report {
	int64_t first_ms;	/* wall clock of the first publish */
	int64_t answered_ms;	/* wall clock of the first status; 0: none */
	int64_t next_ns;	/* monotonic: the next retry */
	int64_t incident;	/* as the first status says */
	int32_t backoff_ms;
	int32_t attempts;
	int32_t pubacks;
	int32_t statuses;
	int32_t notes;		/* notifications seen, repeats included */
	char state[16];		/* of the first status */
	uint8_t acked;
};

struct note {
	int64_t incident;	/* 0: a free slot */
	long seq;
	int resp, step, repeat;
	int count;
};

struct run {
	struct opts o;
	char runid[24];
	char idpfx[40];		/* "r-RUNID-" */
	pthread_mutex_t mu;

	struct report *r;
	long n, cap;
	long lo;		/* every report below is answered */
	long answered;
	long mid2seq[65536];	/* 0: none, else seq + 1 */

	struct note *notes;
	size_t nnotes, notecap;
	char *resp[MAXRESP];
	int nresp;

	/* counts */
	long pubacks, statuses, rejected, conflicts, errors, foreign;
	long notifications, other_kinds, acks;
	int connected_rep, connected_resp;
	int ready_rep, ready_resp;
	int connects_rep, connects_resp;
	int sessions_lost;
	int barrier_seen;
	char barrier_topic[256];

	struct mosquitto *rep, *resp_m;
};

static __attribute__((noreturn)) void
die(const char *what)
{
	fprintf(stderr, "test-reporter: %s\n", what);
	exit(1);
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / MS;
}

static void
usage(void)
{
	fprintf(stderr, "usage: test-reporter --port PORT [--host HOST] "
	    "[--prefix P] [--id NAME]\n"
	    "    --rate N [--duration S] --branches A,B --types X,Y "
	    "[--ack-every K]\n"
	    "    [--retry MS] [--retry-max MS] [--drain S] [--linger S] "
	    "[--out PREFIX]\n");
	exit(2);
}

static int
split(char *s, const char **v, int max)
{
	int n = 0;
	char *t, *save = NULL;

	for (t = strtok_r(s, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		if (n == max)
			usage();
		v[n++] = t;
	}
	return n;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "id", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "branches", required_argument, NULL, 'b' },
		{ "types", required_argument, NULL, 't' },
		{ "ack-every", required_argument, NULL, 'a' },
		{ "retry", required_argument, NULL, 'R' },
		{ "retry-max", required_argument, NULL, 'M' },
		{ "drain", required_argument, NULL, 'D' },
		{ "linger", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof *o);
	o->host = "127.0.0.1";
	o->prefix = "beacon";
	o->id = "test-reporter";
	o->retry_ms = 2000;
	o->retry_max_ms = 8000;
	o->drain = 30;
	o->linger = 300;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'h': o->host = optarg; break;
		case 'p': o->port = atoi(optarg); break;
		case 'P': o->prefix = optarg; break;
		case 'i': o->id = optarg; break;
		case 'o': o->out = optarg; break;
		case 'r': o->rate = atof(optarg); break;
		case 'd': o->duration = atof(optarg); break;
		case 'b': o->nbranch = split(optarg, o->branch, MAXLIST); break;
		case 't': o->ntype = split(optarg, o->type, MAXLIST); break;
		case 'a': o->ack_every = atoi(optarg); break;
		case 'R': o->retry_ms = atoi(optarg); break;
		case 'M': o->retry_max_ms = atoi(optarg); break;
		case 'D': o->drain = atof(optarg); break;
		case 'L': o->linger = atof(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || o->port <= 0 || o->rate <= 0 ||
	    o->duration < 0 || o->nbranch == 0 || o->ntype == 0 ||
	    o->ack_every < 0 || o->retry_ms <= 0 ||
	    o->retry_max_ms < o->retry_ms)
		usage();
}

static const char *
branch_of(const struct run *r, long seq)
{
	return r->o.branch[seq % r->o.nbranch];
}

static const char *
type_of(const struct run *r, long seq)
{
	return r->o.type[(seq / r->o.nbranch) % r->o.ntype];
}

/* The sequence number of one of our report ids; -1 for any other. */
static long
seq_of(const struct run *r, const char *id)
{
	size_t pl = strlen(r->idpfx);
	char *end;
	long seq;

	if (id == NULL || strncmp(id, r->idpfx, pl) != 0)
		return -1;
	errno = 0;
	seq = strtol(id + pl, &end, 10);
	if (errno != 0 || *end != '\0' || end == id + pl || seq < 0 ||
	    seq >= r->n)
		return -1;
	return seq;
}

/* ---- publishing (the caller holds mu) ------------------------------------ */

static void
publish_report(struct run *r, long seq)
{
	struct report *p = &r->r[seq];
	char topic[256], buf[512];
	int n, mid = 0, rc;

	snprintf(topic, sizeof topic, "%s/report/%s", r->o.prefix,
	    branch_of(r, seq));
	n = snprintf(buf, sizeof buf, "{\"id\":\"%s%ld\",\"type\":\"%s\","
	    "\"location\":\"floor %ld\",\"device\":\"load-%ld\","
	    "\"note\":\"load test report %ld\"}", r->idpfx, seq,
	    type_of(r, seq), seq % 4, seq % 7, seq);
	rc = mosquitto_publish(r->rep, &mid, topic, n, buf, 1, false);
	/* Not connected: libmosquitto keeps the message and resends it. */
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
		fprintf(stderr, "test-reporter: publish %s%ld: %s\n",
		    r->idpfx, seq, mosquitto_strerror(rc));
	if (mid > 0 && mid < 65536)
		r->mid2seq[mid] = seq + 1;
	p->attempts++;
}

static void
new_report(struct run *r)
{
	struct report *p;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->r = realloc(r->r, (size_t)r->cap * sizeof *r->r);
		if (r->r == NULL)
			die("out of memory");
	}
	p = &r->r[r->n];
	memset(p, 0, sizeof *p);
	p->first_ms = wall_ms();
	p->backoff_ms = r->o.retry_ms;
	p->next_ns = mono_ns() + (int64_t)p->backoff_ms * MS;
	publish_report(r, r->n++);
}

/* Publish again each unanswered report whose time has come. */
static void
retry_due(struct run *r, int64_t now)
{
	struct report *p;
	long i;

	while (r->lo < r->n && r->r[r->lo].answered_ms != 0)
		r->lo++;
	for (i = r->lo; i < r->n; i++) {
		p = &r->r[i];
		if (p->answered_ms != 0 || p->next_ns > now)
			continue;
		if (r->connected_rep)
			publish_report(r, i);
		if (p->backoff_ms < r->o.retry_max_ms) {
			p->backoff_ms *= 2;
			if (p->backoff_ms > r->o.retry_max_ms)
				p->backoff_ms = r->o.retry_max_ms;
		}
		p->next_ns = now + (int64_t)p->backoff_ms * MS;
	}
}

/* ---- the notifications seen --------------------------------------------- */

static int
resp_index(struct run *r, const char *name)
{
	int i;

	for (i = 0; i < r->nresp; i++)
		if (strcmp(r->resp[i], name) == 0)
			return i;
	if (r->nresp == MAXRESP)
		return -1;
	if ((r->resp[r->nresp] = strdup(name)) == NULL)
		die("out of memory");
	return r->nresp++;
}

static size_t
note_hash(int64_t incident, int resp, int step, int repeat)
{
	uint64_t h = (uint64_t)incident * 0x9e3779b97f4a7c15ULL;

	h ^= (uint64_t)(resp * 131 + step * 7919 + repeat) *
	    0xc2b2ae3d27d4eb4fULL;
	return (size_t)(h ^ (h >> 29));
}

static struct note *
note_slot(struct note *tab, size_t cap, int64_t incident, int resp, int step,
    int repeat)
{
	size_t i = note_hash(incident, resp, step, repeat) & (cap - 1);

	while (tab[i].incident != 0 && !(tab[i].incident == incident &&
	    tab[i].resp == resp && tab[i].step == step &&
	    tab[i].repeat == repeat))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void
note_grow(struct run *r)
{
	size_t cap = r->notecap ? r->notecap * 2 : 8192, i;
	struct note *tab = calloc(cap, sizeof *tab), *s;

	if (tab == NULL)
		die("out of memory");
	for (i = 0; i < r->notecap; i++) {
		if (r->notes[i].incident == 0)
			continue;
		s = note_slot(tab, cap, r->notes[i].incident, r->notes[i].resp,
		    r->notes[i].step, r->notes[i].repeat);
		*s = r->notes[i];
	}
	free(r->notes);
	r->notes = tab;
	r->notecap = cap;
}

/* Count one notification; returns how many times it has been seen. */
static int
note_add(struct run *r, int64_t incident, int resp, int step, int repeat,
    long seq)
{
	struct note *s;

	if ((r->nnotes + 1) * 2 > r->notecap)
		note_grow(r);
	s = note_slot(r->notes, r->notecap, incident, resp, step, repeat);
	if (s->incident == 0) {
		s->incident = incident;
		s->resp = resp;
		s->step = step;
		s->repeat = repeat;
		s->seq = seq;
		r->nnotes++;
	}
	return ++s->count;
}

/* ---- libmosquitto callbacks ---------------------------------------------- */

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t
jint(json_t *o, const char *k, json_int_t def)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static void
on_status(struct run *r, const struct mosquitto_message *msg)
{
	json_t *o;
	const char *state;
	struct report *p;
	json_int_t inc;
	long seq;

	if (msg->payloadlen == 0)
		return; /* a retained status cleared */
	o = json_loadb(msg->payload, (size_t)msg->payloadlen, 0, NULL);
	if (o == NULL || (seq = seq_of(r, jstr(o, "report"))) < 0) {
		r->foreign++;
		json_decref(o);
		return;
	}
	p = &r->r[seq];
	state = jstr(o, "state");
	inc = jint(o, "incident", 0);
	r->statuses++;
	p->statuses++;
	if (state != NULL && strcmp(state, "rejected") == 0) {
		r->rejected++;
		fprintf(stderr, "test-reporter: %s%ld rejected: %s\n",
		    r->idpfx, seq, jstr(o, "error") ? jstr(o, "error") : "?");
	} else if (p->answered_ms == 0) {
		p->answered_ms = wall_ms();
		p->incident = inc;
		snprintf(p->state, sizeof p->state, "%s", state ? state : "");
		r->answered++;
	} else if (p->incident != inc) {
		r->conflicts++;
		fprintf(stderr, "test-reporter: %s%ld: incident %lld, then "
		    "%lld\n", r->idpfx, seq, (long long)p->incident,
		    (long long)inc);
	}
	json_decref(o);
}

static void
send_ack(struct run *r, json_int_t incident)
{
	char topic[256], buf[96];
	int n, rc;

	snprintf(topic, sizeof topic, "%s/respond/crisis-1", r->o.prefix);
	n = snprintf(buf, sizeof buf, "{\"incident\":%lld,\"action\":\"ack\"}",
	    (long long)incident);
	rc = mosquitto_publish(r->resp_m, NULL, topic, n, buf, 1, false);
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
		fprintf(stderr, "test-reporter: ack %lld: %s\n",
		    (long long)incident, mosquitto_strerror(rc));
	r->acks++;
}

static void
on_notify(struct run *r, const char *who, const struct mosquitto_message *msg)
{
	json_t *o;
	const char *kind;
	json_int_t inc, step, repeat;
	long seq;
	int ri;

	if (strcmp(msg->topic, r->barrier_topic) == 0) {
		r->barrier_seen = 1;
		return;
	}
	if (msg->payloadlen == 0 || who[0] == '_')
		return; /* the harness's probes */
	o = json_loadb(msg->payload, (size_t)msg->payloadlen, 0, NULL);
	if (o == NULL || (seq = seq_of(r, jstr(o, "report"))) < 0) {
		r->foreign++;
		json_decref(o);
		return;
	}
	kind = jstr(o, "kind");
	if (kind == NULL || strcmp(kind, "incident") != 0) {
		r->other_kinds++;
		json_decref(o);
		return;
	}
	inc = jint(o, "incident", 0);
	step = jint(o, "step", -1);
	repeat = jint(o, "repeat", -1);
	r->notifications++;
	r->r[seq].notes++;
	if (inc > 0 && (ri = resp_index(r, who)) >= 0)
		note_add(r, inc, ri, (int)step, (int)repeat, seq);
	if (r->o.ack_every > 0 && seq % r->o.ack_every == 0 &&
	    strcmp(who, "crisis-1") == 0 && step == 0 && repeat == 0 &&
	    !r->r[seq].acked && inc > 0) {
		r->r[seq].acked = 1;
		send_ack(r, inc);
	}
	json_decref(o);
}

static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct run *r = arg;
	size_t pl = strlen(r->o.prefix);
	const char *t = msg->topic;

	if (strncmp(t, r->o.prefix, pl) != 0 || t[pl] != '/')
		return;
	t += pl + 1;
	pthread_mutex_lock(&r->mu);
	if (m == r->rep && strncmp(t, "status/", 7) == 0)
		on_status(r, msg);
	else if (m == r->rep && strncmp(t, "error/", 6) == 0) {
		r->errors++;
		fprintf(stderr, "test-reporter: error on %s: %.*s\n",
		    msg->topic, msg->payloadlen, (const char *)msg->payload);
	} else if (m == r->resp_m && strncmp(t, "notify/", 7) == 0)
		on_notify(r, t + 7, msg);
	pthread_mutex_unlock(&r->mu);
}

static void
on_publish(struct mosquitto *m, void *arg, int mid)
{
	struct run *r = arg;
	long s;

	if (m != r->rep || mid <= 0 || mid >= 65536)
		return;
	pthread_mutex_lock(&r->mu);
	if ((s = r->mid2seq[mid]) > 0) {
		r->r[s - 1].pubacks++;
		r->pubacks++;
		r->mid2seq[mid] = 0;
	}
	pthread_mutex_unlock(&r->mu);
}

static void
on_subscribe(struct mosquitto *m, void *arg, int mid, int n, const int *qos)
{
	struct run *r = arg;
	int i, ok = 1;

	(void)mid;
	for (i = 0; i < n; i++)
		ok &= qos[i] <= 1;
	if (!ok)
		die("the broker refused a subscription");
	pthread_mutex_lock(&r->mu);
	if (m == r->rep)
		r->ready_rep = 1;
	else
		r->ready_resp = 1;
	pthread_mutex_unlock(&r->mu);
}

static void
subscribe(struct mosquitto *m, const char *prefix, const char *a,
    const char *b)
{
	char t1[256], t2[256];
	char *const subs[2] = { t1, t2 };

	snprintf(t1, sizeof t1, "%s/%s", prefix, a);
	snprintf(t2, sizeof t2, "%s/%s", prefix, b ? b : a);
	if (mosquitto_subscribe_multiple(m, NULL, b ? 2 : 1, subs, 1, 0,
	    NULL) != MOSQ_ERR_SUCCESS)
		fprintf(stderr, "test-reporter: cannot subscribe to %s\n", t1);
}

/* A persistent session: subscribe only when the broker has none. */
static void
on_connect(struct mosquitto *m, void *arg, int rc, int flags)
{
	struct run *r = arg;
	int present = flags & 1, *count, first;

	if (rc != 0)
		return;
	pthread_mutex_lock(&r->mu);
	count = m == r->rep ? &r->connects_rep : &r->connects_resp;
	first = (*count)++ == 0;
	if (!present && !first) {
		r->sessions_lost++;
		fprintf(stderr, "test-reporter: the broker lost the session "
		    "of %s\n", m == r->rep ? "the reporters" :
		    "the responders");
	}
	if (m == r->rep)
		r->connected_rep = 1;
	else
		r->connected_resp = 1;
	pthread_mutex_unlock(&r->mu);
	if (present)
		return;
	if (m == r->rep)
		subscribe(m, r->o.prefix, "status/+/+", "error/+");
	else
		subscribe(m, r->o.prefix, "notify/#", NULL);
}

static void
on_disconnect(struct mosquitto *m, void *arg, int rc)
{
	struct run *r = arg;

	(void)rc;
	pthread_mutex_lock(&r->mu);
	if (m == r->rep)
		r->connected_rep = 0;
	else
		r->connected_resp = 0;
	pthread_mutex_unlock(&r->mu);
}

/* *mp is set before connecting: the callbacks tell the clients apart. */
static void
client_new(struct run *r, const char *role, struct mosquitto **mp)
{
	struct mosquitto *m;
	char id[128];
	int rc;

	snprintf(id, sizeof id, "%s-%s-%s", r->o.id, role, r->runid);
	if ((m = *mp = mosquitto_new(id, false, r)) == NULL)
		die("mosquitto_new failed");
	mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	mosquitto_reconnect_delay_set(m, 1, 2, false);
	mosquitto_connect_with_flags_callback_set(m, on_connect);
	mosquitto_disconnect_callback_set(m, on_disconnect);
	mosquitto_message_callback_set(m, on_message);
	mosquitto_publish_callback_set(m, on_publish);
	mosquitto_subscribe_callback_set(m, on_subscribe);
	/* Refused now is retried by the loop: the broker may be restarting. */
	rc = mosquitto_connect_async(m, r->o.host, r->o.port, 10);
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_ERRNO)
		die("cannot connect to the broker");
	if (mosquitto_loop_start(m) != MOSQ_ERR_SUCCESS)
		die("mosquitto_loop_start failed");
}

/* ---- the run ------------------------------------------------------------- */

enum phase { SENDING, DRAINING, LINGERING };

static void
progress(struct run *r, const char *what)
{
	pthread_mutex_lock(&r->mu);
	printf("%s: sent %ld answered %ld pubacks %ld notifications %ld "
	    "acks %ld\n", what, r->n, r->answered, r->pubacks,
	    r->notifications, r->acks);
	pthread_mutex_unlock(&r->mu);
	fflush(stdout);
}

static void
wait_ready(struct run *r)
{
	int64_t deadline = mono_ns() + 20 * NS;
	int ok = 0;

	while (!ok) {
		pthread_mutex_lock(&r->mu);
		ok = r->ready_rep && r->ready_resp;
		pthread_mutex_unlock(&r->mu);
		if (mono_ns() > deadline)
			die("no SUBACK from the broker within 20 s");
		usleep(5000);
	}
	printf("ready: runid %s\n", r->runid);
	fflush(stdout);
}

/* Wait up to ns for a signal of set; 0 if none came. */
static int
wait_signal(const sigset_t *set, int64_t ns)
{
	struct timespec ts = { ns / NS, ns % NS };
	int sig;

	sig = sigtimedwait(set, NULL, &ts);
	return sig > 0 ? sig : 0;
}

static void
run_load(struct run *r, const sigset_t *set)
{
	int64_t step = (int64_t)(NS / r->o.rate), t0 = mono_ns(), now;
	int64_t stop = r->o.duration > 0 ?
	    t0 + (int64_t)(r->o.duration * NS) : INT64_MAX;
	int64_t drain_end = 0, linger_end = 0, next_progress = t0 + 5 * NS;
	enum phase ph = SENDING;
	long i = 0;
	int sig, done;

	for (;;) {
		now = mono_ns();
		pthread_mutex_lock(&r->mu);
		if (ph == SENDING && now >= stop)
			ph = DRAINING;
		while (ph == SENDING && t0 + i * step <= now) {
			new_report(r);
			i++;
		}
		retry_due(r, now);
		done = r->answered == r->n;
		pthread_mutex_unlock(&r->mu);
		if (ph == DRAINING && drain_end == 0) {
			drain_end = now + (int64_t)(r->o.drain * NS);
			progress(r, "stopped sending");
		}
		if (ph == DRAINING && (done || now >= drain_end)) {
			progress(r, done ? "all answered" :
			    "drain deadline passed");
			ph = LINGERING;
			linger_end = now + (int64_t)(r->o.linger * NS);
		}
		if (ph == LINGERING && now >= linger_end)
			return;
		if (now >= next_progress) {
			progress(r, "progress");
			next_progress = now + 5 * NS;
		}
		sig = wait_signal(set, 5 * MS);
		if (sig == SIGUSR1 && ph == SENDING)
			ph = DRAINING;
		else if (sig == SIGUSR2) {
			if (ph != LINGERING)
				progress(r, "ended before every answer");
			return;
		} else if (sig == SIGTERM || sig == SIGINT)
			exit(3);
	}
}

/* Everything the broker took before the barrier has been delivered to the
 * responders once the barrier comes back. */
static int
barrier(struct run *r)
{
	int64_t deadline = mono_ns() + 20 * NS;
	int seen = 0, sent = 0, connected;

	while (!seen && mono_ns() < deadline) {
		pthread_mutex_lock(&r->mu);
		seen = r->barrier_seen;
		connected = r->connected_resp;
		pthread_mutex_unlock(&r->mu);
		if (!sent && connected) {
			if (mosquitto_publish(r->resp_m, NULL, r->barrier_topic,
			    (int)strlen(r->runid), r->runid, 1, false) ==
			    MOSQ_ERR_SUCCESS)
				sent = 1;
		}
		usleep(5000);
	}
	return seen;
}

static long
count_duplicates(const struct run *r, long *unique)
{
	long dups = 0;
	size_t i;

	*unique = 0;
	for (i = 0; i < r->notecap; i++) {
		if (r->notes[i].incident == 0)
			continue;
		(*unique)++;
		dups += r->notes[i].count - 1;
	}
	return dups;
}

static FILE *
out_open(const struct run *r, const char *suffix)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s%s", r->o.out, suffix);
	if ((f = fopen(path, "w")) == NULL)
		die("cannot write the results");
	return f;
}

static void
out_close(FILE *f)
{
	if (ferror(f) || fclose(f) != 0)
		die("cannot write the results");
}

static void
write_results(const struct run *r, int barrier_ok)
{
	long i, acked = 0, unique, dups, attempts = 0, retried = 0;
	size_t k;
	FILE *f;

	for (i = 0; i < r->n; i++) {
		acked += r->r[i].pubacks > 0;
		attempts += r->r[i].attempts;
		retried += r->r[i].attempts > 1;
	}
	dups = count_duplicates(r, &unique);
	printf("done: sent %ld attempts %ld retried %ld acked by broker %ld "
	    "answered %ld notifications %ld unique %ld duplicates %ld "
	    "acks %ld sessions lost %d barrier %s\n", r->n, attempts, retried,
	    acked, r->answered, r->notifications, unique, dups, r->acks,
	    r->sessions_lost, barrier_ok ? "ok" : "missing");
	fflush(stdout);
	if (r->o.out == NULL)
		return;

	f = out_open(r, ".json");
	fprintf(f, "{\"runid\":\"%s\",\"sent\":%ld,\"attempts\":%ld,"
	    "\"retried\":%ld,\"acked_by_broker\":%ld,\"pubacks\":%ld,"
	    "\"answered\":%ld,\"unanswered\":%ld,\"statuses\":%ld,"
	    "\"rejected\":%ld,\"conflicts\":%ld,\"errors\":%ld,"
	    "\"notifications\":%ld,\"unique_notifications\":%ld,"
	    "\"duplicates\":%ld,\"other_kinds\":%ld,\"foreign\":%ld,"
	    "\"acks\":%ld,\"connects\":{\"reporters\":%d,\"responders\":%d},"
	    "\"sessions_lost\":%d,\"barrier\":%s,\"per_report\":{",
	    r->runid, r->n, attempts, retried, acked, r->pubacks, r->answered,
	    r->n - r->answered, r->statuses, r->rejected, r->conflicts,
	    r->errors, r->notifications, unique, dups, r->other_kinds,
	    r->foreign, r->acks, r->connects_rep, r->connects_resp,
	    r->sessions_lost, barrier_ok ? "true" : "false");
	for (i = 0; i < r->n; i++)
		fprintf(f, "%s\"%s%ld\":%d", i ? "," : "", r->idpfx, i,
		    r->r[i].notes);
	fprintf(f, "}}\n");
	out_close(f);

	f = out_open(r, ".reports.tsv");
	for (i = 0; i < r->n; i++) {
		const struct report *p = &r->r[i];

		fprintf(f, "%s%ld\t%s\t%s\t%lld\t%d\t%d\t%lld\t%lld\t%s\t%d\n",
		    r->idpfx, i, branch_of(r, i), type_of(r, i),
		    (long long)p->first_ms, p->attempts, p->pubacks,
		    (long long)p->answered_ms, (long long)p->incident,
		    p->state, p->statuses);
	}
	out_close(f);

	f = out_open(r, ".notes.tsv");
	for (k = 0; k < r->notecap; k++) {
		const struct note *s = &r->notes[k];

		if (s->incident == 0)
			continue;
		fprintf(f, "%s\t%lld\t%s%ld\t%d\t%d\t%d\n", r->resp[s->resp],
		    (long long)s->incident, r->idpfx, s->seq, s->step,
		    s->repeat, s->count);
	}
	out_close(f);
}

int
main(int argc, char **argv)
{
	static struct run r;
	sigset_t set;
	int ok;

	parse_args(argc, argv, &r.o);
	pthread_mutex_init(&r.mu, NULL);
	snprintf(r.runid, sizeof r.runid, "%lx%04x", (long)time(NULL),
	    (unsigned)getpid() & 0xffff);
	snprintf(r.idpfx, sizeof r.idpfx, "r-%s-", r.runid);
	snprintf(r.barrier_topic, sizeof r.barrier_topic,
	    "%s/notify/_barrier-%s", r.o.prefix, r.runid);
	note_grow(&r);

	/* The signals are taken by sigtimedwait, in this thread only:
	 * block them before libmosquitto starts its threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		die("pthread_sigmask failed");

	mosquitto_lib_init();
	client_new(&r, "responders", &r.resp_m);
	client_new(&r, "reporters", &r.rep);
	wait_ready(&r);
	run_load(&r, &set);
	ok = barrier(&r);
	mosquitto_disconnect(r.rep);
	mosquitto_disconnect(r.resp_m);
	mosquitto_loop_stop(r.rep, false);
	mosquitto_loop_stop(r.resp_m, false);
	pthread_mutex_lock(&r.mu);
	write_results(&r, ok);
	pthread_mutex_unlock(&r.mu);
	mosquitto_destroy(r.rep);
	mosquitto_destroy(r.resp_m);
	mosquitto_lib_cleanup();
	return 0;
}
