// The console's debriefs: #debriefs lists the debriefs due and overdue per
// branch (`debriefs_due`), and #debrief=N is the form of incident N's
// debrief (docs/protocol.md "Debriefs"). The form starts from the latest
// revision (`debrief {incident, all}`), lists the revisions, checks what
// was typed as `beacon debrief` does (the same limits, in the same words
// where it can), and records it with `record {incident, debrief}`: the
// record it sends has the fields and omissions of the command line's
// (msg_debrief_object), so that the same content makes the same record.
// What anyone said in the wellbeing debrief has no field, here as there.
import { el, validId } from './util.js';
import { zoneLocal, zoneUtc } from './console_ctx.js';
import { num, t, tn } from './i18n.js';

const LIST_MAX = 16;	/* notices, referrals, actions */
const TEXT_MAX = 512;	/* bytes of each free text */
const COUNT_MAX = 10000;
// The values are the record's; their labels the catalog's
// ("console.df.wb.held", "console.df.status.open", "console.df.route_note").
const WELLBEING = ['', 'offered', 'held', 'declined', 'not_offered'];
const ACTION_STATUS = ['open', 'done', 'dropped'];
const TEXTS = [['route_note', true], ['went_well', false],
    ['to_improve', false], ['training', false]];

function idHint() {
	return t('console.df.id_hint');
}

let ctx = null;
const sections = {};	/* view name -> its section */
let drawn = 0;		/* a counter: an answer for an older draw is dropped */
let rows = 0;		/* a counter for the ids of list rows */

function ask(method, fields) {
	return ctx.request(method, fields).catch((e) =>
	    ({ ok: false, error: e.message }));
}

function busy(s, on) {
	s.setAttribute('aria-busy', on ? 'true' : 'false');
}

function when(iso, branch) {
	return iso ? `${ctx.fmtDate(iso, branch)}, ${ctx.fmtTime(iso, branch)}` :
	    '';
}

function zoneNote(branch) {
	const b = ctx.branch(branch);

	return t(b && b.timezone ? 'console.duty.zone_tz' : 'console.duty.zone',
	    { zone: ctx.zoneLabel(branch), tz: b && b.timezone });
}

function bytes(s) {
	return new TextEncoder().encode(s).length;
}

// A date that exists, YYYY-MM-DD, from 1970 (date_valid in lib/beacon.c).
function dateValid(s) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);

	if (!m || +m[1] < 1970)
		return false;
	const d = new Date(Date.UTC(+m[1], m[2] - 1, +m[3]));
	return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === m[2] - 1 &&
	    d.getUTCDate() === +m[3];
}

// ---- #debriefs: the list ------------------------------------------------------

function dueRow(d) {
	const label = t('console.incident.id', { id: d.incident });

	return el('tr', { class: d.overdue ? 'overdue' : '',
	    'data-incident': d.incident },
	    el('th', { scope: 'row' }, el('a', { href: `#debrief=${d.incident}` },
		label)),
	    el('td', null, d.label || ctx.categoryLabel(d.type),
		d.drill ? [' ', el('span', { class: 'tag drill-tag' },
		    t('console.tag.drill'))] : null),
	    el('td', null, when(d.resolved, d.branch)),
	    el('td', null, when(d.due, d.branch)),
	    el('td', null, d.overdue ?
		el('strong', { class: 'overdue-mark' }, t('console.df.overdue')) :
		t('console.df.due')));
}

function branchDue(b, list) {
	const box = el('section', { class: 'panel cf-branch',
	    'aria-labelledby': `due-${b.branch}` },
	    el('h3', { id: `due-${b.branch}` }, b.name || b.branch));

	if (!list.length) {
		box.append(el('p', { class: 'empty' }, t('console.df.none_due')));
		return box;
	}
	const late = list.filter((d) => d.overdue).length;
	box.append(el('p', { class: 'hint-text' },
	    `${t(late ? 'console.df.count_late' : 'console.df.count',
	    { n: num(list.length), late: num(late) })} ${zoneNote(b.branch)}`),
	    el('table', { class: 'cf-table due-table' },
	    el('caption', { class: 'sr-only' }, t('console.df.caption',
		{ branch: b.name })),
	    el('thead', null, el('tr', null, ['incident', 'category',
		'resolved', 'due', 'status'].map((h) =>
		el('th', { scope: 'col' }, t(`console.df.col.${h}`))))),
	    el('tbody', null, list.map(dueRow))));
	return box;
}

