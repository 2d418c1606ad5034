// One incident (#incident=7): what it is, its timeline with the times in
// the branch's zone, corrections under the events they correct, and a
// replay (play, pause, 1x/10x/60x, a scrubber) that shows at each moment
// what each person had seen, with the gaps `beacon replay` prints. Legal
// hold, corrections and the debrief are a button away.
import { advance, elapsed, gaps, isDebriefNotice, sentence } from
    './console_replay.js';
import { nextText, severityText } from './console_board.js';
import { el } from './util.js';

const TICK_MS = 50;
const SPEEDS = [1, 10, 60];

let section = null;
let ctx = null;
let id = 0;
let inc = null;
let events = [];	/* without corrections */
let corrections = new Map();	/* event id -> [correction events] */
let marks = [];		/* each event's ms after the report */
const play = { t: 0, speed: 60, timer: null, last: 0, shown: -1 };
let els = {};
let reloadTimer = null;

function lastMark() {
	return marks.length ? marks[marks.length - 1] : 0;
}

function t0() {
	return Date.parse(inc.created);
}

function ms(ev) {
	return Date.parse(ev.ts) - t0();
}

// ---- the summary -------------------------------------------------------------

function summary() {
	const b = inc.branch;
	const locs = Array.isArray(inc.locations) && inc.locations.length ?
	    inc.locations : [inc.location].filter(Boolean);
	const notes = Array.isArray(inc.notes) && inc.notes.length ?
	    inc.notes : [inc.note].filter(Boolean);
	const next = nextText(inc, ctx.now());

	return el('div', { class: `inc-summary sev${inc.severity}` },
	    el('h2', { id: 'incident-title' },
		inc.drill && el('span', { class: 'tag drill-tag' }, 'DRILL'), ' ',
		`Incident ${inc.incident}: ${ctx.categoryLabel(inc.type)}, `,
		ctx.branchName(b)),
	    el('dl', { class: 'facts' },
		el('dt', null, 'Severity'), el('dd', null, severityText(inc.severity)),
		el('dt', null, 'State'), el('dd', { id: 'incident-state' },
		    inc.state.replace('_', ' ')),
		el('dt', null, 'Location'), el('dd', null,
		    locs.join(' · ') || 'none given'),
		notes.length > 0 && el('dt', null, 'Note'),
		notes.length > 0 && el('dd', null, notes.join(' · ')),
		el('dt', null, 'Reported'), el('dd', null,
		    `${ctx.fmtDate(inc.created, b)}, ` +
		    `${ctx.fmtTime(inc.created, b, true)}, ${ctx.zoneLabel(b)}`),
		next && el('dt', null, 'Next'), next && el('dd', null, next),
		el('dt', null, 'Marks'), el('dd', null, [
		    inc.drill ? 'DRILL' : 'real', inc.silent ? 'silent' : '',
		    inc.call_911 ? 'staff told to call 911' : '',
		    inc.hold ? 'on legal hold' : ''].filter(Boolean).join(', ')),
		Array.isArray(inc.related) && inc.related.length > 0 &&
		    el('dt', null, 'May be related'),
		Array.isArray(inc.related) && inc.related.length > 0 &&
		    el('dd', null, inc.related.map((r, i) => [i ? ', ' : '',
		    el('a', { href: `#incident=${r}` }, `incident ${r}`)]))));
}

// ---- actions: debrief, legal hold, correction ---------------------------------

function say(where, ok, text) {
	where.className = `msg ${ok ? 'good' : 'bad'}`;
	where.textContent = text;
}

async function send(method, fields, where, done) {
	let a;
	try {
		a = await ctx.request(method, fields);
	} catch (e) {
		say(where, false, `Not sent: ${e.message}.`);
		return;
	}
	if (!a.ok) {
		say(where, false, `beacond refused: ${a.error}`);
		return;
	}
	say(where, true, done(a));
	ctx.announce(where.textContent);
	load();
}

function holdForm() {
	const on = !!inc.hold;
	const note = el('input', { name: 'note', id: 'hold-note',
	    autocomplete: 'off' });
	const msg = el('p', { class: 'msg', role: 'status' });

	return el('form', { class: 'act-form', id: 'hold-form', onsubmit: (e) => {
		e.preventDefault();
		send('hold', { incident: id, hold: !on, note: note.value.trim() },
		    msg, (a) => a.hold ? 'Put on legal hold.' :
		    'The legal hold is released.');
	} },
	    el('h3', null, 'Legal hold'),
	    el('p', null, on ? 'This incident is on legal hold: the ' +
		'retention purge keeps it.' : 'Not on legal hold.'),
	    el('label', { class: 'field-s', for: 'hold-note' }, 'Note ',
		el('small', null, '(why, for the record)')), note,
	    el('button', { type: 'submit', class: on ? 'btn secondary' : 'btn' },
		on ? 'Release the legal hold' : 'Put on legal hold'), msg);
}

