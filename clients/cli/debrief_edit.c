/*
 * Debrief fields as people read and type them. One table describes every
 * scalar and list field of the record (where it lives, how it reads, how
 * it is checked), and serves the printed debrief and the questions of
 * --interactive alike; corrective actions, a list of records, have their
 * own code below.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "debrief_edit.h"
#include "xmalloc.h"

enum debrief_edit_type {
	ET_WELLBEING,	/* int, enum wellbeing */
	ET_ROUTE,	/* int, enum route_ok */
	ET_TIME,	/* int64_t ms, shown in local time */
	ET_NUMBER,	/* int, 0 to 10000; 0 shown as unset */
	ET_ID,		/* char[ID_MAX + 1] */
	ET_DATE,	/* char[DATE_MAX + 1] */
	ET_TEXT,	/* char[NOTE_MAX + 1] */
	ET_NOTICES,	/* the notices list */
	ET_REFERRALS,	/* the referrals list */
};

enum debrief_edit_part { EP_WELLBEING, EP_REVIEW };

struct debrief_edit_field {
	enum debrief_edit_part part;
	const char *label;	/* in the printed debrief */
	const char *prompt;	/* the question */
	enum debrief_edit_type type;
	size_t off;		/* into struct debrief */
	size_t size;		/* strings: the buffer's size */
};

#define DOFF(m) offsetof(struct debrief, m), sizeof(((struct debrief *)0)->m)

static const struct debrief_edit_field debrief_edit_fields[] = {
	{ EP_WELLBEING, "status", "Status: offered, held, declined or "
	    "not_offered", ET_WELLBEING, DOFF(wb) },
	{ EP_WELLBEING, "when", "When it was held or offered "
	    "(YYYY-MM-DD HH:MM, local time)", ET_TIME, DOFF(wb_at) },
	{ EP_WELLBEING, "facilitator", "The facilitator's role (an id, "
	    "e.g. eap_counsellor)", ET_ID, DOFF(wb_facilitator) },
	{ EP_WELLBEING, "participants", "How many took part (0 to 10000)",
	    ET_NUMBER, DOFF(wb_participants) },
	{ EP_WELLBEING, "follow-up", "Date of the follow-up check "
	    "(YYYY-MM-DD)", ET_DATE, DOFF(wb_follow_up) },
	{ EP_WELLBEING, "support", "Support referred (an id, e.g. "
	    "employee_assistance)", ET_ID, DOFF(wb_support) },
	{ EP_REVIEW, "route", "Was the route right: right or wrong",
	    ET_ROUTE, DOFF(route) },
	{ EP_REVIEW, "route note", "Why (route note)", ET_TEXT,
	    DOFF(route_note) },
	{ EP_REVIEW, "went well", "What went well", ET_TEXT,
	    DOFF(went_well) },
	{ EP_REVIEW, "to improve", "What to improve", ET_TEXT,
	    DOFF(to_improve) },
	{ EP_REVIEW, "training", "Training needs", ET_TEXT, DOFF(training) },
	{ EP_REVIEW, "notices", "Notices issued (notice types, separated "
	    "by spaces)", ET_NOTICES, DOFF(notices) },
	{ EP_REVIEW, "referrals", "Referrals by type (TYPE or TYPE:COUNT, "
	    "separated by spaces)", ET_REFERRALS, DOFF(referrals) },
};
#define EDIT_NFIELDS \
    (sizeof debrief_edit_fields / sizeof debrief_edit_fields[0])

static const char *const debrief_edit_parts[] = {
	[EP_WELLBEING] = "Wellbeing debrief",
	[EP_REVIEW] = "Operational review",
};

#define EDIT_COL 18 /* where values start in the printed debrief */

/* ---- one value ----------------------------------------------------------- */

static int
debrief_edit_number(const char *s, long lo, long hi, long *v)
{
	char *ep;

	errno = 0;
	*v = strtol(s, &ep, 10);
	return *s != '\0' && *ep == '\0' && errno == 0 && *v >= lo &&
	    *v <= hi ? 0 : -1;
}