async function showList() {
	const s = sections.debriefs;
	const n = ++drawn;

	busy(s, true);
	const a = await ask('debriefs_due', {});
	if (n !== drawn)
		return;
	const head = el('div', { class: 'cf-head' },
	    el('h2', null, t('console.df.list_title')),
	    el('button', { type: 'button', class: 'plain', onclick: showList },
		t('console.df.refresh')));
	s.replaceChildren(head, el('p', null, t('console.df.list_intro')));
	if (!a.ok) {
		s.append(el('p', { class: 'error', role: 'alert' },
		    t('console.beacond_refused', { error: a.error })));
	} else {
		const due = a.debriefs || [];
		const branches = ((ctx.info && ctx.info.branches) || []).slice();
		for (const d of due)
			if (!branches.some((b) => b.branch === d.branch))
				branches.push({ branch: d.branch, name: d.branch });
		for (const b of branches)
			s.append(branchDue(b, due.filter((d) => d.branch === b.branch)));
	}
	s.dataset.loaded = String(n);
	busy(s, false);
}

// ---- #debrief=N: the form's parts -----------------------------------------------

// A labelled control with its hint and its error line, which
// aria-describedby ties to it.
function field(id, label, input, hint, cls = '') {
	input.id = id;
	input.setAttribute('aria-describedby',
	    `${hint ? `${id}-hint ` : ''}${id}-error`);
	return el('div', { class: `cf-field ${cls}` },
	    el('label', { for: id }, label), input,
	    hint ? el('p', { id: `${id}-hint`, class: 'hint-text' }, hint) : null,
	    el('p', { id: `${id}-error`, class: 'field-error' }));
}

function text(name, value) {
	return el('input', { type: 'text', name, value: value || '',
	    autocomplete: 'off', spellcheck: 'false' });
}

function select(name, options, value) {
	const known = options.some(([v]) => v === value);
	const all = known || !value ? options : [...options, [value, value]];

	return el('select', { name }, all.map(([v, l]) =>
	    el('option', { value: v, selected: v === (value || '') }, l)));
}

function wellbeingPart(w, branch) {
	const at = el('input', { type: 'datetime-local', name: 'at',
	    value: w.at ? zoneLocal(Date.parse(w.at), ctx.zone(branch)) : '' });
	const participants = el('input', { type: 'number', name: 'participants',
	    min: 0, max: COUNT_MAX, step: 1, inputmode: 'numeric',
	    value: w.participants !== undefined ? String(w.participants) : '' });

	// Kept as recorded unless changed: the input has no seconds.
	at.dataset.was = at.value;
	at.dataset.iso = w.at || '';
	return el('fieldset', { class: 'panel cf-part' },
	    el('legend', null, t('console.df.wellbeing')),
	    el('p', { class: 'cf-never' }, t('console.df.never')),
	    el('div', { class: 'cf-row' },
		field('df-status', t('console.df.col.status'), select('status',
		    WELLBEING.map((v) => [v, t(`console.df.wb.${v || 'none'}`)]),
		    w.status)),
		field('df-at', t('console.df.at'), at,
		    `${t('console.duty.local')} ${zoneNote(branch)}`)),
	    el('div', { class: 'cf-row' },
		field('df-facilitator', t('console.df.facilitator'),
		    text('facilitator', w.facilitator),
		    t('console.df.id_eg', { eg: 'eap_counsellor',
		    hint: idHint() })),
		field('df-participants', t('console.df.participants'),
		    participants, t('console.df.participants_hint',
		    { max: num(COUNT_MAX) }))),
	    el('div', { class: 'cf-row' },
		field('df-follow_up', t('console.df.follow_up'), el('input', {
		    type: 'date', name: 'follow_up', value: w.follow_up || '' }),
		    t('console.df.follow_up_hint')),
		field('df-support', t('console.df.support'),
		    text('support', w.support),
		    t('console.df.id_eg', { eg: 'employee_assistance',
		    hint: idHint() }))));
}

