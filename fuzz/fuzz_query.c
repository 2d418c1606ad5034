/*
 * beacon/query/{responder}: a supervisor's request, debrief records
 * included, read by beacond. A decoded request names a real method and,
 * once encoded, decodes to the same request; a refusal says why.
 */
#include <string.h>

#include "fuzz.h"
#include "msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct query q, back;	/* a debrief is large for a stack */
	char err[256] = "", *s, *again;

	if (msg_query_decode(data, size, &q, err, sizeof err) != MSG_OK) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(msg_query_method_name(q.method) != NULL);
	s = msg_query_encode(&q);
	FUZZ_CHECK(msg_query_decode(s, strlen(s), &back, err,
	    sizeof err) == MSG_OK);
	again = msg_query_encode(&back);
	FUZZ_CHECK(strcmp(s, again) == 0);
	free(again);
	free(s);
	return 0;
}
