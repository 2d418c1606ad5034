/*
 * The self-test: every interval a probe on {prefix}/selftest/{branch}/
 * {device}, which beacond answers on .../result once it has recorded it.
 * The answer proves the whole path, broker and beacond, without making an
 * incident; its round trip (monotonic clock) is logged and sent with the
 * next probe. No answer within the timeout is logged as a broken path.
 */
#ifndef BUTTON_PROBE_H
#define BUTTON_PROBE_H

#include <stddef.h>

#define PROBE_TIMEOUT 10000 /* ms; shorter when the interval is */

struct event_base;
struct mqtt;
struct probe;

/* interval in seconds; 0: no self-tests. prefix, branch and device make
 * the self-test topic. */
struct probe *probe_new(struct event_base *, struct mqtt *,
    const char *prefix, const char *branch, const char *device,
    int interval);
void probe_free(struct probe *);
/* Connected: subscribe to the answers and test the path now. */
void probe_connected(struct probe *);
/* A message on the result topic; 0 when it is not one. */
int probe_message(struct probe *, const char *topic, const void *payload,
    size_t len);

#endif
