/*
 * beacon/respond/{responder}: a responder's answer to a notification, read
 * by beacond. A decoded response names a real action and survives
 * encode/decode unchanged; a refusal says why.
 */
#include <string.h>

#include "fuzz.h"
#include "msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct respond rs, back;
	char err[256] = "", *s, *again;

	if (msg_respond_decode(data, size, &rs, err, sizeof err) != MSG_OK) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(msg_action_name(rs.action) != NULL && rs.incident > 0);
	s = msg_respond_encode(&rs);
	FUZZ_CHECK(msg_respond_decode(s, strlen(s), &back, err,
	    sizeof err) == MSG_OK);
	again = msg_respond_encode(&back);
	FUZZ_CHECK(strcmp(s, again) == 0);
	free(again);
	free(s);
	return 0;
}