function routePart(r) {
	const radio = (v, label) => el('label', { class: 'cf-radio' },
	    el('input', { type: 'radio', name: 'route', value: v,
		checked: (r.route || '') === v }), ` ${label}`);

	return el('fieldset', { class: 'cf-radios', id: 'df-route',
	    'aria-describedby': 'df-route-error' },
	    el('legend', null, t('console.df.route')),
	    radio('right', t('console.df.route_right')),
	    radio('wrong', t('console.df.route_wrong')),
	    radio('', t('console.df.wb.none')),
	    el('p', { id: 'df-route-error', class: 'field-error' }));
}

function notices(r) {
	const types = (ctx.info && ctx.info.debrief &&
	    ctx.info.debrief.notice_types) || [];
	const had = r.notices || [];
	const all = [...types, ...had.filter((x) => !types.includes(x))];

	return el('fieldset', { class: 'cf-checks', id: 'df-notices',
	    'aria-describedby': 'df-notices-error' },
	    el('legend', null, t('console.df.notices')),
	    all.length ? all.map((x) => el('label', { class: 'cf-check' },
		el('input', { type: 'checkbox', name: 'notice', value: x,
		    checked: had.includes(x) }), ` ${x.replace(/_/g, ' ')}`)) :
		el('p', { class: 'empty' }, t('console.df.notices_none')),
	    el('p', { id: 'df-notices-error', class: 'field-error' }));
}

// One row of a list (referrals, actions) with its Remove button.
function listRow(kind, cells, list) {
	const row = el('li', { class: `cf-list-row ${kind}-row` }, cells);

	row.append(el('button', { type: 'button', class: 'plain cf-remove',
	    onclick: () => {
		const next = row.nextElementSibling || row.previousElementSibling;
		row.remove();
		listChanged(list);
		const f = next && next.querySelector('input, select');
		(f || list.parentElement.querySelector('.cf-add')).focus();
	    } }, t('console.df.remove')));
	return row;
}

function listChanged(list) {
	const add = list.parentElement.querySelector('.cf-add');

	add.disabled = list.children.length >= LIST_MAX;
	list.querySelectorAll('li').forEach((li, i) => {
		const kind = li.classList.contains('action-row') ? 'action' :
		    'referral';

		// A label with a number says it; the others ("Due date") name
		// the row to screen readers only.
		for (const l of li.querySelectorAll('[data-n]')) {
			if (l.dataset.label.includes('#'))
				l.textContent = l.dataset.label.replace('#',
				    String(i + 1));
			else
				li.querySelector(`#${l.htmlFor}`).setAttribute('aria-label',
				    t('console.df.row_label', { label: l.dataset.label,
				    row: t(`console.df.${kind}_n`, { n: i + 1 }) }));
		}
		li.querySelector('.cf-remove').setAttribute('aria-label',
		    t('console.df.remove_n', { row: t(`console.df.${kind}_n`,
		    { n: i + 1 }) }));
	});
}

// A cell of a row, its label kept in data-label ("#": the row's number).
function cell(kind, key, label, input) {
	const id = `df-${kind}-${++rows}-${key}`;
	const lab = el('label', { for: id, 'data-n': '', 'data-label': label },
	    label.replace('#', ''));

	input.id = id;
	input.dataset.key = key;
	input.setAttribute('aria-describedby', `${id}-error`);
	return el('div', { class: `cf-field cf-${key}` }, lab, input,
	    el('p', { id: `${id}-error`, class: 'field-error' }));
}

function referralRow(x, list) {
	const types = (ctx.info && ctx.info.debrief &&
	    ctx.info.debrief.referral_types) || [];

	return listRow('referral', [
	    cell('referral', 'type', t('console.df.referral_to'),
		select('referral_type', [['', t('console.df.choose_type')],
		...types.map((y) => [y, y.replace(/_/g, ' ')])], x.type)),
	    cell('referral', 'count', t('console.df.referral_count'),
		el('input', { type: 'number', min: 1, max: COUNT_MAX, step: 1,
		    inputmode: 'numeric', value: String(x.count || 1) })),
	], list);
}