int
debrief_edit_referral(const char *s, struct debrief_referral *r, char **cause)
{
	const char *colon = strrchr(s, ':'), *digits;
	size_t tlen = strlen(s);
	long n = 1;

	/* Ids may hold ':' too: only a number after the last one is a
	 * count (a signed one, to be refused rather than taken as a type). */
	digits = colon == NULL ? "" : colon + 1 + (strchr("+-", colon[1]) !=
	    NULL && colon[1] != '\0');
	if (*digits != '\0' && strspn(digits, "0123456789") ==
	    strlen(digits)) {
		tlen = (size_t)(colon - s);
		if (debrief_edit_number(colon + 1, 1, 10000, &n) != 0) {
			*cause = xasprintf("referral \"%s\": the count must "
			    "be 1 to 10000", s);
			return -1;
		}
	}
	memset(r, 0, sizeof *r);
	if (tlen <= ID_MAX)
		memcpy(r->type, s, tlen);
	if (tlen > ID_MAX || !id_valid(r->type)) {
		*cause = xasprintf("referral \"%s\": use TYPE or TYPE:COUNT, "
		    "TYPE a referral type id", s);
		return -1;
	}
	r->count = (int)n;
	return 0;
}

/* Split off the text after the last ';' of s (which is cut there). */
static char *
debrief_edit_last(char *s)
{
	char *p = strrchr(s, ';');

	if (p == NULL)
		return NULL;
	*p = '\0';
	return p + 1;
}

int
debrief_edit_action(const char *s, struct debrief_action *a, char **cause)
{
	char *copy = xstrdup(s), *last, *due, *owner;
	int status = AS_OPEN;

	memset(a, 0, sizeof *a);
	last = debrief_edit_last(copy);
	if (last != NULL && (status = action_status_from_name(last)) >= 0)
		due = debrief_edit_last(copy);
	else {
		status = AS_OPEN;
		due = last;
	}
	owner = due != NULL ? debrief_edit_last(copy) : NULL;
	if (owner == NULL || *copy == '\0' || strlen(copy) > NOTE_MAX ||
	    !id_valid(owner) || !date_valid(due)) {
		*cause = xasprintf("action \"%s\": use \"WHAT;OWNER;YYYY-MM-DD"
		    "[;open|done|dropped]\", OWNER an id, WHAT up to %d bytes",
		    s, NOTE_MAX);
		free(copy);
		return -1;
	}
	strlcpy_utf8(a->what, copy, sizeof a->what);
	strlcpy_utf8(a->owner, owner, sizeof a->owner);
	strlcpy_utf8(a->due, due, sizeof a->due);
	a->status = status;
	free(copy);
	return 0;
}

static void
debrief_edit_add_notice(struct debrief *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->nnotices; i++)
		if (strcmp(d->notices[i], id) == 0)
			return;
	strlcpy_utf8(d->notices[d->nnotices++], id, sizeof d->notices[0]);
}

static void
debrief_edit_add_referral(struct debrief *d, const struct debrief_referral *r)
{
	size_t i;

	for (i = 0; i < d->nreferrals; i++)
		if (strcmp(d->referrals[i].type, r->type) == 0)
			break;
	d->referrals[i] = *r;
	if (i == d->nreferrals)
		d->nreferrals++;
}

static void
debrief_edit_add_action(struct debrief *d, const struct debrief_action *a)
{
	size_t i;

	for (i = 0; i < d->nactions; i++)
		if (strcmp(d->actions[i].what, a->what) == 0)
			break;
	d->actions[i] = *a;
	if (i == d->nactions)
		d->nactions++;
}

/* ---- reading and writing a field ---------------------------------------- */

