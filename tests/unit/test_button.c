/*
 * beacon-button's pure parts: the spool (across a "restart", with a
 * damaged line), the configuration and its key mapping, the reports a
 * press makes, debounce and long press on made-up times, the device
 * payloads it sends and reads, and the reading of an evdev device over
 * recorded answers of libevdev (SYN_DROPPED and its resync, keys, unplug).
 */
#include <linux/input.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "beacon.h"
#include "button.h"
#include "button_conf.h"
#include "fixture.h"
#include "input.h"
#include "msg.h"
#include "press.h"
#include "spool.h"
#include "xmalloc.h"

/* ---- helpers ------------------------------------------------------------ */

struct dir {
	char path[64];
	char *spool;
};

static int
dir_setup(void **state)
{
	struct dir *d = xcalloc(1, sizeof *d);

	snprintf(d->path, sizeof d->path, "/tmp/beacon-button-XXXXXX");
	if (mkdtemp(d->path) == NULL)
		return -1;
	d->spool = xasprintf("%s/desk-3.spool", d->path);
	*state = d;
	return 0;
}

static int
dir_teardown(void **state)
{
	struct dir *d = *state;
	char *cmd = xasprintf("rm -rf '%s'", d->path);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", d->path);
	free(cmd);
	free(d->spool);
	free(d);
	return 0;
}

static struct spool *
spool_must(const char *path)
{
	struct spool *s;
	char *cause = NULL;

	s = spool_open(path, &cause);
	if (s == NULL)
		fail_msg("spool_open: %s", cause);
	return s;
}

static void
report_make(struct report *r, const char *id, const char *type)
{
	memset(r, 0, sizeof *r);
	strlcpy_utf8(r->id, id, sizeof r->id);
	strlcpy_utf8(r->type, type, sizeof r->type);
	strlcpy_utf8(r->location, "Front desk, près de l'entrée",
	    sizeof r->location);
	strlcpy_utf8(r->device, "desk-3", sizeof r->device);
	r->silent = 1;
}

