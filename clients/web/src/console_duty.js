// The console's #duty view (#duty=BRANCH opens a branch): every branch at
// a glance, then who is on duty at one branch now, or at a chosen time,
// per role (the `oncall` request, as `beacon oncall`); the overrides in
// force, each with a Clear button (`oncall_clear`); a form that sets an
// override (`oncall_set`); and the overrides' own log (`oncall_log`).
// Times typed here are the branch's local time, "YYYY-MM-DDTHH:MM", which
// beacond reads in the branch's zone; times shown are in the branch's
// zone, labelled.
import { zoneLocal } from './console_ctx.js';
import { t } from './i18n.js';
import { el, validId } from './util.js';

const NOTE_MAX = 512;
const LOG_SHOWN = 50;

let ctx = null;
let section = null;
let branch = '';	/* the branch shown */
let at = '';		/* "YYYY-MM-DDTHH:MM" at the branch, or "" for now */
let drawn = 0;		/* a counter: an answer for an older draw is dropped */

// ---- drawing -----------------------------------------------------------------

function when(iso) {
	return iso ? `${ctx.fmtDate(iso, branch)}, ${ctx.fmtTime(iso, branch)}` :
	    '';
}

function zoneNote() {
	const b = ctx.branch(branch);

	return t(b && b.timezone ? 'console.duty.zone_tz' : 'console.duty.zone',
	    { zone: ctx.zoneLabel(branch), tz: b && b.timezone });
}

function busy(on) {
	section.setAttribute('aria-busy', on ? 'true' : 'false');
}

// A refusal or a failure, in beacond's words.
function problem(text) {
	return el('p', { class: 'error', role: 'alert' }, text);
}

function ask(method, fields) {
	return ctx.request(method, fields).catch((e) =>
	    ({ ok: false, error: e.message }));
}

function names(ids) {
	return ids && ids.length ? ids.map((id) => ctx.responderLabel(id))
	    .join(', ') : t('console.duty.no_one');
}

// A role of an `oncall` answer: its label in the page's language when
// the library has one, else beacond's.
function roleLabel(r) {
	return ctx.roleLabelHere(r.role) || r.label || ctx.roleLabel(r.role);
}

function rolesTable(b) {
	const rows = (b.roles || []).map((r) => el('tr', null,
	    el('th', { scope: 'row' }, roleLabel(r)),
	    el('td', { class: r.on_duty && r.on_duty.length ? '' : 'nobody' },
		r.on_duty && r.on_duty.length ? names(r.on_duty) :
		t('console.duty.no_one')),
	    el('td', null, names(r.off_duty))));

	return el('table', { class: 'cf-table duty-roles' },
	    el('caption', null, t('console.duty.per_role')),
	    el('thead', null, el('tr', null,
		el('th', { scope: 'col' }, t('console.duty.role')),
		el('th', { scope: 'col' }, t('console.duty.on')),
		el('th', { scope: 'col' }, t('console.duty.off')))),
	    el('tbody', null, rows));
}

function overrideLine(o) {
	const note = o.note ? `${t('console.colon')}${o.note}` : '';

	return t(o.on_duty ? 'console.duty.override_on' :
	    'console.duty.override_off', { who: ctx.responderLabel(o.responder),
	    from: when(o.from), until: when(o.until), by: o.by }) + note;
}

function overridesList(b, status) {
	const list = b.overrides || [];
	const box = el('div', { class: 'duty-overrides' },
	    el('h3', null, t('console.duty.overrides')));

	if (!list.length) {
		box.append(el('p', { class: 'empty' },
		    t('console.duty.overrides_none')));
		return box;
	}
	const seen = new Set();
	const ul = el('ul', { class: 'cf-list' });
	for (const o of list) {
		const li = el('li', null, el('span', null, overrideLine(o)));
		if (!seen.has(o.responder)) {
			seen.add(o.responder);
			li.append(el('button', { type: 'button', class: 'plain',
			    'data-clear': o.responder,
			    onclick: () => clear(o.responder, status) },
			    t('console.duty.clear', { who: o.responder })));
		}
		ul.append(li);
	}
	box.append(ul);
	return box;
}