static void
debrief_edit_get(const struct debrief_edit_field *f, const struct debrief *d,
    char *buf, size_t len)
{
	const char *p = (const char *)d + f->off;
	size_t i, n = 0;

	buf[0] = '\0';
	switch (f->type) {
	case ET_WELLBEING:
		snprintf(buf, len, "%s", wellbeing_name(*(const int *)p));
		break;
	case ET_ROUTE:
		snprintf(buf, len, "%s", route_name(*(const int *)p));
		break;
	case ET_TIME:
		if (*(const int64_t *)p > 0)
			fmt_date(*(const int64_t *)p, buf, len);
		break;
	case ET_NUMBER:
		if (*(const int *)p > 0)
			snprintf(buf, len, "%d", *(const int *)p);
		break;
	case ET_ID:
	case ET_DATE:
	case ET_TEXT:
		snprintf(buf, len, "%s", p);
		break;
	case ET_NOTICES:
		for (i = 0; i < d->nnotices && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    i > 0 ? " " : "", d->notices[i]);
		break;
	case ET_REFERRALS:
		for (i = 0; i < d->nreferrals && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s:%d",
			    i > 0 ? " " : "", d->referrals[i].type,
			    d->referrals[i].count);
		break;
	}
}

/* A list typed as words separated by spaces or commas. */
static int
debrief_edit_set_list(const struct debrief_edit_field *f, struct debrief *d,
    const char *s, char **cause)
{
	struct debrief_referral r;
	char *copy = xstrdup(s), *w, *save = NULL;
	size_t *n = f->type == ET_NOTICES ? &d->nnotices : &d->nreferrals;
	int rc = 0;

	*n = 0;
	for (w = strtok_r(copy, " ,", &save); w != NULL && rc == 0;
	    w = strtok_r(NULL, " ,", &save)) {
		if (*n == DEBRIEF_LIST_MAX) {
			*cause = xasprintf("at most %d", DEBRIEF_LIST_MAX);
			rc = -1;
		} else if (f->type == ET_REFERRALS) {
			if ((rc = debrief_edit_referral(w, &r, cause)) == 0)
				debrief_edit_add_referral(d, &r);
		} else if (!id_valid(w)) {
			*cause = xasprintf("\"%s\" is not a notice type id", w);
			rc = -1;
		} else
			debrief_edit_add_notice(d, w);
	}
	free(copy);
	return rc;
}

static int
debrief_edit_set_enum(int *p, int v, const char *s, const char *choices,
    char **cause)
{
	if (v <= 0 && *s != '\0') {
		*cause = xasprintf("\"%s\": use %s", s, choices);
		return -1;
	}
	*p = v < 0 ? 0 : v;
	return 0;
}

/* Set the field from what was typed; "" clears it. */
static int
debrief_edit_set(const struct debrief_edit_field *f, struct debrief *d,
    const char *s, char **cause)
{
	char *p = (char *)d + f->off;
	int64_t ms = 0;
	long n = 0;

	switch (f->type) {
	case ET_WELLBEING:
		return debrief_edit_set_enum((int *)p, wellbeing_from_name(s),
		    s, "offered, held, declined or not_offered", cause);
	case ET_ROUTE:
		return debrief_edit_set_enum((int *)p, route_from_name(s), s,
		    "right or wrong", cause);
	case ET_TIME:
		if (*s != '\0' && args_time(s, &ms) != 0) {
			*cause = xasprintf("\"%s\": use YYYY-MM-DD HH:MM", s);
			return -1;
		}
		*(int64_t *)p = ms;
		return 0;
	case ET_NUMBER:
		if (*s != '\0' && debrief_edit_number(s, 0, 10000, &n) != 0) {
			*cause = xasprintf("\"%s\": use 0 to 10000", s);
			return -1;
		}
		*(int *)p = (int)n;
		return 0;
	case ET_NOTICES:
	case ET_REFERRALS:
		return debrief_edit_set_list(f, d, s, cause);
	default:
		break;
	}
	if ((f->type == ET_ID && *s != '\0' && !id_valid(s)) ||
	    (f->type == ET_DATE && *s != '\0' && !date_valid(s)) ||
	    strlen(s) >= f->size) {
		*cause = xasprintf("\"%.40s\": %s", s, f->type == ET_ID ?
		    "use 1 to 64 letters, digits, '.', '_', ':' or '-'" :
		    f->type == ET_DATE ? "use YYYY-MM-DD" :
		    "at most 512 bytes");
		return -1;
	}
	memcpy(p, s, strlen(s) + 1);
	return 0;
}