function actionRow(x, list) {
	return listRow('action', [
	    cell('action', 'what', t('console.df.action_what'),
		text('what', x.what)),
	    cell('action', 'owner', t('console.df.action_owner'),
		text('owner', x.owner)),
	    cell('action', 'due', t('console.df.action_due'),
		el('input', { type: 'date', value: x.due || '' })),
	    cell('action', 'status', t('console.df.col.status'),
		select('action_status', ACTION_STATUS.map((v) =>
		[v, t(`console.df.status.${v}`)]), x.status || 'open')),
	], list);
}

function listPart(kind, legend, hint, items, makeRow, blank) {
	const list = el('ol', { class: 'cf-rows', id: `df-${kind}s-list` });
	const box = el('fieldset', { class: 'cf-listbox', id: `df-${kind}s`,
	    'aria-describedby': `df-${kind}s-hint df-${kind}s-error` },
	    el('legend', null, legend),
	    el('p', { id: `df-${kind}s-hint`, class: 'hint-text' }, hint), list,
	    el('p', { id: `df-${kind}s-error`, class: 'field-error' }),
	    el('button', { type: 'button', class: 'plain cf-add', onclick: () => {
		list.append(makeRow(blank, list));
		listChanged(list);
		list.lastElementChild.querySelector('input, select').focus();
	    } }, t(`console.df.add_${kind}`)));

	for (const x of items)
		list.append(makeRow(x, list));
	listChanged(list);
	return box;
}

// A free text's hint says how many bytes it holds once it is typed in.
function counted(box) {
	const area = box.querySelector('textarea');
	const hint = box.querySelector('.hint-text');
	const base = hint.textContent;
	const count = () => {
		const n = bytes(area.value);
		hint.textContent = n ? `${base} ${t('console.df.now',
		    { n: num(n) })}` : base;
	};

	area.addEventListener('input', count);
	count();
	return box;
}

function reviewPart(r) {
	return el('fieldset', { class: 'panel cf-part' },
	    el('legend', null, t('console.df.review')),
	    routePart(r),
	    TEXTS.map(([k, hint]) => counted(field(`df-${k}`,
		t(`console.df.${k}`),
		el('textarea', { name: k, rows: 3 }, r[k] || ''),
		`${hint ? `${t(`console.df.${k}_hint`)} ` : ''}` +
		t('console.df.up_to', { n: num(TEXT_MAX) }), 'cf-wide'))),
	    notices(r),
	    listPart('referral', t('console.df.referrals'),
		t('console.df.referrals_hint', { n: LIST_MAX }), r.referrals || [],
		referralRow, { type: '', count: 1 }),
	    listPart('action', t('console.df.actions'),
		t('console.df.actions_hint', { n: LIST_MAX }), r.actions || [],
		actionRow, { what: '', owner: '', due: '', status: 'open' }));
}

function summary(inc, events) {
	const b = inc.branch;
	const resolved = (events || []).filter((e) => e.kind === 'resolve').pop();
	const where = (inc.locations && inc.locations.length ? inc.locations :
	    [inc.location]).filter(Boolean).join('; ');
	const dl = el('dl', { class: 'cf-summary' });
	const item = (k, v) => v ? dl.append(el('dt', null, k), el('dd', null, v)) :
	    null;

	item(t('console.df.col.category'), ctx.categoryLabel(inc.type));
	item(t('console.filter.branch'), ctx.branchName(b));
	item(t('console.filter.severity'), String(inc.severity));
	item(t('console.df.where'), where);
	item(t('console.inc.reported'), when(inc.created, b));
	item(t('console.df.col.resolved'), resolved ? when(resolved.ts, b) :
	    t(inc.state === 'resolved' ? 'console.df.yes' :
	    'console.df.still_open'));
	item(t('console.df.acked_by'), inc.acked_by);
	return el('div', { class: 'panel cf-incident' },
	    el('h3', null, t('console.incident.id', { id: inc.incident }),
		inc.drill ? [' ', el('span', { class: 'tag drill-tag' },
		t('console.tag.drill'))] : null),
	    dl, el('p', { class: 'hint-text' }, zoneNote(b)),
	    el('p', null, el('a', { href: `#incident=${inc.incident}` },
		t('console.df.timeline'))));
}

