/* Delivery of a report until beacond answers it (deliver.h). */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "mqtt.h"
#include "msg.h"
#include "spool.h"
#include "topic.h"

int64_t
deliver_backoff(int n, int64_t max, uint32_t jitter)
{
	int64_t d = DELIVER_RETRY_MIN;

	while (--n > 0 && d < max)
		d *= 2;
	if (d > max)
		d = max;
	return d + (int64_t)(jitter % (uint32_t)(d / 10 + 1));
}

void
deliver_init(struct deliver *d, const char *prefix, const char *branch,
    const struct report *r, int64_t max)
{
	memset(d, 0, sizeof *d);
	strlcpy_utf8(d->branch, branch, sizeof d->branch);
	d->r = *r;
	d->topic = topic_make(prefix, TOPIC_REPORT, branch, NULL);
	d->status_topic = topic_make(prefix, TOPIC_STATUS, branch, r->id,
	    NULL);
	d->payload = msg_report_encode(r);
	d->max = max;
}

void
deliver_clear(struct deliver *d)
{
	free(d->topic);
	free(d->status_topic);
	free(d->payload);
	d->topic = d->status_topic = d->payload = NULL;
}

int
deliver_spool(struct deliver *d, struct spool *s)
{
	if (!spool_has(s, d->r.id) && spool_add(s, &d->r) != 0)
		return -1;
	d->spool = s;
	return 0;
}

int
deliver_unspool(struct deliver *d)
{
	struct spool *s = d->spool;

	d->spool = NULL;
	if (s == NULL || !spool_has(s, d->r.id))
		return 0;
	return spool_remove(s, d->r.id);
}

int
deliver_publish(struct deliver *d, struct mqtt *m)
{
	d->tries++;
	return mqtt_publish(m, d->topic, d->payload, strlen(d->payload), 0);
}

int64_t
deliver_wait(struct deliver *d)
{
	uint32_t jitter = 0;

	if (getrandom(&jitter, sizeof jitter, 0) != (ssize_t)sizeof jitter)
		jitter = 0;
	return deliver_backoff(++d->round, d->max, jitter);
}

void
deliver_reset(struct deliver *d)
{
	d->round = 0;
}

const char *
deliver_status_id(const char *topic, const char *prefix, char *branch,
    size_t size)
{
	const char *rest = topic_match(topic, prefix, TOPIC_STATUS), *id;

	if (rest == NULL || topic_levels(rest) < 2 ||
	    strcspn(rest, "/") >= size)
		return NULL;
	id = topic_level(rest, branch, size);
	return *id != '\0' ? id : NULL;
}
