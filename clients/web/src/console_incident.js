// One incident (#incident=7): what it is, its timeline with the times in
// the branch's zone, corrections under the events they correct, and a
// replay (play, pause, 1x/10x/60x, a scrubber) that shows at each moment
// what each person had seen, with the gaps `beacon replay` prints. Legal
// hold, corrections and the debrief are a button away.
import { advance, elapsed, gaps, isDebriefNotice, sentence } from
    './console_replay.js';
import { nextText, severityText, stateText } from './console_board.js';
import { num, t, tn } from './i18n.js';
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
		inc.drill && el('span', { class: 'tag drill-tag' },
		    t('console.tag.drill')), ' ',
		t('console.inc.title', { id: inc.incident,
		    category: ctx.categoryLabel(inc.type),
		    branch: ctx.branchName(b) })),
	    el('dl', { class: 'facts' },
		el('dt', null, t('console.filter.severity')),
		el('dd', null, severityText(inc.severity)),
		el('dt', null, t('console.inc.state')),
		el('dd', { id: 'incident-state', 'data-state': inc.state },
		    stateText(inc.state)),
		el('dt', null, t('console.inc.location')), el('dd', null,
		    locs.join(' · ') || t('console.inc.none_given')),
		notes.length > 0 && el('dt', null, t('console.inc.note')),
		notes.length > 0 && el('dd', null, notes.join(' · ')),
		el('dt', null, t('console.inc.reported')), el('dd', null,
		    `${ctx.fmtDate(inc.created, b)}, ` +
		    `${ctx.fmtTime(inc.created, b, true)}, ${ctx.zoneLabel(b)}`),
		next && el('dt', null, t('console.inc.next')),
		next && el('dd', null, next),
		el('dt', null, t('console.inc.marks')), el('dd', null, [
		    t(inc.drill ? 'console.tag.drill' : 'console.inc.real'),
		    inc.silent ? t('console.inc.silent') : '',
		    inc.call_911 ? t('console.inc.call_911') : '',
		    inc.hold ? t('console.inc.hold') : ''].filter(Boolean)
		    .join(', ')),
		Array.isArray(inc.related) && inc.related.length > 0 &&
		    el('dt', null, t('console.inc.related')),
		Array.isArray(inc.related) && inc.related.length > 0 &&
		    el('dd', null, inc.related.map((r, i) => [i ? ', ' : '',
		    el('a', { href: `#incident=${r}` },
		    t('console.related.one', { id: r }))]))));
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
		say(where, false, t('console.not_sent', { error: e.message }));
		return;
	}
	if (!a.ok) {
		say(where, false, t('console.beacond_refused', { error: a.error }));
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
		    msg, (a) => t(a.hold ? 'console.hold.done' :
		    'console.hold.released'));
	} },
	    el('h3', null, t('console.hold.title')),
	    el('p', null, t(on ? 'console.hold.on' : 'console.hold.off')),
	    el('label', { class: 'field-s', for: 'hold-note' },
		t('console.inc.note'), ' ',
		el('small', null, t('console.hold.why'))), note,
	    el('button', { type: 'submit', class: on ? 'btn secondary' : 'btn' },
		t(on ? 'console.hold.release' : 'console.hold.put')), msg);
}

function correctForm() {
	const pick = el('select', { name: 'event', id: 'correct-event',
	    required: true },
	    events.map((ev) => el('option', { value: ev.id },
	    `${ctx.fmtTime(ev.ts, inc.branch, true)} ${kindText(ev.kind)}: ` +
	    `${sentence(ev)}`.slice(0, 120))));
	const note = el('textarea', { name: 'note', id: 'correct-note',
	    required: true, rows: 2 });
	const msg = el('p', { class: 'msg', role: 'status' });

	return el('details', { class: 'act-form', id: 'correct' },
	    el('summary', null, t('console.correct.title')),
	    el('form', { onsubmit: (e) => {
		e.preventDefault();
		if (!note.value.trim()) {
			say(msg, false, t('console.correct.empty'));
			return;
		}
		send('correct', { incident: id, event: Number(pick.value),
		    note: note.value.trim() }, msg, (a) =>
		    t('console.correct.done', { event: a.event }));
	    } },
		el('p', null, t('console.correct.intro')),
		el('label', { class: 'field-s', for: 'correct-event' },
		    t('console.correct.event')),
		pick,
		el('label', { class: 'field-s', for: 'correct-note' },
		    t('console.correct.note')), note,
		el('button', { type: 'submit', class: 'btn' },
		    t('console.correct.submit')), msg));
}