function revisionsList(revs, branch) {
	const box = el('div', { class: 'panel cf-revisions' },
	    el('h3', null, t('console.df.revisions')));

	if (!revs.length) {
		box.append(el('p', { class: 'empty' }, t('console.df.revisions_none')));
		return box;
	}
	box.append(el('ol', { class: 'cf-list' }, revs.map((d) => el('li', null,
	    t('console.df.revision', { n: d.revision,
	    who: d.author || t('console.df.unknown'),
	    when: when(d.ts, branch) })))));
	return box;
}

// ---- the form's record --------------------------------------------------------

// Field errors so far, by the id of the control they concern.
function problems() {
	const list = [];

	list.add = (id, why) => list.push({ id, why });
	return list;
}

function wellbeingOf(f, branch, bad) {
	const w = {};
	const c = (n) => f.querySelector(`#df-${n}`);
	const v = (n) => c(n).value.trim();
	const at = c('at');
	const n = c('participants');

	if (v('status'))
		w.status = v('status');
	if (at.validity.badInput || (at.value && !at.value.includes('T')))
		bad.add('df-at', t('console.df.err_at'));
	else if (at.value && at.value === at.dataset.was && at.dataset.iso)
		w.at = at.dataset.iso;
	else if (at.value) {
		const ms = zoneUtc(at.value, ctx.zone(branch));
		if (Number.isFinite(ms))
			w.at = new Date(ms).toISOString();
		else
			bad.add('df-at', t('console.df.err_at_none'));
	}
	for (const k of ['facilitator', 'support']) {
		if (v(k) && !validId(v(k)))
			bad.add(`df-${k}`, t('console.df.err_id',
			    { value: v(k).slice(0, 40), hint: idHint() }));
		else if (v(k))
			w[k] = v(k);
	}
	if (n.validity.badInput || (n.value.trim() && (!/^\d+$/.test(n.value.trim()) ||
	    +n.value > COUNT_MAX)))
		bad.add('df-participants', t('console.df.err_participants',
		    { value: n.value, max: COUNT_MAX }));
	else if (+n.value > 0)	/* 0 is not recorded, as by the command line */
		w.participants = +n.value;
	if (c('follow_up').validity.badInput ||
	    (v('follow_up') && !dateValid(v('follow_up'))))
		bad.add('df-follow_up', t('console.df.err_date'));
	else if (v('follow_up'))
		w.follow_up = v('follow_up');
	return w;
}

function referralsOf(f, bad) {
	const out = [];

	f.querySelectorAll('.referral-row').forEach((row, i) => {
		const type = row.querySelector('[data-key=type]');
		const count = row.querySelector('[data-key=count]');
		const c = count.value.trim();
		if (!validId(type.value))
			bad.add(type.id, t('console.df.err_type', { n: i + 1 }));
		else if (out.some((x) => x.type === type.value))
			bad.add(type.id, t('console.df.err_twice',
			    { type: type.value }));
		if (count.validity.badInput || !/^\d+$/.test(c) || +c < 1 ||
		    +c > COUNT_MAX)
			bad.add(count.id, t('console.df.err_count',
			    { value: count.value, max: COUNT_MAX }));
		else if (validId(type.value))
			out.push({ type: type.value, count: +c });
	});
	if (out.length > LIST_MAX)
		bad.add('df-referrals', t('console.df.err_referrals',
		    { n: LIST_MAX }));
	return out;
}

