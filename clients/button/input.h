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

/* The code of an EV_KEY name ("KEY_F1", "BTN_0"), or -1. */
int input_keycode(const char *name);

/*
 * Reading an evdev device is a loop over libevdev_next_event; what to do
 * with each of its answers is decided here, apart, so that the unit tests
 * replay recorded answers where there is no device. rc is
 * INPUT_READ_EVENT (an event), INPUT_READ_SYNC (an event of the resync
 * libevdev makes after SYN_DROPPED, when the kernel dropped events: first
 * the SYN_DROPPED, then what changed meanwhile, such as the release of a
 * key held) or a negative errno (-EAGAIN: nothing more now; -ENODEV:
 * unplugged). *sync is how to ask next: 1 from a SYN_DROPPED until the
 * resync's -EAGAIN, then 0 again.
 */
#define INPUT_READ_EVENT 0	/* LIBEVDEV_READ_STATUS_SUCCESS */
#define INPUT_READ_SYNC 1	/* LIBEVDEV_READ_STATUS_SYNC */

enum input_step {
	INPUT_KEY,	/* ev is a key: tell cb.key, read on */
	INPUT_NEXT,	/* nothing to tell: read on */
	INPUT_WAIT,	/* nothing more: wait until the device is readable */
	INPUT_GONE,	/* the device failed (unplugged): close, try again */
};

struct input_event;
enum input_step input_evdev_step(int *sync, int rc,
    const struct input_event *ev);

#endif
