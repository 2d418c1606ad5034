// The replay's arithmetic, as `beacon replay` does it (clients/cli/
// cmd_replay.c): each event's sentence, the gaps that mattered, and the
// pauses between events scaled by the speed and cut to a minute.

import { has, langTag, t } from './i18n.js';

export const PAUSE_MAX = 60000;	/* ms, after scaling */

// What each kind of event says: $a the actor, $A the actor and a space,
// $p " by " and the actor (for languages whose verb comes first),
// $d the detail, $n ": " and the detail, $S ", step N", $c the corrected
// event, $k the kind: the catalog's "console.event.<kind>" (the English
// ones are cmd_replay.c's). The detail is shown as beacond recorded it.
export function sentence(ev) {
	const key = `console.event.${ev.kind}`;
	const frame = has(key) ? t(key) : '$A$k$n';
	const actor = ev.actor || '';
	const detail = ev.detail || '';
	const step = Number.isInteger(ev.step) ? ev.step : -1;

	return frame.replace(/\$([aAdnpSck])/g, (m, k) => ({
		a: actor || '-',
		A: actor ? `${actor} ` : '',
		p: actor ? ` ${t('console.event.by', { who: actor })}` : '',
		d: detail,
		n: detail ? `${t('console.colon')}${detail}` : '',
		S: step >= 0 ? t('console.event.step', { n: step + 1 }) : '',
		c: String(ev.corrects || 0),
		k: ev.kind,
	})[k]);
}

// A debrief notice is a notification too, but not of responders.
export function isDebriefNotice(ev) {
	return ev.kind === 'notified' && /^debrief_/.test(ev.detail || '');
}

// The gaps that mattered, as `beacon replay --json`'s summary: ms after
// the report, or null for never.
export function gaps(events, created) {
	const t0 = Date.parse(created);
	const s = { first_notified_ms: null, first_ack_ms: null,
	    first_ack_by: '', on_scene_ms: null, resolved_ms: null,
	    escalations: 0, declines: 0, no_one_available: 0 };
	const first = (k, ms) => {
		if (s[k] === null)
			s[k] = ms;
	};

	for (const ev of events) {
		const ms = Date.parse(ev.ts) - t0;
		if (ev.kind === 'notified' && !isDebriefNotice(ev))
			first('first_notified_ms', ms);
		else if (ev.kind === 'ack' && s.first_ack_ms === null) {
			s.first_ack_ms = ms;
			s.first_ack_by = ev.actor || '';
		} else if (ev.kind === 'arrived')
			first('on_scene_ms', ms);
		else if (ev.kind === 'resolve')
			first('resolved_ms', ms);
		s.escalations += ev.kind === 'escalated';
		s.declines += ev.kind === 'decline';
		s.no_one_available += ev.kind === 'no_one_available';
	}
	return s;
}

// "42.5" or "42,5".
const tenthsFormats = {};

function tenths(x) {
	const tag = langTag();
	const f = tenthsFormats[tag] || (tenthsFormats[tag] = new Intl.NumberFormat(
	    tag, { minimumFractionDigits: 1, maximumFractionDigits: 1,
	    useGrouping: false }));

	return f.format(x);
}

// "+0.0 s", "+42.5 s", "+1 min 16 s", "+2 h 5 min" ("+42,5 s" in French).
export function elapsed(ms) {
	if (ms === null || ms === undefined)
		return t('console.never');
	const sign = ms < 0 ? '-' : '+';
	const a = Math.abs(ms);

	if (a < 60000)
		return `${sign}${tenths(Math.floor(a / 100) / 10)} s`;
	if (a < 3600000)
		return `${sign}${Math.floor(a / 60000)} min ${Math.floor(a / 1000) % 60} s`;
	return `${sign}${Math.floor(a / 3600000)} h ${Math.floor(a / 60000) % 60} min`;
}

// Where the replay is after `wall` ms of playing from `from` (ms after the
// report) at `speed`, over the events' elapsed times `marks` (ascending):
// between two events the replay runs at the speed, but never takes more
// than a minute over one pause.
export function advance(marks, from, wall, speed) {
	let t = from;
	let left = wall;
	const end = marks.length ? marks[marks.length - 1] : 0;

	while (left > 0 && t < end) {
		const i = marks.findIndex((m) => m > t);
		const prev = i > 0 ? marks[i - 1] : 0;
		const gap = marks[i] - prev;
		const rate = Math.max(speed, gap / PAUSE_MAX);
		const need = (marks[i] - t) / rate;
		if (need > left) {
			t += left * rate;
			left = 0;
		} else {
			t = marks[i];
			left -= need;
		}
	}
	return Math.min(t, end);
}

// How long the whole replay takes at speed (ms of the wall clock).
export function duration(marks, speed) {
	let total = 0, prev = 0;

	for (const m of marks) {
		total += Math.min(Math.max(0, m - prev) / speed, PAUSE_MAX);
		prev = m;
	}
	return total;
}
