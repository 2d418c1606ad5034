// Branch modes and devices (#branches): per branch, the mode in force
// (drill or pause, until when) started and stopped with `branch_mode`, and
// the devices that are offline with when they were last seen (`devices`),
// read again every 15 s while the view is shown.
import { num, t, tn } from './i18n.js';
import { ago, el } from './util.js';

const EVERY_MS = 15000;
const DAY_MS = 24 * 3600 * 1000;

let section = null;
let ctx = null;
let timer = null;
let list = null;
let stamp = null;
const msgs = new Map();		/* branch -> its last message {ok, text} */

// A mode in words ("console.mode.drill"); an unknown one as it came.
function modeText(mode) {
	const key = `console.mode.${mode}`;
	const s = t(key);

	return s === key ? mode : s;
}

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
		    t('console.mode.normal'));
	return el('p', { class: `mode ${m.mode}`, 'data-mode': m.mode },
	    el('strong', null, t(m.mode === 'drill' ? 'console.life.drill' :
		'console.mode.paused')), ' ',
	    modeText(m.mode),
	    m.until ? t('console.mode.until', { date: ctx.fmtDate(m.until, b),
		time: ctx.fmtTime(m.until, b), zone: ctx.zoneLabel(b) }) : '',
	    m.by ? t('console.mode.by', { who: m.by }) : '');
}

async function setMode(b, fields, msg) {
	let a;

	msg.className = 'msg';
	msg.textContent = t('console.sending');
	try {
		a = await ctx.request('branch_mode', { branch: b, ...fields });
	} catch (e) {
		a = { ok: false, error: e.message };
	}
	const text = a.ok ? t(a.active ? a.mode === 'drill' ?
	    'console.mode.drill_started' : 'console.mode.pause_started' :
	    'console.mode.stopped') : t('console.not_done', { error: a.error });
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
		const end = Date.parse(iso);
		if (!iso || !(end > ctx.now()) || end - ctx.now() > DAY_MS) {
			msg.className = 'msg bad';
			msg.textContent = t('console.mode.end_bad');
			until.focus();
			return;
		}
		setMode(b, { mode, until: iso }, msg);
	};

	return el('form', { class: 'mode-form', onsubmit: (e) => e.preventDefault() },
	    el('label', { for: id, class: 'field-s' },
		t('console.mode.ends', { zone: ctx.zoneLabel(b) })),
	    until,
	    el('p', { class: 'act-row' },
		el('button', { type: 'button', class: 'btn', 'data-act': 'drill',
		    onclick: () => startIt('drill') }, t('console.mode.start_drill')),
		el('button', { type: 'button', class: 'btn secondary',
		    'data-act': 'pause', onclick: () => startIt('pause') },
		    t('console.mode.start_pause')),
		m && el('button', { type: 'button', class: 'btn danger',
		    'data-act': 'stop', onclick: () =>
		    setMode(b, { mode: m.mode, stop: true }, msg) },
		    t(m.mode === 'drill' ? 'console.mode.stop_drill' :
		    m.mode === 'pause' ? 'console.mode.stop_pause' :
		    'console.mode.stop', { mode: m.mode }))),
	    msg);
}

function deviceList(b, devices, error) {
	if (error)
		return el('p', { class: 'msg bad' },
		    t('console.devices.unknown', { error }));
	const mine = devices.filter((d) => d.branch === b);
	const off = mine.filter((d) => d.state === 'offline');
	const now = ctx.now();

	if (!off.length)
		return el('p', { class: 'devices-ok' }, mine.length ?
		    tn('console.devices.all_online', mine.length) :
		    t('console.devices.none'));
	return el('div', null,
	    el('p', { class: 'devices-bad' }, tn('console.devices.offline',
		mine.length, { off: num(off.length) })),
	    el('ul', { class: 'devices' }, off.map((d) => el('li',
		{ 'data-device': d.device },
		el('strong', null, d.device), d.device_kind ?
		` (${d.device_kind.replace(/_/g, ' ')})` : '',
		d.flagged ? el('span', { class: 'tag call-tag' },
		    t('console.devices.flagged')) : '',
		t('console.devices.last_seen'), d.last_seen ?
		`${ctx.fmtDate(d.last_seen, b)} ` +
		`${ctx.fmtTime(d.last_seen, b)}, ${ago(d.last_seen, now)}` :
		t('console.never')))));
}

function card(b, modes, devices) {
	const m = (modes.modes || []).find((x) => x.branch === b.branch);

	return el('li', { class: 'branch-card', 'data-branch': b.branch },
	    el('h3', null, b.name || b.branch, ' ',
		el('small', null, b.timezone ? `${b.branch} · ${b.timezone}` :
		b.branch)),
	    modes.error ? el('p', { class: 'msg bad' },
		t('console.mode.unknown', { error: modes.error })) :
		modeLine(b.branch, m),
	    modeForm(b.branch, m),
	    el('h4', null, t('console.devices.title')),
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
	stamp.textContent = t('console.branches.stamp');
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
	    el('h2', null, t('console.branches.title'))), stamp, list);
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