static char *
file_read(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
file_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* ---- the spool ---------------------------------------------------------- */

static void
test_spool_restart(void **state)
{
	struct dir *d = *state;
	struct spool *s = spool_must(d->spool);
	struct report a, b;
	const struct report *r;

	assert_int_equal(spool_count(s), 0);
	assert_int_equal(access(d->spool, F_OK), -1); /* made on first use */
	report_make(&a, "btn-0000000000000001", "medical");
	report_make(&b, "btn-0000000000000002", "duress");
	assert_int_equal(spool_add(s, &a), 0);
	assert_int_equal(spool_add(s, &b), 0);
	assert_int_equal(lines(file_read(d->spool)), 2);
	spool_close(s);

	/* After a restart: the same reports, the same ids, in order. */
	s = spool_must(d->spool);
	assert_int_equal(spool_count(s), 2);
	r = spool_get(s, 0);
	assert_string_equal(r->id, "btn-0000000000000001");
	assert_string_equal(r->type, "medical");
	assert_string_equal(r->location, "Front desk, près de l'entrée");
	assert_string_equal(r->device, "desk-3");
	assert_true(r->silent);
	assert_string_equal(spool_get(s, 1)->id, "btn-0000000000000002");
	assert_null(spool_get(s, 2));

	/* A status came for the first: it goes, on disk too. */
	assert_int_equal(spool_remove(s, "btn-0000000000000001"), 0);
	assert_int_equal(spool_remove(s, "btn-0000000000000001"), -1);
	assert_false(spool_has(s, "btn-0000000000000001"));
	assert_true(spool_has(s, "btn-0000000000000002"));
	spool_close(s);
	s = spool_must(d->spool);
	assert_int_equal(spool_count(s), 1);
	assert_string_equal(spool_get(s, 0)->id, "btn-0000000000000002");
	assert_int_equal(spool_remove(s, "btn-0000000000000002"), 0);
	spool_close(s);
	assert_string_equal(file_read(d->spool), "");
}

/* A line that is not a report, and the last line cut short by a crash
 * in the middle of an append: dropped with a warning that names the
 * line, and the file rewritten so that the next append starts clean. */
static void
test_spool_damaged(void **state)
{
	struct dir *d = *state;
	struct spool *s;
	struct report r;
	char *log, *text;

	report_make(&r, "btn-00000000000000aa", "medical");
	text = msg_report_encode(&r);
	file_write(d->spool, "");
	s = spool_must(d->spool);
	spool_close(s);
	{
		char *all = xasprintf("%s\nnot json at all\n"
		    "{\"type\": \"medical\"}\n%s\n{\"id\": \"btn-00000000000000bb\","
		    " \"type\": \"med", text, text);

		file_write(d->spool, all);
		free(all);
	}
	fixture_capture_start();
	s = spool_must(d->spool);
	log = fixture_capture_stop();
	assert_int_equal(spool_count(s), 1);
	assert_string_equal(spool_get(s, 0)->id, "btn-00000000000000aa");
	assert_non_null(strstr(log, ".spool:2: unreadable report dropped"));
	assert_non_null(strstr(log, ".spool:3: unreadable report dropped"));
	assert_non_null(strstr(log, ".spool:4: report btn-00000000000000aa "
	    "twice"));
	assert_non_null(strstr(log, ".spool:5: unreadable report dropped"));
	assert_int_equal(lines(file_read(d->spool)), 1);

	report_make(&r, "btn-00000000000000cc", "overdose");
	assert_int_equal(spool_add(s, &r), 0);
	spool_close(s);
	s = spool_must(d->spool);
	assert_int_equal(spool_count(s), 2);
	assert_string_equal(spool_get(s, 1)->id, "btn-00000000000000cc");
	spool_close(s);
	free(text);
}

static void
test_spool_locked(void **state)
{
	struct dir *d = *state;
	struct spool *s = spool_must(d->spool), *t;
	char *cause = NULL, *missing;

	t = spool_open(d->spool, &cause);
	assert_null(t);
	assert_non_null(strstr(cause, "in use by another process"));
	free(cause);
	spool_close(s);
	t = spool_must(d->spool); /* free again once the first is closed */
	spool_close(t);

	missing = xasprintf("%s/no/such/dir/x.spool", d->path);
	assert_null(spool_open(missing, &cause));
	assert_non_null(strstr(cause, "No such file or directory"));
	free(cause);
	free(missing);
}

/* ---- the configuration and the keys ------------------------------------- */

static struct button_conf *
conf_must(const char *text)
{
	struct button_conf *cf;
	char *cause = NULL;

	if (button_conf_load_string(text, "t.conf", input_keycode, &cf,
	    &cause) != 0)
		fail_msg("%s", cause);
	return cf;
}

static char *
conf_errors(const char *text)
{
	static char buf[4096];
	struct button_conf *cf;
	char *cause = NULL;

	assert_int_equal(button_conf_load_string(text, "t.conf",
	    input_keycode, &cf, &cause), -1);
	assert_null(cf);
	snprintf(buf, sizeof buf, "%s", cause);
	free(cause);
	return buf;
}

static void
test_conf_shipped(void **state)
{
	const char *src = getenv("BEACON_SRC");
	char *path = xasprintf("%s/conf/beacon-button.conf", src ? src : ".");
	struct button_conf *cf;
	char *cause = NULL;

	(void)state;
	if (button_conf_load(path, input_keycode, &cf, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cf->broker_host, "127.0.0.1");
	assert_int_equal(cf->broker_port, 1883);
	assert_string_equal(cf->topic_prefix, "beacon");
	assert_string_equal(cf->device, "desk-3");
	assert_string_equal(cf->branch, "central");
	assert_string_equal(cf->spool, "/var/lib/beacon-button/desk-3.spool");
	assert_int_equal(cf->selftest, 60);
	assert_int_equal(cf->long_press, 2000);
	assert_string_equal(cf->long_press_type, "duress");
	assert_true(cf->grab);
	assert_int_equal(cf->nkeys, 3);
	button_conf_free(cf);
	free(path);
}

static const char minimal[] =
    "device: { path = \"/dev/input/by-id/usb-x-event-kbd\"; id = \"desk-3\";\n"
    "  branch = \"central\"; location = \"Front desk\";\n"
    "  keys = ( { key = \"KEY_F1\"; type = \"medical\"; },\n"
    "    { key = \"BTN_0\"; type = \"duress\"; silent = true; } ); };\n";

static void
test_conf_keys(void **state)
{
	struct button_conf *cf = conf_must(minimal);

	(void)state;
	assert_int_equal(cf->keys[0].code, 59);		/* KEY_F1 */
	assert_int_equal(cf->keys[1].code, 0x100);	/* BTN_0 */
	assert_int_equal(button_key_index(cf, 59), 0);
	assert_int_equal(button_key_index(cf, 0x100), 1);
	assert_int_equal(button_key_index(cf, 60), -1);	/* KEY_F2 */
	/* Defaults. */
	assert_int_equal(cf->long_press, 0);
	assert_string_equal(cf->long_press_type, "duress");
	assert_true(cf->grab);
	assert_int_equal(cf->selftest, 60);
	assert_int_equal(cf->keepalive, 30);
	assert_string_equal(cf->spool, "/var/lib/beacon-button/desk-3.spool");
	assert_null(cf->username);
	button_conf_free(cf);
}

static void
test_conf_errors(void **state)
{
	const char *e;

	(void)state;
	e = conf_errors("brokr = \"x\";\nselftest = 5.5;\n"
	    "device: {\n  path = \"/dev/x\";\n  id = \"desk 3\";\n"
	    "  branch = \"central\";\n  long_press = 2000;\n  grab = 1;\n"
	    "  keys = ( { key = \"KEY_NOPE\"; type = \"medical\"; },\n"
	    "    { key = \"KEY_F1\"; type = \"x\"; },\n"
	    "    { key = \"KEY_F1\"; type = \"y\"; } );\n};\n");
	assert_string_equal(e,
	    "t.conf:1: beacon-button: unknown setting \"brokr\"\n"
	    "t.conf:2: beacon-button: selftest must be a whole number (no "
	    "quotes, no decimal point)\n"
	    "t.conf:5: device: id \"desk 3\" is not valid: use 1 to 64 "
	    "letters, digits, '.', '_', ':' or '-' (no spaces)\n"
	    "t.conf:7: device: long_press is in seconds: 0.5 to 30, or 0 for "
	    "none, not 2000\n"
	    "t.conf:8: device: grab must be true or false (no quotes)\n"
	    "t.conf:9: device: unknown key \"KEY_NOPE\": use an evdev name "
	    "such as KEY_F1 or BTN_0 (evtest lists a device's keys)\n"
	    "t.conf:11: device: key \"KEY_F1\" is already mapped on line 10\n");
	e = conf_errors("selftest = 10;\n");
	assert_string_equal(e, "t.conf:1: beacon-button: missing \"device\"\n");
	e = conf_errors("device: { path = \"/dev/x\"; id = \"d\"; branch = "
	    "\"b\"; keys = []; };\npassword = \"p\";\n");
	assert_string_equal(e,
	    "t.conf:1: device: keys is empty: map at least one, e.g. ( { key "
	    "= \"KEY_F1\"; type = \"medical\"; } )\n"
	    "t.conf:2: beacon-button: password without a username\n");
}

/* ---- the report of a press ---------------------------------------------- */

static void
test_report_fill(void **state)
{
	struct button_conf *cf = conf_must(minimal);
	struct report a, b;
	size_t i;

	(void)state;
	button_report_fill(cf, &cf->keys[0], PRESS_SHORT, &a);
	button_report_fill(cf, &cf->keys[0], PRESS_SHORT, &b);
	assert_int_equal(strlen(a.id), 20);
	assert_memory_equal(a.id, "btn-", 4);
	for (i = 4; i < 20; i++)
		assert_non_null(strchr("0123456789abcdef", a.id[i]));
	assert_string_not_equal(a.id, b.id); /* a fresh id each press */
	assert_string_equal(a.type, "medical");
	assert_string_equal(a.device, "desk-3");
	assert_string_equal(a.location, "Front desk");
	assert_false(a.silent);

	button_report_fill(cf, &cf->keys[1], PRESS_SHORT, &a);
	assert_string_equal(a.type, "duress");
	assert_true(a.silent);
	/* A long press of any key: the long press's category, silent. */
	free(cf->long_press_type);
	cf->long_press_type = xstrdup("weapon");
	button_report_fill(cf, &cf->keys[0], PRESS_LONG, &a);
	assert_string_equal(a.type, "weapon");
	assert_true(a.silent);
	button_conf_free(cf);
}

/* ---- presses on made-up times ------------------------------------------- */

static void
test_press_at_once(void **state)
{
	struct press p;

	(void)state;
	press_init(&p, 0);
	assert_int_equal(press_key(&p, 1, 1000), PRESS_SHORT);
	assert_int_equal(press_deadline(&p), -1);
	assert_int_equal(press_key(&p, 2, 1250), PRESS_NONE);	/* repeat */
	assert_int_equal(press_key(&p, 1, 1260), PRESS_NONE);	/* seen */
	assert_int_equal(press_tick(&p, 99999), PRESS_NONE);
	assert_int_equal(press_key(&p, 0, 1400), PRESS_NONE);
	/* Bounce after the release: within 300 ms of it, nothing. */
	assert_int_equal(press_key(&p, 1, 1410), PRESS_NONE);
	assert_int_equal(press_key(&p, 0, 1420), PRESS_NONE);
	assert_int_equal(press_key(&p, 1, 1699), PRESS_NONE);
	assert_int_equal(press_key(&p, 0, 1700), PRESS_NONE);
	/* The bounces did not move the window: 300 ms after the release. */
	assert_int_equal(press_key(&p, 1, 1700), PRESS_SHORT);
	assert_int_equal(press_key(&p, 0, 1800), PRESS_NONE);
	/* A release that never had its press: nothing. */
	assert_int_equal(press_key(&p, 0, 5000), PRESS_NONE);
}

static void
test_press_long(void **state)
{
	struct press p;

	(void)state;
	press_init(&p, 2000);
	assert_int_equal(press_key(&p, 1, 10000), PRESS_NONE);
	assert_int_equal(press_deadline(&p), 12000);
	assert_int_equal(press_key(&p, 2, 10500), PRESS_NONE);	/* repeat */
	assert_int_equal(press_tick(&p, 11999), PRESS_NONE);
	/* Fired while still held: a duress does not wait for the release. */
	assert_int_equal(press_tick(&p, 12000), PRESS_LONG);
	assert_int_equal(press_deadline(&p), -1);
	assert_int_equal(press_tick(&p, 13000), PRESS_NONE);	/* once */
	assert_int_equal(press_key(&p, 0, 14000), PRESS_NONE);
	assert_int_equal(press_deadline(&p), -1);
}

static void
test_press_long_tap(void **state)
{
	struct press p;

	(void)state;
	press_init(&p, 2000);
	/* Released before the long press: an ordinary press, on release. */
	assert_int_equal(press_key(&p, 1, 0), PRESS_NONE);
	assert_int_equal(press_key(&p, 0, 150), PRESS_SHORT);
	assert_int_equal(press_deadline(&p), -1);
	assert_int_equal(press_tick(&p, 5000), PRESS_NONE);
	/* A bounce of that release is no press, and no long press either. */
	assert_int_equal(press_key(&p, 1, 160), PRESS_NONE);
	assert_int_equal(press_deadline(&p), -1);
	assert_int_equal(press_tick(&p, 2160), PRESS_NONE);
	assert_int_equal(press_key(&p, 0, 2200), PRESS_NONE);
	/* A new press later counts again. */
	assert_int_equal(press_key(&p, 1, 3000), PRESS_NONE);
	assert_int_equal(press_deadline(&p), 5000);
	assert_int_equal(press_key(&p, 0, 4999), PRESS_SHORT);
}

/* A key held when the device went away: forgotten (press_init again). */
static void
test_press_reset(void **state)
{
	struct press p;

	(void)state;
	press_init(&p, 2000);
	assert_int_equal(press_key(&p, 1, 0), PRESS_NONE);
	press_init(&p, 2000);
	assert_int_equal(press_deadline(&p), -1);
	assert_int_equal(press_key(&p, 0, 100), PRESS_NONE);
	assert_int_equal(press_key(&p, 1, 200), PRESS_NONE);
	assert_int_equal(press_deadline(&p), 2200);
}

/* ---- the device payloads ------------------------------------------------ */

static void
test_msg_devices(void **state)
{
	struct presence pr;
	struct selftest st;
	char *s, id[ID_MAX + 1], err[DETAIL_MAX + 1];
	const char *c;

	(void)state;
	s = msg_presence_encode("offline", "button", 0);
	assert_string_equal(s, "{\"state\":\"offline\",\"kind\":\"button\"}");
	assert_int_equal(msg_presence_decode(s, strlen(s), &pr, err,
	    sizeof err), MSG_OK);
	assert_false(pr.online);
	assert_int_equal(pr.ts, 0); /* a will: no time */
	free(s);
	s = msg_presence_encode("online", "button", 1795600800123LL);
	assert_string_equal(s, "{\"state\":\"online\",\"kind\":\"button\","
	    "\"ts\":\"2026-11-25T10:00:00.123Z\"}");
	free(s);

	s = msg_selftest_encode("st-01", 1795600800000LL, -1);
	assert_string_equal(s, "{\"id\":\"st-01\","
	    "\"ts\":\"2026-11-25T10:00:00.000Z\"}");
	free(s);
	s = msg_selftest_encode("st-02", 1795600800000LL, 12);
	assert_int_equal(msg_selftest_decode(s, strlen(s), &st, err,
	    sizeof err), MSG_OK);
	assert_string_equal(st.id, "st-02");
	assert_int_equal(st.last_rtt_ms, 12);
	free(s);

	s = msg_selftest_result_encode("st-02", 1795600800004LL);
	assert_int_equal(msg_selftest_result_decode(s, strlen(s), id,
	    sizeof id), MSG_OK);
	assert_string_equal(id, "st-02");
	free(s);
	c = "{\"id\":\"st-3\",\"ok\":false}";
	assert_int_equal(msg_selftest_result_decode(c, strlen(c), id,
	    sizeof id), MSG_BAD);
	assert_string_equal(id, "st-3");
	c = "{\"ok\":true}";
	assert_int_equal(msg_selftest_result_decode(c, strlen(c), id,
	    sizeof id), MSG_NOID);
	assert_int_equal(msg_selftest_result_decode("nope", 4, id, sizeof id),
	    MSG_NOID);
}

/* ---- reading an evdev device ------------------------------------------- */

/*
 * Recorded answers of libevdev_next_event, replayed through
 * input_evdev_step as input.c's loop reads them. Each answer also records
 * how it was asked for (sync): libevdev gives a resync's events only to a
 * reader that asks in sync mode, and drops them if asked otherwise.
 */
struct answer {
	int sync;		/* asked in sync mode */
	int rc;			/* INPUT_READ_EVENT, INPUT_READ_SYNC, -errno */
	struct input_event ev;
};

#define EV(t, c, v) { .type = (t), .code = (c), .value = (v) }

/* The keys told, as code * 10 + value, in told; the count in *ntold. The
 * step that ended the read (INPUT_WAIT or INPUT_GONE) is returned; the
 * read must end at the last answer and at no other. */
static enum input_step
replay(const struct answer *a, size_t n, int *told, size_t *ntold)
{
	enum input_step step = INPUT_NEXT;
	size_t i;
	int sync = 0;

	*ntold = 0;
	for (i = 0; i < n; i++) {
		if (sync != a[i].sync)
			fail_msg("answer %zu asked for in %s mode", i,
			    sync ? "sync" : "normal");
		step = input_evdev_step(&sync, a[i].rc, &a[i].ev);
		if (step == INPUT_KEY)
			told[(*ntold)++] = a[i].ev.code * 10 + a[i].ev.value;
		if (step == INPUT_WAIT || step == INPUT_GONE)
			break;
	}
	if (i != n - 1)
		fail_msg("the read ended at answer %zu of %zu", i, n);
	return step;
}

/* A press and its release: keys are told, the rest (scan codes, the
 * SYN_REPORT that closes each frame) is not; -EAGAIN waits. */
static void
test_evdev_keys(void **state)
{
	static const struct answer a[] = {
		{ 0, INPUT_READ_EVENT, EV(EV_MSC, MSC_SCAN, 0x7003a) },
		{ 0, INPUT_READ_EVENT, EV(EV_KEY, KEY_F1, 1) },
		{ 0, INPUT_READ_EVENT, EV(EV_SYN, SYN_REPORT, 0) },
		{ 0, INPUT_READ_EVENT, EV(EV_KEY, KEY_F1, 2) },
		{ 0, INPUT_READ_EVENT, EV(EV_SYN, SYN_REPORT, 0) },
		{ 0, INPUT_READ_EVENT, EV(EV_KEY, KEY_F1, 0) },
		{ 0, INPUT_READ_EVENT, EV(EV_SYN, SYN_REPORT, 0) },
		{ 0, -EAGAIN, EV(0, 0, 0) },
	};
	int told[8];
	size_t n;

	(void)state;
	assert_int_equal(replay(a, 8, told, &n), INPUT_WAIT);
	assert_int_equal(n, 3);
	assert_int_equal(told[0], KEY_F1 * 10 + 1);
	assert_int_equal(told[1], KEY_F1 * 10 + 2);
	assert_int_equal(told[2], KEY_F1 * 10 + 0);
}

/* The kernel dropped events while F1 was held (SYN_DROPPED): libevdev's
 * resync says F1 went up meanwhile, which must be told, or the button
 * would think the key still held; after the resync, reading goes on in
 * normal mode and the next press (F2) is told in the same read. */
static void
test_evdev_syn_dropped(void **state)
{
	static const struct answer a[] = {
		{ 0, INPUT_READ_EVENT, EV(EV_KEY, KEY_F1, 1) },
		{ 0, INPUT_READ_EVENT, EV(EV_SYN, SYN_REPORT, 0) },
		{ 0, INPUT_READ_SYNC, EV(EV_SYN, SYN_DROPPED, 0) },
		{ 1, INPUT_READ_SYNC, EV(EV_KEY, KEY_F1, 0) },
		{ 1, INPUT_READ_SYNC, EV(EV_SYN, SYN_REPORT, 0) },
		{ 1, -EAGAIN, EV(0, 0, 0) },
		{ 0, INPUT_READ_EVENT, EV(EV_KEY, KEY_F2, 1) },
		{ 0, INPUT_READ_EVENT, EV(EV_SYN, SYN_REPORT, 0) },
		{ 0, -EAGAIN, EV(0, 0, 0) },
	};
	int told[8];
	size_t n;

	(void)state;
	assert_int_equal(replay(a, 9, told, &n), INPUT_WAIT);
	assert_int_equal(n, 3);
	assert_int_equal(told[0], KEY_F1 * 10 + 1);
	assert_int_equal(told[1], KEY_F1 * 10 + 0);
	assert_int_equal(told[2], KEY_F2 * 10 + 1);
}

/* Unplugged (-ENODEV), in normal mode or in the middle of a resync: the
 * device is gone (input.c closes it and tries again), after the keys
 * that came before. */
static void
test_evdev_unplug(void **state)
{
	static const struct answer plain[] = {
		{ 0, INPUT_READ_EVENT, EV(EV_KEY, KEY_F1, 1) },
		{ 0, -ENODEV, EV(0, 0, 0) },
	};
	static const struct answer resync[] = {
		{ 0, INPUT_READ_SYNC, EV(EV_SYN, SYN_DROPPED, 0) },
		{ 1, INPUT_READ_SYNC, EV(EV_KEY, KEY_F2, 1) },
		{ 1, -ENODEV, EV(0, 0, 0) },
	};
	int told[4];
	size_t n;

	(void)state;
	assert_int_equal(replay(plain, 2, told, &n), INPUT_GONE);
	assert_int_equal(n, 1);
	assert_int_equal(told[0], KEY_F1 * 10 + 1);
	assert_int_equal(replay(resync, 3, told, &n), INPUT_GONE);
	assert_int_equal(n, 1);
	assert_int_equal(told[0], KEY_F2 * 10 + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spool_restart, dir_setup,
		    dir_teardown),
		cmocka_unit_test_setup_teardown(test_spool_damaged, dir_setup,
		    dir_teardown),
		cmocka_unit_test_setup_teardown(test_spool_locked, dir_setup,
		    dir_teardown),
		cmocka_unit_test(test_conf_shipped),
		cmocka_unit_test(test_conf_keys),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_report_fill),
		cmocka_unit_test(test_press_at_once),
		cmocka_unit_test(test_press_long),
		cmocka_unit_test(test_press_long_tap),
		cmocka_unit_test(test_press_reset),
		cmocka_unit_test(test_msg_devices),
		cmocka_unit_test(test_evdev_keys),
		cmocka_unit_test(test_evdev_syn_dropped),
		cmocka_unit_test(test_evdev_unplug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
