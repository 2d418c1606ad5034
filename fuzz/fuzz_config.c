/*
 * The configuration checker (`beacond --check-config`, and every start and
 * SIGHUP): libconfig's parser and the conf module's checks, for beacon.conf and
 * beacon-button.conf. Each input is read as both. A valid configuration
 * gets its summary; a refused one has a cause to print, ending in a
 * newline.
 */
#include <string.h>

#include "button_conf.h"
#include "conf.h"
#include "fuzz.h"

/* A few evdev names, as beacon-button's input.c would answer. */
static int
keycode(const char *name)
{
	static const struct {
		const char *name;
		int code;
	} keys[] = { { "KEY_F1", 59 }, { "KEY_F2", 60 }, { "BTN_0", 256 } };
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i].name, name) == 0)
			return keys[i].code;
	return -1;
}

static void
check_cause(char *cause)
{
	size_t n;

	FUZZ_CHECK(cause != NULL);
	n = strlen(cause);
	FUZZ_CHECK(n > 0 && cause[n - 1] == '\n');
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cf;
	struct button_conf *bc;
	char *text, *cause = NULL;

	/* @include reads other files (relative to the working directory,
	 * when read from a string): not this input, and not deterministic. */
	if (memmem(data, size, "@include", 8) != NULL)
		return 0;
	text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';

	if (conf_load_string(text, "fuzz.conf", &cf, &cause) == 0) {
		FUZZ_CHECK(cf != NULL);
		free(conf_summary(cf));
		conf_free(cf);
	} else
		check_cause(cause);

	cause = NULL;
	if (button_conf_load_string(text, "fuzz.conf", keycode, &bc,
	    &cause) == 0) {
		FUZZ_CHECK(bc != NULL);
		free(button_conf_summary(bc));
		button_conf_free(bc);
	} else
		check_cause(cause);
	free(text);
	return 0;
}