function nowPanel(b, status) {
	const open = b.open ? t('console.duty.open') : b.closed ?
	    t('console.duty.closed_why', { why: b.closed }) :
	    t('console.duty.closed');

	return el('div', { class: 'panel duty-now' },
	    el('h3', null, t(at ? 'console.duty.head_at' : 'console.duty.head_now',
		{ branch: b.name || ctx.branchName(b.branch), when: when(b.at),
		open })),
	    rolesTable(b), overridesList(b, status));
}

// Every branch the account covers at a glance: open or closed, who is on
// duty per role, and the roles with nobody (a branch's name opens it).
function overview(a) {
	const mine = new Set(((ctx.info && ctx.info.branches) || []).map((b) =>
	    b.branch));
	const rows = (a.branches || []).filter((b) => mine.has(b.branch))
	    .map((b) => {
		const on = (b.roles || []).filter((r) => r.on_duty &&
		    r.on_duty.length);
		const none = (b.roles || []).filter((r) => !r.on_duty ||
		    !r.on_duty.length);
		return el('tr', { 'data-branch': b.branch },
		    el('th', { scope: 'row' }, el('button', { type: 'button',
			class: 'link', onclick: () => {
				branch = b.branch;
				draw();
			} }, b.name || ctx.branchName(b.branch))),
		    el('td', null, b.open ? t('console.duty.open') : b.closed ?
			`${t('console.duty.closed')}${t('console.colon')}${b.closed}` :
			t('console.duty.closed')),
		    el('td', null, on.map((r) => `${roleLabel(r)}${t('console.colon')}` +
			r.on_duty.join(', ')).join('; ') || t('console.duty.no_one')),
		    el('td', { class: none.length ? 'nobody' : '' },
			none.map(roleLabel).join(', ') ||
			t('console.duty.every_role')));
	    });

	return el('div', { class: 'panel duty-all' },
	    el('table', { class: 'cf-table duty-branches' },
		el('caption', null, t(at ? 'console.duty.all_at' :
		    'console.duty.all_now')),
		el('thead', null, el('tr', null,
		    el('th', { scope: 'col' }, t('console.filter.branch')),
		    el('th', { scope: 'col' }, t('console.duty.open_col')),
		    el('th', { scope: 'col' }, t('console.duty.on')),
		    el('th', { scope: 'col' }, t('console.duty.nobody')))),
		el('tbody', null, rows)));
}

// ---- the choice of branch and time ------------------------------------------

function chooser() {
	const branches = (ctx.info && ctx.info.branches) || [];
	const sel = el('select', { id: 'duty-branch', name: 'branch' },
	    branches.map((b) => el('option', { value: b.branch,
		selected: b.branch === branch }, `${b.name} (${b.branch})`)));
	const time = el('input', { id: 'duty-at', name: 'at',
	    type: 'datetime-local', value: at,
	    'aria-describedby': 'duty-at-hint duty-at-error' });
	const form = el('form', { class: 'panel cf-form duty-choose',
	    onsubmit: (e) => {
		e.preventDefault();
		if (time.validity.badInput) {
			setError(form, 'duty-at', t('console.duty.at_bad'));
			time.focus();
			return;
		}
		branch = sel.value;
		at = time.value;
		draw();
	    } },
	    el('div', { class: 'cf-row' },
		el('div', { class: 'cf-field' },
		    el('label', { for: 'duty-branch' }, t('console.filter.branch')),
		    sel),
		el('div', { class: 'cf-field' },
		    el('label', { for: 'duty-at' }, t('console.duty.at')), time,
		    el('p', { id: 'duty-at-hint', class: 'hint-text' },
			`${t('console.duty.at_hint')} ${zoneNote()}`),
		    el('p', { id: 'duty-at-error', class: 'field-error' }))),
	    el('div', { class: 'cf-buttons' },
		el('button', { type: 'submit', class: 'plain' },
		    t('console.duty.show')),
		el('button', { type: 'button', class: 'plain', onclick: () => {
			at = '';
			branch = sel.value;
			draw();
		} }, t('console.duty.now'))));

	sel.addEventListener('change', () => {
		branch = sel.value;
		draw();
	});
	return form;
}

// ---- setting and clearing an override ---------------------------------------