function correctForm() {
	const pick = el('select', { name: 'event', id: 'correct-event',
	    required: true },
	    events.map((ev) => el('option', { value: ev.id },
	    `${ctx.fmtTime(ev.ts, inc.branch, true)} ${ev.kind}: ` +
	    `${sentence(ev)}`.slice(0, 120))));
	const note = el('textarea', { name: 'note', id: 'correct-note',
	    required: true, rows: 2 });
	const msg = el('p', { class: 'msg', role: 'status' });

	return el('details', { class: 'act-form', id: 'correct' },
	    el('summary', null, 'Correct an event'),
	    el('form', { onsubmit: (e) => {
		e.preventDefault();
		if (!note.value.trim()) {
			say(msg, false, 'Say what is wrong and what is right.');
			return;
		}
		send('correct', { incident: id, event: Number(pick.value),
		    note: note.value.trim() }, msg, (a) =>
		    `Correction recorded as event ${a.event}.`);
	    } },
		el('p', null, 'The event stays as it was recorded; the ' +
		    'correction is added under it, with your name.'),
		el('label', { class: 'field-s', for: 'correct-event' }, 'Event'),
		pick,
		el('label', { class: 'field-s', for: 'correct-note' },
		    'Correction'), note,
		el('button', { type: 'submit', class: 'btn' },
		    'Record the correction'), msg));
}

function actions() {
	const resolved = inc.state === 'resolved';

	return el('div', { class: 'inc-actions' },
	    el('p', { class: 'act-row' },
		el('a', { class: 'btn secondary', href: '#board' }, 'Back to the board'),
		resolved ? el('a', { class: 'btn', id: 'record-debrief',
		    href: `#debrief=${id}` }, 'Record debrief') :
		    el('span', { class: 'muted' },
		    'The debrief is recorded once it is resolved.')),
	    holdForm(), correctForm());
}

// ---- the timeline ---------------------------------------------------------------

function eventItem(ev) {
	const b = inc.branch;
	const fixes = corrections.get(ev.id) || [];

	return el('li', { class: `ev k-${ev.kind}`, 'data-event': ev.id,
	    'data-elapsed': ms(ev) },
	    el('span', { class: 'ev-when' },
		el('time', { datetime: ev.ts }, ctx.fmtTime(ev.ts, b, true)),
		el('span', { class: 'ev-el' }, elapsed(ms(ev)))),
	    el('span', { class: 'ev-kind' }, ev.kind.replace(/_/g, ' ')),
	    el('span', { class: 'ev-text' }, sentence(ev)),
	    fixes.map((c) => el('div', { class: 'correction',
		'data-corrects': ev.id, 'data-event': c.id },
		el('strong', null, `Correction by ${c.actor || 'someone'}`),
		` at ${ctx.fmtTime(c.ts, b)}: ${c.detail}`)));
}

function timeline() {
	return el('section', { class: 'timeline', 'aria-labelledby': 'tl-h' },
	    el('h3', { id: 'tl-h' }, 'Timeline ',
		el('small', null, `(times are ${ctx.zoneLabel(inc.branch)}; ` +
		'+ is the time since the report)')),
	    els.list = el('ol', { class: 'events', id: 'events' },
		events.map(eventItem)));
}

// ---- the replay -------------------------------------------------------------------

function gapList() {
	const g = gaps(events.concat(...corrections.values()), inc.created);
	const row = (label, key, extra = '') => [el('dt', null, label),
	    el('dd', { 'data-gap': key, 'data-ms': g[key] === null ? '' :
	    g[key] }, elapsed(g[key]) + extra)];
	const plural = (n, w) => `${n} ${w}${n === 1 ? '' : 's'}`;

	return el('div', { class: 'gaps', id: 'gaps' },
	    el('h3', null, 'The gaps that mattered'),
	    el('dl', null,
		row('First notification', 'first_notified_ms'),
		row('First acknowledgment', 'first_ack_ms',
		    g.first_ack_by ? ` by ${g.first_ack_by}` : ''),
		row('On scene', 'on_scene_ms'),
		row('Resolved', 'resolved_ms')),
	    el('p', { 'data-gap': 'counts', 'data-escalations': g.escalations,
		'data-declines': g.declines, 'data-no-one': g.no_one_available },
		`${plural(g.escalations, 'escalation')}, ` +
		`${plural(g.declines, 'decline')}, ` +
		`${plural(g.no_one_available, 'time')} no one available`));
}

