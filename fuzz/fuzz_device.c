/*
 * What devices publish and beacond reads: presence on
 * beacon/device/{branch}/{device} and self-tests on
 * beacon/selftest/{branch}/{device}. Both run on every input; a refusal
 * says why.
 */
#include "fuzz.h"
#include "msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct presence p;
	struct selftest t;
	char err[256] = "";

	if (msg_presence_decode(data, size, &p, err, sizeof err) != MSG_OK)
		FUZZ_CHECK(err[0] != '\0');
	else
		FUZZ_CHECK(p.kind[0] == '\0' || id_valid(p.kind));
	err[0] = '\0';
	if (msg_selftest_decode(data, size, &t, err, sizeof err) != MSG_OK)
		FUZZ_CHECK(err[0] != '\0');
	else
		FUZZ_CHECK(id_valid(t.id));
	return 0;
}