function field(id, label, input, hint) {
	const desc = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean);

	input.id = id;
	input.setAttribute('aria-describedby', desc.join(' '));
	return el('div', { class: 'cf-field' }, el('label', { for: id }, label),
	    input, hint ? el('p', { id: `${id}-hint`, class: 'hint-text' }, hint) :
	    null, el('p', { id: `${id}-error`, class: 'field-error' }));
}

function setError(form, id, text) {
	const input = form.querySelector(`#${id}`);
	const err = form.querySelector(`#${id}-error`);

	if (err)
		err.textContent = text || '';
	if (input && text)
		input.setAttribute('aria-invalid', 'true');
	else if (input)
		input.removeAttribute('aria-invalid');
}

function covering(b) {
	return ((ctx.info && ctx.info.responders) || []).filter((r) =>
	    (r.branches || []).includes(b) || (r.branches || []).includes('*'));
}

function setForm(status) {
	const zone = ctx.zone(branch);
	const now = ctx.now();
	const who = el('select', { name: 'responder' },
	    el('option', { value: '' }, t('console.duty.choose')),
	    covering(branch).map((r) => el('option', { value: r.id },
		ctx.responderLabel(r.id))));
	const on = el('input', { type: 'radio', name: 'duty', value: 'on',
	    id: 'duty-set-on', checked: true });
	const off = el('input', { type: 'radio', name: 'duty', value: 'off',
	    id: 'duty-set-off' });
	const from = el('input', { type: 'datetime-local', name: 'from',
	    value: zoneLocal(now, zone) });
	const until = el('input', { type: 'datetime-local', name: 'until',
	    value: zoneLocal(now + 8 * 3600e3, zone) });
	const note = el('input', { type: 'text', name: 'note' });
	const form = el('form', { class: 'panel cf-form duty-set', novalidate: true },
	    el('h3', null, t('console.duty.set_title')),
	    el('p', null, t('console.duty.set_intro',
		{ branch: ctx.branchName(branch) })),
	    el('div', { class: 'cf-row' },
		field('duty-set-responder', t('console.duty.responder'), who),
		el('fieldset', { class: 'cf-radios' },
		    el('legend', null, t('console.duty.duty')),
		    el('label', { for: 'duty-set-on' }, on, ' ',
			t('console.duty.on')),
		    el('label', { for: 'duty-set-off' }, off, ' ',
			t('console.duty.off')))),
	    el('div', { class: 'cf-row' },
		field('duty-set-from', t('console.duty.from'), from,
		    `${t('console.duty.local')} ${zoneNote()}`),
		field('duty-set-until', t('console.duty.until'), until,
		    t('console.duty.local'))),
	    field('duty-set-note', t('console.duty.note'), note),
	    el('div', { class: 'cf-buttons' },
		el('button', { type: 'submit', class: 'act primary' },
		    t('console.duty.set'))),
	    el('p', { id: 'duty-set-result', class: 'error', role: 'alert' }));

	form.addEventListener('submit', (e) => {
		e.preventDefault();
		submitSet(form, status);
	});
	return form;
}

function checkSet(form) {
	const v = (n) => form.elements[n].value;
	let ok = true;
	const bad = (id, text) => {
		setError(form, id, text);
		ok = false;
	};

	for (const id of ['responder', 'from', 'until', 'note'])
		setError(form, `duty-set-${id}`, '');
	if (!validId(v('responder')))
		bad('duty-set-responder', t('console.duty.err_who'));
	if (!v('from'))
		bad('duty-set-from', t('console.duty.err_from'));
	if (!v('until'))
		bad('duty-set-until', t('console.duty.err_until'));
	else if (v('from') && v('until') <= v('from'))
		bad('duty-set-until', t('console.duty.err_order'));
	if (new TextEncoder().encode(v('note')).length > NOTE_MAX)
		bad('duty-set-note', t('console.bytes_max', { n: NOTE_MAX }));
	if (!ok) {
		const first = form.querySelector('[aria-invalid="true"]');
		if (first)
			first.focus();
	}
	return ok;
}

