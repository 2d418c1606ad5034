// Branch modes and devices (#branches): per branch, the mode in force
// (drill or pause, until when) started and stopped with `branch_mode`, and
// the devices that are offline with when they were last seen (`devices`),
// read again every 15 s while the view is shown.
import { ago, el } from './util.js';

const EVERY_MS = 15000;
const DAY_MS = 24 * 3600 * 1000;

let section = null;
let ctx = null;
let timer = null;
let list = null;
let stamp = null;
const msgs = new Map();		/* branch -> its last message {ok, text} */

const MODE = {
	drill: 'reports are labelled DRILL and kept out of statistics',
	pause: 'for device testing: reports are recorded as tests, ' +
	    'nobody is paged',
};

async function ask(method) {
	try {
		const a = await ctx.request(method);
		return a.ok ? a : { error: a.error };
	} catch (e) {
		return { error: e.message };
	}
}

function modeLine(b, m) {
	if (!m)
		return el('p', { class: 'mode none', 'data-mode': '' },
		    'Normal: reports page responders.');
	return el('p', { class: `mode ${m.mode}`, 'data-mode': m.mode },
	    el('strong', null, m.mode === 'drill' ? 'DRILL:' : 'PAUSED'), ' ',
	    MODE[m.mode] || m.mode,
	    m.until ? `, until ${ctx.fmtDate(m.until, b)} ` +
	    `${ctx.fmtTime(m.until, b)} (${ctx.zoneLabel(b)})` : '',
	    m.by ? `; started by ${m.by}` : '');
}

async function setMode(b, fields, msg) {
	let a;

	msg.className = 'msg';
	msg.textContent = 'Sending…';
	try {
		a = await ctx.request('branch_mode', { branch: b, ...fields });
	} catch (e) {
		a = { ok: false, error: e.message };
	}
	const text = a.ok ? (a.active ? `${a.mode === 'drill' ? 'Drill' :
	    'Pause'} started.` : 'Stopped: the branch pages responders again.') :
	    `Not done: ${a.error}`;
	msgs.set(b, { ok: a.ok, text });
	ctx.announce(text);
	refresh();
}

function modeForm(b, m) {
	const id = `until-${b}`;
	const now = ctx.now();
	const until = el('input', { type: 'datetime-local', id, name: 'until',
	    value: ctx.localInput(now + 3600000, b),
	    min: ctx.localInput(now, b), max: ctx.localInput(now + DAY_MS, b) });
	const last = msgs.get(b);
	const msg = el('p', { class: `msg ${last ? last.ok ? 'good' : 'bad' :
	    ''}`, role: 'status' }, last ? last.text : '');
	const startIt = (mode) => {
		const iso = ctx.localToIso(until.value, b);
		const t = Date.parse(iso);
		if (!iso || !(t > ctx.now()) || t - ctx.now() > DAY_MS) {
			msg.className = 'msg bad';
			msg.textContent = 'The end time must be in the next 24 hours.';
			until.focus();
			return;
		}
		setMode(b, { mode, until: iso }, msg);
	};

	return el('form', { class: 'mode-form', onsubmit: (e) => e.preventDefault() },
	    el('label', { for: id, class: 'field-s' },
		`Ends at (${ctx.zoneLabel(b)}, at most 24 h from now)`),
	    until,
	    el('p', { class: 'act-row' },
		el('button', { type: 'button', class: 'btn', 'data-act': 'drill',
		    onclick: () => startIt('drill') }, 'Start drill'),
		el('button', { type: 'button', class: 'btn secondary',
		    'data-act': 'pause', onclick: () => startIt('pause') },
		    'Pause for device testing'),
		m && el('button', { type: 'button', class: 'btn danger',
		    'data-act': 'stop', onclick: () =>
		    setMode(b, { mode: m.mode, stop: true }, msg) },
		    `Stop the ${m.mode}`)),
	    msg);
}

function deviceList(b, devices, error) {
	if (error)
		return el('p', { class: 'msg bad' }, `Devices unknown: ${error}`);
	const mine = devices.filter((d) => d.branch === b);
	const off = mine.filter((d) => d.state === 'offline');
	const now = ctx.now();

	if (!off.length)
		return el('p', { class: 'devices-ok' }, mine.length ?
		    `All ${mine.length} device${mine.length === 1 ? '' : 's'} online.` :
		    'No devices have checked in.');
	return el('div', null,
	    el('p', { class: 'devices-bad' }, `${off.length} of ${mine.length} ` +
		`device${mine.length === 1 ? '' : 's'} offline:`),
	    el('ul', { class: 'devices' }, off.map((d) => el('li',
		{ 'data-device': d.device },
		el('strong', null, d.device), d.device_kind ?
		` (${d.device_kind.replace(/_/g, ' ')})` : '',
		d.flagged ? el('span', { class: 'tag call-tag' }, 'flagged') : '',
		': last seen ', d.last_seen ? `${ctx.fmtDate(d.last_seen, b)} ` +
		`${ctx.fmtTime(d.last_seen, b)}, ${ago(d.last_seen, now)}` :
		'never'))));
}

function card(b, modes, devices) {
	const m = (modes.modes || []).find((x) => x.branch === b.branch);

	return el('li', { class: 'branch-card', 'data-branch': b.branch },
	    el('h3', null, b.name || b.branch, ' ',
		el('small', null, b.timezone ? `${b.branch} · ${b.timezone}` :
		b.branch)),
	    modes.error ? el('p', { class: 'msg bad' },
		`Mode unknown: ${modes.error}`) : modeLine(b.branch, m),
	    modeForm(b.branch, m),
	    el('h4', null, 'Devices'),
	    deviceList(b.branch, devices.devices || [], devices.error));
}

async function refresh() {
	const [modes, devices] = await Promise.all([ask('modes'), ask('devices')]);
	const focused = document.activeElement && section.contains(
	    document.activeElement) ? document.activeElement : null;

	// Not under a hand that is typing an end time.
	if (focused && focused.tagName === 'INPUT')
		return;
	list.replaceChildren(...(ctx.info.branches || []).map((b) =>
	    card(b, modes, devices)));
	stamp.textContent = 'Modes and devices as beacond knows them now; ' +
	    'read again every 15 s.';
	section.dataset.loaded = '1';
	if (focused && focused.dataset.act) {
		const again = list.querySelector(`[data-branch="${focused.closest(
		    '[data-branch]').dataset.branch}"] [data-act="${
		    focused.dataset.act}"]`);
		if (again)
			again.focus();
	}
}

export function mount(s, c) {
	section = s;
	ctx = c;
	stamp = el('p', { class: 'count' });
	list = el('ul', { class: 'branch-cards' });
	section.append(el('div', { class: 'view-head' },
	    el('h2', null, 'Branches: modes and devices')), stamp, list);
}

export function show() {
	refresh();
	clearInterval(timer);
	timer = setInterval(refresh, EVERY_MS);
}

export function hide() {
	clearInterval(timer);
	timer = null;
}