static const struct debrief_edit_field *
debrief_edit_field(const char *label)
{
	size_t i;

	for (i = 0; i < EDIT_NFIELDS; i++)
		if (strcmp(debrief_edit_fields[i].label, label) == 0)
			return &debrief_edit_fields[i];
	return NULL;
}

/* ---- the options --------------------------------------------------------- */

/* The string options, by the field they set. */
static const struct {
	const char *label;
	size_t opt; /* a const char * in struct cli_opts */
} debrief_edit_options[] = {
	{ "facilitator", offsetof(struct cli_opts, facilitator) },
	{ "follow-up", offsetof(struct cli_opts, follow_up) },
	{ "support", offsetof(struct cli_opts, support) },
	{ "route note", offsetof(struct cli_opts, route_note) },
	{ "went well", offsetof(struct cli_opts, went_well) },
	{ "to improve", offsetof(struct cli_opts, to_improve) },
	{ "training", offsetof(struct cli_opts, training) },
};
#define EDIT_NOPTIONS \
    (sizeof debrief_edit_options / sizeof debrief_edit_options[0])

static const char *
debrief_edit_option(const struct cli_opts *o, size_t i)
{
	return *(const char *const *)((const char *)o +
	    debrief_edit_options[i].opt);
}

int
debrief_edit_given(const struct cli_opts *o)
{
	size_t i;

	for (i = 0; i < EDIT_NOPTIONS; i++)
		if (debrief_edit_option(o, i) != NULL)
			return 1;
	return o->wellbeing != WB_UNSET || o->held_at != 0 ||
	    o->participants >= 0 || o->route != ROUTE_UNSET ||
	    o->notices.n > 0 || o->referrals.n > 0 || o->actions.n > 0;
}

/* The repeatable options, merged into the lists. */
static int
debrief_edit_apply_lists(const struct cli_opts *o, struct debrief *d,
    char **cause)
{
	struct debrief_referral r;
	struct debrief_action a;
	size_t i;

	for (i = 0; i < o->notices.n; i++) {
		if (!id_valid(o->notices.v[i])) {
			*cause = xasprintf("--notice: \"%s\" is not a notice "
			    "type id", o->notices.v[i]);
			return -1;
		}
		if (d->nnotices == DEBRIEF_LIST_MAX)
			goto full;
		debrief_edit_add_notice(d, o->notices.v[i]);
	}
	for (i = 0; i < o->referrals.n; i++) {
		if (debrief_edit_referral(o->referrals.v[i], &r, cause) != 0)
			return -1;
		if (d->nreferrals == DEBRIEF_LIST_MAX)
			goto full;
		debrief_edit_add_referral(d, &r);
	}
	for (i = 0; i < o->actions.n; i++) {
		if (debrief_edit_action(o->actions.v[i], &a, cause) != 0)
			return -1;
		if (d->nactions == DEBRIEF_LIST_MAX)
			goto full;
		debrief_edit_add_action(d, &a);
	}
	return 0;
full:
	*cause = xasprintf("a debrief holds at most %d notices, referrals "
	    "and actions each", DEBRIEF_LIST_MAX);
	return -1;
}

int
debrief_edit_apply(const struct cli_opts *o, struct debrief *d, char **cause)
{
	size_t i;

	for (i = 0; i < EDIT_NOPTIONS; i++)
		if (debrief_edit_option(o, i) != NULL &&
		    debrief_edit_set(debrief_edit_field(
		    debrief_edit_options[i].label), d,
		    debrief_edit_option(o, i), cause) != 0)
			return -1;
	if (o->wellbeing != WB_UNSET)
		d->wb = o->wellbeing;
	if (o->held_at != 0)
		d->wb_at = o->held_at;
	if (o->participants >= 0)
		d->wb_participants = o->participants;
	if (o->route != ROUTE_UNSET)
		d->route = o->route;
	return debrief_edit_apply_lists(o, d, cause);
}

