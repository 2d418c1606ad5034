/*
 * beacon enroll: each phone its own broker account, so that a lost phone
 * is one account removed, not a shared password changed everywhere
 * (docs/security.md). Run on the broker's machine, beside
 * mosquitto_passwd:
 *
 *   beacon enroll RESPONDER --device D --as R   a new account R@D with a
 *       random password, in the password file and the ACL; beacond keeps
 *       it for the phone to claim once, within 15 minutes, by the link
 *       and QR code printed here
 *   beacon enroll RESPONDER --device D --revoke --as R
 *   beacon enroll --list
 *
 * The password goes to mosquitto_passwd on its standard input, never on
 * a command line, and to beacond in a supervisor request.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "beacon.h"
#include "cli.h"
#include "conf.h"
#include "log.h"
#include "msg.h"
#include "source.h"
#include "xmalloc.h"

extern char **environ;

#define ENROLL_TOOL "mosquitto_passwd"
#define ENROLL_PASS_BYTES 18	/* 144 bits: 24 base64url characters */

struct enroll {
	struct cli_opts *o;
	struct config *cf;
	const char *responder;
	const char *passwd;
	const char *acl;
	char user[2 * PHONE_ID];	/* responder@device */
};

/* n bytes (a multiple of 3) as base64url into out (4 n / 3 + 1). */
static void
enroll_b64url(const unsigned char *p, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_";
	unsigned long v;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | p[i + 1] << 8 | p[i + 2];
		*out++ = a[v >> 18 & 63];
		*out++ = a[v >> 12 & 63];
		*out++ = a[v >> 6 & 63];
		*out++ = a[v & 63];
	}
	*out = '\0';
}

static int
enroll_password(char *out)
{
	unsigned char raw[ENROLL_PASS_BYTES];

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		perror("beacon enroll: getrandom");
		return -1;
	}
	enroll_b64url(raw, sizeof raw, out);
	explicit_bzero(raw, sizeof raw);
	return 0;
}

/* Write all of s to fd. */
static void
enroll_feed(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, s, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* the tool's status says what happened */
		s += n;
		len -= (size_t)n;
	}
}

/* Run mosquitto_passwd with argv, input on its standard input and its
 * prompts to /dev/null: its exit status, or -1 (printed). */
static int
enroll_tool(char *const argv[], const char *input)
{
	posix_spawn_file_actions_t fa;
	int fds[2], status, rc;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		perror("beacon enroll: pipe");
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
	    O_WRONLY, 0);
	rc = posix_spawnp(&pid, ENROLL_TOOL, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		fprintf(stderr, "beacon enroll: cannot run " ENROLL_TOOL ": %s "
		    "(Debian's mosquitto package has it)\n", strerror(rc));
		return -1;
	}
	enroll_feed(fds[1], input);
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("beacon enroll: waitpid");
			return -1;
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Add or replace the account's password in the password file. */
static int
enroll_set(const struct enroll *en, const char *pass)
{
	char *argv[] = { ENROLL_TOOL, (char *)en->passwd, (char *)en->user,
		NULL };
	char input[2 * ENROLL_SECRET_MAX + 3];
	int rc;

	/* It asks twice, as on a terminal. */
	snprintf(input, sizeof input, "%s\n%s\n", pass, pass);
	rc = enroll_tool(argv, input);
	explicit_bzero(input, sizeof input);
	if (rc == 0)
		return 0;
	fprintf(stderr, "beacon enroll: " ENROLL_TOOL " could not add %s to "
	    "%s\n", en->user, en->passwd);
	return -1;
}

static int
enroll_delete(const struct enroll *en)
{
	char *argv[] = { ENROLL_TOOL, "-D", (char *)en->passwd,
		(char *)en->user, NULL };

	if (enroll_tool(argv, "") == 0)
		return 0;
	fprintf(stderr, "beacon enroll: " ENROLL_TOOL " could not remove %s "
	    "from %s\n", en->user, en->passwd);
	return -1;
}

/* A new file beside path, with the old one's mode and owner. */
static FILE *
enroll_tmp(const char *path, const char *tmp)
{
	struct stat sb;
	int fd, have = stat(path, &sb) == 0;
	mode_t mode = have ? sb.st_mode & 07777 : 0640;
	FILE *fp;

	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) <
	    0) {
		fprintf(stderr, "beacon enroll: %s: %s\n", tmp, strerror(errno));
		return NULL;
	}
	(void)fchmod(fd, mode);
	if (have && fchown(fd, sb.st_uid, sb.st_gid) != 0 && errno != EPERM)
		fprintf(stderr, "beacon enroll: %s: %s\n", tmp, strerror(errno));
	if ((fp = fdopen(fd, "w")) == NULL)
		fatal("fdopen");
	return fp;
}

/* Make the ACL again, from beacon.conf and the password file: written
 * beside it, then renamed over it, so the broker never reads half. */
