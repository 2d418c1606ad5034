/* The input device: evdev through libevdev, or a FIFO of input_event. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libevdev/libevdev.h>

#include "input.h"
#include "log.h"
#include "xmalloc.h"

#define INPUT_BATCH 16 /* events read at once from a FIFO */

struct input {
	struct event_base *base;
	char *path;
	int grab;
	struct input_cb cb;
	int fd;
	struct libevdev *dev;	/* NULL: a FIFO */
	struct event *ev;
	struct event *retry;
	unsigned char buf[INPUT_BATCH * sizeof(struct input_event)];
	size_t have;		/* bytes of a FIFO's event not yet whole */
	int up;
	char why[192];		/* the last failure told */
};

static void input_open(struct input *);

int
input_keycode(const char *name)
{
	return libevdev_event_code_from_name(EV_KEY, name);
}

static void
input_tell(struct input *in, int up, const char *why)
{
	if (up == in->up && strcmp(why, in->why) == 0)
		return;
	in->up = up;
	snprintf(in->why, sizeof in->why, "%s", why);
	in->cb.state(in->cb.arg, up, why);
}

static void
input_close(struct input *in)
{
	if (in->ev != NULL)
		event_free(in->ev);
	in->ev = NULL;
	libevdev_free(in->dev);
	in->dev = NULL;
	if (in->fd != -1)
		close(in->fd);
	in->fd = -1;
	in->have = 0;
}

static void
input_lost(struct input *in, const char *why)
{
	struct timeval tv = { INPUT_RETRY / 1000, INPUT_RETRY % 1000 * 1000 };

	input_close(in);
	input_tell(in, 0, why);
	evtimer_add(in->retry, &tv);
}

static void
input_event(struct input *in, const struct input_event *ev)
{
	if (ev->type == EV_KEY)
		in->cb.key(in->cb.arg, ev->code, ev->value);
}

_Static_assert(INPUT_READ_EVENT == LIBEVDEV_READ_STATUS_SUCCESS,
    "INPUT_READ_EVENT is libevdev's");
_Static_assert(INPUT_READ_SYNC == LIBEVDEV_READ_STATUS_SYNC,
    "INPUT_READ_SYNC is libevdev's");

enum input_step
input_evdev_step(int *sync, int rc, const struct input_event *ev)
{
	if (rc == INPUT_READ_SYNC)
		*sync = 1;
	else if (rc == -EAGAIN && *sync) {
		/* The resync is over: on with the events as they come. */
		*sync = 0;
		return INPUT_NEXT;
	} else if (rc == -EAGAIN)
		return INPUT_WAIT;
	else if (rc < 0)
		return INPUT_GONE;
	return ev->type == EV_KEY ? INPUT_KEY : INPUT_NEXT;
}

/* libevdev: after SYN_DROPPED it replays what changed, in SYNC mode. */
static void
input_read_evdev(struct input *in)
{
	struct input_event ev;
	int rc, sync = 0;

	for (;;) {
		rc = libevdev_next_event(in->dev, sync ?
		    LIBEVDEV_READ_FLAG_SYNC : LIBEVDEV_READ_FLAG_NORMAL, &ev);
		switch (input_evdev_step(&sync, rc, &ev)) {
		case INPUT_KEY:
			input_event(in, &ev);
			break;
		case INPUT_NEXT:
			break;
		case INPUT_WAIT:
			return;
		case INPUT_GONE:
			/* ENODEV: unplugged. */
			input_lost(in, strerror(-rc));
			return;
		}
	}
}

static void
input_read_fifo(struct input *in)
{
	struct input_event ev;
	size_t off;
	ssize_t n;

	n = read(in->fd, in->buf + in->have, sizeof in->buf - in->have);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		input_lost(in, n == 0 ? "end of file" : strerror(errno));
		return;
	}
	in->have += (size_t)n;
	for (off = 0; in->have - off >= sizeof ev; off += sizeof ev) {
		memcpy(&ev, in->buf + off, sizeof ev);
		input_event(in, &ev);
	}
	memmove(in->buf, in->buf + off, in->have - off);
	in->have -= off;
}

static void
input_readable(evutil_socket_t fd, short what, void *arg)
{
	struct input *in = arg;

	(void)fd;
	(void)what;
	if (in->dev != NULL)
		input_read_evdev(in);
	else
		input_read_fifo(in);
}

static void
input_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	input_open(arg);
}

/* libevdev on an evdev node; 0, or -1 with why. */
static int
input_evdev(struct input *in, char *why, size_t len)
{
	int rc;

	if ((rc = libevdev_new_from_fd(in->fd, &in->dev)) < 0) {
		in->dev = NULL;
		snprintf(why, len, "not an evdev input device: %s",
		    strerror(-rc));
		return -1;
	}
	if (!libevdev_has_event_type(in->dev, EV_KEY))
		log_warnx("input %s (%s) has no keys", in->path,
		    libevdev_get_name(in->dev));
	if (in->grab && libevdev_grab(in->dev, LIBEVDEV_GRAB) < 0)
		log_warnx("input %s: cannot take it for itself (another "
		    "program has it?): its presses also reach the desk "
		    "computer", in->path);
	log_info("event=input_open path=%s name=\"%s\"", in->path,
	    libevdev_get_name(in->dev));
	return 0;
}

/* Open the device; 0, or -1 with why. */
static int
input_try(struct input *in, char *why, size_t len)
{
	struct stat sb;
	int flags = O_RDONLY;

	if (stat(in->path, &sb) == -1) {
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISCHR(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
		snprintf(why, len, "not an input device (nor a FIFO)");
		return -1;
	}
	/* Holding the write end too, a FIFO never reads as ended when
	 * whoever feeds it closes. */
	if (S_ISFIFO(sb.st_mode))
		flags = O_RDWR;
	if ((in->fd = open(in->path, flags | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(why, len, "%s%s", strerror(errno), errno == EACCES ?
		    " (is the user in the input group? see docs/button.md)" :
		    "");
		return -1;
	}
	if (S_ISCHR(sb.st_mode) && input_evdev(in, why, len) != 0)
		return -1;
	return 0;
}

static void
input_open(struct input *in)
{
	char why[sizeof in->why] = "";

	if (input_try(in, why, sizeof why) != 0) {
		input_lost(in, why);
		return;
	}
	in->ev = event_new(in->base, in->fd, EV_READ | EV_PERSIST,
	    input_readable, in);
	if (in->ev == NULL || event_add(in->ev, NULL) != 0)
		fatalx("input: cannot watch %s", in->path);
	input_tell(in, 1, "open");
}

struct input *
input_new(struct event_base *base, const char *path, int grab,
    const struct input_cb *cb)
{
	struct input *in = xcalloc(1, sizeof *in);

	in->base = base;
	in->path = xstrdup(path);
	in->grab = grab;
	in->cb = *cb;
	in->fd = -1;
	in->up = -1; /* neither: the first state is always told */
	if ((in->retry = evtimer_new(base, input_retry, in)) == NULL)
		fatalx("input: cannot create a timer");
	input_open(in);
	return in;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	input_close(in);
	event_free(in->retry);
	free(in->path);
	free(in);
}
