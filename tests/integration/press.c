/*
 * test-press: key presses for beacon-button's integration tests.
 *
 *   test-press fifo PATH KEY HOLD_MS
 *	write KEY down, HOLD_MS later KEY up, as struct input_event, into the
 *	FIFO that beacon-button reads (it must have the FIFO open)
 *   test-press uinput KEY...
 *	make a virtual keyboard with these keys, print its /dev/input/eventN
 *	on a line, then press as told by lines "KEY HOLD_MS" on standard
 *	input; the device goes when standard input ends
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>

static void
die(const char *what, int err)
{
	fprintf(stderr, "test-press: %s: %s\n", what, strerror(err));
	exit(1);
}

static int
code_of(const char *name)
{
	int code = libevdev_event_code_from_name(EV_KEY, name);

	if (code < 0) {
		fprintf(stderr, "test-press: unknown key %s\n", name);
		exit(1);
	}
	return code;
}

static void
hold(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
fifo_write(int fd, int type, int code, int value)
{
	struct input_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.code = code;
	ev.value = value;
	if (write(fd, &ev, sizeof ev) != (ssize_t)sizeof ev)
		die("write", errno);
}

static int
press_fifo(const char *path, const char *key, int ms)
{
	int code = code_of(key), fd;

	/* Non-blocking: without a reader this fails instead of hanging. */
	if ((fd = open(path, O_WRONLY | O_NONBLOCK)) == -1)
		die(path, errno);
	fifo_write(fd, EV_KEY, code, 1);
	fifo_write(fd, EV_SYN, SYN_REPORT, 0);
	hold(ms);
	fifo_write(fd, EV_KEY, code, 0);
	fifo_write(fd, EV_SYN, SYN_REPORT, 0);
	close(fd);
	return 0;
}

static void
uinput_key(struct libevdev_uinput *ui, int code, int value)
{
	int rc;

	if ((rc = libevdev_uinput_write_event(ui, EV_KEY, code, value)) < 0 ||
	    (rc = libevdev_uinput_write_event(ui, EV_SYN, SYN_REPORT, 0)) < 0)
		die("uinput write", -rc);
}

static int
press_uinput(int argc, char **argv)
{
	struct libevdev *dev = libevdev_new();
	struct libevdev_uinput *ui;
	char key[64];
	int i, ms, rc;

	libevdev_set_name(dev, "beacon test button");
	libevdev_enable_event_type(dev, EV_KEY);
	for (i = 0; i < argc; i++)
		libevdev_enable_event_code(dev, EV_KEY, code_of(argv[i]), NULL);
	rc = libevdev_uinput_create_from_device(dev,
	    LIBEVDEV_UINPUT_OPEN_MANAGED, &ui);
	if (rc < 0)
		die("/dev/uinput", -rc);
	printf("%s\n", libevdev_uinput_get_devnode(ui));
	fflush(stdout);
	while (scanf("%63s %d", key, &ms) == 2) {
		uinput_key(ui, code_of(key), 1);
		hold(ms);
		uinput_key(ui, code_of(key), 0);
	}
	libevdev_uinput_destroy(ui);
	libevdev_free(dev);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "fifo") == 0)
		return press_fifo(argv[2], argv[3], atoi(argv[4]));
	if (argc >= 3 && strcmp(argv[1], "uinput") == 0)
		return press_uinput(argc - 2, argv + 2);
	fprintf(stderr, "usage: test-press fifo PATH KEY HOLD_MS\n"
	    "       test-press uinput KEY...\n");
	return 1;
}