function actions() {
	const resolved = inc.state === 'resolved';

	return el('div', { class: 'inc-actions' },
	    el('p', { class: 'act-row' },
		el('a', { class: 'btn secondary', href: '#board' },
		    t('console.back')),
		resolved ? el('a', { class: 'btn', id: 'record-debrief',
		    href: `#debrief=${id}` }, t('console.inc.debrief')) :
		    el('span', { class: 'muted' }, t('console.inc.debrief_later'))),
	    holdForm(), correctForm());
}

// ---- the timeline ---------------------------------------------------------------

// An event's kind as people read it ("console.kind.ack"); an unknown
// one as it came, its underscores as spaces.
export function kindText(kind) {
	const key = `console.kind.${kind}`;
	const s = t(key);

	return s === key ? kind.replace(/_/g, ' ') : s;
}

function eventItem(ev) {
	const b = inc.branch;
	const fixes = corrections.get(ev.id) || [];

	return el('li', { class: `ev k-${ev.kind}`, 'data-event': ev.id,
	    'data-elapsed': ms(ev) },
	    el('span', { class: 'ev-when' },
		el('time', { datetime: ev.ts }, ctx.fmtTime(ev.ts, b, true)),
		el('span', { class: 'ev-el' }, elapsed(ms(ev)))),
	    el('span', { class: 'ev-kind', 'data-kind': ev.kind },
		kindText(ev.kind)),
	    el('span', { class: 'ev-text' }, sentence(ev)),
	    fixes.map((c) => el('div', { class: 'correction',
		'data-corrects': ev.id, 'data-event': c.id },
		el('strong', null, t('console.correction.by',
		    { who: c.actor || t('console.someone') })),
		t('console.correction.at', { time: ctx.fmtTime(c.ts, b),
		    detail: c.detail }))));
}

function timeline() {
	return el('section', { class: 'timeline', 'aria-labelledby': 'tl-h' },
	    el('h3', { id: 'tl-h' }, t('console.timeline.title'), ' ',
		el('small', null, t('console.timeline.note',
		    { zone: ctx.zoneLabel(inc.branch) }))),
	    els.list = el('ol', { class: 'events', id: 'events' },
		events.map(eventItem)));
}

// ---- the replay -------------------------------------------------------------------

function gapList() {
	const g = gaps(events.concat(...corrections.values()), inc.created);
	const row = (label, key, extra = '') => [el('dt', null, label),
	    el('dd', { 'data-gap': key, 'data-ms': g[key] === null ? '' :
	    g[key] }, elapsed(g[key]) + extra)];
	return el('div', { class: 'gaps', id: 'gaps' },
	    el('h3', null, t('console.gaps.title')),
	    el('dl', null,
		row(t('console.gaps.first_notified'), 'first_notified_ms'),
		row(t('console.gaps.first_ack'), 'first_ack_ms',
		    g.first_ack_by ? ` ${t('console.gaps.by',
		    { who: g.first_ack_by })}` : ''),
		row(t('console.people.on_scene'), 'on_scene_ms'),
		row(t('console.gaps.resolved'), 'resolved_ms')),
	    el('p', { 'data-gap': 'counts', 'data-escalations': g.escalations,
		'data-declines': g.declines, 'data-no-one': g.no_one_available },
		`${tn('console.gaps.escalations', g.escalations)}, ` +
		`${tn('console.gaps.declines', g.declines)}, ` +
		`${tn('console.gaps.no_one', g.no_one_available)}`));
}

// What a responder's answer reads as in the replay ("acknowledged at
// +1 min 2 s").
const SAID = {
	ack: 'console.saw.ack', decline: 'console.saw.decline',
	arrived: 'console.saw.arrived', resolve: 'console.saw.resolve',
	stand_down: 'console.saw.stand_down',
};

// Who had been paged and who had answered, by `at` ms after the report.
function sawAt(upTo) {
	const people = new Map();
	let answered = false;
	let staff = t('console.saw.received');

	for (const ev of events) {
		if (ms(ev) > upTo)
			break;
		const who = ev.actor;
		const at = elapsed(ms(ev));
		if (ev.kind === 'notified' && !isDebriefNotice(ev) && who &&
		    !people.has(who))
			people.set(who, ev.step >= 0 ?
			    t('console.saw.paged_step', { at, step: num(ev.step + 1) }) :
			    t('console.saw.paged', { at }));
		const said = SAID[ev.kind];
		if (said && who && people.has(who))
			people.set(who, t(said, { at }));
		if (ev.kind === 'ack' || ev.kind === 'arrived') {
			staff = t(ev.kind === 'ack' ? 'console.saw.staff_ack' :
			    'console.saw.staff_arrived', { who });
			answered = true;
		}
		if (ev.kind === 'no_one_available' && !answered)
			staff = t('console.saw.no_one');
		if (ev.kind === 'resolve')
			staff = t('console.saw.resolved');
		if (ev.kind === 'cancelled' || ev.kind === 'false_alarm')
			staff = t('console.saw.cancelled');
	}
	return { people, staff };
}

