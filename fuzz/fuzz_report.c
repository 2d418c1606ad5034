/*
 * beacon/report/{branch}: what any branch device may publish, read by
 * beacond. Besides not crashing: an id comes back whenever a reply is
 * due, every refusal says why, and a decoded report survives
 * encode/decode unchanged.
 */
#include <string.h>

#include "fuzz.h"
#include "msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report r, back;
	char err[256] = "", *s, *again;
	int rc;

	rc = msg_report_decode(data, size, &r, err, sizeof err);
	if (rc != MSG_OK) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(rc == MSG_NOID || id_valid(r.id));
		return 0;
	}
	FUZZ_CHECK(id_valid(r.id) && r.type[0] != '\0');
	s = msg_report_encode(&r);
	FUZZ_CHECK(msg_report_decode(s, strlen(s), &back, err,
	    sizeof err) == MSG_OK);
	again = msg_report_encode(&back);
	FUZZ_CHECK(strcmp(s, again) == 0);
	free(again);
	free(s);
	return 0;
}