static int
enroll_acl(const struct enroll *en)
{
	char *tmp = xasprintf("%s.tmp", en->acl);
	FILE *fp;
	int bad;

	if ((fp = enroll_tmp(en->acl, tmp)) == NULL) {
		free(tmp);
		return -1;
	}
	bad = cmd_acl_write(fp, en->cf, en->passwd) != 0;
	if (!bad && (fflush(fp) != 0 || fsync(fileno(fp)) != 0)) {
		fprintf(stderr, "beacon enroll: %s: %s\n", tmp, strerror(errno));
		bad = 1;
	}
	if (fclose(fp) != 0)
		bad = 1;
	if (!bad && rename(tmp, en->acl) != 0) {
		fprintf(stderr, "beacon enroll: %s: %s\n", en->acl,
		    strerror(errno));
		bad = 1;
	}
	if (bad)
		(void)unlink(tmp);
	free(tmp);
	return bad ? -1 : 0;
}

/* Where phones open the app: --url, http.url, else the listener. */
static char *
enroll_base(const struct enroll *en)
{
	const struct config *cf = en->cf;
	char *base;
	size_t n;

	if (en->o->url != NULL)
		base = xstrdup(en->o->url);
	else if (cf->http_url != NULL)
		base = xstrdup(cf->http_url);
	else if (cf->http_listen != NULL)
		base = xasprintf("%s://%s", cf->http_tls_cert != NULL ?
		    "https" : "http", cf->http_listen);
	else {
		fprintf(stderr, "beacon enroll: beacon.conf has no http "
		    "listener, so no phone can claim its account: see "
		    "docs/web.md\n");
		return NULL;
	}
	while ((n = strlen(base)) > 0 && base[n - 1] == '/')
		base[n - 1] = '\0';
	return base;
}

static void
enroll_print(const struct enroll *en, const char *link)
{
	printf("Phone %s of %s: its broker account is %s.\n\nOpen this link "
	    "on the phone, or scan the code with its camera:\n\n  %s\n\n",
	    en->o->device, en->responder, en->user, link);
	fflush(stdout);
	if (qr_print(stdout, link, isatty(STDOUT_FILENO)) == 0)
		printf("\n");
	printf("The link works once, for 15 minutes. The broker knows the "
	    "account once it\nreads its files again: reload the broker: "
	    "systemctl reload mosquitto\n");
}

/* beacond refused or did not answer: the account goes again. */
static void
enroll_undo(const struct enroll *en)
{
	if (enroll_delete(en) == 0 && enroll_acl(en) == 0)
		fprintf(stderr, "beacon enroll: nothing was enrolled: %s was "
		    "removed again\n", en->user);
}

/* The reply's code as the link, or NULL (printed). */
static char *
enroll_link(const struct enroll *en, const char *reply, size_t len)
{
	char *code, *base, *link;

	if ((code = msg_reply_str(reply, len, "code")) == NULL) {
		fprintf(stderr, "beacon enroll: beacond's answer has no "
		    "code\n");
		return NULL;
	}
	if ((base = enroll_base(en)) == NULL) {
		free(code);
		return NULL;
	}
	link = xasprintf("%s/responder.html#enroll=%s", base, code);
	free(base);
	free(code);
	return link;
}

static int
enroll_add(struct enroll *en)
{
	struct enroll_req q;
	char *reply = NULL, *link, *base;
	size_t len;
	int rc;

	if ((base = enroll_base(en)) == NULL)
		return EXIT_LOCAL;
	free(base);
	memset(&q, 0, sizeof q);
	q.method = ENROLL_ADD;
	strlcpy_utf8(q.responder, en->responder, sizeof q.responder);
	strlcpy_utf8(q.device, en->o->device, sizeof q.device);
	strlcpy_utf8(q.username, en->user, sizeof q.username);
	if (enroll_password(q.password) != 0 ||
	    enroll_set(en, q.password) != 0 || enroll_acl(en) != 0) {
		explicit_bzero(q.password, sizeof q.password);
		return EXIT_LOCAL;
	}
	rc = source_send("enroll", en->o, msg_enroll_encode(&q), &reply,
	    &len);
	explicit_bzero(q.password, sizeof q.password);
	if (rc != EXIT_OK) {
		enroll_undo(en);
		return rc;
	}
	link = enroll_link(en, reply, len);
	free(reply);
	if (link == NULL)
		return EXIT_LOCAL;
	enroll_print(en, link);
	free(link);
	return EXIT_OK;
}

