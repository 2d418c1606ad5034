/*
 * Inputs kept in memory until a transaction holding them commits
 * (backlog.h).
 */
#include <stdlib.h>
#include <string.h>

#include "backlog.h"
#include "xmalloc.h"

static struct backlog_input *
backlog_new(struct backlog *b, enum backlog_kind kind, int64_t ts)
{
	struct backlog_input *in;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->v = xreallocarray(b->v, b->cap, sizeof *b->v);
	}
	in = &b->v[b->n++];
	memset(in, 0, sizeof *in);
	in->kind = kind;
	in->ts = ts;
	return in;
}

static char *
backlog_dup(const void *p, size_t len)
{
	char *d = xmalloc(len + 1);

	if (len > 0)
		memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

void
backlog_request(struct backlog *b, int64_t ts, const char *topic,
    const void *payload, size_t len, const char *reply_to, const void *corr,
    size_t corrlen)
{
	struct backlog_input *in = backlog_new(b, BACKLOG_REQUEST, ts);

	in->topic = xstrdup(topic);
	in->payload = backlog_dup(payload, len);
	in->len = len;
	in->reply_to = reply_to != NULL ? xstrdup(reply_to) : NULL;
	if (corr != NULL && corrlen > 0) {
		in->corr = backlog_dup(corr, corrlen);
		in->corrlen = corrlen;
	}
	b->bytes += len + strlen(topic) + corrlen;
}

void
backlog_deadline(struct backlog *b, int64_t ts, int timer, int64_t id,
    int64_t due)
{
	struct backlog_input *in = backlog_new(b, BACKLOG_DEADLINE, ts);

	in->timer = timer;
	in->a = id;
	in->b = due;
}

void
backlog_append(struct backlog *b, int64_t ts, int64_t incident,
    const char *kind, const char *actor, int step, const char *detail)
{
	struct backlog_input *in = backlog_new(b, BACKLOG_APPEND, ts);

	in->topic = xstrdup(kind);
	in->reply_to = xstrdup(actor ? actor : "");
	in->payload = xstrdup(detail ? detail : "");
	in->len = strlen(in->payload);
	in->a = incident;
	in->b = step;
	b->bytes += in->len;
}

void
backlog_move(struct backlog *dst, struct backlog *src)
{
	if (src->n == 0)
		return;
	if (dst->n + src->n > dst->cap) {
		dst->cap = dst->n + src->n;
		dst->v = xreallocarray(dst->v, dst->cap, sizeof *dst->v);
	}
	memcpy(dst->v + dst->n, src->v, src->n * sizeof *src->v);
	dst->n += src->n;
	dst->bytes += src->bytes;
	src->n = 0;
	src->bytes = 0;
}

void
backlog_pop(struct backlog *b)
{
	struct backlog_input *in;

	if (b->n == 0)
		return;
	in = &b->v[--b->n];
	b->bytes -= in->len;
	if (in->kind == BACKLOG_REQUEST)
		b->bytes -= strlen(in->topic) + in->corrlen;
	free(in->topic);
	free(in->payload);
	free(in->reply_to);
	free(in->corr);
}

void
backlog_clear(struct backlog *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].topic);
		free(b->v[i].payload);
		free(b->v[i].reply_to);
		free(b->v[i].corr);
	}
	b->n = 0;
	b->bytes = 0;
}

void
backlog_free(struct backlog *b)
{
	backlog_clear(b);
	free(b->v);
	memset(b, 0, sizeof *b);
}
