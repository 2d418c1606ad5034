// The live board (#board): every open incident of the account's branches.
// Drawn once from the `board` answer, then kept by beacon/incident/+
// (retained while open; an empty payload or "resolved" takes it off): each
// message redraws its row at once, and a `board {incident}` request a
// moment later brings who was notified and who answered. A new
// threat-to-life incident shows a banner and sounds until it is seen.
import { Alarm } from './sound.js';
import { num, t, tn } from './i18n.js';
import { ago, el, severityName } from './util.js';

const REFRESH_MS = 250;		/* responders asked this long after a change */
const ALARM_MS = 60000;		/* the alarm stops by itself after a minute */

let section = null;
let ctx = null;
const incidents = new Map();	/* id -> incident (with responders) */
const rows = new Map();		/* id -> its <li> */
let list = null;
let counter = null;
let loaded = false;
let loading = false;
let subscribed = null;		/* the subscription to beacon/incident/+ */
const refresh = new Set();	/* ids whose responders are to be asked */
let refreshTimer = null;
const filter = { branch: '', severity: 0 };
const alarm = new Alarm();
let alarmTimer = null;
const seen = new Set();		/* ids already announced or on the board */

// "0:42", "12:05", "1:02:03".
export function countdown(ms) {
	const s = Math.max(0, Math.ceil(ms / 1000));
	const h = Math.floor(s / 3600);
	const m = Math.floor(s / 60) % 60;
	const ss = String(s % 60).padStart(2, '0');

	return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

// What comes next, without the time: "step 2", "repeat of step 1",
// "first notifications".
export function nextWhat(inc) {
	const n = inc.next;

	if (!n || !n.at)
		return '';
	if (inc.step < 0)
		return t('console.next.first');
	return t(n.repeat ? 'console.next.repeat' : 'console.next.step',
	    { n: num(n.step + 1) });
}

// "step 2 in 0:42", "step 2 due now".
function leftText(what, left) {
	return left > 0 ? t('console.next.in', { what, left: countdown(left) }) :
	    t('console.next.due', { what });
}

export function nextText(inc, now) {
	const what = nextWhat(inc);

	if (!what)
		return '';
	return leftText(what, Date.parse(inc.next.at) - now);
}

export function severityText(n) {
	return `${n} ${severityName(n)}`;
}

// An incident's state as people read it ("console.state.routed"); an
// unknown one as it came.
export function stateText(state) {
	const key = `console.state.${state}`;
	const s = t(key);

	return s === key ? state : s;
}

// The responders' states, in the order shown (labels "console.people.*").
const PEOPLE = ['on_scene', 'acknowledged', 'notified', 'declined',
    'stood_down'];

function people(inc) {
	const r = inc.responders;

	if (!Array.isArray(r)) {
		const line = [tn('console.people.count', inc.notified || 0)];
		if (inc.acked_by)
			line.push(t('console.people.acked_by',
			    { who: ctx.responderLabel(inc.acked_by) }));
		return el('p', { class: 'people' }, line.join('; '));
	}
	if (!r.length)
		return el('p', { class: 'people none' }, t('console.people.none'));
	const dl = el('dl', { class: 'people' });
	for (const state of PEOPLE) {
		const who = r.filter((x) => x.state === state);
		if (!who.length)
			continue;
		dl.append(el('dt', { class: `st-${state}`, 'data-state': state },
		    t(`console.people.${state}`)),
		    el('dd', null, who.map((x) => `${x.id} (${ctx.roleLabelHere(
		    x.role) || x.label || ctx.roleLabel(x.role)})`).join(', ')));
	}
	return dl;
}

function marks(inc) {
	return [
		inc.drill && el('span', { class: 'tag drill-tag' },
		    t('console.tag.drill')),
		inc.silent && el('span', { class: 'tag silent-tag' },
		    t('console.tag.silent')),
		inc.call_911 && el('span', { class: 'tag call-tag' },
		    t('console.tag.call_911')),
		inc.hold && el('span', { class: 'tag' }, t('console.tag.hold')),
	];
}

function locations(inc) {
	const l = Array.isArray(inc.locations) && inc.locations.length ?
	    inc.locations : inc.location ? [inc.location] : [];

	return l.length ? l.join(' · ') : t('console.no_location');
}

function related(inc) {
	const r = Array.isArray(inc.related) ? inc.related : [];

	if (!r.length)
		return null;
	return el('p', { class: 'related' }, t('console.related'), ' ',
	    r.map((id, i) => [i ? ', ' : '',
	    el('a', { href: `#incident=${id}` },
	    t('console.related.one', { id }))]));
}

function row(inc) {
	const id = inc.incident;
	const now = ctx.now();
	const next = nextText(inc, now);
	const b = inc.branch;
	const sev = Math.min(4, Math.max(1, Number(inc.severity) || 4));
	const li = el('li', { class: `inc sev${sev}${inc.drill ? ' drill' : ''}`,
	    'data-incident': id, 'data-branch': b, 'data-severity': sev,
	    'data-state': inc.state });

	li.append(
	    el('a', { class: 'inc-main', href: `#incident=${id}` },
		el('span', { class: 'inc-title' }, marks(inc),
		    el('span', { class: 'cat' }, ctx.categoryLabel(inc.type)),
		    el('span', { class: 'branch' }, ctx.branchName(b))),
		el('span', { class: 'loc' }, locations(inc)),
		el('span', { class: 'sev' }, t('console.severity',
		    { severity: severityText(sev) })),
		el('span', { class: 'id' }, t('console.incident.id', { id }))),
	    el('div', { class: 'inc-state' },
		el('p', { class: 'state', 'data-state': inc.state },
		    stateText(inc.state)),
		el('p', { class: 'countdown', 'data-at': next ?
		    inc.next.at : null, 'data-what': nextWhat(inc) || null },
		    next || (inc.state === 'routed' ? '' :
		    t('console.next.none'))),
		el('p', { class: 'age' }, t('console.reported'), ' ',
		    el('time', { datetime: inc.created },
		    ctx.fmtTime(inc.created, b)), `, ${ctx.zoneLabel(b)} · `,
		    el('span', { class: 'ago', 'data-ts': inc.created },
		    ago(inc.created, now)))),
	    el('div', { class: 'inc-people' }, people(inc)));
	if (inc.related && inc.related.length)
		li.append(related(inc));
	li.hidden = !visible(inc);
	return li;
}

function visible(inc) {
	return (!filter.branch || inc.branch === filter.branch) &&
	    (!filter.severity || inc.severity <= filter.severity);
}

function sorted() {
	return [...incidents.values()].sort((a, b) =>
	    Date.parse(b.created) - Date.parse(a.created) ||
	    b.incident - a.incident);
}

function count() {
	let shown = 0;

	for (const inc of incidents.values())
		shown += visible(inc);
	counter.textContent = incidents.size === 0 ?
	    t('console.board.empty') : shown === incidents.size ?
	    tn('console.board.count', incidents.size) :
	    t('console.board.showing', { shown: num(shown),
	    n: num(incidents.size) });
}

// The rows in two passes: a screenful at once, the rest in the next
// task, so that a board of hundreds is on the screen without waiting for
// the rows nobody sees yet (drawing 500 rows takes about 200 ms).
const FIRST_ROWS = 40;
let drawing = 0;		/* the draw whose rest is still to come */

function rowsOf(list, frag) {
	for (const inc of list) {
		if (rows.has(inc.incident))
			continue;	/* drawn again meanwhile (redraw) */
		const li = row(inc);
		rows.set(inc.incident, li);
		frag.append(li);
	}
	return frag;
}

function draw() {
	const all = sorted();
	const me = ++drawing;

	rows.clear();
	list.replaceChildren(rowsOf(all.slice(0, FIRST_ROWS),
	    document.createDocumentFragment()));
	count();
	if (all.length <= FIRST_ROWS)
		return;
	setTimeout(() => {
		if (me !== drawing)
			return;		/* drawn afresh since */
		list.append(rowsOf(all.slice(FIRST_ROWS).filter((x) =>
		    incidents.has(x.incident)), document.createDocumentFragment()));
		count();
	}, 0);
}

// One row, drawn again where it belongs (newest first).
function redraw(id) {
	const inc = incidents.get(id);
	const old = rows.get(id);

	if (!inc) {
		if (old)
			old.remove();
		rows.delete(id);
		count();
		return;
	}
	const li = row(inc);
	rows.set(id, li);
	if (old) {
		old.replaceWith(li);
	} else {
		const after = sorted().find((x) => rows.has(x.incident) &&
		    x.incident !== id && (Date.parse(x.created) <
		    Date.parse(inc.created) || (x.created === inc.created &&
		    x.incident < id)));
		list.insertBefore(li, after ? rows.get(after.incident) : null);
	}
	count();
}

function tick() {
	const now = ctx.now();

	for (const e of list.querySelectorAll('.countdown[data-at]')) {
		e.textContent = leftText(e.dataset.what,
		    Date.parse(e.dataset.at) - now);
	}
}

function tickAgo() {
	const now = ctx.now();

	for (const e of list.querySelectorAll('.ago[data-ts]'))
		e.textContent = ago(e.dataset.ts, now);
}

// ---- the life banner and its sound ----------------------------------------

function stopAlarm() {
	alarm.stop();
	document.getElementById('alert-banner').dataset.ringing = '0';
	clearTimeout(alarmTimer);
	alarmTimer = null;
}

function dismiss() {
	const b = document.getElementById('alert-banner');

	stopAlarm();
	b.hidden = true;
	b.replaceChildren();
}

function announceLife(inc) {
	const b = document.getElementById('alert-banner');

	// A drill never covers a real threat to life not yet seen.
	if (inc.drill && !b.hidden && !b.classList.contains('drill'))
		return;
	const id = inc.incident;
	const what = t('console.life.what', { category:
	    ctx.categoryLabel(inc.type), branch: ctx.branchName(inc.branch),
	    location: locations(inc) });

	b.className = inc.drill ? 'life-banner drill' : 'life-banner';
	b.replaceChildren(
	    el('p', { class: 'life-what' }, t(inc.drill ? 'console.life.drill' :
		'console.life.life'), ' ', what),
	    el('p', { class: 'life-acts' },
		el('a', { class: 'life-open', href: `#incident=${id}`,
		    onclick: stopAlarm }, t('console.life.open', { id })),
		el('button', { type: 'button', class: 'life-seen',
		    onclick: dismiss }, t('console.life.seen'))));
	b.hidden = false;
	ctx.announce(`${t(inc.drill ? 'console.life.drill' :
	    'console.life.life')} ${what}`);
	b.dataset.ringing = '0';
	if (inc.drill) {
		stopAlarm();
		return;
	}
	alarm.start();
	b.dataset.ringing = '1';
	clearTimeout(alarmTimer);
	alarmTimer = setTimeout(stopAlarm, ALARM_MS);
}

function isLife(inc) {
	const life = (ctx.info && ctx.info.life_severity) || 1;

	return Number(inc.severity) <= life;
}

// ---- what comes in ----------------------------------------------------------

function onIncident(topic, p) {
	const id = Number(topic.split('/').pop());

	if (!Number.isInteger(id) || id <= 0)
		return;
	if (!p || p.state === 'resolved') {
		if (incidents.delete(id) && loaded)
			redraw(id);
		return;
	}
	if (p.branch && ctx.info && !ctx.branch(p.branch))
		return;		/* a branch this account does not cover */
	const old = incidents.get(id);
	if (old && old.updated === p.updated && old.responders)
		return;		/* the same message again (retained) */
	incidents.set(id, { ...p, responders: old && old.responders });
	if (!loaded)
		return;
	redraw(id);
	if (!seen.has(id)) {
		seen.add(id);
		if (isLife(p))
			announceLife(p);
	}
	refresh.add(id);
	clearTimeout(refreshTimer);
	refreshTimer = setTimeout(askResponders, REFRESH_MS);
}

async function askResponders() {
	const ids = [...refresh];

	refresh.clear();
	// Many at once (after a gap): one request for the whole board.
	if (ids.length > 20) {
		load();
		return;
	}
	for (const id of ids) {
		let a;
		try {
			a = await ctx.request('board', { incident: id });
		} catch {
			continue;
		}
		const got = a.ok && Array.isArray(a.incidents) && a.incidents[0];
		const inc = incidents.get(id);
		if (!got || !inc)
			continue;
		// The message may be newer than the answer: keep its fields.
		const newer = Date.parse(inc.updated) > Date.parse(got.updated);
		incidents.set(id, newer ? { ...inc, responders: got.responders } :
		    got.state === 'resolved' ? inc : got);
		redraw(id);
	}
}

// The incidents as they stand: the board's answer (with who was called)
// over what the topic said, unless the topic's is newer. One the answer
// does not have was closed (while the page was offline, say), unless it
// changed after the answer was made.
function merge(list, now) {
	const open = new Set(list.map((inc) => inc.incident));
	const asOf = Date.parse(now);

	for (const [id, inc] of incidents)
		if (!open.has(id) && Date.parse(inc.updated) <= asOf)
			incidents.delete(id);
	for (const inc of list) {
		const mine = incidents.get(inc.incident);
		if (inc.state === 'resolved')
			continue;
		if (mine && Date.parse(mine.updated) > Date.parse(inc.updated))
			incidents.set(inc.incident, { ...mine,
			    responders: inc.responders });
		else
			incidents.set(inc.incident, inc);
	}
}

function drawn() {
	for (const id of incidents.keys())
		seen.add(id);
	loaded = true;
	performance.mark('console:merged');
	draw();
	performance.mark('console:drawn');
	ctx.ready();
}

// The board is drawn from whichever comes first: the retained messages of
// beacon/incident/+ (small: the broker's websockets pass them at once),
// known to be all in when the subscription came before the `console`
// request, or when a small request made after it is answered; or the `board` answer, which names who was called and
// answered, and which a broker's websockets can take seconds to pass when
// hundreds of incidents are open (so it is asked after that small one,
// not to hold it up). The rows are drawn again, in one pass, when the
// answer comes.
async function load() {
	if (loading)
		return;
	loading = true;
	let a;
	try {
		// Subscribed with the connection: its retained messages came
		// before the `console` answer. Else a small request's answer
		// comes after them.
		if ((await subscribed) !== 'early')
			await ctx.request('modes').catch(() => null);
		performance.mark('console:retained');
		if (!loaded && incidents.size > 0)
			drawn();
		a = await (ctx.take('board') || ctx.request('board'));
	} catch (e) {
		loading = false;
		counter.textContent = t('console.board.retry',
		    { error: e.message });
		setTimeout(load, 3000);
		return;
	}
	loading = false;
	if (!a.ok) {
		counter.textContent = t('console.board.error', { error: a.error });
		ctx.ready();
		return;
	}
	performance.mark('console:board');
	merge(a.incidents || [], a.now);
	drawn();
}

// ---- the view ---------------------------------------------------------------

function select(label, name, options, onchange) {
	return el('label', { class: 'filter' }, el('span', null, label),
	    el('select', { name, onchange },
	    options.map(([v, t]) => el('option', { value: v }, t))));
}

function filters() {
	const branches = (ctx.info.branches || []).map((b) =>
	    [b.branch, b.name || b.branch]);

	return el('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
	    select(t('console.filter.branch'), 'branch',
		[['', t('console.filter.all_branches')], ...branches],
		(e) => setFilter('branch', e.target.value)),
	    select(t('console.filter.severity'), 'severity',
		[['0', t('console.filter.all_severities')],
		['1', t('console.filter.sev1')], ['2', t('console.filter.sev2')],
		['3', t('console.filter.sev3')]],
		(e) => setFilter('severity', Number(e.target.value))));
}

function setFilter(k, v) {
	filter[k] = v;
	for (const [id, li] of rows)
		li.hidden = !visible(incidents.get(id));
	count();
}

export function mount(s, c) {
	section = s;
	ctx = c;
	counter = el('p', { id: 'board-count', class: 'count', role: 'status' },
	    t('console.board.reading'));
	list = el('ul', { id: 'board', class: 'board', 'aria-label':
	    t('console.board.title') });
	section.append(el('div', { class: 'view-head' },
	    el('h2', null, t('console.board.title')), filters()), counter, list);
	subscribed = ctx.subscribe(ctx.topic('incident', '+'), onIncident);
	setInterval(tick, 1000);
	setInterval(tickAgo, 10000);
	load();
}

export function show() {
	tick();
}

// Back online after a gap: the whole board again.
export function online(up) {
	if (up && ctx && loaded)
		load();
}