static int
enroll_revoke(struct enroll *en)
{
	struct enroll_req q;
	struct phone *v;
	char *reply = NULL, *cause = NULL;
	size_t len, n;
	int has, rc;

	if ((v = phones_read(en->passwd, &n, &cause)) == NULL) {
		fprintf(stderr, "beacon enroll: %s\n", cause);
		free(cause);
		return EXIT_LOCAL;
	}
	has = phones_has(v, n, en->responder, en->o->device);
	free(v);
	if (!has) {
		fprintf(stderr, "beacon enroll: %s is not in %s\n", en->user,
		    en->passwd);
		return EXIT_LOCAL;
	}
	if (enroll_delete(en) != 0 || enroll_acl(en) != 0)
		return EXIT_LOCAL;
	memset(&q, 0, sizeof q);
	q.method = ENROLL_REVOKE;
	strlcpy_utf8(q.responder, en->responder, sizeof q.responder);
	strlcpy_utf8(q.device, en->o->device, sizeof q.device);
	rc = source_send("enroll", en->o, msg_enroll_encode(&q), &reply,
	    &len);
	free(reply);
	printf("Removed %s from %s and the ACL%s.\nThe phone is shut out "
	    "once the broker reads its files again: reload the broker: "
	    "systemctl reload mosquitto\n", en->user, en->passwd,
	    rc == EXIT_OK ? "; beacond forgot any link not yet used" : "");
	return rc;
}

static int
enroll_phone_cmp(const void *a, const void *b)
{
	const struct phone *x = a, *y = b;
	int c = strcmp(x->responder, y->responder);

	return c != 0 ? c : strcmp(x->device, y->device);
}

/* The phones of the password file, by responder. */
static int
enroll_list(const struct enroll *en)
{
	struct phone *v;
	struct table *t;
	char *cause = NULL, user[2 * PHONE_ID];
	size_t i, n;

	if ((v = phones_read(en->passwd, &n, &cause)) == NULL) {
		fprintf(stderr, "beacon enroll: %s\n", cause);
		free(cause);
		return EXIT_LOCAL;
	}
	qsort(v, n, sizeof *v, enroll_phone_cmp);
	t = table_new(3);
	table_add(t, "RESPONDER", "DEVICE", "ACCOUNT");
	for (i = 0; i < n; i++) {
		snprintf(user, sizeof user, "%s@%s", v[i].responder,
		    v[i].device);
		table_add(t, v[i].responder, v[i].device, user);
	}
	if (n > 0)
		table_print(t, stdout);
	else
		printf("No phone is enrolled in %s.\n", en->passwd);
	table_free(t);
	free(v);
	return EXIT_OK;
}

/* What the options ask for, checked: 0, or -1 (printed). */
static int
enroll_args(struct enroll *en)
{
	const struct cli_opts *o = en->o;
	const char *why = NULL;

	if (o->nwords != 1)
		why = "RESPONDER is missing";
	else if (o->device == NULL || !id_valid(o->device))
		why = "--device D is required, an id (letters, digits, - _ . :)";
	else if (o->as == NULL)
		why = "--as R is required: beacond takes an enrollment from a "
		    "supervisor (records.query_roles)";
	else if (conf_responder(en->cf, o->words[0]) == NULL)
		why = "RESPONDER is no responder of beacon.conf";
	if (why != NULL) {
		fprintf(stderr, "beacon enroll: %s\n", why);
		return -1;
	}
	en->responder = o->words[0];
	snprintf(en->user, sizeof en->user, "%s@%s", en->responder,
	    o->device);
	return 0;
}

static int
cmd_enroll(const struct cmd *cmd, struct cli_opts *o)
{
	struct enroll en = { o, NULL, NULL, o->passwd ? o->passwd : CLI_PASSWD,
		o->acl ? o->acl : CLI_ACL, "" };
	char *cause = NULL;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (o->list)
		return enroll_list(&en);
	if (conf_load(o->config, &en.cf, &cause) != 0) {
		fprintf(stderr, "beacon %s: %s", cmd->name, cause ? cause :
		    "cannot read the configuration\n");
		free(cause);
		return EXIT_LOCAL;
	}
	if (enroll_args(&en) != 0)
		rc = EXIT_LOCAL;
	else if (access(en.passwd, F_OK) != 0) {
		fprintf(stderr, "beacon enroll: %s: %s: make it first "
		    "(docs/security.md)\n", en.passwd, strerror(errno));
		rc = EXIT_LOCAL;
	} else
		rc = o->revoke ? enroll_revoke(&en) : enroll_add(&en);
	conf_free(en.cf);
	return rc;
}

const struct cmd cmd_enroll_entry = {
	"enroll", "enroll RESPONDER --device D --as R [--revoke] "
	"[--passwd FILE] [--acl FILE] [--url BASE] [--config FILE] "
	"[--timeout SECONDS] | enroll --list [--passwd FILE]",
	"give a phone its own broker account, RESPONDER@D, claimed once by a "
	"link and QR code printed here; --revoke removes it, --list shows "
	"them; run on the broker's machine",
	"as device passwd acl url revoke list config timeout",
	OPERAND_WORDS,
	cmd_enroll,
};
