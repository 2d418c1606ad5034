/*
 * beacon oncall, beacond's side: who is on duty at a branch now or at a
 * given time (per role, and each category's route with the steps that
 * would be skipped as empty), and the run-time overrides supervisors set
 * and clear, recorded on a timeline of their own (store.h) and applied at
 * once. The engine checks who asks; this module answers.
 */
#ifndef BEACON_ONCALL_H
#define BEACON_ONCALL_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;
struct duty;
struct oncall_req;
struct msg_reply;

/* Load the overrides in force at now (start-up). 0, or -1. */
int oncall_restore(struct store *, struct duty *, int64_t now);
/* 1 if the method writes (set, clear). */
int oncall_writes(int method);
/*
 * Answer q from `who` into r. NULL when done; else why not (in err),
 * and nothing was changed. A write is in the current transaction: the
 * caller has begun it and commits it before the reply goes out.
 */
const char *oncall_answer(const struct config *, struct store *,
    struct duty *, const char *who, const struct oncall_req *q, int64_t now,
    struct msg_reply *r, char *err, size_t errlen);

#endif
