/*
 * What beacond publishes and the clients read (beacon, beacon-button, the
 * push notifier): status, notifications, incidents, timeline events,
 * errors, the daemon's status and heartbeat, debriefs, query replies and
 * self-test results. A broker, or anyone who may publish on those topics,
 * controls these bytes too, so every decoder runs on every input. What
 * decodes is encoded again, as `beacon ... --json` and the push notifier
 * do.
 */
#include <string.h>

#include "fuzz.h"
#include "msg.h"

static int
count_item(const char *json, size_t len, void *arg)
{
	FUZZ_CHECK(strlen(json) == len);
	(*(size_t *)arg)++;
	return 0;
}

static void
fuzz_replies(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "incidents", "events", "debriefs",
		"incident" };
	char err[256];
	size_t i, n = 0;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		msg_reply_decode(data, size, keys[i], count_item, &n, err,
		    sizeof err);
	msg_reply_int(data, size, "revision");
}

static void
fuzz_push(const uint8_t *data, size_t size)
{
	struct push_note pn;
	char err[256] = "", *s;

	if (msg_push_decode(data, size, &pn, err, sizeof err) != MSG_OK) {
		FUZZ_CHECK(err[0] != '\0');
		return;
	}
	FUZZ_CHECK(msg_push_priority(&pn) >= 1 && msg_push_priority(&pn) <= 5);
	s = msg_push_encode(&pn, "crisis-1", NULL, NULL);
	free(s);
	s = msg_push_encode(&pn, "crisis-1", "Central Library",
	    &(struct push_links){ "https://beacon.example.org/app/",
	    "https://beacon.example.org/a/x", NULL });
	free(s);
	s = msg_webpush_encode(&pn, "Central Library",
	    &(struct push_links){ "/responder.html", "https://b/a/x",
	    "https://b/a/y" });
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct debrief d;	/* large for a stack */
	struct status st;
	struct incident inc;
	struct event ev;
	struct heartbeat hb;
	char err[256], role[ID_MAX + 1], state[16], id[ID_MAX + 1];
	int64_t n;

	msg_status_decode(data, size, &st, err, sizeof err);
	msg_notify_decode(data, size, &inc, role, sizeof role, err,
	    sizeof err);
	if (msg_incident_decode(data, size, &inc, err, sizeof err) == MSG_OK)
		free(msg_incident_encode(&inc));
	if (msg_event_decode(data, size, &ev, err, sizeof err) == MSG_OK)
		free(msg_event_encode(&ev));
	msg_error_decode(data, size, err, sizeof err, &n);
	msg_daemon_decode(data, size, state, &n, err, sizeof err);
	if (msg_heartbeat_decode(data, size, &hb, err, sizeof err) == MSG_OK)
		FUZZ_CHECK(hb.nlisted <= HEARTBEAT_LISTED);
	if (msg_debrief_decode(data, size, &d, err, sizeof err) == MSG_OK)
		free(msg_debrief_encode(&d));
	msg_selftest_result_decode(data, size, id, sizeof id);
	fuzz_replies(data, size);
	fuzz_push(data, size);
	return 0;
}