/* ---- the questions ------------------------------------------------------- */

struct debrief_edit_io {
	FILE *in, *out;
	int echo;
	char *line;
	size_t cap;
};

/* One answer, trimmed; NULL at the end of the input. */
static const char *
debrief_edit_read(struct debrief_edit_io *io, const char *prompt,
    const char *current)
{
	ssize_t n;
	char *s;

	fprintf(io->out, "%s%s%s%s: ", prompt, *current ? " [" : "", current,
	    *current ? "]" : "");
	fflush(io->out);
	if ((n = getline(&io->line, &io->cap, io->in)) == -1) {
		if (io->echo)
			fputc('\n', io->out);
		return NULL;
	}
	s = io->line;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	s += strspn(s, " \t");
	if (io->echo)
		fprintf(io->out, "%s\n", s);
	return s;
}

/* Check and set one answer; "" clears. */
typedef int (*debrief_edit_setter)(struct debrief *, const void *, const char *,
    char **);

/*
 * Ask until set() takes the answer. Enter keeps the current value and "-"
 * clears it. 0 answered or kept, 1 at the end of the input, -1 when the
 * input ended on a bad answer.
 */
static int
debrief_edit_question(struct debrief_edit_io *io, const char *prompt,
    const char *current, debrief_edit_setter set, struct debrief *d,
    const void *arg, char **cause)
{
	const char *s;
	int bad = 0;

	for (;;) {
		if ((s = debrief_edit_read(io, prompt, current)) == NULL) {
			if (bad)
				*cause = xasprintf("no valid answer to \"%s\"",
				    prompt);
			return bad ? -1 : 1;
		}
		if (*s == '\0')
			return 0;
		if (set(d, arg, strcmp(s, "-") == 0 ? "" : s, cause) == 0)
			return 0;
		fprintf(io->out, "  %s; again, or Enter to keep it\n",
		    *cause);
		free(*cause);
		*cause = NULL;
		bad = 1;
	}
}

static int
debrief_edit_set_field(struct debrief *d, const void *arg, const char *s,
    char **cause)
{
	return debrief_edit_set(arg, d, s, cause);
}

/* Actions: the i-th is replaced by the answer, or removed by "". */
struct debrief_edit_slot {
	size_t i;
};

static int
debrief_edit_set_action(struct debrief *d, const void *arg, const char *s,
    char **cause)
{
	const struct debrief_edit_slot *slot = arg;
	struct debrief_action a;

	if (*s == '\0' && slot->i >= d->nactions)
		return 0; /* a new one, cleared: none */
	if (*s == '\0') {
		memmove(&d->actions[slot->i], &d->actions[slot->i + 1],
		    (d->nactions - slot->i - 1) * sizeof a);
		d->nactions--;
		return 0;
	}
	if (debrief_edit_action(s, &a, cause) != 0)
		return -1;
	d->actions[slot->i] = a;
	if (slot->i == d->nactions)
		d->nactions++;
	return 0;
}

static void
debrief_edit_action_text(const struct debrief_action *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s;%s;%s;%s", a->what, a->owner, a->due,
	    action_status_name(a->status));
}

static int
debrief_edit_ask_actions(struct debrief_edit_io *io, struct debrief *d,
    char **cause)
{
	struct debrief_edit_slot slot;
	char cur[NOTE_MAX + 128], prompt[96];
	size_t n;
	int rc;

	fprintf(io->out, "Corrective actions: WHAT;OWNER;YYYY-MM-DD"
	    "[;open|done|dropped]\n");
	for (slot.i = 0; slot.i < d->nactions; slot.i++) {
		debrief_edit_action_text(&d->actions[slot.i], cur, sizeof cur);
		snprintf(prompt, sizeof prompt, "Action %zu", slot.i + 1);
		n = d->nactions;
		if ((rc = debrief_edit_question(io, prompt, cur,
		    debrief_edit_set_action, d, &slot, cause)) != 0)
			return rc;
		if (d->nactions < n)
			slot.i--; /* removed: the next one moved here (an
				   * unsigned wrap at 0, undone by slot.i++) */
	}
	while (d->nactions < DEBRIEF_LIST_MAX) {
		slot.i = d->nactions;
		if ((rc = debrief_edit_question(io,
		    "New action (Enter: no more)", "", debrief_edit_set_action,
		    d, &slot, cause)) != 0)
			return rc;
		if (d->nactions == slot.i)
			break; /* Enter */
	}
	return 0;
}

