/*
 * The inputs of beacond's loop turns, kept in memory: a turn's inputs
 * until its transaction commits, and every input since the database
 * stopped taking writes (degraded mode, docs/reliability.md). The engine
 * replays them, at the times they first came in, into the transaction
 * that finally commits, so nothing accepted while the disk was full is
 * forgotten.
 */
#ifndef BEACON_BACKLOG_H
#define BEACON_BACKLOG_H

#include <stddef.h>
#include <stdint.h>

enum backlog_kind {
	BACKLOG_REQUEST,	/* a message (reply_to NULL) or a request */
	BACKLOG_DEADLINE,	/* a timer fired: its kind, id, due */
	BACKLOG_APPEND,		/* engine_append from outside the engine */
};

struct backlog_input {
	enum backlog_kind kind;
	int64_t ts;		/* clock_now() when it came in */
	char *topic;		/* request: topic; append: the event kind */
	char *payload;		/* request: payload; append: detail */
	size_t len;
	char *reply_to;		/* request: response topic; append: actor */
	void *corr;
	size_t corrlen;
	int64_t a, b;		/* deadline: id, due; append: incident, step */
	int timer;		/* deadline: the kind of timer (timers.h) */
};

struct backlog {
	struct backlog_input *v;
	size_t n, cap;
	size_t bytes;		/* payload bytes held */
};

void backlog_request(struct backlog *, int64_t ts, const char *topic,
    const void *payload, size_t len, const char *reply_to, const void *corr,
    size_t corrlen);
void backlog_deadline(struct backlog *, int64_t ts, int timer, int64_t id,
    int64_t due);
void backlog_append(struct backlog *, int64_t ts, int64_t incident,
    const char *kind, const char *actor, int step, const char *detail);
/* Forget the last input (one that was set aside). */
void backlog_pop(struct backlog *);
/* Move every input of src to the end of dst; src is left empty. */
void backlog_move(struct backlog *dst, struct backlog *src);
void backlog_clear(struct backlog *);
void backlog_free(struct backlog *);

#endif
