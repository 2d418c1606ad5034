/*
 * The libFuzzer entry point each harness defines. `make fuzz` links the
 * harnesses with libFuzzer; the test suite links them with replay.c, which
 * feeds them the committed corpus (docs/reliability.md, "Fuzzing").
 */
#ifndef BEACON_FUZZ_H
#define BEACON_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold for every input: a finding when it does not. */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: failed: %s\n", __FILE__,      \
			    __LINE__, #cond);                                  \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