async function submitSet(form, status) {
	const v = (n) => form.elements[n].value;
	const result = form.querySelector('#duty-set-result');

	result.textContent = '';
	if (!checkSet(form))
		return;
	const fields = { responder: v('responder'), branch, from: v('from'),
	    until: v('until') };
	if (form.elements.duty.value === 'off')
		fields.off = true;
	if (v('note'))
		fields.note = v('note');
	const a = await ask('oncall_set', fields);
	if (!a.ok) {
		result.textContent = t('console.duty.not_set', { error: a.error });
		return;
	}
	const text = (a.text || t('console.duty.set_done')).trim();
	ctx.announce(text);
	await draw(text, true);
}

async function clear(responder, status) {
	const a = await ask('oncall_clear', { responder, branch });

	if (!a.ok) {
		status.textContent = t('console.duty.not_cleared',
		    { error: a.error });
		status.className = 'error';
		return;
	}
	const text = (a.text || t('console.duty.cleared',
	    { who: responder })).trim();
	ctx.announce(text);
	await draw(text, true);
}

// ---- the log --------------------------------------------------------------------

// A log entry's kind in words ("console.duty.kind.set"); another as it came.
function logKind(kind) {
	const key = `console.duty.kind.${kind}`;
	const s = t(key);

	return s === key ? kind : s;
}

function logTable(a) {
	const box = el('div', { class: 'panel duty-log' },
	    el('h3', null, t('console.duty.log')));

	if (!a.ok) {
		box.append(problem(t('console.duty.log_error', { error: a.error })));
		return box;
	}
	const events = (a.events || []).slice().reverse().slice(0, LOG_SHOWN);
	if (!events.length) {
		box.append(el('p', { class: 'empty' }, t('console.duty.log_none')));
		return box;
	}
	box.append(el('p', { class: 'hint-text' },
	    `${t('console.duty.log_order')} ${zoneNote()}`),
	    el('table', { class: 'cf-table duty-log-table' },
	    el('caption', { class: 'sr-only' }, t('console.duty.log')),
	    el('thead', null, el('tr', null,
		['time', 'what', 'responder', 'by', 'detail'].map((h) =>
		    el('th', { scope: 'col' }, t(`console.duty.col.${h}`))))),
	    el('tbody', null, events.map((ev) => el('tr', null,
		el('td', null, when(ev.ts)),
		el('td', { 'data-kind': ev.kind }, t('console.duty.log_what',
		    { what: logKind(ev.kind), n: ev.override })),
		el('td', { class: 'id' }, ev.responder),
		el('td', { class: 'id' }, ev.actor),
		el('td', null, ev.detail || ''))))));
	return box;
}

// ---- the view -------------------------------------------------------------------

// Draw the view; with focus, the focus goes to the message (the view is
// drawn anew after an action, and the button pressed is gone).
async function draw(message, focus = false) {
	const n = ++drawn;
	const fields = { branch };

	if (at)
		fields.at = at;
	busy(true);
	const [now, log, all] = await Promise.all([ask('oncall', fields),
	    ask('oncall_log', { branch }), ask('oncall', at ? { at } : {})]);
	if (n !== drawn)
		return;
	const status = el('p', { id: 'duty-status', role: 'status',
	    class: 'ok-text', tabindex: -1 }, message || '');
	section.replaceChildren(el('h2', null, t('console.nav.duty')));
	if (all.ok && (ctx.info.branches || []).length > 1)
		section.append(overview(all));
	section.append(chooser(), status);
	if (!now.ok) {
		section.append(problem(t('console.beacond_refused',
		    { error: now.error })));
	} else {
		const b = (now.branches || [])[0];
		if (b)
			section.append(nowPanel(b, status));
	}
	section.append(setForm(status), logTable(log));
	section.dataset.loaded = String(n);
	busy(false);
	if (focus)
		status.focus();
}

export function mount(s, c) {
	section = s;
	ctx = c;
	section.classList.add('console-forms');
}

export function show(params) {
	const branches = (ctx.info && ctx.info.branches) || [];
	const want = params && params.arg;

	if (want && branches.some((b) => b.branch === want))
		branch = want;
	if (!branch && branches.length)
		branch = branches[0].branch;
	if (!branch) {
		section.replaceChildren(el('h2', null, t('console.nav.duty')),
		    el('p', { class: 'empty' }, t('console.duty.no_branch')));
		return;
	}
	draw();
}