// Who had been paged and who had answered, by t ms after the report.
function sawAt(t) {
	const people = new Map();
	let staff = 'Received: help is being called';

	for (const ev of events) {
		if (ms(ev) > t)
			break;
		const who = ev.actor;
		const at = elapsed(ms(ev));
		if (ev.kind === 'notified' && !isDebriefNotice(ev) && who &&
		    !people.has(who))
			people.set(who, `paged at ${at}` +
			    `${ev.step >= 0 ? ` (step ${ev.step + 1})` : ''}: no answer yet`);
		const said = { ack: 'acknowledged', decline: 'declined',
		    arrived: 'on scene', resolve: 'resolved it',
		    stand_down: 'stood down' }[ev.kind];
		if (said && who && people.has(who))
			people.set(who, `${said} at ${at}`);
		if (ev.kind === 'ack' || ev.kind === 'arrived')
			staff = `${who} ${ev.kind === 'ack' ?
			    'acknowledged, on the way' : 'is on scene'}`;
		if (ev.kind === 'no_one_available' && !/acknowledged|scene/.test(staff))
			staff = 'No one available: call for help';
		if (ev.kind === 'resolve')
			staff = 'Resolved';
		if (ev.kind === 'cancelled' || ev.kind === 'false_alarm')
			staff = 'Cancelled';
	}
	return { people, staff };
}

function drawSaw(t) {
	const { people, staff } = sawAt(t);

	els.sawAt.textContent = elapsed(t);
	els.saw.replaceChildren(
	    el('li', { class: 'saw-staff' }, el('strong', null, 'Staff at the branch'),
		`: ${staff}`),
	    ...[...people].map(([who, what]) => el('li', { 'data-who': who },
		el('strong', null, ctx.responderLabel(who)), `: ${what}`)));
	if (!people.size)
		els.saw.append(el('li', null, 'Nobody paged yet'));
}

// The events up to t are the replay's past; the others are still to come.
function drawAt(t) {
	let n = 0;

	while (n < marks.length && marks[n] <= t)
		n++;
	els.scrub.value = String(Math.round(t));
	els.scrub.setAttribute('aria-valuetext', `${elapsed(t)} after the report`);
	els.pos.textContent = `${elapsed(t)} of ${elapsed(lastMark())}`;
	if (n !== play.shown) {
		play.shown = n;
		const items = els.list.children;
		for (let i = 0; i < items.length; i++) {
			items[i].classList.toggle('future', i >= n);
			items[i].classList.toggle('current', i === n - 1);
		}
		els.section.dataset.played = String(n);
		drawSaw(t);
	}
	els.sawAt.textContent = elapsed(t);
}

function stop() {
	clearInterval(play.timer);
	play.timer = null;
	if (els.playBtn) {
		els.playBtn.textContent = 'Play';
		els.playBtn.setAttribute('aria-pressed', 'false');
		els.section.dataset.playing = '0';
	}
}

function step() {
	const now = performance.now();
	const end = lastMark();

	play.t = advance(marks, play.t, now - play.last, play.speed);
	play.last = now;
	drawAt(play.t);
	if (play.t >= end) {
		stop();
		ctx.announce('The replay reached the end.');
	}
}

function start() {
	if (play.t >= lastMark()) {
		play.t = 0;
		play.shown = -1;
	}
	play.last = performance.now();
	clearInterval(play.timer);
	play.timer = setInterval(step, TICK_MS);
	els.playBtn.textContent = 'Pause';
	els.playBtn.setAttribute('aria-pressed', 'true');
	els.section.dataset.playing = '1';
	drawAt(play.t);
}

// The replay goes to t ms after the report (the scrubber, a jump).
function seek(t) {
	play.t = t;
	play.last = performance.now();
	drawAt(play.t);
}

// To the next event (dir 1) or the one before (-1).
function jump(dir) {
	const to = dir > 0 ? marks.find((m) => m > play.t) :
	    [...marks].reverse().find((m) => m < play.t);

	if (to !== undefined)
		seek(to);
}