function drawSaw(at) {
	const { people, staff } = sawAt(at);

	els.sawAt.textContent = elapsed(at);
	els.saw.replaceChildren(
	    el('li', { class: 'saw-staff' },
		el('strong', null, t('console.saw.staff')), `${t('console.colon')}${staff}`),
	    ...[...people].map(([who, what]) => el('li', { 'data-who': who },
		el('strong', null, ctx.responderLabel(who)),
		`${t('console.colon')}${what}`)));
	if (!people.size)
		els.saw.append(el('li', null, t('console.saw.nobody')));
}

// The events up to t are the replay's past; the others are still to come.
function drawAt(at) {
	let n = 0;

	while (n < marks.length && marks[n] <= at)
		n++;
	els.scrub.value = String(Math.round(at));
	els.scrub.setAttribute('aria-valuetext', t('console.replay.after',
	    { at: elapsed(at) }));
	els.pos.textContent = t('console.replay.pos', { at: elapsed(at),
	    end: elapsed(lastMark()) });
	if (n !== play.shown) {
		play.shown = n;
		const items = els.list.children;
		for (let i = 0; i < items.length; i++) {
			items[i].classList.toggle('future', i >= n);
			items[i].classList.toggle('current', i === n - 1);
		}
		els.section.dataset.played = String(n);
		drawSaw(at);
	}
	els.sawAt.textContent = elapsed(at);
}

function stop() {
	clearInterval(play.timer);
	play.timer = null;
	if (els.playBtn) {
		els.playBtn.textContent = t('console.replay.play');
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
		ctx.announce(t('console.replay.end'));
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
	els.playBtn.textContent = t('console.replay.pause');
	els.playBtn.setAttribute('aria-pressed', 'true');
	els.section.dataset.playing = '1';
	drawAt(play.t);
}

// The replay goes to t ms after the report (the scrubber, a jump).
function seek(at) {
	play.t = at;
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
	    'aria-label': t('console.replay.speed') });

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
	    onclick: () => (play.timer ? stop() : start()) },
	    t('console.replay.play'));
	els.scrub = el('input', { type: 'range', id: 'scrub', min: 0,
	    max: Math.max(1, Math.ceil(lastMark() / 1000) * 1000), step: 1000,
	    value: play.t, 'aria-label': t('console.replay.position'),
	    oninput: () => seek(Number(els.scrub.value)) });
	els.pos = el('span', { class: 'pos', id: 'replay-pos' });
	return [el('div', { class: 'controls' }, els.playBtn, speedButtons(),
	    el('label', { class: 'scrub' }, els.scrub), els.pos),
	    el('p', { class: 'act-row' },
		el('button', { type: 'button', class: 'btn secondary',
		    id: 'prev-event', onclick: () => jump(-1) },
		    t('console.replay.prev')),
		el('button', { type: 'button', class: 'btn secondary',
		    id: 'next-event', onclick: () => jump(1) },
		    t('console.replay.next')))];
}

function replay() {
	els.sawAt = el('span');
	els.saw = el('ul', { class: 'saw', id: 'saw' });
	return el('section', { class: 'replay', 'aria-labelledby': 'rp-h' },
	    el('h3', { id: 'rp-h' }, t('console.replay.title')),
	    el('p', { class: 'muted' }, t('console.replay.intro')),
	    controls(),
	    el('div', { class: 'saw-box' },
		el('h4', null, t('console.replay.saw'), ' ', els.sawAt), els.saw),
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
		    t('console.timeline.error', { error: e.message })));
		return;
	}
	if (want !== id)
		return;
	if (!a.ok) {
		section.replaceChildren(el('h2', null,
		    t('console.incident.id', { id: want })),
		    el('p', { class: 'msg bad' }, a.error),
		    el('a', { class: 'btn secondary', href: '#board' },
		    t('console.back')));
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
		section.replaceChildren(el('p', null,
		    t('console.inc.reading', { id })));
	}
	if (!id) {
		section.replaceChildren(el('p', { class: 'msg bad' },
		    t('console.inc.unnamed')));
		return;
	}
	load();
}

export function hide() {
	stop();
}
