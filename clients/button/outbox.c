/* Reports on their way to beacond, until it answers (outbox.h). */
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "deliver.h"
#include "log.h"
#include "mqtt.h"
#include "msg.h"
#include "outbox.h"
#include "spool.h"
#include "xmalloc.h"

struct pending {
	TAILQ_ENTRY(pending) entry;
	struct outbox *ob;
	struct deliver d;
	struct event *timer;	/* the next try */
};

struct outbox {
	struct event_base *base;
	struct mqtt *mqtt;
	struct spool *spool;
	char *prefix;
	char branch[ID_MAX + 1];
	TAILQ_HEAD(, pending) list;
	size_t n;
};

static void outbox_try(evutil_socket_t, short, void *);

static void
pending_arm(struct pending *p)
{
	int64_t wait = deliver_wait(&p->d);
	struct timeval tv = { (time_t)(wait / 1000), (suseconds_t)(wait %
	    1000 * 1000) };

	evtimer_add(p->timer, &tv);
}

/* Publish now when connected; in any case try again later. While the
 * broker is away nothing is handed to mqtt.c, whose queue would otherwise
 * fill with copies: the reconnection sends each once. */
static void
pending_send(struct pending *p)
{
	struct outbox *ob = p->ob;

	if (mqtt_connected(ob->mqtt)) {
		log_debug("report=%s event=sent try=%d", p->d.r.id,
		    p->d.tries + 1);
		if (deliver_publish(&p->d, ob->mqtt) != 0)
			log_warnx("report=%s cannot publish to %s", p->d.r.id,
			    p->d.topic);
	}
	pending_arm(p);
}

static void
outbox_try(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pending_send(arg);
}

static void
pending_subscribe(struct pending *p)
{
	if (mqtt_subscribe(p->ob->mqtt, p->d.status_topic, 1) != 0)
		log_warnx("report=%s cannot subscribe to %s", p->d.r.id,
		    p->d.status_topic);
}

static struct pending *
pending_new(struct outbox *ob, const struct report *r)
{
	struct pending *p = xcalloc(1, sizeof *p);

	p->ob = ob;
	deliver_init(&p->d, ob->prefix, ob->branch, r, DELIVER_MAX_BUTTON);
	if ((p->timer = evtimer_new(ob->base, outbox_try, p)) == NULL)
		fatalx("outbox: cannot create a timer");
	TAILQ_INSERT_TAIL(&ob->list, p, entry);
	ob->n++;
	return p;
}

static void
pending_free(struct pending *p)
{
	TAILQ_REMOVE(&p->ob->list, p, entry);
	p->ob->n--;
	event_free(p->timer);
	deliver_clear(&p->d);
	free(p);
}

struct outbox *
outbox_new(struct event_base *base, struct mqtt *mqtt, struct spool *spool,
    const char *prefix, const char *branch)
{
	struct outbox *ob = xcalloc(1, sizeof *ob);

	ob->base = base;
	ob->mqtt = mqtt;
	ob->spool = spool;
	ob->prefix = xstrdup(prefix);
	strlcpy_utf8(ob->branch, branch, sizeof ob->branch);
	TAILQ_INIT(&ob->list);
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	struct pending *p;

	if (ob == NULL)
		return;
	while ((p = TAILQ_FIRST(&ob->list)) != NULL)
		pending_free(p);
	free(ob->prefix);
	free(ob);
}

void
outbox_restore(struct outbox *ob)
{
	const struct report *r;
	struct pending *p;
	size_t i;

	for (i = 0; (r = spool_get(ob->spool, i)) != NULL; i++) {
		log_info("report=%s event=restored type=%s: from the spool, "
		    "sent again with its id", r->id, r->type);
		p = pending_new(ob, r);
		(void)deliver_spool(&p->d, ob->spool);
		pending_send(p);
	}
}

void
outbox_add(struct outbox *ob, const struct report *r)
{
	struct pending *p = pending_new(ob, r);

	if (deliver_spool(&p->d, ob->spool) == 0)
		log_debug("report=%s event=spooled", r->id);
	if (mqtt_connected(ob->mqtt))
		pending_subscribe(p);
	else
		log_warnx("report=%s event=held: no broker connection; sent "
		    "as soon as it is back", r->id);
	pending_send(p);
}

void
outbox_connected(struct outbox *ob)
{
	struct pending *p;

	TAILQ_FOREACH(p, &ob->list, entry) {
		pending_subscribe(p);
		evtimer_del(p->timer);
		deliver_reset(&p->d);
		pending_send(p);
	}
}

static struct pending *
outbox_find(struct outbox *ob, const char *id)
{
	struct pending *p;

	TAILQ_FOREACH(p, &ob->list, entry)
		if (strcmp(p->d.r.id, id) == 0)
			return p;
	return NULL;
}

/* The first status: beacond has the report. Later ones (acknowledged,
 * on scene...) are only logged. */
static void
outbox_answered(struct pending *p, const struct status *st)
{
	if (st->state == ST_REJECTED)
		log_warnx("report=%s event=rejected type=%s error=\"%s\": check "
		    "this key's type against beacond's categories", p->d.r.id,
		    p->d.r.type, st->error[0] ? st->error : st->message);
	else
		log_info("report=%s event=%s incident=%lld tries=%d", p->d.r.id,
		    state_name(st->state), (long long)st->incident, p->d.tries);
	if (deliver_unspool(&p->d) != 0)
		log_warnx("report=%s still in the spool: it is sent again "
		    "after a restart, and beacond knows it", p->d.r.id);
	pending_free(p);
}

int
outbox_message(struct outbox *ob, const char *topic, const void *payload,
    size_t len)
{
	struct pending *p;
	struct status st;
	char err[DETAIL_MAX + 1], branch[ID_MAX + 1];
	const char *id = deliver_status_id(topic, ob->prefix, branch,
	    sizeof branch);

	if (id == NULL || strcmp(branch, ob->branch) != 0)
		return 0;
	if (len == 0)
		return 1; /* a retained status cleared */
	if (msg_status_decode(payload, len, &st, err, sizeof err) != MSG_OK) {
		log_warnx("unreadable status on %s: %s", topic, err);
		return 1;
	}
	if (strcmp(st.report, id) != 0)
		return 1; /* the topic names another report */
	if ((p = outbox_find(ob, st.report)) != NULL)
		outbox_answered(p, &st);
	else
		log_info("report=%s state=%s message=\"%s\"", st.report,
		    state_name(st.state), st.message);
	return 1;
}

size_t
outbox_count(const struct outbox *ob)
{
	return ob->n;
}