function speedButtons() {
	const speeds = el('div', { class: 'speeds', role: 'group',
	    'aria-label': 'Speed' });

	speeds.append(...SPEEDS.map((s) => el('button', { type: 'button',
	    class: 'speed', 'data-speed': s,
	    'aria-pressed': String(s === play.speed), onclick: (e) => {
		play.speed = s;
		for (const b of speeds.children)
			b.setAttribute('aria-pressed',
			    String(b === e.currentTarget));
	    } }, `${s}×`)));
	return speeds;
}

function controls() {
	els.playBtn = el('button', { type: 'button', class: 'btn', id: 'play',
	    'aria-pressed': 'false',
	    onclick: () => (play.timer ? stop() : start()) }, 'Play');
	els.scrub = el('input', { type: 'range', id: 'scrub', min: 0,
	    max: Math.max(1, Math.ceil(lastMark() / 1000) * 1000), step: 1000,
	    value: play.t, 'aria-label': 'Replay position',
	    oninput: () => seek(Number(els.scrub.value)) });
	els.pos = el('span', { class: 'pos', id: 'replay-pos' });
	return [el('div', { class: 'controls' }, els.playBtn, speedButtons(),
	    el('label', { class: 'scrub' }, els.scrub), els.pos),
	    el('p', { class: 'act-row' },
		el('button', { type: 'button', class: 'btn secondary',
		    id: 'prev-event', onclick: () => jump(-1) }, 'Previous event'),
		el('button', { type: 'button', class: 'btn secondary',
		    id: 'next-event', onclick: () => jump(1) }, 'Next event'))];
}

function replay() {
	els.sawAt = el('span');
	els.saw = el('ul', { class: 'saw', id: 'saw' });
	return el('section', { class: 'replay', 'aria-labelledby': 'rp-h' },
	    el('h3', { id: 'rp-h' }, 'Replay'),
	    el('p', { class: 'muted' }, 'Plays the timeline back in the ' +
		'rhythm it happened; a pause longer than a minute at that ' +
		'speed is cut to a minute.'),
	    controls(),
	    el('div', { class: 'saw-box' },
		el('h4', null, 'What each person saw at ', els.sawAt), els.saw),
	    gapList());
}

// ---- loading ----------------------------------------------------------------------

function draw() {
	els = { section };
	const kept = play.t;
	section.replaceChildren(summary(), actions(),
	    el('div', { class: 'inc-cols' }, replay(), timeline()));
	play.shown = -1;
	play.t = Math.min(kept, lastMark());
	drawAt(play.t);
}

async function load() {
	const want = id;
	let a;

	try {
		a = await ctx.request('timeline', { incident: want });
	} catch (e) {
		section.replaceChildren(el('p', { class: 'msg bad' },
		    `The timeline could not be read: ${e.message}.`));
		return;
	}
	if (want !== id)
		return;
	if (!a.ok) {
		section.replaceChildren(el('h2', null, `Incident ${want}`),
		    el('p', { class: 'msg bad' }, a.error),
		    el('a', { class: 'btn secondary', href: '#board' },
		    'Back to the board'));
		return;
	}
	const atEnd = !play.timer && play.t >= lastMark();
	inc = a.incident;
	const all = a.events || [];
	events = all.filter((ev) => ev.kind !== 'correction' || !ev.corrects);
	corrections = new Map();
	for (const c of all.filter((ev) => ev.kind === 'correction' &&
	    ev.corrects)) {
		if (!corrections.has(c.corrects))
			corrections.set(c.corrects, []);
		corrections.get(c.corrects).push(c);
	}
	marks = events.map(ms);
	if (atEnd)
		play.t = lastMark();
	draw();
	section.dataset.incident = String(id);
}

function onIncident(topic) {
	if (section.hidden || Number(topic.split('/').pop()) !== id)
		return;
	clearTimeout(reloadTimer);
	reloadTimer = setTimeout(load, 300);
}

export function mount(s, c) {
	section = s;
	ctx = c;
	ctx.subscribe(ctx.topic('incident', '+'), onIncident);
}

export function show(params) {
	if (params.id !== id) {
		stop();
		id = params.id;
		marks = [];
		play.t = Infinity;
		section.dataset.incident = '';
		section.replaceChildren(el('p', null, `Reading incident ${id}…`));
	}
	if (!id) {
		section.replaceChildren(el('p', { class: 'msg bad' },
		    'No incident named.'));
		return;
	}
	load();
}

export function hide() {
	stop();
}