function actionsOf(f, bad) {
	const out = [];

	f.querySelectorAll('.action-row').forEach((row) => {
		const g = (k) => row.querySelector(`[data-key=${k}]`);
		const what = g('what').value.trim(), owner = g('owner').value.trim();
		const due = g('due').value, status = g('status').value;
		let ok = true;
		const no = (k, why) => {
			bad.add(g(k).id, why);
			ok = false;
		};
		if (!what)
			no('what', t('console.df.err_what'));
		else if (bytes(what) > TEXT_MAX)
			no('what', t('console.df.err_bytes', { max: TEXT_MAX,
			    n: bytes(what) }));
		if (!validId(owner))
			no('owner', t('console.df.err_owner', { hint: idHint() }));
		if (g('due').validity.badInput || !dateValid(due))
			no('due', t('console.df.err_due'));
		if (!ACTION_STATUS.includes(status))
			no('status', t('console.df.err_status'));
		if (ok)
			out.push({ what, status, owner, due });
	});
	if (out.length > LIST_MAX)
		bad.add('df-actions', t('console.df.err_actions', { n: LIST_MAX }));
	return out;
}

function reviewOf(f, had, bad) {
	const r = {};
	const route = f.querySelector('input[name=route]:checked');
	const checked = [...f.querySelectorAll('input[name=notice]:checked')]
	    .map((c) => c.value);

	if (route && route.value)
		r.route = route.value;
	for (const [k] of TEXTS) {
		const s = f.querySelector(`#df-${k}`).value;
		if (bytes(s) > TEXT_MAX)
			bad.add(`df-${k}`, t('console.df.err_bytes',
			    { max: TEXT_MAX, n: bytes(s) }));
		else if (s)
			r[k] = s;
	}
	// The notices in the order they were recorded, new ones after.
	r.notices = [...(had.notices || []).filter((x) => checked.includes(x)),
	    ...checked.filter((x) => !(had.notices || []).includes(x))];
	if (r.notices.length > LIST_MAX)
		bad.add('df-notices', t('console.df.err_notices', { n: LIST_MAX }));
	r.referrals = referralsOf(f, bad);
	r.actions = actionsOf(f, bad);
	return r;
}

// The record as msg_debrief_object writes it: incident, then wellbeing
// (empty fields left out; participants only when more than 0) and review
// (its lists always there, empty or not).
function recordOf(f, state, bad) {
	return {
		incident: state.incident,
		wellbeing: wellbeingOf(f, state.branch, bad),
		review: reviewOf(f, state.latest.review || {}, bad),
	};
}

// ---- errors by their fields -----------------------------------------------------

function clearErrors(f) {
	for (const p of f.querySelectorAll('.field-error'))
		p.textContent = '';
	for (const i of f.querySelectorAll('[aria-invalid]'))
		i.removeAttribute('aria-invalid');
	f.querySelector('#df-result').textContent = '';
}

function showErrors(f, bad) {
	for (const { id, why } of bad) {
		const c = f.querySelector(`#${CSS.escape(id)}`);
		const p = f.querySelector(`#${CSS.escape(id)}-error`);
		if (p)
			p.textContent = p.textContent ? `${p.textContent} ${why}` : why;
		if (c)
			c.setAttribute('aria-invalid', 'true');
	}
	const first = f.querySelector(`#${CSS.escape(bad[0].id)}`);
	const focusable = first && (first.matches('fieldset') ?
	    first.querySelector('input, select, button') : first);
	if (focusable)
		focusable.focus();
}

// Where beacond's refusal belongs: "debrief.wellbeing.participants: ...",
// "debrief.review.actions[1].due: ...", "referrals: unknown referral type
// \"x\" ...", "notices: ...". Anything else goes by the button.
function refusalField(f, error) {
	const m = /^(?:debrief\.)?(?:wellbeing\.|review\.)?([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?:/
	    .exec(error);

	if (!m)
		return null;
	const [, key, i, sub] = m;
	if ((key === 'actions' || key === 'referrals') && i !== undefined) {
		const row = f.querySelectorAll(`.${key.slice(0, -1)}-row`)[+i];
		const c = row && row.querySelector(`[data-key=${sub || 'type'}]`);
		return c ? c.id : `df-${key}`;
	}
	if (key === 'referrals') {
		const q = /"([^"]*)"/.exec(error);
		const sel = q && [...f.querySelectorAll('.referral-row [data-key=type]')]
		    .find((s) => s.value === q[1]);
		return sel ? sel.id : 'df-referrals';
	}
	return f.querySelector(`#df-${key}`) ? `df-${key}` : null;
}

