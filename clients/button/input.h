/*
 * The button's input device in the caller's libevent loop (input.c is the
 * only user of libevdev). An evdev node (/dev/input/...) is read through
 * libevdev and, with grab, taken for this program alone, so that a pedal
 * that calls itself a keyboard does not also type into the desk computer.
 * A FIFO is read as a stream of struct input_event, which is how the tests
 * press keys where there is no /dev/uinput. A device that cannot be opened,
 * or goes away (unplugged), is tried again every INPUT_RETRY ms.
 */
#ifndef BUTTON_INPUT_H
#define BUTTON_INPUT_H

#define INPUT_RETRY 2000 /* ms */

struct event_base;
struct input;

struct input_cb {
	/* An EV_KEY event: value 1 down, 0 up, 2 repeat. */
	void (*key)(void *arg, int code, int value);
	/* The device opened (up), or lost or not to be opened (not up),
	 * with why in words; called again only when either changes. */
	void (*state)(void *arg, int up, const char *why);
	void *arg;
};

/* Opens the device at once (state is called before this returns). */
struct input *input_new(struct event_base *, const char *path, int grab,
    const struct input_cb *);
void input_free(struct input *);
int input_up(const struct input *);

/* The code of an EV_KEY name ("KEY_F1", "BTN_0"), or -1. */
int input_keycode(const char *name);

#endif