int
debrief_edit_ask(FILE *in, FILE *out, int echo, struct debrief *d, char **cause)
{
	struct debrief_edit_io io = { in, out, echo, NULL, 0 };
	char cur[NOTE_MAX + 1];
	size_t i;
	int rc = 0, part = -1;

	*cause = NULL;
	fprintf(out, "Enter keeps the value in brackets; \"-\" clears it.\n");
	for (i = 0; i < EDIT_NFIELDS && rc == 0; i++) {
		if ((int)debrief_edit_fields[i].part != part) {
			part = (int)debrief_edit_fields[i].part;
			fprintf(out, "\n%s\n", debrief_edit_parts[part]);
		}
		debrief_edit_get(&debrief_edit_fields[i], d, cur, sizeof cur);
		rc = debrief_edit_question(&io, debrief_edit_fields[i].prompt,
		    cur, debrief_edit_set_field, d, &debrief_edit_fields[i],
		    cause);
	}
	if (rc == 0)
		rc = debrief_edit_ask_actions(&io, d, cause);
	free(io.line);
	return rc < 0 ? -1 : 0;
}

int
debrief_edit_confirm(FILE *in, FILE *out, int echo, const char *question,
    int def)
{
	struct debrief_edit_io io = { in, out, echo, NULL, 0 };
	const char *s;
	int yes = def;

	for (;;) {
		s = debrief_edit_read(&io, question, def ? "yes" : "no");
		if (s == NULL || *s == '\0')
			break;
		if (strchr("yY", *s) != NULL || strchr("nN", *s) != NULL) {
			yes = strchr("yY", *s) != NULL;
			break;
		}
		fprintf(out, "  yes or no\n");
	}
	free(io.line);
	return yes;
}

/* ---- the printed record -------------------------------------------------- */

static void
debrief_edit_line(FILE *fp, const char *label, const char *value)
{
	fprintf(fp, "  %-*s", EDIT_COL - 2, label);
	fmt_wrap(fp, fmt_dash(value), EDIT_COL, EDIT_COL, 79);
}

static void
debrief_edit_print_actions(FILE *fp, const struct debrief *d)
{
	const struct debrief_action *a;
	char *text;
	size_t i;

	if (d->nactions == 0)
		debrief_edit_line(fp, "actions", "");
	for (i = 0; i < d->nactions; i++) {
		a = &d->actions[i];
		text = xasprintf("%zu. %s (owner %s, due %s, %s)", i + 1,
		    a->what, fmt_dash(a->owner), fmt_dash(a->due),
		    action_status_name(a->status));
		debrief_edit_line(fp, i == 0 ? "actions" : "", text);
		free(text);
	}
}

void
debrief_edit_print(FILE *fp, const struct debrief *d)
{
	char value[NOTE_MAX + 1];
	size_t i;
	int part = -1;

	for (i = 0; i < EDIT_NFIELDS; i++) {
		if ((int)debrief_edit_fields[i].part != part) {
			part = (int)debrief_edit_fields[i].part;
			fprintf(fp, "%s%s\n", part > 0 ? "\n" : "",
			    debrief_edit_parts[part]);
		}
		debrief_edit_get(&debrief_edit_fields[i], d, value,
		    sizeof value);
		debrief_edit_line(fp, debrief_edit_fields[i].label, value);
	}
	debrief_edit_print_actions(fp, d);
}