// ---- #debrief=N -----------------------------------------------------------------

async function submit(f, state) {
	const bad = problems();
	const result = f.querySelector('#df-result');

	clearErrors(f);
	sections.debrief.querySelector('#df-done').textContent = '';
	const record = recordOf(f, state, bad);
	if (bad.length) {
		result.textContent = tn('console.df.err_fields', bad.length);
		result.className = 'error';
		showErrors(f, bad);
		return;
	}
	const button = f.querySelector('button[type=submit]');
	button.disabled = true;
	const a = await ask('record', { incident: state.incident, debrief: record });
	button.disabled = false;
	if (!a.ok) {
		const id = refusalField(f, a.error);
		result.className = 'error';
		result.textContent = t('console.df.refused', { error: a.error });
		if (id)
			showErrors(f, [{ id, why: a.error }]);
		return;
	}
	const done = t('console.df.recorded', { n: a.revision });
	ctx.announce(done);
	await showForm(state.incident, done);
	// The form is drawn anew: the focus goes to what happened.
	const said = sections.debrief.querySelector('#df-done');
	if (said)
		said.focus();
}

function form(state) {
	const d = state.latest;
	const next = (d.revision || 0) + 1;
	const f = el('form', { class: 'cf-form', id: 'debrief-form',
	    novalidate: true, 'aria-label': t('console.df.title',
		{ id: state.incident }) },
	    wellbeingPart(d.wellbeing || {}, state.branch),
	    reviewPart(d.review || {}),
	    el('div', { class: 'cf-buttons' },
		el('button', { type: 'submit', class: 'act primary' },
		    t('console.df.submit', { n: next }))),
	    el('p', { id: 'df-result', role: 'alert', class: 'error' }));

	f.addEventListener('submit', (e) => {
		e.preventDefault();
		submit(f, state);
	});
	return f;
}

async function showForm(id, message) {
	const s = sections.debrief;
	const n = ++drawn;
	const head = el('h2', null, id ? t('console.df.title', { id }) :
	    t('console.df.title_none'));

	if (!id) {
		s.replaceChildren(head, el('p', null, t('console.df.choose'), ' ',
		    el('a', { href: '#debriefs' }, t('console.df.list_title')), '.'));
		return;
	}
	busy(s, true);
	const [tl, d] = await Promise.all([ask('timeline', { incident: id }),
	    ask('debrief', { incident: id, all: true })]);
	if (n !== drawn)
		return;
	const back = el('p', null, el('a', { href: '#debriefs' },
	    t('console.df.back')));
	if (!tl.ok || !tl.incident) {
		s.replaceChildren(head, back, el('p', { class: 'error',
		    role: 'alert' }, t('console.beacond_refused',
		    { error: tl.error || t('console.df.no_incident') })));
		busy(s, false);
		return;
	}
	const revs = (d.ok ? d.debriefs || [] : []).slice()
	    .sort((a, b) => a.revision - b.revision);
	const state = { incident: id, branch: tl.incident.branch,
	    latest: revs.length ? revs[revs.length - 1] : {} };
	s.replaceChildren(...[head, back,
	    el('p', { id: 'df-done', role: 'status', class: 'ok-text',
		tabindex: -1 },
		message || ''),
	    el('div', { class: 'cf-side' }, summary(tl.incident, tl.events),
		revisionsList(revs, state.branch)),
	    d.ok ? null : el('p', { class: 'error', role: 'alert' },
		t('console.df.revisions_error', { error: d.error })),
	    form(state)].filter(Boolean));
	s.dataset.loaded = String(n);
	busy(s, false);
}

export function mount(s, c) {
	ctx = c;
	sections[s.id.replace(/^view-/, '')] = s;
	s.classList.add('console-forms');
}

export function show(params) {
	if (params.view === 'debrief')
		showForm(params.id);
	else
		showList();
}
